/**
 * Ghost snapshot cost on a repository of 10 000 committed files (100 directories × 100
 * files), with a few files changed and a few untracked, as at the start of a real turn:
 * `createGhostCommit` (what a turn waits for before its tools run) and `restoreGhostCommit`
 * (what `undo` does after a turn changed a few files).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGhostCommit, restoreGhostCommit } from '../src/git/index.js';
import { nowUs, summarize, type SampleSummary } from './measure.js';

/** What the ghost snapshot bench measured. */
export interface GhostSnapshotBench {
  files: number;
  create: SampleSummary;
  restore: SampleSummary;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd, stdio: 'ignore' });

/** Builds the repository: `dirs` × `perDir` committed files of ~60 bytes. */
function buildRepo(dirs: number, perDir: number): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'turnstate-bench-git-'));
  git(root, 'init', '-q');
  // Files last edited a minute before the index was written, as in a real checkout: files
  // as new as the index itself are "racily clean" and git would re-hash every one of them.
  const past = new Date(Date.now() - 60_000);
  for (let d = 0; d < dirs; d++) {
    mkdirSync(path.join(root, `pkg${d}`));
    for (let f = 0; f < perDir; f++) {
      const file = path.join(root, `pkg${d}`, `file${f}.ts`);
      writeFileSync(file, `export const value${f} = ${d * perDir + f}; // pkg ${d}\n`);
      utimesSync(file, past, past);
    }
  }
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'bench');
  return root;
}

/** What a turn does between snapshot and undo: changes, adds and deletes a few files. */
function touch(root: string, round: number): void {
  for (let i = 0; i < 10; i++) writeFileSync(path.join(root, `pkg${i}`, `file${i}.ts`), `// changed in round ${round}\n`);
  writeFileSync(path.join(root, `new-${round}.ts`), 'export {};\n');
  try {
    unlinkSync(path.join(root, 'pkg50', `file${round % 100}.ts`));
  } catch {
    // already deleted by an earlier round that was not undone
  }
}

/**
 * Times `runs` snapshots and restores.
 * @example
 * const { create } = await ghostSnapshotTimes(100, 100, 20);
 */
export async function ghostSnapshotTimes(dirs: number, perDir: number, runs: number): Promise<GhostSnapshotBench> {
  const root = buildRepo(dirs, perDir);
  try {
    // The state a turn starts from: some edits and untracked files already there.
    for (let i = 0; i < 50; i++) writeFileSync(path.join(root, `pkg${i + 20}`, `file${i}.ts`), `// edited before the turn ${i}\n`);
    for (let i = 0; i < 50; i++) writeFileSync(path.join(root, `untracked-${i}.txt`), `scratch ${i}\n`);
    await createGhostCommit(root); // warm-up: the first add hashes the pre-turn edits once
    const create: number[] = [];
    const restore: number[] = [];
    for (let round = 0; round < runs; round++) {
      let t0 = nowUs();
      const { commit } = await createGhostCommit(root);
      create.push(nowUs() - t0);
      touch(root, round);
      t0 = nowUs();
      await restoreGhostCommit(root, commit);
      restore.push(nowUs() - t0);
    }
    return { files: dirs * perDir, create: summarize(create), restore: summarize(restore) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
