/**
 * The JSONL store's goal files: a thread's goal (SPEC §7.1) lives beside its rollout, as
 * `rollout-<time>-<id>.goal.json` next to `rollout-<time>-<id>.jsonl`, so archiving moves it
 * and deleting removes it with the thread.
 *
 * Invariant: a goal file is replaced atomically (`write-file-atomic`: temporary file, fsync,
 * rename; then the directory is synced), so a reader sees the old goal or the new one, never
 * a torn file.
 */
import { readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { ThreadGoal } from '../protocol/goal.js';
import { GoalFileInvalidError } from './errors.js';
import { isErrno, syncDirectory } from './fs-utils.js';

const GOAL_SUFFIX = '.goal.json';

/**
 * The goal file of a rollout file.
 * @example
 * goalPathFor('/h/sessions/2026/04/25/rollout-2026-04-25T10-00-00-t1.jsonl');
 * // '/h/sessions/2026/04/25/rollout-2026-04-25T10-00-00-t1.goal.json'
 */
export function goalPathFor(rolloutPath: string): string {
  return rolloutPath.replace(/\.jsonl$/, '') + GOAL_SUFFIX;
}

/**
 * Reads a goal file; `null` when there is none. Throws `GoalFileInvalidError` when the file
 * holds something else than a goal.
 * @example
 * const goal = await readGoalFile(goalPathFor(rolloutPath));
 */
export async function readGoalFile(path: string): Promise<ThreadGoal | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT', 'ENOTDIR')) return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GoalFileInvalidError(path, 'not JSON', { cause: error });
  }
  const parsed = ThreadGoal.safeParse(json);
  if (!parsed.success) throw new GoalFileInvalidError(path, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

/**
 * Replaces (or, with `null`, removes) a goal file, durably.
 * @example
 * await writeGoalFile(goalPathFor(rolloutPath), goal);
 */
export async function writeGoalFile(path: string, goal: ThreadGoal | null): Promise<void> {
  if (goal === null) await rm(path, { force: true });
  else await writeFileAtomic(path, `${JSON.stringify(goal)}\n`, { mode: 0o600, fsync: true });
  await syncDirectory(dirname(path));
}

/**
 * Moves a rollout's goal file into `targetDir` (before the rollout itself moves there); a
 * rollout without a goal moves nothing.
 * @example
 * await moveGoalFile(rolloutPath, archivedDir);
 */
export async function moveGoalFile(rolloutPath: string, targetDir: string): Promise<void> {
  const from = goalPathFor(rolloutPath);
  try {
    await rename(from, join(targetDir, basename(from)));
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return;
    throw error;
  }
  await syncDirectory(targetDir);
}
