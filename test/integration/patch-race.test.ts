/**
 * A patch cannot be raced out of the workspace. One model response holds a shell call that
 * keeps swapping a directory `sw` for a symlink to `../outside`, and 300 `apply_patch` calls
 * adding `sw/evil-K.txt` (workspace-write, approval never). Whatever the interleaving,
 * nothing may appear outside the workspace, and no temporary file may be left anywhere.
 *
 * `TURNSTATE_RACE_RUNS` sets how many times the race is played (default 2).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WORKSPACE_WRITE, addFile, answer, calls, outputFor, patch, say, shell, startRig, type Rig } from './support.js';

const RUNS = Math.max(1, Number(process.env.TURNSTATE_RACE_RUNS ?? 2));
const PATCHES = 300;

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** Every file and directory under `dir` (relative paths), without following symlinks. */
function walk(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    out.push(rel);
    if (entry.isDirectory()) out.push(...walk(path.join(dir, entry.name), rel));
  }
  return out;
}

const swapLoop = `for i in $(seq ${PATCHES}); do mkdir sw; mv sw old.$i; ln -s ../outside sw; rm -f sw; done; echo swapped`;

describe('a patch raced against a directory/symlink swap', () => {
  it(`writes nothing outside the workspace and leaves no temporary file (${RUNS} runs of ${PATCHES} patches)`, async () => {
    for (let run = 0; run < RUNS; run++) {
      const patches = Array.from({ length: PATCHES }, (_, k) => patch(`call_p${k}`, addFile(`sw/evil-${k}.txt`, 'pwned')));
      rig = await startRig([calls('r1', shell('call_swap', ['bash', '-c', swapLoop]), ...patches), answer('r2')], {
        approvalPolicy: 'never',
        sandboxPolicy: WORKSPACE_WRITE,
      });
      const turn = await rig.thread.submit(say('race'));
      await rig.log.untilType('task_complete', { id: turn, timeoutMs: 120_000 });

      const outputs = Array.from({ length: PATCHES }, (_, k) => outputFor(rig!.server, 1, `call_p${k}`) ?? '');
      const refused = outputs.filter((o) => o.startsWith('apply_patch failed')).length;
      console.log(`[measure] race run ${run}: ${PATCHES - refused} patches written inside the workspace, ${refused} refused`);
      expect(walk(rig.outside), `run ${run}: files outside the workspace`).toEqual([]);
      expect(walk(rig.cwd).filter((p) => /turnstate-[0-9a-f]+\.(tmp|bak)$/.test(p)), `run ${run}: temporary files`).toEqual([]);
      expect(walk(rig.cwd).some((p) => /^old\.\d+$/.test(p)), `run ${run}: the swap loop ran`).toBe(true);
      await rig.close();
      rig = undefined;
    }
  }, 600_000);
});
