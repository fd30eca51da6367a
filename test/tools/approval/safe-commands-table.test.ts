/**
 * The known-safe table: for every program on the safe list, invocations that write a file or
 * start a program (each must ask under untrusted + danger-full-access, where nothing else
 * would stop it), and invocations that stay safe (they run without asking). The three found
 * by attack are also played for real, to show the table's "unsafe" rows are not hypothetical.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_RULES, decideExec, isKnownSafeCommand } from '../../../src/tools/approval/index.js';
import { runCommand } from '../../../src/tools/shell/index.js';

const KNOWN_SAFE_PROGRAMS = ['base64','basename','cat','cd','cmp','cut','df','diff','dirname','du','echo','egrep','expr','false','fgrep','find','git','grep','head','id','ls','nl','numfmt','paste','printf','pwd','readlink','realpath','rev','rg','sed','seq','sort','stat','tac','tail','tr','true','uname','uniq','wc','which','whoami'];
const sh = (script: string) => ['bash', '-lc', script];

// prettier-ignore
/** Invocations that write files or run programs, per program. */
const UNSAFE: Record<string, string[][]> = {
  base64: [['base64', '-o', 'out', 'in'], ['base64', '--output=out', 'in'], ['base64', '--out', 'out'], ['base64', 'in', 'out'], sh('base64 in > out')],
  basename: [sh('basename a/b > out')],
  cat: [sh('cat a > b'), sh('cat a >> b')],
  cd: [sh('cd / && touch x')],
  cmp: [sh('cmp a b > out')],
  cut: [sh('cut -f1 a > out')],
  df: [sh('df > out')],
  diff: [['diff', '-l', 'a', 'b'], ['diff', '--paginate', 'a', 'b'], ['diff', '--pag', 'a', 'b'], sh('diff a b > p')],
  dirname: [sh('dirname a/b > out')],
  du: [sh('du -sh . > out')],
  echo: [sh('echo hi > f'), sh('echo $(touch x)')],
  egrep: [sh('egrep x a > out'), ['egrep', '--frobnicate', 'x']],
  expr: [sh('expr 1 + 1 > out')],
  false: [sh('false || touch x')],
  fgrep: [sh('fgrep x a > out')],
  find: [['find', '.', '-delete'], ['find', '.', '-exec', 'rm', '{}', ';'], ['find', '.', '-execdir', 'sh', '-c', 'x', ';'], ['find', '.', '-ok', 'rm', '{}', ';'],
    ['find', '.', '-okdir', 'rm', '{}', ';'], ['find', '.', '-fprint', 'out'], ['find', '.', '-fprint0', 'out'], ['find', '.', '-fprintf', 'out', '%p'],
    ['find', '.', '-fls', 'out'], ['find', '.', '-name', 'x', '-o', '-delete'], ['find', '-L', '.', '(', '-name', 'a', ')', '-exec', 'id', ';']],
  git: [['git', 'diff', '--output=x'], ['git', 'log', '--outp=x'], ['git', 'log', '--output', 'x'], ['git', 'show', '--out=x'], ['git', 'diff', '--ext-diff'],
    ['git', 'diff', '--ext'], ['git', 'log', '-p', '--textconv'], ['git', 'log', '--show-signature'], ['git', '-c', 'core.pager=sh', 'log'],
    ['git', '--git-dir=evil', 'status'], ['git', '--exec-path=.', 'status'], ['git', '--config-env=core.fsmonitor=X', 'status'], ['git', 'branch', 'new'],
    ['git', 'branch', '-D', 'old'], ['git', 'branch', '-m', 'a', 'b'], ['git', 'push'], ['git', 'status', '--frobnicate'], ['git', '--paginate', 'log']],
  grep: [sh('grep -rn x . > out'), ['grep', '--frobnicate', 'x']],
  head: [sh('head -n 5 a > out')],
  id: [sh('id > out')],
  ls: [sh('ls -la > out'), ['ls', '--frobnicate']],
  nl: [sh('nl a > out')],
  numfmt: [sh('numfmt --to=si 1000 > out')],
  paste: [sh('paste a b > out')],
  printf: [sh('printf x > out')],
  pwd: [sh('pwd > out')],
  readlink: [sh('readlink -f a > out')],
  realpath: [sh('realpath a > out')],
  rev: [sh('rev a > out')],
  rg: [['rg', '--pre', 'sh', 'x'], ['rg', '--pre=./p.sh', 'x'], ['rg', '-z', 'x'], ['rg', '--search-zip', 'x'], ['rg', '--search', 'x'],
    ['rg', '--hostname-bin=./h.sh', 'x'], ['rg', '-nz', 'x'], sh('rg x > out')],
  sed: [['sed', '-i', 's/a/b/', 'f'], ['sed', '-n', '1,5p;w out', 'f'], ['sed', '-n', '1p', '-i', 'f'], ['sed', 's/x/id/e', 'f'], ['sed', '--in-place', '-n', '1p', 'f'], sh("sed -n '1p' f > out")],
  seq: [sh('seq 3 > out')],
  sort: [['sort', '--outp=FILE', 'in.txt'], ['sort', '-o', 'out', 'in'], ['sort', '-oout', 'in'], ['sort', '-ro', 'out', 'in'], ['sort', '--output', 'out', 'in'],
    ['sort', '-S', '1K', '--compress-prog=./c.sh', 'big.txt'], ['sort', '--compress-program', './c.sh', 'in'], ['sort', '-T', '/tmp/x', 'in'],
    ['sort', '--temporary-directory=/tmp/x', 'in'], ['sort', '--te=/tmp/x', 'in'], sh('sort a > b')],
  stat: [sh('stat a > out')],
  tac: [sh('tac a > out')],
  tail: [sh('tail -n 5 a > out')],
  tr: [sh('tr a b < in > out')],
  true: [sh('true && touch x')],
  uname: [sh('uname -a > out')],
  uniq: [['uniq', 'in.txt', 'OUT'], ['uniq', '-c', 'in.txt', 'OUT'], ['uniq', '--', 'in', 'out'], ['uniq', 'in', '-c', 'out'], sh('uniq a > b')],
  wc: [sh('wc -l a > out')],
  which: [sh('which ls > out')],
  whoami: [sh('whoami > out')],
};

