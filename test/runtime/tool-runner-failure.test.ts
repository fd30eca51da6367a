/**
 * A tool runner that rejects inside the tool-call actor: the actor ends in `failed` with the
 * error's `{ code, message }` (an inspector sees it), the caller gets the rejection (the
 * sampling loop turns it into a failed tool output), and the turn completes.
 */
import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { createThread, type SessionTask } from 'turnstate';
import type { ResponseItem } from '../../src/protocol/index.js';
import { EventLog } from './harness.js';

describe('a rejecting tool runner', () => {
  it('ends its toolCall actor in failed and the turn still completes', async () => {
    const toolStates: Array<{ value: unknown; error: unknown }> = [];
    const inspect = (ev: InspectionEvent) => {
      if (ev.type !== '@xstate.snapshot') return;
      const snap = ev.snapshot as unknown as { machine?: { id: string }; value?: unknown; context?: { error?: unknown } };
      if (snap.machine?.id === 'toolCall') toolStates.push({ value: snap.value, error: snap.context?.error ?? null });
    };
    const thread = await createThread({ cwd: '/tmp', ephemeral: true, inspect });
    const log = new EventLog(thread);
    const task: SessionTask<null> = {
      kind: 'tooling',
      async run(ctx) {
        const engine = ctx as unknown as { runToolCall(callId: string, name: string, run: () => Promise<ResponseItem>): Promise<ResponseItem> };
        const crash = () => Promise.reject(Object.assign(new Error('runner crashed'), { code: 'runner_crashed' }));
        return engine.runToolCall('c1', 'explode', crash).then(
          () => 'resolved',
          (err: Error) => `rejected: ${err.message}`,
        );
      },
    };
    const turnId = await thread.spawnTask(task, null);
    const done = await log.untilType('task_complete', { id: turnId });
    expect(done.msg.last_agent_message).toBe('rejected: runner crashed');
    expect(toolStates.at(-1)).toEqual({ value: 'failed', error: { code: 'runner_crashed', message: 'runner crashed' } });
    expect(log.events.map((e) => e.msg.type)).not.toContain('error');
    await thread.shutdown();
  });
});
