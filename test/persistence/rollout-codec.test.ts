import { describe, expect, it } from 'vitest';
import {
  formatRolloutTimestamp,
  JsonlThreadStore,
  loadRollout,
  parseRolloutText,
  ROLLOUT_TIMESTAMP_PATTERN,
  serializeRolloutLine,
  serializeRolloutLines,
  type RolloutLine,
} from '../../src/persistence/index.js';
import { fixturePath, readFixture, tempHome } from './support/fixtures.js';

describe('reading rollouts', () => {
  it('reads every line kind of a Codex rollout', async () => {
    const rollout = loadRollout(await readFixture('all-kinds.jsonl'), 'all-kinds');
    expect(rollout.skipped).toEqual([]);
    expect(rollout.threadId).toBe('0193e0b2-7a4c-7000-8000-00000000a001');
    expect(rollout.meta).toMatchObject({
      cwd: '/work/app',
      originator: 'codex_cli_rs',
      source: 'cli',
      base_instructions: { text: 'You are a coding agent.' },
      git: { commit_hash: '4e30281a', branch: 'main', repository_url: 'https://example.com/app.git' },
    });
    expect(new Set(rollout.items.map((item) => item.type))).toEqual(
      new Set(['session_meta', 'response_item', 'compacted', 'turn_context', 'event_msg']),
    );
    expect(rollout.items.map((item) => (item.type === 'response_item' ? item.payload.type : null)).filter(Boolean)).toEqual([
      'message',
      'message',
      'message',
      'reasoning',
      'function_call',
      'function_call_output',
      'custom_tool_call',
      'custom_tool_call_output',
      'message',
    ]);
    expect(rollout.lines[0]?.timestamp).toBe('2026-04-25T10:00:00.000Z');
  });

  it('round-trips: what it writes reads back to the same items', async () => {
    const first = parseRolloutText(await readFixture('all-kinds.jsonl'));
    const again = parseRolloutText(serializeRolloutLines(first.lines));
    expect(again.items).toEqual(first.items);
    expect(again.skipped).toEqual([]);
  });

  it('skips a torn last line and reports it', async () => {
    const rollout = loadRollout(await readFixture('torn-last-line.jsonl'), 'torn');
    expect(rollout.items.map((item) => item.type)).toEqual(['session_meta', 'event_msg', 'response_item', 'event_msg']);
    expect(rollout.skipped).toEqual([{ line: 5, reason: 'torn_line', message: expect.stringContaining('unterminated last line') }]);
  });

  it('skips and counts lines that are not JSON, of unknown kinds, or of the wrong shape', async () => {
    const rollout = loadRollout(await readFixture('garbage-lines.jsonl'), 'garbage');
    expect(rollout.skipped.map(({ line, reason }) => [line, reason])).toEqual([
      [2, 'invalid_json'],
      [4, 'invalid_line'],
      [5, 'invalid_line'],
      [6, 'unknown_kind'],
      [7, 'invalid_payload'],
      [8, 'unknown_kind'],
      [9, 'invalid_payload'],
      [13, 'unknown_kind'],
      [14, 'invalid_line'],
      [16, 'invalid_payload'],
    ]);
    expect(rollout.items.map((item) => `${item.type}:${String((item.payload as { type?: unknown }).type ?? '')}`)).toEqual([
      'session_meta:',
      'event_msg:task_started',
      'response_item:message',
      'response_item:other',
      'event_msg:user_message',
      'event_msg:task_complete',
    ]);
    expect(rollout.skipped.find((s) => s.line === 7)?.message).toContain('turn_id');
  });

  it('throws a typed error for an empty file', async () => {
    const empty = await readFixture('empty.jsonl');
    expect(() => loadRollout(empty, 'empty.jsonl')).toThrowError(
      expect.objectContaining({ code: 'rollout_empty', fault: 'host' }),
    );
    expect(() => loadRollout('\n\n  \n', 'blank')).toThrowError(expect.objectContaining({ code: 'rollout_empty' }));
  });

  it('throws a typed error when no session_meta line parses', async () => {
    const text = await readFixture('no-session-meta.jsonl');
    expect(() => loadRollout(text, 'no-meta')).toThrowError(
      expect.objectContaining({ code: 'rollout_missing_session_meta', skipped: [expect.objectContaining({ line: 3, reason: 'invalid_payload' })] }),
    );
  });

  it('names a rollout of an older, envelope-less format instead of guessing', async () => {
    const text = await readFixture('old-format.jsonl');
    expect(() => loadRollout(text, 'old.jsonl')).toThrowError(
      expect.objectContaining({ code: 'rollout_unsupported_format', fault: 'host', message: expect.stringContaining('older rollout version') }),
    );
  });

  it('accepts the turn_started / turn_complete aliases', () => {
    const text = '{"timestamp":"2026-04-25T10:00:00.000Z","type":"event_msg","payload":{"type":"turn_started","turn_id":"t1"}}\n';
    expect(parseRolloutText(text).items).toEqual([
      { type: 'event_msg', payload: { type: 'task_started', turn_id: 't1', collaboration_mode_kind: 'default' } },
    ]);
  });

  it('reads a rollout by path through the file store', async () => {
    const { home, cleanup } = await tempHome();
    try {
      const rollout = await new JsonlThreadStore({ home }).read(fixturePath('garbage-lines.jsonl'));
      expect(rollout.threadId).toBe('0193e0b2-7a4c-7000-8000-00000000a003');
      expect(rollout.skipped).toHaveLength(10);
      expect(rollout.archived).toBe(false);
    } finally {
      await cleanup();
    }
  });
});

