/**
 * One MCP server of a thread: its connection's lifecycle (Codex's `AsyncManagedClient`).
 *
 * Invariants encoded by the transitions:
 * - startup ends exactly once, as `ready`, `failed` (an error or the startup timeout) or
 *   `cancelled` (an interrupt while idle), each announced through `reportStatus`;
 * - leaving `starting` stops the connect effect, so a late connection is closed, never kept;
 * - `STOP` from any state ends in `stopped` only after `disconnect` ran (no process left); a
 *   disconnect that rejects records its error and passes through `disconnectFailed`.
 */
import { assign, setup } from 'xstate';
import { contracts, failureOf } from './contracts.js';

export interface McpServerInput {
  name: string;
  /** Startup budget (initialize + tools/list), in ms. */
  startupTimeoutMs: number;
}

export interface McpServerContext extends McpServerInput {
  error: { code: string; message: string } | null;
}

export type McpServerEvent = { type: 'STOP' } | { type: 'CANCEL_STARTUP' } | { type: 'CONNECTION.CLOSED' };

/** What `reportStatus` announces (`closed`: the connection dropped after startup). */
export type McpServerStatus = 'starting' | 'ready' | 'failed' | 'cancelled' | 'closed';

export const mcpServerMachine = setup({
  types: {
    input: {} as McpServerInput,
    context: {} as McpServerContext,
    events: {} as McpServerEvent,
  },
  actors: { connect: contracts.connectMcpServer, disconnect: contracts.disconnectMcpServer },
  actions: {
    /** Announces a status change (the runtime emits `mcp_startup_update`/`_complete`). */
    reportStatus: (_, _params: { name: string; status: McpServerStatus; error: string | null }) => {},
  },
  delays: {
    startupTimeout: ({ context }) => context.startupTimeoutMs,
  },
}).createMachine({
  id: 'mcpServer',
  context: ({ input }) => ({ ...input, error: null }),
  initial: 'starting',
  on: { STOP: '.stopping' },
  states: {
    starting: {
      entry: { type: 'reportStatus', params: ({ context }) => ({ name: context.name, status: 'starting' as const, error: null }) },
      invoke: {
        src: 'connect',
        input: ({ context }) => ({ name: context.name }),
        onDone: 'ready',
        onError: {
          target: 'failed',
          actions: assign({ error: ({ event }) => ({ code: 'mcp_startup_failed', message: event.error instanceof Error ? event.error.message : String(event.error) }) }),
        },
      },
      after: {
        startupTimeout: {
          target: 'failed',
          actions: assign({
            error: ({ context }) => ({
              code: 'mcp_startup_timeout',
              message: `timed out after ${context.startupTimeoutMs / 1000} seconds (raise startup_timeout_sec for this server)`,
            }),
          }),
        },
      },
      on: { CANCEL_STARTUP: 'cancelled' },
    },
    ready: {
      entry: { type: 'reportStatus', params: ({ context }) => ({ name: context.name, status: 'ready' as const, error: null }) },
      on: { 'CONNECTION.CLOSED': 'closed' },
    },
    failed: {
      entry: { type: 'reportStatus', params: ({ context }) => ({ name: context.name, status: 'failed' as const, error: context.error?.message ?? null }) },
    },
    cancelled: {
      entry: { type: 'reportStatus', params: ({ context }) => ({ name: context.name, status: 'cancelled' as const, error: null }) },
    },
    closed: {
      entry: { type: 'reportStatus', params: ({ context }) => ({ name: context.name, status: 'closed' as const, error: null }) },
    },
    stopping: {
      on: { STOP: {} },
      invoke: {
        src: 'disconnect',
        input: ({ context }) => ({ name: context.name }),
        onDone: 'stopped',
        onError: { target: 'disconnectFailed', actions: assign({ error: ({ event }) => failureOf(event.error, 'mcp_disconnect_failed') }) },
      },
    },
    disconnectFailed: { always: 'stopped' },
    stopped: { type: 'final' },
  },
});
