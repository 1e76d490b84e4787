// Zoho CRM's answers, read into plain shapes:
//
// - a write or a deletion: `{ data: [{ code, details, message, status }] }`, one entry a record in
//   the request's order — `code: "SUCCESS"` (an upsert's with `action: "insert" | "update"` and
//   `duplicate_field`), or an error code (`MANDATORY_NOT_FOUND`, `INVALID_DATA`,
//   `DUPLICATE_DATA`, …) whose `details` name the field (`api_name`);
// - a refusal of the whole request: `{ code, details, message, status: "error" }` (INVALID_TOKEN,
//   OAUTH_SCOPE_MISMATCH, NO_PERMISSION, INVALID_MODULE, …);
// - a search: `{ data: [records], info: { more_records, … } }`, or HTTP 204 and no body when no
//   record matches.
import { isJsonObject, type JsonObject, type VendorResponse } from '../../core/sdk/index.ts';

/** One entry of a write's or deletion's `data`. */
export interface EntryResult {
  success: boolean;
  code: string;
  message: string;
  /** The field the entry names (`details.api_name`), when it names one. */
  field?: string;
  /** The record id (`details.id`), when given. */
  id?: string;
}

/** A searched record: its id and Email. */
export interface FoundRecord {
  id: string;
  email?: string;
}

function jsonOf(response: VendorResponse): unknown {
  if (response.json !== undefined) return response.json;
  try {
    return JSON.parse(response.body);
  } catch {
    return undefined;
  }
}

/** One `data` entry as an EntryResult. */
function entryOf(value: unknown): EntryResult {
  const entry = isJsonObject(value as JsonObject) ? value as JsonObject : {};
  const code = typeof entry.code === 'string' ? entry.code : '';
  const details = isJsonObject(entry.details) ? entry.details : {};
  const success = code === 'SUCCESS' || entry.status === 'success';
  return {
    success, code: code || (success ? 'SUCCESS' : 'UNKNOWN'), message: typeof entry.message === 'string' ? entry.message : '',
    ...(typeof details.api_name === 'string' ? { field: details.api_name } : {}),
    ...(typeof details.id === 'string' ? { id: details.id } : {}),
  };
}

/**
 * The entries of a write's or deletion's answer, or undefined when it holds none (a refusal of
 * the whole request, or no Zoho JSON).
 *
 * @example
 * entriesOf({ status: 200, headers: {}, body: '{"data":[{"code":"SUCCESS","details":{"id":"1"},"message":"record added","status":"success"}]}' });
 * // [{ success: true, code: 'SUCCESS', message: 'record added', id: '1' }]
 */
export function entriesOf(response: VendorResponse): EntryResult[] | undefined {
  const json = jsonOf(response);
  if (!isJsonObject(json as JsonObject) || !Array.isArray((json as JsonObject).data)) return undefined;
  return ((json as JsonObject).data as unknown[]).map(entryOf);
}

/** The code of a refusal of the whole request (`{ code, message }`), or undefined. */
export function errorCodeOf(response: VendorResponse): string | undefined {
  const json = jsonOf(response);
  return isJsonObject(json as JsonObject) && typeof (json as JsonObject).code === 'string' ? (json as JsonObject).code as string : undefined;
}

/**
 * What Zoho said, for a reason: `HTTP <status>: <code>: <message>`, else the body's start.
 *
 * @example
 * answered({ status: 401, headers: {}, body: '{"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"}' });
 * // 'HTTP 401: INVALID_TOKEN: invalid oauth token'
 */
export function answered(response: VendorResponse): string {
  const json = jsonOf(response);
  if (isJsonObject(json as JsonObject) && typeof (json as JsonObject).code === 'string') {
    const { code, message } = json as JsonObject;
    return `HTTP ${response.status}: ${String(code)}${typeof message === 'string' && message !== '' ? `: ${message}` : ''}`;
  }
  const body = response.body.replace(/\s+/g, ' ').trim();
  return `HTTP ${response.status}${body === '' ? '' : `: ${body.slice(0, 200)}`}`;
}

/** An entry's words: `CODE: message (field)`. */
export function saidEntry(entry: EntryResult): string {
  return `${entry.code}${entry.message ? `: ${entry.message}` : ''}${entry.field ? ` (${entry.field})` : ''}`;
}

/**
 * The records of a search's answer and whether Zoho has more (`info.more_records`); none for a 204;
 * undefined for an answer that is no search result.
 *
 * @example
 * searchOf({ status: 204, headers: {}, body: '' }); // { records: [], more: false }
 */
export function searchOf(response: VendorResponse): { records: FoundRecord[]; more: boolean } | undefined {
  if (response.status === 204) return { records: [], more: false };
  const json = jsonOf(response);
  if (!isJsonObject(json as JsonObject) || !Array.isArray((json as JsonObject).data)) return undefined;
  const { data, info } = json as JsonObject;
  const records = (data as unknown[]).flatMap((value): FoundRecord[] => {
    if (!isJsonObject(value as JsonObject)) return [];
    const record = value as JsonObject;
    const id = typeof record.id === 'string' ? record.id : typeof record.id === 'number' ? String(record.id) : undefined;
    return id === undefined ? [] : [{ id, ...(typeof record.Email === 'string' ? { email: record.Email } : {}) }];
  });
  return { records, more: isJsonObject(info) && info.more_records === true };
}
