import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { ErrorCode } from '../../errors/codes';
import { GiftgraphError } from '../../errors/errors';
import { formatScopedId, parseScopedId } from '../../graph/ids';
import type { Acting } from '../../services/mutations/shop-mutations';
import type { ApiContext } from '../context';
import { CatalogKind, Item } from '../types/item';
import {
  CatalogPayload, ClickPayload, CreateGroupBuyInput, DismissInput, FriendInput, FriendshipPayload, GroupBuyActionInput, ImpressionsPayload, InviteInput,
  ItemActionInput, PurchaseInput, PurchasePayload, RecordClickInput, RecordImpressionsInput, SendGiftInput, SendGiftPayload, UpsertCatalogInput, WishlistPayload,
  DismissPayload, SharingInput, SharingPayload, type ActingInput,
} from '../types/mutations';
import { GroupBuyPayload } from '../types/group-buy';
import { localIdIn } from '../types/recommendation';
import { toGroupBuy } from './group-buy-resolver';

/**
 * Every mutation: the acting user (checked against the request's x-giftgraph-user when
 * present), one idempotent transaction in a service, then the payload built from the
 * stored result (so a replay answers with the same ids).
 */
@Resolver()
export class MutationResolver {
  @Mutation(() => SendGiftPayload, { description: 'Gift an item to a friend (not blocked; item giftable, for sale, not already owned by the recipient).' })
  async sendGift(@Arg('input', () => SendGiftInput) input: SendGiftInput, @Ctx() ctx: ApiContext): Promise<SendGiftPayload> {
    const a = acting(input, ctx);
    const r = await ctx.services.shop.sendGift(a, {
      recipientId: localIdIn(a.dataset, input.recipientId, 'recipientId'),
      itemId: localIdIn(a.dataset, input.itemId, 'itemId'),
      message: input.message ?? null,
      occasion: input.occasion ?? null,
      deliverAt: input.deliverAt ? input.deliverAt.getTime() : null,
    });
    const g = r.result;
    const scoped = (id: string) => formatScopedId(a.dataset, id);
    return { replayed: r.replayed, gift: { id: scoped(g.giftId), senderId: scoped(g.senderId), recipientId: scoped(g.recipientId), itemId: scoped(g.itemId), sentAt: new Date(g.sentAt), deliverAt: new Date(g.deliverAt), pricePaid: g.pricePaid } };
  }

  @Mutation(() => PurchasePayload, { description: 'Buy an item (for sale; a non-consumable not already owned). Removes it from the wishlist; the buyer’s embedding is refreshed in the background, and their next read waits for it.' })
  async purchase(@Arg('input', () => PurchaseInput) input: PurchaseInput, @Ctx() ctx: ApiContext): Promise<PurchasePayload> {
    const a = acting(input, ctx);
    const r = await ctx.services.shop.purchase(a, { itemId: localIdIn(a.dataset, input.itemId, 'itemId'), recommendationId: input.recommendationId ?? null, surface: input.surface ?? null });
    return { replayed: r.replayed, purchaseId: formatScopedId(a.dataset, r.result.purchaseId), itemId: formatScopedId(a.dataset, r.result.itemId), at: new Date(r.result.at), pricePaid: r.result.pricePaid };
  }

  @Mutation(() => WishlistPayload)
  async addToWishlist(@Arg('input', () => ItemActionInput) input: ItemActionInput, @Ctx() ctx: ApiContext): Promise<WishlistPayload> {
    const a = acting(input, ctx);
    const r = await ctx.services.shop.addToWishlist(a, { itemId: localIdIn(a.dataset, input.itemId, 'itemId') });
    return { replayed: r.replayed, itemId: formatScopedId(a.dataset, r.result.itemId), onWishlist: r.result.onWishlist, changed: r.result.changed };
  }

  @Mutation(() => WishlistPayload)
  async removeFromWishlist(@Arg('input', () => ItemActionInput) input: ItemActionInput, @Ctx() ctx: ApiContext): Promise<WishlistPayload> {
    const a = acting(input, ctx);
    const r = await ctx.services.shop.removeFromWishlist(a, { itemId: localIdIn(a.dataset, input.itemId, 'itemId') });
    return { replayed: r.replayed, itemId: formatScopedId(a.dataset, r.result.itemId), onWishlist: r.result.onWishlist, changed: r.result.changed };
  }

