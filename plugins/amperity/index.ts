import { defaultClassify, definePlugin, excerpt, isJsonObject, type CanonicalEvent, type Classification, type ConfigProblem, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import { amperityEnrichment, LINKING_SOURCES, PARAMETER_NAME, validateProfileConfig } from './profile-api.ts';

/** A DNS label: the `acme` of `acme.amperity.com`, and nothing that could change the host. */
const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const STREAM_ID = /^esm-[A-Za-z0-9_-]+$/;
/** Objects of the blueprint's output whose keys are lifted to the top level, unprefixed (flat payloads). */
const LIFTED = ['properties', 'traits'] as const;

/**
 * The attributes the presets' global rows write, and `type`. A property or trait never
 * supplies one of them, even when the row found no value: an event without `context.consent`
 * must not reach Amperity with a `consent` a property claims, nor a `cookieid` or `user_id`
 * the page made up. The global rows read the sources that are trusted for each.
 */
export const GLOBAL_ATTRIBUTES: ReadonlySet<string> = new Set([
  'type', 'source', 'cookieid', 'user_id', 'amperity_id', 'email', 'phone', 'first_name', 'last_name', 'account_id',
  'message_id', 'timestamp', 'received_at', 'library_name', 'library_version', 'ip_address', 'user_agent', 'locale', 'timezone',
  'page_url', 'page_path', 'page_title', 'page_referrer', 'page_search', 'session_id',
  'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content',
  'geo_country', 'geo_region', 'geo_city', 'geo_postal_code', 'gclid', 'fbclid', 'msclkid', 'ttclid', 'device_id', 'consent',
]);

/** `https://acme.amperity.com/prof/events/esm-…`: the realtime Streaming Ingest endpoint. */
export function streamUrl(config: Record<string, JsonValue>): string {
  return `https://${String(config.tenant_subdomain)}.amperity.com/prof/events/${encodeURIComponent(String(config.event_stream_id))}`;
}

/**
 * Friendlier than a bare pattern failure for the mistakes the spec's troubleshooting table
 * lists (a URL or host where the subdomain belongs, a batch `is-` stream id) and for values a
 * header cannot carry.
 */
export function validateAmperityConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const subdomain = config.tenant_subdomain;
  if (typeof subdomain === 'string' && !SUBDOMAIN.test(subdomain)) {
    const host = /^(?:https?:\/\/)?([a-z0-9-]+)\.amperity\.com(?:[/:?#]|$)/i.exec(subdomain.trim());
    problems.push({
      field: 'tenant_subdomain',
      message: host
        ? `must be only the subdomain: "${host[1]!.toLowerCase()}", not "${subdomain}"`
        : 'must be the host part of your Amperity dashboard URL (acme for https://acme.amperity.com): lower-case letters, digits and hyphens',
    });
  }
  // Both travel in headers, where a line break cannot go: usually a value pasted with its newline.
  if (typeof config.tenant_id === 'string' && !/^[\x21-\x7e]+$/.test(config.tenant_id)) {
    problems.push({ field: 'tenant_id', message: 'must be printable ASCII without spaces or line breaks: it is sent as the Amperity-Tenant header' });
  }
  if (typeof config.api_key === 'string' && !/^[\x21-\x7e]+$/.test(config.api_key)) {
    problems.push({
      field: 'api_key',
      message: /[\s\x00-\x1f\x7f]/.test(config.api_key)
        ? 'holds white space or a line break (pasted with the key?): give the JWT alone'
        : 'holds characters a JWT never has (only printable ASCII): was something pasted with it?',
    });
  }
  const stream = config.event_stream_id;
  if (typeof stream === 'string' && !STREAM_ID.test(stream)) {
    problems.push({
      field: 'event_stream_id',
      message: stream.startsWith('is-')
        ? 'is a batch ingest id (is-…): it accepts events but does not update profiles in realtime. Use the realtime stream id, prefixed esm-'
        : 'must be a realtime Event Stream ID, prefixed esm- (Sources > Streams in Amperity)',
    });
  }
  return problems;
}

/**
 * Flat payloads, so Amperity needs no flatten script: the keys of the `properties` and
 * `traits` objects are lifted to the top level, and every nested object becomes `_`-joined
 * keys at any depth (`address: {city}` → `address_city`, `group_traits: {plan}` →
 * `group_traits_plan`). No lifted or joined key may be one of `GLOBAL_ATTRIBUTES` (nor
 * anything under one); `consent` stays nested verbatim; lists stay as they are.
 *
 * When two values flatten to one name, the result never depends on key order: keys the
 * blueprint set win, then its own nested objects, then properties, then traits; within one of
 * those, the value written more explicitly wins (fewer joins: `shipping_method` over
 * `shipping: {method}`; on equal joins, the longer name higher up: `a_b: {c}` over `a: {b_c}`).
 * The other value is dropped. That is not recorded anywhere: the `map` hook can only return the
 * payload (the SDK gives plugins no warning channel), and a preview shows what is sent.
 *
 * @example
 * flatten({ type: 'signed_up', properties: { plan: 'pro', type: 'x', address: { city: 'London' }, page: { url: 'x' } } });
 * // { type: 'signed_up', plan: 'pro', address_city: 'London' }
 * flatten({ type: 'x', properties: { shipping: { method: 'standard' }, shipping_method: 'express' } });
 * // { type: 'x', shipping_method: 'express' }
 */
export function flatten(payload: JsonObject): JsonObject {
  if (!Object.entries(payload).some(([key, value]) => key !== 'consent' && isJsonObject(value))) return payload;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(payload)) if (key === 'consent' || !isJsonObject(value)) out[key] = value;
  // The blueprint's keys, its nested objects' names included: no lifted key takes one.
  const own = new Set(Object.keys(payload).filter((key) => !(LIFTED as readonly string[]).includes(key)));
  /** The winning candidate per flat name (a Map keeps the name's first position for the output). */
  const chosen = new Map<string, { source: number; path: string[]; value: JsonValue }>();
  const walk = (source: number, path: string[], object: JsonObject): void => {
    for (const [name, value] of Object.entries(object)) {
      // `__proto__` would set the object's prototype, not a key (collect refuses it anyway).
      if (name === '__proto__') continue;
      const segments = [...path, name];
      const key = segments.join('_');
      // Checked before descending: `properties.consent` or `page: {url}` never stand in for them.
      if (GLOBAL_ATTRIBUTES.has(key)) continue;
      if (isJsonObject(value)) walk(source, segments, value);
      else if (!Object.hasOwn(out, key) && !own.has(key)) {
        const current = chosen.get(key);
        if (!current || outranks(source, segments, current.source, current.path)) chosen.set(key, { source, path: segments, value });
      }
    }
  };
  for (const [key, value] of Object.entries(payload)) {
    if (key !== 'consent' && !(LIFTED as readonly string[]).includes(key) && isJsonObject(value)) walk(0, [key], value);
  }
  LIFTED.forEach((key, i) => {
    const nested = payload[key];
    if (isJsonObject(nested)) walk(i + 1, [], nested);
  });
  for (const [key, { value }] of chosen) out[key] = value;
  return out;
}

/**
 * The payload with the event's consent state, nested and verbatim, whatever the blueprint
 * mapped: the spec makes forwarding it unconditional ("there is no option to strip it"), so an
 * edited blueprint that leaves the row out still sends it, and one that maps something else
 * there does not replace it. An event without `context.consent` has no `consent`, as the spec
 * says for visitors with no CMP interaction.
 *
 * @example
 * withConsent({ type: 'pageview' }, { type: 'page', context: { consent: { analytics: true } } } as CanonicalEvent);
 * // { type: 'pageview', consent: { analytics: true } }
 */
export function withConsent(payload: JsonObject, event: CanonicalEvent): JsonObject {
  const consent = event.context?.consent as JsonValue | undefined;
  if (isJsonObject(consent)) return { ...payload, consent };
  if (!Object.hasOwn(payload, 'consent')) return payload;
  const { consent: _notTheVisitors, ...rest } = payload;
  return rest;
}

/**
 * Whether a value at `path` of source `source` beats one already chosen for the same flat name:
 * the earlier source, then fewer segments, then the longer segment at the first difference.
 * Two distinct paths that join to the same name always differ in some segment's length, so
 * this is a total order: key order never decides.
 */
function outranks(source: number, path: string[], currentSource: number, currentPath: string[]): boolean {
  if (source !== currentSource) return source < currentSource;
  if (path.length !== currentPath.length) return path.length < currentPath.length;
  const i = path.findIndex((segment, j) => segment.length !== currentPath[j]!.length);
  return i !== -1 && path[i]!.length > currentPath[i]!.length;
}

/**
 * Whether an answer is a web page: a body that is HTML. Read from the body alone: a content
 * type says little (some APIs answer `text/html` by default, Slack its `ok`). Amperity
 * documents its 202 but not its body, so only what cannot be an API's answer is refused: the
 * page of a proxy or a captive portal between Signal and Amperity.
 */
function isWebPage(response: { body: string }): boolean {
  const body = response.body ?? '';
  return /^\s*<(?:!doctype|html|head|body)\b/i.test(body) || /<\/(?:html|body)>/i.test(body);
}

/**
 * Amperity's answers: 202 accepted; a 2xx that is a web page (a proxy's, not Amperity's) sent
 * again, quoting it; 401/403 the Streaming Ingest JWT; 404 the tenant or the stream; the rest as
 * the core's default (429 and 5xx retried, other 4xx dead-lettered).
 *
 * @example
 * classifyAmperity({ status: 202, body: '', headers: {} }); // { status: 'delivered' }
 * classifyAmperity({ status: 200, body: '<html>Log in</html>', headers: { 'content-type': 'text/html' } });
 * // { status: 'retry', reason: 'HTTP 200 with a web page (<html>Log in</html>): not Amperity\'s answer (202 Accepted) — a proxy? — so the event is sent again' }
 */
export function classifyAmperity(response: { status: number; body: string; headers: Record<string, string> }): Classification {
  if (response.status >= 200 && response.status < 300 && isWebPage(response)) {
    return { status: 'retry', reason: `HTTP ${response.status} with a web page (${excerpt(response.body ?? '')}): not Amperity's answer (202 Accepted) — a proxy? — so the event is sent again` };
  }
  if (response.status === 401 || response.status === 403) {
    return {
      status: 'dead_letter',
      reason: `Amperity refused the api_key (HTTP ${response.status}): the Streaming Ingest JWT is expired or lacks Streaming Ingest Write Access. Generate one under Settings > Security > API Keys, create a revision with it, assign that revision to the pipeline, then replay the dead letters.`,
    };
  }
  if (response.status === 404) {
    return {
      status: 'dead_letter',
      reason: 'Amperity answered 404: check event_stream_id (the realtime esm-… id under Sources > Streams) and tenant_id (the Amperity-Tenant header).',
    };
  }
  return defaultClassify(response);
}

export default definePlugin({
  id: 'amperity',
  name: 'Amperity',
  category: 'cdp',
  description: 'Realtime event ingest to Amperity, the enterprise customer data platform: every event updates profile aggregations within seconds, with the visitor\'s full consent state. With the Profile API, Amperity profile attributes enrich every event of the pipeline and personalize pages.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['tenant_subdomain', 'tenant_id', 'api_key', 'event_stream_id', 'source_value'],
    properties: {
      tenant_subdomain: { type: 'string', title: 'Tenant Subdomain', description: 'The host of your Amperity dashboard URL: acme for https://acme.amperity.com. Every API URL is built from it.', minLength: 1, maxLength: 63, examples: ['acme'] },
      tenant_id: { type: 'string', title: 'Tenant ID', description: 'Sent as the Amperity-Tenant header. Usually the same as the subdomain.', minLength: 1, maxLength: 200, examples: ['acme'] },
      api_key: { type: 'string', title: 'Streaming Ingest API Key', description: 'The JWT with Streaming Ingest Write Access (Settings > Security > API Keys).', secret: true, minLength: 8, maxLength: 4096 },
      event_stream_id: { type: 'string', title: 'Event Stream ID', description: 'The realtime stream, prefixed esm- (Sources > Streams). Batch ingest ids (is-) do not update profiles in realtime and are refused.', minLength: 5, maxLength: 200, examples: ['esm-2VP6va3Zn'] },
      source_value: { type: 'string', title: 'Source Value', description: 'The top-level source field of every event. Case-sensitive: it must match your stream\'s routing expression exactly, or Amperity accepts events (202) and drops them.', minLength: 1, maxLength: 200, examples: ['DATAFLY'] },
      profile_api_key: { type: 'string', title: 'Profile API Key', description: 'Optional: a Profile API JWT (read access), distinct from the Streaming Ingest key. With profile_collection_id and linking_keys it turns on profile enrichment: partner_attrs.amperity on every event, for every integration of the pipeline.', secret: true, minLength: 8, maxLength: 4096 },
      profile_collection_id: { type: 'string', title: 'Profile Collection ID', description: 'The profile collection to query, prefixed apc-. Required when the Profile API Key is set.', minLength: 5, maxLength: 200, examples: ['apc-vPsQheAm'] },
      linking_keys: {
        type: 'array', title: 'Linking Keys',
        description: 'How visitors are resolved, tried in order until one matches: source (canonical_id = the _dfdid visitor cookie, anonymous_id, user_id, email, phone), key (a linking key of the collection) and optional hash sha256 (lower-cased, trimmed). An event without a source\'s value skips that entry.',
        minItems: 1, maxItems: 10,
        items: {
          type: 'object', required: ['source', 'key'], additionalProperties: false,
          properties: {
            source: { type: 'string', enum: [...LINKING_SOURCES] },
            key: { type: 'string', pattern: PARAMETER_NAME.source },
            hash: { type: 'string', enum: ['sha256'] },
          },
        },
        examples: [[{ source: 'email', key: 'email_sha256', hash: 'sha256' }, { source: 'canonical_id', key: '_dfdid' }, { source: 'user_id', key: 'customer_id' }]],
      },
      browser_attribute_allowlist: { type: 'string', title: 'Browser Attribute Allowlist', description: 'Comma-separated profile attributes a page may read of its visitor through GET /v1/enrich?provider=amperity on the collect host. Empty: nothing is exposed. Whoever can send an identify with a person\'s email can read them: list nothing sensitive.', maxLength: 2000, examples: ['Persona,LifetimeTier'] },
      enable_context_personalization: { type: 'boolean', title: 'Enable Context-Sensitive Personalization', description: 'Also ask Amperity for the profile in the context of each event (personalization_context_mappings): the answer lands on partner_attrs.amperity_personalized.', default: false },
      personalization_context_mappings: {
        type: 'array', title: 'Personalization Context Mappings',
        description: 'What context each call sends: source (a path on the event: context.*, properties.*, partner_attrs.*, or a top-level field) → target (the name Amperity reads). Values that are not text, numbers or booleans are left out.',
        maxItems: 20,
        items: {
          type: 'object', required: ['source', 'target'], additionalProperties: false,
          properties: { source: { type: 'string', minLength: 1, maxLength: 200 }, target: { type: 'string', pattern: PARAMETER_NAME.source } },
        },
        examples: [[{ source: 'properties.category', target: 'pageCategory' }, { source: 'context.page.path', target: 'pagePath' }]],
      },
    },
  },
  validateConfig: (config) => [...validateAmperityConfig(config), ...validateProfileConfig(config)],
  enrich: amperityEnrichment,
  variants: {
    retail: { description: 'Retail: pageview, product list and detail views, cart, checkout and purchase; GA4 and Segment event names.', blueprint: 'amperity/retail.yaml' },
    travel: { description: 'Travel: flight, hotel and car searches and views, the booking lifecycle, check-in and check-out, loyalty points and reviews.', blueprint: 'amperity/travel.yaml' },
    finance: { description: 'Finance & Banking: accounts, KYC, logins, transactions, payments and transfers, cards, loans and statements.', blueprint: 'amperity/finance.yaml' },
    b2b: { description: 'B2B / SaaS: sign-up and login, trials, the subscription lifecycle, feature use, invitations, seats and integrations.', blueprint: 'amperity/b2b.yaml' },
    media: { description: 'Media: video playback, content and ad lifecycle, audio playback and podcast subscriptions.', blueprint: 'amperity/media.yaml' },
    gaming: { description: 'Gaming: games, levels, achievements, tutorials, items, virtual currency, friends, matches and leaderboards.', blueprint: 'amperity/gaming.yaml' },
    publishing: { description: 'Publishing: articles, categories, search, newsletters, the paywall, subscriptions, comments and authors.', blueprint: 'amperity/publishing.yaml' },
  },
  vendorFields: {
    source: { required: true, description: 'The config\'s source_value: what the stream\'s routing expression matches.' },
    type: { required: true, description: 'The event type (pageview, view_item, purchase, … or the event\'s own name).' },
    cookieid: { required: false, description: 'The visitor id (the _dfdid first-party cookie for browser events).' },
    user_id: { required: false },
    amperity_id: { required: false },
    email: { required: false },
    phone: { required: false },
    ip_address: { required: false },
    user_agent: { required: false },
    timestamp: { required: false, description: 'ISO 8601, clock-skew corrected.' },
    consent: { required: false, description: 'The visitor\'s consent state, nested and verbatim (context.consent).' },
  },
  // Amperity applies the consent state each event carries (see the README): no category gates
  // delivery unless the integration sets one.
  consent: [],
  // Streaming Ingest allows 1,000 requests/s per tenant and 1 MB per request.
  rateLimit: { rps: 1000 },
  batch: { maxEvents: 1, maxBytes: 1_000_000 },
  map: (payload, event) => withConsent(flatten(payload), event),
  send: (batch, ctx) =>
    batch.map((event) => ({
      method: 'POST' as const,
      url: streamUrl(ctx.config),
      headers: {
        'amperity-tenant': String(ctx.config.tenant_id),
        authorization: `Bearer ${String(ctx.config.api_key)}`,
        'content-type': 'application/json',
      },
      body: event.payload,
      eventIds: [event.id],
    })),
  classify: (response) => classifyAmperity(response),
  // Amperity's Streaming Ingest API: 202 Accepted (docs.amperity.com, Streaming Ingest API; the body is not documented,
  // so classify refuses only a 2xx that is a web page).
  successAnswer: { status: 202, body: '' },
});
