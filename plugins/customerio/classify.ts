// Customer.io's answers to POST /api/v2/batch, as its Track API reference documents them: 200
// when every item was accepted; 207 "At least one object in the batch was invalid; all other
// requests are accepted", with `errors: [{batch_index, reason, field, message}]` naming the
// items it refused; 400 "The entire request was malformed or invalid", with `errors: [{reason,
// field, message}]` (its v1 answers say why in `meta.error` or `meta.errors`, strings); 401 for
// credentials it refused (or the other region's); 429 rate limited; 5xx. Its US host redirects
// an EU workspace's requests, which the core does not follow.
import { excerpt, defaultClassify, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

interface ItemError {
  batch_index?: unknown;
  reason?: unknown;
  field?: unknown;
  message?: unknown;
}

interface Answer {
  errors?: unknown;
  meta?: { error?: unknown; errors?: unknown } | null;
}

function answerOf(response: VendorResponse): Answer {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Answer) : {};
}

/** What one item error says: its message (else reason), and the field it names. */
function itemErrorText(error: ItemError): string {
  const text = typeof error.message === 'string' && error.message.trim() !== '' ? error.message : typeof error.reason === 'string' && error.reason.trim() !== '' ? error.reason : JSON.stringify(error);
  const reason = typeof error.reason === 'string' && error.reason.trim() !== '' && error.reason !== text ? ` (${error.reason})` : '';
  const field = typeof error.field === 'string' && error.field.trim() !== '' ? `${error.field}: ` : '';
  return excerpt(`${field}${text}${reason}`);
}

/** Customer.io's own words: `meta.error`, else the errors (v2's objects, v1's `meta.errors` strings), else the body. */
function said(response: VendorResponse): string {
  const answer = answerOf(response);
  const meta = answer.meta !== null && typeof answer.meta === 'object' ? answer.meta : {};
  if (typeof meta.error === 'string' && meta.error.trim() !== '') return excerpt(meta.error);
  const errors: unknown[] = Array.isArray(answer.errors) ? answer.errors : Array.isArray(meta.errors) ? meta.errors : [];
  const texts = errors.flatMap((e) => (typeof e === 'string' && e.trim() !== '' ? [e] : e !== null && typeof e === 'object' && !Array.isArray(e) ? [itemErrorText(e as ItemError)] : []));
  if (texts.length > 0) return excerpt(texts.join('; '));
  return excerpt(response.body ?? '');
}

/** What an item of the request is, for reasons: its action in words. */
function itemWord(request: RequestDescriptor, index: number): string {
  const batch = (request.body as { batch?: JsonValue[] } | undefined)?.batch;
  const item = Array.isArray(batch) ? batch[index] : undefined;
  const action = item !== null && typeof item === 'object' && !Array.isArray(item) ? item.action : undefined;
  return action === 'identify' ? 'identify' : action === 'page' ? 'page view' : action === 'screen' ? 'screen view' : action === 'event' ? 'event' : 'item';
}

/**
 * Whether an answer is in Customer.io's own shape (`meta.error`, or `errors`), not a proxy's or a
 * load balancer's page: only then does a 400 naming no item say an item of the request caused it.
 */
function fromCustomerIo(response: VendorResponse): boolean {
  const answer = answerOf(response);
  return (answer.meta !== null && typeof answer.meta === 'object') || Array.isArray(answer.errors);
}

/** What a request of one event is, for reasons. */
function singleWord(request: RequestDescriptor): string {
  return request.eventIds.length === 1 ? itemWord(request, 0) : 'request';
}

/**
 * The events an answer's `errors` name by `batch_index` (the position of the item in the
 * request's `batch`, which is the position of its event in `eventIds`), with what Customer.io
 * said of each (`the event: …`); and how many errors name no item of the request.
 *
 * @example
 * namedEvents({ status: 207, headers: {}, body, json: { errors: [{ batch_index: 1, message: 'name must be set' }, { message: '?' }] } }, request);
 * // { named: Map { 'e-2' => ['the event: name must be set'] }, unnamed: 1 }
 */
export function namedEvents(response: VendorResponse, request: RequestDescriptor): { named: Map<string, string[]>; unnamed: number } {
  const errors = answerOf(response).errors;
  const named = new Map<string, string[]>();
  let unnamed = 0;
  for (const error of Array.isArray(errors) ? errors : []) {
    const item = (error !== null && typeof error === 'object' ? error : {}) as ItemError;
    const index = item.batch_index;
    const id = typeof index === 'number' && Number.isInteger(index) && index >= 0 ? request.eventIds[index] : undefined;
    if (id === undefined || typeof index !== 'number') {
      unnamed++;
      continue;
    }
    const previous = named.get(id);
    named.set(id, previous ? [...previous, itemErrorText(item)] : [`the ${itemWord(request, index)}: ${itemErrorText(item)}`]);
  }
  return { named, unnamed };
}

