import type { HeteroGraph, Relation } from '../../src/features/hetero-graph';
import { ITEM_FEATURES, USER_FEATURES, itemFeatures, userFeatures } from '../../src/features/node-features';
import type { CsrRelation, HeteroCsrGraph, NodeFeatures, RelationType } from '../layers/graph-types';

/**
 * The export stage's HeteroGraph as the SAGE encoder sees it: unique edges per relation,
 * each relation in both directions (messages flow src -> dst, so a user hears the items
 * it bought through `rev_purchased`), and node features as of t from src/features (the
 * one feature module training and serving share).
 */
export const SAGE_RELATIONS: readonly RelationType[] = [
  { srcType: 'item', relation: 'rev_purchased', dstType: 'user' },
  { srcType: 'user', relation: 'purchased', dstType: 'item' },
  { srcType: 'item', relation: 'rev_wishlisted', dstType: 'user' },
  { srcType: 'user', relation: 'wishlisted', dstType: 'item' },
  { srcType: 'user', relation: 'friend', dstType: 'user' },
  { srcType: 'game', relation: 'rev_played', dstType: 'user' },
  { srcType: 'user', relation: 'played', dstType: 'game' },
  { srcType: 'guild', relation: 'rev_memberOf', dstType: 'user' },
  { srcType: 'user', relation: 'memberOf', dstType: 'guild' },
  { srcType: 'game', relation: 'rev_forGame', dstType: 'item' },
  { srcType: 'item', relation: 'forGame', dstType: 'game' },
];

export interface SageInputs {
  graph: HeteroCsrGraph;
  features: Record<string, NodeFeatures>;
}

export function sageInputs(g: HeteroGraph, t: number): SageInputs {
  const numNodes = { user: g.nodes.user.ids.length, item: g.nodes.item.ids.length, game: g.nodes.game.ids.length, guild: g.nodes.guild.ids.length };
  const relations: CsrRelation[] = [];
  for (const r of SAGE_RELATIONS) {
    const base = r.relation.startsWith('rev_') ? r.relation.slice(4) : r.relation;
    const rel = g.relations[base];
    const csr = rel ? uniqueCsr(rel, numNodes[rel.src as keyof typeof numNodes]) : emptyCsr(numNodes[r.srcType as keyof typeof numNodes]);
    const directed = r.relation.startsWith('rev_') ? transpose(csr, numNodes[r.srcType as keyof typeof numNodes]) : csr;
    relations.push({ ...r, ...directed });
  }
  const constant = (n: number): NodeFeatures => ({ data: new Float32Array(n).fill(1), dim: 1 });
  return {
    graph: { numNodes, relations },
    features: {
      user: { data: userFeatures(g, t), dim: USER_DIM },
      item: { data: itemFeatures(g, t), dim: ITEM_DIM },
      game: constant(numNodes.game),
      guild: constant(numNodes.guild),
    },
  };
}

export const USER_DIM = USER_FEATURES.length;
export const ITEM_DIM = ITEM_FEATURES.length;

function uniqueCsr(r: Relation, numSrc: number): { offsets: Int32Array; targets: Int32Array } {
  const offsets = new Int32Array(numSrc + 1);
  const out: number[] = [];
  for (let s = 0; s < numSrc; s++) {
    let last = -1;
    for (let e = r.offsets[s]!; e < r.offsets[s + 1]!; e++) {
      const d = r.targets[e]!;
      if (d !== last) out.push(d);
      last = d;
    }
    offsets[s + 1] = out.length;
  }
  return { offsets, targets: Int32Array.from(out) };
}

function emptyCsr(numSrc: number): { offsets: Int32Array; targets: Int32Array } {
  return { offsets: new Int32Array(numSrc + 1), targets: new Int32Array(0) };
}

/** The reverse CSR: dst-major becomes src-major. `numNew` = number of rows of the result. */
function transpose(c: { offsets: Int32Array; targets: Int32Array }, numNew: number): { offsets: Int32Array; targets: Int32Array } {
  const offsets = new Int32Array(numNew + 1);
  for (const d of c.targets) offsets[d + 1]!++;
  for (let i = 0; i < numNew; i++) offsets[i + 1]! += offsets[i]!;
  const fill = offsets.slice(0, numNew);
  const targets = new Int32Array(c.targets.length);
  for (let s = 0; s + 1 < c.offsets.length; s++) for (let e = c.offsets[s]!; e < c.offsets[s + 1]!; e++) targets[fill[c.targets[e]!]!++] = s;
  return { offsets, targets };
}
