/**
 * The ghost snapshot a regular turn takes before its tools may run (SPEC §4.6): a git commit
 * of the working tree, recorded as a `ghost_snapshot` item (history and rollout; never sent to
 * the model), with warnings for what it left out. Outside a git repository nothing happens.
 */
import {
  createGhostCommit,
  DEFAULT_SNAPSHOT_LIMITS,
  mayBeInsideGitRepository,
  NotAGitRepositoryError,
  RepositoryTrust,
  type CaptureReport,
  type GhostSnapshotSettings,
  type SnapshotLimits,
} from '../git/index.js';
import type { ResponseItem } from '../protocol/index.js';

/**
 * What taking a snapshot needs of its thread: a narrow view of `ThreadRuntime`, so that this
 * module (whose settings type the runtime imports) does not import the runtime back.
 */
export interface SnapshotHost {
  readonly config: { readonly ghostSnapshots?: GhostSnapshotSettings | null };
  readonly turns: { get(turnId: string): { ctx?: { settings: { cwd: string } } | null } | undefined };
  session(): { settings: { cwd: string } };
  emit(turnId: string, msg: { type: 'warning'; message: string }): void;
  recordItems(items: ResponseItem[]): void;
}

/**
 * Options of `createThread({ ghostSnapshots })`.
 * @example
 * await createThread({ model, ghostSnapshots: { ignoreLargeUntrackedFiles: 50 * 1024 * 1024 } });
 */
export interface GhostSnapshotOptions {
  /** Untracked files larger than this many bytes are left out (default 10 MiB; 0 = no limit). */
  ignoreLargeUntrackedFiles?: number;
  /** Untracked directories with at least this many files are left out (default 200; 0 = no limit). */
  ignoreLargeUntrackedDirs?: number;
  /** Tool calls wait at most this long for the snapshot, in ms (default 240 000). */
  timeoutMs?: number;
}

/** SPEC §4.6: a snapshot slower than 240 s lets the turn's tools go on. */
export const GHOST_SNAPSHOT_TIMEOUT_MS = 240_000;

/**
 * Resolves the `ghostSnapshots` option (default on) into settings, or null when turned off.
 * `cwd` is the thread's working directory, whose repository is recorded now (call this before
 * any tool runs): only that repository is snapshotted and restored later.
 * @example
 * ghostSnapshotSettings(undefined, '/ws')?.timeoutMs; // 240000
 */
