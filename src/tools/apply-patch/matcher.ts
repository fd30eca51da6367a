/**
 * Finds where a chunk's lines sit in a file. Models copy context imperfectly, so the search
 * runs in passes of growing tolerance and the first pass that matches wins: exact, then
 * ignoring trailing whitespace, then ignoring surrounding whitespace, then also folding
 * typographic punctuation (dashes, curly quotes, odd spaces) to ASCII. "Whitespace" is
 * Unicode White_Space, which does not include U+FEFF.
 */

type Compare = (a: string, b: string) => boolean;

const PUNCTUATION: Record<string, string> = {};
for (const c of '\u2010\u2011\u2012\u2013\u2014\u2015\u2212') PUNCTUATION[c] = '-';
for (const c of '\u2018\u2019\u201a\u201b') PUNCTUATION[c] = "'";
for (const c of '\u201c\u201d\u201e\u201f') PUNCTUATION[c] = '"';
for (const c of '\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000') PUNCTUATION[c] = ' ';
const PUNCTUATION_RE = new RegExp(`[${Object.keys(PUNCTUATION).join('')}]`, 'g');

/**
 * Unicode White_Space, as Rust's `str::trim` (Codex's matcher) sees it. Unlike JavaScript's
 * `trim()`, it leaves U+FEFF (a byte-order mark or zero-width no-break space) alone, so that
 * a BOM is never matched away and dropped; it does include U+0085 (next line).
 */
function isWhitespace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/**
 * Removes trailing Unicode white space (not U+FEFF).
 * @example
 * trimEndWhitespace('x \t'); // 'x'
 * trimEndWhitespace('x\uFEFF'); // 'x\uFEFF'
 */
export function trimEndWhitespace(line: string): string {
  let end = line.length;
  while (end > 0 && isWhitespace(line.charCodeAt(end - 1))) end--;
  return end === line.length ? line : line.slice(0, end);
}

/**
 * Removes leading and trailing Unicode white space (not U+FEFF).
 * @example
 * trimWhitespace('  @@ ctx '); // '@@ ctx'
 * trimWhitespace('\uFEFFusing'); // '\uFEFFusing'
 */
export function trimWhitespace(line: string): string {
  const trimmed = trimEndWhitespace(line);
  let start = 0;
  while (start < trimmed.length && isWhitespace(trimmed.charCodeAt(start))) start++;
  return start === 0 ? trimmed : trimmed.slice(start);
}

/**
 * Folds typographic dashes, quotes and spaces to their ASCII forms and trims the line.
 * @example
 * normalizePunctuation('  “quoted” — text '); // '"quoted" - text'
 */
export function normalizePunctuation(line: string): string {
  return trimWhitespace(line).replace(PUNCTUATION_RE, (c) => PUNCTUATION[c] ?? c);
}

const PASSES: Compare[] = [
  (a, b) => a === b,
  (a, b) => trimEndWhitespace(a) === trimEndWhitespace(b),
  (a, b) => trimWhitespace(a) === trimWhitespace(b),
  (a, b) => normalizePunctuation(a) === normalizePunctuation(b),
];

/**
 * Index of the first place at or after `start` where `pattern` occurs in `lines`, or -1.
 * With `atEnd`, a match ending at the last line is tried first (for `*** End of File`
 * chunks), then the usual forward search. An empty pattern matches at `start`.
 * @example
 * seekSequence(['a', 'b  ', 'c'], ['b', 'c'], 0, false); // 1 (trailing spaces tolerated)
 */
export function seekSequence(lines: readonly string[], pattern: readonly string[], start: number, atEnd: boolean): number {
  if (pattern.length === 0) return start;
  if (pattern.length > lines.length) return -1;
  const last = lines.length - pattern.length;
  for (const same of PASSES) {
    if (atEnd && last >= start && matchesAt(lines, pattern, last, same)) return last;
    for (let i = Math.max(0, start); i <= last; i++) {
      if (matchesAt(lines, pattern, i, same)) return i;
    }
  }
  return -1;
}

function matchesAt(lines: readonly string[], pattern: readonly string[], at: number, same: Compare): boolean {
  for (let k = 0; k < pattern.length; k++) {
    if (!same(lines[at + k] as string, pattern[k] as string)) return false;
  }
  return true;
}
