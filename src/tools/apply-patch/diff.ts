/**
 * Line diffs and unified-diff text, used for `FileChange.update.unified_diff` and for the
 * turn diff. Myers' O(ND) algorithm after trimming the common prefix and suffix; when the
 * two sides differ in more than `MAX_EDIT_DISTANCE` lines the middle is reported as one
 * replacement (still a correct diff, just not a minimal one) to bound time and memory.
 */

/** One step of an edit script: keep, delete (old side) or insert (new side) a line. */
export interface DiffOp {
  op: ' ' | '-' | '+';
  /** The line including its terminator (`"\n"`), absent only on a last line without one. */
  line: string;
}

const MAX_EDIT_DISTANCE = 1000;

/**
 * Splits text into lines that keep their `\n` terminators; a final line without a newline
 * keeps none. `''` has no lines.
 * @example
 * splitLinesKeepEol('a\nb'); // ['a\n', 'b']
 */
export function splitLinesKeepEol(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
    out.push(text.slice(from, nl + 1));
    from = nl + 1;
  }
  if (from < text.length) out.push(text.slice(from));
  return out;
}

/**
 * A shortest edit script turning `a` into `b` (arrays of lines).
 * @example
 * diffLines(['x\n', 'y\n'], ['x\n', 'z\n']).map((d) => d.op).join(''); // ' -+'
 */
export function diffLines(a: readonly string[], b: readonly string[]): DiffOp[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const midA = a.slice(pre, a.length - suf);
  const midB = b.slice(pre, b.length - suf);
  const middle = myers(midA, midB) ?? [
    ...midA.map((line): DiffOp => ({ op: '-', line })),
    ...midB.map((line): DiffOp => ({ op: '+', line })),
  ];
  const keep = (line: string): DiffOp => ({ op: ' ', line });
  return [...a.slice(0, pre).map(keep), ...middle, ...a.slice(a.length - suf).map(keep)];
}

function myers(a: readonly string[], b: readonly string[]): DiffOp[] | undefined {
  const n = a.length;
  const m = b.length;
  const limit = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = limit + 1;
  const v = new Int32Array(2 * limit + 3).fill(-1);
  v[offset + 1] = 0;
  const trace: Int32Array[] = [];
  for (let d = 0; d <= limit; d++) {
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number));
      let x = down ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        trace.push(v.slice());
        return backtrack(a, b, trace, offset);
      }
    }
    trace.push(v.slice());
  }
  return undefined;
}

function backtrack(a: readonly string[], b: readonly string[], trace: Int32Array[], offset: number): DiffOp[] {
  const out: DiffOp[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d > 0; d--) {
    const prev = trace[d - 1] as Int32Array;
    const k = x - y;
    const down = k === -d || (k !== d && (prev[offset + k - 1] as number) < (prev[offset + k + 1] as number));
    const prevK = down ? k + 1 : k - 1;
    const prevX = prev[offset + prevK] as number;
    const prevY = prevX - prevK;
    while (x > prevX + (down ? 0 : 1) && y > prevY + (down ? 1 : 0)) {
      out.push({ op: ' ', line: a[--x] as string });
      y--;
    }
    if (down) out.push({ op: '+', line: b[prevY] as string });
    else out.push({ op: '-', line: a[prevX] as string });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    out.push({ op: ' ', line: a[--x] as string });
    y--;
  }
  return out.reverse();
}

/**
 * The `@@` hunks of a unified diff from `oldText` to `newText` (no file headers), with
 * `context` unchanged lines around each change; `''` when the texts are equal.
 * @example
 * unifiedDiffHunks('a\nb\n', 'a\nc\n', 1); // '@@ -1,2 +1,2 @@\n a\n-b\n+c\n'
 */
export function unifiedDiffHunks(oldText: string, newText: string, context = 3): string {
  const ops = diffLines(splitLinesKeepEol(oldText), splitLinesKeepEol(newText));
  const changed = ops.flatMap((o, i) => (o.op === ' ' ? [] : [i]));
  if (changed.length === 0) return '';
  let out = '';
  let start = 0;
  while (start < changed.length) {
    let end = start;
    while (end + 1 < changed.length && (changed[end + 1] as number) - (changed[end] as number) <= 2 * context) end++;
    const from = Math.max(0, (changed[start] as number) - context);
    const to = Math.min(ops.length, (changed[end] as number) + context + 1);
    out += renderHunk(ops, from, to);
    start = end + 1;
  }
  return out;
}

function renderHunk(ops: DiffOp[], from: number, to: number): string {
  let oldLine = 1;
  let newLine = 1;
  for (let i = 0; i < from; i++) {
    const op = (ops[i] as DiffOp).op;
    if (op !== '+') oldLine++;
    if (op !== '-') newLine++;
  }
  let oldCount = 0;
  let newCount = 0;
  let body = '';
  for (let i = from; i < to; i++) {
    const { op, line } = ops[i] as DiffOp;
    if (op !== '+') oldCount++;
    if (op !== '-') newCount++;
    body += line.endsWith('\n') ? `${op}${line}` : `${op}${line}\n\\ No newline at end of file\n`;
  }
  const range = (startLine: number, count: number) =>
    count === 1 ? `${startLine}` : `${count === 0 ? startLine - 1 : startLine},${count}`;
  return `@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@\n${body}`;
}
