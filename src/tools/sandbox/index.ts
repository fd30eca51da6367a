/** Sandboxing shell commands with bubblewrap. */
export { sandboxSpecFor, wrapCommand, writableRootsFor, sandboxEnv, hostSpec, type SandboxSpec, type SandboxSpecOptions } from './spec.js';
export { findGitPaths, GIT_SCAN_MAX_DIRS } from './git-paths.js';
export { detectBwrap, sandboxAvailable, type BwrapStatus } from './detect.js';
export { isLikelySandboxDenial, type DenialEvidence } from './denial.js';
