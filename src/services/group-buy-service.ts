import type { Clock } from '../clock/clock';
import { NotFoundError } from '../errors/errors';
import type { GraphClient } from '../graph/graph-client';
import { groupBuysByIds, type GroupBuyRecord } from '../graph/queries/group-buy-writes';
import { effectiveStatus } from './mutations/group-buy-mutations';

/** Reads group buys as the API shows them: the status is effective (an OPEN one past its deadline is EXPIRED). */
export class GroupBuyService {
  constructor(private readonly deps: { graph: GraphClient; clock: Clock }) {}

  async get(dataset: string, id: string): Promise<GroupBuyRecord> {
    const g = (await groupBuysByIds(this.deps.graph, dataset, [id])).get(id);
    if (!g) throw new NotFoundError('group buy', `${dataset}:${id}`);
    return { ...g, status: effectiveStatus(g.status, g.deadline, this.deps.clock.now()) };
  }
}
