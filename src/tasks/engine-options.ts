/** Tuning of the turn engine, shared by the regular and compact tasks. */
import { abortableSleep } from './model-errors.js';

/** Tuning of the turn engine. */
export interface TurnEngineOptions {
  /** Retries of a broken stream before the turn reports an error (default 5, max 100). */
  streamMaxRetries: number;
  /** Auto-compaction threshold in tokens (default: 90% of the model's context window). */
  autoCompactTokenLimit: number | null;
  /** Shell name shown in the environment context. */
  shell: string;
  /** Sleep used between retries (tests record the requested delays). */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Random source for retry jitter. */
  random: () => number;
}

export const defaultEngineOptions: TurnEngineOptions = {
  streamMaxRetries: 5,
  autoCompactTokenLimit: null,
  shell: 'bash',
  sleep: abortableSleep,
  random: Math.random,
};


/**
 * Fills unset options with defaults.
 * @example
 * withEngineDefaults({ streamMaxRetries: 2 }).shell; // 'bash'
 */
export function withEngineDefaults(options: Partial<TurnEngineOptions>): TurnEngineOptions {
  const set = Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined && k in defaultEngineOptions));
  return { ...defaultEngineOptions, ...set } as TurnEngineOptions;
}
