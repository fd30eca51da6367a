/**
 * A stream that completes an assistant message and then drops is retried with the first
 * attempt's input; the failed attempt's items are dropped, so history, the rollout and the
 * next request hold the successful reply once (not `half, half, half, done3`).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ev, type ScriptedResponse } from 'turnstate/testing';
import { inputOf, readTurn, say, startEngine, type Harness } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const halfThenDrop = (id: string): ScriptedResponse => ({ events: [ev.created(id), ev.assistantMessage('m_half', 'half')], closeEarly: true });
const answer = (id: string, text: string): ScriptedResponse => ({ events: [ev.created(id), ev.assistantMessage(`m_${id}`, text), ev.completed(id)] });

const assistantTexts = (items: ReadonlyArray<Record<string, unknown>>): string[] =>
  items.flatMap((item) =>
    item.type === 'message' && item.role === 'assistant' ? (item.content as Array<{ text?: string }>).map((c) => c.text ?? '') : [],
  );

describe('a retried stream', () => {
  it('leaves the failed attempts out of history, the rollout and the next request', async () => {
    h = await startEngine([halfThenDrop('r1'), halfThenDrop('r2'), halfThenDrop('r3'), answer('r4', 'done3'), answer('r5', 'ok')]);
    await h.thread.submit(say('first'));
    const events = await readTurn(h.thread);
    expect(events.filter((e) => e.msg.type === 'stream_error')).toHaveLength(3);
    await h.thread.submit(say('second'));
    await readTurn(h.thread);

    // Every retry resent the first attempt's input.
    for (const retry of [1, 2, 3]) expect(inputOf(h.server, retry)).toEqual(inputOf(h.server, 0));
    // The next request holds the successful reply once.
    expect(assistantTexts(inputOf(h.server, 4))).toEqual(['done3']);

    const path = h.thread.rolloutPath ?? '';
    await h.close();
    h = undefined;
    const rolloutItems = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; payload: Record<string, unknown> })
      .filter((line) => line.type === 'response_item')
      .map((line) => line.payload);
    expect(assistantTexts(rolloutItems)).toEqual(['done3', 'ok']);
  });
});
