import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock/clock';
import { ErrorCode } from '../../errors/codes';
import { BadInputError, GiftgraphError, NotFoundError } from '../../errors/errors';
import type { GraphClient, Row } from '../../graph/graph-client';
import {
  ADD_FRIEND, ADD_WISHLIST, CREATE_GIFT, CREATE_PURCHASE, DISMISS, facts, FRIEND_FACTS, GIFT_FACTS, PURCHASE_FACTS, REMOVE_FRIEND, REMOVE_WISHLIST, SET_SHARE_ACTIVITY,
} from '../../graph/queries/commerce-writes';
import type { Logger } from '../../logging/logger';
import { runIdempotent, type Idempotent } from './idempotent';
import type { RefreshAfterWrite } from './refresh';

/** Who acts, in which dataset, with which idempotency key: every mutation starts with it. */
export interface Acting {
  dataset: string;
  userId: string;
  idempotencyKey: string;
}

export interface GiftResult { giftId: string; senderId: string; recipientId: string; itemId: string; sentAt: number; deliverAt: number; pricePaid: number | null }
export interface PurchaseResult { purchaseId: string; itemId: string; at: number; pricePaid: number | null }
export interface WishlistResult { itemId: string; onWishlist: boolean; changed: boolean }
export interface DismissResult { itemId: string; at: number }
export interface FriendshipResult { friendId: string; friends: boolean; changed: boolean }

const OCCASION = /^(BIRTHDAY|[A-Za-z0-9_-]{1,64})$/;

/**
 * The shop's user mutations. Each is one idempotent write transaction (see
 * runIdempotent); after it commits, the users and items it touched are re-encoded in the
 * background (RefreshAfterWrite). The write's own statement marks those users' embeddings
 * as behind it, so their next query catches up first (read-your-writes).
 */
export class ShopMutations {
  constructor(private readonly deps: { graph: GraphClient; clock: Clock; refresh: RefreshAfterWrite; logger: Logger }) {}

  async sendGift(a: Acting, p: { recipientId: string; itemId: string; message?: string | null; occasion?: string | null; deliverAt?: number | null }): Promise<Idempotent<GiftResult>> {
    if (p.recipientId === a.userId) throw new BadInputError('a gift needs a recipient other than the sender', { recipientId: p.recipientId });
    if (p.message && p.message.length > 500) throw new BadInputError(`message is at most 500 characters; got ${p.message.length}`);
    if (p.occasion && !OCCASION.test(p.occasion)) throw new BadInputError(`occasion must be BIRTHDAY or an occasion id; got ${JSON.stringify(p.occasion)}`);
    const payload = { recipientId: p.recipientId, itemId: p.itemId, message: p.message ?? null, occasion: p.occasion ?? null, deliverAt: p.deliverAt ?? null };
    const r = await runIdempotent(this.deps, { dataset: a.dataset, actor: a.userId, key: a.idempotencyKey, operation: 'sendGift', payload }, async (tx, now) => {
      if (payload.deliverAt !== null && (payload.deliverAt < now - 60_000 || payload.deliverAt > now + 366 * 86_400_000)) {
        throw new BadInputError('deliverAt must be between now and a year from now', { deliverAt: new Date(payload.deliverAt).toISOString() });
      }
      const f = await facts(tx, GIFT_FACTS, { ds: a.dataset, sender: a.userId, recipient: p.recipientId, item: p.itemId, now });
      if (!f) throw new NotFoundError('user', `${a.dataset}:${a.userId}`);
      if (!f.recipientExists) throw new NotFoundError('user', `${a.dataset}:${p.recipientId}`);
      if (!f.friends) throw new GiftgraphError(ErrorCode.NOT_FRIENDS, `${a.dataset}:${p.recipientId} is not a friend of ${a.dataset}:${a.userId}`, { recipientId: p.recipientId });
      if (f.blocked) throw new GiftgraphError(ErrorCode.FRIEND_BLOCKED, `the friendship with ${a.dataset}:${p.recipientId} is blocked`, { recipientId: p.recipientId });
      assertForSale(a.dataset, p.itemId, f, now);
      if (f.giftable === false) throw new GiftgraphError(ErrorCode.ITEM_NOT_GIFTABLE, `item ${a.dataset}:${p.itemId} cannot be gifted`, { itemId: p.itemId });
      if (f.recipientOwns && f.consumable !== true) throw new GiftgraphError(ErrorCode.ALREADY_OWNED, `the recipient already owns item ${a.dataset}:${p.itemId}`, { itemId: p.itemId });
      const giftId = `gift-${randomUUID()}`;
      const deliverAt = payload.deliverAt ?? now;
      await tx.run(CREATE_GIFT.cypher, { ds: a.dataset, sender: a.userId, recipient: p.recipientId, item: p.itemId, id: giftId, now, deliverAt, occasion: payload.occasion, message: payload.message, key: a.idempotencyKey, price: (f.price as number | null) ?? null });
      return { giftId, senderId: a.userId, recipientId: p.recipientId, itemId: p.itemId, sentAt: now, deliverAt, pricePaid: (f.price as number | null) ?? null };
    });
    // Gifts do not enter the encoder's graph (purchases, wishlists, friendships, play do);
    // the gift-recipient head reads gifts fresh at request time.
    return r;
  }

