import { createThread } from 'turnstate';
import { openaiModel } from 'turnstate/openai';
import { ev, startMockResponsesServer } from 'turnstate/testing';

export async function main(log: (line: string) => void = console.log): Promise<void> {
  // A loopback Responses API server; for the real API drop baseURL/apiKey and set OPENAI_API_KEY.
  const server = await startMockResponsesServer([{ events: [ev.created('r1'), ev.assistantMessage('m1', 'Hello from turnstate!'), ev.completed('r1')] }]);
  const thread = await createThread({ model: openaiModel({ model: 'gpt-5.1', baseURL: server.url, apiKey: 'sk-local' }), ephemeral: true });
  await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'Say hello' }] });
  for await (const { msg } of thread.events()) {
    if (msg.type === 'agent_message') log(`assistant: ${msg.message}`);
    if (msg.type === 'task_complete') break;
  }
  await thread.shutdown();
  await server.close();
}