// prettier-ignore
/** Invocations that only read and print. */
const SAFE: Record<string, string[][]> = {
  base64: [['base64', 'in'], ['base64', '-d', 'in'], ['base64', '-w', '0', 'in'], ['base64', '--wrap=76']],
  basename: [['basename', '-s', '.ts', 'a/b.ts'], ['basename', '-a', 'x/y', 'z/w']],
  cat: [['cat', '-n', 'README.md'], ['cat', '--number', 'a', 'b'], ['cat', '-']],
  cd: [['cd', 'sub']],
  cmp: [['cmp', '-l', 'a', 'b'], ['cmp', 'a', 'b', '10', '20']],
  cut: [['cut', '-d', ',', '-f', '1,3', 'a.csv'], ['cut', '-f1', '--output-delimiter=;', 'a'], ['cut', '--output-d=;', '-f1', 'a']],
  df: [['df', '-h'], ['df', '--output=source,size']],
  diff: [['diff', '-u', 'a', 'b'], ['diff', '-ruN', 'a', 'b'], ['diff', '--unified=5', 'a', 'b'], ['diff', '-U', '3', 'a', 'b'], ['diff', '--brief', 'a', 'b']],
  dirname: [['dirname', 'a/b']],
  du: [['du', '-sh', '.'], ['du', '-d', '1', '.'], ['du', '--max-depth=2']],
  echo: [['echo', 'hi', '>', 'f'], ['echo', '-n', 'x']],
  egrep: [['egrep', '-rn', 'a|b', '.']],
  expr: [['expr', '1', '+', '2']],
  false: [['false']],
  fgrep: [['fgrep', '-i', 'x', 'f']],
  find: [['find', '.', '-name', '*.ts'], ['find', 'src', 'test', '-type', 'f', '-newer', 'x', '-print0'], ['find', '-L', '.', '(', '-name', 'a', '-o', '-name', 'b', ')', '-prune'],
    ['find', '.', '-maxdepth', '2', '-printf', '%p\n'], ['find']],
  git: [['git', 'status'], ['git', 'status', '--porcelain=v1', '-s'], ['git', 'log', '--oneline', '-5'], ['git', 'log', '-n', '3', '--format=%H'],
    ['git', 'diff', 'HEAD~1', '--stat'], ['git', 'diff', '--cached', '--no-ext-diff'], ['git', 'show', 'HEAD', '--name-only'], ['git', 'branch', '-a'],
    ['git', '--no-pager', 'diff'], ['git', '-C', 'sub', 'log', '--graph', '--all']],
  grep: [['grep', '-rn', 'todo', '.'], ['grep', '-e', 'a', '-e', 'b', 'f'], ['grep', '--include=*.ts', '-r', 'x'], ['grep', '-C3', 'x', 'f'], ['grep', '-2', 'x', 'f'], ['grep', '--color=never', 'x']],
  head: [['head', '-n', '5', 'f'], ['head', '-5', 'f'], ['head', '-c100', 'f'], ['head', '--lines=3']],
  id: [['id', '-u'], ['id', 'root']],
  ls: [['ls', '-la'], ['ls', '-lhS', '--color=auto', 'src'], ['ls', '--sort=time', '-r'], ['ls', '-1']],
  nl: [['nl', '-ba', 'f']],
  numfmt: [['numfmt', '--to=si', '1000']],
  paste: [['paste', '-d', ',', 'a', 'b'], ['paste', '-s', 'a']],
  printf: [['printf', '%s\n', 'x']],
  pwd: [['pwd'], ['pwd', '-P']],
  readlink: [['readlink', '-f', 'a']],
  realpath: [['realpath', '--relative-to=.', 'a']],
  rev: [['rev', 'a']],
  rg: [['rg', '-n', 'x'], ['rg', '--files', '-g', '*.ts'], ['rg', '-tjs', '-C', '2', 'x', 'src'], ['rg', '--pre-glob', '*.gz', 'x'], ['rg', '--hidden', '--no-ignore', 'x']],
  sed: [['sed', '-n', '1,20p', 'f'], ['sed', '-n', '5p']],
  seq: [['seq', '1', '10'], ['seq', '-w', '-s', ',', '5']],
  sort: [['sort', '-n', 'f'], ['sort', '-t', ',', '-k', '2,2', '-r', 'a.csv'], ['sort', '-u', 'a', 'b'], ['sort', '--rev', 'f'], ['sort', '-S', '1K', 'big.txt'], ['sort', '--check=quiet', 'f']],
  stat: [['stat', '-c', '%s', 'f']],
  tac: [['tac', 'f']],
  tail: [['tail', '-n', '20', 'f'], ['tail', '-5', 'f'], ['tail', '-f', 'log']],
  tr: [['tr', 'a-z', 'A-Z']],
  true: [['true']],
  uname: [['uname', '-a']],
  uniq: [['uniq', 'in.txt'], ['uniq', '-c', 'in.txt'], ['uniq', '--count', '-'], ['uniq', '-f', '1', 'in'], ['uniq', '--group=append', 'in']],
  wc: [['wc', '-l', 'f'], ['wc', '--lines', 'a', 'b']],
  which: [['which', '-a', 'node']],
  whoami: [['whoami']],
};

