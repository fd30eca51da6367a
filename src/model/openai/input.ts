/**
 * History items → the Responses API's `input`, built field by field from the `openai` SDK's
 * input item types. Nothing read from disk or from the server is passed through: a field the
 * API does not define (Codex's `internal_chat_message_metadata_passthrough`, `metadata`, a
 * rollout's bookkeeping) cannot reach the request.
 *
 * Invariant (requests are sent with `store: false`): no item points at server-side state.
 * Reasoning without `encrypted_content` is dropped (the service would look its id up and
 * answer 404); messages and tool calls are sent without their server ids, as Codex does
 * (its `ResponseItem` never serializes those ids); reasoning with `encrypted_content` keeps
 * its id, which the SDK type requires and the service resolves from the encrypted payload.
 */
import type OpenAI from 'openai';
import type { ContentItem, FunctionCallOutputBody, ResponseItem } from '../../protocol/items.js';

type InputItem = OpenAI.Responses.ResponseInputItem;
type InputContent = OpenAI.Responses.ResponseInputContent;
type OutputPart = OpenAI.Responses.ResponseFunctionCallOutputItem;
/** An assistant message replayed without its server id and status (the API's "easy" form with output parts). */
type AssistantReplay = Omit<OpenAI.Responses.ResponseOutputMessage, 'id' | 'status' | 'content'> & {
  content: Array<Pick<OpenAI.Responses.ResponseOutputText, 'type' | 'text'>>;
};
type InputRole = OpenAI.Responses.ResponseInputItem.Message['role'];
const INPUT_ROLES: ReadonlySet<string> = new Set<InputRole>(['user', 'system', 'developer']);

/**
 * Converts model-visible history to the request's `input`. Items with no API input form
 * (ghost snapshots, unknown kinds) and reasoning without encrypted content are left out.
 * @example
 * toResponsesInput([{ type: 'message', role: 'assistant', id: 'msg_1', content: [{ type: 'output_text', text: 'hi' }] }]);
 * // [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'hi' }] }]
 */
export function toResponsesInput(items: readonly ResponseItem[]): OpenAI.Responses.ResponseInput {
  const out: InputItem[] = [];
  for (const item of items) {
    const converted = toInputItem(item);
    if (converted) out.push(converted);
  }
  return out;
}

function toInputItem(item: ResponseItem): InputItem | null {
  switch (item.type) {
    case 'message':
      return messageItem(item);
    case 'reasoning': {
      if (!item.encrypted_content) return null;
      const reasoning: OpenAI.Responses.ResponseReasoningItem = {
        type: 'reasoning',
        id: item.id,
        summary: item.summary.map((s) => ({ type: 'summary_text', text: s.text })),
        encrypted_content: item.encrypted_content,
      };
      if (item.id) return reasoning;
      // A rollout may hold reasoning without an id; the encrypted payload is all the API needs
      // (Codex never sends the id), so the empty id is left out rather than sent as "".
      const { id: _id, ...withoutId } = reasoning;
      return withoutId as InputItem;
    }
    case 'function_call': {
      const call: OpenAI.Responses.ResponseFunctionToolCall = { type: 'function_call', call_id: item.call_id, name: item.name, arguments: item.arguments };
      if (item.namespace) call.namespace = item.namespace;
      return call;
    }
    case 'function_call_output': {
      const output: OpenAI.Responses.ResponseInputItem.FunctionCallOutput = { type: 'function_call_output', call_id: item.call_id, output: outputBody(item.output) };
      return output;
    }
    case 'custom_tool_call': {
      const call: OpenAI.Responses.ResponseCustomToolCall = { type: 'custom_tool_call', call_id: item.call_id, name: item.name, input: item.input };
      return call;
    }
    case 'custom_tool_call_output': {
      const output: OpenAI.Responses.ResponseCustomToolCallOutput = {
        type: 'custom_tool_call_output',
        call_id: item.call_id,
        output: typeof item.output === 'string' ? item.output : item.output.map(inputContent),
      };
      return output;
    }
    case 'local_shell_call':
      return localShellCall(item);
    case 'web_search_call':
      return webSearchCall(item);
    case 'image_generation_call': {
      const call: OpenAI.Responses.ResponseInputItem.ImageGenerationCall = {
        type: 'image_generation_call',
        id: item.id,
        status: item.status as OpenAI.Responses.ResponseInputItem.ImageGenerationCall['status'],
        result: item.result,
      };
      return call;
    }
    case 'tool_search_call': {
      const call: OpenAI.Responses.ResponseInputItem.ToolSearchCall = { type: 'tool_search_call', arguments: item.arguments ?? {} };
      if (item.call_id) call.call_id = item.call_id;
      return call;
    }
    case 'tool_search_output': {
      const tools = Array.isArray(item.tools) ? (item.tools as OpenAI.Responses.Tool[]) : [];
      const output: OpenAI.Responses.ResponseToolSearchOutputItemParam = { type: 'tool_search_output', tools };
      if (item.call_id) output.call_id = item.call_id;
      return output;
    }
    case 'compaction': {
      const compaction: OpenAI.Responses.ResponseCompactionItemParam = { type: 'compaction', encrypted_content: item.encrypted_content };
      return compaction;
    }
    case 'ghost_snapshot':
    case 'other':
      return null;
  }
}

