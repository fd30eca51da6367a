/**
 * The persistence integration scenarios (resume, fork, rollback; SPEC §14 items 43–51) on
 * real threads whose rollouts live in PostgreSQL. Each session holds the thread's lease while
 * it runs, as a worker does; the next request after a stop + resume must equal the one a
 * never-stopped thread sends, and the file store must see the same requests.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, TURN_ABORTED_MARKER_TEXT, type CreateThreadOptions, type EventMsg, type ResponseItem } from 'turnstate';
import { scriptedModel, scriptedTurn, type ScriptedModelClient, type ScriptedTurn } from 'turnstate/testing';
import type { ThreadStore } from '../../src/persistence/index.js';
import { shouldPersist } from '../../src/persistence/index.js';
import { assistantMsg, cleanUp, freshHome, lineKind, liveHistory, open, runOp, runTurn, say, userMsg, userTurn, usage, type Opened } from '../persistence-integration/support.js';
import { dropStores, endAdmin, PG_URL, pgStore } from './support.js';

afterEach(async () => {
  await cleanUp();
  await dropStores();
});
afterAll(endAdmin);

const persisted = (msg: EventMsg) => shouldPersist({ type: 'event_msg', payload: msg }, 'limited');
const itemOf = (line: { type: string; payload: unknown }) => ({ type: line.type, payload: line.payload });

/** Opens a thread on `store`; createThread takes its write lease, and shutdown gives it up. */
async function openLeased(store: ThreadStore, threadId: string, options: Omit<CreateThreadOptions, 'store'>): Promise<Opened> {
  return open({ home: await freshHome(), store, ...options, ...(options.resume || options.fork ? {} : { threadId }) });
}

/** Shuts a session down (which gives its lease up). */
async function close(s: Opened): Promise<void> {
  await s.thread.shutdown();
}

const T1 = '01a1fe10-0000-7000-8000-0000000000a1';

