/**
 * A real loopback HTTP server that speaks the Responses API (and Chat Completions) over SSE,
 * serving a script of responses in order and recording every request. Tests point the real
 * `openai` SDK at `server.url`. Invariant: every request is recorded before it is answered,
 * and a request past the end of the script is answered 500 and listed in `unexpectedRequests`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeScriptedResponse } from './write.js';
import type { ConnectionState, MockScript, MockServerOptions, RecordedRequest, ScriptedResponse } from './types.js';
import { validateResponsesRequest } from './validate.js';

const SERVED_PATH = /^(?:\/v1)?\/(?:responses(?:\/compact)?|chat\/completions)$/;
const RESPONSES_PATH = /^(?:\/v1)?\/responses$/;

/**
 * A running mock server. Create it with {@link startMockResponsesServer}.
 * @example
 * const server = await startMockResponsesServer([{ events: [ev.created('r1'), ev.completed('r1')] }]);
 * // ... point openaiModel({ baseURL: server.url, apiKey: 'test' }) at it ...
 * await server.close();
 */
export class MockResponsesServer {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:54321/v1`. */
  readonly url: string;
  /** Every request received, in order (including unexpected ones). */
  readonly requests: RecordedRequest[] = [];
  /** Requests that had no scripted response (past the end of the script, or an unknown path). */
  readonly unexpectedRequests: RecordedRequest[] = [];
  /**
   * Requests refused the way the real Responses API refuses them (see `validate.ts`); each
   * carries its `rejection`. A refused request uses up no scripted response.
   */
  readonly rejectedRequests: RecordedRequest[] = [];
  readonly #server: Server;
  readonly #script: MockScript;
  readonly #strict: boolean;
  #served = 0;
  #closing = false;
  #listeners = new Set<() => void>();

  /** @internal use {@link startMockResponsesServer}. */
  constructor(server: Server, script: MockScript, options: MockServerOptions = {}) {
    this.#server = server;
    this.#script = script;
    this.#strict = options.strict ?? true;
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/v1`;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.#handle(req, res));
  }

  /** Resolves once at least `n` requests have arrived; rejects after `timeoutMs`. */
  waitForRequests(n: number, timeoutMs = 5_000): Promise<RecordedRequest[]> {
    return this.#until(() => this.requests.length >= n, timeoutMs, () => `expected ${n} requests, got ${this.requests.length}`).then(
      () => this.requests.slice(0, n),
    );
  }

  /** Resolves when the connection of request `index` has ended, with how it ended. */
  async waitForClose(index: number, timeoutMs = 5_000): Promise<Exclude<ConnectionState, 'open'>> {
    const done = () => {
      const state = this.requests[index]?.connection;
      return state !== undefined && state !== 'open';
    };
    await this.#until(done, timeoutMs, () => `request #${index} still ${this.requests[index]?.connection ?? 'not received'}`);
    return this.requests[index]?.connection as Exclude<ConnectionState, 'open'>;
  }

  /** Stops the server, destroying open (held) connections. */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#closing = true;
      this.#server.close((err) => (err ? reject(err) : resolve()));
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const record: RecordedRequest = {
      index: this.requests.length,
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0] ?? '/',
      headers: flattenHeaders(req),
      body: parseJson(rawBody),
      rawBody,
      connection: 'open',
    };
    this.requests.push(record);
    let cut = false;
    res.on('close', () => {
      record.connection = res.writableFinished ? 'finished' : cut || this.#closing ? 'server_closed' : 'client_closed';
      this.#notify();
    });
    this.#notify();

    if (this.#strict && record.method === 'POST' && RESPONSES_PATH.test(record.path)) {
      const rejection = validateResponsesRequest(record.body);
      if (rejection) {
        record.rejection = rejection;
        this.rejectedRequests.push(record);
        this.#notify();
        await writeScriptedResponse(res, { status: rejection.status, body: { error: rejection.error } });
        return;
      }
    }
    let scripted: ScriptedResponse | undefined;
    if (record.method === 'POST' && SERVED_PATH.test(record.path)) {
      const index = this.#served++;
      scripted = typeof this.#script === 'function' ? await this.#script(record, index) : this.#script[index];
    }
    if (!scripted) {
      this.unexpectedRequests.push(record);
      this.#notify();
      const message =
        `mock server: no scripted response for ${record.method} ${record.path} ` +
        `(request #${record.index}; the script has ${Array.isArray(this.#script) ? this.#script.length : 'a function for'} responses)`;
      scripted = { status: 500, body: { error: { type: 'mock_server_error', code: 'unexpected_request', message } }, headers: { 'x-should-retry': 'false' } };
    }
    await writeScriptedResponse(res, scripted, () => (cut = true));
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  #until(done: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`mock server: timed out after ${timeoutMs} ms: ${describe()}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
    });
  }
}

/**
 * Starts a mock Responses server on `127.0.0.1` (a free port) serving `script`. By default
 * it is as strict as the real service: a `POST /responses` body the API would refuse
 * (unknown fields, unpaired tool calls or outputs, references to unstored items under
 * `store: false`, invalid tool schemas) is answered with the API's status and error body,
 * and listed in `rejectedRequests`. `{ strict: false }` turns the checks off.
 * @example
 * const server = await startMockResponsesServer([{ events: [ev.created('r1'), ev.assistantMessage('m1', 'hi'), ev.completed('r1')] }]);
 * const model = openaiModel({ model: 'gpt-test', baseURL: server.url, apiKey: 'test' });
 */
export async function startMockResponsesServer(script: MockScript = [], options: MockServerOptions = {}): Promise<MockResponsesServer> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return new MockResponsesServer(server, script, options);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
