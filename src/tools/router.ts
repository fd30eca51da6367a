/**
 * Host-defined tools and the router that dispatches the model's tool calls to them.
 * Arguments from the model are parsed with the tool's zod schema at the edge; a parse
 * failure, an unknown tool or a thrown error becomes an output the model can read.
 */
import { z } from 'zod';
import type { FunctionCallOutputBody, ResponseItem } from '../protocol/index.js';
import type { FunctionToolSpec, ToolSpec } from '../model/types.js';
import type { EngineContext, ToolCallItem } from './turn-context.js';

/** What a tool's `execute` receives besides its arguments. */
export interface ToolCallContext {
  callId: string;
  turnId: string;
  /** Aborted when the turn is interrupted. */
  signal: AbortSignal;
  /** The turn's context: emit events, request approvals, read settings. */
  turn: EngineContext;
}

/** A tool result: plain text, or a body with an explicit success flag. */
export type ToolResult = string | { output: FunctionCallOutputBody; success?: boolean };

/** A tool the model can call. */
export interface ToolDefinition<A = unknown> {
  name: string;
  description: string;
  /** zod schema of the arguments (sent to the model as JSON Schema). */
  parameters: z.ZodType<A>;
  /** Shell-like tools report interrupts as "Wall time: X.X seconds\naborted by user". */
  shellLike?: boolean;
  /** A freeform (custom) tool receives its raw input string as `{ input }`. */
  freeform?: { format?: Record<string, unknown> };
  execute(args: A, ctx: ToolCallContext): Promise<ToolResult> | ToolResult;
  /** Called after each completed sampling request of a turn (e.g. to emit `turn_diff`). */
  afterSampling?(turn: EngineContext): Promise<void> | void;
  /** Run when the model calls it, but never offered in the request's `tools`. */
  hidden?: boolean;
}

/**
 * Defines a function tool with typed arguments.
 * @example
 * const add = defineTool({
 *   name: 'add',
 *   description: 'Adds two numbers',
 *   parameters: z.object({ a: z.number(), b: z.number() }),
 *   execute: ({ a, b }) => String(a + b),
 * });
 */
export function defineTool<S extends z.ZodType>(def: {
  name: string;
  description: string;
  parameters: S;
  shellLike?: boolean;
  freeform?: { format?: Record<string, unknown> };
  execute(args: z.infer<S>, ctx: ToolCallContext): Promise<ToolResult> | ToolResult;
  afterSampling?(turn: EngineContext): Promise<void> | void;
}): ToolDefinition<z.infer<S>> {
  return def as ToolDefinition<z.infer<S>>;
}

/** A tool call the model made. */
export type { ToolCallItem };

export const isToolCall = (item: ResponseItem): item is ToolCallItem =>
  item.type === 'function_call' || item.type === 'custom_tool_call' || item.type === 'local_shell_call';

/** Formats the interrupt output for a tool call that was cut short. */
export function abortedToolOutput(shellLike: boolean, wallMs: number): string {
  const seconds = (wallMs / 1000).toFixed(1);
  return shellLike ? `Wall time: ${seconds} seconds\naborted by user` : `aborted by user after ${seconds}s`;
}

/**
 * Tools whose set can change while a thread runs (MCP servers start, fail, refresh). The
 * router asks for their specs before each sampling request.
 * @example
 * const router = new ToolRouter(builtins, mcpToolSource(manager));
 */
export interface DynamicToolSource {
  /** Function specs to offer now (may wait, e.g. for servers still starting). */
  specs(): Promise<ToolSpec[]>;
  /** Whether a function call by this name is one of these tools (as of the last `specs()`). */
  handles(name: string): boolean;
  /** Runs a call with its raw JSON arguments; throws only when cancelled. */
  run(name: string, rawArguments: string, ctx: ToolCallContext): Promise<FunctionCallOutputBody>;
}

/**
 * Dispatches tool calls by name.
 * @example
 * const router = new ToolRouter([add]); router.specs(); // [{ type: 'function', name: 'add', ... }]
 */
export class ToolRouter {
  private readonly byName = new Map<string, ToolDefinition<unknown>>();

  private dynamicSpecs: ToolSpec[] = [];

  constructor(
    tools: ToolDefinition<unknown>[],
    private readonly dynamic: DynamicToolSource | null = null,
  ) {
    for (const tool of tools) this.byName.set(tool.name, tool);
  }

