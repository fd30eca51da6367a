/**
 * The submission loop's op dispatch. Each op is handled to completion (including any turn
 * it aborts) before the next one is taken, as in Codex's single submission loop.
 */
import path from 'node:path';
import { userInputToMessage } from '../history/index.js';
import type { AgentStatus, CodexErrorInfo, Op, ResponseInputItem, ResponseItem, Submission, UserInput } from '../protocol/index.js';
import type { SessionTask } from '../tasks/session-task.js';
import { undoTask } from '../tasks/undo.js';
import type { UserShellRunner } from '../tasks/user-shell.js';
import type { TurnSettings } from '../history/session-data.js';
import type { MessageHistory, ThreadStore } from '../persistence/index.js';
import { rollbackThread } from './rollback.js';
import { parseMcpServersTable, resolveMcpServer } from '../mcp/config.js';
import type { ThreadRuntime } from './thread-runtime.js';
import type { ResolvedReview } from '../tasks/review/request.js';
import { startReview } from './review-op.js';

/** Builds the engine's own tasks; the model-backed ones need a model client. */
export interface TaskFactory {
  regular(): SessionTask<UserInput[]> | null;
  compact(): SessionTask<null> | null;
  userShell(): UserShellRunner | null;
  /** The review task (SPEC §4.4); absent or null: review mode needs a model. */
  review?(): SessionTask<ResolvedReview> | null;
}

type UserOp = Extract<Op, { type: 'user_input' | 'user_input_with_turn_context' | 'user_turn' }>;

/** Stores a thread's ops read and write besides its own rollout. */
export interface ThreadServices {
  store: ThreadStore;
  history: MessageHistory;
  /** The thread's spawned agents: interrupted and shut down with it (SPEC §11.2). */
  subAgents?: ChildAgents | null;
}

/** What an interrupt or shutdown of a thread does to the agents it spawned. */
export interface ChildAgents {
  readonly hasChildren: boolean;
  /** The live children of this thread. */
  list(): Array<{ threadId: string; depth: number; status: AgentStatus }>;
  /** Interrupts and shuts down every live child (and, through them, their descendants). */
  interruptAll(): Promise<void>;
  /** The same, for a thread shutting down: children notify it no more. */
  shutdownAll(): Promise<void>;
  /** Calls `listener` with each agent spawned from now on, before its first input; returns the unsubscribe. */
  onSpawned(listener: (agent: { threadId: string; depth: number; thread: unknown }) => void): () => void;
}

export class OpHandlers {
  constructor(
    private readonly rt: ThreadRuntime,
    private readonly tasks: TaskFactory,
    private readonly services: ThreadServices,
  ) {}

  private error(id: string, message: string, info: CodexErrorInfo): void {
    this.rt.emit(id, { type: 'error', message, codex_error_info: info });
  }

  private notBuilt(id: string, feature: string): void {
    this.error(id, `${feature} is not implemented in turnstate yet`, 'other');
  }

