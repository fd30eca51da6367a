/** Sandboxing shell commands with bubblewrap. */
export { sandboxSpecFor, wrapCommand, writableRootsFor, sandboxEnv, type SandboxSpec, type SandboxSpecOptions } from './spec.js';
export { detectBwrap, sandboxAvailable, type BwrapStatus } from './detect.js';
export { isLikelySandboxDenial, type DenialEvidence } from './denial.js';