describe('writing rollouts', () => {
  it('formats timestamps as UTC with milliseconds', () => {
    expect(formatRolloutTimestamp(new Date(Date.UTC(2026, 3, 25, 9, 5, 7, 42)))).toBe('2026-04-25T09:05:07.042Z');
    expect(ROLLOUT_TIMESTAMP_PATTERN.test(formatRolloutTimestamp(new Date()))).toBe(true);
  });

  it('writes timestamp, type, payload on one newline-terminated line', () => {
    const line = serializeRolloutLine({
      timestamp: '2026-04-25T10:00:00.000Z',
      type: 'event_msg',
      payload: { type: 'agent_message', message: 'two\nlines' },
    });
    expect(line).toBe('{"timestamp":"2026-04-25T10:00:00.000Z","type":"event_msg","payload":{"type":"agent_message","message":"two\\nlines"}}\n');
  });

  it('writes the same text as stringifying the whole envelope, ordinal after the timestamp', () => {
    const lines: RolloutLine[] = [
      { timestamp: '2026-04-25T10:00:00.000Z', type: 'event_msg', payload: { type: 'agent_message', message: 'quotes " \\ é € 😀 \u2028 \ud800 \u0001' } },
      { timestamp: '2026-04-25T10:00:00.001Z', ordinal: 7, type: 'compacted', payload: { message: 's', replacement_history: [] } },
      { timestamp: '2026-04-25T10:00:00.002Z', ordinal: 0, type: 'turn_context', payload: { cwd: '/w', approval_policy: 'never', sandbox_policy: { type: 'read-only' }, model: 'm', summary: 'auto' } },
    ] as RolloutLine[];
    for (const line of lines) {
      const { timestamp, ordinal, type, payload } = line;
      const envelope = ordinal === undefined ? { timestamp, type, payload } : { timestamp, ordinal, type, payload };
      expect(serializeRolloutLine(line)).toBe(`${JSON.stringify(envelope)}\n`);
    }
    expect(serializeRolloutLines(lines)).toBe(lines.map((line) => serializeRolloutLine(line)).join(''));
    expect(parseRolloutText(serializeRolloutLines(lines)).lines.map((l) => l.ordinal)).toEqual([undefined, 7, 0]);
  });
});
