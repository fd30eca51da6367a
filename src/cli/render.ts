/**
 * The transcript renderer: turns a thread's events into the text a person reads. It does
 * no I/O — each call returns the text to write — so it is tested by feeding events.
 *
 * Invariant: streamed deltas are written inline on one open line; any other output first
 * closes that line, so a block never starts in the middle of streamed text.
 */
import type { Event, EventMsg, FunctionCallOutputBody, ResponseItem, TokenUsage, TokenUsageInfo } from '../protocol/index.js';
import { commandLine } from './exec-json.js';
import { makeStyle } from './style.js';

/**
 * Options of {@link createRenderer}.
 * @example
 * createRenderer({ color: true, maxToolOutput: 120 });
 */
export interface RenderOptions {
  /** ANSI colours (default false). */
  color?: boolean;
  /** Longest tool output shown before it is cut, in characters (default 240). */
  maxToolOutput?: number;
}

/**
 * What the renderer counted while rendering.
 * @example
 * const { turnsAborted }: RenderStats = renderer.stats();
 */
export interface RenderStats {
  turnsStarted: number;
  turnsCompleted: number;
  turnsAborted: number;
  toolCalls: number;
  errors: number;
}

/**
 * A stateful event → text mapper.
 * @example
 * const r = createRenderer();
 * process.stdout.write(r.render({ id: 't1', msg: { type: 'agent_message_delta', delta: 'Hi' } })); // 'assistant › Hi'
 * process.stdout.write(r.end()); // '\n'
 */
export interface Renderer {
  /** The text for one event ('' when the event is not shown). */
  render(event: Event): string;
  /** A line of commentary from the host (closes an open streamed line first). */
  note(text: string): string;
  /** Closes an open streamed line, if any. */
  end(): string;
  /** Counters gathered so far. */
  stats(): RenderStats;
}

type Stream = 'assistant' | 'reasoning' | null;

/**
 * Creates a renderer.
 * @example
 * const r = createRenderer({ color: false });
 * r.render({ id: '', msg: { type: 'warning', message: 'low disk' } }); // 'warning › low disk\n'
 */
export function createRenderer(options: RenderOptions = {}): Renderer {
  const s = makeStyle(options.color ?? false);
  const maxToolOutput = options.maxToolOutput ?? 240;
  const stats: RenderStats = { turnsStarted: 0, turnsCompleted: 0, turnsAborted: 0, toolCalls: 0, errors: 0 };
  let open: Stream = null;
  let turnErrors = 0;
  /** Calls whose outcome an exec/patch end event already showed: their tool output is not repeated. */
  const shown = new Set<string>();

  /** Text of a full line (or block), closing any open stream first. */
  const line = (text: string): string => {
    const prefix = open === null ? '' : '\n';
    open = null;
    return `${prefix}${text}\n`;
  };
  const inline = (stream: Exclude<Stream, null>, label: string, delta: string): string => {
    if (open === stream) return stream === 'reasoning' ? s.dim(delta) : delta;
    const head = line('').slice(0, -1); // closes another stream, if one is open
    open = stream;
    return `${head}${label}${stream === 'reasoning' ? s.dim(delta) : delta}`;
  };
  const closeOr = (stream: Exclude<Stream, null>, full: string): string => {
    if (open === stream) {
      open = null;
      return '\n';
    }
    return line(full);
  };

  const renderMsg = (msg: EventMsg): string => {
    switch (msg.type) {
      case 'session_configured':
        return line(s.dim(`session ${msg.session_id} · model ${msg.model} (${msg.model_provider_id}) · cwd ${msg.cwd}`));
      case 'task_started':
        stats.turnsStarted += 1;
        turnErrors = 0;
        return line(s.bold(`── turn ${stats.turnsStarted} ──`));
      case 'user_message':
        return line(`${s.cyan('you ›')} ${msg.message}`);
      case 'agent_message_delta':
        return inline('assistant', `${s.magenta('assistant ›')} `, msg.delta);
      case 'agent_message':
        return closeOr('assistant', `${s.magenta('assistant ›')} ${msg.message}`);
      case 'agent_reasoning_delta':
        return inline('reasoning', s.dim('thinking › '), msg.delta);
      case 'agent_reasoning':
        return closeOr('reasoning', s.dim(`thinking › ${msg.text}`));
      case 'raw_response_item':
        return renderItem(msg.item);
      case 'exec_command_begin':
        return line(`${s.yellow('$')} ${commandLine(msg.command)}`);
      case 'exec_command_end': {
        shown.add(msg.call_id);
        const status = msg.exit_code === 0 ? s.green(`exit ${msg.exit_code}`) : s.red(`exit ${msg.exit_code}`);
        return line(`  ${s.dim('↳')} ${status}${msg.aggregated_output ? ` ${s.dim(clip(msg.aggregated_output, maxToolOutput))}` : ''}`);
      }
      case 'exec_approval_request':
        return line(`${s.yellow('approval needed ›')} ${commandLine(msg.command)}${msg.reason ? ` (${msg.reason})` : ''}`);
      case 'apply_patch_approval_request':
        return line(`${s.yellow('approval needed ›')} patch ${Object.keys(msg.changes).join(', ')}`);
      case 'patch_apply_end':
        shown.add(msg.call_id);
        return line(`${s.yellow('patch ›')} ${Object.keys(msg.changes).join(', ') || '(no files)'} ${msg.success ? s.green('applied') : s.red(msg.status)}`);
      case 'web_search_end':
        return line(`${s.yellow('search ›')} ${msg.query}`);
      case 'token_count':
        return msg.info ? line(s.dim(`· ${usageLine(msg.info.last_token_usage)}`)) : '';
      case 'task_complete':
        stats.turnsCompleted += 1;
        if (turnErrors > 0) return line(s.red(`✗ turn failed${msg.duration_ms == null ? '' : ` after ${formatMs(msg.duration_ms)}`}`));
        return line(s.green(`✓ turn complete${msg.duration_ms == null ? '' : ` in ${formatMs(msg.duration_ms)}`}`));
      case 'turn_aborted':
        stats.turnsAborted += 1;
        return line(s.yellow(`✗ turn aborted: ${msg.reason}${msg.duration_ms == null ? '' : ` after ${formatMs(msg.duration_ms)}`}`));
      case 'error':
        stats.errors += 1;
        turnErrors += 1;
        return line(`${s.red('error ›')} ${msg.message}`);
      case 'stream_error':
        return line(`${s.yellow('retrying ›')} ${msg.message}`);
      case 'warning':
        return line(`${s.yellow('warning ›')} ${msg.message}`);
      case 'context_compacted':
        return line(s.dim('· context compacted'));
      case 'undo_completed':
        return line(msg.success ? s.green(`↶ ${msg.message ?? 'undo done'}`) : `${s.yellow('undo ›')} ${msg.message ?? 'undo failed'}`);
      default:
        return '';
    }
  };

  const renderItem = (item: ResponseItem): string => {
    switch (item.type) {
      case 'function_call':
        stats.toolCalls += 1;
        return line(`${s.yellow('tool ›')} ${s.bold(item.name)}(${clip(item.arguments, maxToolOutput)})`);
      case 'custom_tool_call':
        stats.toolCalls += 1;
        return line(`${s.yellow('tool ›')} ${s.bold(item.name)} ${clip(item.input, maxToolOutput)}`);
      case 'function_call_output':
      case 'custom_tool_call_output':
        if (shown.delete(item.call_id)) return '';
        return line(`  ${s.dim('↳')} ${clip(outputText(item.output), maxToolOutput)}`);
      default:
        return ''; // messages and reasoning are shown from their legacy events
    }
  };

  return {
    render: (event) => renderMsg(event.msg),
    note: (text) => line(s.dim(text)),
    end: () => (open === null ? '' : line('').slice(0, -1)),
    stats: () => ({ ...stats }),
  };
}

