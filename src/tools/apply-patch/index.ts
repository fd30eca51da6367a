/**
 * The apply_patch tool: parse the patch format, plan and verify it against the files,
 * classify its paths against the writable roots, apply it atomically, and track the turn's
 * net diff.
 */
export { parsePatch, type ParsedPatch, type PatchHunk, type UpdateChunk } from './parser.js';
export { seekSequence, normalizePunctuation } from './matcher.js';
export { diffLines, splitLinesKeepEol, unifiedDiffHunks, type DiffOp } from './diff.js';
export {
  planPatch,
  applyChunks,
  readFileIfExists,
  FILE_CHANGE_DIFF_CONTEXT,
  type PatchPlan,
  type PlannedWrite,
  type PatchReadFile,
} from './plan.js';
export {
  applyPatch,
  commitWrites,
  formatPatchSummary,
  nodePatchFs,
  nodeCommitTools,
  plainPatchFs,
  type ApplyPatchOptions,
  type ApplyPatchResult,
  type CommitTools,
  type PatchFs,
  type PatchWrite,
  type PatchWriter,
} from './apply.js';
export { anchoredPatchFs, nodeAnchoredDeps, noFollowPatchFs, type AnchoredFsDeps } from './nofollow-fs.js';
export { SandboxedPatchWriter, SandboxedWriteError, type SandboxedPatchWriterOptions } from './sandboxed-writer.js';
export {
  resolvePatchPath,
  isWithin,
  realLocation,
  classifyPath,
  pathsOutsideRoots,
  changedPaths,
  patchWritesOutside,
  isGitMetadataPath,
  gitMetadataPaths,
  type PathClass,
} from './paths.js';
export { TurnDiffTracker } from './turn-diff.js';
