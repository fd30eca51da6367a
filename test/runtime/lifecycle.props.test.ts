/**
 * Model-based property test of the lifecycle rules: random interleavings of user input,
 * interrupts, spawns (cooperative, slow, non-cooperative tasks), steers, approvals (valid,
 * stale, duplicate, unknown), goal set/clear and shutdown. After every step the event log
 * and the actor tree are checked against the invariants. The arbitraries, the driver and
 * the checkers are the ones `turnstate/testing` ships to hosts.
 *
 * The second property adds the delegate steps — spawn a sub-agent (one that works, or one
 * that first asks for an approval), answer a child's approval on the parent, interrupt the
 * parent — and checks every child thread against the same rules over its own log, plus the
 * child-approval rules and that no child outlives an interrupt or shutdown of its parent.
 *
 * Replay a failure with FC_SEED=<seed> FC_PATH=<path> (printed by fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LifecycleDriver, describeStep, lifecycleArbitraries } from 'turnstate/testing';

const NUM_RUNS = Number(process.env.FC_RUNS ?? 500);
/** Each delegate run creates child threads: fewer runs in the same time budget. */
const DELEGATE_RUNS = Number(process.env.FC_DELEGATE_RUNS ?? 150);
const arb = lifecycleArbitraries(fc);
const delegateArb = lifecycleArbitraries(fc, { delegates: true });
/** Per-sequence time limit, and the replay of a failure (`FC_SEED`, `FC_PATH`). */
const REPLAY = { timeout: 20_000, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}) };

type Steps = Parameters<LifecycleDriver['apply']>[0][];

/** Applies `steps`, checking the invariants after each, then shuts down (if no step did) and checks again. */
async function runChecked(driver: LifecycleDriver, steps: Steps): Promise<void> {
  for (const [i, step] of steps.entries()) {
    await driver.apply(step);
    expect(driver.violations(), `after step ${i}: ${describeStep(step)}`).toEqual([]);
  }
  if (!driver.shutdown) {
    await driver.apply({ kind: 'shutdown' });
    expect(driver.violations(), 'after the final shutdown').toEqual([]);
  }
  expect(driver.log.at(-1)?.msg.type).toBe('shutdown_complete');
}

describe('lifecycle invariants under random op sequences', () => {
  it(`hold after every step (${NUM_RUNS} sequences)`, async () => {
    await fc.assert(
      fc.asyncProperty(arb.steps({ maxLength: 14 }), async (steps) => {
        const driver = await LifecycleDriver.start();
        try {
          await runChecked(driver, steps);
        } finally {
          driver.release();
        }
      }),
      { numRuns: NUM_RUNS, ...REPLAY },
    );
  }, 300_000);

  it(`hold for the parent and every child thread with delegate steps (${DELEGATE_RUNS} sequences)`, async () => {
    let children = 0;
    let childApprovals = 0;
    await fc.assert(
      fc.asyncProperty(delegateArb.steps({ minLength: 4, maxLength: 14 }), async (steps) => {
        const driver = await LifecycleDriver.start({}, { delegates: true });
        try {
          await runChecked(driver, steps);
          children += driver.children.length;
          childApprovals += driver.childResolutions.length;
        } finally {
          driver.release();
          await driver.closeChildren();
        }
      }),
      { numRuns: DELEGATE_RUNS, ...REPLAY },
    );
    // The runs did spawn children and answer their approvals (the property is not vacuous).
    expect(children).toBeGreaterThan(DELEGATE_RUNS / 4);
    expect(childApprovals).toBeGreaterThan(0);
  }, 300_000);
});
