/**
 * Typed errors of the tool layer. Each has a stable `code` and a `fault`: patch text and
 * tool arguments come from the model; rules files and sandbox set-up are configuration;
 * failed writes to disk are the engine's (or the host file system's) problem.
 */
import type { z } from 'zod';
import { TurnstateError } from '../errors.js';

/**
 * The patch text does not follow the apply_patch grammar. `line` is 1-based, counted in
 * the text as the model sent it (before any heredoc wrapper was removed).
 * @example
 * try { parsePatch('oops'); } catch (e) { if (e instanceof PatchParseError) console.log(e.line); }
 */
export class PatchParseError extends TurnstateError {
  readonly line: number;
  constructor(line: number, message: string) {
    super('patch_parse_error', 'model', `invalid patch at line ${line}: ${message}`);
    this.line = line;
  }
}

/** Why a well-formed patch could not be planned or applied. */
export type PatchApplyErrorCode =
  | 'patch_file_missing'
  | 'patch_context_not_found'
  | 'patch_invalid_path'
  | 'patch_empty'
  | 'patch_write_failed';

/**
 * A patch that parsed but does not fit the files on disk (missing file, hunk context not
 * found, bad path), or whose writes failed. Nothing on disk changed when this is thrown by
 * `applyPatch` (writes are rolled back).
 * @example
 * new PatchApplyError('patch_file_missing', 'a.txt', 'file to update does not exist').code;
 */
export class PatchApplyError extends TurnstateError {
  readonly path: string | undefined;
  constructor(code: PatchApplyErrorCode, path: string | undefined, message: string, options?: { cause?: unknown }) {
    super(code, code === 'patch_write_failed' ? 'engine' : 'model', path ? `${path}: ${message}` : message, options);
    this.path = path;
  }
}

/** What went wrong with an exec-policy rules file. */
export type ExecPolicyErrorCode = 'exec_policy_read_failed' | 'exec_policy_parse_failed' | 'exec_policy_write_failed';

/**
 * The exec-policy rules file could not be read, parsed or appended to.
 * @example
 * new ExecPolicyError('exec_policy_write_failed', '/home/u/.turnstate/rules.jsonl', 'disk full').fault; // 'configuration'
 */
export class ExecPolicyError extends TurnstateError {
  readonly file: string;
  readonly lineNumber: number | undefined;
  constructor(code: ExecPolicyErrorCode, file: string, message: string, options?: { cause?: unknown; line?: number }) {
    const where = options?.line === undefined ? file : `${file}:${options.line}`;
    super(code, 'configuration', `${where}: ${message}`, options);
    this.file = file;
    this.lineNumber = options?.line;
  }
}

/**
 * The model called a tool with arguments that do not match its schema; `issues` are zod's.
 * @example
 * new ToolArgumentsError('shell', []).code; // 'tool_arguments_invalid'
 */
export class ToolArgumentsError extends TurnstateError {
  readonly tool: string;
  readonly issues: z.core.$ZodIssue[];
  constructor(tool: string, issues: z.core.$ZodIssue[], message?: string) {
    const summary =
      message ??
      issues
        .slice(0, 5)
        .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
        .join('; ');
    super('tool_arguments_invalid', 'model', `invalid arguments for ${tool}: ${summary}`);
    this.tool = tool;
    this.issues = issues;
  }
}
