/**
 * The session data a thread owns (held in the thread actor's context, plain JSON): turn
 * settings, model-visible history, token usage, queued input and mail.
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
  TokenUsageInfo,
} from '../protocol/index.js';

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

/** Model-visible history and its token accounting. */
export interface HistoryData {
  items: ResponseItem[];
  tokenInfo: TokenUsageInfo | null;
  /** The settings the initial context was last injected with (null: inject in full). */
  referenceContextItem: unknown | null;
}

export interface SessionData extends Record<string, unknown> {
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
