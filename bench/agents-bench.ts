/**
 * The same text and one-tool-call turns through `@openai/agents` (0.20.x) `Agent` + `run()`,
 * with an instant in-process `Model` that returns the same content as turnstate's scripted
 * model. The conversation is carried from run to run (`result.history` + the new user
 * message), as a thread carries its history.
 *
 * Streaming (`run(..., { stream: true })`, every stream event consumed) is the fair
 * comparison: a turnstate host always receives the turn as a stream of events. The
 * non-streaming `run()` is measured too, for reference.
 */
import type * as AgentsModule from '@openai/agents';
import type { AgentInputItem, Model, ModelRequest, ModelResponse, StreamEvent, protocol } from '@openai/agents';
import { z } from 'zod';
import { sample } from './measure.js';
import { TOOL_ARGS, type Shape } from './turnstate-bench.js';

type Agents = typeof AgentsModule;

const USER_TEXT = 'Count the words in: the quick brown fox';
const usage = { requests: 1, inputTokens: 0, outputTokens: 0, totalTokens: 0 };

const message = (text: string) => ({
  type: 'message' as const,
  id: 'msg_1',
  role: 'assistant' as const,
  status: 'completed' as const,
  content: [{ type: 'output_text' as const, text }],
});
let calls = 0;
/** A tool call with a fresh call id (ids are unique within a conversation, as a real model's are). */
const nextCall = () => {
  const n = ++calls;
  return { text: null, output: [{ type: 'function_call' as const, id: `fc_${n}`, callId: `call_${n}`, name: 'word_count', arguments: TOOL_ARGS, status: 'completed' as const }] };
};

/** The model's answer to a request: text, or a tool call then (after its result) a follow-up. */
function answerFor(shape: Shape, request: ModelRequest): { text: string | null; output: protocol.OutputModelItem[] } {
  if (shape === 'text') return TEXT;
  const last = Array.isArray(request.input) ? request.input.at(-1) : undefined;
  return last?.type === 'function_call_result' ? FOLLOW_UP : nextCall();
}
const TEXT = { text: 'Hello!', output: [message('Hello!')] };
const FOLLOW_UP = { text: 'That is 4 words.', output: [message('That is 4 words.')] };

/** An instant in-process model; streams one text delta per message, like `scriptedTurn.reply`. */
function instantModel(agents: Agents, shape: Shape): Model {
  return {
    async getResponse(request: ModelRequest): Promise<ModelResponse> {
      return { usage: new agents.Usage(usage), output: answerFor(shape, request).output, responseId: 'resp_1' };
    },
    async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
      const { text, output } = answerFor(shape, request);
      yield { type: 'response_started' };
      if (text !== null) yield { type: 'output_text_delta', delta: text };
      yield { type: 'response_done', response: { id: 'resp_1', usage, output } };
    },
  };
}

/** One conversation: an agent over the instant model, and a turn that carries history forward. */
async function conversation(shape: Shape, mode: 'stream' | 'plain') {
  const agents: Agents = await import('@openai/agents');
  agents.setTracingDisabled(true);
  const wordCount = agents.tool({
    name: 'word_count',
    description: 'Counts the words in a text.',
    parameters: z.object({ text: z.string() }),
    execute: ({ text }) => `${text.split(/\s+/).filter(Boolean).length} words`,
  });
  const agent = new agents.Agent({
    name: 'bench',
    instructions: 'You are a coding agent.',
    model: instantModel(agents, shape),
    tools: [wordCount],
  });
  const runner = new agents.Runner({ tracingDisabled: true });
  /** One user turn on top of `history`; resolves with the new history. */
  return async (history: AgentInputItem[]): Promise<AgentInputItem[]> => {
    const input: AgentInputItem[] = [...history, { role: 'user', content: USER_TEXT }];
    if (mode === 'plain') return (await runner.run(agent, input)).history;
    const result = await runner.run(agent, input, { stream: true });
    for await (const _event of result) {
      // every event is read, as a host reads turnstate's
    }
    await result.completed;
    return result.history;
  };
}

/**
 * Per-turn wall time (µs) through `@openai/agents`: conversations of `sessionTurns` turns
 * (history carried from run to run, reset between conversations), until `n` turns are timed
 * after `warmup` untimed ones.
 * @example
 * const samples = await agentsSessionTurns('text', 'stream', 25, 1500, 300);
 */
export async function agentsSessionTurns(shape: Shape, mode: 'stream' | 'plain', sessionTurns: number, n: number, warmup: number): Promise<number[]> {
  const turn = await conversation(shape, mode);
  const out: number[] = [];
  let history: AgentInputItem[] = [];
  for (let done = 0; out.length < n; done++) {
    if (done % sessionTurns === 0) history = [];
    const t = await sample(1, 0, async () => {
      history = await turn(history);
    });
    if (done >= warmup) out.push(t[0] as number);
  }
  return out;
}

/**
 * Per-turn wall time (µs) of `n` turns on top of a conversation `depth` turns deep. The prior
 * turns are copies of one real turn's history (with fresh call ids), not re-run.
 * @example
 * const samples = await agentsLongTurns('text', 'stream', 1000, 8);
 */
export async function agentsLongTurns(shape: Shape, mode: 'stream' | 'plain', depth: number, n: number): Promise<number[]> {
  const turn = await conversation(shape, mode);
  const one = await turn([]);
  let history: AgentInputItem[] = [];
  for (let i = 0; i < depth; i++) {
    history.push(...one.map((item) => ('callId' in item && typeof item.callId === 'string' ? { ...item, callId: `${item.callId}_${i}` } : item)));
  }
  return sample(n, 0, async () => {
    history = await turn(history);
  });
}
