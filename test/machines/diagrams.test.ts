/**
 * The README's statechart pictures are generated from the machines (via `xstate/graph`), so
 * they cannot drift: this test fails when they differ. `UPDATE_README=1` rewrites them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { toDirectedGraph, type DirectedGraphNode } from 'xstate/graph';
import { approvalMachine } from '../../machines/approval.machine.js';
import { goalMachine } from '../../machines/goal.machine.js';
import { recorderMachine } from '../../machines/recorder.machine.js';
import { toolCallMachine } from '../../machines/tool-call.machine.js';
import { taskMachine } from '../../machines/task.machine.js';
import { threadMachine } from '../../machines/thread.machine.js';
import { turnMachine } from '../../machines/turn.machine.js';
import { mcpServerMachine } from '../../machines/mcp-server.machine.js';

const nameOf = (node: DirectedGraphNode) => node.stateNode.path.join('_') || node.stateNode.machine.id;

function label(text: string): string {
  if (text.startsWith('xstate.done.actor.')) return 'done';
  // `xstate.after.<delay>.<state id>`: the task's grace timeout keeps its short name.
  if (text.startsWith('xstate.after.')) return text.startsWith('xstate.after.graceTimeout.') ? 'after grace' : `after ${text.split('.')[2]}`;
  if (text.startsWith('xstate.error.actor.')) return 'error';
  if (text === '') return 'always';
  return text;
}

/** A Mermaid stateDiagram-v2 of a machine: nested states, transitions labelled by event. */
export function toMermaid(machine: AnyStateMachine): string {
  const lines: string[] = ['stateDiagram-v2'];
  const edges: string[] = [];
  const walk = (node: DirectedGraphNode, depth: number) => {
    const pad = '  '.repeat(depth);
    for (const child of node.children) {
      const name = nameOf(child);
      const initial = node.stateNode.initial?.target?.[0] === child.stateNode;
      if (initial) lines.push(`${pad}[*] --> ${name}`);
      else if (child.children.length === 0) lines.push(`${pad}${name}`);
      if (child.children.length > 0) {
        lines.push(`${pad}state ${name} {`);
        walk(child, depth + 1);
        lines.push(`${pad}}`);
      }
      if (child.stateNode.type === 'final') lines.push(`${pad}${name} --> [*]`);
      for (const t of child.stateNode.always ?? []) {
        for (const target of t.target ?? []) {
          const guard = typeof t.guard === 'string' ? t.guard : (t.guard as { type?: string } | undefined)?.type;
          edges.push(`  ${name} --> ${target.path.join('_')}: always${guard ? ` [${guard}]` : ''}`);
        }
      }
      for (const edge of child.edges) {
        // Targetless transitions (context updates) are not state changes.
        if (!edge.transition.target) continue;
        const target = edge.target.path.join('_') || machine.id;
        const g = edge.transition.guard;
        const guard = typeof g === 'string' ? g : (g as { type?: string } | undefined)?.type;
        const text = `  ${name} --> ${target}: ${label(edge.label.text)}${guard ? ` [${guard}]` : ''}`;
        if (!edges.includes(text)) edges.push(text);
      }
    }
  };
  walk(toDirectedGraph(machine), 1);
  return [...lines, ...edges].join('\n');
}

const MACHINES: AnyStateMachine[] = [threadMachine, turnMachine, taskMachine, approvalMachine, goalMachine, recorderMachine, toolCallMachine, mcpServerMachine];

function renderSection(): string {
  return MACHINES.map((m) => `#### ${m.id}\n\n\`\`\`mermaid\n${toMermaid(m)}\n\`\`\``).join('\n\n');
}

const START = '<!-- statecharts:start -->';
const END = '<!-- statecharts:end -->';

describe('README statecharts', () => {
  it('match the machines', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const expected = `${START}\n${renderSection()}\n${END}`;
    const current = readme.slice(readme.indexOf(START), readme.indexOf(END) + END.length);
    if (process.env.UPDATE_README && current !== expected) {
      writeFileSync(new URL('../../README.md', import.meta.url), readme.replace(current, expected));
      return;
    }
    expect(current).toBe(expected);
  });
});
