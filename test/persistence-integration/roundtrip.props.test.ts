/**
 * Property: for random sessions (user turns, tool calls, interrupts at three points,
 * compactions, rollbacks, restarts), the history rebuilt from the rollout equals the live
 * history, and the first request after a resume equals the one the live thread sends.
 *
 * Each run: play the commands on a real thread (scripted model), capture the live history,
 * run one more turn on the live thread and record its request, shut down. Then (a) the whole
 * rollout reconstructs to the live history at shutdown; (b) the rollout up to that last turn,
 * copied into a second home, resumes to the history captured before it, and the same last
 * turn sends exactly the same request. fast-check prints the seed and path on failure.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, type ModelRequest, type ResponseItem } from 'turnstate';
import { scriptedModel, scriptedTurn, type ScriptedModelClient, type ScriptedTurn } from 'turnstate/testing';
import { JsonlThreadStore, defaultHistoryOps, parseRolloutText, reconstructHistoryFromRollout } from '../../src/persistence/index.js';
import { assistantMsg, cleanUp, freshHome, liveHistory, open, runOp, runTurn, say, userTurn, type Opened } from './support.js';

afterEach(cleanUp);

type Command =
  | { kind: 'turn' }
  | { kind: 'tool'; calls: number }
  | { kind: 'interrupt'; at: 'stream' | 'partial' | 'tool' }
  | { kind: 'compact' }
  | { kind: 'rollback'; n: number }
  | { kind: 'restart' };

const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'turn' as const }), weight: 4 },
  { arbitrary: fc.integer({ min: 1, max: 2 }).map((calls) => ({ kind: 'tool' as const, calls })), weight: 3 },
  { arbitrary: fc.constantFrom('stream' as const, 'partial' as const, 'tool' as const).map((at) => ({ kind: 'interrupt' as const, at })), weight: 2 },
  { arbitrary: fc.constant({ kind: 'compact' as const }), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 3 }).map((n) => ({ kind: 'rollback' as const, n })), weight: 2 },
  { arbitrary: fc.constant({ kind: 'restart' as const }), weight: 1 },
);

/** A model that plays whatever the test queued for its next request. */
function queuedModel(): { model: ScriptedModelClient; queue: ScriptedTurn[] } {
  const queue: ScriptedTurn[] = [];
  return { model: scriptedModel(() => queue.shift()), queue };
}

/** Host tools: `echo` answers at once; `block` waits until its turn is interrupted. */
function tools(onBlock: () => void) {
  const echo = defineTool({ name: 'echo', description: 'Echoes', parameters: z.object({ text: z.string() }), execute: ({ text }) => `echo: ${text}` });
  const block = defineTool({
    name: 'block',
    description: 'Blocks until interrupted',
    parameters: z.object({}),
    execute: (_args, { signal }) =>
      new Promise<string>((resolve) => {
        onBlock();
        signal.addEventListener('abort', () => resolve('stopped'), { once: true });
      }),
  });
  return [echo, block];
}

const hang: ScriptedTurn = [{ type: 'created' }, { hang: true }];

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000; // a guard against hanging, not a speed bound
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

interface Live {
  s: Opened;
  model: ScriptedModelClient;
  queue: ScriptedTurn[];
}

