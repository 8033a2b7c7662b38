import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { formatScopedId, parseScopedId } from '../../graph/ids';
import type { FriendSuggestion as FriendSuggestionRecord, RecommendationList as ListRecord } from '../../services/recommendation-service';
import type { ApiContext } from '../context';
import { Item } from '../types/item';
import {
  FriendRecsArgs, FriendSuggestion, GiftSuggestionList, GiftSuggestionsArgs, localIdIn, RecommendationList, RecommendationsArgs, RecommendedItem, SquadRecommendationList, SquadRecsArgs,
  toControls, type CandidateSourceKind, type ReasonCode,
} from '../types/recommendation';
import { User } from '../types/user';
import { BadInputError } from '../../errors/errors';

@Resolver()
export class RecommendationResolver {
  @Query(() => RecommendationList, { description: 'Items for a user on one shop surface, ranked by the serving encoder, with reasons and a recommendation id per item.' })
  async recommendations(@Args(() => RecommendationsArgs) a: RecommendationsArgs, @Ctx() ctx: ApiContext): Promise<RecommendationList> {
    const { dataset, id } = parseScopedId(a.userId, 'userId');
    const list = await ctx.services.recommendations.recommend({
      dataset,
      userId: id,
      surface: a.surface,
      itemId: a.context?.itemId ? localIdIn(dataset, a.context.itemId, 'context.itemId') : null,
      cartItemIds: (a.context?.cartItemIds ?? []).map((x) => localIdIn(dataset, x, 'context.cartItemIds')),
      controls: toControls(dataset, a.first, a.filter),
    });
    return toList(dataset, list, ctx);
  }

  @Query(() => GiftSuggestionList, { description: 'Which friends the user is likely to gift now (most likely first), and what to give each.' })
  async giftSuggestions(@Args(() => GiftSuggestionsArgs) a: GiftSuggestionsArgs, @Ctx() ctx: ApiContext): Promise<GiftSuggestionList> {
    const { dataset, id } = parseScopedId(a.userId, 'userId');
    const list = await ctx.services.gifts.suggest({ dataset, userId: id, first: a.first, occasion: a.occasion ?? null, itemsPerRecipient: a.itemsPerRecipient, controls: toControls(dataset, a.itemsPerRecipient || 1, a.filter) });
    const recipients = await Promise.all(list.suggestions.map((s) => ctx.loaders.user.load(formatScopedId(dataset, s.recipientId))));
    return {
      modelVersion: list.modelVersion,
      windowDays: list.windowDays,
      suggestions: list.suggestions.map((s, k) => ({
        recommendationId: s.recommendationId,
        recipient: User.from(recipients[k]!),
        probability: s.probability,
        reasons: s.reasons.map((x) => ({ code: x.code as ReasonCode, text: x.text, friendIds: x.friendIds.map((f) => formatScopedId(dataset, f)) })),
        items: s.items.map((r) => toRecommendedItem(dataset, r)),
      })),
    };
  }

  @Query(() => RecommendationList, { description: "Items from the user's friends and servers (social proof first), ranked by the user's taste." })
  async friendRecs(@Args(() => FriendRecsArgs) a: FriendRecsArgs, @Ctx() ctx: ApiContext): Promise<RecommendationList> {
    const { dataset, id } = parseScopedId(a.userId, 'userId');
    return toList(dataset, await ctx.services.recommendations.friendRecs({ dataset, userId: id, controls: toControls(dataset, a.first, a.filter) }), ctx);
  }

  @Query(() => SquadRecommendationList, { description: 'Items a squad would buy together: by squadId, or by memberIds (2..50 users of one dataset).' })
  async squadRecs(@Args(() => SquadRecsArgs) a: SquadRecsArgs, @Ctx() ctx: ApiContext): Promise<SquadRecommendationList> {
    if ((a.squadId ? 1 : 0) + (a.memberIds?.length ? 1 : 0) !== 1) throw new BadInputError('give exactly one of squadId or memberIds');
    const dataset = parseScopedId(a.squadId ?? a.memberIds![0]!, a.squadId ? 'squadId' : 'memberIds').dataset;
    const list = await ctx.services.recommendations.squadRecs({
      dataset,
      squadId: a.squadId ? localIdIn(dataset, a.squadId, 'squadId') : null,
      memberIds: a.memberIds ? a.memberIds.map((m) => localIdIn(dataset, m, 'memberIds')) : null,
      controls: toControls(dataset, a.first, a.filter),
    });
    const out = Object.assign(new SquadRecommendationList(), await toList(dataset, list, ctx));
    out.memberIds = list.members.map((m) => formatScopedId(dataset, m));
    out.squadName = list.squadName;
    return out;
  }
}

export async function toFriendSuggestions(dataset: string, friends: FriendSuggestionRecord[], ctx: ApiContext): Promise<FriendSuggestion[]> {
  const users = await Promise.all(friends.map((f) => ctx.loaders.user.load(formatScopedId(dataset, f.userId))));
  return friends.map((f, k) => ({ user: User.from(users[k]!), score: f.score, reasons: f.reasons.map((r) => ({ code: r.code as ReasonCode, text: r.text, friendIds: r.friendIds.map((x) => formatScopedId(dataset, x)) })) }));
}

export function toRecommendedItem(dataset: string, r: ListRecord['items'][number]): RecommendedItem {
  return {
    recommendationId: r.recommendationId,
    item: Item.from(r.item),
    score: r.score,
    reasons: r.reasons.map((x) => ({ code: x.code as ReasonCode, text: x.text, friendIds: x.friendIds.map((f) => formatScopedId(dataset, f)) })),
    sources: r.sources as CandidateSourceKind[],
    modelVersion: r.modelVersion,
  };
}

async function toList(dataset: string, list: ListRecord, ctx: ApiContext): Promise<RecommendationList> {
  return {
    surface: list.surface,
    modelVersion: list.modelVersion,
    items: list.items.map((r) => toRecommendedItem(dataset, r)),
    friends: await toFriendSuggestions(dataset, list.friends, ctx),
  };
}
