/**
 * Reading and writing rollout text. Writing is one JSON object per line, newline-terminated.
 * Reading never throws on a bad line: a line that is not JSON, has an unknown kind, or whose
 * payload does not match its schema is skipped and reported in `skipped` with its 1-based
 * line number, so nothing is lost silently. A last line without its newline that does not
 * parse is reported as `torn_line` (a write cut short by a crash).
 */
import type { z } from 'zod';
import { RolloutEmptyError, RolloutMissingSessionMetaError, UnsupportedRolloutFormatError } from './errors.js';
import {
  isRolloutKind,
  ROLLOUT_PAYLOADS,
  ROLLOUT_TIMESTAMP_PATTERN,
  type RolloutItem,
  type RolloutLine,
  type SessionMeta,
} from './rollout-schema.js';

/**
 * Why a line was skipped.
 * @example
 * skipped.filter((s) => s.reason === 'torn_line');
 */
export type SkipReason = 'invalid_json' | 'torn_line' | 'invalid_line' | 'unknown_kind' | 'invalid_payload';

/**
 * A line the reader could not use. `line` is 1-based.
 * @example
 * // { line: 7, reason: 'invalid_payload', message: 'event_msg: turn_id: …' }
 */
export interface SkippedLine {
  line: number;
  reason: SkipReason;
  message: string;
}

/**
 * What the reader made of a rollout text. `items` are `lines` without their timestamps.
 * @example
 * const { items, skipped }: ParsedRollout = parseRolloutText(text);
 */
export interface ParsedRollout {
  lines: RolloutLine[];
  items: RolloutItem[];
  skipped: SkippedLine[];
}

/**
 * A parsed rollout that names its thread (its first `session_meta`).
 * @example
 * const { threadId, meta }: LoadedRollout = loadRollout(text, path);
 */
export interface LoadedRollout extends ParsedRollout {
  threadId: string;
  meta: SessionMeta;
}

/**
 * The outcome of parsing one line.
 * @example
 * const result: RolloutLineResult = parseRolloutLine(text);
 * if (!result.ok) console.log(result.reason);
 */
export type RolloutLineResult = { ok: true; line: RolloutLine } | { ok: false; reason: SkipReason; message: string };

/**
 * Formats a time as a rollout timestamp (UTC, milliseconds).
 * @example
 * formatRolloutTimestamp(new Date(0)); // '1970-01-01T00:00:00.000Z'
 */
export function formatRolloutTimestamp(date: Date): string {
  return date.toISOString();
}

/**
 * Stamps an item with a time, making it a line.
 * @example
 * toRolloutLine({ type: 'compacted', payload: { message: 's' } }, new Date());
 */
export function toRolloutLine(item: RolloutItem, at: Date): RolloutLine {
  return { timestamp: formatRolloutTimestamp(at), ...item };
}

/**
 * Drops the timestamp of a line.
 * @example
 * lineToItem(line).type; // same kind as the line
 */
export function lineToItem(line: RolloutLine): RolloutItem {
  return { type: line.type, payload: line.payload } as RolloutItem;
}

/**
 * Serialises one line as JSON followed by `\n` (`timestamp`, `type`, `payload` in that order).
 * @example
 * serializeRolloutLine(toRolloutLine({ type: 'compacted', payload: { message: 's' } }, new Date(0)));
 * // '{"timestamp":"1970-01-01T00:00:00.000Z","type":"compacted","payload":{"message":"s"}}\n'
 */
export function serializeRolloutLine(line: RolloutLine): string {
  return `${JSON.stringify({ timestamp: line.timestamp, type: line.type, payload: line.payload })}\n`;
}

/**
 * Serialises many lines into one string (one write).
 * @example
 * serializeRolloutLines([line1, line2]).split('\n').length; // 3
 */
export function serializeRolloutLines(lines: readonly RolloutLine[]): string {
  return lines.map(serializeRolloutLine).join('');
}

function summarize(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * Parses one line of text (without its newline).
 * @example
 * parseRolloutLine('{"timestamp":"2026-04-25T10:00:00.000Z","type":"compacted","payload":{"message":"s"}}').ok; // true
 */
export function parseRolloutLine(text: string): RolloutLineResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: 'invalid_json', message: error instanceof Error ? error.message : 'not JSON' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'invalid_line', message: 'a line must be a JSON object' };
  }
  const { timestamp, type, payload } = raw as Record<string, unknown>;
  if (typeof timestamp !== 'string' || !ROLLOUT_TIMESTAMP_PATTERN.test(timestamp)) {
    return { ok: false, reason: 'invalid_line', message: 'timestamp must be YYYY-MM-DDTHH:MM:SS.mmmZ' };
  }
  if (!isRolloutKind(type)) {
    return { ok: false, reason: 'unknown_kind', message: `unknown line kind ${JSON.stringify(type)}` };
  }
  const parsed = ROLLOUT_PAYLOADS[type].safeParse(payload);
  if (!parsed.success) return { ok: false, reason: 'invalid_payload', message: `${type}: ${summarize(parsed.error.issues)}` };
  return { ok: true, line: { timestamp, type, payload: parsed.data } as RolloutLine };
}

/**
 * Parses a whole rollout text; bad lines are skipped and reported, blank lines ignored.
 * @example
 * const { items, skipped } = parseRolloutText(await readFile(path, 'utf8'));
 */
export function parseRolloutText(text: string): ParsedRollout {
  const rows = text.split('\n');
  const terminated = text.endsWith('\n');
  const result: ParsedRollout = { lines: [], items: [], skipped: [] };
  rows.forEach((row, index) => {
    const body = row.endsWith('\r') ? row.slice(0, -1) : row;
    if (body.trim() === '') return;
    const parsed = parseRolloutLine(body);
    if (parsed.ok) {
      result.lines.push(parsed.line);
      result.items.push(lineToItem(parsed.line));
      return;
    }
    const torn = !terminated && index === rows.length - 1;
    result.skipped.push(
      torn
        ? { line: index + 1, reason: 'torn_line', message: `unterminated last line does not parse (${parsed.message})` }
        : { line: index + 1, reason: parsed.reason, message: parsed.message },
    );
  });
  return result;
}

/** An envelope-less first line with a session id and time: the pre-envelope rollout format. */
function looksLikeOldFormat(text: string): boolean {
  const firstLine = text.split('\n', 1)[0] ?? '';
  try {
    const value = JSON.parse(firstLine) as Record<string, unknown> | null;
    return typeof value === 'object' && value !== null && !('payload' in value) && typeof value.id === 'string' && 'timestamp' in value;
  } catch {
    return false;
  }
}

/**
 * Parses a rollout and finds its thread: throws `RolloutEmptyError` when there are no lines,
 * `RolloutMissingSessionMetaError` when no `session_meta` line parses, and
 * `UnsupportedRolloutFormatError` for a file in an older, envelope-less rollout format.
 * @example
 * const { threadId, items } = loadRollout(text, path);
 */
export function loadRollout(text: string, source: string): LoadedRollout {
  if (text.trim() === '') throw new RolloutEmptyError(source);
  const parsed = parseRolloutText(text);
  const first = parsed.items.find((item) => item.type === 'session_meta');
  if (first === undefined) {
    if (parsed.items.length === 0 && looksLikeOldFormat(text)) throw new UnsupportedRolloutFormatError(source);
    throw new RolloutMissingSessionMetaError(source, parsed.skipped);
  }
  return { ...parsed, threadId: first.payload.id, meta: first.payload };
}
