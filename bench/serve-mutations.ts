import type { GraphClient } from '../src/graph/graph-client';
import { WRITE_EMBEDDINGS, type EmbeddedLabel } from '../src/graph/queries/embeddings';
import type { RecordedRequest } from './serve-replay';
import { userStates, type BenchItem, type UserState } from './serve-fixtures';
import type { GqlClient } from './serve-load';

/**
 * The mutations of phase (d) and the requests each phase sends: targets the API accepts
 * (a user never buys what they own, a gift goes to a friend who does not own the item, a
 * join goes to an open group buy the user was invited to), each call with a fresh
 * idempotency key. Users are drawn uniformly with the bench's seeded generator.
 */

export const MUTATIONS = ['purchase', 'addToWishlist', 'sendGift', 'joinGroupBuy', 'addFriend', 'dismissRecommendation'] as const;
export type MutationName = (typeof MUTATIONS)[number];

const DOC: Record<MutationName, string> = {
  purchase: 'mutation($input: PurchaseInput!) { purchase(input: $input) { purchaseId replayed } }',
  addToWishlist: 'mutation($input: ItemActionInput!) { addToWishlist(input: $input) { replayed } }',
  sendGift: 'mutation($input: SendGiftInput!) { sendGift(input: $input) { replayed gift { id } } }',
  joinGroupBuy: 'mutation($input: GroupBuyActionInput!) { joinGroupBuy(input: $input) { replayed groupBuy { status } } }',
  addFriend: 'mutation($input: FriendInput!) { addFriend(input: $input) { replayed } }',
  dismissRecommendation: 'mutation($input: DismissInput!) { dismissRecommendation(input: $input) { replayed } }',
};

export interface MutationCall {
  doc: string;
  input: Record<string, unknown>;
  /** The idempotency key (the replay of (b) rewrites it to a fresh one). */
  key: string;
}

interface Ctx {
  graph: GraphClient;
  api: GqlClient;
  ds: string;
  users: string[];
  items: BenchItem[];
  rnd: () => number;
  /** A run-unique prefix for idempotency keys. */
  run: string;
  /**
   * joinGroupBuy only: false joins each group buy eight times, leaving its last slot open,
   * so no join fills one and no refresh runs (`--no-fills`: the join path alone, to tell its
   * cost from the fills' background refreshes).
   */
  fills: boolean;
}

const pickFrom = <T>(xs: readonly T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)]!;

/** `n` distinct users drawn uniformly, with their state. */
async function drawUsers(c: Ctx, n: number, accept: (s: UserState) => boolean = () => true): Promise<UserState[]> {
  const out: UserState[] = [];
  const seen = new Set<string>();
  for (let round = 0; out.length < n && round < 50; round++) {
    const batch: string[] = [];
    while (batch.length < Math.min(2000, (n - out.length) * 2 + 10)) {
      const u = pickFrom(c.users, c.rnd);
      if (!seen.has(u)) {
        seen.add(u);
        batch.push(u);
      }
    }
    const states = await userStates(c.graph, c.ds, batch);
    for (const u of batch) {
      const s = states.get(u);
      if (s && accept(s) && out.length < n) out.push(s);
    }
  }
  return out;
}

/** A random item passing `ok`, or null after a bounded number of tries. */
function drawItem(c: Ctx, ok: (i: BenchItem) => boolean): BenchItem | null {
  for (let t = 0; t < 200; t++) {
    const i = pickFrom(c.items, c.rnd);
    if (ok(i)) return i;
  }
  return null;
}

/**
 * `n` calls of one mutation, ready to send. joinGroupBuy first creates the group buys it
 * joins (through the API, untimed): target 10, nine invited friends each, joined one group
 * buy after another, so every ninth join fills one (and refreshes its ten buyers' embeddings).
 */
