/**
 * `turnstate` in a terminal: an interactive session. Streamed answers, approval prompts
 * (approve once / for the session / deny / abort the turn), Ctrl-C interrupts the running turn
 * (a second Ctrl-C during that turn exits), and slash commands: `/status`, `/compact`, `/quit`.
 * Prompts come from `@inquirer/prompts`. Threads are saved and resumable with `turnstate resume`.
 */
import { input, select } from '@inquirer/prompts';
import type { Event, ReviewDecision } from '../protocol/index.js';
import type { Thread } from '../runtime/thread.js';
import type { SessionOptions } from './args.js';
import type { CliIO } from './io.js';
import { execModel, openExecThread, resolveCwd } from './exec-setup.js';
import { commandLine } from './exec-json.js';
import { createRenderer, usageLine, type Renderer } from './render.js';
import { pump } from './session-io.js';
import { makeStyle, shouldColor, type Style } from './style.js';

/** `CliIO` with the terminal's input, which the interactive session needs. */
type TerminalIO = CliIO & { stdin: NodeJS.ReadableStream };

const HELP = '/status  session facts · /compact  summarise the history · /quit  leave · Ctrl-C interrupts a turn';

/**
 * Runs an interactive session until `/quit` (or Ctrl-C / Ctrl-D at the prompt); resolves with
 * the exit code (0, or 130 when a second Ctrl-C ended a turn and the session).
 * @example
 * process.exitCode = await runInteractive(parsed.options, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
 */
export async function runInteractive(options: SessionOptions, io: TerminalIO): Promise<number> {
  const color = io.color ?? shouldColor(io.stdout, io.env);
  const s = makeStyle(color);
  const cwd = await resolveCwd(options.cwd, true);
  const model = execModel(options, io.env);
  const setup = { ...options, model: model.model, approvalPolicy: options.approvalPolicy ?? 'on-request', sandbox: options.sandbox ?? 'workspace-write' } as const;
  const thread = await openExecThread(setup, io.env, model, cwd, 'cli');
  const renderer = createRenderer({ color });
  const context = { input: io.stdin, output: io.stdout };
  await pump(thread, renderer, io.stdout, (e) => (e.msg.type === 'session_configured' ? 'stop' : undefined));
  io.stdout.write(s.dim(HELP) + '\n');
  try {
    for (;;) {
      let line: string;
      try {
        line = (await input({ message: s.cyan('you ›') }, context)).trim();
      } catch {
        break; // Ctrl-C or Ctrl-D at the prompt
      }
      if (line === '') continue;
      if (line.startsWith('/')) {
        const quit = await slashCommand(line, thread, renderer, io, s, setup);
        if (quit) break;
        continue;
      }
      const code = await runTurn(thread, renderer, io, { type: 'user_input', items: [{ type: 'text', text: line }] });
      if (code !== null) return code;
    }
  } finally {
    await thread.shutdown().catch(() => undefined);
  }
  io.stdout.write(s.dim(`thread ${thread.id} saved · continue with: turnstate resume ${thread.id}\n`));
  return 0;
}

/** Submits `op` and renders the turn until it ends; `null`, or the exit code when a second Ctrl-C asks to leave. */
async function runTurn(thread: Thread, renderer: Renderer, io: TerminalIO, op: Parameters<Thread['submit']>[0]): Promise<number | null> {
  let interrupts = 0;
  let leave = false;
  const off = io.onInterrupt?.(() => {
    interrupts += 1;
    if (interrupts === 1) {
      io.stdout.write(renderer.note('interrupting (Ctrl-C again to quit)'));
      thread.submit({ type: 'interrupt' }).catch(() => undefined);
    } else {
      leave = true;
      io.stdout.write(renderer.note('quitting'));
      thread.shutdown().catch(() => undefined);
    }
  });
  try {
    await thread.submit(op);
    await pump(thread, renderer, io.stdout, async (e) => {
      await answerApproval(e, thread, io);
      return e.msg.type === 'task_complete' || e.msg.type === 'turn_aborted' ? 'stop' : undefined;
    }, 3_600_000);
  } finally {
    off?.();
  }
  return leave ? 130 : null;
}

const CHOICES: { name: string; value: ReviewDecision | 'abort' }[] = [
  { name: 'Yes, once', value: 'approved' },
  { name: 'Yes, and do not ask again this session', value: 'approved_for_session' },
  { name: 'No, tell the model to do it differently', value: 'denied' },
  { name: 'No, and stop the turn', value: 'abort' },
];

/** Asks the user about an approval request (when `e` is one) and sends the decision. */
async function answerApproval(e: Event, thread: Thread, io: TerminalIO): Promise<void> {
  const msg = e.msg;
  if (msg.type !== 'exec_approval_request' && msg.type !== 'apply_patch_approval_request') return;
  const what = msg.type === 'exec_approval_request' ? `run \`${commandLine(msg.command)}\`` : `apply a patch to ${Object.keys(msg.changes).join(', ')}`;
  let decision: ReviewDecision | 'abort';
  try {
    decision = await select({ message: `Allow the agent to ${what}?`, choices: CHOICES }, { input: io.stdin, output: io.stdout });
  } catch {
    decision = 'abort'; // Ctrl-C at the question
  }
  const d: ReviewDecision = decision === 'abort' ? 'abort' : decision;
  if (msg.type === 'exec_approval_request') await thread.submit({ type: 'exec_approval', id: msg.approval_id ?? msg.call_id, turn_id: msg.turn_id, decision: d });
  else await thread.submit({ type: 'patch_approval', id: msg.call_id, decision: d });
}

/** Runs a slash command; `true` means leave the session. */
async function slashCommand(line: string, thread: Thread, renderer: Renderer, io: TerminalIO, s: Style, setup: SessionOptions): Promise<boolean> {
  const [name] = line.split(/\s+/);
  switch (name) {
    case '/quit':
    case '/exit':
      return true;
    case '/status': {
      const usage = thread.view.getSnapshot().context.tokenUsage;
      const rows = [
        ['thread', thread.id],
        ['model', setup.model ?? ''],
        ['approvals', setup.approvalPolicy ?? ''],
        ['sandbox', setup.sandbox ?? ''],
        ['tokens', usage ? usageLine(usage.total_token_usage) : 'none yet'],
      ];
      io.stdout.write(rows.map(([k, v]) => `${s.dim(k!.padEnd(10))} ${v}`).join('\n') + '\n');
      return false;
    }
    case '/compact':
      await runTurn(thread, renderer, io, { type: 'compact' });
      return false;
    default:
      io.stdout.write(s.yellow(`unknown command ${name}`) + s.dim(` · ${HELP}`) + '\n');
      return false;
  }
}