function messageItem(item: Extract<ResponseItem, { type: 'message' }>): InputItem | null {
  if (item.role === 'assistant') {
    const message: AssistantReplay = {
      type: 'message',
      role: 'assistant',
      content: item.content.flatMap((c) => (c.type === 'output_text' || c.type === 'input_text' ? [{ type: 'output_text' as const, text: c.text }] : [])),
    };
    if (item.phase) message.phase = item.phase;
    // The SDK types a replayed assistant message as an output message with a server id and
    // status; the API accepts it without them, and Codex sends it so (see the module comment).
    return message as unknown as InputItem;
  }
  const role: InputRole = INPUT_ROLES.has(item.role) ? (item.role as InputRole) : 'user';
  const message: OpenAI.Responses.ResponseInputItem.Message = { type: 'message', role, content: item.content.map(inputContent) };
  return message;
}

function inputContent(part: ContentItem): InputContent {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'input_text', text: part.text };
    case 'input_image':
      return { type: 'input_image', image_url: part.image_url, detail: part.detail ?? 'auto' };
  }
}

function outputBody(body: FunctionCallOutputBody): string | OutputPart[] {
  if (typeof body === 'string') return body;
  return body.map((part): OutputPart =>
    part.type === 'input_text'
      ? { type: 'input_text', text: part.text }
      : { type: 'input_image', image_url: part.image_url, ...(part.detail ? { detail: part.detail } : {}) },
  );
}

function localShellCall(item: Extract<ResponseItem, { type: 'local_shell_call' }>): InputItem | null {
  // The API's local shell call needs both ids; a call without them has no input form.
  if (!item.id || !item.call_id) return null;
  const action: OpenAI.Responses.ResponseInputItem.LocalShellCall.Action = { type: 'exec', command: item.action.command, env: item.action.env ?? {} };
  if (item.action.timeout_ms != null) action.timeout_ms = item.action.timeout_ms;
  if (item.action.working_directory != null) action.working_directory = item.action.working_directory;
  if (item.action.user != null) action.user = item.action.user;
  const call: OpenAI.Responses.ResponseInputItem.LocalShellCall = { type: 'local_shell_call', id: item.id, call_id: item.call_id, status: item.status, action };
  return call;
}

function webSearchCall(item: Extract<ResponseItem, { type: 'web_search_call' }>): InputItem | null {
  if (!item.id || !item.action) return null;
  const status = (item.status ?? 'completed') as OpenAI.Responses.ResponseFunctionWebSearch['status'];
  const call: OpenAI.Responses.ResponseFunctionWebSearch = {
    type: 'web_search_call',
    id: item.id,
    status,
    action: pickAction(item.action),
  };
  return call;
}

/** Keeps the fields the API defines for each web search action type. */
function pickAction(action: { type: string } & Record<string, unknown>): OpenAI.Responses.ResponseFunctionWebSearch['action'] {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  switch (action.type) {
    case 'open_page':
      return { type: 'open_page', ...(str(action.url) ? { url: str(action.url) } : {}) };
    case 'find_in_page':
      return { type: 'find_in_page', url: str(action.url) ?? '', pattern: str(action.pattern) ?? '' };
    default: {
      const search: OpenAI.Responses.ResponseFunctionWebSearch.Search = { type: 'search', query: str(action.query) ?? '' };
      if (Array.isArray(action.queries)) search.queries = action.queries.filter((q): q is string => typeof q === 'string');
      return search;
    }
  }
}
