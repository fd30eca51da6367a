/**
 * Finding the git metadata inside a writable root, so the sandbox can bind it read-only:
 * every `.git` entry at any depth (directories, and `.git` files of submodules and
 * worktrees), plus the git directory such a file names (`gitdir: <path>`). The walk does not
 * follow symlinks, does not descend into `.git` directories, and stops after `maxDirs`
 * directories (large trees: what lies past the budget is not protected, see README).
 */
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * Directories visited per root before the walk stops.
 * @example
 * findGitPaths('/ws', { maxDirs: GIT_SCAN_MAX_DIRS });
 */
export const GIT_SCAN_MAX_DIRS = 20_000;

/** The git directory a `.git` file names, resolved (undefined when unreadable). */
function gitdirOf(file: string): string | undefined {
  try {
    const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(file, 'utf8'));
    if (!m?.[1]) return undefined;
    const target = path.resolve(path.dirname(file), m[1]);
    try {
      return realpathSync(target);
    } catch {
      return target;
    }
  } catch {
    return undefined;
  }
}

/**
 * Every `.git` entry under `root` and the git directories `.git` files point at.
 * @example
 * findGitPaths('/ws'); // ['/ws/.git', '/ws/vendor/lib/.git', '/ws/.git/modules/lib']
 */
export function findGitPaths(root: string, options: { maxDirs?: number } = {}): string[] {
  const budget = options.maxDirs ?? GIT_SCAN_MAX_DIRS;
  const found: string[] = [];
  const queue = [root];
  for (let visited = 0; queue.length > 0 && visited < budget; visited++) {
    const dir = queue.shift() as string;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.name === '.git') {
        found.push(full);
        if (entry.isFile()) {
          const gitdir = gitdirOf(full);
          if (gitdir) found.push(gitdir);
        }
      } else if (entry.isDirectory()) {
        queue.push(full);
      }
    }
  }
  return [...new Set(found)];
}
