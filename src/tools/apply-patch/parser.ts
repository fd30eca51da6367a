/**
 * Parser for the apply_patch text format.
 *
 * ```
 * *** Begin Patch
 * *** Add File: path            followed by one or more `+line`
 * *** Delete File: path
 * *** Update File: path         optionally `*** Move to: new/path`, then chunks:
 * @@ optional context line       then ` ctx`, `-old`, `+new` lines; `*** End of File` ends a chunk at EOF
 * *** End Patch
 * ```
 *
 * Leniencies, each because models produce it: surrounding blank lines and whitespace
 * around markers; blank lines between file sections; a heredoc wrapper (`<<'EOF'` … `EOF`); an update whose first chunk has no
 * `@@`; a completely empty line inside a chunk (read as an empty context line); an `@@`
 * header in unified-diff form (`@@ -1,3 +1,4 @@`), read as having no context.
 * Errors carry 1-based line numbers in the text exactly as it was given.
 */
import { PatchParseError } from '../errors.js';
import { trimEndWhitespace, trimWhitespace } from './matcher.js';

/** One `@@` chunk of an update: `oldLines` are replaced by `newLines`. */
export interface UpdateChunk {
  /** Text after `@@ `, a line that must appear (in order) before `oldLines`. */
  context: string | undefined;
  oldLines: string[];
  newLines: string[];
  /** `*** End of File` followed the chunk: `oldLines` should be the file's last lines. */
  isEndOfFile: boolean;
  /** 1-based line of the chunk's first line in the patch text. */
  line: number;
}

/** One file operation of a patch; `path` is as written (relative or absolute). */
export type PatchHunk =
  | { type: 'add'; path: string; content: string; line: number }
  | { type: 'delete'; path: string; line: number }
  | { type: 'update'; path: string; movePath: string | undefined; chunks: UpdateChunk[]; line: number };

/** A parsed patch: its hunks in order. */
export interface ParsedPatch {
  hunks: PatchHunk[];
}

