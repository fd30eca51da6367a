/**
 * The undo task. Ghost snapshots (git-based) are not built yet, so it always reports that
 * there is nothing to restore; the op, its events and its turn lifecycle are real.
 */
import type { SessionTask } from './session-task.js';

/**
 * Answers `undo`: `undo_started`, then `undo_completed{success:false}`, then the normal
 * `task_complete`. No `task_started` (undo never announced one).
 * @example
 * await thread.submit({ type: 'undo' });
 */
export const undoTask: SessionTask<null> = {
  kind: 'undo',
  steerable: false,
  announcesStart: false,
  run(ctx, _input, signal) {
    ctx.emit({ type: 'undo_started', message: 'Undo in progress...' });
    if (signal.aborted) {
      ctx.emit({ type: 'undo_completed', success: false, message: 'Undo cancelled.' });
      return null;
    }
    const snapshot = [...ctx.history()].reverse().find((item) => item.type === 'ghost_snapshot');
    ctx.emit({
      type: 'undo_completed',
      success: false,
      message: snapshot ? 'Restoring ghost snapshots is not implemented in turnstate yet.' : 'No ghost snapshot available to undo.',
    });
    return null;
  },
};
