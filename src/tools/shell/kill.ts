/**
 * Process-group termination. Commands are spawned as leaders of their own process group,
 * so signalling `-pgid` reaches the command and everything it forked (unless a descendant
 * moved itself to another group, e.g. with `setsid`; the bwrap sandbox covers that case by
 * running commands in a PID namespace that dies with its parent).
 */
import { readFileSync } from 'node:fs';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Sends `signal` to every process of group `pgid`; false when the group no longer exists.
 * @example
 * signalGroup(child.pid!, 'SIGTERM');
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a process exists and is not a zombie (a zombie has exited; it only waits to be
 * reaped by its parent, which in containers may take a while).
 * @example
 * isProcessAlive(process.pid); // true
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * Grace between SIGTERM and SIGKILL when terminating a command.
 * @example
 * await terminateGroup(pid, DEFAULT_KILL_GRACE_MS);
 */
export const DEFAULT_KILL_GRACE_MS = 250;

/**
 * SIGTERM to the whole group, wait up to `graceMs` for it to empty, then SIGKILL whatever is
 * left. Resolves once SIGKILL has been sent (or the group was already gone).
 * @example
 * await terminateGroup(child.pid!, 250);
 */
export async function terminateGroup(pgid: number, graceMs: number = DEFAULT_KILL_GRACE_MS): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(Math.min(10, graceMs));
    if (!signalGroup(pgid, 0)) return;
  }
  signalGroup(pgid, 'SIGKILL');
}
