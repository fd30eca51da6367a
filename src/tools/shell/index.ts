/** Running commands with bounded capture, process-group cleanup and model-facing formatting. */
export {
  runCommand,
  TIMEOUT_EXIT_CODE,
  ABORTED_EXIT_CODE,
  type RunCommandOptions,
  type ExecResult,
  type OutputStream,
} from './run.js';
export { HeadTailBuffer, DEFAULT_CAPTURE_BYTES } from './capture.js';
export { signalGroup, terminateGroup, isProcessAlive, DEFAULT_KILL_GRACE_MS } from './kill.js';
export {
  formatExecOutputForModel,
  abortedOutput,
  truncateMiddle,
  timeoutNote,
  MODEL_OUTPUT_MAX_BYTES,
  MODEL_OUTPUT_MAX_LINES,
  type OutputBudget,
} from './format.js';
