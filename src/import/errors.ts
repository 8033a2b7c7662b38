import { ErrorCode } from '../errors/codes';
import { GiftgraphError } from '../errors/errors';

/** One thing wrong with an input file. `line` is 1-based; null when the file as a whole is at fault (empty, unreadable). */
export interface ImportProblem {
  file: string;
  line: number | null;
  message: string;
}

/** How many problems an error lists by default: enough to see a pattern, few enough to read. */
export const DEFAULT_MAX_PROBLEMS = 20;

/**
 * The dataset's files don't hold what the import expects. Thrown once, after every line of
 * every file was checked, listing the first problems (`file:line: message`) and the total,
 * so one run shows everything to fix instead of one problem per run.
 */
export class ImportValidationError extends GiftgraphError {
  readonly problems: readonly ImportProblem[];
  readonly totalProblems: number;

  constructor(problems: readonly ImportProblem[], totalProblems: number = problems.length) {
    super(ErrorCode.IMPORT_INVALID, describe(problems, totalProblems), { problems, totalProblems });
    this.problems = problems;
    this.totalProblems = totalProblems;
  }
}

export function formatProblem(p: ImportProblem): string {
  return p.line === null ? `${p.file}: ${p.message}` : `${p.file}:${p.line}: ${p.message}`;
}

function describe(problems: readonly ImportProblem[], total: number): string {
  const head =
    total === problems.length
      ? `dataset import is invalid: ${total} problem${total === 1 ? '' : 's'}`
      : `dataset import is invalid: ${total} problems (first ${problems.length} shown)`;
  return [head, ...problems.map((p) => '  ' + formatProblem(p))].join('\n');
}

/**
 * Collects problems across all files of one import: keeps the first `limit`, counts the
 * rest. Readers keep validating after the first problem (so the count is complete) but
 * stop building records, since nothing will be returned.
 */
export class ProblemLog {
  private readonly kept: ImportProblem[] = [];
  private total = 0;

  constructor(private readonly limit: number = DEFAULT_MAX_PROBLEMS) {}

  add(file: string, line: number | null, message: string): void {
    this.total += 1;
    if (this.kept.length < this.limit) this.kept.push({ file, line, message });
  }

  get count(): number {
    return this.total;
  }

  /** Throws the one ImportValidationError for everything collected; returns when there is nothing. */
  throwIfAny(): void {
    if (this.total > 0) throw new ImportValidationError([...this.kept], this.total);
  }
}
