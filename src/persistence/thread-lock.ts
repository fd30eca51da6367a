/**
 * The file store's single-writer lease: one `proper-lockfile` lock per thread under
 * `<home>/locks/threads/`, so a thread whose rollout is not materialised yet is lockable too.
 * Invariants: at most one live holder per thread across processes; the holder refreshes the
 * lock's mtime while it lives, so a lock left by a killed process goes stale after `staleMs`
 * and is taken over (at once when the holder was a process of this host and PID namespace
 * that is gone); a `<threadId>.holder` file beside the lock names the holder (host, pid, PID
 * namespace) for `ThreadBusyError` and that liveness check.
 */
import { randomUUID } from 'node:crypto';
import { readlinkSync, type Stats } from 'node:fs';
import { mkdir, open, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';
import { ThreadBusyError } from './errors.js';
import type { AcquireOptions, ThreadLease } from './store.js';

/**
 * Where thread locks live, relative to the turnstate home.
 * @example
 * join(home, THREAD_LOCKS_DIR, `${threadId}.lock`);
 */
export const THREAD_LOCKS_DIR = join('locks', 'threads');

/**
 * Default age (ms) after which a lock whose holder stopped refreshing it is taken over.
 * @example
 * new JsonlThreadStore({ home, lockStaleMs: DEFAULT_LOCK_STALE_MS });
 */
export const DEFAULT_LOCK_STALE_MS = 10_000;

/** Retry period (ms) while waiting for a live holder (`AcquireOptions.waitMs`). */
const WAIT_STEP_MS = 50;

/**
 * Takes the lock of `threadId` under `locksDir`. Throws `ThreadBusyError` naming the holder
 * when another live writer holds it after `options.waitMs`. `onLost` is called if the lock is
 * compromised later (its directory removed or taken over, or refreshing it failed).
 * @example
 * const lease = await acquireThreadLock('/home/u/.turnstate/locks/threads', id, {}, 10_000, () => {});
 */
export async function acquireThreadLock(
  locksDir: string,
  threadId: string,
  options: AcquireOptions,
  staleMs: number,
  onLost: () => void,
): Promise<ThreadLease> {
  const holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const base = join(locksDir, threadId);
  const deadline = Date.now() + Math.max(0, options.waitMs ?? 0);
  let lost = false;
  const lock = () =>
    lockfile.lock(base, {
      realpath: false,
      stale: staleMs,
      onCompromised: () => {
        lost = true;
        onLost();
      },
    });
  let release: (() => Promise<void>) | null = null;
  let judgedHolder = false;
  let missingFolder = 0;
  while (release === null) {
    // The folder goes when its last lock goes (an idle home keeps no trace), so it is made
    // before every try, and a try that finds it gone meanwhile is repeated.
    await mkdir(locksDir, { recursive: true });
    try {
      release = await lock();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && ++missingFolder < 20) continue;
      if (code !== 'ELOCKED') throw error;
      if (!judgedHolder) {
        judgedHolder = true;
        // A holder on this host whose process is gone left the lock: take it over now rather
        // than after `staleMs`, by aging the lock so proper-lockfile's stale takeover applies.
        if (await ageLockOfDeadHolder(base)) continue;
      }
      if (Date.now() >= deadline) throw new ThreadBusyError(threadId, (await readHolder(base))?.holder ?? 'unknown holder', { cause: error });
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
    }
  }
  await writeHolder(base, holder, lockIdentity(await stat(`${base}.lock`)));
  let released = false;
  return {
    threadId,
    holder,
    fencingToken: 0,
    release: async () => {
      if (released) return;
      released = true;
      if (!lost) await rm(`${base}.holder`, { force: true }).catch(() => undefined);
      await release?.().catch((error: NodeJS.ErrnoException) => {
        // Already taken over or removed: there is nothing of ours left to release.
        if (error.code !== 'ERELEASED' && error.code !== 'ENOTACQUIRED' && error.code !== 'ENOENT') throw error;
      });
      await removeEmptyDirs(locksDir, levels(THREAD_LOCKS_DIR));
    },
  };
}

