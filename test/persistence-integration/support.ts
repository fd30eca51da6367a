/**
 * Shared helpers for the persistence integration tests: a fresh turnstate home per test,
 * threads with an event log, turns run to their end, and the rollout file read back.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThread, type CreateThreadOptions, type DeepReadonly, type Event, type OpInput, type ResponseItem, type Thread } from 'turnstate';
import { EventLog } from '../runtime/harness.js';

const homes: string[] = [];
const threads: Thread[] = [];

/** A fresh, empty turnstate home (removed by {@link cleanUp}). */
export async function freshHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'turnstate-pi-'));
  homes.push(home);
  return home;
}

/** Shuts down every thread a test opened and removes its homes (call from `afterEach`). */
export async function cleanUp(): Promise<void> {
  for (const thread of threads.splice(0)) await thread.shutdown().catch(() => undefined);
  for (const home of homes.splice(0)) await rm(home, { recursive: true, force: true });
}

/** A thread and the log of every event it delivered. */
export interface Opened {
  thread: Thread;
  log: EventLog;
}

/** Creates a thread (no built-in tools, cwd `/tmp`) and starts logging its events. */
export async function open(options: CreateThreadOptions & { home: string }): Promise<Opened> {
  // projectDoc: false — no AGENTS.md a shared /tmp might hold ends up in these threads' requests.
  const thread = await createThread({ cwd: '/tmp', builtinTools: false, projectDoc: false, ...options });
  threads.push(thread);
  const log = new EventLog(thread);
  await log.untilType('session_configured');
  return { thread, log };
}

/** Submits `op` with id `id` and waits until that submission's turn completed or aborted. */
export async function runTurn(s: Opened, id: string, op: OpInput | DeepReadonly<OpInput>): Promise<Event[]> {
  const from = s.log.events.length;
  await s.thread.submitWithId({ id, op });
  await s.log.until((e) => e.id === id && (e.msg.type === 'task_complete' || e.msg.type === 'turn_aborted'), { from });
  return s.log.events.slice(from).filter((e) => e.id === id);
}

/** A `user_input` op with one text item. */
export const say = (text: string) => ({ type: 'user_input', items: [{ type: 'text', text }] }) as const;

/** Runs a user turn with submission id `id` and the text `text`. */
export const userTurn = (s: Opened, id: string, text: string): Promise<Event[]> => runTurn(s, id, say(text));

/** Submits an op and waits until it (and anything it started) has been handled; returns its events. */
export async function runOp(s: Opened, id: string, op: OpInput | DeepReadonly<OpInput>): Promise<Event[]> {
  const from = s.log.events.length;
  await s.thread.submitWithId({ id, op });
  await s.thread.whenProcessed();
  return s.log.events.slice(from).filter((e) => e.id === id);
}

/** One rollout line as written. */
export interface Line {
  timestamp: string;
  type: string;
  payload: Record<string, unknown> & { type?: string };
}

/** Reads and parses every line of a rollout file, synchronously (usable inside `onEvent`). */
export function readLines(path: string): Line[] {
  const text = readFileSync(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);
}

/** The raw text lines of a rollout file. */
export function rawLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

/** A line without its timestamp (what a fork copies). */
export const itemOf = (line: Line): { type: string; payload: unknown } => ({ type: line.type, payload: line.payload });

/**
 * A short name for a rollout line or item: `event:task_started`, `turn_context`, `compacted`,
 * `user:hi`, `assistant:Hello!`, `developer:<permissions…`, `function_call:echo`, …
 */
export function lineKind(line: { type: string; payload: unknown }): string {
  const p = line.payload as Record<string, unknown>;
  if (line.type === 'event_msg') return `event:${String(p.type)}`;
  if (line.type === 'response_item') return itemKind(p as ResponseItem);
  return line.type;
}

/** A short name for a response item (`user:hi`, `function_call_output:call_1`, …). */
function itemKind(item: ResponseItem): string {
  const p = item as unknown as Record<string, unknown>;
  if (p.type === 'message') {
    const text = (p.content as Array<{ text?: string }>)[0]?.text ?? '';
    const short = text.startsWith('<') || text.length > 40 ? `${text.slice(0, text.indexOf('>') + 1 || 20)}…` : text;
    return `${String(p.role)}:${short}`;
  }
  if (p.type === 'function_call') return `function_call:${String(p.call_id)}`;
  if (p.type === 'function_call_output') return `function_call_output:${String(p.call_id)}`;
  return String(p.type);
}

/** A user message as it appears in history and requests. */
export const userMsg = (text: string): ResponseItem => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });

/** An assistant message as `scriptedTurn.reply` produces it (item id `msg_1` unless given). */
export const assistantMsg = (text: string, id = 'msg_1'): ResponseItem => ({
  type: 'message',
  role: 'assistant',
  id,
  content: [{ type: 'output_text', text }],
});

/** The live model-visible history of a thread. */
export function liveHistory(thread: Thread): ResponseItem[] {
  return thread.actor.getSnapshot().context.history.items;
}

/** Token usage with only totals set. */
export const usage = (input: number, output: number) => ({
  input_tokens: input,
  cached_input_tokens: 0,
  output_tokens: output,
  reasoning_output_tokens: 0,
  total_tokens: input + output,
});
