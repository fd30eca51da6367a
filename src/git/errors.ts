/** Errors of the git layer (ghost snapshots and undo). */
import { TurnstateError } from '../errors.js';

/**
 * The directory is not inside a git working tree (or git is not installed). Ghost snapshots
 * treat this as "nothing to snapshot" and stay silent (SPEC §4.6).
 * @example
 * new NotAGitRepositoryError('/tmp').code; // 'not_a_git_repository'
 */
export class NotAGitRepositoryError extends TurnstateError {
  readonly cwd: string;
  constructor(cwd: string, detail?: string) {
    super('not_a_git_repository', 'configuration', `${cwd} is not inside a git working tree${detail ? ` (${detail})` : ''}`);
    this.cwd = cwd;
  }
}

/**
 * A git command exited with a failure status; `stderr` is what git printed.
 * @example
 * new GitCommandError(['write-tree'], 128, 'fatal: ...').code; // 'git_command_failed'
 */
export class GitCommandError extends TurnstateError {
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(args: readonly string[], exitCode: number | null, stderr: string) {
    const detail = stderr.trim().split('\n').slice(-3).join(' ').slice(0, 500);
    super('git_command_failed', 'engine', `git ${args[0] ?? ''} failed (exit ${exitCode ?? 'signal'})${detail ? `: ${detail}` : ''}`);
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/**
 * A ghost snapshot item whose `ghost_commit` does not have the expected shape.
 * @example
 * new InvalidGhostCommitError('id: expected string').code; // 'invalid_ghost_commit'
 */
export class InvalidGhostCommitError extends TurnstateError {
  constructor(detail: string) {
    super('invalid_ghost_commit', 'host', `invalid ghost snapshot: ${detail}`);
  }
}
