import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DAY_MS, fixedClock } from '../../../src/clock/clock';
import { ArtifactStore } from '../../../src/embeddings/artifact-store';
import { ModelRegistry } from '../../../src/embeddings/registry';
import { ErrorCode } from '../../../src/errors/codes';
import { loadHeteroGraph } from '../../../src/features/load-graph';
import type { HeteroGraph } from '../../../src/features/hetero-graph';
import type { GraphClient } from '../../../src/graph/graph-client';
import { datasetOccasions, exportGifts, type DatasetOccasion, type ExportedGift } from '../../../src/graph/queries/gift-signals';
import { seedWorld } from '../../../src/ingest/seed-world';
import { silentLogger } from '../../../src/logging/logger';
import { BIRTHDAY, GiftRecipientRanker } from '../../../src/ranking/gift-recipient-ranker';
import { daysToBirthday } from '../../../src/features/gift-features';
import { buildExamples, buildGiftHistories } from '../../../graph-models/heads/gift-recipient/dataset';
import { predictRows } from '../../../graph-models/heads/gift-recipient/fit';
import { runGiftHead, type GiftHeadRun } from '../../../graph-models/heads/gift-recipient/run';
import { GIFT_HEAD_NAME, writeGiftHeadArtifact } from '../../../graph-models/heads/gift-recipient/train';
import { dropDataset, testGraph, TEST_NOW, uniqueDataset } from '../../support/graph';

/**
 * The serving ranker against the real graph: it serves the ACTIVE artifact (a second
 * activation changes the version and the scores on the next call), computes exactly the
 * probabilities the training code computes for the same sender and time, never returns a
 * blocked friend, and answers unknown senders and missing models with coded errors.
 */
