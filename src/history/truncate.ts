/**
 * Byte-budget truncation of tool output. Long output keeps its beginning and its end (where
 * commands print what went wrong) and loses the middle, replaced by a marker that says how
 * much was cut. Cuts fall on UTF-8 character boundaries, so the result is always valid text.
 */
import type { FunctionCallOutputBody } from '../protocol/items.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Default per-output budget before the 1.2 head-room factor (bytes).
 * @example
 * truncateOutputBody(output, DEFAULT_TRUNCATION_BYTES * TRUNCATION_HEADROOM);
 */
export const DEFAULT_TRUNCATION_BYTES = 10_000;

/**
 * Head-room applied to the configured budget when recording tool output.
 * @example
 * Math.floor(10_000 * TRUNCATION_HEADROOM); // 12000 bytes kept per output
 */
export const TRUNCATION_HEADROOM = 1.2;

/**
 * UTF-8 length of a string.
 * @example
 * utf8Length('é'); // 2
 */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/**
 * The marker put where the middle of a text was removed.
 * @example
 * truncationMarker(1200); // '\n[… 1200 bytes truncated …]\n'
 */
export function truncationMarker(omittedBytes: number): string {
  return `\n[… ${omittedBytes} bytes truncated …]\n`;
}

const isContinuation = (byte: number | undefined): boolean => byte !== undefined && (byte & 0xc0) === 0x80;

/**
 * Cuts the middle out of `text` so that its UTF-8 length, marker included, is at most
 * `maxBytes`. Text within budget comes back unchanged. A budget smaller than the marker
 * yields the marker alone.
 * @example
 * truncateMiddle('a'.repeat(100), 60).startsWith('aaaa'); // true, and it contains the marker
 */
export function truncateMiddle(text: string, maxBytes: number): string {
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return text;
  // The real marker never has more digits than this one, so the budget holds.
  const keep = Math.max(Math.floor(maxBytes) - utf8Length(truncationMarker(bytes.length)), 0);
  let headEnd = Math.floor(keep / 2);
  while (headEnd > 0 && isContinuation(bytes[headEnd])) headEnd--;
  let tailStart = bytes.length - (keep - Math.floor(keep / 2));
  while (tailStart < bytes.length && isContinuation(bytes[tailStart])) tailStart++;
  const head = decoder.decode(bytes.subarray(0, headEnd));
  const tail = decoder.decode(bytes.subarray(tailStart));
  return head + truncationMarker(bytes.length - headEnd - (bytes.length - tailStart)) + tail;
}

/**
 * Truncates a tool output payload to a byte budget. Strings are middle-truncated; in a list of
 * parts the text parts share the budget in order (the first one over budget is middle-truncated,
 * later ones are replaced by one note), and images are kept as they are.
 * @example
 * truncateOutputBody('x'.repeat(50_000), 12_000); // a string of at most 12 000 bytes
 */
export function truncateOutputBody(body: FunctionCallOutputBody, maxBytes: number): FunctionCallOutputBody {
  if (typeof body === 'string') return truncateMiddle(body, maxBytes);
  let remaining = maxBytes;
  let omittedParts = 0;
  const parts: Exclude<FunctionCallOutputBody, string> = [];
  for (const part of body) {
    if (part.type !== 'input_text') {
      parts.push(part);
      continue;
    }
    const size = utf8Length(part.text);
    if (size <= remaining) {
      parts.push(part);
      remaining -= size;
    } else if (remaining > 0) {
      parts.push({ type: 'input_text', text: truncateMiddle(part.text, remaining) });
      remaining = 0;
    } else {
      omittedParts++;
    }
  }
  if (omittedParts > 0) parts.push({ type: 'input_text', text: `[… ${omittedParts} more text part(s) omitted …]` });
  return parts;
}
