/** Model-visible MCP tool names: sanitised, de-duplicated with hash suffixes, at most 64 bytes. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_TOOL_NAME_LENGTH, qualifyMcpTools, requiresMcpToolApproval, sanitizeToolName } from 'turnstate';

const hash12 = (s: string) => createHash('sha1').update(s).digest('hex').slice(0, 12);

describe('qualifyMcpTools', () => {
  it('names tools mcp__<server>__<tool>, replacing characters outside [A-Za-z0-9_]', () => {
    expect(sanitizeToolName('a.b-c d')).toBe('a_b_c_d');
    expect(qualifyMcpTools([{ server: 'docs', tool: 'search' }, { server: 'my-srv', tool: 'get.page' }]).map((t) => t.qualifiedName).sort()).toEqual([
      'mcp__docs__search',
      'mcp__my_srv__get_page',
    ]);
  });

  it('keeps a tool listed twice once, and suffixes names that collide after sanitising', () => {
    const tools = qualifyMcpTools([
      { server: 'a', tool: 'x.y' },
      { server: 'a', tool: 'x_y' },
      { server: 'a', tool: 'x_y' },
    ]);
    expect(tools).toHaveLength(2);
    const names = tools.map((t) => t.qualifiedName);
    expect(new Set(names).size).toBe(2);
    const identity = (tool: string) => `a\0mcp__a__\0\0${tool}\0${tool}`;
    expect(names.sort()).toEqual([`mcp__a__x_y_${hash12(identity('x.y'))}`, `mcp__a__x_y_${hash12(identity('x_y'))}`].sort());
  });

  it('cuts names past 64 bytes to fit with a hash suffix', () => {
    const long = 't'.repeat(80);
    const [tool] = qualifyMcpTools([{ server: 'srv', tool: long }]);
    expect(tool?.qualifiedName).toHaveLength(MAX_TOOL_NAME_LENGTH);
    expect(tool?.qualifiedName.startsWith('mcp__srv__ttt')).toBe(true);
    expect(tool?.qualifiedName.endsWith(`_${hash12(`srv\0mcp__srv__\0\0${long}\0${long}`)}`)).toBe(true);
    expect(tool).toMatchObject({ server: 'srv', tool: long });
  });
});

describe('requiresMcpToolApproval', () => {
  it('follows the annotations as Codex does', () => {
    expect(requiresMcpToolApproval({ destructiveHint: true, readOnlyHint: true })).toBe(true);
    expect(requiresMcpToolApproval({ readOnlyHint: true })).toBe(false);
    expect(requiresMcpToolApproval({ destructiveHint: false, openWorldHint: false })).toBe(false);
    expect(requiresMcpToolApproval({ destructiveHint: false })).toBe(true);
    expect(requiresMcpToolApproval({})).toBe(true);
    expect(requiresMcpToolApproval(undefined)).toBe(true);
  });
});
