import type { Db } from 'pg-boss';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import type {
  ClassifyResult,
  EventOutcome,
  JsonObject,
  JsonValue,
  MappedEvent,
  PluginContext,
  PluginDefinition,
  RequestDescriptor,
  VendorResponse,
} from '../sdk/types.ts';
import { MAX_FOLLOW_UPS, MAX_REQUEST_DELAY_MS } from '../sdk/types.ts';
import { signedNow } from './sign-request.ts';
import { isConsentGranted } from '../pipeline/consent-gate.ts';
import { boundedRetryAfterMs } from './retry-policy.ts';
import type { RevisionSettings } from '../services/integrations.ts';
import type { NewDeadLetter } from './dead-letters.ts';
import type { Exchange } from './delivery-log.ts';
import type { StatsDelta } from './integration-stats.ts';

/** The result of mapping one event: a vendor payload, a deliberate drop, or an error. */
export interface MapResult {
  payload: JsonObject | null;
  /** Set when the event cannot be mapped (e.g. a required field failed): it is dead-lettered. */
  error?: string;
  /** With a null payload and no error: why the event was dropped (a blueprint filter, the plugin). */
  dropReason?: string;
  warnings?: string[];
}

/** Everything about one pipeline integration that delivery needs, resolved once and cached. */
export interface DeliveryTarget {
  integrationId: string;
  pipelineId: string;
  /** The integration (template) it belongs to: the rate limit is its, shared by its pipelines. */
  templateId: string;
  revisionId: string;
  plugin: PluginDefinition;
  ctx: PluginContext;
  /** `now`: the delivery's time, handed to the plugin's mapping as `ctx.now`. */
  map: (event: CanonicalEvent, now: number) => MapResult;
  settings: RevisionSettings;
  /** The revision's consent categories, checked again at delivery (see `deliverBatch`). */
  consentCategories: readonly string[];
  /** Clear values of the integration's secret fields, to redact from the delivery log. */
  secretValues: string[];
  /** The plugin's `accessToken` exchange serves delivery and the config enables it: requests are built with `ctx.accessToken`. */
  usesAccessToken?: boolean;
  /**
   * Why this integration never sends such an event, else undefined: the plugin's `neverSends`
   * with this revision's config (not asked when the revision's blueprint replaces a variant
   * mapped by code: the plugin's test is about its own mapping, which such a revision does not
   * run), then the revision's blueprint (no handler takes the call and its defaults drop such
   * events). Absent when neither can say.
   */
  neverSends?: (event: CanonicalEvent) => string | undefined;
}

export interface PerformResult {
  response?: VendorResponse;
  /** `refused`: the egress guard said no; `invalid`: the request could not be built. Both final. */
  error?: { kind: 'timeout' | 'network' | 'refused' | 'invalid'; message: string };
  durationMs: number;
}

export interface DeliveryDeps {
  perform(request: RequestDescriptor): Promise<PerformResult>;
  /**
   * The integration's access token (targets with `usesAccessToken`); `refused`: the token
   * the vendor just answered 401 to, to be renewed. Throws `RetryableError` or
   * `PermanentError` when none can be had (see `AccessTokens.get`).
   */
  accessToken?(target: DeliveryTarget, refused?: string): Promise<string>;
  classify(response: VendorResponse, request: RequestDescriptor, target: DeliveryTarget): ClassifyResult;
  /**
   * Waits for the integration's rate limit (or, with `endpoint`, for that endpoint's own: one of
   * the plugin's `rateLimit.endpoints`); resolves with how many requests may go now, or 0
   * when the wait would be long (a daily cap, a long vendor pause): the events then go back
   * to the queue for later instead of holding a worker.
   */
  takeTokens(target: DeliveryTarget, wanted: number, signal?: AbortSignal, endpoint?: string): Promise<number>;
  /** Aborted when this process starts to shut down: a wait for the rate limit ends at once. */
  stopSignal?: AbortSignal;
  /**
   * How long one batch may go on sending (default `BATCH_BUDGET_MS`); what it has not sent by
   * then goes back to the queue, to be fetched again at once.
   */
  batchBudgetMs?: number;
  /** Puts events back on the integration's queue, same try, after `delayMs`. */
  defer(target: DeliveryTarget, events: CanonicalEvent[], attempt: number, delayMs: number, transformWarnings?: Array<string[] | null>): Promise<void>;
  /** A vendor 429: slow the integration (or that endpoint of it) down for at least `pauseMs`. */
  throttle(target: DeliveryTarget, pauseMs: number, endpoint?: string): Promise<void>;
  /** A vendor success: give a slowed-down integration (or endpoint) some of its rate back. */
  recover?(target: DeliveryTarget, endpoint?: string): Promise<void>;
  /** Delay before retry number `retry` (1-based), honouring a longer Retry-After. */
  retryDelayMs(retry: number, settings: RevisionSettings, retryAfterMs: number | undefined): number;
  /**
   * Delay before sending again events the vendor answered 429, after `throttledForMs` of
   * such answers; undefined once the vendor has throttled them too long (they are then
   * dead-lettered). A 429 uses up no try.
   */
  throttledRetryDelayMs(throttledForMs: number, settings: RevisionSettings, retryAfterMs: number | undefined): number | undefined;
  /** Queues events for try `attempt` after `delayMs`; `throttledSince` while a vendor answers 429. */
  scheduleRetry(target: DeliveryTarget, events: CanonicalEvent[], attempt: number, delayMs: number, throttledSince?: number): Promise<void>;
  deadLetter(letters: NewDeadLetter[]): Promise<void>;
  record(exchanges: Exchange[]): Promise<void>;
  /** `db`: a transaction to count in (the fan-out's skipped counts commit with its jobs). */
  addStats(target: DeliveryTarget, delta: StatsDelta, db?: Db): Promise<void>;
  redact(request: RequestDescriptor, secrets: string[], options: { maxBodyChars: number }): JsonValue;
  redactText(text: string, secrets: string[]): string;
  /** Requests of one batch performed at the same time. */
  requestConcurrency?: number;
  /**
   * True once the integration was disabled or unassigned while this batch runs: the requests
   * not yet sent go back to the queue instead of going out at the rate limit's pace.
   */
  stopped?(target: DeliveryTarget): boolean;
  /** Told when the delivery log or counters could not be written (delivery itself went on). */
  onBookkeepingError?: (error: Error) => void;
  /**
   * Follows up the receipts of accepted requests (plugins with a `processingReport`): their
   * reports are asked for later. Without it, none are.
   */
  scheduleReports?(target: DeliveryTarget, receipts: AcceptedReceipt[]): Promise<void>;
}

