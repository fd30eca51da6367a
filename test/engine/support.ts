/**
 * Harness for the turn-engine tests: a thread over the real `openai` SDK pointed at the
 * loopback mock Responses server, with retry sleeps recorded instead of slept.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { createThread, type CreateThreadOptions, type Event, type Thread } from 'turnstate';
import { openaiModel } from 'turnstate/openai';
import { startMockResponsesServer, type MockResponsesServer, type MockScript } from 'turnstate/testing';

/** A running thread, its mock server and the retry delays the engine asked for. */
export interface Harness {
  server: MockResponsesServer;
  thread: Thread;
  /** Every delay (ms) passed to the engine's `sleep`, in order. */
  delays: number[];
  /** Shuts the thread down, closes the server and removes the working directory. */
  close(): Promise<void>;
}

/** Options of {@link startEngine}. */
export interface EngineSetup extends Omit<CreateThreadOptions, 'model' | 'cwd'> {
  /** Model slug (default `gpt-test`, a slug no family of the capability table claims). */
  slug?: string;
  contextWindow?: number;
  requestMaxRetries?: number;
}

/**
 * Starts a thread on a fresh mock server (only the given host tools, no built-ins);
 * `session_configured` is read and checked.
 */
export async function startEngine(script: MockScript, setup: EngineSetup = {}): Promise<Harness> {
  const { slug = 'gpt-test', contextWindow, requestMaxRetries = 0, engine, ...rest } = setup;
  const server = await startMockResponsesServer(script);
  const cwd = await mkdtemp(path.join(tmpdir(), 'turnstate-engine-'));
  const model = openaiModel({ model: slug, baseURL: server.url, apiKey: 'test', contextWindow, requestMaxRetries });
  const delays: number[] = [];
  const sleep = async (ms: number) => void delays.push(ms);
  const thread = await createThread({ model, cwd, builtinTools: false, ...rest, engine: { sleep, random: () => 0.5, ...engine } });
  const first = await thread.nextEvent();
  expect([first.id, first.msg.type]).toEqual(['', 'session_configured']);
  return {
    server,
    thread,
    delays,
    async close() {
      await thread.shutdown();
      await server.close();
      await rm(cwd, { recursive: true, force: true });
      // The mock is as strict as the real API: no request of a passing test may have been refused.
      expect(server.rejectedRequests.map((r) => r.rejection)).toEqual([]);
    },
  };
}

/** Reads events until (and including) the turn's `task_complete` or `turn_aborted`. */
export async function readTurn(thread: Thread): Promise<Event[]> {
  const out: Event[] = [];
  for (;;) {
    const event = await thread.nextEvent();
    out.push(event);
    if (event.msg.type === 'task_complete' || event.msg.type === 'turn_aborted') return out;
  }
}

/** Reads events until one of type `type` arrives; returns everything read. */
export async function readUntil(thread: Thread, type: string): Promise<Event[]> {
  const out: Event[] = [];
  for (;;) {
    const event = await thread.nextEvent();
    out.push(event);
    if (event.msg.type === type) return out;
  }
}

/** Events order checks ignore (SPEC §14.4): raw items and streaming deltas. */
const NOISE = new Set([
  'raw_response_item',
  'agent_message_content_delta',
  'agent_message_delta',
  'reasoning_content_delta',
  'agent_reasoning_delta',
]);

/** Event types without noise; item events carry their item type (`item_started:UserMessage`). */
export function kinds(events: readonly Event[]): string[] {
  return events
    .filter((e) => !NOISE.has(e.msg.type))
    .map(({ msg }) => (msg.type === 'item_started' || msg.type === 'item_completed' ? `${msg.type}:${msg.item.type}` : msg.type));
}

/** The messages of one type, narrowed. */
export function msgs<T extends Event['msg']['type']>(events: readonly Event[], type: T): Extract<Event['msg'], { type: T }>[] {
  return events.flatMap((e) => (e.msg.type === type ? [e.msg as Extract<Event['msg'], { type: T }>] : []));
}

/** A `user_input` op with one text item. */
export const say = (text: string) => ({ type: 'user_input', items: [{ type: 'text', text }] }) as const;

/** A user message as it appears in a request's `input`. */
export const userMessage = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });

/** The `input` array of request `index`. */
export function inputOf(server: MockResponsesServer, index: number): Array<Record<string, unknown>> {
  const body = server.requests[index]?.body as { input?: Array<Record<string, unknown>> } | undefined;
  if (!body?.input) throw new Error(`request #${index} has no input`);
  return body.input;
}

/** Items of an input array that are not part of the injected initial context. */
export function withoutInitialContext(input: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> {
  return input.filter((item) => {
    if (item.type !== 'message') return true;
    if (item.role === 'developer') return false;
    const text = (item.content as Array<{ text?: string }>)[0]?.text ?? '';
    return !text.startsWith('<environment_context>') && !text.startsWith('# AGENTS.md');
  });
}
