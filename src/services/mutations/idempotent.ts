import { createHash } from 'node:crypto';
import type { Clock } from '../../clock/clock';
import { ErrorCode } from '../../errors/codes';
import { BadInputError, GiftgraphError } from '../../errors/errors';
import type { GraphClient, Tx } from '../../graph/graph-client';
import { completeIdempotencyRecord, createIdempotencyRecord, findIdempotencyRecord } from '../../graph/queries/idempotency';

/** Keys are kept at least this long: a retry within it returns the first result. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

const KEY = /^[A-Za-z0-9._:-]{8,128}$/;

export interface IdempotentCall<P> {
  dataset: string;
  /** The acting user (or `publisher:<id>` for catalog feeds): keys are scoped to it. */
  actor: string;
  key: string;
  operation: string;
  /** Everything that defines the action (not the key): a retry must send the same. */
  payload: P;
}

export interface Idempotent<R> {
  result: R;
  /** True when this call was a retry answered from the first call's record. */
  replayed: boolean;
}

/** sha256 of the payload as canonical JSON (keys sorted), so field order does not matter. */
export function payloadHash(operation: string, payload: unknown): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])])) : v === undefined ? null : v;
  return createHash('sha256').update(operation).update('\u0000').update(JSON.stringify(canon(payload))).digest('hex');
}

/**
 * Runs a mutation as ONE write transaction guarded by its idempotency key: the first call
 * records the key, applies `work` and stores its result, all or nothing; a retry with the
 * same key and payload gets that result back (`replayed`); the same key with another
 * operation or payload is IDEMPOTENCY_KEY_REUSED. A failed `work` (a coded error) rolls
 * the whole transaction back, the key included, so a corrected retry may reuse it.
 */
export async function runIdempotent<P, R>(deps: { graph: GraphClient; clock: Clock }, call: IdempotentCall<P>, work: (tx: Tx, now: number) => Promise<R>): Promise<Idempotent<R>> {
  if (!KEY.test(call.key)) throw new BadInputError(`idempotencyKey must be 8..128 characters of A-Z a-z 0-9 . _ : -; got ${JSON.stringify(call.key)}`, { idempotencyKey: call.key });
  const hash = payloadHash(call.operation, call.payload);
  const ids = { dataset: call.dataset, userId: call.actor, key: call.key };
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.graph.write(async (tx) => {
        const now = deps.clock.now();
        const prior = await findIdempotencyRecord(tx, ids);
        if (prior) {
          if (prior.operation !== call.operation || prior.payloadHash !== hash) {
            throw new GiftgraphError(ErrorCode.IDEMPOTENCY_KEY_REUSED, `idempotency key ${JSON.stringify(call.key)} was already used for a different ${prior.operation === call.operation ? 'payload' : `operation (${prior.operation})`}`, { operation: prior.operation, idempotencyKey: call.key });
          }
          return { result: JSON.parse(prior.result ?? 'null') as R, replayed: true };
        }
        await createIdempotencyRecord(tx, { ...ids, operation: call.operation, payloadHash: hash, now, expiresAt: now + IDEMPOTENCY_TTL_MS });
        const result = await work(tx, now);
        await completeIdempotencyRecord(tx, { ...ids, result: JSON.stringify(result) });
        return { result, replayed: false };
      });
    } catch (e) {
      // A concurrent call with the same key committed first: answer from its record.
      if (attempt < 2 && e instanceof GiftgraphError && e.details.neo4jCode === 'Neo.ClientError.Schema.ConstraintValidationFailed') continue;
      throw e;
    }
  }
}
