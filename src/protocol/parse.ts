/**
 * Parse-at-the-edge helpers: anything that enters from outside goes through one of these
 * and either becomes a trusted value or a `ProtocolParseError` carrying zod's issues.
 */
import type { z } from 'zod';
import { ProtocolParseError } from '../errors.js';

/**
 * Parses `value` with `schema`, throwing a typed error that names what was being parsed.
 * @example
 * parseAtEdge(Op, { type: 'interrupt' }, 'op');
 */
export function parseAtEdge<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ProtocolParseError(what, result.error.issues);
  return result.data;
}
