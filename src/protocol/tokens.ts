/**
 * Token accounting: usage of one response, running totals, and the helpers Codex clients
 * use to show context-window headroom.
 */
import { z } from 'zod';

/** Tokens that are always in the context (instructions, tools); excluded from the % shown. */
export const BASELINE_TOKENS = 12_000;

export const TokenUsage = z.object({
  input_tokens: z.number().int().default(0),
  cached_input_tokens: z.number().int().default(0),
  output_tokens: z.number().int().default(0),
  reasoning_output_tokens: z.number().int().default(0),
  total_tokens: z.number().int().default(0),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

export const TokenUsageInfo = z.object({
  total_token_usage: TokenUsage,
  last_token_usage: TokenUsage,
  model_context_window: z.number().int().nullish(),
});
export type TokenUsageInfo = z.infer<typeof TokenUsageInfo>;

const RateLimitWindow = z.looseObject({
  used_percent: z.number(),
  window_minutes: z.number().nullish(),
  resets_at: z.number().nullish(),
});
export const RateLimitSnapshot = z.looseObject({
  limit_id: z.string().nullish(),
  limit_name: z.string().nullish(),
  primary: RateLimitWindow.nullish(),
  secondary: RateLimitWindow.nullish(),
  credits: z.unknown().optional(),
  plan_type: z.string().nullish(),
  rate_limit_reached_type: z.string().nullish(),
});
export type RateLimitSnapshot = z.infer<typeof RateLimitSnapshot>;

/**
 * A zeroed usage record.
 * @example
 * emptyTokenUsage().total_tokens; // 0
 */
export function emptyTokenUsage(): TokenUsage {
  return { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 };
}

/**
 * Input tokens that were not served from the cache (never negative).
 * @example
 * nonCachedInput({ ...emptyTokenUsage(), input_tokens: 10, cached_input_tokens: 4 }); // 6
 */
export function nonCachedInput(u: TokenUsage): number {
  return Math.max(u.input_tokens - u.cached_input_tokens, 0);
}

/**
 * Non-cached input plus output: what a goal budget counts.
 * @example
 * blendedTotal({ ...emptyTokenUsage(), input_tokens: 10, output_tokens: 5 }); // 15
 */
export function blendedTotal(u: TokenUsage): number {
  return nonCachedInput(u) + Math.max(u.output_tokens, 0);
}

/**
 * Adds two usage records field by field.
 * @example
 * addTokenUsage(emptyTokenUsage(), { ...emptyTokenUsage(), total_tokens: 3 }).total_tokens; // 3
 */
export function addTokenUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    reasoning_output_tokens: a.reasoning_output_tokens + b.reasoning_output_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
}

/**
 * Folds one response's usage into the running info: added to the total, replaces the last.
 * @example
 * appendTokenUsage(null, { ...emptyTokenUsage(), total_tokens: 5 }, 1000).total_token_usage.total_tokens; // 5
 */
export function appendTokenUsage(info: TokenUsageInfo | null, last: TokenUsage, contextWindow?: number | null): TokenUsageInfo {
  return {
    total_token_usage: addTokenUsage(info?.total_token_usage ?? emptyTokenUsage(), last),
    last_token_usage: last,
    model_context_window: contextWindow ?? info?.model_context_window ?? null,
  };
}

/**
 * Marks the context as full (after a context-window error).
 * @example
 * fillToContextWindow(null, 1000).total_token_usage.total_tokens; // 1000
 */
export function fillToContextWindow(info: TokenUsageInfo | null, contextWindow: number): TokenUsageInfo {
  const previousTotal = info?.total_token_usage.total_tokens ?? 0;
  return {
    total_token_usage: { ...(info?.total_token_usage ?? emptyTokenUsage()), total_tokens: contextWindow },
    last_token_usage: { ...(info?.last_token_usage ?? emptyTokenUsage()), total_tokens: Math.max(contextWindow - previousTotal, 0) },
    model_context_window: contextWindow,
  };
}

/**
 * Percent of the window left, after setting aside the always-present baseline.
 * @example
 * percentOfContextWindowRemaining({ ...emptyTokenUsage(), total_tokens: 12_000 }, 112_000); // 100
 */
export function percentOfContextWindowRemaining(u: TokenUsage, contextWindow: number): number {
  if (contextWindow <= BASELINE_TOKENS) return 0;
  const effective = contextWindow - BASELINE_TOKENS;
  const used = Math.max(u.total_tokens - BASELINE_TOKENS, 0);
  const remaining = Math.max(effective - used, 0);
  return Math.round(Math.min(Math.max((remaining / effective) * 100, 0), 100));
}
