import fc from 'fast-check';
import { csrFromEdges, relationKey, reverseRelation, transposeCsr } from '../../../graph-models/layers/graph-types';
import type { CsrRelation, HeteroCsrGraph } from '../../../graph-models/layers/graph-types';
import { NeighborSampler } from '../../../graph-models/layers/neighbor-sampler';
import type { SampledSubgraph } from '../../../graph-models/layers/neighbor-sampler';
import { FRIEND, PURCHASED, REV_PURCHASED, communityGraph, fourNodeGraph } from './toy-graphs';

/** True when global edge (src → dst) exists along relation `r` of the graph. */
function hasEdge(graph: HeteroCsrGraph, key: string, src: number, dst: number): boolean {
  const r = graph.relations.find((x) => relationKey(x) === key)!;
  for (let e = r.offsets[src]!; e < r.offsets[src + 1]!; e++) if (r.targets[e] === dst) return true;
  return false;
}

/** Checks every structural promise of a sample; returns nothing, throws via expect. */
function checkInvariants(graph: HeteroCsrGraph, s: SampledSubgraph, fanouts: number[]): void {
  const L = fanouts.length;
  expect(s.blocks).toHaveLength(L);
  expect(s.hopNodes).toHaveLength(L + 1);
  for (const t of s.nodeTypes) {
    for (let h = 0; h < L; h++) {
      const a = s.hopNodes[h]![t]!;
      const b = s.hopNodes[h + 1]![t]!;
      expect(Array.from(b.subarray(0, a.length))).toEqual(Array.from(a)); // prefix
      expect(new Set(b).size).toBe(b.length); // unique
    }
    // seedLocal points at the seed in the last block's destination rows.
    const seeds = s.seeds[t]!;
    seeds.forEach((g, k) => expect(s.blocks[L - 1]!.dstNodes[t]![s.seedLocal[t]![k]!]).toBe(g));
  }
  s.blocks.forEach((block, l) => {
    const hop = L - l - 1; // block l samples hop (hop + 1) for the nodes of hopNodes[hop]
    for (const r of s.relations) {
      const key = relationKey(r);
      const { srcIndex, dstIndex } = block.edges[key]!;
      expect(srcIndex.length).toBe(dstIndex.length);
      const perDst = new Map<number, number[]>();
      for (let e = 0; e < srcIndex.length; e++) {
        const u = block.srcNodes[r.srcType]![srcIndex[e]!]!;
        const v = block.dstNodes[r.dstType]![dstIndex[e]!]!;
        expect(hasEdge(graph, key, u, v)).toBe(true);
        perDst.set(dstIndex[e]!, [...(perDst.get(dstIndex[e]!) ?? []), srcIndex[e]!]);
      }
      const incoming = transposeCsr(graph.relations.find((x) => relationKey(x) === key)!, graph.numNodes[r.dstType]!);
      block.dstNodes[r.dstType]!.forEach((v, i) => {
        const deg = incoming.offsets[v + 1]! - incoming.offsets[v]!;
        const got = perDst.get(i) ?? [];
        const fanout = fanouts[hop]!;
        // Exactly min(deg, fanout) neighbours, never one twice (no replacement).
        expect(got.length).toBe(fanout === -1 ? deg : Math.min(deg, fanout));
        expect(new Set(got).size).toBe(got.length);
      });
    }
  });
}

