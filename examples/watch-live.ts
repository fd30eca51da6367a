import { createWebSocketInspector } from '@statelyai/inspect';
import { createThread, inspectorSanitizers, type ThreadOptions } from 'turnstate';

/** A thread whose actor tree streams to a local WebSocket inspector, without prompts or tool output. */
export async function watchedThread(url: string, options: ThreadOptions) {
  const inspector = createWebSocketInspector({
    url, // e.g. createInspectorServer() from '@statelyai/inspect/server' listens on ws://localhost:8080
    ...inspectorSanitizers({ redact: (text, kind) => (kind === 'prompt' || kind === 'tool_output' ? '[redacted]' : text) }),
  });
  const thread = await createThread({ ...options, inspect: inspector.inspect });
  return { thread, stop: () => inspector.stop() };
}
