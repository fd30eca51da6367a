/**
 * MCP server configuration: Codex's `[mcp_servers.<name>]` tables from
 * `TURNSTATE_HOME/config.toml` (snake_case keys, parsed with `smol-toml`), the same tables in
 * a `refresh_mcp_servers` op, and the camelCase form hosts pass to `createThread`. All three
 * resolve to one `ResolvedMcpServer` per name; options given to `createThread` win over the
 * file entry of the same name.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { TurnstateError } from '../errors.js';

/**
 * Codex's default startup budget (initialize + tools/list), in ms.
 * @example
 * resolveMcpServer('docs', { command: 'srv' }).startupTimeoutMs === DEFAULT_MCP_STARTUP_TIMEOUT_MS; // true
 */
export const DEFAULT_MCP_STARTUP_TIMEOUT_MS = 10_000;
/**
 * Codex's default per-call timeout, in ms.
 * @example
 * resolveMcpServer('docs', { command: 'srv' }).toolTimeoutMs; // 120000
 */
export const DEFAULT_MCP_TOOL_TIMEOUT_MS = 120_000;

/**
 * An MCP server configuration that is malformed (a wrong type, neither `command` nor
 * `url`, an unreadable config.toml).
 * @example
 * new McpConfigError('docs', 'needs either `command` or `url`').code; // 'mcp_config_invalid'
 */
export class McpConfigError extends TurnstateError {
  readonly server: string | null;
  constructor(server: string | null, message: string, options?: { cause?: unknown }) {
    super('mcp_config_invalid', 'configuration', server ? `MCP server \`${server}\`: ${message}` : message, options);
    this.server = server;
  }
}

/**
 * Per-tool approval override (Codex `tools.<name>.approval_mode`): `auto` follows the tool's
 * annotations, `prompt` always asks, `approve` never asks.
 * @example
 * McpToolApprovalMode.parse('prompt');
 */
export const McpToolApprovalMode = z.enum(['auto', 'prompt', 'approve']);
export type McpToolApprovalMode = z.infer<typeof McpToolApprovalMode>;

const strMap = z.record(z.string(), z.string());
const seconds = z.number().nonnegative();

/**
 * One `[mcp_servers.<name>]` table, with Codex's keys. Unknown keys are kept and ignored.
 * @example
 * McpServerToml.parse({ command: 'npx', args: ['-y', '@acme/docs-mcp'], tool_timeout_sec: 30 });
 */
export const McpServerToml = z.looseObject({
  command: z.string().min(1).optional(),
  args: z.array(z.string()).optional(),
  env: strMap.optional(),
  env_vars: z.array(z.string()).optional(),
  cwd: z.string().optional(),
  url: z.string().url().optional(),
  http_headers: strMap.optional(),
  env_http_headers: strMap.optional(),
  bearer_token_env_var: z.string().optional(),
  startup_timeout_sec: seconds.optional(),
  startup_timeout_ms: seconds.optional(),
  tool_timeout_sec: seconds.optional(),
  enabled: z.boolean().optional(),
  enabled_tools: z.array(z.string()).optional(),
  disabled_tools: z.array(z.string()).optional(),
  tools: z.record(z.string(), z.looseObject({ approval_mode: McpToolApprovalMode.optional() })).optional(),
});
export type McpServerToml = z.infer<typeof McpServerToml>;

/**
 * What a server's `turnHeaders` hook receives when a turn starts.
 * @example
 * const turnHeaders = ({ threadId, turnId }: McpTurnInfo) => ({ 'x-thread': threadId, 'x-turn': turnId });
 */
export interface McpTurnInfo {
  threadId: string;
  turnId: string;
}

/**
 * An MCP server as a host passes it to `createThread({ mcpServers })`: a stdio command or a
 * streamable HTTP URL, with Codex's options in camelCase.
 * @example
 * const docs: McpServerConfig = { command: 'node', args: ['docs-server.js'], toolTimeoutSec: 30 };
 * const api: McpServerConfig = { url: 'http://127.0.0.1:8080/mcp', bearerTokenEnvVar: 'API_TOKEN', turnHeaders: ({ turnId }) => ({ 'x-turn': turnId }) };
 */
export interface McpServerConfig {
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  /** Names of variables copied from this process's environment. */
  envVars?: string[];
  cwd?: string;
  url?: string;
  headers?: Record<string, string>;
  /** Header name → environment variable holding its value. */
  envHttpHeaders?: Record<string, string>;
  bearerTokenEnvVar?: string;
  startupTimeoutSec?: number;
  toolTimeoutSec?: number;
  enabled?: boolean;
  enabledTools?: string[];
  disabledTools?: string[];
  tools?: Record<string, { approvalMode?: McpToolApprovalMode }>;
  /**
   * HTTP servers only: headers computed when a turn starts and sent on that turn's
   * `tools/call` requests only (initialize and list requests never carry them).
   */
  turnHeaders?: (turn: McpTurnInfo) => Record<string, string>;
}

export type McpTransportConfig =
  | { type: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd?: string }
  | { type: 'streamable_http'; url: string; headers: Record<string, string>; bearerTokenEnvVar?: string };

/** A server ready to start: transport, timeouts in ms, tool filters and approval overrides. */
export interface ResolvedMcpServer {
  name: string;
  transport: McpTransportConfig;
  startupTimeoutMs: number;
  toolTimeoutMs: number;
  enabled: boolean;
  enabledTools: string[] | null;
  disabledTools: string[];
  toolApproval: Record<string, McpToolApprovalMode>;
  turnHeaders?: (turn: McpTurnInfo) => Record<string, string>;
  /** Set when the server cannot start as configured (it is reported as failed at startup). */
  startupError?: string;
}

