/**
 * One real turn against the OpenAI API. Skipped (and says so) when OPENAI_API_KEY is unset,
 * which is always the case in CI: every other test runs offline against the loopback server.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createThread, defineTool, type Thread } from 'turnstate';
import { openaiModel } from 'turnstate/openai';

const key = process.env.OPENAI_API_KEY;
if (!key) console.log('[skip] live OpenAI test: OPENAI_API_KEY is not set');

describe.skipIf(!key)('live OpenAI API', () => {
  it('runs one turn to completion', async () => {
    const model = openaiModel({ model: process.env.TURNSTATE_LIVE_MODEL ?? 'gpt-5.1', ...(process.env.OPENAI_BASE_URL ? { baseURL: process.env.OPENAI_BASE_URL } : {}) });
    const thread = await createThread({ model, ephemeral: true, builtinTools: false });
    const id = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'Reply with the single word: pong' }] });
    let last: string | null | undefined;
    for await (const { id: eventId, msg } of thread.events()) {
      if (eventId === id && msg.type === 'error') throw new Error(msg.message);
      if (eventId === id && msg.type === 'task_complete') {
        last = msg.last_agent_message;
        break;
      }
    }
    await thread.shutdown();
    expect(last?.toLowerCase()).toContain('pong');
  }, 60_000);

  it('runs a tool turn whose follow-up request replays reasoning under store: false', async () => {
    const model = openaiModel({ model: process.env.TURNSTATE_LIVE_MODEL ?? 'gpt-5.1', ...(process.env.OPENAI_BASE_URL ? { baseURL: process.env.OPENAI_BASE_URL } : {}) });
    const lookup = defineTool({ name: 'lookup', description: 'Returns the secret word', parameters: z.object({}), execute: () => 'heliotrope' });
    const thread = await createThread({ model, ephemeral: true, builtinTools: false, tools: [lookup], effort: 'low' });
    const id = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'Call the lookup tool, then reply with the word it returned.' }] });
    expect((await lastAgentMessage(thread, id))?.toLowerCase()).toContain('heliotrope');
    await thread.shutdown();
  }, 120_000);
});

async function lastAgentMessage(thread: Thread, id: string): Promise<string | null | undefined> {
  for await (const { id: eventId, msg } of thread.events()) {
    if (eventId === id && msg.type === 'error') throw new Error(msg.message);
    if (eventId === id && msg.type === 'task_complete') return msg.last_agent_message;
  }
  return undefined;
}
