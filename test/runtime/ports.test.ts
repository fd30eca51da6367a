/**
 * Each thread's effects reach only that thread's ports: a thread's logic run as a child inside
 * another actor system still announces through its own event sink and closes its own recorder,
 * and two threads side by side never see each other's events.
 */
import { describe, expect, it } from 'vitest';
import { createActor, setup, toPromise } from 'xstate';
import { createThreadLogic } from '../../src/runtime/effects.js';
import { defaultLogger } from '../../src/logger.js';
import { MemoryRecorder } from '../../src/runtime/recorder.js';
import { initialSessionData, type TurnSettings } from '../../src/history/session-data.js';
import { ThreadRuntime } from '../../src/runtime/thread-runtime.js';
import type { Event } from '../../src/protocol/index.js';

const settings = {
  model: 'test-model',
  cwd: '/tmp',
  approval_policy: 'never',
  sandbox_policy: { type: 'read-only' },
  effort: null,
  summary: 'auto',
  collaboration_mode: null,
  personality: null,
  service_tier: null,
  base_instructions: '',
  developer_instructions: null,
  user_instructions: null,
} as unknown as TurnSettings;

/** A runtime over an in-memory recorder that counts its shutdowns, with its delivered events. */
function runtime(threadId: string) {
  const recorder = new (class extends MemoryRecorder {
    shutdowns = 0;
    override async shutdown(): Promise<void> {
      this.shutdowns++;
    }
  })();
  let n = 0;
  const rt = new ThreadRuntime({
    threadId,
    session: initialSessionData(settings),
    clock: { now: () => 0 },
    recorder,
    logger: defaultLogger,
    showRawReasoning: false,
    contextWindow: null,
    onTurnEnded: () => {},
    newId: () => `${threadId}-${n++}`,
    home: '/tmp/turnstate-ports-test',
  });
  const events: Event[] = [];
  rt.onEvent((e) => events.push(e));
  return { rt, recorder, events };
}

describe('thread ports', () => {
  it('a thread run inside another actor system announces through its own ports', async () => {
    const a = runtime('thread-a');
    const b = runtime('thread-b');
    a.rt.start();
    // Thread b's logic as the child of an unrelated parent: it shares that parent's actor system.
    const parent = createActor(
      setup({ actors: { child: createThreadLogic(b.rt.ports) } }).createMachine({
        invoke: { id: 'b', src: 'child', input: { threadId: 'thread-b', session: initialSessionData(settings), recorderMaterialized: false } },
      }),
    ).start();
    const child = parent.getSnapshot().children['b'];
    expect(child?.system).toBe(parent.system);
    child?.send({ type: 'SHUTDOWN', submissionId: 'stop-b' });
    await toPromise(child as Parameters<typeof toPromise>[0]);

    expect(b.events.map((e) => [e.id, e.msg.type])).toEqual([['stop-b', 'shutdown_complete']]);
    expect(b.recorder.shutdowns).toBe(1);
    expect(a.events).toEqual([]);
    expect(a.recorder.shutdowns).toBe(0);
    expect(a.rt.ports).not.toBe(b.rt.ports);

    a.rt.actor.send({ type: 'SHUTDOWN', submissionId: 'stop-a' });
    await toPromise(a.rt.actor);
    expect(a.events.map((e) => [e.id, e.msg.type])).toEqual([['stop-a', 'shutdown_complete']]);
    expect(b.events).toHaveLength(1);
    parent.stop();
  });
});
