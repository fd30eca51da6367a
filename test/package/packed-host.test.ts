/**
 * SLOW (packs and type-checks a whole project, ~30–60 s): a fresh host project that installs
 * the packed tarball compiles the README examples under strict `tsc` with the README's
 * minimal tsconfig, and fails to compile a misspelled op type, option value and event field.
 *
 * `npm pack` builds the package (its `prepare` script) into a temp directory; the tarball is
 * unpacked as the host's `node_modules/turnstate`, and the host's other dependencies are
 * links to this repository's `node_modules` (offline, and no second install).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const host = mkdtempSync(path.join(tmpdir(), 'turnstate-host-'));
afterAll(() => rmSync(host, { recursive: true, force: true }));

/** The README's minimal tsconfig (the first ```json block of the Host API section). */
function readmeTsconfig(): Record<string, unknown> {
  const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Host API'));
  const json = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  if (!json) throw new Error('README: no tsconfig block in the Host API section');
  return JSON.parse(json) as Record<string, unknown>;
}

function setUpHost(): void {
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', host], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const tarball = path.join(host, packed.trim().split('\n').at(-1) ?? '');
  const modules = path.join(host, 'node_modules');
  mkdirSync(path.join(modules, 'turnstate'), { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', path.join(modules, 'turnstate'), '--strip-components=1']);
  for (const name of readdirSync(path.join(repo, 'node_modules'))) {
    if (name === 'turnstate' || name.startsWith('.')) continue;
    symlinkSync(path.join(repo, 'node_modules', name), path.join(modules, name));
  }
  writeFileSync(path.join(host, 'package.json'), JSON.stringify({ name: 'host', private: true, type: 'module', dependencies: { turnstate: `file:${tarball}` } }));
  writeFileSync(path.join(host, 'tsconfig.json'), JSON.stringify({ ...readmeTsconfig(), include: ['src'] }));
  mkdirSync(path.join(host, 'src'));
  for (const example of ['embed.ts', 'host.ts', 'render-machine.ts', 'watch-live.ts']) cpSync(path.join(repo, 'examples', example), path.join(host, 'src', example));
}

const TYPOS: Record<string, string> = {
  'op-type.ts': `import type { Thread } from 'turnstate';\nexport const f = (t: Thread) => t.submit({ type: 'user_inptu', items: [] });\n`,
  'option-value.ts': `import { createThread } from 'turnstate';\nexport const t = createThread({ approvalPolicy: 'untrusetd' });\n`,
  'event-field.ts': `import type { Event } from 'turnstate';\nexport const f = ({ msg }: Event) => (msg.type === 'agent_message_delta' ? msg.dleta : '');\n`,
};

function tsc(): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', '.', '--noEmit'], { cwd: host, encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('a host project over the packed tarball (slow)', () => {
  it('compiles the README examples with strict tsc, and rejects typos in ops, options and event fields', () => {
    setUpHost();
    expect(readFileSync(path.join(host, 'node_modules/turnstate/package.json'), 'utf8')).toContain('"./machines"');
    // One tsc run over everything: the examples must produce no error, each typo file exactly one.
    for (const [file, source] of Object.entries(TYPOS)) writeFileSync(path.join(host, 'src', file), source);
    const typos = tsc();
    expect(typos.status).not.toBe(0);
    const errors = typos.output.split('\n').filter((line) => line.includes('error TS'));
    expect(errors.map((line) => line.split('(')[0]).sort(), typos.output).toEqual(['src/event-field.ts', 'src/op-type.ts', 'src/option-value.ts']);
    expect(typos.output).toContain("'\"untrusetd\"' is not assignable");
    expect(typos.output).toContain("Property 'dleta' does not exist");
    expect(typos.output).toMatch(/'"user_inptu"' is not assignable/);
  }, 180_000);
});
