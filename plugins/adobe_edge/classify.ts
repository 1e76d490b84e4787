// The Edge Network's answers to /ee/v2/collect. It takes a request with 202 (`{ requestId }`),
// or 204; a fatal error is an RFC 7807 problem (`type` https://ns.adobe.com/aep/errors/EXEG-<code>,
// `status`, `title`, `detail`, `report.errors`). Non-fatal errors of an upstream service come
// with 207 in `errors`: the request was taken, so its events are not sent again (Adobe Analytics
// does not deduplicate). A fatal input error refuses the whole request before anything goes
// upstream, and Adobe's problem does not say which event of a batch it is about (its 0306
// "No primary identity found in the input event" names none): a request of several is sent
// again in halves until the refused event stands alone.
import { defaultClassify, excerpt, isJsonObject, isWebPage, readText, transientRetry, type Classification, type JsonValue, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** The EXEG code of a problem's `type` (`0306-400`), when it has one. */
export function problemCode(json: JsonValue | undefined): string | undefined {
  const type = isJsonObject(json) ? readText(json.type) : undefined;
  return type?.match(/EXEG-(\d{4}-\d{3})/)?.[1];
}

/** What Adobe said: `EXEG-code title: detail (report errors)`, else the body's start, or "(no body)". */
export function said(response: VendorResponse): string {
  const json = response.json as JsonValue | undefined;
  if (isJsonObject(json) && (json.title !== undefined || json.detail !== undefined)) {
    const code = problemCode(json);
    const report = isJsonObject(json.report) && Array.isArray(json.report.errors) ? json.report.errors.map((error) => (typeof error === 'string' ? error : JSON.stringify(error))).join('; ') : undefined;
    const text = [code === undefined ? undefined : `EXEG-${code}`, [readText(json.title), readText(json.detail)].filter(Boolean).join(': ')].filter(Boolean).join(' ');
    return excerpt(report === undefined || report === '' ? text : `${text} (${report})`, 400);
  }
  const flat = (response.body ?? '').replace(/\s+/g, ' ').trim();
  return flat === '' ? '(no body)' : excerpt(flat, 300);
}

/** What to check for each 401 code Adobe documents. */
const AUTH_ADVICE: Record<string, string> = {
  '0500-401': 'the datastream requires authenticated requests, or the token is malformed: set config.client_id, config.client_secret and config.org_id (an OAuth Server-to-Server credential)',
  '0502-401': 'the token is not valid: check that config.client_id and config.client_secret are the same credential',
  '0503-401': 'the token expired, a new one too: check the Signal host\'s clock',
  '0504-401': 'the credential lacks Experience Platform\'s product context: add the Experience Platform API to the Developer Console project (with a product profile), and config.scopes to include additional_info.projectedProductContext',
  '0505-401': 'the credential lacks the acp.foundation scope: add the Experience Platform API to the Developer Console project',
  '0506-401': 'the credential may not write to the datastream\'s sandbox: give its product profile the sandbox, with dataset write permission',
};

/** What to check for each 400/422 code that is the config's, not the event's. */
const CONFIG_ADVICE: Record<string, string> = {
  '0002-400': 'check config.datastream_id',
  '0003-400': 'config.datastream_id names no datastream',
  '0004-422': 'the datastream is disabled: enable it, or set config.datastream_id to another',
  '0010-422': 'the datastream has no Experience Platform service configured for the org',
  '0012-422': 'the datastream\'s sandbox does not exist',
  '0013-422': 'an identity namespace does not exist in the sandbox: check config.user_id_namespace and config.anonymous_id_namespace (Experience Platform > Identities)',
};

/**
 * Adobe's answer as the outcome of each event of the request:
 *
 * - 2xx: delivered (207's upstream errors too: the request was taken); but a web page (a
 *   proxy's) sent again; EXEG-0301-200 "user consent missing": declined, Adobe ignored it;
 * - 429 (the rate limit, no try used up), 502, 503, 504 and 408: retried, after Retry-After;
 *   Adobe's own 500 (an EXEG problem: its RequestProcessingError, which may come after the
 *   events went upstream — Adobe says not to retry it, a retry could count them twice)
 *   dead-lettered, to replay; a 500 without Adobe's problem (a proxy's) retried;
 * - 401: dead-lettered, naming what to fix (the core renewed the token once before);
 * - 403: dead-lettered (EXEG-0400-403: the datastream refuses requests from Signal's country);
 * - 400/422: the config's (naming the field) dead-lettered; else Adobe's problem (an EXEG code)
 *   about several events sent again in halves (an input error refuses the request before it
 *   goes upstream, and does not say which event); of one, or without Adobe's problem,
 *   dead-lettered with what was said; 413 of several sent again in halves;
 * - 404 and other 4xx: dead-lettered with what was said.
 *
 * @example
 * classifyAdobeEdge({ status: 400, headers: {}, body: '{"type":"https://ns.adobe.com/aep/errors/EXEG-0306-400","title":"No primary identity set in request (event)"}' }, { …, eventIds: ['a', 'b'] });
 * // { status: 'split', reason: 'Adobe refused the request (HTTP 400: EXEG-0306-400 …) for an event it does not name: sent again in halves' }
 */
export function classifyAdobeEdge(response: VendorResponse, request: RequestDescriptor): Classification {
  const { status } = response;
  const what = said(response);
  const json = response.json as JsonValue | undefined;
  if (status >= 200 && status < 300) {
    if (isWebPage(response.body)) return { status: 'retry', reason: `HTTP ${status} with a web page (${what}): not Adobe's answer — a proxy? — so the events are sent again` };
    const notes = isJsonObject(json) ? [...(Array.isArray(json.errors) ? json.errors : []), ...(Array.isArray(json.warnings) ? json.warnings : [])] : [];
    if (notes.some((note) => problemCode(note) === '0301-200')) return { status: 'declined', reason: 'Adobe ignored the events for lack of the visitor\'s consent (EXEG-0301-200): the datastream enforces consent' };
    return { status: 'delivered' };
  }
  const code = problemCode(json);
  if (code === '0100-500') return { status: 'dead_letter', reason: `Adobe could not read the request (HTTP ${status}: ${what})` };
  // Adobe: "500 errors must not be retried, except for 502 and 503" — its RequestProcessingError
  // can come after the events went upstream, and Adobe Analytics would count a retry twice. A
  // 500 without Adobe's problem (a proxy's, before the Edge Network) is retried like any.
  if (status === 500 && code !== undefined) return { status: 'dead_letter', reason: `Adobe Edge Network failed processing the request (HTTP 500: ${what}); Adobe says not to retry it, since the events may already have reached its services: replay the dead letters once Adobe is healthy if they are missing there` };
  const transient = transientRetry(response, 'Adobe Edge Network', what);
  if (transient !== undefined) return transient;
  const several = request.eventIds.length > 1;
  if (status === 401) {
    const advice = (code === undefined ? undefined : AUTH_ADVICE[code]) ?? 'check config.client_id, config.client_secret and config.org_id';
    return { status: 'dead_letter', reason: `Adobe refused the authorization (HTTP 401: ${what}): ${advice}; then replay the dead letters` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `Adobe refused the request (HTTP 403: ${what}): ${code === '0400-403' ? 'the datastream\'s geo restrictions refuse requests from where Signal runs' : 'check the credential\'s access to the datastream\'s sandbox and config.org_id'}` };
  }
  if (status === 413 && several) return { status: 'split', reason: `Adobe refused the request as too large (HTTP 413: ${what}): sent again in halves` };
  if (status === 400 || status === 422) {
    const advice = code === undefined ? undefined : CONFIG_ADVICE[code];
    if (advice !== undefined) return { status: 'dead_letter', reason: `Adobe refused the request (HTTP ${status}: ${what}): ${advice}; then replay the dead letters` };
    // Adobe's InputError refuses the request before it goes upstream: halves are safe to send.
    if (several && code !== undefined) return { status: 'split', reason: `Adobe refused the request (HTTP ${status}: ${what}) for an event it does not name: sent again in halves` };
    return { status: 'dead_letter', reason: `Adobe refused the ${several ? 'request' : 'event'} (HTTP ${status}: ${what})` };
  }
  if (status === 404) return { status: 'dead_letter', reason: `Adobe HTTP 404 (${what}): check config.datastream_id and config.location_hint` };
  const fallback = defaultClassify(response);
  if (fallback.status === 'delivered') return fallback;
  return { ...fallback, reason: `Adobe Edge Network HTTP ${status}: ${what}` };
}
