// Braze's answers to POST /users/track, as its API documents them (Track users: Responses; API
// errors and responses: Fatal errors; Rate limits): 2xx `{"message": "success"}`, with
// `errors` naming the objects it refused by `input_array` and `index` — the others were
// processed — or `{"message": "queued"}` (202, maintenance: received, processed later); fatal
// errors — 400 (bad syntax, too many ids), 401 (invalid key, or another instance's), 403
// (plan or account inactive; "Access Denied": the key lacks the permission), 404 (invalid URL),
// 413 (more than 4 MB), 429 (rate limited, `X-RateLimit-Reset` in epoch seconds), 5XX (retry
// with exponential backoff) — where nothing was processed.
import { excerpt, defaultClassify, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { RECORD_KINDS, type RecordKind } from './fit-to-braze.ts';
import { orderKeyOf } from './requests.ts';

interface ObjectError {
  type?: unknown;
  input_array?: unknown;
  index?: unknown;
}

interface BrazeAnswer {
  message?: unknown;
  errors?: unknown;
}

function answerOf(response: VendorResponse): BrazeAnswer {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as BrazeAnswer) : {};
}

/** Braze's own words: its `message`, else the body. */
function said(response: VendorResponse): string {
  const message = answerOf(response).message;
  return typeof message === 'string' && message.trim() !== '' ? excerpt(message) : excerpt(response.body ?? '');
}

/** What an error says: its `type` (Braze's message), or the error itself when it is text. */
function errorText(error: unknown): string {
  if (typeof error === 'string') return excerpt(error);
  const type = (error as ObjectError | null)?.type;
  return typeof type === 'string' && type.trim() !== '' ? excerpt(type) : excerpt(JSON.stringify(error));
}

/** Which event owns each object of a request: by array, one event id per object. */
export type Owners = Record<RecordKind, string[]>;

/**
 * The event each object of a /users/track request came from, as `buildTrackRequests` laid
 * them out: `eventIds` list the owners of the attributes objects (one each), then of the event
 * objects (one each), then the orders, whose purchases follow one another as runs of one user
 * and time. Undefined for a request laid out otherwise.
 *
 * @example
 * ownersOf({ body: { events: [e], purchases: [p1, p2] }, eventIds: ['signed-up', 'order'], … }); // { attributes: [], events: ['signed-up'], purchases: ['order', 'order'] }
 */
export function ownersOf(request: RequestDescriptor): Owners | undefined {
  const body = request.body;
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body) || body instanceof Uint8Array) return undefined;
  const arrayOf = (kind: RecordKind): JsonValue[] => (Array.isArray(body[kind]) ? body[kind] : []);
  const attributes = arrayOf('attributes').length;
  const events = arrayOf('events').length;
  const ids = request.eventIds;
  if (ids.length < attributes + events) return undefined;
  const orders = ids.slice(attributes + events);
  const purchases: string[] = [];
  let run = -1;
  let previous: string | undefined;
  for (const purchase of arrayOf('purchases')) {
    const key = orderKeyOf(purchase);
    if (key !== previous) run++;
    previous = key;
    if (run >= orders.length) return undefined;
    purchases.push(orders[run]!);
  }
  if (run + 1 !== orders.length) return undefined;
  return { attributes: ids.slice(0, attributes), events: ids.slice(attributes, attributes + events), purchases };
}

/**
 * The event ids `errors` name (with what Braze said of each), and how many errors name no
 * object of the request (no `input_array`/`index`, or one the request does not have).
 */
