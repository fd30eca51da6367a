/**
 * Whether an MCP tool call needs the user's approval, and how it is asked — as Codex does
 * with its `tool_call_mcp_elicitation` feature (on by default): the tool's annotations and the
 * server's per-tool `approval_mode` decide; the question reaches the host as an
 * `elicitation_request` (id `mcp_tool_call_approval_<call_id>`, `_meta.codex_approval_kind =
 * "mcp_tool_call"`) and is answered with `resolve_elicitation`. Accepting with
 * `meta.persist = "session"` approves the tool for the rest of the session.
 */
import type { Tool, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { abortError, type EngineContext } from '../tools/turn-context.js';
import type { McpToolApprovalMode } from './config.js';
import type { McpConnectionManager } from './manager.js';

/** How an approval question ended. */
export type McpApprovalDecision = 'accept' | 'accept_for_session' | 'decline' | 'cancel';

/**
 * Prefix of the elicitation id of an approval question (`<prefix>_<call_id>`).
 * @example
 * await thread.submit({ type: 'resolve_elicitation', server_name: 'docs', request_id: `${MCP_TOOL_APPROVAL_ID_PREFIX}_call_1`, decision: 'accept' });
 */
export const MCP_TOOL_APPROVAL_ID_PREFIX = 'mcp_tool_call_approval';

/**
 * Codex's rule: `destructiveHint: true` always asks, `readOnlyHint: true` never does;
 * otherwise a tool asks unless it declares itself neither destructive nor open-world.
 * @example
 * requiresMcpToolApproval({ readOnlyHint: true }); // false
 * requiresMcpToolApproval(undefined); // true
 */
export function requiresMcpToolApproval(annotations: ToolAnnotations | undefined): boolean {
  if (annotations?.destructiveHint === true) return true;
  if (annotations?.readOnlyHint === true) return false;
  return (annotations?.destructiveHint ?? true) || (annotations?.openWorldHint ?? true);
}

/** The model's call as the approval sees it. */
export interface McpApprovalCall {
  callId: string;
  server: string;
  tool: Tool;
  arguments: Record<string, unknown> | undefined;
}

const sessionKey = (server: string, tool: string) => `mcp_tool:${server}\0${tool}`;

function isFullAccess(ctx: EngineContext): boolean {
  const sandbox = ctx.settings.sandbox_policy.type;
  return ctx.settings.approval_policy === 'never' && (sandbox === 'danger-full-access' || sandbox === 'external-sandbox');
}

/** The elicitation form Codex sends for an approval question. */
function approvalRequest(call: McpApprovalCall, allowSession: boolean): Record<string, unknown> {
  const meta: Record<string, unknown> = { codex_approval_kind: 'mcp_tool_call' };
  if (allowSession) meta.persist = 'session';
  if (call.tool.title) meta.tool_title = call.tool.title;
  if (call.tool.description) meta.tool_description = call.tool.description;
  if (call.arguments) {
    meta.tool_params = call.arguments;
    meta.tool_params_display = Object.keys(call.arguments)
      .sort()
      .map((name) => ({ name, value: call.arguments?.[name], display_name: name }));
  }
  return {
    mode: 'form',
    _meta: meta,
    message: `Allow the ${call.server} MCP server to run tool "${call.tool.name}"?`,
    requested_schema: { type: 'object', properties: {} },
  };
}

/**
 * Asks when the call needs it; resolves `null` when it may run without asking. Rejects with
 * an AbortError when the turn is interrupted while waiting.
 * @example
 * const decision = await maybeRequestMcpApproval(turn, mcp, call, 'auto');
 * if (decision === 'decline') return 'user rejected MCP tool call';
 */
export async function maybeRequestMcpApproval(
  ctx: EngineContext,
  manager: McpConnectionManager,
  call: McpApprovalCall,
  mode: McpToolApprovalMode,
): Promise<McpApprovalDecision | null> {
  if (isFullAccess(ctx)) return null;
  const annotations = call.tool.annotations;
  if (mode === 'auto' && annotations === undefined) return null;
  if (!requiresMcpToolApproval(annotations) && mode !== 'prompt') return null;
  if (mode === 'approve') return null;
  const key = mode === 'auto' ? sessionKey(call.server, call.tool.name) : null;
  if (key && ctx.isApprovedForSession(key)) return 'accept';
  // Under `never` nobody is asked: Codex declines elicitations itself.
  if (ctx.settings.approval_policy === 'never') return 'decline';
  const id = `${MCP_TOOL_APPROVAL_ID_PREFIX}_${call.callId}`;
  const response = await manager.elicit(call.server, id, approvalRequest(call, key !== null), ctx.turnId, ctx.signal);
  if (ctx.signal.aborted) throw abortError();
  if (response.action === 'decline') return 'decline';
  if (response.action === 'cancel') return 'cancel';
  const persist = (response._meta as { persist?: unknown } | undefined)?.persist;
  if (key && (persist === 'session' || persist === 'always')) {
    ctx.approveForSession(key);
    return 'accept_for_session';
  }
  return 'accept';
}
