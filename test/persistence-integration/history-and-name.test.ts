/**
 * The message-history ops (`add_to_history`, `get_history_entry_request`) against the home's
 * history file, and `set_thread_name` persisting `thread_name_updated` (SPEC §14.71).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import { cleanUp, freshHome, lineKind, open, readLines, runOp, userTurn } from './support.js';

afterEach(cleanUp);

describe('message history ops', () => {
  it('add_to_history appends; get_history_entry_request finds entries by offset and log id; new threads see the count', async () => {
    const home = await freshHome();
    const writer = await open({ home });
    const firstConfigured = writer.log.ofType('session_configured')[0];

    const added = [...(await runOp(writer, 'add-1', { type: 'add_to_history', text: 'fix the build' })), ...(await runOp(writer, 'add-2', { type: 'add_to_history', text: 'run the tests' }))];
    const logId = statSync(join(home, 'history.jsonl')).ino;
    const reader = await open({ home });
    const configured = reader.log.ofType('session_configured')[0];
    const found = await runOp(reader, 'get-1', { type: 'get_history_entry_request', offset: 1, log_id: logId });
    const first = await runOp(reader, 'get-0', { type: 'get_history_entry_request', offset: 0, log_id: logId });
    const outOfRange = await runOp(reader, 'get-9', { type: 'get_history_entry_request', offset: 9, log_id: logId });
    const otherLog = await runOp(reader, 'get-x', { type: 'get_history_entry_request', offset: 0, log_id: logId + 1 });

    expect([firstConfigured?.history_log_id, firstConfigured?.history_entry_count]).toEqual([0, 0]);
    expect(added).toEqual([]);
    expect([configured?.history_log_id, configured?.history_entry_count]).toEqual([logId, 2]);
    const entry = (text: string) => ({ conversation_id: writer.thread.id, ts: expect.any(Number), text });
    expect(found.map((e) => e.msg)).toEqual([{ type: 'get_history_entry_response', offset: 1, log_id: logId, entry: entry('run the tests') }]);
    expect(first.map((e) => e.msg)).toEqual([{ type: 'get_history_entry_response', offset: 0, log_id: logId, entry: entry('fix the build') }]);
    expect(outOfRange.map((e) => e.msg)).toEqual([{ type: 'get_history_entry_response', offset: 9, log_id: logId, entry: null }]);
    expect(otherLog.map((e) => e.msg)).toEqual([{ type: 'get_history_entry_response', offset: 0, log_id: logId + 1, entry: null }]);
    expect(existsSync(join(home, 'sessions'))).toBe(false);
  });
});

describe('set_thread_name', () => {
  it('§14.71 emits and persists thread_name_updated once (materialising the rollout); an empty name is refused', async () => {
    const home = await freshHome();
    const s = await open({ home, model: scriptedModel([scriptedTurn.reply('ok')]) });

    const empty = await runOp(s, 'name-0', { type: 'set_thread_name', name: '   ' });
    const noFileAfterEmpty = !existsSync(s.thread.rolloutPath ?? '');
    const named = await runOp(s, 'name-1', { type: 'set_thread_name', name: '  Fix the build  ' });
    await userTurn(s, 'turn-1', 'go');
    await s.thread.shutdown();

    expect(empty.map((e) => e.msg)).toEqual([{ type: 'error', message: 'Thread name cannot be empty.', codex_error_info: 'bad_request' }]);
    expect(noFileAfterEmpty).toBe(true);
    expect(named.map((e) => e.msg)).toEqual([{ type: 'thread_name_updated', thread_id: s.thread.id, thread_name: 'Fix the build' }]);
    const lines = readLines(s.thread.rolloutPath ?? '');
    expect(lines.slice(0, 3).map(lineKind)).toEqual(['session_meta', 'event:thread_name_updated', 'event:task_started']);
    expect(lines.filter((l) => l.payload.type === 'thread_name_updated').map((l) => l.payload)).toEqual([
      { type: 'thread_name_updated', thread_id: s.thread.id, thread_name: 'Fix the build' },
    ]);
  });

  it('a resumed thread reports its persisted name in session_configured', async () => {
    const home = await freshHome();
    const s = await open({ home, model: scriptedModel([scriptedTurn.reply('ok')]) });
    await runOp(s, 'name-1', { type: 'set_thread_name', name: 'Fix the build' });
    await s.thread.shutdown();

    const resumed = await open({ home, resume: { threadId: s.thread.id } });

    expect(resumed.log.ofType('session_configured')[0]?.thread_name).toBe('Fix the build');
  });
});
