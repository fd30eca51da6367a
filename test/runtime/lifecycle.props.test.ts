/**
 * Model-based property test of the lifecycle rules: random interleavings of user input,
 * interrupts, spawns (cooperative, slow, non-cooperative tasks), steers, approvals (valid,
 * stale, duplicate, unknown), goal set/clear and shutdown. After every step the event log
 * and the actor tree are checked against the invariants. The arbitraries, the driver and
 * the checkers are the ones `turnstate/testing` ships to hosts.
 *
 * Replay a failure with FC_SEED=<seed> FC_PATH=<path> (printed by fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LifecycleDriver, describeStep, lifecycleArbitraries } from 'turnstate/testing';

const NUM_RUNS = Number(process.env.FC_RUNS ?? 500);
const arb = lifecycleArbitraries(fc);

describe('lifecycle invariants under random op sequences', () => {
  it(`hold after every step (${NUM_RUNS} sequences)`, async () => {
    await fc.assert(
      fc.asyncProperty(arb.steps({ maxLength: 14 }), async (steps) => {
        const driver = await LifecycleDriver.start();
        try {
          for (const [i, step] of steps.entries()) {
            await driver.apply(step);
            expect(driver.violations(), `after step ${i}: ${describeStep(step)}`).toEqual([]);
          }
          if (!driver.shutdown) {
            await driver.apply({ kind: 'shutdown' });
            expect(driver.violations(), 'after the final shutdown').toEqual([]);
          }
          expect(driver.log.at(-1)?.msg.type).toBe('shutdown_complete');
        } finally {
          driver.release();
        }
      }),
      {
        numRuns: NUM_RUNS,
        timeout: 20_000,
        ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}),
      },
    );
  }, 300_000);
});
