/**
 * `turnstate/testing`: a real loopback Responses server, an in-process scripted model, and
 * property-test helpers for hosts' own suites.
 */
export * from './mock-server/index.js';
export * from './scripted-model.js';
export * from './store-conformance.js';
export * from './lifecycle/index.js';
