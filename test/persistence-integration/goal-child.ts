/**
 * The child process of the durable-goal test (bundled with rolldown, run with plain `node`):
 * resumes a thread under `home`, reports the goal it found, then runs two user turns whose
 * usage crosses the goal's budget, and prints one JSON report on stdout.
 *
 * Usage: node goal-child.mjs <home> <thread id>
 */
import { writeSync } from 'node:fs';
import { z } from 'zod';
import { createThread, defineTool, type EventMsg } from '../../src/index.js';
import { scriptedModel, scriptedTurn } from '../../src/testing/index.js';

const [home = '', threadId = ''] = process.argv.slice(2);
const usage = (input: number, output: number) => ({ input_tokens: input, cached_input_tokens: 0, output_tokens: output, reasoning_output_tokens: 0, total_tokens: input + output });

const model = scriptedModel([
  // Turn 3: a tool call whose response crosses the budget, then the reply.
  scriptedTurn.functionCall('call_noop', 'noop', '{}', { usage: usage(400, 50) }),
  scriptedTurn.reply('wrapping up', { usage: usage(100, 10) }),
  // Turn 4.
  scriptedTurn.reply('still here', { usage: usage(50, 5) }),
]);
const noop = defineTool({ name: 'noop', description: 'Does nothing', parameters: z.object({}), execute: () => 'ok' });
const thread = await createThread({ home, cwd: '/tmp', model, tools: [noop], builtinTools: false, resume: { threadId } });

const events: EventMsg[] = [];
let turnsDone = 0;
let wake: () => void = () => {};
thread.onEvent(({ msg }) => {
  events.push(msg);
  if (msg.type === 'warning' || msg.type === 'error') writeSync(2, `${msg.type}: ${msg.message}\n`);
  if (msg.type === 'task_complete') {
    turnsDone++;
    wake();
  }
});
await thread.whenProcessed();
const resumedGoal = thread.getGoal();
const startedAtStartup = events.filter((e) => e.type === 'task_started').length;

for (const text of ['turn three', 'turn four']) {
  const target = turnsDone + 1;
  const done = new Promise<void>((resolve) => (wake = () => turnsDone >= target && resolve()));
  await thread.submit({ type: 'user_input', items: [{ type: 'text', text }] });
  await done;
  await thread.whenProcessed();
}
const finalGoal = thread.getGoal();
await thread.shutdown();

const updates = events.flatMap((e) => (e.type === 'thread_goal_updated' ? [{ status: e.goal.status, tokensUsed: e.goal.tokensUsed }] : []));
const lastRequestWrapUps = (JSON.stringify(model.requests.at(-1)?.input).match(/Wrap up this turn soon/g) ?? []).length;
writeSync(1, `${JSON.stringify({ resumedGoal, startedAtStartup, updates, finalGoal, turnsStarted: events.filter((e) => e.type === 'task_started').length, lastRequestWrapUps })}\n`);
