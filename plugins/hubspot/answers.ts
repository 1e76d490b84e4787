// HubSpot's answers as its error handling reference describes them: a JSON body with a
// `message`, a `category` (VALIDATION_ERROR, MISSING_SCOPES, RATE_LIMITS, …), a
// `correlationId` for HubSpot's support, and, for CRM APIs, `errors` with their own `message`,
// `code` and `context` ("details on required properties that were not included … as well as
// any issues with malformed properties"); a batch's multi-status answer lists its failed inputs
// in `errors`, each naming them in `context.objectWriteTraceId`. Every field is optional
// ("any error parsing should allow for specific fields to be missing").
import { excerpt, isJsonObject, trimmedText, type VendorResponse } from '../../core/sdk/index.ts';

/** How much of HubSpot's answer a reason quotes. */
const EXCERPT_CHARS = 400;

/** One error object of an answer (the answer itself, or an item of its `errors`). */
export interface HubSpotError {
  status?: unknown;
  message?: unknown;
  category?: unknown;
  subCategory?: unknown;
  code?: unknown;
  in?: unknown;
  context?: unknown;
  errors?: unknown;
  correlationId?: unknown;
  policyName?: unknown;
  errorType?: unknown;
}

/**
 * The answer's JSON object, when it is one.
 *
 * @example
 * answerOf({ status: 400, headers: {}, body, json: { message: 'Invalid input' } }); // { message: 'Invalid input' }
 */
export function answerOf(response: VendorResponse): HubSpotError | undefined {
  return isJsonObject(response.json) ? (response.json as HubSpotError) : undefined;
}

/**
 * The items of an answer's (or an error's) `errors`.
 *
 * @example
 * errorsOf({ errors: [{ message: 'x' }, 'junk'] }); // [{ message: 'x' }]
 */
export function errorsOf(error: HubSpotError | undefined): HubSpotError[] {
  return Array.isArray(error?.errors) ? error.errors.filter(isJsonObject) as HubSpotError[] : [];
}

/**
 * A `context` in words: `{ propertyName: ['email'] }` → `propertyName: email`; text as it is.
 * The trace ids multi-status errors carry are left out: they are the events' own ids.
 *
 * @example
 * contextText({ propertyName: ['email'], objectWriteTraceId: ['m-1'] }); // 'propertyName: email'
 */
export function contextText(context: unknown): string {
  if (typeof context === 'string') return context.trim();
  if (!isJsonObject(context)) return '';
  return Object.entries(context)
    .filter(([key]) => key !== 'objectWriteTraceId')
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.map(String).join(', ') : typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('; ');
}

/**
 * What one error says: its message, the `errors` inside it with their code and context, and
 * its category.
 *
 * @example
 * errorText({ message: 'Property values were not valid', category: 'VALIDATION_ERROR', errors: [{ message: 'Email address jane@ is invalid', code: 'INVALID_EMAIL', context: { propertyName: ['email'] } }] });
 * // 'Property values were not valid: Email address jane@ is invalid (INVALID_EMAIL; propertyName: email) [VALIDATION_ERROR]'
 */
export function errorText(error: HubSpotError): string {
  const message = trimmedText(error.message) ?? '';
  const inner = errorsOf(error).map((e) => {
    const details = [typeof e.code === 'string' && e.code !== '' ? e.code : '', typeof e.in === 'string' && e.in !== '' ? `in ${e.in}` : '', contextText(e.context)].filter(Boolean).join('; ');
    const text = typeof e.message === 'string' ? e.message.trim() : '';
    return `${text}${details ? ` (${details})` : ''}`.trim();
  }).filter((text) => text !== '' && text !== message);
  // An error without errors inside (an item of a batch's errors) says its own code and context.
  const own = errorsOf(error).length === 0 ? [typeof error.code === 'string' && error.code !== '' ? error.code : '', contextText(error.context)].filter(Boolean).join('; ') : '';
  const category = typeof error.category === 'string' && error.category !== '' ? ` [${error.category}]` : '';
  const body = [message, inner.join('; ')].filter(Boolean).join(': ');
  return `${body}${own ? ` (${own})` : ''}${category}`.trim();
}

/**
 * HubSpot's own words for a whole answer: its error text and correlation id, else the body.
 *
 * @example
 * saidOf({ status: 401, headers: {}, body, json: { message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION', correlationId: 'c-1' } });
 * // 'Authentication credentials not found. [INVALID_AUTHENTICATION] (correlationId c-1)'
 */
export function saidOf(response: VendorResponse): string {
  const answer = answerOf(response);
  const text = answer ? errorText(answer) : '';
  if (text === '') return excerpt(response.body ?? '', EXCERPT_CHARS) || '(no body)';
  const correlation = typeof answer?.correlationId === 'string' && answer.correlationId !== '' ? ` (correlationId ${answer.correlationId})` : '';
  return excerpt(`${text}${correlation}`, EXCERPT_CHARS);
}

/**
 * The trace ids (the events' ids) an error names: `context.objectWriteTraceId`, a list (or one).
 *
 * @example
 * traceIdsOf({ context: { objectWriteTraceId: ['m-1', 'm-2'] } }); // ['m-1', 'm-2']
 */
export function traceIdsOf(error: HubSpotError): string[] {
  const ids = isJsonObject(error.context) ? error.context.objectWriteTraceId : undefined;
  if (typeof ids === 'string') return [ids];
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}

/**
 * A header's value, whatever the letter case of its name.
 *
 * @example
 * headerOf({ 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000' }, 'x-hubspot-ratelimit-interval-milliseconds'); // '10000'
 */
export function headerOf(headers: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}
