/**
 * The child process of the single-writer test (bundled with rolldown, run with plain `node`).
 * `resume`: resumes the thread with `createThread` and prints `ready`, or `error <code> <holder>`
 * when that fails. `lock`: takes the store's lease directly and prints `ready <holder>`. Either
 * way it then stays alive until killed.
 *
 * Usage: node writer-child.mjs <home> <thread id> <resume|lock>
 */
import { writeSync } from 'node:fs';
import { createThread } from '../../src/index.js';
import { JsonlThreadStore, ThreadBusyError } from '../../src/persistence/index.js';

const [home = '', threadId = '', mode = 'resume'] = process.argv.slice(2);
const print = (line: string) => writeSync(1, `${line}\n`);

try {
  if (mode === 'lock') {
    const lease = await new JsonlThreadStore({ home }).acquire(threadId);
    print(`ready ${lease.holder}`);
  } else {
    await createThread({ home, cwd: '/tmp', builtinTools: false, resume: { threadId } });
    print('ready');
  }
} catch (error) {
  print(error instanceof ThreadBusyError ? `error ${error.code} ${error.holder}` : `error other ${String(error)}`);
  process.exit(1);
}
setInterval(() => undefined, 60_000);
