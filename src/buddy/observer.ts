/**
 * The buddy observer (seed 000, `on_task_finished` → `buddy_reaction_for_turn`): after a turn
 * of this thread ends with `task_complete`, a background request to the thread's model client
 * asks the buddy for a one-line reaction, emitted as `buddy_reaction` under the finished
 * turn's id.
 *
 * Invariants: the request starts only after `task_complete` was delivered and nothing waits
 * for it, so it delays neither that event nor the next turn; it never starts after
 * `turn_aborted`; a failed request emits nothing and changes nothing on the thread (it is only
 * logged); requests still running when the thread shuts down are stopped.
 */
import { createActor, fromPromise, type AnyActorRef, type InspectionEvent, type Observer } from 'xstate';
import { TurnstateError } from '../errors.js';
import type { Event, EventMsg } from '../protocol/index.js';
import { modelCapabilities, requestReasoning } from '../model/capabilities.js';
import type { ModelClient, ModelRequest } from '../model/types.js';
import { observes, type BuddySettings } from './options.js';
import { parseBuddyReaction } from './parse.js';
import { BUDDY_OBSERVER_INSTRUCTIONS, buddyObserverPrompt, buddyReactionFormat } from './prompt.js';

/** What the observer needs from its thread. */
export interface BuddyObserverHost {
  /** Sees every event the thread delivers, synchronously and in order; returns an unsubscribe. */
  onEvent(listener: (event: Event) => void): () => void;
  /** Emits an event on the thread's ordered output queue. */
  emit(id: string, msg: EventMsg): void;
  /** The thread's model client (the observer asks the same provider). */
  model: ModelClient;
  logger: { warn(message: string, details?: Record<string, unknown>): void; debug?(message: string, details?: Record<string, unknown>): void };
  /** The thread's inspection observer: each request is an actor `buddy:<turnId>`. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void) | undefined;
}

/**
 * The observer request for a finished turn: the buddy's own instructions, the prompt as the
 * only input, no tools, the `{say}` schema as `text.format` when the model follows output
 * schemas. `observer.model` replaces the thread's model slug; the thread's capability
 * overrides apply only to the thread's own model.
 * @example
 * buddyObserverRequest(buddySettings({ name: 'Pixel' }), model, 'Done: 3 files changed.').tools; // []
 */
export function buddyObserverRequest(buddy: BuddySettings, model: ModelClient, lastAgentMessage: string | null): ModelRequest {
  const slug = buddy.model ?? model.model;
  const caps = modelCapabilities(slug, slug === model.model ? model.capabilities : {});
  const format = buddyReactionFormat(caps.outputSchema ?? false);
  return {
    model: slug,
    instructions: BUDDY_OBSERVER_INSTRUCTIONS,
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: buddyObserverPrompt(buddy, lastAgentMessage) }] }],
    tools: [],
    parallel_tool_calls: false,
    reasoning: requestReasoning(caps, null, 'none'),
    ...(format ? { text: { format } } : {}),
  };
}

/**
 * Longest observer reply read, in UTF-16 code units, when `maxReactionChars` asks for no more
 * (a `{"say": …}` reply is short; a model that keeps streaming is cut off, not buffered).
 * @example
 * replyLimit(80) === BUDDY_REPLY_LIMIT; // true
 */
export const BUDDY_REPLY_LIMIT = 65_536;

/** The reply limit for a reaction limit: room for the JSON around a `say` of `maxReactionChars` characters. */
export const replyLimit = (maxReactionChars: number): number => Math.max(BUDDY_REPLY_LIMIT, 8 * maxReactionChars);

/**
 * An observer reply longer than its limit: the request is stopped and counts as failed.
 * @example
 * new BuddyReplyTooLongError(65_536).code; // 'buddy_reply_too_long'
 */
export class BuddyReplyTooLongError extends TurnstateError {
  constructor(limit: number) {
    super('buddy_reply_too_long', 'model', `the buddy observer reply passed ${limit} characters`);
  }
}

