import { describe, expect, it } from 'vitest';
import {
  APPLY_PATCH_CUSTOM_TOOL,
  APPLY_PATCH_FUNCTION_TOOL,
  SHELL_TOOL,
  UPDATE_PLAN_TOOL,
  ToolArgumentsError,
  applyPatchInput,
  parsePatch,
  parseShellArgs,
  parseUpdatePlanArgs,
} from '../../src/tools/index.js';

describe('tool specs and argument parsing', () => {
  it('exposes function specs with JSON-schema parameters', () => {
    expect(SHELL_TOOL).toMatchObject({ type: 'function', name: 'shell', parameters: { required: ['command'] } });
    expect(APPLY_PATCH_FUNCTION_TOOL).toMatchObject({ type: 'function', name: 'apply_patch', parameters: { required: ['input'] } });
    expect(APPLY_PATCH_CUSTOM_TOOL).toMatchObject({ type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark' } });
    expect(UPDATE_PLAN_TOOL).toMatchObject({ type: 'function', name: 'update_plan', parameters: { required: ['plan'] } });
  });

  it('parses shell arguments and rejects bad ones with a model-fault error', () => {
    expect(parseShellArgs('{"command":["ls","-la"],"workdir":"sub","timeout_ms":5000,"sandbox_permissions":"require_escalated","justification":"why"}')).toEqual({
      command: ['ls', '-la'],
      workdir: 'sub',
      timeout_ms: 5000,
      sandbox_permissions: 'require_escalated',
      justification: 'why',
    });
    for (const bad of ['{"command":"ls"}', '{"command":[]}', '{"command":["ls"],"timeout_ms":-1}', 'not json', '{"command":["ls"],"sandbox_permissions":"root"}']) {
      const err = (() => {
        try {
          parseShellArgs(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ToolArgumentsError);
      expect(err).toMatchObject({ code: 'tool_arguments_invalid', fault: 'model', tool: 'shell' });
    }
  });

  it('reads apply_patch input in both forms', () => {
    const patch = '*** Begin Patch\n*** Delete File: a\n*** End Patch';
    expect(applyPatchInput({ kind: 'function', arguments: JSON.stringify({ input: patch }) })).toBe(patch);
    expect(applyPatchInput({ kind: 'custom', input: patch })).toBe(patch);
    expect(parsePatch(applyPatchInput({ kind: 'custom', input: patch })).hunks).toHaveLength(1);
    expect(() => applyPatchInput({ kind: 'function', arguments: '{}' })).toThrow(ToolArgumentsError);
    expect(() => applyPatchInput({ kind: 'custom', input: '  ' })).toThrow(ToolArgumentsError);
  });

  it('parses update_plan arguments', () => {
    expect(parseUpdatePlanArgs({ explanation: 'start', plan: [{ step: 'write tests', status: 'in_progress' }] })).toEqual({
      explanation: 'start',
      plan: [{ step: 'write tests', status: 'in_progress' }],
    });
    expect(() => parseUpdatePlanArgs({ plan: [{ step: 'x', status: 'done' }] })).toThrow(ToolArgumentsError);
  });
});
