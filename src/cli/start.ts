import 'reflect-metadata';
import { clockFromConfig } from '../clock/clock';
import { loadConfig } from '../config/config';
import { connectGraph } from '../graph/connect';
import { MIGRATIONS_DIR } from '../graph/migrations';
import { runMigrations } from '../graph/migrations/migration-runner';
import { datasetNodeCount, sweepAbandonedRuns } from '../ingest/import-runs';
import { seedWorld } from '../ingest/seed-world';
import { consoleLogger } from '../logging/logger';
import { createProgress } from '../logging/progress';
import { startApp } from '../server/app';
import { ARTIFACTS_DIR, ArtifactStore } from '../embeddings/artifact-store';
import { ModelRegistry } from '../embeddings/registry';
import { RefreshWorker } from '../embeddings/refresh-worker/refresh-worker';
import { DEMO_CUTOFF_MS } from '../embeddings/demo';
import { activateNewestIfNone, prepareServingModel, ServingModel } from '../embeddings/serving-model';
import { initTfBackend, requiredBackend } from '../runtime/tf-backend';
import { runCli } from './args';
import { stopFlagOnSignals } from './signals';


/** Ranking heads the API serves; each needs an active artifact for its dataset. */
const RANKING_HEADS = ['gift-recipient', 'group-buy', 'squad'];

/**
 * `npm start`: embedded Neo4j (unless NEO4J_URI) -> migrate -> seed the demo world when
 * the dataset is empty -> serve GraphQL. SIGINT/SIGTERM drain requests and close the
 * driver; the embedded Neo4j keeps running for a quick restart (`npm run db:stop`).
 */
runCli(async () => {
  const config = loadConfig(process.env);
  const logger = consoleLogger(config.logLevel, 'start');
  const clock = clockFromConfig(config);
  const graph = await connectGraph(config, logger);
  let stopping = false;
  const shouldStop = stopFlagOnSignals(() => {
    stopping = true;
  });
  await runMigrations({ graph, dir: MIGRATIONS_DIR, clock, logger });
  await sweepAbandonedRuns(graph, logger);
  if ((await datasetNodeCount(graph, config.dataset)) === 0) {
    logger.info(`dataset "${config.dataset}" is empty: seeding the demo world (${config.demoUsers} users, seed ${config.seed})`);
    const r = await seedWorld({
      graph,
      dataset: config.dataset,
      users: config.demoUsers,
      seed: config.seed,
      reset: false,
      cutoff: config.nowOverrideMs ?? DEMO_CUTOFF_MS,
      clock,
      truthDir: config.truthDir,
      logger,
      progress: createProgress('seed', config.demoUsers),
      shouldStop,
    });
    logger.info(`demo world loaded: ${r.nodes} nodes, ${r.relationships} relationships in ${(r.ms / 1000).toFixed(1)} s`);
  }
  if (stopping) {
    await graph.close();
    return;
  }
  const servingModel = new ServingModel();
  const store = new ArtifactStore(ARTIFACTS_DIR);
  const registry = new ModelRegistry({ graph, store, clock, logger });
  const refresher = config.refreshInWorker ? RefreshWorker.forConfig(config, { artifactsDir: ARTIFACTS_DIR, clock, logger }) : undefined;
  const server = await startApp({ graph, logger, clock, migrationsDir: MIGRATIONS_DIR, port: config.apiPort, servingModel, registry, ...(refresher ? { refresher } : {}) });
  console.log(`giftgraph API listening at ${server.url} (health: /healthz, readiness: /readyz)`);
  // The API answers while the encoder loads; /readyz turns ready once every user and item
  // has an embedding from the active model.
  await initTfBackend({ logger, kernels: ['UnsortedSegmentSum'], ...requiredBackend(config) });
  for (const head of RANKING_HEADS) await activateNewestIfNone({ registry, store, dataset: config.dataset, model: head, logger });
  await prepareServingModel({
    graph,
    dataset: config.dataset,
    store,
    registry,
    state: servingModel,
    asOf: clock.now(),
    logger,
    progress: createProgress('encode', 1),
  });
  console.log(`giftgraph API ready (${servingModel.state.phase === 'ready' ? `model ${servingModel.state.model}/${servingModel.state.version}` : `model ${servingModel.state.phase}`})`);
  console.log(`try: curl -s ${server.url} -H 'content-type: application/json' -d '{"query":"{ user(id: \\"${config.dataset}:u1\\") { name friends(first: 3) { totalCount edges { node { id name } } } } }"}'`);
  const shutdown = async () => {
    logger.info('shutting down: draining requests');
    await server.stop();
    await graph.close();
    process.exit(0);
  };
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
});
