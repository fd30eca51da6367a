/**
 * `openaiModel`: a `ModelClient` over the official `openai` SDK. The SDK sends the request
 * (auth, base URL, request-level retries); the adapter takes the raw response
 * (`.asResponse()`) so it can read headers and parse the SSE body itself (see `convert.ts`,
 * `chat-stream.ts`). Invariant: aborting the signal cancels the HTTP body and ends iteration
 * with an AbortError, whatever phase the request is in.
 */
import { setMaxListeners } from 'node:events';
import OpenAI, { OpenAIError } from 'openai';
import { TurnstateError } from '../../errors.js';
import { ModelError } from '../types.js';
import type { ModelCapabilities, ModelClient, ModelRequest, ResponseEvent } from '../types.js';
import { readSse } from './body.js';
import { chatRequestBody } from './chat-request.js';
import { ChatStreamConverter } from './chat-stream.js';
import { convertResponsesEvent, decodeSseMessage } from './convert.js';
import { abortError, isAbortError, toModelError } from './errors.js';
import { streamOpenEvents } from './headers.js';
import { responsesRequestBody, turnHeaders } from './request.js';

/**
 * Options of {@link openaiModel}.
 * @example
 * const options: OpenAIModelOptions = { model: 'qwen3', baseURL: 'http://127.0.0.1:8000/v1', apiKey: 'none', api: 'chat' };
 */
export interface OpenAIModelOptions {
  /** Default model slug (used when a request names none). */
  model: string;
  /** API base URL, e.g. `http://127.0.0.1:11434/v1`. Defaults to the SDK's (env `OPENAI_BASE_URL` or api.openai.com). */
  baseURL?: string;
  /** API key. Defaults to the SDK's (env `OPENAI_API_KEY`). */
  apiKey?: string;
  /**
   * A ready SDK client; `baseURL` and `apiKey` are then ignored, and its own retry settings
   * apply (unlike the client made here, it may retry 429 at the HTTP level).
   */
  client?: OpenAI;
  /** Wire API: the Responses API (default) or Chat Completions for OpenAI-compatible servers. */
  api?: 'responses' | 'chat';
  /** Context window in tokens, if known. */
  contextWindow?: number | null;
  /**
   * The provider id the user configured (Codex's `model_provider` key), recorded in rollouts.
   * Default: `'openai'` when the client talks to api.openai.com, else `null` (unknown).
   */
  providerId?: string | null;
  /** HTTP-level retries of the SDK on 5xx and connection failures (default 4, max 100). 429 is not retried here. */
  requestMaxRetries?: number;
  /** Fail the stream after this long without data (default 300 000 ms). */
  streamIdleTimeoutMs?: number;
  /**
   * Corrections to what the model family table says about `model` (whether it reasons, takes
   * summaries, its default effort); see `modelCapabilities`.
   */
  capabilities?: Partial<ModelCapabilities>;
  /** Fail the stream (`SseEventTooLargeError`, not retried) when one SSE event passes this many characters (default 8 MiB). */
  streamMaxEventLength?: number;
}

const DEFAULT_REQUEST_MAX_RETRIES = 4;
const MAX_RETRIES_CAP = 100;

/**
 * A `ModelClient` that streams from an OpenAI (or compatible) server through the `openai` SDK.
 * @example
 * const model = openaiModel({ model: 'gpt-5', apiKey: process.env.OPENAI_API_KEY });
 * for await (const ev of model.stream(request, new AbortController().signal)) console.log(ev.type);
 */
export function openaiModel(options: OpenAIModelOptions): ModelClient {
  const client = options.client ?? createClient(options);
  const retries = options.requestMaxRetries === undefined ? undefined : clampRetries(options.requestMaxRetries);
  const settings: StreamSettings = { client, retries, idleTimeoutMs: options.streamIdleTimeoutMs, maxEventLength: options.streamMaxEventLength };
  const api = options.api ?? 'responses';
  return {
    model: options.model,
    providerId: options.providerId === undefined ? defaultProviderId(client.baseURL) : options.providerId,
    contextWindow: options.contextWindow ?? null,
    ...(options.capabilities ? { capabilities: options.capabilities } : {}),
    stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ResponseEvent> {
      const withModel = request.model ? request : { ...request, model: options.model };
      return api === 'chat' ? streamChat(settings, withModel, signal) : streamResponses(settings, withModel, signal);
    },
  };
}

/** `'openai'` for OpenAI's own endpoint; any other base URL belongs to a provider we cannot name. */
function defaultProviderId(baseURL: string): string | null {
  try {
    return new URL(baseURL).hostname === 'api.openai.com' ? 'openai' : null;
  } catch {
    return null;
  }
}

interface StreamSettings {
  client: OpenAI;
  retries: number | undefined;
  idleTimeoutMs: number | undefined;
  maxEventLength: number | undefined;
}

async function* streamResponses(s: StreamSettings, request: ModelRequest, signal: AbortSignal): AsyncGenerator<ResponseEvent> {
  const response = await open(signal, s.client.baseURL, (sdkSignal) =>
    s.client.responses.create(responsesRequestBody(request), requestOptions(s, request, sdkSignal)).asResponse(),
  );
  yield* streamOpenEvents(response.headers);
  for await (const message of readSse(response.body, signal, s.idleTimeoutMs, s.maxEventLength)) {
    const event = decodeSseMessage(message);
    if (!event) continue;
    for (const out of convertResponsesEvent(event)) {
      yield out;
      if (out.type === 'completed') return;
    }
  }
  throw new ModelError('stream', 'stream closed before response.completed');
}

