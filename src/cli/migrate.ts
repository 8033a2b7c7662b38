import { clockFromConfig } from '../clock/clock';
import { loadConfig } from '../config/config';
import { connectGraph } from '../graph/connect';
import { MIGRATIONS_DIR } from '../graph/migrations';
import { runMigrations } from '../graph/migrations/migration-runner';
import { consoleLogger } from '../logging/logger';
import { runCli } from './args';

/** `npm run migrate`: applies new files in migrations/ (a no-op when nothing is new). */
runCli(async () => {
  const config = loadConfig(process.env);
  const logger = consoleLogger(config.logLevel, 'migrate');
  const graph = await connectGraph(config, logger);
  try {
    const r = await runMigrations({ graph, dir: MIGRATIONS_DIR, clock: clockFromConfig(config), logger });
    console.log(r.applied.length ? `applied ${r.applied.length}: ${r.applied.join(', ')}` : `up to date (${r.alreadyApplied} applied before)`);
  } finally {
    await graph.close();
  }
});
