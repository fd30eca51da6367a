/**
 * MCP tool approvals (annotations and the approval policy decide; the question reaches the
 * host as an `elicitation_request` answered with `resolve_elicitation`) and server
 * elicitations (answered by `resolve_elicitation`, declined by an interrupt).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ev } from 'turnstate/testing';
import { answer, calls, eventually, FULL_ACCESS, messages, outputFor, say, startRig, WORKSPACE_WRITE, type Rig, type RigOptions } from '../integration/support.js';
import { serverLog, stdioServer } from './support.js';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

async function start(script: Parameters<typeof startRig>[0], options: RigOptions = {}): Promise<{ rig: Rig; log: string }> {
  const log = path.join(await mkdtemp(path.join(tmpdir(), 'turnstate-mcp-')), 'calls.jsonl');
  rig = await startRig(script, { builtinTools: false, mcpServers: { fx: stdioServer(log) }, ...options });
  return { rig, log };
}

const deleteCall = (callId: string) => ev.functionCall(callId, 'mcp__fx__delete_file', '{"path":"notes.txt"}');

describe('MCP tool approvals', () => {
  it('asks before a destructive tool under on-request; a declined call never reaches the server', async () => {
    const { rig, log } = await start([calls('r1', deleteCall('c1')), answer('r2')], { approvalPolicy: 'on-request' });
    const turn = await rig.thread.submit(say('delete notes'));
    const request = await rig.log.untilType('elicitation_request', { id: turn });
    expect(request.msg).toEqual({
      type: 'elicitation_request',
      turn_id: turn,
      server_name: 'fx',
      id: 'mcp_tool_call_approval_c1',
      request: {
        mode: 'form',
        _meta: {
          codex_approval_kind: 'mcp_tool_call',
          persist: 'session',
          tool_description: 'Deletes a file',
          tool_params: { path: 'notes.txt' },
          tool_params_display: [{ name: 'path', value: 'notes.txt', display_name: 'path' }],
        },
        message: 'Allow the fx MCP server to run tool "delete_file"?',
        requested_schema: { type: 'object', properties: {} },
      },
    });
    // The begin event comes before the question, as in Codex.
    const types = rig.log.events.filter((e) => e.id === turn).map((e) => e.msg.type);
    expect(types.indexOf('mcp_tool_call_begin')).toBeLessThan(types.indexOf('elicitation_request'));
    await rig.thread.submit({ type: 'resolve_elicitation', server_name: 'fx', request_id: 'mcp_tool_call_approval_c1', decision: 'decline' });
    await rig.log.untilType('task_complete', { id: turn });
    expect(messages(rig.log, 'mcp_tool_call_end', turn)).toEqual([
      expect.objectContaining({ call_id: 'c1', result: { Err: 'user rejected MCP tool call' }, duration: { secs: 0, nanos: 0 } }),
    ]);
    expect(outputFor(rig.server, 1, 'c1')).toBe('[{"type":"text","text":"user rejected MCP tool call"}]');
    expect(serverLog(log)).toEqual([]);
  });

  it('runs an approved call; approval for the session skips the next question', async () => {
    const { rig, log } = await start([calls('r1', deleteCall('c1')), calls('r2', deleteCall('c2')), answer('r3')], { approvalPolicy: 'on-request' });
    const turn = await rig.thread.submit(say('delete twice'));
    await rig.log.untilType('elicitation_request', { id: turn });
    await rig.thread.submit({ type: 'resolve_elicitation', server_name: 'fx', request_id: 'mcp_tool_call_approval_c1', decision: 'accept', meta: { persist: 'session' } });
    await rig.log.untilType('task_complete', { id: turn });
    expect(messages(rig.log, 'elicitation_request', turn)).toHaveLength(1);
    expect(serverLog(log).map((e) => e.tool)).toEqual(['delete_file', 'delete_file']);
    expect(outputFor(rig.server, 2, 'c2')).toBe('[{"type":"text","text":"deleted notes.txt"}]');
  });

  it('never asks for read-only tools, nor under never with full access; never elsewhere declines without asking', async () => {
    const readOnly = await start([calls('r1', ev.functionCall('c1', 'mcp__fx__echo', '{"text":"x"}')), answer('r2')], { approvalPolicy: 'on-request' });
    let turn = await readOnly.rig.thread.submit(say('echo'));
    await readOnly.rig.log.untilType('task_complete', { id: turn });
    expect(messages(readOnly.rig.log, 'elicitation_request')).toEqual([]);
    await readOnly.rig.close();

    const full = await start([calls('r1', deleteCall('c1')), answer('r2')], { approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    turn = await full.rig.thread.submit(say('delete'));
    await full.rig.log.untilType('task_complete', { id: turn });
    expect(messages(full.rig.log, 'elicitation_request')).toEqual([]);
    expect(serverLog(full.log).map((e) => e.tool)).toEqual(['delete_file']);
    await full.rig.close();

    const never = await start([calls('r1', deleteCall('c1')), answer('r2')], { approvalPolicy: 'never', sandboxPolicy: WORKSPACE_WRITE });
    turn = await never.rig.thread.submit(say('delete'));
    await never.rig.log.untilType('task_complete', { id: turn });
    expect(messages(never.rig.log, 'elicitation_request')).toEqual([]);
    expect(outputFor(never.rig.server, 1, 'c1')).toBe('[{"type":"text","text":"user rejected MCP tool call"}]');
    expect(serverLog(never.log)).toEqual([]);
  });
});

describe('MCP elicitations', () => {
  it('turns a server elicitation into an elicitation_request on the active turn, answered by resolve_elicitation', async () => {
    const { rig, log } = await start([calls('r1', ev.functionCall('c1', 'mcp__fx__ask', '{}')), answer('r2')]);
    const turn = await rig.thread.submit(say('ask me'));
    const request = await rig.log.untilType('elicitation_request', { id: turn });
    expect(request.msg).toMatchObject({
      turn_id: turn,
      server_name: 'fx',
      request: { mode: 'form', message: 'Which color?', requestedSchema: { type: 'object', properties: { color: { type: 'string' } }, required: ['color'] } },
    });
    await rig.thread.submit({ type: 'resolve_elicitation', server_name: 'fx', request_id: request.msg.id, decision: 'accept', content: { color: 'blue' } });
    await rig.log.untilType('task_complete', { id: turn });
    expect(outputFor(rig.server, 1, 'c1')).toBe('[{"type":"text","text":"answer: accept {\\"color\\":\\"blue\\"}"}]');
    expect(serverLog(log).at(-1)).toEqual({ event: 'answer', tool: 'ask', args: { action: 'accept', content: { color: 'blue' } } });
  });

  it('declines an open elicitation when the turn is interrupted', async () => {
    const { rig, log } = await start([calls('r1', ev.functionCall('c1', 'mcp__fx__ask', '{}'))]);
    const turn = await rig.thread.submit(say('ask me'));
    await rig.log.untilType('elicitation_request', { id: turn });
    await rig.thread.submit({ type: 'interrupt' });
    await rig.log.untilType('turn_aborted', { id: turn });
    await eventually(() => serverLog(log).some((e) => e.event === 'answer'), 5000, 'the server to receive the answer');
    expect(serverLog(log).at(-1)).toEqual({ event: 'answer', tool: 'ask', args: { action: 'decline', content: null } });
  });
});
