/**
 * Taking over a lock left by a dead process must never take it from a live one. Writers that
 * start together after a holder was killed all find its lock and its holder record; one of
 * them takes the lock and writes its own record a moment later. Until then the old record
 * still names the dead process, and a writer judging it must not age the new holder's lock.
 */
import { readlinkSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireThreadLock, lockIdentity } from '../../src/persistence/thread-lock.js';
import type { ThreadLease } from '../../src/persistence/store.js';

/** A pid that is not running (the highest pid Linux hands out, checked). */
function deadPid(): number {
  for (let pid = 4_194_304; ; pid--) {
    try {
      process.kill(pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
}

/** The lock and holder record a killed holder leaves behind (as the lock module writes them). */
async function leftByKilledHolder(dir: string): Promise<void> {
  await mkdir(path.join(dir, 't.lock'), { recursive: true });
  const record = { holder: 'killed', pid: deadPid(), host: hostname(), pidNamespace: readlinkSync('/proc/self/ns/pid'), lock: lockIdentity(statSync(path.join(dir, 't.lock'))) };
  await writeFile(path.join(dir, 't.holder'), JSON.stringify(record));
}

describe('thread lock takeover', () => {
  it('writers racing for a dead holder\'s lock: exactly one gets it, every time', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'turnstate-lock-race-'));
    const holdersPerRound: number[] = [];
    for (let round = 0; round < 150; round++) {
      const dir = path.join(root, `r${round}`);
      await leftByKilledHolder(dir);
      const tries = await Promise.allSettled(['A', 'B', 'C'].map((holder) => acquireThreadLock(dir, 't', { holder }, 10_000, () => undefined)));
      const leases = tries.flatMap((t) => (t.status === 'fulfilled' ? [t.value as ThreadLease] : []));
      holdersPerRound.push(leases.length);
      for (const lease of leases) await lease.release().catch(() => undefined);
    }
    await rm(root, { recursive: true, force: true });
    expect(holdersPerRound.filter((n) => n !== 1)).toEqual([]);
  });
});
