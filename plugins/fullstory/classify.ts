// Fullstory's answers to Create Event and Create User, as its API reference documents them:
// 200 for a created event or user (Create User answers `{ id }`, Fullstory's id of the user);
// errors as `{ message, code }` — 400 "invalid input" ("Fix the issue and retry"), 401
// `unauthorized`, 403 `forbidden` ("insufficient permissions"), 404 `resource_not_found`, 429
// `too_many_requests` with Retry-After ("the number of seconds that you should wait"), 500
// server errors.
import { defaultClassify, excerpt, responseHeader, type ClassifyResult, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { EVENTS_PATH } from './hosts.ts';

/** Fullstory's own words: its error's `message` and `code`, else the body's text. */
export function saidBy(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const answer = json as Record<string, unknown>;
    const message = typeof answer.message === 'string' ? answer.message.trim() : '';
    const code = typeof answer.code === 'string' ? answer.code.trim() : '';
    if (message !== '' || code !== '') return excerpt(message !== '' && code !== '' ? `${message} (${code})` : message || code);
  }
  return excerpt(response.body ?? '');
}

/** Whether a 2xx is Fullstory's JSON answer (an object, or no body), not a proxy's or portal's page. */
function isFullstoryAnswer(response: VendorResponse): boolean {
  const type = responseHeader(response.headers, 'content-type') ?? '';
  if (/text\/html/i.test(type) || /^\s*</.test(response.body ?? '')) return false;
  if ((response.body ?? '').trim() === '') return true;
  return response.json !== null && typeof response.json === 'object' && !Array.isArray(response.json);
}

function apiOf(request: RequestDescriptor): string {
  return request.url.endsWith(EVENTS_PATH) ? 'Create Event' : 'Create User';
}

/**
 * Fullstory's answers, per request (one event each). 2xx delivered — unless it is not
 * Fullstory's JSON, dead-lettered naming config.data_center. 400: dead-lettered with
 * Fullstory's message and code. 401: config.api_key refused; 403: the key lacks the
 * permission. 404: no such API there (config.data_center). 408, 429 and 5xx: retried, after
 * Retry-After when given (a 429 uses up no try). Any other: dead-lettered with Fullstory's words.
 *
 * @example
 * classifyFullstory({ status: 400, headers: {}, body: '…', json: { message: 'name is required', code: 'invalid_argument' } }, request);
 * // { status: 'dead_letter', reason: 'Fullstory refused the event (Create Event, HTTP 400: name is required (invalid_argument))' }
 */
export function classifyFullstory(response: VendorResponse, request: RequestDescriptor): ClassifyResult {
  const { status } = response;
  const api = apiOf(request);
  const item = api === 'Create Event' ? 'event' : 'user';
  if (status >= 200 && status < 300) {
    if (isFullstoryAnswer(response)) return { status: 'delivered' };
    return {
      status: 'dead_letter',
      reason: `Fullstory's ${api} API did not answer (HTTP ${status} without its JSON answer): ${request.url} is not Fullstory's — check config.data_center (na1: api.fullstory.com, eu1: api.eu1.fullstory.com) and any proxy between Signal and Fullstory; replay the dead letters once fixed`,
    };
  }
  const said = saidBy(response);
  const answered = `HTTP ${status}${said ? `: ${said}` : ''}`;
  if (status === 400 || status === 413 || status === 422) return { status: 'dead_letter', reason: `Fullstory refused the ${item} (${api}, ${answered})` };
  if (status === 401) return { status: 'dead_letter', reason: `Fullstory refused the API key (${api}, ${answered}): check config.api_key (Settings > Integrations > API Keys) — revoked, mistyped, or of another data center than config.data_center` };
  if (status === 403) return { status: 'dead_letter', reason: `Fullstory refused the request (${api}, ${answered}): the key in config.api_key lacks the permission — create a key with at least the Standard role (Settings > Integrations > API Keys)` };
  if (status === 404) return { status: 'dead_letter', reason: `Fullstory has no ${api} API at ${request.url} (${answered}): check config.data_center` };
  const classified = defaultClassify(response);
  if (!('reason' in classified)) return classified;
  const what = status === 429 ? 'rate-limited the request' : classified.status === 'retry' ? 'failed' : `refused the ${item}`;
  return { ...classified, reason: `Fullstory ${what} (${api}, ${answered})` };
}
