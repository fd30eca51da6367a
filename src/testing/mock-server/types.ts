/**
 * Shapes of the mock Responses server's script and of the requests it records.
 */
import type { ApiRejection } from './rejection.js';

/**
 * One Responses stream event as served: an object with a `type`.
 * @example
 * const e: MockEvent = { type: 'response.output_text.delta', delta: 'Hi' };
 */
export type MockEvent = { type: string } & Record<string, unknown>;

/** Options every scripted response may carry. */
interface ResponseCommon {
  /** Extra response headers (e.g. `openai-model`, `x-codex-primary-used-percent`). */
  headers?: Record<string, string>;
}

/**
 * A Responses SSE stream: each event framed as `event: <type>` + `data: <json>`. A script
 * that leaves out `response.completed` models a stream the server ended early.
 * @example
 * const r: SseScriptedResponse = { events: [ev.created('r1'), ev.textDelta('par')], closeEarly: true };
 */
export interface SseScriptedResponse extends ResponseCommon {
  events: MockEvent[];
  /** Pause between events, in ms. */
  delayMs?: number;
  /** Marks (for the reader) a stream that intentionally ends without `response.completed`. */
  closeEarly?: boolean;
  /** After the events, destroy the socket instead of ending the body cleanly (a cut connection). */
  abrupt?: boolean;
  /** After the events, keep the stream open until the client goes away (or the server closes). */
  hold?: boolean;
}

/**
 * An HTTP error: `status` with `body` as JSON (a string body is sent as-is).
 * @example
 * const r: HttpErrorScriptedResponse = { status: 429, body: { error: { type: 'usage_limit_reached', message: 'limit' } } };
 */
export interface HttpErrorScriptedResponse extends ResponseCommon {
  status: number;
  body: unknown;
}

/**
 * A Chat Completions stream: `data: <chunk>` per chunk, then `data: [DONE]` unless `done: false`.
 * @example
 * const r: ChatScriptedResponse = { chat: [chatChunk('c1', { content: 'Hi' }), chatChunk('c1', {}, 'stop')] };
 */
export interface ChatScriptedResponse extends ResponseCommon {
  chat: unknown[];
  delayMs?: number;
  done?: boolean;
  hold?: boolean;
}

/**
 * A plain JSON response (e.g. for `POST /responses/compact`).
 * @example
 * const r: JsonScriptedResponse = { json: { output: [] } };
 */
export interface JsonScriptedResponse extends ResponseCommon {
  json: unknown;
  status?: number;
}

/**
 * Raw `text/event-stream` body text, written verbatim, one chunk per string (malformed-input tests).
 * @example
 * const r: RawScriptedResponse = { raw: ['data: {not json\n\n', 'event: response.created\ndata: {"response":{}}\n\n'] };
 */
export interface RawScriptedResponse extends ResponseCommon {
  raw: string[];
  delayMs?: number;
}

/**
 * What the server answers to one request.
 * @example
 * const script: ScriptedResponse[] = [{ status: 500, body: 'boom' }, { events: [ev.created('r'), ev.completed('r')] }];
 */
export type ScriptedResponse =
  | SseScriptedResponse
  | HttpErrorScriptedResponse
  | ChatScriptedResponse
  | JsonScriptedResponse
  | RawScriptedResponse;

/**
 * How the response to a recorded request ended (so far): `finished` (the server completed
 * it), `client_closed` (the client went away first), `server_closed` (cut by `abrupt` or
 * by `server.close()`).
 * @example
 * expect(await server.waitForClose(0)).toBe('client_closed');
 */
export type ConnectionState = 'open' | 'finished' | 'client_closed' | 'server_closed';

/**
 * A request the server received, in arrival order.
 * @example
 * const [first] = server.requests;
 * expect(first?.body).toMatchObject({ model: 'gpt-test', stream: true });
 */
export interface RecordedRequest {
  index: number;
  method: string;
  /** Path without the query string, e.g. `/v1/responses`. */
  path: string;
  /** Lower-cased header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The JSON body, or the raw text when it was not JSON. */
  body: unknown;
  rawBody: string;
  /** How the response ended, updated live; see {@link ConnectionState}. */
  connection: ConnectionState;
  /** Set when the server refused the request as the real API would (status and error body). */
  rejection?: ApiRejection;
}

/**
 * Options of `startMockResponsesServer`.
 * @example
 * const options: MockServerOptions = { strict: false }; // accept bodies the real API refuses
 */
export interface MockServerOptions {
  /** Refuse `POST /responses` bodies the real API refuses (default true). */
  strict?: boolean;
}

/**
 * The script: responses served in order (one per request), or a function choosing the
 * response for each request (`undefined` = unexpected request).
 * @example
 * const script: MockScript = (req, i) => (i < 3 ? { events: [ev.created(`r${i}`), ev.completed(`r${i}`)] } : undefined);
 */
export type MockScript =
  | readonly ScriptedResponse[]
  | ((request: RecordedRequest, index: number) => ScriptedResponse | undefined | Promise<ScriptedResponse | undefined>);
