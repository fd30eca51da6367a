/**
 * The context manager: a thread's model-visible history as plain JSON, with pure functions to
 * record, normalise, roll back, estimate and compact it.
 */
export * from './classify.js';
export * from './compact.js';
export * from './initial-context.js';
export * from './input.js';
export * from './normalize.js';
export * from './pairs.js';
export * from './permissions.js';
export * from './state.js';
export * from './summary.js';
export * from './tokens.js';
export * from './truncate.js';
export * from './turns.js';
