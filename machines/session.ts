/**
 * The session data a thread owns, as typed fields of the thread machine's context (plain
 * JSON), and the named events that are the only way to change it.
 *
 * Invariant: nothing writes the session but these events. Each one says what happened
 * (`HISTORY.RECORD`, `MAILBOX.DELIVER`, `TOKENS.UPDATE`, ...), so a watcher in the inspector
 * reads the thread's story from its event log, and concurrent writers cannot overwrite each
 * other with stale copies.
 *
 * Why the types live here: the thread machine owns this state, so it declares its shape, as
 * `contracts.ts` declares the effects; every field is built from `src/protocol` types, the
 * only part of `src/` a machine may import. The runtime re-exports them
 * (`src/runtime/session-data.ts`). The history reducers themselves (`recordItems`,
 * `replaceHistory`, `updateTokenInfo`, ... in `src/history`) are not importable here, so the
 * machine names those actions and `src/runtime/session-actions.ts` provides their `assign`
 * bodies with `.provide({ actions })`; plain field updates are assigned by the machine itself.
 */
import type {
  AskForApproval,
  CollaborationMode,
  InterAgentCommunication,
  RateLimitSnapshot,
  ReasoningEffort,
  ReasoningSummary,
  ResponseInputItem,
  ResponseItem,
  SandboxPolicy,
  TokenUsage,
  TokenUsageInfo,
} from '../src/protocol/index.js';

/** Settings a turn runs with; `override_turn_context` and `user_turn` change them. */
export interface TurnSettings {
  model: string;
  cwd: string;
  approval_policy: AskForApproval;
  sandbox_policy: SandboxPolicy;
  effort: ReasoningEffort | null;
  summary: ReasoningSummary;
  collaboration_mode: CollaborationMode | null;
  personality: string | null;
  service_tier: string | null;
  base_instructions: string;
  developer_instructions: string | null;
  user_instructions: string | null;
}

/** Model-visible history and its token accounting (the shape of `src/history`'s `HistoryState`). */
export interface HistoryData {
  items: ResponseItem[];
  tokenInfo: TokenUsageInfo | null;
  /** The settings the initial context was last injected with (null: inject in full). */
  referenceContextItem: unknown | null;
}

/** The session fields of the thread machine's context. */
export interface SessionData {
  settings: TurnSettings;
  history: HistoryData;
  rateLimits: RateLimitSnapshot | null;
  /** Items queued for the next turn. */
  idlePendingInput: ResponseInputItem[];
  /** Inter-agent mail not yet delivered. */
  mailbox: InterAgentCommunication[];
  /** Whether mail may be delivered into the current turn (false after its final answer). */
  mailboxOpenForCurrentTurn: boolean;
  threadName: string | null;
  memoryMode: 'enabled' | 'disabled';
  serverReasoningIncluded: boolean;
  previousModel: string | null;
  /** Out-of-band elicitations in progress (the thread is paused while > 0). */
  outOfBandElicitations: number;
}

/**
 * The events that change the session. History events carry what src/history folds in;
 * `HISTORY.REPLACE` and `HISTORY.ROLLBACK` carry a whole history rebuilt by src/history
 * (compaction, undo, rollback), whose O(history) token estimate runs before the event, not
 * inside a transition.
 */
export type SessionEvent =
  | { type: 'HISTORY.RECORD'; items: ResponseItem[] }
  | { type: 'HISTORY.REPLACE'; history: HistoryData }
  | { type: 'HISTORY.ROLLBACK'; history: HistoryData; previousModel: string | null }
  | { type: 'HISTORY.SET_REFERENCE_CONTEXT'; item: unknown }
  | { type: 'TOKENS.UPDATE'; usage: TokenUsage; contextWindow: number | null }
  | { type: 'TOKENS.FILL_WINDOW'; contextWindow: number }
  | { type: 'RATE_LIMITS.UPDATE'; rateLimits: RateLimitSnapshot }
  | { type: 'SERVER_REASONING.SET'; included: boolean }
  | { type: 'SETTINGS.UPDATE'; settings: TurnSettings }
  | { type: 'MAILBOX.DELIVER'; communication: InterAgentCommunication }
  | { type: 'MAILBOX.TAKE'; count: number }
  | { type: 'MAILBOX.OPEN' }
  | { type: 'MAILBOX.CLOSE' }
  | { type: 'IDLE_INPUT.QUEUE'; items: ResponseInputItem[] }
  | { type: 'IDLE_INPUT.TAKE'; count: number }
  | { type: 'THREAD_NAME.SET'; name: string }
  | { type: 'MEMORY_MODE.SET'; mode: 'enabled' | 'disabled' }
  | { type: 'ELICITATION.BEGIN' }
  | { type: 'ELICITATION.END' };

/** What the thread announces (`actor.on(...)`): the items history kept, for the rollout. */
export type SessionEmitted = { type: 'history.recorded'; items: ResponseItem[] };

/**
 * Whether an event would leave the session as it is (a setter to the current value), so a
 * sender can skip a transition that changes nothing.
 * @example
 * changesNothing(initialSessionData(settings), { type: 'MAILBOX.OPEN' }); // true
 */
export function changesNothing(session: SessionData, event: SessionEvent): boolean {
  switch (event.type) {
    case 'MAILBOX.OPEN':
      return session.mailboxOpenForCurrentTurn;
    case 'MAILBOX.CLOSE':
      return !session.mailboxOpenForCurrentTurn;
    case 'SERVER_REASONING.SET':
      return session.serverReasoningIncluded === event.included;
    case 'THREAD_NAME.SET':
      return session.threadName === event.name;
    case 'MEMORY_MODE.SET':
      return session.memoryMode === event.mode;
    case 'HISTORY.RECORD':
    case 'IDLE_INPUT.QUEUE':
      return event.items.length === 0;
    case 'MAILBOX.TAKE':
    case 'IDLE_INPUT.TAKE':
      return event.count === 0;
    default:
      return false;
  }
}

/**
 * Fresh session data for a new thread.
 * @example
 * initialSessionData(settings).history.items.length; // 0
 */
export function initialSessionData(settings: TurnSettings): SessionData {
  return {
    settings,
    history: { items: [], tokenInfo: null, referenceContextItem: null },
    rateLimits: null,
    idlePendingInput: [],
    mailbox: [],
    mailboxOpenForCurrentTurn: true,
    threadName: null,
    memoryMode: 'enabled',
    serverReasoningIncluded: false,
    previousModel: null,
    outOfBandElicitations: 0,
  };
}
