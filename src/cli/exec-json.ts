/**
 * turnstate events → the JSON lines `codex exec --json` prints (Codex `exec_events.rs`, as
 * typed by `@openai/codex-sdk`). Pure: a mapper keeps per-run state (item counters, running
 * commands and patches, the to-do list, the last usage and error) and turns each event into
 * zero or more exec events; the caller prints them.
 *
 * Mapping (after Codex's `event_processor_with_jsonl_output.rs`):
 * - `session_configured` → `thread.started`; `task_started` → `turn.started`.
 * - `agent_message` / `agent_reasoning` → `item.completed` (reasoning only when non-blank).
 * - `exec_command_begin`/`_end` → `command_execution` started (in_progress) / completed
 *   (`completed` on exit 0, else `failed`; `declined` when refused).
 * - `patch_apply_begin`/`_end` → `file_change` started (in_progress) / completed|failed.
 * - `mcp_tool_call_begin`/`_end`, `web_search_begin`/`_end` → their items.
 * - `plan_update` → `todo_list` started, then updated; completed when the turn ends.
 * - `warning`, `stream_error` → an `error` item; `error` → a top-level `error` event, and the
 *   turn then ends as `turn.failed` with that message.
 * - `token_count` keeps the thread's total usage; `task_complete` → `turn.completed{usage}`.
 * - `turn_aborted` prints nothing (as Codex does for an interrupted turn).
 */
import type { Event, EventMsg, FileChange, TokenUsage } from '../protocol/index.js';

/** Token usage as `turn.completed` reports it (the SDK's `Usage`). */
export interface ExecUsage {
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_input_tokens: number;
  output_tokens: number;
  reasoning_output_tokens: number;
}

/** Item payloads of the exec stream (the SDK's `ThreadItem`). */
export type ExecItem =
  | { id: string; type: 'agent_message'; text: string }
  | { id: string; type: 'reasoning'; text: string }
  | { id: string; type: 'command_execution'; command: string; aggregated_output: string; exit_code?: number; status: 'in_progress' | 'completed' | 'failed' | 'declined' }
  | { id: string; type: 'file_change'; changes: { path: string; kind: 'add' | 'delete' | 'update' }[]; status: 'in_progress' | 'completed' | 'failed' }
  | { id: string; type: 'mcp_tool_call'; server: string; tool: string; arguments: unknown; result?: unknown; error?: { message: string }; status: 'in_progress' | 'completed' | 'failed' }
  | { id: string; type: 'web_search'; query: string }
  | { id: string; type: 'todo_list'; items: { text: string; completed: boolean }[] }
  | { id: string; type: 'error'; message: string };

/** One line of `--json` output (the SDK's `ThreadEvent`). */
export type ExecThreadEvent =
  | { type: 'thread.started'; thread_id: string }
  | { type: 'turn.started' }
  | { type: 'turn.completed'; usage: ExecUsage }
  | { type: 'turn.failed'; error: { message: string } }
  | { type: 'item.started' | 'item.updated' | 'item.completed'; item: ExecItem }
  | { type: 'error'; message: string };

/** How the run ended, as far as the mapper has seen. */
export type ExecOutcome = 'running' | 'completed' | 'failed' | 'aborted';

/**
 * A stateful event → exec-event mapper for one `exec` run.
 * @example
 * const m = createExecEventMapper();
 * m.map({ id: '', msg: { type: 'task_started', turn_id: 't1' } as EventMsg }); // [{ type: 'turn.started' }]
 */
export interface ExecEventMapper {
  map(event: Event): ExecThreadEvent[];
  /** `completed`/`failed` after `task_complete`, `aborted` after `turn_aborted`. */
  outcome(): ExecOutcome;
  /** The last agent message of the turn (the final answer), if any. */
  finalMessage(): string | null;
}

type Msg<T extends EventMsg['type']> = Extract<EventMsg, { type: T }>;

/**
 * Creates a mapper; item ids are `item_0`, `item_1`, … in order of first appearance.
 * @example
 * const mapper = createExecEventMapper();
 * for (const e of mapper.map(event)) process.stdout.write(JSON.stringify(e) + '\n');
 */
