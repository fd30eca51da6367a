/**
 * Planning a patch: every hunk is resolved and verified against the files (through a
 * virtual overlay, so later hunks see earlier ones) before anything is written. The plan
 * holds the final content of every touched path and the protocol `FileChange`s that
 * approval requests and `PatchApplyBegin` carry.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import type { FileChange } from '../../protocol/events.js';
import { PatchApplyError } from '../errors.js';
import { diffLines, unifiedDiffHunks } from './diff.js';
import { seekSequence } from './matcher.js';
import { parsePatch, type ParsedPatch, type UpdateChunk } from './parser.js';
import { resolvePatchPath } from './paths.js';
import { joinTextLines, splitTextLines, type TextLine } from './text-lines.js';

/** Reads a file as UTF-8; resolves `undefined` when it does not exist. */
export type PatchReadFile = (absPath: string) => Promise<string | undefined>;

/** The planned fate of one path: `after === undefined` deletes it. */
export interface PlannedWrite {
  path: string;
  before: string | undefined;
  after: string | undefined;
}

/** A verified patch, ready to approve and apply. */
export interface PatchPlan {
  /** Protocol view, keyed by absolute path (a move is keyed by its source). */
  changes: Record<string, FileChange>;
  /** Final state of every touched path, in the order first touched. */
  writes: PlannedWrite[];
}

/**
 * Context lines around changes in `FileChange.update.unified_diff`.
 * @example
 * unifiedDiffHunks(before, after, FILE_CHANGE_DIFF_CONTEXT);
 */
export const FILE_CHANGE_DIFF_CONTEXT = 1;

/**
 * Reads a file from disk for planning; `undefined` when it does not exist.
 * @example
 * await readFileIfExists('/ws/missing.txt'); // undefined
 */
