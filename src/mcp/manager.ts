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
import type { Logger } from '../logger.js';
import type { McpTurnInfo, ResolvedMcpServer } from './config.js';
import type { McpServerEvent, McpServerInput, McpServerStatus } from '../../machines/mcp-server.machine.js';
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
  /** Spawns one `mcp:<name>` actor per server in the thread's actor tree. */
  spawn(servers: McpServerInput[]): void;
  /** Sends an event to a server actor (ignored when it is gone). */
  send(name: string, event: McpServerEvent): void;
  /** Stops every server actor; resolves when all have reached `stopped`. */
  stopAll(): Promise<void>;
  activeTurnId(): string | null;
  approvalPolicy(): AskForApproval;
  logger: Logger;
}

type Status = { state: 'starting' } | { state: 'ready' } | { state: 'failed'; error: string } | { state: 'cancelled' } | { state: 'closed' };

interface Entry {
  server: ResolvedMcpServer;
  status: Status;
  conn: McpServerConnection | null;
  /** The connect attempt in flight (settles after its cleanup). */
  connecting: Promise<void> | null;
  /** Resolves once startup ended (ready, failed or cancelled). */
  settled: Promise<void>;
  settle(): void;
  generation: number;
}

interface PendingElicitation {
  turnId: string | null;
  resolve(result: ElicitResult): void;
}

const elicitationKey = (server: string, id: string | number) => `${server}\0${String(id)}`;

export class McpConnectionManager {
  private entries = new Map<string, Entry>();
  private generation = 0;
  private readonly completed = new Set<number>();
  private pendingRefresh: ResolvedMcpServer[] | null = null;
  private readonly elicitations = new Map<string, PendingElicitation>();
  private turn: { turnId: string; headers: Map<string, Record<string, string>> } | null = null;
  private qualified: McpToolEntry[] | null = null;

  constructor(private readonly ports: McpManagerPorts) {}

  /**
   * Starts the servers (does not wait): each becomes an `mcp:<name>` actor of the thread,
   * whose states drive the startup events. Events carry the id `""` as Codex's do.
   */
  start(servers: ResolvedMcpServer[]): void {
    const enabled = servers.filter((s) => s.enabled);
    if (enabled.length === 0) return;
    this.qualified = null;
    const generation = ++this.generation;
    for (const server of enabled) {
      let settle = () => {};
      const settled = new Promise<void>((resolve) => (settle = resolve));
      this.entries.set(server.name, { server, status: { state: 'starting' }, conn: null, connecting: null, settled, settle, generation });
    }
    this.ports.spawn(enabled.map((s) => ({ name: s.name, startupTimeoutMs: s.startupTimeoutMs })));
  }

  /** The `connectMcpServer` effect of a server actor; `signal` aborts when it leaves `starting`. */
  async connect(name: string, signal: AbortSignal): Promise<{ tools: number }> {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`MCP server ${name} is not configured`);
    const run = (async () => {
      const conn = await McpServerConnection.connect(entry.server, this.hooks(), signal);
      if (signal.aborted) {
        // Timed out, cancelled or stopped meanwhile: a late connection is closed, never kept.
        await conn.close();
        throw new Error('startup cancelled');
      }
      entry.conn = conn;
      return { tools: conn.tools.length };
    })();
    // `disconnect` waits for this, cleanup included.
    entry.connecting = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** The `disconnectMcpServer` effect: waits for a connect still unwinding, then closes. */
  async disconnect(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) return;
    await entry.connecting;
    const conn = entry.conn;
    entry.conn = null;
    entry.status = { state: 'closed' };
    await conn?.close();
  }

  /** The `reportStatus` action of a server actor: events, and the startup summary. */
  report(name: string, state: McpServerStatus, error: string | null): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    const message = `MCP client for \`${name}\` failed to start: ${error ?? 'unknown error'}`;
    entry.status = state === 'failed' ? { state, error: message } : { state };
    if (state === 'closed') {
      this.qualified = null;
      this.ports.logger.warn('MCP server connection closed', { server: name });
      return;
    }
    if (state === 'starting' || state === 'ready') this.ports.emit('', { type: 'mcp_startup_update', server: name, status: { state } });
    if (state === 'failed') this.ports.emit('', { type: 'mcp_startup_update', server: name, status: { state, error: message } });
    if (state === 'starting') return;
    entry.settle();
    const mine = [...this.entries.values()].filter((e) => e.generation === entry.generation);
    if (mine.some((e) => e.status.state === 'starting')) return;
    if (this.completed.has(entry.generation)) return;
    this.completed.add(entry.generation);
    this.ports.emit('', {
      type: 'mcp_startup_complete',
      ready: mine.filter((e) => e.status.state === 'ready' || e.status.state === 'closed').map((e) => e.server.name),
      failed: mine.flatMap((e) => (e.status.state === 'failed' ? [{ server: e.server.name, error: e.status.error }] : [])),
      cancelled: mine.filter((e) => e.status.state === 'cancelled').map((e) => e.server.name),
    });
  }

  private hooks() {
    return {
      logger: this.ports.logger,
      onElicitation: (server: string, id: string | number, params: ElicitRequest['params'], signal: AbortSignal) => this.serverElicitation(server, id, params, signal),
      onClosed: (server: string) => this.ports.send(server, { type: 'CONNECTION.CLOSED' }),
    };
  }

  /** Interrupt while idle: servers still starting are reported as cancelled. */
  cancelStartup(): void {
    for (const [name, e] of this.entries) if (e.status.state === 'starting') this.ports.send(name, { type: 'CANCEL_STARTUP' });
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
    await Promise.all([...this.entries.values()].map((e) => e.settled));
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
    await entry.settled;
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
   * `resolve_elicitation`; resolves `decline` when the turn ends, `cancel` on `signal`. A
   * question whose id (per server) is already pending is declined at once without asking:
   * ids come from both the engine (tool approvals) and the server, and one answer must never
   * settle the other question.
   */
  elicit(server: string, id: string | number, request: Record<string, unknown>, turnId: string | null, signal?: AbortSignal): Promise<ElicitResult> {
    const key = elicitationKey(server, id);
    if (this.elicitations.has(key)) {
      this.ports.logger.warn('declining an elicitation whose id is already pending', { server, id: String(id) });
      return Promise.resolve({ action: 'decline' });
    }
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

  /** Stops every server actor; resolves when their connections (and processes) are gone. */
  async shutdown(): Promise<void> {
    await this.ports.stopAll();
    this.entries = new Map();
    this.qualified = null;
    for (const [key, p] of this.elicitations) {
      this.elicitations.delete(key);
      p.resolve({ action: 'cancel' });
    }
  }
}
