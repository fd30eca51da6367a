/**
 * Checks of the `input` array of a Responses request: fields per item type, references to
 * server-side items when nothing is stored, and that every tool call and tool output in the
 * input has its partner.
 */
import { reject, type ApiRejection } from './rejection.js';

/**
 * Fields each input item type may carry: the keys of the SDK's `ResponseInputItem` member
 * types (`EasyInputMessage`, `ResponseInputItem.Message`, `ResponseOutputMessage`,
 * `ResponseReasoningItem`, `ResponseFunctionToolCall`, ...). Types listed with `null` are
 * accepted without a field check (hosted tools turnstate never sends).
 */
const ITEM_FIELDS: Readonly<Record<string, ReadonlySet<string> | null>> = {
  message: new Set(['type', 'id', 'role', 'content', 'status', 'phase']),
  reasoning: new Set(['type', 'id', 'summary', 'content', 'encrypted_content', 'status']),
  function_call: new Set(['type', 'id', 'call_id', 'name', 'arguments', 'caller', 'namespace', 'status']),
  function_call_output: new Set(['type', 'id', 'call_id', 'output', 'caller', 'status']),
  custom_tool_call: new Set(['type', 'id', 'call_id', 'name', 'input', 'caller', 'namespace']),
  custom_tool_call_output: new Set(['type', 'id', 'call_id', 'output', 'caller']),
  local_shell_call: new Set(['type', 'id', 'call_id', 'action', 'status']),
  local_shell_call_output: new Set(['type', 'id', 'output', 'status']),
  web_search_call: new Set(['type', 'id', 'status', 'action']),
  image_generation_call: new Set(['type', 'id', 'status', 'result']),
  tool_search_call: new Set(['type', 'id', 'call_id', 'arguments', 'execution', 'status']),
  tool_search_output: new Set(['type', 'id', 'call_id', 'tools', 'execution', 'status']),
  compaction: new Set(['type', 'id', 'encrypted_content']),
  item_reference: new Set(['type', 'id']),
  additional_tools: null,
  compaction_trigger: null,
  file_search_call: null,
  computer_call: null,
  computer_call_output: null,
  code_interpreter_call: null,
  shell_call: null,
  shell_call_output: null,
  apply_patch_call: null,
  apply_patch_call_output: null,
  mcp_list_tools: null,
  mcp_approval_request: null,
  mcp_approval_response: null,
  mcp_call: null,
  program: null,
  program_output: null,
};

/** Fields of message content parts (`ResponseInputText`, `ResponseInputImage`, `ResponseInputFile`, `ResponseOutputText`, `ResponseOutputRefusal`). */
const PART_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  input_text: new Set(['type', 'text', 'prompt_cache_breakpoint']),
  input_image: new Set(['type', 'detail', 'file_id', 'image_url', 'prompt_cache_breakpoint']),
  input_file: new Set(['type', 'file_data', 'file_id', 'file_url', 'filename', 'detail', 'prompt_cache_breakpoint']),
  output_text: new Set(['type', 'text', 'annotations', 'logprobs']),
  refusal: new Set(['type', 'refusal']),
};

/**
 * Items whose `id` only names an item the service stored. With `store: false` nothing was
 * stored, so the service looks the id up and answers 404. Reasoning is handled separately: its
 * id is required by the schema and resolved from `encrypted_content` when that is present.
 * Messages and tool calls that carry their whole content are accepted with their ids: Codex
 * 0.169 replays assistant messages with their `msg_…` ids under `store: false` against the
 * service (observed through `npm run test:codex`); turnstate strips them anyway.
 */
