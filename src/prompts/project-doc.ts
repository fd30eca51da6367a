/**
 * Project instructions found the way Codex finds them (codex-rs/core `agents_md.rs`): the
 * repository root is the nearest ancestor of the working directory holding `.git`; every
 * directory from that root down to the working directory contributes its `AGENTS.override.md`
 * or else its `AGENTS.md`, in that order, within a byte budget (32 KiB by default). Without a
 * `.git` above, only the working directory is searched. The user-level file in the turnstate
 * home (`AGENTS.override.md` or `AGENTS.md`) comes first and is not counted against the
 * budget. The result becomes the thread's `user_instructions`, which the initial context
 * sends as a user message (`# AGENTS.md instructions for <cwd>`).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Codex's default `project_doc_max_bytes`: the most bytes of project files read, in total.
 * @example
 * createThread({ model, projectDoc: { maxBytes: DEFAULT_PROJECT_DOC_MAX_BYTES / 2 } });
 */
export const DEFAULT_PROJECT_DOC_MAX_BYTES = 32 * 1024;

/** File names looked for in each directory, the first existing one wins. */
const CANDIDATES = ['AGENTS.override.md', 'AGENTS.md'] as const;

/**
 * Options of {@link discoverProjectDocs}.
 * @example
 * const options: ProjectDocOptions = { cwd: '/repo/pkg', home: '/home/me/.turnstate', maxBytes: 16_384 };
 */
export interface ProjectDocOptions {
  /** Working directory of the thread (absolute). */
  cwd: string;
  /** turnstate home whose `AGENTS.md` holds the user's own instructions; `null` skips it. */
  home?: string | null;
  /** Budget in bytes for the project files together (default 32 KiB); 0 reads none. */
  maxBytes?: number;
}

/**
 * What discovery found: the files read, in order (home first), and the combined text
 * (`null` when there is nothing to send).
 * @example
 * const found: ProjectDocs = { sources: ['/repo/AGENTS.md'], text: 'Run npm test before committing.' };
 */
export interface ProjectDocs {
  sources: string[];
  text: string | null;
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isFile(), () => false);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

/** The first candidate file in `dir`, if any. */
async function docIn(dir: string): Promise<string | null> {
  for (const name of CANDIDATES) {
    const file = path.join(dir, name);
    if (await isFile(file)) return file;
  }
  return null;
}

/**
 * Directories to search, root first: from the nearest ancestor holding `.git` (a directory,
 * or the file a git worktree has) down to `cwd`; just `cwd` when no ancestor has one.
 * @example
 * await projectDocDirs('/repo/packages/app'); // ['/repo', '/repo/packages', '/repo/packages/app']
 */
export async function projectDocDirs(cwd: string): Promise<string[]> {
  const chain: string[] = [];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    chain.push(dir);
    if (await exists(path.join(dir, '.git'))) return chain.reverse();
    if (path.dirname(dir) === dir) return [path.resolve(cwd)];
  }
}

/**
 * Finds and reads the instruction files for `cwd`. Project files are cut to the remaining
 * budget byte-wise (a cut multi-byte character becomes U+FFFD, as Codex's lossy decoding
 * does); files holding only whitespace are skipped. Unreadable files are skipped.
 * @example
 * const { text, sources } = await discoverProjectDocs({ cwd: process.cwd(), home: '/home/me/.turnstate' });
 */
export async function discoverProjectDocs(options: ProjectDocOptions): Promise<ProjectDocs> {
  const sources: string[] = [];
  const parts: string[] = [];
  const homeFile = options.home ? await docIn(options.home) : null;
  const homeText = homeFile ? (await readFile(homeFile, 'utf8').catch(() => '')).trim() : '';
  if (homeFile && homeText) {
    sources.push(homeFile);
    parts.push(homeText);
  }
  let remaining = Math.max(0, Math.floor(options.maxBytes ?? DEFAULT_PROJECT_DOC_MAX_BYTES));
  const dirs = remaining > 0 ? await projectDocDirs(options.cwd) : [];
  const root = dirs[0] ?? options.cwd;
  for (const dir of dirs) {
    if (remaining <= 0) break;
    const file = await docIn(dir);
    if (!file) continue;
    const data = await readFile(file).catch(() => null);
    if (!data) continue;
    const kept = data.subarray(0, remaining);
    const text = new TextDecoder().decode(kept);
    if (text.trim() === '') continue;
    remaining -= kept.length;
    sources.push(file);
    parts.push(`${sourceLabel(root, file)}\n\n${text}`);
  }
  return { sources, text: parts.length > 0 ? parts.join('\n\n') : null };
}

/** A line naming the project file a part came from, relative to the repository root. */
function sourceLabel(root: string, file: string): string {
  return `--- ${path.relative(root, file) || path.basename(file)} ---`;
}

/**
 * The thread's user instructions: the host's own text in place of the home file when given,
 * then the project files, unless `projectDoc` is `false` (then only the host's text).
 * @example
 * await resolveUserInstructions({ cwd: '/repo', home: '/home/me/.turnstate', userInstructions: null, projectDoc: {} });
 */
export async function resolveUserInstructions(options: {
  cwd: string;
  home: string | null;
  userInstructions: string | null | undefined;
  projectDoc: false | { maxBytes?: number } | undefined;
}): Promise<string | null> {
  const host = options.userInstructions?.trim() ? options.userInstructions : null;
  if (options.projectDoc === false) return host;
  const found = await discoverProjectDocs({ cwd: options.cwd, home: host === null ? options.home : null, maxBytes: options.projectDoc?.maxBytes });
  if (host === null) return found.text;
  return found.text === null ? host : `${host}\n\n${found.text}`;
}
