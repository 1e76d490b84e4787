// HubSpot's answers to the contact batch upsert and the custom event batch send, as its error
// handling and usage guidelines describe them: 2xx success (200 for the upsert with its
// results, 207 multi-status when some inputs failed, each failure naming its inputs'
// objectWriteTraceId; 204 for the events), 401 for a credential it refused, 403 for a missing
// scope, 423 Locked (records locked while a large volume syncs: tried again after 2 s, an
// unconfirmed wait), 429 with a `policyName` (DAILY, SECONDLY, TEN_SECONDLY_ROLLING) and the
// X-HubSpot-RateLimit-* headers, 400/409 refusing the request with its validation errors, 5xx.
import { defaultClassify, parseRetryAfter, type Classification, type EventOutcome, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { answerOf, errorsOf, errorText, headerOf, saidOf, traceIdsOf, type HubSpotError } from './answers.ts';
import { apiVersionOf, endpointOf, SCOPES } from './api.ts';
import { usesRefreshToken } from './config.ts';

/** The wait after HubSpot's 423 Locked: 2 s, as integrations commonly wait (HubSpot's own figure is unconfirmed). */
const LOCKED_WAIT_MS = 2_000;
/** A daily limit resets at midnight in the account's time zone: tried again each hour (the core's longest pause). */
const DAILY_WAIT_MS = 3_600_000;
/** The burst window when HubSpot's answer does not say it (its limits are per 10 seconds). */
const BURST_WINDOW_MS = 10_000;

/** What a request carries, in words: a contact, contacts, an event, events. */
function whatOf(request: RequestDescriptor): string {
  const contacts = endpointOf(request.url) === 'contactsUpsert';
  if (request.eventIds.length > 1) return contacts ? 'contact batch' : 'event batch';
  return contacts ? 'contact' : 'event';
}

/** The custom event names a batch send carries (one, as the plugin groups them). */
function eventNamesOf(request: RequestDescriptor): string[] {
  const inputs = (request.body as { inputs?: unknown } | undefined)?.inputs;
  const names = (Array.isArray(inputs) ? inputs : []).map((input) => (input as { eventName?: unknown } | null)?.eventName).filter((name): name is string => typeof name === 'string');
  return [...new Set(names)];
}

/**
 * Whether HubSpot's words refuse the custom event itself (its name unknown, archived, of
 * another account), so every occurrence of it would be refused: they name the event and no
 * property. A refusal naming a property ("Property x does not exist on pe1_order_completed")
 * may concern only the occurrences carrying it, so those are found by halves instead — the
 * others are not dead-lettered with them.
 *
 * @example
 * refusesEventItself('Event definition pe1_order_completed does not exist', 'pe1_order_completed'); // true
 * refusesEventItself('Property "coupon" does not exist on event pe1_order_completed', 'pe1_order_completed'); // false
 */
export function refusesEventItself(said: string, eventName: string): boolean {
  return said.includes(eventName) && !/propert/i.test(said);
}

/**
 * How long a 429 asks to wait: Retry-After when sent; else by its policy — the rest of the day
 * for DAILY (tried hourly), the burst window for TEN_SECONDLY_ROLLING
 * (X-HubSpot-RateLimit-Interval-Milliseconds, else 10 s), a second for SECONDLY.
 */
function rateLimitWait(response: VendorResponse, policy: string | undefined, ctx: PluginContext): number | undefined {
  const retryAfter = parseRetryAfter(headerOf(response.headers, 'retry-after'), ctx.now);
  if (retryAfter !== undefined) return retryAfter;
  if (policy === 'DAILY') return DAILY_WAIT_MS;
  if (policy === 'SECONDLY') return 1_000;
  const interval = Number(headerOf(response.headers, 'x-hubspot-ratelimit-interval-milliseconds'));
  if (Number.isFinite(interval) && interval > 0) return Math.min(interval, DAILY_WAIT_MS);
  return policy === 'TEN_SECONDLY_ROLLING' ? BURST_WINDOW_MS : undefined;
}

function retry(reason: string, retryAfterMs: number | undefined, throttled = false): EventOutcome {
  return { status: 'retry', reason, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), ...(throttled ? { throttled } : {}) };
}

/** The scopes a 403 says are missing (its errors' context), else the endpoint's. */
function scopesOf(response: VendorResponse, request: RequestDescriptor): string {
  const named = new Set<string>();
  const answer = answerOf(response);
  for (const error of [answer ?? {}, ...errorsOf(answer)]) {
    const context = (error as HubSpotError).context;
    if (context === null || typeof context !== 'object' || Array.isArray(context)) continue;
    for (const key of ['requiredGranularScopes', 'requiredScopes', 'missingScopes']) {
      const list = (context as Record<string, unknown>)[key];
      if (Array.isArray(list)) for (const scope of list) if (typeof scope === 'string') named.add(scope);
    }
  }
  const endpoint = endpointOf(request.url);
  return named.size > 0 ? [...named].join(', ') : endpoint ? SCOPES[endpoint] : 'the endpoint\'s';
}

