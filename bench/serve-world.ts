import path from 'node:path';
import { fixedClock } from '../src/clock/clock';
import { loadConfig, PROJECT_ROOT, type Config } from '../src/config/config';
import { ARTIFACTS_DIR, ArtifactStore } from '../src/embeddings/artifact-store';
import { EmbeddingRefresher } from '../src/embeddings/embedding-refresher';
import { encodeAndWriteBack } from '../src/embeddings/encoder-runtime';
import { ModelRegistry } from '../src/embeddings/registry';
import { SERVING_MODEL } from '../src/embeddings/serving-model';
import type { GraphClient } from '../src/graph/graph-client';
import { MIGRATIONS_DIR } from '../src/graph/migrations';
import { runMigrations } from '../src/graph/migrations/migration-runner';
import { countMissingEmbeddings } from '../src/graph/queries/embeddings';
import { datasetNodeCount, sweepAbandonedRuns } from '../src/ingest/import-runs';
import { seedWorld } from '../src/ingest/seed-world';
import type { Logger } from '../src/logging/logger';
import { createProgress } from '../src/logging/progress';
import { GIFT_RECIPIENT_MODEL } from '../src/ranking/gift-recipient-ranker';
import { initTfBackend } from '../src/runtime/tf-backend';

/** The world the serving bench runs on: 100k users, seed 42, timeline ending at the demo cutoff. */
export const SERVE_WORLD = { dataset: 'bench100k', users: 100_000, seed: 42, cutoff: Date.parse('2026-11-01T00:00:00Z') } as const;

/** The committed inductive artifacts the bench serves with (trained on the 10k demo world; same schema). */
export const SERVE_ARTIFACTS = { encoder: 'demo-v1', giftRecipient: 'demo-v1' } as const;

/**
 * The bench's own embedded Neo4j (var/neo4j/bench, Bolt 7689, heap 2g, page cache 2g: the
 * bench defaults of bench/seed.ts), unless NEO4J_URI or the variables below are set.
 */
export function benchConfig(env: NodeJS.ProcessEnv): Config {
  return loadConfig({
    GIFTGRAPH_NEO4J_HOME: path.join(PROJECT_ROOT, 'var', 'neo4j', 'bench'),
    GIFTGRAPH_BOLT_PORT: '7689',
    GIFTGRAPH_NEO4J_HEAP: '2g',
    GIFTGRAPH_NEO4J_PAGECACHE_MB: '2048',
    GIFTGRAPH_LOG_LEVEL: 'warn',
    ...env,
  });
}

export interface ServeWorldState {
  dataset: string;
  /** True when the dataset was already loaded (and only what was missing was done). */
  reusedData: boolean;
  /** Users + items encoded in this run (0 when every embedding was already there). */
  encoded: number;
}

/**
 * Makes the 100k world servable and persistent: seeds it when the dataset is empty,
 * activates the committed encoder and gift-recipient head for it (they are inductive), and
 * encodes every user and item without an embedding of the active encoder version (minutes,
 * with a progress bar). A second run finds all of it done and only says so.
 */
