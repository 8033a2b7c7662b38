import type { BaseRelation, ItemCountsRow, NeighbourList, UserCountsRow } from '../graph/queries/subgraph';
import { buildRelation, nodeSet, type HeteroGraph, type NodeType } from './hetero-graph';
import { itemFeaturesFrom, userFeaturesFrom, type ItemAggregates, type UserAggregates } from './node-features';

/**
 * A small HeteroGraph around a few seed nodes, built from fetched neighbour lists
 * (src/graph/queries/subgraph.ts) instead of the whole dataset, so that the encoder's
 * input stage (sageInputs) and its sampler run unchanged on it.
 *
 * Why the seeds' embeddings match a full-dataset encode: the sampler picks neighbour
 * positions in each node's in-neighbour list, ordered by node index, and node indices
 * here come from the same sorted-id numbering as the full export restricted to a subset,
 * so a complete list sorts the same and yields the same picks from the same seeded
 * stream. Games and guilds carry learned id embeddings indexed by their position in the
 * whole dataset, so the full catalogue of both is always part of the graph.
 *
 * Relations hold exactly the listed edges, deduplicated, with unknown time (the lists
 * are already as of t) and no attributes: this graph carries structure only. Its
 * relations are partial for every node that is not a list owner, so node features are
 * NOT computed from it but from database counts (`neighbourhoodFeatures`).
 */

/** Edge direction of each base relation (src, dst types); friend is symmetric. */
const ENDS: Record<BaseRelation, [NodeType, NodeType]> = {
  purchased: ['user', 'item'],
  wishlisted: ['user', 'item'],
  friend: ['user', 'user'],
  played: ['user', 'game'],
  memberOf: ['user', 'guild'],
  forGame: ['item', 'game'],
};

export interface NeighbourhoodGraphInput {
  dataset: string;
  /** Every game and guild id of the dataset (their global numbering). */
  catalogue: { game: readonly string[]; guild: readonly string[] };
  /** Lists of the seeds (hop 0): authoritative for every edge that touches a seed. */
  seedLists: readonly NeighbourList[];
  /** Lists of the sampled hop-1 nodes. */
  hopLists: readonly NeighbourList[];
}

/**
 * Builds the structure graph. An edge between a seed and a hop-1 node comes only from the
 * seed's own list: when a seed's list was capped, the hop-1 node's list may name the seed
 * where the seed's list does not name it, and adding that edge would change the seed's
 * list, hence its sampled neighbours, after they had been used to choose the hop-1 nodes.
 */
