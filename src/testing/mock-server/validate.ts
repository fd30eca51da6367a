/**
 * The request checks the real Responses API performs before it streams anything, so the mock
 * server refuses what the service refuses, with the service's HTTP status and error body
 * (`{"error":{"message","type":"invalid_request_error","param","code"}}`).
 *
 * Sources of the rules, each repeated at the rule:
 * - field names: the `openai` SDK's `ResponseCreateParamsBase` and `ResponseInputItem`
 *   types (6.x), which are generated from the API's OpenAPI schema;
 * - error texts and statuses: the messages the service returns, as quoted in public bug
 *   reports against Responses API clients (e.g. continuedev/continue#9101,
 *   anomalyco/opencode#7724 for the `store: false` 404) and in OpenAI's function-calling
 *   guide (strict mode: every object closed with `additionalProperties: false`, every
 *   property listed in `required`).
 */
import { reject, type ApiRejection } from './rejection.js';
import { checkInputItems } from './validate-input.js';
import { checkTools } from './validate-tools.js';

/**
 * Top-level fields of a `POST /responses` body: the keys of the SDK's
 * `ResponseCreateParamsBase` (streaming and non-streaming variants share them), plus
 * `client_metadata`, which the SDK does not type but Codex 0.169 sends on every request to
 * api.openai.com (so the service accepts it; `npm run test:codex` sends it through this mock).
 */
const TOP_LEVEL_FIELDS: ReadonlySet<string> = new Set([
  'background',
  'client_metadata',
  'context_management',
  'conversation',
  'include',
  'input',
  'instructions',
  'max_output_tokens',
  'max_tool_calls',
  'metadata',
  'model',
  'moderation',
  'parallel_tool_calls',
  'previous_response_id',
  'prompt',
  'prompt_cache_key',
  'prompt_cache_options',
  'prompt_cache_retention',
  'reasoning',
  'safety_identifier',
  'service_tier',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'text',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'truncation',
  'user',
]);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a `POST /responses` body the way the service does; `null` when it would be accepted.
 * Order of checks: body shape, unknown top-level fields, `model`, tools, input items
 * (fields, server-state references under `store: false`, call/output pairing).
 * @example
 * validateResponsesRequest({ model: 'gpt-5.1', input: [], bogus: 1 })?.error.code; // 'unknown_parameter'
 */
export function validateResponsesRequest(body: unknown): ApiRejection | null {
  if (!isObj(body)) {
    // The service's answer to a body that is not a JSON object.
    return reject(400, 'We could not parse the JSON body of your request. The body must be a JSON object.');
  }
  for (const key of Object.keys(body)) {
    // Any key outside the request schema: 400 "Unknown parameter: '<key>'." (code unknown_parameter).
    if (!TOP_LEVEL_FIELDS.has(key)) return reject(400, `Unknown parameter: '${key}'.`, key, 'unknown_parameter');
  }
  if (typeof body.model !== 'string' || body.model === '') {
    return reject(400, "Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  }
  if (body.tools !== undefined) {
    const toolError = checkTools(body.tools);
    if (toolError) return toolError;
  }
  if (Array.isArray(body.input)) {
    // `store` defaults to true on the service; only an explicit false makes items unpersisted.
    return checkInputItems(body.input, { store: body.store !== false });
  }
  return null;
}
