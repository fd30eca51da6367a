/**
 * The real effects behind the machines' named actors and actions. This is the only place
 * where lifecycle steps touch the outside world: the task runner, the recorder, history,
 * the goal actor, the clock, and the output queue.
 */
import { fromCallback, fromPromise } from 'xstate';
import { approvalMachine } from '../../machines/approval.machine.js';
import type { RecorderRequest, RunnerEvent, ToolCallSpec, TurnSpec } from '../../machines/contracts.js';
import { toolCallMachine } from '../../machines/tool-call.machine.js';
import { recorderMachine } from '../../machines/recorder.machine.js';
import { goalMachine } from '../../machines/goal.machine.js';
import { mcpServerMachine } from '../../machines/mcp-server.machine.js';
import { taskMachine } from '../../machines/task.machine.js';
import { threadMachine } from '../../machines/thread.machine.js';
import { turnMachine } from '../../machines/turn.machine.js';
import type { ResponseItem, TurnAbortReason } from '../protocol/index.js';
import { recordResponseInput } from './pending-input.js';
import { TURN_ABORTED_MARKER_TEXT } from './markers.js';
import { failedSnapshotWarning, slowSnapshotWarning, takeGhostSnapshot } from './ghost-snapshots.js';
import { LiveTaskContext } from './task-context.js';
import { fromEffect } from './sync-effect.js';
import type { ThreadRuntime } from './thread-runtime.js';

const runtimes = new WeakMap<object, ThreadRuntime>();

/** Binds a thread's runtime to the actor system its machines run in. */
export function registerRuntime(system: object, rt: ThreadRuntime): void {
  runtimes.set(system, rt);
}

function runtimeOf(system: object): ThreadRuntime {
  const rt = runtimes.get(system);
  if (!rt) throw new Error('turnstate: no runtime is registered for this actor system');
  return rt;
}

const errorInfo = (err: unknown) => ({
  code: (err as { code?: string })?.code ?? 'task_failed',
  message: err instanceof Error ? err.message : String(err),
});

