import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDataException, nulPath } from '../db/refused-data.ts';
import { SignalError, type ErrorCode } from '../errors.ts';
import { formatValidationErrors, summarise } from './validation-errors.ts';

/** The JSON Schema of every error answer (OpenAPI). */
export const errorResponseSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable error code, e.g. SIGNAL_INVALID_EVENT.' },
        message: { type: 'string' },
        fields: {
          type: 'array',
          items: {
            type: 'object',
            required: ['field', 'message'],
            properties: { field: { type: 'string' }, message: { type: 'string' }, index: { type: 'integer' } },
          },
        },
      },
    },
  },
} as const;

/** A request's Content-Type for a message: none, or its media type (parameters and oddities cut). */
function describeContentType(header: string | undefined): string {
  const type = (header ?? '').split(';')[0]!.trim();
  if (type === '') return 'none';
  return JSON.stringify(type.length > 100 ? `${type.slice(0, 100)}…` : type);
}

/** A request's path for a message: at most 100 characters of it. */
function describePath(url: string): string {
  const path = url.split('?')[0]!;
  return JSON.stringify(path.length > 100 ? `${path.slice(0, 100)}…` : path);
}

const FASTIFY_CODES: Record<string, { code: ErrorCode; message: (error: FastifyError, request: FastifyRequest) => string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'SIGNAL_UNSUPPORTED_MEDIA_TYPE',
    message: (_error, request) => `Unsupported Content-Type: send application/json (or text/plain holding JSON); this request sent ${describeContentType(request.headers['content-type'])}`,
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'SIGNAL_BODY_TOO_LARGE',
    // Each listener and route has its own limit (collect 500 KB, admin 5 MB): say the one that applied.
    message: (_error, request) => {
      const limit = request.routeOptions.bodyLimit;
      const shown = limit >= 1024 * 1024 ? `${limit / (1024 * 1024)} MB` : `${Math.round(limit / 1024)} KB`;
      return `The request body is larger than the limit of ${shown}${request.headers['content-encoding'] ? ' (after decompression)' : ''}`;
    },
  },
  FST_ERR_BAD_URL: { code: 'SIGNAL_MALFORMED_REQUEST', message: () => 'The URL is not valid: a percent sign must start an escape such as %20' },
  // Raised while routing, before any route (and its parameters' names) is known. Fastify's own
  // sentence quoted the whole path, however long.
  FST_ERR_MAX_PARAM_LENGTH: { code: 'SIGNAL_MALFORMED_REQUEST', message: (_error, request) => `A part of the path is longer than the 100 characters a path parameter (an id, a vendor) may have: ${describePath(request.url)}` },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'SIGNAL_INVALID_JSON', message: () => 'The request body is empty; expected a JSON object' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'SIGNAL_INVALID_JSON', message: (e) => `The request body is not valid JSON: ${e.message}` },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'SIGNAL_INVALID_JSON', message: () => 'The body length does not match Content-Length' },
};

/**
 * A value PostgreSQL refused (an admin input with a NUL character, a date beyond its range) as
 * a 400. PostgreSQL does not say which field: for a NUL, the field of `inputs` (the GraphQL
 * arguments, a REST body) holding one is named; otherwise the message quotes its reason.
 *
 * @example
 * throw refusedValue(error, { input: { note: 'a\u0000' } }); // 400 naming input.note
 */
export function refusedValue(error: Error, inputs?: unknown): SignalError {
  const nul = ['22021', '22P05'].includes((error as Error & { code?: string }).code ?? '');
  const field = nul ? nulPath(inputs) : undefined;
  if (field) {
    return new SignalError('SIGNAL_VALIDATION_FAILED', `${field} holds a NUL character (\\u0000), which PostgreSQL text cannot hold`, [{ field, message: 'must not hold a NUL character (\\u0000)' }], { cause: error });
  }
  return new SignalError('SIGNAL_VALIDATION_FAILED', `PostgreSQL refused a value: ${error.message}${nul ? ' (text cannot hold a NUL character, \\u0000)' : ''}`, [], { cause: error });
}

/** A request's path parameters, query and JSON body, merged, where `refusedValue` looks for a NUL. */
function requestInputs(request: FastifyRequest): Record<string, unknown> {
  const objectOf = (value: unknown): object => (value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {});
  return { ...objectOf(request.params), ...objectOf(request.query), ...objectOf(request.body) };
}

