/**
 * The PostgreSQL store passes the same conformance suite as the file and in-memory stores,
 * against a real PostgreSQL server (a fresh schema per test).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runThreadStoreConformance } from 'turnstate/testing';
import { dropStores, endAdmin, PG_SKIP_REASON, PG_URL, pgStore } from './support.js';

const framework = { afterEach, describe: PG_URL === null ? describe.skip : describe, expect, it };

runThreadStoreConformance('PostgresThreadStore', () => ({ store: pgStore(), cleanup: dropStores }), framework);

if (PG_URL === null) {
  describe('PostgreSQL store tests', () => {
    it.skip(`skipped: ${PG_SKIP_REASON}`, () => undefined);
  });
}

afterAll(endAdmin);
