import { silentLogger, type Logger } from '../logging/logger';
import { DEFAULT_MAX_PROBLEMS, ProblemLog } from './errors';
import { mapToRows, type ImportResult, type ParsedDataset } from './map-rows';
import { readGroupBuyFile, readPairFile, unrecognisedHeader, type FileReport, type ParsedPairs, type Split } from './records';
import type { ImportFile, ImportSpec } from './spec';

export type { ImportResult, ImportStats } from './map-rows';

export interface ReadDatasetOptions {
  logger?: Logger;
  /** How many problems the ImportValidationError lists (all are counted). */
  maxProblems?: number;
  /** Clock for the per-file timings in the log; injectable so tests stay quiet and deterministic. */
  now?: () => number;
}

/**
 * Reads every file of `spec` and maps them to GraphRows plus stats.
 *
 * Validates every line of every file first; if anything is wrong it throws one
 * ImportValidationError (IMPORT_INVALID) listing the first `maxProblems` problems as
 * `file:line: message` and the total, and returns nothing: a dataset is imported whole or
 * not at all. Only then maps to rows (see map-rows.ts for the rules). Files are read one
 * after another, streamed, in the order interactions, train, test, social, group buys.
 */
export async function readDataset(spec: ImportSpec, opts: ReadDatasetOptions = {}): Promise<ImportResult> {
  const logger = opts.logger ?? silentLogger;
  const now = opts.now ?? (() => Date.now());
  const problems = new ProblemLog(opts.maxProblems ?? DEFAULT_MAX_PROBLEMS);
  const parsed: ParsedDataset = { interactions: [], social: null, groupBuys: [], files: [] };

  const timed = async <T extends { report: FileReport }>(read: () => Promise<T>): Promise<T> => {
    const start = now();
    const out = await read();
    logger.info('import: read file', { path: out.report.path, role: out.report.role, lines: out.report.lines, ms: now() - start });
    parsed.files.push(out.report);
    return out;
  };
  const pairs = async (file: ImportFile, role: 'interactions' | 'social', split: Split): Promise<ParsedPairs> => {
    const { parsed: p, report } = await timed(() => readPairFile(file, role, split, problems));
    if (report.header && unrecognisedHeader(role, report.header)) {
      logger.warn('import: header names not recognised; reading column 1 as user and column 2 as ' + (role === 'social' ? 'friend' : 'item'), {
        path: report.path,
        header: report.header,
      });
    }
    return p;
  };

  const interactionFiles: [ImportFile | null, Split][] = [[spec.interactions, null], [spec.train, 'train'], [spec.test, 'test']];
  for (const [file, split] of interactionFiles) if (file) parsed.interactions.push(await pairs(file, 'interactions', split));
  if (spec.social) parsed.social = await pairs(spec.social, 'social', null);
  for (const g of spec.groupBuys) parsed.groupBuys.push((await timed(() => readGroupBuyFile(g, problems))).parsed);

  problems.throwIfAny();
  const start = now();
  const result = mapToRows(parsed);
  logger.info('import: mapped rows', { dataset: spec.dataset, ms: now() - start, ...summary(result) });
  return result;
}

function summary(r: ImportResult): Record<string, unknown> {
  const { files: _files, ...rest } = r.stats;
  return rest;
}
