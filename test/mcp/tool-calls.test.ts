/**
 * The model calls MCP tools through the loopback Responses server: qualified names and
 * schemas in the request, begin/end events, outputs as Codex shapes them, cancellation on
 * interrupt (the server sees notifications/cancelled), per-server timeouts, and a server
 * crashing mid-call.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ev } from 'turnstate/testing';
import { answer, calls, eventually, messages, outputFor, say, startRig, type Rig } from '../integration/support.js';
import { alive, firstText, serverLog, stdioServer } from './support.js';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const logFile = async () => path.join(await mkdtemp(path.join(tmpdir(), 'turnstate-mcp-')), 'calls.jsonl');

describe('MCP tool calls from the model', () => {
  it('offers the tools under qualified names with their schemas and runs a call', async () => {
    const log = await logFile();
    rig = await startRig([calls('r1', ev.functionCall('c1', 'mcp__fx__echo', '{"text":"hi"}')), answer('r2')], {
      builtinTools: false,
      mcpServers: { fx: stdioServer(log) },
    });
    const turn = await rig.thread.submit(say('echo hi'));
    await rig.log.untilType('task_complete', { id: turn });

    const tools = (rig.server.requests[0]?.body as { tools: Array<{ name: string; parameters?: Record<string, unknown> }> }).tools;
    const echo = tools.find((t) => t.name === 'mcp__fx__echo');
    expect(echo).toMatchObject({ type: 'function', description: 'Echoes its input', strict: false, parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } });
    expect(tools.map((t) => t.name)).toContain('mcp__fx__delete_file');

    const [begin] = messages(rig.log, 'mcp_tool_call_begin', turn);
    const [end] = messages(rig.log, 'mcp_tool_call_end', turn);
    expect(begin).toEqual({ type: 'mcp_tool_call_begin', call_id: 'c1', invocation: { server: 'fx', tool: 'echo', arguments: { text: 'hi' } } });
    expect(end).toMatchObject({ call_id: 'c1', invocation: { server: 'fx', tool: 'echo' }, result: { Ok: { content: [{ type: 'text', text: 'echo: hi' }] } } });
    expect(end?.duration).toMatchObject({ secs: expect.any(Number), nanos: expect.any(Number) });
    expect(outputFor(rig.server, 1, 'c1')).toBe('[{"type":"text","text":"echo: hi"}]');
    expect(serverLog(log)).toEqual([{ event: 'call', tool: 'echo', args: { text: 'hi' } }]);
  });

  it('cancels a slow call on interrupt: the server sees the cancellation and no process is left', async () => {
    const log = await logFile();
    rig = await startRig([calls('r1', ev.functionCall('c1', 'mcp__fx__slow', '{}'))], { builtinTools: false, mcpServers: { fx: stdioServer(log) } });
    await rig.log.untilType('mcp_startup_complete');
    const pid = Number(firstText(await rig.thread.callMcpTool('fx', 'pid')));
    const turn = await rig.thread.submit(say('be slow'));
    await rig.log.untilType('mcp_tool_call_begin', { id: turn });
    await eventually(() => serverLog(log).some((e) => e.tool === 'slow'), 5000, 'the slow call to reach the server');
    await rig.thread.submit({ type: 'interrupt' });
    const aborted = await rig.log.untilType('turn_aborted', { id: turn });
    expect(aborted.msg.reason).toBe('interrupted');
    await eventually(() => serverLog(log).some((e) => e.event === 'cancelled'), 5000, 'the server to see notifications/cancelled');
    expect(messages(rig.log, 'mcp_tool_call_end', turn)).toEqual([]);
    // The interrupted call's output (recorded in history) says it was aborted.
    const output = rig.log.events.flatMap((e) => (e.msg.type === 'raw_response_item' && e.msg.item.type === 'function_call_output' ? [e.msg.item.output] : []));
    expect(output).toEqual([expect.stringMatching(/^aborted by user after \d+\.\ds$/)]);
    await rig.thread.shutdown();
    expect(alive(pid)).toBe(false);
  });

  it('gives the model a failed output when the server crashes mid-call, and the thread goes on', async () => {
    const log = await logFile();
    rig = await startRig(
      [calls('r1', ev.functionCall('c1', 'mcp__fx__crash', '{}')), answer('r2', 'it crashed'), answer('r3', 'next turn works')],
      { builtinTools: false, mcpServers: { fx: stdioServer(log) } },
    );
    const turn = await rig.thread.submit(say('crash it'));
    const done = await rig.log.untilType('task_complete', { id: turn, timeoutMs: 10_000 });
    expect(done.msg.last_agent_message).toBe('it crashed');
    const [end] = messages(rig.log, 'mcp_tool_call_end', turn);
    expect(end?.result).toEqual({ Err: expect.stringContaining('tool call error:') });
    expect(outputFor(rig.server, 1, 'c1')).toMatch(/^\[\{"type":"text","text":"tool call error: .*Connection closed/);
    expect(rig.thread.mcpServerStatus()).toEqual({ fx: 'closed' });
    const next = await rig.thread.submit(say('again'));
    expect((await rig.log.untilType('task_complete', { id: next })).msg.last_agent_message).toBe('next turn works');
  });

  it('times a call out after the server tool_timeout_sec', async () => {
    const log = await logFile();
    rig = await startRig([calls('r1', ev.functionCall('c1', 'mcp__fx__slow', '{}')), answer('r2')], {
      builtinTools: false,
      mcpServers: { fx: stdioServer(log, { toolTimeoutSec: 0.2 }) },
    });
    const turn = await rig.thread.submit(say('be slow'));
    await rig.log.untilType('task_complete', { id: turn, timeoutMs: 10_000 });
    const [end] = messages(rig.log, 'mcp_tool_call_end', turn);
    expect(end?.result).toEqual({ Err: expect.stringMatching(/tool call error: .*timed out/i) });
    expect(outputFor(rig.server, 1, 'c1')).toMatch(/timed out/i);
  });
});
