import { describe, expect, it } from 'vitest';
import { modelCapabilities, requestReasoning } from '../../src/model/capabilities.js';

describe('modelCapabilities', () => {
  it.each([
    ['gpt-5.1', 'gpt-5', true],
    ['gpt-5.1-codex-max', 'gpt-5', true],
    ['gpt-5-chat-latest', 'gpt-5-chat', false],
    ['o3', 'o-series', true],
    ['o4-mini', 'o-series', true],
    ['codex-mini-latest', 'codex', true],
    ['openai/gpt-5', 'gpt-5', true],
    ['gpt-4.1', 'gpt-4', false],
    ['gpt-4o-mini', 'gpt-4', false],
    ['llama3.1', 'unknown', false],
    ['omni-model', 'unknown', false],
  ])('%s is in family %s (reasoning: %s)', (slug, family, reasoning) => {
    expect(modelCapabilities(slug)).toMatchObject({ family, reasoning });
  });

  it('applies overrides over the table', () => {
    expect(modelCapabilities('gpt-5.1', { defaultEffort: 'high' })).toEqual({ family: 'gpt-5', reasoning: true, reasoningSummaries: true, defaultEffort: 'high', outputSchema: true });
    expect(modelCapabilities('llama3.1', { reasoning: true }).reasoning).toBe(true);
  });
});

describe('requestReasoning', () => {
  it('is null for models without reasoning, whatever the thread configured', () => {
    expect(requestReasoning(modelCapabilities('gpt-4.1'), 'high', 'detailed')).toBeNull();
  });

  it('uses the thread effort, else the family default; drops the summary when none or unsupported', () => {
    expect(requestReasoning(modelCapabilities('gpt-5.1'), null, 'auto')).toEqual({ effort: 'medium', summary: 'auto' });
    expect(requestReasoning(modelCapabilities('gpt-5.1'), 'low', 'none')).toEqual({ effort: 'low', summary: null });
    expect(requestReasoning(modelCapabilities('x', { reasoning: true, reasoningSummaries: false, defaultEffort: null }), null, 'auto')).toEqual({ effort: null, summary: null });
  });
});
