import { GraphQLLocalDate } from 'graphql-scalars';
import { GraphQLISODateTime, Field, ID, Int, ObjectType } from 'type-graphql';
import { formatScopedId } from '../../graph/ids';
import type { UserRecord } from '../../graph/records';
import { PageInfo } from './common';

@ObjectType({ description: 'A player.' })
export class User {
  @Field(() => ID, { description: 'Scoped id "<dataset>:<localId>".' })
  id!: string;

  @Field({ description: 'The dataset (namespace) this user belongs to.' })
  dataset!: string;

  @Field()
  name!: string;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Account creation time; null when the dataset does not say.' })
  createdAt!: Date | null;

  @Field(() => GraphQLLocalDate, { nullable: true })
  birthday!: string | null;

  static from(r: UserRecord): User {
    return Object.assign(new User(), {
      id: formatScopedId(r.dataset, r.id),
      dataset: r.dataset,
      name: r.name,
      createdAt: r.createdAt === null ? null : new Date(r.createdAt),
      birthday: r.birthday,
    });
  }
}

@ObjectType()
export class FriendEdge {
  @Field()
  cursor!: string;

  @Field(() => User)
  node!: User;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the friendship started.' })
  since!: Date | null;
}

@ObjectType()
export class FriendConnection {
  @Field(() => [FriendEdge])
  edges!: FriendEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'All friends (not blocked), across pages.' })
  totalCount!: number;
}
