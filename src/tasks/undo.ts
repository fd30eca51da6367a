/**
 * The undo task (SPEC §4.5): restores the working tree to the newest ghost snapshot in
 * history and removes that snapshot, so the next undo goes one turn further back.
 *
 * Invariant: history loses the snapshot item only when the restore succeeded.
 */
import { DEFAULT_SNAPSHOT_LIMITS, parseGhostCommit, restoreGhostCommit } from '../git/index.js';
import { replaceHistory } from '../history/index.js';
import type { EngineContext } from '../tools/turn-context.js';
import type { SessionTask } from './session-task.js';

/**
 * Answers `undo`: `undo_started`, then `undo_completed` — `success: true` with "Undo restored
 * snapshot <7-char id>." after a restore, or `success: false` with why not — then the normal
 * `task_complete`. No `task_started` (undo never announced one).
 * @example
 * await thread.submit({ type: 'undo' });
 */
export const undoTask: SessionTask<null> = {
  kind: 'undo',
  steerable: false,
  announcesStart: false,
  async run(ctx, _input, signal) {
    ctx.emit({ type: 'undo_started', message: 'Undo in progress...' });
    if (signal.aborted) {
      ctx.emit({ type: 'undo_completed', success: false, message: 'Undo cancelled.' });
      return null;
    }
    const items = ctx.history();
    let index = items.length - 1;
    while (index >= 0 && items[index]?.type !== 'ghost_snapshot') index--;
    const item = items[index];
    if (item?.type !== 'ghost_snapshot') {
      ctx.emit({ type: 'undo_completed', success: false, message: 'No ghost snapshot available to undo.' });
      return null;
    }
    const rawId = (item.ghost_commit as { id?: unknown } | null)?.id;
    const label = typeof rawId === 'string' ? rawId : '(unknown)';
    const engine = ctx as EngineContext;
    try {
      const commit = parseGhostCommit(item.ghost_commit);
      const limits = engine.services?.ghostSnapshots?.limits ?? DEFAULT_SNAPSHOT_LIMITS;
      // Restoring runs git (smudge filters): only in the repository the thread started with.
      const verdict = engine.services?.ghostSnapshots?.trust.check(ctx.settings.cwd) ?? { trusted: true };
      if (!verdict.trusted) throw new Error(verdict.reason);
      // Not cancellable once started: a half-restored tree would be worse than either state.
      await restoreGhostCommit(ctx.settings.cwd, commit, limits);
    } catch (err) {
      ctx.emit({ type: 'undo_completed', success: false, message: `Failed to restore snapshot ${label}: ${err instanceof Error ? err.message : String(err)}` });
      return null;
    }
    // The newest snapshot goes; replaying `undo_completed{success}` on resume does the same.
    const session = engine.session();
    engine.updateSession({ type: 'HISTORY.REPLACE', history: replaceHistory(session.history, session.history.items.filter((it) => it !== item)) });
    ctx.emit({ type: 'undo_completed', success: true, message: `Undo restored snapshot ${label.slice(0, 7)}.` });
    return null;
  },
};
