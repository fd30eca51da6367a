/**
 * One tool call the model made. It runs the tool (through the named `runTool` effect) and
 * ends with the call's output item. A tool observes its turn's cancellation itself (an
 * interrupted tool reports "aborted by user"); a force-stopped turn stops its tool actors.
 *
 * Invariant: a call runs only after its turn sends `GATE.OPEN` — at once when the turn's
 * readiness gate is open, otherwise when the ghost snapshot is done (or given up).
 */
import { assign, setup } from 'xstate';
import type { ResponseItem } from '../src/protocol/index.js';
import { contracts, type ToolCallSpec } from './contracts.js';

export interface ToolCallContext extends ToolCallSpec {
  output: ResponseItem | null;
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
  context: ({ input }) => ({ ...input, output: null }),
  initial: 'awaitingGate',
  states: {
    awaitingGate: {
      on: { 'GATE.OPEN': 'running' },
    },
    running: {
      invoke: {
        src: 'runTool',
        input: ({ context }) => ({ key: context.key, callId: context.callId, name: context.name, turnId: context.turnId }),
        onDone: { target: 'completed', actions: assign({ output: ({ event }) => event.output }) },
      },
    },
    completed: { type: 'final' },
  },
  output: ({ context }) => context.output,
});
