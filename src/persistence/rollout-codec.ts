/**
 * Reading and writing rollout text. Writing is one JSON object per line, newline-terminated.
 * Reading never throws on a bad line: a line that is not JSON, has an unknown kind, or whose
 * payload does not match its schema is skipped and reported in `skipped` with its 1-based
 * line number, so nothing is lost silently. A last line without its newline that does not
 * parse is reported as `torn_line` (a write cut short by a crash). Lines of kinds this engine does
 * not read (Codex 0.169 writes `world_state`, `token_usage_record`, …) are skipped as
 * `unknown_kind` and kept verbatim in `unknownLines`, so `serializeRollout` writes them back in
 * place (and appends, the engine's only writes, never touch them). The reader
 * also notes the highest `ordinal` on any line, read or skipped, so appends to a paginated
 * Codex rollout continue its numbering.
 */
import type { z } from 'zod';
import { RolloutEmptyError, RolloutMissingSessionMetaError, UnsupportedRolloutFormatError } from './errors.js';
import {
  isRolloutKind,
  ROLLOUT_PAYLOADS,
  ROLLOUT_TIMESTAMP_PATTERN,
  RolloutOrdinal,
  type RolloutItem,
  type RolloutLine,
  type SessionMeta,
  type SkippedLine,
  type SkipReason,
} from './rollout-schema.js';

/**
 * What the reader made of a rollout text. `items` are `lines` without their timestamps.
 * @example
 * const { items, skipped }: ParsedRollout = parseRolloutText(text);
 */
export interface ParsedRollout {
  lines: RolloutLine[];
  items: RolloutItem[];
  skipped: SkippedLine[];
  /** The highest `ordinal` of any line (skipped ones included), or `null` when no line has one. */
  lastOrdinal: number | null;
  /** Lines of kinds this engine does not read, verbatim, with where they stood. */
  unknownLines: UnknownRolloutLine[];
}

/**
 * A line of a kind this engine does not read (e.g. Codex's `world_state`), kept as it was read:
 * `record` is the whole JSON object, `before` the number of read `lines` that preceded it.
 * @example
 * // { line: 5, before: 4, record: { timestamp: '…', ordinal: 4, type: 'world_state', payload: { … } } }
 */
