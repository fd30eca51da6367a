/**
 * One tool call the model made. It runs the tool (through the named `runTool` effect) and
 * ends with the call's output item. A tool observes its turn's cancellation itself (an
 * interrupted tool reports "aborted by user"); a force-stopped turn stops its tool actors.
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
    output: {} as ResponseItem | null,
  },
  actors: { runTool: contracts.runTool },
}).createMachine({
  id: 'toolCall',
  context: ({ input }) => ({ ...input, output: null }),
  initial: 'running',
  states: {
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
