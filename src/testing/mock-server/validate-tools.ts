/**
 * Checks of the `tools` of a Responses request: tool names, and function parameter schemas
 * as the service validates them (any function: a JSON Schema of `type: "object"`; with
 * `strict: true`, the structured-outputs subset).
 */
import { reject, type ApiRejection } from './rejection.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Tool (and function) names the service accepts: `^[a-zA-Z0-9_-]+$`, at most 64 characters. */
const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Checks `tools`; `null` when the service would accept them.
 * @example
 * checkTools([{ type: 'function', name: 'f', strict: true, parameters: { type: 'object', properties: {} } }])?.error.code;
 * // 'invalid_function_parameters'
 */
export function checkTools(tools: unknown): ApiRejection | null {
  if (!Array.isArray(tools)) return reject(400, "Invalid type for 'tools': expected an array.", 'tools', 'invalid_type');
  for (const [i, tool] of tools.entries()) {
    if (!isObj(tool) || typeof tool.type !== 'string') return reject(400, `Missing required parameter: 'tools[${i}].type'.`, `tools[${i}].type`, 'missing_required_parameter');
    if (tool.type !== 'function' && tool.type !== 'custom') continue; // hosted tools: not sent by turnstate
    if (typeof tool.name !== 'string' || !NAME_PATTERN.test(tool.name)) {
      // The service's pattern error for names (function-calling guide: a-z, A-Z, 0-9, _ and -, max 64).
      return reject(
        400,
        `Invalid 'tools[${i}].name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
        `tools[${i}].name`,
        'invalid_value',
      );
    }
    if (tool.type === 'function') {
      const error = checkFunctionSchema(tool.parameters, tool.strict === true);
      if (error) return reject(400, `Invalid schema for function '${tool.name}': ${error}`, `tools[${i}].parameters`, 'invalid_function_parameters');
    }
  }
  return null;
}

/** Python-style tuple of the path inside the schema, as the service prints `context=(...)`. */
function context(path: string[]): string {
  if (path.length === 0) return '()';
  const parts = path.map((p) => `'${p}'`);
  return path.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/**
 * The service's complaint about a function's parameters, or `null`. Every function schema
 * must be an object schema at the top. Strict mode (OpenAI structured outputs: "all fields
 * must be required", "additionalProperties: false must always be set in objects") applies
 * those two rules to every object schema, however deeply nested.
 */
function checkFunctionSchema(schema: unknown, strict: boolean): string | null {
  const topType = isObj(schema) ? schema.type : undefined;
  if (topType !== 'object') {
    return `schema must be a JSON Schema of 'type: "object"', got 'type: "${topType === undefined ? 'None' : String(topType)}"'.`;
  }
  return strict && isObj(schema) ? checkStrict(schema, []) : null;
}

function checkStrict(schema: Record<string, unknown>, path: string[]): string | null {
  const isObject = schema.type === 'object' || (Array.isArray(schema.type) && schema.type.includes('object')) || isObj(schema.properties);
  if (isObject) {
    if (schema.additionalProperties !== false) {
      return `In context=${context(path)}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const properties = isObj(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? schema.required : null;
    const missing = Object.keys(properties).find((key) => !required?.includes(key));
    if (missing !== undefined || required === null) {
      const tail = missing === undefined ? '' : ` Missing '${missing}'.`;
      return `In context=${context(path)}, 'required' is required to be supplied and to be an array including every key in properties.${tail}`;
    }
    for (const [key, child] of Object.entries(properties)) {
      const error = isObj(child) ? checkStrict(child, [...path, 'properties', key]) : null;
      if (error) return error;
    }
  }
  if (isObj(schema.items)) {
    const error = checkStrict(schema.items, [...path, 'items']);
    if (error) return error;
  }
  for (const keyword of ['anyOf', 'allOf', 'oneOf'] as const) {
    const branches = schema[keyword];
    if (!Array.isArray(branches)) continue;
    for (const [i, branch] of branches.entries()) {
      const error = isObj(branch) ? checkStrict(branch, [...path, keyword, String(i)]) : null;
      if (error) return error;
    }
  }
  for (const keyword of ['$defs', 'definitions'] as const) {
    const defs = schema[keyword];
    if (!isObj(defs)) continue;
    for (const [key, def] of Object.entries(defs)) {
      const error = isObj(def) ? checkStrict(def, [...path, keyword, key]) : null;
      if (error) return error;
    }
  }
  return null;
}
