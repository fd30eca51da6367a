/**
 * Builders the event-family modules share: one event variant is a `looseObject` tagged with
 * its wire `type` (unknown fields kept, so events read back from a rollout written by a newer
 * engine lose nothing), plus the field shapes most events repeat.
 */
import { z } from 'zod';

/** An event variant: the literal wire `type` plus its fields. */
export const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.looseObject({ type: z.literal(type), ...shape });
/** An event variant with no fields besides its `type`. */
export const unitEv = <T extends string>(type: T) => z.looseObject({ type: z.literal(type) });
export const str = z.string();
export const optStr = z.string().nullish();
export const optNum = z.number().nullish();