  /** Refreshes the dynamic tools' specs before a request; rejects when `signal` aborts first. */
  async prepare(signal: AbortSignal): Promise<void> {
    if (!this.dynamic) return;
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new Error('cancelled while waiting for tools'));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const specs = await Promise.race([this.dynamic.specs(), aborted]);
      this.dynamicSpecs = specs.filter((s) => s.type !== 'function' || !this.byName.has(s.name));
    } finally {
      signal.removeEventListener('abort', onAbort);
      aborted.catch(() => undefined);
    }
  }

  get size(): number {
    return this.byName.size;
  }

  private cachedSpecs: ToolSpec[] | null = null;

  /** The tool specs sent with each request: the fixed tools (computed once), then the dynamic ones. */
  specs(): ToolSpec[] {
    const fixed = (this.cachedSpecs ??= this.buildSpecs());
    return this.dynamicSpecs.length === 0 ? fixed : [...fixed, ...this.dynamicSpecs];
  }

  private buildSpecs(): ToolSpec[] {
    return [...this.byName.values()].filter((tool) => !tool.hidden).map((tool): ToolSpec => {
      if (tool.freeform) return { type: 'custom', name: tool.name, description: tool.description, ...(tool.freeform.format ? { format: tool.freeform.format } : {}) };
      const { $schema: _drop, ...parameters } = z.toJSONSchema(tool.parameters, { io: 'input' }) as Record<string, unknown>;
      const spec: FunctionToolSpec = { type: 'function', name: tool.name, description: tool.description, parameters, strict: false };
      return spec;
    });
  }

  isShellLike(call: ToolCallItem): boolean {
    if (call.type === 'local_shell_call') return true;
    return this.byName.get(call.name)?.shellLike ?? false;
  }

  /** The tool a call goes to (`local_shell_call`s run on the `shell` tool). */
  toolName(call: ToolCallItem): string {
    return call.type === 'local_shell_call' ? 'shell' : call.name;
  }

  /** Runs every tool's `afterSampling` hook (after a request completed). */
  async afterSampling(turn: EngineContext): Promise<void> {
    for (const tool of this.byName.values()) if (tool.afterSampling && turn.live) await tool.afterSampling(turn);
  }

  /** Runs one call to completion and returns its output item. Never throws. */
  dispatch(call: ToolCallItem, ctx: ToolCallContext): Promise<ResponseItem> {
    return this.runCall(call, ctx).catch((err: unknown) => this.failedOutput(call, ctx.callId, err));
  }

  /**
   * Runs one call to completion and returns its output item; rejects with the tool's error
   * when the tool throws (not when it was cancelled: then the output says it was aborted).
   */
  async runCall(call: ToolCallItem, ctx: ToolCallContext): Promise<ResponseItem> {
    const started = ctx.turn.now();
    // A call whose turn was cancelled before it could start (e.g. while it waited for the
    // ghost snapshot) does not run at all.
    const body = ctx.signal.aborted ? abortedToolOutput(this.isShellLike(call), 0) : await this.run(call, ctx).catch((err: unknown): FunctionCallOutputBody => {
      if (ctx.signal.aborted) return abortedToolOutput(this.isShellLike(call), ctx.turn.now() - started);
      throw err;
    });
    const output = ctx.signal.aborted && typeof body === 'string' && !body.includes('aborted by user')
      ? abortedToolOutput(this.isShellLike(call), ctx.turn.now() - started)
      : body;
    return call.type === 'custom_tool_call'
      ? { type: 'custom_tool_call_output', call_id: call.call_id, name: call.name, output }
      : { type: 'function_call_output', call_id: ctx.callId, output };
  }

  /** The output item of a call whose runner rejected (the model sees `tool failed: …`). */
  failedOutput(call: ToolCallItem, callId: string, err: unknown): ResponseItem {
    const output = `tool failed: ${err instanceof Error ? err.message : String(err)}`;
    return call.type === 'custom_tool_call'
      ? { type: 'custom_tool_call_output', call_id: call.call_id, name: call.name, output }
      : { type: 'function_call_output', call_id: callId, output };
  }

  private async run(call: ToolCallItem, ctx: ToolCallContext): Promise<FunctionCallOutputBody> {
    const name = this.toolName(call);
    const tool = this.byName.get(name);
    if (!tool && call.type === 'function_call' && this.dynamic?.handles(name)) return this.dynamic.run(name, call.arguments, ctx);
    if (!tool) return `unsupported call: ${name}`;
    let raw: unknown;
    if (call.type === 'custom_tool_call') raw = { input: call.input };
    else if (call.type === 'local_shell_call') raw = { command: call.action.command, workdir: call.action.working_directory, timeout_ms: call.action.timeout_ms };
    else {
      try {
        raw = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
      } catch (err) {
        return `failed to parse function arguments: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    const parsed = tool.parameters.safeParse(raw);
    if (!parsed.success) {
      return `failed to parse function arguments: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`;
    }
    const result = await tool.execute(parsed.data, ctx);
    return typeof result === 'string' ? result : result.output;
  }
}
