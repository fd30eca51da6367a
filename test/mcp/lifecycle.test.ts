/**
 * MCP server lifecycle against real servers: startup events as Codex emits them, a failing
 * server reported while the thread keeps working, `list_mcp_tools` with real tools,
 * resources and templates, config.toml tables, host calls, and no process after shutdown.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createThread, McpConfigError, McpError } from 'turnstate';
import { answer, eventually, processesWith, say, startRig, type Rig } from '../integration/support.js';
import { alive, firstText, serverLog, STDIO_FIXTURE, stdioServer } from './support.js';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe('MCP server lifecycle', () => {
  it('starts servers with the thread, reports a failing one, lists real tools and stops with the thread', async () => {
    rig = await startRig([answer('r1', 'still working')], {
      builtinTools: false,
      mcpServers: { fx: stdioServer('/dev/null'), broken: { command: '/nonexistent/mcp-server' } },
    });
    const complete = await rig.log.untilType('mcp_startup_complete');
    expect(complete.id).toBe('');
    expect(complete.msg).toMatchObject({ ready: ['fx'], cancelled: [] });
    expect(complete.msg.failed).toHaveLength(1);
    expect(complete.msg.failed[0]?.server).toBe('broken');
    expect(complete.msg.failed[0]?.error).toContain('failed to start');
    const updates = rig.log.events.filter((e) => e.msg.type === 'mcp_startup_update').map((e) => e.msg as { server: string; status: { state: string } });
    expect(updates.filter((u) => u.server === 'fx').map((u) => u.status.state)).toEqual(['starting', 'ready']);
    expect(updates.filter((u) => u.server === 'broken').map((u) => u.status.state)).toEqual(['starting', 'failed']);

    const listId = await rig.thread.submit({ type: 'list_mcp_tools' });
    const list = await rig.log.untilType('mcp_list_tools_response', { id: listId });
    expect(Object.keys(list.msg.tools).sort()).toEqual(['mcp__fx__ask', 'mcp__fx__crash', 'mcp__fx__delete_file', 'mcp__fx__echo', 'mcp__fx__pid', 'mcp__fx__slow']);
    expect(list.msg.tools['mcp__fx__echo']).toMatchObject({ name: 'echo', annotations: { readOnlyHint: true } });
    expect(list.msg.resources['fx']).toEqual([expect.objectContaining({ uri: 'docs://readme', name: 'readme' })]);
    expect(list.msg.resource_templates['fx']).toEqual([expect.objectContaining({ uriTemplate: 'docs://pages/{name}' })]);

    // The failed server does not stop the thread from working.
    const turn = await rig.thread.submit(say('hello'));
    const done = await rig.log.untilType('task_complete', { id: turn });
    expect(done.msg.last_agent_message).toBe('still working');

    const pid = Number(firstText(await rig.thread.callMcpTool('fx', 'pid')));
    expect(alive(pid)).toBe(true);
    expect(await rig.thread.readMcpResource('fx', 'docs://pages/intro')).toEqual({ contents: [{ uri: 'docs://pages/intro', text: 'page intro' }] });
    await expect(rig.thread.callMcpTool('nope', 'echo')).rejects.toBeInstanceOf(McpError);
    await expect(rig.thread.callMcpTool('broken', 'echo')).rejects.toMatchObject({ code: 'mcp_server_unavailable' });

    await rig.thread.shutdown();
    expect(alive(pid)).toBe(false);
    expect(rig.log.events.at(-1)?.msg.type).toBe('shutdown_complete');
  });

  it('reads [mcp_servers.<name>] tables from TURNSTATE_HOME/config.toml', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'turnstate-mcp-home-'));
    const logFile = path.join(home, 'calls.jsonl');
    await writeFile(
      path.join(home, 'config.toml'),
      [
        '[mcp_servers.docs]',
        `command = ${JSON.stringify(process.execPath)}`,
        `args = [${JSON.stringify(STDIO_FIXTURE)}]`,
        'tool_timeout_sec = 30',
        'disabled_tools = ["crash"]',
        '[mcp_servers.docs.env]',
        `MCP_LOG = ${JSON.stringify(logFile)}`,
      ].join('\n'),
    );
    rig = await startRig([], { builtinTools: false, home });
    await rig.log.untilType('mcp_startup_complete');
    const listId = await rig.thread.submit({ type: 'list_mcp_tools' });
    const list = await rig.log.untilType('mcp_list_tools_response', { id: listId });
    expect(Object.keys(list.msg.tools)).toContain('mcp__docs__echo');
    expect(Object.keys(list.msg.tools)).not.toContain('mcp__docs__crash');
    expect((await rig.thread.callMcpTool('docs', 'echo', { text: 'from toml' })).content).toEqual([{ type: 'text', text: 'echo: from toml' }]);
    expect(serverLog(logFile)).toEqual([{ event: 'call', tool: 'echo', args: { text: 'from toml' } }]);
  });

  it('applies refresh_mcp_servers when the next turn starts: the old servers stop, the new ones start', async () => {
    rig = await startRig([answer('r1')], { builtinTools: false, mcpServers: { fx: stdioServer('/dev/null') } });
    await rig.log.untilType('mcp_startup_complete');
    const oldPid = Number(firstText(await rig.thread.callMcpTool('fx', 'pid')));
    const bad = await rig.thread.submit({ type: 'refresh_mcp_servers', config: { mcp_servers: { x: { args: 'not a list' } } } });
    expect((await rig.log.untilType('error', { id: bad })).msg.codex_error_info).toBe('bad_request');
    await rig.thread.submit({
      type: 'refresh_mcp_servers',
      config: { mcp_servers: { fx2: { command: process.execPath, args: [STDIO_FIXTURE] } }, mcp_oauth_credentials_store_mode: 'auto' },
    });
    await rig.thread.whenProcessed();
    // Deferred: nothing changes until a turn starts.
    expect(rig.thread.mcpServerStatus()).toEqual({ fx: 'ready' });
    expect(alive(oldPid)).toBe(true);
    const from = rig.log.events.length;
    const turn = await rig.thread.submit(say('hi'));
    await rig.log.untilType('task_complete', { id: turn });
    expect(alive(oldPid)).toBe(false);
    const complete = await rig.log.untilType('mcp_startup_complete', { from });
    expect(complete.msg.ready).toEqual(['fx2']);
    const tools = (rig.server.requests[0]?.body as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
    expect(tools).toContain('mcp__fx2__echo');
    expect(tools).not.toContain('mcp__fx__echo');
  });

  it('fails a server that does not start in time, and an idle interrupt cancels startups', async () => {
    const marker = `mcp-hang-${process.pid}-${Date.now()}`;
    const hang = { command: process.execPath, args: ['-e', `setInterval(() => {}, 1000) // ${marker}`] };
    rig = await startRig([], { builtinTools: false, mcpServers: { slow: { ...hang, startupTimeoutSec: 0.3 } } });
    const timedOut = await rig.log.untilType('mcp_startup_complete');
    expect(timedOut.msg.failed).toEqual([{ server: 'slow', error: expect.stringContaining('timed out after 0.3 seconds') }]);
    await eventually(() => processesWith(marker).length === 0, 5000, 'the timed-out server to exit');
    await rig.close();

    rig = await startRig([], { builtinTools: false, mcpServers: { hang: { ...hang, startupTimeoutSec: 60 } } });
    await rig.log.untilType('mcp_startup_update');
    await eventually(() => processesWith(marker).length === 1, 5000, 'the server process to start');
    await rig.thread.submit({ type: 'interrupt' });
    const cancelled = await rig.log.untilType('mcp_startup_complete');
    expect(cancelled.msg).toMatchObject({ ready: [], failed: [], cancelled: ['hang'] });
    await eventually(() => processesWith(marker).length === 0, 5000, 'the cancelled server to exit');
  });

  it('rejects a malformed config with a typed error', async () => {
    await expect(createThread({ ephemeral: true, mcpServers: { bad: { command: 'x', url: 'http://127.0.0.1:1/mcp' } } })).rejects.toMatchObject({
      code: 'mcp_config_invalid',
    });
    await expect(createThread({ ephemeral: true, mcpServers: { 'bad name': { command: 'x' } } })).rejects.toBeInstanceOf(McpConfigError);
  });
});