describe('NeighborSampler (GraphSAGE fanout sampling)', () => {
  it('on the 4-node graph with fanouts ≥ degrees keeps every neighbour, in blocks of application order', () => {
    const graph = fourNodeGraph();
    const sampler = new NeighborSampler(graph, { fanouts: [10, 10], seed: 1 });
    const s = sampler.sample({ user: Int32Array.of(1) });
    checkInvariants(graph, s, [10, 10]);
    // Hop 0: u1. Hop 1: u1's in-neighbours: i1 (rev_purchased), u0 (friend).
    expect(s.hopNodes[0]).toEqual({ user: Int32Array.of(1), item: Int32Array.of() });
    expect(s.hopNodes[1]).toEqual({ user: Int32Array.of(1, 0), item: Int32Array.of(1) });
    // Hop 2 adds i0 (u0 bought it).
    expect(s.hopNodes[2]).toEqual({ user: Int32Array.of(1, 0), item: Int32Array.of(1, 0) });
    const last = s.blocks[1]!;
    expect(last.dstNodes).toEqual(s.hopNodes[0]);
    expect(last.srcNodes).toEqual(s.hopNodes[1]);
    expect(last.edges[relationKey(REV_PURCHASED)]).toEqual({ srcIndex: Int32Array.of(0), dstIndex: Int32Array.of(0) });
    expect(last.edges[relationKey(FRIEND)]).toEqual({ srcIndex: Int32Array.of(1), dstIndex: Int32Array.of(0) });
    expect(last.edges[relationKey(PURCHASED)]).toEqual({ srcIndex: Int32Array.of(), dstIndex: Int32Array.of() });
    expect(s.blocks[0]!.srcNodes).toEqual(s.hopNodes[2]);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const { graph } = communityGraph({ users: 60, items: 40, perUser: 12, seed: 3 });
    const seeds = { user: Int32Array.of(0, 5, 31, 44), item: Int32Array.of(2, 30) };
    const a = new NeighborSampler(graph, { fanouts: [3, 2], seed: 7 }).sample(seeds);
    const b = new NeighborSampler(graph, { fanouts: [3, 2], seed: 7 }).sample(seeds);
    const c = new NeighborSampler(graph, { fanouts: [3, 2], seed: 8 }).sample(seeds);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // A per-call seed reproduces regardless of the sampler's stream position.
    const sampler = new NeighborSampler(graph, { fanouts: [3, 2], seed: 7 });
    const first = sampler.sample(seeds, { seed: 99 });
    sampler.sample(seeds);
    expect(sampler.sample(seeds, { seed: 99 })).toEqual(first);
  });

  it('respects fanouts per hop: min(degree, fanout) distinct neighbours per node and relation', () => {
    const { graph } = communityGraph({ users: 80, items: 50, perUser: 15, seed: 4 });
    const fanouts = [4, 2];
    const s = new NeighborSampler(graph, { fanouts, seed: 2 }).sample({ user: Int32Array.of(1, 2, 3, 60), item: Int32Array.of(0, 49) });
    checkInvariants(graph, s, fanouts);
    // The fanout bites: items have ~24 buyers, so hop 1 has exactly 4 rev edges per user seed.
    const rev = s.blocks[1]!.edges[relationKey(REV_PURCHASED)]!;
    expect(rev.dstIndex.filter((i) => i < 4).length).toBe(4 * 4);
  });

  it('fanout -1 keeps every neighbour and per-relation fanouts override', () => {
    const { graph } = communityGraph({ users: 30, items: 20, perUser: 8, seed: 5 });
    const s = new NeighborSampler(graph, {
      fanouts: [-1],
      fanoutsByRelation: { [relationKey(FRIEND)]: [0] },
      relations: [REV_PURCHASED, FRIEND],
    }).sample({ user: Int32Array.of(3) });
    expect(s.blocks[0]!.edges[relationKey(REV_PURCHASED)]!.srcIndex.length).toBe(8);
    expect(s.blocks[0]!.edges[relationKey(FRIEND)]!.srcIndex.length).toBe(0);
    expect(Object.keys(s.blocks[0]!.edges)).toEqual([relationKey(REV_PURCHASED), relationKey(FRIEND)]);
  });

  it('includes an isolated seed (a new user with no edges) at every hop, with no edges', () => {
    const graph = fourNodeGraph({ isolatedUser: true });
    const s = new NeighborSampler(graph, { fanouts: [5, 5], seed: 0 }).sample({ user: Int32Array.of(2, 0) });
    checkInvariants(graph, s, [5, 5]);
    for (const hop of s.hopNodes) expect(hop['user']![0]).toBe(2);
    // u2 is row 0 of the user destinations in every block and receives no edge.
    for (const block of s.blocks) {
      for (const r of [REV_PURCHASED, FRIEND]) expect(block.edges[relationKey(r)]!.dstIndex.includes(0)).toBe(false);
    }
    expect(Array.from(s.seedLocal['user']!)).toEqual([0, 1]);
  });

  it('deduplicates repeated seeds and maps each back', () => {
    const graph = fourNodeGraph();
    const s = new NeighborSampler(graph, { fanouts: [1] }).sample({ item: Int32Array.of(1, 0, 1) });
    expect(Array.from(s.blocks[0]!.dstNodes['item']!)).toEqual([1, 0]);
    expect(Array.from(s.seedLocal['item']!)).toEqual([0, 1, 0]);
    expect(Array.from(s.seeds['item']!)).toEqual([1, 0, 1]);
  });

  it('rejects seeds outside the graph and bad options, naming the value', () => {
    const graph = fourNodeGraph();
    const sampler = new NeighborSampler(graph, { fanouts: [2] });
    expect(() => sampler.sample({ user: Int32Array.of(2) })).toThrow(/seed 2 of type user is outside 0 … 1/);
    expect(() => sampler.sample({ guild: Int32Array.of(0) })).toThrow(/guild/);
    expect(() => new NeighborSampler(graph, { fanouts: [] })).toThrow(/at least one hop/);
    expect(() => new NeighborSampler(graph, { fanouts: [-2] })).toThrow(/-2/);
    const bad: CsrRelation = { ...PURCHASED, offsets: Int32Array.of(0, 1, 2), targets: Int32Array.of(0, 7) };
    expect(() => new NeighborSampler({ numNodes: { user: 2, item: 2 }, relations: [bad] }, { fanouts: [1] })).toThrow(/target 7/);
  });

  it('holds its invariants on random graphs (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 60 }),
        fc.array(fc.integer({ min: -1, max: 4 }), { minLength: 1, maxLength: 3 }),
        fc.integer(),
        (U, I, pairs, fanouts, seed) => {
          const edges = [...new Set(pairs.map(([a, b]) => `${a % U},${b % I}`))].map((p) => p.split(',').map(Number) as [number, number]);
          const purchased: CsrRelation = { ...PURCHASED, ...csrFromEdges(U, edges.map((e) => e[0]), edges.map((e) => e[1])) };
          const graph: HeteroCsrGraph = { numNodes: { user: U, item: I }, relations: [purchased, reverseRelation(purchased, I)] };
          const s = new NeighborSampler(graph, { fanouts, seed }).sample({ user: Int32Array.of(0, U - 1), item: Int32Array.of(I - 1) });
          checkInvariants(graph, s, fanouts);
        },
      ),
      { numRuns: 150, seed: 42 },
    );
  });
});
