import { GraphQLError } from 'graphql';
import mercurius, { type MercuriusOptions } from 'mercurius';
import type { FastifyError } from 'fastify';
import { errorAnswer, refusedValue } from '../collect/error-handler.ts';
import { isDataException } from '../db/refused-data.ts';
import { isSignalError, type ErrorCode, type SignalError } from '../errors.ts';

const GRAPHQL_CODES: Partial<Record<ErrorCode, string>> = {
  SIGNAL_VALIDATION_FAILED: 'BAD_USER_INPUT',
  SIGNAL_INVALID_CONFIG: 'BAD_USER_INPUT',
  SIGNAL_UNKNOWN_VARIANT: 'BAD_USER_INPUT',
  SIGNAL_EXPORT_TOO_LARGE: 'BAD_USER_INPUT',
  SIGNAL_NOT_FOUND: 'NOT_FOUND',
  SIGNAL_UNKNOWN_VENDOR: 'NOT_FOUND',
  SIGNAL_CONFLICT: 'CONFLICT',
  SIGNAL_ADMIN_FORBIDDEN: 'FORBIDDEN',
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
      // A resolver's second argument is the field's arguments: where a refused NUL came from.
      if (isDataException(error)) error = refusedValue(error as Error, args[1]);
      if (isSignalError(error)) throw new mercurius.ErrorWithProps(error.message, extensionsOf(error), error.statusCode);
      throw error;
    }
  };
}

function extensionsOf(error: SignalError): Record<string, unknown> {
  return { code: GRAPHQL_CODES[error.code] ?? error.code, signalCode: error.code, ...(error.fields.length > 0 ? { fields: error.fields } : {}) };
}

/**
 * The error with our extensions when it wraps one of our errors and carries none yet; else,
 * without a code, `fallback` (what GraphQL itself refused: a query that does not validate
 * against the schema, a variable of the wrong type).
 */
function withCodes(error: GraphQLError, fallback?: string): GraphQLError {
  const original = error.originalError;
  if (error.extensions?.code !== undefined) return error;
  // GraphQL's own refusals have no original error, or another GraphQLError (a scalar's).
  const graphqls = original === undefined || original instanceof GraphQLError;
  const extensions = isSignalError(original) ? extensionsOf(original) : fallback !== undefined && graphqls ? { code: fallback } : undefined;
  if (!extensions) return error;
  return new GraphQLError(error.message, { ...(error.nodes ? { nodes: error.nodes } : {}), ...(error.path ? { path: error.path } : {}), ...(original ? { originalError: original } : {}), extensions });
}

/**
 * A refusal of the HTTP request itself, before GraphQL (a body over the limit, a body that is
 * not an object or whose `query` is not text), as the GraphQL error of Signal's answer to the
 * same refusal elsewhere: its message, code and fields. Mercurius passes these on with its own
 * bare message ("Request body is too large", "body must be object") and no code.
 */
function asSignalError(error: unknown, context: Parameters<NonNullable<MercuriusOptions['errorFormatter']>>[1]): GraphQLError | undefined {
  const request = context.reply?.request;
  const fastify = error as FastifyError | undefined;
  if (!request || !fastify || (!Array.isArray(fastify.validation) && !fastify.code?.startsWith('FST_'))) return undefined;
  const signal = errorAnswer(fastify, request, 'SIGNAL_VALIDATION_FAILED');
  return new GraphQLError(signal.message, { originalError: signal, extensions: extensionsOf(signal) });
}

/**
 * Mercurius' error formatter, plus our codes on errors raised before GraphQL runs: a body the
 * JSON parser refuses reaches it as a plain error, and a JSON literal the `JSON` scalar refuses
 * as one of the validation errors mercurius wraps in one error's `errors` list; neither has the
 * extensions `guard` adds.
 *
 * @example
 * await app.register(mercurius, { schema, resolvers, errorFormatter: formatGraphqlErrors });
 */
export const formatGraphqlErrors: NonNullable<MercuriusOptions['errorFormatter']> = (execution, context) => {
  const errors = execution.errors.map((error) => {
    const wrapper = error.originalError as { errors?: unknown } | undefined;
    // A new list, not the old one changed: mercurius caches it with the query's validation.
    // A variable's value GraphQL could not take (Variable "$s" got invalid value…) is the
    // user's input; anything else there is a query that does not fit the schema.
    if (wrapper && Array.isArray(wrapper.errors)) {
      wrapper.errors = wrapper.errors.map((inner: unknown) => (inner instanceof GraphQLError ? withCodes(inner, inner.message.startsWith('Variable "$') ? 'BAD_USER_INPUT' : 'GRAPHQL_VALIDATION_FAILED') : asSignalError(inner, context) ?? inner));
    }
    return asSignalError(error.originalError, context) ?? withCodes(error);
  });
  // Errors of the request itself that GraphQL raises before running anything (a variable of
  // the wrong type, several operations and no operationName, an unknown operationName) carry
  // no path and leave no data: the request was wrong, so not a 200.
  const requestError = (execution.data === null || execution.data === undefined) && errors.length > 0 && errors.every((e) => e.path === undefined && e.extensions?.code === undefined);
  if (requestError) errors.splice(0, errors.length, ...errors.map((error) => withCodes(error, 'BAD_USER_INPUT')));
  // Mercurius logs every error at info with its stack; a user's mistake (a 4xx, a query that
  // does not validate) is logged at debug instead, and anything else as the error it is.
  const log = context.reply ? context.reply.log : context.app.log;
  for (const error of errors) {
    const original = error.originalError as { statusCode?: unknown } | undefined;
    const status = isSignalError(original) ? original.statusCode : typeof original?.statusCode === 'number' ? original.statusCode : undefined;
    const userError = original === undefined || (status !== undefined && status < 500) || Array.isArray((original as { errors?: unknown }).errors);
    if (userError) log.debug({ code: error.extensions?.code, path: error.path }, error.message);
    else log.error({ err: original }, error.message);
  }
  const quiet = { ...context, reply: { log: { info: () => {} } } } as unknown as typeof context;
  const formatted = mercurius.defaultErrorFormatter({ ...execution, errors }, quiet);
  return requestError && formatted.statusCode === 200 ? { ...formatted, statusCode: 400 } : formatted;
};
