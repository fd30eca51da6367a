/**
 * Delegates: child threads driven from a parent turn (seed 004, SPEC §11.1), and review mode
 * built on them (SPEC §4.4).
 */
export { startDelegate, delegateLogic } from './delegate.js';
export { routeChildEvent, endsOneShot, type ChildEventRoute } from './forwarding.js';
export type { ChildThread, ChildThreadSpec, DelegateHandle, DelegateOptions, DelegateParent, OpenChildThread, TurnDelegateOptions } from './types.js';
export { reviewTask } from './review/task.js';
export { resolveReviewRequest, defaultReviewHint, ReviewRequestError, type ResolvedReview } from './review/request.js';
export { parseReviewOutput, renderReviewOutput, reviewUserAction } from './review/output.js';
export { REVIEW_INSTRUCTIONS } from './review/instructions.js';
