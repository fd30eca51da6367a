/**
 * The thread's MCP servers (Codex `McpConnectionManager`): starts every enabled server when
 * the thread starts, reporting each as `mcp_startup_update` (starting → ready | failed) and
 * all of them in one `mcp_startup_complete`; offers their tools under qualified names; routes
 * calls, resource reads and elicitations; restarts them on a requested refresh; and closes
 * them (no child process left) when the thread shuts down.
 *
 * Invariants: a server that fails to start is reported and left out — the thread keeps
 * working; the tool list a turn sees waits for startups still running; an elicitation is
 * answered exactly once (by the host, by the server cancelling it, or declined at turn end).
 */
import type { CallToolResult, ElicitRequest, ElicitResult, ReadResourceResult, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { AskForApproval, EventMsg } from '../protocol/index.js';
import type { Logger } from '../runtime/logger.js';
import type { McpTurnInfo, ResolvedMcpServer } from './config.js';
import { McpServerConnection } from './connection.js';
import { McpError } from './errors.js';
import { qualifyMcpTools } from './names.js';

/** A tool offered to the model. */
export interface McpToolEntry {
  qualifiedName: string;
  server: string;
  tool: Tool;
}

/** The ports the manager needs from its thread. */
export interface McpManagerPorts {
  emit(id: string, msg: EventMsg): void;
  activeTurnId(): string | null;
  approvalPolicy(): AskForApproval;
  logger: Logger;
}

type Status = { state: 'starting' } | { state: 'ready' } | { state: 'failed'; error: string } | { state: 'cancelled' } | { state: 'closed' };

interface Entry {
  server: ResolvedMcpServer;
  status: Status;
  conn: McpServerConnection | null;
  startup: Promise<void>;
}

interface PendingElicitation {
  turnId: string | null;
  resolve(result: ElicitResult): void;
}

const elicitationKey = (server: string, id: string | number) => `${server}\0${String(id)}`;

export class McpConnectionManager {
  private entries = new Map<string, Entry>();
  private startupAbort = new AbortController();
  private pendingRefresh: ResolvedMcpServer[] | null = null;
  private readonly elicitations = new Map<string, PendingElicitation>();
  private turn: { turnId: string; headers: Map<string, Record<string, string>> } | null = null;
  private qualified: McpToolEntry[] | null = null;

  constructor(private readonly ports: McpManagerPorts) {}

  /** Starts the servers (does not wait); events carry the id `""` as Codex's do. */
  start(servers: ResolvedMcpServer[]): void {
    const enabled = servers.filter((s) => s.enabled);
    this.startupAbort = new AbortController();
    this.qualified = null;
    const signal = this.startupAbort.signal;
    for (const server of enabled) {
      const entry: Entry = { server, status: { state: 'starting' }, conn: null, startup: Promise.resolve() };
      this.entries.set(server.name, entry);
      this.ports.emit('', { type: 'mcp_startup_update', server: server.name, status: { state: 'starting' } });
      entry.startup = McpServerConnection.connect(server, this.hooks(), signal).then(
        (conn) => {
          entry.conn = conn;
          // Shut down while connecting: `shutdown` closes it after this settles.
          if (signal.aborted) {
            entry.status = { state: 'cancelled' };
            return;
          }
          entry.status = { state: 'ready' };
          this.ports.emit('', { type: 'mcp_startup_update', server: server.name, status: { state: 'ready' } });
        },
        (err: unknown) => {
          if (signal.aborted) {
            entry.status = { state: 'cancelled' };
            return;
          }
          const error = `MCP client for \`${server.name}\` failed to start: ${err instanceof Error ? err.message : String(err)}`;
          entry.status = { state: 'failed', error };
          this.ports.emit('', { type: 'mcp_startup_update', server: server.name, status: { state: 'failed', error } });
        },
      );
    }
    if (enabled.length === 0) return;
    const mine = [...this.entries.values()];
    void Promise.all(mine.map((e) => e.startup)).then(() => {
      const ready = mine.filter((e) => e.status.state === 'ready' || e.status.state === 'closed').map((e) => e.server.name);
      const failed = mine.flatMap((e) => (e.status.state === 'failed' ? [{ server: e.server.name, error: e.status.error }] : []));
      const cancelled = mine.filter((e) => e.status.state === 'cancelled').map((e) => e.server.name);
      this.ports.emit('', { type: 'mcp_startup_complete', ready, failed, cancelled });
    });
  }

  private hooks() {
    return {
      logger: this.ports.logger,
      onElicitation: (server: string, id: string | number, params: ElicitRequest['params'], signal: AbortSignal) => this.serverElicitation(server, id, params, signal),
      onClosed: (server: string) => {
        const entry = this.entries.get(server);
        if (entry) entry.status = { state: 'closed' };
        this.ports.logger.warn('MCP server connection closed', { server });
      },
    };
  }

  /** Interrupt while idle: servers still starting are reported as cancelled. */
  cancelStartup(): void {
    this.startupAbort.abort();
  }

  /** Names of configured servers and their state. */
  statuses(): Record<string, Status['state']> {
    return Object.fromEntries([...this.entries].map(([name, e]) => [name, e.status.state]));
  }

  /** Process ids of running stdio servers (hosts and tests check nothing outlives the thread). */
  pids(): number[] {
    return [...this.entries.values()].flatMap((e) => (e.conn?.pid != null ? [e.conn.pid] : []));
  }

  /** Every tool of every ready server, qualified; waits for startups still running. */
  async tools(): Promise<McpToolEntry[]> {
    await Promise.all([...this.entries.values()].map((e) => e.startup));
    if (this.qualified) return this.qualified;
    const byKey = new Map<string, Tool>();
    const raw = [...this.entries.values()].flatMap((e) => {
      if (e.status.state !== 'ready' || !e.conn) return [];
      const { enabledTools, disabledTools } = e.server;
      return e.conn.tools
        .filter((t) => (enabledTools === null || enabledTools.includes(t.name)) && !disabledTools.includes(t.name))
        .map((t) => {
          byKey.set(`${e.server.name}\0${t.name}`, t);
          return { server: e.server.name, tool: t.name };
        });
    });
    this.qualified = qualifyMcpTools(raw).map((q) => ({ qualifiedName: q.qualifiedName, server: q.server, tool: byKey.get(`${q.server}\0${q.tool}`) as Tool }));
    return this.qualified;
  }

  /** The server's config (approval overrides, ...), if it is configured. */
  serverConfig(server: string): ResolvedMcpServer | null {
    return this.entries.get(server)?.server ?? null;
  }

  private async connection(server: string): Promise<McpServerConnection> {
    const entry = this.entries.get(server);
    if (!entry) throw new McpError('mcp_unknown_server', 'host', `unknown MCP server '${server}'`);
    await entry.startup;
    if (entry.status.state === 'closed') throw new McpError('mcp_server_unavailable', 'engine', `MCP server '${server}' has disconnected`);
    if (!entry.conn || entry.status.state !== 'ready') {
      const why = entry.status.state === 'failed' ? entry.status.error : `it is ${entry.status.state}`;
      throw new McpError('mcp_server_unavailable', 'engine', `MCP server '${server}' is not available: ${why}`);
    }
    return entry.conn;
  }

  /** Calls a tool on a server; within a turn, that turn's headers go with it. */
  async callTool(server: string, tool: string, args: Record<string, unknown> | undefined, opts: { signal?: AbortSignal; turnId?: string } = {}): Promise<CallToolResult> {
    const conn = await this.connection(server);
    const headers = opts.turnId && this.turn?.turnId === opts.turnId ? this.turn.headers.get(server) : undefined;
    return conn.callTool(tool, args, { ...(opts.signal ? { signal: opts.signal } : {}), ...(headers ? { headers } : {}) });
  }

  async readResource(server: string, uri: string): Promise<ReadResourceResult> {
    return (await this.connection(server)).readResource(uri);
  }

  /** What `list_mcp_tools` answers: qualified tools, resources and templates per server. */
  async snapshot(): Promise<Extract<EventMsg, { type: 'mcp_list_tools_response' }>> {
    const tools = await this.tools();
    const resources: Record<string, Resource[]> = {};
    const templates: Record<string, ResourceTemplate[]> = {};
    const auth: Record<string, string> = {};
    await Promise.all(
      [...this.entries.values()].map(async (e) => {
        auth[e.server.name] = e.server.transport.type === 'streamable_http' && e.server.transport.bearerTokenEnvVar ? 'bearer_token' : 'unsupported';
        if (!e.conn || e.status.state !== 'ready') return;
        resources[e.server.name] = await e.conn.listResources().catch(() => []);
        templates[e.server.name] = await e.conn.listResourceTemplates().catch(() => []);
      }),
    );
    return {
      type: 'mcp_list_tools_response',
      tools: Object.fromEntries(tools.map((t) => [t.qualifiedName, t.tool])),
      resources,
      resource_templates: templates,
      auth_statuses: auth,
    };
  }

  // ---- turns --------------------------------------------------------------------------

  /** A turn started: compute each HTTP server's per-turn headers once. */
  beginTurn(turn: McpTurnInfo): void {
    const headers = new Map<string, Record<string, string>>();
    for (const e of this.entries.values()) {
      if (e.server.transport.type !== 'streamable_http' || !e.server.turnHeaders) continue;
      try {
        headers.set(e.server.name, e.server.turnHeaders(turn));
      } catch (err) {
        this.ports.logger.warn('MCP per-turn headers failed', { server: e.server.name, error: String(err) });
      }
    }
    this.turn = { turnId: turn.turnId, headers };
  }

  /** A turn ended: its headers are dropped and its open elicitations declined. */
  endTurn(turnId: string): void {
    if (this.turn?.turnId === turnId) this.turn = null;
    for (const [key, p] of this.elicitations) {
      if (p.turnId !== turnId) continue;
      this.elicitations.delete(key);
      p.resolve({ action: 'decline' });
    }
  }

  // ---- elicitations -------------------------------------------------------------------

  /**
   * Asks the host (`elicitation_request` on the active turn) and waits for
   * `resolve_elicitation`; resolves `decline` when the turn ends, `cancel` on `signal`.
   */
  elicit(server: string, id: string | number, request: Record<string, unknown>, turnId: string | null, signal?: AbortSignal): Promise<ElicitResult> {
    const key = elicitationKey(server, id);
    return new Promise<ElicitResult>((resolve) => {
      const onAbort = () => {
        if (this.elicitations.get(key)?.resolve === settle) this.elicitations.delete(key);
        resolve({ action: 'cancel' });
      };
      const settle = (r: ElicitResult) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(r);
      };
      if (signal?.aborted) return onAbort();
      this.elicitations.set(key, { turnId, resolve: settle });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.ports.emit(turnId ?? '', { type: 'elicitation_request', turn_id: turnId, server_name: server, id, request });
    });
  }

  private serverElicitation(server: string, id: string | number, params: ElicitRequest['params'], signal: AbortSignal): Promise<ElicitResult> {
    // Codex answers server elicitations itself when the policy never asks the user.
    if (this.ports.approvalPolicy() === 'never') return Promise.resolve({ action: 'decline' });
    const { mode, ...rest } = params as Record<string, unknown>;
    return this.elicit(server, id, { mode: mode ?? 'form', ...rest }, this.ports.activeTurnId(), signal);
  }

  /** Answers a pending elicitation; false when none matches (Codex logs and ignores it). */
  resolveElicitation(server: string, id: string | number, response: ElicitResult): boolean {
    const key = elicitationKey(server, id);
    const pending = this.elicitations.get(key);
    if (!pending) return false;
    this.elicitations.delete(key);
    pending.resolve(response.action === 'accept' && response.content === undefined ? { ...response, content: {} } : response);
    return true;
  }

  // ---- refresh and shutdown -----------------------------------------------------------

  /** Records a refresh; it is applied when the next turn starts (Codex defers it too). */
  requestRefresh(servers: ResolvedMcpServer[]): void {
    this.pendingRefresh = servers;
  }

  /** Applies a pending refresh: the current servers stop, the new set starts. */
  async applyPendingRefresh(): Promise<boolean> {
    const next = this.pendingRefresh;
    if (!next) return false;
    this.pendingRefresh = null;
    await this.shutdown();
    this.start(next);
    return true;
  }

  /** Cancels startups and closes every server; resolves when their processes are gone. */
  async shutdown(): Promise<void> {
    this.startupAbort.abort();
    const entries = [...this.entries.values()];
    this.entries = new Map();
    this.qualified = null;
    await Promise.all(entries.map((e) => e.startup));
    await Promise.all(entries.map((e) => e.conn?.close()));
    for (const [key, p] of this.elicitations) {
      this.elicitations.delete(key);
      p.resolve({ action: 'cancel' });
    }
  }
}
