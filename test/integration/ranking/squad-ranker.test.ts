import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DAY_MS, fixedClock } from '../../../src/clock/clock';
import { ArtifactStore, ARTIFACTS_DIR } from '../../../src/embeddings/artifact-store';
import { ModelRegistry } from '../../../src/embeddings/registry';
import { ErrorCode } from '../../../src/errors/codes';
import type { HeteroGraph } from '../../../src/features/hetero-graph';
import { loadHeteroGraph } from '../../../src/features/load-graph';
import { SQUAD_FEATURE_COUNT } from '../../../src/features/squad-features';
import type { GraphClient } from '../../../src/graph/graph-client';
import { exportSquads, type ExportedSquad } from '../../../src/graph/queries/squad-signals';
import { seedWorld } from '../../../src/ingest/seed-world';
import { silentLogger } from '../../../src/logging/logger';
import { SQUAD_MODEL, SquadRanker, squadItemFacts } from '../../../src/ranking/squad-ranker';
import { SageEncoder } from '../../../graph-models/encoders/sage-encoder';
import { squadContext, squadFacts, squadFeatureRows, squadsAsOf, squadWorld } from '../../../graph-models/heads/squad/dataset';
import { sageEmbedder } from '../../../graph-models/heads/squad/embeddings';
import { squadHeadScores } from '../../../graph-models/heads/squad/model';
import { runSquadHead, type Embeddings, type SquadHeadRun } from '../../../graph-models/heads/squad/run';
import { SQUAD_HEAD_NAME, writeSquadHeadArtifact } from '../../../graph-models/heads/squad/train';
import { dropDataset, testGraph, TEST_NOW, uniqueDataset } from '../../support/graph';

/**
 * The serving scorer against the real graph: it serves the ACTIVE artifact (a second
 * activation changes the version and the scores on the next call), its one-query context
 * gives exactly the facts training counts from the export for the same squad and time (no
 * train/serve skew), and a missing model is a coded error.
 */
