/**
 * Parsing tool-call arguments at the edge: the model sends a JSON string (function tools)
 * or raw text (custom tools); a mismatch becomes a `ToolArgumentsError` whose message can be
 * returned to the model as the call's output.
 */
import type { z } from 'zod';
import { ToolArgumentsError } from './errors.js';

/**
 * Parses a function call's `arguments` (JSON text, or an already-decoded value) with `schema`.
 * @example
 * parseToolArguments('shell', ShellToolArgs, '{"command":["ls"]}'); // { command: ['ls'] }
 */
export function parseToolArguments<S extends z.ZodType>(tool: string, schema: S, raw: unknown): z.infer<S> {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new ToolArgumentsError(tool, [], `arguments are not valid JSON (${(e as Error).message})`);
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ToolArgumentsError(tool, parsed.error.issues);
  return parsed.data;
}
