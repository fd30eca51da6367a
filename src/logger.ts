/** Diagnostics that are not protocol events (e.g. a stale approval id). */
import { debuglog } from 'node:util';

export interface Logger {
  warn(message: string, details?: Record<string, unknown>): void;
  debug?(message: string, details?: Record<string, unknown>): void;
}

const debug = debuglog('turnstate');

/**
 * The default logger: silent unless `NODE_DEBUG=turnstate` is set.
 * @example
 * defaultLogger.warn('ignored approval for unknown id', { id: 'call_9' });
 */
export const defaultLogger: Logger = {
  warn: (message, details) => debug('warn: %s %j', message, details ?? {}),
  debug: (message, details) => debug('%s %j', message, details ?? {}),
};
