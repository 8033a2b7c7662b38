import { catchUpStaleUsers, SERVE_WORLD } from '../../bench/serve-world';
import { fixedClock } from '../../src/clock/clock';
import { ARTIFACTS_DIR, ArtifactStore } from '../../src/embeddings/artifact-store';
import { encodeAndWriteBack } from '../../src/embeddings/encoder-runtime';
import { ModelRegistry } from '../../src/embeddings/registry';
import type { GraphClient } from '../../src/graph/graph-client';
import { silentLogger } from '../../src/logging/logger';
import { seededTestWorld } from '../support/world';

/**
 * The serve bench's catch-up (bench/serve-world.ts): users its replays left behind a write
 * are re-encoded before reads are measured, so a measured read never runs a refresh.
 */
describe('serve bench: catchUpStaleUsers', () => {
  // Seeded at TEST_NOW (test/support/graph.ts), which is also the serve world's cutoff, the time the catch-up encodes as of.
  const world = seededTestWorld('stale', { users: 120, seed: 5 });
  const { dataset } = world;
  let graph: GraphClient;
  const marks = async () =>
    (await graph.query('MATCH (u:User {dataset: $ds}) RETURN u.id AS id, coalesce(u.embeddingDue, 0) AS due, coalesce(u.embeddingDone, 0) AS done, u.embedding AS e ORDER BY id', { ds: dataset }))
      .map((r) => ({ id: String(r.id), due: Number(r.due), done: Number(r.done), e: r.e as number[] }));

  beforeAll(async () => {
    graph = world.graph;
    const clock = fixedClock(SERVE_WORLD.cutoff);
    const sage = await new ModelRegistry({ graph, store: new ArtifactStore(ARTIFACTS_DIR), clock, logger: silentLogger }).activate(dataset, 'sage', 'demo-v1');
    await encodeAndWriteBack({ graph, dataset, artifact: sage, asOf: SERVE_WORLD.cutoff, logger: silentLogger });
  }, 300_000);

  it('re-encodes exactly the users marked behind a write, clears their marks, and then finds none', async () => {
    const before = await marks();
    expect(before.every((u) => u.due <= u.done)).toBe(true);
    // What a replayed write does: bump the mark (twice for one user) without a refresh.
    const behind = [before[3]!.id, before[40]!.id, before[77]!.id];
    await graph.write((tx) => tx.run('UNWIND $ids AS id MATCH (u:User {dataset: $ds, id: id}) SET u.embeddingDue = coalesce(u.embeddingDue, 0) + 1', { ds: dataset, ids: behind }));
    await graph.write((tx) => tx.run('MATCH (u:User {dataset: $ds, id: $id}) SET u.embeddingDue = u.embeddingDue + 1', { ds: dataset, id: behind[1] }));
    // Moved off their stored embedding, so that a re-encode shows.
    await graph.write((tx) => tx.run('UNWIND $ids AS id MATCH (u:User {dataset: $ds, id: id}) SET u.embedding = [x IN u.embedding | -x]', { ds: dataset, ids: behind }));

    expect((await catchUpStaleUsers({ graph, logger: silentLogger, dataset })).users).toBe(3);
    const after = await marks();
    expect(after.filter((u) => u.due > u.done)).toEqual([]);
    for (const [k, u] of after.entries()) {
      if (behind.includes(u.id)) {
        expect(u.done).toBe(u.due);
        expect(u.e).not.toEqual(before[k]!.e.map((x) => -x)); // re-encoded
      } else {
        expect([u.due, u.done, u.e]).toEqual([before[k]!.due, before[k]!.done, before[k]!.e]); // untouched
      }
    }
    expect(await catchUpStaleUsers({ graph, logger: silentLogger, dataset })).toEqual({ users: 0, seconds: 0 });
  }, 120_000);
});
