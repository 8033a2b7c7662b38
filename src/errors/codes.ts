/**
 * Stable error codes: part of the API. Each appears as `extensions.code` on GraphQL
 * errors and in CLI failures, and each is documented in `schema/errors.md` (a test keeps
 * this enum and that file in sync). Never rename one; add new ones.
 */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  GRAPH_UNAVAILABLE = 'GRAPH_UNAVAILABLE',
  GRAPH_TIMEOUT = 'GRAPH_TIMEOUT',
  DATASET_NOT_EMPTY = 'DATASET_NOT_EMPTY',
  MIGRATION_CHECKSUM_MISMATCH = 'MIGRATION_CHECKSUM_MISMATCH',
  MIGRATION_LOCKED = 'MIGRATION_LOCKED',
  IMPORT_INVALID = 'IMPORT_INVALID',
  MODEL_NOT_FOUND = 'MODEL_NOT_FOUND',
  MODEL_NOT_READY = 'MODEL_NOT_READY',
  MODEL_INDEX_MISMATCH = 'MODEL_INDEX_MISMATCH',
  TF_NATIVE_UNAVAILABLE = 'TF_NATIVE_UNAVAILABLE',
  INTERNAL = 'INTERNAL',
}
