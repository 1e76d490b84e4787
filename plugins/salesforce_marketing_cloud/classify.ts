// Marketing Cloud's answers to a rowset upsert and a journey entry event. Success: 200 with the
// rows written (a JSON array, Salesforce's example response) for a rowset, 201 with an
// `eventInstanceId` for an entry event; any other 2xx (an empty body, a page) is not known to be
// Marketing Cloud's, so the events are sent again (an upsert written twice is the same row).
// Errors are JSON objects with a `message`, a numeric `errorcode` and `documentation`; a
// rowset's refusal adds `additionalErrors`, each naming a column ("Email: The value for column
// [Email] is not a valid email address") but not the row. Integrators report that a rowset is
// written row by row up to the first refused one, the rest refused with it — so the rows of a
// refused request are sent again in halves (an upsert written twice is the same row) until the
// refused one is alone. 401 is a token Marketing Cloud no longer takes (the core renews it and
// sends again once), 403 a permission the package lacks (errorcode 20002 in integrators'
// reports), 429 a rate limit, 5xx a failure of Marketing Cloud's.
import { defaultClassify, excerpt, parseRetryAfter, responseHeader, type Classification, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { endpointOf } from './requests.ts';

/** One error object of an answer (the answer itself, or an item of its `additionalErrors`). */
interface MarketingCloudError {
  message?: unknown;
  errorcode?: unknown;
  documentation?: unknown;
  additionalErrors?: unknown;
}

/** The answer's error object, when it is Marketing Cloud's shape (a message or an errorcode). */
function errorOf(response: VendorResponse): MarketingCloudError | undefined {
  const json = response.json;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const error = json as MarketingCloudError;
  return typeof error.message === 'string' || typeof error.errorcode === 'number' ? error : undefined;
}

/**
 * Marketing Cloud's words in an answer: its message with the errorcode, then each additional
 * error's; else the body itself, cut to fit a reason.
 *
 * @example
 * saidOf({ status: 400, headers: {}, body, json: { message: 'Unable to save rows for data extension ID 1f0…', errorcode: 10006, additionalErrors: [{ message: 'Email: The value for column [Email] is not a valid email address.', errorcode: 10000 }] } });
 * // 'Unable to save rows for data extension ID 1f0… (errorcode 10006); Email: The value for column [Email] is not a valid email address. (errorcode 10000)'
 */
export function saidOf(response: VendorResponse): string {
  const error = errorOf(response);
  if (error === undefined) return response.body.trim() === '' ? '(no body)' : excerpt(response.body, 300);
  const one = (e: MarketingCloudError) => [typeof e.message === 'string' ? e.message.trim() : '', typeof e.errorcode === 'number' ? `(errorcode ${e.errorcode})` : ''].filter(Boolean).join(' ');
  const more = Array.isArray(error.additionalErrors) ? error.additionalErrors.filter((e): e is MarketingCloudError => e !== null && typeof e === 'object').map(one).filter(Boolean) : [];
  return excerpt([one(error), ...more].filter(Boolean).join('; ') || response.body, 600);
}

/** Whether a 2xx body is Marketing Cloud's answer for the endpoint: a rowset's JSON array of rows, an entry event's eventInstanceId. */
function isSuccessAnswer(response: VendorResponse, request: RequestDescriptor): boolean {
  const json = response.json;
  const endpoint = endpointOf(request.url)?.endpoint;
  // The rowset's documented response is the rows written. An empty 200 is not documented: it is
  // retried rather than taken as written (an intermediary's empty 200 would otherwise lose the rows).
  if (endpoint === 'rowset') return Array.isArray(json);
  if (endpoint === 'journey') return json !== null && typeof json === 'object' && !Array.isArray(json) && typeof (json as { eventInstanceId?: unknown }).eventInstanceId === 'string';
  return json !== null && typeof json === 'object';
}

/** What the config field of a request's target is, in words, for a message. */
function targetOf(request: RequestDescriptor): string {
  const found = endpointOf(request.url);
  if (found?.endpoint === 'rowset') return `the data extension with External Key "${found.dataExtension ?? ''}" (config.traits_data_extension or config.event_data_extensions)`;
  if (found?.endpoint === 'journey') {
    const key = (request.body as { EventDefinitionKey?: unknown } | undefined)?.EventDefinitionKey;
    return `the entry event "${typeof key === 'string' ? key : ''}" (config.journey_events)`;
  }
  return 'the target';
}

/** The package permission an endpoint needs. */
function permissionOf(request: RequestDescriptor): string {
  const endpoint = endpointOf(request.url)?.endpoint;
  if (endpoint === 'journey') return 'Journeys: Execute (and Read)';
  return 'Data Extensions: Write (and Read)';
}

/** What to check when Marketing Cloud refuses one row or one entry event. */
function hintOf(request: RequestDescriptor): string {
  if (endpointOf(request.url)?.endpoint === 'journey') {
    return 'check that config.journey_events names an existing, activated entry event (its Event Definition Key, no period), that every Data field sent (config.property_columns, config.event_time_column) is a column of the event\'s data extension, and that the contact may enter the journey; then replay';
  }
  return 'check that every column sent exists in the data extension with that name and type (config.contact_key_column, config.event_id_column, config.event_time_column, config.trait_columns, config.property_columns), that its primary key is the key columns, and that the values fit the columns (lengths, email and phone formats); then replay';
}

function retryAfterOf(response: VendorResponse, ctx: PluginContext): number | undefined {
  return parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx.now);
}

