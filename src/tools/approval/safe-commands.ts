/**
 * Command classification for approvals. "Known safe" means read-only by construction: the
 * program only reads files and prints, with the flags that would write files or run other
 * programs excluded. "Dangerous" means likely destructive (forced/recursive deletes,
 * history rewrites, privilege escalation); those are asked about even where the sandbox
 * would otherwise be trusted.
 *
 * Caveat for the git entries: a repository's own config can name programs git runs
 * (fsmonitor, diff drivers, pagers). Under the restricted sandbox policies such commands
 * still run inside the sandbox; only `danger-full-access` runs them bare.
 */
import { programName, shellScriptOf, splitShellScript } from './shell-words.js';

const ALWAYS_SAFE = new Set([
  'cat', 'cd', 'cut', 'echo', 'expr', 'false', 'grep', 'egrep', 'fgrep', 'head', 'id', 'ls', 'nl',
  'paste', 'pwd', 'rev', 'seq', 'stat', 'tail', 'tr', 'true', 'uname', 'uniq', 'wc', 'which',
  'whoami', 'tac', 'numfmt', 'basename', 'dirname', 'realpath', 'readlink', 'du', 'df', 'cmp',
  'diff', 'printf',
]);

const FIND_UNSAFE = new Set(['-exec', '-execdir', '-ok', '-okdir', '-delete', '-fls', '-fprint', '-fprint0', '-fprintf']);
const RG_UNSAFE_FLAGS = new Set(['-z', '--search-zip']);
const RG_UNSAFE_WITH_VALUE = ['--pre', '--hostname-bin'];
const GIT_READ_SUBCOMMANDS = new Set(['status', 'log', 'diff', 'show', 'branch']);
const GIT_UNSAFE_OPTION = /^--(output|ext-diff|textconv|exec-path|upload-pack|config-env)(=|$)/;
const GIT_BRANCH_LIST_FLAGS = new Set([
  '-a', '-r', '-v', '-vv', '-l', '--all', '--remotes', '--verbose', '--list', '--show-current', '--no-color', '--color',
]);
const SED_PRINT_RANGE = /^(\d+,)?\d+p$/;

const hasValueFlag = (args: readonly string[], flags: readonly string[]) =>
  args.some((a) => flags.some((f) => a === f || a.startsWith(`${f}=`)));

function isSafeGit(args: readonly string[]): boolean {
  let i = 0;
  for (; args[i]?.startsWith('-'); i++) {
    if (args[i] === '-C') i++;
    else if (args[i] !== '--no-pager') return false;
  }
  const sub = args[i];
  const rest = args.slice(i + 1);
  if (sub === undefined || !GIT_READ_SUBCOMMANDS.has(sub)) return false;
  if (rest.some((a) => GIT_UNSAFE_OPTION.test(a))) return false;
  return sub !== 'branch' || rest.every((a) => GIT_BRANCH_LIST_FLAGS.has(a));
}

/** One plain argv (no shell script unwrapping). */
function isSafeArgv(argv: readonly string[]): boolean {
  const name = programName(argv[0]);
  const args = argv.slice(1);
  if (name === undefined) return false;
  if (ALWAYS_SAFE.has(name)) return true;
  switch (name) {
    case 'find':
      return !args.some((a) => FIND_UNSAFE.has(a));
    case 'rg':
      return !args.some((a) => RG_UNSAFE_FLAGS.has(a)) && !hasValueFlag(args, RG_UNSAFE_WITH_VALUE);
    case 'sed':
      return argv.length <= 4 && args[0] === '-n' && SED_PRINT_RANGE.test(args[1] ?? '');
    case 'base64':
      return !hasValueFlag(args, ['--output']) && !args.some((a) => a.startsWith('-o'));
    case 'sort':
      return !hasValueFlag(args, ['--output', '--compress-program']) && !args.some((a) => /^-[a-zA-Z]*o/.test(a));
    case 'git':
      return isSafeGit(args);
    default:
      return false;
  }
}

/**
 * The commands an argv runs: the plain commands of a `bash -lc` script, or the argv
 * itself; `undefined` for a script too complex to split.
 * @example
 * commandsOf(['bash', '-lc', 'ls && pwd']); // [['ls'], ['pwd']]
 */
export function commandsOf(argv: readonly string[]): string[][] | undefined {
  const script = shellScriptOf(argv);
  return script === undefined ? [[...argv]] : splitShellScript(script);
}

/**
 * Whether a command is read-only by construction and may run without approval.
 * @example
 * isKnownSafeCommand(['bash', '-lc', "sed -n '1,5p' a.txt && git status"]); // true
 * isKnownSafeCommand(['find', '.', '-delete']); // false
 */
export function isKnownSafeCommand(argv: readonly string[]): boolean {
  const normalized = argv[0] === 'zsh' ? ['bash', ...argv.slice(1)] : argv;
  if (isSafeArgv(normalized)) return true;
  const commands = shellScriptOf(normalized) === undefined ? undefined : commandsOf(normalized);
  return commands !== undefined && commands.every(isSafeArgv);
}

function isDangerousArgv(argv: readonly string[]): boolean {
  const name = programName(argv[0]) ?? '';
  const args = argv.slice(1);
  switch (name) {
    case 'rm':
      return args.some((a) => /^-[a-zA-Z]*[rRf]/.test(a) || a === '--force' || a === '--recursive');
    case 'sudo':
    case 'doas':
    case 'su':
    case 'shred':
    case 'mkfs':
      return true;
    case 'dd':
      return args.some((a) => a.startsWith('of='));
    case 'git': {
      const sub = args.find((a) => !a.startsWith('-'));
      if (sub === 'reset') return args.includes('--hard');
      if (sub === 'clean') return args.some((a) => /^-[a-zA-Z]*f/.test(a) || a === '--force');
      if (sub === 'push') return args.some((a) => a === '-f' || a.startsWith('--force'));
      return false;
    }
    default:
      return name.startsWith('mkfs.');
  }
}

/**
 * Whether a command (or any command of a plain `bash -lc` script) looks destructive.
 * @example
 * isDangerousCommand(['bash', '-lc', 'cd build && rm -rf out']); // true
 */
export function isDangerousCommand(argv: readonly string[]): boolean {
  return (commandsOf(argv) ?? [[...argv]]).some(isDangerousArgv);
}

/**
 * The exec-policy prefix to offer when asking about `argv`: the first command of a script
 * that is not known safe, or the argv itself.
 * @example
 * proposeAmendment(['bash', '-lc', 'cd x && make test']); // ['make', 'test']
 */
export function proposeAmendment(argv: readonly string[]): string[] {
  const commands = commandsOf(argv);
  if (shellScriptOf(argv) === undefined || commands === undefined) return [...argv];
  return commands.find((c) => !isSafeArgv(c)) ?? [...argv];
}
