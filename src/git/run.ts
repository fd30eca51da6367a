/**
 * Runs the `git` CLI. Node's own `child_process` is enough here (arguments as an array, stdin
 * for NUL-separated path lists, the abort signal kills the process), so no wrapper library.
 */
import { spawn } from 'node:child_process';
import { GitCommandError, NotAGitRepositoryError } from './errors.js';

/** How one git command runs. */
export interface GitRunOptions {
  /** Directory git runs in. */
  cwd: string;
  /** Extra environment (e.g. `GIT_INDEX_FILE` for a temporary index). */
  env?: Record<string, string>;
  /** Written to git's stdin, then stdin is closed. */
  input?: string;
  /** Kills git when aborted; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Exit codes besides 0 that count as success (e.g. 1 for `check-ignore`). */
  okCodes?: readonly number[];
}

/** Variables inherited from a surrounding git process that would redirect our commands. */
const REDIRECTING_ENV = ['GIT_INDEX_FILE', 'GIT_DIR', 'GIT_WORK_TREE', 'GIT_PREFIX', 'GIT_LITERAL_PATHSPECS', 'GIT_GLOB_PATHSPECS', 'GIT_NOGLOB_PATHSPECS', 'GIT_ICASE_PATHSPECS'];

function gitEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of REDIRECTING_ENV) delete env[key];
  // Read-only commands must not refresh the user's index behind their back.
  return { ...env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...extra };
}

/**
 * Runs `git <args>` and resolves with its stdout (raw bytes as a latin1-safe UTF-8 string).
 * Rejects with `GitCommandError` on a failure status, `NotAGitRepositoryError` when git is
 * missing, or the signal's reason when aborted.
 * @example
 * const head = (await runGit(['rev-parse', 'HEAD'], { cwd: repo })).trim();
 */
export function runGit(args: readonly string[], opts: GitRunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason);
    const child = spawn('git', args, { cwd: opts.cwd, env: gitEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const onAbort = () => child.kill('SIGKILL');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    // A git that exits before reading all of stdin must not crash the process with EPIPE.
    child.stdin.on('error', () => {});
    child.on('error', (e: NodeJS.ErrnoException) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(e.code === 'ENOENT' ? new NotAGitRepositoryError(opts.cwd, 'git is not installed') : e);
    });
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) return reject(opts.signal.reason);
      if (code === 0 || (code !== null && opts.okCodes?.includes(code))) return resolve(Buffer.concat(out).toString('utf8'));
      reject(new GitCommandError(args, code, Buffer.concat(err).toString('utf8')));
    });
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * Splits NUL-separated git output into its entries (the trailing empty entry dropped).
 * @example
 * splitNul('a\0b\0'); // ['a', 'b']
 */
export function splitNul(output: string): string[] {
  return output.split('\0').filter((entry) => entry.length > 0);
}
