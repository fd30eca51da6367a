/**
 * The real effects behind the machines' named actors and actions. This is the only place
 * where lifecycle steps touch the outside world: the task runner, the recorder, history,
 * the goal actor, the clock, and the output queue — each reached through the thread's own
 * `ThreadPorts`, which the effects close over (`createThreadLogic(ports)`).
 */
import { fromCallback, fromPromise } from 'xstate';
import { approvalMachine } from '../../machines/approval.machine.js';
import type { RecorderRequest, RunnerEvent, ToolCallSpec, TurnSpec } from '../../machines/contracts.js';
import { toolCallMachine } from '../../machines/tool-call.machine.js';
import { recorderMachine } from '../../machines/recorder.machine.js';
import { goalMachine, turnEndSettlesNothing } from '../../machines/goal.machine.js';
import { mcpServerMachine } from '../../machines/mcp-server.machine.js';
import { taskMachine } from '../../machines/task.machine.js';
import { turnMachine } from '../../machines/turn.machine.js';
import type { ResponseItem, TurnAbortReason } from '../protocol/index.js';
import { TURN_ABORTED_MARKER_TEXT } from './markers.js';
import { failedSnapshotWarning, slowSnapshotWarning, takeGhostSnapshot } from './ghost-snapshots.js';
import type { ThreadPorts } from './ports.js';
import { provideShared } from './provide-shared.js';
import { threadWithSessionActions } from './session-actions.js';
import { delegateLogic } from '../delegates/delegate.js';
import { fromEffect } from './sync-effect.js';

const errorInfo = (err: unknown) => ({
  code: (err as { code?: string })?.code ?? 'task_failed',
  message: err instanceof Error ? err.message : String(err),
});

/** Runs a registered task; CANCEL aborts its signal; stopping the runner makes its context inert. */
const taskRunner = (ports: ThreadPorts) => fromCallback<{ type: 'CANCEL' }, TurnSpec, RunnerEvent>(({ input: spec, sendBack, receive }) => {
  const rt = ports.thread;
  const entry = rt.turns.get(spec.turnId);
  const controller = new AbortController();
  let stopped = false;
  let reported = false;
  if (!entry) {
    sendBack({ type: 'runner.failed', error: { code: 'unknown_turn', message: `no task registered for turn ${spec.turnId}` } });
    return () => {};
  }
  const ctx = rt.taskContext(spec.turnId, controller.signal, rt.session().settings);
  entry.ctx = ctx;
  receive((event) => {
    if (event.type === 'CANCEL' && !controller.signal.aborted) controller.abort();
  });
  Promise.resolve()
    .then(() => {
      if (!stopped) rt.beginTurn(spec.turnId);
      return entry.task.run(ctx, entry.input, controller.signal);
    })
    .then(
      (message) => {
        reported = true;
        if (!stopped) sendBack({ type: 'runner.finished', lastAgentMessage: message ?? null });
      },
      (err: unknown) => {
        reported = true;
        if (stopped) return;
        // A task that stops by throwing after cancellation has simply stopped.
        if (controller.signal.aborted) sendBack({ type: 'runner.finished', lastAgentMessage: null });
        else sendBack({ type: 'runner.failed', error: errorInfo(err) });
      },
    );
  return () => {
    // Stopped before it reported (force-stop, thread stop): cancel whatever it still runs.
    if (!reported && !controller.signal.aborted) controller.abort();
    stopped = true;
    ctx.detach();
  };
});

/**
 * Unregisters an ending turn's task and reports its timing (`completed_at` in unix seconds)
 * from the turn's own data (`startedAt` from its input, `firstTokenAt` from its context).
 */
function endTurn(ports: ThreadPorts, turnId: string, startedAt: number | null, firstTokenAt: number | null = null) {
  ports.thread.turns.delete(turnId);
  // The turn's MCP headers are dropped and its open elicitations declined.
  ports.mcp.endTurn(turnId);
  const t = ports.clock.now();
  return {
    timing: { completed_at: Math.floor(t / 1000), duration_ms: startedAt !== null ? t - startedAt : null },
    firstTokenMs: startedAt !== null && firstTokenAt !== null ? firstTokenAt - startedAt : null,
  };
}

/**
 * Tells the goal actor a turn ended (with the thread's usage and the time), unless nothing
 * would change (no goal, no continuation turn); resolves once a goal write it caused is
 * stored, or `undefined` when none runs.
 */