function namedEvents(errors: unknown[], owners: Owners | undefined): { named: Map<string, string[]>; unnamed: number } {
  const named = new Map<string, string[]>();
  let unnamed = 0;
  for (const error of errors) {
    const { input_array: array, index } = (error ?? {}) as ObjectError;
    const kind = typeof array === 'string' && (RECORD_KINDS as readonly string[]).includes(array) ? (array as RecordKind) : undefined;
    const id = owners && kind && typeof index === 'number' ? owners[kind][index] : undefined;
    if (id === undefined || kind === undefined || typeof index !== 'number' || !owners) {
      unnamed++;
      continue;
    }
    let what: string;
    if (kind === 'purchases') {
      const ofOrder = owners.purchases.filter((owner) => owner === id).length;
      const position = owners.purchases.slice(0, index + 1).filter((owner) => owner === id).length;
      what = ofOrder > 1 ? `purchase ${position} of ${ofOrder} of this order` : 'purchase';
    } else {
      what = kind === 'attributes' ? 'profile update (attributes)' : 'event';
    }
    named.set(id, [...(named.get(id) ?? []), `${what}: ${errorText(error)}`]);
  }
  return { named, unnamed };
}

/** Outcomes of a 2xx with per-object errors: the named events dead-lettered, the others processed. */
function partialSuccess(named: Map<string, string[]>, owners: Owners): Classification {
  const perEvent: Record<string, EventOutcome> = {};
  for (const [id, problems] of named) {
    const order = owners.purchases.filter((owner) => owner === id).length;
    const refused = problems.length;
    // The order's other purchases were recorded: a replay would record them again.
    const rest = order > refused ? `; its other ${order - refused} purchase${order - refused === 1 ? ' was' : 's were'} recorded, so a replay would record ${order - refused === 1 ? 'it' : 'them'} again` : '';
    perEvent[id] = { status: 'dead_letter', reason: `Braze refused the ${problems.join('; ')}${rest}` };
  }
  return { perEvent };
}

/**
 * A fatal 400 naming the objects that caused it: those events dead-lettered with Braze's
 * reason, the others sent again at once without them (`resend`, no try used) — Braze processed
 * nothing of the request.
 */
function fatalNamingObjects(named: Map<string, string[]>, request: RequestDescriptor, answered: string, message: string): Classification {
  const perEvent: Record<string, EventOutcome> = {};
  for (const id of request.eventIds) {
    const problems = named.get(id);
    perEvent[id] = problems
      ? { status: 'dead_letter', reason: `Braze refused the ${problems.join('; ')} (${answered}: ${message})` }
      : { status: 'resend', reason: `Braze refused the whole request (${answered}: ${message}) for other events of it, and recorded nothing: sent again without them` };
  }
  return { perEvent };
}

/**
 * How long Braze asks to wait: Retry-After; for a 429 only, else until X-RateLimit-Reset (epoch
 * seconds). Braze sends its rate-limit headers on every answer, so on a 5xx or a 408 the reset
 * of the (perhaps hourly) window says nothing about when the server is back.
 */
