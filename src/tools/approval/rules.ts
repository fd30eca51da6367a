/**
 * Exec-policy amendments: argv prefixes the user allowed ("always allow commands starting
 * with `npm test`"). Stored as JSON lines, one rule per line, so appending a rule is one
 * atomic-enough `appendFile` and concurrent sessions cannot corrupt earlier rules. A
 * command matching a rule runs without asking and outside the sandbox (that is what the
 * user approved when accepting the amendment).
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ExecPolicyError } from '../errors.js';
import { isKnownSafeCommand, commandsOf } from './safe-commands.js';
import { shellScriptOf } from './shell-words.js';

/**
 * One line of the rules file.
 * @example
 * ExecPolicyRule.parse({ prefix: ['npm', 'test'], decision: 'allow' });
 */
export const ExecPolicyRule = z.object({ prefix: z.array(z.string()).min(1), decision: z.literal('allow') });
export type ExecPolicyRule = z.infer<typeof ExecPolicyRule>;

/** The allowed argv prefixes. */
export interface ExecPolicyRules {
  readonly prefixes: readonly (readonly string[])[];
}

/**
 * No rules.
 * @example
 * decideExec({ ...input, execPolicyRules: EMPTY_RULES });
 */
export const EMPTY_RULES: ExecPolicyRules = { prefixes: [] };

/**
 * Reads a rules file; a missing file is no rules. Throws `ExecPolicyError` on unreadable
 * files or malformed lines (with the line number).
 * @example
 * const rules = await loadRules(path.join(home, 'rules', 'default.jsonl'));
 */
export async function loadRules(file: string): Promise<ExecPolicyRules> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_RULES;
    throw new ExecPolicyError('exec_policy_read_failed', file, (e as Error).message, { cause: e });
  }
  const prefixes: string[][] = [];
  for (const [idx, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw new ExecPolicyError('exec_policy_parse_failed', file, 'not valid JSON', { cause: e, line: idx + 1 });
    }
    const parsed = ExecPolicyRule.safeParse(json);
    if (!parsed.success) {
      throw new ExecPolicyError('exec_policy_parse_failed', file, z.prettifyError(parsed.error), { line: idx + 1 });
    }
    prefixes.push(parsed.data.prefix);
  }
  return { prefixes };
}

/**
 * Persists a new allow rule (creating the file and its directory) and returns `rules` with
 * it added. Throws `ExecPolicyError('exec_policy_write_failed')` when it cannot be stored.
 * @example
 * rules = await appendRule(rulesFile, ['npm', 'test'], rules);
 */
export async function appendRule(file: string, prefix: readonly string[], rules: ExecPolicyRules = EMPTY_RULES): Promise<ExecPolicyRules> {
  const parsed = ExecPolicyRule.safeParse({ prefix, decision: 'allow' });
  if (!parsed.success) throw new ExecPolicyError('exec_policy_write_failed', file, 'a rule needs a non-empty argv prefix');
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await appendFile(file, `${JSON.stringify(parsed.data)}\n`, 'utf8');
  } catch (e) {
    throw new ExecPolicyError('exec_policy_write_failed', file, (e as Error).message, { cause: e });
  }
  return addRule(rules, prefix);
}

/**
 * `rules` plus one prefix, in memory only.
 * @example
 * addRule(EMPTY_RULES, ['make']).prefixes; // [['make']]
 */
export function addRule(rules: ExecPolicyRules, prefix: readonly string[]): ExecPolicyRules {
  return { prefixes: [...rules.prefixes, [...prefix]] };
}

const startsWith = (argv: readonly string[], prefix: readonly string[]) =>
  prefix.length > 0 && prefix.length <= argv.length && prefix.every((p, i) => argv[i] === p);

/**
 * Whether the rules allow `argv`: it starts with an allowed prefix, or it is a plain
 * `bash -lc` script whose every command is allowed by a prefix or known safe.
 * @example
 * matchesRules({ prefixes: [['make']] }, ['bash', '-lc', 'cd x && make all']); // true
 */
export function matchesRules(rules: ExecPolicyRules, argv: readonly string[]): boolean {
  if (rules.prefixes.length === 0) return false;
  if (rules.prefixes.some((p) => startsWith(argv, p))) return true;
  if (shellScriptOf(argv) === undefined) return false;
  const commands = commandsOf(argv);
  return (
    commands !== undefined &&
    commands.some((c) => rules.prefixes.some((p) => startsWith(c, p))) &&
    commands.every((c) => isKnownSafeCommand(c) || rules.prefixes.some((p) => startsWith(c, p)))
  );
}