  @Mutation(() => DismissPayload, { description: '"Not interested": the item is never recommended to this user again.' })
  async dismissRecommendation(@Arg('input', () => DismissInput) input: DismissInput, @Ctx() ctx: ApiContext): Promise<DismissPayload> {
    const a = acting(input, ctx);
    const r = await ctx.services.shop.dismissRecommendation(a, { itemId: localIdIn(a.dataset, input.itemId, 'itemId'), recommendationId: input.recommendationId ?? null });
    return { replayed: r.replayed, itemId: formatScopedId(a.dataset, r.result.itemId) };
  }

  @Mutation(() => SharingPayload, { description: "Privacy: whether friends' recommendation reasons may name this user." })
  async updateSharing(@Arg('input', () => SharingInput) input: SharingInput, @Ctx() ctx: ApiContext): Promise<SharingPayload> {
    const a = acting(input, ctx);
    const r = await ctx.services.shop.setSharing(a, { shareActivity: input.shareActivity });
    return { replayed: r.replayed, shareActivity: r.result.shareActivity };
  }

  @Mutation(() => FriendshipPayload)
  async addFriend(@Arg('input', () => FriendInput) input: FriendInput, @Ctx() ctx: ApiContext): Promise<FriendshipPayload> {
    const a = acting(input, ctx);
    const r = await ctx.services.shop.addFriend(a, { friendId: localIdIn(a.dataset, input.friendId, 'friendId') });
    return { replayed: r.replayed, friendId: formatScopedId(a.dataset, r.result.friendId), friends: r.result.friends, changed: r.result.changed };
  }

  @Mutation(() => FriendshipPayload)
  async removeFriend(@Arg('input', () => FriendInput) input: FriendInput, @Ctx() ctx: ApiContext): Promise<FriendshipPayload> {
    const a = acting(input, ctx);
    const r = await ctx.services.shop.removeFriend(a, { friendId: localIdIn(a.dataset, input.friendId, 'friendId') });
    return { replayed: r.replayed, friendId: formatScopedId(a.dataset, r.result.friendId), friends: r.result.friends, changed: r.result.changed };
  }

  @Mutation(() => GroupBuyPayload, { description: 'Start a group buy (the initiator joins; invitees must be friends).' })
  async createGroupBuy(@Arg('input', () => CreateGroupBuyInput) input: CreateGroupBuyInput, @Ctx() ctx: ApiContext): Promise<GroupBuyPayload> {
    const a = acting(input, ctx);
    const r = await ctx.services.groupBuyWrites.create(a, {
      itemId: localIdIn(a.dataset, input.itemId, 'itemId'), targetSize: input.targetSize, groupPrice: input.groupPrice ?? null, durationHours: input.durationHours,
      inviteeIds: input.inviteeIds.map((x) => localIdIn(a.dataset, x, 'inviteeIds')),
    });
    return groupBuyPayload(a.dataset, r, ctx);
  }

  @Mutation(() => GroupBuyPayload, { description: 'Participants invite more friends to an OPEN group buy.' })
  async inviteToGroupBuy(@Arg('input', () => InviteInput) input: InviteInput, @Ctx() ctx: ApiContext): Promise<GroupBuyPayload> {
    const a = acting(input, ctx);
    const r = await ctx.services.groupBuyWrites.invite(a, { groupBuyId: localIdIn(a.dataset, input.groupBuyId, 'groupBuyId'), inviteeIds: input.inviteeIds.map((x) => localIdIn(a.dataset, x, 'inviteeIds')) });
    return groupBuyPayload(a.dataset, r, ctx);
  }

  @Mutation(() => GroupBuyPayload, { description: 'Join a group buy you were invited to: never twice, never over the target, never after it filled, expired or was cancelled.' })
  async joinGroupBuy(@Arg('input', () => GroupBuyActionInput) input: GroupBuyActionInput, @Ctx() ctx: ApiContext): Promise<GroupBuyPayload> {
    const a = acting(input, ctx);
    return groupBuyPayload(a.dataset, await ctx.services.groupBuyWrites.join(a, { groupBuyId: localIdIn(a.dataset, input.groupBuyId, 'groupBuyId') }), ctx);
  }

  @Mutation(() => GroupBuyPayload)
  async leaveGroupBuy(@Arg('input', () => GroupBuyActionInput) input: GroupBuyActionInput, @Ctx() ctx: ApiContext): Promise<GroupBuyPayload> {
    const a = acting(input, ctx);
    return groupBuyPayload(a.dataset, await ctx.services.groupBuyWrites.leave(a, { groupBuyId: localIdIn(a.dataset, input.groupBuyId, 'groupBuyId') }), ctx);
  }