  /** Handles one submission; resolves when its effects (and any abort it caused) are done. */
  async handle(sub: Submission, opts: { signal?: AbortSignal } = {}): Promise<void> {
    const { id, op } = sub;
    const rt = this.rt;
    switch (op.type) {
      case 'user_input':
      case 'user_input_with_turn_context':
      case 'user_turn':
        await this.userInput(id, op, opts.signal);
        break;
      case 'interrupt':
        // Idle: an interrupt cancels MCP servers still starting (Codex `interrupt_task`).
        if (rt.activeTurn() === null) rt.mcp.cancelStartup();
        rt.actor.send({ type: 'INTERRUPT' });
        if (this.services.subAgents?.hasChildren) {
          await rt.waitSettled();
          await this.services.subAgents.interruptAll();
        }
        break;
      case 'shutdown':
        if (this.services.subAgents?.hasChildren) {
          // The turn stops first (a `wait` must not see its agents go), then the children.
          if (rt.activeTurn() !== null) rt.actor.send({ type: 'INTERRUPT' });
          await rt.waitSettled();
          await this.services.subAgents.shutdownAll();
        } else {
          // No child yet: still mark the thread closing, so a spawn that starts later creates none.
          await this.services.subAgents?.shutdownAll();
        }
        rt.actor.send({ type: 'SHUTDOWN', submissionId: id });
        break;
      case 'exec_approval':
      case 'patch_approval':
        if (rt.activeTurn() === null && op.decision !== 'abort') {
          rt.logger.warn('ignoring an approval decision: no turn is active', { approvalId: op.id });
        }
        rt.actor.send({ type: 'APPROVAL.DECIDE', approvalId: op.id, decision: op.decision });
        break;
      case 'override_turn_context': {
        const { type: _type, ...overrides } = op;
        const invalid = this.applySettings(overrides);
        if (invalid) this.error(id, invalid, 'bad_request');
        break;
      }
      case 'set_thread_name': {
        const name = op.name.trim();
        if (name === '') {
          this.error(id, 'Thread name cannot be empty.', 'bad_request');
          break;
        }
        rt.updateSession({ type: 'THREAD_NAME.SET', name });
        await rt.persistRollout();
        rt.emit(id, { type: 'thread_name_updated', thread_id: rt.threadId, thread_name: name });
        break;
      }
      case 'set_thread_memory_mode':
        rt.updateSession({ type: 'MEMORY_MODE.SET', mode: op.mode });
        break;
      case 'inter_agent_communication':
        this.mail(id, op.communication);
        break;
      case 'undo':
        rt.startTurn(undoSpec(id), undoTask, null);
        break;
      case 'compact': {
        const task = this.tasks.compact();
        if (task) rt.startTurn({ turnId: id, kind: 'compact', steerable: false, announcesStart: true }, task, null);
        else this.error(id, 'compaction needs a model: create the thread with a model client', 'bad_request');
        break;
      }
      case 'thread_rollback':
        await this.rollback(id, op.num_turns);
        break;
      case 'list_mcp_tools':
        rt.emit(id, await rt.mcp.snapshot());
        break;
      case 'list_skills':
        rt.emit(id, { type: 'list_skills_response', skills: [] });
        break;
      case 'list_models':
        rt.emit(id, { type: 'list_models_response', models: [{ slug: rt.session().settings.model }] });
        break;
      case 'refresh_mcp_servers':
        this.refreshMcp(id, op.config);
        break;
      case 'reload_user_config':
      case 'clean_background_terminals':
        // Nothing to reload or kill: turnstate keeps no user config layer or background terminals.
        break;
      case 'drop_memories':
      case 'update_memories':
        rt.emit(id, { type: 'warning', message: 'Memories are not supported by turnstate; nothing was changed.' });
        break;
      case 'resolve_elicitation': {
        const response = {
          action: op.decision,
          ...(op.content !== undefined ? { content: op.content as Record<string, string> } : {}),
          ...(op.meta !== undefined ? { _meta: op.meta as Record<string, unknown> } : {}),
        };
        if (!rt.mcp.resolveElicitation(op.server_name, op.request_id, response)) {
          rt.logger.warn('ignoring resolve_elicitation: no such elicitation is pending', { server: op.server_name, id: op.request_id });
        }
        break;
      }
      case 'user_input_answer':
      case 'request_permissions_response':
      case 'dynamic_tool_response':
        rt.logger.warn(`ignoring ${op.type}: no such request is pending`, { id: op.id });
        break;
      case 'review':
        await startReview(rt, this.tasks.review?.() ?? null, id, op.review_request);
        break;
      case 'run_user_shell_command':
        this.userShell(id, op.command);
        break;
      case 'add_to_history':
        await this.services.history.append(rt.threadId, op.text).catch((err: unknown) =>
          rt.emit(id, { type: 'warning', message: `Failed to append to the message history: ${(err as Error).message}` }),
        );
        break;
      case 'get_history_entry_request': {
        const entry = await this.services.history.lookup(op.log_id, op.offset).catch(() => null);
        rt.emit(id, {
          type: 'get_history_entry_response',
          offset: op.offset,
          log_id: op.log_id,
          entry: entry ? { conversation_id: entry.session_id, ts: entry.ts, text: entry.text } : null,
        });
        break;
      }
      case 'approve_guardian_denied_action':
        this.notBuilt(id, 'Guardian review');
        break;
      default:
        this.notBuilt(id, `The ${op.type} op`);
        break;
    }
    await rt.waitSettled();
  }

