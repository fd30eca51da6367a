/**
 * An unbounded FIFO with async consumers (the thread's event queue) and an optional
 * capacity that makes producers wait (the submission queue).
 */

/** Raised by `take` once the queue is closed and drained. */
export class QueueClosedError extends Error {
  constructor() {
    super('queue closed');
    this.name = 'QueueClosedError';
  }
}

/**
 * A FIFO queue with promise-based `take`.
 * @example
 * const q = new AsyncQueue<number>(); q.push(1); await q.take(); // 1
 */
export class AsyncQueue<T> {
  private items: T[] = [];
  private head = 0;
  private takers: Array<{ resolve: (v: T) => void; reject: (e: unknown) => void }> = [];
  private spaceWaiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly capacity = Infinity) {}

  get size(): number {
    return this.items.length - this.head;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Adds an item; never blocks (use `put` to respect the capacity). */
  push(item: T): void {
    if (this.closed) throw new QueueClosedError();
    const taker = this.takers.shift();
    if (taker) taker.resolve(item);
    else this.items.push(item);
  }

  /** Adds an item, waiting while the queue is at capacity. */
  async put(item: T): Promise<void> {
    while (this.size >= this.capacity && !this.closed) await new Promise<void>((r) => this.spaceWaiters.push(r));
    this.push(item);
  }

  /** Takes the next item, waiting for one; rejects once closed and drained. */
  take(): Promise<T> {
    if (this.size > 0) {
      const item = this.items[this.head] as T;
      this.items[this.head] = undefined as T;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      this.spaceWaiters.shift()?.();
      return Promise.resolve(item);
    }
    if (this.closed) return Promise.reject(new QueueClosedError());
    return new Promise((resolve, reject) => this.takers.push({ resolve, reject }));
  }

  /** Items not yet taken, oldest first. */
  peekAll(): T[] {
    return this.items.slice(this.head);
  }

  /** Closes the queue: pending and future takes reject once drained. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.takers.splice(0)) t.reject(new QueueClosedError());
    for (const w of this.spaceWaiters.splice(0)) w();
  }
}
