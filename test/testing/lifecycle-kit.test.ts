/** The shipped lifecycle kit: its checkers catch broken logs, its driver runs steps. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TURN_ABORTED_MARKER_TEXT, type Event, type EventMsg } from 'turnstate';
import { LifecycleDriver, checkApprovals, checkEventLog, describeStep, lifecycleArbitraries } from 'turnstate/testing';

const e = (id: string, msg: EventMsg): Event => ({ id, msg });
const started = (id: string) => e(id, { type: 'task_started', turn_id: id, collaboration_mode_kind: 'default' });
const complete = (id: string) => e(id, { type: 'task_complete', turn_id: id });
const aborted = (id: string) => e(id, { type: 'turn_aborted', turn_id: id, reason: 'interrupted' });

describe('checkEventLog', () => {
  it('accepts a well-formed log', () => {
    const log = [started('t1'), complete('t1'), started('t2'), aborted('t2'), e('s', { type: 'shutdown_complete' })];
    expect(checkEventLog(log, { historyTexts: ['hi', TURN_ABORTED_MARKER_TEXT] }).violations).toEqual([]);
  });

  it('reports overlapping turns, events after an end, after shutdown, unended turns and missing markers', () => {
    const log = [
      started('t1'),
      started('t2'),
      complete('t1'),
      e('t1', { type: 'warning', message: 'late' }),
      aborted('t2'),
      started('t3'),
      e('s', { type: 'shutdown_complete' }),
      e('', { type: 'warning', message: 'after' }),
    ];
    const { violations } = checkEventLog(log, { historyTexts: [] });
    expect(violations).toEqual([
      '#1 task_started (t2): a turn started while turn t1 is active',
      '#3 warning (t1): event after the end of turn t1',
      '#7 warning (no id): event after shutdown_complete',
      'turns never ended before shutdown_complete: t3',
      '0 <turn_aborted> marker(s) in history for 1 interrupted abort(s)',
    ]);
  });
});

describe('checkApprovals', () => {
  it('reports double, late and unsent resolutions', () => {
    const sent = new Map([['a1', ['approved' as const]]]);
    expect(
      checkApprovals(
        [
          { id: 'a1', turnId: 't1', decision: 'approved', turnEnded: false },
          { id: 'a1', turnId: 't1', decision: 'denied', turnEnded: true },
        ],
        sent,
      ),
    ).toEqual(['approval a1 resolved twice', 'approval a1 resolved after its turn t1 ended', 'approval a1 resolved with "denied", which was never sent for it']);
  });
});

describe('lifecycleArbitraries + LifecycleDriver', () => {
  it('generates every step kind', () => {
    const kinds = new Set(fc.sample(lifecycleArbitraries(fc).step, { numRuns: 400, seed: 1 }).map((s) => s.kind));
    expect([...kinds].sort()).toEqual(['approve', 'clearGoal', 'finish', 'interrupt', 'setGoal', 'shutdown', 'spawn', 'spawnApprover', 'steer', 'userInput']);
  });

  it('drives a thread: input, approval, interrupt, shutdown — no violations', async () => {
    const driver = await LifecycleDriver.start();
    try {
      const steps = [
        { kind: 'userInput', text: 'go' },
        { kind: 'spawnApprover' },
        { kind: 'approve', target: 'current', decision: 'approved' },
        { kind: 'spawn', behaviour: 'nonCooperative' },
        { kind: 'interrupt' },
        { kind: 'shutdown' },
      ] as const;
      for (const step of steps) {
        await driver.apply(step);
        expect(driver.violations(), describeStep(step)).toEqual([]);
      }
      expect(driver.resolutions.map((r) => r.decision)).toEqual(['approved']);
      expect(driver.log.filter((x) => x.msg.type === 'turn_aborted').map((x) => (x.msg as { reason: string }).reason)).toEqual(['replaced', 'interrupted']);
    } finally {
      driver.release();
    }
  });
});