async function* streamChat(s: StreamSettings, request: ModelRequest, signal: AbortSignal): AsyncGenerator<ResponseEvent> {
  const response = await open(signal, s.client.baseURL, (sdkSignal) =>
    s.client.chat.completions.create(chatRequestBody(request), requestOptions(s, request, sdkSignal)).asResponse(),
  );
  const customToolNames = request.tools.filter((t) => t.type === 'custom').map((t) => t.name);
  const converter = new ChatStreamConverter({ customToolNames });
  yield* converter.start();
  yield* streamOpenEvents(response.headers);
  let sawDone = false;
  for await (const message of readSse(response.body, signal, s.idleTimeoutMs, s.maxEventLength)) {
    const data = message.data.trim();
    if (data === '[DONE]') {
      sawDone = true;
      break;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      continue; // unparsable data lines are skipped, as in the Responses stream
    }
    yield* converter.chunk(chunk);
  }
  if (signal.aborted) throw abortError();
  yield* converter.finish(sawDone);
}

function requestOptions(s: StreamSettings, request: ModelRequest, signal: AbortSignal) {
  return { signal, headers: turnHeaders(request), ...(s.retries === undefined ? {} : { maxRetries: s.retries }) };
}

/**
 * Starts the request and waits for the response headers. Abort wins at once, even while the
 * SDK sleeps between its retries (the SDK notices the aborted signal on its next attempt).
 *
 * The SDK gets a signal of its own, linked to the turn's by one listener removed here: the SDK
 * adds an abort listener per HTTP attempt and never removes it, which on the long-lived turn
 * signal piled up across retries (`MaxListenersExceededWarning`). A failed connection names
 * the URL and the underlying cause (`ECONNREFUSED`, a DNS failure, ...).
 */
async function open(signal: AbortSignal, baseURL: string, start: (sdkSignal: AbortSignal) => Promise<Response>): Promise<Response> {
  if (signal.aborted) throw abortError();
  const link = new AbortController();
  setMaxListeners(MAX_RETRIES_CAP + 2, link.signal);
  const onAbort = () => link.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let pending: Promise<Response>;
  try {
    pending = start(link.signal);
  } catch (err) {
    signal.removeEventListener('abort', onAbort);
    throw toModelError(err, 'request');
  }
  let onAborted: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAborted = () => reject(abortError());
    link.signal.addEventListener('abort', onAborted, { once: true });
  });
  try {
    return await Promise.race([pending, aborted]);
  } catch (err) {
    // A response that arrives after the abort is not read: release its connection.
    pending.then((late) => late.body?.cancel().catch(() => undefined), () => undefined);
    if (signal.aborted || isAbortError(err)) throw abortError();
    throw withEndpoint(toModelError(err, 'request'), baseURL);
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (onAborted) link.signal.removeEventListener('abort', onAborted);
  }
}

/** A connection failure or timeout, restated with the endpoint and the deepest cause. */
function withEndpoint(e: ModelError, baseURL: string): ModelError {
  if (e.kind !== 'connection_failed' && e.kind !== 'timeout') return e;
  const causes: string[] = [];
  for (let c: unknown = e.cause; c instanceof Error && causes.length < 5; c = c.cause) {
    const code = (c as { code?: unknown }).code;
    causes.push(typeof code === 'string' ? `${code}${c.message && !c.message.includes(code) ? ` ${c.message}` : ''}` : c.message);
  }
  const cause = causes.filter((m) => m && m !== e.message && m !== 'fetch failed').at(-1);
  const message = `${e.message.replace(/\.$/, '')}: ${baseURL}${cause ? ` (${cause})` : ''}`;
  return new ModelError(e.kind, message, { httpStatus: e.httpStatus, retryAfterMs: e.retryAfterMs, rateLimits: e.rateLimits, cause: e.cause });
}

function createClient(options: OpenAIModelOptions): OpenAI {
  try {
    return new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey,
      maxRetries: clampRetries(options.requestMaxRetries ?? DEFAULT_REQUEST_MAX_RETRIES),
      fetch: withoutRateLimitRetries(globalThis.fetch),
    });
  } catch (err) {
    if (err instanceof OpenAIError) throw new TurnstateError('model_configuration', 'configuration', err.message, { cause: err });
    throw err;
  }
}

function clampRetries(n: number): number {
  return Math.min(Math.max(Math.floor(n), 0), MAX_RETRIES_CAP);
}

/**
 * Codex retries requests on 5xx and transport failures but not on 429; the SDK would retry
 * 429 too. Marking 429 responses `x-should-retry: false` (the SDK obeys that header) hands
 * them straight to the error mapping, which tells usage limits from rate limits.
 */
function withoutRateLimitRetries(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    if (response.status !== 429 || response.headers.has('x-should-retry')) return response;
    const headers = new Headers(response.headers);
    headers.set('x-should-retry', 'false');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}
