/**
 * vitest global setup: a throwaway PostgreSQL cluster for the PostgreSQL store's tests
 * (`scripts/pg-test-cluster.sh`, 127.0.0.1, port 55432 or the next free one). Its URL reaches
 * the tests as `inject('turnstatePgUrl')`; `null` (tests skip, saying why) when no PostgreSQL
 * can be started. `TURNSTATE_PG_URL` points the tests at an existing server instead.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    turnstatePgUrl: string | null;
    turnstatePgSkipReason: string;
  }
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts/pg-test-cluster.sh');
const run = promisify(execFile);

/** File filters on the command line (vitest matches them as substrings of paths) that select no PostgreSQL test. */
function runsNoPostgresTest(): boolean {
  const filters = process.argv
    .slice(2)
    .filter((a) => !a.startsWith('-') && a !== 'run' && a !== 'watch' && !/^\d+$/.test(a))
    .map((a) => (isAbsolute(a) ? relative(ROOT, a) : a));
  const tests = readdirSync(join(ROOT, 'test/postgres')).map((name) => `test/postgres/${name}`);
  return filters.length > 0 && !filters.some((f) => tests.some((t) => t.includes(f)));
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const fromEnv = process.env.TURNSTATE_PG_URL;
  if (fromEnv) {
    project.provide('turnstatePgUrl', fromEnv);
    project.provide('turnstatePgSkipReason', '');
    return undefined;
  }
  if (runsNoPostgresTest()) {
    project.provide('turnstatePgUrl', null);
    project.provide('turnstatePgSkipReason', 'no PostgreSQL test was selected');
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'turnstate-pg-'));
  chmodSync(dir, 0o755);
  const cluster = join(dir, 'cluster');
  try {
    const { stdout } = await run('bash', [SCRIPT, 'start', cluster], { timeout: 60_000 });
    project.provide('turnstatePgUrl', stdout.trim());
    project.provide('turnstatePgSkipReason', '');
  } catch (error) {
    const reason = (error as { stderr?: string }).stderr?.trim() || String(error);
    project.provide('turnstatePgUrl', null);
    project.provide('turnstatePgSkipReason', `PostgreSQL could not be started (${reason}); set TURNSTATE_PG_URL or install the postgresql package`);
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return async () => {
    await run('bash', [SCRIPT, 'stop', cluster], { timeout: 60_000 }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
}
