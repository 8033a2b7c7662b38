/**
 * GraphSAGE-style fixed-fanout neighbour sampling into message-flow blocks.
 *
 * Hamilton, Ying & Leskovec, "Inductive Representation Learning on Large Graphs",
 * NeurIPS 2017, Algorithm 2: for a batch B^K of seed nodes and K layers,
 *
 *     B^{k-1} = B^k ∪ { S_k(v) : v ∈ B^k },   k = K … 1,
 *
 * where S_k(v) is a uniform sample of at most `fanout` neighbours of v. Layer k then
 * computes h^k for the nodes of B^k from the h^{k-1} of B^{k-1}; the seeds' own
 * features take part at every layer, so an isolated seed (a brand-new user with no
 * edges yet) still gets an embedding from its own features.
 *
 * Heterogeneous: neighbours are sampled per relation `(src, rel, dst)` (PyG's
 * `NeighborLoader` with a per-edge-type `num_neighbors`, DGL's per-etype fanout): a
 * node of type `dst` draws up to `fanout` of its in-neighbours along each relation that
 * ends at `dst`. Without replacement; a node whose degree is ≤ fanout keeps all its
 * neighbours. Every block re-samples for all of its destination nodes, seeds included
 * (DGL's `MultiLayerNeighborSampler`), so each layer sees an independent sample.
 *
 * Pure TypeScript over typed arrays: no tensors. Deterministic for a seed.
 */
import { assertName, relationKey, transposeCsr, validateGraph } from './graph-types';
import type { CsrAdjacency, HeteroCsrGraph, NodeType, RelationType } from './graph-types';
import { SeededRandom } from './seeded-random';

/** Options of {@link NeighborSampler}. */
export interface NeighborSamplerOptions {
  /**
   * `fanouts[h]`: neighbours drawn per node and per relation at hop `h + 1` (hop 1 =
   * the seeds' neighbours, PyG's `num_neighbors` order); `-1` keeps every neighbour.
   * Its length is the number of layers the blocks feed, e.g. `[10, 5]`.
   */
  readonly fanouts: readonly number[];
  /** Relations to sample along (each must be in the graph); default: every relation of the graph. */
  readonly relations?: readonly RelationType[];
  /** Per-relation fanouts (keyed by `relationKey`), same length as `fanouts`; overrides it. */
  readonly fanoutsByRelation?: Readonly<Record<string, readonly number[]>>;
  /** Seed of the sampler's own stream; default {@link DEFAULT_SAMPLER_SEED}. */
  readonly seed?: number;
}

/** Seed of a sampler built without one. */
export const DEFAULT_SAMPLER_SEED = 0;

/** The edges of one relation inside one block, as local indices (PyG's `edge_index`). */
export interface BlockEdges {
  /** `srcIndex: [E]`, row of the sending node in `block.srcNodes[relation.srcType]`. */
  readonly srcIndex: Int32Array;
  /** `dstIndex: [E]`, row of the receiving node in `block.dstNodes[relation.dstType]`. */
  readonly dstIndex: Int32Array;
}

/**
 * One message-flow graph (DGL's "block"): the nodes one layer reads (`srcNodes`) and
 * writes (`dstNodes`), and the sampled edges between them per relation. For every type,
 * `dstNodes[t]` is a prefix of `srcNodes[t]`, so a destination node's own previous
 * representation is row `i` of the source rows (the GraphSAGE self term).
 */
export interface Block {
  /** `dstNodes[t]: [numDst_t]` global indices of the nodes this layer computes. */
  readonly dstNodes: Readonly<Record<NodeType, Int32Array>>;
  /** `srcNodes[t]: [numSrc_t]` global indices of the nodes this layer reads; starts with `dstNodes[t]`. */
  readonly srcNodes: Readonly<Record<NodeType, Int32Array>>;
  /** Sampled edges per relation key (every sampled relation is present, possibly empty). */
  readonly edges: Readonly<Record<string, BlockEdges>>;
}

