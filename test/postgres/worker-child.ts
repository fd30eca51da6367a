/**
 * A worker process of the lease tests (bundled with rolldown, run with plain `node`): takes
 * the write lease of a thread in the PostgreSQL store through createThread, creates or resumes the thread, and runs
 * user turns (scripted model), `turns` of them or until killed.
 *
 * Prints `busy <holder>` (exit 3) when another worker holds the thread, `leased <token>` once
 * it holds it, `ready` when the thread is up, `done <turn id>` on each `task_complete`,
 * `warn <message>` on each `warning` event, and `closed` after a clean shutdown.
 *
 * Usage: node worker.mjs <url> <schema> <thread id> <new|resume> <holder> <leaseMs> <waitMs> <turns (0: forever)>
 */
import { writeSync } from 'node:fs';
import { createThread } from '../../src/index.js';
import { ThreadBusyError } from '../../src/persistence/index.js';
import { PostgresThreadStore } from '../../src/postgres/index.js';
import { scriptedModel, scriptedTurn } from '../../src/testing/index.js';

const [url = '', schema = '', threadId = '', mode = 'new', holder = '', leaseMs = '1000', waitMs = '0', turns = '0'] = process.argv.slice(2);
const print = (line: string) => writeSync(1, `${line}\n`);

const store = new PostgresThreadStore({ connectionString: url, schema, leaseMs: Number(leaseMs), renewMs: Math.floor(Number(leaseMs) / 4) });
const model = scriptedModel((_request, i) => scriptedTurn.reply(`${holder} reply ${i + 1}`), { recordRequests: false });
let thread;
try {
  // createThread takes the thread's write lease itself (waiting up to waitMs for a live holder).
  thread = await createThread({
    store,
    lease: { holder, waitMs: Number(waitMs) },
    cwd: '/tmp',
    model,
    builtinTools: false,
    ...(mode === 'resume' ? { resume: { threadId } } : { threadId }),
  });
} catch (error) {
  if (!(error instanceof ThreadBusyError)) throw error;
  print(`busy ${error.holder}`);
  await store.close();
  process.exit(3);
}
print(`leased ${store.heldLease(threadId)?.fencingToken}`);
let finished: (() => void) | null = null;
thread.onEvent(({ id, msg }) => {
  if (msg.type === 'task_complete') {
    print(`done ${id}`);
    finished?.();
  }
  if (msg.type === 'warning') print(`warn ${msg.message}`);
});
print('ready');

const limit = Number(turns);
for (let n = 1; limit === 0 || n <= limit; n++) {
  const done = new Promise<void>((resolve) => (finished = resolve));
  await thread.submitWithId({ id: `${holder}-t${n}`, op: { type: 'user_input', items: [{ type: 'text', text: `${holder} text ${n}` }] } });
  await done;
  // Unbounded workers pace themselves, so a paused or killed one leaves a short rollout.
  if (limit === 0) await new Promise((resolve) => setTimeout(resolve, 20));
}
await thread.shutdown();
await store.close();
print('closed');
