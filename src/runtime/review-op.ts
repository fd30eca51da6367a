/**
 * The `review` op (SPEC §4.4): the request is resolved first (a failure is an `error` event and
 * starts nothing), then a `review` turn replaces any active turn.
 */
import { resolveReviewRequest, type ResolvedReview } from '../tasks/review/request.js';
import type { ReviewRequest } from '../protocol/index.js';
import type { SessionTask } from '../tasks/session-task.js';
import type { ThreadRuntime } from './thread-runtime.js';

/**
 * Handles `{ type: 'review', review_request }` submitted with id `id`.
 * @example
 * await startReview(rt, reviewTask(), subId, { target: { type: 'custom', instructions: 'Check the parser' } });
 */
export async function startReview(rt: ThreadRuntime, task: SessionTask<ResolvedReview> | null, id: string, request: ReviewRequest): Promise<void> {
  if (!task) {
    rt.emit(id, { type: 'error', message: 'review mode needs a model: create the thread with a model client', codex_error_info: 'bad_request' });
    return;
  }
  let review: ResolvedReview;
  try {
    review = await resolveReviewRequest(request, rt.session().settings.cwd);
  } catch (error) {
    rt.emit(id, { type: 'error', message: error instanceof Error ? error.message : String(error), codex_error_info: 'other' });
    return;
  }
  rt.startTurn({ turnId: id, kind: 'review', steerable: false, announcesStart: false }, task as SessionTask<unknown>, review);
}
