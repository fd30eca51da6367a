/**
 * Conversation items in Codex's JSON wire format: what the user types (`UserInput`), what
 * the model sees and says (`ResponseItem`), and the v2 item shapes clients render
 * (`TurnItem`). Field names stay snake_case, as on the wire.
 */
import { z } from 'zod';

/** Upper bound on one text input, in characters (Codex: 1 MiB). */
export const MAX_USER_INPUT_TEXT_CHARS = 1 << 20;

/** A span inside a text input that a UI rendered specially (a mention, a pasted block). */
export const TextElement = z.looseObject({
  byte_range: z.looseObject({ start: z.number().int(), end: z.number().int() }).optional(),
  placeholder: z.string().nullish(),
});
export type TextElement = z.infer<typeof TextElement>;

/**
 * One piece of user input.
 * @example
 * UserInput.parse({ type: 'text', text: 'hi' });
 */
export const UserInput = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('text'),
    text: z.string().max(MAX_USER_INPUT_TEXT_CHARS),
    text_elements: z.array(TextElement).default([]),
  }),
  z.object({ type: z.literal('image'), image_url: z.string() }),
  z.object({ type: z.literal('local_image'), path: z.string() }),
  z.object({ type: z.literal('skill'), name: z.string(), path: z.string() }),
  z.object({ type: z.literal('mention'), name: z.string(), path: z.string() }),
]);
export type UserInput = z.infer<typeof UserInput>;
/** User input as a host writes it (`text_elements` optional). */
export type UserInputInit = z.input<typeof UserInput>;

export const ImageDetail = z.enum(['auto', 'low', 'high', 'original']);

/** A content part of a message. */
export const ContentItem = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input_text'), text: z.string() }),
  z.object({ type: z.literal('input_image'), image_url: z.string(), detail: ImageDetail.optional() }),
  z.object({ type: z.literal('output_text'), text: z.string() }),
]);
export type ContentItem = z.infer<typeof ContentItem>;

/** Function output payload: a plain string, or text/image parts. */
export const FunctionCallOutputBody = z.union([
  z.string(),
  z.array(
    z.discriminatedUnion('type', [
      z.object({ type: z.literal('input_text'), text: z.string() }),
      z.object({ type: z.literal('input_image'), image_url: z.string(), detail: ImageDetail.optional() }),
    ]),
  ),
]);
export type FunctionCallOutputBody = z.infer<typeof FunctionCallOutputBody>;

export const MessagePhase = z.enum(['commentary', 'final_answer']);

const message = z.looseObject({
  type: z.literal('message'),
  id: z.string().nullish(),
  role: z.string(),
  content: z.array(ContentItem),
  end_turn: z.boolean().nullish(),
  phase: MessagePhase.nullish(),
});
const reasoning = z.looseObject({
  type: z.literal('reasoning'),
  id: z.string().default(''),
  summary: z.array(z.looseObject({ type: z.literal('summary_text'), text: z.string() })).default([]),
  content: z
    .array(z.looseObject({ type: z.enum(['reasoning_text', 'text']), text: z.string() }))
    .nullish(),
  encrypted_content: z.string().nullish(),
});
const localShellCall = z.looseObject({
  type: z.literal('local_shell_call'),
  id: z.string().nullish(),
  call_id: z.string().nullish(),
  status: z.enum(['completed', 'in_progress', 'incomplete']),
  action: z.looseObject({
    type: z.literal('exec'),
    command: z.array(z.string()),
    timeout_ms: z.number().nullish(),
    working_directory: z.string().nullish(),
    env: z.record(z.string(), z.string()).nullish(),
    user: z.string().nullish(),
  }),
});
const functionCall = z.looseObject({
  type: z.literal('function_call'),
  id: z.string().nullish(),
  name: z.string(),
  namespace: z.string().nullish(),
  arguments: z.string(),
  call_id: z.string(),
});
const functionCallOutput = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string(),
  output: FunctionCallOutputBody,
});
const customToolCall = z.looseObject({
  type: z.literal('custom_tool_call'),
  id: z.string().nullish(),
  status: z.string().nullish(),
  call_id: z.string(),
  name: z.string(),
  input: z.string(),
});
const customToolCallOutput = z.looseObject({
  type: z.literal('custom_tool_call_output'),
  call_id: z.string(),
  name: z.string().nullish(),
  output: FunctionCallOutputBody,
});
const toolSearchCall = z.looseObject({ type: z.literal('tool_search_call'), call_id: z.string().nullish() });
const toolSearchOutput = z.looseObject({ type: z.literal('tool_search_output'), call_id: z.string().nullish() });
const webSearchCall = z.looseObject({
  type: z.literal('web_search_call'),
  id: z.string().nullish(),
  status: z.string().nullish(),
  action: z.looseObject({ type: z.string() }).nullish(),
});
const imageGenerationCall = z.looseObject({
  type: z.literal('image_generation_call'),
  id: z.string(),
  status: z.string(),
  revised_prompt: z.string().nullish(),
  result: z.string(),
});
const ghostSnapshot = z.looseObject({ type: z.literal('ghost_snapshot'), ghost_commit: z.unknown() });
const compaction = z.looseObject({ type: z.literal('compaction'), encrypted_content: z.string() });
const other = z.looseObject({ type: z.literal('other') });

