import { createThread } from 'turnstate';
import { openaiModel } from 'turnstate/openai';
import { ev, startMockResponsesServer } from 'turnstate/testing';

export async function main(log: (line: string) => void = console.log): Promise<void> {
  const server = await startMockResponsesServer([
    { events: [ev.created('r1'), ev.functionCall('c1', 'shell', '{"command":["node","--version"]}'), ev.completed('r1')] },
    { events: [ev.created('r2'), ev.assistantMessage('m2', 'Node is installed.'), ev.completed('r2')] },
    { events: [ev.created('r3')], hold: true }, // a response that never ends
  ]);
  const model = openaiModel({ model: 'gpt-5.1', baseURL: server.url, apiKey: 'sk-local' });
  const thread = await createThread({ model, ephemeral: true, approvalPolicy: 'untrusted', sandboxPolicy: { type: 'danger-full-access' } });
  for await (const { msg } of thread.runStreamed('Which node version is installed?')) {
    const asks = msg.type === 'exec_approval_request' || msg.type === 'apply_patch_approval_request';
    if (asks) await thread.approve(msg, 'approved'); // or 'approved_for_session', 'denied', 'abort'
    if (msg.type === 'exec_command_end') log(`ran ${msg.command.join(' ')}: exit ${msg.exit_code}`);
    if (msg.type === 'task_complete') log(`assistant: ${msg.last_agent_message}`);
  }
  const controller = new AbortController();
  const second = thread.run('Now think forever', { signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  log(`second turn: ${(await second).status}`); // 'interrupted' (turn_aborted was emitted)
  await thread.shutdown();
  await server.close();
}