/** Converts a Codex table to the host form (so both resolve through one path). */
function fromToml(t: McpServerToml): McpServerConfig {
  const startupSec = t.startup_timeout_sec ?? (t.startup_timeout_ms !== undefined ? t.startup_timeout_ms / 1000 : undefined);
  const tools = t.tools ? Object.fromEntries(Object.entries(t.tools).map(([k, v]) => [k, v.approval_mode ? { approvalMode: v.approval_mode } : {}])) : undefined;
  const out: McpServerConfig = {
    command: t.command, args: t.args, env: t.env, envVars: t.env_vars, cwd: t.cwd, url: t.url, headers: t.http_headers,
    envHttpHeaders: t.env_http_headers, bearerTokenEnvVar: t.bearer_token_env_var, startupTimeoutSec: startupSec,
    toolTimeoutSec: t.tool_timeout_sec, enabled: t.enabled, enabledTools: t.enabled_tools, disabledTools: t.disabled_tools, tools,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as McpServerConfig;
}

/**
 * Resolves one server's configuration (environment variables are read here, once).
 * Throws `McpConfigError` when neither or both of `command` and `url` are given.
 * @example
 * resolveMcpServer('docs', { command: 'node', args: ['server.js'] }).transport.type; // 'stdio'
 */
export function resolveMcpServer(name: string, c: McpServerConfig, env: NodeJS.ProcessEnv = process.env): ResolvedMcpServer {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new McpConfigError(name, 'server names may use only letters, digits, `_` and `-`');
  if (Boolean(c.command) === Boolean(c.url)) throw new McpConfigError(name, 'needs exactly one of `command` (stdio) or `url` (streamable HTTP)');
  let transport: McpTransportConfig;
  let startupError: string | undefined;
  if (c.command) {
    const forwarded = Object.fromEntries((c.envVars ?? []).flatMap((k) => (env[k] !== undefined ? [[k, env[k] as string]] : [])));
    transport = { type: 'stdio', command: c.command, args: c.args ?? [], env: { ...forwarded, ...c.env }, ...(c.cwd ? { cwd: c.cwd } : {}) };
  } else {
    const headers: Record<string, string> = { ...c.headers };
    for (const [header, variable] of Object.entries(c.envHttpHeaders ?? {})) {
      const value = env[variable];
      if (value !== undefined && value !== '') headers[header] = value;
    }
    if (c.bearerTokenEnvVar) {
      const token = env[c.bearerTokenEnvVar];
      if (token === undefined || token === '') startupError = `environment variable ${c.bearerTokenEnvVar} (bearer_token_env_var) is not set`;
      else headers.Authorization = `Bearer ${token}`;
    }
    transport = { type: 'streamable_http', url: c.url as string, headers, ...(c.bearerTokenEnvVar ? { bearerTokenEnvVar: c.bearerTokenEnvVar } : {}) };
  }
  return {
    name,
    transport,
    startupTimeoutMs: Math.round((c.startupTimeoutSec ?? DEFAULT_MCP_STARTUP_TIMEOUT_MS / 1000) * 1000),
    toolTimeoutMs: Math.round((c.toolTimeoutSec ?? DEFAULT_MCP_TOOL_TIMEOUT_MS / 1000) * 1000),
    enabled: c.enabled ?? true,
    enabledTools: c.enabledTools ?? null,
    disabledTools: c.disabledTools ?? [],
    toolApproval: Object.fromEntries(Object.entries(c.tools ?? {}).flatMap(([k, v]) => (v.approvalMode ? [[k, v.approvalMode]] : []))),
    ...(c.turnHeaders ? { turnHeaders: c.turnHeaders } : {}),
    ...(startupError ? { startupError } : {}),
  };
}

/**
 * Parses a map of Codex tables (`mcp_servers` of config.toml, or a `refresh_mcp_servers`
 * op's `config.mcp_servers`) into host-form configs. Throws `McpConfigError`.
 * @example
 * parseMcpServersTable({ docs: { command: 'node', args: ['s.js'], tool_timeout_sec: 5 } }).docs?.toolTimeoutSec; // 5
 */
export function parseMcpServersTable(raw: unknown, where = 'mcp_servers'): Record<string, McpServerConfig> {
  if (raw === undefined || raw === null) return {};
  const parsed = z.record(z.string(), McpServerToml).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const server = typeof issue?.path[0] === 'string' ? issue.path[0] : null;
    throw new McpConfigError(server, `${where}.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return Object.fromEntries(Object.entries(parsed.data).map(([name, t]) => [name, fromToml(t)]));
}

/**
 * Reads `[mcp_servers.*]` from `<home>/config.toml`; a missing file means no servers.
 * Throws `McpConfigError` when the file is not valid TOML or a table is malformed.
 * @example
 * const servers = await loadMcpServersFromConfig('/home/me/.turnstate');
 */
export async function loadMcpServersFromConfig(home: string): Promise<Record<string, McpServerConfig>> {
  const file = join(home, 'config.toml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new McpConfigError(null, `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    throw new McpConfigError(null, `${file} is not valid TOML: ${(err as Error).message}`, { cause: err });
  }
  return parseMcpServersTable(doc.mcp_servers, `${file}: mcp_servers`);
}
