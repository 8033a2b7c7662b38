import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT, type Config } from '../../src/config/config';
import { createGraphClient, type GraphClient } from '../../src/graph/graph-client';
import { MIGRATIONS_DIR } from '../../src/graph/migrations';
import { runMigrations } from '../../src/graph/migrations/migration-runner';
import { fixedClock } from '../../src/clock/clock';
import { silentLogger } from '../../src/logging/logger';
import { deleteDataset } from '../../src/ingest/import-runs';

/**
 * The test tiers' composition root. `npm test` starts the test Neo4j on port 7688 with
 * its own data directory and passes it in the environment; run alone, jest expects the
 * same. Nothing here starts a server, so a missing Neo4j fails the tests instead of
 * skipping them.
 */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    GIFTGRAPH_BOLT_PORT: '7688',
    GIFTGRAPH_NEO4J_HOME: path.join(PROJECT_ROOT, 'var', 'neo4j', 'test'),
    GIFTGRAPH_TRUTH_DIR: path.join(PROJECT_ROOT, 'var', 'test-truth'),
    ...process.env,
    ...overrides,
  });
}

export const TEST_NOW = Date.parse('2026-11-01T00:00:00Z');

/** A migrated graph client on the test server. */
export async function testGraph(): Promise<GraphClient> {
  const cfg = testConfig();
  const graph = createGraphClient({ target: cfg.neo4j, txTimeoutMs: 60_000 });
  await runMigrations({ graph, dir: MIGRATIONS_DIR, clock: fixedClock(TEST_NOW), logger: silentLogger });
  return graph;
}

/** A dataset name no other test uses (tests share one server and run in parallel). */
export function uniqueDataset(prefix = 't'): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

export async function dropDataset(graph: GraphClient, dataset: string): Promise<void> {
  await deleteDataset(graph, dataset, silentLogger);
}