/** What a listener calls a body that fails its schema: an event at collect, an input at admin. */
type BodyErrorCode = 'SIGNAL_INVALID_EVENT' | 'SIGNAL_VALIDATION_FAILED';

function toSignalError(error: FastifyError & { validationContext?: string }, bodyCode: BodyErrorCode, request: FastifyRequest): SignalError {
  if (error instanceof SignalError) return error;
  if (error.validation) {
    const prefix = error.validationContext && error.validationContext !== 'body' ? error.validationContext : '';
    const fields = formatValidationErrors(error.validation as Parameters<typeof formatValidationErrors>[0], prefix);
    const indices = [...new Set(fields.map((f) => f.index).filter((i) => i !== undefined))];
    const lead = indices.length > 0 ? `The batch was refused whole: invalid event${indices.length > 1 ? 's' : ''} at index ${indices.join(', ')}: ` : '';
    return new SignalError(prefix ? 'SIGNAL_VALIDATION_FAILED' : bodyCode, lead + summarise(fields), fields);
  }
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (known) return new SignalError(known.code, known.message(error, request));
  if (error instanceof SyntaxError) return new SignalError('SIGNAL_INVALID_JSON', `The request body is not valid JSON: ${error.message}`);
  const zlibCode = (error as { code?: string }).code;
  if (zlibCode === 'Z_DATA_ERROR' || zlibCode === 'Z_BUF_ERROR') {
    return new SignalError('SIGNAL_INVALID_JSON', 'The body is not valid gzip/deflate data for its Content-Encoding');
  }
  if (isDataException(error)) return refusedValue(error, requestInputs(request));
  if (error.statusCode === 429) return new SignalError('SIGNAL_RATE_LIMITED', error.message);
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new SignalError('SIGNAL_VALIDATION_FAILED', error.message);
  }
  return new SignalError('SIGNAL_INTERNAL', 'Internal error; it has been logged', [], { cause: error });
}

/**
 * Any error as the SignalError it is answered with (a 5xx logged): its status, code, message
 * and fields, as `sendError` sends them.
 *
 * @example
 * const answer = errorAnswer(error, request); // answer.statusCode, answer.code, answer.message
 */
export function errorAnswer(error: FastifyError, request: FastifyRequest, bodyCode: BodyErrorCode = 'SIGNAL_INVALID_EVENT'): SignalError {
  const signal = toSignalError(error, bodyCode, request);
  if (signal.statusCode >= 500) request.log.error({ err: signal.cause ?? error }, signal.message);
  return signal;
}

/** Sends any error as `{ error: { code, message, fields? } }` with its status and Retry-After. */
export function sendError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, bodyCode: BodyErrorCode = 'SIGNAL_INVALID_EVENT'): FastifyReply {
  const signal = errorAnswer(error, request, bodyCode);
  if (signal.retryAfter !== undefined) reply.header('retry-after', String(signal.retryAfter));
  return reply.code(signal.statusCode).type('application/json').send(signal.toJSON());
}

/**
 * Installs the JSON error format and a JSON 404 on an app. `bodyCode` is the code of a body
 * that fails its schema (collect: `SIGNAL_INVALID_EVENT`; admin: `SIGNAL_VALIDATION_FAILED`).
 *
 * @example
 * installErrorHandling(app, 'SIGNAL_VALIDATION_FAILED');
 */
export function installErrorHandling(app: FastifyInstance, bodyCode: BodyErrorCode = 'SIGNAL_INVALID_EVENT'): void {
  app.setErrorHandler((error: FastifyError, request, reply) => sendError(error, request, reply, bodyCode));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    // The path exists with other methods (GET /v1/track): a 405 saying which, as HTTP asks.
    // findRoute matches the path as the router would, parametric routes included
    // (/v1/admin/integrations/<id>); hasRoute compares route patterns only.
    const allowed = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter((method) => method !== request.method && app.findRoute({ method, url: path }) !== null);
    if (allowed.length > 0) {
      return reply.code(405).header('allow', allowed.join(', ')).send(new SignalError('SIGNAL_METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}: use ${allowed.join(' or ')}`).toJSON());
    }
    return reply.code(404).send(new SignalError('SIGNAL_NOT_FOUND', `No route ${request.method} ${path}`).toJSON());
  });
}
