// Reading Google's error answers (AIP-193): a failed request answers its HTTP status with
// `{ error: { code, message, status, details: [ { '@type': 'type.googleapis.com/google.rpc.<Kind>', … } ] } }`.
// The Data Manager API's details: `ErrorInfo` (`reason`: an ErrorReason such as
// INVALID_CONVERSION_ACTION_ID, or Google's own such as SERVICE_DISABLED; `domain`;
// `metadata`), `BadRequest` (`fieldViolations[]` of `field` — a path such as
// `events[3].ad_identifiers.gclid` — `description` and `reason`), `RetryInfo` (`retryDelay`),
// `RequestInfo` (`requestId`), `Help`, `LocalizedMessage`.
import { googleErrorDetails, isJsonObject, readGoogleErrorAnswer, trimmedText, type JsonValue } from '../../core/sdk/index.ts';

/** One field of the request Google blamed. */
export interface FieldViolation {
  field: string;
  description: string;
  reason?: string;
}

/** What an error answer says, read defensively (any part may be missing). */
export interface GoogleError {
  /** The canonical code's name (`INVALID_ARGUMENT`, `PERMISSION_DENIED`, …), when given. */
  status?: string;
  message: string;
  /** ErrorInfo reasons, and the reasons field violations give. */
  reasons: string[];
  violations: FieldViolation[];
  /** RetryInfo's delay, in ms. */
  retryDelayMs?: number;
  /** ErrorInfo metadata (e.g. SERVICE_DISABLED's `activationUrl`). */
  metadata: Record<string, string>;
  requestId?: string;
}

const EXCERPT_CHARS = 300;

/**
 * Text on one line, cut to 300 characters.
 *
 * @example
 * oneLine('a\n  b'); // 'a b'
 */
export function oneLine(value: string): string {
  const line = value.replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS - 1)}…` : line;
}

/**
 * Milliseconds of a protobuf Duration in JSON (`"30s"`, `"1.5s"`), as Google gives RetryInfo's
 * `retryDelay`; undefined for anything else.
 *
 * @example
 * durationMs('29s'); // 29000
 */
export function durationMs(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(value.trim()) : null;
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

/**
 * What a Google error answer says: its status, message, ErrorInfo and field violation
 * reasons, the violations, RetryInfo's delay, ErrorInfo's metadata and the request id.
 *
 * @example
 * readGoogleError({ error: { code: 400, status: 'INVALID_ARGUMENT', message: '…', details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest',
 *   fieldViolations: [{ field: 'events[0].ad_identifiers.gclid', description: 'Invalid gclid.', reason: 'INVALID_FORMAT' }] }] } });
 * // { status: 'INVALID_ARGUMENT', message: '…', reasons: ['INVALID_FORMAT'], violations: [{ field: 'events[0].ad_identifiers.gclid', … }], metadata: {} }
 */
export function readGoogleError(json: JsonValue | unknown): GoogleError {
  const error = readGoogleErrorAnswer(json);
  const violations: FieldViolation[] = [];
  for (const badRequest of googleErrorDetails(error, 'BadRequest')) {
    for (const violation of Array.isArray(badRequest.fieldViolations) ? badRequest.fieldViolations : []) {
      if (!isJsonObject(violation)) continue;
      const reason = trimmedText(violation.reason);
      violations.push({ field: trimmedText(violation.field) ?? '', description: oneLine(trimmedText(violation.description) ?? ''), ...(reason === undefined ? {} : { reason }) });
    }
  }
  const infos = googleErrorDetails(error, 'ErrorInfo');
  const metadata: Record<string, string> = {};
  for (const info of infos) {
    if (isJsonObject(info.metadata)) for (const [key, value] of Object.entries(info.metadata)) if (typeof value === 'string') metadata[key] = value;
  }
  const reasons = [...new Set([...infos.map((i) => trimmedText(i.reason)), ...violations.map((v) => v.reason)].filter((r): r is string => r !== undefined))];
  const delays = googleErrorDetails(error, 'RetryInfo').map((r) => durationMs(r.retryDelay)).filter((ms): ms is number => ms !== undefined);
  const requestId = googleErrorDetails(error, 'RequestInfo').map((r) => trimmedText(r.requestId)).find((id) => id !== undefined);
  const status = error?.status;
  return {
    ...(status === undefined ? {} : { status }),
    message: oneLine(error?.message ?? ''),
    reasons,
    violations,
    ...(delays.length > 0 ? { retryDelayMs: Math.max(...delays) } : {}),
    metadata,
    ...(requestId === undefined ? {} : { requestId }),
  };
}

/**
 * The index a field path gives for a list of the request (`events[3].ad_identifiers.gclid` →
 * 3 for `events`), camelCase or snake_case alike; undefined when it names none.
 *
 * @example
 * indexIn('events[3].ad_identifiers.gclid', 'events');  // 3
 * indexIn('destinations[0].product_destination_id', 'events'); // undefined
 */
export function indexIn(field: string, list: 'events' | 'destinations'): number | undefined {
  const match = new RegExp(`(?:^|\\.)${list}\\[(\\d+)\\]`).exec(field);
  return match ? Number(match[1]) : undefined;
}

/**
 * A field violation as a line of a reason: `field: description (REASON)`.
 *
 * @example
 * violationText({ field: 'events[0].currency', description: 'Invalid currency.', reason: 'INVALID_CURRENCY_CODE' }); // 'events[0].currency: Invalid currency. (INVALID_CURRENCY_CODE)'
 */
export function violationText(violation: FieldViolation): string {
  const said = [violation.field, violation.description].filter(Boolean).join(': ') || 'no description';
  return violation.reason ? `${said} (${violation.reason})` : said;
}