/** The receipt of a request the vendor accepted, with the events it carried that were delivered. */
export interface AcceptedReceipt {
  receipt: JsonValue;
  eventIds: string[];
}

export interface DeliverySummary {
  delivered: number;
  retried: number;
  deadLettered: number;
  /** Events not sent (the mapping dropped them) or declined by the vendor (see `EventOutcome`). */
  dropped: number;
  /** Events the revision's consent categories no longer allow (see `deliverBatch`). */
  skippedConsent: number;
  requests: number;
}

interface Settled {
  outcome: EventOutcome;
  request?: JsonValue;
  response?: JsonValue;
}

const MAX_RESPONSE_IN_LOG = 4096;
/** How long deferred events wait before their job is fetched again. */
const DEFER_MS = 30_000;
/**
 * How long one batch may go on sending: five minutes, well inside the delivery job's expiry
 * (15 minutes, `DELIVERY_QUEUE_OPTIONS`) even with a minute's wait for the rate limit and a
 * slow last request on top. A job past its expiry is run again by pg-boss while the first run
 * is still sending, which would deliver its events twice (a vendor taking one event per
 * request at 1 request/s needs 1,000 s for 1,000 events).
 */
export const BATCH_BUDGET_MS = 5 * 60_000;
/**
 * How many times one delivery sends an event again because the vendor refused its request for
 * others (`resend`): enough for a request refused one bad record at a time, bounded so that a
 * vendor answering `resend` again and again cannot loop.
 */
export const MAX_RESENDS = 10;

function responseForLog(response: VendorResponse | undefined, deps: DeliveryDeps, secrets: string[]): JsonValue {
  if (!response) return null;
  return { status: response.status, body: deps.redactText(response.body.slice(0, MAX_RESPONSE_IN_LOG), secrets) };
}

/** A request body longer than this is kept in the delivery log and dead letters as a preview. */
export const MAX_BODY_IN_LOG = 16 * 1024;

/**
 * A classification's follow-up requests, checked: each carries events of the answered request,
 * none twice (else the classifier is wrong, and its events are dead-lettered as for a throw).
 */
function followUpsOf(classification: ClassifyResult, request: RequestDescriptor): RequestDescriptor[] {
  if (!('next' in classification)) return [];
  const next: unknown = classification.next;
  if (!Array.isArray(next)) throw new Error('next must be a list of requests');
  const carried = new Set(request.eventIds);
  const seen = new Set<string>();
  for (const [index, follow] of (next as RequestDescriptor[]).entries()) {
    if (typeof follow !== 'object' || follow === null || typeof follow.url !== 'string' || !Array.isArray(follow.eventIds)) {
      throw new Error(`next[${index}] is not a request (method, url, eventIds)`);
    }
    for (const id of follow.eventIds) {
      if (!carried.has(id)) throw new Error(`next[${index}] carries event ${JSON.stringify(id)}, which the answered request did not carry`);
      if (seen.has(id)) throw new Error(`next[${index}] carries event ${JSON.stringify(id)} again (an event goes in one follow-up)`);
      seen.add(id);
    }
  }
  return next as RequestDescriptor[];
}

/** Applies a classification to the events a request carried (those a follow-up carries excepted). */
function outcomesOf(classification: ClassifyResult, request: RequestDescriptor, followed: ReadonlySet<string> = new Set()): Map<string, EventOutcome> | 'split' {
  if ('next' in classification) {
    const outcomes = new Map<string, EventOutcome>();
    for (const id of request.eventIds) if (!followed.has(id)) outcomes.set(id, classification.settle?.[id] ?? { status: 'delivered' });
    return outcomes;
  }
  if ('perEvent' in classification) {
    const outcomes = new Map<string, EventOutcome>();
    for (const id of request.eventIds) outcomes.set(id, classification.perEvent[id] ?? { status: 'delivered' });
    return outcomes;
  }
  if (classification.status === 'split') return 'split';
  return new Map(request.eventIds.map((id) => [id, classification]));
}

/**
 * The events' keys in a delivery: the messageId, then `messageId#2`, `#3`, … for the same
 * messageId again, so every event is settled on its own.
 *
 * @example
 * eventKeys([{ messageId: 'a' }, { messageId: 'b' }, { messageId: 'a' }] as CanonicalEvent[]); // ['a', 'b', 'a#2']
 */
