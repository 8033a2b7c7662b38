import type { HeteroGraph, NodeType } from '../features/hetero-graph';
import { neighbourhoodFeatures, neighbourhoodGraph } from '../features/neighbourhood-graph';
import { RECENT_INTERACTION_MS } from '../features/node-features';
import type { GraphClient } from '../graph/graph-client';
import { fetchFeatureCounts, fetchNeighbourLists, type ListOwner, type NeighbourList } from '../graph/queries/subgraph';
import { sageInputs, type SageInputs } from '../../graph-models/training/sage-graph';
import { INFERENCE_SAMPLE_SEED, inferenceSampler } from '../../graph-models/training/sage-trainable';

export interface NeighbourhoodInputs {
  /** The structure graph (node numbering of `inputs`). */
  graph: HeteroGraph;
  /** Encoder inputs: the neighbourhood's CSR and node features as of t from database counts. */
  inputs: SageInputs;
  /** The requested ids that exist, in request order. */
  seeds: { user: string[]; item: string[] };
  /** The requested ids the dataset does not have. */
  missing: { users: string[]; items: string[] };
  /** The seed users' write marks (`embeddingDue`), read with their lists: what the encoded neighbourhood reflects at least. */
  due: Map<string, number>;
}

/**
 * The SAGE encoder's inputs for a few seeds, fetched from their neighbourhood only, as
 * of t, in three read round trips (each one transaction, one statement per label):
 *
 *   1. the seeds' neighbour lists;
 *   2. the lists of the hop-1 nodes the sampler picks for the seeds (the first hop depends
 *      only on the seeds' lists, so it is sampled on them alone: same seed, same stream,
 *      same picks as the first hop of the full sample);
 *   3. the feature counts of every user and item the full L-hop sample reaches.
 *
 * Embedding the seeds over these inputs with `embedNodes` (same seed order, ≤ 1,024 per
 * type) gives exactly the full-dataset encode's result when no list was capped, and a
 * sample from each capped list's `cap` kept neighbours otherwise (the most recent as of t;
 * with `tIsNow`, the first in store order).
 */
export async function neighbourhoodInputs(
  graph: GraphClient,
  o: {
    dataset: string; users: readonly string[]; items: readonly string[]; t: number; fanouts: number[]; cap: number; catalogue: { game: string[]; guild: string[] };
    /** t is the present: no edge is later, so counts may come from node degrees (no scan). */
    tIsNow?: boolean;
  },
): Promise<NeighbourhoodInputs> {
  const { dataset, t, cap, fanouts, catalogue } = o;
  const now = o.tIsNow ?? false;
  const seedLists = await fetchNeighbourLists(graph, { dataset, frontier: { user: o.users, item: o.items }, t, cap, now });
  const found = { user: new Set<string>(), item: new Set<string>() };
  const due = new Map<string, number>();
  for (const l of seedLists) {
    if (l.ownerType === 'user' || l.ownerType === 'item') found[l.ownerType].add(l.owner);
    if (l.ownerType === 'user') due.set(l.owner, l.ownerDue);
  }
  const seeds = { user: o.users.filter((u) => found.user.has(u)), item: o.items.filter((i) => found.item.has(i)) };
  const missing = { users: o.users.filter((u) => !found.user.has(u)), items: o.items.filter((i) => !found.item.has(i)) };

  const g0 = neighbourhoodGraph({ dataset, catalogue, seedLists, hopLists: [] });
  const hop1 = reached(g0, sageInputs(g0, t), fanouts.slice(0, 1), seeds, 1);
  const frontier: Partial<Record<ListOwner, string[]>> = {
    user: hop1.user.filter((id) => !found.user.has(id)),
    item: hop1.item.filter((id) => !found.item.has(id)),
    game: hop1.game,
    guild: hop1.guild,
  };
  const hopLists: NeighbourList[] = fanouts.length > 1 ? await fetchNeighbourLists(graph, { dataset, frontier, t, cap, now }) : [];

  const g = neighbourhoodGraph({ dataset, catalogue, seedLists, hopLists });
  await yieldToEventLoop();
  const structure = sageInputs(g, t);
  await yieldToEventLoop();
  const all = reached(g, structure, fanouts, seeds, fanouts.length);
  const counts = await fetchFeatureCounts(graph, { dataset, users: all.user, items: all.item, t, windowMs: RECENT_INTERACTION_MS, tIsNow: now });
  await yieldToEventLoop();
  const x = neighbourhoodFeatures(g, counts, t);
  // sageInputs computed features from the structure graph, whose relations are partial:
  // replaced by the count-based ones (same formulas, complete counts).
  const inputs: SageInputs = {
    graph: structure.graph,
    features: { ...structure.features, user: { data: x.user, dim: structure.features.user!.dim }, item: { data: x.item, dim: structure.features.item!.dim } },
  };
  return { graph: g, inputs, seeds, missing, due };
}

/**
 * Lets the requests waiting on this process run between the CPU stages of a refresh: a
 * refresh runs in the background of the API, and a batch of seeds (a filled group buy's
 * buyers) otherwise held the event loop for up to ~40 ms at a time on the 100k world,
 * stalling other requests' transactions (and the group-buy locks they hold).
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Ids of every node within `hops` hops of the seeds in the encoder's sample: users and
 * items sampled as two batches, as the full encode samples them (embedNodes: a batch
 * starting at 0 samples with seed INFERENCE_SAMPLE_SEED).
 */
function reached(g: HeteroGraph, inputs: SageInputs, fanouts: number[], seeds: { user: string[]; item: string[] }, hops: number): Record<NodeType, string[]> {
  const types: NodeType[] = ['user', 'item', 'game', 'guild'];
  const out = Object.fromEntries(types.map((k) => [k, new Set<string>()])) as Record<NodeType, Set<string>>;
  const sampler = inferenceSampler(inputs.graph, fanouts);
  for (const type of ['user', 'item'] as const) {
    if (seeds[type].length === 0) continue;
    const s = sampler.sample({ [type]: Int32Array.from(seeds[type], (id) => g.nodes[type].index.get(id)!) }, { seed: INFERENCE_SAMPLE_SEED });
    const hop = s.hopNodes[hops]!;
    for (const k of types) for (const i of hop[k] ?? new Int32Array(0)) out[k].add(g.nodes[k].ids[i]!);
  }
  return Object.fromEntries(types.map((k) => [k, [...out[k]]])) as Record<NodeType, string[]>;
}
