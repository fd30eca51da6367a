/** A `ThreadStore` wrapper that logs calls, can fail the next N calls of an operation, and can slow appends. */
import type { ThreadGoal } from '../../../src/protocol/goal.js';
import type { AcquireOptions, ListThreadsOptions, RolloutLine, SessionMeta, StoredRollout, ThreadPage, ThreadLease, ThreadRef, ThreadStore } from '../../../src/persistence/index.js';

type Op = 'create' | 'append' | 'flush';

export class FlakyStore implements ThreadStore {
  readonly log: string[] = [];
  readonly #failures: Record<Op, number> = { create: 0, append: 0, flush: 0 };
  appendDelayMs = 0;

  constructor(readonly inner: ThreadStore) {}

  failNext(op: Op, times = 1): void {
    this.#failures[op] += times;
  }

  #maybeFail(op: Op): void {
    if (this.#failures[op] > 0) {
      this.#failures[op]--;
      this.log.push(`${op}:failed`);
      throw Object.assign(new Error(`simulated ${op} failure (ENOSPC)`), { code: 'ENOSPC' });
    }
  }

  pathFor(meta: SessionMeta): string {
    return this.inner.pathFor(meta);
  }
  async create(lines: readonly RolloutLine[]): Promise<string> {
    this.#maybeFail('create');
    const path = await this.inner.create(lines);
    this.log.push(`create:${lines.length}`);
    return path;
  }
  async append(threadId: string, lines: readonly RolloutLine[]): Promise<void> {
    this.#maybeFail('append');
    if (this.appendDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.appendDelayMs));
    await this.inner.append(threadId, lines);
    this.log.push(`append:${lines.length}`);
  }
  async flush(threadId: string): Promise<void> {
    this.#maybeFail('flush');
    await this.inner.flush(threadId);
    this.log.push('flush');
  }
  read(ref: string | ThreadRef): Promise<StoredRollout> {
    return this.inner.read(ref);
  }
  list(options?: ListThreadsOptions): Promise<ThreadPage> {
    return this.inner.list(options);
  }
  archive(threadId: string): Promise<void> {
    return this.inner.archive(threadId);
  }
  delete(threadId: string): Promise<void> {
    return this.inner.delete(threadId);
  }
  findPath(threadId: string): Promise<string | null> {
    return this.inner.findPath(threadId);
  }
  acquire(threadId: string, options?: AcquireOptions): Promise<ThreadLease> {
    return this.inner.acquire(threadId, options);
  }
  readGoal(threadId: string): Promise<ThreadGoal | null> {
    return this.inner.readGoal(threadId);
  }
  writeGoal(threadId: string, goal: ThreadGoal | null): Promise<void> {
    return this.inner.writeGoal(threadId, goal);
  }
}
