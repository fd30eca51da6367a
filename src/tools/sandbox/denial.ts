/**
 * Recognising a command that failed because of the sandbox (for the on-failure flow, which
 * offers to re-run it unsandboxed). A heuristic: a non-zero exit under bwrap whose output
 * names a typical denial. Network errors only count when the sandbox cut the network.
 */
import type { SandboxSpec } from './spec.js';

const FS_DENIALS = ['read-only file system', 'permission denied', 'operation not permitted'];
const NET_DENIALS = [
  'network is unreachable',
  'connection refused',
  'could not resolve host',
  'temporary failure in name resolution',
  'name or service not known',
  'no address associated with hostname',
];

/** The parts of a command result the heuristic looks at. */
export interface DenialEvidence {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
}

/**
 * Whether a failed command was probably stopped by the sandbox.
 * @example
 * isLikelySandboxDenial({ exitCode: 1, stdout: '', stderr: "touch: cannot touch '/x': Read-only file system",
 *   timedOut: false, aborted: false }, spec); // true when spec.kind === 'bwrap'
 */
export function isLikelySandboxDenial(result: DenialEvidence, spec: SandboxSpec): boolean {
  if (spec.kind !== 'bwrap' || result.exitCode === 0 || result.timedOut || result.aborted) return false;
  const text = `${result.stderr}\n${result.stdout}`.toLowerCase();
  const needles = spec.networkAccess ? FS_DENIALS : [...FS_DENIALS, ...NET_DENIALS];
  return needles.some((n) => text.includes(n));
}