const RESPONSE_ITEM_VARIANTS = [
  message,
  reasoning,
  localShellCall,
  functionCall,
  functionCallOutput,
  customToolCall,
  customToolCallOutput,
  toolSearchCall,
  toolSearchOutput,
  webSearchCall,
  imageGenerationCall,
  ghostSnapshot,
  compaction,
  other,
] as const;

/** Every `type` a `ResponseItem` can have (`other` catches the rest). */
export const RESPONSE_ITEM_TYPES: ReadonlySet<string> = new Set(RESPONSE_ITEM_VARIANTS.map((v) => v.shape.type.value));

/**
 * An item of model-visible history, as the Responses API and Codex rollouts carry it.
 * `compaction_summary` is accepted as an alias of `compaction`; unknown types parse as `other`.
 * @example
 * ResponseItem.parse({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] });
 */
export const ResponseItem = z.preprocess(
  (raw) => normaliseResponseItemType(raw),
  z.discriminatedUnion('type', RESPONSE_ITEM_VARIANTS),
);
export type ResponseItem = z.infer<typeof ResponseItem>;

function normaliseResponseItemType(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const type = (raw as { type?: unknown }).type;
  if (type === 'compaction_summary') return { ...raw, type: 'compaction' };
  if (typeof type === 'string' && !RESPONSE_ITEM_TYPES.has(type)) return { ...raw, type: 'other', original_type: type };
  return raw;
}

/** Item variants by type, for narrowing. */
export type MessageItem = Extract<ResponseItem, { type: 'message' }>;
export type FunctionCallItem = Extract<ResponseItem, { type: 'function_call' }>;
export type FunctionCallOutputItem = Extract<ResponseItem, { type: 'function_call_output' }>;
export type CustomToolCallItem = Extract<ResponseItem, { type: 'custom_tool_call' }>;
export type ReasoningItem = Extract<ResponseItem, { type: 'reasoning' }>;

/**
 * The form used for pending and injected input (Codex `ResponseInputItem`).
 * @example
 * ResponseInputItem.parse({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'more' }] });
 */
export const ResponseInputItem = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), role: z.string(), content: z.array(ContentItem) }),
  z.object({ type: z.literal('function_call_output'), call_id: z.string(), output: FunctionCallOutputBody }),
  z.object({ type: z.literal('mcp_tool_call_output'), call_id: z.string(), output: z.unknown() }),
  z.object({
    type: z.literal('custom_tool_call_output'),
    call_id: z.string(),
    name: z.string().nullish(),
    output: FunctionCallOutputBody,
  }),
  z.object({ type: z.literal('tool_search_output'), call_id: z.string().nullish(), tools: z.array(z.unknown()).optional() }),
]);
export type ResponseInputItem = z.infer<typeof ResponseInputItem>;

/** v2 item shapes, announced by `item_started` / `item_completed`. */
export const TurnItem = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('UserMessage'), id: z.string(), content: z.array(UserInput) }),
  z.looseObject({ type: z.literal('HookPrompt'), id: z.string() }),
  z.looseObject({
    type: z.literal('AgentMessage'),
    id: z.string(),
    content: z.array(z.looseObject({ type: z.literal('Text'), text: z.string() })),
    phase: MessagePhase.nullish(),
    memory_citation: z.unknown().optional(),
  }),
  z.looseObject({ type: z.literal('Plan'), id: z.string(), text: z.string() }),
  z.looseObject({
    type: z.literal('Reasoning'),
    id: z.string(),
    summary_text: z.array(z.string()),
    raw_content: z.array(z.string()).default([]),
  }),
  z.looseObject({ type: z.literal('WebSearch'), id: z.string(), query: z.string().default('') }),
  z.looseObject({ type: z.literal('ImageGeneration'), id: z.string() }),
  z.looseObject({ type: z.literal('ContextCompaction'), id: z.string() }),
]);
export type TurnItem = z.infer<typeof TurnItem>;
