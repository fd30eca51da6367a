/**
 * MCP tools as the model sees and calls them: function tools named `mcp__<server>__<tool>`
 * with the server's input schema. A call emits `mcp_tool_call_begin`, goes through the MCP
 * approval (declined calls never reach the server), runs with the turn's abort signal and the
 * server's tool timeout, and emits `mcp_tool_call_end` with its duration and result (or
 * error). A failed call — timeout, server crash — is an output the model reads; the turn
 * goes on. An interrupted call emits no end event: the turn's `turn_aborted` closes it.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { FunctionCallOutputBody } from '../protocol/index.js';
import type { FunctionToolSpec } from '../model/types.js';
import type { DynamicToolSource, ToolCallContext } from '../tools/router.js';
import { execDuration } from '../tools/builtin/exec-events.js';
import { maybeRequestMcpApproval, type McpApprovalDecision } from './approval.js';
import type { McpConnectionManager, McpToolEntry } from './manager.js';

/**
 * What the model reads from a tool result, as Codex converts it: structured content as
 * JSON; content with images as text/image parts; otherwise the content blocks as JSON.
 * @example
 * mcpResultToOutput({ content: [{ type: 'text', text: 'hi' }] }); // '[{"type":"text","text":"hi"}]'
 */
export function mcpResultToOutput(result: CallToolResult): FunctionCallOutputBody {
  if (result.structuredContent !== undefined && result.structuredContent !== null) return JSON.stringify(result.structuredContent);
  if (!result.content.some((c) => c.type === 'image')) return JSON.stringify(result.content);
  return result.content.map((c) =>
    c.type === 'image' ? { type: 'input_image' as const, image_url: `data:${c.mimeType};base64,${c.data}` } : { type: 'input_text' as const, text: c.type === 'text' ? c.text : JSON.stringify(c) },
  );
}

/** A failed call as a result (Codex `CallToolResult::from_error_text`). */
const errorResult = (text: string): CallToolResult => ({ content: [{ type: 'text', text }], isError: true });

const DECLINED: Record<Exclude<McpApprovalDecision, 'accept' | 'accept_for_session'>, string> = {
  decline: 'user rejected MCP tool call',
  cancel: 'user cancelled MCP tool call',
};

/** JSON Schema the Responses API accepts for a tool's parameters (an object schema). */
function parametersOf(entry: McpToolEntry): Record<string, unknown> {
  const schema = { ...(entry.tool.inputSchema as Record<string, unknown>) };
  delete schema.$schema;
  schema.type = 'object';
  if (schema.properties === undefined) schema.properties = {};
  return schema;
}

/**
 * The thread's MCP tools as a dynamic tool source of the turn engine's router.
 * @example
 * const router = new ToolRouter(builtins, mcpToolSource(manager));
 */
export function mcpToolSource(manager: McpConnectionManager): DynamicToolSource {
  let byName = new Map<string, McpToolEntry>();
  return {
    async specs() {
      const tools = await manager.tools();
      byName = new Map(tools.map((t) => [t.qualifiedName, t]));
      return tools.map((t): FunctionToolSpec => ({ type: 'function', name: t.qualifiedName, description: t.tool.description ?? '', parameters: parametersOf(t), strict: false }));
    },
    handles: (name) => byName.has(name),
    run: (name, rawArguments, ctx) => runMcpCall(manager, byName.get(name) as McpToolEntry, rawArguments, ctx),
  };
}

async function runMcpCall(manager: McpConnectionManager, entry: McpToolEntry, rawArguments: string, ctx: ToolCallContext): Promise<FunctionCallOutputBody> {
  const turn = ctx.turn;
  let args: Record<string, unknown> | undefined;
  try {
    args = rawArguments.trim() === '' ? undefined : (JSON.parse(rawArguments) as Record<string, unknown>);
  } catch (err) {
    return mcpResultToOutput(errorResult(`err: ${(err as Error).message}`));
  }
  const invocation = { server: entry.server, tool: entry.tool.name, ...(args !== undefined ? { arguments: args } : {}) };
  turn.emit({ type: 'mcp_tool_call_begin', call_id: ctx.callId, invocation });
  const mode = manager.serverConfig(entry.server)?.toolApproval[entry.tool.name] ?? 'auto';
  const decision = await maybeRequestMcpApproval(turn, manager, { callId: ctx.callId, server: entry.server, tool: entry.tool, arguments: args }, mode);
  if (decision === 'decline' || decision === 'cancel') {
    const message = DECLINED[decision];
    turn.emit({ type: 'mcp_tool_call_end', call_id: ctx.callId, invocation, duration: execDuration(0), result: { Err: message } });
    return mcpResultToOutput(errorResult(message));
  }
  const started = turn.now();
  let result: CallToolResult;
  let failure: string | null = null;
  try {
    result = await manager.callTool(entry.server, entry.tool.name, args, { signal: ctx.signal, turnId: ctx.turnId });
  } catch (err) {
    // Interrupted: the SDK has sent notifications/cancelled; the router reports the abort.
    if (ctx.signal.aborted) throw err;
    failure = `tool call error: ${err instanceof Error ? err.message : String(err)}`;
    result = errorResult(failure);
  }
  const duration = execDuration(turn.now() - started);
  turn.emit({ type: 'mcp_tool_call_end', call_id: ctx.callId, invocation, duration, result: failure === null ? { Ok: result } : { Err: failure } });
  return mcpResultToOutput(result);
}
