/**
 * `createThread({ buddy })`: the companion that comments on finished turns (seed 000). The
 * options are parsed at the edge; `observes` is the seed's `should_start_buddy_observer`.
 */
import { z } from 'zod';
import { parseAtEdge } from '../protocol/parse.js';

/**
 * Reaction length limit when the host sets none, in characters. The seed reads it from its
 * configuration without showing the default; 80 is the limit its parser tests use.
 */
export const DEFAULT_MAX_REACTION_CHARS = 80;

/**
 * The buddy options of `createThread`. `name` is the companion's name (blank: no reactions),
 * `species` what it is (default `'buddy'`), `muted` stops reactions; `observer.model` names
 * another model of the thread's provider for the reactions (default: the thread's model) and
 * `observer.maxReactionChars` caps a reaction's length (an integer ≥ 1, default 80).
 * @example
 * BuddyOptions.parse({ name: 'Pixel', species: 'owl', observer: { maxReactionChars: 60 } });
 */
export const BuddyOptions = z
  .object({
    name: z.string(),
    species: z.string().optional(),
    muted: z.boolean().optional(),
    observer: z
      .object({
        model: z.string().optional(),
        maxReactionChars: z.number().int().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type BuddyOptions = z.infer<typeof BuddyOptions>;

/** Buddy options with their defaults filled in. */
export interface BuddySettings {
  name: string;
  species: string;
  muted: boolean;
  /** The model slug for reactions, or `null` for the thread's model. */
  model: string | null;
  maxReactionChars: number;
}

/**
 * Parses `createThread`'s `buddy` option and fills in the defaults (blank `species` and
 * `observer.model` count as unset, as in the seed).
 * @throws `ProtocolParseError` (code `invalid_input`) when the options do not match {@link BuddyOptions}.
 * @example
 * buddySettings({ name: 'Pixel' }); // { name: 'Pixel', species: 'buddy', muted: false, model: null, maxReactionChars: 80 }
 */
export function buddySettings(options: unknown): BuddySettings {
  const parsed = parseAtEdge(BuddyOptions, options, 'buddy options');
  const model = parsed.observer?.model?.trim() ?? '';
  const species = parsed.species?.trim() ?? '';
  return {
    name: parsed.name.trim(),
    species: species === '' ? 'buddy' : species,
    muted: parsed.muted ?? false,
    model: model === '' ? null : model,
    maxReactionChars: parsed.observer?.maxReactionChars ?? DEFAULT_MAX_REACTION_CHARS,
  };
}

/**
 * Whether a reaction is asked for after a turn (seed `should_start_buddy_observer`): only when
 * the turn finished (not after an abort), the buddy has a name and it is not muted.
 * @example
 * observes(buddySettings({ name: 'Pixel' }), true); // true
 * observes(buddySettings({ name: ' ', muted: false }), true); // false
 */
export function observes(settings: BuddySettings, turnFinished: boolean): boolean {
  return turnFinished && !settings.muted && settings.name !== '';
}
