import type { GraphClient } from '../graph/graph-client';
import { EXPORT_EDGES, exportEdges, exportNodes, type EdgeSpec, type ExportLabel } from '../graph/queries/export';
import type { Progress } from '../logging/progress';
import { buildRelation, nodeSet, SPLIT_NONE, SPLIT_TEST, SPLIT_TRAIN, type HeteroGraph, type NodeType, type Relation } from './hetero-graph';

const TYPE_OF: Record<ExportLabel, NodeType> = { User: 'user', Item: 'item', Game: 'game', Guild: 'guild' };
/** Relations stored once per pair in Neo4j but meaning both directions. */
const SYMMETRIC = new Set(['friend', 'interacted']);

/**
 * Streams one dataset out of Neo4j into a HeteroGraph (typed-array CSR per relation).
 * Blocked friendships are dropped; symmetric relations get both directions; edges whose
 * endpoints are not exported nodes are impossible (the loader checks references).
 */
export async function loadHeteroGraph(graph: GraphClient, dataset: string, progress?: Progress): Promise<HeteroGraph> {
  const labels: ExportLabel[] = ['User', 'Item', 'Game', 'Guild'];
  progress?.phase('export nodes', labels.length);
  const exported = Object.fromEntries(await Promise.all(labels.map(async (l) => [l, await exportNodes(graph, dataset, l)] as const)));
  progress?.tick(labels.length);
  const nodes = {} as HeteroGraph['nodes'];
  const nodeProps = {} as HeteroGraph['nodeProps'];
  for (const l of labels) {
    const e = exported[l]!;
    const set = nodeSet(e.ids);
    nodes[TYPE_OF[l]] = set;
    // Align properties to the sorted order of the node set.
    const order = e.ids.map((id) => set.index.get(id)!);
    nodeProps[TYPE_OF[l]] = Object.fromEntries(
      Object.entries(e.props).map(([k, vals]) => {
        const out = new Array<unknown>(vals.length);
        vals.forEach((v, i) => (out[order[i]!] = v));
        return [k, out];
      }),
    );
  }
  progress?.phase('export edges', EXPORT_EDGES.length);
  const relations: Record<string, Relation> = {};
  for (const spec of EXPORT_EDGES) {
    relations[spec.name] = toRelation(spec, await exportEdges(graph, dataset, spec), nodes);
    progress?.tick(1, spec.name);
  }
  progress?.done();
  return { dataset, nodes, relations, nodeProps };
}

function toRelation(spec: EdgeSpec, e: { src: string[]; dst: string[]; props: Record<string, unknown[]> }, nodes: HeteroGraph['nodes']): Relation {
  const srcType = TYPE_OF[spec.from];
  const dstType = TYPE_OF[spec.to];
  const srcIndex = nodes[srcType].index;
  const dstIndex = nodes[dstType].index;
  const keep: number[] = [];
  for (let i = 0; i < e.src.length; i++) if (spec.name !== 'friend' || e.props.blocked?.[i] !== true) keep.push(i);
  const both = SYMMETRIC.has(spec.name);
  const m = keep.length * (both ? 2 : 1);
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  const time = new Float64Array(m);
  const numeric = spec.props.filter((p) => !['at', 'since', 'day', 'split', 'blocked'].includes(p));
  const attrs = Object.fromEntries(numeric.map((p) => [p, new Float64Array(m)]));
  const split = spec.props.includes('split') ? new Uint8Array(m) : null;
  const timeProp = spec.props.find((p) => p === 'at' || p === 'since' || p === 'day');
  keep.forEach((i, k) => {
    const a = srcIndex.get(e.src[i]!)!;
    const b = dstIndex.get(e.dst[i]!)!;
    const t = timeProp ? num(e.props[timeProp]![i]) : NaN;
    const sp = split ? splitCode(e.props.split![i]) : SPLIT_NONE;
    const put = (j: number, s: number, d: number) => {
      src[j] = s;
      dst[j] = d;
      time[j] = t;
      for (const p of numeric) attrs[p]![j] = num(e.props[p]![i]);
      if (split) split[j] = sp;
    };
    if (both) {
      put(2 * k, a, b);
      put(2 * k + 1, b, a);
    } else put(k, a, b);
  });
  return buildRelation(spec.name, srcType, dstType, nodes[srcType].ids.length, src, dst, time, attrs, split);
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}

function splitCode(v: unknown): number {
  return v === 'train' ? SPLIT_TRAIN : v === 'test' ? SPLIT_TEST : SPLIT_NONE;
}
