/**
 * Bounded output capture: keeps the first and last bytes of a stream within a budget and
 * counts what fell out of the middle, so a command that prints gigabytes cannot exhaust
 * memory and the model still sees how the output began and ended.
 */

/**
 * Default capture budget per stream (1 MiB).
 * @example
 * new HeadTailBuffer(DEFAULT_CAPTURE_BYTES);
 */
export const DEFAULT_CAPTURE_BYTES = 1024 * 1024;

/**
 * Collects chunks, keeping at most `budget` bytes: the first half and the last half.
 * @example
 * const buf = new HeadTailBuffer(8);
 * buf.push(Buffer.from('0123456789'));
 * buf.toString(); // '0123\n[... 2 bytes omitted ...]\n6789'
 */
export class HeadTailBuffer {
  readonly #headLimit: number;
  readonly #tailLimit: number;
  #head: Buffer[] = [];
  #headLen = 0;
  #tail: Buffer[] = [];
  #tailLen = 0;
  #total = 0;

  constructor(budget: number = DEFAULT_CAPTURE_BYTES) {
    this.#headLimit = Math.ceil(Math.max(0, budget) / 2);
    this.#tailLimit = Math.floor(Math.max(0, budget) / 2);
  }

  /** Bytes seen so far. */
  get totalBytes(): number {
    return this.#total;
  }

  /** Bytes seen but not kept. */
  get droppedBytes(): number {
    return this.#total - this.#headLen - this.#tailLen;
  }

  /** Adds a chunk. */
  push(chunk: Buffer): void {
    this.#total += chunk.length;
    let rest = chunk;
    if (this.#headLen < this.#headLimit) {
      const take = Math.min(rest.length, this.#headLimit - this.#headLen);
      this.#head.push(rest.subarray(0, take));
      this.#headLen += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0 || this.#tailLimit === 0) return;
    this.#tail.push(rest);
    this.#tailLen += rest.length;
    while (this.#tailLen > this.#tailLimit) {
      const first = this.#tail[0] as Buffer;
      const excess = this.#tailLen - this.#tailLimit;
      if (first.length <= excess) {
        this.#tail.shift();
        this.#tailLen -= first.length;
      } else {
        this.#tail[0] = first.subarray(excess);
        this.#tailLen -= excess;
      }
    }
  }

  /** Head, an omission marker when bytes were dropped, then tail. */
  toBuffer(): Buffer {
    const dropped = this.droppedBytes;
    const marker = dropped > 0 ? [Buffer.from(`\n[... ${dropped} bytes omitted ...]\n`)] : [];
    return Buffer.concat([...this.#head, ...marker, ...this.#tail]);
  }

  /** `toBuffer()` decoded as UTF-8. */
  toString(): string {
    return this.toBuffer().toString('utf8');
  }
}
