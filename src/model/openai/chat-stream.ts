/**
 * Pure, stateful conversion of a Chat Completions chunk stream to `ResponseEvent`s, shaped
 * like a Responses stream: `created` first; text as a message item (`output_item_added`,
 * `output_text_delta`s, `output_item_done`); tool-call deltas accumulated into
 * `function_call` (or `custom_tool_call`) items; `completed` with usage last.
 */
import type { ResponseItem } from '../../protocol/items.js';
import type { TokenUsage } from '../../protocol/tokens.js';
import { ModelError } from '../types.js';
import type { ResponseEvent } from '../types.js';
import { failedResponseError } from './convert.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

interface PendingToolCall {
  id: string | null;
  name: string;
  arguments: string;
}

/**
 * Folds chat chunks into response events. Call `start()` once, `chunk()` per decoded chunk,
 * then `finish(sawDone)` when the body ends.
 * @example
 * const c = new ChatStreamConverter();
 * c.start(); // [{ type: 'created' }]
 * c.chunk({ id: 'c1', choices: [{ index: 0, delta: { content: 'Hi' } }] });
 * c.finish(true); // [..., { type: 'completed', response_id: 'c1', token_usage: null }]
 */
export class ChatStreamConverter {
  readonly #customTools: ReadonlySet<string>;
  #responseId = '';
  #text: string | null = null;
  #toolCalls = new Map<number, PendingToolCall>();
  #usage: TokenUsage | null = null;
  #finished = false;

  /** `customToolNames`: tools sent as custom tools, whose calls turn back into `custom_tool_call`. */
  constructor(opts: { customToolNames?: Iterable<string> } = {}) {
    this.#customTools = new Set(opts.customToolNames ?? []);
  }

  /** Events at stream open. */
  start(): ResponseEvent[] {
    return [{ type: 'created' }];
  }

  /** Events for one chunk; throws `ModelError` when the chunk carries an `error`. */
  chunk(raw: unknown): ResponseEvent[] {
    if (!isObj(raw)) return [];
    if (raw.error !== undefined) throw failedResponseError(raw.error);
    this.#responseId = str(raw.id) ?? this.#responseId;
    if (isObj(raw.usage)) this.#usage = chatUsage(raw.usage);
    const out: ResponseEvent[] = [];
    const choices = Array.isArray(raw.choices) ? raw.choices : [];
    for (const choice of choices) {
      if (!isObj(choice)) continue;
      if (str(choice.finish_reason)) this.#finished = true;
      const delta = isObj(choice.delta) ? choice.delta : {};
      const content = str(delta.content);
      if (content) {
        if (this.#text === null) {
          this.#text = '';
          out.push({ type: 'output_item_added', item: this.#message('') });
        }
        this.#text += content;
        out.push({ type: 'output_text_delta', delta: content });
      }
      if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls) this.#addToolCallDelta(call);
    }
    return out;
  }

  /**
   * Events at end of body: the finished items then `completed`. A body that ended with
   * neither `[DONE]` nor a `finish_reason` was cut off: throws a `stream` `ModelError`.
   */
  finish(sawDone: boolean): ResponseEvent[] {
    if (!sawDone && !this.#finished) throw new ModelError('stream', 'stream closed before response.completed');
    const out: ResponseEvent[] = [];
    if (this.#text !== null) out.push({ type: 'output_item_done', item: this.#message(this.#text) });
    const ordered = [...this.#toolCalls.entries()].sort(([a], [b]) => a - b);
    for (const [index, call] of ordered) out.push({ type: 'output_item_done', item: this.#toolItem(index, call) });
    out.push({ type: 'completed', response_id: this.#responseId, token_usage: this.#usage });
    return out;
  }

  #addToolCallDelta(raw: unknown): void {
    if (!isObj(raw)) return;
    const index = typeof raw.index === 'number' ? raw.index : this.#toolCalls.size;
    let call = this.#toolCalls.get(index);
    if (!call) {
      call = { id: null, name: '', arguments: '' };
      this.#toolCalls.set(index, call);
    }
    call.id ??= str(raw.id);
    const fn = isObj(raw.function) ? raw.function : {};
    const name = str(fn.name);
    if (name) call.name += name;
    call.arguments += str(fn.arguments) ?? '';
  }

  #message(text: string): ResponseItem {
    return {
      type: 'message',
      role: 'assistant',
      id: this.#responseId || null,
      content: text === '' ? [] : [{ type: 'output_text', text }],
    };
  }

  #toolItem(index: number, call: PendingToolCall): ResponseItem {
    const callId = call.id ?? `${this.#responseId || 'chat'}_call_${index}`;
    if (this.#customTools.has(call.name)) {
      return { type: 'custom_tool_call', call_id: callId, name: call.name, input: customInput(call.arguments) };
    }
    return { type: 'function_call', call_id: callId, name: call.name, arguments: call.arguments };
  }
}

/** The `input` string of a custom tool called through chat (`{"input": "..."}`), else the raw arguments. */
function customInput(args: string): string {
  try {
    const parsed: unknown = JSON.parse(args);
    if (isObj(parsed) && typeof parsed.input === 'string') return parsed.input;
  } catch {
    // not JSON: pass the text through
  }
  return args;
}

function chatUsage(usage: Obj): TokenUsage {
  const prompt = isObj(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const completion = isObj(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  return {
    input_tokens: num(usage.prompt_tokens),
    cached_input_tokens: num(prompt.cached_tokens),
    output_tokens: num(usage.completion_tokens),
    reasoning_output_tokens: num(completion.reasoning_tokens),
    total_tokens: num(usage.total_tokens),
  };
}
