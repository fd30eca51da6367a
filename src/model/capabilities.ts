/**
 * What a model accepts, by model family: whether a request may carry `reasoning` (and so
 * `include: ["reasoning.encrypted_content"]`), whether reasoning summaries may be asked for,
 * and the effort sent when the thread sets none. Codex keeps the same facts per model
 * (`supports_reasoning_summaries`, `default_reasoning_level`) and builds `reasoning` only
 * for models that have them; sending `reasoning` to a model without it is refused by the API.
 */
import type { ReasoningEffort, ReasoningSummary } from '../protocol/config.js';
import type { ModelCapabilities, ModelClient, ModelRequest } from './types.js';

export type { ModelCapabilities } from './types.js';

const REASONING = { reasoning: true, reasoningSummaries: true, defaultEffort: 'medium', outputSchema: true } as const;
const PLAIN = { reasoning: false, reasoningSummaries: false, defaultEffort: null, outputSchema: false } as const;

/**
 * First match wins. Slugs are compared without a provider prefix (`openai/gpt-5` → `gpt-5`).
 * Unknown slugs take no output schema: a request the model may not follow is not sent.
 */
const FAMILIES: ReadonlyArray<{ match: RegExp; caps: ModelCapabilities }> = [
  { match: /^gpt-5(\.\d+)?-chat/, caps: { family: 'gpt-5-chat', ...PLAIN } },
  { match: /^gpt-5/, caps: { family: 'gpt-5', ...REASONING } },
  // o1-mini and o1-preview predate structured outputs.
  { match: /^o1-(mini|preview)/, caps: { family: 'o-series', ...REASONING, outputSchema: false } },
  { match: /^o\d(-|$)/, caps: { family: 'o-series', ...REASONING } },
  { match: /^(codex-|gpt-codex)/, caps: { family: 'codex', ...REASONING } },
  // Structured outputs (json_schema) came with gpt-4o and gpt-4.1; older gpt-4, gpt-3.5 and the chat aliases lack them.
  { match: /^(gpt-4o|gpt-4\.1)/, caps: { family: 'gpt-4', ...PLAIN, outputSchema: true } },
  { match: /^(gpt-4|gpt-3\.5)/, caps: { family: 'gpt-4', ...PLAIN } },
];

/**
 * The capabilities of `slug` from the family table, with `overrides` on top (a host's
 * knowledge of a model the table does not know, or a correction). Unknown slugs do not reason.
 * @example
 * modelCapabilities('gpt-5.1').reasoning; // true
 * modelCapabilities('gpt-4.1').reasoning; // false
 * modelCapabilities('my-finetune', { reasoning: true }).reasoning; // true
 */
export function modelCapabilities(slug: string, overrides: Partial<ModelCapabilities> = {}): ModelCapabilities {
  const bare = slug.slice(slug.lastIndexOf('/') + 1).toLowerCase();
  const found = FAMILIES.find((f) => f.match.test(bare))?.caps ?? { family: 'unknown', ...PLAIN };
  return { ...found, ...overrides };
}

/**
 * The `reasoning` of a request (Codex `build_reasoning`): present only for reasoning models,
 * with the thread's effort or the model's default, and the summary setting unless it is
 * `none` or the model takes no summaries.
 * @example
 * requestReasoning(modelCapabilities('gpt-5.1'), null, 'auto'); // { effort: 'medium', summary: 'auto' }
 * requestReasoning(modelCapabilities('gpt-4.1'), 'high', 'auto'); // null
 */
export function requestReasoning(caps: ModelCapabilities, effort: ReasoningEffort | null, summary: ReasoningSummary): ModelRequest['reasoning'] {
  if (!caps.reasoning) return null;
  return {
    effort: effort ?? caps.defaultEffort,
    summary: caps.reasoningSummaries && summary !== 'none' ? summary : null,
  };
}

/**
 * A view of `model` whose capabilities carry `overrides` on top of its own (per-thread
 * overrides for `createThread`'s `modelCapabilities`).
 * @example
 * const tuned = withCapabilities(openaiModel({ model: 'my-reasoner' }), { reasoning: true, reasoningSummaries: false });
 */
export function withCapabilities(model: ModelClient, overrides: Partial<ModelCapabilities>): ModelClient {
  return {
    model: model.model,
    providerId: model.providerId,
    contextWindow: model.contextWindow ?? null,
    capabilities: { ...model.capabilities, ...overrides },
    stream: (request, signal) => model.stream(request, signal),
  };
}
