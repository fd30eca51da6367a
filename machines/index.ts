/**
 * `turnstate/machines`: every lifecycle machine (pure XState v5 logic), its context, event and
 * output types, and the effect contracts (`contracts`: placeholders the runtime provides with
 * `machine.provide(...)`). Render them with `xstate/graph`, open them in the Stately editor,
 * or test them alone with your own effect implementations.
 * @example
 * import { turnMachine } from 'turnstate/machines';
 * import { toDirectedGraph } from 'xstate/graph';
 * toDirectedGraph(turnMachine).children.map((n) => n.id);
 */
export * from './actor-ids.js';
export * from './contracts.js';
export * from './session.js';
export * from './thread.machine.js';
export * from './turn.machine.js';
export * from './task.machine.js';
export * from './approval.machine.js';
export * from './goal.machine.js';
export * from './recorder.machine.js';
export * from './tool-call.machine.js';
export * from './delegate.machine.js';
