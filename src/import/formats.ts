import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * The text formats an import file may be in (framing only; what the fields mean is the
 * caller's business, see records.ts):
 * - `csv`:   header line required, comma-separated; a field may be double-quoted on one
 *            line ("a,b", "" for a quote); no multi-line fields.
 * - `tsv`:   header line required, tab-separated, no quoting.
 * - `lines`: no header; fields separated by any run of spaces/tabs (`user item item ...`,
 *            also the Beibei `initiator<TAB>item<TAB>participant...` shape).
 * Fields are trimmed of surrounding whitespace and otherwise kept as written (ids are
 * strings: "007" stays "007").
 */
export type FileFormat = 'csv' | 'tsv' | 'lines';
export const FILE_FORMATS: readonly FileFormat[] = ['csv', 'tsv', 'lines'];

export function isFileFormat(s: string): s is FileFormat {
  return (FILE_FORMATS as readonly string[]).includes(s);
}

/** Where a reader reports what is wrong; `line` null = the file as a whole. Never throws. */
export type ReportProblem = (line: number | null, message: string) => void;

export interface FrameOptions {
  /** The header a csv/tsv file should start with, named in "missing header" problems, e.g. ['user', 'item']. */
  expectedHeader: readonly string[];
  /** Fewest fields a line may carry (csv/tsv: fewest header columns). */
  minFields: number;
}

export interface FrameResult {
  /** Physical lines read, header and blank lines included. */
  lines: number;
  /** The header's column names (csv/tsv), or null (`lines`, or no usable header). */
  header: string[] | null;
}

/** A header whose column names could not be names: they look like ids or numbers. */
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Streams `path` with readline (constant memory, ~1M lines/s) and calls `onHeader` once
 * with the header (csv/tsv) and `onRecord` with each valid data line's fields, in file
 * order. Every malformed line goes to `report` and is not passed on; reading continues so
 * one run finds every problem. Checks here are the format's own:
 * - csv/tsv: a header is present (its first `minFields` names are non-empty and not
 *   numbers) and every data line has as many fields as the header;
 * - lines: at least `minFields` fields, and no commas (a CSV file read as `lines` would
 *   otherwise pass as one id per line);
 * - all formats: no blank line before the last non-blank one (blank trailing lines are
 *   fine), and the file is not empty.
 * Read errors (missing file, permissions) are reported as file-level problems, not thrown.
 */
export async function readRecords(
  path: string,
  format: FileFormat,
  opts: FrameOptions,
  onRecord: (fields: string[], line: number) => void,
  report: ReportProblem,
  onHeader: (names: string[]) => void = () => {},
): Promise<FrameResult> {
  const split = SPLITTERS[format];
  const needsHeader = format !== 'lines';
  let lineNo = 0;
  let header: string[] | null = null;
  /** Columns every data line must have: the first line's count (header or not); -1 when that line could not be split. */
  let columns = -1;
  let pendingBlanks: number[] = [];
  let sawContent = false;

  const input = createReadStream(path, { encoding: 'utf8' });
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const raw of rl) {
      lineNo += 1;
      const text = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (text.trim() === '') {
        pendingBlanks.push(lineNo);
        continue;
      }
      // A blank line followed by content is in the middle of the file: usually a truncated
      // concatenation or a broken export, so we refuse rather than guess.
      for (const b of pendingBlanks) report(b, 'blank line in the middle of the file');
      pendingBlanks = [];

      const fields = split(text);
      if (typeof fields === 'string') {
        report(lineNo, fields);
        // An unsplittable first line is still the header line: don't promote line 2 to header.
        sawContent = true;
        continue;
      }
      if (needsHeader && !sawContent) {
        sawContent = true;
        columns = fields.length;
        const bad = headerProblem(fields, format, text, opts);
        if (bad) report(lineNo, bad);
        else {
          header = fields;
          onHeader(fields);
        }
        continue;
      }
      sawContent = true;
      if (needsHeader) {
        if (columns >= 0 && fields.length !== columns) {
          report(lineNo, `expected ${columns} fields like the header${header ? ` (${header.join(',')})` : ''}, got ${fields.length}`);
          continue;
        }
        // Only reachable without a usable header (already reported): nothing to interpret.
        if (fields.length < opts.minFields) continue;
      } else {
        if (text.includes(',')) {
          report(lineNo, `a field contains a comma (${JSON.stringify(text.slice(0, 40))}): is this a CSV file? Use --format csv`);
          continue;
        }
        if (fields.length < opts.minFields) {
          report(lineNo, `expected at least ${opts.minFields} whitespace-separated fields (${opts.expectedHeader.join(' ')} ...), got ${fields.length}`);
          continue;
        }
      }
      onRecord(fields, lineNo);
    }
  } catch (err) {
    report(null, `cannot read the file: ${(err as Error).message}`);
    return { lines: lineNo, header };
  } finally {
    rl.close();
    input.destroy();
  }
  if (!sawContent) report(null, needsHeader ? `the file is empty; expected a header line like ${quoteHeader(opts, format)}` : 'the file is empty');
  return { lines: lineNo, header };
}

function quoteHeader(opts: FrameOptions, format: FileFormat): string {
  return JSON.stringify(opts.expectedHeader.join(format === 'tsv' ? '\t' : ','));
}

/** Why the first line cannot be a header, or null when it can. */
function headerProblem(fields: string[], format: FileFormat, text: string, opts: FrameOptions): string | null {
  const expected = quoteHeader(opts, format);
  if (fields.length < opts.minFields) {
    const hint =
      format === 'csv' && text.includes('\t') ? ' (the line has tabs: use --format tsv)'
      : format === 'tsv' && text.includes(',') ? ' (the line has commas: use --format csv)'
      : '';
    return `header has ${fields.length} column${fields.length === 1 ? '' : 's'}, expected at least ${opts.minFields} like ${expected}${hint}`;
  }
  const names = fields.slice(0, opts.minFields);
  if (names.some((n) => n === '' || NUMERIC.test(n))) {
    return `missing header: the first line looks like data (${JSON.stringify(text.slice(0, 40))}); expected a header line like ${expected}`;
  }
  return null;
}

/** Splits one non-blank line into trimmed fields, or returns why it can't. */
type Splitter = (line: string) => string[] | string;

const WHITESPACE = /\s+/;

const SPLITTERS: Record<FileFormat, Splitter> = {
  csv: splitCsv,
  tsv: (line) => line.split('\t').map((f) => f.trim()),
  lines: (line) => line.trim().split(WHITESPACE),
};

/** RFC 4180 quoting within one line. The fast path (no quote at all) is a plain split. */
export function splitCsv(line: string): string[] | string {
  if (!line.includes('"')) return line.split(',').map((f) => f.trim());
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return 'unterminated quoted field';
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
      if (i < n && line[i] !== ',') return `unexpected text after a quoted field at column ${i + 1}`;
      out.push(value.trim());
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? n : comma;
      const value = line.slice(i, end);
      if (value.includes('"')) return `a quote inside an unquoted field at column ${i + 1}`;
      out.push(value.trim());
      i = end;
    }
    if (i >= n) return out;
    i++; // the comma
    if (i === n) {
      out.push('');
      return out;
    }
  }
}
