/**
 * fast-check arbitraries for lifecycle steps: user input, interrupts anywhere, host tasks of
 * every behaviour, approvals (current, stale, duplicate, unknown), steers, goal set/clear and
 * shutdown. They are built from the host's own fast-check (`lifecycleArbitraries(fc)`), so
 * `turnstate/testing` loads without it and the arbitraries belong to the fast-check instance
 * that runs the property.
 */
import type * as FastCheck from 'fast-check';
import type { ReviewDecision } from '../../protocol/index.js';
import type { TaskBehaviour } from './tasks.js';

/** Which pending approval a decision targets. */
export type ApprovalTarget = 'current' | 'stale' | 'duplicate' | 'unknown';

/** One step a lifecycle run applies to a thread (see `LifecycleDriver.apply`). */
export type LifecycleStep =
  | { kind: 'userInput'; text: string }
  | { kind: 'interrupt' }
  | { kind: 'spawn'; behaviour: TaskBehaviour }
  | { kind: 'spawnApprover' }
  | { kind: 'finish' }
  | { kind: 'approve'; target: ApprovalTarget; decision: ReviewDecision }
  | { kind: 'steer' }
  | { kind: 'setGoal' }
  | { kind: 'clearGoal' }
  | { kind: 'shutdown' }
  // Delegate steps (`lifecycleArbitraries(fc, { delegates: true })`, `LifecycleDriver.start(options, { delegates: true })`):
  | { kind: 'spawnAgent'; asks: boolean }
  | { kind: 'approveChild'; decision: ReviewDecision }
  | { kind: 'interruptParent' };

/** The parts of fast-check the arbitraries are built from (`import fc from 'fast-check'` fits). */
export type FastCheckApi = Pick<typeof FastCheck, 'array' | 'constant' | 'constantFrom' | 'oneof' | 'tuple'>;

/** The arbitraries `lifecycleArbitraries` returns. */
export interface LifecycleArbitraries {
  taskBehaviour: FastCheck.Arbitrary<TaskBehaviour>;
  decision: FastCheck.Arbitrary<ReviewDecision>;
  approvalTarget: FastCheck.Arbitrary<ApprovalTarget>;
  step: FastCheck.Arbitrary<LifecycleStep>;
  /** Step sequences (shrinking drops and simplifies steps). */
  steps(opts?: { minLength?: number; maxLength?: number }): FastCheck.Arbitrary<LifecycleStep[]>;
}

/** Options of `lifecycleArbitraries`. */
export interface LifecycleArbitraryOptions {
  /**
   * Add the delegate steps: spawn a sub-agent (one that works, or one that first asks for an
   * approval), answer a child's approval on the parent, interrupt the parent. Run them with a
   * driver started with `{ delegates: true }`.
   */
  delegates?: boolean;
}

/**
 * Lifecycle arbitraries over the given fast-check module.
 * @example
 * import fc from 'fast-check';
 * const arb = lifecycleArbitraries(fc);
 * fc.assert(fc.asyncProperty(arb.steps({ maxLength: 14 }), async (steps) => { ... }));
 * const withDelegates = lifecycleArbitraries(fc, { delegates: true });
 */
export function lifecycleArbitraries(fc: FastCheckApi, options: LifecycleArbitraryOptions = {}): LifecycleArbitraries {
  const taskBehaviour = fc.constantFrom<TaskBehaviour>('cooperative', 'slow', 'nonCooperative');
  const decision = fc.constantFrom<ReviewDecision>('approved', 'denied', 'approved_for_session', 'abort');
  const approvalTarget = fc.constantFrom<ApprovalTarget>('current', 'stale', 'duplicate', 'unknown');
  const base: FastCheck.Arbitrary<LifecycleStep> = fc.oneof(
    fc.constantFrom('go', 'more').map((text) => ({ kind: 'userInput' as const, text })),
    fc.constant({ kind: 'interrupt' as const }),
    taskBehaviour.map((behaviour) => ({ kind: 'spawn' as const, behaviour })),
    fc.constant({ kind: 'spawnApprover' as const }),
    fc.constant({ kind: 'finish' as const }),
    fc.tuple(approvalTarget, decision).map(([target, d]) => ({ kind: 'approve' as const, target, decision: d })),
    fc.constant({ kind: 'steer' as const }),
    fc.constant({ kind: 'setGoal' as const }),
    fc.constant({ kind: 'clearGoal' as const }),
    fc.constant({ kind: 'shutdown' as const }),
  );
  // With delegates, every other step on average is a delegate step, so runs reach a child's approval.
  const step: FastCheck.Arbitrary<LifecycleStep> = options.delegates
    ? fc.oneof(
        base,
        fc.oneof(
          { arbitrary: fc.constantFrom(false, true).map((asks): LifecycleStep => ({ kind: 'spawnAgent', asks })), weight: 3 },
          { arbitrary: decision.map((d): LifecycleStep => ({ kind: 'approveChild', decision: d })), weight: 2 },
          { arbitrary: fc.constant<LifecycleStep>({ kind: 'interruptParent' }), weight: 1 },
        ),
      )
    : base;
  return { taskBehaviour, decision, approvalTarget, step, steps: (opts = {}) => fc.array(step, { minLength: opts.minLength ?? 0, maxLength: opts.maxLength ?? 14 }) };
}

/**
 * A readable name for a step (for failure reports).
 * @example
 * describeStep({ kind: 'approve', target: 'stale', decision: 'abort' }); // 'approve(stale, abort)'
 */
export function describeStep(step: LifecycleStep): string {
  switch (step.kind) {
    case 'userInput':
      return `userInput(${step.text})`;
    case 'spawn':
      return `spawn(${step.behaviour})`;
    case 'approve':
      return `approve(${step.target}, ${typeof step.decision === 'string' ? step.decision : 'amendment'})`;
    case 'spawnAgent':
      return step.asks ? 'spawnAgent(asks)' : 'spawnAgent';
    case 'approveChild':
      return `approveChild(${typeof step.decision === 'string' ? step.decision : 'amendment'})`;
    default:
      return step.kind;
  }
}
