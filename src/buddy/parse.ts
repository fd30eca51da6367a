/**
 * The buddy observer's reply parser (seed 000, `parse_buddy_observer_response`, whose unit
 * tests define it): the reply must be a JSON object whose `say` is a non-empty string without
 * code fences or talk of the engine's internals; the reaction is that string trimmed, on one
 * line, cut to the character limit with a trailing `…`.
 */

/**
 * Phrases a reaction may not contain (compared in lower case): a reaction that talks about
 * prompts, tools, policies or secrets is dropped rather than shown.
 */
const FORBIDDEN = ['system prompt', 'developer message', 'tool call', 'hidden instruction', 'policy', 'sandbox', 'api key'] as const;

/**
 * Characters a one-line reaction must not carry to a terminal or UI: control characters (C0,
 * DEL, C1: escapes, bell, NUL, tabs, CR, LF), Unicode line/paragraph separators and the
 * bidirectional embeddings, overrides and isolates. Each becomes one space (as the seed does
 * for CR and LF).
 */
const UNPRINTABLE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The reaction in an observer reply, or `null` when there is none to show: the reply is not a
 * JSON object, `say` is missing, `null`, not a string or blank, or it holds a code fence or a
 * forbidden phrase. Line breaks, other control characters, Unicode line separators and bidi
 * controls become spaces; a reaction longer than `maxChars` characters
 * (Unicode code points; at least 1) keeps `maxChars - 1` of them and ends with `…`.
 * @example
 * parseBuddyReaction('{"say":"Nice and tidy!"}', 80); // 'Nice and tidy!'
 * parseBuddyReaction('{"say":"abcdef"}', 4); // 'abc…'
 * parseBuddyReaction('{"say":null}', 80); // null
 */
export function parseBuddyReaction(text: string, maxChars: number): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text.trim());
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  const say = value.say;
  if (typeof say !== 'string') return null;
  const trimmed = say.replace(UNPRINTABLE, ' ').trim();
  if (trimmed === '' || trimmed.includes('```') || hasForbiddenPhrase(trimmed)) return null;
  return truncateReaction(trimmed, Math.max(1, Math.floor(maxChars)));
}

function hasForbiddenPhrase(text: string): boolean {
  // Compared on a folded copy: compatibility forms (fullwidth letters …) folded, invisible
  // format characters (zero-width spaces and joiners, soft hyphens) removed, spaces collapsed,
  // so a phrase cannot slip through disguised; the shown text keeps its own characters.
  const lower = text.normalize('NFKC').replace(/\p{Cf}/gu, '').replace(/\s+/g, ' ').toLowerCase();
  return FORBIDDEN.some((phrase) => lower.includes(phrase));
}

function truncateReaction(text: string, maxChars: number): string {
  // Each CR and each LF becomes one space, as in the seed.
  const line = text.trim().replace(/[\r\n]/g, ' ');
  const chars = Array.from(line);
  if (chars.length <= maxChars) return line;
  return `${chars.slice(0, maxChars - 1).join('')}…`;
}
