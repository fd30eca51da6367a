/**
 * A text file as lines that remember their own bytes, so that applying a patch rewrites only
 * the lines it changes. Invariants: `joinTextLines(splitTextLines(t)) === t` for every string;
 * a leading byte-order mark is kept apart from the first line (matching never sees it and no
 * edit drops it); each line keeps its own ending (`\n`, `\r\n`, or none on a last line).
 */

/**
 * One line: its text (no terminator) and its ending.
 * @example
 * const line: TextLine = { text: 'two', eol: '\r\n' };
 */
export interface TextLine {
  readonly text: string;
  /** `null` only on a last line without a terminator. */
  readonly eol: '\n' | '\r\n' | null;
}

/**
 * A file split into lines.
 * @example
 * const file: TextLines = splitTextLines('a\nb\n'); // { bom: '', lines: [...], eol: '\n', finalNewline: true }
 */
export interface TextLines {
  /** `'\uFEFF'` when the file starts with a byte-order mark, else `''`. */
  bom: string;
  lines: TextLine[];
  /** The ending new lines get: `\r\n` only when every newline of the file is `\r\n`. */
  eol: '\n' | '\r\n';
  /** Whether the file (empty, or) ends with a newline. */
  finalNewline: boolean;
}

/**
 * Splits text into lines keeping every byte.
 * @example
 * splitTextLines('\uFEFFa\r\nb'); // { bom: '\uFEFF', lines: [{ text: 'a', eol: '\r\n' }, { text: 'b', eol: null }], eol: '\r\n', finalNewline: false }
 */
export function splitTextLines(text: string): TextLines {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = bom === '' ? text : text.slice(1);
  const lines: TextLine[] = [];
  let from = 0;
  let crlf = 0;
  for (let nl = body.indexOf('\n'); nl !== -1; nl = body.indexOf('\n', from)) {
    const isCrlf = nl > from && body.charCodeAt(nl - 1) === 0x0d;
    if (isCrlf) crlf++;
    lines.push({ text: body.slice(from, isCrlf ? nl - 1 : nl), eol: isCrlf ? '\r\n' : '\n' });
    from = nl + 1;
  }
  const newlines = lines.length;
  if (from < body.length) lines.push({ text: body.slice(from), eol: null });
  return { bom, lines, eol: newlines > 0 && crlf === newlines ? '\r\n' : '\n', finalNewline: from === body.length };
}

/**
 * Joins lines back into text: every line but the last gets an ending (the file's style if it
 * had none); the last keeps its own.
 * @example
 * joinTextLines({ bom: '', lines: [{ text: 'a', eol: null }, { text: 'b', eol: null }], eol: '\n', finalNewline: false }); // 'a\nb'
 */
export function joinTextLines(file: TextLines): string {
  const parts: string[] = [file.bom];
  file.lines.forEach((line, i) => {
    parts.push(line.text, i === file.lines.length - 1 ? (line.eol ?? '') : (line.eol ?? file.eol));
  });
  return parts.join('');
}
