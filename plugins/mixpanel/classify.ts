// Mixpanel's answers as its Ingestion API documents them. /import with strict=1: 200 all
// ingested; 400 names the refused events in `failed_records` (by index and $insert_id) and
// ingests the others; 401 bad credentials; 413 too large; 429 rate limited (back off from 2 s).
// /engage answers 200 whatever it made of the updates; with verbose=1 (the level whose answer
// its reference documents) the body is `{status, error}`: status 1 when one or more updates of
// the request were valid — not that all were, nor that the token is the project's ("This does
// not signify a valid project token or secret") — and 0 when none was.
// A 2xx without either answer (a web page, other text, no body) is a proxy's, not Mixpanel's:
// the records are sent again.
import { excerpt, defaultClassify, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { authMethodOf } from './requests.ts';

/** Mixpanel's advice for 429s (and 502/503): start backing off at 2 s. */
const MIN_THROTTLE_WAIT_MS = 2000;

interface FailedRecord {
  index?: unknown;
  insert_id?: unknown;
  $insert_id?: unknown;
  field?: unknown;
  message?: unknown;
}

interface MixpanelAnswer {
  code?: unknown;
  error?: unknown;
  status?: unknown;
  failed_records?: unknown;
}

function answerOf(response: VendorResponse): MixpanelAnswer {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as MixpanelAnswer) : {};
}

/** Mixpanel's own words: its `error`, else the body. */
function said(response: VendorResponse): string {
  const error = answerOf(response).error;
  return typeof error === 'string' && error.trim() !== '' ? excerpt(error) : excerpt(response.body ?? '');
}

/** Which API a request went to: profile updates (/engage) or events (/import). */
function isEngage(request: RequestDescriptor): boolean {
  try {
    return new URL(request.url).pathname.endsWith('/engage');
  } catch {
    return false;
  }
}

/** The $insert_id of each record a request carried, by position. */
function insertIds(request: RequestDescriptor): Map<string, number> {
  const ids = new Map<string, number>();
  if (!Array.isArray(request.body)) return ids;
  request.body.forEach((record: JsonValue, index) => {
    const properties = record !== null && typeof record === 'object' && !Array.isArray(record) ? record.properties : undefined;
    const id = properties !== null && typeof properties === 'object' && !Array.isArray(properties) ? properties?.$insert_id : undefined;
    if (typeof id === 'string') ids.set(id, index);
  });
  return ids;
}

/**
 * Outcomes from `failed_records`: each refused record's event dead-lettered with Mixpanel's
 * field and message (found by index, else by $insert_id — the one the plugin sent, hashed when
 * the messageId did not fit); the others delivered, since Mixpanel ingests what passed.
 * Undefined when no record names an event of the request. /engage's strict answer is not
 * documented: a `failed_records` in it is read the same way.
 */
function perEventOutcomes(records: FailedRecord[], request: RequestDescriptor, what: string): Classification | undefined {
  const byInsertId = insertIds(request);
  const perEvent: Record<string, EventOutcome> = {};
  for (const record of records) {
    const insertId = record.insert_id ?? record.$insert_id;
    const index = typeof record.index === 'number' && Number.isInteger(record.index) && record.index >= 0 && record.index < request.eventIds.length
      ? record.index
      : typeof insertId === 'string' ? byInsertId.get(insertId) : undefined;
    if (index === undefined) continue;
    const field = typeof record.field === 'string' && record.field !== '' ? ` (${record.field})` : '';
    const message = typeof record.message === 'string' && record.message !== '' ? record.message : 'failed validation';
    const id = request.eventIds[index]!;
    const previous = perEvent[id];
    perEvent[id] = { status: 'dead_letter', reason: `${previous && previous.status === 'dead_letter' ? `${previous.reason}; ` : `Mixpanel refused the ${what}`}${field}: ${message}` };
  }
  return Object.keys(perEvent).length > 0 ? { perEvent } : undefined;
}

/** What to fix when Mixpanel refuses the credentials, for the credential the config uses. */
function credentialAdvice(status: number, answered: string, request: RequestDescriptor, ctx: PluginContext): string {
  const region = 'and that config.region is the project\'s data residency (US, EU or India)';
  if (isEngage(request)) return `Mixpanel refused the project token for profile updates (${answered}): check config.project_token (Project Settings > Access Keys) ${region}`;
  switch (authMethodOf(ctx.config)) {
    case 'service_account':
      return status === 403
        ? `Mixpanel refused the service account for project ${String(ctx.config.project_id)} (${answered}): /import needs a service account with the Owner or Admin role on that project (Organization Settings > Service Accounts), and config.project_id must be that project's ID`
        : `Mixpanel refused the service account (${answered}): check config.service_account_username and config.service_account_secret (Organization Settings > Service Accounts), that config.project_id is the project's ID, ${region}`;
    case 'project_secret':
      return `Mixpanel refused the project secret (${answered}): check config.api_secret (Project Settings > Access Keys) ${region}. Project secrets are deprecated: prefer a service account`;
    default:
      return `Mixpanel refused the project token (${answered}): check config.project_token (Project Settings > Access Keys) ${region}, or authenticate with a service account`;
  }
}

/** A 429 (or a 502/503, which Mixpanel says to treat alike): retried after Retry-After, at least 2 s. */
function backOff(response: VendorResponse, reason: string): Extract<EventOutcome, { status: 'retry' }> {
  const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'));
  return { status: 'retry', reason, retryAfterMs: Math.max(MIN_THROTTLE_WAIT_MS, retryAfterMs ?? 0) };
}

