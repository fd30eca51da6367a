/**
 * `turnstate exec "prompt"`: one turn against a real OpenAI-compatible server, rendered
 * like the demo. Ctrl-C interrupts the turn (a second Ctrl-C leaves at once).
 */
import type { Writable } from 'node:stream';
import { openaiModel } from '../model/openai/index.js';
import type { ModelClient } from '../model/types.js';
import { createThread } from '../runtime/create-thread.js';
import type { CliCommand } from './args.js';
import { createRenderer, renderSummary } from './render.js';
import { pump } from './session-io.js';
import { shouldColor } from './style.js';

/**
 * The model `exec` uses without `--model`.
 * @example
 * openaiModel({ model: DEFAULT_EXEC_MODEL });
 */
export const DEFAULT_EXEC_MODEL = 'gpt-5.1';

/**
 * Where `exec` reads and writes.
 * @example
 * const io: ExecIO = { stdout: process.stdout, stderr: process.stderr, env: process.env };
 */
export interface ExecIO {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** Subscribes to the user's interrupt (Ctrl-C); returns an unsubscribe function. */
  onInterrupt?: (handler: () => void) => () => void;
  color?: boolean;
}

/**
 * Runs one turn; resolves with the exit code (0 done, 1 the turn reported an error,
 * 2 no API key, 130 interrupted).
 * @example
 * const code = await runExec({ command: 'exec', prompt: 'hi', model: undefined, baseURL: undefined, api: 'responses' },
 *   { stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export async function runExec(cmd: Extract<CliCommand, { command: 'exec' }>, io: ExecIO): Promise<number> {
  const apiKey = io.env.OPENAI_API_KEY;
  if (!apiKey) {
    io.stderr.write('turnstate exec: OPENAI_API_KEY is not set.\nExport it (and OPENAI_BASE_URL or --base-url for a compatible server), or try `turnstate demo`, which runs offline.\n');
    return 2;
  }
  const baseURL = cmd.baseURL ?? (io.env.OPENAI_BASE_URL || undefined);
  const color = io.color ?? shouldColor(io.stdout, io.env);
  const renderer = createRenderer({ color });
  const started = performance.now();
  const model = openaiModel({ model: cmd.model ?? DEFAULT_EXEC_MODEL, apiKey, api: cmd.api, ...(baseURL ? { baseURL } : {}) });
  let requests = 0;
  const counted: ModelClient = {
    model: model.model,
    providerId: model.providerId,
    contextWindow: model.contextWindow ?? null,
    stream: (request, signal) => {
      requests += 1;
      return model.stream(request, signal);
    },
  };
  // No built-in shell / apply_patch: this CLI does not answer approval requests yet.
  // In memory only: a one-shot turn leaves no rollout behind. No tool writes files and a
  // one-shot run never undoes, so no ghost snapshot either.
  const thread = await createThread({ model: counted, builtinTools: false, ephemeral: true, ghostSnapshots: false });
  let interrupts = 0;
  const off = io.onInterrupt?.(() => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    io.stdout.write(renderer.note('host › interrupt (Ctrl-C again to quit)'));
    thread.submit({ type: 'interrupt' }).catch(() => undefined);
  });
  try {
    await thread.submit({ type: 'user_input', items: [{ type: 'text', text: cmd.prompt }] });
    const last = await pump(
      thread,
      renderer,
      io.stdout,
      (e) => (e.msg.type === 'task_complete' || e.msg.type === 'turn_aborted' ? 'stop' : undefined),
      600_000,
    );
    const usage = thread.view.getSnapshot().context.tokenUsage;
    const stats = renderer.stats();
    io.stdout.write('\n' + renderSummary({ stats, requests, usage, elapsedMs: performance.now() - started }, { color }));
    if (last?.msg.type === 'turn_aborted') return 130;
    return stats.errors > 0 ? 1 : 0;
  } finally {
    off?.();
    await thread.shutdown();
  }
}
