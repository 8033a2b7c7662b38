import { clockFromConfig } from '../clock/clock';
import { loadConfig } from '../config/config';
import { BadInputError } from '../errors/errors';
import { connectGraph } from '../graph/connect';
import { isValidDataset } from '../graph/ids';
import { MIGRATIONS_DIR } from '../graph/migrations';
import { runMigrations } from '../graph/migrations/migration-runner';
import { bulkSeedWorld, seedWorld } from '../ingest/seed-world';
import { consoleLogger } from '../logging/logger';
import { createProgress } from '../logging/progress';
import { intArg, parseArgs, runCli } from './args';
import { stopFlagOnSignals } from './signals';

/**
 * `npm run seed -- --users N --seed S [--reset] [--dataset NAME] [--cutoff ISO] [--bulk]`:
 * generates the synthetic world, its timeline ending at --cutoff (default: the clock's
 * now), and loads it. Refuses a non-empty dataset unless --reset. With --bulk, loads it
 * with Neo4j's offline importer into an empty embedded database (the server is stopped
 * and started again); refused (DATABASE_NOT_EMPTY) when the database holds any dataset.
 */
runCli(async () => {
  const config = loadConfig(process.env);
  const args = parseArgs(process.argv.slice(2), { users: 'value', seed: 'value', dataset: 'value', cutoff: 'value', reset: 'boolean', bulk: 'boolean' });
  const users = intArg(args, 'users', config.demoUsers, 10);
  const seed = intArg(args, 'seed', config.seed);
  const dataset = args.values.dataset ?? config.dataset;
  if (!isValidDataset(dataset)) throw new BadInputError(`--dataset must match /^[a-z][a-z0-9_-]{0,31}$/; got ${JSON.stringify(dataset)}`);
  const logger = consoleLogger(config.logLevel, 'seed');
  const clock = clockFromConfig(config);
  const cutoff = args.values.cutoff === undefined ? clock.now() : Date.parse(args.values.cutoff);
  if (Number.isNaN(cutoff)) throw new BadInputError(`--cutoff must be an ISO-8601 instant; got ${JSON.stringify(args.values.cutoff)}`);
  if (args.flags.has('bulk')) {
    if (args.flags.has('reset')) throw new BadInputError('--bulk loads into an empty database only; --reset does not apply (drop --bulk to replace one dataset)');
    const r = await bulkSeedWorld({ config, dataset, users, seed, cutoff, clock, truthDir: config.truthDir, logger, progress: createProgress('seed', users) });
    await r.graph.close();
    const s = r.ms / 1000;
    console.log(
      `bulk-seeded dataset "${dataset}": ${r.nodes} nodes, ${r.relationships} relationships in ${s.toFixed(1)} s ` +
        `(files ${(r.steps.files / 1000).toFixed(1)} s, neo4j-admin import ${(r.steps.importer / 1000).toFixed(1)} s, restart + indexes ${(r.steps.restart / 1000).toFixed(1)} s; ` +
        `${Math.round(r.relationships / s)} relationships/s) + ${(r.generateMs / 1000).toFixed(1)} s generation; cutoff ${new Date(r.cutoff).toISOString()}; truth in ${r.truthFile}`,
    );
    return;
  }
  const graph = await connectGraph(config, logger);
  const shouldStop = stopFlagOnSignals((sig) => logger.warn(`${sig}: stopping; the partial load will be removed`));
  try {
    await runMigrations({ graph, dir: MIGRATIONS_DIR, clock, logger });
    const progress = createProgress('seed', users);
    const r = await seedWorld({ graph, dataset, users, seed, reset: args.flags.has('reset'), cutoff, clock, truthDir: config.truthDir, logger, progress, shouldStop });
    const s = r.ms / 1000;
    console.log(
      `seeded dataset "${dataset}": ${r.nodes} nodes, ${r.relationships} relationships in ${s.toFixed(1)} s load ` +
        `(${Math.round(r.nodes / s)} nodes/s, ${Math.round(r.relationships / s)} relationships/s) + ${(r.generateMs / 1000).toFixed(1)} s generation; ` +
        `cutoff ${new Date(r.cutoff).toISOString()}; truth in ${r.truthFile}`,
    );
  } finally {
    await graph.close();
  }
});
