/**
 * Argv parsing for the `turnstate` command. Pure: argv in, a command (or a usage error) out;
 * the caller decides what to print and which exit code to use.
 */
import { parseArgs as parseNodeArgs } from 'node:util';

/**
 * A parsed command line.
 * @example
 * const cmd: CliCommand = parseCliArgs(process.argv.slice(2));
 */
export type CliCommand =
  | { command: 'help' }
  | { command: 'demo' }
  | { command: 'exec'; prompt: string; model: string | undefined; baseURL: string | undefined; api: 'responses' | 'chat' }
  | { command: 'usage_error'; message: string };

/**
 * The usage text (`turnstate --help`).
 * @example
 * process.stdout.write(USAGE);
 */
export const USAGE = `turnstate — run a coding-agent session as XState actors

Usage:
  turnstate demo
      Run a built-in scenario offline: a loopback mock Responses server, the real
      openai SDK, streamed text, a host tool call, an interrupted turn, a summary.
  turnstate exec "prompt" [--model M] [--base-url U] [--api chat]
      Run one turn against OPENAI_API_KEY (and OPENAI_BASE_URL, unless --base-url).
      --model M      model slug (default: gpt-5.1)
      --base-url U   API base URL, e.g. http://127.0.0.1:11434/v1
      --api chat     use Chat Completions instead of the Responses API
  turnstate --help

Exit codes: 0 success, 1 the turn failed, 2 usage or configuration error, 130 interrupted.
`;

/**
 * Parses the arguments after `node main.js`.
 * @example
 * parseCliArgs(['exec', 'fix the tests', '--model', 'gpt-5-mini']);
 * // { command: 'exec', prompt: 'fix the tests', model: 'gpt-5-mini', baseURL: undefined, api: 'responses' }
 */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseNodeArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        model: { type: 'string', short: 'm' },
        'base-url': { type: 'string' },
        api: { type: 'string' },
      },
    });
  } catch (err) {
    return { command: 'usage_error', message: err instanceof Error ? err.message : String(err) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  const [command, ...rest] = positionals;
  const execOnly = values.model !== undefined || values['base-url'] !== undefined || values.api !== undefined;
  switch (command) {
    case undefined:
      return { command: 'usage_error', message: 'missing command' };
    case 'help':
      return { command: 'help' };
    case 'demo':
      if (rest.length > 0) return { command: 'usage_error', message: `demo takes no arguments (got ${JSON.stringify(rest.join(' '))})` };
      if (execOnly) return { command: 'usage_error', message: '--model, --base-url and --api apply to exec only' };
      return { command: 'demo' };
    case 'exec': {
      const prompt = rest.join(' ').trim();
      if (prompt === '') return { command: 'usage_error', message: 'exec needs a prompt: turnstate exec "what does this repo do?"' };
      const api = values.api ?? 'responses';
      if (api !== 'responses' && api !== 'chat') return { command: 'usage_error', message: `--api must be "chat" or "responses" (got ${JSON.stringify(api)})` };
      if (values.model === '') return { command: 'usage_error', message: '--model must not be empty' };
      return { command: 'exec', prompt, model: values.model, baseURL: values['base-url'] || undefined, api };
    }
    default:
      return { command: 'usage_error', message: `unknown command ${JSON.stringify(command)}` };
  }
}
