import { describe, expect, it } from 'vitest';
import type { ResponseItem } from '../../src/protocol/items.js';
import {
  isContextualDeveloperMessage,
  isContextualUserMessage,
  isInterAgentMessage,
  isModelGeneratedItem,
  isUserTurnBoundary,
  hasNonContextualDeveloperText,
} from '../../src/history/index.js';
import { assistant, developer, envContext, fnCall, fnOutput, interAgent, reasoning, user } from './fixtures.js';

describe('isContextualUserMessage', () => {
  it.each([
    '# AGENTS.md instructions for /repo\n\n<instructions>x</instructions>',
    '<environment_context>\n</environment_context>',
    '<skill>\nname: x\n</skill>',
    '<user_shell_command>ls</user_shell_command>',
    '<turn_aborted>interrupted</turn_aborted>',
    '<subagent_notification>{}</subagent_notification>',
    '<hook_prompt>check</hook_prompt>',
    '  \n<environment_context></environment_context>',
  ])('treats %j as context', (text) => {
    expect(isContextualUserMessage(user(text))).toBe(true);
    expect(isUserTurnBoundary(user(text))).toBe(false);
  });

  it('treats ordinary user text as a boundary', () => {
    expect(isContextualUserMessage(user('please fix <environment_context>'))).toBe(false);
    expect(isUserTurnBoundary(user('please fix it'))).toBe(true);
  });

  it('needs every text part to be contextual', () => {
    const mixed: ResponseItem = {
      type: 'message',
      role: 'user',
      content: [
        { type: 'input_text', text: '<environment_context></environment_context>' },
        { type: 'input_text', text: 'and do this' },
      ],
    };
    expect(isContextualUserMessage(mixed)).toBe(false);
    expect(isUserTurnBoundary(mixed)).toBe(true);
  });

  it('does not apply to other roles', () => {
    expect(isContextualUserMessage(developer('<environment_context>'))).toBe(false);
    expect(isUserTurnBoundary(developer('hello'))).toBe(false);
  });
});

describe('inter-agent messages', () => {
  it('an assistant message carrying a communication JSON is a boundary', () => {
    expect(isInterAgentMessage(interAgent('status?'))).toBe(true);
    expect(isUserTurnBoundary(interAgent('status?'))).toBe(true);
    expect(isModelGeneratedItem(interAgent('status?'))).toBe(false);
  });

  it('ordinary assistant text and incomplete JSON are not', () => {
    expect(isUserTurnBoundary(assistant('done'))).toBe(false);
    expect(isInterAgentMessage(assistant('{"author":"a","content":"x"}'))).toBe(false);
    expect(isInterAgentMessage(assistant('[1,2]'))).toBe(false);
  });
});

describe('developer context', () => {
  it('recognises settings fragments and mixed developer messages', () => {
    const mixed = developer('<permissions instructions>\nx\n</permissions instructions>', 'Prefer small commits.');
    expect(isContextualDeveloperMessage(mixed)).toBe(true);
    expect(hasNonContextualDeveloperText(mixed)).toBe(true);
    expect(isContextualDeveloperMessage(developer('<model_switch>to m2</model_switch>'))).toBe(true);
    expect(hasNonContextualDeveloperText(developer('<collaboration_mode>plan</collaboration_mode>'))).toBe(false);
    expect(isContextualDeveloperMessage(developer('Prefer small commits.'))).toBe(false);
  });
});

describe('isModelGeneratedItem', () => {
  it('covers assistant output and calls, not user input or tool output', () => {
    expect([assistant('a'), reasoning(), fnCall('c')].every(isModelGeneratedItem)).toBe(true);
    expect([user('u'), envContext(), fnOutput('c')].some(isModelGeneratedItem)).toBe(false);
  });
});
