import type { GraphClient } from '../graph-client';
import { defineQuery } from './query';

/**
 * What the gift-recipient head reads from the graph, on both of its paths:
 * - training: every gift of a dataset (the HeteroGraph export leaves gifts out on purpose,
 *   so the encoders' inputs do not change), keyset-paginated like export.ts;
 * - serving: one sender's unblocked friends with the raw events the pair features need
 *   (src/features/gift-features.ts computes the numbers, here we only fetch), plus the
 *   holiday calendar, in ONE round trip.
 * Rows are plain values; times are epoch ms.
 */

/** Gifts of a dataset by gift id (keyset): the (dataset, id) index serves filter and order. */
export const GIFT_EXPORT = defineQuery(
  'giftExport',
  `MATCH (gf:Gift {dataset: $ds}) USING INDEX SEEK gf:Gift(dataset, id) WHERE gf.id > $after
   WITH gf ORDER BY gf.id LIMIT toInteger($limit)
   MATCH (s:User)-[:SENT]->(gf)-[:TO]->(r:User)
   RETURN gf.id AS id, s.id AS sender, r.id AS recipient, gf.at AS at, gf.occasion AS occasion`,
  { ds: 'demo', after: '', limit: 1000 },
);

/** The holiday calendar of a dataset (a handful of nodes, read through the dataset index). */
export const DATASET_OCCASIONS = defineQuery(
  'datasetOccasions',
  `MATCH (o:Occasion {dataset: $ds}) RETURN o.id AS id, o.name AS name, o.month AS month, o.day AS day ORDER BY o.id`,
  { ds: 'demo' },
);

/**
 * One sender's candidates as of $asOf, with everything the pair features read. A friend
 * is a candidate when the friendship is unblocked and began at or before $asOf (a blocked
 * friend is never returned). Unknown times come back as -1 in the lists that are only
 * counted (they count, as in training); `since` stays null. Interactions are pre-filtered
 * to days after $interactionsFrom (the features look back 90 days at most).
 * Returns no row when the sender does not exist; `friends` is empty for a sender without any.
 * The far end of a degree count is unlabelled (FRIEND only joins users): with a label, a
 * CI run once saw it planned as a scan of every User followed by an expand-into, chosen on
 * the statistics other tests had left.
 */
export const GIFT_SIGNALS = defineQuery(
  'giftSignals',
  `MATCH (u:User {dataset: $ds, id: $id}) USING INDEX SEEK u:User(dataset, id)
   CALL (u) {
     OPTIONAL MATCH (o:Occasion {dataset: $ds})
     RETURN collect({id: o.id, month: o.month, day: o.day}) AS occasions
   }
   CALL (u) {
     OPTIONAL MATCH (u)-[f:FRIEND]-(v:User)
     WHERE NOT coalesce(f.blocked, false) AND (f.since IS NULL OR f.since <= $asOf)
     WITH v, f WHERE v IS NOT NULL
     RETURN collect({
       id: v.id, birthday: v.birthday, since: f.since,
       interactions: [(u)-[i:INTERACTED]-(v) WHERE i.day > $interactionsFrom AND i.day <= $asOf | [i.day, i.messages, i.voiceMinutes, i.playedTogether]],
       giftsTo: [(u)-[:SENT]->(g:Gift)-[:TO]->(v) WHERE g.at <= $asOf AND (v.id <> $hideTo OR coalesce(g.deliverAt, g.at) <= $asOf) | g.at],
       giftsFrom: [(v)-[:SENT]->(g:Gift)-[:TO]->(u) WHERE g.at <= $asOf | g.at],
       wishlist: [(v)-[w:WISHLISTED]->(:Item) WHERE w.at IS NULL OR w.at <= $asOf | coalesce(w.at, -1)],
       friendSince: [(v)-[f2:FRIEND]-() WHERE NOT coalesce(f2.blocked, false) | coalesce(f2.since, -1)],
       commonSince: [(u)-[a:FRIEND]-(w:User)-[b:FRIEND]-(v) WHERE NOT coalesce(a.blocked, false) AND NOT coalesce(b.blocked, false)
                     | CASE WHEN coalesce(a.since, -1) > coalesce(b.since, -1) THEN coalesce(a.since, -1) ELSE coalesce(b.since, -1) END]
     }) AS friends
   }
   RETURN u.id AS id, occasions, friends,
          [(u)-[:SENT]->(g:Gift)-[:TO]->(r:User) WHERE g.at <= $asOf AND (r.id <> $hideTo OR coalesce(g.deliverAt, g.at) <= $asOf) | g.at] AS giftsSent,
          [(u)-[f:FRIEND]-() WHERE NOT coalesce(f.blocked, false) | coalesce(f.since, -1)] AS friendSince`,
  { ds: 'demo', id: 'u1', asOf: 0, interactionsFrom: 0, hideTo: '' },
);

