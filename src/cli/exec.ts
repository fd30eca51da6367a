/**
 * `turnstate exec`: one turn, non-interactive, with the built-in tools on. With `--json` it
 * prints Codex's exec JSON lines on stdout (see `exec-json.ts`); otherwise the transcript goes
 * to stderr as it streams and the final answer to stdout, last. Ctrl-C interrupts the turn (a
 * second Ctrl-C leaves at once). Approval requests are declined: nobody is there to answer.
 */
import type { Event } from '../protocol/index.js';
import type { Thread } from '../runtime/thread.js';
import type { ExecOptions } from './args.js';
import type { CliIO } from './io.js';
import { createExecEventMapper } from './exec-json.js';
import { ExecSetupError, execModel, openExecThread, readOutputSchema, resolveCwd, resolvePrompt } from './exec-setup.js';
import { createRenderer } from './render.js';
import { pump } from './session-io.js';
import { makeStyle, shouldColor } from './style.js';

export { DEFAULT_EXEC_MODEL } from './exec-setup.js';

/**
 * Runs one turn; resolves with the exit code (0 completed, 1 failed, 2 usage or configuration
 * error, 130 interrupted).
 * @example
 * const code = await runExec(parsed.options, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
 */
export async function runExec(options: ExecOptions, io: CliIO): Promise<number> {
  const color = io.color ?? shouldColor(io.stderr, io.env);
  const s = makeStyle(color);
  let thread: Thread;
  let prompt: string;
  let schema: Record<string, unknown> | null;
  try {
    const cwd = await resolveCwd(options.cwd, options.skipGitRepoCheck);
    schema = await readOutputSchema(options.outputSchema);
    const model = execModel(options, io.env);
    prompt = await resolvePrompt(options.prompt, io.stdin);
    thread = await openExecThread(options, io.env, model, cwd);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (options.json) io.stdout.write(JSON.stringify({ type: 'error', message }) + '\n');
    io.stderr.write(`${s.red('✗')} turnstate exec: ${message}\n`);
    return err instanceof ExecSetupError ? err.exitCode : 1;
  }

  const mapper = createExecEventMapper();
  const renderer = createRenderer({ color });
  let interrupts = 0;
  const off = io.onInterrupt?.(() => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    if (!options.json) io.stderr.write(renderer.note('interrupting (Ctrl-C again to quit)'));
    thread.submit({ type: 'interrupt' }).catch(() => undefined);
  });
  const onEvent = async (e: Event): Promise<'stop' | undefined> => {
    if (options.json) for (const line of mapper.map(e)) io.stdout.write(JSON.stringify(line) + '\n');
    else mapper.map(e);
    if (e.msg.type === 'exec_approval_request') {
      await thread.submit({ type: 'exec_approval', id: e.msg.approval_id ?? e.msg.call_id, turn_id: e.msg.turn_id, decision: 'denied' });
    } else if (e.msg.type === 'apply_patch_approval_request') {
      await thread.submit({ type: 'patch_approval', id: e.msg.call_id, decision: 'denied' });
    }
    return e.msg.type === 'task_complete' || e.msg.type === 'turn_aborted' ? 'stop' : undefined;
  };
  const quiet = { render: () => '', note: () => '', end: () => '', stats: renderer.stats };
  try {
    // The output schema travels with the turn (Responses `text.format`, Chat `response_format`).
    await thread.submit({ type: 'user_input', items: [{ type: 'text', text: prompt }], ...(schema ? { final_output_json_schema: schema } : {}) });
    await pump(thread, options.json ? quiet : renderer, io.stderr, onEvent, 600_000);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (options.json) io.stdout.write(JSON.stringify({ type: 'error', message }) + '\n');
    io.stderr.write(`${s.red('✗')} ${message}\n`);
    return 1;
  } finally {
    off?.();
    await thread.shutdown().catch(() => undefined);
  }
  const outcome = mapper.outcome();
  if (!options.json) {
    if (!options.ephemeral) io.stderr.write(s.dim(`thread ${thread.id} · continue with: turnstate exec resume ${thread.id} "..."\n`));
    const final = mapper.finalMessage();
    if (outcome === 'completed' && final !== null) io.stdout.write(final.endsWith('\n') ? final : `${final}\n`);
  }
  return outcome === 'completed' ? 0 : outcome === 'aborted' ? 130 : 1;
}