export function createExecEventMapper(): ExecEventMapper {
  let next = 0;
  const newId = () => `item_${next++}`;
  const running = new Map<string, { id: string; command: string; output: string }>();
  const patches = new Map<string, string>();
  const mcp = new Map<string, { id: string; server: string; tool: string; arguments: unknown }>();
  const searches = new Map<string, string>();
  let todo: { id: string; items: { text: string; completed: boolean }[] } | null = null;
  let usage: TokenUsage | null = null;
  let lastError: string | null = null;
  let outcome: ExecOutcome = 'running';
  let final: string | null = null;

  const endTurn = (): ExecThreadEvent[] => {
    const out: ExecThreadEvent[] = [];
    if (todo) out.push({ type: 'item.completed', item: { id: todo.id, type: 'todo_list', items: todo.items } });
    todo = null;
    return out;
  };

  const map = (msg: EventMsg): ExecThreadEvent[] => {
    switch (msg.type) {
      case 'session_configured':
        return [{ type: 'thread.started', thread_id: msg.session_id }];
      case 'task_started':
        outcome = 'running';
        lastError = null;
        final = null;
        return [{ type: 'turn.started' }];
      case 'agent_message':
        final = msg.message;
        return [{ type: 'item.completed', item: { id: newId(), type: 'agent_message', text: msg.message } }];
      case 'agent_reasoning':
        return msg.text.trim() === '' ? [] : [{ type: 'item.completed', item: { id: newId(), type: 'reasoning', text: msg.text } }];
      case 'exec_command_begin': {
        const entry = { id: newId(), command: commandLine(msg.command), output: '' };
        running.set(msg.call_id, entry);
        return [{ type: 'item.started', item: { id: entry.id, type: 'command_execution', command: entry.command, aggregated_output: '', status: 'in_progress' } }];
      }
      case 'exec_command_output_delta': {
        const entry = running.get(msg.call_id);
        if (entry) entry.output += msg.chunk;
        return [];
      }
      case 'exec_command_end': {
        const entry = running.get(msg.call_id);
        running.delete(msg.call_id);
        const status = msg.status === 'declined' ? 'declined' : msg.exit_code === 0 && msg.status === 'completed' ? 'completed' : 'failed';
        const item: ExecItem = {
          id: entry?.id ?? newId(),
          type: 'command_execution',
          command: entry?.command ?? commandLine(msg.command),
          aggregated_output: msg.aggregated_output || entry?.output || '',
          exit_code: msg.exit_code,
          status,
        };
        return [{ type: 'item.completed', item }];
      }
      case 'patch_apply_begin': {
        const id = newId();
        patches.set(msg.call_id, id);
        return [{ type: 'item.started', item: { id, type: 'file_change', changes: changeList(msg.changes), status: 'in_progress' } }];
      }
      case 'patch_apply_end': {
        const id = patches.get(msg.call_id) ?? newId();
        patches.delete(msg.call_id);
        const status = msg.success && msg.status === 'completed' ? 'completed' : 'failed';
        return [{ type: 'item.completed', item: { id, type: 'file_change', changes: changeList(msg.changes), status } }];
      }
      case 'mcp_tool_call_begin':
        return mcpBegin(msg);
      case 'mcp_tool_call_end':
        return mcpEnd(msg);
      case 'web_search_begin': {
        const id = newId();
        searches.set(msg.call_id, id);
        return [{ type: 'item.started', item: { id, type: 'web_search', query: '' } }];
      }
      case 'web_search_end': {
        const id = searches.get(msg.call_id) ?? newId();
        searches.delete(msg.call_id);
        return [{ type: 'item.completed', item: { id, type: 'web_search', query: msg.query } }];
      }
      case 'plan_update': {
        const items = msg.plan.map((p) => ({ text: p.step, completed: p.status === 'completed' }));
        if (todo) {
          todo.items = items;
          return [{ type: 'item.updated', item: { id: todo.id, type: 'todo_list', items } }];
        }
        todo = { id: newId(), items };
        return [{ type: 'item.started', item: { id: todo.id, type: 'todo_list', items } }];
      }
      case 'warning':
      case 'stream_error':
        return [{ type: 'item.completed', item: { id: newId(), type: 'error', message: msg.message } }];
      case 'error':
        lastError = msg.message;
        return [{ type: 'error', message: msg.message }];
      case 'token_count':
        if (msg.info) usage = msg.info.total_token_usage;
        return [];
      case 'task_complete': {
        const out = endTurn();
        if (lastError !== null) {
          outcome = 'failed';
          final = null;
          return [...out, { type: 'turn.failed', error: { message: lastError } }];
        }
        outcome = 'completed';
        if (msg.last_agent_message) final = msg.last_agent_message;
        return [...out, { type: 'turn.completed', usage: execUsage(usage) }];
      }
      case 'turn_aborted':
        outcome = 'aborted';
        final = null;
        return endTurn();
      default:
        return [];
    }
  };

  const mcpBegin = (msg: Msg<'mcp_tool_call_begin'>): ExecThreadEvent[] => {
    const inv = invocation(msg);
    const entry = { id: newId(), ...inv };
    mcp.set(msg.call_id, entry);
    return [{ type: 'item.started', item: { id: entry.id, type: 'mcp_tool_call', server: inv.server, tool: inv.tool, arguments: inv.arguments, status: 'in_progress' } }];
  };
  const mcpEnd = (msg: Msg<'mcp_tool_call_end'>): ExecThreadEvent[] => {
    const entry = mcp.get(msg.call_id) ?? { id: newId(), ...invocation(msg) };
    mcp.delete(msg.call_id);
    const result = (msg as { result?: unknown }).result;
    const ok = result !== null && typeof result === 'object' && 'Ok' in result ? (result as { Ok: unknown }).Ok : undefined;
    const err = result !== null && typeof result === 'object' && 'Err' in result ? String((result as { Err: unknown }).Err) : undefined;
    const failed = err !== undefined || (ok !== null && typeof ok === 'object' && (ok as { isError?: unknown }).isError === true);
    const item: ExecItem = {
      id: entry.id,
      type: 'mcp_tool_call',
      server: entry.server,
      tool: entry.tool,
      arguments: entry.arguments,
      status: failed ? 'failed' : 'completed',
      ...(ok !== undefined ? { result: mcpResult(ok) } : {}),
      ...(err !== undefined ? { error: { message: err } } : {}),
    };
    return [{ type: 'item.completed', item }];
  };

  return {
    map: (event) => map(event.msg),
    outcome: () => outcome,
    finalMessage: () => final,
  };
}