/**
 * The outcomes of a contact batch upsert's answer that names inputs by objectWriteTraceId: the
 * named events dead-lettered with HubSpot's words; the others delivered when HubSpot answered
 * 2xx (it wrote them), else sent again at once without them (it refused the whole request, for the named ones). An
 * error naming no input, with a 2xx: the events HubSpot gave no result for are retried.
 * Undefined when no error names an input of the request.
 */
function namedInputs(response: VendorResponse, request: RequestDescriptor): Classification | undefined {
  const answer = answerOf(response);
  const ids = new Set(request.eventIds);
  const named = new Map<string, string[]>();
  let unnamed = 0;
  for (const error of errorsOf(answer)) {
    const traced = traceIdsOf(error).filter((id) => ids.has(id));
    if (traced.length === 0) {
      unnamed++;
      continue;
    }
    for (const id of traced) named.set(id, [...(named.get(id) ?? []), errorText(error)]);
  }
  const ok = response.status >= 200 && response.status < 300;
  if (named.size === 0 && (!ok || unnamed === 0)) return undefined;
  const results = Array.isArray((answer as { results?: unknown } | undefined)?.results) ? (answer as { results: unknown[] }).results : [];
  const written = new Set(results.map((r) => (r as { objectWriteTraceId?: unknown } | null)?.objectWriteTraceId).filter((id): id is string => typeof id === 'string'));
  const perEvent: Record<string, EventOutcome> = {};
  for (const id of request.eventIds) {
    const problems = named.get(id);
    if (problems) perEvent[id] = { status: 'dead_letter', reason: `HubSpot refused the contact (HTTP ${response.status}): ${problems.join('; ')}` };
    else if (!ok) perEvent[id] = { status: 'resend', reason: `HubSpot refused the whole contact batch (HTTP ${response.status}) for other contacts of it, and wrote none: sent again without them` };
    else if (unnamed > 0 && !written.has(id)) perEvent[id] = { status: 'retry', reason: `HubSpot's answer (HTTP ${response.status}) holds an error naming no contact and no result for this one: sent again (${saidOf(response)})` };
    else perEvent[id] = { status: 'delivered' };
  }
  return { perEvent };
}

/** Whether an answer is in HubSpot's error shape (a message, a category or a correlation id), not a proxy's or a load balancer's page. */
function fromHubSpot(response: VendorResponse): boolean {
  const answer = answerOf(response);
  return answer !== undefined && ['message', 'category', 'correlationId'].some((key) => typeof (answer as Record<string, unknown>)[key] === 'string');
}

/** The credential advice for a refused token. */
function credentialAdvice(ctx: PluginContext): string {
  return usesRefreshToken(ctx.config)
    ? 'HubSpot refused the access token obtained with config.refresh_token, also after renewing it: the app was uninstalled from the account or its installation changed; install the app again, store the new refresh token in config.refresh_token in a new revision, then replay'
    : 'HubSpot refused config.access_token: check that it is the whole service key (Development > Keys > Service keys) or private app access token, of this account, not rotated or deleted; then replay';
}

/**
 * HubSpot's answers to a contact batch upsert or a custom event batch send. 2xx delivered — a
 * contact batch's errors naming inputs by objectWriteTraceId (207) dead-letter those events
 * alone with HubSpot's words; a 2xx whose body is text but no JSON (a proxy's page) is sent
 * again. 401 dead-letters saying which credential to check; 403 naming
 * the missing scope; 404 saying to check config.api_version (and, for events, that the custom
 * event exists). 408 and 5xx retry (Retry-After honoured); 423 retries after 2 s as a rate
 * limit; 429 retries after Retry-After or its policy's window (DAILY hourly). 413/414 split (a
 * single event dead-letters). Other 4xx (400, 409, 422): a contact batch's errors naming inputs
 * dead-letter those, the others sent again; an event batch refused for its custom event's name
 * dead-letters them all; any other batch is split in halves to find the refused event; a
 * single event dead-letters with HubSpot's message.
 *
 * @example
 * classifyHubSpot({ status: 207, headers: {}, body, json: { status: 'COMPLETE', results: [{ objectWriteTraceId: 'm-1' }], errors: [{ message: 'Property "plan" does not exist', context: { objectWriteTraceId: ['m-2'] } }] } }, request, ctx);
 * // { perEvent: { 'm-1': { status: 'delivered' }, 'm-2': { status: 'dead_letter', reason: 'HubSpot refused the contact (HTTP 207): Property "plan" does not exist' } } }
 */
