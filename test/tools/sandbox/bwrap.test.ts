import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxPolicy } from '../../../src/protocol/config.js';
import { detectBwrap, isLikelySandboxDenial, sandboxSpecFor, wrapCommand, writableRootsFor } from '../../../src/tools/sandbox/index.js';
import { runCommand } from '../../../src/tools/shell/index.js';

const bwrap = await detectBwrap();
if (!bwrap.available) console.warn(`[skip] bwrap sandbox tests: ${bwrap.reason}`);
const describeBwrap = bwrap.available ? describe : describe.skip;

const readOnly: SandboxPolicy = { type: 'read-only', network_access: false };
const workspace = (over: Partial<Extract<SandboxPolicy, { type: 'workspace-write' }>> = {}): SandboxPolicy => ({
  type: 'workspace-write',
  writable_roots: [],
  network_access: false,
  exclude_tmpdir_env_var: false,
  exclude_slash_tmp: false,
  ...over,
});

describe('sandbox spec (pure)', () => {
  it('maps policies to specs and wraps argv in bwrap', () => {
    expect(sandboxSpecFor({ type: 'danger-full-access' }, '/ws')).toEqual({ kind: 'none' });
    expect(sandboxSpecFor({ type: 'external-sandbox', network_access: 'enabled' }, '/ws')).toEqual({ kind: 'none' });
    expect(writableRootsFor(workspace({ writable_roots: ['extra'] }), '/nonexistent/ws', { TMPDIR: '/nonexistent/tmpdir' })).toEqual([
      '/nonexistent/ws',
      '/nonexistent/ws/extra',
      '/nonexistent/tmpdir',
      '/tmp',
    ]);
    expect(writableRootsFor(workspace({ exclude_slash_tmp: true, exclude_tmpdir_env_var: true }), '/nonexistent/ws', { TMPDIR: '/x' })).toEqual([
      '/nonexistent/ws',
    ]);
    const spec = sandboxSpecFor(workspace({ exclude_slash_tmp: true }), '/nonexistent/ws', { env: {} });
    expect(wrapCommand(['ls', '-l'], spec)).toEqual([
      'bwrap', '--die-with-parent', '--unshare-pid', '--unshare-net',
      '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc',
      '--bind-try', '/nonexistent/ws', '/nonexistent/ws',
      '--ro-bind-try', '/nonexistent/ws/.git', '/nonexistent/ws/.git',
      '--chdir', '/nonexistent/ws', '--', 'ls', '-l',
    ]);
    expect(wrapCommand(['ls'], { kind: 'none' })).toEqual(['ls']);
  });

  it('reports a bwrap that cannot run as unavailable, with the reason', async () => {
    const status = await detectBwrap({ path: '/nonexistent/bwrap' });
    expect(status).toMatchObject({ available: false, path: '/nonexistent/bwrap', reason: expect.stringContaining('cannot run /nonexistent/bwrap') });
    expect(await detectBwrap({ path: '/nonexistent/bwrap' })).toBe(status);
  });
});

describeBwrap('bwrap sandbox (real)', () => {
  let base: string;
  let ws: string;
  let outside: string;
  beforeEach(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'ts-bwrap-'));
    ws = path.join(base, 'ws');
    outside = path.join(base, 'outside');
    await mkdir(ws);
    await mkdir(outside);
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  const touch = (policy: SandboxPolicy, file: string) =>
    runCommand({ argv: ['touch', file], cwd: ws, sandbox: sandboxSpecFor(policy, ws, { env: {} }), timeoutMs: 10_000 });

  it('read-only: reads work, writes inside and outside cwd fail and look like denials', async () => {
    const spec = sandboxSpecFor(readOnly, ws, { env: {} });
    expect((await runCommand({ argv: ['cat', '/etc/hostname'], cwd: ws, sandbox: spec })).exitCode).toBe(0);
    for (const file of [path.join(ws, 'in.txt'), path.join(outside, 'out.txt'), '/tmp/ts-bwrap-never.txt']) {
      const r = await touch(readOnly, file);
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toMatch(/Read-only file system/);
      expect(isLikelySandboxDenial(r, spec)).toBe(true);
      expect(existsSync(file)).toBe(false);
    }
  });

  it('workspace-write: cwd is writable, outside is not, /tmp is writable unless excluded, .git stays read-only', async () => {
    expect((await touch(workspace({ exclude_slash_tmp: true }), path.join(ws, 'in.txt'))).exitCode).toBe(0);
    expect(existsSync(path.join(ws, 'in.txt'))).toBe(true);

    const strict = workspace({ exclude_slash_tmp: true, exclude_tmpdir_env_var: true });
    const denied = await touch(strict, path.join(outside, 'out.txt'));
    expect(denied.exitCode).not.toBe(0);
    expect(isLikelySandboxDenial(denied, sandboxSpecFor(strict, ws))).toBe(true);
    expect(existsSync(path.join(outside, 'out.txt'))).toBe(false);

    expect((await touch(workspace(), path.join(outside, 'via-tmp.txt'))).exitCode).toBe(0);

    await mkdir(path.join(ws, '.git'));
    expect((await touch(strict, path.join(ws, '.git', 'config'))).exitCode).not.toBe(0);
    expect(existsSync(path.join(ws, '.git', 'config'))).toBe(false);
  });

  describe('network', () => {
    let server: net.Server;
    let port = 0;
    beforeAll(async () => {
      server = net.createServer((s) => s.end('hello\n'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as net.AddressInfo).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    const connect = () => ['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3`];

    it('is blocked unless the policy grants network access', async () => {
      const blockedSpec = sandboxSpecFor(workspace(), ws, { env: {} });
      const blocked = await runCommand({ argv: connect(), cwd: ws, sandbox: blockedSpec, timeoutMs: 10_000 });
      expect(blocked.exitCode).not.toBe(0);
      expect(isLikelySandboxDenial(blocked, blockedSpec)).toBe(true);

      const open = await runCommand({ argv: connect(), cwd: ws, sandbox: sandboxSpecFor(workspace({ network_access: true }), ws), timeoutMs: 10_000 });
      expect(open).toMatchObject({ exitCode: 0, stdout: 'hello\n' });
    });
  });

  it('aborting a sandboxed command kills everything inside it', async () => {
    const marker = `31.${process.pid}${Date.now() % 1000}`;
    const controller = new AbortController();
    let started: () => void = () => undefined;
    const ready = new Promise<void>((r) => (started = r));
    const run = runCommand({
      argv: ['sh', '-c', `sleep ${marker} & echo started; wait`],
      cwd: ws,
      sandbox: sandboxSpecFor(readOnly, ws),
      signal: controller.signal,
      onOutput: () => started(),
    });
    await ready;
    // The backgrounded child may not have exec'd `sleep` yet when "started" arrives.
    for (const until = Date.now() + 10_000; sleepers(marker).length === 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
    expect(sleepers(marker).length).toBe(1);
    controller.abort();
    expect((await run).aborted).toBe(true);
    const deadline = Date.now() + 10_000; // a guard against hanging, not a speed bound
    while (sleepers(marker).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(sleepers(marker)).toEqual([]);
  });
});

/** Host pids of live (non-zombie) `sleep <marker>` processes. */
function sleepers(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (cmd[0]?.endsWith('sleep') && cmd[1] === marker && !/\) Z /.test(stat)) found.push(Number(entry));
    } catch {
      // the process went away while we looked
    }
  }
  return found;
}
