import { describe, expect, it } from 'vitest';
import {
  buildInitialContext,
  environmentContextText,
  isContextualDeveloperMessage,
  isContextualUserMessage,
  hasNonContextualDeveloperText,
  userTurnCount,
} from '../../src/history/index.js';

const base = {
  cwd: '/repo',
  shell: 'bash',
  approvalPolicy: 'on-request' as const,
  sandboxPolicy: { type: 'workspace-write' as const, writable_roots: ['/cache'], network_access: false, exclude_tmpdir_env_var: true, exclude_slash_tmp: false },
};

describe('buildInitialContext', () => {
  it('builds permissions, project instructions and environment context, all contextual', () => {
    const items = buildInitialContext({ ...base, userInstructions: 'Run npm test.', currentDate: '2026-05-01', timezone: 'Europe/Berlin' });
    expect(items.map((i) => (i.type === 'message' ? i.role : i.type))).toEqual(['developer', 'user', 'user']);
    expect(isContextualDeveloperMessage(items[0]!)).toBe(true);
    expect(hasNonContextualDeveloperText(items[0]!)).toBe(false);
    expect(items.slice(1).every(isContextualUserMessage)).toBe(true);
    expect(userTurnCount(items)).toBe(0);
    const agents = items[1]?.type === 'message' ? items[1].content[0] : undefined;
    expect(agents).toEqual({ type: 'input_text', text: '# AGENTS.md instructions for /repo\n\n<instructions>\nRun npm test.\n</instructions>' });
  });

  it('describes the sandbox and approval policy in the permissions text', () => {
    const [dev] = buildInitialContext(base);
    const text = dev?.type === 'message' && dev.content[0]?.type === 'input_text' ? dev.content[0].text : '';
    expect(text.startsWith('<permissions instructions>\n')).toBe(true);
    expect(text.endsWith('\n</permissions instructions>')).toBe(true);
    expect(text).toContain('workspace-write');
    expect(text).toContain('/repo, /cache, /tmp.');
    expect(text).toContain('on-request');
  });

  it('puts developer instructions in the developer message as a second part', () => {
    const [dev] = buildInitialContext({ ...base, developerInstructions: 'Prefer small diffs.' });
    expect(dev?.type === 'message' && dev.content[1]).toEqual({ type: 'input_text', text: 'Prefer small diffs.' });
    expect(hasNonContextualDeveloperText(dev!)).toBe(true);
  });

  it('omits project instructions when there are none', () => {
    expect(buildInitialContext(base)).toHaveLength(2);
  });
});

describe('environmentContextText', () => {
  it('lists the tags, skipping absent ones and escaping values', () => {
    expect(environmentContextText({ ...base, cwd: '/a<b>&c', sandboxPolicy: { type: 'danger-full-access' }, approvalPolicy: 'never', timezone: 'UTC' })).toBe(
      [
        '<environment_context>',
        '  <cwd>/a&lt;b&gt;&amp;c</cwd>',
        '  <shell>bash</shell>',
        '  <approval_policy>never</approval_policy>',
        '  <sandbox_mode>danger-full-access</sandbox_mode>',
        '  <network_access>enabled</network_access>',
        '  <timezone>UTC</timezone>',
        '</environment_context>',
      ].join('\n'),
    );
  });

  it('names granular approval policies', () => {
    const granular = { granular: { sandbox_approval: true, rules: false, skill_approval: false, request_permissions: true, mcp_elicitations: false } };
    expect(environmentContextText({ ...base, approvalPolicy: granular })).toContain('<approval_policy>granular</approval_policy>');
  });
});
