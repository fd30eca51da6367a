import { describe, expect, it } from 'vitest';
import type { ResponseItem } from '../../src/protocol/items.js';
import {
  dropLastNUserTurns,
  emptyHistory,
  lastAssistantMessageText,
  replaceHistory,
  setReferenceContextItem,
  userTurnCount,
  type HistoryState,
} from '../../src/history/index.js';
import { assistant, developer, envContext, fnCall, fnOutput, interAgent, user } from './fixtures.js';

const permissions = developer('<permissions instructions>\nread-only\n</permissions instructions>');
const withItems = (items: ResponseItem[]): HistoryState =>
  setReferenceContextItem(replaceHistory(emptyHistory(), items), { cwd: '/repo' });

// initial context, turn 1, settings change + turn 2, turn 3 (inter-agent)
const conversation = [
  permissions,
  envContext(),
  user('first'),
  assistant('one'),
  developer('<model_switch>now m2</model_switch>'),
  envContext(),
  user('second'),
  fnCall('c1'),
  fnOutput('c1'),
  assistant('two'),
  interAgent('third'),
  assistant('three'),
];

describe('userTurnCount', () => {
  it('counts user boundaries and inter-agent messages, not context', () => {
    expect(userTurnCount(conversation)).toBe(3);
    expect(userTurnCount([permissions, envContext()])).toBe(0);
  });
});

describe('dropLastNUserTurns', () => {
  it('n = 0 and history without boundaries are no-ops', () => {
    const state = withItems(conversation);
    expect(dropLastNUserTurns(state, 0)).toBe(state);
    const contextOnly = withItems([permissions, envContext(), assistant('x')]);
    expect(dropLastNUserTurns(contextOnly, 5)).toBe(contextOnly);
  });

  it('drops the last turn', () => {
    expect(dropLastNUserTurns(withItems(conversation), 1).items).toEqual(conversation.slice(0, 10));
  });

  it('drops the context injected just above the cut', () => {
    const next = dropLastNUserTurns(withItems(conversation), 2);
    expect(next.items).toEqual([permissions, envContext(), user('first'), assistant('one')]);
    expect(next.referenceContextItem).toEqual({ cwd: '/repo' });
  });

  it('n ≥ count cuts at the first boundary and keeps the initial context', () => {
    expect(dropLastNUserTurns(withItems(conversation), 3).items).toEqual([permissions, envContext()]);
    expect(dropLastNUserTurns(withItems(conversation), 99).items).toEqual([permissions, envContext()]);
  });

  it('stops trimming at the first non-contextual item', () => {
    const items = [user('a'), assistant('x'), envContext(), assistant('between'), envContext(), user('b')];
    expect(dropLastNUserTurns(withItems(items), 1).items).toEqual(items.slice(0, 4));
  });

  it('clears the reference context when a trimmed developer message held other instructions', () => {
    const mixed = developer('<permissions instructions>\nx\n</permissions instructions>', 'Be terse.');
    const next = dropLastNUserTurns(withItems([user('a'), assistant('x'), mixed, user('b')]), 1);
    expect(next.items).toEqual([user('a'), assistant('x')]);
    expect(next.referenceContextItem).toBeNull();
  });
});

describe('lastAssistantMessageText', () => {
  it('returns the newest assistant text, skipping inter-agent messages', () => {
    expect(lastAssistantMessageText([assistant('old'), assistant('new'), interAgent('mail'), user('u')])).toBe('new');
    expect(lastAssistantMessageText([user('u')])).toBeNull();
  });
});
