// The prompt texts live as Markdown in src/prompts/*.md. The engine imports them as string
// modules so they survive bundling (a bundled host has no file next to the module to read):
//   node scripts/prompts.mjs generate   writes src/prompts/<name>.text.ts for each <name>.md
//   node scripts/prompts.mjs copy       copies the .md files to dist/src/prompts (shipped for reading)
// test/prompts/base-instructions.test.ts fails when a generated module is out of date.
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';

const dir = 'src/prompts';
const command = process.argv[2];
if (command === 'generate') {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
    const name = file.slice(0, -'.md'.length);
    const text = readFileSync(`${dir}/${file}`, 'utf8');
    writeFileSync(`${dir}/${name}.text.ts`, generatedModule(file, text));
  }
} else if (command === 'copy') {
  cpSync(dir, 'dist/src/prompts', { recursive: true, filter: (path) => !path.endsWith('.ts') });
} else {
  process.stderr.write('usage: node scripts/prompts.mjs generate|copy\n');
  process.exit(2);
}

/** The module text for one Markdown file. */
function generatedModule(file, text) {
  return `// Generated from ${file} by scripts/prompts.mjs; edit the Markdown, then run \`node scripts/prompts.mjs generate\`.\nconst text: string = ${JSON.stringify(text)};\nexport default text;\n`;
}
