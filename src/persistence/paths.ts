/**
 * Where things live under the turnstate home (`TURNSTATE_HOME`, default `~/.turnstate`):
 * rollouts at `sessions/YYYY/MM/DD/rollout-YYYY-MM-DDThh-mm-ss-<thread id>.jsonl` (local
 * time, `-` instead of `:`), archived rollouts in `archived_sessions/`, the message history
 * in `history.jsonl`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InvalidRolloutLinesError } from './errors.js';

/**
 * Folder of active rollouts, under the home.
 * @example
 * join(home, SESSIONS_DIR, '2026', '04', '25');
 */
export const SESSIONS_DIR = 'sessions';
/**
 * Folder of archived rollouts, under the home.
 * @example
 * join(home, ARCHIVED_SESSIONS_DIR);
 */
export const ARCHIVED_SESSIONS_DIR = 'archived_sessions';
/**
 * File name of the message history, under the home.
 * @example
 * join(home, MESSAGE_HISTORY_FILE);
 */
export const MESSAGE_HISTORY_FILE = 'history.jsonl';

const FILE_NAME = /^rollout-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})-([A-Za-z0-9._-]+)\.jsonl$/;
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The turnstate home directory.
 * @example
 * resolveTurnstateHome({ TURNSTATE_HOME: '/tmp/ts' }); // '/tmp/ts'
 */
export function resolveTurnstateHome(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.TURNSTATE_HOME;
  return configured !== undefined && configured !== '' ? configured : join(homedir(), '.turnstate');
}

/**
 * Throws unless a thread id can be used in a file name.
 * @example
 * assertSafeThreadId('0193e0b2-7a4c-7000-8000-000000000000');
 */
export function assertSafeThreadId(threadId: string): void {
  if (!SAFE_ID.test(threadId)) throw new InvalidRolloutLinesError(`thread id ${JSON.stringify(threadId)} cannot be used in a file name`);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * The local-time key used in rollout file names (`YYYY-MM-DDThh-mm-ss`).
 * @example
 * localTimeKey(new Date(2026, 3, 25, 9, 5, 7)); // '2026-04-25T09-05-07'
 */
export function localTimeKey(date: Date): string {
  const day = `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day}T${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`;
}

/**
 * Reads a local-time key back as a time.
 * @example
 * localTimeKeyToDate('2026-04-25T09-05-07').getHours(); // 9
 */
export function localTimeKeyToDate(key: string): Date {
  const [y, mo, d, h, mi, s] = key.split(/[-T]/).map(Number);
  return new Date(y ?? 1970, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
}

/**
 * A rollout's path relative to the home, from its thread id and creation time.
 * @example
 * rolloutRelativePath('abc', new Date(2026, 3, 25, 9, 5, 7));
 * // 'sessions/2026/04/25/rollout-2026-04-25T09-05-07-abc.jsonl'
 */
export function rolloutRelativePath(threadId: string, createdAt: Date): string {
  assertSafeThreadId(threadId);
  if (Number.isNaN(createdAt.getTime())) throw new InvalidRolloutLinesError(`thread ${threadId} has an invalid creation time`);
  const dir = join(SESSIONS_DIR, pad(createdAt.getFullYear(), 4), pad(createdAt.getMonth() + 1), pad(createdAt.getDate()));
  return join(dir, `rollout-${localTimeKey(createdAt)}-${threadId}.jsonl`);
}

/**
 * Splits a rollout file name into its time key and thread id; `null` for other names.
 * @example
 * parseRolloutFileName('rollout-2026-04-25T09-05-07-abc.jsonl'); // { time: '2026-04-25T09-05-07', threadId: 'abc' }
 */
export function parseRolloutFileName(name: string): { time: string; threadId: string } | null {
  const match = FILE_NAME.exec(name);
  if (match === null) return null;
  return { time: match[1] ?? '', threadId: match[2] ?? '' };
}
