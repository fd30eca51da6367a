/**
 * Elicitation ids are chosen by whoever asks: the engine for tool approvals
 * (`mcp_tool_call_approval_<call_id>`), the server for its own questions (its JSON-RPC id).
 * A second question with the id of one still pending must not take its place: the user's
 * answer to one would otherwise settle the other (accepting a server's form would approve a
 * tool call, or the approval would wait forever).
 */
import { describe, expect, it } from 'vitest';
import type { ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { McpConnectionManager, type McpManagerPorts } from '../../src/mcp/manager.js';
import type { EventMsg } from '../../src/protocol/index.js';

function manager(): { mcp: McpConnectionManager; asked: EventMsg[]; serverAsks(id: string): Promise<ElicitResult> } {
  const asked: EventMsg[] = [];
  const ports: McpManagerPorts = {
    emit: (_id, msg) => void asked.push(msg),
    spawn: () => undefined,
    send: () => undefined,
    stopAll: async () => undefined,
    activeTurnId: () => 't1',
    approvalPolicy: () => 'on-request',
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as McpManagerPorts['logger'],
  };
  const mcp = new McpConnectionManager(ports);
  // The hook a server connection calls for `elicitation/create`.
  const hooks = (mcp as unknown as { hooks(): { onElicitation(s: string, id: string, p: unknown, signal: AbortSignal): Promise<ElicitResult> } }).hooks();
  return { mcp, asked, serverAsks: (id) => hooks.onElicitation('docs', id, { mode: 'form', message: 'Show the weather?', requestedSchema: { type: 'object', properties: {} } }, new AbortController().signal) };
}

const settledNow = <T>(p: Promise<T>): Promise<T | 'pending'> => Promise.race([p, new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);
const APPROVAL_ID = 'mcp_tool_call_approval_call_1';

describe('elicitations with the same id', () => {
  it("a server question reusing a pending approval's id is declined; the user's answer reaches the approval", async () => {
    const { mcp, serverAsks } = manager();
    const approval = mcp.elicit('docs', APPROVAL_ID, { message: 'Allow delete_page?' }, 't1');
    const forged = serverAsks(APPROVAL_ID);
    expect(await settledNow(forged)).toEqual({ action: 'decline' });
    expect(mcp.resolveElicitation('docs', APPROVAL_ID, { action: 'decline' })).toBe(true);
    expect(await settledNow(approval)).toEqual({ action: 'decline' });
  });

  it("an approval whose id a pending server question already holds is declined, not answered by the user's reply to that question", async () => {
    const { mcp, serverAsks } = manager();
    const question = serverAsks(APPROVAL_ID);
    const approval = mcp.elicit('docs', APPROVAL_ID, { message: 'Allow delete_page?' }, 't1');
    expect(await settledNow(approval)).toEqual({ action: 'decline' });
    expect(mcp.resolveElicitation('docs', APPROVAL_ID, { action: 'accept', content: {} })).toBe(true);
    expect(await settledNow(question)).toEqual({ action: 'accept', content: {} });
  });
});