export async function prepareMutation(c: Ctx, name: MutationName, n: number): Promise<MutationCall[]> {
  const scoped = (id: string) => `${c.ds}:${id}`;
  let seq = 0;
  const key = () => `${c.run}-${name}-${++seq}`;
  const call = (input: Record<string, unknown>): MutationCall => {
    const k = key();
    return { doc: DOC[name], key: k, input: { ...input, idempotencyKey: k } };
  };
  const out: MutationCall[] = [];
  switch (name) {
    case 'purchase':
    case 'addToWishlist': {
      for (const u of await drawUsers(c, n)) {
        const item = drawItem(c, (i) => (name === 'purchase' ? i.buyable : true) && !u.owned.has(i.id) && !u.wished.has(i.id));
        if (item) out.push(call({ userId: scoped(u.id), itemId: scoped(item.id), ...(name === 'purchase' ? { surface: 'HOME' } : {}) }));
      }
      return out;
    }
    case 'sendGift': {
      const senders = await drawUsers(c, n, (s) => s.friends.length > 0);
      const pairs = senders.map((s) => ({ s, r: pickFrom(s.friends, c.rnd) }));
      const recipients = await userStates(c.graph, c.ds, [...new Set(pairs.map((p) => p.r))]);
      const given = new Set<string>();
      for (const { s, r } of pairs) {
        const rs = recipients.get(r);
        const item = rs && drawItem(c, (i) => i.buyable && i.giftable && !rs.owned.has(i.id) && !given.has(`${r}|${i.id}`));
        if (!item) continue;
        given.add(`${r}|${item.id}`);
        out.push(call({ userId: scoped(s.id), recipientId: scoped(r), itemId: scoped(item.id), occasion: 'BIRTHDAY' }));
      }
      return out;
    }
    case 'addFriend': {
      for (const u of await drawUsers(c, n)) {
        const f = pickFrom(c.users, c.rnd);
        if (f !== u.id && !u.friends.includes(f)) out.push(call({ userId: scoped(u.id), friendId: scoped(f) }));
      }
      return out;
    }
    case 'dismissRecommendation': {
      for (const u of await drawUsers(c, n)) out.push(call({ userId: scoped(u.id), itemId: scoped(pickFrom(c.items, c.rnd).id) }));
      return out;
    }
    case 'joinGroupBuy': {
      const perBuy = 9;
      const joinsPerBuy = c.fills ? perBuy : perBuy - 1;
      const initiators = await drawUsers(c, Math.ceil(n / joinsPerBuy), (s) => s.friends.length >= perBuy);
      const buys: { id: string; invitees: string[] }[] = [];
      for (const ini of initiators) {
        const invitees = shuffle(ini.friends, c.rnd).slice(0, perBuy);
        const states = await userStates(c.graph, c.ds, invitees);
        const item = drawItem(c, (i) => i.buyable && !ini.owned.has(i.id) && invitees.every((v) => !states.get(v)?.owned.has(i.id)));
        if (!item) continue;
        const k = `${c.run}-createGroupBuy-${buys.length + 1}`;
        const r = await c.api.post<{ createGroupBuy: { groupBuy: { id: string } } }>(
          'mutation($input: CreateGroupBuyInput!) { createGroupBuy(input: $input) { groupBuy { id } } }',
          { input: { userId: scoped(ini.id), idempotencyKey: k, itemId: scoped(item.id), targetSize: perBuy + 1, durationHours: 336, inviteeIds: invitees.map(scoped) } },
        );
        buys.push({ id: r.createGroupBuy.groupBuy.id, invitees });
      }
      // One group buy after another, so every ninth join fills one (and refreshes its ten
      // buyers' embeddings) all along the phase, warm-up included, not all at its end.
      for (const b of buys) for (let j = 0; j < joinsPerBuy; j++) out.push(call({ userId: scoped(b.invitees[j]!), groupBuyId: b.id }));
      return out.slice(0, n);
    }
  }
}

/**
 * `n` calls with distinct idempotency keys, drawn in up to `rounds` rounds: `prepare`
 * (prepareMutation) may return fewer than asked, since it skips draws it cannot use (a user
 * who owns every item drawn for them), and each round runs under its own run id, so its
 * keys differ from the earlier rounds'. `short` is how many of the `n` are missing after
 * the last round: a phase then repeats calls, and a repeat is an idempotent replay that
 * does no work, so the bench says so.
 */
export async function distinctCalls(
  prepare: (run: string, n: number) => Promise<MutationCall[]>,
  o: { n: number; run: string; rounds?: number },
): Promise<{ calls: MutationCall[]; short: number }> {
  const calls: MutationCall[] = [];
  const rounds = o.rounds ?? 4;
  for (let round = 0; calls.length < o.n && round < rounds; round++) {
    calls.push(...(await prepare(round === 0 ? o.run : `${o.run}-${round}`, o.n - calls.length)));
  }
  return { calls: calls.slice(0, o.n), short: Math.max(0, o.n - calls.length) };
}

