/**
 * Renders a turnstate machine as a Mermaid state diagram with `xstate/graph`, straight from
 * the `turnstate/machines` entry (`test/machines/entry.test.ts` runs it).
 */
import type { AnyStateNode } from 'xstate';
import { toDirectedGraph, type DirectedGraphNode } from 'xstate/graph';
import { approvalMachine, goalMachine, recorderMachine, taskMachine, threadMachine, toolCallMachine, turnMachine } from 'turnstate/machines';

const machines = { thread: threadMachine, turn: turnMachine, task: taskMachine, approval: approvalMachine, goal: goalMachine, recorder: recorderMachine, toolCall: toolCallMachine };

/** The machine as `stateDiagram-v2` lines: one `from --> to: event` per transition. */
export function renderMachine(name: keyof typeof machines): string {
  const lines = ['stateDiagram-v2'];
  const nameOf = (node: AnyStateNode) => node.path.join('.') || name;
  const walk = (node: DirectedGraphNode): void => {
    for (const edge of node.edges) lines.push(`  ${nameOf(edge.source)} --> ${nameOf(edge.target)}: ${edge.label.text || 'always'}`);
    node.children.forEach(walk);
  };
  walk(toDirectedGraph(machines[name]));
  return lines.join('\n');
}