export interface ExportedGift {
  id: string;
  sender: string;
  recipient: string;
  at: number;
  occasion: string | null;
}

/** Every gift of a dataset, `batch` per round trip, in gift-id order. */
export async function exportGifts(graph: Pick<GraphClient, 'query'>, dataset: string, batch = 20_000): Promise<ExportedGift[]> {
  const out: ExportedGift[] = [];
  let after = '';
  for (;;) {
    const rows = await graph.query(GIFT_EXPORT.cypher, { ds: dataset, after, limit: batch });
    for (const r of rows) {
      out.push({ id: String(r.id), sender: String(r.sender), recipient: String(r.recipient), at: Number(r.at), occasion: (r.occasion as string | null) ?? null });
    }
    // A gift without both ends would shorten a page; page on the ids read, stop on an empty page.
    if (rows.length === 0) return out;
    after = String(rows[rows.length - 1]!.id);
    if (rows.length < batch) return out;
  }
}

export interface DatasetOccasion {
  id: string;
  name: string;
  month: number;
  day: number;
}

export async function datasetOccasions(graph: Pick<GraphClient, 'query'>, dataset: string): Promise<DatasetOccasion[]> {
  const rows = await graph.query(DATASET_OCCASIONS.cypher, { ds: dataset });
  return rows.map((r) => ({ id: String(r.id), name: String(r.name ?? r.id), month: Number(r.month), day: Number(r.day) }));
}

/** One candidate friend's raw signals (see GIFT_SIGNALS). */
export interface GiftSignalFriend {
  id: string;
  birthday: string | null;
  since: number | null;
  /** [day, messages, voiceMinutes, playedTogether] per active day. */
  interactions: Array<[number, number, number, number]>;
  giftsTo: number[];
  giftsFrom: number[];
  wishlist: number[];
  friendSince: number[];
  commonSince: number[];
}

export interface GiftSignalRows {
  senderId: string;
  giftsSent: number[];
  friendSince: number[];
  occasions: Array<{ id: string; month: number; day: number }>;
  friends: GiftSignalFriend[];
}

/** The sender's signals as of `asOf`, or null when the sender is not in the dataset. */
export async function giftSignalRows(
  graph: Pick<GraphClient, 'query'>,
  o: { dataset: string; senderId: string; asOf: number; interactionsFrom: number; hideUndeliveredTo?: string | null },
): Promise<GiftSignalRows | null> {
  const rows = await graph.query(GIFT_SIGNALS.cypher, { ds: o.dataset, id: o.senderId, asOf: o.asOf, interactionsFrom: o.interactionsFrom, hideTo: o.hideUndeliveredTo ?? '' });
  const r = rows[0];
  if (!r) return null;
  const nums = (x: unknown): number[] => ((x as unknown[] | null) ?? []).map(Number);
  return {
    senderId: String(r.id),
    giftsSent: nums(r.giftsSent),
    friendSince: nums(r.friendSince),
    occasions: ((r.occasions as Array<Record<string, unknown>>) ?? [])
      .filter((x) => x.id !== null)
      .map((x) => ({ id: String(x.id), month: Number(x.month), day: Number(x.day) })),
    friends: ((r.friends as Array<Record<string, unknown>>) ?? []).map((f) => ({
      id: String(f.id),
      birthday: (f.birthday as string | null) ?? null,
      since: typeof f.since === 'number' ? f.since : null,
      interactions: ((f.interactions as unknown[][]) ?? []).map((i) => [Number(i[0]), Number(i[1] ?? 0), Number(i[2] ?? 0), Number(i[3] ?? 0)] as [number, number, number, number]),
      giftsTo: nums(f.giftsTo),
      giftsFrom: nums(f.giftsFrom),
      wishlist: nums(f.wishlist),
      friendSince: nums(f.friendSince),
      commonSince: nums(f.commonSince),
    })),
  };
}
