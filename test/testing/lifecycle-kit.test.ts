/** The shipped lifecycle kit: its checkers catch broken logs, its driver runs steps. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TURN_ABORTED_MARKER_TEXT, type Event, type EventMsg } from 'turnstate';
import { LifecycleDriver, checkApprovals, checkChildApprovals, checkEventLog, describeStep, lifecycleArbitraries, type LifecycleStep } from 'turnstate/testing';

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

describe('delegate steps', () => {
  const probeRequest = (parentTurn: string, id: string) =>
    e(parentTurn, { type: 'exec_approval_request', call_id: id, turn_id: parentTurn, command: ['lifecycle-probe'], cwd: '/tmp', parsed_cmd: [] });

  it('are generated only when asked for', () => {
    const kinds = (delegates: boolean) => new Set(fc.sample(lifecycleArbitraries(fc, { delegates }).step, { numRuns: 600, seed: 2 }).map((s) => s.kind));
    expect([...kinds(true)].filter((k) => !kinds(false).has(k)).sort()).toEqual(['approveChild', 'interruptParent', 'spawnAgent']);
  });

  it('checkChildApprovals reports unsent decisions, decisions never shown on the parent, and approvals left pending after the parent turn', () => {
    const parentLog = [started('p1'), probeRequest('p1', 'probe_1'), probeRequest('p1', 'probe_2'), probeRequest('', 'probe_3'), complete('p1')];
    const child = { threadId: 'c1', log: [started('c1t'), probeRequest('c1t', 'probe_2')], closed: () => false };
    const resolutions = [
      { id: 'probe_1', turnId: 'c1t', childThreadId: 'c1', decision: 'approved' as const, turnEnded: false },
      { id: 'probe_3', turnId: 'c1t', childThreadId: 'c1', decision: 'approved' as const, turnEnded: false },
      { id: 'probe_9', turnId: 'c1t', childThreadId: 'c1', decision: 'abort' as const, turnEnded: true },
    ];
    expect(checkChildApprovals(parentLog, resolutions, new Map([['probe_3', ['approved' as const]]]), [child])).toEqual([
      'child approval probe_1 resolved with "approved"; allowed: "abort", "denied"',
      'child approval probe_3 resolved with "approved"; allowed: "denied"',
      'child approval probe_9 resolved after its child turn c1t ended',
      'child approval probe_9 resolved without being shown on the parent',
      'child approval probe_2 is still pending after the parent turn p1 it was asked on ended',
    ]);
  });

  it('spawn a child that asks, answer it on the parent, interrupt the parent — each child checked, none left live', async () => {
    const driver = await LifecycleDriver.start({}, { delegates: true });
    try {
      const steps: LifecycleStep[] = [
        { kind: 'spawnAgent', asks: true },
        { kind: 'approveChild', decision: 'approved' },
        { kind: 'finish' },
        { kind: 'spawnAgent', asks: false },
        { kind: 'interruptParent' },
        { kind: 'shutdown' },
      ];
      for (const step of steps) {
        await driver.apply(step);
        expect(driver.violations(), describeStep(step)).toEqual([]);
      }
      // The approval was shown on the parent under the parent's turn, and the child got the parent's answer.
      const shown = driver.log.filter((x) => x.msg.type === 'exec_approval_request');
      expect(shown.map((x) => [x.id === driver.log[0]?.id, (x.msg as { call_id: string }).call_id.startsWith('probe_')])).toEqual([[true, true]]);
      expect(driver.childResolutions.map((r) => r.decision)).toEqual(['approved']);
      expect(driver.children).toHaveLength(2);
      expect(driver.children.map((c) => c.log.filter((x) => x.msg.type === 'task_complete' || x.msg.type === 'turn_aborted').map((x) => x.msg.type))).toEqual([['task_complete'], ['turn_aborted']]);
      expect(driver.children.every((c) => c.closed())).toBe(true);
      expect(driver.thread.subAgents()).toEqual([]);
    } finally {
      driver.release();
      await driver.closeChildren();
    }
  });
});
