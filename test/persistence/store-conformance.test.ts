import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryThreadStore, JsonlThreadStore } from '../../src/persistence/index.js';
import { runThreadStoreConformance } from '../../src/testing/store-conformance.js';

runThreadStoreConformance('InMemoryThreadStore', () => new InMemoryThreadStore());

runThreadStoreConformance('JsonlThreadStore', async () => {
  const home = await mkdtemp(join(tmpdir(), 'turnstate-store-'));
  return { store: new JsonlThreadStore({ home }), cleanup: () => rm(home, { recursive: true, force: true }) };
});