function settleGoal(
  ports: ThreadPorts,
  end: { type: 'GOAL.TURN_FINISHED'; turnId: string; toolCalls: number } | { type: 'GOAL.TASK_ABORTED'; turnId: string; interrupted: boolean },
): Promise<void> | undefined {
  const goal = ports.thread.goalRef();
  if (!turnEndSettlesNothing(goal.getSnapshot().context)) goal.send({ ...end, usage: ports.thread.totalUsage(), now: ports.clock.now() });
  return ports.goals.pending();
}

/** The turn machine (and its task, tool-call and approval machines) with one thread's effects. */
const turnLogic = (ports: ThreadPorts) =>
  provideShared(turnMachine, {
    actors: {
      task: provideShared(taskMachine, { actors: { runTask: taskRunner(ports) } }),
      approval: approvalMachine,
      delegate: delegateLogic,
      toolCall: provideShared(toolCallMachine, {
        actors: {
          // The call comes as the actor's input; its output item is the actor's output.
          runTool: fromPromise<ResponseItem, ToolCallSpec>(({ input, signal }) => ports.tools.run(input, signal)),
        },
      }),
      flushRecorder: fromEffect<{ turnId: string }>(({ input }) =>
        ports.thread.flushRolloutStep()?.catch((err: unknown) => {
          ports.emit(input.turnId, {
            type: 'warning',
            message: `Failed to save the conversation transcript; turnstate will continue retrying. Error: ${errorInfo(err).message}`,
          });
        }),
      ),
      // The steps below are synchronous unless a write is still running: `fromEffect` settles
      // them without a promise or a tick (they run once the turn's transition is committed).
      recordPendingInput: fromEffect<{ turnId: string }>(({ input }) => {
        const rt = ports.thread;
        // Only the turn's own leftover input: undelivered mail stays queued for the next turn.
        for (const item of rt.takeTurnPendingInput(input.turnId)) rt.recordPendingItem(input.turnId, item);
      }),
      settleGoalOnFinish: fromEffect<{ turnId: string; toolCalls: number }>(({ input }) =>
        // The settled goal is stored before the turn completes.
        settleGoal(ports, { type: 'GOAL.TURN_FINISHED', turnId: input.turnId, toolCalls: input.toolCalls }),
      ),
      taskAbortHook: fromEffect<{ turnId: string }>(({ input }) => {
        const rt = ports.thread;
        const entry = rt.turns.get(input.turnId);
        const abort = entry?.task.abort;
        if (!entry || !abort) return;
        // The hook gets its own short-lived context: the task's own one is already inert.
        const hookCtx = rt.taskContext(input.turnId, AbortSignal.abort(), entry.ctx?.settings ?? rt.session().settings);
        return (async () => {
          try {
            await abort.call(entry.task, hookCtx);
          } finally {
            hookCtx.detach();
          }
        })();
      }),
      settleGoalOnAbort: fromEffect<{ turnId: string; reason: TurnAbortReason }>(({ input }) =>
        settleGoal(ports, { type: 'GOAL.TASK_ABORTED', turnId: input.turnId, interrupted: input.reason === 'interrupted' }),
      ),
      recordInterruptMarker: fromEffect<{ turnId: string }>(() => {
        const marker: ResponseItem = { type: 'message', role: 'user', content: [{ type: 'input_text', text: TURN_ABORTED_MARKER_TEXT }] };
        ports.thread.recordItems([marker]);
      }),
      // Synchronous (no promise, no AbortController) unless git runs: outside a repository, or
      // for a turn that takes no snapshot, the step settles inside the actor's start.
      // (`args.signal` is read only if git runs: reading it makes the controller.)
      ghostSnapshot: fromEffect<{ turnId: string; takes: boolean }>((args) =>
        args.input.takes ? takeGhostSnapshot(ports.thread, args.input.turnId, () => args.signal) : undefined,
      ),
    },
    actions: {
      warnSnapshotSlow: (_, { turnId, limitMs }) => ports.emit(turnId, { type: 'warning', message: slowSnapshotWarning(limitMs) }),
      warnSnapshotFailed: (_, { turnId, error }) => ports.emit(turnId, { type: 'warning', message: failedSnapshotWarning(error.message) }),
      emitTurnStarted: (_, { turnId }) => {
        const cw = ports.model.contextWindow;
        ports.emit(turnId, {
          type: 'task_started',
          turn_id: turnId,
          started_at: Math.floor(ports.clock.now() / 1000),
          model_context_window: cw == null ? null : Math.floor((cw * 95) / 100),
          collaboration_mode_kind: ports.thread.session().settings.collaboration_mode?.mode ?? 'default',
        });
      },
      emitTurnComplete: (_, { turnId, lastAgentMessage, startedAt, firstTokenAt }) => {
        const { timing, firstTokenMs } = endTurn(ports, turnId, startedAt, firstTokenAt);
        ports.emit(turnId, {
          type: 'task_complete',
          turn_id: turnId,
          last_agent_message: lastAgentMessage,
          ...timing,
          time_to_first_token_ms: firstTokenMs,
        });
      },
      emitTurnAborted: (_, { turnId, reason, startedAt }) => {
        ports.emit(turnId, { type: 'turn_aborted', turn_id: turnId, reason, ...endTurn(ports, turnId, startedAt).timing });
      },
      emitTaskError: (_, { turnId, error }) => {
        ports.emit(turnId, { type: 'error', message: error.message, codex_error_info: 'other' });
      },
      warnUnknownApproval: (_, { turnId, approvalId }) =>
        ports.logger.warn('ignoring a decision for an approval that is not pending', { turnId, approvalId }),
      warnDuplicateApproval: (_, { turnId, approvalId }) =>
        ports.logger.warn('an approval with this id is already pending; the new request waits on it', { turnId, approvalId }),
    },
  });

