/**
 * The child process of the crash test (bundled with rolldown, run with plain `node`):
 * creates or resumes a thread under `home` and runs user turns in a loop until it is killed.
 * It prints `ready` once the thread is up and `done <turn id>` on the synchronous delivery of
 * each `task_complete` — by then the engine has flushed everything the turn recorded.
 *
 * Usage: node child.mjs <home> <thread id> <new|resume> <iteration>
 */
import { writeSync } from 'node:fs';
import { z } from 'zod';
import { createThread, defineTool } from '../../src/index.js';
import { scriptedModel, scriptedTurn } from '../../src/testing/index.js';

const [home = '', threadId = '', mode = 'new', iteration = '0'] = process.argv.slice(2);
const print = (line: string) => writeSync(1, `${line}\n`);

// Turn n: every third turn calls a tool first; replies vary in size (up to ~64 KB lines) so a
// kill can land in the middle of a large write.
const replyFor = (n: number) => `reply ${iteration}.${n} ${'x'.repeat((n % 4) * 16_000)}`;
const plan: Array<ReturnType<typeof scriptedTurn.reply>> = [];
const model = scriptedModel(() => plan.shift(), { recordRequests: false });
const echo = defineTool({ name: 'echo', description: 'Echoes', parameters: z.object({ n: z.number() }), execute: ({ n }) => `echo ${n}` });

const thread = await createThread({
  home,
  cwd: '/tmp',
  model,
  tools: [echo],
  builtinTools: false,
  ...(mode === 'resume' ? { resume: { threadId } } : { threadId }),
});
let finished: (() => void) | null = null;
thread.onEvent(({ id, msg }) => {
  if (msg.type === 'task_complete') {
    print(`done ${id}`);
    finished?.();
  }
});
print('ready');

for (let n = 1; ; n++) {
  if (n % 3 === 0) plan.push(scriptedTurn.functionCall(`call_${iteration}_${n}`, 'echo', JSON.stringify({ n })));
  plan.push(scriptedTurn.reply(replyFor(n), { itemId: `msg_${iteration}_${n}` }));
  const done = new Promise<void>((resolve) => (finished = resolve));
  await thread.submitWithId({ id: `i${iteration}-t${n}`, op: { type: 'user_input', items: [{ type: 'text', text: `text ${iteration}.${n}` }] } });
  await done;
}
