import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROJECT_DOC_MAX_BYTES, discoverProjectDocs, projectDocDirs, resolveUserInstructions } from '../../src/prompts/project-doc.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'turnstate-agents-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** outer/ (AGENTS.md, not in the repo) ⊃ repo/ (.git) ⊃ pkg/ ⊃ app/ (cwd); home/ elsewhere. */
async function layout(files: Record<string, string>): Promise<{ repo: string; cwd: string; home: string }> {
  const repo = path.join(root, 'outer', 'repo');
  const cwd = path.join(repo, 'pkg', 'app');
  const home = path.join(root, 'home');
  await mkdir(cwd, { recursive: true });
  await mkdir(path.join(repo, '.git'));
  await mkdir(home);
  for (const [rel, text] of Object.entries(files)) await writeFile(path.join(root, rel), text);
  return { repo, cwd, home };
}

describe('AGENTS.md discovery', () => {
  it('reads the home file first, then the repository root down to the cwd, never above the root', async () => {
    const { repo, cwd, home } = await layout({
      'outer/AGENTS.md': 'above the repository',
      'outer/repo/AGENTS.md': 'root rules',
      'outer/repo/pkg/AGENTS.md': 'package rules',
      'outer/repo/pkg/app/AGENTS.md': 'app rules',
      'home/AGENTS.md': '  my own rules \n',
    });
    const found = await discoverProjectDocs({ cwd, home });
    expect(found.sources).toEqual([
      path.join(home, 'AGENTS.md'),
      path.join(repo, 'AGENTS.md'),
      path.join(repo, 'pkg', 'AGENTS.md'),
      path.join(cwd, 'AGENTS.md'),
    ]);
    expect(found.text).toBe(
      'my own rules\n\n--- AGENTS.md ---\n\nroot rules\n\n--- pkg/AGENTS.md ---\n\npackage rules\n\n--- pkg/app/AGENTS.md ---\n\napp rules',
    );
    expect(await projectDocDirs(cwd)).toEqual([repo, path.join(repo, 'pkg'), cwd]);
  });

  it('prefers AGENTS.override.md in a directory, skips blank files, and searches only the cwd outside a repository', async () => {
    const { repo, cwd } = await layout({
      'outer/repo/AGENTS.md': 'plain',
      'outer/repo/AGENTS.override.md': 'override',
      'outer/repo/pkg/AGENTS.md': ' \n\n',
    });
    expect((await discoverProjectDocs({ cwd })).sources).toEqual([path.join(repo, 'AGENTS.override.md')]);
    const loose = path.join(root, 'loose', 'dir');
    await mkdir(loose, { recursive: true });
    await writeFile(path.join(root, 'loose', 'AGENTS.md'), 'parent of a non-repository');
    await writeFile(path.join(loose, 'AGENTS.md'), 'here');
    expect(await discoverProjectDocs({ cwd: loose })).toEqual({ sources: [path.join(loose, 'AGENTS.md')], text: '--- AGENTS.md ---\n\nhere' });
  });

  it('caps the project files at the byte budget (32 KiB by default), cutting the last one and dropping the rest', async () => {
    const big = 'a'.repeat(DEFAULT_PROJECT_DOC_MAX_BYTES - 10);
    const { cwd, home } = await layout({
      'outer/repo/AGENTS.md': big,
      'outer/repo/pkg/AGENTS.md': '0123456789ABCDEF',
      'outer/repo/pkg/app/AGENTS.md': 'never read',
      'home/AGENTS.md': 'h'.repeat(100),
    });
    const found = await discoverProjectDocs({ cwd, home });
    expect(found.sources).toHaveLength(3);
    expect(found.text).toBe(`${'h'.repeat(100)}\n\n--- AGENTS.md ---\n\n${big}\n\n--- pkg/AGENTS.md ---\n\n0123456789`);
    const small = await discoverProjectDocs({ cwd, maxBytes: 4 });
    expect(small.text).toBe('--- AGENTS.md ---\n\naaaa');
    expect(await discoverProjectDocs({ cwd, home, maxBytes: 0 })).toEqual({ sources: [path.join(home, 'AGENTS.md')], text: 'h'.repeat(100) });
  });

  it('is turned off by projectDoc: false; host instructions replace the home file and precede the project files', async () => {
    const { cwd, home } = await layout({ 'outer/repo/AGENTS.md': 'root rules', 'home/AGENTS.md': 'home rules' });
    expect(await resolveUserInstructions({ cwd, home, userInstructions: null, projectDoc: false })).toBeNull();
    expect(await resolveUserInstructions({ cwd, home, userInstructions: 'host says', projectDoc: false })).toBe('host says');
    expect(await resolveUserInstructions({ cwd, home, userInstructions: 'host says', projectDoc: undefined })).toBe('host says\n\n--- AGENTS.md ---\n\nroot rules');
    expect(await resolveUserInstructions({ cwd, home, userInstructions: undefined, projectDoc: {} })).toBe('home rules\n\n--- AGENTS.md ---\n\nroot rules');
  });
});
