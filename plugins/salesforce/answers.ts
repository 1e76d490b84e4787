// Salesforce's answers, as its REST API documents them:
// - a request it refuses: an HTTP error status and a JSON list of errors,
//   `[{ "message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID", "fields": [] }]`;
// - the sObject Collections: HTTP 200 and one result per record, in the order sent —
//   `{ id, success, errors: [{ statusCode, message, fields }], created? }` (an UpsertResult has
//   `created`; SaveResult and DeleteResult do not);
// - a query: `{ totalSize, done, records: [{ attributes, Id, … }], nextRecordsUrl? }`.
import { excerpt, type VendorResponse } from '../../core/sdk/index.ts';

/** One error of a refused request (`errorCode`) or of a record's result (`statusCode`). */
export interface SalesforceError {
  code: string;
  message: string;
  fields: string[];
}

/** One record's result in an sObject Collections answer. */
export interface RecordResult {
  id?: string;
  success: boolean;
  created?: boolean;
  errors: SalesforceError[];
}

/** A record a query answered. */
export interface QueryRecord {
  Id: string;
  Email?: string;
  IsConverted?: boolean;
}

function jsonOf(response: VendorResponse): unknown {
  if (response.json !== undefined) return response.json;
  try {
    return JSON.parse(response.body);
  } catch {
    return undefined;
  }
}

function errorOf(value: unknown): SalesforceError | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entry = value as Record<string, unknown>;
  const code = typeof entry.errorCode === 'string' ? entry.errorCode : typeof entry.statusCode === 'string' ? entry.statusCode : undefined;
  const message = typeof entry.message === 'string' ? entry.message : '';
  if (code === undefined && message === '') return undefined;
  const fields = Array.isArray(entry.fields) ? entry.fields.filter((field): field is string => typeof field === 'string') : [];
  return { code: code ?? '', message, fields };
}

/**
 * The errors of a refused request (a list, or one error object).
 *
 * @example
 * errorsOf({ status: 401, headers: {}, body: '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]' });
 * // [{ code: 'INVALID_SESSION_ID', message: 'Session expired or invalid', fields: [] }]
 */
export function errorsOf(response: VendorResponse): SalesforceError[] {
  const json = jsonOf(response);
  const list = Array.isArray(json) ? json : json !== undefined ? [json] : [];
  return list.map(errorOf).filter((error): error is SalesforceError => error !== undefined);
}

/**
 * The results of an sObject Collections answer, or undefined when the body is no such list.
 *
 * @example
 * resultsOf({ status: 200, headers: {}, body: '[{"id":"00Q5e00000AbCdEAAV","success":true,"errors":[],"created":true}]' });
 * // [{ id: '00Q5e00000AbCdEAAV', success: true, created: true, errors: [] }]
 */
export function resultsOf(response: VendorResponse): RecordResult[] | undefined {
  const json = jsonOf(response);
  if (!Array.isArray(json)) return undefined;
  const results: RecordResult[] = [];
  for (const entry of json) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry) || typeof (entry as Record<string, unknown>).success !== 'boolean') return undefined;
    const raw = entry as Record<string, unknown>;
    results.push({
      ...(typeof raw.id === 'string' && raw.id !== '' ? { id: raw.id } : {}),
      success: raw.success as boolean,
      ...(typeof raw.created === 'boolean' ? { created: raw.created } : {}),
      errors: Array.isArray(raw.errors) ? raw.errors.map(errorOf).filter((error): error is SalesforceError => error !== undefined) : [],
    });
  }
  return results;
}

/**
 * A query's answer, or undefined when the body is none.
 *
 * @example
 * queryOf({ status: 200, headers: {}, body: '{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Lead"},"Id":"00Q…","Email":"jane@example.com"}]}' });
 * // { done: true, records: [{ Id: '00Q…', Email: 'jane@example.com' }] }
 */
export function queryOf(response: VendorResponse): { done: boolean; records: QueryRecord[] } | undefined {
  const json = jsonOf(response);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const answer = json as Record<string, unknown>;
  if (!Array.isArray(answer.records)) return undefined;
  const records: QueryRecord[] = [];
  for (const entry of answer.records) {
    if (entry === null || typeof entry !== 'object') continue;
    const raw = entry as Record<string, unknown>;
    if (typeof raw.Id !== 'string' || raw.Id === '') continue;
    records.push({ Id: raw.Id, ...(typeof raw.Email === 'string' ? { Email: raw.Email } : {}), ...(typeof raw.IsConverted === 'boolean' ? { IsConverted: raw.IsConverted } : {}) });
  }
  return { done: answer.done !== false, records };
}

/**
 * Errors in words: `CODE: message (fields A, B)`, joined by `; `.
 *
 * @example
 * saidErrors([{ code: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Company]', fields: ['Company'] }]);
 * // 'REQUIRED_FIELD_MISSING: Required fields are missing: [Company]'
 */
export function saidErrors(errors: readonly SalesforceError[]): string {
  return errors.map((error) => {
    const fields = error.fields.length > 0 && !error.fields.every((field) => error.message.includes(field)) ? ` (fields ${error.fields.join(', ')})` : '';
    return excerpt(`${error.code}${error.code && error.message ? ': ' : ''}${error.message}${fields}`, 300);
  }).join('; ');
}

/**
 * What Salesforce answered, for a reason: the status and its errors (else the body's start).
 *
 * @example
 * answered({ status: 403, headers: {}, body: '[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]' });
 * // 'HTTP 403: REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.'
 */
export function answered(response: VendorResponse): string {
  const errors = errorsOf(response);
  const flat = (response.body ?? '').replace(/\s+/g, ' ').trim();
  const said = errors.length > 0 ? saidErrors(errors) : flat === '' ? '' : excerpt(flat, 300);
  return `HTTP ${response.status}${said === '' ? '' : `: ${said}`}`;
}

/**
 * The fields a REQUIRED_FIELD_MISSING error names: its `fields`, else the list in its message
 * ("Required fields are missing: [LastName, Company]").
 *
 * @example
 * missingFieldsOf({ code: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName, Company]', fields: [] }); // ['LastName', 'Company']
 */
export function missingFieldsOf(error: SalesforceError): string[] {
  if (error.fields.length > 0) return error.fields;
  const listed = /\[([^\]]*)\]/.exec(error.message)?.[1];
  return listed === undefined ? [] : listed.split(',').map((field) => field.trim()).filter((field) => field !== '');
}
