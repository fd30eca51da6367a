/**
 * `scriptedModel`: an in-process `ModelClient` that plays back scripted `ResponseEvent`s —
 * no HTTP, no SDK — for fast engine tests and per-turn overhead benchmarks. A turn without
 * delay steps runs on microtasks only (no timers). Unless told to ignore it, the abort
 * signal ends a stream at the next step or during any wait, with an error named `AbortError`.
 */
import type { ResponseItem } from '../protocol/items.js';
import type { TokenUsage } from '../protocol/tokens.js';
import { ModelError } from '../model/types.js';
import type { ModelClient, ModelRequest, ResponseEvent } from '../model/types.js';
import { responsesRequestBody } from '../model/openai/request.js';
import type { ApiRejection } from './mock-server/rejection.js';
import { validateResponsesRequest } from './mock-server/validate.js';

/**
 * One step of a scripted turn: an event to yield, an error to throw, a pause (`delayMs`),
 * a gate (`waitFor` a promise, or a function returning one), or `hang` until aborted.
 * @example
 * const steps: ScriptedStep[] = [{ type: 'created' }, { delayMs: 50 }, { error: new ModelError('stream', 'cut') }];
 */
export type ScriptedStep =
  | ResponseEvent
  | { error: Error }
  | { delayMs: number }
  | { waitFor: PromiseLike<unknown> | (() => PromiseLike<unknown>) }
  | { hang: true };

/**
 * A turn: its steps, optionally marked non-cooperative (`ignoreAbort`: keeps going after abort).
 * @example
 * const stubborn: ScriptedTurn = { steps: [{ type: 'created' }, { delayMs: 500 }], ignoreAbort: true };
 */
export type ScriptedTurn = readonly ScriptedStep[] | { steps: readonly ScriptedStep[]; ignoreAbort?: boolean };

/**
 * Turns served in order, or a function choosing each request's turn (`undefined` = none left).
 * @example
 * const script: ModelScript = (request, i) => (i === 0 ? scriptedTurn.reply(`echo: ${request.instructions}`) : undefined);
 */
export type ModelScript = readonly ScriptedTurn[] | ((request: ModelRequest, index: number) => ScriptedTurn | undefined);

/**
 * Options of {@link scriptedModel}.
 * @example
 * scriptedModel(script, { model: 'gpt-test', contextWindow: 200_000, recordRequests: false });
 */
export interface ScriptedModelOptions {
  model?: string;
  providerId?: string;
  contextWindow?: number | null;
  /** Ignore the abort signal in every turn (a non-cooperative model). */
  ignoreAbort?: boolean;
  /** Keep every request in `requests` (default true; turn off for long benchmarks). */
  recordRequests?: boolean;
  /**
   * Check each request as the Responses API would receive it (the `turnstate/openai` body,
   * checked like the strict mock server does) and fail the stream with an `invalid_request`
   * `ModelError` carrying the API's message when the API would refuse it (default true;
   * benchmarks turn it off).
   */
  strict?: boolean;
}

/**
 * A scripted `ModelClient` that also exposes what it was asked.
 * @example
 * const model: ScriptedModelClient = scriptedModel([scriptedTurn.reply('ok')]);
 * // ... run a turn ...
 * model.requests[0]?.input.length;
 */
export interface ScriptedModelClient extends ModelClient {
  /** Every request passed to `stream`, in order (the objects themselves, not copies). */
  readonly requests: ModelRequest[];
  /** How many streams were started (counted even when `recordRequests` is off). */
  readonly calls: number;
  /** Requests the Responses API would have refused, with the refusal (see `strict`). */
  readonly rejections: Array<{ index: number; rejection: ApiRejection }>;
}

/**
 * An in-process model that plays `script`. Past the end of the script a stream fails with a
 * `fatal` `ModelError`.
 * @example
 * const model = scriptedModel([scriptedTurn.reply('Hello!')]);
 * for await (const ev of model.stream(request, new AbortController().signal)) console.log(ev.type);
 * model.requests.length; // 1
 */
