/**
 * Review mode against a hostile reviewer and hostile targets: the output parser is total and
 * bounded (huge, deeply nested, wrongly typed, extra fields), and git targets shaped like
 * options never reach `git` as options.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REVIEW_FINDINGS_LIMIT, REVIEW_TEXT_LIMIT, parseReviewOutput } from '../../src/tasks/review/output.js';
import { ReviewRequestError, resolveReviewRequest } from '../../src/tasks/review/request.js';

const finding = (i: number, extra: Record<string, unknown> = {}) => ({
  title: `t${i}`,
  body: 'b',
  confidence_score: 0.5,
  priority: 1,
  code_location: { absolute_file_path: '/a.ts', line_range: { start: 1, end: 2 } },
  ...extra,
});

describe('parseReviewOutput on hostile reviewer output', () => {
  it('keeps at most the limits: a huge explanation and thousands of findings are cut', () => {
    const huge = parseReviewOutput(JSON.stringify({ findings: [], overall_correctness: 'c'.repeat(1e6), overall_explanation: 'x'.repeat(5e6), overall_confidence_score: 1 }));
    expect(huge.overall_explanation).toHaveLength(REVIEW_TEXT_LIMIT);
    expect(huge.overall_explanation.endsWith('…')).toBe(true);
    expect(huge.overall_correctness).toHaveLength(REVIEW_TEXT_LIMIT);
    const many = parseReviewOutput(JSON.stringify({ findings: Array.from({ length: 1_000 }, (_, i) => finding(i, { body: 'y'.repeat(20_000) })) }));
    expect(many.findings).toHaveLength(REVIEW_FINDINGS_LIMIT);
    expect(many.findings[0]!.body).toHaveLength(REVIEW_TEXT_LIMIT);
    expect(parseReviewOutput('z'.repeat(3e6)).overall_explanation).toHaveLength(REVIEW_TEXT_LIMIT);
  });

  it('drops fields the schema does not name, at every level', () => {
    const out = parseReviewOutput(JSON.stringify({ findings: [finding(1, { secret: 's'.repeat(1000) })], overall_explanation: 'ok', payload: 'p'.repeat(1e6) }));
    expect(Object.keys(out).sort()).toEqual(['findings', 'overall_confidence_score', 'overall_correctness', 'overall_explanation']);
    expect(Object.keys(out.findings[0]!).sort()).toEqual(['body', 'code_location', 'confidence_score', 'priority', 'title']);
  });

  it('is total: deep nesting, wrong types and non-objects give the text as the explanation', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(parseReviewOutput(deep).findings).toEqual([]);
    expect(parseReviewOutput(`{"findings":${deep}}`).overall_explanation.length).toBeLessThanOrEqual(REVIEW_TEXT_LIMIT);
    for (const text of ['{"findings":"no","overall_explanation":[]}', 'null', '42', '"s"', '{'.repeat(50_000), '{"overall_confidence_score":1e999}']) {
      const out = parseReviewOutput(text);
      expect(out.findings).toEqual([]);
      expect(out.overall_explanation).toBe(text.slice(0, REVIEW_TEXT_LIMIT - 1) + (text.length > REVIEW_TEXT_LIMIT ? '…' : text.slice(REVIEW_TEXT_LIMIT - 1)));
    }
  });
});

describe('git targets shaped like options', () => {
  it('are refused as targets git cannot resolve, and git writes nothing', async () => {
    const repo = mkdtempSync(path.join(tmpdir(), 'review-hostile-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q', '-b', 'main');
    git('commit', '-q', '--allow-empty', '-m', 'first');
    const out = path.join(repo, 'written-by-git');
    for (const target of [
      { type: 'baseBranch' as const, branch: `--output=${out}` },
      { type: 'baseBranch' as const, branch: '--all' },
      { type: 'commit' as const, sha: `--output=${out}` },
      { type: 'commit' as const, sha: '--git-dir' },
    ]) {
      await expect(resolveReviewRequest({ target }, repo)).rejects.toThrow(ReviewRequestError);
    }
    expect(existsSync(out)).toBe(false);
  });
});
