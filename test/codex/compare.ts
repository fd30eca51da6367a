/**
 * Helpers that put what the two engines send and write side by side: model-visible items with
 * engine bookkeeping removed, and recorded rollouts with Codex's prompt text removed.
 */

/** Keys that carry engine bookkeeping, not what the model reads. */
const BOOKKEEPING = new Set(['id', 'internal_chat_message_metadata_passthrough', 'metadata', 'status']);

/**
 * An input item as the model sees it: no item ids, no engine metadata, no null fields.
 * @example
 * modelVisible({ type: 'message', id: 'm1', role: 'user', content: [{ type: 'input_text', text: 'hi' }], metadata: {} });
 * // { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }
 */
export function modelVisible(item: unknown): unknown {
  if (Array.isArray(item)) return item.map(modelVisible);
  if (typeof item !== 'object' || item === null) return item;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (BOOKKEEPING.has(key) || value === null || value === undefined) continue;
    out[key] = modelVisible(value);
  }
  return out;
}

/** The `input` array of a recorded request body. */
export function inputOf(body: unknown): Array<Record<string, unknown>> {
  return (body as { input: Array<Record<string, unknown>> }).input;
}

/** The text of a message item (its content parts joined). */
export function messageText(item: Record<string, unknown> | undefined): string {
  const content = (item?.content ?? []) as Array<{ text?: string }>;
  return content.map((part) => part.text ?? '').join('');
}

/** What replaces Codex's base instructions in committed fixtures. */
export const BASE_INSTRUCTIONS_PLACEHOLDER = '<Codex base instructions: removed from this fixture>';
const DEVELOPER_PLACEHOLDER = '<Codex developer message: removed from this fixture>';
const LONG_TEXT = 300;

function scrubStrings(value: unknown, limit: number): unknown {
  if (typeof value === 'string') return value.length > limit ? `<text removed from this fixture: ${value.length} chars>` : value;
  if (Array.isArray(value)) return value.map((v) => scrubStrings(v, limit));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubStrings(v, limit)]));
}

/**
 * A Codex rollout with Codex's prompt text taken out, for committing as a fixture: the base
 * instructions and every developer message become placeholders, the `world_state` snapshot
 * keeps its shape with its text removed, and any other long text is removed too.
 */
export function scrubCodexRollout(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return `${lines
    .map((line) => {
      const record = JSON.parse(line) as { type: string; payload: Record<string, unknown> };
      const payload = record.payload;
      if (record.type === 'session_meta' && typeof payload.base_instructions === 'object' && payload.base_instructions !== null) {
        payload.base_instructions = { ...payload.base_instructions, text: BASE_INSTRUCTIONS_PLACEHOLDER };
      }
      if (record.type === 'response_item' && payload.type === 'message' && payload.role === 'developer') {
        payload.content = (payload.content as Array<Record<string, unknown>>).map((part) => ({ ...part, text: DEVELOPER_PLACEHOLDER }));
      }
      const limit = record.type === 'world_state' ? 40 : LONG_TEXT;
      return JSON.stringify({ ...record, payload: scrubStrings(payload, limit) });
    })
    .join('\n')}\n`;
}
