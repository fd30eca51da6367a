/**
 * Argv parsing for the `turnstate` command, with `commander`. Pure: argv in, a command (or a
 * usage error) out; the caller decides what to print and which exit code to use. Imports
 * nothing heavy, so `--help` and `--version` answer without loading the engine.
 *
 * `exec` follows `codex exec`: `exec [OPTIONS] [PROMPT|-]` and `exec [OPTIONS] resume
 * [SESSION_ID|--last] [PROMPT|-]` (the prompt is read from stdin when absent or `-`).
 */
import { Command, CommanderError, Option } from 'commander';
import { applyConfigOverrides, type ExecSettings } from './config.js';

/**
 * What `turnstate exec` was asked to do.
 * @example
 * const o: ExecOptions = (parseCliArgs(['exec', 'hi']) as { options: ExecOptions }).options;
 */
export interface ExecOptions extends ExecSettings {
  addDirs: string[];
  /** The prompt; `null` means "read it from stdin". */
  prompt: string | null;
  /** Resume a stored thread by id, or the most recent one. */
  resume: { threadId: string } | { last: true } | null;
  /** Print JSON lines in Codex's exec shape instead of the transcript. */
  json: boolean;
  /** Path of a JSON Schema file the final answer must satisfy. */
  outputSchema: string | null;
  skipGitRepoCheck: boolean;
  /** Keep no rollout (the thread cannot be resumed). */
  ephemeral: boolean;
  /** Wire API: Responses (default) or Chat Completions. */
  api: 'responses' | 'chat';
}

/**
 * What an interactive session (`turnstate`, `turnstate resume`) was asked to do.
 * @example
 * const o: SessionOptions = (parseCliArgs(['resume', '--last']) as { options: SessionOptions }).options;
 */
export interface SessionOptions extends ExecSettings {
  /** Extra writable roots of a `workspace-write` sandbox (`--add-dir`). */
  addDirs: string[];
  resume: { threadId: string } | { last: true } | null;
  api: 'responses' | 'chat';
}

/**
 * A parsed command line.
 * @example
 * const cmd: CliCommand = parseCliArgs(process.argv.slice(2));
 */
export type CliCommand =
  | { command: 'help'; text: string }
  | { command: 'version'; text: string }
  | { command: 'demo' }
  | { command: 'exec'; options: ExecOptions }
  | { command: 'interactive'; options: SessionOptions }
  | { command: 'usage_error'; message: string; hint: string };

/** The package version (kept in step with package.json by a test). */
export const CLI_VERSION = '0.1.0';

const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'];
const APPROVAL_POLICIES = ['untrusted', 'on-failure', 'on-request', 'never'];

/** The options every session command takes: model, endpoint, sandbox, approvals, cwd, -c. */
function sessionOptions(cmd: Command): Command {
  return cmd
    .option('-m, --model <model>', 'model slug')
    .option('--base-url <url>', 'API base URL (same as -c openai_base_url=...)')
    .addOption(new Option('-s, --sandbox <mode>', 'where commands may write').choices(SANDBOX_MODES))
    .addOption(new Option('-a, --ask-for-approval <policy>', 'when to ask before running a command').choices(APPROVAL_POLICIES))
    .option('-C, --cd <dir>', 'working directory of the session')
    .option('-c, --config <key=value>', 'config override (openai_base_url, model, approval_policy, sandbox_mode, model_reasoning_effort); repeatable', collect, [])
    .option('--add-dir <dir>', 'another directory the workspace-write sandbox may write; repeatable', collect, [])
    .addOption(new Option('--api <api>', 'wire API').choices(['responses', 'chat']).default('responses'));
}

/** Settings from -c overrides, then the explicit flags (which win). */
function settingsFrom(o: Record<string, unknown>): ExecSettings | { error: string } {
  const settings = applyConfigOverrides((o.config as string[]) ?? []);
  if ('error' in settings) return settings;
  const s = settings.settings;
  if (typeof o.model === 'string') s.model = o.model;
  if (typeof o.baseUrl === 'string') s.baseURL = o.baseUrl;
  if (typeof o.sandbox === 'string') s.sandbox = o.sandbox as ExecSettings['sandbox'];
  if (typeof o.askForApproval === 'string') s.approvalPolicy = o.askForApproval as ExecSettings['approvalPolicy'];
  if (typeof o.cd === 'string') s.cwd = o.cd;
  if (s.model === '') return { error: '--model must not be empty' };
  return s;
}

function toSession(o: Record<string, unknown>, resume: SessionOptions['resume']): CliCommand {
  const s = settingsFrom(o);
  if ('error' in s) return usage(s.error, 'Run `turnstate --help` for the options.');
  return { command: 'interactive', options: { ...s, addDirs: (o.addDir as string[]) ?? [], resume, api: o.api === 'chat' ? 'chat' : 'responses' } };
}

