/**
 * A thread resumed from a rollout written by Codex (items carrying Codex-only fields, server
 * ids, reasoning the server did not return encrypted) sends a request the API accepts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ev } from 'turnstate/testing';
import { inputOf, readTurn, say, startEngine, userMessage, withoutInitialContext, type Harness } from './support.js';

let h: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  h = dir = undefined;
});

const line = (type: string, payload: unknown) => JSON.stringify({ timestamp: '2026-04-25T10:00:00.000Z', type, payload });
const passthrough = { internal_chat_message_metadata_passthrough: { origin: 'codex' } };

describe('resuming a Codex rollout', () => {
  it('sends only API fields: no Codex metadata, no server ids, no reasoning it cannot replay', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'turnstate-codex-rollout-'));
    const file = path.join(dir, 'rollout-2026-04-25T10-00-00-0193e0b2-7a4c-7000-8000-00000000b001.jsonl');
    const lines = [
      line('session_meta', { id: '0193e0b2-7a4c-7000-8000-00000000b001', timestamp: '2026-04-25T10:00:00.000Z', cwd: dir, originator: 'codex_cli_rs', cli_version: '0.169.0', source: 'exec', model_provider: 'openai' }),
      line('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'what is in here?' }], ...passthrough }),
      line('response_item', { type: 'reasoning', id: 'rs_1', summary: [], content: null, encrypted_content: null }),
      line('response_item', { type: 'reasoning', id: 'rs_2', summary: [{ type: 'summary_text', text: 'list it' }], encrypted_content: 'gAAAAB' }),
      line('response_item', { type: 'function_call', id: 'fc_1', name: 'shell', arguments: '{"command":["ls"]}', call_id: 'call_1', metadata: { turn: 1 } }),
      line('response_item', { type: 'function_call_output', call_id: 'call_1', output: 'README.md', ...passthrough }),
      line('response_item', { type: 'message', role: 'assistant', id: 'msg_1', content: [{ type: 'output_text', text: 'A README.' }], phase: 'final_answer', ...passthrough }),
    ];
    await writeFile(file, `${lines.join('\n')}\n`);

    h = await startEngine([{ events: [ev.created('r1'), ev.assistantMessage('msg_2', 'Still a README.'), ev.completed('r1')] }], { slug: 'gpt-5.1', resume: { path: file } });
    await h.thread.submit(say('and now?'));
    const events = await readTurn(h.thread);

    expect(events.at(-1)?.msg.type).toBe('task_complete');
    expect(h.server.rejectedRequests).toEqual([]);
    expect(withoutInitialContext(inputOf(h.server, 0))).toEqual([
      userMessage('what is in here?'),
      { type: 'reasoning', id: 'rs_2', summary: [{ type: 'summary_text', text: 'list it' }], encrypted_content: 'gAAAAB' },
      { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'README.md' },
      { type: 'message', role: 'assistant', phase: 'final_answer', content: [{ type: 'output_text', text: 'A README.' }] },
      userMessage('and now?'),
    ]);
  });
});