/** `{server, tool, arguments}` of an MCP begin/end event (Codex `McpInvocation`). */
function invocation(msg: Record<string, unknown>): { server: string; tool: string; arguments: unknown } {
  const inv = (msg['invocation'] ?? {}) as { server?: unknown; tool?: unknown; arguments?: unknown };
  return { server: String(inv.server ?? ''), tool: String(inv.tool ?? ''), arguments: inv.arguments ?? null };
}

function mcpResult(ok: unknown): { content: unknown[]; structured_content: unknown } {
  const r = ok as { content?: unknown; structuredContent?: unknown; structured_content?: unknown };
  return { content: Array.isArray(r.content) ? r.content : [], structured_content: r.structuredContent ?? r.structured_content ?? null };
}

function changeList(changes: Record<string, FileChange>): { path: string; kind: 'add' | 'delete' | 'update' }[] {
  return Object.entries(changes).map(([path, change]) => ({ path, kind: change.type }));
}

function execUsage(u: TokenUsage | null): ExecUsage {
  return {
    input_tokens: u?.input_tokens ?? 0,
    cached_input_tokens: u?.cached_input_tokens ?? 0,
    cache_write_input_tokens: 0,
    output_tokens: u?.output_tokens ?? 0,
    reasoning_output_tokens: u?.reasoning_output_tokens ?? 0,
  };
}

/**
 * A command argv as one shell-readable line (arguments with spaces or quotes are single-quoted).
 * @example
 * commandLine(['bash', '-lc', 'ls -la']); // "bash -lc 'ls -la'"
 */
export function commandLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
