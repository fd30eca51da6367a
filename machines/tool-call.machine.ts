/**
 * One tool call the model made. It runs the tool (through the named `runTool` effect) and
 * ends with the call's output item. A tool observes its turn's cancellation itself (an
 * interrupted tool reports "aborted by user"); a force-stopped turn stops its tool actors.
 *
 * Invariant: a call runs only after its turn sends `GATE.OPEN` — at once when the turn's
 * readiness gate is open, otherwise when the ghost snapshot is done (or given up).
 * A runner that rejects ends the call in `failed` with the error's `{ code, message }` and no
 * output; the runtime then answers the model with a failed tool output.
 */
import { assign, setup } from 'xstate';
import type { ResponseItem } from '../src/protocol/index.js';
import { contracts, failureOf, type Failure, type ToolCallSpec } from './contracts.js';

export interface ToolCallContext extends ToolCallSpec {
  output: ResponseItem | null;
  /** Why the runner rejected (`failed` state only). */
  error: Failure | null;
}

export const toolCallMachine = setup({
  types: {
    input: {} as ToolCallSpec,
    context: {} as ToolCallContext,
    events: {} as { type: 'GATE.OPEN' },
    output: {} as ResponseItem | null,
  },
  actors: { runTool: contracts.runTool },
}).createMachine({
  id: 'toolCall',
  context: ({ input }) => ({ ...input, output: null, error: null }),
  initial: 'awaitingGate',
  states: {
    awaitingGate: {
      on: { 'GATE.OPEN': 'running' },
    },
    running: {
      invoke: {
        src: 'runTool',
        input: ({ context }) => ({ key: context.key, callId: context.callId, name: context.name, turnId: context.turnId, item: context.item }),
        onDone: { target: 'completed', actions: assign({ output: ({ event }) => event.output }) },
        onError: { target: 'failed', actions: assign({ error: ({ event }) => failureOf(event.error, 'tool_runner_failed') }) },
      },
    },
    completed: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }) => context.output,
});
