/**
 * The UNWIND statements the loader runs, one per row kind. Nodes are created with
 * `CREATE` (a load always writes into an empty dataset, so MERGE's extra lookup buys
 * nothing) and return their internal id, so that relationships are attached by id seek
 * instead of two index lookups each (the difference is ~2x on the 100k world).
 *
 * `$ds` is the dataset and `$run` the import-run id stamped on every node.
 */
import type { GraphRows } from './rows';

export type NodeKind = 'publishers' | 'games' | 'guilds' | 'users' | 'items' | 'occasions' | 'squads' | 'campaigns' | 'groupBuys' | 'gifts' | 'impressions' | 'clicks';

/** Label of each node kind (the loader keeps one local-id -> node-id map per label). */
export const LABEL: Record<NodeKind, string> = {
  publishers: 'Publisher', games: 'Game', guilds: 'Guild', users: 'User', items: 'Item', occasions: 'Occasion',
  squads: 'Squad', campaigns: 'Campaign', groupBuys: 'GroupBuy', gifts: 'Gift', impressions: 'Impression', clicks: 'Click',
};

const base = 'dataset: $ds, importRun: $run, id: r.id';

export const CREATE_NODES: Record<NodeKind, string> = {
  publishers: `CREATE (n:Publisher {${base}, name: r.name, firstParty: r.firstParty})`,
  games: `CREATE (n:Game {${base}, name: r.name, genre: r.genre, releasedAt: r.releasedAt})`,
  guilds: `CREATE (n:Guild {${base}, name: r.name, createdAt: r.createdAt})`,
  users: `CREATE (n:User {${base}, name: r.name, createdAt: r.createdAt, birthday: r.birthday})`,
  items: `CREATE (n:Item {${base}, name: r.name, catalog: r.catalog, type: r.type, price: r.price, currency: r.currency,
            rarity: r.rarity, gameId: r.gameId, publisherId: r.publisherId, dropAt: r.dropAt, availableUntil: r.availableUntil,
            forSale: r.forSale, giftable: r.giftable, consumable: r.consumable, attrs: r.attrs})`,
  occasions: `CREATE (n:Occasion {${base}, name: r.name, month: r.month, day: r.day})`,
  squads: `CREATE (n:Squad {${base}, name: r.name, kind: r.kind, createdAt: r.createdAt})`,
  campaigns: `CREATE (n:Campaign {${base}, name: r.name, discount: r.discount, startAt: r.startAt, endAt: r.endAt})`,
  groupBuys: `CREATE (n:GroupBuy {${base}, groupPrice: r.groupPrice, targetSize: r.targetSize, createdAt: r.createdAt,
            deadline: r.deadline, status: r.status, closedAt: r.closedAt})`,
  gifts: `CREATE (n:Gift {${base}, senderId: r.senderId, at: r.at, occasion: r.occasion, message: r.message, idempotencyKey: r.idempotencyKey})`,
  impressions: `CREATE (n:Impression {${base}, recId: r.recId, at: r.at, position: r.position, surface: r.surface, modelVersion: r.modelVersion})`,
  clicks: `CREATE (n:Click {${base}, recId: r.recId, at: r.at})`,
};

/** Plain row -> the parameter map a node statement expects (items serialise their extra attributes). */
export function nodeParams<K extends NodeKind>(kind: K, row: unknown): Record<string, unknown> {
  if (kind === 'items') {
    const r = row as GraphRows['items'][number];
    const { attributes, ...rest } = r;
    return { ...rest, attrs: attributes && Object.keys(attributes).length ? JSON.stringify(attributes) : null };
  }
  return row as Record<string, unknown>;
}

/**
 * Tried and not kept: the same columns written by a procedure the embedded launcher
 * registered (Core API, then the kernel's write API with tokens resolved once per batch).
 * A micro-benchmark (600k relationships, three properties) gave ~105k against ~92k rels/s,
 * but on the 100k world the loader showed no gain beyond noise (procedure 72–79k, Cypher
 * 70–92k rels/s over four runs; whichever load ran second in a run was ~13% faster, after
 * the first had used up the ids a previous run's deletes had freed). A JFR profile of the
 * procedure's writes put ~2% of the JVM's samples in the procedure and the rest in the
 * storage engine's commit: counts-store updates (13% self), the relationship type lookup
 * index, command extraction, serialisation and application. The Cypher runtime is not
 * where a relationship's cost is.
 *
 * The columnar form of a relationship write: `$s` and `$t` are parallel lists of internal
 * node ids and `$c.<prop>` one list per property, so a batch travels as a few long lists
 * instead of 10,000 small maps (less to encode in the driver and to decode in the server).
 * A null entry leaves that property unset (CREATE skips null values).
 */
export function createRelsColumnar(type: string, props: readonly string[]): string {
  const set = props.length ? ` {${props.map((p) => `\`${p}\`: $c.\`${p}\`[k]`).join(', ')}}` : '';
  return `UNWIND range(0, size($s) - 1) AS k
          MATCH (s) WHERE id(s) = $s[k]
          MATCH (t) WHERE id(t) = $t[k]
          CREATE (s)-[e:${type}${set}]->(t)`;
}
