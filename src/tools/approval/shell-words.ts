/**
 * A deliberately small shell tokenizer for judging `bash -lc "<script>"` commands. It
 * accepts only plain commands (bare words and quoted strings) joined by `&&`, `||`, `;`,
 * `|` or newlines, and gives up (returns `undefined`) on anything that could run code or
 * touch files by itself: `$` expansion, backticks, subshells, redirections, globs, braces,
 * background `&`, comments, backslash escapes outside quotes.
 */

const BARE = /[A-Za-z0-9_\-.,/:=@%+^~]/;
const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash']);
const SHELL_DIRS = ['/bin/', '/usr/bin/', '/usr/local/bin/'];

/**
 * The program name of `argv[0]`: a bare name, or a path in a standard binary directory
 * reduced to its base name; `undefined` for any other path (a `./ls` is not `ls`).
 * @example
 * programName('/usr/bin/git'); // 'git'
 * programName('./ls'); // undefined
 */
export function programName(arg0: string | undefined): string | undefined {
  if (arg0 === undefined || arg0 === '') return undefined;
  if (!arg0.includes('/')) return arg0;
  const dir = SHELL_DIRS.find((d) => arg0.startsWith(d));
  const rest = dir ? arg0.slice(dir.length) : '';
  return rest !== '' && !rest.includes('/') ? rest : undefined;
}

/**
 * The script of a `bash -lc '<script>'` style argv (bash, sh, zsh or dash with `-c` or
 * `-lc` and exactly one script argument), else `undefined`.
 * @example
 * shellScriptOf(['bash', '-lc', 'ls && pwd']); // 'ls && pwd'
 */
export function shellScriptOf(argv: readonly string[]): string | undefined {
  const [shell, flag, script] = argv;
  if (argv.length !== 3 || script === undefined) return undefined;
  if (!SHELLS.has(programName(shell) ?? '') || (flag !== '-c' && flag !== '-lc')) return undefined;
  return script;
}

/**
 * Splits a plain script into its commands (each an argv), or `undefined` when the script
 * uses anything beyond plain words, quotes and `&& || ; |`.
 * @example
 * splitShellScript("grep -n 'a b' f.txt | wc -l"); // [['grep', '-n', 'a b', 'f.txt'], ['wc', '-l']]
 * splitShellScript('ls > out.txt'); // undefined
 */
export function splitShellScript(script: string): string[][] | undefined {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  let dangling = false; // an operator that needs a command after it
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = (needsNext: boolean): boolean => {
    endWord();
    if (words.length === 0) return false;
    commands.push(words);
    words = [];
    dangling = needsNext;
    return true;
  };
  for (let i = 0; i < script.length; ) {
    const c = script[i] as string;
    const next = script[i + 1];
    if (c === ' ' || c === '\t') {
      endWord();
      i++;
    } else if (c === '\n' || c === ';') {
      endWord();
      if (words.length === 0) {
        if (c === ';') return undefined;
        i++; // a blank line, or a line break after an operator
        continue;
      }
      endCommand(false);
      i++;
    } else if (c === '&' || c === '|') {
      if (c === '&' && next !== '&') return undefined;
      if (!endCommand(true)) return undefined;
      i += next === c ? 2 : 1;
    } else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word = (word ?? '') + script.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      const parsed = doubleQuoted(script, i + 1);
      if (!parsed) return undefined;
      word = (word ?? '') + parsed.text;
      i = parsed.end + 1;
    } else if (BARE.test(c)) {
      word = (word ?? '') + c;
      i++;
    } else {
      return undefined;
    }
  }
  endWord();
  if (words.length > 0) commands.push(words);
  else if (dangling) return undefined;
  return commands.length > 0 ? commands : undefined;
}

function doubleQuoted(script: string, from: number): { text: string; end: number } | undefined {
  let text = '';
  for (let i = from; i < script.length; i++) {
    const c = script[i] as string;
    if (c === '"') return { text, end: i };
    if (c === '$' || c === '`') return undefined;
    if (c === '\\') {
      const n = script[i + 1];
      if (n === '"' || n === '\\') {
        text += n;
        i++;
        continue;
      }
      if (n === '$' || n === '`') return undefined;
    }
    text += c;
  }
  return undefined;
}
