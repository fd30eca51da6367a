import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryThreadStore, JsonlThreadStore } from '../../src/persistence/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { runThreadStoreConformance } from 'turnstate/testing';

const framework = { afterEach, describe, expect, it };

runThreadStoreConformance('InMemoryThreadStore', () => new InMemoryThreadStore(), framework);

runThreadStoreConformance('JsonlThreadStore', async () => {
  const home = await mkdtemp(join(tmpdir(), 'turnstate-store-'));
  return { store: new JsonlThreadStore({ home }), cleanup: () => rm(home, { recursive: true, force: true }) };
}, framework);
