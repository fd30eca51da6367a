/**
 * What the model sees of a command: exit code, wall time and the aggregated output, cut to
 * a budget by keeping its beginning and end (errors usually show up at the end, the command
 * being run at the beginning).
 */
import type { ExecResult } from './run.js';

/**
 * Model-visible output budget in bytes.
 * @example
 * truncateMiddle(text, { maxBytes: MODEL_OUTPUT_MAX_BYTES });
 */
export const MODEL_OUTPUT_MAX_BYTES = 10_000;
/**
 * Model-visible output budget in lines.
 * @example
 * truncateMiddle(text, { maxLines: MODEL_OUTPUT_MAX_LINES });
 */
export const MODEL_OUTPUT_MAX_LINES = 256;

/** Budgets for `truncateMiddle`/`formatExecOutputForModel`. */
export interface OutputBudget {
  maxBytes?: number;
  maxLines?: number;
}

/** The longest prefix of `text` within `maxBytes` that does not split a UTF-8 sequence. */
function headBytes(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && ((buf[end] as number) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

/** The longest suffix of `text` within `maxBytes` that does not split a UTF-8 sequence. */
function tailBytes(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  let start = buf.length - maxBytes;
  while (start < buf.length && ((buf[start] as number) & 0xc0) === 0x80) start++;
  return buf.subarray(start).toString('utf8');
}

/**
 * Keeps the first and last parts of `text` within the byte and line budgets (half of each
 * budget for each end), with a marker saying how much was left out; unchanged when it fits.
 * @example
 * truncateMiddle('1\n2\n3\n4\n5', { maxLines: 2 }); // '1\n[... omitted 3 of 5 lines ...]\n5'
 */
export function truncateMiddle(text: string, budget: OutputBudget = {}): string {
  const maxBytes = budget.maxBytes ?? MODEL_OUTPUT_MAX_BYTES;
  const maxLines = budget.maxLines ?? MODEL_OUTPUT_MAX_LINES;
  const lines = text.split('\n');
  const bytes = Buffer.byteLength(text, 'utf8');
  if (lines.length <= maxLines && bytes <= maxBytes) return text;
  const headCount = Math.ceil(maxLines / 2);
  const tailCount = Math.floor(maxLines / 2);
  const tooManyLines = lines.length > maxLines;
  let head = tooManyLines ? lines.slice(0, headCount).join('\n') : text;
  let tail = tooManyLines ? (tailCount > 0 ? lines.slice(lines.length - tailCount).join('\n') : '') : text;
  head = headBytes(head, Math.ceil(maxBytes / 2));
  tail = tail === '' ? '' : tailBytes(tail, Math.floor(maxBytes / 2));
  const marker = tooManyLines
    ? `[... omitted ${lines.length - headCount - tailCount} of ${lines.length} lines ...]`
    : `[... omitted ${bytes - Buffer.byteLength(head) - Buffer.byteLength(tail)} of ${bytes} bytes ...]`;
  return `${head}\n${marker}${tail === '' ? '' : `\n${tail}`}`;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/**
 * The note prepended to a timed-out command's output.
 * @example
 * timeoutNote(10_000); // 'command timed out after 10000 milliseconds'
 */
export function timeoutNote(timeoutMs: number | undefined): string {
  return timeoutMs === undefined ? 'command timed out' : `command timed out after ${timeoutMs} milliseconds`;
}

/**
 * The function-call output the model receives for a finished command.
 * @example
 * formatExecOutputForModel(result);
 * // 'Exit code: 0\nWall time: 0.1 seconds\nOutput:\nhi\n'
 */
export function formatExecOutputForModel(result: ExecResult, budget: OutputBudget = {}): string {
  const output = result.timedOut ? `${timeoutNote(result.timeoutMs)}\n${result.aggregatedOutput}` : result.aggregatedOutput;
  const totalLines = output.split('\n').length;
  const shown = truncateMiddle(output, budget);
  const header = `Exit code: ${result.exitCode}\nWall time: ${seconds(result.durationMs)} seconds\n`;
  return `${header}${shown === output ? '' : `Total output lines: ${totalLines}\n`}Output:\n${shown}`;
}

/**
 * The output recorded for a shell-like call interrupted by the user.
 * @example
 * abortedOutput(1.23); // 'Wall time: 1.2 seconds\naborted by user'
 */
export function abortedOutput(wallSeconds: number): string {
  return `Wall time: ${wallSeconds.toFixed(1)} seconds\naborted by user`;
}
