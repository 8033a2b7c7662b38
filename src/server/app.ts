import type { Clock } from '../clock/clock';
import type { GraphClient } from '../graph/graph-client';
import { readMigrationFiles } from '../graph/migrations/migration-files';
import type { Logger } from '../logging/logger';
import { buildGiftgraphSchema } from '../api/schema';
import type { Services } from '../api/context';
import { ExplorerService } from '../services/explorer-service';
import { RecommendationService } from '../services/recommendation-service';
import { CandidateRetriever } from '../retrieval/retriever';
import { PopularityCache } from '../retrieval/popularity-cache';
import { GroupBuyService } from '../services/group-buy-service';
import { CatalogMutations } from '../services/mutations/catalog-mutations';
import { GroupBuyMutations } from '../services/mutations/group-buy-mutations';
import { ShopMutations } from '../services/mutations/shop-mutations';
import { RefreshAfterWrite, type EmbeddingRefresh } from '../services/mutations/refresh';
import { TrackingMutations } from '../services/mutations/tracking-mutations';
import { SERVING_MODEL, type ServingModel } from '../embeddings/serving-model';
import { DEFAULT_SERVING_MIX, servingMixOf, type ServingMix } from '../embeddings/manifest';
import { ARTIFACTS_DIR, ArtifactStore } from '../embeddings/artifact-store';
import { EmbeddingRefresher } from '../embeddings/embedding-refresher';
import { ModelRegistry } from '../embeddings/registry';
import { GiftRecipientRanker } from '../ranking/gift-recipient-ranker';
import { GiftService } from '../services/gift-service';
import { ModelAdminService } from '../services/model-admin-service';
import { GroupBuyConversion } from '../ranking/group-buy-conversion';
import { SquadRanker } from '../ranking/squad-ranker';
import { startHttpServer, type Readiness, type RunningServer } from './http-server';

export interface AppOptions {
  graph: GraphClient;
  logger: Logger;
  /** The one clock of the process (GIFTGRAPH_NOW pins it): eligibility, expiry, features as of now. */
  clock: Clock;
  migrationsDir: string;
  port: number;
  host?: string;
  /** Model versions (encoder and heads) as activated in the graph; default over graph-models/artifacts. */
  registry?: ModelRegistry;
  /** The serving encoder's state; /readyz waits for it when given. */
  servingModel?: ServingModel;
  /**
   * Re-encodes embeddings after writes; default an EmbeddingRefresher on this thread. The
   * composition roots pass a RefreshWorker (GIFTGRAPH_REFRESH_WORKER) to run it off the
   * event loop. Disposed when the app stops.
   */
  refresher?: EmbeddingRefresh & { dispose(): Promise<void> };
}

/**
 * Wires services, schema and readiness around an open graph and starts the HTTP server.
 * Shared by `npm start` and the end-to-end tests, so both run the same stack.
 */
export interface RunningApp extends RunningServer {
  /** Resolves when the background embedding refreshes started so far have finished. */
  settle(): Promise<void>;
}

export async function startApp(o: AppOptions): Promise<RunningApp> {
  const registry = o.registry ?? new ModelRegistry({ graph: o.graph, store: new ArtifactStore(ARTIFACTS_DIR), clock: o.clock, logger: o.logger });
  // Writes refresh the affected embeddings in the background; reads of a user whose
  // embedding is behind a write catch up first (read-your-writes, fresh-contexts.ts).
  const refresher = o.refresher ?? new EmbeddingRefresher({ graph: o.graph, registry, clock: o.clock, logger: o.logger });
  const refresh = new RefreshAfterWrite({ refresh: refresher, logger: o.logger });
  const popularity = new PopularityCache({ graph: o.graph, clock: o.clock });
  const giftRanker = new GiftRecipientRanker({ graph: o.graph, registry, clock: o.clock, logger: o.logger });
  const retriever = new CandidateRetriever({ graph: o.graph, popularity });
  const services: Services = {
    explorer: new ExplorerService({ graph: o.graph }),
    recommendations: new RecommendationService({ graph: o.graph, retriever, clock: o.clock, giftRanker, catchUp: refresh, servingMix: servingMixes(registry), squadRanker: new SquadRanker({ graph: o.graph, registry, clock: o.clock, logger: o.logger }) }),
    groupBuys: new GroupBuyService({ graph: o.graph, clock: o.clock, conversion: new GroupBuyConversion({ graph: o.graph, registry, clock: o.clock, logger: o.logger }) }),
    models: new ModelAdminService({ registry }),
    gifts: new GiftService({ graph: o.graph, retriever, clock: o.clock, ranker: giftRanker, catchUp: refresh }),
    shop: new ShopMutations({ graph: o.graph, clock: o.clock, refresh, logger: o.logger }),
    groupBuyWrites: new GroupBuyMutations({ graph: o.graph, clock: o.clock, refresh, logger: o.logger }),
    catalog: new CatalogMutations({ graph: o.graph, clock: o.clock, refresh, logger: o.logger, onCatalogChange: (ds) => popularity.invalidate(ds) }),
    tracking: new TrackingMutations({ graph: o.graph, clock: o.clock }),
  };
  const schema = await buildGiftgraphSchema();
  const newest = Math.max(0, ...readMigrationFiles(o.migrationsDir).map((f) => f.version));
  const readiness = async (): Promise<Readiness> => {
    const checks: Readiness['checks'] = {};
    try {
      const rows = await o.graph.query("MATCH (m:Migration {chain: 'main'}) RETURN max(m.version) AS v");
      const applied = Number(rows[0]?.v ?? 0);
      checks.neo4j = { ok: true };
      checks.migrations = { ok: applied >= newest, detail: `applied ${applied}, newest ${newest}` };
    } catch (e) {
      checks.neo4j = { ok: false, detail: (e as Error).message };
    }
    if (o.servingModel) {
      const st = o.servingModel.state;
      checks.model = st.phase === 'ready' ? { ok: true, detail: `${st.model}/${st.version}` } : { ok: false, detail: st.phase === 'failed' ? `${st.code}: ${st.error}` : `${st.phase}: ${st.detail}` };
    }
    return { ready: Object.values(checks).every((c) => c.ok) && 'migrations' in checks, checks };
  };
  const server = await startHttpServer({ schema, graph: o.graph, services, logger: o.logger, readiness }, o.port, o.host);
  return {
    ...server,
    settle: () => refresh.drain(),
    stop: async () => {
      await server.stop();
      await refresh.drain();
      await refresher.dispose();
    },
  };
}

/** The serving mix per encoder version, read once from its manifest (the default mix for a version with no artifact here). */
function servingMixes(registry: ModelRegistry): (version: string) => ServingMix {
  const known = new Map<string, ServingMix>();
  return (version) => {
    let mix = known.get(version);
    if (mix === undefined) {
      const ref = registry.list(SERVING_MODEL).find((a) => a.version === version);
      mix = ref ? servingMixOf(ref.manifest) : DEFAULT_SERVING_MIX;
      known.set(version, mix);
    }
    return mix;
  };
}
