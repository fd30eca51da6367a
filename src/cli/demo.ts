/**
 * `turnstate demo`: a real thread, the real `openai` SDK and a loopback mock Responses
 * server playing a built-in scenario — streamed text, a host tool call, a turn interrupted
 * mid-stream — rendered as a person reads it. Offline; no API key.
 */
import type { Writable } from 'node:stream';
import { z } from 'zod';
import { openaiModel } from '../model/openai/index.js';
import { createThread } from '../runtime/create-thread.js';
import { defineTool } from '../tools/router.js';
import { ev, startMockResponsesServer, type MockEvent, type RecordedRequest, type ScriptedResponse } from '../testing/index.js';
import { createRenderer, renderSummary, type RenderStats } from './render.js';
import { pump } from './session-io.js';
import { makeStyle, shouldColor } from './style.js';

/**
 * Options of {@link runDemo}.
 * @example
 * await runDemo(process.stdout, { delayMs: 0, color: false });
 */
export interface DemoOptions {
  /** ANSI colours (default: only when `output` is a TTY and `NO_COLOR` is unset). */
  color?: boolean;
  /** Pause between streamed events, in ms (default 30; 0 for tests). */
  delayMs?: number;
  /** Interrupt the second turn after this many streamed deltas (default 6). */
  interruptAfterDeltas?: number;
}

/**
 * What the demo did.
 * @example
 * const { exitCode, requests }: DemoResult = await runDemo(process.stdout);
 */
export interface DemoResult {
  /** 0 when the scenario played out as scripted. */
  exitCode: number;
  stats: RenderStats;
  requests: number;
  /** Submit-interrupt → `turn_aborted`, in ms. */
  interruptLatencyMs: number | null;
  elapsedMs: number;
}

/**
 * The sentence the demo's model asks `word_count` about.
 * @example
 * DEMO_SENTENCE.split(' ').length; // 9
 */
export const DEMO_SENTENCE = 'the quick brown fox jumps over the lazy dog';
/**
 * The user's two prompts in the demo.
 * @example
 * DEMO_PROMPTS[1]; // the turn that gets interrupted
 */
export const DEMO_PROMPTS = [
  `How many words are in "${DEMO_SENTENCE}"?`,
  'Now write me a long poem about state machines.',
] as const;

const wordCount = defineTool({
  name: 'word_count',
  description: 'Counts the words in a text.',
  parameters: z.object({ text: z.string().describe('The text to count') }),
  execute: ({ text }) => {
    const words = text.trim().split(/\s+/).filter(Boolean).length;
    return `${words} words`;
  },
});

const POEM =
  'In the land of states where transitions gleam, / each event arrives like a quiet stream; / ' +
  'idle waits, then active wakes, / a turn begins and a token breaks ...';

/** Splits text into word-sized deltas (with their trailing spaces). */
const deltas = (text: string): MockEvent[] => (text.match(/\S+\s*/g) ?? []).map((d) => ev.textDelta(d));

/** The text of the `function_call_output` for `callId` in a recorded Responses request. */
function toolOutputIn(request: RecordedRequest, callId: string): string | null {
  const input = (request.body as { input?: unknown } | null)?.input;
  if (!Array.isArray(input)) return null;
  const item = input.find((i: { type?: unknown; call_id?: unknown }) => i?.type === 'function_call_output' && i.call_id === callId) as
    | { output?: unknown }
    | undefined;
  return typeof item?.output === 'string' ? item.output : null;
}

