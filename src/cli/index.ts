/**
 * The CLI's modules for embedding and tests: the dispatcher, the demo, exec, argv parsing
 * and the renderer. (`main.ts` is the executable and has side effects; import this instead.)
 */
export { runCli, type CliIO } from './cli.js';
export { runDemo, DEMO_PROMPTS, DEMO_SENTENCE, type DemoOptions, type DemoResult } from './demo.js';
export { runExec, DEFAULT_EXEC_MODEL, type ExecIO } from './exec.js';
export { parseCliArgs, USAGE, type CliCommand } from './args.js';
export { createRenderer, renderSummary, usageLine, formatMs, type Renderer, type RenderOptions, type RenderStats, type SummaryFacts } from './render.js';
export { makeStyle, shouldColor, type Style } from './style.js';
export { pump, type EventHook } from './session-io.js';