const decide = (argv: string[]) =>
  decideExec({
    argv,
    cwd: '/ws',
    approvalPolicy: 'untrusted',
    sandboxPolicy: { type: 'danger-full-access' },
    sandboxAvailable: true,
    approvedForSession: false,
    execPolicyRules: EMPTY_RULES,
  }).kind;

describe('known-safe commands: table', () => {
  it('has unsafe and safe rows for every program on the safe list, and no rows for others', () => {
    expect(Object.keys(UNSAFE).sort()).toEqual([...KNOWN_SAFE_PROGRAMS]);
    expect(Object.keys(SAFE).sort()).toEqual([...KNOWN_SAFE_PROGRAMS]);
  });

  const unsafeRows = Object.entries(UNSAFE).flatMap(([program, rows]) => rows.map((argv) => [program, argv] as const));
  it.each(unsafeRows)('%s: %j writes or executes, so it asks', (_program, argv) => {
    expect(isKnownSafeCommand(argv)).toBe(false);
    expect(decide([...argv])).toBe('ask');
  });

  const safeRows = Object.entries(SAFE).flatMap(([program, rows]) => rows.map((argv) => [program, argv] as const));
  it.each(safeRows)('%s: %j only reads, so it runs', (_program, argv) => {
    expect(isKnownSafeCommand(argv)).toBe(true);
    expect(decide([...argv])).toBe('auto');
  });
});

describe('the unsafe rows found by attack really write or execute', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ts-safe-'));
    await writeFile(path.join(dir, 'in.txt'), 'b\na\na\n');
    await writeFile(path.join(dir, 'big.txt'), Array.from({ length: 300 }, (_, i) => `line ${(i * 7919) % 300}\n`).join(''));
    await writeFile(path.join(dir, 'c.sh'), '#!/bin/sh\ntouch "$(dirname "$0")/ran"\nexec cat\n');
    await chmod(path.join(dir, 'c.sh'), 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    [['uniq', 'in.txt', 'OUT'], 'OUT'],
    [['sort', '--outp=FILE', 'in.txt'], 'FILE'],
    [['sort', '-S', '1K', '--compress-prog=./c.sh', 'big.txt'], 'ran'],
  ])('%j creates %s', async (argv, created) => {
    const result = await runCommand({ argv, cwd: dir, timeoutMs: 20_000 });
    expect(result.exitCode).toBe(0);
    expect(existsSync(path.join(dir, created))).toBe(true);
    expect(isKnownSafeCommand(argv)).toBe(false);
  });
});