export function ghostSnapshotSettings(option: boolean | GhostSnapshotOptions | undefined, cwd?: string): GhostSnapshotSettings | null {
  if (option === false) return null;
  const o = option === true || option === undefined ? {} : option;
  return {
    limits: {
      ignoreLargeUntrackedFiles: o.ignoreLargeUntrackedFiles ?? DEFAULT_SNAPSHOT_LIMITS.ignoreLargeUntrackedFiles,
      ignoreLargeUntrackedDirs: o.ignoreLargeUntrackedDirs ?? DEFAULT_SNAPSHOT_LIMITS.ignoreLargeUntrackedDirs,
    },
    timeoutMs: o.timeoutMs ?? GHOST_SNAPSHOT_TIMEOUT_MS,
    trust: cwd === undefined ? new RepositoryTrust() : new RepositoryTrust(cwd),
  };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.floor(bytes / (1024 * 1024))} MiB`;
  if (bytes >= 1024) return `${Math.floor(bytes / 1024)} KiB`;
  return `${bytes} B`;
}

/** Lists at most three entries, then how many more. */
function listSome(parts: string[]): string {
  return parts.length > 3 ? `${parts.slice(0, 3).join(', ')} and ${parts.length - 3} more` : parts.join(', ');
}

/**
 * The warnings for what a snapshot left out (none when nothing was).
 * @example
 * snapshotWarnings({ largeUntrackedDirs: [{ path: 'data', fileCount: 900 }], largeUntrackedFiles: [] }, DEFAULT_SNAPSHOT_LIMITS);
 */
export function snapshotWarnings(report: CaptureReport, limits: SnapshotLimits): string[] {
  const out: string[] = [];
  if (report.largeUntrackedDirs.length > 0) {
    const dirs = listSome(report.largeUntrackedDirs.map((d) => `${d.path} (${d.fileCount} files)`));
    out.push(
      `The undo snapshot left out untracked directories with ${limits.ignoreLargeUntrackedDirs} or more files: ${dirs}. ` +
        'Undo neither restores nor deletes them; raise `ghostSnapshots.ignoreLargeUntrackedDirs` to include them.',
    );
  }
  if (report.largeUntrackedFiles.length > 0) {
    const files = listSome(report.largeUntrackedFiles.map((f) => `${f.path} (${formatBytes(f.byteSize)})`));
    out.push(
      `The undo snapshot left out untracked files larger than ${formatBytes(limits.ignoreLargeUntrackedFiles)}: ${files}. ` +
        'Undo keeps them but cannot restore their contents; raise `ghostSnapshots.ignoreLargeUntrackedFiles` to include them.',
    );
  }
  return out;
}

/**
 * Takes the turn's snapshot and records it; called for turns that take one (their spec has a
 * snapshot time limit). Returns `undefined` at once — no promise, no git — when snapshots are
 * off, the turn has ended, or the working directory is outside any git repository (the common
 * case costs a few `stat`s); otherwise a promise that rejects when git fails (the turn warns
 * and goes on). Stops git when `signal` aborts (`signal` is read only when git runs).
 * @example
 * await takeGhostSnapshot(rt, turnId, () => AbortSignal.timeout(240_000));
 */
export function takeGhostSnapshot(rt: SnapshotHost, turnId: string, signal: () => AbortSignal): Promise<void> | undefined {
  const settings = rt.config.ghostSnapshots;
  const entry = rt.turns.get(turnId);
  // Only turns started with a snapshot limit take one (the caller checks); snapshots may be off.
  if (!settings || !entry) return undefined;
  const cwd = entry.ctx?.settings.cwd ?? rt.session().settings.cwd;
  if (!mayBeInsideGitRepository(cwd)) return undefined;
  return snapshotRepository(rt, turnId, cwd, settings, signal());
}

async function snapshotRepository(rt: SnapshotHost, turnId: string, cwd: string, settings: GhostSnapshotSettings, signal: AbortSignal): Promise<void> {
  // Never run git on a repository a sandboxed command may have planted (its config runs programs).
  const verdict = settings.trust.check(cwd);
  if (!verdict.trusted) {
    rt.emit(turnId, { type: 'warning', message: `No undo snapshot: ${verdict.reason}.` });
    return;
  }
  let snapshot;
  try {
    snapshot = await createGhostCommit(cwd, settings.limits, signal);
  } catch (err) {
    if (err instanceof NotAGitRepositoryError) return;
    throw err;
  }
  if (signal.aborted) return;
  for (const message of snapshotWarnings(snapshot.report, settings.limits)) rt.emit(turnId, { type: 'warning', message });
  const item: ResponseItem = { type: 'ghost_snapshot', ghost_commit: snapshot.commit };
  rt.recordItems([item]);
}

/**
 * The warning when tool calls stop waiting for a slow snapshot.
 * @example
 * slowSnapshotWarning(240_000); // 'The undo snapshot of the working tree took longer than 240 s; ...'
 */
export function slowSnapshotWarning(limitMs: number): string {
  return (
    `The undo snapshot of the working tree took longer than ${Math.round(limitMs / 1000)} s; tools go on without it, ` +
    'so undo cannot return to the start of this turn. Large untracked files slow snapshots: add them to .gitignore, ' +
    'or turn snapshots off with `ghostSnapshots: false`.'
  );
}

/**
 * The warning when a snapshot failed.
 * @example
 * failedSnapshotWarning('git add failed (exit 128)');
 */
export function failedSnapshotWarning(message: string): string {
  return `The undo snapshot of the working tree failed, so undo cannot return to the start of this turn: ${message}`;
}