export const readFileIfExists: PatchReadFile = async (absPath) => {
  try {
    return await fsReadFile(absPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PatchApplyError('patch_write_failed', absPath, `cannot read: ${(e as Error).message}`, { cause: e });
  }
};

/**
 * Parses (if given text) and verifies a patch against the files under `cwd`, returning
 * per-file changes and final contents. Throws `PatchParseError` or `PatchApplyError`;
 * never writes.
 * @example
 * const plan = await planPatch('*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch', '/ws');
 * plan.changes['/ws/a.txt']; // { type: 'add', content: 'hi\n' }
 */
export async function planPatch(
  patch: string | ParsedPatch,
  cwd: string,
  readFile: PatchReadFile = readFileIfExists,
): Promise<PatchPlan> {
  const { hunks } = typeof patch === 'string' ? parsePatch(patch) : patch;
  if (hunks.length === 0) throw new PatchApplyError('patch_empty', undefined, 'the patch contains no file operations');
  const original = new Map<string, string | undefined>();
  const current = new Map<string, string | undefined>();
  const moves = new Map<string, string>();
  const read = async (p: string): Promise<string | undefined> => {
    if (!original.has(p)) {
      const text = await readFile(p);
      original.set(p, text);
      current.set(p, text);
    }
    return current.get(p);
  };
  for (const hunk of hunks) {
    const target = resolvePatchPath(cwd, hunk.path);
    const existing = await read(target);
    if (hunk.type === 'add') {
      current.set(target, hunk.content);
    } else if (existing === undefined) {
      throw new PatchApplyError('patch_file_missing', target, `file to ${hunk.type} does not exist (patch line ${hunk.line})`);
    } else if (hunk.type === 'delete') {
      current.set(target, undefined);
    } else {
      const updated = applyChunks(existing, hunk.chunks, target);
      if (hunk.movePath === undefined) {
        current.set(target, updated);
      } else {
        const dest = resolvePatchPath(cwd, hunk.movePath);
        await read(dest);
        current.set(dest, updated);
        if (dest !== target) {
          current.set(target, undefined);
          moves.set(target, dest);
        }
      }
    }
  }
  const writes = [...current.entries()].map(([p, after]) => ({ path: p, before: original.get(p), after }));
  return { changes: toFileChanges(writes, moves), writes };
}

function toFileChanges(writes: PlannedWrite[], moves: Map<string, string>): Record<string, FileChange> {
  const byPath = new Map(writes.map((w) => [w.path, w]));
  const movedTo = new Set(moves.values());
  const changes: Record<string, FileChange> = {};
  for (const w of writes) {
    const dest = moves.get(w.path);
    const destWrite = dest === undefined ? undefined : byPath.get(dest);
    if (dest !== undefined && destWrite?.after !== undefined && w.before !== undefined) {
      const diff = unifiedDiffHunks(w.before, destWrite.after, FILE_CHANGE_DIFF_CONTEXT);
      changes[w.path] = { type: 'update', unified_diff: diff, move_path: dest };
    } else if (movedTo.has(w.path) && w.before === undefined) {
      continue; // shown as the move_path of its source
    } else if (w.before === undefined && w.after !== undefined) {
      changes[w.path] = { type: 'add', content: w.after };
    } else if (w.before !== undefined && w.after === undefined) {
      changes[w.path] = { type: 'delete', content: w.before };
    } else if (w.before !== undefined && w.after !== undefined) {
      const diff = unifiedDiffHunks(w.before, w.after, FILE_CHANGE_DIFF_CONTEXT);
      changes[w.path] = { type: 'update', unified_diff: diff, move_path: null };
    }
  }
  return changes;
}

/**
 * Applies update chunks to a file's text, or throws `patch_context_not_found`. Only the lines
 * a chunk removes or adds change: every other line keeps its bytes (its own line ending, and
 * a context line its own text even where the patch's copy differs in whitespace), a leading
 * byte-order mark stays, and whether the file ends with a newline is kept. Added lines end in
 * CRLF only when every newline of the file is CRLF.
 * @example
 * applyChunks('a\nb\r\n', [{ context: undefined, oldLines: ['a'], newLines: ['A'], isEndOfFile: false, line: 3 }], 'f');
 * // 'A\nb\r\n'
 */
export function applyChunks(text: string, chunks: readonly UpdateChunk[], file: string): string {
  const source = splitTextLines(text);
  const lines = source.lines.map((line) => line.text);
  const edits: Array<{ at: number; remove: number; insert: Array<TextLine | string> }> = [];
  let cursor = 0;
  for (const chunk of chunks) {
    if (chunk.context !== undefined) {
      const at = seekSequence(lines, [chunk.context], cursor, false);
      if (at < 0) {
        throw new PatchApplyError('patch_context_not_found', file, `cannot find context line '${chunk.context}' (chunk at patch line ${chunk.line})`);
      }
      cursor = at + 1;
    }
    if (chunk.oldLines.length === 0) {
      edits.push({ at: chunk.context !== undefined && !chunk.isEndOfFile ? cursor : lines.length, remove: 0, insert: chunk.newLines });
      continue;
    }
    let oldLines = chunk.oldLines;
    let newLines = chunk.newLines;
    let at = seekSequence(lines, oldLines, cursor, chunk.isEndOfFile);
    if (at < 0 && oldLines[oldLines.length - 1] === '') {
      // A blank separator line after the chunk was read as an empty context line.
      oldLines = oldLines.slice(0, -1);
      if (newLines[newLines.length - 1] === '') newLines = newLines.slice(0, -1);
      at = seekSequence(lines, oldLines, cursor, chunk.isEndOfFile);
    }
    if (at < 0) {
      throw new PatchApplyError(
        'patch_context_not_found',
        file,
        `cannot find the lines to replace (chunk at patch line ${chunk.line}):\n${chunk.oldLines.join('\n')}`,
      );
    }
    edits.push({ at, remove: oldLines.length, insert: keepContext(source.lines.slice(at, at + oldLines.length), oldLines, newLines) });
    cursor = at + oldLines.length;
  }
  edits.sort((x, y) => x.at - y.at);
  const result: Array<TextLine | string> = source.lines.slice();
  for (let i = edits.length - 1; i >= 0; i--) {
    const e = edits[i] as (typeof edits)[number];
    result.splice(e.at, e.remove, ...e.insert);
  }
  const out: TextLine[] = result.map((line, i) => {
    if (typeof line !== 'string') return line;
    // An added line takes the file's style; as the new last line it keeps the file's final-newline state.
    const last = i === result.length - 1;
    return { text: line, eol: last && !source.finalNewline ? null : source.eol };
  });
  return joinTextLines({ ...source, lines: out });
}

/**
 * The lines that replace `matched` (the file's lines the chunk's `oldLines` matched): a line
 * both sides of the chunk share stays the file's own line; the rest are the patch's text.
 */
function keepContext(matched: readonly TextLine[], oldLines: readonly string[], newLines: readonly string[]): Array<TextLine | string> {
  const out: Array<TextLine | string> = [];
  let oldIndex = 0;
  for (const step of diffLines(oldLines, newLines)) {
    if (step.op === ' ') out.push(matched[oldIndex++] as TextLine);
    else if (step.op === '-') oldIndex++;
    else out.push(step.line);
  }
  return out;
}
