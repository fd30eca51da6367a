/**
 * Known-safe rules for the programs whose syntax is not plain getopt: `find` (an expression
 * language whose actions can delete, write and execute), `git` (read-only subcommands, each
 * with its own allow-list; global options that point git at other configuration refused)
 * and `rg` (getopt-like, but `--pre`, `--search-zip` and `--hostname-bin` run programs).
 */
import { argsAllowed, type Arity, type OptionSpec } from './option-check.js';

const longs = (arity: Arity, ...names: string[]): Record<string, Arity> => Object.fromEntries(names.map((name) => [name, arity]));

/** find tests and options that only select or print, with how many arguments each takes. */
// prettier-ignore
const FIND_PRIMARIES: Readonly<Record<string, number>> = {
  '!': 0, '(': 0, ')': 0, ',': 0, '-not': 0, '-and': 0, '-a': 0, '-or': 0, '-o': 0, '-true': 0, '-false': 0,
  '-name': 1, '-iname': 1, '-path': 1, '-ipath': 1, '-wholename': 1, '-iwholename': 1, '-regex': 1, '-iregex': 1, '-regextype': 1,
  '-lname': 1, '-ilname': 1, '-type': 1, '-xtype': 1, '-size': 1, '-empty': 0, '-perm': 1, '-user': 1, '-group': 1, '-uid': 1, '-gid': 1,
  '-nouser': 0, '-nogroup': 0, '-links': 1, '-inum': 1, '-samefile': 1, '-newer': 1, '-anewer': 1, '-cnewer': 1, '-newermt': 1, '-newerct': 1,
  '-neweram': 1, '-newermm': 1, '-amin': 1, '-atime': 1, '-cmin': 1, '-ctime': 1, '-mmin': 1, '-mtime': 1, '-used': 1, '-readable': 0,
  '-writable': 0, '-executable': 0, '-fstype': 1, '-maxdepth': 1, '-mindepth': 1, '-depth': 0, '-d': 0, '-xdev': 0, '-mount': 0,
  '-daystart': 0, '-follow': 0, '-noleaf': 0, '-ignore_readdir_race': 0, '-noignore_readdir_race': 0, '-prune': 0, '-quit': 0,
  '-print': 0, '-print0': 0, '-printf': 1, '-ls': 0,
};
const FIND_LEADING = new Set(['-H', '-L', '-P']);

/**
 * Whether a find command only selects and prints (no `-delete`, `-exec*`, `-ok*`, `-fprint*`,
 * `-fls`, nor anything unknown).
 * @example
 * isSafeFind(['.', '-name', '*.ts', '-print']); // true
 * isSafeFind(['.', '-fprint', 'out']); // false
 */
export function isSafeFind(args: readonly string[]): boolean {
  let i = 0;
  while (FIND_LEADING.has(args[i] ?? '')) i++;
  // Starting points come first: anything before the expression that is not `-…`, `(` or `!`.
  while (i < args.length && !/^[-(!)]/.test(args[i] as string)) i++;
  for (; i < args.length; i++) {
    const arity = FIND_PRIMARIES[args[i] as string];
    if (arity === undefined) return false;
    i += arity;
  }
  return i === args.length;
}

const DIFF_NONE = longs('none',
  'stat', 'numstat', 'shortstat', 'name-only', 'name-status', 'summary', 'patch', 'no-patch', 'raw', 'minimal', 'patience', 'histogram',
  'no-color', 'ignore-all-space', 'ignore-space-change', 'ignore-blank-lines', 'ignore-space-at-eol', 'ignore-cr-at-eol', 'no-ext-diff',
  'no-textconv', 'full-index', 'binary', 'no-renames', 'compact-summary', 'text', 'check', 'exit-code', 'quiet', 'no-prefix', 'help');
const DIFF_VALUES = { ...longs('optional', 'color', 'word-diff', 'relative', 'find-renames', 'find-copies', 'abbrev', 'dirstat'), ...longs('required', 'unified', 'diff-filter', 'src-prefix', 'dst-prefix', 'word-diff-regex', 'diff-algorithm') };
/** Options that write files (`--output`) or run programs (external diff, textconv filters, gpg). */
const GIT_UNSAFE = ['output', 'ext-diff', 'textconv', 'show-signature', 'exec', 'upload-pack', 'receive-pack', 'open-files-in-pager', 'paginate'];

const LOG_OPTIONS = {
  ...DIFF_NONE,
  ...DIFF_VALUES,
  ...longs('none', 'oneline', 'graph', 'all', 'branches', 'tags', 'remotes', 'reverse', 'merges', 'no-merges', 'first-parent', 'abbrev-commit',
    'no-abbrev-commit', 'follow', 'full-diff', 'date-order', 'topo-order', 'author-date-order', 'cherry-pick', 'left-right', 'boundary',
    'source', 'full-history', 'simplify-by-decoration', 'walk-reflogs', 'patch-with-stat', 'no-decorate', 'use-mailmap', 'mailmap',
    'no-mailmap', 'regexp-ignore-case', 'extended-regexp', 'fixed-strings', 'all-match', 'invert-grep', 'no-walk', 'relative-date'),
  ...longs('required', 'max-count', 'skip', 'since', 'after', 'until', 'before', 'author', 'committer', 'grep', 'format', 'date', 'encoding', 'max-parents', 'min-parents'),
  ...longs('optional', 'pretty', 'decorate'),
};

