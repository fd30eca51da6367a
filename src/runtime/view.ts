/**
 * The read model: an `@xstate/store` folded from the event stream with immer, so a UI can
 * subscribe to slices (status, transcript, streaming text, usage, approvals, goal) instead
 * of re-deriving state from raw events.
 */
import { createStore } from '@xstate/store';
import { produce } from '../history/immer.js';
import { appendToLog, logPrefix, prefixArray, type LogPrefix } from '../history/append-log.js';
import {
  agentStatusFromEvent,
  type AgentStatus,
  type Event,
  type ThreadGoal,
  type TokenUsageInfo,
} from '../protocol/index.js';

/** One line of the transcript a UI shows. */
export interface TranscriptEntry {
  turnId: string;
  role: 'user' | 'assistant' | 'reasoning' | 'tool' | 'notice';
  text: string;
}

/** An approval the user has been asked for and not yet answered. */
export interface PendingApprovalView {
  kind: 'exec' | 'patch';
  id: string;
  turnId: string;
  summary: string;
}

export interface ThreadView {
  threadId: string;
  status: AgentStatus;
  activeTurnId: string | null;
  transcript: TranscriptEntry[];
  /** Assistant text streamed so far in the current message. */
  streamingText: string;
  tokenUsage: TokenUsageInfo | null;
  pendingApprovals: PendingApprovalView[];
  goal: ThreadGoal | null;
  lastError: string | null;
}

/**
 * Creates the read model for a thread.
 * @example
 * const view = createViewStore('t1');
 * view.select((v) => v.status).subscribe((s) => console.log(s));
 */
export function createViewStore(threadId: string) {
  const initial: ThreadView = {
    threadId,
    status: 'pending_init',
    activeTurnId: null,
    transcript: [],
    streamingText: '',
    tokenUsage: null,
    pendingApprovals: [],
    goal: null,
    lastError: null,
  };
  return createStore({
    context: initial,
    on: {
      event: (ctx, { event }: { event: Event }) => {
        const { fields, lines } = partsOf(ctx);
        const next = produce(fields, (draft) => foldEvent(draft, event));
        const line = transcriptLine(event);
        if (next === fields && line === null) return ctx;
        return withTranscript(next, line === null ? lines : appendToLog(lines, [line]));
      },
      /** An approval was answered (its request stays in the event stream; no event says so). */
      approvalSettled: (ctx, { id }: { id: string }) => ({ ...ctx, pendingApprovals: ctx.pendingApprovals.filter((a) => a.id !== id) }),
      /** Appends streamed assistant text (coalesced by `ViewFeeder`). */
      stream: (ctx, { text }: { text: string }) => {
        const { fields, lines } = partsOf(ctx);
        return withTranscript({ ...fields, streamingText: fields.streamingText + text }, lines);
      },
    },
  });
}

export type ViewStore = ReturnType<typeof createViewStore>;

/** Everything of a view but its transcript. */
type ViewFields = Omit<ThreadView, 'transcript'>;

/**
 * Each view made by `withTranscript` → its fields and its transcript lines (a log prefix).
 * A transcript line is appended in O(1) and the view's `transcript` is an enumerable getter
 * that builds the array on first read, then returns that same array: a view without a new
 * line shares its predecessor's array (subscribers compare by identity), and no array once
 * read ever changes. Nothing is copied per line unless someone reads the transcript.
 */
const parts = new WeakMap<ThreadView, { fields: ViewFields; lines: LogPrefix<TranscriptEntry> }>();

function partsOf(view: ThreadView): { fields: ViewFields; lines: LogPrefix<TranscriptEntry> } {
  const known = parts.get(view);
  if (known) return known;
  const { transcript, ...fields } = view;
  return { fields, lines: logPrefix(transcript) };
}

function withTranscript(fields: ViewFields, lines: LogPrefix<TranscriptEntry>): ThreadView {
  const view: ThreadView = {
    ...fields,
    get transcript() {
      return prefixArray(lines);
    },
  };
  parts.set(view, { fields, lines });
  return view;
}

/**
 * Feeds delivered events to the view store. Events the view ignores never reach the store,
 * and streamed text is coalesced per macrotask (one store update for a burst of deltas);
 * pending text is always applied before the next folded event, so the view stays ordered.
 */
export class ViewFeeder {
  private pending = '';
  private scheduled = false;

  constructor(private readonly store: ViewStore) {}

  push(event: Event): void {
    if (event.msg.type === 'agent_message_delta') {
      this.pending += event.msg.delta;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
      return;
    }
    if (!FOLDED.has(event.msg.type)) return;
    this.flush();
    this.store.trigger.event({ event });
  }

  /** An approval was answered: drops it from `pendingApprovals` (after any streamed text). */
  settleApproval(approvalId: string): void {
    this.flush();
    this.store.trigger.approvalSettled({ id: approvalId });
  }

  /** Applies streamed text not yet in the store. */
  flush(): void {
    this.scheduled = false;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.store.trigger.stream({ text });
  }
}

/** Event types that change the view (besides streamed text). */
const FOLDED = new Set<string>([
  'task_started',
  'task_complete',
  'turn_aborted',
  'user_message',
  'agent_message',
  'agent_reasoning',
  'exec_command_end',
  'patch_apply_end',
  'exec_approval_request',
  'apply_patch_approval_request',
  'token_count',
  'thread_goal_updated',
  'error',
  'warning',
  'shutdown_complete',
]);

/** The transcript line an event adds, if any. */
function transcriptLine({ id, msg }: Event): TranscriptEntry | null {
  switch (msg.type) {
    case 'user_message':
      return { turnId: id, role: 'user', text: msg.message };
    case 'agent_message':
      return { turnId: id, role: 'assistant', text: msg.message };
    case 'agent_reasoning':
      return { turnId: id, role: 'reasoning', text: msg.text };
    case 'exec_command_end':
      return { turnId: id, role: 'tool', text: `$ ${msg.command.join(' ')} (exit ${msg.exit_code})` };
    case 'warning':
      return { turnId: id, role: 'notice', text: msg.message };
    default:
      return null;
  }
}

/** Everything an event changes in the view except its transcript line (`transcriptLine`). */
function foldEvent(v: ViewFields, { id, msg }: Event): void {
  const status = agentStatusFromEvent(msg);
  if (status !== null) v.status = status;
  switch (msg.type) {
    case 'task_started':
      v.activeTurnId = msg.turn_id;
      v.streamingText = '';
      break;
    case 'task_complete':
    case 'turn_aborted':
      v.activeTurnId = null;
      v.streamingText = '';
      v.pendingApprovals = v.pendingApprovals.filter((a) => a.turnId !== id);
      break;
    case 'agent_message':
      v.streamingText = '';
      break;
    case 'exec_command_end':
      v.pendingApprovals = v.pendingApprovals.filter((a) => a.id !== msg.call_id);
      break;
    case 'patch_apply_end':
      v.pendingApprovals = v.pendingApprovals.filter((a) => a.id !== msg.call_id);
      break;
    case 'exec_approval_request':
      v.pendingApprovals.push({ kind: 'exec', id: msg.approval_id ?? msg.call_id, turnId: id, summary: msg.command.join(' ') });
      break;
    case 'apply_patch_approval_request':
      v.pendingApprovals.push({ kind: 'patch', id: msg.call_id, turnId: id, summary: Object.keys(msg.changes).join(', ') });
      break;
    case 'token_count':
      if (msg.info) v.tokenUsage = msg.info;
      break;
    case 'thread_goal_updated':
      v.goal = msg.goal;
      break;
    case 'error':
      v.lastError = msg.message;
      break;
    default:
      break;
  }
}
