/**
 * The plain typed-array graph that the export stage hands to the models, and the
 * checks every model runs on it before touching a tensor.
 *
 * Node types (`user`, `item`, optionally `game`, `guild`, …) each have dense indices
 * `0 … numNodes[type] - 1`. A relation `(srcType, relation, dstType)` is stored as CSR
 * over its source nodes: the out-neighbours of source `u` are
 * `targets[offsets[u] … offsets[u + 1] - 1]`, all of type `dstType`.
 *
 * Direction follows PyTorch Geometric's `HeteroData`: along relation `(src, rel, dst)`
 * messages flow from `src` nodes to `dst` nodes. So a user hears the items it bought
 * through a reverse relation `(item, purchased_by, user)`; the export stage (or
 * {@link reverseRelation}) supplies both directions where both are wanted, as PyG's
 * `ToUndirected` does. Symmetric relations (`user –friend→ user`) list both directions.
 */

/** A node type name: a letter, then letters, digits or `_` (it ends up in weight names). */
export type NodeType = string;

/** `(srcType, relation, dstType)`, PyG's edge type triple. */
export interface RelationType {
  /** Type of the nodes that send messages along this relation. */
  readonly srcType: NodeType;
  /** Relation name, e.g. `purchased`, `friend`, `member_of`. */
  readonly relation: string;
  /** Type of the nodes that receive messages along this relation. */
  readonly dstType: NodeType;
}

/** Compressed sparse rows over the source nodes of one relation. */
export interface CsrAdjacency {
  /** `offsets: [numSrc + 1]`, non-decreasing, `offsets[0] = 0`, `offsets[numSrc] = nnz`. */
  readonly offsets: Int32Array;
  /** `targets: [nnz]`, destination node indices in `0 … numNodes[dstType] - 1`. */
  readonly targets: Int32Array;
}

/** One relation of the exported graph. */
export interface CsrRelation extends RelationType, CsrAdjacency {}

/** The heterogeneous graph as the export stage writes it. */
export interface HeteroCsrGraph {
  /** Number of nodes per type; every type a relation names must be here. */
  readonly numNodes: Readonly<Record<NodeType, number>>;
  /** The relations, each with its CSR adjacency. */
  readonly relations: readonly CsrRelation[];
}

/** Node features of one type: `data: [numNodes, dim]`, row-major. */
export interface NodeFeatures {
  /** `[numNodes * dim]` row-major float32 values. */
  readonly data: Float32Array;
  /** Feature width; `data.length` is a multiple of it. */
  readonly dim: number;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Throws unless `name` can be part of a weight name (tfjs variable names are restricted). */
export function assertName(kind: string, name: string): void {
  if (!NAME.test(name)) {
    throw new RangeError(`${kind} must match ${String(NAME)} (it becomes part of weight names), got ${JSON.stringify(name)}`);
  }
}

/**
 * Stable string key of a relation, `src__relation__dst`: used for weight names, config
 * and the per-relation maps of a sampled block.
 */
export function relationKey(r: RelationType): string {
  return `${r.srcType}__${r.relation}__${r.dstType}`;
}

/**
 * Checks the CSR invariants of every relation against `numNodes`; throws a RangeError
 * that names the relation and the first bad value. O(nnz).
 */
export function validateGraph(graph: HeteroCsrGraph): void {
  for (const [type, n] of Object.entries(graph.numNodes)) {
    assertName('node type', type);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`numNodes.${type} must be a non-negative integer, got ${String(n)}`);
  }
  const seen = new Set<string>();
  for (const r of graph.relations) {
    assertName('relation name', r.relation);
    const key = relationKey(r);
    if (seen.has(key)) throw new RangeError(`relation ${key} is listed twice`);
    seen.add(key);
    const numSrc = graph.numNodes[r.srcType];
    const numDst = graph.numNodes[r.dstType];
    if (numSrc === undefined) throw new RangeError(`relation ${key}: unknown source type ${r.srcType}`);
    if (numDst === undefined) throw new RangeError(`relation ${key}: unknown destination type ${r.dstType}`);
    if (r.offsets.length !== numSrc + 1) {
      throw new RangeError(`relation ${key}: offsets must have numNodes.${r.srcType} + 1 = ${numSrc + 1} entries, got ${r.offsets.length}`);
    }
    if (r.offsets[0] !== 0 || r.offsets[numSrc] !== r.targets.length) {
      throw new RangeError(`relation ${key}: offsets must run from 0 to targets.length = ${r.targets.length}, got ${r.offsets[0]} … ${r.offsets[numSrc]}`);
    }
    for (let u = 0; u < numSrc; u++) {
      if (r.offsets[u + 1]! < r.offsets[u]!) throw new RangeError(`relation ${key}: offsets decrease at source ${u}`);
    }
    for (let e = 0; e < r.targets.length; e++) {
      const t = r.targets[e]!;
      if (t < 0 || t >= numDst) throw new RangeError(`relation ${key}: target ${t} at position ${e} is outside 0 … ${numDst - 1}`);
    }
  }
}

/**
 * The transpose of a CSR adjacency: for each destination node, its in-neighbours
 * (source nodes), in increasing source order. `offsets: [numDst + 1]`, `targets: [nnz]`.
 * O(numSrc + numDst + nnz); a counting sort, so deterministic.
 */
export function transposeCsr(adj: CsrAdjacency, numDst: number): CsrAdjacency {
  const numSrc = adj.offsets.length - 1;
  const offsets = new Int32Array(numDst + 1);
  for (let e = 0; e < adj.targets.length; e++) offsets[adj.targets[e]! + 1]!++;
  for (let v = 0; v < numDst; v++) offsets[v + 1]! += offsets[v]!;
  const cursor = offsets.slice(0, numDst);
  const targets = new Int32Array(adj.targets.length);
  for (let u = 0; u < numSrc; u++) {
    for (let e = adj.offsets[u]!; e < adj.offsets[u + 1]!; e++) targets[cursor[adj.targets[e]!]!++] = u;
  }
  return { offsets, targets };
}

/**
 * The reverse relation `(dstType, name, srcType)` of `r` (PyG's `ToUndirected` adds
 * these as `rev_<relation>`), so that messages can also flow the other way.
 */
export function reverseRelation(r: CsrRelation, numDst: number, name = `rev_${r.relation}`): CsrRelation {
  const t = transposeCsr(r, numDst);
  return { srcType: r.dstType, relation: name, dstType: r.srcType, offsets: t.offsets, targets: t.targets };
}

/**
 * CSR from a coordinate edge list (`src: [E]`, `dst: [E]`); neighbours keep their input
 * order within a row. A convenience for tests and for the export stage.
 */
export function csrFromEdges(numSrc: number, src: ArrayLike<number>, dst: ArrayLike<number>): CsrAdjacency {
  if (src.length !== dst.length) throw new RangeError(`src and dst must have the same length, got ${src.length} and ${dst.length}`);
  const offsets = new Int32Array(numSrc + 1);
  for (let e = 0; e < src.length; e++) {
    const u = src[e]!;
    if (!Number.isInteger(u) || u < 0 || u >= numSrc) throw new RangeError(`source ${u} at position ${e} is outside 0 … ${numSrc - 1}`);
    offsets[u + 1]!++;
  }
  for (let u = 0; u < numSrc; u++) offsets[u + 1]! += offsets[u]!;
  const cursor = offsets.slice(0, numSrc);
  const targets = new Int32Array(src.length);
  for (let e = 0; e < src.length; e++) targets[cursor[src[e]!]!++] = dst[e]!;
  return { offsets, targets };
}
