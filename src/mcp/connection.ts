/**
 * One connected MCP server, over the official SDK's client (`@modelcontextprotocol/sdk`):
 * stdio (a child process) or streamable HTTP. Startup (initialize + tools/list) is bounded by
 * the server's startup timeout; each tool call by its tool timeout and the caller's abort
 * signal (the SDK then sends `notifications/cancelled`).
 *
 * Per-call headers for HTTP servers ride in an AsyncLocalStorage scope around `callTool`, and
 * the transport's fetch adds them to `tools/call` POSTs only: initialize and list requests are
 * untouched, and concurrent calls on one client are not serialised.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ElicitRequestSchema,
  type CallToolResult,
  type ElicitRequest,
  type ElicitResult,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../logger.js';
import type { ResolvedMcpServer } from './config.js';

/** What the connection reports back to its manager. */
export interface ConnectionHooks {
  /** A server asked the user for input (`elicitation/create`). */
  onElicitation(server: string, requestId: string | number, params: ElicitRequest['params'], signal: AbortSignal): Promise<ElicitResult>;
  /** The transport closed (server exited or crashed) without `close()` being called. */
  onClosed(server: string): void;
  logger: Logger;
}

const callHeaders = new AsyncLocalStorage<Record<string, string>>();

function isToolsCall(body: unknown): boolean {
  if (typeof body !== 'string') return false;
  try {
    const msg = JSON.parse(body) as { method?: unknown } | Array<{ method?: unknown }>;
    return Array.isArray(msg) ? msg.some((m) => m.method === 'tools/call') : msg.method === 'tools/call';
  } catch {
    return false;
  }
}

/** fetch for the HTTP transport: adds the current call's headers to `tools/call` requests only. */
const headerAwareFetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
  const extra = callHeaders.getStore();
  if (!extra || init?.method !== 'POST' || !isToolsCall(init.body)) return fetch(url, init);
  const headers = new Headers(init.headers);
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  return fetch(url, { ...init, headers });
};

async function paginate<T>(page: (cursor?: string) => Promise<{ nextCursor?: string | undefined; items: T[] }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const r = await page(cursor);
    out.push(...r.items);
    cursor = r.nextCursor;
  } while (cursor);
  return out;
}

export class McpServerConnection {
  private closing = false;

  private constructor(
    readonly server: ResolvedMcpServer,
    private readonly client: Client,
    private readonly transport: Transport,
    readonly tools: Tool[],
  ) {}

  /** The stdio server's process id (null for HTTP servers). */
  get pid(): number | null {
    return this.transport instanceof StdioClientTransport ? this.transport.pid : null;
  }

  /**
   * Starts the server and lists its tools; rejects on failure or when `signal` aborts
   * (startup timed out or cancelled), leaving no process behind.
   */
  static async connect(server: ResolvedMcpServer, hooks: ConnectionHooks, signal: AbortSignal): Promise<McpServerConnection> {
    if (server.startupError) throw new Error(server.startupError);
    const t = server.transport;
    const transport: Transport =
      t.type === 'stdio'
        ? new StdioClientTransport({ command: t.command, args: t.args, env: t.env, stderr: 'pipe', ...(t.cwd ? { cwd: t.cwd } : {}) })
        : new StreamableHTTPClientTransport(new URL(t.url), { requestInit: { headers: t.headers }, fetch: headerAwareFetch });
    if (transport instanceof StdioClientTransport) {
      transport.stderr?.on('data', (chunk: Buffer) => hooks.logger.debug?.('mcp server stderr', { server: server.name, text: chunk.toString('utf8') }));
    }
    const client = new Client({ name: 'turnstate', version: '0.1.0' }, { capabilities: { elicitation: {} } });
    client.setRequestHandler(ElicitRequestSchema, (request, extra) => hooks.onElicitation(server.name, extra.requestId, request.params, extra.signal));
    // The server actor bounds startup (its `startupTimeout` delay aborts `signal`).
    const options = { signal, timeout: server.startupTimeoutMs };
    try {
      await client.connect(transport, options);
      const tools = client.getServerCapabilities()?.tools
        ? await paginate((cursor) => client.listTools(cursor ? { cursor } : {}, options).then((r) => ({ nextCursor: r.nextCursor, items: r.tools })))
        : [];
      const conn = new McpServerConnection(server, client, transport, tools);
      client.onclose = () => {
        if (!conn.closing) hooks.onClosed(server.name);
      };
      return conn;
    } catch (err) {
      const pid = transport instanceof StdioClientTransport ? transport.pid : null;
      await client.close().catch(() => undefined);
      if (pid !== null) await waitForExit(pid);
      if (signal.aborted) throw new Error('startup cancelled', { cause: err });
      throw err;
    }
  }

  /** Calls a tool; `headers` (HTTP only) go on this call's request alone. */
  callTool(tool: string, args: Record<string, unknown> | undefined, opts: { signal?: AbortSignal; headers?: Record<string, string> } = {}): Promise<CallToolResult> {
    const run = () =>
      this.client.callTool({ name: tool, ...(args ? { arguments: args } : {}) }, undefined, {
        timeout: this.server.toolTimeoutMs,
        ...(opts.signal ? { signal: opts.signal } : {}),
      }) as Promise<CallToolResult>;
    return opts.headers && Object.keys(opts.headers).length > 0 ? callHeaders.run(opts.headers, run) : run();
  }

  readResource(uri: string): Promise<ReadResourceResult> {
    return this.client.readResource({ uri }, { timeout: this.server.toolTimeoutMs });
  }

  async listResources(): Promise<Resource[]> {
    if (!this.client.getServerCapabilities()?.resources) return [];
    return paginate((cursor) => this.client.listResources(cursor ? { cursor } : {}).then((r) => ({ nextCursor: r.nextCursor, items: r.resources })));
  }

  async listResourceTemplates(): Promise<ResourceTemplate[]> {
    if (!this.client.getServerCapabilities()?.resources) return [];
    return paginate((cursor) =>
      this.client.listResourceTemplates(cursor ? { cursor } : {}).then((r) => ({ nextCursor: r.nextCursor, items: r.resourceTemplates })),
    );
  }

  /** Disconnects; a stdio server gets stdin closed, then TERM, then KILL (the SDK's sequence). */
  async close(): Promise<void> {
    this.closing = true;
    const pid = this.pid;
    await this.client.close().catch(() => undefined);
    if (pid !== null) await waitForExit(pid);
  }
}

/** Waits (bounded) until a process is gone: the SDK's last KILL is not awaited by `close()`. */
async function waitForExit(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
