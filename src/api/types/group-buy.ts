import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
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

@ObjectType({ implements: MutationPayload })
export class GroupBuyPayload extends MutationPayload {
  @Field(() => GroupBuy)
  groupBuy!: GroupBuy;

  @Field(() => Int, { description: 'Invitations this call added.' })
  invited!: number;
}
