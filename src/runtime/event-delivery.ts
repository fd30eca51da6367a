/**
 * The thread's way out for events: the ordered output queue hosts read (`Thread.nextEvent`),
 * the read model folded from it, the agent status derived from it and the synchronous
 * listeners.
 *
 * Invariant: every event leaves through `emit`, which persists (by the recorder's policy)
 * and then delivers, in call order, with its legacy projection right after it; nothing is
 * delivered once `shutdown_complete` closed the queue.
 */
import { agentStatusFromEvent, type AgentStatus, type Event, type EventMsg } from '../protocol/index.js';
import { shouldPersistEvent } from '../persistence/index.js';
import { AsyncQueue } from './async-queue.js';
import { legacyProjection } from './legacy.js';
import type { Recorder } from './recorder.js';
import { createViewStore, ViewFeeder, type ViewStore } from './view.js';

/**
 * One thread's event outlet (`ThreadRuntime.emit` and the host's event queue go through it).
 * @example
 * const out = new EventDelivery(threadId, new MemoryRecorder(), false);
 * out.emit('', { type: 'warning', message: 'slow disk' }); // queued, folded into out.view
 */
export class EventDelivery {
  /** The events hosts take, in delivery order; closed after `shutdown_complete`. */
  readonly events = new AsyncQueue<Event>();
  /** The read model folded from the delivered events. */
  readonly view: ViewStore;
  private readonly viewFeeder: ViewFeeder;
  private agentStatus: AgentStatus = 'pending_init';
  private statusListeners = new Set<(s: AgentStatus) => void>();
  private eventListeners = new Set<(e: Event) => void>();

  constructor(
    threadId: string,
    private readonly recorder: Recorder,
    private readonly showRawReasoning: boolean,
  ) {
    this.view = createViewStore(threadId);
    this.viewFeeder = new ViewFeeder(this.view);
  }

  /** Persists (by policy) then delivers an event, followed by its legacy projection. */
  emit(id: string, msg: EventMsg): void {
    this.deliver(id, msg);
    for (const legacy of legacyProjection(msg, { showRawReasoning: this.showRawReasoning })) this.deliver(id, legacy);
  }

  private deliver(id: string, msg: EventMsg): void {
    if (this.events.isClosed) return;
    // Events no persistence mode keeps (deltas, begin events, ...) skip the recorder.
    if (shouldPersistEvent(msg, 'extended')) this.recorder.record([{ type: 'event_msg', payload: msg }]);
    const event: Event = { id, msg };
    const status = agentStatusFromEvent(msg);
    if (status !== null) {
      this.agentStatus = status;
      for (const l of this.statusListeners) l(status);
    }
    this.viewFeeder.push(event);
    this.events.push(event);
    for (const l of this.eventListeners) l(event);
    if (msg.type === 'shutdown_complete') this.events.close();
  }

  /** An approval was answered: the read model stops listing it as pending. */
  approvalSettled(approvalId: string): void {
    this.viewFeeder.settleApproval(approvalId);
  }

  /** The agent status derived from the events delivered so far. */
  status(): AgentStatus {
    return this.agentStatus;
  }

  /** Calls `listener` on every status change; returns the unsubscribe. */
  onStatus(listener: (s: AgentStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Observes every delivered event synchronously; returns the unsubscribe. */
  onEvent(listener: (e: Event) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }
}
