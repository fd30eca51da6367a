/**
 * Command classification for approvals. "Known safe" means that no argument can make the
 * command write a file or start a program: each program has an allow-list of options (GNU
 * long-option abbreviations resolved, `safe-options.ts`) or its own check (`safe-tools.ts`),
 * positional arguments that could name an output are checked, and anything unknown makes
 * the command not safe. "Dangerous" means likely destructive (forced/recursive deletes,
 * history rewrites, privilege escalation); those are asked about even where the sandbox
 * would otherwise be trusted.
 *
 * Caveat for the git entries: a repository's own config can name programs git runs
 * (fsmonitor, diff drivers). Under the restricted sandbox policies such commands run inside
 * the sandbox, where `.git` is read-only; under `danger-full-access` they run bare.
 */
import { argsAllowed, type OptionSpec } from './option-check.js';
import { ANY_ARGUMENTS, SAFE_OPTIONS } from './safe-options.js';
import { programName, shellScriptOf, splitShellScript } from './shell-words.js';
import { isSafeFind, isSafeGit, SAFE_RG } from './safe-tools.js';

const SED_PRINT_RANGE = /^(\d+,)?\d+p$/;

/**
 * Every program a command may start with and still count as known safe (each with its own
 * rule: an option allow-list, a custom check, or "every argument is data").
 * @example
 * KNOWN_SAFE_PROGRAMS.includes('uniq'); // true
 */
export const KNOWN_SAFE_PROGRAMS: readonly string[] = [
  ...ANY_ARGUMENTS,
  ...Object.keys(SAFE_OPTIONS),
  'egrep',
  'fgrep',
  'find',
  'rg',
  'sed',
  'git',
].sort();

const GREP = SAFE_OPTIONS.grep as OptionSpec;

/** One plain argv (no shell script unwrapping). */
function isSafeArgv(argv: readonly string[]): boolean {
  const name = programName(argv[0]);
  const args = argv.slice(1);
  if (name === undefined) return false;
  if (ANY_ARGUMENTS.has(name)) return true;
  const spec = SAFE_OPTIONS[name];
  if (spec) return argsAllowed(args, spec);
  switch (name) {
    case 'egrep':
    case 'fgrep':
      return argsAllowed(args, GREP);
    case 'find':
      return isSafeFind(args);
    case 'rg':
      return argsAllowed(args, SAFE_RG);
    case 'sed':
      return argv.length <= 4 && args[0] === '-n' && SED_PRINT_RANGE.test(args[1] ?? '') && !(args[2] ?? '').startsWith('-');
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
