/**
 * `thread.spawnTask`: a host-defined task run as a turn. It runs in the submission order,
 * replacing (aborting with `replaced`) any active turn, and takes its defaults from the task:
 * steerable only when it says so or is `regular`, announcing its start unless it says not.
 */
import type { TurnSpec } from '../../machines/contracts.js';
import { ThreadClosedError } from '../errors.js';
import type { SessionTask } from '../tasks/session-task.js';
import type { SubmissionLoop } from './submission-loop.js';
import type { ThreadRuntime } from './thread-runtime.js';

/** The turn spec a task asks for by itself (`SessionTask.steerable` / `announcesStart` with their defaults). */
function taskTurnSpec(turnId: string, task: Pick<SessionTask, 'kind' | 'steerable' | 'announcesStart'>): TurnSpec {
  return { turnId, kind: task.kind, steerable: task.steerable ?? task.kind === 'regular', announcesStart: task.announcesStart ?? true };
}

/**
 * Starts `task` with `input` as a new turn once the jobs queued before it have run; resolves
 * with the turn id once the task has started. Rejects with `ThreadClosedError` once the
 * thread takes no more work.
 * @example
 * const turnId = await spawnTask(rt, loop, { kind: 'lint', async run() { return 'clean'; } }, null);
 */
export async function spawnTask<I>(rt: ThreadRuntime, loop: SubmissionLoop, task: SessionTask<I>, input: I): Promise<string> {
  if (loop.isClosed) throw new ThreadClosedError(rt.threadId);
  const turnId = rt.config.newId();
  const spec = taskTurnSpec(turnId, task);
  await loop.runJob(async () => {
    rt.startTurn(spec, task as SessionTask<unknown>, input);
    await rt.waitSettled();
  });
  return turnId;
}
