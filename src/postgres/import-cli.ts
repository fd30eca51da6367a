#!/usr/bin/env node
/**
 * `turnstate-pg-import`: copies a turnstate (or Codex) home's rollout tree into PostgreSQL.
 *
 *   turnstate-pg-import --home ~/.codex --url postgres://user@host/db [--schema turnstate]
 *
 * `--url` defaults to `TURNSTATE_PG_URL`, then `DATABASE_URL`; `--home` to `TURNSTATE_HOME`.
 * Exit codes: 0 everything imported (or already there), 1 some files failed, 2 usage error.
 */
import { parseArgs } from 'node:util';
import { resolveTurnstateHome } from '../persistence/paths.js';
import { importRolloutTree } from './import.js';
import { PostgresThreadStore } from './store.js';

const USAGE = 'usage: turnstate-pg-import --home DIR --url POSTGRES_URL [--schema NAME]\n';

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: { home: { type: 'string' }, url: { type: 'string' }, schema: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const url = values.url ?? process.env.TURNSTATE_PG_URL ?? process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write(`no PostgreSQL URL: pass --url or set TURNSTATE_PG_URL\n${USAGE}`);
    return 2;
  }
  const home = values.home ?? resolveTurnstateHome(process.env);
  const store = new PostgresThreadStore({ connectionString: url, ...(values.schema ? { schema: values.schema } : {}) });
  try {
    const report = await importRolloutTree({ home, store });
    process.stdout.write(`imported ${report.imported}, already present ${report.existing}, failed ${report.failed.length}, unreadable lines skipped ${report.skippedLines}\n`);
    for (const failure of report.failed) process.stderr.write(`failed ${failure.path}: ${failure.code}: ${failure.message}\n`);
    return report.failed.length > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
