/**
 * The approvals matrix: approval policy × sandbox policy × action, with the outcome written
 * out per row and played for real — the decision functions choose, the command runs through
 * runCommand (sandboxed with bwrap where the decision says so), and the effect on disk or on
 * the network is checked. An "ask" is answered with approval, so every row that can run does.
 *
 * Outcome notation (steps joined by →):
 *   auto     ran without asking          ask      asked the user first (and was approved)
 *   done     the effect happened         blocked  the sandbox stopped it (the failure is reported)
 *   refuse   not run at all; the reason goes back to the model
 * e.g. "auto → blocked → ask → done": ran sandboxed, was denied, asked to re-run without
 * the sandbox, and then succeeded.
 *
 * The workspace-write policy here excludes /tmp and $TMPDIR from the writable roots, so that
 * "outside the workspace" (a sibling directory, under /tmp like the workspace) is really outside.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AskForApproval, SandboxPolicy } from '../../../src/protocol/config.js';
import { SandboxedPatchWriter, applyPatch, planPatch } from '../../../src/tools/apply-patch/index.js';
import { EMPTY_RULES, decideExec, decidePatch, decideRetryAfterSandboxDenial } from '../../../src/tools/approval/index.js';
import { detectBwrap, isLikelySandboxDenial, sandboxSpecFor } from '../../../src/tools/sandbox/index.js';
import { runCommand } from '../../../src/tools/shell/index.js';

type Approval = 'untrusted' | 'on-failure' | 'on-request' | 'never';
type Sandbox = 'read-only' | 'workspace-write' | 'danger-full-access';
type Action = 'read' | 'write-in' | 'write-out' | 'network' | 'patch-in' | 'patch-out' | 'escalated-write-out';
type Row = [Approval, Sandbox, Action, string];

// prettier-ignore
const MATRIX: Row[] = [
  ['untrusted',  'read-only',          'read',                'auto → done'],
  ['untrusted',  'read-only',          'write-in',            'ask → blocked → ask → done'],
  ['untrusted',  'read-only',          'write-out',           'ask → blocked → ask → done'],
  ['untrusted',  'read-only',          'network',             'ask → blocked → ask → done'],
  ['untrusted',  'read-only',          'patch-in',            'ask → done'],
  ['untrusted',  'read-only',          'patch-out',           'ask → done'],
  ['untrusted',  'read-only',          'escalated-write-out', 'refuse'],
  ['untrusted',  'workspace-write',    'read',                'auto → done'],
  ['untrusted',  'workspace-write',    'write-in',            'ask → done'],
  ['untrusted',  'workspace-write',    'write-out',           'ask → blocked → ask → done'],
  ['untrusted',  'workspace-write',    'network',             'ask → blocked → ask → done'],
  ['untrusted',  'workspace-write',    'patch-in',            'ask → done'],
  ['untrusted',  'workspace-write',    'patch-out',           'ask → done'],
  ['untrusted',  'workspace-write',    'escalated-write-out', 'refuse'],
  ['untrusted',  'danger-full-access', 'read',                'auto → done'],
  ['untrusted',  'danger-full-access', 'write-in',            'ask → done'],
  ['untrusted',  'danger-full-access', 'write-out',           'ask → done'],
  ['untrusted',  'danger-full-access', 'network',             'ask → done'],
  ['untrusted',  'danger-full-access', 'patch-in',            'ask → done'],
  ['untrusted',  'danger-full-access', 'patch-out',           'ask → done'],
  ['untrusted',  'danger-full-access', 'escalated-write-out', 'refuse'],

  ['on-failure', 'read-only',          'read',                'auto → done'],
  ['on-failure', 'read-only',          'write-in',            'auto → blocked → ask → done'],
  ['on-failure', 'read-only',          'write-out',           'auto → blocked → ask → done'],
  ['on-failure', 'read-only',          'network',             'auto → blocked → ask → done'],
  ['on-failure', 'read-only',          'patch-in',            'ask → done'],
  ['on-failure', 'read-only',          'patch-out',           'ask → done'],
  ['on-failure', 'read-only',          'escalated-write-out', 'refuse'],
  ['on-failure', 'workspace-write',    'read',                'auto → done'],
  ['on-failure', 'workspace-write',    'write-in',            'auto → done'],
  ['on-failure', 'workspace-write',    'write-out',           'auto → blocked → ask → done'],
  ['on-failure', 'workspace-write',    'network',             'auto → blocked → ask → done'],
  ['on-failure', 'workspace-write',    'patch-in',            'auto → done'],
  ['on-failure', 'workspace-write',    'patch-out',           'ask → done'],
  ['on-failure', 'workspace-write',    'escalated-write-out', 'refuse'],
  ['on-failure', 'danger-full-access', 'read',                'auto → done'],
  ['on-failure', 'danger-full-access', 'write-in',            'auto → done'],
  ['on-failure', 'danger-full-access', 'write-out',           'auto → done'],
  ['on-failure', 'danger-full-access', 'network',             'auto → done'],
  ['on-failure', 'danger-full-access', 'patch-in',            'auto → done'],
  ['on-failure', 'danger-full-access', 'patch-out',           'auto → done'],
  ['on-failure', 'danger-full-access', 'escalated-write-out', 'refuse'],

  ['on-request', 'read-only',          'read',                'auto → done'],
  ['on-request', 'read-only',          'write-in',            'auto → blocked'],
  ['on-request', 'read-only',          'write-out',           'auto → blocked'],
  ['on-request', 'read-only',          'network',             'auto → blocked'],
  ['on-request', 'read-only',          'patch-in',            'ask → done'],
  ['on-request', 'read-only',          'patch-out',           'ask → done'],
  ['on-request', 'read-only',          'escalated-write-out', 'ask → done'],
  ['on-request', 'workspace-write',    'read',                'auto → done'],
  ['on-request', 'workspace-write',    'write-in',            'auto → done'],
  ['on-request', 'workspace-write',    'write-out',           'auto → blocked'],
  ['on-request', 'workspace-write',    'network',             'auto → blocked'],
  ['on-request', 'workspace-write',    'patch-in',            'auto → done'],
  ['on-request', 'workspace-write',    'patch-out',           'ask → done'],
  ['on-request', 'workspace-write',    'escalated-write-out', 'ask → done'],
  ['on-request', 'danger-full-access', 'read',                'auto → done'],
  ['on-request', 'danger-full-access', 'write-in',            'auto → done'],
  ['on-request', 'danger-full-access', 'write-out',           'auto → done'],
  ['on-request', 'danger-full-access', 'network',             'auto → done'],
  ['on-request', 'danger-full-access', 'patch-in',            'auto → done'],
  ['on-request', 'danger-full-access', 'patch-out',           'auto → done'],
  ['on-request', 'danger-full-access', 'escalated-write-out', 'auto → done'],

  ['never',      'read-only',          'read',                'auto → done'],
  ['never',      'read-only',          'write-in',            'auto → blocked'],
  ['never',      'read-only',          'write-out',           'auto → blocked'],
  ['never',      'read-only',          'network',             'auto → blocked'],
  ['never',      'read-only',          'patch-in',            'refuse'],
  ['never',      'read-only',          'patch-out',           'refuse'],
  ['never',      'read-only',          'escalated-write-out', 'refuse'],
  ['never',      'workspace-write',    'read',                'auto → done'],
  ['never',      'workspace-write',    'write-in',            'auto → done'],
  ['never',      'workspace-write',    'write-out',           'auto → blocked'],
  ['never',      'workspace-write',    'network',             'auto → blocked'],
  ['never',      'workspace-write',    'patch-in',            'auto → done'],
  ['never',      'workspace-write',    'patch-out',           'refuse'],
  ['never',      'workspace-write',    'escalated-write-out', 'refuse'],
  ['never',      'danger-full-access', 'read',                'auto → done'],
  ['never',      'danger-full-access', 'write-in',            'auto → done'],
  ['never',      'danger-full-access', 'write-out',           'auto → done'],
  ['never',      'danger-full-access', 'network',             'auto → done'],
  ['never',      'danger-full-access', 'patch-in',            'auto → done'],
  ['never',      'danger-full-access', 'patch-out',           'auto → done'],
  ['never',      'danger-full-access', 'escalated-write-out', 'refuse'],
];

/** The same decisions on a machine where bwrap does not work (commands can only run bare). */
// prettier-ignore
const NO_SANDBOX_MATRIX: Row[] = [
  ['on-request', 'workspace-write',    'read',                'auto → done'],
  ['on-request', 'workspace-write',    'write-in',            'ask → done'],
  ['on-request', 'workspace-write',    'write-out',           'ask → done'],
  ['on-request', 'workspace-write',    'network',             'ask → done'],
  ['on-request', 'workspace-write',    'patch-in',            'auto → done'],
  ['on-request', 'workspace-write',    'patch-out',           'ask → done'],
  ['never',      'workspace-write',    'read',                'auto → done'],
  ['never',      'workspace-write',    'write-in',            'refuse'],
  ['never',      'workspace-write',    'write-out',           'refuse'],
  ['never',      'workspace-write',    'network',             'refuse'],
  ['never',      'workspace-write',    'patch-in',            'auto → done'],
  ['never',      'workspace-write',    'patch-out',           'refuse'],
  ['on-failure', 'read-only',          'read',                'auto → done'],
  ['on-failure', 'read-only',          'write-in',            'ask → done'],
  ['on-failure', 'read-only',          'network',             'ask → done'],
  ['on-failure', 'read-only',          'patch-in',            'ask → done'],
];

