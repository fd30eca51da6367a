/**
 * The thread: root of the actor tree. It owns the session data and at most one turn.
 *
 * Invariants encoded by the transitions:
 * - at most one turn is active; starting a task over an active one first aborts it with
 *   `replaced` and starts the new one only after the old one has fully ended;
 * - `shutdown` aborts an active turn with `interrupted`, stops the MCP servers, drains the
 *   recorder, then emits `shutdown_complete` and stops for good;
 * - states tagged `settling` are waiting for a turn to end or the recorder to drain; the
 *   submission loop does not take the next op until the thread stops settling;
 * - a long-lived child (goal, recorder) that errors is recorded in `failures`; a recorder
 *   that errors while the thread drains it ends the shutdown as if it had closed;
 * - the session fields (history, mailbox, queued input, token usage, settings, ...) change
 *   only through the named session events of `./session.ts`.
 */
import { and, assign, enqueueActions, sendTo, setup, spawnChild, stateIn, stopChild } from 'xstate';
import type { ResponseInputItem, ResponseItem, ReviewDecision, TokenUsage } from '../src/protocol/index.js';
import { actorIdSuffix, delegateActorId, mcpServerActorId, SYSTEM_ID, turnActorId } from './actor-ids.js';
import { failureOf, type Failure, type TurnSpec } from './contracts.js';
import type { HistoryData, SessionData, SessionEmitted, SessionEvent } from './session.js';
import { goalMachine } from './goal.machine.js';
import { mcpServerMachine, type McpServerInput } from './mcp-server.machine.js';
import { recorderMachine } from './recorder.machine.js';
import { turnMachine, type TurnOutput } from './turn.machine.js';
import { delegateMachine, type DelegateInput } from './delegate.machine.js';

/** The thread's context: its session fields (`SessionData`) and its lifecycle bookkeeping. */
export interface ThreadContext extends SessionData {
  threadId: string;
  /** The active turn, if any. */
  turn: TurnSpec | null;
  /** A task waiting for the active turn to finish aborting (`replaced`). */
  pendingSpawn: TurnSpec | null;
  shutdownSubmissionId: string | null;
  /** Keys of actions the user approved for the rest of the session. */
  sessionApprovals: string[];
  /** Whether the rollout already existed when the thread started (resume). */
  recorderMaterialized: boolean;
  /** Names of the MCP server actors (`mcp:<name>`) still running. */
  mcpServers: string[];
  /** Child actors that errored, in order (`actor`: the invoke id). */
  failures: Array<Failure & { actor: string }>;
}

export type ThreadEvent =
  | { type: 'TURN.START'; spec: TurnSpec }
  | { type: 'TURN.START_IF_IDLE'; spec: TurnSpec }
  | { type: 'INTERRUPT' }
  | { type: 'SHUTDOWN'; submissionId: string }
  | { type: 'STEER'; items: ResponseInputItem[] }
  | { type: 'APPROVAL.DECIDE'; approvalId: string; decision: ReviewDecision }
  | { type: 'SESSION_APPROVAL.GRANT'; key: string }
  | SessionEvent
  | { type: 'MCP.START'; servers: McpServerInput[] }
  | { type: 'MCP.STOP' }
  /** Spawns a thread-level `delegate` (a spawned sub-agent, which outlives turns), systemId `delegate:<childThreadId>`. */
  | { type: 'DELEGATE.SPAWN'; delegate: DelegateInput }
  | { type: `xstate.done.actor.${string}`; output: TurnOutput; actorId: string };

const isAbortDecision = (d: ReviewDecision) => d === 'abort';

/** A history action the runtime provides (its body is a `src/history` reducer). */
function historyActionNotProvided(name: string): never {
  throw new Error(`turnstate thread action "${name}" was not provided; createThread supplies it`);
}