/** The MCP server machine with one thread's connections. */
const mcpServerLogic = (ports: ThreadPorts) =>
  provideShared(mcpServerMachine, {
    actors: {
      connect: fromPromise<{ tools: number }, { name: string }>(({ input, signal }) => ports.mcp.connect(input.name, signal)),
      disconnect: fromPromise<void, { name: string }>(({ input }) => ports.mcp.disconnect(input.name)),
    },
    actions: {
      reportStatus: (_, { name, status, error }) => ports.mcp.report(name, status, error),
    },
  });

/**
 * The thread machine (and, through it, the turn, task, tool-call, approval, goal, recorder
 * and MCP server machines) with one thread's effects, closed over that thread's ports. Made
 * once per thread; the copies share the machines' state nodes (`provideShared`).
 * @example
 * const actor = createActor(createThreadLogic(ports), { id: ports.threadId, systemId: 'thread', input });
 */
export function createThreadLogic(ports: ThreadPorts) {
  return provideShared(
    threadWithSessionActions,
    {
      actors: {
        delegate: delegateLogic,
        goal: provideShared(goalMachine, {
          actions: {
            announceGoal: (_, { goal, turnId }) => {
              ports.emit(turnId ?? ports.newId(), { type: 'thread_goal_updated', threadId: ports.threadId, turnId, goal });
            },
            storeGoal: (_, { goal }) => ports.goals.write(goal),
          },
        }),
        recorder: provideShared(recorderMachine, {
          actors: {
            recorderOp: fromPromise<{ materialized: boolean }, RecorderRequest>(async ({ input }) => {
              const recorder = ports.recorder;
              if (input.kind === 'persist') await recorder.persist();
              else await recorder.flush();
              return { materialized: recorder.materialized ?? true };
            }),
            closeRecorder: fromPromise<void, void>(async () => {
              // The goal is stored before the rollout closes (and before `shutdown_complete`).
              await ports.goals.settled();
              try {
                await ports.recorder.shutdown();
              } catch {
                ports.emit(ports.thread.shutdownSubmissionId(), {
                  type: 'error',
                  message: 'Failed to shutdown thread persistence',
                  codex_error_info: 'other',
                });
              }
            }),
          },
        }),
      },
      actions: {
        turnEnded: (_, output) => {
          queueMicrotask(() => ports.turnEnded(output.turnId, output.outcome));
        },
        emitShutdownComplete: (_, { submissionId }) => ports.emit(submissionId, { type: 'shutdown_complete' }),
      },
    },
    // Built when the thread's first turn (or MCP server) starts: an idle thread does not pay for them.
    { turn: () => turnLogic(ports), mcpServer: () => mcpServerLogic(ports) },
  );
}
