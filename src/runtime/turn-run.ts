/**
 * `thread.run()` and `thread.runStreamed()`: start one regular turn on an idle thread, follow
 * that turn's events (those carrying its id), and resolve with its outcome. An `AbortSignal`
 * interrupts exactly that turn — through the thread's usual interrupt path, queued in the
 * submission order, and only while that turn is still the active one.
 */
import {
  UserInput,
  emptyTokenUsage,
  parseAtEdge,
  type DeepReadonly,
  type Event,
  type TokenUsage,
  type TurnItem,
  type UserInputInit,
} from '../protocol/index.js';
import { InvalidRequestError, ThreadClosedError, TurnActiveError, TurnFailedError, type TurnstateError } from '../errors.js';
import { AsyncQueue, QueueClosedError } from './async-queue.js';
import type { OpHandlers } from './op-handlers.js';
import { parseStructuredOutput, toOutputJsonSchema, type OutputSchema, type StructuredOutputOf } from './output-schema.js';
import type { ThreadRuntime } from './thread-runtime.js';

/** Options of `thread.run()` / `thread.runStreamed()`. */
export interface RunOptions<S extends OutputSchema | undefined = OutputSchema | undefined> {
  /** Aborting it interrupts this turn (`turn_aborted{reason: interrupted}`, status `interrupted`). */
  signal?: AbortSignal;
  /** A zod schema or JSON Schema the final message must follow (sent as `text.format`). */
  outputSchema?: S;
}

/** How a turn run by `thread.run()` ended. */
export interface RunResult<T = unknown> {
  /** The turn's id (also the submission id its events carry). */
  turnId: string;
  /** `completed`: task_complete without errors; `interrupted`: turn_aborted; `failed`: an error event or invalid structured output. */
  status: 'completed' | 'interrupted' | 'failed';
  /** `task_complete.last_agent_message` (null when interrupted or silent). */
  finalMessage: string | null;
  /** The turn's completed items (`item_completed`), in order. */
  items: TurnItem[];
  /** Tokens this turn used (all its sampling requests). */
  usage: TokenUsage;
  /** The parsed final message, when an output schema was given and it matched. */
  structuredOutput?: T;
  /** Why the run failed: `TurnFailedError` (an `error` event) or `StructuredOutputError`. */
  error?: TurnstateError;
}

/** `thread.runStreamed()`: the turn's events (ending with its end event) and its result. */
export interface RunStream<T = unknown> extends AsyncIterable<Event> {
  readonly turnId: string;
  /** Resolves like `thread.run()`. */
  readonly result: Promise<RunResult<T>>;
}

/** What the runner needs from its thread. */
export interface RunHost {
  rt: ThreadRuntime;
  handlers: OpHandlers;
  /** Runs `fn` in the submission order (rejects with ThreadClosedError once closed). */
  runJob(fn: () => Promise<void>): Promise<void>;
}

/** Input of `run()`: a text prompt or user input items. */
export type RunInput = string | readonly UserInputInit[] | DeepReadonly<UserInputInit[]>;

/**
 * Starts a turn and follows it; `onEvent` sees each of the turn's events as it is delivered.
 * @example
 * const { result } = startRun(host, 'List the files', {});
 */
export function startRun<S extends OutputSchema | undefined>(
  host: RunHost,
  input: RunInput,
  options: RunOptions<S>,
  onEvent?: (event: Event) => void,
): { turnId: string; result: Promise<RunResult<StructuredOutputOf<S>>> } {
  const { rt } = host;
  const turnId = rt.config.newId();
  const result = (async () => {
    const items = parseAtEdge(UserInput.array(), typeof input === 'string' ? [{ type: 'text', text: input }] : input, 'run input');
    if (items.length === 0) throw new InvalidRequestError('run input must not be empty');
    const schema = options.outputSchema ? toOutputJsonSchema(options.outputSchema) : undefined;
    const follower = new TurnFollower(rt, turnId, onEvent);
    // Queued behind the job that starts the turn, so it always sees whether this turn is active.
    const onAbort = () => void host.runJob(() => interruptIfActive(rt, turnId)).catch(() => undefined);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await host.runJob(async () => {
        const active = rt.activeTurn();
        if (active) throw new TurnActiveError(active.turnId);
        follower.before = rt.session().history.tokenInfo?.total_token_usage ?? emptyTokenUsage();
        // An already-aborted signal still starts the turn, then interrupts it at once (in the handler,
        // right after the start: the handler may await an MCP refresh first).
        const signal = options.signal;
        await host.handlers.handle({ id: turnId, op: { type: 'user_input', items, final_output_json_schema: schema } }, signal ? { signal } : {});
      });
    } catch (err) {
      follower.stop();
      options.signal?.removeEventListener('abort', onAbort);
      throw err;
    }
    // The op was refused before a turn started (e.g. no model configured): its error event says why.
    if (!follower.started && rt.activeTurn()?.turnId !== turnId) {
      follower.stop();
      options.signal?.removeEventListener('abort', onAbort);
      const error = follower.error ?? new TurnFailedError(turnId, 'the turn did not start');
      return { turnId, status: 'failed', finalMessage: null, items: [], usage: emptyTokenUsage(), error } as RunResult<StructuredOutputOf<S>>;
    }
    try {
      const outcome = await follower.done;
      return finishResult(outcome, options.outputSchema);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  })();
  return { turnId, result: result as Promise<RunResult<StructuredOutputOf<S>>> };
}