describe.skipIf(PG_URL === null)('persistence integration on PostgreSQL', () => {
  it('§14.43 resume replays the persisted events in their original order', async () => {
    const store = pgStore();
    const first = await openLeased(store, T1, { model: scriptedModel([scriptedTurn.reply('Hello', { usage: usage(10, 2) })]) });
    await userTurn(first, 'turn-1', 'hi');
    await close(first);

    const resumed = await openLeased(store, T1, { model: scriptedModel([]), resume: { threadId: T1 } });
    const configured = resumed.log.ofType('session_configured')[0];
    expect((configured?.initial_messages ?? []) as EventMsg[]).toEqual(first.log.events.map((e) => e.msg).filter(persisted));
    expect(configured).toMatchObject({ session_id: T1, rollout_path: `postgres:${store.schema}/${T1}` });
    expect(resumed.log.types()).toEqual(['session_configured']);
  });

  it('§14.44 the request after stop + resume equals a never-stopped thread’s (tool call, interrupt, compaction), on files and on PostgreSQL', async () => {
    const add = defineTool({ name: 'add', description: 'Adds', parameters: z.object({ a: z.number(), b: z.number() }), execute: ({ a, b }) => String(a + b) });
    const script = (): ScriptedTurn[] => [
      scriptedTurn.functionCall('call_1', 'add', '{"a":1,"b":2}'),
      scriptedTurn.reply('It is 3.'),
      [{ type: 'created' }, { hang: true }],
      scriptedTurn.reply('SUMMARY: added numbers'),
      scriptedTurn.reply('second answer'),
      scriptedTurn.reply('third answer'),
      scriptedTurn.reply('not asked for'),
    ];
    const session = async (store: ThreadStore | null, resumeBeforeLast: boolean) => {
      const model = scriptedModel(script());
      const opts = { model, tools: [add] };
      let s = store === null ? await open({ home: await freshHome(), threadId: T1, ...opts }) : await openLeased(store, T1, opts);
      await userTurn(s, 'turn-1', 'add 1 and 2');
      await s.thread.submitWithId({ id: 'turn-2', op: say('explain') });
      await s.log.until((e) => e.msg.type === 'user_message' && e.id === 'turn-2');
      // Interrupt once the hanging request is streaming (so it is the one consumed).
      while (model.calls < 3) await new Promise((resolve) => setTimeout(resolve, 2));
      await s.thread.submit({ type: 'interrupt' });
      await s.log.until((e) => e.msg.type === 'turn_aborted' && e.id === 'turn-2');
      await runTurn(s, 'compact-1', { type: 'compact' });
      await userTurn(s, 'turn-3', 'again');
      if (resumeBeforeLast && store !== null) {
        await close(s);
        s = await openLeased(store, T1, { ...opts, resume: { threadId: T1 } });
      }
      await userTurn(s, 'turn-4', 'last one');
      return model.requests.map((r) => r.input);
    };

    const files = await session(null, false);
    const never = await session(pgStore(), false);
    const resumed = await session(pgStore(), true);
    expect(resumed).toHaveLength(6);
    expect(resumed).toEqual(never);
    expect(never).toEqual(files);
    expect(resumed.at(-1)?.at(-1)).toEqual(userMsg('last one'));
  });

  it('§14.46 seeds token usage from the last persisted token_count', async () => {
    const store = pgStore();
    const first = await openLeased(store, T1, { model: scriptedModel([scriptedTurn.reply('a', { usage: usage(100, 20) }), scriptedTurn.reply('b', { usage: usage(300, 5) })]) });
    await userTurn(first, 'turn-1', 'one');
    await userTurn(first, 'turn-2', 'two');
    await close(first);
    const resumed = await openLeased(store, T1, { model: scriptedModel([scriptedTurn.reply('c', { usage: usage(7, 3) })]), resume: { threadId: T1 } });
    const events = await userTurn(resumed, 'turn-3', 'three');
    const counts = events.flatMap((e) => (e.msg.type === 'token_count' ? [e.msg.info] : []));
    expect(counts).toEqual([{ total_token_usage: usage(407, 28), last_token_usage: usage(7, 3), model_context_window: null }]);
  });

  it('§14.51 a fork before the n-th user message is the parent’s prefix; an interrupted fork closes the open turn', async () => {
    const store = pgStore();
    const parent = await openLeased(store, T1, { model: scriptedModel((_r, i) => scriptedTurn.reply(`answer ${i + 1}`)) });
    await userTurn(parent, 'turn-1', 'one');
    await userTurn(parent, 'turn-2', 'two');
    await close(parent);
    const parentLines = (await store.read(T1)).lines;

    const forkModel = scriptedModel([scriptedTurn.reply('forked answer')]);
    const fork = await open({ home: await freshHome(), store, model: forkModel, fork: { threadId: T1, beforeUserMessage: 1 } });
    const forkLines = (await store.read(fork.thread.id)).lines;
    const cut = parentLines.findIndex((l) => lineKind(l) === 'user:two');
    expect(forkLines.slice(1).map(itemOf)).toEqual(parentLines.slice(1, cut).map(itemOf));
    expect(forkLines[0]).toMatchObject({ type: 'session_meta', payload: { id: fork.thread.id, forked_from_id: T1 } });
    await userTurn(fork, 'fork-turn', 'instead');
    expect(forkModel.requests[0]?.input.slice(-3)).toEqual([userMsg('one'), assistantMsg('answer 1'), userMsg('instead')]);

    const hanging = await openLeased(store, '01a1fe10-0000-7000-8000-0000000000a2', { model: scriptedModel([[{ type: 'created' }, { hang: true }]]) });
    await hanging.thread.submitWithId({ id: 'turn-1', op: say('wait') });
    await hanging.log.until((e) => e.msg.type === 'user_message');
    for (let tries = 0; !(await store.read(hanging.thread.id)).items.some((i) => i.type === 'event_msg' && i.payload.type === 'user_message'); tries++) {
      if (tries > 200) throw new Error('the user message never reached the store');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const interruptedModel = scriptedModel([scriptedTurn.reply('ok')]);
    const interrupted = await open({ home: await freshHome(), store, model: interruptedModel, fork: { threadId: hanging.thread.id, interrupted: true } });
    await userTurn(interrupted, 'fork-turn', 'continue');
    const kinds = (await store.read(interrupted.thread.id)).lines.map(lineKind);
    const marker = kinds.indexOf('user:<turn_aborted>…');
    expect(kinds.slice(marker - 2, marker + 3)).toEqual(['user:wait', 'event:user_message', 'user:<turn_aborted>…', 'event:turn_aborted', 'event:task_started']);
    const tail: ResponseItem[] = [userMsg('wait'), userMsg(TURN_ABORTED_MARKER_TEXT), userMsg('continue')];
    expect(interruptedModel.requests[0]?.input.slice(-3)).toEqual(tail);
  });

  it('§14.50 rollbacks are cumulative, persisted and survive resume', async () => {
    const store = pgStore();
    const model: ScriptedModelClient = scriptedModel((_r, i) => scriptedTurn.reply(`answer ${i + 1}`));
    const s = await openLeased(store, T1, { model });
    for (const [i, text] of ['one', 'two', 'three', 'four'].entries()) await userTurn(s, `turn-${i + 1}`, text);
    const context = model.requests[0]?.input.slice(0, 2) ?? [];
    await runOp(s, 'rb-1', { type: 'thread_rollback', num_turns: 1 });
    await runOp(s, 'rb-2', { type: 'thread_rollback', num_turns: 1 });
    const afterTwo = liveHistory(s.thread);
    await close(s);

    const resumedModel = scriptedModel((_r, i) => scriptedTurn.reply(`resumed ${i + 1}`));
    const resumed = await openLeased(store, T1, { model: resumedModel, resume: { threadId: T1 } });
    expect(liveHistory(resumed.thread)).toEqual(afterTwo);
    await runOp(resumed, 'rb-3', { type: 'thread_rollback', num_turns: 1 });
    await userTurn(resumed, 'turn-5', 'five');
    expect(resumedModel.requests[0]?.input).toEqual([...context, userMsg('one'), assistantMsg('answer 1'), userMsg('five')]);
    await close(resumed);
    const rollbacks = (await store.read(T1)).items.filter((i) => i.type === 'event_msg' && i.payload.type === 'thread_rolled_back');
    expect(rollbacks.map((i) => i.payload)).toEqual([1, 1, 1].map((n) => ({ type: 'thread_rolled_back', num_turns: n })));
  });
});
