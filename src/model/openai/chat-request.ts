/**
 * Pure conversion of a `ModelRequest` to a Chat Completions request, for OpenAI-compatible
 * servers that only speak `/chat/completions`. History items become chat messages; items
 * chat has no form for (reasoning, web search, compaction, ...) are dropped.
 */
import type OpenAI from 'openai';
import type { FunctionCallOutputBody, ResponseItem } from '../../protocol/items.js';
import type { ModelRequest, ToolSpec } from '../types.js';

type ChatMessage = OpenAI.ChatCompletionMessageParam;
type AssistantMessage = OpenAI.ChatCompletionAssistantMessageParam;
type ContentPart = OpenAI.ChatCompletionContentPart;

/** JSON Schema of the single-string argument a custom (freeform) tool becomes in chat. */
const CUSTOM_TOOL_PARAMETERS = {
  type: 'object',
  properties: { input: { type: 'string', description: 'The raw input for this tool.' } },
  required: ['input'],
  additionalProperties: false,
};

/**
 * The streaming `chat.completions.create` body for a request (usage included in the stream).
 * @example
 * chatRequestBody({ model: 'llama', instructions: 'Be brief.', input: [], tools: [], parallel_tool_calls: false }).messages;
 * // [{ role: 'system', content: 'Be brief.' }]
 */
export function chatRequestBody(request: ModelRequest): OpenAI.ChatCompletionCreateParamsStreaming {
  const body: OpenAI.ChatCompletionCreateParamsStreaming = {
    model: request.model,
    messages: toChatMessages(request.instructions, request.input),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (request.tools.length > 0) {
    body.tools = request.tools.map(toChatTool);
    body.parallel_tool_calls = request.parallel_tool_calls;
  }
  if (request.reasoning?.effort) body.reasoning_effort = request.reasoning.effort as OpenAI.ReasoningEffort;
  const format = request.text?.format;
  if (format) body.response_format = { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, strict: format.strict } };
  return body;
}

/**
 * Converts instructions plus history to chat messages: user → user, assistant → assistant,
 * developer/system → system; tool calls join the preceding assistant message's `tool_calls`;
 * tool outputs become `tool` messages; reasoning and other items are dropped.
 * @example
 * toChatMessages('', [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }]);
 * // [{ role: 'user', content: 'hi' }]
 */
export function toChatMessages(instructions: string, input: readonly ResponseItem[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (instructions) messages.push({ role: 'system', content: instructions });
  const addToolCall = (id: string, name: string, args: string) => {
    const last = messages.at(-1);
    const call = { id, type: 'function' as const, function: { name, arguments: args } };
    if (last?.role === 'assistant') (last.tool_calls ??= []).push(call);
    else messages.push({ role: 'assistant', content: null, tool_calls: [call] } satisfies AssistantMessage);
  };
  for (const item of input) {
    switch (item.type) {
      case 'message':
        messages.push(toChatMessage(item));
        break;
      case 'function_call':
        addToolCall(item.call_id, item.name, item.arguments);
        break;
      case 'custom_tool_call':
        addToolCall(item.call_id, item.name, JSON.stringify({ input: item.input }));
        break;
      case 'local_shell_call':
        if (item.call_id) addToolCall(item.call_id, 'local_shell', JSON.stringify(item.action));
        break;
      case 'function_call_output':
      case 'custom_tool_call_output':
        messages.push({ role: 'tool', tool_call_id: item.call_id, content: outputText(item.output) });
        break;
      default:
        break; // reasoning, web search, images, compaction, ...: no chat form
    }
  }
  return messages;
}

/**
 * A tool spec as a chat function tool; a custom tool takes one string argument, `input`.
 * @example
 * toChatTool({ type: 'custom', name: 'apply_patch', description: 'Edit files' }).function.name; // 'apply_patch'
 */
export function toChatTool(tool: ToolSpec): OpenAI.ChatCompletionFunctionTool {
  const parameters = tool.type === 'function' ? tool.parameters : CUSTOM_TOOL_PARAMETERS;
  const fn: OpenAI.FunctionDefinition = { name: tool.name, description: tool.description, parameters };
  if (tool.type === 'function' && tool.strict !== undefined) fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

function toChatMessage(item: Extract<ResponseItem, { type: 'message' }>): ChatMessage {
  const texts = item.content.flatMap((part) => (part.type === 'input_image' ? [] : [part.text]));
  // Assistant output parts continue one another; input parts are separate blocks.
  if (item.role === 'assistant') return { role: 'assistant', content: texts.join('') };
  const text = texts.join('\n');
  if (item.role === 'developer' || item.role === 'system') return { role: 'system', content: text };
  if (!item.content.some((part) => part.type === 'input_image')) return { role: 'user', content: text };
  const parts: ContentPart[] = item.content.map((part) =>
    part.type === 'input_image'
      ? { type: 'image_url', image_url: { url: part.image_url, ...(part.detail && part.detail !== 'original' ? { detail: part.detail } : {}) } }
      : { type: 'text', text: part.text },
  );
  return { role: 'user', content: parts };
}

function outputText(output: FunctionCallOutputBody): string {
  if (typeof output === 'string') return output;
  return output.map((part) => (part.type === 'input_text' ? part.text : '[image]')).join('\n');
}
