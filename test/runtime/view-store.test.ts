/** The view store's transcript: appended per line, shared while unchanged, never changed once read. */
import { describe, expect, it } from 'vitest';
import type { Event } from '../../src/protocol/index.js';
import { createViewStore } from '../../src/runtime/view.js';

const ev = (msg: Event['msg'], id = 't1'): Event => ({ id, msg }) as Event;
const user = (message: string) => ev({ type: 'user_message', message, images: null } as unknown as Event['msg']);
const agent = (message: string) => ev({ type: 'agent_message', message } as unknown as Event['msg']);

describe('view transcript', () => {
  it('keeps the same array while no line is added, and a read array never changes', () => {
    const view = createViewStore('th');
    view.trigger.event({ event: user('hi') });
    const first = view.getSnapshot().context.transcript;
    expect(first).toEqual([{ turnId: 't1', role: 'user', text: 'hi' }]);
    view.trigger.stream({ text: 'Hel' });
    view.trigger.event({ event: ev({ type: 'task_started', turn_id: 't1' } as unknown as Event['msg']) });
    expect(view.getSnapshot().context.streamingText).toBe('');
    expect(view.getSnapshot().context.transcript).toBe(first);
    view.trigger.event({ event: agent('hello') });
    const second = view.getSnapshot().context.transcript;
    expect(second).not.toBe(first);
    expect(second.map((l) => l.text)).toEqual(['hi', 'hello']);
    expect(first).toEqual([{ turnId: 't1', role: 'user', text: 'hi' }]);
  });

  it('notifies a transcript subscriber once per added line, with the lines so far', () => {
    const view = createViewStore('th');
    const seen: number[] = [];
    view.select((v) => v.transcript).subscribe((t) => seen.push(t.length));
    view.trigger.event({ event: user('a') });
    view.trigger.stream({ text: 'x' });
    view.trigger.event({ event: agent('b') });
    view.trigger.event({ event: ev({ type: 'token_count', info: null } as unknown as Event['msg']) });
    view.trigger.event({ event: user('c') });
    expect(seen).toEqual([1, 2, 3]);
    expect(JSON.parse(JSON.stringify(view.getSnapshot().context)).transcript).toHaveLength(3);
  });
});
