/**
 * The allow-lists of the "known safe" commands: per program, the options that only change
 * what is read or how it is printed (GNU coreutils, grep, diffutils, ripgrep), and checks on
 * the positional arguments where one of them can name an output (`uniq IN OUT`). An option
 * missing here makes the command ask; the options known to write files or run programs are
 * listed as unsafe so that their abbreviations are refused too.
 */
import type { Arity, OptionSpec } from './option-check.js';

const n = 'none' as const;
const r = 'required' as const;
const o = 'optional' as const;
const longs = (arity: Arity, ...names: string[]): Record<string, Arity> => Object.fromEntries(names.map((name) => [name, arity]));
const COMMON = longs(n, 'help', 'version');
const atMost = (max: number) => (p: readonly string[]) => p.length <= max;
const none = atMost(0);

/**
 * Commands whose every argument is data: they never read an argument as a file to write or
 * a program to run (`echo`, `printf`, `expr`, `true`, `false`).
 * @example
 * ANY_ARGUMENTS.has('echo'); // true
 */
export const ANY_ARGUMENTS = new Set(['echo', 'printf', 'expr', 'true', 'false']);

// prettier-ignore
/**
 * Option allow-lists of the known-safe commands (keyed by program name).
 * @example
 * argsAllowed(['-c', 'in.txt', 'OUT'], SAFE_OPTIONS.uniq!); // false: OUT would be written
 */