export function eventKeys(events: readonly CanonicalEvent[]): string[] {
  const used = new Set<string>();
  return events.map((event) => {
    const id = String(event.messageId);
    let key = id;
    // A messageId may itself read `a#2`: count on until the key is free.
    for (let n = 2; used.has(key); n++) key = `${id}#${n}`;
    used.add(key);
    return key;
  });
}

/**
 * Whether the classifier said of every retried event of an answer that it is no rate limit
 * (`throttled: false`), so a 429 neither slows the integration nor spares the events a try.
 *
 * @example
 * isNoRateLimit(new Map([['e1', { status: 'retry', reason: 'busy', throttled: false }]])); // true
 */
export function isNoRateLimit(outcomes: Map<string, EventOutcome> | 'split'): boolean {
  if (outcomes === 'split') return false;
  const retried = [...outcomes.values()].filter((o) => o.status === 'retry');
  return retried.length > 0 && retried.every((o) => o.status === 'retry' && o.throttled === false);
}

/**
 * The message of anything a plugin threw. A plain-JS plugin may throw a string or an object:
 * `(error as Error).message` would then be undefined, and an event would settle with no reason.
 *
 * @example
 * thrownMessage('no email'); // 'no email'
 */
export function thrownMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

function errorOutcome(error: unknown): EventOutcome {
  const named = error as { name?: string; message?: string; retryAfterMs?: number };
  if (named?.name === 'RetryableError') {
    return { status: 'retry', reason: named.message ?? 'retryable error', ...(named.retryAfterMs !== undefined ? { retryAfterMs: named.retryAfterMs } : {}) };
  }
  return { status: 'dead_letter', reason: named?.name === 'PermanentError' ? (named.message ?? 'permanent error') : `classifier failed: ${thrownMessage(error)}` };
}

/**
 * What becomes of events when no access token can be had: a failing token endpoint retries
 * them, a refused credential dead-letters them with what to fix. Anything else (the database)
 * is an infrastructure error: the job is retried whole.
 */
function tokenOutcome(error: unknown): Extract<EventOutcome, { status: 'retry' | 'dead_letter' }> {
  const named = error as { name?: string; message?: string; retryAfterMs?: number };
  if (named?.name === 'RetryableError') return { status: 'retry', reason: named.message ?? 'access token: the token endpoint failed', ...(named.retryAfterMs !== undefined ? { retryAfterMs: named.retryAfterMs } : {}) };
  if (named?.name === 'PermanentError') return { status: 'dead_letter', reason: named.message ?? 'access token: refused' };
  throw error;
}

/**
 * An integration's last error for a failed answer: the status and what the vendor said, or,
 * when its answer was empty, why the classifier refused it (never an empty "HTTP 500: ").
 */
function answerError(response: { status: number; body: string }, outcomes: Map<string, EventOutcome> | 'split', redact: (text: string) => string): string {
  const body = response.body.trim();
  if (body !== '') return `HTTP ${response.status}: ${redact(body.slice(0, 300))}`;
  const refused = outcomes === 'split' ? undefined : [...outcomes.values()].find((o) => o.status !== 'delivered');
  const reason = refused !== undefined && 'reason' in refused ? redact(refused.reason) : undefined;
  if (reason?.startsWith('HTTP ')) return reason;
  return `HTTP ${response.status}${reason ? `: ${reason}` : ' (empty answer)'}`;
}

/**
 * Delivers one batch of events to one integration: maps them, builds the vendor requests,
 * performs them under the shared rate limit, and settles every event — delivered, retried on
 * the schedule, or dead-lettered with the vendor's response. A classifier that blames only
 * some events of a request settles only those; a `split` answer re-sends the request's events
 * in halves. Events answered 429 are sent again later without using up a try, for as long as
 * `throttledRetryDelayMs` allows (`throttledSince`: when their first 429 came).
 * `transformWarnings[i]`: what the pipeline's transformations could not do to `events[i]`,
 * logged with the exchange that carries it, before the mapping's own warnings. Never throws
 * for what a vendor or an event does; only infrastructure errors (the database) escape, and
 * then the job is retried whole.
 *
 * @example
 * const summary = await deliverBatch(target, events, 1, deps);
 */
