/**
 * SPEC §14 items 7, 8 and 9: what the model sees after an interrupt — the `<turn_aborted>`
 * marker (announced by no event), the aborted output of an interrupted shell-like call, and
 * `"aborted"` for a call that never got an output.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, TURN_ABORTED_MARKER_TEXT, type Event } from 'turnstate';
import { ev, type ScriptedResponse } from 'turnstate/testing';
import { inputOf, kinds, readTurn, readUntil, say, startEngine, userMessage, withoutInitialContext, type Harness } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const answer = (id: string): ScriptedResponse => ({ events: [ev.created(id), ev.assistantMessage(`m-${id}`, 'ok'), ev.completed(id)] });
const callOnly = (id: string, callId: string, name: string): ScriptedResponse => ({
  events: [ev.created(id), ev.functionCall(callId, name, '{}'), ev.completed(id)],
});

/** Resolves when the tool body starts; `release` lets a non-cooperative tool finish. */
function gate() {
  let started!: () => void;
  let release!: () => void;
  const startedP = new Promise<void>((r) => (started = r));
  const releasedP = new Promise<void>((r) => (release = r));
  return { started, startedP, release, releasedP };
}

const mentionsMarker = (events: readonly Event[]) => events.some((e) => JSON.stringify(e.msg).includes('<turn_aborted>'));

describe('interrupts', () => {
  it('§14.7 after an interrupt the next request carries the <turn_aborted> marker; no event announces it', async () => {
    h = await startEngine([{ events: [ev.created('r1'), ev.messageAdded('m1'), ev.textDelta('Work')], hold: true }, answer('r2')]);

    const first = await h.thread.submit(say('start'));
    const streaming = await readUntil(h.thread, 'agent_message_content_delta');
    await h.thread.submit({ type: 'interrupt' });
    const aborted = [...streaming, ...(await readTurn(h.thread))];
    await h.thread.submit(say('next'));
    const next = await readTurn(h.thread);

    expect(kinds(aborted)).toEqual([
      'task_started',
      'item_started:UserMessage',
      'item_completed:UserMessage',
      'user_message',
      'item_started:AgentMessage',
      'turn_aborted',
    ]);
    expect(aborted.at(-1)?.msg).toMatchObject({ type: 'turn_aborted', turn_id: first, reason: 'interrupted' });
    expect(await h.server.waitForClose(0)).toBe('client_closed');
    expect(withoutInitialContext(inputOf(h.server, 1))).toEqual([userMessage('start'), userMessage(TURN_ABORTED_MARKER_TEXT), userMessage('next')]);
    expect(mentionsMarker([...aborted, ...next])).toBe(false);
  });

  it('§14.8 an interrupted shell-like call is sent with its call and a "Wall time … aborted by user" output', async () => {
    const g = gate();
    const sleepy = defineTool({
      name: 'shell',
      description: 'Runs a command',
      parameters: z.object({}),
      shellLike: true,
      execute: (_args, { signal }) =>
        new Promise<string>((_resolve, reject) => {
          g.started();
          signal.addEventListener('abort', () => reject(new Error('killed')), { once: true });
        }),
    });
    h = await startEngine([callOnly('r1', 'call_sh', 'shell'), answer('r2')], { tools: [sleepy] });

    await h.thread.submit(say('run it'));
    await g.startedP;
    await h.thread.submit({ type: 'interrupt' });
    const aborted = await readTurn(h.thread);
    await h.thread.submit(say('what happened?'));
    await readTurn(h.thread);

    expect(kinds(aborted).at(-1)).toBe('turn_aborted');
    expect(kinds(aborted)).not.toContain('task_complete');
    expect(withoutInitialContext(inputOf(h.server, 1))).toEqual([
      userMessage('run it'),
      { type: 'function_call', call_id: 'call_sh', name: 'shell', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_sh', output: expect.stringMatching(/^Wall time: \d+\.\d seconds\naborted by user$/) },
      userMessage(TURN_ABORTED_MARKER_TEXT),
      userMessage('what happened?'),
    ]);
  });

  it('§14.9 a call left without output (tool ignored the interrupt) is sent with output "aborted"', async () => {
    const g = gate();
    const stubborn = defineTool({
      name: 'stubborn',
      description: 'Ignores cancellation',
      parameters: z.object({}),
      execute: async () => {
        g.started();
        await g.releasedP;
        return 'finished late';
      },
    });
    h = await startEngine([callOnly('r1', 'call_st', 'stubborn'), answer('r2')], { tools: [stubborn] });

    await h.thread.submit(say('go'));
    await g.startedP;
    await h.thread.submit({ type: 'interrupt' });
    await readTurn(h.thread);
    g.release();
    await h.thread.submit(say('again'));
    await readTurn(h.thread);

    expect(withoutInitialContext(inputOf(h.server, 1))).toEqual([
      userMessage('go'),
      { type: 'function_call', call_id: 'call_st', name: 'stubborn', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_st', output: 'aborted' },
      userMessage(TURN_ABORTED_MARKER_TEXT),
      userMessage('again'),
    ]);
  });
});