/**
 * `runStreamed`: the turn's events as an async iterable (ending with its `task_complete` or
 * `turn_aborted`) plus the result. Events are buffered until read.
 * @example
 * for await (const { msg } of runStreamed(host, 'hi', {})) console.log(msg.type);
 */
export function runStreamed<S extends OutputSchema | undefined>(host: RunHost, input: RunInput, options: RunOptions<S>): RunStream<StructuredOutputOf<S>> {
  const queue = new AsyncQueue<Event>();
  const { turnId, result } = startRun(host, input, options, (event) => queue.push(event));
  let failure: unknown = null;
  result.then(
    () => queue.close(),
    (err: unknown) => {
      failure = err;
      queue.close();
    },
  );
  return {
    turnId,
    result,
    async *[Symbol.asyncIterator]() {
      for (;;) {
        try {
          yield await queue.take();
        } catch (err) {
          if (!(err instanceof QueueClosedError)) throw err;
          if (failure) throw failure;
          return;
        }
      }
    },
  };
}

async function interruptIfActive(rt: ThreadRuntime, turnId: string): Promise<void> {
  if (rt.activeTurn()?.turnId !== turnId) return;
  rt.actor.send({ type: 'INTERRUPT' });
  await rt.waitSettled();
}

interface Outcome {
  turnId: string;
  ended: 'task_complete' | 'turn_aborted';
  finalMessage: string | null;
  items: TurnItem[];
  usage: TokenUsage;
  error: TurnFailedError | null;
}

/** Collects one turn's events from the thread's delivery stream. */
class TurnFollower {
  before: TokenUsage = emptyTokenUsage();
  private after: TokenUsage | null = null;
  private readonly items: TurnItem[] = [];
  error: TurnFailedError | null = null;
  /** Whether the turn announced its start or has ended. */
  started = false;
  private readonly off: () => void;
  private settle!: { resolve: (o: Outcome) => void; reject: (e: unknown) => void };
  readonly done = new Promise<Outcome>((resolve, reject) => (this.settle = { resolve, reject }));

  constructor(
    rt: ThreadRuntime,
    private readonly turnId: string,
    private readonly onEvent?: (event: Event) => void,
  ) {
    this.off = rt.onEvent((event) => this.observe(event, rt.threadId));
  }

  stop(): void {
    this.off();
  }

  private observe(event: Event, threadId: string): void {
    const { msg } = event;
    if (event.id !== this.turnId) {
      if (msg.type === 'shutdown_complete') {
        this.stop();
        this.settle.reject(new ThreadClosedError(threadId));
      }
      return;
    }
    this.onEvent?.(event);
    if (msg.type === 'task_started' || msg.type === 'task_complete' || msg.type === 'turn_aborted') this.started = true;
    if (msg.type === 'item_completed') this.items.push(msg.item);
    else if (msg.type === 'token_count' && msg.info) this.after = msg.info.total_token_usage;
    else if (msg.type === 'error') this.error ??= new TurnFailedError(this.turnId, msg.message, msg.codex_error_info ?? null);
    else if (msg.type === 'task_complete' || msg.type === 'turn_aborted') {
      this.stop();
      this.settle.resolve({
        turnId: this.turnId,
        ended: msg.type,
        finalMessage: msg.type === 'task_complete' ? (msg.last_agent_message ?? null) : null,
        items: this.items,
        usage: usageBetween(this.before, this.after),
        error: this.error,
      });
    }
  }
}

function usageBetween(before: TokenUsage, after: TokenUsage | null): TokenUsage {
  if (!after) return emptyTokenUsage();
  const d = (k: keyof TokenUsage) => Math.max(after[k] - before[k], 0);
  return {
    input_tokens: d('input_tokens'),
    cached_input_tokens: d('cached_input_tokens'),
    output_tokens: d('output_tokens'),
    reasoning_output_tokens: d('reasoning_output_tokens'),
    total_tokens: d('total_tokens'),
  };
}

function finishResult<T>(o: Outcome, schema: OutputSchema<T> | undefined): RunResult<T> {
  const base = { turnId: o.turnId, finalMessage: o.finalMessage, items: o.items, usage: o.usage };
  if (o.ended === 'turn_aborted') return { ...base, status: 'interrupted' };
  if (o.error) return { ...base, status: 'failed', error: o.error };
  if (!schema) return { ...base, status: 'completed' };
  const parsed = parseStructuredOutput(schema, o.finalMessage);
  return parsed.ok ? { ...base, status: 'completed', structuredOutput: parsed.value } : { ...base, status: 'failed', error: parsed.error };
}