  private async userInput(id: string, op: UserOp, signal?: AbortSignal): Promise<void> {
    const rt = this.rt;
    // The emptiness check runs first: no turn is started and no settings change.
    if (op.items.length === 0) {
      this.error(id, 'input must not be empty', 'bad_request');
      return;
    }
    if (op.type !== 'user_input') {
      const { type: _t, items: _i, environments: _e, final_output_json_schema: _f, responsesapi_client_metadata: _r, ...overrides } = op;
      const invalid = this.applySettings(overrides);
      if (invalid) {
        this.error(id, invalid, 'bad_request');
        return;
      }
    }
    const active = rt.activeTurn();
    const snapshot = active ? rt.turnRef(active.turnId)?.getSnapshot() : undefined;
    if (active && snapshot?.hasTag('steerable') && active.steerable) {
      rt.actor.send({ type: 'STEER', items: [userMessageInput(op.items)] });
      rt.updateSession({ type: 'MAILBOX.OPEN' });
      return;
    }
    if (active && snapshot?.hasTag('steerable')) {
      const kind = active.kind === 'review' ? 'review' : active.kind === 'compact' ? 'compact' : null;
      this.error(
        id,
        `cannot steer a ${active.kind} turn`,
        kind ? { active_turn_not_steerable: { turn_kind: kind } } : 'bad_request',
      );
      return;
    }
    const regular = this.tasks.regular();
    if (!regular) {
      this.error(id, 'no model is configured: create the thread with a model client to run user turns', 'bad_request');
      return;
    }
    // A requested MCP refresh takes effect when the next turn starts.
    await rt.mcp.applyPendingRefresh();
    const schema = op.final_output_json_schema ?? null;
    if (schema !== null && (typeof schema !== 'object' || Array.isArray(schema))) {
      this.error(id, 'final_output_json_schema must be a JSON Schema object', 'bad_request');
      return;
    }
    const outputSchema = schema as Record<string, unknown> | null;
    const started = rt.startTurn({ turnId: id, kind: 'regular', steerable: true, announcesStart: true }, regular, op.items, { outputSchema });
    // A run whose signal was aborted before the turn began: the turn starts, then is interrupted at once.
    if (started && signal?.aborted && rt.activeTurn()?.turnId === id) rt.actor.send({ type: 'INTERRUPT' });
  }

  /** Applies persistent setting overrides; returns an error message when one is invalid. */
  private applySettings(overrides: Partial<Record<keyof TurnSettings, unknown>> & Record<string, unknown>): string | null {
    const current = this.rt.session().settings;
    const next: TurnSettings = { ...current };
    for (const [key, value] of Object.entries(overrides)) {
      if (value === undefined || !(key in current)) continue;
      (next as unknown as Record<string, unknown>)[key] = value;
    }
    if (!path.isAbsolute(next.cwd)) return `cwd must be an absolute path: ${next.cwd}`;
    this.rt.updateSession({ type: 'SETTINGS.UPDATE', settings: next });
    return null;
  }

  /** `refresh_mcp_servers{config: {mcp_servers}}`: parsed now, applied when the next turn starts. */
  private refreshMcp(id: string, config: unknown): void {
    try {
      const tables = parseMcpServersTable((config as { mcp_servers?: unknown } | null)?.mcp_servers ?? {}, 'refresh_mcp_servers.config.mcp_servers');
      this.rt.mcp.requestRefresh(Object.entries(tables).map(([name, c]) => resolveMcpServer(name, c)));
    } catch (err) {
      this.error(id, err instanceof Error ? err.message : String(err), 'bad_request');
    }
  }

  private userShell(id: string, command: string): void {
    const runner = this.tasks.userShell();
    if (!runner) return this.notBuilt(id, 'Running user shell commands');
    const active = this.rt.activeTurn();
    const ctx = active ? this.rt.turns.get(active.turnId)?.ctx : null;
    if (ctx?.live) {
      runner.auxiliary(command, ctx, (item) => {
        this.rt.recordItems([item]);
        this.rt.emit(id, { type: 'raw_response_item', item });
      });
    }
    else this.rt.startTurn({ turnId: id, kind: 'user_shell', steerable: false, announcesStart: true }, runner.task(command), null);
  }

  private mail(id: string, communication: Extract<Op, { type: 'inter_agent_communication' }>['communication']): void {
    const rt = this.rt;
    rt.updateSession({ type: 'MAILBOX.DELIVER', communication });
    if (!communication.trigger_turn || rt.activeTurn() !== null) return;
    const regular = this.tasks.regular();
    if (regular) rt.startTurn({ turnId: id, kind: 'regular', steerable: true, announcesStart: true }, regular, [], { ifIdle: true });
  }

  private async rollback(id: string, numTurns: number): Promise<void> {
    const rt = this.rt;
    if (numTurns === 0) return this.error(id, 'num_turns must be >= 1', 'thread_rollback_failed');
    if (rt.activeTurn() !== null) return this.error(id, 'Cannot rollback while a turn is in progress.', 'thread_rollback_failed');
    if (!rt.recorder.durable) return this.error(id, 'thread rollback requires persisted thread history', 'thread_rollback_failed');
    await rollbackThread(rt, this.services.store, id, numTurns);
  }
}

const undoSpec = (turnId: string) => ({ turnId, kind: 'undo', steerable: false, announcesStart: false });

/**
 * The pending-input form of user input: the same user message a new turn would record.
 * @example
 * userMessageInput([{ type: 'text', text: 'more', text_elements: [] }]);
 */
export function userMessageInput(items: UserInput[]): ResponseInputItem {
  const message = userInputToMessage(items) as Extract<ResponseItem, { type: 'message' }>;
  return { type: 'message', role: 'user', content: message.content };
}
