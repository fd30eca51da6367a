/**
 * Whether bubblewrap actually works here. Having the binary is not enough (containers often
 * forbid the namespaces it needs), so detection runs it once with the same namespace flags
 * `wrapCommand` uses and caches the answer per executable path.
 */
import { spawn } from 'node:child_process';

/** Result of probing bwrap. */
export interface BwrapStatus {
  available: boolean;
  path: string;
  /** Why it is unavailable (spawn error or bwrap's own stderr). */
  reason?: string;
}

const cache = new Map<string, Promise<BwrapStatus>>();
const PROBE_ARGS = ['--die-with-parent', '--unshare-pid', '--unshare-net', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', 'true'];

function probe(path: string): Promise<BwrapStatus> {
  return new Promise((resolve) => {
    let stderr = '';
    const child = spawn(path, PROBE_ARGS, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', (e) => resolve({ available: false, path, reason: `cannot run ${path}: ${e.message}` }));
    child.on('close', (code, signal) => {
      if (code === 0) resolve({ available: true, path });
      else resolve({ available: false, path, reason: stderr.trim() || `${path} exited with ${code ?? signal}` });
    });
  });
}

/**
 * Probes bwrap once (per path) and caches the result; `refresh` probes again.
 * @example
 * const { available, reason } = await detectBwrap();
 */
export function detectBwrap(options: { path?: string; refresh?: boolean } = {}): Promise<BwrapStatus> {
  const path = options.path ?? 'bwrap';
  let status = cache.get(path);
  if (!status || options.refresh) {
    status = probe(path);
    cache.set(path, status);
  }
  return status;
}

/**
 * Whether commands can be sandboxed on this machine.
 * @example
 * const decision = decideExec({ ...input, sandboxAvailable: await sandboxAvailable() });
 */
export async function sandboxAvailable(): Promise<boolean> {
  return (await detectBwrap()).available;
}
