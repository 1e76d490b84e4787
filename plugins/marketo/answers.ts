// Reading Marketo's answers. Marketo answers almost everything with HTTP 200 and JSON:
// `{ requestId, success, result?, errors?, warnings? }`. A response-level error is
// `success: false` with `errors: [{ code, message }]` (codes 601–799, quoted; 6xx: the request
// was not executed); a record-level one is a `result[]` entry (in the order of the request's
// input) with `status: "skipped"` and `reasons` (Sync Leads) or `errors` (Add Custom Activities):
// `[{ code, message }]`, codes 1xxx.
import { excerpt, type JsonObject, type JsonValue, type VendorResponse } from '../../core/sdk/index.ts';

export interface MarketoError {
  code: string;
  message: string;
}

function isObject(value: JsonValue | undefined | unknown): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The answer's JSON object, or undefined when the body is no JSON object.
 *
 * @example
 * bodyOf({ status: 200, headers: {}, body: '{"success":true,"result":[]}' }); // { success: true, result: [] }
 */
export function bodyOf(response: VendorResponse): JsonObject | undefined {
  if (isObject(response.json)) return response.json;
  try {
    const parsed = JSON.parse(response.body) as unknown;
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `[{ code, message }]` entries of a list, codes as text. */
export function errorList(value: JsonValue | undefined): MarketoError[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((e) => ({ code: String(e.code ?? '').trim(), message: typeof e.message === 'string' ? e.message : '' }));
}

/**
 * The response-level errors of an answer (`success: false`), or none.
 *
 * @example
 * errorsOf({ status: 200, headers: {}, body: '{"success":false,"errors":[{"code":"606","message":"Max rate limit \'100\' exceeded with in \'20\' secs"}]}' });
 * // [{ code: '606', message: "Max rate limit '100' exceeded with in '20' secs" }]
 */
export function errorsOf(response: VendorResponse): MarketoError[] {
  const body = bodyOf(response);
  if (!body || body.success !== false) return [];
  return errorList(body.errors);
}

/**
 * Errors said as Marketo words them: `606 Max rate limit … (requestId e42b#14272d07d78)`.
 *
 * @example
 * saidErrors([{ code: '1006', message: "Field 'plan' not found" }]); // "1006 Field 'plan' not found"
 */
export function saidErrors(errors: MarketoError[], requestId?: string): string {
  const text = errors.map((e) => `${e.code} ${e.message}`.trim()).join('; ');
  return requestId ? `${text} (requestId ${requestId})` : text;
}

/** The answer's requestId, when it gives one (Marketo support asks for it). */
export function requestIdOf(response: VendorResponse): string | undefined {
  const id = bodyOf(response)?.requestId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * The answer in short, for a reason: `HTTP 200: 606 Max rate limit …` or the body's beginning.
 *
 * @example
 * answered({ status: 502, headers: {}, body: '<html>Bad Gateway</html>' }); // 'HTTP 502: <html>Bad Gateway</html>'
 */
export function answered(response: VendorResponse): string {
  const errors = errorsOf(response);
  if (errors.length > 0) return `HTTP ${response.status}: ${saidErrors(errors, requestIdOf(response))}`;
  const text = excerpt(response.body ?? '', 300);
  return text === '' ? `HTTP ${response.status}` : `HTTP ${response.status}: ${text}`;
}

/** One entry of an answer's `result[]`: its status and errors (`reasons`, or `errors` for activities). */
export interface RecordResult {
  id?: number;
  status: string;
  errors: MarketoError[];
}

/**
 * The `result[]` of a successful answer, or undefined when the answer has none (not Marketo's
 * answer to a write).
 *
 * @example
 * resultsOf({ status: 200, headers: {}, body: '{"success":true,"result":[{"id":50,"status":"created"}]}' }); // [{ id: 50, status: 'created', errors: [] }]
 */
export function resultsOf(response: VendorResponse): RecordResult[] | undefined {
  const body = bodyOf(response);
  if (!body || body.success !== true || !Array.isArray(body.result)) return undefined;
  return body.result.map((entry) => {
    if (!isObject(entry)) return { status: '', errors: [] };
    return {
      ...(typeof entry.id === 'number' ? { id: entry.id } : {}),
      status: typeof entry.status === 'string' ? entry.status : '',
      errors: [...errorList(entry.reasons), ...errorList(entry.errors)],
    };
  });
}

/**
 * The leads of a Get Leads by Filter Type answer: each record's id and its lookup field's value.
 *
 * @example
 * leadsOf({ status: 200, headers: {}, body: '{"success":true,"result":[{"id":318581,"email":"abe@usa.gov"}]}' }, 'email');
 * // [{ id: 318581, value: 'abe@usa.gov' }]
 */
export function leadsOf(response: VendorResponse, field: string): Array<{ id: number; value: string | undefined }> | undefined {
  const body = bodyOf(response);
  if (!body || body.success !== true) return undefined;
  if (body.result === undefined) return [];
  if (!Array.isArray(body.result)) return undefined;
  return body.result.filter(isObject).filter((lead) => typeof lead.id === 'number').map((lead) => {
    const value = lead[field];
    return { id: lead.id as number, value: typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined };
  });
}
