import { spawn, spawnSync } from 'node:child_process';
import { access, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageHistory, withFileLock } from '../../src/persistence/index.js';
import { tempHome } from './support/fixtures.js';
import { transpilePersistence } from './support/transpile.js';

const WRITER = fileURLToPath(new URL('./support/history-writer.mjs', import.meta.url));
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
async function home(): Promise<string> {
  const made = await tempHome('turnstate-history-');
  cleanups.push(made.cleanup);
  return made.home;
}
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('MessageHistory', () => {
  it('appends entries and looks them up by log id and offset', async () => {
    const history = new MessageHistory({ home: await home(), now: () => new Date(Date.UTC(2026, 3, 25, 10, 0, 0, 900)) });
    expect(await history.metadata()).toEqual({ logId: 0, entryCount: 0 });
    await history.append('thread-a', 'first');
    await history.append('thread-b', 'second\nwith a newline');
    const { logId, entryCount } = await history.metadata();
    expect(entryCount).toBe(2);
    expect(logId).toBeGreaterThan(0);
    expect(await history.lookup(logId, 1)).toEqual({ session_id: 'thread-b', ts: 1777111200, text: 'second\nwith a newline' });
    expect(await history.lookup(logId, 0)).toMatchObject({ text: 'first' });
    expect(await history.lookup(logId, 2)).toBeNull();
    expect(await history.lookup(logId + 1, 0)).toBeNull();
    expect(await history.lookup(logId, -1)).toBeNull();
    expect(await exists(history.lockPath)).toBe(false);
    expect(await readFile(history.path, 'utf8')).toBe(
      '{"session_id":"thread-a","ts":1777111200,"text":"first"}\n{"session_id":"thread-b","ts":1777111200,"text":"second\\nwith a newline"}\n',
    );
  });

  it('waits for a held lock and times out with a typed error', async () => {
    const history = new MessageHistory({ home: await home(), lock: { timeoutMs: 150 } });
    await writeFile(history.lockPath, JSON.stringify({ token: 'other', pid: process.pid, host: hostname() }));
    await expect(history.append('t', 'blocked')).rejects.toMatchObject({ code: 'lock_timeout' });
    expect(await exists(history.path)).toBe(false);
  });

  it('takes over a lock left by a process that is gone', async () => {
    const history = new MessageHistory({ home: await home(), lock: { timeoutMs: 10_000 } });
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(history.lockPath, JSON.stringify({ token: 'dead', pid: dead, host: hostname() }));
    await history.append('t', 'after a crash');
    expect((await history.metadata()).entryCount).toBe(1);
    expect(await exists(history.lockPath)).toBe(false);
  });

  it('takes over a lock older than staleMs', async () => {
    const history = new MessageHistory({ home: await home(), lock: { timeoutMs: 10_000, staleMs: 1_000 } });
    await writeFile(history.lockPath, 'garbage');
    const old = new Date(Date.now() - 60_000);
    await utimes(history.lockPath, old, old);
    await history.append('t', 'after a stale lock');
    expect((await history.metadata()).entryCount).toBe(1);
  });

  it('lets one holder at a time into the critical section', async () => {
    const lockPath = join(await home(), 'y.lock');
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        withFileLock(lockPath, async () => {
          most = Math.max(most, ++inside);
          await new Promise((resolve) => setTimeout(resolve, 3));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
  });

  it('does not remove a lock it no longer owns', async () => {
    const dir = await home();
    const lockPath = join(dir, 'x.lock');
    await withFileLock(lockPath, async () => {
      await writeFile(lockPath, JSON.stringify({ token: 'someone-else', pid: process.pid, host: hostname() }));
    });
    expect(await exists(lockPath)).toBe(true);
  });

  it('loses and tears no line when several processes append at once', async () => {
    const dir = await home();
    const modulePath = await transpilePersistence(join(dir, 'build'));
    const historyPath = join(dir, 'history.jsonl');
    const goPath = join(dir, 'go');
    const writers = 6;
    const perWriter = 40;
    const children = Array.from({ length: writers }, (_, w) => {
      const child = spawn(process.execPath, [WRITER, modulePath, historyPath, goPath, `s${w}`, String(perWriter), String(3000 * (w + 1))], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      return new Promise<void>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${w} exited with ${code}: ${stderr}`))));
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await writeFile(goPath, '');
    await Promise.all(children);

    const lines = (await readFile(historyPath, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(writers * perWriter);
    const seen = new Set<string>();
    for (const line of lines) {
      const entry = JSON.parse(line) as { session_id: string; text: string };
      const [session, index, filler, end] = entry.text.split('|');
      expect(session).toBe(entry.session_id);
      expect(end).toBe('end');
      expect(filler).toMatch(/^é+$/);
      seen.add(`${session}|${index}`);
    }
    expect(seen.size).toBe(writers * perWriter);
    const history = new MessageHistory({ path: historyPath });
    const { logId, entryCount } = await history.metadata();
    expect(entryCount).toBe(writers * perWriter);
    expect((await history.lookup(logId, entryCount - 1))?.text.endsWith('|end')).toBe(true);
    expect(await exists(`${historyPath}.lock`)).toBe(false);
  });
});