  async purchase(a: Acting, p: { itemId: string; recommendationId?: string | null; surface?: string | null }): Promise<Idempotent<PurchaseResult>> {
    const payload = { itemId: p.itemId, recommendationId: p.recommendationId ?? null, surface: p.surface ?? null };
    const r = await runIdempotent(this.deps, { dataset: a.dataset, actor: a.userId, key: a.idempotencyKey, operation: 'purchase', payload }, async (tx, now) => {
      const f = await facts(tx, PURCHASE_FACTS, { ds: a.dataset, user: a.userId, item: p.itemId, now });
      if (!f) throw new NotFoundError('user', `${a.dataset}:${a.userId}`);
      assertForSale(a.dataset, p.itemId, f, now);
      if (f.owns && f.consumable !== true) throw new GiftgraphError(ErrorCode.ALREADY_OWNED, `${a.dataset}:${a.userId} already owns item ${a.dataset}:${p.itemId}`, { itemId: p.itemId });
      const purchaseId = `p-${randomUUID()}`;
      await tx.run(CREATE_PURCHASE.cypher, { ds: a.dataset, user: a.userId, item: p.itemId, id: purchaseId, now, surface: payload.surface, price: (f.price as number | null) ?? null, recId: payload.recommendationId });
      return { purchaseId, itemId: p.itemId, at: now, pricePaid: (f.price as number | null) ?? null };
    });
    if (!r.replayed) await this.deps.refresh.run(a.dataset, { users: [a.userId] }, { items: [p.itemId] });
    return r;
  }

  async addToWishlist(a: Acting, p: { itemId: string }): Promise<Idempotent<WishlistResult>> {
    const r = await runIdempotent(this.deps, { dataset: a.dataset, actor: a.userId, key: a.idempotencyKey, operation: 'addToWishlist', payload: p }, async (tx, now) => {
      const f = await facts(tx, PURCHASE_FACTS, { ds: a.dataset, user: a.userId, item: p.itemId, now });
      if (!f) throw new NotFoundError('user', `${a.dataset}:${a.userId}`);
      if (!f.itemExists) throw new NotFoundError('item', `${a.dataset}:${p.itemId}`);
      if (f.owns && f.consumable !== true) throw new GiftgraphError(ErrorCode.ALREADY_OWNED, `${a.dataset}:${a.userId} already owns item ${a.dataset}:${p.itemId}`, { itemId: p.itemId });
      // The facts read holds the user's lock, so `wished` cannot change before the write.
      if (f.wished) return { itemId: p.itemId, onWishlist: true, changed: false };
      await tx.run(ADD_WISHLIST.cypher, { ds: a.dataset, user: a.userId, item: p.itemId, now });
      return { itemId: p.itemId, onWishlist: true, changed: true };
    });
    if (!r.replayed && r.result.changed) await this.deps.refresh.run(a.dataset, { users: [a.userId] }, { items: [p.itemId] });
    return r;
  }

  async removeFromWishlist(a: Acting, p: { itemId: string }): Promise<Idempotent<WishlistResult>> {
    const r = await runIdempotent(this.deps, { dataset: a.dataset, actor: a.userId, key: a.idempotencyKey, operation: 'removeFromWishlist', payload: p }, async (tx, now) => {
      const f = await facts(tx, REMOVE_WISHLIST, { ds: a.dataset, user: a.userId, item: p.itemId, now });
      if (!f) throw new NotFoundError('user', `${a.dataset}:${a.userId}`);
      if (!f.itemExists) throw new NotFoundError('item', `${a.dataset}:${p.itemId}`);
      return { itemId: p.itemId, onWishlist: false, changed: f.removed === true };
    });
    if (!r.replayed && r.result.changed) await this.deps.refresh.run(a.dataset, { users: [a.userId] }, { items: [p.itemId] });
    return r;
  }

