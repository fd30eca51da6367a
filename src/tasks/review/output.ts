/**
 * The review child's final message as a `ReviewOutputEvent`, and the two messages a finished
 * (or interrupted) review leaves in the parent's history (SPEC §4.4 `exit_review_mode`).
 */
import { ReviewOutputEvent } from '../../protocol/index.js';

/**
 * Longest text field a review output keeps, in UTF-16 code units: the reviewer's message is
 * the child model's to choose, and the output lands in the parent's events, rollout and history.
 * @example
 * parseReviewOutput('x'.repeat(1e6)).overall_explanation.length <= REVIEW_TEXT_LIMIT; // true
 */
export const REVIEW_TEXT_LIMIT = 16_384;
/**
 * Most findings a review output keeps (the first ones, in the reviewer's order).
 * @example
 * parseReviewOutput(JSON.stringify({ findings: manyFindings })).findings.length <= REVIEW_FINDINGS_LIMIT; // true
 */
export const REVIEW_FINDINGS_LIMIT = 100;

/**
 * Parses the reviewer's last message: the whole text as JSON, else the text from its first
 * `{` to its last `}`, else the text itself as `overall_explanation` (Codex's order). Total and
 * bounded: any text gives an output, holding only the schema's fields, each text cut to
 * `REVIEW_TEXT_LIMIT` (ending `…`) and at most `REVIEW_FINDINGS_LIMIT` findings.
 * @example
 * parseReviewOutput('no issues').overall_explanation; // 'no issues'
 * parseReviewOutput('Here: {"findings":[],"overall_explanation":"ok"}').overall_explanation; // 'ok'
 */
export function parseReviewOutput(text: string): ReviewOutputEvent {
  return bounded(unbounded(text));
}

function unbounded(text: string): ReviewOutputEvent {
  const whole = fromJson(text);
  if (whole) return whole;
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start !== -1 && end > start) {
    const inner = fromJson(text.slice(start, end + 1));
    if (inner) return inner;
  }
  return { findings: [], overall_correctness: '', overall_explanation: text, overall_confidence_score: 0 };
}

const cut = (text: string): string => (text.length <= REVIEW_TEXT_LIMIT ? text : `${text.slice(0, REVIEW_TEXT_LIMIT - 1)}…`);

/** Only the schema's fields (the schema's objects are loose), texts and findings capped. */
function bounded(output: ReviewOutputEvent): ReviewOutputEvent {
  return {
    findings: output.findings.slice(0, REVIEW_FINDINGS_LIMIT).map((f) => ({
      title: cut(f.title),
      body: cut(f.body),
      confidence_score: f.confidence_score,
      priority: f.priority,
      code_location: {
        absolute_file_path: cut(f.code_location.absolute_file_path),
        line_range: { start: f.code_location.line_range.start, end: f.code_location.line_range.end },
      },
    })),
    overall_correctness: cut(output.overall_correctness),
    overall_explanation: cut(output.overall_explanation),
    overall_confidence_score: output.overall_confidence_score,
  };
}

function fromJson(text: string): ReviewOutputEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = ReviewOutputEvent.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * Review findings as plain text: a heading, then per finding `- title — path:start-end` and its
 * body indented.
 * @example
 * renderFindings([]); // ''
 */
export function renderFindings(findings: ReviewOutputEvent['findings']): string {
  if (findings.length === 0) return '';
  const lines = [findings.length === 1 ? 'Finding:' : `Findings (${findings.length}):`];
  for (const f of findings) {
    const { absolute_file_path: file, line_range: range } = f.code_location;
    lines.push('', `- ${f.title} — ${file}:${range.start}-${range.end}`, ...f.body.split('\n').map((line) => `  ${line}`));
  }
  return lines.join('\n');
}

/** What the assistant says when the reviewer produced nothing usable. */
export const EMPTY_REVIEW_TEXT = 'The reviewer finished without reporting anything.';

/** What the assistant says after an interrupted review. */
export const INTERRUPTED_REVIEW_TEXT = 'The review was interrupted before it finished. Start it again and let it complete to get its findings.';

/**
 * The review as the assistant's message in the parent thread: the explanation, then the findings.
 * @example
 * renderReviewOutput({ findings: [], overall_correctness: 'patch is correct', overall_explanation: 'Looks fine.', overall_confidence_score: 0.8 }); // 'Looks fine.'
 */
export function renderReviewOutput(output: ReviewOutputEvent): string {
  const parts = [output.overall_explanation.trim(), renderFindings(output.findings)].filter((p) => p !== '');
  return parts.length === 0 ? EMPTY_REVIEW_TEXT : parts.join('\n\n');
}

/**
 * The user-side record of a review in the parent's history (`<user_action>`), so the model
 * knows in later turns that a review ran and what it found (or that it was interrupted).
 * @example
 * reviewUserAction(null).startsWith('<user_action>'); // true
 */
export function reviewUserAction(output: ReviewOutputEvent | null): string {
  if (output === null) {
    return ['<user_action>', '  <context>The user started a code review; it was interrupted before it finished.</context>', '  <action>review</action>', '</user_action>'].join('\n');
  }
  return [
    '<user_action>',
    '  <context>The user ran a code review. The reviewer reported the results below; the user may ask you to address some of them.</context>',
    '  <action>review</action>',
    '  <results>',
    renderReviewOutput(output),
    '  </results>',
    '</user_action>',
  ].join('\n');
}