function retryAfterOf(response: VendorResponse, ctx: PluginContext): number | undefined {
  const retryAfter = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx.now);
  if (retryAfter !== undefined || response.status !== 429) return retryAfter;
  const reset = Number(responseHeader(response.headers, 'x-ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0 && reset * 1000 > ctx.now ? Math.ceil(reset * 1000 - ctx.now) : undefined;
}

/** A 403's advice: the key's permissions ("Access Denied"), else the account or the key's IP allowlist. */
function forbiddenAdvice(message: string): string {
  if (/access denied|permission/i.test(message)) {
    return 'the REST API key lacks the users.track permission: add it to the key (Braze: Settings > APIs and Identifiers > API Keys) and replay';
  }
  return 'Braze says the account\'s plan does not include this API or the account is inactive; if the key has an IP allowlist, Signal\'s egress address must be on it (Braze: Settings > APIs and Identifiers > API Keys)';
}

/**
 * Braze's answers to /users/track. 2xx delivered, unless `errors` name objects: those events
 * dead-lettered with Braze's reason, the others delivered (processed); a 2xx whose body is text
 * but no JSON object (a proxy's page) is sent again. 400 naming objects:
 * those dead-lettered, the others sent again at once (nothing was processed); 400 for more ids or objects
 * than a request takes splits; another 400 dead-letters the request with Braze's message.
 * 401, 403 and 404 dead-letter the request saying what to fix; 413 splits (a single event
 * dead-letters); 429 retries after Retry-After or X-RateLimit-Reset; 408 and 5xx retry (after
 * Retry-After when given, never after X-RateLimit-Reset).
 *
 * @example
 * classifyBraze({ status: 201, headers: {}, body, json: { message: 'success', errors: [{ type: 'Invalid time', input_array: 'events', index: 1 }] } }, request, ctx);
 * // { perEvent: { 'e-2': { status: 'dead_letter', reason: 'Braze refused the event: Invalid time' } } }
 */
export function classifyBraze(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const answer = answerOf(response);
  const errors = Array.isArray(answer.errors) ? answer.errors : [];
  const owners = ownersOf(request);
  const message = said(response);
  const answered = `HTTP ${response.status}`;
  let status = response.status;
  if (status >= 200 && status < 300) {
    // Braze answers every request it reads with its JSON (`message`): a body that is text but no
    // JSON object (a proxy's or captive portal's page) processed nothing.
    const json = response.json;
    if ((json === null || typeof json !== 'object' || Array.isArray(json)) && (response.body ?? '').trim() !== '') {
      return { status: 'retry', reason: `${answered} without Braze's JSON answer: ${excerpt(response.body)} — not Braze's answer (a proxy?), so the request is sent again` };
    }
    const fatal = typeof answer.message === 'string' && !['success', 'queued'].includes(answer.message.trim().toLowerCase());
    if (!fatal) {
      const { named } = namedEvents(errors, owners);
      // Errors that name no object leave nothing to tell apart: Braze processed the rest.
      return named.size > 0 && owners ? partialSuccess(named, owners) : { status: 'delivered' };
    }
    // A 2xx whose message is a fatal error: read as the 400 it describes.
    status = 400;
  }
  if (status === 401) {
    return { status: 'dead_letter', reason: `Braze refused the REST API key (${answered}: ${message}): check config.api_key (Braze: Settings > APIs and Identifiers > API Keys) and that config.rest_endpoint is your instance's — a key works on its own instance only (EU-01 dashboards use https://rest.fra-01.braze.eu)` };
  }
  if (status === 403) return { status: 'dead_letter', reason: `Braze refused the request (${answered}: ${message}): ${forbiddenAdvice(message)}` };
  if (status === 404) return { status: 'dead_letter', reason: `Braze answered ${answered} (${message}): the URL is not Braze's /users/track; check config.rest_endpoint (and config.custom_rest_endpoint)` };
  if (status === 413) {
    if (request.eventIds.length > 1) return { status: 'split', reason: `Braze: the request is too large (${answered}: ${message}); sending it in halves` };
    return { status: 'dead_letter', reason: `Braze refused this event alone as too large (${answered}: ${message}): leave its largest properties out with a pipeline transformation or the blueprint's exclude` };
  }
  if (status === 429) {
    const retryAfterMs = retryAfterOf(response, ctx);
    const reason = `Braze rate-limited the workspace (${answered}: ${message})`;
    return retryAfterMs === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs };
  }
  if (status >= 400 && status < 500 && status !== 408) {
    // Every error names an event of the request: those refused, the rest sent again.
    const { named, unnamed } = namedEvents(errors, owners);
    if (named.size > 0 && unnamed === 0) return fatalNamingObjects(named, request, answered, message);
    // Too many objects for one request: no event caused it, so halves go through.
    if (/max input length|max number of|exceeded/i.test(message) && request.eventIds.length > 1) {
      return { status: 'split', reason: `Braze: more objects than one request takes (${answered}: ${message}); sending it in halves (set config.request_limits to your contract's: combined_75 for most, combined_50 on Monthly Active Users CY 24-25)` };
    }
    const details = errors.length > 0 ? ` (${errors.map(errorText).join('; ')})` : '';
    return { status: 'dead_letter', reason: `Braze refused the request (${answered}: ${message})${details}` };
  }
  const classified = defaultClassify(response);
  if (classified.status === 'retry') {
    const retryAfterMs = retryAfterOf(response, ctx);
    const reason = `Braze ${answered}: ${message}`;
    return retryAfterMs === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs };
  }
  return 'reason' in classified ? { ...classified, reason: `Braze ${answered}: ${message}` } : classified;
}
