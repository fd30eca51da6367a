/**
 * `turnstate/openai`: the `openai` SDK adapter. `openaiModel` is the entry point; the pure
 * converters are exported for hosts that feed events from their own transport.
 */
export { openaiModel } from './client.js';
export type { OpenAIModelOptions } from './client.js';
export {
  convertResponsesEvent,
  decodeSseMessage,
  failedResponseError,
  parseRetryAfter,
  QUOTA_EXCEEDED_MESSAGE,
  tokenUsageFromResponses,
} from './convert.js';
export type { RawStreamEvent } from './convert.js';
export { parseRateLimits, streamOpenEvents } from './headers.js';
export { responsesRequestBody, turnHeaders } from './request.js';
export { toResponsesInput } from './input.js';
export { chatRequestBody, toChatMessages, toChatTool } from './chat-request.js';
export { ChatStreamConverter } from './chat-stream.js';
export { abortError, isAbortError, toModelError } from './errors.js';
export { DEFAULT_MAX_SSE_EVENT_LENGTH, SseDecoder, SseEventTooLargeError } from './sse.js';
export type { SseDecoderOptions } from './sse.js';
export type { SseMessage } from './sse.js';
export { readSse, DEFAULT_STREAM_IDLE_TIMEOUT_MS } from './body.js';