export const threadMachine = setup({
  types: {
    input: {} as { threadId: string; session: SessionData; recorderMaterialized: boolean },
    context: {} as ThreadContext,
    events: {} as ThreadEvent,
    emitted: {} as SessionEmitted,
  },
  actors: { turn: turnMachine, goal: goalMachine, recorder: recorderMachine, mcpServer: mcpServerMachine, delegate: delegateMachine },
  actions: {
    // History actions: `src/runtime/session-actions.ts` provides their `assign` bodies.
    /** Appends items (`recordItems`) and emits `history.recorded` with the items kept. */
    recordHistory: (_, _params: { items: ResponseItem[] }) => historyActionNotProvided('recordHistory'),
    /** Replaces the whole history with one rebuilt by src/history (compaction, undo, rollback). */
    replaceHistory: (_, _params: { history: HistoryData }) => historyActionNotProvided('replaceHistory'),
    /** Records the settings the initial context was injected for (`setReferenceContextItem`). */
    setReferenceContext: (_, _params: { item: unknown }) => historyActionNotProvided('setReferenceContext'),
    /** Folds one response's usage into the token info (`updateTokenInfo`). */
    updateTokens: (_, _params: { usage: TokenUsage; contextWindow: number | null }) => historyActionNotProvided('updateTokens'),
    /** Marks the context window full after a context-window error (`fillToContextWindow`). */
    fillTokenWindow: (_, _params: { contextWindow: number }) => historyActionNotProvided('fillTokenWindow'),
    // Plain field updates.
    setPreviousModel: assign((_, params: { model: string | null }) => ({ previousModel: params.model })),
    setRateLimits: assign(({ event }) => (event.type === 'RATE_LIMITS.UPDATE' ? { rateLimits: event.rateLimits } : {})),
    setServerReasoning: assign(({ event }) => (event.type === 'SERVER_REASONING.SET' ? { serverReasoningIncluded: event.included } : {})),
    updateSettings: assign(({ event }) => (event.type === 'SETTINGS.UPDATE' ? { settings: event.settings } : {})),
    deliverMail: assign(({ context, event }) => (event.type === 'MAILBOX.DELIVER' ? { mailbox: [...context.mailbox, event.communication] } : {})),
    /** Takes the oldest `count` letters (they were read before the event was sent). */
    takeMail: assign(({ context, event }) => (event.type === 'MAILBOX.TAKE' ? { mailbox: context.mailbox.slice(event.count) } : {})),
    openMailbox: assign({ mailboxOpenForCurrentTurn: true }),
    closeMailbox: assign({ mailboxOpenForCurrentTurn: false }),
    queueIdleInput: assign(({ context, event }) =>
      event.type === 'IDLE_INPUT.QUEUE' ? { idlePendingInput: [...context.idlePendingInput, ...event.items] } : {},
    ),
    takeIdleInput: assign(({ context, event }) =>
      event.type === 'IDLE_INPUT.TAKE' ? { idlePendingInput: context.idlePendingInput.slice(event.count) } : {},
    ),
    setThreadName: assign(({ event }) => (event.type === 'THREAD_NAME.SET' ? { threadName: event.name } : {})),
    setMemoryMode: assign(({ event }) => (event.type === 'MEMORY_MODE.SET' ? { memoryMode: event.mode } : {})),
    beginElicitation: assign(({ context }) => ({ outOfBandElicitations: context.outOfBandElicitations + 1 })),
    endElicitation: assign(({ context }) => ({ outOfBandElicitations: Math.max(0, context.outOfBandElicitations - 1) })),
    /** Called after a turn ended and the thread settled; may start queued work. */
    turnEnded: (_, _params: TurnOutput) => {},
    emitShutdownComplete: (_, _params: { submissionId: string }) => {},
    spawnTurn: enqueueActions(({ enqueue }, params: { spec: TurnSpec }) => {
      enqueue.assign({ turn: params.spec, pendingSpawn: null });
      // The turn's actor id is also its systemId (`turn:<turnId>`).
      const id = turnActorId(params.spec.turnId);
      enqueue(spawnChild('turn', { id, systemId: id, input: params.spec }));
    }),
    abortTurn: enqueueActions(({ context, enqueue }, params: { reason: 'interrupted' | 'replaced' }) => {
      if (context.turn) enqueue.sendTo(turnActorId(context.turn.turnId), { type: 'ABORT', reason: params.reason });
    }),
    forwardToTurn: enqueueActions(({ context, event, enqueue }) => {
      if (!context.turn) return;
      if (event.type === 'STEER') enqueue.sendTo(turnActorId(context.turn.turnId), { type: 'STEER', items: event.items });
      if (event.type === 'APPROVAL.DECIDE') {
        enqueue.sendTo(turnActorId(context.turn.turnId), {
          type: 'APPROVAL.DECIDE',
          approvalId: event.approvalId,
          decision: event.decision,
        });
      }
    }),
    spawnMcpServers: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'MCP.START') return;
      const fresh = event.servers.filter((s) => !context.mcpServers.includes(s.name));
      for (const input of fresh) enqueue(spawnChild('mcpServer', { id: mcpServerActorId(input.name), input }));
      enqueue.assign({ mcpServers: [...context.mcpServers, ...fresh.map((s) => s.name)] });
    }),
    stopMcpServers: enqueueActions(({ context, enqueue }) => {
      for (const name of context.mcpServers) enqueue.sendTo(mcpServerActorId(name), { type: 'STOP' });
    }),
    releaseMcpServer: enqueueActions(({ context, event, enqueue }) => {
      const actorId = (event as { actorId?: string }).actorId ?? '';
      enqueue(stopChild(actorId));
      enqueue.assign({ mcpServers: context.mcpServers.filter((name) => mcpServerActorId(name) !== actorId) });
    }),
    /** Records a child actor's error in `failures`. */
    recordChildFailure: assign(({ context, event }, params: { actor: string; code: string }) => ({
      failures: [...context.failures, { actor: params.actor, ...failureOf((event as { error?: unknown }).error, params.code) }],
    })),
    releaseTurn: enqueueActions(({ event, enqueue }) => {
      const actorId = (event as { actorId?: string }).actorId;
      if (actorId) enqueue(stopChild(actorId));
      enqueue.assign({ turn: null });
    }),
  },
  guards: {
    hasPendingSpawn: ({ context }) => context.pendingSpawn !== null,
    isAbortDecision: ({ event }) => event.type === 'APPROVAL.DECIDE' && isAbortDecision(event.decision),
    /** A turn actor finished (the goal actor never does). */
    isTurnDone: ({ event }) => actorIdSuffix((event as { actorId?: string }).actorId, 'turn') !== null,
    isMcpServerDone: ({ event }) => actorIdSuffix((event as { actorId?: string }).actorId, 'mcpServer') !== null,
    isDelegateDone: ({ event }) => actorIdSuffix((event as { actorId?: string }).actorId, 'delegate') !== null,
    noMcpServers: ({ context }) => context.mcpServers.length === 0,
    drainingRecorder: stateIn('#thread.shuttingDown.flushing'),
  },
}).createMachine({
  id: 'thread',
  context: ({ input }) => ({
    threadId: input.threadId,
    turn: null,
    pendingSpawn: null,
    shutdownSubmissionId: null,
    sessionApprovals: [],
    ...input.session,
    recorderMaterialized: input.recorderMaterialized,
    mcpServers: [],
    failures: [],
  }),
  invoke: [
    {
      id: 'goal',
      systemId: SYSTEM_ID.goal,
      src: 'goal',
      input: ({ context }) => ({ threadId: context.threadId }),
      onError: { actions: { type: 'recordChildFailure', params: { actor: 'goal', code: 'goal_actor_failed' } } },
    },
    {
      id: 'recorder',
      systemId: SYSTEM_ID.recorder,
      src: 'recorder',
      input: ({ context }) => ({ materialized: context.recorderMaterialized }),
      onError: [
        { guard: 'drainingRecorder', target: '.shutdown', actions: { type: 'recordChildFailure', params: { actor: 'recorder', code: 'recorder_actor_failed' } } },
        { actions: { type: 'recordChildFailure', params: { actor: 'recorder', code: 'recorder_actor_failed' } } },
      ],
    },
  ],
  on: {
    'HISTORY.RECORD': { actions: { type: 'recordHistory', params: ({ event }) => ({ items: event.items }) } },
    'HISTORY.REPLACE': { actions: { type: 'replaceHistory', params: ({ event }) => ({ history: event.history }) } },
    'HISTORY.ROLLBACK': {
      actions: [
        { type: 'replaceHistory', params: ({ event }) => ({ history: event.history }) },
        { type: 'setPreviousModel', params: ({ event }) => ({ model: event.previousModel }) },
      ],
    },
    'HISTORY.SET_REFERENCE_CONTEXT': { actions: { type: 'setReferenceContext', params: ({ event }) => ({ item: event.item }) } },
    'TOKENS.UPDATE': {
      actions: { type: 'updateTokens', params: ({ event }) => ({ usage: event.usage, contextWindow: event.contextWindow }) },
    },
    'TOKENS.FILL_WINDOW': { actions: { type: 'fillTokenWindow', params: ({ event }) => ({ contextWindow: event.contextWindow }) } },
    'RATE_LIMITS.UPDATE': { actions: 'setRateLimits' },
    'SERVER_REASONING.SET': { actions: 'setServerReasoning' },
    'SETTINGS.UPDATE': { actions: 'updateSettings' },
    'MAILBOX.DELIVER': { actions: 'deliverMail' },
    'MAILBOX.TAKE': { actions: 'takeMail' },
    'MAILBOX.OPEN': { actions: 'openMailbox' },
    'MAILBOX.CLOSE': { actions: 'closeMailbox' },
    'IDLE_INPUT.QUEUE': { actions: 'queueIdleInput' },
    'IDLE_INPUT.TAKE': { actions: 'takeIdleInput' },
    'THREAD_NAME.SET': { actions: 'setThreadName' },
    'MEMORY_MODE.SET': { actions: 'setMemoryMode' },
    'ELICITATION.BEGIN': { actions: 'beginElicitation' },
    'ELICITATION.END': { actions: 'endElicitation' },
    'MCP.START': { actions: 'spawnMcpServers' },
    'MCP.STOP': { actions: 'stopMcpServers' },
    // An MCP server actor finished stopping, or a delegate ended (turn actors are handled by the states).
    'xstate.done.actor.*': [
      { guard: 'isMcpServerDone', actions: 'releaseMcpServer' },
      { guard: 'isDelegateDone', actions: stopChild(({ event }) => (event as { actorId: string }).actorId) },
    ],
    'DELEGATE.SPAWN': {
      // enqueueActions: the spawned child's systemId is a plain string, made here from the event.
      actions: enqueueActions(({ event, enqueue }) => {
        const delegate = (event as { delegate: DelegateInput }).delegate;
        const id = delegateActorId(delegate.childThreadId);
        enqueue.spawnChild('delegate', { id, systemId: id, input: delegate });
      }),
    },
    'SESSION_APPROVAL.GRANT': {
      actions: assign({
        sessionApprovals: ({ context, event }) =>
          context.sessionApprovals.includes(event.key) ? context.sessionApprovals : [...context.sessionApprovals, event.key],
      }),
    },
  },
  initial: 'idle',
  states: {
    idle: {
      on: {
        'TURN.START': { target: 'active', actions: { type: 'spawnTurn', params: ({ event }) => ({ spec: event.spec }) } },
        'TURN.START_IF_IDLE': { target: 'active', actions: { type: 'spawnTurn', params: ({ event }) => ({ spec: event.spec }) } },
        // An interrupt while idle changes nothing.
        INTERRUPT: {},
        SHUTDOWN: {
          target: 'shuttingDown.stoppingMcp',
          actions: assign({ shutdownSubmissionId: ({ event }) => event.submissionId }),
        },
      },
    },
    active: {
      initial: 'running',
      on: {
        STEER: { actions: 'forwardToTurn' },
        'APPROVAL.DECIDE': [
          // `abort` interrupts the whole turn; the approval itself resolves when cleared.
          { guard: 'isAbortDecision', target: '.interrupting', actions: ['forwardToTurn', { type: 'abortTurn', params: { reason: 'interrupted' } }] },
          { actions: 'forwardToTurn' },
        ],
        SHUTDOWN: {
          target: 'shuttingDown.abortingTurn',
          actions: [
            assign({ shutdownSubmissionId: ({ event }) => event.submissionId, pendingSpawn: null }),
            { type: 'abortTurn', params: { reason: 'interrupted' } },
          ],
        },
        'xstate.done.actor.*': [
          {
            guard: and(['isTurnDone', 'hasPendingSpawn']),
            target: '.running',
            reenter: true,
            actions: [
              'releaseTurn',
              { type: 'spawnTurn', params: ({ context }) => ({ spec: context.pendingSpawn as TurnSpec }) },
            ],
          },
          { guard: 'isTurnDone', target: 'idle', actions: ['releaseTurn', { type: 'turnEnded', params: ({ event }) => event.output }] },
        ],
      },
      states: {
        running: {
          on: {
            INTERRUPT: { target: 'interrupting', actions: { type: 'abortTurn', params: { reason: 'interrupted' } } },
            'TURN.START': {
              target: 'replacing',
              actions: [
                assign({ pendingSpawn: ({ event }) => event.spec }),
                { type: 'abortTurn', params: { reason: 'replaced' } },
              ],
            },
          },
        },
        interrupting: {
          tags: ['settling'],
          on: { 'TURN.START': { actions: assign({ pendingSpawn: ({ event }) => event.spec }) } },
        },
        replacing: {
          tags: ['settling'],
          on: {
            'TURN.START': { actions: assign({ pendingSpawn: ({ event }) => event.spec }) },
            // Interrupting a replacement cancels the queued task too.
            INTERRUPT: { target: 'interrupting', actions: assign({ pendingSpawn: null }) },
          },
        },
      },
    },
    shuttingDown: {
      tags: ['settling'],
      initial: 'abortingTurn',
      states: {
        abortingTurn: {
          on: { 'xstate.done.actor.*': { guard: 'isTurnDone', target: 'stoppingMcp', actions: 'releaseTurn' } },
        },
        stoppingMcp: {
          // Every MCP server stops (its process is gone) before the rollout is closed.
          entry: 'stopMcpServers',
          on: { 'MCP.START': {} },
          always: { guard: 'noMcpServers', target: 'flushing' },
        },
        flushing: {
          // The recorder finishes queued writes, drains and closes; then the thread is done.
          entry: sendTo('recorder', { type: 'SHUTDOWN' }),
          on: { 'xstate.done.actor.recorder': '#thread.shutdown' },
        },
      },
    },
    shutdown: {
      type: 'final',
      entry: { type: 'emitShutdownComplete', params: ({ context }) => ({ submissionId: context.shutdownSubmissionId ?? '' }) },
    },
  },
});
