/**
 * Latencies the tests no longer bound: interrupting a real shell command (SPEC §14.8 asks for
 * `turn_aborted` within 150 ms), and reading one enormous SSE line (linear time, no long
 * event-loop stall, a typed error at the event-size bound).
 */
import os from 'node:os';
import { readSse } from '../src/model/openai/body.js';
import { DEFAULT_MAX_SSE_EVENT_LENGTH } from '../src/model/openai/sse.js';
import { createThread } from '../src/runtime/create-thread.js';
import type { Thread } from '../src/runtime/thread.js';
import { scriptedModel, scriptedTurn } from '../src/testing/scripted-model.js';
import { nowUs } from './measure.js';

async function until(thread: Thread, type: string): Promise<void> {
  for (;;) if ((await thread.nextEvent()).msg.type === type) return;
}

/**
 * Interrupt → `turn_aborted` (µs) for `n` turns whose model runs `sleep 60.x` through the
 * built-in shell tool (full access, no approval); the sleep has started before the interrupt.
 * @example
 * const samples = await shellInterruptLatency(20);
 */
export async function shellInterruptLatency(n: number): Promise<number[]> {
  const marker = () => `60.${process.pid}${Math.floor(Math.random() * 1e6)}`;
  const model = scriptedModel((_request, i) => scriptedTurn.functionCall(`call_${i}`, 'shell', JSON.stringify({ command: ['sleep', marker()] })), {
    recordRequests: false,
  });
  const thread = await createThread({
    model,
    ephemeral: true,
    cwd: os.tmpdir(),
    approvalPolicy: 'never',
    sandboxPolicy: { type: 'danger-full-access' },
    builtinTools: { shell: true, applyPatch: false, updatePlan: false },
  });
  await until(thread, 'session_configured');
  const out: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'sleep' }] });
      await until(thread, 'exec_command_begin');
      await new Promise((resolve) => setTimeout(resolve, 50)); // the command is running
      const t0 = nowUs();
      await thread.submit({ type: 'interrupt' });
      await until(thread, 'turn_aborted');
      out.push(nowUs() - t0);
    }
    return out;
  } finally {
    await thread.shutdown();
  }
}

/**
 * Reads a `megabytes` MB `data:` line without a newline, in 64 kB chunks that arrive one per
 * event-loop turn, through the adapter's SSE reader with its default bound. Returns the time
 * until the reader gave up (ms), the longest event-loop stall meanwhile (ms), and the error.
 * @example
 * const { totalMs, maxStallMs, outcome } = await sseLongLine(50);
 */
export async function sseLongLine(megabytes: number): Promise<{ totalMs: number; maxStallMs: number; outcome: string }> {
  const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
  const total = megabytes * 1024 * 1024;
  let sent = -1;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      if (sent < 0) {
        controller.enqueue(new TextEncoder().encode('data: '));
        sent = 0;
      } else if (sent >= total) {
        controller.close();
      } else {
        controller.enqueue(chunk);
        sent += chunk.length;
      }
    },
  });
  let last = performance.now();
  let maxStallMs = 0;
  const beat = setInterval(() => {
    const now = performance.now();
    maxStallMs = Math.max(maxStallMs, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  let outcome = 'no error';
  try {
    for await (const _ of readSse(body, new AbortController().signal, 300_000, DEFAULT_MAX_SSE_EVENT_LENGTH)) outcome = 'a message';
  } catch (error) {
    outcome = (error as Error).name;
  }
  const totalMs = performance.now() - started;
  clearInterval(beat);
  return { totalMs, maxStallMs, outcome };
}