const BEGIN = '*** Begin Patch';
const END = '*** End Patch';
const ADD = '*** Add File:';
const DELETE = '*** Delete File:';
const UPDATE = '*** Update File:';
const MOVE = '*** Move to:';
const EOF_MARKER = '*** End of File';
const HEREDOC_OPEN = /^(?:apply_patch\s+)?<<\s*(['"]?)EOF\1$/;
const UNIFIED_RANGE = /^-\d+(?:,\d+)? \+\d+(?:,\d+)? @@/;

interface Line {
  text: string;
  no: number;
}

/**
 * Parses patch text into hunks, or throws a `PatchParseError` naming the line.
 * @example
 * const { hunks } = parsePatch('*** Begin Patch\n*** Delete File: old.txt\n*** End Patch');
 * hunks[0]; // { type: 'delete', path: 'old.txt', line: 2 }
 */
export function parsePatch(text: string): ParsedPatch {
  const body = patchBody(text);
  const hunks: PatchHunk[] = [];
  let i = 0;
  while (i < body.length) {
    if (trimWhitespace((body[i] as Line).text) === '') {
      i++; // blank lines between file sections
      continue;
    }
    const [hunk, next] = parseHunk(body, i);
    hunks.push(hunk);
    i = next;
  }
  return { hunks };
}

/** Splits into numbered lines, strips blank edges and a heredoc, checks Begin/End markers. */
function patchBody(text: string): Line[] {
  let lines: Line[] = text.split(/\r?\n/).map((t, idx) => ({ text: t, no: idx + 1 }));
  lines = trimBlankEdges(lines);
  const first = lines[0];
  const last = lines[lines.length - 1];
  if (!first || !last) throw new PatchParseError(1, `the patch is empty; it must start with '${BEGIN}'`);
  if (trimWhitespace(first.text) !== BEGIN && HEREDOC_OPEN.test(trimWhitespace(first.text)) && trimWhitespace(last.text).endsWith('EOF') && lines.length >= 4) {
    lines = trimBlankEdges(lines.slice(1, -1));
  }
  const open = lines[0];
  const close = lines[lines.length - 1];
  if (!open || trimWhitespace(open.text) !== BEGIN) {
    throw new PatchParseError(open?.no ?? first.no, `the first line of the patch must be '${BEGIN}'`);
  }
  if (lines.length < 2 || !close || trimWhitespace(close.text) !== END) {
    throw new PatchParseError(close?.no ?? last.no, `the last line of the patch must be '${END}'`);
  }
  return lines.slice(1, -1);
}

function trimBlankEdges(lines: Line[]): Line[] {
  let start = 0;
  let end = lines.length;
  while (start < end && trimWhitespace((lines[start] as Line).text) === '') start++;
  while (end > start && trimWhitespace((lines[end - 1] as Line).text) === '') end--;
  return lines.slice(start, end);
}

function markerPath(line: Line, marker: string): string {
  const path = trimWhitespace(trimWhitespace(line.text).slice(marker.length));
  if (path === '') throw new PatchParseError(line.no, `'${marker}' needs a file path`);
  return path;
}

function parseHunk(lines: Line[], start: number): [PatchHunk, number] {
  const header = lines[start] as Line;
  const trimmed = trimWhitespace(header.text);
  if (trimmed.startsWith(ADD)) {
    const path = markerPath(header, ADD);
    const content: string[] = [];
    let i = start + 1;
    for (let l = lines[i]; l && l.text.startsWith('+'); l = lines[++i]) content.push(l.text.slice(1));
    return [{ type: 'add', path, content: content.map((c) => `${c}\n`).join(''), line: header.no }, i];
  }
  if (trimmed.startsWith(DELETE)) {
    return [{ type: 'delete', path: markerPath(header, DELETE), line: header.no }, start + 1];
  }
  if (trimmed.startsWith(UPDATE)) return parseUpdate(lines, start, markerPath(header, UPDATE));
  throw new PatchParseError(
    header.no,
    `'${trimmed}' is not a valid hunk header; expected '${ADD} <path>', '${DELETE} <path>' or '${UPDATE} <path>'`,
  );
}

function parseUpdate(lines: Line[], start: number, path: string): [PatchHunk, number] {
  const header = lines[start] as Line;
  let i = start + 1;
  let movePath: string | undefined;
  const maybeMove = lines[i];
  if (maybeMove && trimWhitespace(maybeMove.text).startsWith(MOVE)) {
    movePath = markerPath(maybeMove, MOVE);
    i++;
  }
  const chunks: UpdateChunk[] = [];
  while (i < lines.length) {
    const l = lines[i] as Line;
    if (trimWhitespace(l.text) === '') {
      i++;
      continue;
    }
    if (l.text.startsWith('*')) break;
    const [chunk, next] = parseChunk(lines, i, chunks.length === 0);
    chunks.push(chunk);
    i = next;
  }
  if (chunks.length === 0) throw new PatchParseError(header.no, `update of '${path}' has no changes`);
  return [{ type: 'update', path, movePath, chunks, line: header.no }, i];
}

function parseChunk(lines: Line[], start: number, first: boolean): [UpdateChunk, number] {
  const head = lines[start] as Line;
  const headText = trimEndWhitespace(head.text);
  let context: string | undefined;
  let i = start;
  if (headText === '@@') {
    i++;
  } else if (headText.startsWith('@@ ')) {
    const rest = trimWhitespace(headText.slice(3));
    context = rest === '' || UNIFIED_RANGE.test(rest) ? undefined : rest;
    i++;
  } else if (!first) {
    throw new PatchParseError(head.no, `expected a '@@' chunk header, found '${head.text}'`);
  }
  const chunk: UpdateChunk = { context, oldLines: [], newLines: [], isEndOfFile: false, line: head.no };
  let count = 0;
  for (; i < lines.length; i++) {
    const l = lines[i] as Line;
    if (trimWhitespace(l.text) === EOF_MARKER) {
      if (count === 0) throw new PatchParseError(l.no, 'chunk has no lines before the end-of-file marker');
      chunk.isEndOfFile = true;
      i++;
      break;
    }
    const tag = l.text[0];
    if (tag === undefined) {
      chunk.oldLines.push('');
      chunk.newLines.push('');
    } else if (tag === ' ') {
      chunk.oldLines.push(l.text.slice(1));
      chunk.newLines.push(l.text.slice(1));
    } else if (tag === '-') {
      chunk.oldLines.push(l.text.slice(1));
    } else if (tag === '+') {
      chunk.newLines.push(l.text.slice(1));
    } else {
      if (count === 0) {
        throw new PatchParseError(l.no, `unexpected line '${l.text}' in chunk; lines must start with ' ', '-' or '+'`);
      }
      break;
    }
    count++;
  }
  if (count === 0) throw new PatchParseError(head.no, 'chunk has no lines');
  return [chunk, i];
}
