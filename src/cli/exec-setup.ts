/**
 * What `turnstate exec` settles before the turn starts: the prompt (argument or stdin), the
 * working directory and Git check, the output schema, the model client and the thread (new,
 * resumed by id, or the most recent one). Failures are `ExecSetupError`s with the exit code
 * the CLI uses.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { TurnstateError } from '../errors.js';
import { openaiModel } from '../model/openai/index.js';
import type { ModelClient } from '../model/types.js';
import { JsonlThreadStore, resolveTurnstateHome } from '../persistence/index.js';
import { createThread } from '../runtime/create-thread.js';
import type { Thread } from '../runtime/thread.js';
import type { SessionOptions } from './args.js';

/** What opening a thread needs from the command line (`exec` and the interactive session). */
export type ThreadSetup = SessionOptions & { ephemeral?: boolean };

/**
 * The model `exec` uses without `--model`.
 * @example
 * openaiModel({ model: DEFAULT_EXEC_MODEL });
 */
export const DEFAULT_EXEC_MODEL = 'gpt-5.1';

/**
 * A reason `exec` cannot start; `exitCode` is 2 for usage/configuration, 1 otherwise.
 * @example
 * throw new ExecSetupError('OPENAI_API_KEY is not set', 2);
 */
export class ExecSetupError extends TurnstateError {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super('cli_setup', 'configuration', message);
    this.name = 'ExecSetupError';
    this.exitCode = exitCode;
  }
}

/**
 * The prompt: the argument, or all of stdin when it is absent or `-`. Throws `ExecSetupError`
 * (exit 2) when stdin is a terminal or empty.
 * @example
 * await resolvePrompt(null, process.stdin); // what was piped in, trimmed
 */
export async function resolvePrompt(prompt: string | null, stdin: Readable | undefined): Promise<string> {
  if (prompt !== null) return prompt;
  if (!stdin || (stdin as Partial<NodeJS.ReadStream>).isTTY) {
    throw new ExecSetupError('no prompt: pass one as an argument, or pipe it on stdin with "-"', 2);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') throw new ExecSetupError('the prompt read from stdin is empty', 2);
  return text;
}

/**
 * The session's working directory (absolute), checked to exist (else exit 2) and, unless
 * skipped, to be inside a Git repository (else exit 1, as `codex exec` refuses).
 * @example
 * await resolveCwd('../repo', false); // '/home/me/repo'
 */
export async function resolveCwd(cwd: string | null, skipGitRepoCheck: boolean): Promise<string> {
  const dir = path.resolve(cwd ?? process.cwd());
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new ExecSetupError(`--cd ${dir}: no such directory`, 2);
  if (!skipGitRepoCheck && !(await insideGitRepo(dir))) {
    throw new ExecSetupError(`${dir} is not inside a Git repository; pass --skip-git-repo-check to run here anyway`, 1);
  }
  return dir;
}

async function insideGitRepo(dir: string): Promise<boolean> {
  for (let d = dir; ; d = path.dirname(d)) {
    if (await stat(path.join(d, '.git')).catch(() => null)) return true;
    if (path.dirname(d) === d) return false;
  }
}

/**
 * The JSON Schema object in `file`, parsed (`null` without a file); `ExecSetupError` (exit 2)
 * when it cannot be read or is not a JSON object.
 * @example
 * await readOutputSchema('schema.json'); // { type: 'object', ... }
 */
export async function readOutputSchema(file: string | null): Promise<Record<string, unknown> | null> {
  if (file === null) return null;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ExecSetupError(`--output-schema ${file}: ${(err as Error).message}`, 2);
  }
  try {
    const schema = JSON.parse(text) as unknown;
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) throw new Error('not a JSON object');
    return schema as Record<string, unknown>;
  } catch (err) {
    throw new ExecSetupError(`--output-schema ${file}: not a JSON Schema object (${(err as Error).message})`, 2);
  }
}

/**
 * The model client: the `openai` SDK adapter. HTTP-level retries are off: the turn loop's own
 * retries (5, with backoff) are the whole budget, so a dead endpoint fails in seconds rather
 * than minutes. Throws `ExecSetupError` (exit 2) without `CODEX_API_KEY` / `OPENAI_API_KEY`.
 * @example
 * const model = execModel({ model: 'gpt-5.1', baseURL: null, api: 'responses' }, process.env);
 */
export function execModel(options: Pick<SessionOptions, 'model' | 'baseURL' | 'api'>, env: NodeJS.ProcessEnv): ModelClient {
  const apiKey = env.CODEX_API_KEY || env.OPENAI_API_KEY;
  if (!apiKey) throw new ExecSetupError('no API key: set CODEX_API_KEY or OPENAI_API_KEY (or try `turnstate demo`, which runs offline)', 2);
  const baseURL = options.baseURL ?? (env.OPENAI_BASE_URL || undefined);
  return openaiModel({ model: options.model ?? DEFAULT_EXEC_MODEL, apiKey, api: options.api, requestMaxRetries: 0, ...(baseURL ? { baseURL } : {}) });
}

/**
 * Creates (or resumes, by id or the most recent) the thread a CLI session runs on, saved under
 * `TURNSTATE_HOME` unless `ephemeral`. Defaults: sandbox `read-only`, approvals `never` (as
 * `codex exec`). Throws `ExecSetupError` (exit 1) when the thread to resume is not stored.
 * @example
 * const thread = await openExecThread(options, process.env, model, '/work/repo');
 */
export async function openExecThread(options: ThreadSetup, env: NodeJS.ProcessEnv, model: ModelClient, cwd: string, source: 'exec' | 'cli' = 'exec'): Promise<Thread> {
  const home = resolveTurnstateHome(env);
  const store = new JsonlThreadStore({ home });
  let threadId: string | null = null;
  if (options.resume && 'threadId' in options.resume) threadId = options.resume.threadId;
  if (options.resume && 'last' in options.resume) {
    threadId = (await store.list({ pageSize: 1 })).threads[0]?.threadId ?? null;
    if (threadId === null) throw new ExecSetupError(`resume --last: no saved thread under ${home}`, 1);
  }
  if (threadId !== null && (await store.findPath(threadId)) === null) throw new ExecSetupError(`resume: no saved thread ${threadId} under ${home}`, 1);
  const sandbox = options.sandbox ?? 'read-only';
  const network = options.networkAccess ?? false;
  const writableRoots = options.addDirs.map((d) => path.resolve(cwd, d));
  const sandboxPolicy =
    sandbox === 'danger-full-access'
      ? { type: sandbox }
      : sandbox === 'workspace-write'
        ? { type: sandbox, network_access: network, writable_roots: writableRoots }
        : { type: sandbox, network_access: network };
  return createThread({
    model,
    cwd,
    home,
    store,
    source,
    approvalPolicy: options.approvalPolicy ?? 'never',
    sandboxPolicy,
    ...(options.effort ? { effort: options.effort } : {}),
    ephemeral: options.ephemeral ?? false,
    ...(threadId !== null ? { resume: { threadId } } : {}),
    // A one-shot exec run never undoes, so it takes no ghost snapshots; the interactive session does.
    ...(source === 'exec' ? { ghostSnapshots: false } : {}),
  });
}
