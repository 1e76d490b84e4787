// Reading Zendesk's answers, as its API reference documents them: errors as
// `{ "error": "RecordInvalid", "description": "Record validation errors", "details": { "<field>":
// [{ "description": "…", "error": "…" }] } }` (422), `{ "error": "…", "description": "…" }` or
// `{ "error": { "title": "…", "message": "…" } }` (401, 403, 404), plain text for API-level
// refusals; the Events API's as `{ "errors": [{ "code": "…", "title": "…" }] }` (400); a job as `{ "job_status": { "id", "status", "results": [...] } }`. Shared by the
// classifier, the job status reports and the person deletions.
import { excerpt, isJsonObject, type VendorResponse } from '../../core/sdk/index.ts';

function words(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isJsonObject(value)) return [value.title, value.message, value.description].filter((v) => typeof v === 'string' && v !== '').join(': ');
  return '';
}

/**
 * The fields a 422's `details` names, with Zendesk's descriptions: `email: Email: x is not properly formatted`.
 *
 * @example
 * invalidFields({ json: { error: 'RecordInvalid', details: { email: [{ description: 'Email: x is not properly formatted' }] } } });
 * // [{ field: 'email', description: 'Email: x is not properly formatted' }]
 */
export function invalidFields(response: Pick<VendorResponse, 'json'>): Array<{ field: string; description: string }> {
  const details = isJsonObject(response.json) ? response.json.details : undefined;
  if (!isJsonObject(details)) return [];
  return Object.entries(details).flatMap(([field, list]) => (Array.isArray(list) ? list : [list]).map((item) => ({ field, description: words(item) || (isJsonObject(item) && typeof item.error === 'string' ? item.error : '') })));
}

/**
 * Zendesk's own words (`error: description; field: …`), else the body, for a reason.
 *
 * @example
 * answered({ status: 401, headers: {}, body: '…', json: { error: 'Couldn\'t authenticate you' } }); // "HTTP 401: Couldn't authenticate you"
 * answered({ status: 400, headers: {}, body: '…', json: { errors: [{ code: 'InvalidType', title: 'Type is invalid' }] } }); // 'HTTP 400: InvalidType: Type is invalid'
 */
export function answered(response: VendorResponse): string {
  const json = response.json;
  let said = '';
  if (isJsonObject(json)) {
    const head = [words(json.error), words(json.description)].filter(Boolean).join(': ');
    const fields = invalidFields(response).map((f) => `${f.field}: ${f.description}`).join('; ');
    const listed = Array.isArray(json.errors) ? json.errors.filter(isJsonObject).map((e) => [e.code, e.title ?? e.detail].filter((v) => typeof v === 'string' && v !== '').join(': ')).filter(Boolean).join('; ') : '';
    said = [head, fields, listed].filter(Boolean).join(' — ');
  }
  said = excerpt(said || (response.body ?? ''));
  return `HTTP ${response.status}${said ? `: ${said}` : ''}`;
}

/**
 * The `job_status` of an answer, when it holds one.
 *
 * @example
 * jobStatusOf({ json: { job_status: { id: 'j1', status: 'queued' } } }); // { id: 'j1', status: 'queued' }
 * jobStatusOf({ json: { user: { id: 1 } } });                           // undefined
 */
export function jobStatusOf(response: Pick<VendorResponse, 'json'>): Record<string, unknown> | undefined {
  const json = response.json;
  return isJsonObject(json) && isJsonObject(json.job_status) ? json.job_status : undefined;
}