// prettier-ignore
const GIT_SUBCOMMANDS: Readonly<Record<string, OptionSpec>> = {
  status: {
    flags: 'sbvz',
    long: { ...longs('none', 'short', 'branch', 'long', 'verbose', 'show-stash', 'ahead-behind', 'no-ahead-behind', 'renames', 'no-renames', 'no-column', 'null', 'help'),
      ...longs('optional', 'porcelain', 'untracked-files', 'ignored', 'ignore-submodules', 'column', 'find-renames') },
    unsafeLong: GIT_UNSAFE,
  },
  log: { flags: 'pusz', withValue: 'n', numericShorthand: true, long: LOG_OPTIONS, unsafeLong: GIT_UNSAFE },
  show: { flags: 'pusz', long: LOG_OPTIONS, unsafeLong: GIT_UNSAFE },
  diff: { flags: 'pusawbRz', withValue: 'U', long: { ...DIFF_NONE, ...DIFF_VALUES, ...longs('none', 'cached', 'staged', 'no-index', 'merge-base') }, unsafeLong: GIT_UNSAFE },
  // Listing only: a positional argument would create a branch.
  branch: {
    flags: 'arvl',
    long: longs('none', 'all', 'remotes', 'verbose', 'list', 'show-current', 'no-color', 'color', 'help'),
    unsafeLong: GIT_UNSAFE,
    positionals: (p) => p.length === 0,
  },
};

/**
 * Whether a git command is a read-only subcommand (`status`, `log`, `show`, `diff`, listing
 * `branch`) with allowed options only. Global options other than `--no-pager` and `-C DIR`
 * are refused (`-c`, `--git-dir`, `--exec-path`, ... can make git run other programs).
 * @example
 * isSafeGit(['log', '--oneline', '-5']); // true
 * isSafeGit(['log', '--outp=x']); // false (abbreviates --output)
 */
export function isSafeGit(args: readonly string[]): boolean {
  let i = 0;
  for (; args[i]?.startsWith('-'); i++) {
    if (args[i] === '-C') i++;
    else if (args[i] !== '--no-pager' && args[i] !== '--no-optional-locks') return false;
  }
  const spec = GIT_SUBCOMMANDS[args[i] ?? ''];
  return spec !== undefined && i < args.length && argsAllowed(args.slice(i + 1), spec);
}

/**
 * ripgrep's allow-list: everything but the options that run programs.
 * @example
 * argsAllowed(['--pre', 'sh', 'x'], SAFE_RG); // false
 */
// prettier-ignore
export const SAFE_RG: OptionSpec = {
  flags: 'abcFHhiIlLnNoOpqsSuUvwxP0.', withValue: 'ABCeEfgjmMrtTd',
  long: {
    ...longs('none', 'text', 'byte-offset', 'count', 'count-matches', 'fixed-strings', 'with-filename', 'no-filename', 'ignore-case',
      'files-with-matches', 'files-without-match', 'follow', 'line-number', 'no-line-number', 'only-matching', 'pretty', 'quiet',
      'case-sensitive', 'smart-case', 'unrestricted', 'multiline', 'multiline-dotall', 'invert-match', 'word-regexp', 'line-regexp', 'null',
      'null-data', 'pcre2', 'hidden', 'no-hidden', 'no-ignore', 'no-ignore-vcs', 'no-ignore-dot', 'no-ignore-exclude', 'no-ignore-files',
      'no-ignore-global', 'no-ignore-parent', 'no-ignore-messages', 'no-messages', 'no-config', 'files', 'type-list', 'json', 'no-json',
      'heading', 'no-heading', 'vimgrep', 'column', 'no-column', 'trim', 'no-trim', 'stats', 'debug', 'trace', 'passthru', 'passthrough',
      'glob-case-insensitive', 'one-file-system', 'no-unicode', 'crlf', 'no-crlf', 'max-columns-preview', 'binary', 'no-binary',
      'line-buffered', 'block-buffered', 'no-mmap', 'mmap', 'include-zero', 'ignore-file-case-insensitive', 'no-require-git', 'help', 'version'),
    ...longs('required', 'regexp', 'file', 'glob', 'iglob', 'type', 'type-not', 'type-add', 'type-clear', 'max-count', 'max-depth',
      'max-filesize', 'max-columns', 'threads', 'after-context', 'before-context', 'context', 'replace', 'sort', 'sortr', 'encoding', 'engine',
      'ignore-file', 'path-separator', 'color', 'colors', 'context-separator', 'field-context-separator', 'field-match-separator', 'pre-glob'),
  },
  unsafeLong: ['pre', 'search-zip', 'hostname-bin'],
};
