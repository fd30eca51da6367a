/**
 * The error answer of the mock server's request checks, in the Responses API's shape.
 */

/**
 * An error the mock answers instead of a stream: the HTTP status and the API's error body
 * (`{"error":{"message","type":"invalid_request_error","param","code"}}`).
 * @example
 * const e: ApiRejection = { status: 400, error: { message: "Unknown parameter: 'foo'.", type: 'invalid_request_error', param: 'foo', code: 'unknown_parameter' } };
 */
export interface ApiRejection {
  status: number;
  error: { message: string; type: 'invalid_request_error'; param: string | null; code: string | null };
}

/**
 * Builds an {@link ApiRejection}.
 * @example
 * reject(400, "Missing required parameter: 'model'.", 'model', 'missing_required_parameter').status; // 400
 */
export function reject(status: number, message: string, param: string | null = null, code: string | null = null): ApiRejection {
  return { status, error: { message, type: 'invalid_request_error', param, code } };
}
