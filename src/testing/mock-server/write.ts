/**
 * Writes one scripted response to a node:http response: SSE framing for Responses and
 * Chat Completions streams, JSON for errors and plain bodies.
 */
import type { ServerResponse } from 'node:http';
import type { MockEvent, ScriptedResponse } from './types.js';

/**
 * Frames one Responses event: `event: <type>\ndata: <json>\n\n`, or just the event line
 * when the object has nothing but its `type`.
 * @example
 * sseFrame({ type: 'response.created', response: { id: 'r1' } });
 * // 'event: response.created\ndata: {"type":"response.created","response":{"id":"r1"}}\n\n'
 */
export function sseFrame(event: MockEvent): string {
  const onlyType = Object.keys(event).length === 1;
  return onlyType ? `event: ${event.type}\n\n` : `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Serves `scripted` on `res`; resolves when the response ended or the client went away.
 * `onCut` is called just before an `abrupt` response destroys its socket.
 * @example
 * await writeScriptedResponse(res, { status: 401, body: { error: { message: 'bad key' } } });
 */
export async function writeScriptedResponse(res: ServerResponse, scripted: ScriptedResponse, onCut?: () => void): Promise<void> {
  const closed = whenClosed(res);
  if ('events' in scripted) {
    startStream(res, scripted.headers);
    await writeChunks(res, scripted.events.map(sseFrame), scripted.delayMs, closed);
    if (scripted.hold) return closed;
    if (scripted.abrupt) {
      onCut?.();
      res.socket?.destroy();
      return;
    }
    res.end();
    return;
  }
  if ('chat' in scripted) {
    startStream(res, scripted.headers);
    const frames = scripted.chat.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`);
    if (scripted.done !== false) frames.push('data: [DONE]\n\n');
    await writeChunks(res, frames, scripted.delayMs, closed);
    if (scripted.hold) return closed;
    res.end();
    return;
  }
  if ('raw' in scripted) {
    startStream(res, scripted.headers);
    await writeChunks(res, scripted.raw, scripted.delayMs, closed);
    res.end();
    return;
  }
  const status = 'json' in scripted ? (scripted.status ?? 200) : scripted.status;
  const body = 'json' in scripted ? scripted.json : scripted.body;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...scripted.headers });
  res.end(text);
}

function startStream(res: ServerResponse, headers: Record<string, string> | undefined): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  res.flushHeaders();
}

async function writeChunks(res: ServerResponse, chunks: string[], delayMs: number | undefined, closed: Promise<void>): Promise<void> {
  for (const [i, chunk] of chunks.entries()) {
    if (res.destroyed) return;
    if (i > 0 && delayMs) await Promise.race([sleep(delayMs), closed]);
    if (res.destroyed) return;
    // Wait for the chunk to reach the socket, so `abrupt` cuts the stream after it, not before.
    await Promise.race([new Promise<void>((resolve) => res.write(chunk, () => resolve())), closed]);
  }
}

function whenClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => res.once('close', () => resolve()));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