export async function ensureServeWorld(o: { graph: GraphClient; logger: Logger; truthDir: string; dataset?: string; users?: number }): Promise<ServeWorldState> {
  const dataset = o.dataset ?? SERVE_WORLD.dataset;
  const users = o.users ?? SERVE_WORLD.users;
  const clock = fixedClock(SERVE_WORLD.cutoff);
  await runMigrations({ graph: o.graph, dir: MIGRATIONS_DIR, clock, logger: o.logger });
  await sweepAbandonedRuns(o.graph, o.logger);
  const reusedData = (await datasetNodeCount(o.graph, dataset)) > 0;
  if (reusedData) {
    console.log(`world: reusing dataset "${dataset}" (already loaded)`);
  } else {
    console.log(`world: seeding dataset "${dataset}": ${users} users, seed ${SERVE_WORLD.seed}, cutoff ${new Date(SERVE_WORLD.cutoff).toISOString()}`);
    const r = await seedWorld({
      graph: o.graph, dataset, users, seed: SERVE_WORLD.seed, reset: false, cutoff: SERVE_WORLD.cutoff, clock,
      truthDir: o.truthDir, logger: o.logger, progress: createProgress('seed', users),
    });
    console.log(`world: ${r.nodes} nodes, ${r.relationships} relationships loaded in ${(r.ms / 1000).toFixed(0)} s`);
  }
  const registry = new ModelRegistry({ graph: o.graph, store: new ArtifactStore(ARTIFACTS_DIR), clock, logger: o.logger });
  for (const [model, version] of [[SERVING_MODEL, SERVE_ARTIFACTS.encoder], [GIFT_RECIPIENT_MODEL, SERVE_ARTIFACTS.giftRecipient]] as const) {
    if ((await registry.active(dataset, model))?.version !== version) await registry.activate(dataset, model, version);
  }
  const ref = await registry.assertServable(dataset, SERVING_MODEL);
  const missing = (await countMissingEmbeddings(o.graph, dataset, 'User', ref.version)) + (await countMissingEmbeddings(o.graph, dataset, 'Item', ref.version));
  if (missing === 0) {
    console.log(`world: every user and item of "${dataset}" already has a ${ref.model}/${ref.version} embedding (reused)`);
    const caught = await catchUpStaleUsers({ graph: o.graph, logger: o.logger, dataset });
    if (caught.users > 0) console.log(`world: re-encoded ${caught.users} users of "${dataset}" that earlier runs' replays had left behind a write, in ${caught.seconds.toFixed(1)} s`);
    return { dataset, reusedData, encoded: 0 };
  }
  console.log(`world: encoding ${missing} users and items of "${dataset}" with ${ref.model}/${ref.version} (takes minutes)`);
  await initTfBackend({ logger: o.logger, kernels: ['UnsortedSegmentSum'] });
  const r = await encodeAndWriteBack({ graph: o.graph, dataset, artifact: ref, asOf: SERVE_WORLD.cutoff, logger: o.logger, progress: createProgress('encode', missing) });
  console.log(`world: encoded ${r.users} users and ${r.items} items in ${(r.ms / 1000).toFixed(0)} s`);
  return { dataset, reusedData, encoded: r.users + r.items };
}

/**
 * Re-encodes, with the active encoder at the bench's pinned clock, every user of the
 * dataset marked behind a committed write (`embeddingDue > embeddingDone`); returns how
 * many there were and the seconds it took.
 *
 * Why: (b) replays a mutation's writes, which bump the written users' marks again, and the
 * refresh's write-backs with the marks (d) had read, so each user a replay wrote was left
 * one write behind, run after run (297 users after two runs here). A later (c) that read
 * one (giftSuggestions reads every recipient's context) caught it up inside the request:
 * a refresh, the first one in the API process also loading the encoder, which put seconds
 * into (c)'s p99 that (b) does not pay, more the more runs a bench home had seen.
 */
export async function catchUpStaleUsers(o: { graph: GraphClient; logger: Logger; dataset: string }): Promise<{ users: number; seconds: number }> {
  const rows = await o.graph.query(
    `MATCH (u:User {dataset: $ds}) WHERE coalesce(u.embeddingDue, 0) > coalesce(u.embeddingDone, 0) RETURN u.id AS id ORDER BY id`,
    { ds: o.dataset },
  );
  const stale = rows.map((r) => String(r.id));
  if (stale.length === 0) return { users: 0, seconds: 0 };
  const t0 = performance.now();
  await initTfBackend({ logger: o.logger, kernels: ['UnsortedSegmentSum'] });
  const clock = fixedClock(SERVE_WORLD.cutoff);
  const registry = new ModelRegistry({ graph: o.graph, store: new ArtifactStore(ARTIFACTS_DIR), clock, logger: o.logger });
  const refresher = new EmbeddingRefresher({ graph: o.graph, registry, clock, logger: o.logger });
  try {
    for (let k = 0; k < stale.length; k += STALE_BATCH) await refresher.refresh(o.dataset, { users: stale.slice(k, k + STALE_BATCH) });
  } finally {
    await refresher.dispose();
  }
  return { users: stale.length, seconds: (performance.now() - t0) / 1000 };
}

/** Users per refresh call when catching up (a fill refreshes ten; a few hundred stay well under MAX_REFRESH_SEEDS). */
const STALE_BATCH = 100;
