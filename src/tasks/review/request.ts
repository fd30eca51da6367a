/**
 * Resolving a `review` op's request (SPEC §4.4): the prompt the review child gets and the hint
 * shown to the user. Git targets are checked with the `git` CLI in the thread's cwd.
 */
import { TurnstateError } from '../../errors.js';
import { runGit } from '../../git/index.js';
import type { ReviewRequest } from '../../protocol/index.js';
import { baseBranchPrompt, commitPrompt, uncommittedChangesPrompt } from './instructions.js';

/** A review request ready to run. */
export interface ResolvedReview {
  target: ReviewRequest['target'];
  /** The review child's first (and only) user input. */
  prompt: string;
  /** `user_facing_hint` of `entered_review_mode`: the request's own, else derived from the target. */
  userFacingHint: string;
}

/**
 * A review request that cannot run: an empty custom prompt, or a git target that does not
 * resolve (not a repository, unknown branch or commit).
 * @example
 * new ReviewRequestError('the review instructions are empty').code; // 'review_request_invalid'
 */
export class ReviewRequestError extends TurnstateError {
  constructor(message: string) {
    super('review_request_invalid', 'host', message);
  }
}

/**
 * The default hint for a target.
 * @example
 * defaultReviewHint({ type: 'commit', sha: '0123456789abcdef', title: 'Fix it' }); // 'commit 0123456: Fix it'
 */
export function defaultReviewHint(target: ReviewRequest['target']): string {
  switch (target.type) {
    case 'uncommittedChanges':
      return 'uncommitted changes';
    case 'baseBranch':
      return `changes against '${target.branch}'`;
    case 'commit':
      return `commit ${target.sha.slice(0, 7)}${target.title ? `: ${target.title}` : ''}`;
    case 'custom':
      return target.instructions.trim();
  }
}

/**
 * Resolves a request in `cwd`.
 * Rejects with `ReviewRequestError` when the custom prompt is empty or git cannot resolve the target.
 * @example
 * const { prompt } = await resolveReviewRequest({ target: { type: 'custom', instructions: 'Check the parser' } }, '/repo');
 */
export async function resolveReviewRequest(request: ReviewRequest, cwd: string): Promise<ResolvedReview> {
  const target = request.target;
  const userFacingHint = request.user_facing_hint ?? defaultReviewHint(target);
  return { target, userFacingHint, prompt: await promptFor(target, cwd) };
}

async function promptFor(target: ReviewRequest['target'], cwd: string): Promise<string> {
  switch (target.type) {
    case 'custom': {
      const prompt = target.instructions.trim();
      if (prompt === '') throw new ReviewRequestError('the review instructions are empty');
      return prompt;
    }
    case 'uncommittedChanges':
      await git(['rev-parse', '--is-inside-work-tree'], cwd, 'uncommitted changes can only be reviewed inside a git working tree');
      return uncommittedChangesPrompt();
    case 'baseBranch': {
      await git(['rev-parse', '--verify', '--quiet', `${target.branch}^{commit}`], cwd, `no branch '${target.branch}' in this repository`);
      // The branch's upstream when it has one (what a merge would go into), else the branch.
      const upstream = await git(['rev-parse', '--abbrev-ref', `${target.branch}@{upstream}`], cwd, '').catch(() => null);
      const base = upstream?.trim() || target.branch;
      const mergeBase = await git(['merge-base', 'HEAD', base], cwd, `HEAD and '${base}' have no common ancestor`);
      return baseBranchPrompt(target.branch, mergeBase.trim());
    }
    case 'commit': {
      const sha = await git(['rev-parse', '--verify', '--quiet', `${target.sha}^{commit}`], cwd, `no commit '${target.sha}' in this repository`);
      return commitPrompt(sha.trim(), target.title);
    }
  }
}

async function git(args: string[], cwd: string, failure: string): Promise<string> {
  try {
    return await runGit(args, { cwd });
  } catch (error) {
    throw new ReviewRequestError(`${failure}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
