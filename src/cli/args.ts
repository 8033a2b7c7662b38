import { BadInputError } from '../errors/errors';

/** Flags a CLI accepts: name -> whether it takes a value. */
export type FlagSpec = Record<string, 'value' | 'boolean' | 'multi'>;

export interface ParsedArgs {
  values: Record<string, string>;
  multi: Record<string, string[]>;
  flags: Set<string>;
}

/** A small strict parser: unknown flags and missing values are errors that name the flag. */
export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const out: ParsedArgs = { values: {}, multi: {}, flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new BadInputError(`unexpected argument ${JSON.stringify(a)}`);
    // Split at the first '=' only: a value may hold '=' itself (`--version=a=b` is "a=b").
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    const inline = eq < 0 ? undefined : a.slice(eq + 1);
    const kind = spec[name];
    if (!kind) throw new BadInputError(`unknown flag --${name}; known: ${Object.keys(spec).map((k) => '--' + k).join(', ')}`);
    if (kind === 'boolean') {
      if (inline !== undefined) throw new BadInputError(`--${name} takes no value; got ${JSON.stringify(inline)}`);
      out.flags.add(name);
      continue;
    }
    const v = inline ?? argv[++i];
    // An empty value (`--epochs=`) is refused too: Number('') is 0, so it would pass as a number.
    if (v === undefined || v === '' || v.startsWith('--')) throw new BadInputError(`--${name} needs a value`);
    if (kind === 'multi') (out.multi[name] ??= []).push(v);
    else out.values[name] = v;
  }
  return out;
}

export function intArg(args: ParsedArgs, name: string, def: number, min = 0): number {
  const raw = args.values[name];
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new BadInputError(`--${name} must be an integer ≥ ${min}; got ${JSON.stringify(raw)}`);
  return n;
}

/** A finite number ≥ 0 (> 0 with `positive`), or `def` when the flag is absent. */
export function numArg(args: ParsedArgs, name: string, def: number, o: { positive?: boolean } = {}): number {
  const raw = args.values[name];
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (o.positive && n === 0)) throw new BadInputError(`--${name} must be a ${o.positive ? 'positive' : 'non-negative'} number; got ${JSON.stringify(raw)}`);
  return n;
}

/** A comma-separated list of positive integers (`--ks 10,20`), or `def` when the flag is absent. */
export function intListArg(args: ParsedArgs, name: string, def: readonly number[]): number[] {
  const raw = args.values[name];
  if (raw === undefined) return [...def];
  const xs = raw.split(',').map(Number);
  if (!xs.every((x) => Number.isInteger(x) && x > 0)) throw new BadInputError(`--${name} must be positive integers separated by commas; got ${JSON.stringify(raw)}`);
  return xs;
}

/** Runs a CLI main: prints a coded error on failure and sets the exit code. */
export function runCli(main: () => Promise<void>): void {
  main().then(
    () => {
      process.exitCode = process.exitCode ?? 0;
    },
    (err: unknown) => {
      const e = err as { code?: string; message?: string };
      process.stderr.write(`error${e.code ? ` [${e.code}]` : ''}: ${e.message ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
