/**
 * Integration harness: a real thread with the built-in tools, over the real `openai` SDK,
 * against the loopback mock Responses server, in a temporary root holding the workspace
 * (`ws/`), a directory outside it (`outside/`) and the turnstate home (`home/`).
 */
import { expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createThread, type CreateThreadOptions, type Event, type ReviewDecision, type SandboxPolicy, type Thread } from 'turnstate';
import { openaiModel } from 'turnstate/openai';
import { ev, startMockResponsesServer, type MockEvent, type MockResponsesServer, type MockScript, type ScriptedResponse } from 'turnstate/testing';
import { EventLog } from '../runtime/harness.js';

export { EventLog };

/** workspace-write without /tmp and $TMPDIR, so `outside/` (also under /tmp) really is outside. */
export const WORKSPACE_WRITE: SandboxPolicy = {
  type: 'workspace-write',
  writable_roots: [],
  network_access: false,
  exclude_tmpdir_env_var: true,
  exclude_slash_tmp: true,
};
export const READ_ONLY: SandboxPolicy = { type: 'read-only', network_access: false };
export const FULL_ACCESS: SandboxPolicy = { type: 'danger-full-access' };

/** A running thread with its server, event log and directories. */
export interface Rig {
  server: MockResponsesServer;
  thread: Thread;
  log: EventLog;
  root: string;
  cwd: string;
  outside: string;
  home: string;
  close(): Promise<void>;
}

/** Options of {@link startRig}: thread options (the model and directories are provided). */
export type RigOptions = Omit<CreateThreadOptions, 'model' | 'cwd'> & {
  home?: string;
  /** Prepares the workspace before the thread starts (e.g. makes it a git repository). */
  prepare?: (cwd: string) => void | Promise<void>;
};

/** Starts a thread on a fresh mock server in a fresh temporary root. */
export async function startRig(script: MockScript, options: RigOptions = {}): Promise<Rig> {
  const root = await mkdtemp(path.join(tmpdir(), 'turnstate-it-'));
  const [cwd, outside, defaultHome] = ['ws', 'outside', 'home'].map((d) => path.join(root, d)) as [string, string, string];
  await Promise.all([mkdir(cwd), mkdir(outside), mkdir(defaultHome)]);
  const { prepare, ...threadOptions } = options;
  await prepare?.(cwd);
  const server = await startMockResponsesServer(script);
  const model = openaiModel({ model: 'test-model', baseURL: server.url, apiKey: 'k', requestMaxRetries: 0 });
  const thread = await createThread({ model, cwd, home: defaultHome, ...threadOptions });
  const log = new EventLog(thread);
  await log.untilType('session_configured');
  return {
    server,
    thread,
    log,
    root,
    cwd,
    outside,
    home: options.home ?? defaultHome,
    async close() {
      await thread.shutdown();
      await server.close();
      await rm(root, { recursive: true, force: true });
      // The mock is as strict as the real API: no request of a passing test may have been refused.
      expect(server.rejectedRequests.map((r) => r.rejection)).toEqual([]);
    },
  };
}

/** A response making tool calls. */
export const calls = (id: string, ...items: MockEvent[]): ScriptedResponse => ({ events: [ev.created(id), ...items, ev.completed(id)] });
/** A response with a final assistant message. */
export const answer = (id: string, text = 'done'): ScriptedResponse => ({ events: [ev.created(id), ev.assistantMessage(`m_${id}`, text), ev.completed(id)] });
/** A `shell` function call. */
export const shell = (callId: string, command: string[], extra: Record<string, unknown> = {}): MockEvent =>
  ev.functionCall(callId, 'shell', JSON.stringify({ command, ...extra }));
/** An `apply_patch` function call. */
export const patch = (callId: string, body: string): MockEvent => ev.functionCall(callId, 'apply_patch', JSON.stringify({ input: body }));
/** A patch adding one file. */
export const addFile = (file: string, ...lines: string[]) => `*** Begin Patch\n*** Add File: ${file}\n${lines.map((l) => `+${l}\n`).join('')}*** End Patch`;
/** A `user_input` op with one text item. */
export const say = (text: string) => ({ type: 'user_input', items: [{ type: 'text', text, text_elements: [] }] }) as const;

/**
 * The event types of one turn, without raw items, deltas and token counts (their position
 * depends on when the stream's `response.completed` arrives relative to tool work); item
 * events carry their item type.
 */
export function sequence(log: EventLog, turnId: string): string[] {
  return log.events
    .filter((e) => e.id === turnId)
    .map((e) => e.msg)
    .filter((m) => m.type !== 'raw_response_item' && m.type !== 'token_count' && !m.type.endsWith('_delta'))
    .map((m) => (m.type === 'item_started' || m.type === 'item_completed' ? `${m.type}:${m.item.type}` : m.type));
}

/** The messages of one type (optionally of one turn). */
export function messages<T extends Event['msg']['type']>(log: EventLog, type: T, turnId?: string): Array<Extract<Event['msg'], { type: T }>> {
  return log.events.filter((e) => e.msg.type === type && (turnId === undefined || e.id === turnId)).map((e) => e.msg as Extract<Event['msg'], { type: T }>);
}

/** The `input` of request `index`. */
export function inputOf(server: MockResponsesServer, index: number): Array<Record<string, unknown>> {
  const body = server.requests[index]?.body as { input?: Array<Record<string, unknown>> } | undefined;
  if (!body?.input) throw new Error(`request #${index} has no input`);
  return body.input;
}

/** The output sent to the model for a call (looked up in request `index`). */
export function outputFor(server: MockResponsesServer, index: number, callId: string): string | undefined {
  const item = inputOf(server, index).find((i) => (i.type === 'function_call_output' || i.type === 'custom_tool_call_output') && i.call_id === callId);
  return item?.output as string | undefined;
}

/** Every user-message text of request `index`. */
export function userTexts(server: MockResponsesServer, index: number): string[] {
  return inputOf(server, index).flatMap((i) =>
    i.type === 'message' && i.role === 'user' ? (i.content as Array<{ text?: string }>).map((c) => c.text ?? '') : [],
  );
}

/** Answers an approval request once it is pending (exec and patch). */
export async function decide(rig: Rig, callId: string, decision: ReviewDecision, kind: 'exec' | 'patch' = 'exec'): Promise<void> {
  await rig.log.until((e) => (e.msg.type === 'exec_approval_request' || e.msg.type === 'apply_patch_approval_request') && e.msg.call_id === callId);
  await rig.thread.submit({ type: kind === 'exec' ? 'exec_approval' : 'patch_approval', id: callId, decision });
}

/** Pids of live (non-zombie) processes whose command line contains `marker`. */
export function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (cmdline.includes(marker) && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Waits until `check` holds (polling), or throws after `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A marker unique to this run, usable as `sleep`'s duration (`60.<digits>` seconds). */
export const sleepMarker = () => `60.${process.pid}${Math.floor(Math.random() * 1e6)}`;
