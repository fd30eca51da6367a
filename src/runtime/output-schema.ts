/**
 * Structured output for `thread.run({ outputSchema })`: a zod schema or a JSON Schema becomes
 * the turn's `final_output_json_schema` (sent as the Responses `text.format`), and the turn's
 * final message is parsed as JSON and validated — with the zod schema's `safeParse`, or with
 * Ajv (a maintained JSON Schema validator) for a plain JSON Schema.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { z } from 'zod';
import { StructuredOutputError } from '../errors.js';

/** A zod schema, or a JSON Schema object (what the Responses API's strict mode accepts). */
export type OutputSchema<T = unknown> = z.ZodType<T> | Record<string, unknown>;

/** The value a run resolves with for an output schema: the zod output type, else `unknown`. */
export type StructuredOutputOf<S> = S extends z.ZodType<infer T> ? T : unknown;

/**
 * Whether `schema` is a zod schema (checked structurally, so a host's own zod copy works).
 * @example
 * isZodSchema(z.object({})); // true
 */
export function isZodSchema(schema: unknown): schema is z.ZodType {
  return typeof schema === 'object' && schema !== null && '_zod' in schema && typeof (schema as { safeParse?: unknown }).safeParse === 'function';
}

/**
 * The JSON Schema to send: a zod schema through `z.toJSONSchema` (its `$schema` key dropped),
 * a JSON Schema as given.
 * @example
 * toOutputJsonSchema(z.object({ ok: z.boolean() }));
 * // { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false }
 */
export function toOutputJsonSchema(schema: OutputSchema): Record<string, unknown> {
  if (!isZodSchema(schema)) return schema as Record<string, unknown>;
  const { $schema: _drop, ...json } = z.toJSONSchema(schema) as Record<string, unknown>;
  return json;
}

const ajv = new Ajv({ allErrors: true, strict: false });
// A pure cache: a schema object's compiled validator, derived from the schema alone (no thread
// state), so sharing it across threads changes no result; entries go with their schemas.
const compiled = new WeakMap<object, ValidateFunction>();

/**
 * Parses and validates a final message against the output schema; a failure is a
 * `StructuredOutputError` (returned, not thrown).
 * @example
 * parseStructuredOutput(z.object({ ok: z.boolean() }), '{"ok":true}'); // { ok: true, value: { ok: true } }
 */
export function parseStructuredOutput<T>(schema: OutputSchema<T>, text: string | null): { ok: true; value: T } | { ok: false; error: StructuredOutputError } {
  if (text === null || text.trim() === '') return { ok: false, error: new StructuredOutputError('the turn ended without a final message to parse', [], text) };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: new StructuredOutputError(`the final message is not JSON: ${(err as Error).message}`, [], text) };
  }
  if (isZodSchema(schema)) {
    const result = schema.safeParse(json);
    if (result.success) return { ok: true, value: result.data as T };
    const issues = result.error.issues.map((i) => ({ path: i.path, message: i.message }));
    return { ok: false, error: new StructuredOutputError(`the final message does not match the output schema: ${summary(issues)}`, issues, text) };
  }
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(json)) return { ok: true, value: json as T };
  const issues = (validate.errors ?? []).map((e) => ({ path: e.instancePath.split('/').filter(Boolean), message: e.message ?? 'invalid' }));
  return { ok: false, error: new StructuredOutputError(`the final message does not match the output schema: ${summary(issues)}`, issues, text) };
}

function summary(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
