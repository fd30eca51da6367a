/**
 * The review task (SPEC §4.4, Codex `tasks/review.rs`): a turn of kind `review` that runs a
 * one-shot review delegate and brings its verdict back into the parent thread.
 *
 * - The child is a fresh thread (no parent history) with the review instructions as its base
 *   instructions, approval policy `never`, no developer or user instructions and no `AGENTS.md`.
 * - `entered_review_mode` is emitted once the task has started.
 * - Child events are re-emitted under the review turn with the review filter: agent messages
 *   are held back one step (so the last one, the raw JSON verdict, never shows), the
 *   `AgentMessage` item completion and message deltas are dropped; the child's `task_complete`
 *   ends the review (its last message parsed as `ReviewOutputEvent`), its `turn_aborted` or
 *   close ends it without output.
 * - Finished: the `<user_action>` user message is recorded, `exited_review_mode{review_output}`
 *   emitted, the rendered review recorded as an assistant message (with its item events), the
 *   rollout materialised; the turn completes with no last message. Interrupted: the same with
 *   no output, from the abort hook, so `exited_review_mode` comes before `turn_aborted`.
 */
import type { EngineContext, TaskContext } from '../../tools/turn-context.js';
import type { ReviewOutputEvent, ResponseItem } from '../../protocol/index.js';
import type { SessionTask } from '../session-task.js';
import { REVIEW_INSTRUCTIONS } from './instructions.js';
import { INTERRUPTED_REVIEW_TEXT, parseReviewOutput, renderReviewOutput, reviewUserAction } from './output.js';
import type { ResolvedReview } from './request.js';

/**
 * The engine's review task; its input is a resolved request.
 * @example
 * rt.startTurn({ turnId, kind: 'review', steerable: false, announcesStart: false }, reviewTask(), await resolveReviewRequest(request, cwd));
 */
export function reviewTask(): SessionTask<ResolvedReview> {
  return {
    kind: 'review',
    steerable: false,
    // Codex's review task announces no start of its own; the child's `task_started` is forwarded.
    announcesStart: false,
    async run(ctx, review, signal) {
      const turn = ctx as EngineContext;
      turn.emit({ type: 'entered_review_mode', target: review.target, user_facing_hint: review.userFacingHint });
      const { output, done } = await runReviewChild(turn, review, signal);
      // Cancelled: the abort hook exits review mode (before `turn_aborted`).
      if (signal.aborted || !turn.live) return null;
      await exitReviewMode(turn, output);
      // The turn ends once the child has shut down (the delegate bounds its drain to 500 ms).
      await done;
      return null;
    },
    abort: (ctx: TaskContext) => exitReviewMode(ctx as EngineContext, null),
  };
}

/**
 * Runs the one-shot review child; resolves with its parsed verdict (null: aborted, closed,
 * cancelled) and the delegate's end.
 */
function runReviewChild(turn: EngineContext, review: ResolvedReview, signal: AbortSignal): Promise<{ output: ReviewOutputEvent | null; done: Promise<unknown> }> {
  let done: Promise<unknown> = Promise.resolve();
  const output = new Promise<ReviewOutputEvent | null>((resolve) => {
    let held: HeldAgentMessage = null;
    const handle = turn.startDelegate({
      kind: 'review',
      child: {
        source: { subagent: 'review' },
        approvalPolicy: 'never',
        baseInstructions: REVIEW_INSTRUCTIONS,
        developerInstructions: null,
        userInstructions: null,
        projectDoc: false,
      },
      oneShot: { input: [{ type: 'text', text: review.prompt, text_elements: [] }] },
      onEvent: ({ msg }) => {
        switch (msg.type) {
          case 'agent_message':
            if (held) turn.emit(held);
            held = msg;
            return;
          case 'item_completed':
            if (msg.item.type === 'AgentMessage') return;
            break;
          case 'agent_message_delta':
          case 'agent_message_content_delta':
            return;
          case 'task_complete':
            resolve(msg.last_agent_message ? parseReviewOutput(msg.last_agent_message) : null);
            return;
          case 'turn_aborted':
            resolve(null);
            return;
        }
        turn.emit(msg);
      },
    });
    done = handle.done;
    void handle.done.then((out) => {
      if (out?.outcome === 'failed' && out.failure) {
        turn.emit({ type: 'error', message: `The review could not start: ${out.failure.message}`, codex_error_info: 'other' });
      }
      resolve(null);
    });
    const cancel = () => {
      handle.cancel();
      resolve(null);
    };
    if (signal.aborted) cancel();
    else signal.addEventListener('abort', cancel, { once: true });
  });
  return output.then((result) => ({ output: result, done }));
}

type HeldAgentMessage = Extract<Parameters<EngineContext['emit']>[0], { type: 'agent_message' }> | null;

/** Codex `exit_review_mode`: the two synthetic messages and `exited_review_mode` between them. */
async function exitReviewMode(turn: EngineContext, output: ReviewOutputEvent | null): Promise<void> {
  const user: ResponseItem = { type: 'message', role: 'user', content: [{ type: 'input_text', text: reviewUserAction(output) }] };
  turn.recordItems([user]);
  turn.announceRawItem(user);
  turn.emit({ type: 'exited_review_mode', review_output: output });
  const text = output ? renderReviewOutput(output) : INTERRUPTED_REVIEW_TEXT;
  const assistant: ResponseItem = { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] };
  const meta = { thread_id: turn.threadId, turn_id: turn.turnId };
  const item = { type: 'AgentMessage' as const, id: turn.newId(), content: [{ type: 'Text' as const, text }], phase: null };
  turn.emit({ type: 'item_started', ...meta, item });
  turn.recordItems([assistant]);
  turn.emit({ type: 'item_completed', ...meta, item });
  turn.announceRawItem(assistant);
  await turn.persist();
}
