/**
 * SPEC §14 items 37–42: where and when the rollout file appears, its line shape, what it
 * keeps, its `turn_context` and `compacted` lines, and that it is flushed before the events
 * that promise durability are delivered.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, TURN_ABORTED_MARKER_TEXT } from 'turnstate';
import { openaiModel } from 'turnstate/openai';
import { ev, scriptedModel, scriptedTurn, startMockResponsesServer, type MockResponsesServer } from 'turnstate/testing';
import { SUMMARY_PREFIX } from '../../src/history/index.js';
import { assistantMsg, cleanUp, freshHome, lineKind, liveHistory, open, rawLines, readLines, runOp, runTurn, say, userMsg, userTurn, type Line } from './support.js';

let server: MockResponsesServer | undefined;
const savedTz = process.env.TZ;
afterEach(async () => {
  await cleanUp();
  await server?.close();
  server = undefined;
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('the rollout file', () => {
  it('§14.37 is created lazily at sessions/YYYY/MM/DD/rollout-<local time>-<id>.jsonl on the first prompt', async () => {
    process.env.TZ = 'America/Los_Angeles';
    const home = await freshHome();
    const createdAt = Date.UTC(2026, 0, 2, 3, 4, 5, 678); // 2026-01-01 19:04:05 in Los Angeles
    const s = await open({ home, model: scriptedModel([scriptedTurn.reply('Hello!')]), clock: { now: () => createdAt } });
    const expected = join(home, 'sessions', '2026', '01', '01', `rollout-2026-01-01T19-04-05-${s.thread.id}.jsonl`);

    await runOp(s, 'ctx', { type: 'override_turn_context', cwd: '/var' });
    await runOp(s, 'hist', { type: 'add_to_history', text: 'not a prompt' });
    const beforePrompt = existsSync(join(home, 'sessions'));
    await userTurn(s, 'turn-1', 'hi');

    expect(s.thread.rolloutPath).toBe(expected);
    expect(s.log.ofType('session_configured')[0]?.rollout_path).toBe(expected);
    expect(beforePrompt).toBe(false);
    expect(existsSync(expected)).toBe(true);
    expect(readLines(expected)[0]?.payload).toMatchObject({ id: s.thread.id, timestamp: '2026-01-02T03:04:05.678Z' });
  });

  it('§14.37 a thread that never got a prompt leaves no file, even after shutdown', async () => {
    const home = await freshHome();
    const s = await open({ home, model: scriptedModel([]) });

    await runOp(s, 'ctx', { type: 'override_turn_context', cwd: '/var' });
    await runOp(s, 'bad', { type: 'user_input', items: [] });
    await s.thread.shutdown();

    expect(s.log.types()).toEqual(['session_configured', 'error', 'shutdown_complete']);
    expect(s.thread.rolloutPath).not.toBeNull();
    expect(existsSync(s.thread.rolloutPath ?? '')).toBe(false);
    expect(readdirSync(home)).toEqual([]);
  });

  it('§14.38 every line is {"timestamp": UTC ms Z, "type", "payload"} and the first is session_meta', async () => {
    const home = await freshHome();
    const startedAt = Date.now();
    const s = await open({ home, model: scriptedModel([scriptedTurn.reply('one'), scriptedTurn.reply('two')]) });
    await userTurn(s, 'turn-1', 'first');
    await userTurn(s, 'turn-2', 'second');
    await s.thread.shutdown();
    const endedAt = Date.now();

    const raw = rawLines(s.thread.rolloutPath ?? '');
    const lines = raw.map((l) => JSON.parse(l) as Line);
    expect(raw.length).toBeGreaterThan(10);
    for (const [i, text] of raw.entries()) {
      expect(text, `line ${i + 1}`).toMatch(/^\{"timestamp":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z","type":"(session_meta|response_item|compacted|turn_context|event_msg)","payload":\{/);
    }
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['timestamp', 'type', 'payload']);
      const at = Date.parse(line.timestamp);
      expect(at).toBeGreaterThanOrEqual(Math.floor(startedAt / 1000) * 1000);
      expect(at).toBeLessThanOrEqual(endedAt);
    }
    expect(lines.map((l) => l.type).filter((t) => t === 'session_meta')).toEqual(['session_meta']);
    expect(lines[0]).toMatchObject({
      type: 'session_meta',
      payload: { id: s.thread.id, forked_from_id: null, cwd: '/tmp', originator: 'turnstate', cli_version: '0.1.0', source: 'unknown', model_provider: 'scripted' },
    });
  });

  it('§14.39 keeps turn events and every response item; never deltas, raw items, warnings, stream errors, approvals or begin events', async () => {
    const deploy = defineTool({
      name: 'deploy',
      description: 'Deploys after an exec approval',
      parameters: z.object({}),
      async execute(_args, { callId, turn }) {
        const command = ['deploy', '--prod'];
        turn.emit({ type: 'exec_command_begin', call_id: callId, turn_id: turn.turnId, command, cwd: '/tmp', parsed_cmd: [], source: 'agent' });
        turn.emit({ type: 'exec_approval_request', call_id: callId, turn_id: turn.turnId, command, cwd: '/tmp', parsed_cmd: [] });
        const decision = await turn.requestApproval({ approvalId: callId, kind: 'exec' });
        turn.emit({
          type: 'exec_command_end',
          call_id: callId,
          turn_id: turn.turnId,
          command,
          cwd: '/tmp',
          parsed_cmd: [],
          source: 'agent',
          stdout: 'deployed\n',
          stderr: '',
          aggregated_output: 'deployed\n',
          exit_code: 0,
          duration: { secs: 0, nanos: 1 },
          formatted_output: 'deployed\n',
          status: 'completed',
        });
        return `deploy ${decision}`;
      },
    });
    server = await startMockResponsesServer([
      {
        headers: { 'x-codex-primary-used-percent': '12.5', 'x-codex-primary-window-minutes': '300' },
        events: [
          ev.created('r1'),
          ev.messageAdded('m1'),
          ev.textDelta('Deploying'),
          ev.assistantMessage('m1', 'Deploying'),
          ev.functionCall('call_1', 'deploy', '{}'),
          ev.completed('r1', { input_tokens: 10, output_tokens: 2, total_tokens: 12 }),
        ],
      },
      { events: [ev.created('r2')], closeEarly: true },
      { events: [ev.created('r3'), ev.assistantMessage('m3', 'Deployed.'), ev.completed('r3', { input_tokens: 20, total_tokens: 20 })] },
      { events: [ev.created('r4'), ev.assistantMessage('m4', 'SUMMARY'), ev.completed('r4')] },
    ]);
    const model = openaiModel({ model: 'gpt-test', baseURL: server.url, apiKey: 'test', requestMaxRetries: 0 });
    const s = await open({ home: await freshHome(), model, tools: [deploy], engine: { sleep: async () => undefined, random: () => 0.5 } });

    await s.thread.submitWithId({ id: 'turn-1', op: say('ship it') });
    await s.log.untilType('exec_approval_request');
    await s.thread.submit({ type: 'exec_approval', id: 'call_1', decision: 'approved' });
    await s.log.until((e) => e.msg.type === 'task_complete' && e.id === 'turn-1');
    await runTurn(s, 'compact-1', { type: 'compact' });
    await s.thread.shutdown();

    const lines = readLines(s.thread.rolloutPath ?? '');
    expect(lines.map(lineKind)).toEqual([
      'session_meta',
      'event:task_started',
      'developer:<permissions instructions>…',
      'user:<environment_context>…',
      'turn_context',
      'user:ship it',
      'event:user_message',
      'event:token_count',
      'event:agent_message',
      'assistant:Deploying',
      'function_call:call_1',
      'event:token_count',
      'function_call_output:call_1',
      'event:agent_message',
      'assistant:Deployed.',
      'event:token_count',
      'event:task_complete',
      'event:task_started',
      'event:token_count',
      'compacted',
      'event:token_count',
      'event:context_compacted',
      'event:task_complete',
    ]);
    const emitted = new Set(s.log.types({ keepRaw: true, keepDeltas: true }));
    const persisted = new Set(lines.filter((l) => l.type === 'event_msg').map((l) => l.payload.type));
    const neverPersisted = [
      'session_configured',
      'agent_message_delta',
      'agent_message_content_delta',
      'raw_response_item',
      'warning',
      'stream_error',
      'exec_approval_request',
      'exec_command_begin',
      'exec_command_end',
      'item_started',
      'item_completed',
      'shutdown_complete',
    ];
    expect(neverPersisted.filter((t) => emitted.has(t))).toEqual(neverPersisted);
    expect(neverPersisted.filter((t) => persisted.has(t))).toEqual([]);
    expect(lines.find((l) => l.type === 'response_item' && l.payload.type === 'function_call_output')?.payload).toEqual({
      type: 'function_call_output',
      call_id: 'call_1',
      output: 'deploy approved',
    });
  });

  it('§14.39 extended mode also keeps errors and a sanitised exec_command_end', async () => {
    const run = defineTool({
      name: 'run',
      description: 'Pretends to run a command',
      parameters: z.object({}),
      execute(_args, { callId, turn }) {
        const base = { call_id: callId, turn_id: turn.turnId, command: ['ls'], cwd: '/tmp', parsed_cmd: [], source: 'agent' as const };
        turn.emit({ type: 'exec_command_begin', ...base });
        turn.emit({
          type: 'exec_command_end',
          ...base,
          stdout: 'a\nb\n',
          stderr: 'warn\n',
          aggregated_output: 'a\nb\nwarn\n',
          exit_code: 0,
          duration: { secs: 0, nanos: 5 },
          formatted_output: 'a\nb\n',
          status: 'completed',
        });
        return 'a\nb\n';
      },
    });
    const model = scriptedModel([scriptedTurn.functionCall('call_1', 'run', '{}'), [{ error: new Error('boom') }]], {});
    const s = await open({ home: await freshHome(), model, tools: [run], persistence: 'extended', engine: { streamMaxRetries: 0 } });

    await userTurn(s, 'turn-1', 'list');
    await s.thread.shutdown();

    const events = readLines(s.thread.rolloutPath ?? '').filter((l) => l.type === 'event_msg');
    expect(events.map((l) => l.payload.type)).toEqual(['task_started', 'user_message', 'exec_command_end', 'token_count', 'error', 'task_complete']);
    expect(events[2]?.payload).toMatchObject({ aggregated_output: 'a\nb\nwarn\n', stdout: '', stderr: '', formatted_output: '' });
  });

  it('§14.40 persists one turn_context per real user turn, and one more after a mid-turn compaction', async () => {
    const model = scriptedModel([
      scriptedTurn.reply('one'),
      scriptedTurn.reply('SUMMARY'),
      scriptedTurn.functionCall('call_1', 'noop', '{}', { usage: { input_tokens: 5_000, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 5_000 } }),
      scriptedTurn.reply('SUMMARY 2'),
      scriptedTurn.reply('three'),
    ]);
    const noop = defineTool({ name: 'noop', description: 'Does nothing', parameters: z.object({}), execute: () => 'ok' });
    // The compaction points below are set by token estimates that count the base instructions;
    // a short prompt keeps them independent of the default prompt's length.
    const s = await open({ home: await freshHome(), model, tools: [noop], baseInstructions: 'You are a test agent.', engine: { autoCompactTokenLimit: 1_000 } });

    await userTurn(s, 'turn-1', 'first');
    await runTurn(s, 'compact-1', { type: 'compact' });
    await userTurn(s, 'turn-2', 'second');
    await s.thread.shutdown();

    const lines = readLines(s.thread.rolloutPath ?? '');
    const contexts = lines.filter((l) => l.type === 'turn_context');
    expect(contexts.map((l) => l.payload.turn_id)).toEqual(['turn-1', 'turn-2', 'turn-2']);
    expect(lines.map(lineKind).filter((k) => k === 'turn_context' || k === 'compacted' || k === 'event:task_started')).toEqual([
      'event:task_started',
      'turn_context',
      'event:task_started',
      'compacted',
      'event:task_started',
      'turn_context',
      'compacted',
      'turn_context',
    ]);
    expect(contexts[0]?.payload).toMatchObject({ cwd: '/tmp', model: 'scripted-model', approval_policy: 'on-request', summary: 'auto' });
  });

  it('§14.41 compaction persists a compacted line whose replacement_history is the new history', async () => {
    const model = scriptedModel([scriptedTurn.reply('an answer'), scriptedTurn.reply('SUMMARY: asked a question')]);
    const s = await open({ home: await freshHome(), model });

    await userTurn(s, 'turn-1', 'first question');
    await runTurn(s, 'compact-1', { type: 'compact' });
    const history = liveHistory(s.thread);
    await s.thread.shutdown();

    const compacted = readLines(s.thread.rolloutPath ?? '').filter((l) => l.type === 'compacted');
    const expected = [userMsg('first question'), userMsg(`${SUMMARY_PREFIX}\nSUMMARY: asked a question`)];
    expect(compacted.map((l) => l.payload)).toEqual([{ message: 'SUMMARY: asked a question', replacement_history: expected }]);
    expect(history).toEqual(expected);
  });

  it('§14.42 on delivery of task_complete everything before it is in the file; on turn_aborted the marker is', async () => {
    const model = scriptedModel([scriptedTurn.reply('done'), [{ type: 'created' }, { type: 'output_item_done', item: assistantMsg('partial', 'msg_2') }, { hang: true }]]);
    const s = await open({ home: await freshHome(), model });
    const path = s.thread.rolloutPath ?? '';
    const seen: Record<string, string[]> = {};
    s.thread.onEvent(({ msg }) => {
      if (msg.type === 'task_complete' || msg.type === 'turn_aborted') seen[msg.type] = rawLines(path);
    });

    await userTurn(s, 'turn-1', 'finish');
    await s.thread.submitWithId({ id: 'turn-2', op: say('stop me') });
    await s.log.until((e) => e.msg.type === 'agent_message' && e.id === 'turn-2');
    await s.thread.submit({ type: 'interrupt' });
    await s.log.until((e) => e.msg.type === 'turn_aborted' && e.id === 'turn-2');
    await s.thread.shutdown();

    const all = rawLines(path);
    const at = (type: string) => all.findIndex((l) => (JSON.parse(l) as Line).payload.type === type);
    const atComplete = at('task_complete');
    const atAborted = at('turn_aborted');
    expect(seen.task_complete?.slice(0, atComplete)).toEqual(all.slice(0, atComplete));
    expect(seen.turn_aborted?.slice(0, atAborted)).toEqual(all.slice(0, atAborted));
    expect(seen.turn_aborted?.map((l) => lineKind(JSON.parse(l) as Line)).slice(atComplete + 1, atAborted)).toEqual([
      'event:task_started',
      'turn_context',
      'user:stop me',
      'event:user_message',
      'event:agent_message',
      'assistant:partial',
      'user:<turn_aborted>…',
    ]);
    expect((JSON.parse(all[atAborted - 1] ?? '{}') as Line).payload).toEqual(userMsg(TURN_ABORTED_MARKER_TEXT));
  });
});