/** What {@link NeighborSampler.sample} returns. */
export interface SampledSubgraph {
  /** Every node type of the graph, in the graph's `numNodes` key order. */
  readonly nodeTypes: readonly NodeType[];
  /** The sampled relations, in sampling order (the keys of `block.edges`). */
  readonly relations: readonly RelationType[];
  /** `seeds[t]: [numSeeds_t]` the seeds as given (duplicates allowed); `[]` for other types. */
  readonly seeds: Readonly<Record<NodeType, Int32Array>>;
  /** `seedLocal[t]: [numSeeds_t]`, row of each given seed in `blocks[L-1].dstNodes[t]`. */
  readonly seedLocal: Readonly<Record<NodeType, Int32Array>>;
  /**
   * `hopNodes[h][t]`: unique global indices of the type-`t` nodes within `h` hops of the
   * seeds (`h = 0 … L`), in first-reached order; `hopNodes[h]` is a prefix of `hopNodes[h+1]`.
   */
  readonly hopNodes: ReadonlyArray<Readonly<Record<NodeType, Int32Array>>>;
  /**
   * `blocks[l]` feeds layer `l` (application order, as DGL returns them): `blocks[0]`
   * reads the outermost hop, `blocks[L-1].dstNodes` are the unique seeds.
   * `blocks[l].srcNodes = hopNodes[L-l]`, `blocks[l].dstNodes = hopNodes[L-l-1]`.
   */
  readonly blocks: readonly Block[];
}

/** Per-call options of {@link NeighborSampler.sample}. */
export interface SampleOptions {
  /** Sample from a fresh stream with this seed instead of the sampler's own stream. */
  readonly seed?: number;
}

interface SampledRelation {
  readonly type: RelationType;
  readonly key: string;
  /** In-neighbours of each `dstType` node: `offsets: [numDst + 1]`, `targets` are `srcType` nodes. */
  readonly incoming: CsrAdjacency;
  /** Fanout per hop. */
  readonly fanouts: readonly number[];
}

/**
 * Samples blocks around seed nodes. Construction validates the graph and transposes
 * each sampled relation once (O(nnz) time and memory); sampling costs O(Σ fanout) per
 * node, independent of degrees (Floyd's subset sampling).
 */
export class NeighborSampler {
  readonly numLayers: number;
  private readonly graph: HeteroCsrGraph;
  private readonly nodeTypes: readonly NodeType[];
  private readonly sampled: readonly SampledRelation[];
  private readonly rng: SeededRandom;

  constructor(graph: HeteroCsrGraph, options: NeighborSamplerOptions) {
    validateGraph(graph);
    const { fanouts } = options;
    if (fanouts.length === 0) throw new RangeError('fanouts must name at least one hop, got []');
    const checkFanouts = (f: readonly number[], what: string): void => {
      if (f.length !== fanouts.length) throw new RangeError(`${what} must have ${fanouts.length} entries (one per hop), got ${f.length}`);
      for (const k of f) if (!Number.isInteger(k) || k < -1) throw new RangeError(`${what} entries must be integers ≥ -1 (-1 = all), got ${String(k)}`);
    };
    checkFanouts(fanouts, 'fanouts');
    this.graph = graph;
    this.numLayers = fanouts.length;
    this.nodeTypes = Object.keys(graph.numNodes);
    const byKey = new Map(graph.relations.map((r) => [relationKey(r), r]));
    const wanted = options.relations ?? graph.relations;
    for (const key of Object.keys(options.fanoutsByRelation ?? {})) {
      if (!wanted.some((r) => relationKey(r) === key)) throw new RangeError(`fanoutsByRelation names ${key}, which is not a sampled relation`);
    }
    this.sampled = wanted.map((type) => {
      const key = relationKey(type);
      const csr = byKey.get(key);
      if (!csr) throw new RangeError(`relation ${key} is not in the graph (it has ${[...byKey.keys()].join(', ')})`);
      const own = options.fanoutsByRelation?.[key];
      if (own) checkFanouts(own, `fanoutsByRelation.${key}`);
      return {
        type: { srcType: type.srcType, relation: type.relation, dstType: type.dstType },
        key,
        incoming: transposeCsr(csr, graph.numNodes[csr.dstType]!),
        fanouts: own ?? fanouts,
      };
    });
    this.rng = new SeededRandom(options.seed ?? DEFAULT_SAMPLER_SEED);
  }