async function writeHolder(base: string, holder: string, lock: string): Promise<void> {
  const temp = `${base}.holder.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temp, JSON.stringify({ holder, pid: process.pid, host: hostname(), pidNamespace: PID_NAMESPACE, lock }), { mode: 0o600 });
  await rename(temp, `${base}.holder`);
}

const levels = (relative: string): number => relative.split(/[\\/]/).length;

/** Removes `dir` and up to `count - 1` of its parents while they are empty. */
async function removeEmptyDirs(dir: string, count: number): Promise<void> {
  for (let i = 0, current = dir; i < count; i++, current = dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty (another lock), or already gone
    }
  }
}

interface HolderRecord {
  holder: string;
  pid: number;
  host: string;
  /** The holder's PID namespace (Linux), so a pid is only judged where it means the same process. */
  pidNamespace?: string | null;
  /** The identity of the lock directory it took (`lockIdentity`): the record speaks for that lock only. */
  lock?: string;
}

/**
 * A lock directory's identity (`dev:ino:birthtime`; an inode number alone is soon reused), as
 * its holder record names it. The record is written just after the lock is taken, so a record
 * naming another identity belongs to a previous holder and says nothing about the current one.
 * @example
 * lockIdentity(statSync(`${base}.lock`)); // '2049:131:1764410000000'
 */
export const lockIdentity = (st: Stats): string => `${st.dev}:${st.ino}:${st.birthtimeMs}`;

/** This process's PID namespace (`pid:[4026531836]` on Linux), or `null` where there is none. */
const PID_NAMESPACE: string | null = (() => {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return null;
  }
})();

async function readHolder(base: string): Promise<HolderRecord | null> {
  try {
    const parsed = JSON.parse(await readFile(`${base}.holder`, 'utf8')) as Partial<HolderRecord>;
    if (typeof parsed.holder === 'string' && typeof parsed.pid === 'number' && typeof parsed.host === 'string') return parsed as HolderRecord;
  } catch {
    // not written yet, or removed meanwhile
  }
  return null;
}

/**
 * When the lock's recorded holder is a process of this host that no longer exists, ages that
 * very lock (so proper-lockfile's stale takeover applies at once) and returns true; of several
 * writers doing this at once, the one that moves the record away does it. The lock
 * directory is opened first and judged and aged through that descriptor: a record written for
 * an earlier lock (a new holder took it and has not written its record yet) does not match
 * the directory's identity, and a directory replaced meanwhile is not the one aged.
 */
async function ageLockOfDeadHolder(base: string): Promise<boolean> {
  const handle = await open(`${base}.lock`, 'r').catch(() => null);
  if (handle === null) return false;
  try {
    const record = await readHolder(base);
    if (record === null || record.host !== hostname() || (record.pidNamespace ?? null) !== PID_NAMESPACE) return false;
    if (record.lock !== lockIdentity(await handle.stat())) return false;
    if (record.pid === process.pid || !processIsGone(record.pid)) return false;
    // Claim the takeover by moving the record away (atomic: one contender wins). Two writers
    // each taking over the same stale lock would race inside proper-lockfile's stale removal.
    const claimed = `${base}.holder.${randomUUID()}.taken`;
    if (!(await rename(`${base}.holder`, claimed).then(() => true, () => false))) return false;
    const moved = await readFile(claimed, 'utf8').catch(() => '');
    if (!moved.includes(`"lock":${JSON.stringify(record.lock)}`)) {
      // A new holder wrote its record meanwhile: put it back, and leave its lock alone.
      await rename(claimed, `${base}.holder`).catch(() => undefined);
      return false;
    }
    await rm(claimed, { force: true });
    await handle.utimes(0, 0);
    return true;
  } catch {
    return false;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}


