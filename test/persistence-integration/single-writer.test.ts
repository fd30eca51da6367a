/**
 * One writer per thread, across real processes: a child holding a thread makes a second
 * child's resume fail with `thread_busy` naming the holder; a lock left by a SIGKILLed child is
 * taken over; createThread takes, refuses and releases the lease as documented.
 * The child is `writer-child.ts`, bundled once with rolldown into a temporary `.mjs`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readlinkSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleChild } from '../support/bundle-child.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createThread } from 'turnstate';
import { JsonlThreadStore, LeaseLostError, ThreadBusyError, ThreadExistsError, THREAD_LOCKS_DIR, type RolloutLine } from '../../src/persistence/index.js';
import { cleanUp, freshHome } from './support.js';
import { lockIdentity } from '../../src/persistence/thread-lock.js';

const THREAD_ID = '01a1fe16-0000-7000-8000-00000000beef';
let bundleDir = '';
let child = '';
const children: ChildProcess[] = [];

beforeAll(() => {
  bundleDir = mkdtempSync(join(tmpdir(), 'turnstate-writer-child-'));
  child = join(bundleDir, 'child.mjs');
  bundleChild('test/persistence-integration/writer-child.ts', child);
}, 40_000);

afterEach(async () => {
  for (const proc of children.splice(0)) proc.kill('SIGKILL');
  await cleanUp();
});

afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

/** Starts the child and resolves with its first output line (and the process). */
function startChild(home: string, mode: 'resume' | 'lock'): Promise<{ proc: ChildProcess; line: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, home, THREAD_ID, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(proc);
    let out = '';
    let err = '';
    proc.stdout?.setEncoding('utf8');
    proc.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve({ proc, line: out.slice(0, newline) });
    });
    proc.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => reject(new Error(`child exited (${code}) before a line: ${err}`)));
  });
}

const killed = (proc: ChildProcess) => new Promise<void>((resolve) => {
  proc.on('close', () => resolve());
  proc.kill('SIGKILL');
});

async function storedThread(home: string): Promise<JsonlThreadStore> {
  const store = new JsonlThreadStore({ home });
  const at = '2026-04-25T10:00:00.000Z';
  const meta: RolloutLine = { timestamp: at, type: 'session_meta', payload: { id: THREAD_ID, timestamp: at, cwd: '/tmp', originator: 'test', cli_version: '0.0.0', source: 'cli' } };
  await store.create([meta]);
  return store;
}

