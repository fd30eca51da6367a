/**
 * The layer rule in eslint.config.js must keep firing: it resolves each import to a file, so a
 * resolver that stopped finding the `.ts` sources would let every import through unnoticed.
 * These lint probe sources (never written to disk) at paths inside the layers.
 */
import { readdirSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'import-x/no-restricted-paths').map((m) => m.message);
}

describe('one-way layers', () => {
  it('rejects a tool module importing the runtime, even for a type', async () => {
    const errors = await layerErrors('src/tools/probe.ts', "import type { Clock } from '../runtime/ids.js';\nexport type C = Clock;\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('src/tools sits below');
  });

  it('rejects history importing the tool router, and a task importing the runtime', async () => {
    expect(await layerErrors('src/history/probe.ts', "import { ToolRouter } from '../tools/router.js';\nexport const r = ToolRouter;\n")).toHaveLength(1);
    expect(await layerErrors('src/tasks/probe.ts', "import type { ThreadHost } from '../runtime/thread-host.js';\nexport type H = ThreadHost;\n")).toHaveLength(1);
  });

  it('rejects a machine importing anything of src/ but the protocol', async () => {
    const errors = await layerErrors('machines/probe.ts', "import type { Logger } from '../src/logger.js';\nexport type L = Logger;\n");
    expect(errors).toEqual([expect.stringContaining('machines/ import only src/protocol')]);
    expect(await layerErrors('machines/probe.ts', "import type { EventMsg } from '../src/protocol/index.js';\nexport type E = EventMsg;\n")).toEqual([]);
  });

  it('lets imports go down a layer', async () => {
    const code = [
      "import type { EngineContext } from '../tools/turn-context.js';",
      "import type { SessionData } from '../history/session-data.js';",
      "import type { EventMsg } from '../protocol/index.js';",
      'export type T = [EngineContext, SessionData, EventMsg];',
      '',
    ].join('\n');
    expect(await layerErrors('src/tasks/probe.ts', code)).toEqual([]);
  });

  it('places every module of src/ in a layer', async () => {
    const config = (await import(new URL('../../eslint.config.js', import.meta.url).href)) as { layers: string[][] };
    const placed = new Set(config.layers.flat());
    const entries = readdirSync(new URL('../../src/', import.meta.url)).map((name) => `src/${name}`);
    expect(entries.filter((entry) => !placed.has(entry))).toEqual([]);
  });
});
