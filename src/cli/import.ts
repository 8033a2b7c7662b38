import { clockFromConfig } from '../clock/clock';
import { loadConfig } from '../config/config';
import { connectGraph } from '../graph/connect';
import { MIGRATIONS_DIR } from '../graph/migrations';
import { runMigrations } from '../graph/migrations/migration-runner';
import { readDataset } from '../import/read-dataset';
import { IMPORT_USAGE, parseImportArgs } from '../import/spec';
import { ingestDataset } from '../ingest/ingest';
import { consoleLogger } from '../logging/logger';
import { createProgress } from '../logging/progress';
import { runCli } from './args';
import { stopFlagOnSignals } from './signals';

/**
 * `npm run import -- --dataset <name> ... [--reset]`: reads and validates every line of
 * every file first (errors name file and line, nothing is written), then loads the rows
 * through the shared ingest path under a new import run. A failed or interrupted import
 * removes its run; a killed one is removed by the next seed/import/start.
 * Relative paths resolve against the project root (where npm runs scripts).
 */
runCli(async () => {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log(IMPORT_USAGE + '\n  --reset          replace the dataset if it exists');
    return;
  }
  const reset = argv.includes('--reset');
  const spec = parseImportArgs(argv.filter((a) => a !== '--reset'));
  const config = loadConfig(process.env);
  const logger = consoleLogger(config.logLevel, 'import');
  const clock = clockFromConfig(config);
  const t0 = performance.now();
  const { rows, stats } = await readDataset(spec, { logger });
  const readMs = performance.now() - t0;
  logger.info(`read and validated ${stats.files.map((f) => `${f.path} (${f.lines} lines)`).join(', ')} in ${(readMs / 1000).toFixed(1)} s`, {
    users: stats.users,
    items: stats.items,
    interactions: stats.interactionsBySplit,
    friendships: stats.friendships,
    groupBuys: stats.groupBuys,
  });
  const graph = await connectGraph(config, logger);
  const shouldStop = stopFlagOnSignals((sig) => logger.warn(`${sig}: stopping; the partial import will be removed`));
  try {
    await runMigrations({ graph, dir: MIGRATIONS_DIR, clock, logger });
    const r = await ingestDataset({
      graph,
      dataset: spec.dataset,
      meta: { kind: 'imported', cutoff: null, seed: null, source: `import ${argv.join(' ')}` },
      rows,
      reset,
      clock,
      logger,
      progress: createProgress('import', stats.users),
      shouldStop,
    });
    const s = r.ms / 1000;
    console.log(
      `imported dataset "${spec.dataset}" (run ${r.importRun}): ${r.nodes} nodes, ${r.relationships} relationships in ${s.toFixed(1)} s ` +
        `(${Math.round(r.relationships / s)} relationships/s)`,
    );
  } finally {
    await graph.close();
  }
});
