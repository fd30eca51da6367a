/**
 * Turning a `SandboxPolicy` into a concrete way to run a command. On Linux the restricted
 * policies run under bubblewrap (`bwrap`): the whole file system is bound read-only, the
 * writable roots are bound read-write on top, and every `.git` inside the workspace roots,
 * at any depth (and the git directory a `.git` file names), is bound read-only again
 * (changing history should be a decision the user sees), as are the paths the caller names
 * (the turnstate home). The command gets its own PID
 * namespace and dies with its parent; without network access it also gets an empty network
 * namespace (loopback only).
 *
 * Commands that run without file-system limits (`danger-full-access`, approved escalations)
 * still run under bwrap where it works (`hostSpec`): the host file system bound read-write,
 * but their own PID namespace, so nothing they start outlives them.
 *
 * There is no `--new-session`: `runCommand` already starts bwrap as the leader of a new
 * session without a terminal (so a command cannot push input into one), and keeping bwrap's
 * own processes in that process group lets the group kill reach the PID namespace's init,
 * whose death ends every process of the namespace, `setsid` ones included. (`--die-with-parent`
 * alone was seen to leave the namespace running after bwrap itself was killed.)
 *
 * No tmpfs is mounted over `/tmp`: workspaces often live under `/tmp`, and hiding it would
 * hide them. Under `read-only`, `/tmp` is simply read-only like everything else.
 */
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { SandboxPolicy } from '../../protocol/config.js';
import { findGitPaths } from './git-paths.js';

/** How to run a command: directly, in bwrap over the host file system, or sandboxed in bwrap. */
export type SandboxSpec =
  | { kind: 'none' }
  /** bwrap with the host file system bound read-write: only a PID namespace (nothing outlives the command). */
  | { kind: 'host'; bwrapPath?: string }
  | {
      kind: 'bwrap';
      /** Working directory inside the sandbox. */
      cwd: string;
      /** Bound read-write (skipped if missing). */
      writableRoots: string[];
      /** Bound read-only over the writable roots (skipped if missing). */
      readOnlyPaths: string[];
      networkAccess: boolean;
      /** The bwrap executable; `bwrap` from PATH when absent. */
      bwrapPath?: string;
    };

/** Options of `sandboxSpecFor`. */
export interface SandboxSpecOptions {
  /** Environment used to find `TMPDIR` (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Keep `<root>/.git` read-only inside writable roots (default true). */
  protectGit?: boolean;
  /**
   * More paths kept read-only where they lie inside a writable root: the turnstate home,
   * whose exec-policy rules and MCP config the engine trusts without asking.
   */
  readOnly?: readonly string[];
  bwrapPath?: string;
}

