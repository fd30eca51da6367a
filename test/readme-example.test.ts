import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../examples/embed.js';
import { main as hostExample } from '../examples/host.js';

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

describe('README host example (run a turn, approve a command, interrupt a second turn)', () => {
  it('is in the README, at most 25 lines, and runs as written', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL('../examples/host.ts', import.meta.url), 'utf8');
    expect(readme).toContain(source.trim());
    expect(source.trim().split('\n').length).toBeLessThanOrEqual(25);
    const lines: string[] = [];
    await hostExample((line) => lines.push(line));
    expect(lines).toEqual(['ran node --version: exit 0', 'assistant: Node is installed.', 'second turn: interrupted']);
  });
});