export interface UnknownRolloutLine {
  line: number;
  before: number;
  record: Record<string, unknown>;
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
export type RolloutLineResult =
  | { ok: true; line: RolloutLine }
  | { ok: false; reason: SkipReason; message: string; kind?: string; ordinal?: number; record?: Record<string, unknown> };

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
  return { timestamp: formatRolloutTimestamp(at), type: item.type, payload: item.payload } as RolloutLine;
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
 * Serialises one line as JSON followed by `\n`: `timestamp`, `ordinal` (only when the line has
 * one), `type`, `payload`, in the order Codex writes them.
 * @example
 * serializeRolloutLine(toRolloutLine({ type: 'compacted', payload: { message: 's' } }, new Date(0)));
 * // '{"timestamp":"1970-01-01T00:00:00.000Z","type":"compacted","payload":{"message":"s"}}\n'
 */
export function serializeRolloutLine(line: RolloutLine): string {
  // The envelope is written by hand and only the payload goes through JSON.stringify: the same
  // text as stringifying a `{ timestamp, ordinal?, type, payload }` object, at about a quarter
  // of the cost (V8 stringified the spread-built envelope object slowly).
  const ordinal = line.ordinal === undefined ? '' : `"ordinal":${JSON.stringify(line.ordinal)},`;
  return `{"timestamp":${JSON.stringify(line.timestamp)},${ordinal}"type":${JSON.stringify(line.type)},"payload":${JSON.stringify(line.payload)}}\n`;
}

/**
 * Serialises many lines into one string (one write).
 * @example
 * serializeRolloutLines([line1, line2]).split('\n').length; // 3
 */
export function serializeRolloutLines(lines: readonly RolloutLine[]): string {
  let text = '';
  for (const line of lines) text += serializeRolloutLine(line);
  return text;
}

function summarize(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * What the payload is when its only problem is a union with no variant of that `type` (at the
 * top, `"thread_settings_applied"`, or nested, `"item_completed(item.type=CommandExecution)"`):
 * something newer than this engine rather than something broken.
 */
function unknownVariant(issues: readonly z.core.$ZodIssue[], payload: unknown): string | null {
  const [issue] = issues;
  if (issues.length !== 1 || issue?.code !== 'invalid_union' || issue.discriminator === undefined || issue.errors.length > 0) return null;
  const top = (payload as { type?: unknown }).type;
  if (typeof top !== 'string') return null;
  if (issue.path.length === 1) return top;
  let value: unknown = payload;
  for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | null)?.[key];
  return `${top}(${issue.path.map(String).join('.')}=${String(value)})`;
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
  const { timestamp, ordinal, type, payload } = raw as Record<string, unknown>;
  const tags = {
    ...(typeof type === 'string' ? { kind: type } : {}),
    // Most lines carry no ordinal: checking `undefined` first spares a failed zod parse per line.
    ...(ordinal !== undefined && RolloutOrdinal.safeParse(ordinal).success ? { ordinal: ordinal as number } : {}),
  };
  if (typeof timestamp !== 'string' || !ROLLOUT_TIMESTAMP_PATTERN.test(timestamp)) {
    return { ok: false, reason: 'invalid_line', message: 'timestamp must be YYYY-MM-DDTHH:MM:SS.mmmZ', ...tags };
  }
  if (ordinal !== undefined && tags.ordinal === undefined) {
    return { ok: false, reason: 'invalid_line', message: 'ordinal must be a non-negative integer', ...tags };
  }
  if (!isRolloutKind(type)) {
    return { ok: false, reason: 'unknown_kind', message: `unknown line kind ${JSON.stringify(type)}`, ...tags, record: raw as Record<string, unknown> };
  }
  const parsed = ROLLOUT_PAYLOADS[type].safeParse(payload);
  if (!parsed.success) {
    const variant = unknownVariant(parsed.error.issues, payload);
    if (variant !== null) {
      const message = `unknown ${type} type ${JSON.stringify(variant)}`;
      return { ok: false, reason: 'unknown_kind', message, ...tags, kind: `${type}:${variant}`, record: raw as Record<string, unknown> };
    }
    return { ok: false, reason: 'invalid_payload', message: `${type}: ${summarize(parsed.error.issues)}`, ...tags };
  }
  const line = { timestamp, ...(tags.ordinal === undefined ? {} : { ordinal: tags.ordinal }), type, payload: parsed.data };
  return { ok: true, line: line as RolloutLine };
}

/**
 * Parses a whole rollout text; bad lines are skipped and reported, blank lines ignored.
 * @example
 * const { items, skipped } = parseRolloutText(await readFile(path, 'utf8'));
 */
export function parseRolloutText(text: string): ParsedRollout {
  const rows = text.split('\n');
  const terminated = text.endsWith('\n');
  const result: ParsedRollout = { lines: [], items: [], skipped: [], lastOrdinal: null, unknownLines: [] };
  const noteOrdinal = (ordinal: number | undefined) => {
    if (ordinal !== undefined && (result.lastOrdinal === null || ordinal > result.lastOrdinal)) result.lastOrdinal = ordinal;
  };
  rows.forEach((row, index) => {
    const body = row.endsWith('\r') ? row.slice(0, -1) : row;
    if (body.trim() === '') return;
    const parsed = parseRolloutLine(body);
    if (parsed.ok) {
      noteOrdinal(parsed.line.ordinal);
      result.lines.push(parsed.line);
      result.items.push(lineToItem(parsed.line));
      return;
    }
    const torn = !terminated && index === rows.length - 1;
    if (!torn) noteOrdinal(parsed.ordinal);
    if (!torn && parsed.record !== undefined) result.unknownLines.push({ line: index + 1, before: result.lines.length, record: parsed.record });
    const kind = parsed.kind === undefined ? {} : { kind: parsed.kind };
    result.skipped.push(
      torn
        ? { line: index + 1, reason: 'torn_line', message: `unterminated last line does not parse (${parsed.message})`, ...kind }
        : { line: index + 1, reason: parsed.reason, message: parsed.message, ...kind },
    );
  });
  return result;
}

/**
 * Writes a parsed rollout back as text: its read lines, and the lines of kinds this engine does
 * not read in their places, verbatim (ordinals included). Lines that did not parse (not JSON,
 * torn, a known kind with a malformed payload) are not written.
 * @example
 * serializeRollout(parseRolloutText(codexText)); // same records, world_state lines included
 */
export function serializeRollout(parsed: Pick<ParsedRollout, 'lines' | 'unknownLines'>): string {
  const out: string[] = [];
  let next = 0;
  const unknownBefore = (count: number) => {
    while (next < parsed.unknownLines.length && (parsed.unknownLines[next]?.before ?? Infinity) <= count) {
      out.push(`${JSON.stringify(parsed.unknownLines[next]?.record)}\n`);
      next += 1;
    }
  };
  parsed.lines.forEach((line, index) => {
    unknownBefore(index);
    out.push(serializeRolloutLine(line));
  });
  unknownBefore(Infinity);
  return out.join('');
}

/**
 * Counts skipped lines by what they were: the kind for lines of kinds this engine does not read
 * (`world_state`, or `event_msg:<type>` for an event type it does not know), the reason otherwise.
 * @example
 * describeSkipped(rollout.skipped); // 'world_state ×2, event_msg:thread_settings_applied ×1, invalid_json ×1'
 */
export function describeSkipped(skipped: readonly SkippedLine[]): string {
  const counts = new Map<string, number>();
  for (const s of skipped) {
    const key = s.reason === 'unknown_kind' && s.kind !== undefined ? s.kind : s.reason;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${key} ×${n}`).join(', ');
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