const isInside = (root: string, p: string) => {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * The directories a policy lets commands write to, resolved against `cwd` (symlinks
 * resolved); `'all'` for policies without file-system restrictions.
 * @example
 * writableRootsFor({ type: 'workspace-write', writable_roots: [], network_access: false,
 *   exclude_tmpdir_env_var: true, exclude_slash_tmp: true }, '/ws'); // ['/ws']
 */
export function writableRootsFor(policy: SandboxPolicy, cwd: string, env: NodeJS.ProcessEnv = process.env): string[] | 'all' {
  switch (policy.type) {
    case 'danger-full-access':
    case 'external-sandbox':
      return 'all';
    case 'read-only':
      return [];
    case 'workspace-write': {
      const roots = [cwd, ...policy.writable_roots.map((r) => path.resolve(cwd, r))];
      if (!policy.exclude_tmpdir_env_var && env.TMPDIR) roots.push(env.TMPDIR);
      if (!policy.exclude_slash_tmp) roots.push('/tmp');
      return [...new Set(roots.map(real))];
    }
  }
}

/**
 * The sandbox a policy asks for: none for `danger-full-access`/`external-sandbox`, bwrap
 * otherwise. Does not check that bwrap works (see `detectBwrap`).
 * @example
 * sandboxSpecFor({ type: 'read-only', network_access: false }, '/ws');
 * // { kind: 'bwrap', cwd: '/ws', writableRoots: [], readOnlyPaths: [], networkAccess: false }
 */
export function sandboxSpecFor(policy: SandboxPolicy, cwd: string, options: SandboxSpecOptions = {}): SandboxSpec {
  const roots = writableRootsFor(policy, cwd, options.env);
  if (roots === 'all' || policy.type === 'danger-full-access' || policy.type === 'external-sandbox') return { kind: 'none' };
  const protectGit = options.protectGit ?? true;
  // The workspace roots are searched for nested repositories; /tmp and $TMPDIR only at the top.
  const workspaceRoots = policy.type === 'workspace-write' ? [cwd, ...policy.writable_roots.map((r) => path.resolve(cwd, r))].map(real) : [];
  const gitPaths = protectGit
    ? [...new Set([...roots.filter((r) => r !== '/tmp').map((r) => path.join(r, '.git')), ...workspaceRoots.flatMap((r) => findGitPaths(r))])]
    : [];
  // A read-only path that does not exist yet could be created by the command: make it first
  // (only inside the writable roots, where the command could otherwise create it).
  for (const p of options.readOnly ?? []) {
    if (!existsSync(p) && roots.some((r) => isInside(r, real(p)))) mkdirSync(p, { recursive: true });
  }
  return {
    kind: 'bwrap',
    cwd: real(cwd),
    writableRoots: roots,
    readOnlyPaths: [...new Set([...gitPaths, ...(options.readOnly ?? []).map(real)])],
    networkAccess: policy.network_access,
    ...(options.bwrapPath ? { bwrapPath: options.bwrapPath } : {}),
  };
}

/**
 * The argv that runs `argv` under `spec` (unchanged for `none`).
 * @example
 * wrapCommand(['ls'], { kind: 'none' }); // ['ls']
 * wrapCommand(['ls'], sandboxSpecFor({ type: 'read-only', network_access: false }, '/ws'))[0]; // 'bwrap'
 */
export function wrapCommand(argv: readonly string[], spec: SandboxSpec): string[] {
  if (spec.kind === 'none') return [...argv];
  if (spec.kind === 'host') {
    return [spec.bwrapPath ?? 'bwrap', '--die-with-parent', '--unshare-pid', '--dev-bind', '/', '/', '--proc', '/proc', '--', ...argv];
  }
  return [
    spec.bwrapPath ?? 'bwrap',
    '--die-with-parent',
    '--unshare-pid',
    ...(spec.networkAccess ? [] : ['--unshare-net']),
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    ...spec.writableRoots.flatMap((r) => ['--bind-try', r, r]),
    ...spec.readOnlyPaths.flatMap((p) => ['--ro-bind-try', p, p]),
    '--chdir', spec.cwd,
    '--',
    ...argv,
  ];
}

/**
 * Environment variables telling a sandboxed command about its sandbox.
 * @example
 * sandboxEnv({ kind: 'none' }); // {}
 */
export function sandboxEnv(spec: SandboxSpec): Record<string, string> {
  if (spec.kind !== 'bwrap') return {};
  return { TURNSTATE_SANDBOX: 'bwrap', ...(spec.networkAccess ? {} : { TURNSTATE_SANDBOX_NETWORK_DISABLED: '1' }) };
}

/**
 * How to run a command that has no file-system limits: over the host file system in bwrap's
 * own PID namespace when bwrap works, else directly (then a process that detaches itself
 * with `setsid` can outlive the command).
 * @example
 * runCommand({ argv, cwd, sandbox: hostSpec(await sandboxAvailable()) });
 */
export function hostSpec(bwrapWorks: boolean, bwrapPath?: string): SandboxSpec {
  return bwrapWorks ? { kind: 'host', ...(bwrapPath ? { bwrapPath } : {}) } : { kind: 'none' };
}