function buildProgram(out: { text: string }, selected: { cmd: CliCommand | null }): Command {
  const program = sessionOptions(new Command('turnstate'))
    .description('Run coding-agent sessions the way Codex does, as XState actors. Without a command: an interactive session.')
    .version(CLI_VERSION, '-V, --version')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out.text += s), writeErr: (s) => (out.text += s), outputError: () => undefined })
    .showSuggestionAfterError(true)
    .action((o: Record<string, unknown>) => {
      selected.cmd = toSession(o, null);
    });
  sessionOptions(program.command('resume'))
    .description('Continue a saved thread interactively.')
    .argument('[id]', 'thread id')
    .option('--last', 'the most recent thread')
    .action((id: string | undefined, o: Record<string, unknown>) => {
      selected.cmd = id ? toSession(o, { threadId: id }) : o.last === true ? toSession(o, { last: true }) : usage('resume needs a thread id or --last', 'Try `turnstate resume --last`.');
    });
  program
    .command('demo')
    .description('Play a built-in scenario offline (a loopback mock server, no API key).')
    .action(() => {
      selected.cmd = { command: 'demo' };
    });
  const exec = program
    .command('exec')
    .description('Run one turn non-interactively: exec [options] [PROMPT|-], or exec [options] resume [ID|--last] [PROMPT|-].')
    .argument('[args...]', 'the prompt (stdin when absent or "-"), or `resume [ID] [PROMPT]`');
  sessionOptions(exec)
    .option('--json', 'print JSON lines (Codex exec events) instead of the transcript')
    .option('--experimental-json', 'alias of --json')
    .option('--output-schema <file>', 'JSON Schema file the final answer must follow')
    .option('--skip-git-repo-check', 'allow running outside a Git repository')
    .option('--ephemeral', 'do not save the thread')
    .option('--last', 'with `resume`: the most recent thread')
    .action((args: string[], o: Record<string, unknown>) => {
      selected.cmd = toExec(args, o);
    });
  exec.exitOverride().configureOutput({ writeOut: (s) => (out.text += s), writeErr: (s) => (out.text += s), outputError: () => undefined });
  return program;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function usage(message: string, hint = 'Run `turnstate exec --help` for the options.'): CliCommand {
  return { command: 'usage_error', message, hint };
}

function toExec(args: string[], o: Record<string, unknown>): CliCommand {
  let rest = args;
  let resume: ExecOptions['resume'] = null;
  if (rest[0] === 'resume') {
    rest = rest.slice(1);
    if (o.last === true) resume = { last: true };
    else if (rest.length > 0 && rest[0] !== '-') {
      resume = { threadId: rest[0]! };
      rest = rest.slice(1);
    } else return usage('resume needs a thread id or --last');
  } else if (o.last === true) return usage('--last only goes with `resume`', 'Try `turnstate exec resume --last "next step"`.');
  const joined = rest.join(' ');
  const prompt = rest.length === 0 || (rest.length === 1 && rest[0] === '-') ? null : joined;
  if (prompt !== null && prompt.trim() === '') return usage('the prompt is empty', 'Give a prompt, or "-" to read it from stdin.');
  const s = settingsFrom(o);
  if ('error' in s) return usage(s.error);
  return {
    command: 'exec',
    options: {
      ...s,
      addDirs: (o.addDir as string[]) ?? [],
      prompt,
      resume,
      json: o.json === true || o.experimentalJson === true,
      outputSchema: typeof o.outputSchema === 'string' ? o.outputSchema : null,
      skipGitRepoCheck: o.skipGitRepoCheck === true,
      ephemeral: o.ephemeral === true,
      api: o.api === 'chat' ? 'chat' : 'responses',
    },
  };
}

/**
 * Parses the arguments after `node main.js`.
 * @example
 * parseCliArgs(['exec', '--json', '-m', 'gpt-5-mini', 'fix the tests']);
 * // { command: 'exec', options: { prompt: 'fix the tests', model: 'gpt-5-mini', json: true, ... } }
 */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const out = { text: '' };
  const selected: { cmd: CliCommand | null } = { cmd: null };
  const program = buildProgram(out, selected);
  // The root command takes no arguments (it starts the interactive session), so a stray first
  // word is an unknown command rather than commander's "too many arguments".
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && !program.commands.some((c) => c.name() === first) && first !== 'help') {
    return usage(`unknown command '${first}'`, 'Run `turnstate --help` for the commands (exec, resume, demo).');
  }
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.code === 'commander.version') return { command: 'version', text: out.text };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return { command: 'help', text: out.text };
    const message = err.message.replace(/^error: /, '').split('\n')[0]!;
    const sub = argv.includes('exec') ? 'exec ' : '';
    return usage(message, `Run \`turnstate ${sub}--help\` for usage.`);
  }
  return selected.cmd ?? usage(`unknown command ${JSON.stringify(argv[0])}`, 'Run `turnstate --help` for the commands.');
}