describe('SquadRanker (real Neo4j, two trained versions)', () => {
  let graph: GraphClient;
  let g: HeteroGraph;
  let squads: ExportedSquad[];
  let runs: SquadHeadRun[];
  let registry: ModelRegistry;
  let ranker: SquadRanker;
  let z: Embeddings;
  const dataset = uniqueDataset('sqr');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-sqr-'));
  const asOf = TEST_NOW - 10 * DAY_MS + 5 * 3_600_000; // inside the data's timeline

  beforeAll(async () => {
    await tf.setBackend('cpu');
    graph = await testGraph();
    await seedWorld({ graph, dataset, users: 600, seed: 21, reset: false, cutoff: TEST_NOW, clock: fixedClock(TEST_NOW), truthDir: root, logger: silentLogger });
    g = await loadHeteroGraph(graph, dataset);
    squads = await exportSquads(graph, dataset);
    const { encoder } = await SageEncoder.load(path.join(ARTIFACTS_DIR, 'sage', 'demo-v1'));
    try {
      const embed = sageEmbedder(encoder, g, [10, 5]);
      // Two genuinely different versions: other seeds, other widths.
      runs = [
        runSquadHead(g, squads, { cutoff: TEST_NOW, seed: 1, hidden: 0, epochs: 3, windows: 1, encoder: 'sage/demo-v1', embed, oracle: null }),
        runSquadHead(g, squads, { cutoff: TEST_NOW, seed: 2, hidden: 8, epochs: 3, windows: 1, encoder: 'sage/demo-v1', embed, oracle: null }),
      ];
      z = embed(asOf);
    } finally {
      encoder.dispose();
    }
    runs.forEach((run, i) =>
      writeSquadHeadArtifact(path.join(root, SQUAD_HEAD_NAME, `v${i + 1}`), {
        version: `v${i + 1}`, dataset, run, snapshot: 'test', backend: 'cpu', commit: null, command: 'test', seed: i + 1, hyperparameters: {}, wallMs: 0,
      }),
    );
    registry = new ModelRegistry({ graph, store: new ArtifactStore(root), clock: fixedClock(TEST_NOW), logger: silentLogger });
    ranker = new SquadRanker({ graph, registry, clock: fixedClock(asOf), logger: silentLogger });
  }, 170_000);

  afterAll(async () => {
    await dropDataset(graph, dataset);
    await graph.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** The squad with the most social exposure as of asOf, its member vectors and a mix of candidates. */
  function probe() {
    const world = squadWorld(g, asOf);
    const d = z.dim;
    const best = squadsAsOf(g, squads, asOf)
      .map((s) => ({ s, c: squadContext(world, s.members) }))
      .sort((a, b) => b.c.friendBuyers.size - a.c.friendBuyers.size || b.s.members.length - a.s.members.length)[0]!;
    const social = [...best.c.friendBuyers.keys()].filter((i) => !best.c.excluded.has(i)).slice(0, 30);
    const others = Array.from({ length: g.nodes.item.ids.length }, (_, i) => i).filter((i) => !best.c.excluded.has(i) && !social.includes(i)).slice(0, 30);
    const items = [...social, ...others];
    return {
      world, ctx: best.c, items, members: best.s.members,
      memberIds: Array.from(best.s.members, (u) => g.nodes.user.ids[u]!),
      vectors: Array.from(best.s.members, (u) => Array.from(z.users.subarray(u * d, (u + 1) * d))),
      input: (i: number) => ({
        id: g.nodes.item.ids[i]!, embedding: Array.from(z.items.subarray(i * d, (i + 1) * d)),
        gameId: (g.nodeProps.item.gameId?.[i] as string | null) ?? null, price: (g.nodeProps.item.price?.[i] as number | null) ?? null,
      }),
    };
  }

  it('answers MODEL_NOT_READY while no squad version is active for the dataset', async () => {
    await expect(ranker.scorer(dataset)).rejects.toMatchObject({ code: ErrorCode.MODEL_NOT_READY });
  });

  it('serves the active version and picks up a newly activated one on the next call', async () => {
    const p = probe();
    const ctx = await ranker.context(dataset, { memberIds: p.memberIds, itemIds: p.items.map((i) => g.nodes.item.ids[i]!) });
    await registry.activate(dataset, SQUAD_MODEL, 'v1');
    const a = await ranker.scorer(dataset);
    expect(a).toMatchObject({ model: SQUAD_MODEL, version: 'v1' });
    const sa = p.items.map((i) => a.score(p.vectors, p.input(i), ctx));
    await registry.activate(dataset, SQUAD_MODEL, 'v2');
    const b = await ranker.scorer(dataset);
    expect(b.version).toBe('v2');
    const sb = p.items.map((i) => b.score(p.vectors, p.input(i), ctx));
    expect(sa.every(Number.isFinite) && sb.every(Number.isFinite)).toBe(true);
    expect(sb.some((s, k) => Math.abs(s - sa[k]!) > 1e-6)).toBe(true);
    // The scores are each version's own weights on the same features.
    const x = squadFeatureRows(p.world, p.ctx, p.items, z.users, z.items, z.dim);
    const offline = squadHeadScores(runs[1]!.weights, x, p.items.length);
    sb.forEach((s, k) => expect(s).toBeCloseTo(offline[k]!, 4));
  });

  it('reads, in one query, exactly the facts training counts from the export for that squad and time (no train/serve skew)', async () => {
    const p = probe();
    expect(p.ctx.friendBuyers.size).toBeGreaterThan(0);
    const ctx = await ranker.context(dataset, { memberIds: p.memberIds, itemIds: p.items.map((i) => g.nodes.item.ids[i]!), asOf });
    const cos = new Float64Array(p.members.length);
    let social = 0;
    for (const i of p.items) {
      const train = squadFacts(p.world, p.ctx, i, z.users, z.items, z.dim, cos);
      const serve = squadItemFacts(p.vectors, p.input(i), ctx);
      const { cosines: tc, ...tRest } = train;
      const { cosines: sc, ...sRest } = serve;
      expect(sRest).toEqual(tRest);
      Array.from(sc).forEach((c, k) => expect(c).toBeCloseTo(tc[k]!, 5));
      social += serve.friendBuyers;
    }
    expect(social).toBeGreaterThan(0);
    expect(SQUAD_FEATURE_COUNT).toBe(runs[0]!.weights.features.length);
  });

  it('refuses a context for no members or too many candidates (BAD_USER_INPUT)', async () => {
    await expect(ranker.context(dataset, { memberIds: [], itemIds: [] })).rejects.toMatchObject({ code: ErrorCode.BAD_USER_INPUT });
    await expect(ranker.context(dataset, { memberIds: ['u1'], itemIds: Array.from({ length: 1001 }, (_, i) => `i${i}`) })).rejects.toMatchObject({ code: ErrorCode.BAD_USER_INPUT });
  });
});
