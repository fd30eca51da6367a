import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_RULES, appendRule, loadRules, matchesRules } from '../../../src/tools/approval/index.js';
import { ExecPolicyError } from '../../../src/tools/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ts-rules-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('exec policy rules', () => {
  it('treats a missing file as no rules, and round-trips appended rules as JSON lines', async () => {
    const file = path.join(dir, 'nested', 'rules.jsonl');
    expect(await loadRules(file)).toEqual(EMPTY_RULES);
    let rules = await appendRule(file, ['npm', 'test']);
    rules = await appendRule(file, ['make'], rules);
    expect(rules.prefixes).toEqual([['npm', 'test'], ['make']]);
    expect(await readFile(file, 'utf8')).toBe('{"prefix":["npm","test"],"decision":"allow"}\n{"prefix":["make"],"decision":"allow"}\n');
    expect(await loadRules(file)).toEqual(rules);
  });

  it('matches argv prefixes and plain bash -lc scripts', () => {
    const rules = { prefixes: [['npm', 'test'], ['make']] };
    expect(matchesRules(rules, ['npm', 'test', '--', '-t', 'x'])).toBe(true);
    expect(matchesRules(rules, ['npm', 'install'])).toBe(false);
    expect(matchesRules(rules, ['bash', '-lc', 'cd sub && make all'])).toBe(true);
    expect(matchesRules(rules, ['bash', '-lc', 'make && curl x'])).toBe(false);
    expect(matchesRules(rules, ['bash', '-lc', 'ls && pwd'])).toBe(false);
    expect(matchesRules(EMPTY_RULES, ['make'])).toBe(false);
  });

  it('reports malformed lines with their line number', async () => {
    const file = path.join(dir, 'bad.jsonl');
    await writeFile(file, '{"prefix":["ls"],"decision":"allow"}\n\nnot json\n');
    await expect(loadRules(file)).rejects.toMatchObject({ code: 'exec_policy_parse_failed', lineNumber: 3, fault: 'configuration' });
    await writeFile(file, '{"prefix":[],"decision":"allow"}\n');
    await expect(loadRules(file)).rejects.toMatchObject({ code: 'exec_policy_parse_failed', lineNumber: 1 });
  });

  it('throws a typed error when the rule cannot be persisted', async () => {
    const blocker = path.join(dir, 'file');
    await writeFile(blocker, 'x');
    const err = await appendRule(path.join(blocker, 'rules.jsonl'), ['make']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecPolicyError);
    expect(err).toMatchObject({ code: 'exec_policy_write_failed' });
    await expect(appendRule(path.join(dir, 'r.jsonl'), [])).rejects.toMatchObject({ code: 'exec_policy_write_failed' });
  });
});
