/**
 * Sanitizers for `@statelyai/inspect` (`createWebSocketInspector({ sanitizeContext,
 * sanitizeEvent })`, or the browser / Sky inspectors). By default they replace the
 * conversation a thread carries in its context and events — history, pending input,
 * instructions, history events (`HISTORY.RECORD`, `HISTORY.REPLACE`) — with a summary
 * (counts, ids, the last few items as short previews), so inspector traffic per turn stays
 * flat as the conversation grows; `redact` rewrites every prompt, model output, tool input
 * and tool output text before it leaves.
 */

/** What a text is, for `redact`. */
export type RedactKind = 'prompt' | 'model_output' | 'tool_input' | 'tool_output' | 'instructions';

/** Options of `inspectorSanitizers`. */
export interface InspectorSanitizerOptions {
  /** Send whole contexts and events (texts still go through `redact`). Default false: summaries. */
  full?: boolean;
  /** Rewrites a text before it is sent (default: unchanged; summaries cut it to `previewChars`). */
  redact?: (text: string, kind: RedactKind) => string;
  /** How many of the latest items a summary shows (default 3). */
  lastItems?: number;
  /** Preview length of a text in a summary, in characters (default 80). */
  previewChars?: number;
}

type Json = Record<string, unknown>;
type Ctx = Required<Omit<InspectorSanitizerOptions, 'redact'>> & { redact: (text: string, kind: RedactKind) => string };

const INSTRUCTION_KEYS = new Set(['base_instructions', 'developer_instructions', 'user_instructions']);
const ITEM_LIST_KEYS = new Set(['items', 'pendingInput', 'idlePendingInput']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The kind of the texts a history item carries. */
function itemKind(item: Json): RedactKind {
  switch (item.type) {
    case 'message':
      return item.role === 'assistant' ? 'model_output' : item.role === 'user' ? 'prompt' : 'instructions';
    case 'function_call':
    case 'custom_tool_call':
    case 'local_shell_call':
      return 'tool_input';
    case 'function_call_output':
    case 'custom_tool_call_output':
      return 'tool_output';
    default:
      return 'model_output';
  }
}

/** Applies `fn` to every text field of an item (`content[].text`, `output`, `arguments`, `input`, `summary[].text`). */
function mapItemTexts(item: Json, fn: (text: string, kind: RedactKind) => string): Json {
  const kind = itemKind(item);
  const out: Json = { ...item };
  for (const key of ['content', 'summary'] as const) {
    const parts = item[key];
    if (Array.isArray(parts)) out[key] = parts.map((p: unknown) => (isObject(p) && typeof p.text === 'string' ? { ...p, text: fn(p.text, kind) } : p));
  }
  for (const key of ['output', 'arguments', 'input'] as const) {
    const v = item[key];
    if (typeof v === 'string') out[key] = fn(v, kind);
    else if (isObject(v) && typeof v.text === 'string') out[key] = { ...v, text: fn(v.text, kind) };
  }
  if ('encrypted_content' in item) out.encrypted_content = '[encrypted]';
  return out;
}

function textOf(item: Json): string {
  const parts = [item.content, item.summary].flatMap((p) => (Array.isArray(p) ? p : []));
  const texts = parts.flatMap((p: unknown) => (isObject(p) && typeof p.text === 'string' ? [p.text] : []));
  for (const key of ['output', 'arguments', 'input']) if (typeof item[key] === 'string') texts.push(item[key]);
  return texts.join(' ');
}

function preview(text: string, kind: RedactKind, c: Ctx): string {
  const red = c.redact(text, kind);
  return red.length > c.previewChars ? `${red.slice(0, c.previewChars)}… (${red.length} chars)` : red;
}

/** One item as a summary: its type, role, ids and a short redacted preview. */
function summarizeItem(item: unknown, c: Ctx): unknown {
  if (!isObject(item)) return item;
  const out: Json = { type: item.type };
  for (const key of ['role', 'id', 'call_id', 'name', 'status']) if (item[key] !== undefined) out[key] = item[key];
  const text = textOf(item);
  if (text) out.preview = preview(text, itemKind(item), c);
  return out;
}

function summarizeList(items: unknown[], c: Ctx): Json {
  return { count: items.length, last: items.slice(-c.lastItems).map((i) => summarizeItem(i, c)) };
}

/** Walks a context or event, summarising (or, in full mode, redacting) conversation data. */
function walk(value: unknown, c: Ctx, depth: number): unknown {
  if (depth > 8) return '[…]';
  if (Array.isArray(value)) return value.map((v) => walk(v, c, depth + 1));
  if (!isObject(value)) return value;
  // Actor references and other class instances are left to the inspector's own serializer.
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    if (INSTRUCTION_KEYS.has(key) && typeof v === 'string') out[key] = c.full ? c.redact(v, 'instructions') : `<${v.length} chars>`;
    else if (ITEM_LIST_KEYS.has(key) && Array.isArray(v) && v.every(isObject)) {
      out[key] = c.full ? v.map((item) => mapItemTexts(item, c.redact)) : summarizeList(v, c);
    } else if (key === 'lastAgentMessage' && typeof v === 'string') out[key] = c.full ? c.redact(v, 'model_output') : preview(v, 'model_output', c);
    else out[key] = walk(v, c, depth + 1);
  }
  return out;
}

/**
 * A `sanitizeContext` / `sanitizeEvent` pair for `@statelyai/inspect`.
 * @example
 * import { createWebSocketInspector } from '@statelyai/inspect';
 * const inspector = createWebSocketInspector({ url: 'ws://127.0.0.1:8080', ...inspectorSanitizers({ redact: () => '[redacted]' }) });
 * const thread = await createThread({ model, inspect: inspector.inspect });
 */
export function inspectorSanitizers(options: InspectorSanitizerOptions = {}): {
  sanitizeContext: (context: Record<string, unknown>) => Record<string, unknown>;
  sanitizeEvent: <E extends { type: string }>(event: E) => E;
} {
  const c: Ctx = {
    full: options.full ?? false,
    redact: options.redact ?? ((text) => text),
    lastItems: options.lastItems ?? 3,
    previewChars: options.previewChars ?? 80,
  };
  return {
    sanitizeContext: (context) => walk(context, c, 0) as Record<string, unknown>,
    sanitizeEvent: (event) => walk(event, c, 0) as typeof event,
  };
}
