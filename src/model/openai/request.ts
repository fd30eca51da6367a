/**
 * Pure construction of the Responses API request: body and per-request headers.
 */
import type OpenAI from 'openai';
import type { ModelRequest, ToolSpec } from '../types.js';
import { toResponsesInput } from './input.js';

type ResponsesBody = OpenAI.Responses.ResponseCreateParamsStreaming;

/**
 * The streaming `responses.create` body for a request. Nothing is stored server-side
 * (`store: false`), so when reasoning is requested its encrypted content is included in
 * the output for the next request to send back (Codex: `include` is set exactly when
 * `reasoning` is), and `input` is rebuilt from the SDK's item types with no server ids
 * (see `toResponsesInput`).
 * @example
 * responsesRequestBody({ model: 'gpt-5', instructions: 'Be brief.', input: [], tools: [], parallel_tool_calls: false }).stream; // true
 */
export function responsesRequestBody(request: ModelRequest): ResponsesBody {
  const body: ResponsesBody = {
    model: request.model,
    instructions: request.instructions,
    input: toResponsesInput(request.input),
    tools: request.tools.map(toResponsesTool),
    tool_choice: 'auto',
    parallel_tool_calls: request.parallel_tool_calls,
    store: false,
    stream: true,
  };
  if (request.reasoning) {
    const reasoning: OpenAI.Reasoning = {};
    if (request.reasoning.effort) reasoning.effort = request.reasoning.effort as OpenAI.ReasoningEffort;
    if (request.reasoning.summary) reasoning.summary = request.reasoning.summary as OpenAI.Reasoning['summary'];
    body.reasoning = reasoning;
    body.include = ['reasoning.encrypted_content'];
  }
  if (request.text) body.text = request.text as OpenAI.Responses.ResponseTextConfig;
  if (request.prompt_cache_key) body.prompt_cache_key = request.prompt_cache_key;
  return body;
}

/**
 * Headers that tie the requests of one turn together: `x-codex-turn-state` (sticky routing)
 * and `x-codex-turn-metadata`, each only when the request carries it.
 * @example
 * turnHeaders({ turn_state: 'ts-1' } as ModelRequest); // { 'x-codex-turn-state': 'ts-1' }
 */
export function turnHeaders(request: Pick<ModelRequest, 'turn_state' | 'turn_metadata'>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (request.turn_state) headers['x-codex-turn-state'] = request.turn_state;
  if (request.turn_metadata) headers['x-codex-turn-metadata'] = request.turn_metadata;
  return headers;
}

function toResponsesTool(tool: ToolSpec): OpenAI.Responses.Tool {
  if (tool.type === 'function') {
    return { type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters, strict: tool.strict ?? false };
  }
  const custom: OpenAI.Responses.CustomTool = { type: 'custom', name: tool.name, description: tool.description };
  if (tool.format) custom.format = tool.format as unknown as OpenAI.Responses.CustomTool['format'];
  return custom;
}
