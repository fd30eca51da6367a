/**
 * The submission loop: jobs run one at a time, in the order they were queued, as in Codex's
 * single submission loop. Host ops and the thread's own work (spawned tasks, goal
 * continuation, barriers) share this queue, so an op that aborts a turn is finished (turn
 * aborted, marker flushed) before the next job is taken.
 *
 * Invariant: once a `shutdown` op is queued, or the thread actor has stopped, nothing more is
 * accepted; the loop ends after the jobs already queued.
 */
import { ThreadClosedError } from '../errors.js';
import type { Submission } from '../protocol/index.js';
import { AsyncQueue } from './async-queue.js';
import type { OpHandlers } from './op-handlers.js';
import type { ThreadRuntime } from './thread-runtime.js';

/**
 * How many jobs may wait; `submit` waits while the queue is full. Codex: `SUBMISSION_CHANNEL_CAPACITY`.
 * @example
 * SUBMISSION_QUEUE_CAPACITY; // 512
 */
export const SUBMISSION_QUEUE_CAPACITY = 512;

type Job = () => Promise<void>;

export class SubmissionLoop {
  private readonly jobs = new AsyncQueue<Job>(SUBMISSION_QUEUE_CAPACITY);
  private closed = false;
  /** Resolves once the loop has ended (after shutdown, or when the thread actor stopped). */
  readonly finished: Promise<void>;

  constructor(
    private readonly rt: ThreadRuntime,
    private readonly handlers: OpHandlers,
  ) {
    this.finished = this.run();
  }

  /** Whether the loop takes no more jobs. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Queues a submission; a `shutdown` closes the loop to later ones. Throws `ThreadClosedError` once closed. */
  async submit(sub: Submission): Promise<void> {
    if (this.closed) throw new ThreadClosedError(this.rt.threadId);
    if (sub.op.type === 'shutdown') this.closed = true;
    this.rt.tracing.noteSubmission(sub);
    await this.jobs.put(() => this.handlers.handle(sub));
  }

  /** Runs `fn` in the submission order; rejects with `ThreadClosedError` once closed. */
  runJob(fn: () => Promise<void>): Promise<void> {
    if (this.closed) return Promise.reject(new ThreadClosedError(this.rt.threadId));
    return new Promise((resolve, reject) => {
      this.jobs.put(() => fn().then(resolve, reject)).catch(reject);
    });
  }

  /** Queues work the thread starts by itself (nothing once closed; its failure is dropped). */
  schedule(fn: () => Promise<void>): void {
    if (this.closed) return;
    void this.runJob(fn).catch(() => undefined);
  }

  /** Resolves once every job queued before this call has run (or the loop has ended). */
  whenProcessed(): Promise<void> {
    if (this.closed) return this.finished;
    return this.runJob(async () => {}).catch(() => this.finished);
  }

  private async run(): Promise<void> {
    for (;;) {
      let job: Job;
      try {
        job = await this.jobs.take();
      } catch {
        return;
      }
      try {
        await job();
      } catch (err) {
        this.rt.logger.warn('submission handling failed', { error: String(err) });
      }
      if (this.rt.actor.getSnapshot().status !== 'active') {
        this.closed = true;
        this.jobs.close();
        return;
      }
    }
  }
}
