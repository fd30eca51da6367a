/** Helpers for the MCP tests: the stdio fixture server's config and its call log. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { McpServerConfig } from 'turnstate';

export const STDIO_FIXTURE = fileURLToPath(new URL('./fixtures/stdio-server.mjs', import.meta.url));

/** The stdio fixture as a server config, logging to `logFile`. */
export const stdioServer = (logFile: string, extra: McpServerConfig = {}): McpServerConfig => ({
  command: process.execPath,
  args: [STDIO_FIXTURE],
  env: { MCP_LOG: logFile },
  ...extra,
});

/** What the fixture server logged: one entry per tools/call received and per cancellation. */
export function serverLog(logFile: string): Array<{ event: string; tool: string; args?: unknown }> {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { event: string; tool: string; args?: unknown });
}

/** Whether a process is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The text of a tool result's first content block. */
export function firstText(result: { content: Array<{ type: string; text?: string }> }): string {
  const block = result.content[0];
  if (block?.type !== 'text' || block.text === undefined) throw new Error('the result has no text block');
  return block.text;
}
