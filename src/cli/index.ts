/**
 * The CLI's modules for embedding and tests: the dispatcher, the demo, exec, argv parsing
 * and the renderer. (`main.ts` is the executable and has side effects; import this instead.)
 */
export { runCli, type CliIO } from './cli.js';
export { runDemo, DEMO_PROMPTS, DEMO_SENTENCE, type DemoOptions, type DemoResult } from './demo.js';
export { runExec, DEFAULT_EXEC_MODEL } from './exec.js';
export { runInteractive } from './interactive.js';
export { ExecSetupError } from './exec-setup.js';
export { createExecEventMapper, commandLine, type ExecEventMapper, type ExecThreadEvent, type ExecItem, type ExecUsage, type ExecOutcome } from './exec-json.js';
export { parseCliArgs, CLI_VERSION, type CliCommand, type ExecOptions, type SessionOptions } from './args.js';
export { applyConfigOverrides, parseOverrideValue, type ExecSettings } from './config.js';
export { createRenderer, renderSummary, usageLine, formatMs, type Renderer, type RenderOptions, type RenderStats, type SummaryFacts } from './render.js';
export { makeStyle, shouldColor, type Style } from './style.js';
export { pump, type EventHook } from './session-io.js';