/** The credentials advice: which fields to check. */
const CREDENTIALS = 'check config.site_id and config.api_key (a Track API key of the workspace: Account Settings > API Credentials > Track API Keys, not an App API key), that config.region is the workspace\'s (its account\'s Privacy page names it; the EU host refuses a US workspace\'s credentials), and, if the workspace restricts API access by IP address, that Signal\'s egress address is on its allowlist';

/**
 * Customer.io's answers to a /api/v2/batch request. 2xx delivered (one whose body is text but
 * no JSON, a proxy's page: sent again), unless `errors` name items
 * by `batch_index` (207): those events dead-lettered with Customer.io's reason, the others
 * delivered (accepted). 3xx (the US host redirecting an EU workspace) dead-letters saying to set
 * the region. 400 naming items: those dead-lettered, the others sent again at once without them (the request was
 * refused; each event carries its dedup id, an identify its time, so a re-send records nothing
 * twice); a 400 in Customer.io's shape naming none splits to find the item (a single one, or any
 * other 4xx, dead-letters with Customer.io's message). 401/403 dead-letter saying which fields to check; 404 names the URL; 413 splits
 * (a single event dead-letters); 429 retries after Retry-After; 408 and 5xx retry.
 *
 * @example
 * classifyCustomerIo({ status: 207, headers: {}, body, json: { errors: [{ batch_index: 1, reason: 'invalid', field: 'identifiers', message: 'identifiers must be set' }] } }, request, ctx);
 * // { perEvent: { 'e-2': { status: 'dead_letter', reason: 'Customer.io refused the event: identifiers: identifiers must be set (invalid)' } } }
 */
export function classifyCustomerIo(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const status = response.status;
  const answered = `HTTP ${status}`;
  const several = request.eventIds.length > 1;
  if (status >= 200 && status < 300) {
    // Customer.io answers with nothing or its JSON (`errors` naming items): a body that is text but
    // no JSON object (a proxy's or captive portal's page) accepted nothing.
    const json = response.json;
    if ((json === null || typeof json !== 'object' || Array.isArray(json)) && (response.body ?? '').trim() !== '') {
      return { status: 'retry', reason: `Customer.io did not answer (${answered}: ${excerpt(response.body)}): not its Track API's answer (none, or its JSON) — a proxy? — so the request is sent again` };
    }
    const { named } = namedEvents(response, request);
    if (named.size === 0) return { status: 'delivered' };
    const perEvent: Record<string, EventOutcome> = {};
    for (const [id, problems] of named) perEvent[id] = { status: 'dead_letter', reason: `Customer.io refused ${problems.join('; ')}` };
    return { perEvent };
  }
  if (status >= 300 && status < 400) {
    const location = responseHeader(response.headers, 'location') ?? '';
    const region = location.includes('track-eu.') ? ' (it redirected to its EU host: set config.region to "eu")' : location.includes('track.') ? ' (it redirected to its US host: set config.region to "us")' : '';
    return { status: 'dead_letter', reason: `Customer.io redirected the request (${answered})${region}: the workspace is in the other region; set config.region to the workspace's region (its account's Privacy page names it) and replay` };
  }
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: `Customer.io refused the credentials (${answered}${said(response) ? `: ${said(response)}` : ''}): ${CREDENTIALS}` };
  if (status === 404) return { status: 'dead_letter', reason: `Customer.io answered ${answered}${said(response) ? ` (${said(response)})` : ''}: the URL is not its Track API's /api/v2/batch` };
  if (status === 413) {
    if (several) return { status: 'split', reason: `Customer.io: the request is too large (${answered}); sending it in halves` };
    return { status: 'dead_letter', reason: `Customer.io refused this ${singleWord(request)} alone as too large (${answered}${said(response) ? `: ${said(response)}` : ''}): leave its largest properties out with a pipeline transformation or the blueprint's exclude` };
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx.now);
    const reason = `Customer.io rate-limited the workspace (${answered}${said(response) ? `: ${said(response)}` : ''})`;
    return retryAfterMs === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs };
  }
  if (status >= 400 && status < 500 && status !== 408) {
    const { named, unnamed } = namedEvents(response, request);
    if (named.size > 0 && unnamed === 0) {
      const perEvent: Record<string, EventOutcome> = {};
      for (const id of request.eventIds) {
        const problems = named.get(id);
        perEvent[id] = problems
          ? { status: 'dead_letter', reason: `Customer.io refused ${problems.join('; ')} (${answered})` }
          : { status: 'resend', reason: `Customer.io refused the whole request (${answered}) for other items of it: sent again without them` };
      }
      return { perEvent };
    }
    if (status === 400 && several && fromCustomerIo(response)) return { status: 'split', reason: `Customer.io refused the request (${answered}${said(response) ? `: ${said(response)}` : ''}) without naming the item; sending it in halves to find it` };
    return { status: 'dead_letter', reason: `Customer.io refused the ${singleWord(request)} (${answered}${said(response) ? `: ${said(response)}` : ''})` };
  }
  const classified = defaultClassify(response);
  const reason = `Customer.io ${answered}${said(response) ? `: ${said(response)}` : ''}`;
  return 'reason' in classified ? { ...classified, reason } : classified;
}
