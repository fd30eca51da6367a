/**
 * An exclusive lock between processes, as a lock file created with `wx` (fails if it exists).
 * Waiters retry with exponential backoff and jitter until a timeout. A lock is stale when its
 * holder on this host is gone, or when it is older than `staleMs`; a stale lock is moved
 * aside (rename is atomic) and re-checked, and put back if it turned out to be a fresh one.
 * Release removes the lock only if it still holds this holder's token.
 *
 * Hand-written rather than `proper-lockfile` (which the thread lease uses): this lock guards
 * one append of a few bytes to the shared message history, so it needs millisecond waits and
 * an immediate takeover from a dead holder by pid, whereas proper-lockfile judges staleness by
 * a refreshed mtime with a 2 s floor and keeps a refresh timer per lock.
 */
import { randomUUID } from 'node:crypto';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { LockTimeoutError } from './errors.js';
import { isErrno } from './fs-utils.js';

/**
 * Options of `withFileLock`.
 * @example
 * await withFileLock(lockPath, append, { timeoutMs: 5_000, staleMs: 30_000 });
 */
export interface FileLockOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** A lock older than this is taken over (default 30 s; appends hold it for milliseconds). */
  staleMs?: number;
  /** First backoff delay (default 2 ms), doubled up to `maxDelayMs` (default 100 ms). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

interface LockOwner {
  token: string;
  pid: number;
  host: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function readOwner(path: string): Promise<LockOwner | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as LockOwner).token === 'string') return parsed as LockOwner;
  } catch {
    // unreadable or half-written: judged by age only
  }
  return null;
}

function holderIsGone(owner: LockOwner | null): boolean {
  if (owner === null || owner.host !== hostname() || !Number.isInteger(owner.pid)) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return isErrno(error, 'ESRCH');
  }
}

async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(owner));
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  }
}

/** Moves a stale lock aside; returns whether it was removed. */
async function breakIfStale(path: string, staleMs: number): Promise<boolean> {
  let age: number;
  try {
    age = Date.now() - (await stat(path)).mtimeMs;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return true;
    throw error;
  }
  const judged = await readOwner(path);
  if (age < staleMs && !holderIsGone(judged)) return false;
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return true;
    throw error;
  }
  const moved = await readOwner(aside);
  if (moved !== null && judged !== null && moved.token !== judged.token) {
    // A new holder took the lock between our check and the rename: give it back.
    await link(aside, path).catch(() => undefined);
  }
  await rm(aside, { force: true });
  return true;
}

/**
 * Runs `fn` while holding the lock file at `lockPath`.
 * @example
 * await withFileLock('/home/u/.turnstate/history.jsonl.lock', () => appendEntry());
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const maxDelay = options.maxDelayMs ?? 100;
  let delay = options.initialDelayMs ?? 2;
  const owner: LockOwner = { token: randomUUID(), pid: process.pid, host: hostname() };
  const started = Date.now();
  while (!(await tryCreate(lockPath, owner))) {
    if (await breakIfStale(lockPath, staleMs)) continue;
    if (Date.now() - started >= timeoutMs) throw new LockTimeoutError(lockPath, Date.now() - started);
    await sleep(delay * (0.5 + Math.random()));
    delay = Math.min(delay * 2, maxDelay);
  }
  try {
    return await fn();
  } finally {
    const current = await readOwner(lockPath);
    if (current?.token === owner.token) await rm(lockPath, { force: true });
  }
}
