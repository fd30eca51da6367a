/**
 * The MCP server machine with logging fakes and a SimulatedClock: every state, and the
 * literal order of its status reports and effects.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { mcpServerMachine, type McpServerStatus } from '../../machines/mcp-server.machine.js';

function harness(connect: (signal: AbortSignal) => Promise<{ tools: number }>, disconnectError?: Error) {
  const log: string[] = [];
  const clock = new SimulatedClock();
  const machine = mcpServerMachine.provide({
    actors: {
      connect: fromPromise<{ tools: number }, { name: string }>(({ signal }) => {
        log.push('connect');
        signal.addEventListener('abort', () => log.push('connect aborted'));
        return connect(signal);
      }),
      disconnect: fromPromise<void, { name: string }>(async () => {
        log.push('disconnect');
        if (disconnectError) throw disconnectError;
      }),
    },
    actions: {
      reportStatus: (_, p: { status: McpServerStatus; error: string | null }) => void log.push(p.error ? `${p.status}: ${p.error}` : p.status),
    },
  });
  const actor = createActor(machine, { input: { name: 'docs', startupTimeoutMs: 10_000 }, clock });
  actor.start();
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { actor, log, clock, settle };
}

const never = () => new Promise<{ tools: number }>(() => {});

describe('mcpServer machine', () => {
  it('starting → ready → closed → stopping → stopped', async () => {
    const { actor, log, settle } = harness(async () => ({ tools: 3 }));
    await settle();
    expect(actor.getSnapshot().value).toBe('ready');
    actor.send({ type: 'CONNECTION.CLOSED' });
    actor.send({ type: 'STOP' });
    await settle();
    expect(actor.getSnapshot().status).toBe('done');
    expect(log).toEqual(['connect', 'starting', 'ready', 'closed', 'disconnect']);
  });

  it('fails on a connect error, and on the startup timeout (the connect effect is aborted)', async () => {
    const failing = harness(async () => {
      throw new Error('spawn ENOENT');
    });
    await failing.settle();
    expect(failing.actor.getSnapshot().value).toBe('failed');
    expect(failing.log).toEqual(['connect', 'starting', 'failed: spawn ENOENT']);

    const slow = harness(never);
    slow.clock.increment(9_999);
    expect(slow.actor.getSnapshot().value).toBe('starting');
    slow.clock.increment(1);
    expect(slow.actor.getSnapshot().value).toBe('failed');
    expect(slow.actor.getSnapshot().context.error?.code).toBe('mcp_startup_timeout');
    expect(slow.log).toEqual(['connect', 'starting', 'failed: timed out after 10 seconds (raise startup_timeout_sec for this server)', 'connect aborted']);
  });

  it('is cancelled by CANCEL_STARTUP, and STOP while starting still disconnects', async () => {
    const cancelled = harness(never);
    cancelled.actor.send({ type: 'CANCEL_STARTUP' });
    expect(cancelled.actor.getSnapshot().value).toBe('cancelled');
    cancelled.actor.send({ type: 'STOP' });
    await cancelled.settle();
    expect(cancelled.log).toEqual(['connect', 'starting', 'cancelled', 'connect aborted', 'disconnect']);

    const stopped = harness(never);
    stopped.actor.send({ type: 'STOP' });
    stopped.actor.send({ type: 'STOP' });
    await stopped.settle();
    expect(stopped.actor.getSnapshot().status).toBe('done');
    expect(stopped.log).toEqual(['connect', 'starting', 'connect aborted', 'disconnect']);
  });

  it('a disconnect that rejects records { code, message } and still ends stopped', async () => {
    const t = harness(async () => ({ tools: 1 }), new Error('kill ESRCH'));
    await t.settle();
    const seen: string[] = [];
    t.actor.system.inspect({
      next: (ev) => {
        if (ev.type === '@xstate.microstep') seen.push(String((ev.snapshot as unknown as { value: unknown }).value));
      },
    });
    t.actor.send({ type: 'STOP' });
    await t.settle();
    expect(t.log).toEqual(['connect', 'starting', 'ready', 'disconnect']);
    expect(seen).toEqual(['stopping', 'disconnectFailed', 'stopped']);
    expect(t.actor.getSnapshot().status).toBe('done');
    expect(t.actor.getSnapshot().context.error).toEqual({ code: 'mcp_disconnect_failed', message: 'kill ESRCH' });
  });
});
