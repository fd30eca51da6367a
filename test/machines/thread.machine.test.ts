/**
 * The thread machine alone: its turn, goal, recorder and MCP server children are logging
 * fake machines, time runs on a SimulatedClock (a fake turn takes 50 ms to abort). Asserts
 * the literal order of turn starts/aborts, replacement, shutdown (abort the turn → stop MCP
 * servers → drain the recorder → `shutdown_complete`), and recorded child failures.
 */
import { describe, expect, it } from 'vitest';
import { createActor, setup, SimulatedClock, type AnyActorRef } from 'xstate';
import type { TurnSpec } from '../../machines/contracts.js';
import { initialSessionData, type TurnSettings } from '../../machines/session.js';
import { threadMachine } from '../../machines/thread.machine.js';
import type { TurnOutput } from '../../machines/turn.machine.js';
import type { ResponseItem } from '../../src/protocol/index.js';
import { threadWithSessionActions } from '../../src/runtime/session-actions.js';
import { settle } from './fakes.js';
import { turnActorId } from '../../machines/actor-ids.js';

const spec = (turnId: string): TurnSpec => ({ turnId, kind: 'regular', steerable: true, announcesStart: true });

const settings: TurnSettings = {
  model: 'gpt-5.1',
  cwd: '/work',
  approval_policy: 'never',
  sandbox_policy: { type: 'danger-full-access' },
  effort: null,
  summary: 'auto',
  collaboration_mode: null,
  personality: null,
  service_tier: null,
  base_instructions: 'be brief',
  developer_instructions: null,
  user_instructions: null,
};

function fakeThread(options: { recorderThrows?: boolean; goalThrowsAfterMs?: number } = {}) {
  const log: string[] = [];
  const fail = (what: string) => () => {
    throw new Error(`${what} crashed`);
  };
  const turn = setup({
    types: {} as { input: TurnSpec; context: { turnId: string; reason: string | null }; output: TurnOutput; events: { type: 'ABORT'; reason: string } | { type: 'FINISH' } },
  }).createMachine({
    context: ({ input }) => ({ turnId: input.turnId, reason: null }),
    entry: ({ context }) => log.push(`turn ${context.turnId} start`),
    initial: 'running',
    states: {
      running: {
        on: {
          FINISH: 'done',
          ABORT: { target: 'aborting', actions: ({ context, event }) => ((context.reason = event.reason), log.push(`turn ${context.turnId} abort ${event.reason}`)) },
        },
      },
      aborting: { after: { 50: 'done' } },
      done: { type: 'final' },
    },
    output: ({ context }) => ({ turnId: context.turnId, outcome: context.reason ? 'aborted' : 'completed', reason: context.reason as TurnOutput['reason'], lastAgentMessage: null }),
  });
  const goal = setup({}).createMachine({
    after: options.goalThrowsAfterMs ? { [options.goalThrowsAfterMs]: { actions: fail('goal') } } : {},
  });
  const recorder = setup({ types: {} as { events: { type: 'SHUTDOWN' } } }).createMachine({
    initial: 'open',
    states: {
      open: { on: { SHUTDOWN: { target: 'closed', actions: [() => log.push('recorder drain'), ...(options.recorderThrows ? [fail('recorder')] : [])] } } },
      closed: { type: 'final' },
    },
  });
  const mcpServer = setup({ types: {} as { input: { name: string }; context: { name: string }; events: { type: 'STOP' } } }).createMachine({
    context: ({ input }) => ({ name: input.name }),
    initial: 'ready',
    states: {
      ready: { on: { STOP: { target: 'stopped', actions: ({ context }) => log.push(`mcp ${context.name} stop`) } } },
      stopped: { type: 'final' },
    },
  });
  // The real history actions (src/history reducers), fake children.
  const machine = threadWithSessionActions.provide({
    // Fakes with the children's ids, inputs and outputs, not their full event types.
    actors: { turn, goal, recorder, mcpServer } as never,
    actions: {
      turnEnded: (_, p) => log.push(`turnEnded ${p.turnId} ${p.outcome}`),
      emitShutdownComplete: (_, p) => log.push(`shutdown_complete ${p.submissionId}`),
    },
  });
  const clock = new SimulatedClock();
  const actor = createActor(machine, { input: { threadId: 'th1', session: initialSessionData(settings), recorderMaterialized: false }, clock }).start();
  const turnRef = (turnId: string) => actor.getSnapshot().children[turnActorId(turnId)] as AnyActorRef | undefined;
  return { actor, log, clock, finishTurn: (turnId: string) => turnRef(turnId)?.send({ type: 'FINISH' }) };
}

