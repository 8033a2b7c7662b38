import { statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { BadInputError } from '../errors/errors';
import type { GroupBuyStatus } from '../ingest/rows';
import { FILE_FORMATS, isFileFormat, type FileFormat } from './formats';

/** A group buy read from a file already ended: it either filled or expired. */
export type ImportedGroupBuyStatus = Extract<GroupBuyStatus, 'FILLED' | 'EXPIRED'>;
export const IMPORTED_GROUP_BUY_STATUSES: readonly ImportedGroupBuyStatus[] = ['FILLED', 'EXPIRED'];

export interface ImportFile {
  /** Absolute path (resolved against the working directory), checked to be a regular file. */
  path: string;
  format: FileFormat;
}

/** Group-buy files are always whitespace-separated without a header (the Beibei shape); --format does not apply. */
export interface GroupBuyFile {
  path: string;
  status: ImportedGroupBuyStatus;
}

/** What to import, validated: every file exists, every format is known. */
export interface ImportSpec {
  /** Matches DATASET_NAME. */
  dataset: string;
  /** Interactions without a published split (PurchaseRow.split = null). Never together with train/test. */
  interactions: ImportFile | null;
  /** The published split: PurchaseRow.split = 'train' / 'test'. */
  train: ImportFile | null;
  test: ImportFile | null;
  /** Friendships, `user,friend` pairs (either or both directions). */
  social: ImportFile | null;
  /** In argument order; group-buy ids are numbered in this order. */
  groupBuys: GroupBuyFile[];
}

/** Lowercase, starts with a letter, at most 32 characters: safe in labels, file names and metric labels. */
export const DATASET_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

export const IMPORT_USAGE = `usage: npm run import -- --dataset <name> [--interactions F | --train F [--test F]] [--social F]
                         [--group-buys F:STATUS ...] [--format csv|tsv|lines] [--social-format csv|tsv|lines]
  --dataset        name of the dataset (${DATASET_NAME.source})
  --interactions   user-item pairs without a split; or the published split with --train / --test
  --social         user-friend pairs (either or both directions)
  --group-buys     FILE:STATUS, STATUS one of ${IMPORTED_GROUP_BUY_STATUSES.join('|')}; repeatable, and one flag may take
                   several values; lines are "initiator item [participant ...]", whitespace-separated, no header
  --format         format of the interaction and social files; if absent, from the extension (.csv, .tsv)
  --social-format  format of the social file when it differs from --format
  Flags take their value as the next argument or after "=" (--format=csv).`;

export interface ParseImportArgsOptions {
  /** Relative paths resolve against this; defaults to process.cwd(). */
  cwd?: string;
  /** Whether a path names a regular file; defaults to a stat. Injected by tests. */
  isFile?: (absolutePath: string) => boolean;
}

type SingleFlag = 'dataset' | 'interactions' | 'social' | 'train' | 'test' | 'format' | 'social-format';
const SINGLE_FLAGS: readonly SingleFlag[] = ['dataset', 'interactions', 'social', 'train', 'test', 'format', 'social-format'];
const REPEATABLE_FLAG = 'group-buys';

/**
 * Parses the import CLI's arguments (without node and the script: `process.argv.slice(2)`)
 * into a validated ImportSpec. Throws BadInputError (BAD_USER_INPUT) naming the flag and
 * echoing the bad value: unknown flag, missing value, flag given twice, bad dataset name,
 * bad format or status, a file that is missing or not a regular file, the same file twice,
 * --interactions together with --train/--test, no input file at all.
 *
 * Formats: --format applies to --interactions, --train, --test and --social;
 * --social-format overrides it for --social. A file with neither takes its format from its
 * extension (.csv -> csv, .tsv/.tab -> tsv); any other extension needs the flag, since a
 * .txt file may be either (Last.fm's .txt files are CSV, Gowalla's are `lines`).
 */
export function parseImportArgs(argv: readonly string[], opts: ParseImportArgsOptions = {}): ImportSpec {
  const cwd = opts.cwd ?? process.cwd();
  const isFile = opts.isFile ?? defaultIsFile;
  const single = new Map<SingleFlag, string>();
  const groupBuyArgs: string[] = [];

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      throw new BadInputError(`unexpected argument ${JSON.stringify(arg)}: every value follows a flag (e.g. --train FILE)`, { value: arg });
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const inline = eq < 0 ? null : arg.slice(eq + 1);

    if (name === REPEATABLE_FLAG) {
      const values: string[] = inline !== null ? [inline] : [];
      // Without "=", the flag takes every following argument up to the next flag.
      if (inline === null) while (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) values.push(argv[++i]!);
      if (values.length === 0) throw new BadInputError(`--${name} needs a value: FILE:STATUS`, { flag: name });
      groupBuyArgs.push(...values);
      continue;
    }
    if (!isSingleFlag(name)) {
      throw new BadInputError(
        `unknown flag ${JSON.stringify(arg)}; known: ${[...SINGLE_FLAGS, REPEATABLE_FLAG].map((f) => '--' + f).join(', ')}`,
        { flag: name },
      );
    }
    let value = inline;
    if (value === null) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new BadInputError(`--${name} needs a value`, { flag: name });
      value = next;
      i++;
    }
    if (value === '') throw new BadInputError(`--${name} needs a non-empty value`, { flag: name });
    if (single.has(name)) {
      throw new BadInputError(`--${name} given twice (${JSON.stringify(single.get(name))} and ${JSON.stringify(value)})`, { flag: name, value });
    }
    single.set(name, value);
  }

  const dataset = single.get('dataset');
  if (dataset === undefined) throw new BadInputError('--dataset is required', { flag: 'dataset' });
  if (!DATASET_NAME.test(dataset)) {
    throw new BadInputError(`--dataset must match ${DATASET_NAME} (lowercase, starts with a letter, at most 32 characters), got ${JSON.stringify(dataset)}`, {
      flag: 'dataset',
      value: dataset,
    });
  }
  const format = formatFlag(single, 'format');
  const socialFormat = formatFlag(single, 'social-format');

  if (single.has('interactions') && (single.has('train') || single.has('test'))) {
    throw new BadInputError('--interactions (no split) cannot be combined with --train/--test (the published split); give one or the other', {
      flag: 'interactions',
    });
  }
  if (socialFormat !== null && !single.has('social')) {
    throw new BadInputError('--social-format given without --social', { flag: 'social-format' });
  }

  const seen = new Map<string, string>();
  const resolve = (flag: string, given: string): string => {
    const abs = nodePath.resolve(cwd, given);
    if (!isFile(abs)) throw new BadInputError(`--${flag}: file not found (or not a regular file): ${JSON.stringify(given)}`, { flag, value: given });
    const other = seen.get(abs);
    if (other !== undefined) throw new BadInputError(`--${flag}: ${JSON.stringify(given)} is already given as --${other}`, { flag, value: given });
    seen.set(abs, flag);
    return abs;
  };
  const file = (flag: 'interactions' | 'train' | 'test' | 'social', explicit: FileFormat | null): ImportFile | null => {
    const given = single.get(flag);
    if (given === undefined) return null;
    const path = resolve(flag, given);
    const chosen = explicit ?? formatFromExtension(path);
    if (chosen === null) {
      throw new BadInputError(
        `--${flag}: cannot tell the format of ${JSON.stringify(given)} from its extension; pass --${flag === 'social' ? 'social-format' : 'format'} ${FILE_FORMATS.join('|')}`,
        { flag, value: given },
      );
    }
    return { path, format: chosen };
  };

  const spec: ImportSpec = {
    dataset,
    interactions: file('interactions', format),
    train: file('train', format),
    test: file('test', format),
    social: file('social', socialFormat ?? format),
    groupBuys: groupBuyArgs.map((v) => groupBuyFile(v, resolve)),
  };
  if (!spec.interactions && !spec.train && !spec.test && !spec.social && spec.groupBuys.length === 0) {
    throw new BadInputError('nothing to import: give at least one of --interactions, --train, --test, --social, --group-buys', {});
  }
  return spec;
}

