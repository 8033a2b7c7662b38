import { ErrorCode } from '../../errors/codes';
import { GiftgraphError } from '../../errors/errors';

/**
 * Why the embedded server could not be built, started or stopped. Every case surfaces as
 * GRAPH_UNAVAILABLE (to a caller the graph is simply not there), and the reason rides in
 * `details.reason` so that logs and tests can tell the cases apart without parsing text.
 * Add reasons; never rename one.
 */
export type EmbeddedFailureReason =
  | 'java_missing'
  | 'java_too_old'
  | 'maven_missing'
  | 'build_failed'
  | 'port_in_use'
  | 'spawn_failed'
  | 'exited_early'
  | 'start_timeout'
  | 'stop_failed'
  | 'lock_timeout';

export class EmbeddedServerError extends GiftgraphError {
  constructor(
    readonly reason: EmbeddedFailureReason,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.GRAPH_UNAVAILABLE, message, { reason, ...details }, options);
  }
}
