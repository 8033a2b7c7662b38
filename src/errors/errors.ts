import { ErrorCode } from './codes';

/** Base of every error the project raises on purpose: a stable code and a clear message. */
export class GiftgraphError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class BadInputError extends GiftgraphError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(ErrorCode.BAD_USER_INPUT, message, details);
  }
}

export class NotFoundError extends GiftgraphError {
  constructor(kind: string, id: string) {
    super(ErrorCode.NOT_FOUND, `${kind} ${JSON.stringify(id)} does not exist`, { kind, id });
  }
}

export class GraphUnavailableError extends GiftgraphError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.GRAPH_UNAVAILABLE, message, {}, { cause });
  }
}

/** Thrown by exhaustive switches: the compiler proves the default is unreachable. */
export class UnreachableCaseError extends Error {
  constructor(value: never) {
    super(`unreachable case: ${JSON.stringify(value)}`);
  }
}
