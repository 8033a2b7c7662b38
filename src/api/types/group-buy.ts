import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from './user';
import { MutationPayload } from './mutations';

export enum GroupBuyStatus {
  OPEN = 'OPEN',
  FILLED = 'FILLED',
  EXPIRED = 'EXPIRED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(GroupBuyStatus, { name: 'GroupBuyStatus', description: 'EXPIRED includes an OPEN group buy whose deadline has passed by the server clock.' });

@ObjectType({ description: 'A group buy: friends buying one item together at a group price once enough join by the deadline.' })
export class GroupBuy {
  @Field(() => ID)
  id!: string;

  @Field(() => GroupBuyStatus)
  status!: GroupBuyStatus;

  @Field(() => Int, { description: 'Participants needed, the initiator included.' })
  targetSize!: number;

  @Field(() => Int, { description: 'Participants so far, the initiator included.' })
  participantCount!: number;

  @Field(() => Int, { nullable: true, description: 'Price each participant pays (minor units).' })
  groupPrice!: number | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  createdAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  deadline!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  closedAt!: Date | null;

  /** Scoped ids, resolved to objects by GroupBuyResolver. */
  itemId!: string | null;
  initiatorId!: string | null;
  participantIds!: string[];
  inviteeIds!: string[];
  dataset!: string;
  localId!: string;
}

@ObjectType({ description: 'The fill probability of a group buy, from the active group-buy conversion head.' })
export class GroupBuyConversionInfo {
  @Field(() => Float, { description: 'P(the group buy fills by its deadline). 1 once FILLED; 0 once EXPIRED or CANCELLED.' })
  probability!: number;

  @Field({ description: '`group-buy/<version>`.' })
  modelVersion!: string;

  @Field(() => Int)
  participants!: number;

  @Field(() => Int, { description: 'Invited and not (yet) joined.' })
  pendingInvitees!: number;

  @Field(() => Int)
  inviteesPlayingGame!: number;

  @Field(() => Float, { description: 'Hours to the deadline (0 once past).' })
  hoursLeft!: number;
}

@ObjectType({ description: 'A friend of the initiator worth inviting: how much inviting them raises the fill probability.' })
export class InviteeSuggestion {
  @Field(() => User)
  user!: User;

  @Field(() => Float, { description: 'P(fills) if this friend is invited too.' })
  probabilityIfInvited!: number;

  @Field(() => Float, { description: 'probabilityIfInvited minus the current probability.' })
  gain!: number;

  @Field()
  playsGame!: boolean;

  @Field(() => Int, { description: 'Days the initiator and this friend interacted in the 28 days before the launch.' })
  interactions28d!: number;
}

@ObjectType({ implements: MutationPayload })
export class GroupBuyPayload extends MutationPayload {
  @Field(() => GroupBuy)
  groupBuy!: GroupBuy;

  @Field(() => Int, { description: 'Invitations this call added.' })
  invited!: number;
}