describe('thread machine', () => {
  it('runs one turn: idle → active → idle, then turnEnded', () => {
    const t = fakeThread();
    t.actor.send({ type: 'TURN.START', spec: spec('t1') });
    expect(t.actor.getSnapshot().value).toEqual({ active: 'running' });
    t.finishTurn('t1');
    expect(t.actor.getSnapshot().value).toBe('idle');
    expect(t.log).toEqual(['turn t1 start', 'turnEnded t1 completed']);
  });

  it('a new task replaces the active turn only after it has fully aborted', () => {
    const t = fakeThread();
    t.actor.send({ type: 'TURN.START', spec: spec('t1') });
    t.actor.send({ type: 'TURN.START', spec: spec('t2') });
    expect(t.actor.getSnapshot().hasTag('settling')).toBe(true);
    t.clock.increment(49);
    expect(t.log).toEqual(['turn t1 start', 'turn t1 abort replaced']);
    t.clock.increment(1);
    expect(t.log).toEqual(['turn t1 start', 'turn t1 abort replaced', 'turn t2 start']);
    expect(t.actor.getSnapshot().context.turn?.turnId).toBe('t2');
  });

  it('an interrupt aborts the turn; a second TURN.START while interrupting waits for it', () => {
    const t = fakeThread();
    t.actor.send({ type: 'INTERRUPT' }); // idle: nothing happens
    t.actor.send({ type: 'TURN.START', spec: spec('t1') });
    t.actor.send({ type: 'INTERRUPT' });
    t.actor.send({ type: 'TURN.START', spec: spec('t2') });
    t.clock.increment(50);
    expect(t.log).toEqual(['turn t1 start', 'turn t1 abort interrupted', 'turn t2 start']);
  });

  it('shutdown order: abort the turn → stop MCP servers → drain the recorder → shutdown_complete', async () => {
    const t = fakeThread();
    t.actor.send({ type: 'MCP.START', servers: [{ name: 'docs', startupTimeoutMs: 1_000 }] });
    t.actor.send({ type: 'TURN.START', spec: spec('t1') });
    t.actor.send({ type: 'SHUTDOWN', submissionId: 's9' });
    t.clock.increment(50);
    await settle();
    expect(t.log).toEqual(['turn t1 start', 'turn t1 abort interrupted', 'mcp docs stop', 'recorder drain', 'shutdown_complete s9']);
    expect(t.actor.getSnapshot().status).toBe('done');
  });

  it('a recorder that errors while draining is recorded and the shutdown still completes', async () => {
    const t = fakeThread({ recorderThrows: true });
    t.actor.send({ type: 'SHUTDOWN', submissionId: 's1' });
    await settle();
    expect(t.log).toEqual(['recorder drain', 'shutdown_complete s1']);
    expect(t.actor.getSnapshot().context.failures).toEqual([{ actor: 'recorder', code: 'recorder_actor_failed', message: 'recorder crashed' }]);
  });

  it('a goal actor that errors is recorded as { code, message }; the thread goes on', () => {
    const t = fakeThread({ goalThrowsAfterMs: 10 });
    t.clock.increment(10);
    expect(t.actor.getSnapshot().context.failures).toEqual([{ actor: 'goal', code: 'goal_actor_failed', message: 'goal crashed' }]);
    t.actor.send({ type: 'TURN.START', spec: spec('t1') });
    t.finishTurn('t1');
    expect(t.log).toEqual(['turn t1 start', 'turnEnded t1 completed']);
  });
});

