/**
 * `SubAgentControl` against a hostile model and a racing host, over stub threads: ids of
 * agents that are not this thread's descendants, and a parent shutdown or interrupt that
 * lands while a spawn is still creating its child.
 */
import { describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/protocol/index.js';
import { CollabToolError } from '../../src/subagents/args.js';
import { SubAgentControl, type ChildAgentHandle, type SubAgentHost } from '../../src/subagents/control.js';
import { resolveSubAgentLimits } from '../../src/subagents/options.js';
import { AgentTree, type SpawnedAgent } from '../../src/subagents/tree.js';
import type { Thread } from '../../src/runtime/thread.js';

const text = (t: string) => ({ type: 'text' as const, text: t, text_elements: [] });
const opts = { callId: 'c1', model: null, reasoningEffort: null, forkContext: false };

/** A stub thread: records submissions, reports a fixed status, counts stops. */
function stubThread(id: string, status: AgentStatus = 'running') {
  const submitted: unknown[] = [];
  const thread = {
    id,
    status: () => status,
    onStatus: () => () => {},
    submit: async (op: unknown) => {
      submitted.push(op);
      return 'sub';
    },
    injectResponseItems: async () => {},
  } as unknown as Thread;
  return { thread, submitted };
}

function agentOf(tree: AgentTree, threadId: string, parentThreadId: string, depth: number, stops: string[]): SpawnedAgent {
  const agent: SpawnedAgent = { threadId, parentThreadId, depth, thread: stubThread(threadId).thread, stop: async () => void stops.push(threadId), interrupt: async () => {} };
  tree.commit(agent, tree.reserve());
  return agent;
}

function hostFor(tree: AgentTree, threadId: string, depth: number, startChild: SubAgentHost['startChild'] = () => Promise.reject(new Error('no'))): SubAgentHost {
  return {
    threadId,
    depth,
    tree,
    startChild,
    thread: () => null,
    history: () => [],
    timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>) },
    logger: { debug() {}, info() {}, warn() {}, error() {} } as never,
  };
}

describe('ids of agents that are not this thread’s descendants', () => {
  // root → A → B, root → C (one tree shared by every depth).
  const setup = () => {
    const tree = new AgentTree(resolveSubAgentLimits({ maxDepth: 3 }));
    const stops: string[] = [];
    agentOf(tree, 'A', 'root', 1, stops);
    agentOf(tree, 'B', 'A', 2, stops);
    agentOf(tree, 'C', 'root', 1, stops);
    return { tree, stops };
  };

  it('a child cannot close, message or wait on its parent or a sibling: they are not found', async () => {
    const { tree, stops } = setup();
    const b = new SubAgentControl(hostFor(tree, 'B', 2));
    await expect(b.close('A')).rejects.toThrow(new CollabToolError('agent with id A not found'));
    const a = new SubAgentControl(hostFor(tree, 'A', 1));
    await expect(a.close('C')).rejects.toThrow(CollabToolError);
    await expect(a.sendInput('C', [text('hijack')], true)).rejects.toThrow('agent with id C not found');
    expect(a.status('C')).toBe('not_found');
    const signal = new AbortController().signal;
    expect(await a.wait(['C'], 10_000, signal)).toEqual({ status: { C: 'not_found' }, timed_out: false });
    expect(stops).toEqual([]);
    expect(tree.size).toBe(3);
  });

  it('an ancestor still reaches its descendants at any depth', async () => {
    const { tree, stops } = setup();
    const root = new SubAgentControl(hostFor(tree, 'root', 0));
    expect(root.status('B')).toBe('running');
    await root.close('B');
    expect(stops).toEqual(['B']);
  });
});

describe('a spawn still creating its child', () => {
  const pendingChild = () => {
    let open: (handle: ChildAgentHandle) => void = () => {};
    const started = new Promise<ChildAgentHandle>((resolve) => (open = resolve));
    const stopped: string[] = [];
    const child = stubThread('kid');
    const handle: ChildAgentHandle = { thread: child.thread, stop: async () => void stopped.push('kid'), interrupt: async () => {} };
    return { started, open: () => open(handle), stopped, child };
  };

  it('a parent shutdown that lands before the child is registered still takes the child down, and waits for it', async () => {
    const tree = new AgentTree(resolveSubAgentLimits({}));
    const p = pendingChild();
    const control = new SubAgentControl(hostFor(tree, 'root', 0, () => p.started));
    const spawning = control.spawn([text('work')], opts);
    spawning.catch(() => {});
    let shutDown = false;
    const shutdown = control.shutdownAll().then(() => (shutDown = true));
    await Promise.resolve();
    expect(shutDown).toBe(false); // it waits for the spawn in flight
    p.open();
    await shutdown;
    await expect(spawning).rejects.toThrow(CollabToolError);
    expect(p.stopped).toEqual(['kid']);
    expect(p.child.submitted).toEqual([]);
    expect(tree.size).toBe(0);
    expect(() => [tree.reserve(), tree.reserve(), tree.reserve(), tree.reserve(), tree.reserve(), tree.reserve()]).not.toThrow();
  });

  it('a spawn after shutdown began creates nothing', async () => {
    const tree = new AgentTree(resolveSubAgentLimits({}));
    let started = 0;
    const control = new SubAgentControl(hostFor(tree, 'root', 0, () => (started++, Promise.reject(new Error('x')))));
    await control.shutdownAll();
    await expect(control.spawn([text('work')], opts)).rejects.toThrow(CollabToolError);
    expect(started).toBe(0);
  });

  it('a parent interrupt that lands before the child is registered takes the child down too', async () => {
    const tree = new AgentTree(resolveSubAgentLimits({}));
    const p = pendingChild();
    const control = new SubAgentControl(hostFor(tree, 'root', 0, () => p.started));
    const spawning = control.spawn([text('work')], opts);
    spawning.catch(() => {});
    const interrupted = control.interruptAll();
    p.open();
    await interrupted;
    await expect(spawning).rejects.toThrow(CollabToolError);
    expect(p.stopped).toEqual(['kid']);
    expect(p.child.submitted).toEqual([]);
    expect(tree.size).toBe(0);
  });
});
