/**
 * Inspector traffic per turn: the bytes `@statelyai/inspect` would send over its WebSocket
 * (each inspection event serialised as its WebSocket adapter does: `safe-stable-stringify`,
 * depth 10) during turn 1 and turn N of one conversation (one tool call per turn, history
 * carried), without and with `inspectorSanitizers()`. `npm run bench:inspector` prints it.
 */
import os from 'node:os';
import { createInspector } from '@statelyai/inspect';
import { configure } from 'safe-stable-stringify';
import { z } from 'zod';
import { inspectorSanitizers, type InspectorSanitizerOptions } from '../src/inspect/sanitizers.js';
import { createThread } from '../src/runtime/create-thread.js';
import { defineTool } from '../src/tools/router.js';
import { scriptedModel, scriptedTurn } from '../src/testing/scripted-model.js';

const stringify = configure({ maximumDepth: 10 });
const settle = () => new Promise((r) => setTimeout(r, 5));

const echo = defineTool({ name: 'echo', description: 'Echoes a text.', parameters: z.object({ text: z.string() }), execute: ({ text }) => text.repeat(20) });

/**
 * Bytes sent per turn for the turns listed (1-based), with the given sanitizers (none: raw).
 * @example
 * await inspectorBytesPerTurn([1, 40], {}); // { 1: 21000, 40: 23000 }
 */
export async function inspectorBytesPerTurn(turns: number[], sanitizers: InspectorSanitizerOptions | null): Promise<Record<number, number>> {
  let bytes = 0;
  const inspector = createInspector({ send: (event) => void (bytes += Buffer.byteLength(stringify(event) ?? '')) }, sanitizers ? inspectorSanitizers(sanitizers) : {});
  let call = 0;
  const model = scriptedModel((_req, i) =>
    i % 2 === 0 ? scriptedTurn.functionCall(`call_${++call}`, 'echo', JSON.stringify({ text: `note ${call} about the project` })) : scriptedTurn.reply(`Done with step ${call}: `.repeat(10)),
  );
  const thread = await createThread({ model, tools: [echo], builtinTools: false, ephemeral: true, cwd: os.tmpdir(), inspect: inspector.inspect });
  const last = Math.max(...turns);
  const out: Record<number, number> = {};
  for (let turn = 1; turn <= last; turn++) {
    await settle();
    const before = bytes;
    await thread.run(`Step ${turn}: please look at the next part of the project and report back.`);
    await settle();
    if (turns.includes(turn)) out[turn] = bytes - before;
  }
  await thread.shutdown();
  return out;
}

async function main(): Promise<void> {
  const turns = [1, 40];
  const raw = await inspectorBytesPerTurn(turns, null);
  const summary = await inspectorBytesPerTurn(turns, {});
  const redacted = await inspectorBytesPerTurn(turns, { redact: () => '[redacted]' });
  const kib = (n: number | undefined) => `${((n ?? 0) / 1024).toFixed(1)} KiB`;
  const row = (name: string, r: Record<number, number>) => `| ${name} | ${kib(r[1])} | ${kib(r[40])} | ${((r[40] ?? 0) / (r[1] ?? 1)).toFixed(2)}× |`;
  console.log('| inspector bytes per turn | turn 1 | turn 40 | turn 40 / turn 1 |\n|---|---|---|---|');
  console.log(row('raw (no sanitizers)', raw));
  console.log(row('inspectorSanitizers()', summary));
  console.log(row("inspectorSanitizers({ redact: () => '[redacted]' })", redacted));
}

if (process.argv[1]?.endsWith('inspector.js')) await main();
