/**
 * Pure mapping from HTTP response headers to the events a stream emits when it opens, in the
 * order Codex emits them: server model, rate limits (one per header family), models etag,
 * reasoning-included flag, then the sticky-routing turn state.
 */
import type { RateLimitSnapshot } from '../../protocol/tokens.js';
import type { ResponseEvent } from '../types.js';

/** The family every Codex backend reports; listed first when several are present. */
const DEFAULT_FAMILY = 'codex';
const FAMILY_HEADER = /^x-([a-z0-9-]+?)-(primary|secondary)-used-percent$/;

/**
 * The events carried by a response's headers, in emission order.
 * @example
 * streamOpenEvents(new Headers({ 'openai-model': 'gpt-5', 'x-models-etag': 'abc' }));
 * // [{ type: 'server_model', model: 'gpt-5' }, { type: 'models_etag', etag: 'abc' }]
 */
export function streamOpenEvents(headers: Headers): ResponseEvent[] {
  const out: ResponseEvent[] = [];
  const model = headers.get('openai-model');
  if (model) out.push({ type: 'server_model', model });
  for (const snapshot of parseRateLimits(headers)) out.push({ type: 'rate_limits', snapshot });
  const etag = headers.get('x-models-etag');
  if (etag) out.push({ type: 'models_etag', etag });
  const included = headers.get('x-reasoning-included');
  if (included !== null) out.push({ type: 'server_reasoning_included', included: included.trim().toLowerCase() !== 'false' });
  const turnState = headers.get('x-codex-turn-state');
  if (turnState) out.push({ type: 'turn_state', value: turnState });
  return out;
}

/**
 * Every rate-limit snapshot in the headers: `x-<family>-primary-used-percent`,
 * `-window-minutes`, `-reset-at` (unix seconds) and the same for `secondary`. The `codex`
 * family comes first; `limit_id` is the family name.
 * @example
 * parseRateLimits(new Headers({ 'x-codex-primary-used-percent': '12.5' }))[0]?.primary?.used_percent; // 12.5
 */
export function parseRateLimits(headers: Headers): RateLimitSnapshot[] {
  const families = new Set<string>();
  headers.forEach((_value, name) => {
    const match = FAMILY_HEADER.exec(name.toLowerCase());
    if (match?.[1]) families.add(match[1]);
  });
  const ordered = [...families].sort((a, b) => (a === DEFAULT_FAMILY ? -1 : b === DEFAULT_FAMILY ? 1 : a.localeCompare(b)));
  const out: RateLimitSnapshot[] = [];
  for (const family of ordered) {
    const primary = parseWindow(headers, `x-${family}-primary`);
    const secondary = parseWindow(headers, `x-${family}-secondary`);
    if (!primary && !secondary) continue;
    const name = headers.get(`x-${family}-limit-name`);
    out.push({ limit_id: family, ...(name ? { limit_name: name } : {}), primary, secondary });
  }
  return out;
}

function parseWindow(headers: Headers, prefix: string): RateLimitSnapshot['primary'] {
  const used = parseNumber(headers.get(`${prefix}-used-percent`));
  if (used === null) return null;
  return {
    used_percent: used,
    window_minutes: parseNumber(headers.get(`${prefix}-window-minutes`)),
    resets_at: parseNumber(headers.get(`${prefix}-reset-at`)),
  };
}

function parseNumber(raw: string | null): number | null {
  if (raw === null || raw.trim() === '') return null;
  const n = Number(raw.trim());
  return Number.isFinite(n) ? n : null;
}
