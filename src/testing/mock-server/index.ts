/**
 * The loopback mock Responses server and its event builders.
 */
export { MockResponsesServer, startMockResponsesServer } from './server.js';
export { chatChunk, ev } from './events.js';
export type { MockUsage } from './events.js';
export { sseFrame, writeScriptedResponse } from './write.js';
export { validateResponsesRequest } from './validate.js';
export type { ApiRejection } from './rejection.js';
export type {
  ChatScriptedResponse,
  ConnectionState,
  HttpErrorScriptedResponse,
  JsonScriptedResponse,
  MockEvent,
  MockScript,
  MockServerOptions,
  RawScriptedResponse,
  RecordedRequest,
  ScriptedResponse,
  SseScriptedResponse,
} from './types.js';
