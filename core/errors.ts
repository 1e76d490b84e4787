/**
 * The one registry of errors a user can cause, each with a stable code and HTTP status.
 * Codes never change meaning once released: clients and dashboards match on them.
 */

export interface ErrorField {
  /** Dotted path of the offending field, e.g. `batch[3].event` or `config.api_key`. */
  field: string;
  /** What was wrong and what was expected. */
  message: string;
  /** Index in a batch, when the error belongs to one event of a batch. */
  index?: number;
}

interface ErrorDefinition {
  statusCode: number;
  message: string;
}

export const ERROR_CODES = {
  SIGNAL_INVALID_JSON: { statusCode: 400, message: 'The request body is not valid JSON' },
  SIGNAL_INVALID_EVENT: { statusCode: 400, message: 'The event is invalid' },
  SIGNAL_EVENT_TOO_LARGE: { statusCode: 400, message: 'An event is larger than 32 KB' },
  SIGNAL_UNSTORABLE_EVENT: { statusCode: 400, message: 'PostgreSQL refused the event' },
  SIGNAL_BODY_TOO_LARGE: { statusCode: 413, message: 'The request body is larger than 500 KB' },
  SIGNAL_UNSUPPORTED_MEDIA_TYPE: { statusCode: 415, message: 'Unsupported content type' },
  SIGNAL_UNSUPPORTED_ENCODING: { statusCode: 415, message: 'Unsupported content encoding' },
  SIGNAL_UNAUTHORIZED: { statusCode: 401, message: 'Unknown or disabled pipeline key' },
  SIGNAL_ADMIN_UNAUTHORIZED: { statusCode: 401, message: 'Missing or invalid admin token' },
  SIGNAL_ADMIN_FORBIDDEN: { statusCode: 403, message: 'This admin token may not make changes' },
  SIGNAL_RATE_LIMITED: { statusCode: 429, message: 'Too many requests' },
  SIGNAL_HEADERS_TOO_LARGE: { statusCode: 431, message: 'The request headers are larger than the server accepts' },
  SIGNAL_REQUEST_TIMEOUT: { statusCode: 408, message: 'The request was not received in time' },
  SIGNAL_MALFORMED_REQUEST: { statusCode: 400, message: 'The request is not valid HTTP' },
  SIGNAL_STORAGE_UNAVAILABLE: { statusCode: 503, message: 'Events could not be stored; retry later' },
  SIGNAL_NOT_FOUND: { statusCode: 404, message: 'Not found' },
  SIGNAL_METHOD_NOT_ALLOWED: { statusCode: 405, message: 'Method not allowed on this path' },
  SIGNAL_VALIDATION_FAILED: { statusCode: 400, message: 'Invalid input' },
  SIGNAL_UNKNOWN_VENDOR: { statusCode: 404, message: 'No such vendor in the catalog' },
  SIGNAL_UNKNOWN_VARIANT: { statusCode: 400, message: 'No such variant for this vendor' },
  SIGNAL_INVALID_CONFIG: { statusCode: 400, message: 'The integration config is invalid' },
  SIGNAL_CONFLICT: { statusCode: 409, message: 'Conflict' },
  SIGNAL_EXPORT_TOO_LARGE: { statusCode: 400, message: 'The export is too large for this call' },
  SIGNAL_INTERNAL: { statusCode: 500, message: 'Internal error' },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * An error with a stable code, an HTTP status and, where it applies, the fields at fault.
 *
 * @example
 * throw new SignalError('SIGNAL_INVALID_CONFIG', 'config.api_key is required', [
 *   { field: 'config.api_key', message: 'is required' },
 * ]);
 */
export class SignalError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly fields: ErrorField[];
  /** Seconds the client should wait before retrying (429, 503). */
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message?: string, fields: ErrorField[] = [], options?: { retryAfter?: number; cause?: unknown }) {
    super(message ?? ERROR_CODES[code].message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SignalError';
    this.code = code;
    this.statusCode = ERROR_CODES[code].statusCode;
    this.fields = fields;
    if (options?.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }

  /** The JSON body every HTTP API of Signal answers with on error. */
  toJSON(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.fields.length > 0 ? { fields: this.fields } : {}),
      },
    };
  }
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: ErrorField[] };
}

export function isSignalError(value: unknown): value is SignalError {
  return value instanceof SignalError;
}