export function scriptedModel(script: ModelScript, options: ScriptedModelOptions = {}): ScriptedModelClient {
  const requests: ModelRequest[] = [];
  const rejections: ScriptedModelClient['rejections'] = [];
  const record = options.recordRequests !== false;
  const strict = options.strict !== false;
  let calls = 0;
  return {
    model: options.model ?? 'scripted-model',
    providerId: options.providerId ?? 'scripted',
    contextWindow: options.contextWindow ?? null,
    requests,
    rejections,
    get calls() {
      return calls;
    },
    stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ResponseEvent> {
      const index = calls++;
      if (record) requests.push(request);
      const rejection = strict ? validateResponsesRequest(responsesRequestBody(request)) : null;
      if (rejection) {
        rejections.push({ index, rejection });
        return failing(new ModelError('invalid_request', rejection.error.message, { httpStatus: rejection.status }));
      }
      const turn = typeof script === 'function' ? script(request, index) : script[index];
      if (turn === undefined) return failing(new ModelError('fatal', `scriptedModel: no scripted turn for request #${index}`));
      const steps = 'steps' in turn ? turn.steps : turn;
      const ignoreAbort = options.ignoreAbort === true || ('steps' in turn && turn.ignoreAbort === true);
      return play(steps, signal, ignoreAbort);
    },
  };
}

function failing(error: Error): AsyncIterable<ResponseEvent> {
  return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }) };
}

async function* play(steps: readonly ScriptedStep[], signal: AbortSignal, ignoreAbort: boolean): AsyncGenerator<ResponseEvent> {
  for (const step of steps) {
    if (!ignoreAbort && signal.aborted) throw abortError();
    if ('type' in step) {
      yield step;
    } else if ('error' in step) {
      throw step.error;
    } else if ('delayMs' in step) {
      await wait((stop) => sleep(step.delayMs, stop), signal, ignoreAbort);
    } else if ('waitFor' in step) {
      const gate = typeof step.waitFor === 'function' ? step.waitFor() : step.waitFor;
      await wait(() => Promise.resolve(gate), signal, ignoreAbort);
    } else {
      await wait(() => new Promise<never>(() => undefined), signal, ignoreAbort);
    }
  }
  if (!ignoreAbort && signal.aborted) throw abortError();
}

/** Runs `start`, rejecting with an AbortError as soon as `signal` fires (unless ignored). */
async function wait(start: (stop: AbortSignal | null) => Promise<unknown>, signal: AbortSignal, ignoreAbort: boolean): Promise<void> {
  if (ignoreAbort) {
    await start(null);
    return;
  }
  if (signal.aborted) throw abortError();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([start(signal), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

function sleep(ms: number, stop: AbortSignal | null): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    stop?.addEventListener('abort', () => clearTimeout(timer), { once: true });
  });
}

function abortError(): Error {
  return new DOMException('The scripted model stream was aborted', 'AbortError');
}

/**
 * Options of the {@link scriptedTurn} builders.
 * @example
 * scriptedTurn.reply('hi', { responseId: 'resp_7', usage: { ...emptyTokenUsage(), total_tokens: 10 } });
 */
export interface ScriptedTurnOptions {
  responseId?: string;
  itemId?: string;
  usage?: TokenUsage | null;
}

/**
 * Builders for common scripted turns.
 * @example
 * scriptedModel([scriptedTurn.functionCall('call_1', 'shell', '{"command":["ls"]}'), scriptedTurn.reply('Done.')]);
 */
export const scriptedTurn = {
  /** created → message added → one text delta → message done → completed. */
  reply(text: string, opts: ScriptedTurnOptions = {}): ResponseEvent[] {
    const id = opts.itemId ?? 'msg_1';
    const started: ResponseItem = { type: 'message', role: 'assistant', id, content: [] };
    const done: ResponseItem = { type: 'message', role: 'assistant', id, content: [{ type: 'output_text', text }] };
    return [
      { type: 'created' },
      { type: 'output_item_added', item: started },
      { type: 'output_text_delta', delta: text },
      { type: 'output_item_done', item: done },
      { type: 'completed', response_id: opts.responseId ?? 'resp_1', token_usage: opts.usage ?? null },
    ];
  },
  /** created → function_call done → completed. */
  functionCall(callId: string, name: string, args: string, opts: ScriptedTurnOptions = {}): ResponseEvent[] {
    return [
      { type: 'created' },
      { type: 'output_item_done', item: { type: 'function_call', call_id: callId, name, arguments: args } },
      { type: 'completed', response_id: opts.responseId ?? 'resp_1', token_usage: opts.usage ?? null },
    ];
  },
};
