/**
 * Transpiles the sources a child process needs (src/errors.ts and src/persistence/*.ts) to
 * plain ESM JavaScript in a temporary directory whose node_modules points at the project's,
 * so child processes can load them with plain `node`.
 */
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export async function transpilePersistence(outDir: string): Promise<string> {
  const files = ['src/errors.ts', ...(await readdir(join(ROOT, 'src/persistence'))).filter((f) => f.endsWith('.ts')).map((f) => `src/persistence/${f}`)];
  for (const file of files) {
    const source = await readFile(join(ROOT, file), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    const target = join(outDir, file.replace(/\.ts$/, '.js'));
    await mkdir(join(target, '..'), { recursive: true });
    await writeFile(target, outputText);
  }
  await writeFile(join(outDir, 'package.json'), '{"type":"module"}');
  await symlink(join(ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  return join(outDir, 'src/persistence/message-history.js');
}
