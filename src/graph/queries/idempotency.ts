import type { Tx } from '../graph-client';
import { defineQuery } from './query';

/**
 * Idempotency records: one per (dataset, acting user, key), holding the operation, a hash
 * of its payload and its first result. The record is created at the START of the
 * mutation's transaction, so a concurrent retry of the same key waits on the uniqueness
 * constraint's lock, fails once the first commits, and is then answered from the record.
 */
export const FIND_IDEMPOTENCY_RECORD = defineQuery(
  'findIdempotencyRecord',
  `MATCH (r:IdempotencyRecord {dataset: $ds, userId: $userId, key: $key}) USING INDEX SEEK r:IdempotencyRecord(dataset, userId, key)
   RETURN r.operation AS operation, r.payloadHash AS payloadHash, r.result AS result`,
  { ds: 'demo', userId: 'u1', key: 'k' },
);

export const CREATE_IDEMPOTENCY_RECORD = defineQuery(
  'createIdempotencyRecord',
  `CREATE (r:IdempotencyRecord {dataset: $ds, userId: $userId, key: $key, operation: $operation, payloadHash: $payloadHash, at: $now, expiresAt: $expiresAt})`,
  { ds: 'demo', userId: 'u1', key: 'k', operation: 'op', payloadHash: 'h', now: 0, expiresAt: 0 },
);

export const COMPLETE_IDEMPOTENCY_RECORD = defineQuery(
  'completeIdempotencyRecord',
  `MATCH (r:IdempotencyRecord {dataset: $ds, userId: $userId, key: $key}) USING INDEX SEEK r:IdempotencyRecord(dataset, userId, key)
   SET r.result = $result`,
  { ds: 'demo', userId: 'u1', key: 'k', result: '{}' },
);

export const SWEEP_IDEMPOTENCY_RECORDS = defineQuery(
  'sweepIdempotencyRecords',
  `MATCH (r:IdempotencyRecord) WHERE r.expiresAt < $now
   WITH r LIMIT 10000 DELETE r RETURN count(*) AS deleted`,
  { now: 0 },
);

export interface IdempotencyRecord {
  operation: string;
  payloadHash: string;
  result: string | null;
}

export async function findIdempotencyRecord(tx: Tx, o: { dataset: string; userId: string; key: string }): Promise<IdempotencyRecord | null> {
  const r = (await tx.run(FIND_IDEMPOTENCY_RECORD.cypher, { ds: o.dataset, userId: o.userId, key: o.key }))[0];
  return r ? { operation: String(r.operation), payloadHash: String(r.payloadHash), result: (r.result as string | null) ?? null } : null;
}

export async function createIdempotencyRecord(tx: Tx, o: { dataset: string; userId: string; key: string; operation: string; payloadHash: string; now: number; expiresAt: number }): Promise<void> {
  await tx.run(CREATE_IDEMPOTENCY_RECORD.cypher, { ds: o.dataset, userId: o.userId, key: o.key, operation: o.operation, payloadHash: o.payloadHash, now: o.now, expiresAt: o.expiresAt });
}

export async function completeIdempotencyRecord(tx: Tx, o: { dataset: string; userId: string; key: string; result: string }): Promise<void> {
  await tx.run(COMPLETE_IDEMPOTENCY_RECORD.cypher, { ds: o.dataset, userId: o.userId, key: o.key, result: o.result });
}