describe('one writer per thread', () => {
  it('a second process resuming a held thread gets thread_busy naming the first', async () => {
    const home = await freshHome();
    await storedThread(home);
    const first = await startChild(home, 'resume');
    expect(first.line).toBe('ready');
    const second = await startChild(home, 'resume');
    expect(second.line).toMatch(new RegExp(`^error thread_busy ${hostname()}:${first.proc.pid}:`));
    // The parent is refused too, with the typed error.
    const refused = createThread({ home, cwd: '/tmp', builtinTools: false, resume: { threadId: THREAD_ID } });
    await expect(refused).rejects.toBeInstanceOf(ThreadBusyError);
    await expect(refused).rejects.toMatchObject({ code: 'thread_busy', threadId: THREAD_ID });
  }, 30_000);

  it('takes over the lock of a SIGKILLed holder', async () => {
    const home = await freshHome();
    const store = await storedThread(home);
    const holder = await startChild(home, 'lock');
    expect(holder.line).toMatch(/^ready /);
    await expect(store.acquire(THREAD_ID)).rejects.toMatchObject({ code: 'thread_busy', holder: holder.line.slice('ready '.length) });
    await killed(holder.proc);
    const lease = await store.acquire(THREAD_ID, { holder: 'after-kill' });
    expect(lease.holder).toBe('after-kill');
    // The taken-over thread resumes in another process only after this one lets go.
    expect((await startChild(home, 'resume')).line).toBe('error thread_busy after-kill');
    await lease.release();
    expect((await startChild(home, 'resume')).line).toBe('ready');
  }, 30_000);

  it('takes over a lock that was not refreshed for lockStaleMs, and not a fresh one', async () => {
    const home = await freshHome();
    const store = new JsonlThreadStore({ home, lockStaleMs: 5_000 });
    const base = join(home, THREAD_LOCKS_DIR, THREAD_ID);
    // A holder on another machine: liveness cannot be probed, only the lock's age counts.
    mkdirSync(`${base}.lock`, { recursive: true });
    writeFileSync(`${base}.holder`, JSON.stringify({ holder: 'elsewhere:1:x', pid: 1, host: 'elsewhere.invalid' }));
    await expect(store.acquire(THREAD_ID)).rejects.toMatchObject({ code: 'thread_busy', holder: 'elsewhere:1:x' });
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${base}.lock`, old, old);
    const lease = await store.acquire(THREAD_ID, { holder: 'taker' });
    expect(lease.holder).toBe('taker');
    await lease.release();
  });

  it('judges a holder by its pid only within the same host and PID namespace', async () => {
    const home = await freshHome();
    const store = new JsonlThreadStore({ home });
    const base = join(home, THREAD_LOCKS_DIR, THREAD_ID);
    const deadPid = spawnSync('true').pid ?? 0;
    mkdirSync(`${base}.lock`, { recursive: true });
    // Another container on this host: the same pid number means nothing here.
    // A holder record names the lock directory it was written for.
    const lock = lockIdentity(statSync(`${base}.lock`));
    writeFileSync(`${base}.holder`, JSON.stringify({ holder: 'container-b', pid: deadPid, host: hostname(), pidNamespace: 'pid:[1]', lock }));
    await expect(store.acquire(THREAD_ID)).rejects.toMatchObject({ code: 'thread_busy', holder: 'container-b' });
    // The same record from this namespace is a dead local process: taken over at once.
    writeFileSync(`${base}.holder`, JSON.stringify({ holder: 'gone', pid: deadPid, host: hostname(), pidNamespace: readlinkSync('/proc/self/ns/pid'), lock }));
    const lease = await store.acquire(THREAD_ID, { holder: 'taker' });
    expect(lease.holder).toBe('taker');
    await lease.release();
  });

  it('createThread holds the lease until shutdown; ephemeral threads take none', async () => {
    const home = await freshHome();
    await storedThread(home);
    const first = await createThread({ home, cwd: '/tmp', builtinTools: false, resume: { threadId: THREAD_ID } });
    await expect(createThread({ home, cwd: '/tmp', builtinTools: false, resume: { threadId: THREAD_ID } })).rejects.toBeInstanceOf(ThreadBusyError);
    await expect(createThread({ home, cwd: '/tmp', builtinTools: false, threadId: THREAD_ID })).rejects.toBeInstanceOf(ThreadBusyError);
    const ephemeral = await createThread({ home, cwd: '/tmp', builtinTools: false, threadId: THREAD_ID, ephemeral: true });
    await ephemeral.shutdown();
    await first.shutdown();
    const again = await createThread({ home, cwd: '/tmp', builtinTools: false, resume: { threadId: THREAD_ID } });
    await again.shutdown();
  });

  it('refuses an explicit threadId that is already stored, and releases the lease it took', async () => {
    const home = await freshHome();
    await storedThread(home);
    const created = createThread({ home, cwd: '/tmp', builtinTools: false, threadId: THREAD_ID });
    await expect(created).rejects.toBeInstanceOf(ThreadExistsError);
    await expect(created).rejects.toMatchObject({ code: 'thread_exists', threadId: THREAD_ID });
    const resumed = await createThread({ home, cwd: '/tmp', builtinTools: false, resume: { threadId: THREAD_ID } });
    await resumed.shutdown();
  });

  it('waits up to waitMs for a live holder to let go', async () => {
    const home = await freshHome();
    const store = await storedThread(home);
    const first = await store.acquire(THREAD_ID, { holder: 'first' });
    const waiting = store.acquire(THREAD_ID, { holder: 'second', waitMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await first.release();
    const second = await waiting;
    expect(second.holder).toBe('second');
    await second.release();
  });

  it('resuming by path takes the lease of the thread in that file', async () => {
    const home = await freshHome();
    const store = await storedThread(home);
    const path = (await store.findPath(THREAD_ID)) ?? '';
    const byPath = await createThread({ home, cwd: '/tmp', builtinTools: false, resume: { path } });
    expect(byPath.id).toBe(THREAD_ID);
    await expect(store.acquire(THREAD_ID)).rejects.toMatchObject({ code: 'thread_busy' });
    await byPath.shutdown();
    const lease = await store.acquire(THREAD_ID);
    await lease.release();
  });

  it('refuses appends once the lock was taken from under its holder', async () => {
    const home = await freshHome();
    await storedThread(home);
    const store = new JsonlThreadStore({ home, lockStaleMs: 2_000 });
    const lease = await store.acquire(THREAD_ID);
    rmSync(join(home, THREAD_LOCKS_DIR, `${THREAD_ID}.lock`), { recursive: true });
    // proper-lockfile notices at its next refresh (every lockStaleMs / 2).
    const line: RolloutLine = { timestamp: '2026-04-25T10:00:01.000Z', type: 'event_msg', payload: { type: 'agent_message', message: 'late' } };
    let refused: unknown = null;
    for (let i = 0; i < 200 && refused === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      refused = await store.append(THREAD_ID, [line]).then(() => null, (error: unknown) => error);
    }
    expect(refused).toBeInstanceOf(LeaseLostError);
    await lease.release();
  }, 30_000);
});
