/** Typed errors of MCP calls made by hosts (`thread.callMcpTool`, `thread.readMcpResource`). */
import { TurnstateError, type Fault } from '../errors.js';

/** Why an MCP request could not be made. */
export type McpErrorCode = 'mcp_unknown_server' | 'mcp_server_unavailable';

/**
 * An MCP request that cannot reach its server: unknown name (the host's fault), or a server
 * that failed to start or has disconnected.
 * @example
 * try { await thread.callMcpTool('nope', 'x'); } catch (e) { if (e instanceof McpError) console.log(e.code); }
 */
export class McpError extends TurnstateError {
  constructor(code: McpErrorCode, fault: Fault, message: string) {
    super(code, fault, message);
  }
}
