/**
 * A rollout recorded from Codex CLI 0.169 (one tool turn; Codex's prompt text replaced by
 * placeholders): read it, resume it, append to it. `npm run test:codex` checks the same against
 * the running Codex binary.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createThread } from 'turnstate';
import { openaiModel } from 'turnstate/openai';
import { ev, startMockResponsesServer, type MockResponsesServer } from 'turnstate/testing';
import { describeSkipped, JsonlThreadStore, loadRollout, parseRolloutText, serializeRollout } from '../../src/persistence/index.js';
import { fixturePath, readFixture, tempHome } from './support/fixtures.js';

const FIXTURE = 'codex-0.169-tool-turn.jsonl';
const THREAD_ID = '01a228d8-08a4-70a2-8806-0c2fd7218eba';
const PLACEHOLDER = '<Codex base instructions: removed from this fixture>';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function codexHome(): Promise<{ home: string; path: string }> {
  const { home, cleanup } = await tempHome('turnstate-codex-fixture-');
  cleanups.push(cleanup);
  const dir = join(home, 'sessions', '2026', '11', '29');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `rollout-2026-11-29T19-46-16-${THREAD_ID}.jsonl`);
  await copyFile(fixturePath(FIXTURE), path);
  return { home, path };
}

async function server(): Promise<MockResponsesServer> {
  const s = await startMockResponsesServer([{ events: [ev.created('r1'), ev.assistantMessage('m1', 'Resumed.'), ev.completed('r1')] }]);
  cleanups.push(() => s.close());
  return s;
}

describe('a Codex 0.169 rollout', () => {
  it('is read with its ordinals, and the line kinds turnstate does not read are skipped and counted by kind', async () => {
    const rollout = loadRollout(await readFixture(FIXTURE), FIXTURE);
    expect(rollout.threadId).toBe(THREAD_ID);
    expect(rollout.meta).toMatchObject({ source: 'exec', model_provider: 'mock', history_mode: 'paginated', base_instructions: { text: PLACEHOLDER } });
    expect(rollout.lastOrdinal).toBe(20);
    expect(rollout.lines.map((line) => line.ordinal)).toEqual([0, 1, 2, 3, 5, 7, 8, 9, 10, 11, 14, 15, 16, 17, 19, 20]);
    expect(rollout.skipped.map(({ line, reason, kind }) => [line, reason, kind])).toEqual([
      [5, 'unknown_kind', 'world_state'],
      [7, 'unknown_kind', 'event_msg:thread_settings_applied'],
      [13, 'unknown_kind', 'token_usage_record'],
      [14, 'unknown_kind', 'event_msg:item_completed(item.type=CommandExecution)'],
      [19, 'unknown_kind', 'token_usage_record'],
    ]);
    expect(describeSkipped(rollout.skipped)).toBe(
      'world_state ×1, event_msg:thread_settings_applied ×1, token_usage_record ×2, event_msg:item_completed(item.type=CommandExecution) ×1',
    );
  });

  it('is written back with the lines of unknown kinds in place, verbatim, ordinals and all', async () => {
    const text = await readFixture(FIXTURE);
    const original = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { ordinal: number; type: string });
    const rewritten = serializeRollout(parseRolloutText(text));
    const again = rewritten.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { ordinal: number; type: string });
    expect(again.map((line) => [line.ordinal, line.type])).toEqual(original.map((line) => [line.ordinal, line.type]));
    for (const index of [4, 6, 12, 13, 18]) expect(again[index]).toEqual(original[index]);
    const reread = parseRolloutText(rewritten);
    expect([reread.lastOrdinal, describeSkipped(reread.skipped), reread.items.length]).toEqual([20, describeSkipped(loadRollout(text, FIXTURE).skipped), 16]);
  });

  it('resumes with its stored base instructions and history, and appends lines that continue its ordinals', async () => {
    const { home, path } = await codexHome();
    const before = await readFile(path, 'utf8');
    const mock = await server();
    const model = openaiModel({ model: 'gpt-5.1', baseURL: mock.url, apiKey: 'test', providerId: 'mock', requestMaxRetries: 0 });
    const thread = await createThread({ model, store: new JsonlThreadStore({ home }), home, resume: { threadId: THREAD_ID } });
    const warnings: string[] = [];
    await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'And now?' }] });
    for await (const { msg } of thread.events()) {
      if (msg.type === 'warning') warnings.push(msg.message);
      if (msg.type === 'task_complete') break;
    }
    await thread.shutdown();

    const body = mock.requests[0]?.body as { instructions: string; input: Array<{ type: string; role?: string; call_id?: string }> };
    expect(body.instructions).toBe(PLACEHOLDER);
    expect(body.input.slice(0, 7).map((item) => `${item.type}:${item.role ?? item.call_id ?? ''}`)).toEqual([
      'message:developer',
      'message:user',
      'message:user',
      'reasoning:',
      'function_call:call_c1',
      'function_call_output:call_c1',
      'message:assistant',
    ]);
    expect(warnings).toEqual([
      'Skipped rollout lines of kinds this engine does not read (world_state ×1, event_msg:thread_settings_applied ×1, token_usage_record ×2, event_msg:item_completed(item.type=CommandExecution) ×1); they stay in the file.',
    ]);

    const after = await readFile(path, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    const appended = after.slice(before.length).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(appended.length).toBeGreaterThan(3);
    expect(appended.map((line) => line.ordinal)).toEqual(appended.map((_, i) => 21 + i));
    expect(Object.keys(appended[0] ?? {})).toEqual(['timestamp', 'ordinal', 'type', 'payload']);
    expect(parseRolloutText(after).lastOrdinal).toBe(20 + appended.length);
  });
});