  @Mutation(() => GroupBuyPayload, { description: 'The initiator cancels an OPEN group buy.' })
  async cancelGroupBuy(@Arg('input', () => GroupBuyActionInput) input: GroupBuyActionInput, @Ctx() ctx: ApiContext): Promise<GroupBuyPayload> {
    const a = acting(input, ctx);
    return groupBuyPayload(a.dataset, await ctx.services.groupBuyWrites.cancel(a, { groupBuyId: localIdIn(a.dataset, input.groupBuyId, 'groupBuyId') }), ctx);
  }

  @Mutation(() => CatalogPayload, { description: 'Upsert 1P shop items or a 3P publisher feed (1..200 items, validated all at once; nothing is written when any is bad). New items are embedded before the call returns.' })
  async upsertCatalogItems(@Arg('input', () => UpsertCatalogInput) input: UpsertCatalogInput, @Ctx() ctx: ApiContext): Promise<CatalogPayload> {
    const { dataset, id: publisherId } = parseScopedId(input.publisherId, 'publisherId');
    const r = await ctx.services.catalog.upsert({
      dataset,
      publisherId,
      idempotencyKey: input.idempotencyKey,
      items: input.items.map((it) => ({
        id: it.id, name: it.name, catalog: it.catalog === CatalogKind.FIRST_PARTY ? '1P' : '3P', type: it.type, price: it.price, currency: it.currency,
        rarity: it.rarity ?? null, gameId: it.gameId ? localIdIn(dataset, it.gameId, 'gameId') : null,
        dropAt: it.dropAt ? it.dropAt.getTime() : null, availableUntil: it.availableUntil ? it.availableUntil.getTime() : null,
        forSale: it.forSale ?? null, giftable: it.giftable ?? null, consumable: it.consumable ?? null, attributes: it.attributes ?? null,
      })),
    });
    const items = await Promise.all(r.result.itemIds.map((id) => ctx.loaders.item.load(formatScopedId(dataset, id))));
    return { replayed: r.replayed, items: items.map(Item.from), created: r.result.created, updated: r.result.updated };
  }

  @Mutation(() => ImpressionsPayload, { description: 'Record which recommendations were shown (with their recommendation ids).' })
  async recordImpressions(@Arg('input', () => RecordImpressionsInput) input: RecordImpressionsInput, @Ctx() ctx: ApiContext): Promise<ImpressionsPayload> {
    const a = acting(input, ctx);
    const r = await ctx.services.tracking.recordImpressions(a, {
      surface: input.surface, modelVersion: input.modelVersion,
      impressions: input.impressions.map((x) => ({ recommendationId: x.recommendationId, itemId: localIdIn(a.dataset, x.itemId, 'impressions.itemId'), position: x.position })),
    });
    return { replayed: r.replayed, recorded: r.result.recorded };
  }

  @Mutation(() => ClickPayload)
  async recordClick(@Arg('input', () => RecordClickInput) input: RecordClickInput, @Ctx() ctx: ApiContext): Promise<ClickPayload> {
    const a = acting(input, ctx);
    const r = await ctx.services.tracking.recordClick(a, { recommendationId: input.recommendationId, itemId: localIdIn(a.dataset, input.itemId, 'itemId') });
    return { replayed: r.replayed, clickId: formatScopedId(a.dataset, r.result.clickId) };
  }
}

/** The acting user of a mutation; FORBIDDEN when the request names another one in x-giftgraph-user. */
function acting(input: ActingInput, ctx: ApiContext): Acting {
  const { dataset, id } = parseScopedId(input.userId, 'userId');
  if (ctx.actingUserId !== null && ctx.actingUserId !== input.userId) {
    throw new GiftgraphError(ErrorCode.FORBIDDEN, `this request acts as ${ctx.actingUserId}, not ${input.userId}`, { userId: input.userId });
  }
  return { dataset, userId: id, idempotencyKey: input.idempotencyKey };
}

async function groupBuyPayload(dataset: string, r: { result: { groupBuyId: string; invited?: number }; replayed: boolean }, ctx: ApiContext): Promise<GroupBuyPayload> {
  const g = await ctx.services.groupBuys.get(dataset, r.result.groupBuyId);
  return { replayed: r.replayed, groupBuy: toGroupBuy(g), invited: r.result.invited ?? 0 };
}
