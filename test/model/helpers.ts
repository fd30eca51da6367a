/**
 * Shared fixtures for the model adapter tests.
 */
import type { ModelClient, ModelRequest, ResponseEvent } from '../../src/model/types.js';

/** A minimal request; override what a test cares about. */
export function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: 'gpt-test',
    instructions: 'You are a test model.',
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
    tools: [],
    parallel_tool_calls: false,
    ...overrides,
  };
}

/** Drains a stream: the events seen and the error it ended with (if any). */
export async function drain(
  model: ModelClient,
  req: ModelRequest = request(),
  signal: AbortSignal = new AbortController().signal,
): Promise<{ events: ResponseEvent[]; error: unknown }> {
  const events: ResponseEvent[] = [];
  try {
    for await (const event of model.stream(req, signal)) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

/** Drains a stream that must succeed. */
export async function collect(model: ModelClient, req: ModelRequest = request()): Promise<ResponseEvent[]> {
  const { events, error } = await drain(model, req);
  if (error !== undefined) throw error;
  return events;
}
