import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock/clock';
import { BadInputError, NotFoundError } from '../../errors/errors';
import type { GraphClient } from '../../graph/graph-client';
import { RECORD_CLICK, RECORD_IMPRESSIONS, TRACKING_FACTS } from '../../graph/queries/tracking-writes';
import { runIdempotent, type Idempotent } from './idempotent';
import type { Acting } from './shop-mutations';

export interface ImpressionInput {
  recommendationId: string;
  itemId: string;
  position: number;
}

const REC_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Impressions and clicks, carrying recommendation ids so later purchases and clicks can be attributed. */
export class TrackingMutations {
  constructor(private readonly deps: { graph: GraphClient; clock: Clock }) {}

  async recordImpressions(a: Acting, p: { surface: string; modelVersion: string; impressions: ImpressionInput[] }): Promise<Idempotent<{ recorded: number }>> {
    if (p.impressions.length === 0 || p.impressions.length > 100) throw new BadInputError(`impressions: 1..100 per call; got ${p.impressions.length}`);
    p.impressions.forEach((x, k) => {
      if (!REC_ID.test(x.recommendationId)) throw new BadInputError(`impressions[${k}].recommendationId is malformed: ${JSON.stringify(x.recommendationId)}`);
      if (!Number.isInteger(x.position) || x.position < 0 || x.position > 1000) throw new BadInputError(`impressions[${k}].position must be 0..1000; got ${x.position}`);
    });
    return runIdempotent(this.deps, { dataset: a.dataset, actor: a.userId, key: a.idempotencyKey, operation: 'recordImpressions', payload: p }, async (tx, now) => {
      const f = (await tx.run(TRACKING_FACTS.cypher, { ds: a.dataset, user: a.userId, items: [...new Set(p.impressions.map((x) => x.itemId))] }))[0];
      if (!f) throw new NotFoundError('user', `${a.dataset}:${a.userId}`);
      const missing = f.missingItems as string[];
      if (missing.length > 0) throw new NotFoundError('item', `${a.dataset}:${missing[0]}`);
      const rows = p.impressions.map((x) => ({ id: `imp-${randomUUID()}`, recId: x.recommendationId, itemId: x.itemId, position: x.position }));
      const r = (await tx.run(RECORD_IMPRESSIONS.cypher, { ds: a.dataset, user: a.userId, now, surface: p.surface, modelVersion: p.modelVersion, rows }))[0];
      return { recorded: Number(r?.recorded ?? 0) };
    });
  }

  async recordClick(a: Acting, p: { recommendationId: string; itemId: string }): Promise<Idempotent<{ clickId: string; at: number }>> {
    if (!REC_ID.test(p.recommendationId)) throw new BadInputError(`recommendationId is malformed: ${JSON.stringify(p.recommendationId)}`);
    return runIdempotent(this.deps, { dataset: a.dataset, actor: a.userId, key: a.idempotencyKey, operation: 'recordClick', payload: p }, async (tx, now) => {
      const f = (await tx.run(TRACKING_FACTS.cypher, { ds: a.dataset, user: a.userId, items: [p.itemId] }))[0];
      if (!f) throw new NotFoundError('user', `${a.dataset}:${a.userId}`);
      if ((f.missingItems as string[]).length > 0) throw new NotFoundError('item', `${a.dataset}:${p.itemId}`);
      const clickId = `click-${randomUUID()}`;
      await tx.run(RECORD_CLICK.cypher, { ds: a.dataset, user: a.userId, item: p.itemId, id: clickId, recId: p.recommendationId, now });
      return { clickId, at: now };
    });
  }
}