export function neighbourhoodGraph(o: NeighbourhoodGraphInput): HeteroGraph {
  // Ids per type in sets; edges per relation as two flat id arrays, deduplicated later on
  // numeric (src, dst) codes. A refresh builds this graph from ~30k listed edges (a
  // nine-buyer fill on the 100k world): string keys per edge were a third of it once, and
  // a set of neighbours per source node was most of its garbage (allocation profile).
  const seeds: Record<string, Set<string>> = {};
  for (const l of o.seedLists) (seeds[l.ownerType] ??= new Set()).add(l.owner);
  const isSeed = (t: string, id: string) => seeds[t]?.has(id) === true;
  const ids: Record<NodeType, Set<string>> = { user: new Set(), item: new Set(), game: new Set(o.catalogue.game), guild: new Set(o.catalogue.guild) };
  /** Per relation, every listed edge (src id, dst id), duplicates included. */
  const listed = new Map<BaseRelation, { src: string[]; dst: string[] }>();
  const add = (l: NeighbourList, fromSeed: boolean) => {
    ids[l.ownerType]!.add(l.owner);
    const [srcType, dstType] = ENDS[l.relation];
    const ownerIsSrc = l.ownerType === srcType;
    const otherType = ownerIsSrc ? dstType : srcType;
    const other = ids[otherType]!;
    let e = listed.get(l.relation);
    if (!e) listed.set(l.relation, (e = { src: [], dst: [] }));
    for (const n of l.ids) {
      if (!fromSeed && isSeed(otherType, n)) continue;
      other.add(n);
      e.src.push(ownerIsSrc ? l.owner : n);
      e.dst.push(ownerIsSrc ? n : l.owner);
    }
  };
  for (const l of o.seedLists) add(l, true);
  for (const l of o.hopLists) if (!isSeed(l.ownerType, l.owner)) add(l, false);

  const nodes = {
    user: nodeSet([...ids.user]),
    item: nodeSet([...ids.item]),
    game: nodeSet([...ids.game]),
    guild: nodeSet([...ids.guild]),
  } as HeteroGraph['nodes'];
  const relations: HeteroGraph['relations'] = {};
  for (const [name, [srcType, dstType]] of Object.entries(ENDS) as [BaseRelation, [NodeType, NodeType]][]) {
    const e = listed.get(name) ?? { src: [], dst: [] };
    // Friendship is listed from either end but means both directions (as load-graph.ts
    // exports it): one code per pair, smaller index first, then both directions.
    const both = name === 'friend';
    const numDst = nodes[dstType].ids.length;
    const srcIndex = nodes[srcType].index;
    const dstIndex = nodes[dstType].index;
    const codes = new Float64Array(e.src.length);
    for (let k = 0; k < codes.length; k++) {
      let s = srcIndex.get(e.src[k]!)!;
      let d = dstIndex.get(e.dst[k]!)!;
      if (both && d < s) [s, d] = [d, s];
      codes[k] = s * numDst + d; // < 2^53: both indices are below the neighbourhood's size
    }
    codes.sort();
    let unique = 0;
    for (let k = 0; k < codes.length; k++) if (k === 0 || codes[k] !== codes[k - 1]) codes[unique++] = codes[k]!;
    // Both directions of a friendship, as codes sorted again: the edges leave here in
    // (src, dst) order, which buildRelation then keeps without sorting them itself.
    const pairs = both ? new Float64Array(unique * 2) : codes.subarray(0, unique);
    if (both) {
      for (let k = 0; k < unique; k++) {
        const s = Math.floor(codes[k]! / numDst);
        const d = codes[k]! - s * numDst;
        pairs[2 * k] = codes[k]!;
        pairs[2 * k + 1] = d * numDst + s;
      }
      pairs.sort();
    }
    const len = pairs.length;
    const src = new Int32Array(len);
    const dst = new Int32Array(len);
    for (let k = 0; k < len; k++) {
      const s = Math.floor(pairs[k]! / numDst);
      src[k] = s;
      dst[k] = pairs[k]! - s * numDst;
    }
    relations[name] = buildRelation(name, srcType, dstType, nodes[srcType].ids.length, src, dst, new Float64Array(len).fill(NaN));
  }
  return { dataset: o.dataset, nodes, relations, nodeProps: { user: {}, item: {}, game: {}, guild: {} } };
}

/**
 * Node features of the neighbourhood graph's users and items as of t, from database
 * counts, through the same formulas as a full export (node-features.ts). Rows of nodes
 * without counts are zero: the caller fetches counts for every node the sampler reached,
 * and the encoder reads no other row.
 *
 *   user: [numUsers, USER_FEATURES.length], item: [numItems, ITEM_FEATURES.length]
 */
export function neighbourhoodFeatures(g: HeteroGraph, counts: { users: readonly UserCountsRow[]; items: readonly ItemCountsRow[] }, t: number): { user: Float32Array; item: Float32Array } {
  const nu = g.nodes.user.ids.length;
  const ni = g.nodes.item.ids.length;
  const z = (n: number) => new Float64Array(n);
  const ua: UserAggregates = { purchases: z(nu), firstParty: z(nu), logPriceSum: z(nu), priced: z(nu), friends: z(nu), guilds: z(nu), gamesPlayed: z(nu), wishlist: z(nu), interactions28d: z(nu) };
  const createdAt = new Array<unknown>(nu).fill(null);
  for (const r of counts.users) {
    const u = g.nodes.user.index.get(r.id);
    if (u === undefined) continue;
    ua.purchases[u] = r.purchases;
    ua.firstParty[u] = r.firstParty;
    // Summed in the export's edge order (by item id) so the mean matches it to the last bit.
    let s = 0;
    for (const p of r.prices) s += Math.log1p(p / 100);
    ua.logPriceSum[u] = s;
    ua.priced[u] = r.prices.length;
    ua.friends[u] = r.friends;
    ua.guilds[u] = r.guilds;
    ua.gamesPlayed[u] = r.gamesPlayed;
    ua.wishlist[u] = r.wishlist;
    ua.interactions28d[u] = r.interactions;
    createdAt[u] = r.createdAt;
  }
  const ia: ItemAggregates = { purchases: z(ni), wishlisted: z(ni) };
  const props: Record<string, unknown[]> = {};
  for (const r of counts.items) {
    const i = g.nodes.item.index.get(r.id);
    if (i === undefined) continue;
    ia.purchases[i] = r.purchases;
    ia.wishlisted[i] = r.wishlisted;
    for (const [k, v] of Object.entries(r.props)) (props[k] ??= new Array<unknown>(ni).fill(null))[i] = v;
  }
  return { user: userFeaturesFrom(ua, createdAt, t), item: itemFeaturesFrom(ia, props, t) };
}

