import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../errors/codes';
import { GiftgraphError } from '../errors/errors';
import type { Logger } from '../logging/logger';

/**
 * Every error leaves the API with a stable `extensions.code`. Project errors keep their
 * code, message and details; GraphQL's own validation and class-validator failures are
 * BAD_USER_INPUT; anything unexpected is INTERNAL with its message hidden (and logged).
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof GiftgraphError) {
      return { ...formatted, message: original.message, extensions: { ...formatted.extensions, ...original.details, code: original.code } };
    }
    const code = formatted.extensions?.code;
    if (code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED' || code === 'BAD_REQUEST') {
      return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.BAD_USER_INPUT, reason: code } };
    }
    if (code === 'PERSISTED_QUERY_NOT_FOUND' || code === 'PERSISTED_QUERY_NOT_SUPPORTED' || code === 'OPERATION_RESOLUTION_FAILURE') {
      return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.BAD_USER_INPUT, reason: code } };
    }
    logger.error('unexpected error', { message: formatted.message, path: formatted.path, stack: (original as Error)?.stack });
    return { message: 'internal error', locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.INTERNAL } };
  };
}
