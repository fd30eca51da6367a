/**
 * A streamable-HTTP MCP server on loopback: static headers on every request, per-turn
 * headers (computed when a turn starts) only on that turn's `tools/call` requests, none on
 * initialize/list requests or host calls after the turn, and concurrent calls not serialised.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ev } from 'turnstate/testing';
import { answer, calls, outputFor, say, startRig, type Rig } from '../integration/support.js';
import { startHttpMcpServer, type HttpMcpFixture } from './http-fixture.js';

let rig: Rig | null = null;
let http: HttpMcpFixture | null = null;
afterEach(async () => {
  await rig?.close();
  await http?.close();
  rig = null;
  http = null;
});

describe('HTTP MCP servers', () => {
  it('sends per-turn headers on that turn’s tools/call requests only', async () => {
    http = await startHttpMcpServer();
    const seen: string[] = [];
    rig = await startRig(
      [
        calls('r1', ev.functionCall('c1', 'mcp__web__pair', '{}'), ev.functionCall('c2', 'mcp__web__pair', '{}')),
        answer('r2'),
        calls('r3', ev.functionCall('c3', 'mcp__web__echo', '{"text":"two"}')),
        answer('r4'),
      ],
      {
        builtinTools: false,
        mcpServers: {
          web: {
            url: http.url,
            headers: { 'x-static': 'yes' },
            turnHeaders: ({ turnId }) => {
              seen.push(turnId);
              return { 'x-turn-id': turnId };
            },
          },
        },
      },
    );
    await rig.log.untilType('mcp_startup_complete');
    const turn1 = await rig.thread.submit(say('pair up'));
    await rig.log.untilType('task_complete', { id: turn1 });
    // Both calls were in flight at once.
    expect(outputFor(rig.server, 1, 'c1')).toBe('[{"type":"text","text":"together"}]');
    expect(outputFor(rig.server, 1, 'c2')).toBe('[{"type":"text","text":"together"}]');

    // A host call after the turn carries no turn header.
    await rig.thread.callMcpTool('web', 'echo', { text: 'host' });
    const turn2 = await rig.thread.submit(say('echo'));
    await rig.log.untilType('task_complete', { id: turn2 });
    expect(seen).toEqual([turn1, turn2]);

    const rows = http.requests.map((r) => [r.method, r.headers['x-turn-id'] ?? null, r.headers['x-static'] ?? null]);
    expect(rows).toEqual([
      ['initialize', null, 'yes'],
      ['notifications/initialized', null, 'yes'],
      ['tools/list', null, 'yes'],
      ['tools/call', turn1, 'yes'],
      ['tools/call', turn1, 'yes'],
      ['tools/call', null, 'yes'],
      ['tools/call', turn2, 'yes'],
    ]);
  });
});
