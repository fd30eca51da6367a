/**
 * SPEC §14 items 43–46: resuming replays the persisted events, restores exactly the history
 * the model saw, warns about a model change and continues the token accounting.
 */
import { appendFileSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, type EventMsg } from 'turnstate';
import { openaiModel } from 'turnstate/openai';
import { ev, scriptedModel, scriptedTurn, startMockResponsesServer, type MockResponsesServer, type MockScript } from 'turnstate/testing';
import { shouldPersist } from '../../src/persistence/index.js';
import { cleanUp, freshHome, liveHistory, open, rawLines, runTurn, userTurn, usage, userMsg, assistantMsg } from './support.js';

const servers: MockResponsesServer[] = [];
afterEach(async () => {
  await cleanUp();
  for (const server of servers.splice(0)) await server.close();
});

async function mockModel(script: MockScript) {
  const server = await startMockResponsesServer(script);
  servers.push(server);
  return { server, model: openaiModel({ model: 'gpt-test', baseURL: server.url, apiKey: 'test', requestMaxRetries: 0 }) };
}

const persisted = (msg: EventMsg) => shouldPersist({ type: 'event_msg', payload: msg }, 'limited');

describe('resume', () => {
  it('§14.43 replays the persisted events into session_configured.initial_messages in their original order', async () => {
    const home = await freshHome();
    const { model } = await mockModel([
      {
        headers: { 'x-codex-primary-used-percent': '12.5', 'x-codex-primary-window-minutes': '300' },
        events: [ev.created('r1'), ev.messageAdded('m1'), ev.textDelta('Hello'), ev.assistantMessage('m1', 'Hello'), ev.completed('r1', { input_tokens: 10, output_tokens: 2, total_tokens: 12 })],
      },
    ]);
    const first = await open({ home, model });
    await userTurn(first, 'turn-1', 'hi');
    await first.thread.shutdown();

    const resumed = await open({ home, model, resume: { threadId: first.thread.id } });

    const configured = resumed.log.ofType('session_configured')[0];
    const replayed = (configured?.initial_messages ?? []) as EventMsg[];
    expect(replayed.map((m) => m.type)).toEqual(['task_started', 'user_message', 'token_count', 'agent_message', 'token_count', 'task_complete']);
    expect(replayed).toEqual(first.log.events.map((e) => e.msg).filter(persisted));
    expect(configured).toMatchObject({ session_id: first.thread.id, rollout_path: first.thread.rolloutPath, forked_from_id: null });
    expect(resumed.log.types()).toEqual(['session_configured']);
  });

  it('§14.44 the next request after stop + resume equals the one a never-stopped thread sends (tool call, interrupt, compaction)', async () => {
    const add = defineTool({ name: 'add', description: 'Adds', parameters: z.object({ a: z.number(), b: z.number() }), execute: ({ a, b }) => String(a + b) });
    const script = (): MockScript => [
      { events: [ev.created('r1'), ev.reasoning('rs1', ['thinking']), ev.functionCall('call_1', 'add', '{"a":1,"b":2}'), ev.completed('r1', { input_tokens: 50, total_tokens: 50 })] },
      { events: [ev.created('r2'), ev.assistantMessage('m2', 'It is 3.'), ev.completed('r2', { input_tokens: 60, total_tokens: 60 })] },
      { events: [ev.created('r3'), ev.assistantMessage('m3', 'half an')], hold: true },
      { events: [ev.created('r4'), ev.assistantMessage('m4', 'SUMMARY: added numbers'), ev.completed('r4')] },
      { events: [ev.created('r5'), ev.assistantMessage('m5', 'second answer'), ev.completed('r5')] },
      { events: [ev.created('r6'), ev.assistantMessage('m6', 'third answer'), ev.completed('r6')] },
    ];
    const threadId = '01a1fe10-0000-7000-8000-00000000c0de';
    const session = async (home: string, model: ReturnType<typeof openaiModel>, resumeBeforeLast: boolean) => {
      let s = await open({ home, model, tools: [add], threadId });
      await userTurn(s, 'turn-1', 'add 1 and 2');
      await s.thread.submitWithId({ id: 'turn-2', op: { type: 'user_input', items: [{ type: 'text', text: 'explain' }] } });
      await s.log.until((e) => e.msg.type === 'agent_message' && e.id === 'turn-2');
      await s.thread.submit({ type: 'interrupt' });
      await s.log.until((e) => e.msg.type === 'turn_aborted' && e.id === 'turn-2');
      await runTurn(s, 'compact-1', { type: 'compact' });
      await userTurn(s, 'turn-3', 'again');
      if (resumeBeforeLast) {
        await s.thread.shutdown();
        s = await open({ home, model, tools: [add], resume: { threadId } });
      }
      await userTurn(s, 'turn-4', 'last one');
      return s;
    };

    const never = await mockModel(script());
    await session(await freshHome(), never.model, false);
    const resumed = await mockModel(script());
    const home = await freshHome();
    const s = await session(home, resumed.model, true);

    expect(resumed.server.requests).toHaveLength(6);
    expect(resumed.server.requests.map((r) => r.body)).toEqual(never.server.requests.map((r) => r.body));
    const last = resumed.server.requests[5]?.body as { input: unknown[] };
    expect(last.input.slice(0, 3)).toEqual([userMsg('add 1 and 2'), userMsg('explain'), expect.objectContaining({ role: 'user' })]);
    expect(last.input.at(-1)).toEqual(userMsg('last one'));
    expect(readdirSync(dirname(s.thread.rolloutPath ?? ''))).toHaveLength(1);
  });

  it('§14.45 resuming with a different model warns, naming both models', async () => {
    const home = await freshHome();
    const first = await open({ home, model: scriptedModel([scriptedTurn.reply('hi')], { model: 'gpt-old' }) });
    await userTurn(first, 'turn-1', 'hello');
    await first.thread.shutdown();

    const resumed = await open({ home, model: scriptedModel([], { model: 'gpt-new' }), resume: { path: first.thread.rolloutPath ?? '' } });
    await resumed.thread.whenProcessed();

    expect(resumed.log.events.map((e) => [e.id, e.msg.type])).toEqual([
      ['', 'session_configured'],
      ['', 'warning'],
    ]);
    expect(resumed.log.ofType('warning')[0]?.message).toBe(
      'This thread was recorded with model `gpt-old` but is resuming with `gpt-new`. Expect some differences in behaviour.',
    );
  });

  it('§14.45 resuming with the same model does not warn', async () => {
    const home = await freshHome();
    const first = await open({ home, model: scriptedModel([scriptedTurn.reply('hi')], { model: 'gpt-a' }) });
    await userTurn(first, 'turn-1', 'hello');
    await first.thread.shutdown();

    const resumed = await open({ home, model: scriptedModel([], { model: 'gpt-a' }), resume: { threadId: first.thread.id } });
    await resumed.thread.whenProcessed();

    expect(resumed.log.types()).toEqual(['session_configured']);
  });

  it('§14.46 seeds token usage from the last persisted token_count', async () => {
    const home = await freshHome();
    const first = await open({ home, model: scriptedModel([scriptedTurn.reply('a', { usage: usage(100, 20) }), scriptedTurn.reply('b', { usage: usage(300, 5) })]) });
    await userTurn(first, 'turn-1', 'one');
    await userTurn(first, 'turn-2', 'two');
    await first.thread.shutdown();

    const resumed = await open({ home, model: scriptedModel([scriptedTurn.reply('c', { usage: usage(7, 3) })]), resume: { threadId: first.thread.id } });
    const events = await userTurn(resumed, 'turn-3', 'three');

    const counts = events.flatMap((e) => (e.msg.type === 'token_count' ? [e.msg.info] : []));
    expect(counts).toEqual([{ total_token_usage: usage(407, 28), last_token_usage: usage(7, 3), model_context_window: null }]);
  });

  it('a torn last line is skipped and reported; the thread resumes and appends after it', async () => {
    const home = await freshHome();
    const first = await open({ home, model: scriptedModel([scriptedTurn.reply('a')]) });
    await userTurn(first, 'turn-1', 'one');
    await first.thread.shutdown();
    const path = first.thread.rolloutPath ?? '';
    appendFileSync(path, '{"timestamp":"2026-01-01T00:00:00.000Z","type":"event_msg","payl');

    const resumed = await open({ home, model: scriptedModel([scriptedTurn.reply('b')]), resume: { threadId: first.thread.id } });
    await userTurn(resumed, 'turn-2', 'two');
    await resumed.thread.shutdown();

    expect(resumed.log.ofType('warning').map((w) => w.message)).toEqual(['Skipped 1 unreadable line(s) while loading the rollout.']);
    expect(liveHistory(resumed.thread).slice(-4)).toEqual([userMsg('one'), assistantMsg('a'), userMsg('two'), assistantMsg('b')]);
    const lines = rawLines(path);
    expect(lines.filter((l) => !l.endsWith('}'))).toEqual(['{"timestamp":"2026-01-01T00:00:00.000Z","type":"event_msg","payl']);
    expect(lines.at(-1)).toContain('"task_complete"');
  });
});
