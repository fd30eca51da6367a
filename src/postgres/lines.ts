/**
 * Rollout lines to and from table rows. A row holds the line's time (`timestamptz`), kind and
 * payload (`jsonb`); reading rebuilds each line's JSON text and hands it to the same rollout
 * codec the file store uses, so a thread read from PostgreSQL parses (and skips) exactly as
 * its file would.
 */
import type { RolloutLine, SessionMeta } from '../persistence/rollout-schema.js';

/**
 * Column arrays of a batch of lines, for `unnest` in one statement.
 * @example
 * const batch: LineBatch = encodeLines(lines);
 */
export interface LineBatch {
  ts: string[];
  kinds: string[];
  /** Payload JSON for the `jsonb` column, or `null` when it goes to `payload_text`. */
  payloads: (string | null)[];
  /** Payload JSON that `jsonb` cannot hold (U+0000, lone surrogates), else `null`. */
  texts: (string | null)[];
  /** The thread name the batch leaves behind (`thread_name_updated`), if it sets one. */
  name: { set: boolean; value: string | null };
}

// Escapes JSON.stringify writes for U+0000 and for lone UTF-16 surrogates; jsonb rejects both.
const NOT_JSONB = /\\u0000|\\ud[89a-f]/i;

/**
 * Splits lines into column arrays.
 * @example
 * encodeLines([line]).kinds; // ['event_msg']
 */
export function encodeLines(lines: readonly RolloutLine[]): LineBatch {
  const batch: LineBatch = { ts: [], kinds: [], payloads: [], texts: [], name: { set: false, value: null } };
  for (const line of lines) {
    const json = JSON.stringify(line.payload);
    const jsonbSafe = !NOT_JSONB.test(json);
    batch.ts.push(line.timestamp);
    batch.kinds.push(line.type);
    batch.payloads.push(jsonbSafe ? json : null);
    batch.texts.push(jsonbSafe ? null : json);
    if (line.type === 'event_msg' && line.payload.type === 'thread_name_updated') {
      batch.name = { set: true, value: line.payload.thread_name ?? null };
    }
  }
  return batch;
}

/**
 * The SQL expression list that reads a line row back (`ts`, `kind`, `payload` as text).
 * @example
 * `SELECT ${LINE_COLUMNS} FROM rollout_lines`;
 */
export const LINE_COLUMNS = `to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ts, kind, coalesce(payload_text, payload::text) AS payload`;

/**
 * A row read with `LINE_COLUMNS`.
 * @example
 * const row: LineRow = { ts: '2026-04-25T10:00:00.000Z', kind: 'compacted', payload: '{"message": "s"}' };
 */
export interface LineRow {
  ts: string;
  kind: string;
  payload: string;
}

/**
 * The JSONL text of one row (newline-terminated), field order as the file store writes it.
 * @example
 * lineText({ ts, kind: 'compacted', payload: '{"message": "s"}' });
 */
export function lineText(row: LineRow): string {
  return `{"timestamp":${JSON.stringify(row.ts)},"type":${JSON.stringify(row.kind)},"payload":${row.payload}}\n`;
}

/**
 * The parent thread of a spawned sub-agent, from `session_meta.source` (`{ subagent: { thread_spawn: { parent_thread_id } } }`).
 * @example
 * spawnParent({ id: 't2', source: { subagent: { thread_spawn: { parent_thread_id: 't1', depth: 1 } } } } as SessionMeta); // 't1'
 */
export function spawnParent(meta: SessionMeta): string | null {
  const seen: unknown[] = [meta.source];
  while (seen.length > 0) {
    const value = seen.pop();
    if (typeof value !== 'object' || value === null) continue;
    const record = value as Record<string, unknown>;
    if (typeof record.parent_thread_id === 'string') return record.parent_thread_id;
    seen.push(...Object.values(record));
  }
  return null;
}
