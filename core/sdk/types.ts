/**
 * Types of the plugin contract: what a vendor plugin declares and what the core hands it.
 * Plugins import these through `core/sdk` only.
 *
 * The contract in one paragraph: a plugin is one declarative, frozen object. Its functions
 * (`variants[].map`, `map`, `send`, `classify`, `validateConfig`) are pure — no I/O, no clock
 * (use `ctx.now`), no randomness, no mutation of their arguments — so a dry-run preview shows
 * exactly what would be sent and the core alone performs, times out, retries, records and
 * guards every request.
 */
import type { CanonicalEvent, JsonObject, JsonValue } from '../collect/canonical-event.ts';

export type { CanonicalEvent, JsonObject, JsonValue };

export const PLUGIN_CATEGORIES = ['advertising', 'analytics', 'attribution', 'cdp', 'cloud_storage', 'other'] as const;
export type PluginCategory = (typeof PLUGIN_CATEGORIES)[number];

/**
 * One config field, as JSON Schema plus UI hints. `secret` fields are encrypted at rest and
 * masked in every API answer; `enum` with `enumLabels` renders as a select.
 */
export interface ConfigFieldSchema {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';
  title: string;
  description?: string;
  secret?: boolean;
  enum?: JsonValue[];
  enumLabels?: string[];
  default?: JsonValue;
  /** Valid sample values (JSON Schema `examples`): shown to admins, used by the conformance suite. */
  examples?: JsonValue[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  items?: Record<string, unknown>;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  properties?: Record<string, unknown>;
  additionalProperties?: boolean | Record<string, unknown>;
}

/** The JSON Schema of an integration's config: an object whose every property has a `title`. */
export interface ConfigSchema {
  type: 'object';
  properties: Record<string, ConfigFieldSchema>;
  required?: string[];
  additionalProperties?: boolean;
}

/** Everything a pure plugin function may read about the integration it serves. */
export interface PluginContext {
  /** The integration's config with secrets decrypted. */
  config: Record<string, JsonValue>;
  /** The variant of the integration (e.g. `retail`). */
  variant: string;
  /** Pipeline integration id (queue `delivery.<id>`); `preview` in dry runs. */
  integrationId: string;
  revisionId: string;
  /** Options given to the plugin in plugin.config.ts. */
  options: Record<string, JsonValue>;
  /** The time of this delivery (ms since epoch), so builders that sign requests stay pure. */
  now: number;
  /**
   * The access token the core obtained through the plugin's `accessToken` exchange, in the
   * functions that exchange serves (`usedBy`) when the config enables it; absent otherwise.
   * Previews show `[access token]` in its place, without asking the vendor for one.
   */
  accessToken?: string;
  /**
   * In `forgetPerson` only (`request`, `read`): the id of the person deletion being forwarded
   * (a UUID), the same on every try of that deletion and another for a later deletion of the
   * same person — the key of a vendor request id (OpenDSR's `subject_request_id`), so a try
   * sent again is the same request while a person deleted again (they came back) is a new one,
   * not one the vendor "has already". The core always passes it; a plugin's own tests may not.
   *
   * @example
   * subject_request_id: nameBasedUuid(`${ctx.integrationId}\n${ctx.deletionId}`, { version: 5, namespace: REQUEST_ID_NAMESPACE }),
   */
  deletionId?: string;
  /**
   * In a variant's code mapper or the `map` hook only: records, for the event being mapped,
   * something the plugin left out or changed (a property name the vendor refuses, a value it
   * cut), shown with the exchange in the delivery log and in previews, like a blueprint's
   * warnings. A side channel for words only: the mapping stays pure.
   *
   * @example
   * if (!VALID_NAME.test(key)) ctx.warn?.(`properties.${key} left out: HubSpot property names are lower-case letters, digits and _`);
   */
  warn?: (message: string) => void;
}

/** One event after mapping: the vendor's shape of it, with the canonical event kept beside. */
export interface MappedEvent {
  /**
   * The event's id in this delivery: its messageId, or `messageId#2`, `#3`, … when the same
   * messageId comes again in one batch (collect does not deduplicate). Echo it in
   * `eventIds` and `perEvent`; send the vendor the messageId itself (e.g. as a dedup key).
   */
  id: string;
  event: CanonicalEvent;
  payload: JsonObject;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A request the core will perform; the plugin never performs I/O itself. */
export interface RequestDescriptor {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** Query parameters in order (order is kept: some vendors document it). */
  query?: Array<[string, string]>;
  /**
   * JSON value (sent as application/json unless a content-type header says otherwise), raw
   * text, or bytes (a `Uint8Array`, e.g. a gzip archive: sent exactly as they are, so a
   * signature over them holds; the delivery log and dead letters keep their size and SHA-256,
   * never the bytes).
   */
  body?: JsonValue | string | Uint8Array;
  /** Ids (`MappedEvent.id`) of the events this request carries. */
  eventIds: string[];
  /**
   * The vendor endpoint whose own rate limit this request counts against: a name in the
   * plugin's `rateLimit.endpoints` (a request naming another is dead-lettered, a plugin bug).
   */
  endpoint?: string;
  /**
   * The plugin's own note on the request, for its `classify`: never sent, logged or kept in
   * dead letters. What a follow-up (see `FollowUp`) needs that the vendor's answer will not
   * say — the update a lookup leads to, built by `send` from the mapped events.
   */
  memo?: JsonValue;
  /**
   * Hosts, IPs or CIDR ranges this request may reach although they are loopback, private or
   * link-local (the core refuses those otherwise). Only user-configured targets set it.
   */
  allowPrivateTargets?: string[];
  /**
   * How long this request may take, in ms, when the vendor documents answers slower than
   * `SIGNAL_HTTP_TIMEOUT_MS` allows (a statement a SQL API runs before it answers): 1,000 to
   * `MAX_REQUEST_TIMEOUT_MS` (120,000), a value outside clamped into it. Default: the core's
   * timeout. A graceful stop waits for such a request as long as it may take.
   */
  timeoutMs?: number;
  /**
   * Wait this long (ms, 0 to `MAX_REQUEST_DELAY_MS`, clamped) before sending: a follow-up the
   * vendor must not receive right after the request before it (OneSignal takes one request a
   * second per user; a resource created a moment ago that is not readable yet). The wait holds
   * the delivery, so keep it short; a stop during it puts the events back, unsent.
   */
  delayMs?: number;
}

/** The longest a plugin may let one request take (`RequestDescriptor.timeoutMs`). */
export const MAX_REQUEST_TIMEOUT_MS = 120_000;

/** The longest a request may wait before it is sent (`RequestDescriptor.delayMs`). */
export const MAX_REQUEST_DELAY_MS = 5_000;

export interface VendorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
}

/**
 * What happens to an event after a vendor answered: `delivered` (done), `retry` (on the core's
 * schedule, not before `retryAfterMs`), `dead_letter` (kept for inspection and replay),
 * `declined` (the vendor took the request but says, by design, that it will not record this
 * event — Google Ads' `EXPIRED_EVENT`, a click older than the conversion window — so neither a
 * retry nor a replay would change it: counted as dropped, its reason kept with the exchange in
 * the delivery log, no dead letter), `resend` (the vendor refused the whole request for other
 * events of it, which this answer settles otherwise, and recorded nothing of this one: sent
 * again at once, in a new request without them, using no try — Google Sheets' 400 naming a
 * row). Use `declined` only for a vendor's deliberate, documented choice about the event itself;
 * anything a user could fix (a bad credential, a malformed field) is a `dead_letter`.
 * `throttled: true` on a retry: the vendor refused for its rate limit although its status is
 * not 429 (Meta answers 400 with code 17); the core then handles the answer as a 429 — no try
 * used up, the integration slowed down and paused for `retryAfterMs`. `throttled: false` on every
 * retried event of a 429: the vendor's 429 is no rate limit (Drip's "another request for this
 * subscriber is being processed"), so the integration is not slowed down and the retry, after
 * `retryAfterMs`, uses up a try like any other.
 */
export type EventOutcome =
  | { status: 'delivered' }
  | { status: 'retry'; reason: string; retryAfterMs?: number; throttled?: boolean }
  | { status: 'dead_letter'; reason: string }
  | { status: 'declined'; reason: string }
  | { status: 'resend'; reason: string };

/**
 * A classifier's answer: one outcome for the whole request, or outcomes per event id (events
 * not named count as delivered), or `split` to re-send the request's events in two halves
 * (e.g. a vendor's 413).
 */
export type Classification =
  | EventOutcome
  | { status: 'split'; reason: string }
  | { perEvent: Record<string, EventOutcome> };

/** What `classify` may answer: a `Classification`, or `FollowUp` requests before the events settle. */
export type ClassifyResult = Classification | FollowUp;

/** A vendor's documented answer to an accepted request (`PluginDefinition.successAnswer`): a 2xx status (200 by default), its headers, its body. */
export interface SuccessAnswer {
  status?: number;
  headers?: Record<string, string>;
  body: JsonValue;
}

/** How many follow-up requests may come in a row from one request's answer (see `FollowUp`). */
export const MAX_FOLLOW_UPS = 4;

/**
 * An answer that asks for more requests, for vendors whose write needs what an earlier answer
 * says: a lookup whose answer names the id to update by, a create that answers "exists, id=…"
 * so the update goes instead. Each `next` request carries some of the answered request's events
 * (`eventIds`: a subset, no event in two) and goes like any request — the rate limit, `sign`,
 * the delivery log, its own `classify` (which may answer `next` again, up to
 * `MAX_FOLLOW_UPS` in a row: beyond, the events are dead-lettered, a plugin's loop). Events no
 * `next` request carries settle by `settle`, delivered when not named. A failure anywhere in
 * the chain retries or dead-letters its events as usual, and a retry (or a replay) starts again
 * from `send`: every step must be safe to repeat. Previews show the first requests only (a
 * follow-up needs the vendor's answer).
 *
 * @example
 * classify(response, request) {
 *   const id = (response.json as { id?: string }).id;
 *   if (response.status === 200 && id) return { next: [{ method: 'PUT', url: `https://api.example.com/contacts/${id}`, body: updateOf(request), eventIds: request.eventIds }] };
 *   return defaultClassify(response);
 * }
 */
export interface FollowUp {
  next: RequestDescriptor[];
  /** Outcomes of the answered request's events that no `next` request carries (delivered when not named). */
  settle?: Record<string, EventOutcome>;
}

/** Maps one canonical event to the vendor's event; `null` drops it (not sent, not an error). */
export type Mapper = (event: CanonicalEvent, ctx: PluginContext) => JsonObject | null;

export interface Variant {
  description: string;
  /**
   * Blueprint path under Signal's `blueprints/`, e.g. `amplitude/retail.yaml`, or an absolute
   * path, for a plugin that ships its blueprint in its own folder (an npm package):
   * `fileURLToPath(new URL('./blueprints/default.yaml', import.meta.url))`.
   */
  blueprint?: string;
  /** Code mapper for variants without a blueprint. */
  map?: Mapper;
}

/** A field of the vendor's API, for the blueprint editor's coverage indicator. */
export interface VendorField {
  required: boolean;
  description?: string;
}

/** Default rate limits of an integration (overridable per integration). */
export interface RateLimitDefaults {
  /** Requests per second, above 0. */
  rps: number;
  /** Burst capacity; `rps * 2` when absent. */
  burst?: number;
  /** Requests per day; 0 or absent means unlimited. */
  daily?: number;
  /**
   * Vendor endpoints limited apart from the account (Iterable: 5 requests/s to
   * `users/bulkUpdate`, 10 to `events/trackBulk`), by a name a request gives as its
   * `endpoint`: such a request takes a token from its endpoint's bucket and from the
   * integration's. An admin's `settings.rateLimit.rps` scales them in proportion (twice the
   * plugin's `rps`, twice each endpoint's; 0, unlimited, lifts them too).
   *
   * @example
   * rateLimit: { rps: 10, endpoints: { users: { rps: 5 }, events: { rps: 10 } } }
   */
  endpoints?: Record<string, { rps: number; burst?: number }>;
}

/** What one vendor request may carry: `send` must never exceed either limit. */
export interface BatchLimits {
  /** Most events in one request (1 for one-event APIs). */
  maxEvents: number;
  /** Most bytes of one serialised request body. */
  maxBytes: number;
}

/** A problem found in an integration's config, naming the config field (e.g. `url`). */
export interface ConfigProblem {
  field: string;
  message: string;
}

export interface PluginDefinition {
  /** Slug: catalog id and part of queue names of 2–50 characters (`[a-z][a-z0-9_]{1,49}`). */
  id: string;
  name: string;
  category: PluginCategory;
  description: string;
  /** Path of the logo file relative to the plugin folder, or a URL. */
  logo: string;
  version: string;
  /** Semver range of the Signal core this plugin works with, e.g. `^0.1.0`. */
  signal: string;
  config: ConfigSchema;
  variants: Record<string, Variant>;
  vendorFields: Record<string, VendorField>;
  /** Consent categories recommended for this vendor: listed in the catalog, applied only when an install passes them. */
  consent: string[];
  rateLimit: RateLimitDefaults;
  batch: BatchLimits;
  /** Vendor cookies to capture from the visitor's request into `context.cookies`. */
  cookies?: string[];
  /**
   * Click ids the vendor's ads append to landing page URLs, which Signal keeps in first-party
   * cookies it sets itself (see `ClickIdCookie`), so the visitor's later events carry them.
   */
  clickIds?: ClickIdCookie[];
  /** Optional code applied after the variant's mapping (pure). */
  map?: (payload: JsonObject, event: CanonicalEvent, ctx: PluginContext) => JsonObject | null;
  /**
   * Optional: why this plugin never sends such an event with this config, or undefined when it
   * may. Asked at the pipeline stage (on the event as the pipeline's transformations pass it
   * on): an event it never sends is not queued for the integration at all — counted as dropped,
   * with no delivery-log entry — so a plugin sending a few kinds of events (Awin: orders and
   * leads) does not fill its queue, its paced requests and the log with the rest. Pure and
   * cheap (the event's type and name against the config); the mapping still decides for the
   * events it takes. It must never refuse an event the mapping would send — with any blueprint
   * a revision may carry, so base it on a rule the `map` hook (or the variant's code) enforces
   * itself, not on what the shipped blueprint happens to map; the conformance suite checks it
   * against the shipped mapping. A revision whose blueprint replaces a variant mapped by code is
   * not asked.
   *
   * @example
   * neverSends: (event, ctx) => event.type === 'track' && orderEvents(ctx.config).includes(event.event ?? '') ? undefined : 'not an order event',
   */
  neverSends?: (event: CanonicalEvent, ctx: PluginContext) => string | undefined;
  /**
   * Builds the vendor requests for a batch of mapped events (pure), honouring `batch`; each
   * request names the events it carries in `eventIds`, every event exactly once. Throwing
   * makes the core build again for each half of the batch, down to the one event it cannot
   * build for: that event is dead-lettered with the message as the reason, the others are sent.
   */
  send: (batch: MappedEvent[], ctx: PluginContext) => RequestDescriptor[];
  /**
   * Turns a vendor response into outcomes; `defaultClassify` applies when absent. It may also
   * throw: `RetryableError` → the request's events are retried (not before its
   * `retryAfterMs`), `PermanentError` → they are dead-lettered with its message; any other
   * error dead-letters them as `classifier failed: <message>` (a classifier bug must not loop).
   */
  classify?: (response: VendorResponse, request: RequestDescriptor, ctx: PluginContext) => ClassifyResult;
  /**
   * The vendor's answer to an accepted request, as its API documents it: the conformance suite
   * checks that `classify` reads it as delivered (without it, a bare `200 {}`). Declare it when
   * the classifier is stricter than "any 2xx" — a 2xx without the vendor's own fields (Pub/Sub's
   * `messageIds`) is a proxy's or a wrong route's answer, not a delivery.
   *
   * @example
   * successAnswer: { status: 200, body: { messageIds: ['1234567890'] } },
   */
  successAnswer?: SuccessAnswer;
  /**
   * Signs a request at the moment it is sent (OAuth 1.0a, AWS Signature V4, an HMAC with a
   * timestamp the vendor checks): called by the core with `ctx.now` set to that moment — after
   * the rate limiter's wait, and again for each re-send — and returning the request to send
   * (e.g. with an `Authorization` header added). Pure and deterministic like the rest: a nonce
   * is derived, e.g. from the request and `ctx.now`. `send` builds with the delivery's start
   * time, which may be minutes old by then. A sign that throws dead-letters the request's events
   * with its message. Previews sign too, at the preview's time.
   *
   * @example
   * sign: (request, ctx) => ({ ...request, headers: { ...request.headers, authorization: oauth1Header(request, ctx.config, ctx.now) } }),
   */
  sign?: (request: RequestDescriptor, ctx: PluginContext) => RequestDescriptor;
  /**
   * Checks beyond the config's JSON Schema (e.g. a URL that must not be private), run when an
   * integration is installed or revised; problems name the config field.
   */
  validateConfig?: (config: Record<string, JsonValue>) => ConfigProblem[];
  /**
   * Advice about a config that is valid today and will not stay so, or works less well than it
   * could: an API version the vendor stops serving at a known date (LinkedIn serves each for
   * about a year, then answers 426). Pure: `now` is the time to judge by (ms). Shown on the
   * revision (GraphQL `configWarnings`, the REST install answer) and counted in the metrics
   * (`signal_integration_config_warnings`); never refuses a config. Secret fields come masked.
   *
   * @example
   * configWarnings: (config, now) => now > Date.UTC(2027, 1) ? [{ field: 'api_version', message: 'is served until March 2027: …' }] : [],
   */
  configWarnings?: (config: Record<string, JsonValue>, now: number) => ConfigProblem[];
  /** Extra HTTP routes the plugin serves on the collect listener, under `/v1/plugins/<id>/`. */
  routes?: PluginRoute[];
  /**
   * Partner enrichment: the pipeline stage looks each event's visitor up in the vendor's
   * profile store and attaches the attributes as `partner_attrs.<id>` before fan-out, for
   * every integration of the pipeline (see `PartnerEnrichment`).
   */
  enrich?: PartnerEnrichment;
  /**
   * Forwarding person deletions (`deletePerson`) to the vendor, so what it received of the
   * person is deleted there too (see `PersonForgetting`).
   */
  forgetPerson?: PersonForgetting;
  /**
   * Short-lived access tokens the vendor issues for a long-lived credential (OAuth 2.0): the
   * core obtains, caches and renews them and hands them over as `ctx.accessToken` (see
   * `AccessTokenExchange`).
   */
  accessToken?: AccessTokenExchange;
  /**
   * Vendors that accept a request at once and process it later (Google's Data Manager API):
   * the core asks for the processing report afterwards and records it (see `ProcessingReport`).
   */
  processingReport?: ProcessingReport;
}

/** What a processing report says, once there is one. */
export type ProcessingReportReading =
  /** Not processed yet: asked again later (up to `maxChecks` times). */
  | { pending: true; message?: string }
  /**
   * Processed: how many of the request's events the vendor failed (0 when none, undefined when
   * it does not say), and in words what it reported (e.g. `2 × INVALID_GCLID`).
   */
  | { done: true; failed?: number; message: string };

/**
 * A vendor's report on a request it accepted and processes later. The core keeps the receipt of
 * each accepted request, asks `afterSeconds` later (again while the report is pending, each
 * wait twice the last, at most 8 × `afterSeconds`, up to `maxChecks` times in all), records the report in the delivery log (outcome `report`) and
 * counts failed events as `processingFailed` (metric outcome `processing_failed`): they were
 * delivered, and the vendor dropped them. The report names no event, so none is retried.
 * Pure like the rest. Requests carry `ctx.accessToken` when the plugin has an exchange used by
 * `delivery`.
 *
 * @example
 * processingReport: {
 *   afterSeconds: 600,
 *   receipt: (response) => (response.json as { requestId?: string } | undefined)?.requestId,
 *   request: (receipt, ctx) => ({ method: 'GET', url: `https://api.example.com/status/${String(receipt)}`, headers: { authorization: `Bearer ${ctx.accessToken}` }, eventIds: [] }),
 *   read: (response) => ((response.json as { state: string }).state === 'DONE' ? { done: true, failed: 0, message: 'all processed' } : { pending: true }),
 * },
 */
export interface ProcessingReport {
  /** Seconds after the vendor accepted a request that its report is first asked for (10 to 86,400). */
  afterSeconds: number;
  /** How many times a pending report is asked for in all (1 to 20, default 6): the waits double from `afterSeconds`, up to 8 × it. */
  maxChecks?: number;
  /** The receipt in an accepted (2xx) answer (a request id), or undefined when there is none to follow. */
  receipt(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): JsonValue | undefined;
  /** The request that asks for the report of `receipt` (`eventIds`: []). */
  request(receipt: JsonValue, ctx: PluginContext): RequestDescriptor;
  /** Reads the vendor's answer (a 2xx; other answers are asked again, then recorded as failed checks). */
  read(response: VendorResponse, receipt: JsonValue, ctx: PluginContext): ProcessingReportReading;
}

/**
 * A click id an ad puts in its landing page's URL (`?fbclid=…`), kept by Signal in a
 * first-party cookie it sets from the collect endpoint: the visitor's later events (the
 * purchase days after the click) carry it in `context.cookies`, where the plugin reads it.
 * Set only for pipelines where the vendor is installed and enabled, and only when the
 * landing event passes that integration's consent categories. A cookie the server sets lasts
 * its whole lifetime in browsers that cap script-set cookies at 7 days (Safari's ITP).
 *
 * @example
 * clickIds: [{ param: 'fbclid', cookie: '_fbc', days: 90, value: (fbclid, now) => `fb.1.${now}.${fbclid}` }],
 * cookies: ['_fbp', '_fbc'],
 */
export interface ClickIdCookie {
  /** The URL query parameter carrying the click id (`fbclid`). */
  param: string;
  /** Match the parameter's name in any letter case (Snapchat's `ScCid`). */
  anyCase?: boolean;
  /**
   * The click id may end in base64 padding (`=` or `==`, OpenAI's `oppref`): otherwise a value
   * with `=` is no click id. `=` anywhere else still is none.
   */
  padded?: boolean;
  /** The cookie Signal sets; one of the plugin's `cookies`, so later requests' value is captured. */
  cookie: string;
  /** How long the cookie lasts, in days (1–400): the vendor's attribution window or its pixel's cookie lifetime. */
  days: number;
  /**
   * The cookie's value for the click id (pure; `now` in ms), e.g. Meta's `fb.1.<ms>.<fbclid>`;
   * default the click id itself. `''` keeps no cookie: for a value the core takes for a click id
   * (a URL-safe token, `padded`: with trailing `=`; no placeholder, not the parameter's own name) that is not in the vendor's format.
   */
  value?: (clickId: string, now: number) => string;
}

/** Where an access token is handed to the plugin: building deliveries, or person deletions. */
export type AccessTokenUse = 'delivery' | 'forgetPerson';

/** A token the vendor issued, and how long it lasts from the moment of the answer. */
export interface IssuedAccessToken {
  accessToken: string;
  expiresInSeconds: number;
  /**
   * How long the long-lived credential itself still lasts, when the vendor says (LinkedIn's
   * `refresh_token_expires_in`): shown to admins with a warning a month ahead.
   */
  credentialExpiresInSeconds?: number;
  /**
   * A refresh token the vendor issued with this access token (RFC 6749 §6: it may issue a new
   * one, and the old one must then be dropped): kept by the core in place of the config's when
   * the exchange declares `rotates`. `readOAuthTokenAnswer` reads it from `refresh_token`.
   */
  refreshToken?: string;
}

/**
 * A plugin's exchange of a long-lived credential (a refresh token, client credentials, a
 * service account's key) for short-lived access tokens, pure like the rest of the contract:
 * it builds the token request and reads the answer. The core performs it (egress guard,
 * timeout, vendor redirects), keeps the token sealed in PostgreSQL for every node to share,
 * renews it a minute before it expires, and when the vendor answers 401 to a request made
 * with it (or an answer its `refused` says refuses the token), renews it once and sends that
 * request again. A refused credential dead-letters the
 * events (or fails the deletion) with the token endpoint's answer; a failing endpoint retries.
 *
 * @example
 * accessToken: {
 *   usedBy: ['delivery'],
 *   enabled: (config) => typeof config.refresh_token === 'string',
 *   request: (ctx) => oauthRefreshTokenRequest({ url: 'https://vendor.example/oauth/token', clientId: String(ctx.config.client_id), clientSecret: String(ctx.config.client_secret), refreshToken: String(ctx.config.refresh_token) }),
 * },
 * send: (batch, ctx) => [{ method: 'POST', url: 'https://api.vendor.example/events', headers: { authorization: `Bearer ${ctx.accessToken}` }, body: batch.map((m) => m.payload), eventIds: batch.map((m) => m.id) }],
 */
export interface AccessTokenExchange {
  /** Which functions receive the token: `delivery` (`send`, `classify`), `forgetPerson`. */
  usedBy: AccessTokenUse[];
  /** Whether an integration with this config uses tokens (its credential is set). */
  enabled(config: Record<string, JsonValue>): boolean;
  /** The token request (`eventIds: []`); sign assertions with `ctx.now`. */
  request(ctx: PluginContext): RequestDescriptor;
  /**
   * Reads the token endpoint's answer; throws `PermanentError` when the credential is refused
   * (saying what to fix) and `RetryableError` when the endpoint fails. Default:
   * `readOAuthTokenAnswer` (RFC 6749's JSON answers).
   */
  read?(response: VendorResponse): IssuedAccessToken;
  /**
   * The config field (a secret string) holding a refresh token the vendor may replace on use
   * (Microsoft's identity platform, Xero, Pinterest's continuous refresh; RFC 6749 §6). When the
   * answer names a new one (`IssuedAccessToken.refreshToken`), the core keeps it sealed beside
   * the integration and uses it for the next exchange in place of the field's value, for every
   * revision configured with the same original token (a revision that changes nothing else
   * still has the token the vendor has since replaced); a revision given a new token (Signal
   * authorised again) starts from it. Declare it for any refresh-token grant: a vendor that
   * answers the same token again, or none, changes nothing.
   */
  rotates?: string;
  /**
   * Whether the vendor's answer to a request made with the token says it refused the token,
   * for vendors that say so in a 2xx rather than an HTTP 401 (Marketo answers 200 with error
   * code 601 "Access token invalid" or 602 "Access token expired"). When true, the core treats
   * the answer as it treats a 401: it renews the token once for the delivery (or deletion) and
   * sends the request again; an answer still refusing the renewed token goes to `classify`
   * (`forgetPerson.classify`), which settles it. Pure; `ctx` is given for delivery requests.
   *
   * @example
   * refused: (response) => response.status === 200 && /"code"\s*:\s*"60[12]"/.test(response.body),
   */
  refused?(response: VendorResponse, request: RequestDescriptor, ctx?: PluginContext): boolean;
}

/** The ids a person deletion names (at least one is set), and the email addresses Signal knew the person by. */
export interface NamedPerson {
  userId: string | null;
  anonymousId: string | null;
  /**
   * Email addresses found for the person in the pipeline — their remembered identify traits
   * when the deletion was requested, the traits of the events it deleted (`traits.email`,
   * `context.traits.email`) — trimmed, lower-cased, at most 20, oldest found first: for
   * vendors that know people by email only. The core always passes it, empty when none was
   * found; a plugin's own tests may leave it out. Hidden, like the ids, in the answers `read`
   * gets and in what is kept of them.
   */
  emails?: string[];
}

/**
 * How a vendor's answer to a forwarded deletion ends: accepted (`done`, with what to show of
 * it), to be tried again later (`retry`), refused for good (`failed`, with why), or another
 * request of the same deletion (`next`: e.g. the deletion by the vendor's own profile id that
 * a lookup by the person's id answered). A request's chain is at most three requests; a
 * `retry` starts the deletion again from `request`, after `afterSeconds` when it says.
 *
 * `done` with `last: true`: the vendor holds nothing more of the person, so the requests after
 * this one in the list `request` built are not sent (the deletion ends `sent`, its message
 * saying how many were not needed) — a lookup that finds nobody ends a list of lookup rounds.
 *
 * @example
 * if (records.length === 0) return { done: true, last: true, message: 'no record holds the userId: nothing to delete' };
 */
export type ForgetOutcome =
  | {
    done: true;
    message?: string;
    /** Nothing more of the person is left at the vendor: the rest of the list `request` built is not sent. */
    last?: true;
  }
  /**
   * `afterSeconds`: not before then (a vendor's Retry-After; BigQuery's streaming buffer, which
   * keeps the newest rows from a DELETE for up to 90 minutes): the wait is the longer of it and
   * the core's own (30 s doubling to 10 minutes), at most 6 hours.
   */
  | { retry: string; afterSeconds?: number }
  | { failed: string }
  | { next: RequestDescriptor };

/**
 * Deletion requests (one or several, as `PersonForgetting.request` returns them) with a note
 * the admin sees first in the vendor's outcome on the deletion, whatever the outcome: what of
 * the person they leave unasked, and why — a userId the vendor cannot be asked by while the
 * person's emails can (the deletion still ends `sent` when they are done).
 *
 * @example
 * { requests: [byEmails], note: 'the userId was not looked up: no lead field holds it (set config.user_id_field)' }
 */
export interface NotedForgetRequests {
  requests: RequestDescriptor | RequestDescriptor[];
  note: string;
}

/**
 * A plugin's forwarding of person deletions, pure like the rest of the contract: it builds the
 * vendor's deletion request and reads the answer; the core sends it once the person's events
 * on their way are over (so none reaches the vendor after it), retries it with backoff, and
 * shows the outcome on the deletion (`PersonDeletion.vendors`). The vendor's answer is kept
 * without the person's ids.
 *
 * @example
 * forgetPerson: {
 *   enabled: (config) => typeof config.secret_key === 'string',
 *   request: (person, ctx) => (person.userId === null
 *     ? { skipped: 'the vendor deletes by user id only' }
 *     : { method: 'POST', url: 'https://vendor.example/privacy/delete', body: { user_ids: [person.userId] }, eventIds: [] }),
 * }
 */
export interface PersonForgetting {
  /** Whether an integration with this config forwards deletions (the credential it needs is set). */
  enabled(config: Record<string, JsonValue>): boolean;
  /**
   * The vendor request deleting the person, or several (one per kind of id, when the vendor
   * deletes by one kind at a time), or why none can be made for the ids named. Several are
   * sent in order and the deletion is done when each is (or when an answer says `last`: see
   * `ForgetOutcome`); a try after a retry goes on from the first request not done when the
   * same requests are built again (else from the first), and a renewed access token sends them
   * all again, so each must be safe to repeat (deleting what is gone already). With a `note` (`NotedForgetRequests`) when part of the person cannot be
   * asked for: the admin sees it with the outcome.
   */
  request(person: NamedPerson, ctx: PluginContext): RequestDescriptor | RequestDescriptor[] | NotedForgetRequests | { skipped: string };
  /**
   * Reads the vendor's answer to `request` (one `request` built, or a `next` one) with the
   * integration's `ctx` (the core always passes both, a plugin's own tests may not). Default:
   * 2xx done; 408, 429 and 5xx tried again; any other status failed with the vendor's message.
   * `{ done: true, last: true }` ends the list early: the requests after this one are not sent.
   */
  read?(response: VendorResponse, request?: RequestDescriptor, ctx?: PluginContext): ForgetOutcome;
  /** The vendor's documented answer to an accepted deletion request, which the conformance suite checks `read` takes as done (else `200 {"error":"HTTP 200"}`): see `PluginDefinition.successAnswer`. */
  successAnswer?: SuccessAnswer;
}

/** One identifier of a visitor the partner can look up: its name there (a linking key) and its value. */
export interface PartnerIdentity {
  key: string;
  value: string;
}

/** A profile the partner found: its attributes, and its id there when the answer gave one. */
export interface PartnerProfile {
  attributes: JsonObject;
  profileId?: string;
}

/**
 * What one answer of a lookup says: the profile (`found`), no profile for this identity
 * (`notFound`: the next identity is tried; with a `warning` when the partner refused this kind
 * of identity, logged once a minute), or another request of the same lookup (`next`: e.g. the
 * profile by the id the first request resolved). A failure is thrown.
 */
export type PartnerAnswer = { found: PartnerProfile } | { notFound: true; warning?: string } | { next: RequestDescriptor };

/**
 * A plugin's partner enrichment, pure like the rest of the contract: it builds the requests
 * and reads the answers; the core performs them (`SIGNAL_ENRICHMENT_TIMEOUT_MS`), caches the
 * answers in PostgreSQL, pauses a failing partner and keeps what the browser may read.
 *
 * The core looks up an event only when it passes the enriching integration's routing and
 * consent gate: identifiers go to the partner only for events the partner may receive.
 *
 * @example
 * enrich: {
 *   enabled: (config) => typeof config.profile_api_key === 'string',
 *   identities: (event) => (event.userId ? [{ key: 'customer_id', value: event.userId }] : []),
 *   lookup: (identity, ctx) => ({ method: 'GET', url: 'https://acme.example/profiles', query: [[identity.key, identity.value]], eventIds: [] }),
 *   read: (response) => (response.status === 404 ? { notFound: true } : { found: { attributes: response.json as JsonObject } }),
 * }
 */
export interface PartnerEnrichment {
  /** Whether an integration's config turns enrichment on (e.g. its profile API key is set). */
  enabled(config: Record<string, JsonValue>): boolean;
  /** The event's identities to look up, in order: the first one found wins; none, no lookup. */
  identities(event: CanonicalEvent, ctx: PluginContext): PartnerIdentity[];
  /** The first request looking up one identity. */
  lookup(identity: PartnerIdentity, ctx: PluginContext): RequestDescriptor;
  /**
   * Reads an answer of `lookup` or of a `next` request. Throwing (`RetryableError` for a
   * passing failure, `PermanentError` for a configuration problem, with a message saying
   * what to fix) ends the event's lookup without attributes and is logged.
   */
  read(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): PartnerAnswer;
  /**
   * Context-sensitive personalization: for an event whose visitor was found, a request that
   * sends the event's context, and a `key` naming that context (its cache key). Null: none
   * for this event. The answer lands on `partner_attrs.<id>_personalized`.
   */
  personalize?(event: CanonicalEvent, profile: PartnerProfile, ctx: PluginContext): { key: string; request: RequestDescriptor } | null;
  /** Reads a `personalize` answer: the personalized attributes (throwing, as in `read`). */
  readPersonalized?(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): JsonObject;
  /**
   * The attributes a browser may read through `GET /v1/enrich?provider=<id>` (personalized
   * ones merged in); absent, or an empty object: nothing is exposed.
   */
  browserAttributes?(attributes: JsonObject, ctx: PluginContext): JsonObject;
  /** How long answers are cached, in seconds: found 900, not found 300, personalized 120 by default. */
  cacheSeconds?: { found?: number; notFound?: number; personalized?: number };
}

/** What a plugin route's handler receives. */
export interface PluginRouteRequest {
  body: unknown;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Path parameters (`/:id` in the route's path). */
  params: Record<string, string>;
}

/** What a plugin route's handler answers: a status and a JSON body (and optional headers). */
export interface PluginRouteResponse {
  status: number;
  body: JsonValue;
  headers?: Record<string, string>;
}

/** An extra endpoint of a plugin, served at `/v1/plugins/<id><path>` on the collect listener. */
export interface PluginRoute {
  method: HttpMethod;
  /** Path below `/v1/plugins/<id>`, starting with `/`. */
  path: string;
  handler: (request: PluginRouteRequest) => Promise<PluginRouteResponse> | PluginRouteResponse;
}
