/**
 * Differential tests against the real Codex CLI (the version in codex-cli.ts): both engines
 * answer from the same scripted SSE on one loopback server and share one sessions directory.
 * Checked both ways: a Codex thread resumed by turnstate, a turnstate thread resumed by
 * `codex exec resume`, and a rollout both keep appending to.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { ev, type RecordedRequest, type ScriptedResponse } from 'turnstate/testing';
import { onlyRollout, rawLines } from './codex-cli.js';
import { inputOf, messageText, modelVisible, scrubCodexRollout } from './compare.js';
import { Bench } from './engines.js';

const bin = inject('codexBin');
const skip = inject('codexSkip');
if (bin === null) console.log(`[skip] Codex compatibility tests: ${skip}`);

const assistant = (text: string) => ({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
const say = (id: string, text: string): ScriptedResponse => ({ events: [ev.created(id), ev.assistantMessage(`msg_${id}`, text), ev.completed(id)] });

/** Codex's tool turn: reasoning and an `exec_command` call, then an answer. */
const codexToolTurn: ScriptedResponse[] = [
  {
    events: [
      ev.created('resp_c1'),
      ev.reasoning('rs_c1', ['Listing the folder first.']),
      ev.functionCall('call_c1', 'exec_command', JSON.stringify({ cmd: 'echo codex-tool-output' })),
      ev.completed('resp_c1'),
    ],
  },
  say('resp_c2', 'Codex ran the command.'),
];
/** turnstate's tool turn: a host tool call, then an answer. */
const turnstateToolTurn: ScriptedResponse[] = [
  { events: [ev.created('resp_t1'), ev.functionCall('call_t1', 'lookup', JSON.stringify({ word: 'ledger' })), ev.completed('resp_t1')] },
  say('resp_t2', 'turnstate looked it up.'),
];

const userTexts = (request: RecordedRequest | undefined) =>
  inputOf(request?.body)
    .filter((item) => item.role === 'user')
    .map(messageText)
    .filter((text) => !text.startsWith('<'));

