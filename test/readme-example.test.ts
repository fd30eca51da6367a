import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../examples/embed.js';

describe('README embedding example', () => {
  it('is the file the test runs, and runs as written', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL('../examples/embed.ts', import.meta.url), 'utf8');
    expect(readme).toContain(source.trim());
    const lines: string[] = [];
    await main((line) => lines.push(line));
    expect(lines).toEqual(['assistant: Hello from turnstate!']);
  });
});
