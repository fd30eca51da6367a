/**
 * The reference engine: a real Codex CLI, installed from npm into a cache directory, run
 * offline against the loopback mock server. Its CODEX_HOME holds a config with one custom
 * provider whose base URL is the mock server, no retries, no update check, analytics and
 * feedback off, plugins and apps off; any other egress goes to a dead loopback proxy. So the
 * only network call it makes is `POST /v1/responses` to the mock server.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Codex version compatibility is checked against (the README names it too). */
export const CODEX_VERSION = '0.169.0';
/** The provider id the Codex config defines; turnstate threads record it as `model_provider`. */
export const CODEX_PROVIDER = 'mock';
/** Model slug both engines use. */
export const CODEX_MODEL = 'gpt-5.1';

/** Where the Codex package is installed (default `~/.cache/turnstate/codex-<version>`). */
export function codexCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TURNSTATE_CODEX_CACHE ?? join(homedir(), '.cache', 'turnstate', `codex-${CODEX_VERSION}`);
}

/** The launcher npm installs for the package. */
export function codexBinary(cache: string): string {
  return join(cache, 'node_modules', '.bin', 'codex');
}

/** The installed version, or `null` when there is no runnable binary. */
export function installedCodexVersion(bin: string): string | null {
  if (!existsSync(bin)) return null;
  const result = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) return null;
  return /(\d+\.\d+\.\d+)/.exec(result.stdout)?.[1] ?? null;
}

/**
 * Installs `@openai/codex@CODEX_VERSION` into `cache` with the npm client unless it is there.
 * Returns the binary, or the reason it cannot be had.
 */
export function ensureCodex(cache: string): { bin: string } | { skip: string } {
  const bin = codexBinary(cache);
  if (installedCodexVersion(bin) === CODEX_VERSION) return { bin };
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = spawnSync(npm, ['install', '--prefix', cache, '--no-save', '--no-audit', '--no-fund', `@openai/codex@${CODEX_VERSION}`], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (install.status !== 0) {
    const said = install.stderr
      .split('\n')
      .map((line) => line.replace(/^npm (error|ERR!)\s*/, '').trim())
      .filter((line) => line !== '');
    const why = install.error?.message ?? (said.slice(0, 2).join(' / ') || `npm exited ${install.status}`);
    return { skip: `could not install @openai/codex@${CODEX_VERSION} into ${cache}: ${why}` };
  }
  const version = installedCodexVersion(bin);
  if (version !== CODEX_VERSION) return { skip: `@openai/codex@${CODEX_VERSION} installed into ${cache} but ${bin} does not run (version ${version ?? 'none'})` };
  return { bin };
}

/** A fresh CODEX_HOME (also the turnstate store home of a scenario) configured for `baseUrl`. */
export async function makeCodexHome(baseUrl: string): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'turnstate-codex-home-'));
  const config = [
    `model = "${CODEX_MODEL}"`,
    `model_provider = "${CODEX_PROVIDER}"`,
    'check_for_update_on_startup = false',
    '',
    `[model_providers.${CODEX_PROVIDER}]`,
    'name = "loopback mock"',
    `base_url = "${baseUrl}"`,
    'wire_api = "responses"',
    'env_key = "TURNSTATE_CODEX_DUMMY_KEY"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
    'apps = false',
    '',
  ].join('\n');
  await writeFile(join(home, 'config.toml'), config);
  return home;
}

/** What one `codex` run printed. */
export interface CodexRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** `--json` events, one per stdout line. */
  events: Array<{ type: string } & Record<string, unknown>>;
}

/** Runs `codex <args>` with `home` as CODEX_HOME (and HOME), in `cwd`. */
export async function runCodex(bin: string, home: string, cwd: string, args: readonly string[]): Promise<CodexRun> {
  await mkdir(cwd, { recursive: true });
  const deadProxy = 'http://127.0.0.1:9';
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    CODEX_HOME: home,
    TURNSTATE_CODEX_DUMMY_KEY: 'sk-dummy',
    HTTP_PROXY: deadProxy,
    HTTPS_PROXY: deadProxy,
    ALL_PROXY: deadProxy,
    NO_PROXY: '127.0.0.1,localhost',
    NO_COLOR: '1',
  };
  const child = spawn(bin, [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve(status);
    });
  });
  const events = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { type: string } & Record<string, unknown>);
  return { code, stdout, stderr, events };
}

/** The one rollout file under `<home>/sessions` (a scenario's home holds one thread). */
export async function onlyRollout(home: string): Promise<string> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (/^rollout-.*\.jsonl$/.test(entry.name)) found.push(path);
    }
  };
  await walk(join(home, 'sessions'));
  if (found.length !== 1) throw new Error(`expected one rollout under ${home}, found ${found.length}`);
  return found[0] as string;
}

/** The raw JSON objects of a rollout file, one per line. */
export async function rawLines(path: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
