/**
 * Which repositories the engine may run git in. Ghost snapshots and undo run git outside any
 * sandbox, and git runs programs that a repository's own config names (`core.fsmonitor`,
 * `filter.<driver>.clean`/`smudge`). The sandbox keeps every `.git` that exists when a command
 * starts read-only, but a command can create a new one (`git init`, or a hand-written
 * `.git/config`) in a workspace that had none, or below the directory of an outer repository;
 * git run by the engine in that directory would then execute what the command planted.
 *
 * So the engine only trusts the repository it saw before any tool ran: the nearest `.git`
 * entry above the working directory, identified by its path, device, inode, type and birth time. A repository
 * that appears, moves or is replaced later is not used (the caller warns and skips it). A
 * working directory first seen later (a cwd changed by `override_turn_context`) is recorded
 * when first seen. git's global configuration is a program source too (a workspace holding
 * the home directory can write `~/.gitconfig`): when it changed since the thread started, git
 * is not run either.
 */
import { lstatSync } from 'node:fs';
import path from 'node:path';

/**
 * The identity of the repository git would use for `cwd` (`GIT_DIR`, or the nearest `.git`
 * entry above it with its device, inode, type and birth time), or `null` when there is none.
 * @example
 * repositoryAnchor('/work/project/src'); // '/work/project/.git\u00002049\u0000131\u000016384\u00001764410000000'
 */
export function repositoryAnchor(cwd: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.GIT_DIR) return `GIT_DIR=${env.GIT_DIR}`;
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const marker = path.join(dir, '.git');
    try {
      const st = lstatSync(marker);
      // The type and birth time too: a removed entry's inode number is soon reused.
      return `${marker}\0${st.dev}\0${st.ino}\0${st.mode & 0o170000}\0${st.birthtimeMs}`;
    } catch {
      // no .git here: look further up
    }
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * git's global configuration files (`GIT_CONFIG_GLOBAL`, or `~/.gitconfig` and
 * `$XDG_CONFIG_HOME/git/config`) with their identity and modification time, or `-` where
 * missing. A workspace that holds the home directory can write them as it can a `.git`.
 * @example
 * globalConfigState(); // '/home/me/.gitconfig\u00002049\u0000131\u00001764410000000\u0000120\n...'
 */
export function globalConfigState(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME ?? '';
  const files = env.GIT_CONFIG_GLOBAL
    ? [env.GIT_CONFIG_GLOBAL]
    : [path.join(home, '.gitconfig'), path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'git', 'config')];
  return files
    .map((file) => {
      try {
        const st = lstatSync(file);
        return `${file}\0${st.dev}\0${st.ino}\0${st.mtimeMs}\0${st.size}`;
      } catch {
        return `${file}\0-`;
      }
    })
    .join('\n');
}

/** Whether the engine may run git for a directory, and why not. */
export type RepositoryVerdict = { trusted: true } | { trusted: false; reason: string };

/**
 * The repositories a thread trusts (see the module comment).
 * @example
 * const trust = new RepositoryTrust('/ws'); // before any tool runs
 * trust.check('/ws'); // { trusted: false, reason: '...' } once a command ran `git init` in /ws
 */
export class RepositoryTrust {
  readonly #anchors = new Map<string, string | null>();
  readonly #globalConfig = globalConfigState();

  /** Records the repositories of `cwds`, and git's global configuration, as they are now. */
  constructor(...cwds: string[]) {
    for (const cwd of cwds) this.#anchors.set(path.resolve(cwd), repositoryAnchor(cwd));
  }

  /**
   * Trusted when the repository git would use for `cwd` is the one recorded for it (a cwd
   * not seen before is recorded now).
   * @example
   * if (!trust.check(cwd).trusted) return; // no snapshot
   */
  check(cwd: string): RepositoryVerdict {
    const key = path.resolve(cwd);
    const now = repositoryAnchor(key);
    if (!this.#anchors.has(key)) this.#anchors.set(key, now);
    const then = this.#anchors.get(key) ?? null;
    if (now === null) return { trusted: true };
    if (globalConfigState() !== this.#globalConfig) {
      return {
        trusted: false,
        reason:
          "git's global configuration (~/.gitconfig or its XDG file) changed after this thread started, so a command may have " +
          'written it; the engine does not run git with it (start a new thread to use it)',
      };
    }
    if (now === then) return { trusted: true };
    const where = now.split('\0')[0] ?? now;
    return {
      trusted: false,
      reason:
        `the git repository at ${where} appeared or was replaced after this thread started, so a command may have written its ` +
        'configuration; the engine does not run git in it (start a new thread to use it)',
    };
  }
}
