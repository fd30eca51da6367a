import { describe, expect, it } from 'vitest';
import { isDangerousCommand, isKnownSafeCommand, proposeAmendment, splitShellScript } from '../../../src/tools/approval/index.js';

const bash = (script: string) => ['bash', '-lc', script];

describe('splitShellScript', () => {
  it('splits plain commands on && || ; | and newlines, honouring quotes', () => {
    expect(splitShellScript(`grep -n "a b" 'c d'e | wc -l && ls || pwd; echo x\necho y`)).toEqual([
      ['grep', '-n', 'a b', 'c de'],
      ['wc', '-l'],
      ['ls'],
      ['pwd'],
      ['echo', 'x'],
      ['echo', 'y'],
    ]);
    expect(splitShellScript('ls &&\n  pwd;')).toEqual([['ls'], ['pwd']]);
    expect(splitShellScript('echo "say \\"hi\\""')).toEqual([['echo', 'say "hi"']]);
  });

  it.each([
    'ls > out.txt', 'cat < in', 'echo $HOME', 'echo "$HOME"', 'echo `id`', '(ls)', 'ls &', 'ls *.ts',
    'ls && ', '&& ls', 'ls ;; pwd', "echo 'unterminated", 'echo {a,b}', 'ls # comment', 'a\\ b', '',
  ])('rejects %j', (script) => {
    expect(splitShellScript(script)).toBeUndefined();
  });
});

describe('isKnownSafeCommand', () => {
  it.each([
    [['ls', '-la']], [['cat', 'README.md']], [['pwd']], [['echo', 'hi']], [['head', '-n', '5', 'f']], [['wc', '-l', 'f']],
    [['grep', '-rn', 'todo', '.']], [['rg', '-n', 'x']], [['find', '.', '-name', '*.ts']], [['sed', '-n', '1,20p', 'f']],
    [['sed', '-n', '5p']], [['git', 'status']], [['git', 'log', '--oneline', '-5']], [['git', 'diff', 'HEAD~1']],
    [['git', 'show', 'HEAD']], [['git', 'branch', '-a']], [['git', '--no-pager', 'diff']], [['/usr/bin/cat', 'f']],
    [bash('ls && pwd')], [bash("sed -n '1,5p' f.txt | head -n 2")], [bash('grep -R "x" -n || true')],
    [['zsh', '-lc', 'ls']], [['sh', '-c', 'echo a; echo b']],
  ])('%j is safe', (argv) => {
    expect(isKnownSafeCommand(argv)).toBe(true);
  });

  it.each([
    [['rm', 'f']], [['touch', 'f']], [['python3', '-c', 'print(1)']], [['find', '.', '-delete']],
    [['find', '.', '-exec', 'rm', '{}', ';']], [['find', '.', '-fprint', '/tmp/x']], [['rg', '--pre', 'sh', 'x']],
    [['rg', '--pre=sh', 'x']], [['rg', '-z', 'x']], [['sed', '-i', 's/a/b/', 'f']], [['sed', '-n', '1,5p;w out', 'f']],
    [['git', 'push']], [['git', 'branch', 'new-branch']], [['git', '-c', 'core.pager=sh', 'log']],
    [['git', 'diff', '--output=/tmp/x']], [['git', 'diff', '--ext-diff']], [['base64', '-o', 'out', 'in']],
    [['sort', '-o', 'out', 'in']], [['./ls']], [['/tmp/evil/cat']], [bash('ls && rm -rf /')], [bash('ls > out.txt')],
    [bash('(ls)')], [['bash', '-lc', 'git', 'status']], [bash("'ls -l'")], [[]],
  ])('%j is not safe', (argv) => {
    expect(isKnownSafeCommand(argv)).toBe(false);
  });
});

describe('isDangerousCommand / proposeAmendment', () => {
  it('flags forced or recursive deletes, history rewrites and privilege escalation', () => {
    expect(isDangerousCommand(['rm', '-rf', 'build'])).toBe(true);
    expect(isDangerousCommand(['rm', '-f', 'x'])).toBe(true);
    expect(isDangerousCommand(['rm', 'x'])).toBe(false);
    expect(isDangerousCommand(['sudo', 'ls'])).toBe(true);
    expect(isDangerousCommand(['git', 'reset', '--hard'])).toBe(true);
    expect(isDangerousCommand(['git', 'push', '--force-with-lease'])).toBe(true);
    expect(isDangerousCommand(bash('cd x && rm -rf y'))).toBe(true);
    expect(isDangerousCommand(['npm', 'test'])).toBe(false);
  });

  it('proposes the first non-safe command of a script, or the argv', () => {
    expect(proposeAmendment(bash('cd sub && make test && ls'))).toEqual(['make', 'test']);
    expect(proposeAmendment(['npm', 'run', 'build'])).toEqual(['npm', 'run', 'build']);
  });
});
