import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultBaseInstructions } from '../../src/prompts/base-instructions.js';
import generated from '../../src/prompts/base-instructions.text.js';

describe('default base instructions', () => {
  it('are the Markdown file, and the generated string module is up to date with it', () => {
    const markdown = readFileSync(new URL('../../src/prompts/base-instructions.md', import.meta.url), 'utf8');
    // On failure: run `node scripts/prompts.mjs generate` and commit the result.
    expect(generated).toBe(markdown);
    expect(defaultBaseInstructions()).toBe(markdown.trimEnd());
  });

  it('cover the agent, its tools, sandbox and approvals, progress and finishing', () => {
    const text = defaultBaseInstructions();
    expect(text.length).toBeGreaterThan(4000);
    for (const topic of ['## shell', '## apply_patch', '## update_plan', '# Sandbox and approvals', 'require_escalated', 'AGENTS.md', '# Talking to the person', '# Finishing']) {
      expect(text).toContain(topic);
    }
  });
});
