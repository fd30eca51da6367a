/**
 * The pure parts of the sub-agent tools: input from `message | items`, the prompt preview,
 * the wait clamp, the notification text, option validation, the slot accounting, the
 * forked history and the spawn edge read back from `session_meta.source`.
 */
import { describe, expect, it } from 'vitest';
import { SubAgentsConfigError, spawnEdge, subagentNotification } from 'turnstate';
import { CollabToolError, collabInput, inputPreview, waitTimeoutMs } from '../../src/subagents/args.js';
import { resolveSubAgentLimits } from '../../src/subagents/options.js';
import { AgentTree } from '../../src/subagents/tree.js';
import { FORKED_SPAWN_OUTPUT, forkedHistory } from '../../src/subagents/fork.js';
import type { ResponseItem } from '../../src/protocol/index.js';

const text = (t: string) => ({ type: 'text' as const, text: t, text_elements: [] });

describe('collab input', () => {
  it('takes exactly one of message or items, neither blank nor empty', () => {
    expect(collabInput('hi', undefined)).toEqual([text('hi')]);
    expect(collabInput(undefined, [text('a')])).toEqual([text('a')]);
    const refusals = [
      () => collabInput('hi', [text('a')]),
      () => collabInput(undefined, undefined),
      () => collabInput('  ', undefined),
      () => collabInput(undefined, []),
    ].map((f) => {
      try {
        f();
        return null;
      } catch (err) {
        return err instanceof CollabToolError ? err.message : 'other';
      }
    });
    expect(refusals).toEqual([
      'Provide either message or items, but not both',
      'Provide one of: message or items',
      "Empty message can't be sent to an agent",
      "Items can't be empty",
    ]);
  });

  it('previews text as is and other items as tags', () => {
    expect(inputPreview([text('look'), { type: 'image', image_url: 'data:x' }, { type: 'local_image', path: '/a.png' }])).toBe('look\n[image]\n[local_image:/a.png]');
  });
});

describe('wait timeout', () => {
  it('defaults to 30 s and is clamped to 10 s … 1 h; zero or less is refused', () => {
    expect([waitTimeoutMs(undefined), waitTimeoutMs(1), waitTimeoutMs(45_000), waitTimeoutMs(10 * 3_600_000)]).toEqual([30_000, 10_000, 45_000, 3_600_000]);
    expect(() => waitTimeoutMs(0)).toThrow('timeout_ms must be greater than zero');
  });
});

describe('notification', () => {
  it('wraps the agent reference and status as JSON in the subagent_notification tag', () => {
    expect(subagentNotification('a1', { errored: 'boom' })).toBe('<subagent_notification>\n{"agent_path":"a1","status":{"errored":"boom"}}\n</subagent_notification>');
  });
});

describe('options and slots', () => {
  it('defaults to depth 1 and 6 threads, keeps the parent policies unless given, and refuses bad values', () => {
    expect(resolveSubAgentLimits({})).toEqual({ maxDepth: 1, maxThreads: 6, approvalPolicy: null, sandboxPolicy: null });
    expect(resolveSubAgentLimits({ approvalPolicy: 'never', sandboxPolicy: { type: 'read-only' } })).toMatchObject({
      approvalPolicy: 'never',
      sandboxPolicy: { type: 'read-only', network_access: false },
    });
    for (const bad of [{ maxDepth: -1 }, { maxThreads: 0 }, { maxDepth: 1.5 }, { approvalPolicy: 'sometimes' }]) {
      expect(() => resolveSubAgentLimits(bad as never)).toThrow(SubAgentsConfigError);
    }
  });

  it('counts reserved and live agents against maxThreads and frees a slot on release or removal', () => {
    const tree = new AgentTree(resolveSubAgentLimits({ maxThreads: 2 }));
    const a = tree.reserve();
    const b = tree.reserve();
    expect(() => tree.reserve()).toThrow('collab spawn failed: agent thread limit reached (max 2)');
    b();
    b(); // a second release of the same slot changes nothing
    const stub = { threadId: 't1', parentThreadId: 'root', depth: 1, thread: {} as never, stop: async () => {}, interrupt: async () => {} };
    tree.commit(stub, a);
    const c = tree.reserve();
    expect(() => tree.reserve()).toThrow(CollabToolError);
    c();
    tree.remove('t1');
    expect([tree.size, tree.childrenOf('root')]).toEqual([0, []]);
  });
});

describe('forked history', () => {
  it('keeps user and final assistant messages, drops injected context and tool traffic, and answers the spawn call', () => {
    const msg = (role: string, t: string, phase?: string): ResponseItem =>
      ({ type: 'message', role, content: [{ type: role === 'assistant' ? 'output_text' : 'input_text', text: t }], ...(phase ? { phase } : {}) }) as ResponseItem;
    const history: ResponseItem[] = [
      msg('developer', '<permissions instructions>…'),
      msg('user', '<environment_context>…</environment_context>'),
      msg('user', 'fix the bug'),
      msg('assistant', 'looking', 'commentary'),
      { type: 'function_call', call_id: 'c0', name: 'shell', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c0', output: 'ok' },
      msg('assistant', 'found it'),
      { type: 'function_call', call_id: 'spawn_1', name: 'spawn_agent', arguments: '{"message":"x"}' },
    ];
    const forked = forkedHistory(history, 'spawn_1');
    expect(forked).toEqual([
      history[2],
      history[6],
      history[7],
      { type: 'function_call_output', call_id: 'spawn_1', output: FORKED_SPAWN_OUTPUT },
    ]);
  });
});

describe('spawn edge', () => {
  it('reads the parent and depth of a thread_spawn source, and nothing from other sources', () => {
    expect(spawnEdge({ subagent: { thread_spawn: { parent_thread_id: 'p', depth: 2, agent_nickname: null } } })).toEqual({ parentThreadId: 'p', depth: 2 });
    expect([spawnEdge('cli'), spawnEdge({ subagent: 'review' }), spawnEdge(null), spawnEdge({ subagent: { thread_spawn: {} } })]).toEqual([null, null, null, null]);
  });
});
