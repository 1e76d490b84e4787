import mercurius from 'mercurius';
import { refusedValue } from '../collect/error-handler.ts';
import { isDataException } from '../db/refused-data.ts';
import { isSignalError, type ErrorCode } from '../errors.ts';

const GRAPHQL_CODES: Partial<Record<ErrorCode, string>> = {
  SIGNAL_VALIDATION_FAILED: 'BAD_USER_INPUT',
  SIGNAL_INVALID_CONFIG: 'BAD_USER_INPUT',
  SIGNAL_UNKNOWN_VARIANT: 'BAD_USER_INPUT',
  SIGNAL_NOT_FOUND: 'NOT_FOUND',
  SIGNAL_UNKNOWN_VENDOR: 'NOT_FOUND',
  SIGNAL_CONFLICT: 'CONFLICT',
};

/**
 * Wraps a resolver so our errors become GraphQL errors carrying `extensions.code` (GraphQL's
 * convention), `signalCode` (the registry's), the fields at fault, and the HTTP status.
 *
 * @example
 * const resolvers = { Query: { pipelines: guard(async () => pipelines.list()) } };
 */
export function guard<A extends unknown[], R>(resolver: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await resolver(...args);
    } catch (error) {
      if (isDataException(error)) error = refusedValue(error as Error);
      if (isSignalError(error)) {
        throw new mercurius.ErrorWithProps(
          error.message,
          { code: GRAPHQL_CODES[error.code] ?? error.code, signalCode: error.code, ...(error.fields.length > 0 ? { fields: error.fields } : {}) },
          error.statusCode,
        );
      }
      throw error;
    }
  };
}
