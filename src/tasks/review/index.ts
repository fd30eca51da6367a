/** Review mode (SPEC §4.4): a one-shot review delegate run as the parent's `review` task. */
export { reviewTask } from './task.js';
export { resolveReviewRequest, defaultReviewHint, ReviewRequestError, type ResolvedReview } from './request.js';
export { parseReviewOutput, renderReviewOutput, reviewUserAction, REVIEW_TEXT_LIMIT, REVIEW_FINDINGS_LIMIT } from './output.js';
export { REVIEW_INSTRUCTIONS } from './instructions.js';
