/**
 * The thread's session changes only by named events an inspector shows, and the turn keeps
 * its own data: a user turn, watched through `inspect`, in the literal order its session and
 * turn events reach the actors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { createThread, type Thread } from 'turnstate';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import { EventLog } from './harness.js';

let thread: Thread | null = null;
afterEach(async () => {
  await thread?.shutdown();
  thread = null;
});

const NAMED = /^(HISTORY|TOKENS|RATE_LIMITS|SERVER_REASONING|SETTINGS|MAILBOX|IDLE_INPUT|THREAD_NAME|MEMORY_MODE|ELICITATION|TURN\.FIRST_TOKEN|TOOL_CALL\.COUNT|SESSION)/;

describe('session events', () => {
  it('a user turn: history, tokens and mailbox change by named events; the turn records its first token', async () => {
    const seen: string[] = [];
    const inspect = (ev: InspectionEvent) => {
      if (ev.type === '@xstate.event' && NAMED.test(ev.event.type)) seen.push(`${(ev.actorRef as { id?: string }).id?.startsWith('turn:') ? 'turn' : 'thread'} ${ev.event.type}`);
    };
    const usage = { input_tokens: 7, cached_input_tokens: 0, output_tokens: 3, reasoning_output_tokens: 0, total_tokens: 10 };
    thread = await createThread({ model: scriptedModel([scriptedTurn.reply('Hello!', { usage })]), cwd: '/tmp', ephemeral: true, inspect });
    const log = new EventLog(thread);
    const id = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'hi', text_elements: [] }] });
    const done = await log.untilType('task_complete', { id });
    expect(seen).toEqual([
      'thread HISTORY.RECORD', // initial context
      'thread HISTORY.SET_REFERENCE_CONTEXT',
      'thread HISTORY.RECORD', // the user message
      'turn TURN.FIRST_TOKEN',
      'thread MAILBOX.CLOSE', // the final answer closes the mailbox for this turn
      'thread TOKENS.UPDATE',
      'thread HISTORY.RECORD', // the answer
    ]);
    const { history } = thread.actor.getSnapshot().context;
    expect(history.tokenInfo?.total_token_usage.total_tokens).toBe(10);
    expect(history.items.at(-1)).toMatchObject({ type: 'message', role: 'assistant' });
    expect(done.msg.time_to_first_token_ms).not.toBeNull();
  });
});
