/**
 * SPEC §14 items 47–50: `thread_rollback` drops the last n user turns from what the model
 * sees, is recorded in the rollout, refuses the cases it cannot handle without changing
 * anything, and is cumulative across resumes.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResponseItem } from 'turnstate';
import { scriptedModel, scriptedTurn, type ScriptedModelClient } from 'turnstate/testing';
import { assistantMsg, cleanUp, freshHome, liveHistory, open, readLines, runOp, userMsg, userTurn, type Opened } from './support.js';

afterEach(cleanUp);

/** A model answering `answer <n>` to its n-th request (1-based), forever. */
const echoModel = (): ScriptedModelClient => scriptedModel((_request, i) => scriptedTurn.reply(`answer ${i + 1}`));

/** Runs user turns `turn-1…` with texts `one`, `two`, … */
async function turns(s: Opened, texts: string[], offset = 0): Promise<void> {
  for (const [i, text] of texts.entries()) await userTurn(s, `turn-${offset + i + 1}`, text);
}

const inputOf = (model: ScriptedModelClient, i: number): ResponseItem[] => model.requests.at(i)?.input ?? [];

describe('thread_rollback', () => {
  it('§14.47 drops the last n user turns from the next request, persists thread_rolled_back, emits token_count then thread_rolled_back', async () => {
    const model = echoModel();
    const s = await open({ home: await freshHome(), model });
    await turns(s, ['one', 'two', 'three']);
    const context = inputOf(model, 0).slice(0, 2);

    const events = await runOp(s, 'rb', { type: 'thread_rollback', num_turns: 1 });
    await userTurn(s, 'turn-4', 'four');

    expect(events.map((e) => e.msg)).toEqual([
      { type: 'token_count', info: expect.objectContaining({ last_token_usage: expect.anything() }), rate_limits: null },
      { type: 'thread_rolled_back', num_turns: 1 },
    ]);
    expect(inputOf(model, 3)).toEqual([...context, userMsg('one'), assistantMsg('answer 1'), userMsg('two'), assistantMsg('answer 2'), userMsg('four')]);
    await s.thread.shutdown();
    const lines = readLines(s.thread.rolloutPath ?? '');
    const rolled = lines.findIndex((l) => l.payload.type === 'thread_rolled_back');
    expect(lines[rolled]?.payload).toEqual({ type: 'thread_rolled_back', num_turns: 1 });
    expect(lines[rolled - 1]?.payload.type).toBe('token_count');
    expect(lines.filter((l) => l.payload.type === 'thread_rolled_back')).toHaveLength(1);
  });

  it('§14.48 n = 0, an active turn and an ephemeral thread each fail with thread_rollback_failed and change nothing', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const model = scriptedModel([scriptedTurn.reply('answer 1'), [{ type: 'created' }, { waitFor: gate }, ...scriptedTurn.reply('answer 2').slice(1)], scriptedTurn.reply('answer 3')]);
    const s = await open({ home: await freshHome(), model });
    await turns(s, ['one']);
    const path = s.thread.rolloutPath ?? '';
    const fileBefore = readFileSync(path, 'utf8');
    const historyBefore = liveHistory(s.thread);

    const zero = await runOp(s, 'rb-0', { type: 'thread_rollback', num_turns: 0 });
    const fileAfterZero = readFileSync(path, 'utf8');
    await s.thread.submitWithId({ id: 'turn-2', op: { type: 'user_input', items: [{ type: 'text', text: 'two' }] } });
    await s.log.until((e) => e.msg.type === 'user_message' && e.id === 'turn-2');
    await s.thread.submitWithId({ id: 'rb-active', op: { type: 'thread_rollback', num_turns: 1 } });
    await s.log.until((e) => e.id === 'rb-active');
    release();
    await s.log.until((e) => e.msg.type === 'task_complete' && e.id === 'turn-2');
    await userTurn(s, 'turn-3', 'three');

    const ephemeral = await open({ home: await freshHome(), model: echoModel(), ephemeral: true });
    await turns(ephemeral, ['one']);
    const ephemeralHistory = liveHistory(ephemeral.thread);
    const refused = await runOp(ephemeral, 'rb-eph', { type: 'thread_rollback', num_turns: 1 });

    const failure = (message: string) => [{ type: 'error', message, codex_error_info: 'thread_rollback_failed' }];
    expect(zero.map((e) => e.msg)).toEqual(failure('num_turns must be >= 1'));
    expect(s.log.events.filter((e) => e.id === 'rb-active').map((e) => e.msg)).toEqual(failure('Cannot rollback while a turn is in progress.'));
    expect(refused.map((e) => e.msg)).toEqual(failure('thread rollback requires persisted thread history'));
    expect(fileAfterZero).toBe(fileBefore);
    expect(liveHistory(ephemeral.thread)).toEqual(ephemeralHistory);
    expect(ephemeral.thread.rolloutPath).toBeNull();
    expect(inputOf(model, 2)).toEqual([...historyBefore, userMsg('two'), assistantMsg('answer 2'), userMsg('three')]);
    await s.thread.shutdown();
    expect(readLines(path).filter((l) => l.payload.type === 'thread_rolled_back')).toEqual([]);
  });

  it('§14.49 n larger than the number of turns keeps only the pre-first-turn context', async () => {
    const model = echoModel();
    const s = await open({ home: await freshHome(), model });
    await turns(s, ['one', 'two']);

    const events = await runOp(s, 'rb', { type: 'thread_rollback', num_turns: 5 });
    const history = liveHistory(s.thread);
    await userTurn(s, 'turn-3', 'fresh start');

    expect(events.map((e) => e.msg.type)).toEqual(['token_count', 'thread_rolled_back']);
    const context = inputOf(model, 0).slice(0, 2);
    expect(context.map((i) => (i.type === 'message' ? i.role : i.type))).toEqual(['developer', 'user']);
    expect(history).toEqual(context);
    // No turn_context survives the rollback, so (as in Codex's reconstruction) the reference
    // baseline is gone and the next turn injects the initial context once more.
    expect(inputOf(model, 2)).toEqual([...context, ...context, userMsg('fresh start')]);
  });

  it('§14.50 rollbacks are cumulative and survive resume', async () => {
    const home = await freshHome();
    const model = echoModel();
    const s = await open({ home, model });
    await turns(s, ['one', 'two', 'three', 'four']);
    const context = inputOf(model, 0).slice(0, 2);

    await runOp(s, 'rb-1', { type: 'thread_rollback', num_turns: 1 });
    await runOp(s, 'rb-2', { type: 'thread_rollback', num_turns: 1 });
    const afterTwo = liveHistory(s.thread);
    await s.thread.shutdown();
    const resumedModel = scriptedModel((_request, i) => scriptedTurn.reply(`resumed ${i + 1}`));
    const resumed = await open({ home, model: resumedModel, resume: { threadId: s.thread.id } });
    const restored = liveHistory(resumed.thread);
    await runOp(resumed, 'rb-3', { type: 'thread_rollback', num_turns: 1 });
    await userTurn(resumed, 'turn-5', 'five');

    const two = [userMsg('one'), assistantMsg('answer 1'), userMsg('two'), assistantMsg('answer 2')];
    expect(afterTwo).toEqual([...context, ...two]);
    expect(restored).toEqual(afterTwo);
    expect(inputOf(resumedModel, 0)).toEqual([...context, userMsg('one'), assistantMsg('answer 1'), userMsg('five')]);
    await resumed.thread.shutdown();
    const rollbacks = readLines(s.thread.rolloutPath ?? '').filter((l) => l.payload.type === 'thread_rolled_back');
    expect(rollbacks.map((l) => l.payload)).toEqual([1, 1, 1].map((n) => ({ type: 'thread_rolled_back', num_turns: n })));
  });
});