/** The scripted server side: what the "model" answers to each request. */
function scenario(delayMs: number) {
  const intro = 'Let me count them with the word_count tool.';
  return (request: RecordedRequest, index: number): ScriptedResponse | undefined => {
    switch (index) {
      case 0:
        return {
          delayMs,
          events: [
            ev.created('resp_1'),
            ev.messageAdded('msg_1'),
            ...deltas(intro),
            ev.assistantMessage('msg_1', intro),
            ev.functionCall('call_wc', 'word_count', JSON.stringify({ text: DEMO_SENTENCE })),
            ev.completed('resp_1', { input_tokens: 412, output_tokens: 38, total_tokens: 450 }),
          ],
        };
      case 1: {
        const answer = `The tool says ${toolOutputIn(request, 'call_wc') ?? '(no tool output!)'}: that sentence is a classic pangram.`;
        return {
          delayMs,
          events: [
            ev.created('resp_2'),
            ev.messageAdded('msg_2'),
            ...deltas(answer),
            ev.assistantMessage('msg_2', answer),
            ev.completed('resp_2', { input_tokens: 471, cached_tokens: 384, output_tokens: 21, total_tokens: 492 }),
          ],
        };
      }
      case 2: // a slow stream that never completes: the host interrupts it
        return { delayMs: Math.max(delayMs, 1), hold: true, events: [ev.created('resp_3'), ev.messageAdded('msg_3'), ...deltas(POEM)] };
      default:
        return undefined;
    }
  };
}

/**
 * Runs the demo scenario, writing the transcript to `output`.
 * @example
 * const { exitCode } = await runDemo(process.stdout);
 */
export async function runDemo(output: Writable, options: DemoOptions = {}): Promise<DemoResult> {
  const started = performance.now();
  const color = options.color ?? shouldColor(output);
  const s = makeStyle(color);
  const interruptAfter = options.interruptAfterDeltas ?? 6;
  const renderer = createRenderer({ color });
  const server = await startMockResponsesServer(scenario(options.delayMs ?? 30));
  let interruptLatencyMs: number | null = null;
  try {
    output.write(s.bold('turnstate demo') + s.dim(` — offline: openai SDK → mock Responses server at ${server.url}\n`));
    const thread = await createThread({
      model: openaiModel({ baseURL: server.url, apiKey: 'demo', model: 'demo-model' }),
      tools: [wordCount],
      builtinTools: false, // the scenario's one tool, nothing that touches the machine
      ephemeral: true, // leave no rollout behind
      ghostSnapshots: false, // no tool here writes files, and the demo never undoes
    });
    try {
      const untilSettled = (e: { msg: { type: string } }) => (e.msg.type === 'task_complete' || e.msg.type === 'turn_aborted' ? 'stop' : undefined);

      await thread.submit({ type: 'user_input', items: [{ type: 'text', text: DEMO_PROMPTS[0] }] });
      await pump(thread, renderer, output, untilSettled);

      await thread.submit({ type: 'user_input', items: [{ type: 'text', text: DEMO_PROMPTS[1] }] });
      let seenDeltas = 0;
      let interruptedAt = 0;
      await pump(thread, renderer, output, async (e) => {
        if (e.msg.type === 'agent_message_delta' && ++seenDeltas === interruptAfter) {
          output.write(renderer.note('host › interrupt ({"type":"interrupt"})'));
          interruptedAt = performance.now();
          await thread.submit({ type: 'interrupt' });
        }
        if (e.msg.type === 'turn_aborted' && interruptedAt > 0) interruptLatencyMs = performance.now() - interruptedAt;
        return untilSettled(e);
      });
      if (interruptLatencyMs !== null) output.write(renderer.note(`· interrupt → turn_aborted in ${(interruptLatencyMs as number).toFixed(1)} ms`));

      const usage = thread.view.getSnapshot().context.tokenUsage;
      await thread.shutdown();
      await pump(thread, renderer, output, () => undefined);
      const stats = renderer.stats();
      const elapsedMs = performance.now() - started;
      output.write('\n' + renderSummary({ stats, requests: server.requests.length, usage, elapsedMs }, { color }));
      const asScripted = stats.turnsCompleted === 1 && stats.turnsAborted === 1 && stats.toolCalls === 1 && stats.errors === 0;
      return { exitCode: asScripted ? 0 : 1, stats, requests: server.requests.length, interruptLatencyMs, elapsedMs };
    } finally {
      await thread.shutdown();
    }
  } finally {
    await server.close();
  }
}