const sandboxPolicy = (s: Sandbox): SandboxPolicy =>
  s === 'read-only'
    ? { type: 'read-only', network_access: false }
    : s === 'workspace-write'
      ? { type: 'workspace-write', writable_roots: [], network_access: false, exclude_tmpdir_env_var: true, exclude_slash_tmp: true }
      : { type: 'danger-full-access' };

const bwrap = await detectBwrap();
if (!bwrap.available) console.warn(`[skip] sandboxed approvals matrix: ${bwrap.reason}`);

let base: string;
let ws: string;
let outside: string;
let server: net.Server;
let port = 0;
let seq = 0;

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'ts-matrix-'));
  ws = path.join(base, 'ws');
  outside = path.join(base, 'outside');
  await mkdir(ws);
  await mkdir(outside);
  await writeFile(path.join(ws, 'readme.txt'), 'read me\n');
  server = net.createServer((s) => s.end('hello\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await rm(base, { recursive: true, force: true });
});

interface Effect {
  argv?: string[];
  patch?: string;
  escalate?: boolean;
  happened(stdout: string): boolean;
}

function effectOf(action: Action): Effect {
  const file = (dir: string) => path.join(dir, `f${++seq}.txt`);
  switch (action) {
    case 'read':
      return { argv: ['cat', path.join(ws, 'readme.txt')], happened: (out) => out === 'read me\n' };
    case 'write-in':
    case 'write-out':
    case 'escalated-write-out': {
      const target = file(action === 'write-in' ? ws : outside);
      return { argv: ['touch', target], escalate: action === 'escalated-write-out', happened: () => existsSync(target) };
    }
    case 'network':
      return { argv: ['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3`], happened: (out) => out === 'hello\n' };
    case 'patch-in':
    case 'patch-out': {
      const target = file(action === 'patch-in' ? ws : outside);
      return { patch: `*** Begin Patch\n*** Add File: ${target}\n+x\n*** End Patch`, happened: () => existsSync(target) };
    }
  }
}

/** Plays one row: decide, (approve,) run, check the effect, maybe retry. Returns the trace. */
async function play(approval: AskForApproval, sandbox: Sandbox, action: Action, sandboxAvailable: boolean): Promise<string> {
  const policy = sandboxPolicy(sandbox);
  const effect = effectOf(action);
  const trace: string[] = [];
  if (effect.patch !== undefined) {
    const plan = await planPatch(effect.patch, ws);
    const d = await decidePatch({ changes: plan.changes, cwd: ws, approvalPolicy: approval, sandboxPolicy: policy, approvedForSession: false, sandboxAvailable });
    if (d.kind === 'refuse') return 'refuse';
    trace.push(d.kind);
    // Written where the decision says: from a child in the bwrap sandbox, or in-process.
    const spec = sandboxSpecFor(policy, ws, { env: {} });
    if ((d.kind === 'auto' ? d.sandbox : d.sandboxAfterApproval) === 'sandboxed' && spec.kind === 'bwrap') {
      const writer = new SandboxedPatchWriter(spec);
      await applyPatch(plan, { cwd: ws, writer: writer.write }).finally(() => writer.close());
    } else {
      await applyPatch(plan, { cwd: ws });
    }
    trace.push(effect.happened('') ? 'done' : 'not done');
    return trace.join(' → ');
  }
  const argv = effect.argv as string[];
  const input = { argv, cwd: ws, approvalPolicy: approval, sandboxPolicy: policy, approvedForSession: false, execPolicyRules: EMPTY_RULES };
  const d = decideExec({ ...input, sandboxAvailable, sandboxPermissions: effect.escalate ? 'require_escalated' : 'use_default' });
  if (d.kind === 'refuse') return 'refuse';
  trace.push(d.kind);
  const where = d.kind === 'auto' ? d.sandbox : d.sandboxAfterApproval;
  if (!sandboxAvailable) expect(where).toBe('none');
  const spec = where === 'sandboxed' ? sandboxSpecFor(policy, ws, { env: {} }) : ({ kind: 'none' } as const);
  const first = await runCommand({ argv, cwd: ws, sandbox: spec, timeoutMs: 10_000 });
  if (effect.happened(first.stdout)) return [...trace, 'done'].join(' → ');
  expect(isLikelySandboxDenial(first, spec)).toBe(true);
  trace.push('blocked');
  const retry = decideRetryAfterSandboxDenial(input);
  if (retry.kind === 'report') return trace.join(' → ');
  trace.push(retry.kind);
  const second = await runCommand({ argv, cwd: ws, timeoutMs: 10_000 });
  trace.push(effect.happened(second.stdout) ? 'done' : 'not done');
  return trace.join(' → ');
}

describe('approvals matrix', () => {
  it('covers every approval policy × sandbox policy × action exactly once', () => {
    expect(new Set(MATRIX.map(([a, s, x]) => `${a}/${s}/${x}`)).size).toBe(4 * 3 * 7);
  });

  describe.skipIf(!bwrap.available)('with a working bwrap sandbox', () => {
    it.each(MATRIX)('%s × %s × %s → %s', async (approval, sandbox, action, expected) => {
      expect(await play(approval, sandbox, action, true)).toBe(expected);
    });
  });

  describe('without a sandbox', () => {
    it.each(NO_SANDBOX_MATRIX)('%s × %s × %s → %s', async (approval, sandbox, action, expected) => {
      expect(await play(approval, sandbox, action, false)).toBe(expected);
    });
  });
});
