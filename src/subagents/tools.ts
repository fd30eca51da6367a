/**
 * The v1 collaboration tools the model calls (Codex `multi_agents` handlers, SPEC §11.2):
 * `spawn_agent`, `send_input`, `wait`, `close_agent`. Each announces itself with a
 * `collab_*_begin` event and reports with the matching `_end` event on the calling turn; a
 * call the model must correct answers with a plain message (as Codex's `RespondToModel`).
 */
import { defineTool, type ToolDefinition, type ToolCallContext } from '../tools/router.js';
import type { AgentStatus, EventMsg } from '../protocol/index.js';
import { CloseAgentArgs, CollabToolError, SendInputArgs, SpawnAgentArgs, WaitArgs, collabInput, inputPreview, waitTimeoutMs } from './args.js';
import type { SubAgentControl } from './control.js';

/** Codex's default `ReasoningEffortConfig`, reported when neither the call nor the thread sets one. */
const DEFAULT_EFFORT = 'medium';

/** Runs a tool body; a `CollabToolError` becomes the output the model reads. */
async function answer(body: () => Promise<string>): Promise<string> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof CollabToolError) return err.message;
    throw err;
  }
}

const emit = (ctx: ToolCallContext, msg: EventMsg) => ctx.turn.emit(msg);

function spawnAgentTool(control: SubAgentControl): ToolDefinition<SpawnAgentArgs> {
  return defineTool({
    name: 'spawn_agent',
    description:
      'Start a sub-agent that works on a task in parallel with you, in its own conversation, with the same tools. Returns its agent_id; use wait to collect its result and close_agent when it is no longer needed.',
    parameters: SpawnAgentArgs,
    execute: (args, ctx) =>
      answer(async () => {
        const items = collabInput(args.message, args.items);
        if (args.fork_context && (args.model !== undefined || args.reasoning_effort !== undefined)) {
          throw new CollabToolError('fork_context cannot be combined with model or reasoning_effort: a forked agent keeps your model and settings');
        }
        if (!control.canSpawn) throw new CollabToolError('Agent depth limit reached. Solve the task yourself.');
        const prompt = inputPreview(items);
        const sender = ctx.turn.threadId;
        emit(ctx, {
          type: 'collab_agent_spawn_begin',
          call_id: ctx.callId,
          started_at_ms: ctx.turn.now(),
          sender_thread_id: sender,
          prompt,
          model: args.model ?? '',
          reasoning_effort: args.reasoning_effort ?? DEFAULT_EFFORT,
        });
        const end = (newThreadId: string | null, status: AgentStatus) =>
          emit(ctx, {
            type: 'collab_agent_spawn_end',
            call_id: ctx.callId,
            completed_at_ms: ctx.turn.now(),
            sender_thread_id: sender,
            new_thread_id: newThreadId,
            prompt,
            model: args.model ?? ctx.turn.settings.model,
            reasoning_effort: args.reasoning_effort ?? ctx.turn.settings.effort ?? DEFAULT_EFFORT,
            status,
          });
        try {
          const agent = await control.spawn(items, {
            callId: ctx.callId,
            model: args.model ?? null,
            reasoningEffort: args.reasoning_effort ?? null,
            forkContext: args.fork_context ?? false,
          });
          end(agent.threadId, agent.thread.status());
          return JSON.stringify({ agent_id: agent.threadId });
        } catch (err) {
          end(null, 'not_found');
          throw err;
        }
      }),
  });
}

function sendInputTool(control: SubAgentControl): ToolDefinition<SendInputArgs> {
  return defineTool({
    name: 'send_input',
    description:
      'Send a message to a sub-agent you spawned. It is queued behind the agent\'s current work unless interrupt is true, which stops that work first.',
    parameters: SendInputArgs,
    execute: (args, ctx) =>
      answer(async () => {
        const items = collabInput(args.message, args.items);
        const prompt = inputPreview(items);
        const ids = { call_id: ctx.callId, sender_thread_id: ctx.turn.threadId, receiver_thread_id: args.id };
        emit(ctx, { type: 'collab_agent_interaction_begin', ...ids, started_at_ms: ctx.turn.now(), prompt });
        const end = () => emit(ctx, { type: 'collab_agent_interaction_end', ...ids, completed_at_ms: ctx.turn.now(), prompt, status: control.status(args.id) });
        const submissionId = await control.sendInput(args.id, items, args.interrupt ?? false).finally(end);
        return JSON.stringify({ submission_id: submissionId });
      }),
  });
}

function waitTool(control: SubAgentControl): ToolDefinition<WaitArgs> {
  return defineTool({
    name: 'wait',
    description:
      'Wait until one of the given sub-agents finishes (completed, errored or shut down), or until timeout_ms passes. Returns each finished agent\'s status and whether the wait timed out.',
    parameters: WaitArgs,
    execute: (args, ctx) =>
      answer(async () => {
        if (args.ids.length === 0) throw new CollabToolError('ids must be non-empty');
        const timeoutMs = waitTimeoutMs(args.timeout_ms);
        const sender = ctx.turn.threadId;
        emit(ctx, {
          type: 'collab_waiting_begin',
          started_at_ms: ctx.turn.now(),
          sender_thread_id: sender,
          receiver_thread_ids: args.ids,
          receiver_agents: args.ids.map((id) => ({ thread_id: id })),
          call_id: ctx.callId,
        });
        const result = await control.wait(args.ids, timeoutMs, ctx.signal);
        emit(ctx, {
          type: 'collab_waiting_end',
          sender_thread_id: sender,
          call_id: ctx.callId,
          completed_at_ms: ctx.turn.now(),
          agent_statuses: args.ids.flatMap((id) => (result.status[id] === undefined ? [] : [{ thread_id: id, status: result.status[id] }])),
          statuses: result.status,
        });
        return JSON.stringify(result);
      }),
  });
}

function closeAgentTool(control: SubAgentControl): ToolDefinition<CloseAgentArgs> {
  return defineTool({
    name: 'close_agent',
    description: 'Shut down a sub-agent you spawned (and any agents it spawned). Returns its status before the close.',
    parameters: CloseAgentArgs,
    execute: (args, ctx) =>
      answer(async () => {
        const ids = { call_id: ctx.callId, sender_thread_id: ctx.turn.threadId, receiver_thread_id: args.id };
        emit(ctx, { type: 'collab_close_begin', ...ids, started_at_ms: ctx.turn.now() });
        const before = control.status(args.id);
        try {
          await control.close(args.id);
        } finally {
          emit(ctx, { type: 'collab_close_end', ...ids, completed_at_ms: ctx.turn.now(), status: before });
        }
        return JSON.stringify({ status: before });
      }),
  });
}

/**
 * The collaboration tools of a thread. A thread whose children would pass `maxDepth` is
 * offered none; it still answers a `spawn_agent` call with the depth-limit message
 * (`hidden`: handled when called, never advertised).
 * @example
 * const tools = subAgentTools(control); // [spawn_agent, send_input, wait, close_agent]
 */
export function subAgentTools(control: SubAgentControl): ToolDefinition<unknown>[] {
  if (!control.canSpawn) return [{ ...(spawnAgentTool(control) as ToolDefinition<unknown>), hidden: true }];
  return [spawnAgentTool(control), sendInputTool(control), waitTool(control), closeAgentTool(control)] as ToolDefinition<unknown>[];
}
