/**
 * One decision releases at most one call: a second wait on a call id that is already
 * waiting gets no decision (`null`, without asking), deterministically, on a real thread.
 */
import { afterEach, expect, it } from 'vitest';
import { createThread, type ReviewDecision, type SessionTask, type Thread } from 'turnstate';
import type { EngineContext } from '../../src/tools/turn-context.js';
import { requestCallApproval } from '../../src/tools/builtin/index.js';
import { EventLog } from './support.js';

let thread: Thread | undefined;
afterEach(async () => {
  await thread?.shutdown();
  thread = undefined;
});

it('a second wait on a waiting call id resolves null at once; the decision releases only the first', async () => {
  thread = await createThread({ cwd: '/tmp' });
  const log = new EventLog(thread);
  const results: Array<ReviewDecision | null> = [];
  let asked!: () => void;
  let askedAgain!: () => void;
  const askedOnce = new Promise<void>((r) => (asked = r));
  const askedTwice = new Promise<void>((r) => (askedAgain = r));
  const task: SessionTask<null> = {
    kind: 'asker',
    async run(ctx) {
      const turn = ctx as EngineContext;
      const first = requestCallApproval(turn, 'dup', 'exec');
      results.push(await requestCallApproval(turn, 'dup', 'exec'));
      asked();
      results.push(await first);
      const third = requestCallApproval(turn, 'dup', 'exec'); // free again: waits for its own decision
      askedAgain();
      results.push(await third);
      return null;
    },
  };
  const turnId = await thread.spawnTask(task, null);
  await askedOnce;
  await thread.submit({ type: 'exec_approval', id: 'dup', decision: 'approved' });
  await askedTwice;
  expect(results).toEqual([null, 'approved']);
  await thread.submit({ type: 'exec_approval', id: 'dup', decision: 'denied' });
  await log.untilType('task_complete', { id: turnId });
  expect(results).toEqual([null, 'approved', 'denied']);
});
