/**
 * The interactive session in a real terminal: tmux runs the built CLI (dist/src/cli/main.js)
 * against the loopback mock; the test types, answers an approval, interrupts a long command
 * with Ctrl-C, and quits. Skipped, with a message, where tmux is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev, startMockResponsesServer, type MockResponsesServer } from 'turnstate/testing';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.warn('interactive-tmux.test.ts: tmux is not installed; the terminal test is skipped');

const repo = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(repo, 'dist/src/cli/main.js');
const socket = `turnstate-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 'ts');
const SLEEP = 'sleep 41.73';

async function waitFor(text: string | RegExp, timeoutMs = 20_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const shown = screen();
    if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
    if (Date.now() > until) throw new Error(`timed out waiting for ${String(text)}; the screen shows:\n${shown}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
const sleepRunning = () => spawnSync('pgrep', ['-f', SLEEP]).status === 0;

describe.skipIf(!hasTmux)('interactive session (tmux)', () => {
  let dir: string;
  let server: MockResponsesServer;
  beforeAll(async () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
    dir = await mkdtemp(path.join(os.tmpdir(), 'ts-tmux-'));
    server = await startMockResponsesServer([
      { events: [ev.created('r1'), ev.functionCall('c1', 'shell', JSON.stringify({ command: ['touch', 'marker.txt'] })), ev.completed('r1', { input_tokens: 10, output_tokens: 2, total_tokens: 12 })] },
      { events: [ev.created('r2'), ev.messageAdded('m2'), ev.textDelta('Marker '), ev.textDelta('created.'), ev.assistantMessage('m2', 'Marker created.'), ev.completed('r2', { input_tokens: 20, output_tokens: 3, total_tokens: 23 })] },
      { events: [ev.created('r3'), ev.functionCall('c2', 'shell', JSON.stringify({ command: ['bash', '-lc', SLEEP] })), ev.completed('r3', { input_tokens: 30, output_tokens: 2, total_tokens: 32 })] },
    ]);
    const env = [`TURNSTATE_HOME=${path.join(dir, 'home')}`, 'CODEX_API_KEY=sk-tty', `PATH=${process.env.PATH ?? ''}`, 'TERM=xterm-256color', 'NO_COLOR=1'];
    const command = `cd ${dir} && env ${env.join(' ')} ${process.execPath} ${cli} --base-url ${server.url} -a untrusted -s danger-full-access; echo "exit=$?" > ${dir}/rc`;
    tmux('new-session', '-d', '-s', 'ts', '-x', '150', '-y', '50', command);
  });
  afterAll(async () => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a prompt, an approval answered, Ctrl-C during a long command (no process left), /quit', async () => {
    await waitFor('you ›');
    tmux('send-keys', '-t', 'ts', 'create the marker', 'Enter');
    await waitFor('Allow the agent to run `touch marker.txt`?');
    tmux('send-keys', '-t', 'ts', 'Enter'); // "Yes, once"
    await waitFor('assistant › Marker created.');
    expect(existsSync(path.join(dir, 'marker.txt'))).toBe(true);

    await waitFor(/✓ turn complete[^\n]*\n(.*\n)*.*you ›/);
    tmux('send-keys', '-t', 'ts', 'now wait a while', 'Enter');
    await waitFor(`Allow the agent to run \`bash -lc '${SLEEP}'\`?`);
    tmux('send-keys', '-t', 'ts', 'Enter');
    await waitFor(`$ bash -lc '${SLEEP}'`);
    for (let i = 0; i < 100 && !sleepRunning(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sleepRunning()).toBe(true);
    tmux('send-keys', '-t', 'ts', 'C-c');
    await waitFor('✗ turn aborted: interrupted');
    for (let i = 0; i < 100 && sleepRunning(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sleepRunning()).toBe(false);

    await waitFor(/turn aborted[^\n]*\n(.*\n)*.*you ›/);
    tmux('send-keys', '-t', 'ts', '/status', 'Enter');
    await waitFor(/tokens\s+\d+ tokens/);
    tmux('send-keys', '-t', 'ts', '/quit', 'Enter');
    let rc = '';
    for (let i = 0; i < 200 && rc === ''; i++) {
      rc = await readFile(path.join(dir, 'rc'), 'utf8').catch(() => '');
      if (rc === '') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(rc.trim()).toBe('exit=0');
    expect(server.requests).toHaveLength(3);
  }, 60_000);
});