  /** "Not interested": the item never appears in this user's lists again. */
  async dismissRecommendation(a: Acting, p: { itemId: string; recommendationId?: string | null }): Promise<Idempotent<DismissResult>> {
    const payload = { itemId: p.itemId, recommendationId: p.recommendationId ?? null };
    return runIdempotent(this.deps, { dataset: a.dataset, actor: a.userId, key: a.idempotencyKey, operation: 'dismissRecommendation', payload }, async (tx, now) => {
      const f = await facts(tx, DISMISS, { ds: a.dataset, user: a.userId, item: p.itemId, now, recId: payload.recommendationId });
      if (!f) throw new NotFoundError('user', `${a.dataset}:${a.userId}`);
      if (!f.itemExists) throw new NotFoundError('item', `${a.dataset}:${p.itemId}`);
      return { itemId: p.itemId, at: now };
    });
  }

  async addFriend(a: Acting, p: { friendId: string }): Promise<Idempotent<FriendshipResult>> {
    if (p.friendId === a.userId) throw new BadInputError('a user cannot befriend themselves', { friendId: p.friendId });
    const r = await runIdempotent(this.deps, { dataset: a.dataset, actor: a.userId, key: a.idempotencyKey, operation: 'addFriend', payload: p }, async (tx, now) => {
      const f = await this.friendFacts(tx, a, p.friendId, now);
      if (f.blocked) throw new GiftgraphError(ErrorCode.FRIEND_BLOCKED, `the friendship with ${a.dataset}:${p.friendId} is blocked`, { friendId: p.friendId });
      if (f.friends) return { friendId: p.friendId, friends: true, changed: false };
      await tx.run(ADD_FRIEND.cypher, { ds: a.dataset, user: a.userId, friend: p.friendId, now });
      return { friendId: p.friendId, friends: true, changed: true };
    });
    if (!r.replayed && r.result.changed) await this.deps.refresh.run(a.dataset, { users: [a.userId] }, { users: [p.friendId] });
    return r;
  }

  async removeFriend(a: Acting, p: { friendId: string }): Promise<Idempotent<FriendshipResult>> {
    if (p.friendId === a.userId) throw new BadInputError('a user is not their own friend', { friendId: p.friendId });
    const r = await runIdempotent(this.deps, { dataset: a.dataset, actor: a.userId, key: a.idempotencyKey, operation: 'removeFriend', payload: p }, async (tx, now) => {
      const f = await this.friendFacts(tx, a, p.friendId, now);
      if (!f.friends) throw new GiftgraphError(ErrorCode.NOT_FRIENDS, `${a.dataset}:${p.friendId} is not a friend of ${a.dataset}:${a.userId}`, { friendId: p.friendId });
      await tx.run(REMOVE_FRIEND.cypher, { ds: a.dataset, user: a.userId, friend: p.friendId });
      return { friendId: p.friendId, friends: false, changed: true };
    });
    if (!r.replayed) await this.deps.refresh.run(a.dataset, { users: [a.userId] }, { users: [p.friendId] });
    return r;
  }

  /** Privacy: whether friends' recommendation reasons may name this user ("Ana owns this", "on Ana's wishlist"). */
  async setSharing(a: Acting, p: { shareActivity: boolean }): Promise<Idempotent<{ shareActivity: boolean }>> {
    return runIdempotent(this.deps, { dataset: a.dataset, actor: a.userId, key: a.idempotencyKey, operation: 'setSharing', payload: p }, async (tx, now) => {
      const r = await tx.run(SET_SHARE_ACTIVITY.cypher, { ds: a.dataset, user: a.userId, share: p.shareActivity, now });
      if (r.length === 0) throw new NotFoundError('user', `${a.dataset}:${a.userId}`);
      return { shareActivity: p.shareActivity };
    });
  }

  private async friendFacts(tx: Parameters<Parameters<typeof runIdempotent>[2]>[0], a: Acting, friendId: string, now: number): Promise<Row> {
    const f = await facts(tx, FRIEND_FACTS, { ds: a.dataset, user: a.userId, friend: friendId, now });
    if (!f) throw new NotFoundError('user', `${a.dataset}:${a.userId}`);
    if (!f.friendExists) throw new NotFoundError('user', `${a.dataset}:${friendId}`);
    return f;
  }
}

/** ITEM_UNAVAILABLE unless the item exists, is for sale, has dropped and is not past availableUntil (by the injected clock). */
export function assertForSale(dataset: string, itemId: string, f: Row, now: number): void {
  if (!f.itemExists) throw new NotFoundError('item', `${dataset}:${itemId}`);
  const until = f.availableUntil as number | null;
  const drop = f.dropAt as number | null;
  if (f.forSale === false || (until !== null && until < now) || (drop !== null && drop > now)) {
    throw new GiftgraphError(ErrorCode.ITEM_UNAVAILABLE, `item ${dataset}:${itemId} is not for sale`, { itemId, forSale: f.forSale ?? null, availableUntil: until === null ? null : new Date(until).toISOString() });
  }
}
