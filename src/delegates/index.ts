/**
 * Delegates: child threads driven from a parent turn (seed 004, SPEC §11.1). Review mode, a
 * task built on them (SPEC §4.4), lives in `src/tasks/review`.
 */
export { startDelegate, delegateLogic } from './delegate.js';
export { routeChildEvent, endsOneShot, type ChildEventRoute } from './forwarding.js';
export type { ChildThread, ChildThreadSpec, DelegateHandle, DelegateOptions, DelegateParent, OpenChildThread, TurnDelegateOptions } from './types.js';
