import type { Clock } from '../clock/clock';
import { NotFoundError } from '../errors/errors';
import type { GraphClient } from '../graph/graph-client';
import { groupBuysByIds, type GroupBuyRecord } from '../graph/queries/group-buy-writes';
import type { GroupBuyConversion, GroupBuyScoreResult, InviteSuggestions } from '../ranking/group-buy-conversion';
import { effectiveStatus } from './mutations/group-buy-mutations';

/**
 * Reads group buys as the API shows them: the status is effective (an OPEN one past its
 * deadline is EXPIRED), the fill probability and suggested invitees come from the active
 * group-buy conversion head.
 */
export class GroupBuyService {
  constructor(private readonly deps: { graph: GraphClient; clock: Clock; conversion: GroupBuyConversion }) {}

  conversion(dataset: string, id: string): Promise<GroupBuyScoreResult> {
    return this.deps.conversion.score(dataset, id);
  }

  suggestInvitees(dataset: string, id: string, limit: number): Promise<InviteSuggestions> {
    return this.deps.conversion.suggestInvitees(dataset, id, { limit });
  }

  async get(dataset: string, id: string): Promise<GroupBuyRecord> {
    const g = (await groupBuysByIds(this.deps.graph, dataset, [id])).get(id);
    if (!g) throw new NotFoundError('group buy', `${dataset}:${id}`);
    return { ...g, status: effectiveStatus(g.status, g.deadline, this.deps.clock.now()) };
  }
}
