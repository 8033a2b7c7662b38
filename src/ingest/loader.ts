import { ErrorCode } from '../errors/codes';
import { GiftgraphError } from '../errors/errors';
import type { GraphClient } from '../graph/graph-client';
import type { Progress } from '../logging/progress';
import { CREATE_NODES, LABEL, createRelsColumnar, nodeParams, type NodeKind } from './cypher-writes';
import type { GraphRows } from './rows';

export interface LoadOptions {
  dataset: string;
  importRun: string;
  /** Rows per UNWIND transaction. 10k keeps each transaction's memory small on a 1 GiB heap. */
  batchSize?: number;
  progress?: Progress;
  /** Checked between batches; a true answer stops the load (the caller then aborts the run). */
  shouldStop?: () => boolean;
  /**
   * Batches written at once, of nodes and of relationships (default 2, one per core
   * here). With relationship batches sorted by start node, concurrent transactions
   * rarely touch the same nodes; measured on this machine: 39k rels/s sequential
   * unsorted, 66k sorted, 126k sorted with two writers (micro-benchmark); three writers
   * measured no better on the 100k world. A deadlock between two batches is transient
   * and retried by the driver.
   */
  concurrency?: number;
}

export interface LoadStats {
  nodes: number;
  relationships: number;
  ms: number;
}

/** One relationship type derived from a row kind. Endpoints are (label, local id). */
interface RelSpec<R> {
  type: string;
  from: (r: R) => [string, string | null];
  to: (r: R) => [string, string | null];
  props: (r: R) => Record<string, unknown>;
}

type Specs = { [K in keyof GraphRows]?: RelSpec<GraphRows[K][number]>[] };

/** Relationship kinds in the order they are written; documented in schema/graph.md. */
const REL_SPECS: Specs = {
  games: [{ type: 'PUBLISHED_BY', from: (r) => ['Game', r.id], to: (r) => ['Publisher', r.publisherId], props: () => ({}) }],
  items: [
    { type: 'FOR_GAME', from: (r) => ['Item', r.id], to: (r) => ['Game', r.gameId], props: () => ({}) },
    { type: 'SOLD_BY', from: (r) => ['Item', r.id], to: (r) => ['Publisher', r.publisherId], props: () => ({}) },
  ],
  campaigns: [], // DISCOUNTS is expanded per item below
  groupBuys: [
    { type: 'INITIATED', from: (r) => ['User', r.initiatorId], to: (r) => ['GroupBuy', r.id], props: (r) => ({ at: r.createdAt }) },
    { type: 'FOR_ITEM', from: (r) => ['GroupBuy', r.id], to: (r) => ['Item', r.itemId], props: () => ({}) },
  ],
  gifts: [
    { type: 'SENT', from: (r) => ['User', r.senderId], to: (r) => ['Gift', r.id], props: (r) => ({ at: r.at }) },
    { type: 'TO', from: (r) => ['Gift', r.id], to: (r) => ['User', r.recipientId], props: () => ({}) },
    { type: 'OF_ITEM', from: (r) => ['Gift', r.id], to: (r) => ['Item', r.itemId], props: () => ({}) },
  ],
  friendships: [
    { type: 'FRIEND', from: (r) => ['User', r.a], to: (r) => ['User', r.b], props: (r) => ({ since: r.since, blocked: r.blocked, blockedBy: r.blockedBy }) },
  ],
  interactions: [
    {
      type: 'INTERACTED',
      from: (r) => ['User', r.a],
      to: (r) => ['User', r.b],
      props: (r) => ({ day: r.day, messages: r.messages, voiceMinutes: r.voiceMinutes, playedTogether: r.playedTogether }),
    },
  ],
  memberships: [{ type: 'MEMBER_OF', from: (r) => ['User', r.userId], to: (r) => ['Guild', r.guildId], props: (r) => ({ since: r.since }) }],
  playSessions: [{ type: 'PLAYED', from: (r) => ['User', r.userId], to: (r) => ['Game', r.gameId], props: (r) => ({ at: r.at, minutes: r.minutes }) }],
  purchases: [
    {
      type: 'PURCHASED',
      from: (r) => ['User', r.userId],
      to: (r) => ['Item', r.itemId],
      props: (r) => ({ id: r.id, at: r.at, surface: r.surface, pricePaid: r.pricePaid, discount: r.discount, recId: r.recId, campaignId: r.campaignId, split: r.split }),
    },
  ],
  wishlists: [{ type: 'WISHLISTED', from: (r) => ['User', r.userId], to: (r) => ['Item', r.itemId], props: (r) => ({ at: r.at }) }],
  invitations: [
    { type: 'INVITED', from: (r) => ['GroupBuy', r.groupBuyId], to: (r) => ['User', r.inviteeId], props: (r) => ({ at: r.at, inviterId: r.inviterId }) },
  ],
  participations: [{ type: 'JOINED', from: (r) => ['User', r.userId], to: (r) => ['GroupBuy', r.groupBuyId], props: (r) => ({ at: r.joinedAt }) }],
  squadMembers: [{ type: 'IN_SQUAD', from: (r) => ['User', r.userId], to: (r) => ['Squad', r.squadId], props: (r) => ({ since: r.since }) }],
  exposures: [{ type: 'EXPOSED_TO', from: (r) => ['User', r.userId], to: (r) => ['Campaign', r.campaignId], props: (r) => ({ at: r.at, treated: r.treated }) }],
  impressions: [
    { type: 'SAW', from: (r) => ['User', r.userId], to: (r) => ['Impression', r.id], props: (r) => ({ at: r.at }) },
    { type: 'OF_ITEM', from: (r) => ['Impression', r.id], to: (r) => ['Item', r.itemId], props: () => ({}) },
  ],
  clicks: [
    { type: 'CLICKED', from: (r) => ['User', r.userId], to: (r) => ['Click', r.id], props: (r) => ({ at: r.at }) },
    { type: 'OF_ITEM', from: (r) => ['Click', r.id], to: (r) => ['Item', r.itemId], props: () => ({}) },
  ],
};