async function play(live: Live, c: Command, i: number, blocked: { count: number }): Promise<void> {
  const { s, model, queue } = live;
  switch (c.kind) {
    case 'turn':
      queue.push(scriptedTurn.reply(`a${i}`, { itemId: `m${i}` }));
      await userTurn(s, `t${i}`, `u${i}`);
      return;
    case 'tool':
      for (let k = 0; k < c.calls; k++) queue.push(scriptedTurn.functionCall(`call_${i}_${k}`, 'echo', JSON.stringify({ text: `x${i}.${k}` })));
      queue.push(scriptedTurn.reply(`a${i}`, { itemId: `m${i}` }));
      await userTurn(s, `t${i}`, `u${i}`);
      return;
    case 'interrupt': {
      const calls = model.calls;
      const blocks = blocked.count;
      if (c.at === 'stream') queue.push(hang);
      if (c.at === 'partial') queue.push([{ type: 'created' }, { type: 'output_item_done', item: assistantMsg(`partial ${i}`, `m${i}`) }, { hang: true }]);
      if (c.at === 'tool') queue.push(scriptedTurn.functionCall(`call_${i}`, 'block', '{}'));
      await s.thread.submitWithId({ id: `t${i}`, op: say(`u${i}`) });
      if (c.at === 'stream') await until(() => model.calls > calls);
      if (c.at === 'partial') await s.log.until((e) => e.id === `t${i}` && e.msg.type === 'agent_message');
      if (c.at === 'tool') await until(() => blocked.count > blocks);
      await s.thread.submit({ type: 'interrupt' });
      await s.log.until((e) => e.id === `t${i}` && e.msg.type === 'turn_aborted');
      await s.thread.whenProcessed();
      return;
    }
    case 'compact':
      queue.push(scriptedTurn.reply(`summary ${i}`, { itemId: `m${i}` }));
      await runTurn(s, `c${i}`, { type: 'compact' });
      return;
    case 'rollback':
      await runOp(s, `r${i}`, { type: 'thread_rollback', num_turns: c.n });
      return;
    case 'restart':
      return;
  }
}

/** History reconstructed from a rollout text. */
function rebuilt(text: string): ResponseItem[] {
  const { items, skipped } = parseRolloutText(text);
  expect(skipped).toEqual([]);
  return reconstructHistoryFromRollout(items, defaultHistoryOps).history;
}

async function runSession(commands: Command[]): Promise<void> {
  const home = await freshHome();
  const blocked = { count: 0 };
  const toolset = tools(() => blocked.count++);
  let { model, queue } = queuedModel();
  let s = await open({ home, model, tools: toolset });
  const threadId = s.thread.id;
  for (const [i, c] of commands.entries()) {
    if (c.kind === 'restart') {
      // A thread that never got a prompt has nothing stored to resume from.
      if (!existsSync(s.thread.rolloutPath ?? '')) continue;
      const before = liveHistory(s.thread);
      await s.thread.shutdown();
      ({ model, queue } = queuedModel());
      s = await open({ home, model, tools: toolset, resume: { threadId } });
      expect(liveHistory(s.thread), `history after restart at step ${i}`).toEqual(before);
      continue;
    }
    await play({ s, model, queue }, c, i, blocked);
  }

  const beforeLast = liveHistory(s.thread);
  queue.push(scriptedTurn.reply('last answer', { itemId: 'm-last' }));
  await userTurn(s, 'last', 'last question');
  const liveRequest: ModelRequest | undefined = model.requests.at(-1);
  const atShutdown = liveHistory(s.thread);
  await s.thread.shutdown();

  const path = s.thread.rolloutPath ?? '';
  const text = readFileSync(path, 'utf8');
  expect(rebuilt(text), 'whole rollout vs live history at shutdown').toEqual(atShutdown);

  const lines = text.split('\n');
  const lastStart = lines.findIndex((l) => l.includes('"type":"task_started","turn_id":"last"'));
  expect(lastStart).toBeGreaterThan(0);
  const prefix = `${lines.slice(0, lastStart).join('\n')}\n`;
  expect(rebuilt(prefix), 'rollout before the last turn vs live history before it').toEqual(beforeLast);

  const otherHome = await freshHome();
  const copy = join(otherHome, relative(home, path));
  mkdirSync(dirname(copy), { recursive: true });
  writeFileSync(copy, prefix);
  const resumedModel = scriptedModel([scriptedTurn.reply('last answer', { itemId: 'm-last' })]);
  const resumed = await open({ home: otherHome, model: resumedModel, tools: toolset, store: new JsonlThreadStore({ home: otherHome }), resume: { threadId } });
  expect(liveHistory(resumed.thread), 'resumed history').toEqual(beforeLast);
  await userTurn(resumed, 'last', 'last question');
  expect(resumedModel.requests[0], 'first request after resume').toEqual(liveRequest);
  await resumed.thread.shutdown();
}

describe('rollout round trip (property)', () => {
  it('history rebuilt from the rollout equals the live history; the next request after resume equals the live one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 8 }), async (commands) => {
        try {
          await runSession(commands);
        } finally {
          await cleanUp();
        }
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
