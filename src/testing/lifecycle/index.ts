/** The lifecycle property-test kit: arbitraries, task behaviours, a driver and invariant checkers. */
export * from './arbitraries.js';
export * from './invariants.js';
export * from './tasks.js';
export * from './delegates.js';
export * from './driver.js';
