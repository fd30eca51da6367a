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
 *   that errors while the thread drains it ends the shutdown as if it had closed.
 */
import { and, assign, enqueueActions, sendTo, setup, spawnChild, stateIn, stopChild } from 'xstate';
import type { ResponseInputItem, ReviewDecision } from '../src/protocol/index.js';
import { actorIdSuffix, mcpServerActorId, SYSTEM_ID, turnActorId } from './actor-ids.js';
import { failureOf, type Failure, type TurnSpec } from './contracts.js';
import { goalMachine } from './goal.machine.js';
import { mcpServerMachine, type McpServerInput } from './mcp-server.machine.js';
import { recorderMachine } from './recorder.machine.js';
import { turnMachine, type TurnOutput } from './turn.machine.js';

/** Session data owned by the thread (plain JSON; the runtime computes updates). */
export type SessionData = Record<string, unknown>;

export interface ThreadContext<S extends SessionData = SessionData> {
  threadId: string;
  /** The active turn, if any. */
  turn: TurnSpec | null;
  /** A task waiting for the active turn to finish aborting (`replaced`). */
  pendingSpawn: TurnSpec | null;
  shutdownSubmissionId: string | null;
  /** Keys of actions the user approved for the rest of the session. */
  sessionApprovals: string[];
  session: S;
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
  | { type: 'SESSION.SET'; patch: SessionData }
  | { type: 'MCP.START'; servers: McpServerInput[] }
  | { type: 'MCP.STOP' }
  | { type: `xstate.done.actor.${string}`; output: TurnOutput; actorId: string };

const isAbortDecision = (d: ReviewDecision) => d === 'abort';

export const threadMachine = setup({
  types: {
    input: {} as { threadId: string; session: SessionData; recorderMaterialized: boolean },
    context: {} as ThreadContext,
    events: {} as ThreadEvent,
  },
  actors: { turn: turnMachine, goal: goalMachine, recorder: recorderMachine, mcpServer: mcpServerMachine },
  actions: {
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
    session: input.session,
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
    'SESSION.SET': { actions: assign({ session: ({ context, event }) => ({ ...context.session, ...event.patch }) }) },
    'MCP.START': { actions: 'spawnMcpServers' },
    'MCP.STOP': { actions: 'stopMcpServers' },
    // An MCP server actor finished stopping (turn actors are handled by the states).
    'xstate.done.actor.*': { guard: 'isMcpServerDone', actions: 'releaseMcpServer' },
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