function shuffle<T>(xs: readonly T[], rnd: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** The local id of a scoped public id (`<dataset>:<id>`). */
const localId = (scoped: unknown) => String(scoped).slice(String(scoped).indexOf(':') + 1);

/**
 * Puts back the state a mutation phase's calls found, so the replay of (b) runs the
 * recorded statements against that state and does the same work. Without it a replayed
 * join (keeping its group buy's id, see REPLAYS_ON_UNDONE_STATE) would find the group buy
 * already full and refuse, and a replayed MERGE would find the relationship the phase
 * created: (b) would time no-ops. Returns how many relationships it
 * removed. Mutations whose write always CREATEs (purchase, sendGift, addFriend) need none.
 * The pairs and group buys undone are the phase's own: drawn so that the state before the
 * phase had none of them (prepareMutation), except a dismissal drawn twice, a
 * chance of about calls / (users × items).
 */
export async function undoMutation(graph: GraphClient, ds: string, name: MutationName, calls: readonly MutationCall[]): Promise<number> {
  const write = async (cypher: string, params: Record<string, unknown>) => {
    const rows = await graph.write((tx) => tx.run(cypher, { ds, ...params }));
    return Number(rows[0]?.removed ?? 0);
  };
  const pairs = () => calls.map((c) => ({ user: localId(c.input.userId), item: localId(c.input.itemId) }));
  const unlink = (type: string) =>
    write(
      `UNWIND $pairs AS p
       MATCH (u:User {dataset: $ds, id: p.user}) USING INDEX SEEK u:User(dataset, id)
       MATCH (u)-[r:${type}]->(i:Item {id: p.item}) WHERE i.dataset = $ds
       DELETE r
       RETURN count(r) AS removed`,
      { pairs: pairs() },
    );
  switch (name) {
    case 'joinGroupBuy':
      // The phase's group buys were created for it, with no participant: back to open and
      // empty, and the purchases their fills made deleted.
      return write(
        `UNWIND $ids AS gid
         MATCH (g:GroupBuy {dataset: $ds, id: gid}) USING INDEX SEEK g:GroupBuy(dataset, id)
         CALL (g) {
           OPTIONAL MATCH (:User)-[j:JOINED]->(g)
           DELETE j
           RETURN count(j) AS joins
         }
         CALL (g) {
           OPTIONAL MATCH (g)-[:FOR_ITEM]->(i:Item)<-[p:PURCHASED {groupBuyId: g.id}]-(:User)
           DELETE p
           RETURN count(p) AS purchases
         }
         SET g.status = 'OPEN', g.closedAt = null
         RETURN sum(joins + purchases) AS removed`,
        { ids: [...new Set(calls.map((c) => localId(c.input.groupBuyId)))] },
      );
    case 'addToWishlist':
      return unlink('WISHLISTED');
    case 'dismissRecommendation':
      return unlink('DISMISSED');
    default:
      return 0;
  }
}

/** The nodes whose embedding the recorded write-backs (the phase's refreshes) wrote, per label. Pure. */
export function embeddingWrites(recorded: readonly RecordedRequest[]): Record<EmbeddedLabel, string[]> {
  const out: Record<EmbeddedLabel, Set<string>> = { User: new Set(), Item: new Set() };
  for (const r of recorded) {
    for (const t of r.txs) {
      for (const s of t.statements) {
        for (const label of ['User', 'Item'] as const) {
          if (s.cypher !== WRITE_EMBEDDINGS[label].cypher) continue;
          for (const row of s.params.rows as { id: string }[]) out[label].add(row.id);
        }
      }
    }
  }
  return { User: [...out.User], Item: [...out.Item] };
}

/**
 * Puts the embeddings a phase's refreshes wrote back to a different value (each vector
 * negated, `embeddingDone` one lower), so that (b)'s replayed write-backs change them as
 * (d)'s did. Without it they set the values already stored, which Neo4j skips: no store
 * write and no vector-index update (the HNSW delete and insert a real refresh pays), and
 * (b) timed the write-backs as near no-ops while (d) paid for them. The negated vector
 * costs the index the same as the one it replaced. Returns how many nodes it changed.
 */
export async function undoEmbeddingWrites(graph: GraphClient, ds: string, written: Record<EmbeddedLabel, string[]>): Promise<number> {
  let n = 0;
  for (const label of ['User', 'Item'] as const) {
    if (written[label].length === 0) continue;
    const rows = await graph.write((tx) =>
      tx.run(
        `UNWIND $ids AS id
         MATCH (n:${label} {dataset: $ds, id: id}) USING INDEX SEEK n:${label}(dataset, id)
         WHERE n.embedding IS NOT NULL
         SET n.embedding = [x IN n.embedding | -x], n.embeddingDone = CASE WHEN n.embeddingDone IS NULL THEN null ELSE n.embeddingDone - 1 END
         RETURN count(n) AS changed`,
        { ds, ids: written[label] },
      ),
    );
    n += Number(rows[0]?.changed ?? 0);
  }
  return n;
}

/** Whether the replay of `name` keeps the recorded UUIDs: it runs on the undone state, where they name the nodes to find. */
export const REPLAYS_ON_UNDONE_STATE: readonly MutationName[] = ['joinGroupBuy'];
