/**
 * Append-only logs behind immutable array snapshots, so a value that grows one entry at a
 * time (history items, a view's transcript) costs O(1) amortized per append instead of a
 * copy of the whole array, while every array a reader gets stays unchanged forever.
 *
 * A `LogPrefix` names the first `length` entries of a shared `log` array. Appending to the
 * prefix that ends at the log's end pushes onto the log in place (older prefixes keep their
 * length, so what they name never changes); appending to an older prefix (a branch) copies
 * it into a new log first. `prefixArray` turns a prefix into a plain array once, on first
 * read, and hands out that same array afterwards; it is never changed. Hand-written: it is
 * the small part of a persistent vector this engine needs, and keeps values plain arrays.
 */

/**
 * The first `length` entries of `log`.
 * @example
 * const p: LogPrefix<number> = logPrefix([1, 2]);
 */
export interface LogPrefix<T> {
  /** The backing entries; only ever appended to, and only while `owned`. */
  readonly log: T[];
  readonly length: number;
  /** Whether `log` was made here (a caller's array is never pushed onto). */
  readonly owned: boolean;
  /** The plain array of this prefix, once read. */
  array: T[] | undefined;
}

/**
 * A prefix over all of `items`, which is not copied and never changed: the first append
 * copies it into a log of its own.
 * @example
 * prefixArray(logPrefix(items)) === items; // true
 */
export function logPrefix<T>(items: readonly T[]): LogPrefix<T> {
  return { log: items as T[], length: items.length, owned: false, array: items as T[] };
}

/**
 * The prefix followed by `items` (the same prefix when `items` is empty). O(items) when the
 * prefix ends at its log's end, else one copy of the prefix first.
 * @example
 * const next = appendToLog(logPrefix([1]), [2]); // names [1, 2]
 */
export function appendToLog<T>(prefix: LogPrefix<T>, items: readonly T[]): LogPrefix<T> {
  if (items.length === 0) return prefix;
  const log = prefix.owned && prefix.log.length === prefix.length ? prefix.log : prefix.log.slice(0, prefix.length);
  for (const item of items) log.push(item);
  return { log, length: log.length, owned: true, array: undefined };
}

/**
 * The prefix as a plain array: built on first call (one copy), the same array afterwards.
 * Callers must not change it.
 * @example
 * prefixArray(appendToLog(logPrefix([1]), [2])); // [1, 2]
 */
export function prefixArray<T>(prefix: LogPrefix<T>): T[] {
  if (prefix.array === undefined) {
    prefix.array = prefix.log.slice(0, prefix.length);
    built.set(prefix.array, prefix);
  }
  return prefix.array;
}

/** Arrays `prefixArray` built → their prefix, so work keyed by the log can find them. */
const built = new WeakMap<readonly unknown[], LogPrefix<unknown>>();

/**
 * The prefix `items` was built from by `prefixArray`, else a prefix over `items` itself.
 * @example
 * asLogPrefix(prefixArray(p)) === p; // true
 */
export function asLogPrefix<T>(items: readonly T[]): LogPrefix<T> {
  return (built.get(items) as LogPrefix<T> | undefined) ?? logPrefix(items);
}

/**
 * Entry `index` of the prefix (`undefined` past its end), without building its array.
 * @example
 * prefixAt(logPrefix(['a', 'b']), 1); // 'b'
 */
export function prefixAt<T>(prefix: LogPrefix<T>, index: number): T | undefined {
  return index >= 0 && index < prefix.length ? prefix.log[index] : undefined;
}

/**
 * Entries `start..length` of the prefix as a new array.
 * @example
 * prefixSlice(logPrefix(['a', 'b', 'c']), 1); // ['b', 'c']
 */
export function prefixSlice<T>(prefix: LogPrefix<T>, start: number): T[] {
  return prefix.log.slice(Math.max(0, start), prefix.length);
}
