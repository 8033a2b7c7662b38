import 'reflect-metadata';
import { graphql, type GraphQLSchema } from 'graphql';
import type { ApiContext } from '../../../src/api/context';
import { buildGiftgraphSchema } from '../../../src/api/schema';
import type { ItemRecord, UserRecord } from '../../../src/graph/records';

/**
 * Mutation payloads load their entities only when selected: the schema run in process
 * with services answering from memory and loaders counting what they are asked for.
 */
describe('mutation payload entities', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildGiftgraphSchema();
  });

  function context() {
    const loads: string[] = [];
    const item = (id: string): ItemRecord => ({ dataset: 'd', id: id.slice(2), name: `item ${id}`, catalog: '1P', type: 'SKIN', price: 499, currency: 'USD', rarity: null, gameId: null, publisherId: null, dropAt: null, availableUntil: null, forSale: true, giftable: true, consumable: false, attributes: {} });
    const user = (id: string): UserRecord => ({ dataset: 'd', id: id.slice(2), name: `name of ${id}`, createdAt: null, birthday: null }) as UserRecord;
    const ctx = {
      actingUserId: null,
      requestId: 'r1',
      loaders: {
        item: { load: async (id: string) => (loads.push(`item ${id}`), item(id)) },
        user: { load: async (id: string) => (loads.push(`user ${id}`), user(id)) },
      },
      services: {
        shop: {
          sendGift: async () => ({ replayed: false, result: { giftId: 'g1', senderId: 'u1', recipientId: 'u2', itemId: 'i1', sentAt: 0, deliverAt: 0, pricePaid: 499 } }),
          purchase: async () => ({ replayed: false, result: { purchaseId: 'p1', itemId: 'i1', at: 0, pricePaid: 499 } }),
          addFriend: async () => ({ replayed: true, result: { friendId: 'u3', friends: true, changed: true } }),
        },
      },
    } as unknown as ApiContext;
    return { ctx, loads };
  }
  const run = async (doc: string, ctx: ApiContext) => {
    const r = await graphql({ schema, source: doc, contextValue: ctx });
    expect(r.errors).toBeUndefined();
    return r.data as Record<string, Record<string, unknown>>;
  };

  it('read nothing when the client selects only ids', async () => {
    const { ctx, loads } = context();
    await run('mutation { sendGift(input: { userId: "d:u1", idempotencyKey: "key-0001", recipientId: "d:u2", itemId: "d:i1" }) { replayed gift { id pricePaid } } }', ctx);
    await run('mutation { purchase(input: { userId: "d:u1", idempotencyKey: "key-0002", itemId: "d:i1" }) { purchaseId } }', ctx);
    await run('mutation { addFriend(input: { userId: "d:u1", idempotencyKey: "key-0003", friendId: "d:u3" }) { friends } }', ctx);
    expect(loads).toEqual([]);
  });

  it('load each selected entity, the sender and the recipient apart', async () => {
    const { ctx, loads } = context();
    const g = await run('mutation { sendGift(input: { userId: "d:u1", idempotencyKey: "key-0001", recipientId: "d:u2", itemId: "d:i1" }) { gift { sender { id name } recipient { id name } item { id name } } } }', ctx);
    expect(g.sendGift!.gift).toEqual({ sender: { id: 'd:u1', name: 'name of d:u1' }, recipient: { id: 'd:u2', name: 'name of d:u2' }, item: { id: 'd:i1', name: 'item d:i1' } });
    const p = await run('mutation { purchase(input: { userId: "d:u1", idempotencyKey: "key-0002", itemId: "d:i1" }) { item { id } } }', ctx);
    expect(p.purchase!.item).toEqual({ id: 'd:i1' });
    const f = await run('mutation { addFriend(input: { userId: "d:u1", idempotencyKey: "key-0003", friendId: "d:u3" }) { replayed friend { id } } }', ctx);
    expect(f.addFriend).toEqual({ replayed: true, friend: { id: 'd:u3' } });
    expect(loads.sort()).toEqual(['item d:i1', 'item d:i1', 'user d:u1', 'user d:u2', 'user d:u3']);
  });
});