export const SAFE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  cat: { flags: 'AbeEnstTuv', long: { ...COMMON, ...longs(n, 'show-all', 'number-nonblank', 'number', 'squeeze-blank', 'show-ends', 'show-tabs', 'show-nonprinting') } },
  cd: { flags: 'LPe@', positionals: atMost(1) },
  cut: {
    flags: 'nsz', withValue: 'bcdf',
    long: { ...COMMON, ...longs(r, 'bytes', 'characters', 'delimiter', 'fields', 'output-delimiter'), ...longs(n, 'complement', 'only-delimited', 'zero-terminated') },
  },
  grep: {
    flags: 'EFGPiywxzsvVbnHhoqrRUaIcLlTZ', withValue: 'efmABCdD', numericShorthand: true,
    long: {
      ...COMMON,
      ...longs(n, 'extended-regexp', 'fixed-strings', 'basic-regexp', 'perl-regexp', 'ignore-case', 'no-ignore-case', 'word-regexp', 'line-regexp',
        'null-data', 'no-messages', 'invert-match', 'byte-offset', 'line-number', 'line-buffered', 'with-filename', 'no-filename', 'only-matching',
        'quiet', 'silent', 'text', 'recursive', 'dereference-recursive', 'count', 'files-with-matches', 'files-without-match', 'initial-tab', 'null', 'binary'),
      ...longs(r, 'regexp', 'file', 'max-count', 'after-context', 'before-context', 'label', 'binary-files', 'devices', 'directories', 'exclude',
        'exclude-from', 'exclude-dir', 'include'),
      ...longs(o, 'color', 'colour', 'context'),
    },
  },
  head: { flags: 'qvz', withValue: 'cn', numericShorthand: true, long: { ...COMMON, ...longs(r, 'bytes', 'lines'), ...longs(n, 'quiet', 'silent', 'verbose', 'zero-terminated') } },
  tail: {
    flags: 'fFqvz', withValue: 'cns', numericShorthand: true,
    long: { ...COMMON, ...longs(r, 'bytes', 'lines', 'max-unchanged-stats', 'pid', 'sleep-interval'), ...longs(n, 'quiet', 'silent', 'verbose', 'zero-terminated', 'retry'), ...longs(o, 'follow') },
  },
  id: { flags: 'agGnruzZ', long: { ...COMMON, ...longs(n, 'group', 'groups', 'name', 'real', 'user', 'zero', 'context') }, positionals: atMost(1) },
  ls: {
    flags: 'aAbBcCdfFgGhHiklLmnNopqQrRsStuUvxXZ1', withValue: 'ITw',
    long: {
      ...COMMON,
      ...longs(n, 'all', 'almost-all', 'author', 'escape', 'ignore-backups', 'directory', 'dired', 'classify', 'file-type', 'no-group', 'human-readable',
        'si', 'dereference', 'dereference-command-line', 'dereference-command-line-symlink-to-dir', 'inode', 'kibibytes', 'numeric-uid-gid', 'literal',
        'hide-control-chars', 'show-control-chars', 'quote-name', 'reverse', 'recursive', 'size', 'context', 'full-time', 'group-directories-first', 'zero'),
      ...longs(r, 'block-size', 'format', 'hide', 'ignore', 'quoting-style', 'sort', 'tabsize', 'time', 'time-style', 'width'),
      ...longs(o, 'color', 'hyperlink', 'indicator-style'),
    },
  },
  nl: {
    flags: 'p', withValue: 'bdfhilnsvw',
    long: { ...COMMON, ...longs(r, 'body-numbering', 'section-delimiter', 'footer-numbering', 'header-numbering', 'line-increment', 'join-blank-lines', 'number-format', 'number-separator', 'starting-line-number', 'number-width'), ...longs(n, 'no-renumber') },
  },
  paste: { flags: 'sz', withValue: 'd', long: { ...COMMON, ...longs(r, 'delimiters'), ...longs(n, 'serial', 'zero-terminated') } },
  pwd: { flags: 'LP', long: { ...COMMON, ...longs(n, 'logical', 'physical') }, positionals: none },
  rev: { flags: '0hV', long: longs(n, 'help', 'version', 'zero') },
  seq: { flags: 'w', withValue: 'fs', numericShorthand: true, long: { ...COMMON, ...longs(r, 'format', 'separator'), ...longs(n, 'equal-width') } },
  stat: { flags: 'fLt', withValue: 'c', long: { ...COMMON, ...longs(n, 'dereference', 'file-system', 'terse'), ...longs(r, 'format', 'printf', 'cached') } },
  tr: { flags: 'cCdst', long: { ...COMMON, ...longs(n, 'complement', 'delete', 'squeeze-repeats', 'truncate-set1') } },
  uname: { flags: 'asnrvmpio', long: { ...COMMON, ...longs(n, 'all', 'kernel-name', 'nodename', 'kernel-release', 'kernel-version', 'machine', 'processor', 'hardware-platform', 'operating-system') }, positionals: none },
  // `uniq [OPTION]... [INPUT [OUTPUT]]`: a second positional argument is a file to write.
  uniq: {
    flags: 'cdDiuz', withValue: 'fsw', numericShorthand: true,
    long: { ...COMMON, ...longs(n, 'count', 'repeated', 'ignore-case', 'unique', 'zero-terminated'), ...longs(o, 'all-repeated', 'group'), ...longs(r, 'skip-fields', 'skip-chars', 'check-chars') },
    positionals: atMost(1),
  },
  wc: { flags: 'cmlLw', long: { ...COMMON, ...longs(n, 'bytes', 'chars', 'lines', 'max-line-length', 'words'), ...longs(r, 'files0-from', 'total') } },
  which: { flags: 'as' },
  whoami: { long: COMMON, positionals: none },
  tac: { flags: 'br', withValue: 's', long: { ...COMMON, ...longs(n, 'before', 'regex'), ...longs(r, 'separator') } },
  numfmt: {
    flags: 'z', withValue: 'd',
    long: { ...COMMON, ...longs(r, 'delimiter', 'field', 'format', 'from', 'from-unit', 'invalid', 'padding', 'round', 'suffix', 'to', 'to-unit'), ...longs(n, 'debug', 'grouping', 'zero-terminated'), ...longs(o, 'header') },
  },
  basename: { flags: 'az', withValue: 's', long: { ...COMMON, ...longs(n, 'multiple', 'zero'), ...longs(r, 'suffix') } },
  dirname: { flags: 'z', long: { ...COMMON, ...longs(n, 'zero') } },
  realpath: { flags: 'emLPqsz', long: { ...COMMON, ...longs(n, 'canonicalize-existing', 'canonicalize-missing', 'logical', 'physical', 'quiet', 'strip', 'no-symlinks', 'zero'), ...longs(r, 'relative-to', 'relative-base') } },
  readlink: { flags: 'femnqsvz', long: { ...COMMON, ...longs(n, 'canonicalize', 'canonicalize-existing', 'canonicalize-missing', 'no-newline', 'quiet', 'silent', 'verbose', 'zero') } },
  du: {
    flags: '0abcDhHklLmsSxP', withValue: 'BdtX',
    long: {
      ...COMMON,
      ...longs(n, 'null', 'all', 'apparent-size', 'bytes', 'total', 'dereference-args', 'human-readable', 'inodes', 'dereference', 'count-links', 'no-dereference', 'separate-dirs', 'si', 'summarize', 'one-file-system'),
      ...longs(r, 'block-size', 'max-depth', 'threshold', 'exclude-from', 'exclude', 'files0-from', 'time-style'),
      ...longs(o, 'time'),
    },
  },
  df: {
    flags: 'ahHiklPTv', withValue: 'Btx',
    long: { ...COMMON, ...longs(n, 'all', 'human-readable', 'si', 'inodes', 'local', 'no-sync', 'sync', 'portability', 'print-type', 'total'), ...longs(r, 'block-size', 'type', 'exclude-type'), ...longs(o, 'output') },
  },
  cmp: { flags: 'bls', withValue: 'in', long: { ...COMMON, ...longs(n, 'print-bytes', 'verbose', 'quiet', 'silent'), ...longs(r, 'ignore-initial', 'bytes') }, positionals: atMost(4) },
  diff: {
    flags: 'abBcdeEHiNnPpqrstTuwyZ', withValue: 'CDFILSUWxX', numericShorthand: true,
    long: {
      ...COMMON,
      ...longs(n, 'normal', 'brief', 'report-identical-files', 'ed', 'rcs', 'side-by-side', 'left-column', 'suppress-common-lines', 'show-c-function',
        'expand-tabs', 'initial-tab', 'suppress-blank-empty', 'recursive', 'no-dereference', 'new-file', 'unidirectional-new-file', 'ignore-file-name-case',
        'no-ignore-file-name-case', 'ignore-case', 'ignore-tab-expansion', 'ignore-trailing-space', 'ignore-space-change', 'ignore-all-space',
        'ignore-blank-lines', 'text', 'strip-trailing-cr', 'minimal', 'speed-large-files'),
      ...longs(r, 'show-function-line', 'label', 'width', 'tabsize', 'exclude', 'exclude-from', 'starting-file', 'ignore-matching-lines', 'from-file',
        'to-file', 'ifdef', 'horizon-lines', 'line-format', 'old-line-format', 'new-line-format', 'unchanged-line-format', 'old-group-format', 'new-group-format',
        'changed-group-format', 'unchanged-group-format', 'palette'),
      ...longs(o, 'context', 'unified', 'color'),
    },
    // `--paginate` pipes the output through `pr`, which diff starts itself.
    unsafeLong: ['paginate'],
  },
  // GNU base64 takes at most one input file; BSD's `-o` and `--output` write one.
  base64: { flags: 'di', withValue: 'w', long: { ...COMMON, ...longs(n, 'decode', 'ignore-garbage'), ...longs(r, 'wrap') }, unsafeLong: ['output', 'input'], positionals: atMost(1) },
  // `-o/--output` writes a file, `--compress-program` runs one, `-T/--temporary-directory` writes temporaries.
  sort: {
    flags: 'bdfghiMnRrVcCmsuz', withValue: 'kSt',
    long: {
      ...COMMON,
      ...longs(n, 'ignore-leading-blanks', 'dictionary-order', 'ignore-case', 'general-numeric-sort', 'ignore-nonprinting', 'month-sort',
        'human-numeric-sort', 'numeric-sort', 'random-sort', 'reverse', 'version-sort', 'merge', 'stable', 'unique', 'zero-terminated', 'debug'),
      ...longs(r, 'sort', 'random-source', 'key', 'buffer-size', 'field-separator', 'parallel', 'files0-from', 'batch-size'),
      ...longs(o, 'check'),
    },
    unsafeLong: ['output', 'compress-program', 'temporary-directory'],
  },
};