export function classifyHubSpot(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const { status } = response;
  const endpoint = endpointOf(request.url);
  const several = request.eventIds.length > 1;
  const what = whatOf(request);
  const answered = `HTTP ${status}`;
  if (status >= 200 && status < 300) {
    // HubSpot answers with its JSON (the upsert's results) or nothing (204 for the events): a body
    // that is text but no JSON object (a proxy's or captive portal's page) wrote nothing.
    if (answerOf(response) === undefined && (response.body ?? '').trim() !== '') {
      return { status: 'retry', reason: `${answered} without HubSpot's answer (its JSON, or none): ${saidOf(response)} — not HubSpot's answer (a proxy?), so the ${what} is sent again` };
    }
    if (endpoint === 'contactsUpsert') return namedInputs(response, request) ?? { status: 'delivered' };
    return { status: 'delivered' };
  }
  const said = saidOf(response);
  if (status === 401) return { status: 'dead_letter', reason: `${credentialAdvice(ctx)} (${answered}: ${said})` };
  if (status === 403) {
    // Custom events also need an Enterprise subscription (HubSpot's specification: every hub ENTERPRISE).
    const tier = endpoint === 'eventsBatch' ? '; custom events also need an Enterprise subscription of a HubSpot hub' : '';
    return { status: 'dead_letter', reason: `HubSpot refused the ${what} (${answered}: ${said}): the credential lacks the ${scopesOf(response, request)} scope — add it to the service key (or the app, then install it again) and replay${tier}` };
  }
  if (status === 404) {
    const event = endpoint === 'eventsBatch' ? `; check that the custom event ${eventNamesOf(request).join(', ') || 'named'} exists in this account (config.event_names: its fully qualified name, Data Management > Custom Events)` : '';
    return { status: 'dead_letter', reason: `HubSpot answered ${answered} (${said}): check config.api_version (${apiVersionOf(ctx.config)}: a date-based version HubSpot serves)${event}, then replay` };
  }
  if (status === 413 || status === 414) {
    if (several) return { status: 'split', reason: `HubSpot: the request is too large (${answered}: ${said}); sending it in halves` };
    return { status: 'dead_letter', reason: `HubSpot refused this ${what} alone as too large (${answered}: ${said}): leave its largest properties out with the blueprint's exclude or a pipeline transformation` };
  }
  if (status === 423) return retry(`HubSpot locked the records for a moment (${answered}: ${said}): sent again after 2 s`, LOCKED_WAIT_MS, true);
  if (status === 429) {
    const policy = typeof answerOf(response)?.policyName === 'string' ? String(answerOf(response)!.policyName) : undefined;
    return retry(`HubSpot rate-limited the account (${answered}${policy ? `, ${policy}` : ''}: ${said})`, rateLimitWait(response, policy, ctx));
  }
  if (status >= 400 && status < 500 && status !== 408) {
    if (endpoint === 'contactsUpsert') {
      const outcomes = namedInputs(response, request);
      if (outcomes) return outcomes;
    }
    const names = endpoint === 'eventsBatch' ? eventNamesOf(request) : [];
    if (several && names.length === 1 && refusesEventItself(said, names[0]!)) {
      return { status: 'dead_letter', reason: `HubSpot refused the custom event ${names[0]} (${answered}: ${said}): check that it exists in this account and that config.event_names gives its fully qualified name, then replay` };
    }
    // Halves only for HubSpot's own refusal of one of the plugin's requests (not a proxy's page):
    // then some input of it caused it, and halves find which.
    if (several && endpoint !== undefined && fromHubSpot(response)) return { status: 'split', reason: `HubSpot refused the ${what} (${answered}: ${said}) without naming the input; sending it in halves to find it` };
    const hint = endpoint === 'eventsBatch'
      ? ': check that the custom event defines every property sent (Data Management > Custom Events > the event > Properties) or leave properties out with the blueprint\'s exclude, then replay'
      : status === 409 ? ': the contact\'s email or a unique property belongs to another contact in HubSpot; merge them there or fix the value at the source, then replay' : '';
    return { status: 'dead_letter', reason: `HubSpot refused the ${what} (${answered}): ${said}${hint}` };
  }
  const classified = defaultClassify(response);
  if (classified.status === 'retry') return retry(`HubSpot ${answered}: ${said}`, parseRetryAfter(headerOf(response.headers, 'retry-after'), ctx.now));
  return 'reason' in classified ? { ...classified, reason: `HubSpot ${answered}: ${said}` } : classified;
}
