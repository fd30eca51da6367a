/**
 * The count of out-of-band elicitations (prompts shown outside a turn). While it is above
 * zero the thread counts as paused; counting emits no events.
 */
import { InvalidRequestError, TurnstateError } from '../errors.js';
import type { ThreadRuntime } from './thread-runtime.js';

export class ElicitationCounter {
  constructor(private readonly rt: Pick<ThreadRuntime, 'session' | 'updateSession'>) {}

  /** Adds one; the new count. Throws `TurnstateError` (`elicitation_overflow`) past the safe integers. */
  increment(): number {
    const n = this.rt.session().outOfBandElicitations + 1;
    if (!Number.isSafeInteger(n)) throw new TurnstateError('elicitation_overflow', 'engine', 'out-of-band elicitation count overflowed');
    this.rt.updateSession({ type: 'ELICITATION.BEGIN' });
    return n;
  }

  /** Takes one away; the new count. Throws `InvalidRequestError` at zero. */
  decrement(): number {
    const n = this.rt.session().outOfBandElicitations;
    if (n === 0) throw new InvalidRequestError('out-of-band elicitation count is already zero');
    this.rt.updateSession({ type: 'ELICITATION.END' });
    return n - 1;
  }

  /** Whether out-of-band elicitations pause the thread. */
  get paused(): boolean {
    return this.rt.session().outOfBandElicitations > 0;
  }
}