/**
 * Marketing Cloud's answers. 2xx delivered when it is Marketing Cloud's answer (a rowset's array,
 * an entry event's eventInstanceId), else sent again (a proxy's page wrote nothing). 401
 * dead-letters saying which credentials to check (the core renewed the token once already);
 * 403 naming the package permission; 404 naming the config field of the data extension or
 * entry event. 408 and 5xx retry (Retry-After honoured); 429 waits for Retry-After. 413 splits
 * (a single event dead-letters). A rowset's 400 `10006` "Unable to save rows" with no detail
 * retries (integrators find it passing); any other refusal of several rows in Marketing
 * Cloud's words is sent in halves to find the refused row; a single row or entry event
 * dead-letters with Marketing Cloud's words and what to check.
 *
 * @example
 * classifyMarketingCloud({ status: 400, headers: {}, body, json: { message: 'Unable to save rows for data extension ID 1f0…', errorcode: 10006, additionalErrors: [{ message: 'Plan: The value for column [Plan] exceeds the maximum length.', errorcode: 10000 }] } }, oneRow, ctx);
 * // { status: 'dead_letter', reason: 'Marketing Cloud refused the row (HTTP 400): Unable to save rows … (errorcode 10006); Plan: … (errorcode 10000) — check that every column sent exists …' }
 */
export function classifyMarketingCloud(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const { status } = response;
  const endpoint = endpointOf(request.url)?.endpoint;
  const several = request.eventIds.length > 1;
  const what = endpoint === 'journey' ? 'entry event' : several ? 'rows' : 'row';
  const answered = `HTTP ${status}`;
  if (status >= 200 && status < 300) {
    if (isSuccessAnswer(response, request)) return { status: 'delivered' };
    return { status: 'retry', reason: `${answered} without Marketing Cloud's answer (${endpoint === 'journey' ? 'an eventInstanceId' : endpoint === 'rowset' ? 'the rows written' : 'its JSON'}): ${saidOf(response)} — not Marketing Cloud's answer (a proxy?), so the ${what} ${several ? 'are' : 'is'} sent again` };
  }
  const said = saidOf(response);
  if (status === 401) {
    return { status: 'dead_letter', reason: `Marketing Cloud refused the access token, also after renewing it (${answered}: ${said}): check that config.subdomain is the API integration's own tenant subdomain and that the integration is still installed (Installed Packages), then replay` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `Marketing Cloud refused the ${what} (${answered}: ${said}): the installed package's API integration lacks the ${permissionOf(request)} permission, or may not reach ${targetOf(request)} from its business unit (config.account_id) — add it in Installed Packages > the package > API Integration > Edit, then replay` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `Marketing Cloud answered ${answered} for ${targetOf(request)} (${said}): check the key in the config and that it exists in the business unit of config.account_id (or the package's), then replay` };
  }
  if (status === 413) {
    if (several) return { status: 'split', reason: `Marketing Cloud: the request is too large (${answered}: ${said}); sending it in halves` };
    return { status: 'dead_letter', reason: `Marketing Cloud refused this ${what} alone as too large (${answered}: ${said}): map fewer or shorter values (config.trait_columns, config.property_columns)` };
  }
  if (status === 429) return { status: 'retry', reason: `Marketing Cloud rate-limited the API integration (${answered}: ${said})`, ...(retryAfterOf(response, ctx) === undefined ? {} : { retryAfterMs: retryAfterOf(response, ctx)! }) };
  if (status >= 400 && status < 500 && status !== 408) {
    const error = errorOf(response);
    const detailed = Array.isArray(error?.additionalErrors) && error.additionalErrors.length > 0;
    if (endpoint === 'rowset' && error?.errorcode === 10006 && !detailed) {
      return { status: 'retry', reason: `Marketing Cloud could not save the ${what} and gave no reason (${answered}: ${said}); integrators find this answer passing, so the ${what} ${several ? 'are' : 'is'} sent again` };
    }
    if (several && endpoint !== undefined && error !== undefined) return { status: 'split', reason: `Marketing Cloud refused the ${what} (${answered}: ${said}) without naming the row; sending them in halves to find it` };
    return { status: 'dead_letter', reason: `Marketing Cloud refused the ${what} (${answered}): ${said} — ${hintOf(request)}` };
  }
  const classified = defaultClassify(response);
  if (classified.status === 'retry') {
    const retryAfterMs = retryAfterOf(response, ctx);
    return { status: 'retry', reason: `Marketing Cloud ${answered}: ${said}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  return 'reason' in classified ? { ...classified, reason: `Marketing Cloud ${answered}: ${said}` } : classified;
}
