/**
 * A Responses stream that sends one enormous line without a newline (12 MB, in 256 kB
 * chunks) ends the turn with a typed error once the event passes the size bound (8 MiB by
 * default); the thread keeps working and its next turn completes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { answer, messages, say, startRig, type Rig } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const CHUNK = 'x'.repeat(256 * 1024);
const hugeLine = ['event: response.created\ndata: {"type":"response.created","response":{"id":"r1"}}\n\n', 'data: ', ...Array.from({ length: 48 }, () => CHUNK)];

describe('an oversized SSE event', () => {
  it('ends the turn with a typed error, and the next turn works', async () => {
    rig = await startRig([{ raw: hugeLine }, answer('r2', 'still here')]);
    const first = await rig.thread.submit(say('hello'));
    await rig.log.untilType('task_complete', { id: first });
    const errors = messages(rig.log, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/SSE event larger than 8388608 characters/);
    expect(messages(rig.log, 'stream_error')).toEqual([]);

    const second = await rig.thread.submit(say('again'));
    await rig.log.untilType('task_complete', { id: second });
    expect(messages(rig.log, 'task_complete').at(-1)?.last_agent_message).toBe('still here');
    expect(rig.server.requests).toHaveLength(2);
  });
});
