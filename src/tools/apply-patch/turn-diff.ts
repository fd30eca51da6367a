/**
 * The turn's net file diff (the payload of `TurnDiff{unified_diff}`). Invariant: a file's
 * baseline is captured before the turn first changes it and never replaced afterwards, so
 * the diff is always "start of turn → now", however many patches touched the file.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileChange } from '../../protocol/events.js';
import { unifiedDiffHunks } from './diff.js';

interface Snapshot {
  content: Buffer | undefined;
  mode: string;
}

async function snapshot(p: string): Promise<Snapshot> {
  try {
    const [content, st] = await Promise.all([readFile(p), stat(p)]);
    return { content, mode: st.mode & 0o111 ? '100755' : '100644' };
  } catch {
    return { content: undefined, mode: '100644' };
  }
}

function blobId(content: Buffer | undefined): string {
  if (content === undefined) return '0'.repeat(40);
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

const isBinary = (b: Buffer | undefined) => b !== undefined && b.includes(0);

function unchanged(before: Snapshot, after: Snapshot): boolean {
  if (before.content === undefined || after.content === undefined) return before.content === after.content;
  return before.mode === after.mode && before.content.equals(after.content);
}

/**
 * Records the original content of every file a turn touches and renders the turn's net
 * changes as a git-style unified diff.
 * @example
 * const tracker = new TurnDiffTracker('/ws');
 * await tracker.trackChanges(plan.changes); // before applying
 * await applyPatch(plan, { cwd: '/ws' });
 * const diff = await tracker.unifiedDiff(); // 'diff --git a/a.txt b/a.txt\n...'
 */
export class TurnDiffTracker {
  readonly #root: string;
  readonly #baselines = new Map<string, Snapshot>();
  /** destination → source, for files moved during the turn. */
  readonly #renames = new Map<string, string>();

  /** `root` is the directory diff paths are shown relative to (usually the turn's cwd). */
  constructor(root: string) {
    this.#root = path.resolve(root);
  }

  /**
   * Captures baselines for absolute paths not seen yet this turn. Call before writing.
   * @example
   * await tracker.track(['/ws/a.txt']);
   */
  async track(absPaths: Iterable<string>): Promise<void> {
    for (const p of absPaths) {
      const abs = path.resolve(p);
      if (!this.#baselines.has(abs)) this.#baselines.set(abs, await snapshot(abs));
    }
  }

  /**
   * Captures baselines for every path of a set of changes (and notes moves). Call before applying.
   * @example
   * await tracker.trackChanges({ '/ws/a.txt': { type: 'delete', content: 'x\n' } });
   */
  async trackChanges(changes: Readonly<Record<string, FileChange>>): Promise<void> {
    for (const [p, change] of Object.entries(changes)) {
      await this.track([p]);
      if (change.type === 'update' && change.move_path) {
        const dest = path.resolve(change.move_path);
        const isNew = !this.#baselines.has(dest);
        await this.track([dest]);
        if (isNew && this.#baselines.get(dest)?.content === undefined) this.#renames.set(dest, path.resolve(p));
      }
    }
  }

  /**
   * The net diff of the turn so far (`''` when nothing changed), one `diff --git` section
   * per file, sorted by path.
   * @example
   * await new TurnDiffTracker('/ws').unifiedDiff(); // ''
   */
  async unifiedDiff(): Promise<string> {
    const now = new Map<string, Snapshot>();
    for (const abs of this.#baselines.keys()) now.set(abs, await snapshot(abs));
    const sections: Array<[string, string]> = [];
    const handled = new Set<string>();
    for (const [dest, source] of this.#renames) {
      const moved = now.get(dest);
      const original = this.#baselines.get(source);
      if (moved?.content !== undefined && now.get(source)?.content === undefined && original?.content !== undefined) {
        sections.push([this.#display(source), this.#section(source, dest, original, moved)]);
        handled.add(dest).add(source);
      }
    }
    for (const [abs, before] of this.#baselines) {
      const after = now.get(abs) as Snapshot;
      if (handled.has(abs) || unchanged(before, after)) continue;
      sections.push([this.#display(abs), this.#section(abs, abs, before, after)]);
    }
    sections.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return sections.map(([, s]) => s).join('');
  }

  #display(abs: string): string {
    const rel = path.relative(this.#root, abs);
    const shown = rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? abs.replace(/^\/+/, '') : rel;
    return shown.split(path.sep).join('/');
  }

  #section(fromAbs: string, toAbs: string, before: Snapshot, after: Snapshot): string {
    const a = this.#display(fromAbs);
    const b = this.#display(toAbs);
    let head = `diff --git a/${a} b/${b}\n`;
    if (before.content === undefined) head += `new file mode ${after.mode}\n`;
    else if (after.content === undefined) head += `deleted file mode ${before.mode}\n`;
    else {
      if (before.mode !== after.mode) head += `old mode ${before.mode}\nnew mode ${after.mode}\n`;
      if (a !== b) head += `rename from ${a}\nrename to ${b}\n`;
    }
    const modeSuffix = before.content !== undefined && after.content !== undefined && before.mode === after.mode ? ` ${after.mode}` : '';
    head += `index ${blobId(before.content)}..${blobId(after.content)}${modeSuffix}\n`;
    const oldName = before.content === undefined ? '/dev/null' : `a/${a}`;
    const newName = after.content === undefined ? '/dev/null' : `b/${b}`;
    if (isBinary(before.content) || isBinary(after.content)) return `${head}Binary files ${oldName} and ${newName} differ\n`;
    const hunks = unifiedDiffHunks(before.content?.toString('utf8') ?? '', after.content?.toString('utf8') ?? '');
    return hunks === '' ? head : `${head}--- ${oldName}\n+++ ${newName}\n${hunks}`;
  }
}