/**
 * Streams `request` and returns the reply text: the text deltas, or (when they were blank) the
 * text of the finished assistant messages, up to `completed`. Throws what the stream throws,
 * and `BuddyReplyTooLongError` (stopping the stream) once the text passes `maxChars`.
 * @example
 * const text = await collectReplyText(model, request, AbortSignal.timeout(30_000));
 */
export async function collectReplyText(model: ModelClient, request: ModelRequest, signal: AbortSignal, maxChars = BUDDY_REPLY_LIMIT): Promise<string> {
  let text = '';
  for await (const event of model.stream(request, signal)) {
    if (event.type === 'output_text_delta') text += event.delta;
    else if (event.type === 'output_item_done' && text.trim() === '' && event.item.type === 'message') {
      for (const part of event.item.content) if (part.type === 'output_text') text += part.text;
    } else if (event.type === 'completed') break;
    if (text.length > maxChars) throw new BuddyReplyTooLongError(maxChars);
  }
  return text;
}

/** Input of {@link buddyReactionLogic}. */
export interface BuddyReactionInput {
  model: ModelClient;
  request: ModelRequest;
  maxReactionChars: number;
}

/**
 * One observer request as a promise actor: resolves with the parsed reaction (`null`: none to
 * show), rejects when the request fails. Stopping the actor aborts the request.
 * @example
 * createActor(buddyReactionLogic, { input: { model, request, maxReactionChars: 80 } }).start();
 */
export const buddyReactionLogic = fromPromise<string | null, BuddyReactionInput>(async ({ input, signal }) =>
  parseBuddyReaction(await collectReplyText(input.model, input.request, signal, replyLimit(input.maxReactionChars)), input.maxReactionChars),
);

/**
 * Starts observing a thread: every `task_complete` of the thread's own turns (its `turn_id` is
 * the event's id; forwarded events of other threads do not count) starts one observer request,
 * when {@link observes} allows it; a reaction is emitted as `{ type: 'buddy_reaction', text }`
 * with the finished turn's id. Returns a function that stops observing and stops the requests
 * still running (done by itself at `shutdown_complete`).
 * @example
 * const stop = attachBuddyObserver({ onEvent, emit, model, logger }, buddySettings({ name: 'Pixel' }));
 */
export function attachBuddyObserver(host: BuddyObserverHost, buddy: BuddySettings): () => void {
  const running = new Set<AnyActorRef>();
  const log = (message: string, details: Record<string, unknown>) => (host.logger.debug ?? host.logger.warn).call(host.logger, message, details);
  const observe = (turnId: string, lastAgentMessage: string | null) => {
    const request = buddyObserverRequest(buddy, host.model, lastAgentMessage);
    const actor = createActor(buddyReactionLogic, {
      id: `buddy:${turnId}`,
      input: { model: host.model, request, maxReactionChars: buddy.maxReactionChars },
      ...(host.inspect ? { inspect: host.inspect } : {}),
    });
    running.add(actor);
    actor.subscribe({
      next: (snapshot) => {
        if (snapshot.status !== 'done') return;
        running.delete(actor);
        if (snapshot.output !== null) host.emit(turnId, { type: 'buddy_reaction', text: snapshot.output });
      },
      error: (error: unknown) => {
        running.delete(actor);
        log('buddy observer request failed', { turnId, error: error instanceof Error ? error.message : String(error) });
      },
    });
    // Started after the event that triggered it has been delivered to every listener.
    queueMicrotask(() => {
      if (running.has(actor)) actor.start();
    });
  };
  const stop = () => {
    off();
    for (const actor of running) actor.stop();
    running.clear();
  };
  const off = host.onEvent((event) => {
    const { msg } = event;
    if (msg.type === 'shutdown_complete') return stop();
    if (msg.type !== 'task_complete' || msg.turn_id !== event.id || !observes(buddy, true)) return;
    observe(event.id, msg.last_agent_message ?? null);
  });
  return stop;
}
