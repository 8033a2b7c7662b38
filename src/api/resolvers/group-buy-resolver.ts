import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { formatScopedId, parseScopedId } from '../../graph/ids';
import type { GroupBuyRecord } from '../../graph/queries/group-buy-writes';
import type { ApiContext } from '../context';
import { BadInputError } from '../../errors/errors';
import { GroupBuy, GroupBuyConversionInfo, GroupBuyStatus, InviteeSuggestion } from '../types/group-buy';
import { Item } from '../types/item';
import { User } from '../types/user';

@Resolver(() => GroupBuy)
export class GroupBuyResolver {
  @Query(() => GroupBuy, { description: 'A group buy by scoped id, with its participants; NOT_FOUND when there is none.' })
  async groupBuy(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<GroupBuy> {
    const s = parseScopedId(id, 'id');
    return toGroupBuy(await ctx.services.groupBuys.get(s.dataset, s.id));
  }

  @FieldResolver(() => Item, { nullable: true })
  async item(@Root() g: GroupBuy, @Ctx() ctx: ApiContext): Promise<Item | null> {
    return g.itemId ? Item.from(await ctx.loaders.item.load(g.itemId)) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  async initiator(@Root() g: GroupBuy, @Ctx() ctx: ApiContext): Promise<User | null> {
    return g.initiatorId ? User.from(await ctx.loaders.user.load(g.initiatorId)) : null;
  }

  @FieldResolver(() => [User], { description: 'In join order, the initiator first.' })
  async participants(@Root() g: GroupBuy, @Ctx() ctx: ApiContext): Promise<User[]> {
    return (await Promise.all(g.participantIds.map((id) => ctx.loaders.user.load(id)))).map(User.from);
  }

  @FieldResolver(() => GroupBuyConversionInfo, { description: 'Will it fill by its deadline? From the active group-buy conversion head (MODEL_NOT_READY without one).' })
  async conversion(@Root() g: GroupBuy, @Ctx() ctx: ApiContext): Promise<GroupBuyConversionInfo> {
    const r = await ctx.services.groupBuys.conversion(g.dataset, g.localId);
    return { probability: r.probability, modelVersion: `${r.model}/${r.version}`, participants: r.signals.participants, pendingInvitees: r.signals.invitees, inviteesPlayingGame: r.signals.inviteesPlayingGame, hoursLeft: r.signals.hoursLeft };
  }

  @FieldResolver(() => [InviteeSuggestion], { description: "Whom to invite: the initiator's friends (not yet invited) whose joining most raises the fill probability. Empty once the group buy is closed." })
  async suggestedInvitees(@Root() g: GroupBuy, @Arg('first', () => Int, { defaultValue: 5 }) first: number, @Ctx() ctx: ApiContext): Promise<InviteeSuggestion[]> {
    if (!Number.isInteger(first) || first < 1 || first > 100) throw new BadInputError(`first must be 1..100; got ${first}`);
    const r = await ctx.services.groupBuys.suggestInvitees(g.dataset, g.localId, first);
    const users = await Promise.all(r.invitees.map((x) => ctx.loaders.user.load(formatScopedId(g.dataset, x.userId))));
    return r.invitees.map((x, k) => ({ user: User.from(users[k]!), probabilityIfInvited: x.probabilityIfInvited, gain: x.gain, playsGame: x.playsGame, interactions28d: x.interactions28d }));
  }

  @FieldResolver(() => [User], { description: 'Everyone invited (joined or not).' })
  async invitees(@Root() g: GroupBuy, @Ctx() ctx: ApiContext): Promise<User[]> {
    return (await Promise.all(g.inviteeIds.map((id) => ctx.loaders.user.load(id)))).map(User.from);
  }
}

export function toGroupBuy(g: GroupBuyRecord): GroupBuy {
  const scoped = (id: string) => formatScopedId(g.dataset, id);
  return Object.assign(new GroupBuy(), {
    id: scoped(g.id),
    dataset: g.dataset,
    localId: g.id,
    status: g.status as GroupBuyStatus,
    targetSize: g.targetSize,
    participantCount: g.participants.length,
    groupPrice: g.groupPrice,
    createdAt: g.createdAt === null ? null : new Date(g.createdAt),
    deadline: g.deadline === null ? null : new Date(g.deadline),
    closedAt: g.closedAt === null ? null : new Date(g.closedAt),
    itemId: g.itemId === null ? null : scoped(g.itemId),
    initiatorId: g.initiatorId === null ? null : scoped(g.initiatorId),
    participantIds: g.participants.map(scoped),
    inviteeIds: g.invitees.map(scoped),
  });
}