const NODE_ORDER: NodeKind[] = ['publishers', 'games', 'guilds', 'users', 'items', 'occasions', 'squads', 'campaigns', 'groupBuys', 'gifts', 'impressions', 'clicks'];
const REL_ORDER: (keyof GraphRows)[] = [
  'games', 'items', 'groupBuys', 'gifts', 'friendships', 'interactions', 'memberships', 'playSessions', 'purchases', 'wishlists',
  'invitations', 'participations', 'squadMembers', 'exposures', 'impressions', 'clicks',
];

export function countRelationships(rows: GraphRows): number {
  let n = 0;
  for (const kind of REL_ORDER) {
    const specs = (REL_SPECS[kind] ?? []) as RelSpec<unknown>[];
    for (const spec of specs) for (const r of rows[kind] as unknown[]) if (spec.to(r)[1] !== null && spec.from(r)[1] !== null) n++;
  }
  for (const c of rows.campaigns) n += c.itemIds.length;
  return n;
}

/**
 * Writes a dataset's rows into an EMPTY dataset namespace, in UNWIND batches, every node
 * stamped with `dataset` and `importRun`. Not atomic as a whole (a 100k world is millions
 * of relationships): the caller owns the import run and deletes it if this throws or
 * stops early. Throws IMPORT_INVALID when a row references an id that has no node.
 */