  /**
   * Samples the blocks for one batch. `seeds[t]: [numSeeds_t]` global indices per node
   * type (omitted types have no seeds). Seeds may repeat; `seedLocal` maps each back.
   */
  sample(seeds: Readonly<Partial<Record<NodeType, Int32Array>>>, options: SampleOptions = {}): SampledSubgraph {
    const rng = options.seed === undefined ? this.rng : new SeededRandom(options.seed);
    const L = this.numLayers;
    // Per type: the growing list of reached nodes and their local index.
    const lists = new Map<NodeType, number[]>();
    const index = new Map<NodeType, Map<number, number>>();
    for (const t of this.nodeTypes) {
      lists.set(t, []);
      index.set(t, new Map());
    }
    const localOf = (t: NodeType, g: number): number => {
      const m = index.get(t)!;
      let i = m.get(g);
      if (i === undefined) {
        const list = lists.get(t)!;
        i = list.length;
        list.push(g);
        m.set(g, i);
      }
      return i;
    };

    const givenSeeds: Record<NodeType, Int32Array> = {};
    const seedLocal: Record<NodeType, Int32Array> = {};
    for (const t of this.nodeTypes) {
      givenSeeds[t] = new Int32Array(0);
      seedLocal[t] = new Int32Array(0);
    }
    for (const [t, ids] of Object.entries(seeds)) {
      if (ids === undefined) continue;
      assertName('node type', t);
      const n = this.graph.numNodes[t];
      if (n === undefined) throw new RangeError(`seeds name node type ${t}, which the graph does not have (${this.nodeTypes.join(', ')})`);
      const local = new Int32Array(ids.length);
      for (let k = 0; k < ids.length; k++) {
        const g = ids[k]!;
        if (g < 0 || g >= n) throw new RangeError(`seed ${g} of type ${t} is outside 0 … ${n - 1}`);
        local[k] = localOf(t, g);
      }
      givenSeeds[t] = Int32Array.from(ids);
      seedLocal[t] = local;
    }

    const snapshot = (): Record<NodeType, Int32Array> => {
      const out: Record<NodeType, Int32Array> = {};
      for (const t of this.nodeTypes) out[t] = Int32Array.from(lists.get(t)!);
      return out;
    };
    const hopNodes: Array<Record<NodeType, Int32Array>> = [snapshot()];
    const hopEdges: Array<Record<string, BlockEdges>> = [];
    const chosen = new Set<number>();

    for (let h = 0; h < L; h++) {
      const frontier = hopNodes[h]!;
      const edges: Record<string, BlockEdges> = {};
      for (const rel of this.sampled) {
        const fanout = rel.fanouts[h]!;
        const dsts = frontier[rel.type.dstType]!;
        const { offsets, targets } = rel.incoming;
        const src: number[] = [];
        const dst: number[] = [];
        for (let i = 0; i < dsts.length; i++) {
          const v = dsts[i]!;
          const start = offsets[v]!;
          const deg = offsets[v + 1]! - start;
          if (fanout === -1 || deg <= fanout) {
            for (let e = start; e < start + deg; e++) {
              src.push(localOf(rel.type.srcType, targets[e]!));
              dst.push(i);
            }
            continue;
          }
          // Floyd's algorithm: a uniform `fanout`-subset of 0 … deg-1 in O(fanout) draws.
          chosen.clear();
          for (let j = deg - fanout; j < deg; j++) {
            const r = rng.nextInt(j + 1);
            const pick = chosen.has(r) ? j : r;
            chosen.add(pick);
            src.push(localOf(rel.type.srcType, targets[start + pick]!));
            dst.push(i);
          }
        }
        edges[rel.key] = { srcIndex: Int32Array.from(src), dstIndex: Int32Array.from(dst) };
      }
      hopEdges.push(edges);
      hopNodes.push(snapshot());
    }

    const blocks: Block[] = [];
    for (let l = 0; l < L; l++) {
      const h = L - l - 1; // block l reads hop h+1 and writes hop h
      blocks.push({ dstNodes: hopNodes[h]!, srcNodes: hopNodes[h + 1]!, edges: hopEdges[h]! });
    }
    return {
      nodeTypes: this.nodeTypes,
      relations: this.sampled.map((r) => r.type),
      seeds: givenSeeds,
      seedLocal,
      hopNodes,
      blocks,
    };
  }
}
