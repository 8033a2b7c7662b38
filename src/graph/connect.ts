import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import { createGraphClient, type GraphClient } from './graph-client';
import { startEmbedded } from './embedded/server';
import { PROJECT_ROOT } from '../config/config';

/**
 * Opens the graph a composition root was configured for: the server named by NEO4J_URI
 * (nothing is started), or the embedded launcher, started if it is not running.
 */
export async function connectGraph(config: Config, logger: Logger, o: { startEmbedded: boolean } = { startEmbedded: true }): Promise<GraphClient> {
  const t = config.neo4j;
  if (t.kind === 'embedded' && o.startEmbedded) {
    const r = await startEmbedded({ projectRoot: PROJECT_ROOT, home: t.home, boltPort: t.boltPort, heap: t.heap, pageCacheMb: t.pageCacheMb, classArchive: t.classArchive, logger });
    logger.info(r.alreadyRunning ? `embedded neo4j already running (pid ${r.pid})` : `embedded neo4j started (pid ${r.pid})`, { uri: t.uri });
  } else if (t.kind === 'external') {
    logger.info(`using the Neo4j server at ${t.uri} (NEO4J_URI); nothing is started locally`);
  }
  const graph = createGraphClient({ target: t, txTimeoutMs: config.txTimeoutMs });
  await graph.query('RETURN 1 AS ok');
  return graph;
}