describe.skipIf(bin === null)('rollouts shared with Codex', () => {
  let bench: Bench;
  beforeEach(async () => {
    bench = await Bench.open();
  });
  afterEach(async () => {
    await bench.close();
  });

  it('a Codex thread resumed by turnstate: the next request carries the same history and base instructions', async () => {
    const codex = await bench.codex(bin as string, ['List the folder.'], codexToolTurn);
    const path = await onlyRollout(bench.home);
    const lines = await rawLines(path);
    const meta = lines[0]?.payload as { id: string; base_instructions: { text: string } };
    if (process.env.RECORD_CODEX_FIXTURES === '1') {
      const fixture = fileURLToPath(new URL('../fixtures/rollouts/codex-0.169-tool-turn.jsonl', import.meta.url));
      await writeFile(fixture, scrubCodexRollout(await readFile(path, 'utf8')));
    }

    const resumed = await bench.turnstate('Now look up a word.', turnstateToolTurn, meta.id);

    // The thread keeps the instructions it was started with (Codex's), not turnstate's default.
    const fresh = await bench.turnstate('A thread of its own.', [say('resp_t0', 'ok')]);
    const freshInstructions = (fresh.requests[0]?.body as { instructions: string }).instructions;
    expect(meta.base_instructions.text).not.toBe(freshInstructions);
    expect((resumed.requests[0]?.body as { instructions: string }).instructions).toBe(meta.base_instructions.text);
    // What Codex last sent (minus its instructions message), plus its answer, is where turnstate picks up.
    const codexHistory = [...inputOf(codex.requests[1]?.body).slice(1), assistant('Codex ran the command.')].map(modelVisible);
    expect(codexHistory.map((item) => (item as { type: string }).type)).toEqual(['message', 'message', 'message', 'reasoning', 'function_call', 'function_call_output', 'message']);
    expect(inputOf(resumed.requests[0]?.body).slice(0, codexHistory.length).map(modelVisible)).toEqual(codexHistory);
    expect(resumed.warnings.filter((w) => w.includes('unreadable'))).toEqual([]);
    expect(resumed.warnings.join('\n')).toContain('world_state');
  });

  it('a turnstate thread resumed by `codex exec resume`: Codex’s next request carries turnstate’s history', async () => {
    const created = await bench.turnstate('Look up a word.', turnstateToolTurn);
    const lines = await rawLines(await onlyRollout(bench.home));
    const meta = lines[0]?.payload as { source: unknown; model_provider: unknown; base_instructions: { text: string } };
    expect([meta.source, meta.model_provider]).toEqual(['unknown', 'mock']);

    const codex = await bench.codex(bin as string, ['resume', created.threadId, 'Now list the folder.'], [say('resp_c3', 'Codex continues.')]);

    expect(codex.run.events[0]).toEqual({ type: 'thread.started', thread_id: created.threadId });
    const sent = inputOf(codex.requests[0]?.body);
    expect(sent[0]?.role).toBe('developer');
    expect(messageText(sent[0])).toBe(meta.base_instructions.text);
    const turnstateHistory = [...inputOf(created.requests[1]?.body), assistant('turnstate looked it up.')].map(modelVisible);
    expect(turnstateHistory.map((item) => (item as { type: string }).type)).toEqual(['message', 'message', 'message', 'function_call', 'function_call_output', 'message']);
    expect(sent.slice(1, 1 + turnstateHistory.length).map(modelVisible)).toEqual(turnstateHistory);
    expect(userTexts(codex.requests[0])).toEqual(['Look up a word.', 'Now list the folder.']);

    // turnstate's rollouts are unpaginated; Codex keeps appending to them that way, and turnstate reopens the result.
    const after = await rawLines(await onlyRollout(bench.home));
    expect(after.length).toBeGreaterThan(lines.length);
    expect(after.filter((line) => line.ordinal !== undefined)).toEqual([]);
    const again = await bench.turnstate('Back in turnstate.', [say('resp_t4', 'Back.')], created.threadId);
    expect(userTexts(again.requests[0])).toEqual(['Look up a word.', 'Now list the folder.', 'Back in turnstate.']);
    expect(again.warnings.filter((w) => w.includes('unreadable'))).toEqual([]);
  });

  it('a rollout appended to by both engines in turn still opens in both, its ordinals contiguous', async () => {
    await bench.codex(bin as string, ['First, list the folder.'], codexToolTurn);
    const path = await onlyRollout(bench.home);
    const id = (await rawLines(path))[0]?.payload as { id: string };

    const second = await bench.turnstate('Second, look up a word.', turnstateToolTurn, id.id);
    const third = await bench.codex(bin as string, ['resume', id.id, 'Third, from Codex.'], [say('resp_c4', 'Third answer.')]);
    const fourth = await bench.turnstate('Fourth, from turnstate.', [say('resp_t3', 'Fourth answer.')], id.id);
    const fifth = await bench.codex(bin as string, ['resume', id.id, 'Fifth, from Codex.'], [say('resp_c5', 'Fifth answer.')]);

    expect(userTexts(second.requests[0])).toEqual(['First, list the folder.', 'Second, look up a word.']);
    expect(userTexts(third.requests[0])).toEqual(['First, list the folder.', 'Second, look up a word.', 'Third, from Codex.']);
    expect(userTexts(fourth.requests[0])).toEqual(['First, list the folder.', 'Second, look up a word.', 'Third, from Codex.', 'Fourth, from turnstate.']);
    expect(userTexts(fifth.requests[0])).toEqual([
      'First, list the folder.',
      'Second, look up a word.',
      'Third, from Codex.',
      'Fourth, from turnstate.',
      'Fifth, from Codex.',
    ]);
    expect(fourth.warnings.filter((w) => w.includes('unreadable'))).toEqual([]);
    // Codex ≥ 0.155 numbers every line of a paginated rollout; the appends continue the count.
    const lines = await rawLines(path);
    expect(lines.map((line) => line.ordinal)).toEqual(lines.map((_, index) => index));
    expect(lines.filter((line) => line.type === 'session_meta')).toHaveLength(1);
  });
});
