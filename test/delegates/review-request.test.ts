/** Review request resolution over a real git repository, and the review output parser. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReviewRequestError, parseReviewOutput, renderReviewOutput, resolveReviewRequest } from '../../src/tasks/review/index.js';

let repo: string;
let outside: string;
let firstSha: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } }).trim();

beforeAll(async () => {
  repo = await mkdtemp(path.join(tmpdir(), 'turnstate-review-'));
  outside = await mkdtemp(path.join(tmpdir(), 'turnstate-review-out-'));
  git('init', '-q', '-b', 'main');
  await writeFile(path.join(repo, 'a.txt'), 'one\n');
  git('add', '.');
  git('commit', '-q', '-m', 'first');
  firstSha = git('rev-parse', 'HEAD');
  git('checkout', '-q', '-b', 'feature');
  await writeFile(path.join(repo, 'a.txt'), 'two\n');
  git('commit', '-q', '-am', 'second');
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('resolveReviewRequest', () => {
  it('baseBranch: the prompt names the merge base git found; the hint names the branch', async () => {
    const resolved = await resolveReviewRequest({ target: { type: 'baseBranch', branch: 'main' } }, repo);
    expect(resolved.prompt).toContain(`git diff ${firstSha}`);
    expect(resolved.userFacingHint).toBe("changes against 'main'");
  });

  it('commit: a short sha resolves to the full one; the host hint wins over the default', async () => {
    const resolved = await resolveReviewRequest({ target: { type: 'commit', sha: firstSha.slice(0, 8), title: 'first' }, user_facing_hint: 'the first commit' }, repo);
    expect(resolved.prompt).toContain(`commit ${firstSha} ("first")`);
    expect(resolved.userFacingHint).toBe('the first commit');
  });

  it('uncommitted changes inside a repository resolve; git failures and empty prompts are ReviewRequestError', async () => {
    await expect(resolveReviewRequest({ target: { type: 'uncommittedChanges' } }, repo)).resolves.toMatchObject({ userFacingHint: 'uncommitted changes' });
    await expect(resolveReviewRequest({ target: { type: 'uncommittedChanges' } }, outside)).rejects.toBeInstanceOf(ReviewRequestError);
    await expect(resolveReviewRequest({ target: { type: 'baseBranch', branch: 'nope' } }, repo)).rejects.toThrow(/no branch 'nope'/);
    await expect(resolveReviewRequest({ target: { type: 'commit', sha: 'deadbeef' } }, repo)).rejects.toThrow(/no commit 'deadbeef'/);
    await expect(resolveReviewRequest({ target: { type: 'custom', instructions: '  ' } }, repo)).rejects.toMatchObject({ code: 'review_request_invalid' });
  });
});

describe('parseReviewOutput', () => {
  const verdict = { findings: [], overall_correctness: 'patch is correct', overall_explanation: 'Fine.', overall_confidence_score: 0.7 };
  it('reads JSON, else the first {…} inside the text, else the text as the explanation', () => {
    expect(parseReviewOutput(JSON.stringify(verdict))).toEqual(verdict);
    expect(parseReviewOutput(`Here is my verdict:\n${JSON.stringify(verdict)}\nThanks`)).toEqual(verdict);
    expect(parseReviewOutput('No problems found.')).toEqual({ findings: [], overall_correctness: '', overall_explanation: 'No problems found.', overall_confidence_score: 0 });
    expect(renderReviewOutput(parseReviewOutput('{"findings": []}'))).toBe('The reviewer finished without reporting anything.');
  });
});