/**
 * Facts for the closing summary.
 * @example
 * const facts: SummaryFacts = { stats: renderer.stats(), requests: 1, usage: null, elapsedMs: 900 };
 */
export interface SummaryFacts {
  stats: RenderStats;
  /** Model requests made (HTTP requests, or streams started). */
  requests: number;
  usage: TokenUsageInfo | null;
  elapsedMs: number;
}

/**
 * The closing summary block.
 * @example
 * renderSummary({ stats, requests: 3, usage: thread.view.getSnapshot().context.tokenUsage, elapsedMs: 812 });
 */
export function renderSummary(facts: SummaryFacts, options: RenderOptions = {}): string {
  const s = makeStyle(options.color ?? false);
  const { stats } = facts;
  const outcomes = [`${stats.turnsCompleted} completed`, `${stats.turnsAborted} interrupted`];
  const total = facts.usage?.total_token_usage;
  const rows: [string, string][] = [
    ['turns', `${stats.turnsStarted} (${outcomes.join(', ')})`],
    ['tool calls', String(stats.toolCalls)],
    ['requests', `${facts.requests} model request${facts.requests === 1 ? '' : 's'}`],
    ['tokens', total ? usageLine(total) : 'none reported'],
    ['elapsed', formatMs(facts.elapsedMs)],
  ];
  if (stats.errors > 0) rows.push(['errors', s.red(String(stats.errors))]);
  return [s.bold('── summary ──'), ...rows.map(([k, v]) => `${s.dim(k.padEnd(11))} ${v}`)].join('\n') + '\n';
}

/**
 * A one-line token usage description.
 * @example
 * usageLine({ input_tokens: 10, cached_input_tokens: 4, output_tokens: 5, reasoning_output_tokens: 0, total_tokens: 15 });
 * // '15 tokens (10 input, 4 cached, 5 output)'
 */
export function usageLine(u: TokenUsage): string {
  const parts = [`${u.input_tokens} input`];
  if (u.cached_input_tokens > 0) parts.push(`${u.cached_input_tokens} cached`);
  parts.push(`${u.output_tokens} output`);
  if (u.reasoning_output_tokens > 0) parts.push(`${u.reasoning_output_tokens} reasoning`);
  return `${u.total_tokens} tokens (${parts.join(', ')})`;
}

/**
 * Milliseconds for people: `812 ms`, `1.24 s`.
 * @example
 * formatMs(1240); // '1.24 s'
 */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function outputText(output: FunctionCallOutputBody): string {
  if (typeof output === 'string') return output;
  return output.map((part) => (part.type === 'input_text' ? part.text : '[image]')).join(' ');
}

/** One line, at most `max` characters. */
function clip(text: string, max: number): string {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}