function isSingleFlag(name: string): name is SingleFlag {
  return (SINGLE_FLAGS as readonly string[]).includes(name);
}

function formatFlag(single: Map<SingleFlag, string>, flag: 'format' | 'social-format'): FileFormat | null {
  const v = single.get(flag);
  if (v === undefined) return null;
  if (!isFileFormat(v)) throw new BadInputError(`--${flag} must be one of ${FILE_FORMATS.join('|')}, got ${JSON.stringify(v)}`, { flag, value: v });
  return v;
}

/** FILE:STATUS, split at the last colon so that a path may contain colons. */
function groupBuyFile(value: string, resolve: (flag: string, given: string) => string): GroupBuyFile {
  const colon = value.lastIndexOf(':');
  const status = colon < 0 ? '' : value.slice(colon + 1);
  const given = colon < 0 ? '' : value.slice(0, colon);
  if (colon < 0 || given === '') {
    throw new BadInputError(`--group-buys expects FILE:STATUS with STATUS one of ${IMPORTED_GROUP_BUY_STATUSES.join('|')}, got ${JSON.stringify(value)}`, {
      flag: REPEATABLE_FLAG,
      value,
    });
  }
  if (!isImportedStatus(status)) {
    throw new BadInputError(`--group-buys: STATUS must be one of ${IMPORTED_GROUP_BUY_STATUSES.join('|')}, got ${JSON.stringify(status)} in ${JSON.stringify(value)}`, {
      flag: REPEATABLE_FLAG,
      value,
    });
  }
  return { path: resolve(REPEATABLE_FLAG, given), status };
}

function isImportedStatus(s: string): s is ImportedGroupBuyStatus {
  return (IMPORTED_GROUP_BUY_STATUSES as readonly string[]).includes(s);
}

export function formatFromExtension(path: string): FileFormat | null {
  const ext = nodePath.extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  return null;
}

function defaultIsFile(absolutePath: string): boolean {
  return statSync(absolutePath, { throwIfNoEntry: false })?.isFile() ?? false;
}