export async function loadRows(graph: GraphClient, rows: GraphRows, o: LoadOptions): Promise<LoadStats> {
  const t0 = performance.now();
  const batch = o.batchSize ?? 10_000;
  const concurrency = Math.max(1, o.concurrency ?? 2);
  const ids = new Map<string, Map<string, number>>();
  const nodeTotal = NODE_ORDER.reduce((s, k) => s + rows[k].length, 0);
  const relTotal = countRelationships(rows);
  let nodes = 0;
  let rels = 0;
  const stopIfAsked = () => {
    if (o.shouldStop?.()) throw new GiftgraphError(ErrorCode.IMPORT_INVALID, 'load stopped before it finished', { stopped: true });
  };

  o.progress?.phase('nodes', nodeTotal);
  for (const kind of NODE_ORDER) {
    const label = LABEL[kind];
    const map = new Map<string, number>();
    ids.set(label, map);
    const cypher = `UNWIND $rows AS r ${CREATE_NODES[kind]} RETURN r.id AS id, id(n) AS nid`;
    await inBatches(rows[kind] as unknown[], batch, concurrency, async (slice) => {
      stopIfAsked();
      const chunk = slice.map((r) => nodeParams(kind, r));
      const out = await graph.write((tx) => tx.run(cypher, { rows: chunk, ds: o.dataset, run: o.importRun }));
      for (const x of out) map.set(String(x.id), Number(x.nid));
      nodes += chunk.length;
      o.progress?.tick(chunk.length, label);
    });
  }

  const resolve = (kind: string, [label, id]: [string, string | null]): number | null => {
    if (id === null) return null;
    const nid = ids.get(label)?.get(id);
    if (nid === undefined) {
      throw new GiftgraphError(ErrorCode.IMPORT_INVALID, `${kind} row references ${label} ${JSON.stringify(id)}, which is not in the dataset`, { kind, label, id });
    }
    return nid;
  };

  o.progress?.phase('relationships', relTotal);
  const writeRels = async (type: string, list: { s: number; t: number; p: Record<string, unknown> }[], props: readonly string[]) => {
    const cypher = createRelsColumnar(type, props);
    // Sorted by start node: each batch touches a contiguous range of start nodes (page
    // locality), and concurrent batches touch disjoint ones (few lock waits).
    list.sort((a, b) => a.s - b.s || a.t - b.t);
    await inBatches(list, batch, concurrency, async (chunk) => {
      stopIfAsked();
      const c = Object.fromEntries(props.map((p) => [p, chunk.map((r) => r.p[p] ?? null)]));
      await graph.write((tx) => tx.run(cypher, { s: chunk.map((r) => r.s), t: chunk.map((r) => r.t), c }));
      rels += chunk.length;
      o.progress?.tick(chunk.length, type);
    });
  };
  for (const kind of REL_ORDER) {
    for (const spec of (REL_SPECS[kind] ?? []) as RelSpec<unknown>[]) {
      const list: { s: number; t: number; p: Record<string, unknown> }[] = [];
      const props = new Set<string>();
      for (const r of rows[kind] as unknown[]) {
        const s = resolve(kind, spec.from(r));
        const t = resolve(kind, spec.to(r));
        if (s === null || t === null) continue; // an optional endpoint (e.g. an item without a game)
        const p = spec.props(r);
        for (const k of Object.keys(p)) props.add(k);
        list.push({ s, t, p });
      }
      await writeRels(spec.type, list, [...props]);
    }
  }
  const discounts = rows.campaigns.flatMap((c) =>
    c.itemIds.map((itemId) => ({ s: resolve('campaigns', ['Campaign', c.id])!, t: resolve('campaigns', ['Item', itemId])!, p: {} })),
  );
  await writeRels('DISCOUNTS', discounts, []);
  o.progress?.done();
  return { nodes, relationships: rels, ms: performance.now() - t0 };
}

/**
 * Runs `write` over consecutive slices of `list`, at most `concurrency` at once. When one
 * write fails the others stop at their next slice and are waited for (allSettled), so the
 * caller's cleanup never races a write still in flight; then the first error is thrown.
 */
async function inBatches<T>(list: readonly T[], size: number, concurrency: number, write: (slice: T[]) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const writer = async () => {
    try {
      for (;;) {
        const i = next;
        next += size;
        if (i >= list.length || failed) return;
        await write(list.slice(i, i + size));
      }
    } catch (e) {
      failed = true;
      throw e;
    }
  };
  const results = await Promise.allSettled(Array.from({ length: concurrency }, writer));
  const err = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (err) throw err.reason;
}
