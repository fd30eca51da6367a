/**
 * Wiring between a thread and its thread store: the recorder adapter, and loading a
 * resumed or forked thread's starting state from a rollout.
 */
import {
  RolloutRecorder,
  defaultHistoryOps,
  forkItems,
  reconstructHistoryFromRollout,
  type PersistenceMode,
  type RolloutItem as StoredItem,
  type SessionMeta,
  type StoredRollout,
  type ThreadLease,
  type ThreadStore,
} from '../persistence/index.js';
import type { EventMsg } from '../protocol/index.js';
import { referenceFromTurnContext } from '../tasks/context-updates.js';
import { TURN_ABORTED_MARKER_TEXT } from './markers.js';
import type { Recorder, RolloutItem } from './recorder.js';
import type { HistoryData } from '../history/session-data.js';

/** The package version written into `session_meta.cli_version`. */
export const ENGINE_VERSION = '0.1.0';

/**
 * A `Recorder` over a `ThreadStore` (durable; lazily materialised). It owns the thread's
 * single-writer `lease`, if given, and releases it when it shuts down.
 * @example
 * const recorder = new StoreRecorder({ store, meta, lease: await store.acquire(meta.id), onWarning: console.warn });
 */
export class StoreRecorder implements Recorder {
  readonly durable = true;
  private readonly inner: RolloutRecorder;
  private readonly lease: ThreadLease | null;

  constructor(options: {
    store: ThreadStore;
    meta: SessionMeta;
    mode?: PersistenceMode;
    resumePath?: string;
    nextOrdinal?: number;
    lease?: ThreadLease;
    onWarning?: (m: string) => void;
  }) {
    this.lease = options.lease ?? null;
    this.inner = new RolloutRecorder({
      store: options.store,
      meta: options.meta,
      ...(options.mode ? { mode: options.mode } : {}),
      ...(options.resumePath ? { resumePath: options.resumePath } : {}),
      ...(options.nextOrdinal === undefined ? {} : { nextOrdinal: options.nextOrdinal }),
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    });
  }

  get rolloutPath(): string {
    return this.inner.rolloutPath;
  }

  get materialized(): boolean {
    return this.inner.materialized;
  }

  get needsPersist(): boolean {
    return !this.inner.materialized || this.inner.failed;
  }

  private closed = false;

  record(items: RolloutItem[]): void {
    // Nothing emitted after shutdown (`shutdown_complete`) is ever persisted.
    if (!this.closed) this.inner.record(items as StoredItem[]);
  }

  async persist(): Promise<void> {
    await this.inner.persist();
  }

  async flush(): Promise<void> {
    await this.inner.flush();
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    try {
      const outcome = await this.inner.shutdown();
      if (!outcome.ok) throw outcome.error;
    } finally {
      // The lease goes once the last write settled, even when that write failed.
      await this.lease?.release();
    }
  }
}

/** Starting state rebuilt from a rollout. */
export interface LoadedThreadState {
  history: HistoryData;
  initialMessages: EventMsg[];
  lastModel: string | null;
  /** The name of the newest `thread_name_updated` event, if any (for `session_configured.thread_name`). */
  threadName: string | null;
  skippedLines: number;
}

/**
 * Rebuilds history, token usage and the replayed events from rollout items.
 * @example
 * const state = loadThreadState(rollout.items, rollout.skipped.length);
 */
export function loadThreadState(items: readonly StoredItem[], skippedLines: number): LoadedThreadState {
  const rebuilt = reconstructHistoryFromRollout(items, defaultHistoryOps);
  const reference = rebuilt.referenceContextItem === null ? null : referenceFromTurnContext(rebuilt.referenceContextItem);
  return {
    history: { items: rebuilt.history, tokenInfo: rebuilt.tokenInfo, referenceContextItem: reference },
    initialMessages: rebuilt.initialMessages,
    lastModel: rebuilt.lastModel,
    threadName: lastThreadName(rebuilt.initialMessages),
    skippedLines,
  };
}

function lastThreadName(events: readonly EventMsg[]): string | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event?.type === 'thread_name_updated') return event.thread_name ?? null;
  }
  return null;
}


/** How to fork: before the n-th (0-based) user message, or everything (marking an unfinished turn interrupted). */
export type ForkSpec = { beforeUserMessage: number } | { interrupted: true };

/**
 * The items a fork starts with (the source's own `session_meta` lines removed).
 * @example
 * forkedItems(source, { beforeUserMessage: 1 });
 */
export function forkedItems(source: StoredRollout, spec: ForkSpec): StoredItem[] {
  const mode =
    'interrupted' in spec
      ? ({ kind: 'interrupted', markerText: TURN_ABORTED_MARKER_TEXT } as const)
      : ({ kind: 'truncate_before_nth_user_message', n: spec.beforeUserMessage } as const);
  return forkItems(source.items, mode, defaultHistoryOps).filter((item) => item.type !== 'session_meta');
}
