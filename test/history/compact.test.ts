import { describe, expect, it } from 'vitest';
import {
  buildCompactedHistory,
  collectUserMessages,
  EMPTY_SUMMARY_TEXT,
  insertInitialContextBeforeLastUserMessage,
  isSummaryMessage,
  SUMMARIZATION_PROMPT,
  SUMMARY_PREFIX,
  utf8Length,
} from '../../src/history/index.js';
import { assistant, developer, envContext, interAgent, user } from './fixtures.js';

const summary = (text: string) => user(`${SUMMARY_PREFIX}\n${text}`);

describe('prompts', () => {
  it('are non-empty, single-purpose texts', () => {
    expect(SUMMARIZATION_PROMPT).toMatch(/handoff/);
    expect(SUMMARY_PREFIX).not.toContain('\n');
  });
});

describe('collectUserMessages', () => {
  it('keeps real user text only, oldest first', () => {
    const items = [developer('<permissions instructions>'), envContext(), user('one'), assistant('a'), summary('old'), interAgent('mail'), user('two')];
    expect(collectUserMessages(items)).toEqual(['one', 'two']);
  });
});

describe('isSummaryMessage', () => {
  it('recognises summaries as items and as text', () => {
    expect(isSummaryMessage(summary('x'))).toBe(true);
    expect(isSummaryMessage(`${SUMMARY_PREFIX}\nx`)).toBe(true);
    expect(isSummaryMessage(user('x'))).toBe(false);
    expect(isSummaryMessage(assistant(`${SUMMARY_PREFIX}\nx`))).toBe(false);
  });
});

describe('buildCompactedHistory', () => {
  it('keeps user messages in order and ends with the summary', () => {
    expect(buildCompactedHistory(['one', 'two'], 'did things')).toEqual([user('one'), user('two'), summary('did things')]);
  });

  it('keeps the newest messages within the budget, truncating the oldest kept one', () => {
    // 100 tokens: 'c' takes 10, 'b' 50, and 'a' (100) is cut to the 40 left (160 bytes).
    const history = buildCompactedHistory(['a'.repeat(400), 'b'.repeat(200), 'c'.repeat(40)], 's', { maxUserTokens: 100 });
    expect(history).toHaveLength(4);
    const [first, ...rest] = history;
    expect(rest).toEqual([user('b'.repeat(200)), user('c'.repeat(40)), summary('s')]);
    const truncated = first?.type === 'message' && first.content[0]?.type === 'input_text' ? first.content[0].text : '';
    expect(truncated).toMatch(/^a+\n\[… \d+ bytes truncated …\]\na+$/);
    expect(utf8Length(truncated)).toBeLessThanOrEqual(160);
    expect(utf8Length(truncated)).toBeGreaterThan(150);
  });

  it('drops older messages entirely once the budget is used up', () => {
    expect(buildCompactedHistory(['old', 'x'.repeat(40)], 's', { maxUserTokens: 10 })).toEqual([user('x'.repeat(40)), summary('s')]);
  });

  it('uses a placeholder for an empty summary', () => {
    expect(buildCompactedHistory([], '  ')).toEqual([summary(EMPTY_SUMMARY_TEXT)]);
  });
});

describe('insertInitialContextBeforeLastUserMessage', () => {
  const context = [developer('<permissions instructions>'), envContext()];

  it('goes just above the last real user message', () => {
    const items = [user('one'), user('two'), summary('s')];
    expect(insertInitialContextBeforeLastUserMessage(items, context)).toEqual([user('one'), ...context, user('two'), summary('s')]);
  });

  it('falls back to above the summary or the last compaction item, then to the end', () => {
    expect(insertInitialContextBeforeLastUserMessage([envContext(), summary('s')], context)).toEqual([envContext(), ...context, summary('s')]);
    const compaction = { type: 'compaction' as const, encrypted_content: 'x' };
    expect(insertInitialContextBeforeLastUserMessage([compaction, assistant('a')], context)).toEqual([...context, compaction, assistant('a')]);
    expect(insertInitialContextBeforeLastUserMessage([assistant('a')], context)).toEqual([assistant('a'), ...context]);
  });
});
