/** How a thread takes ghost snapshots, as the snapshot effect and the undo task read it. */
import type { SnapshotLimits } from './capture.js';
import type { RepositoryTrust } from './trust.js';

/**
 * How a thread takes ghost snapshots (SPEC §4.6).
 * @example
 * const settings: GhostSnapshotSettings = { limits: DEFAULT_SNAPSHOT_LIMITS, timeoutMs: 240_000, trust };
 */
export interface GhostSnapshotSettings {
  limits: SnapshotLimits;
  /** After this many ms tool calls go on without the snapshot (SPEC: 240 s). */
  timeoutMs: number;
  /** The repositories git may run in: those seen before any tool ran (`RepositoryTrust`). */
  trust: RepositoryTrust;
}