describe('GiftRecipientRanker (real Neo4j, two trained versions)', () => {
  let graph: GraphClient;
  let g: HeteroGraph;
  let gifts: ExportedGift[];
  let occasions: DatasetOccasion[];
  let runs: GiftHeadRun[];
  let registry: ModelRegistry;
  let ranker: GiftRecipientRanker;
  const dataset = uniqueDataset('grr');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-grr-'));
  const asOf = TEST_NOW - 3 * DAY_MS + 5 * 3_600_000; // mid-day, inside the data's timeline
  /** A sender with several friends, the most first. */
  let sender: string;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    graph = await testGraph();
    await seedWorld({ graph, dataset, users: 400, seed: 21, reset: false, cutoff: TEST_NOW, clock: fixedClock(TEST_NOW), truthDir: root, logger: silentLogger });
    g = await loadHeteroGraph(graph, dataset);
    gifts = await exportGifts(graph, dataset);
    occasions = await datasetOccasions(graph, dataset);
    // Two genuinely different versions: other seeds, other widths.
    runs = [
      runGiftHead(g, gifts, occasions, { cutoff: TEST_NOW, seed: 1, hidden: 8, epochs: 3, truth: null }),
      runGiftHead(g, gifts, occasions, { cutoff: TEST_NOW, seed: 2, hidden: 16, epochs: 3, truth: null }),
    ];
    runs.forEach((run, i) =>
      writeGiftHeadArtifact(path.join(root, GIFT_HEAD_NAME, `v${i + 1}`), {
        version: `v${i + 1}`, dataset, run, snapshot: 'test', backend: 'cpu', commit: null, command: 'test', seed: i + 1, hyperparameters: {}, wallMs: 0,
      }),
    );
    registry = new ModelRegistry({ graph, store: new ArtifactStore(root), clock: fixedClock(TEST_NOW), logger: silentLogger });
    ranker = new GiftRecipientRanker({ graph, registry, clock: fixedClock(asOf), logger: silentLogger });
    const friend = g.relations.friend!;
    let best = 0;
    for (let u = 0; u < g.nodes.user.ids.length; u++) {
      const d = friend.offsets[u + 1]! - friend.offsets[u]!;
      if (d > best) {
        best = d;
        sender = g.nodes.user.ids[u]!;
      }
    }
  }, 170_000);

  afterAll(async () => {
    await dropDataset(graph, dataset);
    await graph.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers MODEL_NOT_READY while no gift-recipient version is active for the dataset', async () => {
    await expect(ranker.rank(dataset, sender, { limit: 5 })).rejects.toMatchObject({ code: ErrorCode.MODEL_NOT_READY });
  });

  it('serves the active version and picks up a newly activated one on the next call', async () => {
    await registry.activate(dataset, GIFT_HEAD_NAME, 'v1');
    const a = await ranker.rank(dataset, sender, { limit: 100 });
    expect(a.version).toBe('v1');
    expect(a.recipients.length).toBeGreaterThan(3);
    await registry.activate(dataset, GIFT_HEAD_NAME, 'v2');
    const b = await ranker.rank(dataset, sender, { limit: 100 });
    expect(b.version).toBe('v2');
    expect(b.model).toBe(GIFT_HEAD_NAME);
    const pa = new Map(a.recipients.map((r) => [r.userId, r.probability]));
    expect(b.recipients.map((r) => r.userId).sort()).toEqual(a.recipients.map((r) => r.userId).sort());
    expect(b.recipients.some((r) => Math.abs(r.probability - pa.get(r.userId)!) > 1e-6)).toBe(true);
    // Sorted, bounded, limited.
    for (let i = 1; i < b.recipients.length; i++) expect(b.recipients[i - 1]!.probability).toBeGreaterThanOrEqual(b.recipients[i]!.probability);
    expect(b.recipients.every((r) => r.probability > 0 && r.probability < 1)).toBe(true);
    expect((await ranker.rank(dataset, sender, { limit: 2 })).recipients).toHaveLength(2);
  });

  it('computes the same probabilities the training code computes for that sender at that time (no train/serve skew)', async () => {
    await registry.activate(dataset, GIFT_HEAD_NAME, 'v2');
    const served = await ranker.rank(dataset, sender, { limit: 100, asOf });
    const h = buildGiftHistories(g, gifts, occasions);
    const u = g.nodes.user.index.get(sender)!;
    const ex = buildExamples(h, [{ t: asOf, windowDays: runs[1]!.weights.windowDays, negativeKeep: 1 }], { seed: 0, includeSender: (s) => s === u });
    const p = predictRows(runs[1]!.weights, ex);
    const offline = new Map(Array.from(ex.friend, (v, i) => [g.nodes.user.ids[v]!, p[i]!]));
    expect(served.recipients).toHaveLength(offline.size);
    for (const r of served.recipients) expect(r.probability).toBeCloseTo(offline.get(r.userId)!, 6);
  });

  it('never returns a blocked friend', async () => {
    await registry.activate(dataset, GIFT_HEAD_NAME, 'v1');
    const rows = await graph.query(
      `MATCH (a:User {dataset: $ds})-[f:FRIEND]-(b:User) WHERE f.blocked RETURN a.id AS a, b.id AS b LIMIT 20`,
      { ds: dataset },
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const ranked = await ranker.rank(dataset, String(r.a), { limit: 100 });
      expect(ranked.recipients.map((x) => x.userId)).not.toContain(String(r.b));
    }
  });

  it('BIRTHDAY keeps only friends whose birthday falls in the window; a holiday keeps everyone; an unknown occasion is BAD_USER_INPUT', async () => {
    await registry.activate(dataset, GIFT_HEAD_NAME, 'v1');
    const all = await ranker.rank(dataset, sender, { limit: 100 });
    const bday = await ranker.rank(dataset, sender, { limit: 100, occasion: BIRTHDAY });
    const birthdays = new Map((await graph.query(`UNWIND $ids AS id MATCH (u:User {dataset: $ds, id: id}) RETURN u.id AS id, u.birthday AS b`, { ds: dataset, ids: all.recipients.map((r) => r.userId) })).map((r) => [String(r.id), r.b as string]));
    const expected = all.recipients.filter((r) => (daysToBirthday(asOf, birthdays.get(r.userId)) ?? 999) <= all.windowDays).map((r) => r.userId);
    expect(bday.recipients.map((r) => r.userId).sort()).toEqual(expected.sort());
    const holiday = await ranker.rank(dataset, sender, { limit: 100, occasion: occasions[0]!.id });
    expect(holiday.recipients).toHaveLength(all.recipients.length);
    await expect(ranker.rank(dataset, sender, { limit: 5, occasion: 'no-such-holiday' })).rejects.toMatchObject({ code: ErrorCode.BAD_USER_INPUT });
  });

  it('answers NOT_FOUND for an unknown sender and BAD_USER_INPUT for a limit outside 1..100', async () => {
    await registry.activate(dataset, GIFT_HEAD_NAME, 'v1');
    await expect(ranker.rank(dataset, 'nobody', { limit: 5 })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(ranker.rank(dataset, sender, { limit: 0 })).rejects.toMatchObject({ code: ErrorCode.BAD_USER_INPUT });
    await expect(ranker.rank(dataset, sender, { limit: 101 })).rejects.toMatchObject({ code: ErrorCode.BAD_USER_INPUT });
  });

  it('ranks for a sender without friends as an empty list', async () => {
    await registry.activate(dataset, GIFT_HEAD_NAME, 'v1');
    // As of before the sender's first friendship, nobody is a candidate yet.
    const friend = g.relations.friend!;
    const u = g.nodes.user.index.get(sender)!;
    let first = Infinity;
    for (let e = friend.offsets[u]!; e < friend.offsets[u + 1]!; e++) first = Math.min(first, friend.time[e]!);
    const r = await ranker.rank(dataset, sender, { limit: 10, asOf: first - DAY_MS });
    expect(r.recipients).toEqual([]);
  });
});