export async function deliverBatch(target: DeliveryTarget, events: CanonicalEvent[], attempt: number, deps: DeliveryDeps, throttledSince?: number, transformWarnings: ReadonlyArray<readonly string[] | null | undefined> = []): Promise<DeliverySummary> {
  const settled = new Map<string, Settled>();
  const exchanges: Exchange[] = [];
  const letters: NewDeadLetter[] = [];
  // Each event's key through this delivery: its messageId, made unique. Collect does not
  // deduplicate, so one job may carry two events with the same messageId (an SDK's retry, a
  // batch that repeats one); keyed by messageId alone, their outcomes would collapse into one
  // and the others would be neither delivered nor dead-lettered.
  const keys = eventKeys(events);
  const byId = new Map(events.map((e, i) => [keys[i]!, e]));
  // One time for the whole delivery: mapping, request building and classifying see the same
  // clock. Replaced (same clock) when an access token is obtained or renewed.
  let ctx: PluginContext = { ...target.ctx, now: Date.now() };
  /** Values redacted from what is kept: the config's secrets, and the access token once there is one. */
  let secrets = target.secretValues;
  let dropped = 0;
  /** Why each dropped event was dropped, by event key. */
  const droppedWhy = new Map<string, string>();
  let skippedConsent = 0;
  /** Events whose request the vendor answered 429. */
  const throttledIds = new Set<string>();
  let requests = 0;
  let failedRequests = 0;
  /** Receipts of accepted requests whose processing the vendor reports later. */
  const receipts: AcceptedReceipt[] = [];
  let lastError: string | undefined;
  /** The access token each request was built with (none: the plugin uses none). */
  const builtWith = new WeakMap<RequestDescriptor, string | undefined>();
  /** How many follow-ups in a row led to a request (none: `send` built it). */
  const followUpDepth = new WeakMap<RequestDescriptor, number>();
  /** This delivery's one renewal of a refused token, and how it failed (if it did). */
  let renewal: Promise<void> | undefined;
  let renewalFailure: Extract<EventOutcome, { status: 'retry' | 'dead_letter' }> | undefined;
  const tokenFor = async (refused: string | undefined): Promise<string> => {
    if (!deps.accessToken) throw new Error(`the ${target.plugin.id} plugin needs an access token, and this worker was set up without access tokens`);
    return deps.accessToken(target, refused);
  };
  const useToken = (token: string): void => {
    ctx = { ...ctx, accessToken: token };
    // Kept with the tokens before it: requests built with a refused one are logged too.
    secrets = [...secrets, token];
  };

  // 1. Map every event; a mapping error settles that event alone. Consent was checked at
  // fan-out, but a retry, a deferral or a backlog may be delivered through a later revision
  // that requires more: what it no longer allows is skipped, not sent.
  const mapped: MappedEvent[] = [];
  /** What the mapping left out, by event key: shown with the exchange that carried the event. */
  const warnings = new Map<string, string[]>();
  /** The transformations' warnings as received, by event key, for events put back unsent. */
  const upstreamWarnings = new Map<string, string[]>();
  for (const [index, event] of events.entries()) {
    const key = keys[index]!;
    const upstream = transformWarnings[index];
    if (upstream && upstream.length > 0) upstreamWarnings.set(key, [...upstream]);
    if (!isConsentGranted(event, target.consentCategories)) {
      skippedConsent++;
      continue;
    }
    let result: MapResult;
    try {
      result = target.map(event, ctx.now);
    } catch (error) {
      result = { payload: null, error: `mapping failed: ${thrownMessage(error)}` };
    }
    const all = [...(upstream ?? []).map((w) => `transformation: ${w}`), ...(result.warnings ?? [])];
    if (all.length > 0) warnings.set(key, all.map((w) => deps.redactText(w, target.secretValues)));
    if (result.error !== undefined) settled.set(key, { outcome: { status: 'dead_letter', reason: result.error } });
    else if (result.payload === null) {
      dropped++;
      droppedWhy.set(key, deps.redactText(result.dropReason ?? 'the mapping sent nothing for this event', target.secretValues));
    } else mapped.push({ id: key, event, payload: result.payload });
  }
  // Dropped events make no request, so without this the debugger would only count them: one
  // entry per delivery says which were dropped and why (a blueprint filter and its text, a
  // plugin's own reasons in its warnings).
  if (droppedWhy.size > 0) {
    const ids = [...droppedWhy.keys()];
    exchanges.push({
      pipelineIntegrationId: target.integrationId, revisionId: target.revisionId, eventIds: ids, attempt,
      request: null, responseStatus: null, responseBody: null,
      error: `not sent: ${ids.length === 1 ? 'the mapping dropped this event' : `the mapping dropped these ${ids.length} events`} (why, by event id, in warnings)`,
      outcome: 'dropped', durationMs: 0,
      warnings: Object.fromEntries(ids.map((id) => [id, [`dropped: ${droppedWhy.get(id)!}`, ...(warnings.get(id) ?? [])]])),
    });
  }

  // 2. The access token, for plugins whose requests carry one: without it nothing can go.
  if (target.usesAccessToken && mapped.length > 0) {
    try {
      useToken(await tokenFor(undefined));
    } catch (error) {
      const outcome = tokenOutcome(error);
      for (const m of mapped.splice(0)) settled.set(m.id, { outcome });
      lastError = deps.redactText(outcome.reason, secrets);
    }
  }

  // 3. Build the requests and perform them, re-splitting when the vendor asks.
  const queue: MappedEvent[][] = mapped.length > 0 ? [mapped] : [];
  const pending: RequestDescriptor[] = [];
  const mappedById = new Map(mapped.map((m) => [m.id, m]));

  /**
   * Queues requests to send; one naming a rate-limit endpoint its plugin does not declare is a
   * plugin bug: its events are dead-lettered saying so (it has no bucket to wait for).
   */
  function enqueue(requests: readonly RequestDescriptor[]): void {
    const declared = target.plugin.rateLimit.endpoints ?? {};
    for (const request of requests) {
      if (request.endpoint === undefined || Object.hasOwn(declared, request.endpoint)) {
        pending.push(request);
        continue;
      }
      const reason = `the ${target.plugin.id} plugin built a request for rate-limit endpoint ${JSON.stringify(request.endpoint)}, which its rateLimit.endpoints does not declare (${Object.keys(declared).join(', ') || 'none'})`;
      for (const id of request.eventIds) settled.set(id, { outcome: { status: 'dead_letter', reason } });
      lastError = reason;
    }
  }

  /**
   * The plugin's requests for `batch`. A sender that throws is tried again on each half, down
   * to the one event it cannot build for: that event is dead-lettered, not the whole batch.
   */
  function build(batch: MappedEvent[]): void {
    try {
      const built = target.plugin.send(batch, ctx);
      for (const request of built) builtWith.set(request, ctx.accessToken);
      enqueue(built);
    } catch (error) {
      if (batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        build(batch.slice(0, half));
        build(batch.slice(half));
        return;
      }
      for (const m of batch) settled.set(m.id, { outcome: { status: 'dead_letter', reason: `request builder failed: ${thrownMessage(error)}` } });
    }
  }

  function warningsOf(eventIds: readonly string[]): { warnings?: Record<string, string[]> } {
    const found = eventIds.filter((id) => warnings.has(id));
    return found.length === 0 ? {} : { warnings: Object.fromEntries(found.map((id) => [id, warnings.get(id)!])) };
  }

  /**
   * After a 401 (or an answer `accessToken.refused` reads as one) to a request made with `used`: true when the request should be built again
   * with a renewed token (renewed now, or already by another request of this delivery); false
   * when the renewed token was refused too, or when renewing failed (then `renewalFailure`).
   * One renewal per delivery: a credential without the needed permission must not loop.
   */
  async function renewedAfter(used: string): Promise<boolean> {
    if (ctx.accessToken !== used) return true;
    if (renewal === undefined) {
      renewal = tokenFor(used).then(useToken, (error: unknown) => {
        renewalFailure = tokenOutcome(error);
      });
    }
    await renewal;
    return ctx.accessToken !== used;
  }

  /**
   * Whether the plugin's `accessToken.refused` reads this answer as a refused token. A plugin
   * failing here is reported and the answer goes to `classify` as any other.
   */
  function refusedByAnswer(response: VendorResponse, request: RequestDescriptor): boolean {
    const refused = target.plugin.accessToken?.refused;
    if (refused === undefined) return false;
    try {
      return refused(response, request, ctx) === true;
    } catch (error) {
      deps.onBookkeepingError?.(new Error(`${target.plugin.id}: accessToken.refused failed: ${thrownMessage(error)}`));
      return false;
    }
  }

  /** The receipt in an accepted answer, kept with the events it delivered (a plugin failing here delays nothing). */
  function keepReceipt(request: RequestDescriptor, response: VendorResponse, outcomes: Map<string, EventOutcome>): void {
    const delivered = request.eventIds.filter((id) => outcomes.get(id)?.status === 'delivered');
    if (delivered.length === 0) return;
    try {
      const receipt = target.plugin.processingReport!.receipt(response, request, ctx);
      if (receipt !== undefined && receipt !== null) receipts.push({ receipt, eventIds: delivered });
    } catch (error) {
      deps.onBookkeepingError?.(new Error(`${target.plugin.id}: processingReport.receipt failed: ${thrownMessage(error)}`));
    }
  }

  /** The events each exchange's answer sent again (see `resendUnrecorded`): its outcome keeps saying so. */
  const resentBy = new Map<Exchange, string[]>();
  /** How many times each event was sent again in this delivery for the others of its request (see `resendUnrecorded`). */
  const resends = new Map<string, number>();
  /**
   * Events an answer says the vendor refused only for others of their request (`resend`, see
   * `EventOutcome`): queued at once for a new request without those, using no try. They stay
   * retries (on the schedule) when the answer blames none of its events (a new request would
   * meet the same answer) and after MAX_RESENDS resends of one event in one delivery, so that
   * a vendor answering `resend` again and again cannot loop.
   */
  function resendUnrecorded(outcomes: Map<string, EventOutcome>): string[] {
    const asked = [...outcomes].filter((entry): entry is [string, Extract<EventOutcome, { status: 'resend' }>] => entry[1].status === 'resend');
    if (asked.length === 0) return [];
    const blamesOthers = [...outcomes.values()].some((o) => o.status !== 'resend' && o.status !== 'delivered');
    const again: MappedEvent[] = [];
    for (const [id, outcome] of asked) {
      const times = resends.get(id) ?? 0;
      const m = mappedById.get(id);
      if (blamesOthers && times < MAX_RESENDS && m !== undefined) {
        resends.set(id, times + 1);
        again.push(m);
      } else {
        outcomes.set(id, { status: 'retry', reason: outcome.reason });
      }
    }
    if (again.length > 0) queue.push(again);
    return again.map((m) => m.id);
  }

  async function performOne(built: RequestDescriptor): Promise<void> {
    let request = built;
    const depth = followUpDepth.get(built) ?? 0;
    const delayMs = Math.min(MAX_REQUEST_DELAY_MS, Math.max(0, Number(built.delayMs) || 0));
    if (delayMs > 0 && !(await waited(delayMs, deps.stopSignal))) {
      // Stopped while it waited: not sent, its events go back at once (a retry starts again from send).
      for (const id of built.eventIds) deferred.add(id);
      deferMs = 0;
      return;
    }
    if (target.plugin.sign) {
      // Signed now, after the rate limiter's wait: a signature's time must be the sending time.
      try {
        request = signedNow(target.plugin.sign, built, ctx);
      } catch (error) {
        const reason = `request signing failed: ${thrownMessage(error)}`;
        for (const id of built.eventIds) settled.set(id, { outcome: { status: 'dead_letter', reason: deps.redactText(reason, secrets) } });
        lastError = deps.redactText(reason, secrets);
        return;
      }
      builtWith.set(request, builtWith.get(built));
    }
    requests++;
    const logged = deps.redact(request, secrets, { maxBodyChars: MAX_BODY_IN_LOG });
    const result = await deps.perform(request);
    const used = builtWith.get(request);
    // A 401, or an answer the plugin's `accessToken.refused` reads as a refused token (a 2xx for some vendors).
    const tokenRefused = used !== undefined && result.response !== undefined && (result.response.status === 401 || refusedByAnswer(result.response, request));
    if (tokenRefused && renewalFailure === undefined && (await renewedAfter(used))) {
      // The token expired early or was revoked: built again with the renewed one, and sent.
      queue.push(request.eventIds.map((id) => mappedById.get(id)).filter((m): m is MappedEvent => m !== undefined));
      const status = result.response!.status;
      exchanges.push({
        pipelineIntegrationId: target.integrationId, revisionId: target.revisionId, eventIds: request.eventIds, attempt, request: logged,
        responseStatus: status, responseBody: deps.redactText(result.response!.body.slice(0, MAX_RESPONSE_IN_LOG), secrets),
        error: status === 401 ? 'the vendor refused the access token: renewed, and the request sent again' : `the vendor refused the access token (in its HTTP ${status} answer): renewed, and the request sent again`,
        outcome: 'retry', durationMs: Math.round(result.durationMs),
        ...warningsOf(request.eventIds),
      });
      return;
    }
    let outcomes: Map<string, EventOutcome> | 'split';
    /** Requests the answer asks for next, carrying some of this request's events (see `FollowUp`). */
    let next: RequestDescriptor[] = [];
    if (tokenRefused && renewalFailure !== undefined) {
      // Renewing failed: what the token endpoint said is what the admin needs to read.
      outcomes = new Map(request.eventIds.map((id) => [id, renewalFailure!]));
    } else if (result.response) {
      try {
        const classification = deps.classify(result.response, request, { ...target, ctx });
        next = followUpsOf(classification, request);
        if (next.length > 0 && depth >= MAX_FOLLOW_UPS) {
          const reason = `the ${target.plugin.id} plugin asked for more than ${MAX_FOLLOW_UPS} follow-up requests in a row (a loop in its classify?); the last answer: HTTP ${result.response.status}`;
          outcomes = new Map(request.eventIds.map((id) => [id, { status: 'dead_letter', reason }]));
          next = [];
        } else {
          outcomes = outcomesOf(classification, request, new Set(next.flatMap((r) => r.eventIds)));
        }
      } catch (error) {
        next = [];
        outcomes = new Map(request.eventIds.map((id) => [id, errorOutcome(error)]));
      }
      // A 429, or an answer the classifier says is the vendor's rate limit in another status;
      // not a 429 the classifier says is no rate limit (Drip's "another request for this
      // subscriber is being processed"): slowing the whole integration would not help it.
      const throttledAnswer = (result.response.status === 429 && !isNoRateLimit(outcomes)) || (outcomes !== 'split' && [...outcomes.values()].some((o) => o.status === 'retry' && o.throttled === true));
      if (throttledAnswer) {
        for (const id of request.eventIds) throttledIds.add(id);
        const retryAfter = [...(outcomes === 'split' ? [] : outcomes.values())].find((o) => o.status === 'retry' && o.retryAfterMs !== undefined);
        // Bounded: one answer must not pause the integration for more than an hour.
        // A 429 to an endpoint with a limit of its own slows that endpoint alone.
        await deps.throttle(target, boundedRetryAfterMs(retryAfter && retryAfter.status === 'retry' ? retryAfter.retryAfterMs : undefined) ?? 1000, request.endpoint);
      } else if (result.response.status < 300) {
        // Without this, a few 429s would cut the integration's rate for good. Bookkeeping: a
        // failure must not fail the job, which would send the delivered events again.
        await deps.recover?.(target, request.endpoint).catch((error: Error) => deps.onBookkeepingError?.(error));
      }
    } else if (result.error?.kind === 'refused') {
      // The egress guard refused the target: no retry can change that.
      const reason = `target refused: ${result.error.message}`;
      outcomes = new Map(request.eventIds.map((id) => [id, { status: 'dead_letter', reason }]));
    } else if (result.error?.kind === 'invalid') {
      const headerHint = / URL /.test(result.error.message) ? '' : ' A header value holds a line break or another character HTTP headers cannot carry. If it comes from the config (a token pasted with its newline), create a revision with the value fixed, assign it to the pipeline, then replay the dead letters; if it comes from the event, the plugin must leave it out or encode it.';
      const reason = `the request could not be sent: ${result.error.message}.${headerHint}`;
      outcomes = new Map(request.eventIds.map((id) => [id, { status: 'dead_letter', reason }]));
    } else {
      const reason = `${result.error?.kind === 'timeout' ? 'timeout' : 'network error'}: ${result.error?.message ?? 'no response'}`;
      outcomes = new Map(request.eventIds.map((id) => [id, { status: 'retry', reason }]));
    }
    const resent = outcomes === 'split' ? [] : resendUnrecorded(outcomes);
    if (target.plugin.processingReport && result.response && result.response.status < 300 && outcomes !== 'split') {
      keepReceipt(request, result.response, outcomes);
    }
    for (const follow of next) {
      builtWith.set(follow, ctx.accessToken);
      followUpDepth.set(follow, depth + 1);
    }
    enqueue(next);
    const response = responseForLog(result.response, deps, secrets);
    if (outcomes === 'split') {
      const carried = request.eventIds.map((id) => mappedById.get(id)).filter((m): m is MappedEvent => m !== undefined);
      if (carried.length > 1) {
        const half = Math.ceil(carried.length / 2);
        queue.push(carried.slice(0, half), carried.slice(half));
      } else {
        for (const m of carried) {
          settled.set(m.id, { outcome: { status: 'dead_letter', reason: `the vendor refused even this single event (HTTP ${result.response?.status ?? '?'}: too large)` }, request: logged, response });
        }
      }
    } else {
      for (const [id, outcome] of outcomes) {
        // Sent again (see `resendUnrecorded`): the new request settles it.
        if (byId.has(id) && outcome.status !== 'resend') settled.set(id, { outcome, request: logged, response });
      }
    }
    // An answer that asks for a follow-up (a lookup's 404, then a create) is no failure in itself.
    const failed = next.length > 0
      ? outcomes !== 'split' && [...outcomes.values()].some((o) => o.status !== 'delivered')
      : !result.response || result.response.status >= 300 || outcomes === 'split' || [...outcomes.values()].some((o) => o.status !== 'delivered');
    if (failed) {
      failedRequests++;
      lastError = result.response ? answerError(result.response, outcomes, (text) => deps.redactText(text, secrets)) : result.error?.message ?? 'no response';
    }
    const exchange: Exchange = {
      pipelineIntegrationId: target.integrationId,
      revisionId: target.revisionId,
      eventIds: request.eventIds,
      attempt,
      request: logged,
      responseStatus: result.response?.status ?? null,
      responseBody: result.response ? deps.redactText(result.response.body.slice(0, MAX_RESPONSE_IN_LOG), secrets) : null,
      error: result.error ? `${result.error.kind}: ${result.error.message}` : null,
      outcome: outcomes === 'split' ? 'split' : next.length === 0 ? summarise(outcomes) : outcomes.size === 0 ? 'next' : `${summarise(outcomes)}; ${request.eventIds.length - outcomes.size} next`,
      durationMs: Math.round(result.durationMs),
      ...warningsOf(request.eventIds),
    };
    exchanges.push(exchange);
    if (resent.length > 0) resentBy.set(exchange, resent);
  }

  const concurrency = Math.max(1, deps.requestConcurrency ?? 8);
  const budgetEnds = Date.now() + (deps.batchBudgetMs ?? BATCH_BUDGET_MS);
  const deferred = new Set<string>();
  let deferMs = DEFER_MS;
  outer: while (queue.length > 0 || pending.length > 0) {
    while (queue.length > 0) build(queue.shift()!);
    while (pending.length > 0) {
      const stoppedBefore = deps.stopped?.(target) ?? false;
      const outOfTime = Date.now() >= budgetEnds;
      // Requests go in runs of one endpoint: a run waits for its endpoint's own bucket (when
      // the plugin limits it apart), then for the integration's.
      const endpoint = pending[0]!.endpoint;
      let run = 1;
      while (run < Math.min(pending.length, concurrency) && pending[run]!.endpoint === endpoint) run++;
      let allowed = stoppedBefore || outOfTime ? 0 : run;
      if (allowed > 0 && endpoint !== undefined) allowed = await deps.takeTokens(target, allowed, deps.stopSignal, endpoint);
      if (allowed > 0) allowed = await deps.takeTokens(target, allowed, deps.stopSignal);
      if (allowed === 0) {
        // Stopped (disabled, unassigned, shutting down; perhaps during the wait) or out of
        // time: the rest goes back to the queue at once, not after a rate limit's delay.
        if (stoppedBefore || outOfTime || (deps.stopped?.(target) ?? false)) deferMs = 0;
        for (const request of pending.splice(0)) for (const id of request.eventIds) deferred.add(id);
        for (const batch of queue.splice(0)) for (const m of batch) deferred.add(m.id);
        break outer;
      }
      const slice = pending.splice(0, allowed);
      await Promise.all(slice.map(performOne));
    }
  }
  if (deferred.size > 0) {
    // Not sent yet: their transformations' warnings go with them, to the exchange that will carry them.
    const keys = [...deferred].filter((key) => byId.has(key));
    const carried = keys.map((key) => upstreamWarnings.get(key) ?? null);
    await deps.defer(target, keys.map((key) => byId.get(key)!), attempt, deferMs, carried.some((w) => w !== null) ? carried : undefined);
  }

  // 4. Settle: events no request carried (a sender that skipped them) are delivered by it.
  for (const id of deferred) settled.set(id, { outcome: { status: 'delivered' } });
  const retry: CanonicalEvent[] = [];
  let retryAfterMs: number | undefined;
  const throttled: CanonicalEvent[] = [];
  let throttledDelayMs = 0;
  const now = Date.now();
  let delivered = 0;
  /** Events the vendor declined (see `EventOutcome`): counted as dropped. */
  let declined = 0;
  /** Why the vendor declined each, by event key, for its exchange's warnings. */
  const declinedWhy = new Map<string, string>();
  /** What became of each event in the end: a retry past its last try is a dead letter. */
  const finalStatus = new Map<string, EventOutcome['status']>();
  for (const m of mapped) if (!settled.has(m.id)) settled.set(m.id, { outcome: { status: 'delivered' } });
  for (const [id, { outcome, request, response }] of settled) {
    const event = byId.get(id)!;
    if (deferred.has(id)) continue;
    const throttledDelay = outcome.status === 'retry' && throttledIds.has(id)
      ? deps.throttledRetryDelayMs(now - (throttledSince ?? now), target.settings, outcome.retryAfterMs)
      : undefined;
    if (outcome.status === 'delivered') {
      delivered++;
      finalStatus.set(id, 'delivered');
    } else if (outcome.status === 'declined') {
      declined++;
      finalStatus.set(id, 'declined');
      declinedWhy.set(id, deps.redactText(outcome.reason, secrets));
    } else if (throttledDelay !== undefined) {
      finalStatus.set(id, 'retry');
      throttled.push(event);
      throttledDelayMs = Math.max(throttledDelayMs, throttledDelay);
    } else if (outcome.status === 'retry' && attempt < target.settings.retry.attempts && !throttledIds.has(id)) {
      // (A 429 past its day is dead-lettered: a try here would start another day of them.)
      finalStatus.set(id, 'retry');
      retry.push(event);
      if (outcome.retryAfterMs !== undefined) retryAfterMs = Math.max(retryAfterMs ?? 0, outcome.retryAfterMs);
    } else {
      const reason = outcome.status !== 'retry' ? outcome.reason
        : throttledIds.has(id) ? `gave up after a day of rate limiting (the vendor kept answering 429): ${outcome.reason}`
        : `gave up after ${attempt} tries: ${outcome.reason}`;
      finalStatus.set(id, 'dead_letter');
      letters.push({
        pipelineIntegrationId: target.integrationId, pipelineId: target.pipelineId, revisionId: target.revisionId,
        // A reason may quote the vendor's answer, which may echo a credential back.
        event, reason: deps.redactText(reason, secrets), attempts: attempt, lastRequest: request ?? null, lastResponse: response ?? null,
      });
    }
  }

  if (retry.length > 0) {
    await deps.scheduleRetry(target, retry, attempt + 1, deps.retryDelayMs(attempt, target.settings, retryAfterMs));
  }
  if (throttled.length > 0) {
    await deps.scheduleRetry(target, throttled, attempt, throttledDelayMs, throttledSince ?? now);
  }
  // The debugger shows what happened to the events, not only the vendor's verdict: the last
  // try of a failing event reads `dead_letter`, not `retry`.
  for (const exchange of exchanges) {
    // A split or a follow-up answer says what the vendor's answer meant; the requests after it say the rest.
    if (exchange.outcome === 'split' || exchange.outcome.endsWith('next')) continue;
    const resentHere = new Set(resentBy.get(exchange));
    const statuses = new Map(exchange.eventIds.filter((id) => finalStatus.has(id)).map((id) => [id, { status: resentHere.has(id) ? 'resend' : finalStatus.get(id)! } as EventOutcome]));
    if (statuses.size > 0) exchange.outcome = summarise(statuses);
    const declinedHere = exchange.eventIds.filter((id) => declinedWhy.has(id));
    if (declinedHere.length > 0) {
      exchange.warnings = { ...exchange.warnings };
      for (const id of declinedHere) exchange.warnings[id] = [`declined: ${declinedWhy.get(id)!}`, ...(exchange.warnings[id] ?? [])];
    }
  }
  await deps.deadLetter(letters);
  // Bookkeeping after the fact: a failure here must not fail the job, which would send the
  // delivered events again.
  await deps.record(exchanges).catch((error: Error) => deps.onBookkeepingError?.(error));
  if (receipts.length > 0 && deps.scheduleReports) {
    // Only events that stayed delivered (a later answer of this delivery may have settled them otherwise).
    const followed = receipts.map((r) => ({ ...r, eventIds: r.eventIds.filter((id) => finalStatus.get(id) === 'delivered') })).filter((r) => r.eventIds.length > 0);
    if (followed.length > 0) await deps.scheduleReports(target, followed).catch((error: Error) => deps.onBookkeepingError?.(error));
  }
  // Events of a retry job leave the gauge now, except those deferred (still waiting).
  const previouslyRetrying = attempt > 1 || throttledSince !== undefined ? events.length - deferred.size : 0;
  await deps.addStats(target, {
    delivered,
    deadLettered: letters.length,
    dropped: dropped + declined,
    ...(skippedConsent > 0 ? { skippedConsent } : {}),
    retried: retry.length + throttled.length,
    retrying: retry.length + throttled.length - previouslyRetrying,
    requests,
    failedRequests,
    ...(lastError !== undefined || letters.length > 0 ? { lastError: lastError ?? letters.at(-1)!.reason } : {}),
  }).catch((error: Error) => deps.onBookkeepingError?.(error));
  return { delivered, retried: retry.length + throttled.length, deadLettered: letters.length, dropped: dropped + declined, skippedConsent, requests };
}

/** Resolves true after `ms`, or false as soon as `signal` aborts (at once when it already has). */
function waited(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * An exchange's outcome in the delivery log: `delivered`, `retry`, `dead_letter` or `declined`
 * when all its events share it, else `partial: 3 delivered, 1 retry, 0 dead_letter` (`, 2
 * declined` added only when some were).
 */
function summarise(outcomes: Map<string, EventOutcome>): string {
  const counts = { delivered: 0, retry: 0, dead_letter: 0, resend: 0, declined: 0 };
  for (const outcome of outcomes.values()) counts[outcome.status]++;
  const kinds = Object.values(counts).filter((n) => n > 0).length;
  // (`resend` alone cannot happen: an answer blaming none of its events retries them.)
  if (kinds <= 1) return counts.retry > 0 ? 'retry' : counts.dead_letter > 0 ? 'dead_letter' : counts.declined > 0 ? 'declined' : 'delivered';
  // `declined` stays last: the event trace reads it at the end.
  return `partial: ${counts.delivered} delivered, ${counts.retry} retry, ${counts.dead_letter} dead_letter${counts.resend > 0 ? `, ${counts.resend} sent again` : ''}${counts.declined > 0 ? `, ${counts.declined} declined` : ''}`;
}
