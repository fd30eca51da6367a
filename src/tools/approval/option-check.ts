/**
 * Judging a command's arguments the way GNU `getopt_long` would read them, against an
 * allow-list. Invariant: an argument is accepted only when getopt would read it as an
 * allowed option (or its value) or as a positional argument the command's own check accepts;
 * anything unknown, ambiguous or malformed is refused.
 *
 * Hand-written because the point is to mirror another program's parser — argument
 * permutation, short-option clustering (`-ro FILE`), attached values (`-oFILE`), optional
 * values (`--color[=WHEN]`) and unique-prefix abbreviation of long options (`--outp` is
 * `--output`) — which parsing libraries, built to parse our own argv, do not reproduce.
 */

/** How a long option takes its value. */
export type Arity = 'none' | 'required' | 'optional';

/** The allow-list of one command. */
export interface OptionSpec {
  /** Short options without a value (`'nbsv'`). */
  flags?: string;
  /** Short options that take a value (`'nk'`). */
  withValue?: string;
  /** Allowed long options (without the leading `--`) and their arity. */
  long?: Readonly<Record<string, Arity>>;
  /**
   * Long options that write files or run programs. They are listed so that an
   * abbreviation resolves to them (and is refused) rather than to an allowed neighbour.
   */
  unsafeLong?: readonly string[];
  /** Accept `-NUM` (and `+NUM`) shorthands (`head -5`, `tail +3`, `grep -2`). */
  numericShorthand?: boolean;
  /** Whether the positional arguments are acceptable (default: any). */
  positionals?: (args: readonly string[]) => boolean;
}

/**
 * The long option `name` abbreviates, following getopt_long: an exact name wins, else the
 * single option starting with `name`; `undefined` when none or several match.
 * @example
 * resolveLongOption('outp', ['output', 'reverse']); // 'output'
 * resolveLongOption('re', ['reverse', 'recursive']); // undefined (ambiguous)
 */
export function resolveLongOption(name: string, known: readonly string[]): string | undefined {
  if (name === '') return undefined;
  if (known.includes(name)) return name;
  const matches = known.filter((k) => k.startsWith(name));
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * Whether every argument (after the program name) is allowed by `spec`.
 * @example
 * argsAllowed(['-c', 'in.txt'], { flags: 'c', positionals: (p) => p.length <= 1 }); // true
 * argsAllowed(['in.txt', 'OUT'], { flags: 'c', positionals: (p) => p.length <= 1 }); // false
 */
export function argsAllowed(args: readonly string[], spec: OptionSpec): boolean {
  const long = spec.long ?? {};
  const known = [...Object.keys(long), ...(spec.unsafeLong ?? [])];
  const flags = spec.flags ?? '';
  const withValue = spec.withValue ?? '';
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (spec.numericShorthand && /^[-+]\d+$/.test(arg)) continue;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = resolveLongOption(eq < 0 ? arg.slice(2) : arg.slice(2, eq), known);
      const arity = name === undefined ? undefined : long[name];
      if (arity === undefined) return false;
      if (arity === 'none' && eq >= 0) return false;
      if (arity === 'required' && eq < 0 && ++i >= args.length) return false;
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j] as string;
        if (withValue.includes(c)) {
          if (j === arg.length - 1 && ++i >= args.length) return false;
          break;
        }
        if (!flags.includes(c)) return false;
      }
      continue;
    }
    positionals.push(arg);
  }
  return spec.positionals ? spec.positionals(positionals) : true;
}
