/** Git ghost snapshots (commit objects of the working tree) and their restore, over the git CLI. */
export { GhostCommit, parseGhostCommit, createGhostCommit, restoreGhostCommit, type GhostSnapshot } from './ghost-commit.js';
export { DEFAULT_SNAPSHOT_LIMITS, ALWAYS_SKIPPED_DIR_NAMES, type SnapshotLimits, type CaptureReport } from './capture.js';
export { locateRepository, mayBeInsideGitRepository, type GitRepository } from './repository.js';
export { NotAGitRepositoryError, GitCommandError, InvalidGhostCommitError } from './errors.js';
export { runGit } from './run.js';
export { RepositoryTrust, repositoryAnchor, type RepositoryVerdict } from './trust.js';
export type { GhostSnapshotSettings } from './settings.js';
