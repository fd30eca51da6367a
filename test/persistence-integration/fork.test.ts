/**
 * SPEC §14 item 51: forking before the n-th user message gives a new thread whose rollout
 * (without its own session_meta) is the parent's prefix; the `interrupted` fork of a thread
 * that is mid-turn closes that turn the way an interrupt would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TURN_ABORTED_MARKER_TEXT, type EventMsg, type ResponseItem } from 'turnstate';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import { assistantMsg, cleanUp, freshHome, itemOf, lineKind, open, readLines, say, userMsg, userTurn } from './support.js';

afterEach(cleanUp);

describe('fork', () => {
  it('§14.51 before the n-th user message: the fork rollout minus session_meta is the parent prefix; forked_from_id is set', async () => {
    const home = await freshHome();
    const parentModel = scriptedModel((_request, i) => scriptedTurn.reply(`answer ${i + 1}`));
    const parent = await open({ home, model: parentModel });
    await userTurn(parent, 'turn-1', 'one');
    await userTurn(parent, 'turn-2', 'two');
    await userTurn(parent, 'turn-3', 'three');
    await parent.thread.shutdown();
    const parentLines = readLines(parent.thread.rolloutPath ?? '');

    const forkModel = scriptedModel([scriptedTurn.reply('forked answer')]);
    const fork = await open({ home, model: forkModel, fork: { threadId: parent.thread.id, beforeUserMessage: 1 } });
    const forkLinesAtStart = readLines(fork.thread.rolloutPath ?? '');
    await userTurn(fork, 'fork-turn', 'instead');

    const cut = parentLines.findIndex((l) => lineKind(l) === 'user:two');
    expect(parentLines.slice(1, cut).map(lineKind)).toEqual([
      'event:task_started',
      'developer:<permissions instructions>…',
      'user:<environment_context>…',
      'turn_context',
      'user:one',
      'event:user_message',
      'event:agent_message',
      'assistant:answer 1',
      'event:token_count',
      'event:task_complete',
      'event:task_started',
      'turn_context',
    ]);
    expect(forkLinesAtStart.slice(1).map(itemOf)).toEqual(parentLines.slice(1, cut).map(itemOf));
    expect(forkLinesAtStart[0]).toMatchObject({ type: 'session_meta', payload: { id: fork.thread.id, forked_from_id: parent.thread.id } });
    expect(fork.thread.id).not.toBe(parent.thread.id);
    expect(fork.thread.rolloutPath).not.toBe(parent.thread.rolloutPath);
    const configured = fork.log.ofType('session_configured')[0];
    expect(configured?.forked_from_id).toBe(parent.thread.id);
    expect(((configured?.initial_messages ?? []) as EventMsg[]).map((m) => m.type)).toEqual(['task_started', 'user_message', 'agent_message', 'token_count', 'task_complete', 'task_started']);
    const context = parentModel.requests[0]?.input.slice(0, 2) ?? [];
    expect(forkModel.requests[0]?.input).toEqual([...context, userMsg('one'), assistantMsg('answer 1'), userMsg('instead')]);
    expect(readLines(parent.thread.rolloutPath ?? '')).toEqual(parentLines);
  });

  it('interrupted mode forks a thread that is mid-turn and closes that turn with the <turn_aborted> marker', async () => {
    const home = await freshHome();
    const parentModel = scriptedModel([scriptedTurn.reply('answer 1'), [{ type: 'created' }, { hang: true }]]);
    const parent = await open({ home, model: parentModel });
    await userTurn(parent, 'turn-1', 'one');
    await parent.thread.submitWithId({ id: 'turn-2', op: say('two') });
    await parent.log.until((e) => e.msg.type === 'user_message' && e.id === 'turn-2');
    await eventually(() => readLines(parent.thread.rolloutPath ?? '').some((l) => l.payload.type === 'user_message' && l.payload.message === 'two'));

    const forkModel = scriptedModel([scriptedTurn.reply('forked answer')]);
    const fork = await open({ home, model: forkModel, fork: { threadId: parent.thread.id, interrupted: true } });
    await userTurn(fork, 'fork-turn', 'continue');

    const forkLines = readLines(fork.thread.rolloutPath ?? '');
    const kinds = forkLines.map(lineKind);
    const marker = kinds.indexOf('user:<turn_aborted>…');
    expect(kinds.slice(marker - 3, marker + 3)).toEqual(['turn_context', 'user:two', 'event:user_message', 'user:<turn_aborted>…', 'event:turn_aborted', 'event:task_started']);
    expect(forkLines[marker + 1]?.payload).toEqual({ type: 'turn_aborted', turn_id: 'turn-2', reason: 'interrupted' });
    expect(forkLines[marker + 2]?.payload).toMatchObject({ type: 'task_started', turn_id: 'fork-turn' });
    const request = forkModel.requests[0]?.input ?? [];
    const tail: ResponseItem[] = [userMsg('two'), userMsg(TURN_ABORTED_MARKER_TEXT), userMsg('continue')];
    expect(request.slice(-3)).toEqual(tail);
    expect(parent.thread.status()).toBe('running');
  });
});

async function eventually(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
