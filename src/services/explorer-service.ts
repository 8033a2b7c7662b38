import { BadInputError, NotFoundError } from '../errors/errors';
import type { GraphClient } from '../graph/graph-client';
import { formatScopedId, isValidDataset, parseScopedId } from '../graph/ids';
import { exploreNeighborhood, type StartKind } from '../graph/queries/neighborhood';
import { DATASETS, datasetCounts, type DatasetCounts } from '../graph/queries/stats';

export interface NeighborhoodResult {
  nodes: { id: string; label: string; name: string; depth: number }[];
  edges: { source: string; target: string; type: string }[];
  truncated: boolean;
}

export interface DatasetSummary {
  id: string;
  kind: string | null;
  status: string | null;
}

/** Graph exploration and statistics for internal tools; every answer is scoped to one dataset. */
export class ExplorerService {
  constructor(private readonly deps: { graph: GraphClient }) {}

  async neighborhood(o: { id: string; kind: StartKind; depth: number; limit: number }): Promise<NeighborhoodResult> {
    const { dataset, id } = parseScopedId(o.id);
    const hood = await exploreNeighborhood(this.deps.graph, { dataset, kind: o.kind, id, depth: o.depth, limit: o.limit });
    if (!hood) throw new NotFoundError(o.kind, o.id);
    const scoped = new Map(hood.nodes.map((n) => [n.eid, formatScopedId(dataset, n.id)]));
    return {
      nodes: hood.nodes.map((n) => ({ id: scoped.get(n.eid)!, label: n.label, name: n.name, depth: n.depth })),
      edges: hood.edges.map((e) => ({ source: scoped.get(e.src)!, target: scoped.get(e.dst)!, type: e.type })),
      truncated: hood.nodes.length >= o.limit,
    };
  }

  async datasets(): Promise<DatasetSummary[]> {
    const rows = await this.deps.graph.query(DATASETS.cypher);
    return rows.map((r) => ({ id: String(r.id), kind: (r.kind as string | null) ?? null, status: (r.status as string | null) ?? null }));
  }

  async stats(dataset: string): Promise<DatasetCounts> {
    if (!isValidDataset(dataset)) throw new BadInputError(`dataset must match /^[a-z][a-z0-9_-]{0,31}$/; got ${JSON.stringify(dataset)}`, { dataset });
    const known = await this.datasets();
    if (!known.some((d) => d.id === dataset)) throw new NotFoundError('Dataset', dataset);
    return datasetCounts(this.deps.graph, dataset);
  }
}
