/** Id and clock sources. Machines never read these; the runtime passes values in. */
import { randomBytes } from 'node:crypto';

/** Source of time and ids; tests supply deterministic ones. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

// Random bytes are drawn in 4 KiB blocks: one system call per 256 ids. The block is a buffer of
// entropy, not a registry: it holds no thread's state and any thread may draw from it.
let pool = Buffer.alloc(0);
let poolOffset = 0;
function randomBlock(): Buffer {
  if (poolOffset + 16 > pool.length) {
    pool = randomBytes(4096);
    poolOffset = 0;
  }
  const block = Buffer.from(pool.subarray(poolOffset, poolOffset + 16));
  poolOffset += 16;
  return block;
}

/**
 * A UUIDv7 string: 48-bit millisecond timestamp, then random bits (RFC 9562).
 * @example
 * uuidv7(); // '01939f6e-...'
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const b = randomBlock();
  const ts = BigInt(nowMs);
  for (let i = 0; i < 6; i++) b[i] = Number((ts >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x70;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
