/**
 * Plain ANSI styling for the CLI. Colour is decided once, by the caller (a TTY and no
 * `NO_COLOR`); with colour off every style is the identity, so transcripts stay plain text.
 */
import type { Writable } from 'node:stream';

/**
 * The styles the renderer uses.
 * @example
 * const s: Style = makeStyle(true); s.bold('turn 1');
 */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  magenta(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => (text === '' ? '' : `\u001b[${open}m${text}\u001b[${close}m`);
const identity = (text: string) => text;

/**
 * The styles for an output: ANSI colours when `color` is true, plain text otherwise.
 * @example
 * makeStyle(false).red('boom'); // 'boom'
 * makeStyle(true).red('boom'); // '\u001b[31mboom\u001b[39m'
 */
export function makeStyle(color: boolean): Style {
  if (!color) return { bold: identity, dim: identity, red: identity, green: identity, yellow: identity, cyan: identity, magenta: identity };
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39), magenta: sgr(35, 39) };
}

/**
 * Whether to colour `output`: only a TTY, and only when `NO_COLOR` is unset.
 * @example
 * shouldColor(process.stdout); // true in a terminal, false when piped
 */
export function shouldColor(output: Writable, env: NodeJS.ProcessEnv = process.env): boolean {
  const isTTY = (output as Partial<NodeJS.WriteStream>).isTTY === true;
  return isTTY && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}