const ID_IS_REFERENCE: ReadonlySet<string> = new Set(['item_reference']);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The 404 the service answers for an item it did not keep. Text as the service sends it
 * (quoted in continuedev/continue#9101, anomalyco/opencode#7724).
 * @example
 * notPersisted('rs_1').status; // 404
 */
export function notPersisted(id: string): ApiRejection {
  return reject(
    404,
    `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
    'input',
  );
}

/** The item's type as the service reads it: a bare `{id}` is an item reference, a typeless `{role}` a message. */
function itemType(item: Record<string, unknown>): string | null {
  if (typeof item.type === 'string') return item.type;
  if (item.type == null && 'role' in item) return 'message';
  if (item.type == null && 'id' in item) return 'item_reference';
  return null;
}

/**
 * Checks `input` items; `null` when the service would accept them.
 * @example
 * checkInputItems([{ type: 'function_call_output', call_id: 'c1', output: 'ok' }], { store: false })?.error.message;
 * // 'No tool call found for function call output with call_id c1.'
 */
export function checkInputItems(input: unknown[], opts: { store: boolean }): ApiRejection | null {
  const calls = { function: new Set<string>(), custom: new Set<string>() };
  const outputs = { function: new Set<string>(), custom: new Set<string>() };
  for (const [i, item] of input.entries()) {
    if (!isObj(item)) return reject(400, `Invalid type for 'input[${i}]': expected an object.`, `input[${i}]`, 'invalid_type');
    const type = itemType(item);
    const fields = type === null ? undefined : ITEM_FIELDS[type];
    if (type === null || fields === undefined) {
      return reject(400, `Invalid value: '${String(item.type)}'. Supported values are input item types.`, `input[${i}].type`, 'invalid_value');
    }
    // Unknown fields of an item: 400 "Unknown parameter: 'input[i].<field>'.", as at the top level.
    const unknown = fields && Object.keys(item).find((key) => !fields.has(key));
    if (unknown) return reject(400, `Unknown parameter: 'input[${i}].${unknown}'.`, `input[${i}].${unknown}`, 'unknown_parameter');
    const partError = type === 'message' ? checkParts(item.content, i) : null;
    if (partError) return partError;
    if (!opts.store) {
      // store:false — reasoning the client cannot carry itself (no encrypted_content) and
      // item references are looked up server-side and are not there: 404.
      if (type === 'reasoning' && !item.encrypted_content) return notPersisted(String(item.id ?? ''));
      if (ID_IS_REFERENCE.has(type) && typeof item.id === 'string' && item.id !== '') return notPersisted(item.id);
    }
    const callId = typeof item.call_id === 'string' ? item.call_id : null;
    if (callId === null) continue;
    if (type === 'function_call' || type === 'local_shell_call') calls.function.add(callId);
    else if (type === 'custom_tool_call') calls.custom.add(callId);
    else if (type === 'function_call_output') outputs.function.add(callId);
    else if (type === 'custom_tool_call_output') outputs.custom.add(callId);
  }
  return checkPairs(input, calls, outputs);
}

function checkParts(content: unknown, i: number): ApiRejection | null {
  if (!Array.isArray(content)) return null; // a string content is valid
  for (const [j, part] of content.entries()) {
    if (!isObj(part) || typeof part.type !== 'string') continue;
    const fields = PART_FIELDS[part.type];
    if (!fields) return reject(400, `Invalid value: '${part.type}'. Supported values are message content types.`, `input[${i}].content[${j}].type`, 'invalid_value');
    const unknown = Object.keys(part).find((key) => !fields.has(key));
    if (unknown) return reject(400, `Unknown parameter: 'input[${i}].content[${j}].${unknown}'.`, `input[${i}].content[${j}].${unknown}`, 'unknown_parameter');
  }
  return null;
}

/**
 * Every output needs its call in the same input, and every call its output: the service
 * answers 400 "No tool call found for function call output with call_id …" and "No tool
 * output found for function call …" (param `input`).
 */
function checkPairs(
  input: unknown[],
  calls: { function: Set<string>; custom: Set<string> },
  outputs: { function: Set<string>; custom: Set<string> },
): ApiRejection | null {
  for (const item of input) {
    if (!isObj(item) || typeof item.call_id !== 'string') continue;
    const id = item.call_id;
    switch (item.type) {
      case 'function_call_output':
        if (!calls.function.has(id)) return reject(400, `No tool call found for function call output with call_id ${id}.`, 'input');
        break;
      case 'custom_tool_call_output':
        if (!calls.custom.has(id)) return reject(400, `No tool call found for custom tool call output with call_id ${id}.`, 'input');
        break;
      case 'function_call':
        if (!outputs.function.has(id)) return reject(400, `No tool output found for function call ${id}.`, 'input');
        break;
      case 'custom_tool_call':
        if (!outputs.custom.has(id)) return reject(400, `No tool output found for custom tool call ${id}.`, 'input');
        break;
      default:
        break;
    }
  }
  return null;
}
