/**
 * Property: whatever the cut points of failed stream attempts (0–3 failures, each cut after
 * any number of its events, holding messages and tool calls), the turn's retries resend the
 * first attempt's input, and history (the next request), the rollout and a resumed thread agree
 * on the model's output: the successful attempt's items, each once, in order.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createThread, defineTool, TURN_ABORTED_MARKER_TEXT, type ResponseItem, type Thread } from 'turnstate';
import { scriptedModel, scriptedTurn, type ScriptedStep } from 'turnstate/testing';
import { ModelError } from '../../src/model/types.js';

type Kind = 'message' | 'call';
const echo = defineTool({ name: 'echo', description: 'Echoes', parameters: z.object({}), execute: () => 'echoed' });

function item(kind: Kind, key: string): ResponseItem {
  return kind === 'message'
    ? { type: 'message', role: 'assistant', id: `m_${key}`, content: [{ type: 'output_text', text: `text ${key}` }] }
    : { type: 'function_call', call_id: `c_${key}`, name: 'echo', arguments: '{}' };
}

function itemEvents(it: ResponseItem): ScriptedStep[] {
  const added: ResponseItem = it.type === 'message' ? { ...it, content: [] } : it;
  return [
    { type: 'output_item_added', item: added },
    { type: 'output_item_done', item: it },
  ];
}

/** A stable key for a model-output item, as it appears in requests and the rollout. */
const keyOf = (it: { type?: unknown; role?: unknown; call_id?: unknown; content?: unknown }): string | null => {
  if (it.type === 'function_call') return `call:${String(it.call_id)}`;
  if (it.type === 'message' && it.role === 'user' && JSON.stringify(it.content).includes(JSON.stringify(TURN_ABORTED_MARKER_TEXT).slice(1, 30))) return 'marker';
  if (it.type === 'message' && it.role === 'assistant') return `msg:${(it.content as Array<{ text?: string }>).map((c) => c.text).join('')}`;
  return null;
};
const keys = (items: ReadonlyArray<Record<string, unknown>>) => items.flatMap((i) => keyOf(i) ?? []);
/** The payloads of a rollout file's `response_item` lines, in order. */
const responseItemsOf = (path: string): Array<Record<string, unknown>> =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; payload: Record<string, unknown> })
    .filter((l) => l.type === 'response_item')
    .map((l) => l.payload);

const attemptArb = fc.record({
  kinds: fc.array(fc.constantFrom<Kind>('message', 'call'), { minLength: 1, maxLength: 3 }),
  cut: fc.nat({ max: 6 }),
});
const caseArb = fc.record({
  failures: fc.array(attemptArb, { maxLength: 3 }),
  finalMessages: fc.integer({ min: 1, max: 2 }),
});

async function waitForTurn(thread: Thread, id: string): Promise<void> {
  for (;;) {
    const { id: eventId, msg } = await thread.nextEvent();
    if (eventId === id && (msg.type === 'task_complete' || msg.type === 'turn_aborted')) return;
  }
}

describe('retried streams (property)', () => {
  it('history, rollout and the next request hold the successful attempt once', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ failures, finalMessages }) => {
        const home = await mkdtemp(join(tmpdir(), 'turnstate-retry-'));
        try {
          const script: ScriptedStep[][] = failures.map(({ kinds, cut }, a) => {
            const events = kinds.flatMap((kind, k) => itemEvents(item(kind, `f${a}.${k}`)));
            return [{ type: 'created' }, ...events.slice(0, Math.min(cut, events.length)), { error: new ModelError('stream', `cut ${a}`) }];
          });
          const finalItems = Array.from({ length: finalMessages }, (_, k) => item('message', `ok.${k}`));
          script.push([{ type: 'created' }, ...finalItems.flatMap(itemEvents), { type: 'completed', response_id: 'r', token_usage: null }]);
          script.push(scriptedTurn.reply('next', { itemId: 'm_next' }));
          const model = scriptedModel(script);
          const thread = await createThread({ home, cwd: '/tmp', model, builtinTools: false, tools: [echo], engine: { sleep: async () => undefined } });
          const first = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] });
          await waitForTurn(thread, first);
          const second = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'again' }] });
          await waitForTurn(thread, second);
          const path = thread.rolloutPath ?? '';
          await thread.shutdown();

          const requests = model.requests;
          expect(requests).toHaveLength(failures.length + 2);
          for (let r = 1; r <= failures.length; r++) expect(requests[r]?.input).toEqual(requests[0]?.input);
          const expected = finalItems.map((i) => keyOf(i));
          const nextRequest = keys((requests[failures.length + 1]?.input ?? []) as unknown as Array<Record<string, unknown>>);
          expect(nextRequest).toEqual(expected);

          const rollout = responseItemsOf(path);
          expect(keys(rollout)).toEqual([...expected, 'msg:next']);

          const resumedModel = scriptedModel([scriptedTurn.reply('after')]);
          const again = await createThread({ home, cwd: '/tmp', model: resumedModel, builtinTools: false, resume: { threadId: thread.id } });
          const third = await again.submit({ type: 'user_input', items: [{ type: 'text', text: 'third' }] });
          await waitForTurn(again, third);
          await again.shutdown();
          expect(keys((resumedModel.requests[0]?.input ?? []) as unknown as Array<Record<string, unknown>>)).toEqual([...expected, 'msg:next']);
        } finally {
          await rm(home, { recursive: true, force: true });
        }
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('an interrupt keeps what the attempt completed before it, once, ahead of the marker', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.nat({ max: 3 }), async (total, doneBefore) => {
        const completedBefore = Math.min(doneBefore, total);
        const home = await mkdtemp(join(tmpdir(), 'turnstate-interrupt-'));
        try {
          const items = Array.from({ length: total }, (_, k) => item('message', `i.${k}`));
          const events = items.flatMap(itemEvents);
          const script: ScriptedStep[][] = [
            [{ type: 'created' }, ...events.slice(0, completedBefore * 2), { hang: true }],
            scriptedTurn.reply('next', { itemId: 'm_next' }),
          ];
          const model = scriptedModel(script);
          const thread = await createThread({ home, cwd: '/tmp', model, builtinTools: false, engine: { sleep: async () => undefined } });
          const first = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] });
          let completedSeen = 0;
          while (completedSeen < completedBefore + 1) {
            const { id, msg } = await thread.nextEvent();
            // The user message's own item_completed comes first.
            if (id === first && msg.type === 'item_completed') completedSeen++;
          }
          // The stream has started (it now hangs after the completed items).
          while (model.calls === 0) await new Promise((resolve) => setImmediate(resolve));
          await thread.submit({ type: 'interrupt' });
          for (let msg = (await thread.nextEvent()).msg; msg.type !== 'turn_aborted'; msg = (await thread.nextEvent()).msg);
          const second = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'again' }] });
          await waitForTurn(thread, second);
          const path = thread.rolloutPath ?? '';
          await thread.shutdown();

          const kept = items.slice(0, completedBefore).map((i) => keyOf(i));
          const nextRequest = keys((model.requests[1]?.input ?? []) as unknown as Array<Record<string, unknown>>);
          expect(nextRequest).toEqual([...kept, 'marker']);
          const rollout = responseItemsOf(path);
          expect(keys(rollout)).toEqual([...kept, 'marker', 'msg:next']);
        } finally {
          await rm(home, { recursive: true, force: true });
        }
      }),
      { numRuns: 15 },
    );
  }, 60_000);
});