/** Runs a registered task; CANCEL aborts its signal; stopping the runner makes its context inert. */
const taskRunner = fromCallback<{ type: 'CANCEL' }, TurnSpec, RunnerEvent>(({ input: spec, sendBack, receive, system }) => {
  const rt = runtimeOf(system);
  const entry = rt.turns.get(spec.turnId);
  const controller = new AbortController();
  let stopped = false;
  let reported = false;
  if (!entry) {
    sendBack({ type: 'runner.failed', error: { code: 'unknown_turn', message: `no task registered for turn ${spec.turnId}` } });
    return () => {};
  }
  const ctx = new LiveTaskContext(rt, spec.turnId, controller.signal, rt.session().settings);
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

/** Unregisters an ending turn and reports its timing (`completed_at` in unix seconds). */
function endTurn(rt: ThreadRuntime, turnId: string) {
  const entry = rt.turns.get(turnId);
  rt.turns.delete(turnId);
  // The turn's MCP headers are dropped and its open elicitations declined.
  rt.mcp.endTurn(turnId);
  const t = rt.clock.now();
  return {
    timing: { completed_at: Math.floor(t / 1000), duration_ms: entry ? t - entry.startedAt : null },
    firstTokenMs: entry?.firstTokenAt != null ? entry.firstTokenAt - entry.startedAt : null,
  };
}

const turnLogic = turnMachine.provide({
  actors: {
    task: taskMachine.provide({ actors: { runTask: taskRunner } }),
    approval: approvalMachine,
    toolCall: toolCallMachine.provide({
      actors: {
        runTool: fromPromise<ResponseItem, ToolCallSpec>(({ input, system }) => runtimeOf(system).runRegisteredTool(input.key)),
      },
    }),
    flushRecorder: fromEffect<{ turnId: string }>(({ input, system }) => {
      const rt = runtimeOf(system);
      return rt.flushRollout().catch((err: unknown) => {
        rt.emit(input.turnId, {
          type: 'warning',
          message: `Failed to save the conversation transcript; turnstate will continue retrying. Error: ${errorInfo(err).message}`,
        });
      });
    }),
    // The steps below are synchronous unless a write is still running: `fromEffect` settles
    // them without a promise or a tick (they run once the turn's transition is committed).
    recordPendingInput: fromEffect<{ turnId: string }>(({ input, system }) => {
      const rt = runtimeOf(system);
      // Only the turn's own leftover input: undelivered mail stays queued for the next turn.
      for (const item of rt.takeTurnPendingInput(input.turnId)) recordResponseInput(rt, input.turnId, item);
    }),
    settleGoalOnFinish: fromEffect<{ turnId: string }>(({ input, system }) => {
      const rt = runtimeOf(system);
      const entry = rt.turns.get(input.turnId);
      rt.goalRef().send({
        type: 'GOAL.TURN_FINISHED',
        turnId: input.turnId,
        usage: rt.totalUsage(),
        now: rt.clock.now(),
        toolCalls: entry?.toolCalls ?? 0,
      });
      // The settled goal is stored before the turn completes.
      return rt.goals.pending();
    }),
    taskAbortHook: fromEffect<{ turnId: string }>(({ input, system }) => {
      const rt = runtimeOf(system);
      const entry = rt.turns.get(input.turnId);
      const abort = entry?.task.abort;
      if (!abort) return;
      // The hook gets its own short-lived context: the task's own one is already inert.
      const hookCtx = new LiveTaskContext(rt, input.turnId, AbortSignal.abort(), entry.ctx?.settings ?? rt.session().settings);
      return (async () => {
        try {
          await abort.call(entry.task, hookCtx);
        } finally {
          hookCtx.detach();
        }
      })();
    }),
    settleGoalOnAbort: fromEffect<{ turnId: string; reason: TurnAbortReason }>(({ input, system }) => {
      const rt = runtimeOf(system);
      rt.goalRef().send({
        type: 'GOAL.TASK_ABORTED',
        turnId: input.turnId,
        usage: rt.totalUsage(),
        now: rt.clock.now(),
        interrupted: input.reason === 'interrupted',
      });
      return rt.goals.pending();
    }),
    recordInterruptMarker: fromEffect<{ turnId: string }>(({ system }) => {
      const marker: ResponseItem = { type: 'message', role: 'user', content: [{ type: 'input_text', text: TURN_ABORTED_MARKER_TEXT }] };
      runtimeOf(system).recordItems([marker]);
    }),
    ghostSnapshot: fromPromise<void, { turnId: string }>(({ input, system, signal }) => takeGhostSnapshot(runtimeOf(system), input.turnId, signal)),
  },
  actions: {
    warnSnapshotSlow: ({ system }, { turnId, limitMs }) => runtimeOf(system).emit(turnId, { type: 'warning', message: slowSnapshotWarning(limitMs) }),
    warnSnapshotFailed: ({ system }, { turnId, error }) =>
      runtimeOf(system).emit(turnId, { type: 'warning', message: failedSnapshotWarning(error.message) }),
    emitTurnStarted: ({ system }, { turnId }) => {
      const rt = runtimeOf(system);
      const cw = rt.config.contextWindow;
      rt.emit(turnId, {
        type: 'task_started',
        turn_id: turnId,
        started_at: Math.floor(rt.clock.now() / 1000),
        model_context_window: cw == null ? null : Math.floor((cw * 95) / 100),
        collaboration_mode_kind: rt.session().settings.collaboration_mode?.mode ?? 'default',
      });
    },
    emitTurnComplete: ({ system }, { turnId, lastAgentMessage }) => {
      const rt = runtimeOf(system);
      const { timing, firstTokenMs } = endTurn(rt, turnId);
      rt.emit(turnId, {
        type: 'task_complete',
        turn_id: turnId,
        last_agent_message: lastAgentMessage,
        ...timing,
        time_to_first_token_ms: firstTokenMs,
      });
    },
    emitTurnAborted: ({ system }, { turnId, reason }) => {
      const rt = runtimeOf(system);
      rt.emit(turnId, { type: 'turn_aborted', turn_id: turnId, reason, ...endTurn(rt, turnId).timing });
    },
    emitTaskError: ({ system }, { turnId, error }) => {
      const rt = runtimeOf(system);
      rt.emit(turnId, { type: 'error', message: error.message, codex_error_info: 'other' });
    },
    warnUnknownApproval: ({ system }, { turnId, approvalId }) =>
      runtimeOf(system).logger.warn('ignoring a decision for an approval that is not pending', { turnId, approvalId }),
    warnDuplicateApproval: ({ system }, { turnId, approvalId }) =>
      runtimeOf(system).logger.warn('an approval with this id is already pending; the new request waits on it', { turnId, approvalId }),
  },
});

/**
 * The thread machine (and, through it, the turn, task, approval, goal and recorder machines)
 * with the runtime's effects. Provided once per process: each effect finds its thread's
 * runtime through the actor system it runs in, so a new thread costs no machine copies.
 */
export const threadLogic = threadMachine.provide({
  actors: {
    turn: turnLogic,
    mcpServer: mcpServerMachine.provide({
      actors: {
        connect: fromPromise<{ tools: number }, { name: string }>(({ input, signal, system }) => runtimeOf(system).mcp.connect(input.name, signal)),
        disconnect: fromPromise<void, { name: string }>(({ input, system }) => runtimeOf(system).mcp.disconnect(input.name)),
      },
      actions: {
        reportStatus: ({ system }, { name, status, error }) => runtimeOf(system).mcp.report(name, status, error),
      },
    }),
    goal: goalMachine.provide({
      actions: {
        announceGoal: ({ system }, { goal, turnId }) => {
          const rt = runtimeOf(system);
          rt.emit(turnId ?? rt.config.newId(), { type: 'thread_goal_updated', threadId: rt.threadId, turnId, goal });
        },
        storeGoal: ({ system }, { goal }) => runtimeOf(system).goals.write(goal),
      },
    }),
    recorder: recorderMachine.provide({
      actors: {
        recorderOp: fromPromise<{ materialized: boolean }, RecorderRequest>(async ({ input, system }) => {
          const rt = runtimeOf(system);
          if (input.kind === 'persist') await rt.recorder.persist();
          else await rt.recorder.flush();
          return { materialized: rt.recorder.materialized ?? true };
        }),
        closeRecorder: fromPromise<void, void>(async ({ system }) => {
          const rt = runtimeOf(system);
          // The goal is stored before the rollout closes (and before `shutdown_complete`).
          await rt.goals.settled();
          try {
            await rt.recorder.shutdown();
          } catch {
            rt.emit(rt.actor.getSnapshot().context.shutdownSubmissionId ?? '', {
              type: 'error',
              message: 'Failed to shutdown thread persistence',
              codex_error_info: 'other',
            });
          }
        }),
      },
      actions: {
        notify: ({ system }, { requestId, error }) => runtimeOf(system).settleRecorderRequest(requestId, error),
      },
    }),
  },
  actions: {
    turnEnded: ({ system }, output) => {
      const rt = runtimeOf(system);
      queueMicrotask(() => rt.config.onTurnEnded(output.turnId, output.outcome));
    },
    emitShutdownComplete: ({ system }, { submissionId }) => runtimeOf(system).emit(submissionId, { type: 'shutdown_complete' }),
  },
});