/** Whether an /engage body says no update of the request was valid: `{status: 0}` (verbose=1) or `0`. */
function engageRefused(response: VendorResponse): boolean {
  const answer = response.json;
  if (answer === 0 || response.body.trim() === '0') return true;
  const status = answerOf(response).status;
  return status === 0 || status === '0';
}

/**
 * Whether a 2xx is Mixpanel's own answer (its refusals, an /engage status 0 or a `code` of 400
 * or more, are read before): a JSON object — /import's `{code, num_records_imported, status}`;
 * /engage's `{status: 1, error: null}` (verbose=1) or, since the plugin also asks /engage for
 * `strict=1` and Mixpanel documents no strict answer for /engage, /import's strict shape — or
 * the bare `1` of /engage's other levels. A web page, other text or no body is a proxy's or a
 * captive portal's, and says nothing of the records.
 */
function isMixpanelSuccess(response: VendorResponse, engage: boolean): boolean {
  if (engage && (response.json === 1 || response.body.trim() === '1')) return true;
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json);
}

/**
 * Mixpanel's answers, for /import and /engage requests alike. 2xx delivered when it is
 * Mixpanel's answer (`isMixpanelSuccess`) and says nothing else (an /engage `{status: 0}`, a
 * `code` of 400 or more); any other 2xx (a proxy's page) is sent again, quoting it; `failed_records`
 * dead-letter exactly the events they name, the others were ingested; 401/403 dead-letter the
 * request saying which credential to fix; 413 splits, and dead-letters a single event; 429 and
 * 502/503 are retried after at least 2 s (Retry-After honoured); an /engage `{status: 0}`
 * without `failed_records` dead-letters every update of the request (none was valid: halves
 * would find nothing); other 4xx dead-letter with Mixpanel's message; 5xx retry. An /engage
 * `{status: 1}` is delivered: an update Mixpanel refused without naming it, or updates sent
 * with another project's token or to another region, cannot be told apart from it.
 *
 * @example
 * classifyMixpanel({ status: 400, headers: {}, body, json: { failed_records: [{ index: 1, field: 'properties.time', message: '…' }] } }, request, ctx);
 * // { perEvent: { e1: { status: 'dead_letter', reason: 'Mixpanel refused the event (properties.time): …' } } }
 */
export function classifyMixpanel(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const answer = answerOf(response);
  const engage = isEngage(request);
  let status = response.status;
  if (status >= 200 && status < 300) {
    const code = typeof answer.code === 'number' ? answer.code : undefined;
    if (engage && engageRefused(response)) status = 400;
    else if (code !== undefined && code >= 400) status = code;
    else if (isMixpanelSuccess(response, engage)) return { status: 'delivered' };
    else {
      const body = excerpt(response.body ?? '');
      const expected = engage ? '{"status": 1} from /engage' : 'its JSON from /import';
      return { status: 'retry', reason: `HTTP ${status} with ${body === '' ? 'no body' : body}: not Mixpanel's answer (${expected}) — a proxy? — so the ${engage ? 'profile updates are' : 'events are'} sent again${engage ? '' : ' ($insert_id keeps Mixpanel from counting one twice)'}` };
    }
  }
  // How Mixpanel said it: the status, or a 200 whose body refused.
  const answered = status === response.status ? `HTTP ${status}` : `HTTP ${response.status}, ${engage ? 'status 0' : `code ${status}`}`;
  const records = Array.isArray(answer.failed_records) ? (answer.failed_records as FailedRecord[]) : [];
  if (records.length > 0) {
    const outcomes = perEventOutcomes(records, request, engage ? 'profile update' : 'event');
    if (outcomes) return outcomes;
  }
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: `${credentialAdvice(status, answered, request, ctx)} (Mixpanel: ${said(response)})` };
  if (engage && status === 400 && /token/i.test(said(response))) {
    return { status: 'dead_letter', reason: `${credentialAdvice(status, answered, request, ctx)} (Mixpanel: ${said(response)})` };
  }
  if (status === 413) {
    if (request.eventIds.length > 1) return { status: 'split', reason: `Mixpanel: the request is too large (HTTP 413: ${said(response)}); sending it in halves` };
    return { status: 'dead_letter', reason: `Mixpanel refused this ${engage ? 'profile update' : 'event'} alone as too large (HTTP 413: ${said(response)}): leave its largest properties out with a pipeline transformation or the blueprint's exclude` };
  }
  if (status === 429) {
    const outcome = backOff(response, `Mixpanel rate-limited the project (${answered}): ${said(response)}`);
    // Said in a 200's body: marked throttled, so the core handles it as the 429 it is.
    return response.status === 429 ? outcome : { ...outcome, throttled: true };
  }
  if (status === 502 || status === 503) return backOff(response, `Mixpanel HTTP ${status}: ${said(response)}`);
  if (status === 400) {
    // /engage's 0: none of the request's updates was valid, so each is refused (halves would only repeat it).
    if (engage) return { status: 'dead_letter', reason: `Mixpanel refused ${request.eventIds.length > 1 ? `all ${request.eventIds.length} profile updates of the request, none valid` : 'the profile update'} (${answered}): ${said(response)}` };
    return { status: 'dead_letter', reason: `Mixpanel refused the request (${answered}): ${said(response)}` };
  }
  const classified = defaultClassify({ ...response, status });
  return 'reason' in classified ? { ...classified, reason: `Mixpanel ${answered}: ${said(response)}` } : classified;
}
