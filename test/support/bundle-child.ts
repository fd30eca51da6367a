/**
 * Bundles a child-process script (a `.ts` file under test/) into one ES module that plain `node`
 * runs, for the tests that kill, pause or restart real processes.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Bundles `entry` (a path relative to the repository root) into `file` with rolldown.
 * @example
 * bundleChild('test/persistence-integration/crash-child.ts', join(dir, 'child.mjs'));
 */
export function bundleChild(entry: string, file: string): void {
  execFileSync(
    join(ROOT, 'node_modules/.bin/rolldown'),
    [
      join(ROOT, entry),
      ...['--file', file, '--platform', 'node', '--format', 'esm', '--logLevel', 'silent'],
      // Bundled CommonJS dependencies (write-file-atomic) read `__filename`, which an ES module lacks.
      ...['--banner', "import { fileURLToPath as __toPath } from 'node:url'; const __filename = __toPath(import.meta.url);"],
    ],
    { cwd: ROOT, stdio: 'pipe', timeout: 60_000 },
  );
}
