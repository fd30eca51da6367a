/**
 * Importing a rollout tree on disk (laid out as Codex and the file store do) into PostgreSQL:
 * every readable thread arrives with the items the file store reads, archived ones archived;
 * unreadable files are reported with their error code; a re-run imports nothing twice. The
 * `turnstate-pg-import` command does the same from the command line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { JsonlThreadStore, rolloutRelativePath } from '../../src/persistence/index.js';
import { importRolloutTree } from 'turnstate/postgres';
import { dropStores, endAdmin, freshSchema, PG_URL, pgStore } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/rollouts');
const dirs: string[] = [];
afterEach(async () => {
  await dropStores();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(endAdmin);

const id = (n: string) => `0193e0b2-7a4c-7000-8000-00000000${n}`;
const ACTIVE = { 'all-kinds': 'a001', 'torn-last-line': 'a002', 'garbage-lines': 'a003', 'rollback-cumulative': 'a006', 'interrupted-mid-turn': 'a008' };
const ARCHIVED = { 'compaction-replacement': 'a004' };
const BROKEN = { empty: 'b001', 'no-session-meta': 'b002' };

/** A home holding the fixtures under the names the file store (and Codex) use. */
function fixtureHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'turnstate-pg-import-'));
  dirs.push(home);
  const place = (fixture: string, n: string, archived: boolean) => {
    const relative = rolloutRelativePath(id(n), new Date(Date.UTC(2026, 3, 25, 10, Number.parseInt(n.slice(1), 16))));
    const target = archived ? join(home, 'archived_sessions', basename(relative)) : join(home, relative);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(FIXTURES, `${fixture}.jsonl`), target);
  };
  for (const [fixture, n] of Object.entries(ACTIVE)) place(fixture, n, false);
  for (const [fixture, n] of Object.entries(ARCHIVED)) place(fixture, n, true);
  for (const [fixture, n] of Object.entries(BROKEN)) place(fixture, n, false);
  return home;
}

describe.skipIf(PG_URL === null)('importRolloutTree', () => {
  it('copies every readable thread with the items the file store reads, keeps archived ones archived, reports the rest', async () => {
    const home = fixtureHome();
    const store = pgStore();
    const report = await importRolloutTree({ home, store });

    const files = new JsonlThreadStore({ home });
    let skipped = 0;
    for (const n of [...Object.values(ACTIVE), ...Object.values(ARCHIVED)]) {
      const path = (await files.findPath(id(n))) ?? '';
      const fromFile = await files.read({ path });
      const fromPg = await store.read(id(n));
      expect(fromPg.items, n).toEqual(fromFile.items);
      expect(fromPg.archived, n).toBe(fromFile.archived);
      skipped += fromFile.skipped.length;
    }
    expect(report).toMatchObject({ imported: 6, existing: 0, skippedLines: skipped });
    expect(skipped).toBeGreaterThan(0);
    expect(report.failed.map((f) => [basename(f.path).slice(-10, -6), f.code]).sort()).toEqual([
      ['b001', 'rollout_empty'],
      ['b002', 'rollout_missing_session_meta'],
    ]);
    expect((await store.list({ archived: true })).threads.map((t) => t.threadId)).toEqual([id('a004')]);
    expect((await store.list()).threads.map((t) => t.threadId)).toHaveLength(5);

    const again = await importRolloutTree({ home, store });
    expect(again).toMatchObject({ imported: 0, existing: 6, skippedLines: 0 });
  });

  it('turnstate-pg-import imports from the command line and exits 1 when some files failed', () => {
    const home = fixtureHome();
    const out = mkdtempSync(join(tmpdir(), 'turnstate-pg-import-cli-'));
    dirs.push(out);
    const cli = join(out, 'import.mjs');
    execFileSync(join(ROOT, 'node_modules/.bin/rolldown'), [join(ROOT, 'src/postgres/import-cli.ts'), '--file', cli, '--platform', 'node', '--format', 'esm', '--logLevel', 'silent'], {
      cwd: ROOT,
      stdio: 'pipe',
      timeout: 60_000,
    });
    const schema = freshSchema();
    pgStore({ schema }); // dropped after the test
    const run = spawnSync(process.execPath, [cli, '--home', home, '--url', PG_URL ?? '', '--schema', schema], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stdout).toMatch(/^imported 6, already present 0, failed 2, unreadable lines skipped [1-9]\d*\n$/);
    expect(run.stderr).toContain('rollout_empty');
    expect(run.status).toBe(1);
    const usage = spawnSync(process.execPath, [cli, '--bogus'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('usage: turnstate-pg-import');
  }, 90_000);
});
