import { fixedClock, type Clock } from '../../src/clock/clock';
import type { ModelRegistry } from '../../src/embeddings/registry';
import type { GraphClient } from '../../src/graph/graph-client';
import { MIGRATIONS_DIR } from '../../src/graph/migrations';
import { silentLogger } from '../../src/logging/logger';
import { ARTIFACTS_DIR } from '../../src/embeddings/artifact-store';
import { RefreshWorker } from '../../src/embeddings/refresh-worker/refresh-worker';
import { startApp, type RunningApp } from '../../src/server/app';
import { TEST_NOW, testConfig } from './graph';

export interface GqlResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

/** The real HTTP server on an ephemeral port, over the given graph. */
export async function startTestApi(
  graph: GraphClient,
  o: { clock?: Clock; registry?: ModelRegistry; artifactsDir?: string } = {},
): Promise<RunningApp & { gql: <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => Promise<GqlResponse<T>> }> {
  const clock = o.clock ?? fixedClock(TEST_NOW);
  // The refresh after writes runs on its worker thread, as `npm start` runs it.
  const refresher = RefreshWorker.forConfig(testConfig(), { artifactsDir: o.artifactsDir ?? ARTIFACTS_DIR, clock, logger: silentLogger });
  const server = await startApp({ graph, logger: silentLogger, clock, migrationsDir: MIGRATIONS_DIR, port: 0, refresher, ...(o.registry ? { registry: o.registry } : {}) });
  const gql = async <T,>(query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>> => {
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return { status: res.status, ...((await res.json()) as object) } as GqlResponse<T>;
  };
  return Object.assign(server, { gql });
}