describe('thread machine: session events', () => {
  const user = (text: string): ResponseItem => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
  const mail = (content: string) => ({ author: 'a', recipient: 'b', other_recipients: [], content, trigger_turn: false });

  it('HISTORY.RECORD appends through recordItems and announces exactly the items kept', () => {
    const t = fakeThread();
    const recorded: ResponseItem[][] = [];
    t.actor.on('history.recorded', (e) => recorded.push(e.items));
    const first = t.actor.getSnapshot().context.history;
    t.actor.send({ type: 'HISTORY.RECORD', items: [user('one'), { type: 'other' } as ResponseItem, user('two')] });
    t.actor.send({ type: 'HISTORY.RECORD', items: [{ type: 'function_call_output', call_id: 'c1', output: 'x'.repeat(20_000) }] });
    const { history } = t.actor.getSnapshot().context;
    // `other` items are not API items: history drops them, and so does the announcement.
    expect(history.items.slice(0, 2)).toEqual([user('one'), user('two')]);
    const output = history.items[2] as { output: string };
    expect(output.output.length).toBeLessThan(20_000);
    expect(recorded).toEqual([[user('one'), user('two')], [history.items[2]]]);
    // The first state is left as it was.
    expect(first.items).toEqual([]);
  });

  it('token, reference and replacement events fold through the history reducers', () => {
    const t = fakeThread();
    const usage = { input_tokens: 10, cached_input_tokens: 0, output_tokens: 5, reasoning_output_tokens: 0, total_tokens: 15 };
    t.actor.send({ type: 'TOKENS.UPDATE', usage, contextWindow: 1_000 });
    t.actor.send({ type: 'TOKENS.UPDATE', usage, contextWindow: 1_000 });
    expect(t.actor.getSnapshot().context.history.tokenInfo?.total_token_usage.total_tokens).toBe(30);
    t.actor.send({ type: 'TOKENS.FILL_WINDOW', contextWindow: 1_000 });
    expect(t.actor.getSnapshot().context.history.tokenInfo?.total_token_usage.total_tokens).toBe(1_000);
    t.actor.send({ type: 'HISTORY.SET_REFERENCE_CONTEXT', item: { cwd: '/work' } });
    expect(t.actor.getSnapshot().context.history.referenceContextItem).toEqual({ cwd: '/work' });
    t.actor.send({ type: 'HISTORY.ROLLBACK', history: { items: [user('kept')], tokenInfo: null, referenceContextItem: null }, previousModel: 'gpt-5' });
    const ctx = t.actor.getSnapshot().context;
    expect([ctx.history.items, ctx.history.tokenInfo, ctx.previousModel]).toEqual([[user('kept')], null, 'gpt-5']);
  });

  it('mail is delivered, taken oldest first by count, and the mailbox opens and closes', () => {
    const t = fakeThread();
    t.actor.send({ type: 'MAILBOX.DELIVER', communication: mail('m1') });
    t.actor.send({ type: 'MAILBOX.DELIVER', communication: mail('m2') });
    t.actor.send({ type: 'MAILBOX.TAKE', count: 1 });
    t.actor.send({ type: 'MAILBOX.DELIVER', communication: mail('m3') });
    t.actor.send({ type: 'MAILBOX.CLOSE' });
    const ctx = t.actor.getSnapshot().context;
    expect(ctx.mailbox.map((m) => m.content)).toEqual(['m2', 'm3']);
    expect(ctx.mailboxOpenForCurrentTurn).toBe(false);
    t.actor.send({ type: 'MAILBOX.OPEN' });
    expect(t.actor.getSnapshot().context.mailboxOpenForCurrentTurn).toBe(true);
  });

  it('idle input, settings, name, memory mode, rate limits and elicitations change by their events', () => {
    const t = fakeThread();
    const note = { type: 'message' as const, role: 'developer' as const, content: [{ type: 'input_text' as const, text: 'go on' }] };
    t.actor.send({ type: 'IDLE_INPUT.QUEUE', items: [note, note] });
    t.actor.send({ type: 'IDLE_INPUT.TAKE', count: 1 });
    t.actor.send({ type: 'SETTINGS.UPDATE', settings: { ...settings, model: 'gpt-5.2' } });
    t.actor.send({ type: 'THREAD_NAME.SET', name: 'refactor' });
    t.actor.send({ type: 'MEMORY_MODE.SET', mode: 'disabled' });
    t.actor.send({ type: 'SERVER_REASONING.SET', included: true });
    t.actor.send({ type: 'RATE_LIMITS.UPDATE', rateLimits: { primary: null, secondary: null } });
    t.actor.send({ type: 'ELICITATION.BEGIN' });
    t.actor.send({ type: 'ELICITATION.BEGIN' });
    t.actor.send({ type: 'ELICITATION.END' });
    const c = t.actor.getSnapshot().context;
    expect([c.idlePendingInput, c.settings.model, c.threadName, c.memoryMode, c.serverReasoningIncluded, c.rateLimits, c.outOfBandElicitations]).toEqual([
      [note],
      'gpt-5.2',
      'refactor',
      'disabled',
      true,
      { primary: null, secondary: null },
      1,
    ]);
  });

  it('without the runtime, a history event fails the actor: the reducers must be provided', () => {
    const actor = createActor(threadMachine, { input: { threadId: 'th1', session: initialSessionData(settings), recorderMaterialized: false } });
    actor.subscribe({ error: () => {} });
    actor.start();
    actor.send({ type: 'HISTORY.RECORD', items: [user('hi')] });
    expect(actor.getSnapshot().status).toBe('error');
    expect(String(actor.getSnapshot().error)).toMatch(/"recordHistory" was not provided/);
  });
});
