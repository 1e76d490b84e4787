import { defaultClassify, definePlugin, excerpt, isJsonObject, type CanonicalEvent, type Classification, type ConfigProblem, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { fitEvent, isContactTrait, MAX_EVENTS_PER_REQUEST } from './fit-to-ga4.ts';
import { deletionConfigProblems, ga4ForgetPerson, serviceAccountToken } from './user-deletion.ts';

/** GA4 refuses a request body of 130 kB or more. */
const MAX_BYTES = 130_000;
const HOSTS: Readonly<Record<string, string>> = { global: 'https://www.google-analytics.com', eu: 'https://region1.google-analytics.com' };
/** The fields of a request shared by its events: one visitor's. */
const VISITOR_FIELDS = ['client_id', 'user_id', 'consent', 'ip_override', 'user_agent', 'user_properties'] as const;

/** `https://www.google-analytics.com/mp/collect`, the EU host, or the validation endpoint (`/debug/mp/collect`). */
export function collectUrl(config: Record<string, JsonValue>): string {
  const host = HOSTS[String(config.data_region ?? 'global')] ?? HOSTS.global!;
  return `${host}${config.validate_only === true ? '/debug' : ''}/mp/collect`;
}

/** The trait names the config sends as user properties (comma-separated). */
function userPropertyNames(config: Record<string, JsonValue>): string[] {
  return typeof config.user_properties === 'string' ? config.user_properties.split(',').map((n) => n.trim()).filter((n) => n !== '') : [];
}

/** The visitor's traits: the identify call's own, else `context.traits` (remembered ones included). */
function traitsOf(event: CanonicalEvent): JsonObject {
  if (isJsonObject(event.traits)) return event.traits;
  const context = isJsonObject(event.context) ? event.context : {};
  return isJsonObject(context.traits) ? context.traits : {};
}

/**
 * Requests for a batch: one visitor's events together (a request has one client_id, user_id,
 * consent and user properties), at most 25 events and under 130 kB each, every event once.
 *
 * @example
 * buildRequests(mapped, ctx); // [{ method: 'POST', url: 'https://www.google-analytics.com/mp/collect', query: [['measurement_id', 'G-…'], ['api_secret', '…']], body: { client_id, events: [...] }, eventIds }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const groups = new Map<string, MappedEvent[]>();
  for (const mapped of batch) {
    const key = JSON.stringify(VISITOR_FIELDS.map((field) => mapped.payload[field] ?? null));
    groups.set(key, [...(groups.get(key) ?? []), mapped]);
  }
  const requests: RequestDescriptor[] = [];
  const url = collectUrl(ctx.config);
  const query: Array<[string, string]> = [['measurement_id', String(ctx.config.measurement_id)], ['api_secret', String(ctx.config.api_secret)]];
  for (const events of groups.values()) {
    const shared: JsonObject = {};
    for (const field of VISITOR_FIELDS) if (events[0]!.payload[field] !== undefined) shared[field] = events[0]!.payload[field]!;
    let part: MappedEvent[] = [];
    let bytes = JSON.stringify({ ...shared, events: [] }).length;
    const flush = () => {
      if (part.length === 0) return;
      const entries = part.map(({ payload }) => ({ name: payload.name!, params: payload.params ?? {}, ...(payload.timestamp_micros !== undefined ? { timestamp_micros: payload.timestamp_micros } : {}) }));
      // Validation at its strictest: the relaxed default lets wrong types and stale times pass.
      const strict: JsonObject = ctx.config.validate_only === true ? { validation_behavior: 'ENFORCE_RECOMMENDATIONS' } : {};
      requests.push({ method: 'POST', url, query, headers: { 'content-type': 'application/json' }, body: { ...shared, ...strict, events: entries }, eventIds: part.map((e) => e.id) });
      part = [];
      bytes = JSON.stringify({ ...shared, events: [] }).length;
    };
    for (const event of events) {
      const size = Buffer.byteLength(JSON.stringify({ name: event.payload.name, params: event.payload.params, timestamp_micros: event.payload.timestamp_micros })) + 1;
      if (part.length >= MAX_EVENTS_PER_REQUEST || (part.length > 0 && bytes + size >= MAX_BYTES)) flush();
      part.push(event);
      bytes += size;
    }
    flush();
  }
  return requests;
}

interface ValidationMessage {
  fieldPath?: string;
  description?: string;
  validationCode?: string;
}

/** Whether a request went to the validation server (`validate_only`), whose every answer is `{ validationMessages }`. */
function isValidation(request: RequestDescriptor | undefined): boolean {
  return request !== undefined && /\/debug\/mp\/collect$/.test(request.url);
}

/**
 * Whether a 2xx is GA4's own answer: /mp/collect answers 204 with no body; the validation server
 * a JSON object with `validationMessages`. Anything else — a web page, other text, or a JSON
 * answer without `validationMessages` from the validation server — is a proxy's or a captive
 * portal's, and says nothing about the events.
 */
function isGa4Answer(response: VendorResponse, request: RequestDescriptor | undefined): boolean {
  if (isValidation(request)) return isJsonObject(response.json) && Array.isArray(response.json.validationMessages);
  return (response.body ?? '').trim() === '' || isJsonObject(response.json);
}

/**
 * GA4's answers: production answers 2xx whatever it keeps (it validates nothing for the
 * sender), so its empty 2xx is delivered; with `validate_only` the validation endpoint's
 * messages dead-letter the request's events with them (nothing is recorded there either way).
 * A 2xx that is not GA4's answer (a web page, other text: a proxy's) is sent again, quoting it.
 * Other statuses as the core's default: Google says a non-2xx request must be fixed, not sent
 * again, and 429/5xx are the network's, retried.
 *
 * @example
 * classifyGa4({ status: 204, headers: {}, body: '' }, request); // { status: 'delivered' }
 * classifyGa4({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>Sign in to Wi-Fi</html>' }, request);
 * // { status: 'retry', reason: 'HTTP 200 with <html>Sign in to Wi-Fi</html>: not GA4\'s answer (none from /mp/collect) — a proxy? — so the events are sent again' }
 */
export function classifyGa4(response: VendorResponse, request?: RequestDescriptor): Classification {
  if (response.status >= 200 && response.status < 300 && !isGa4Answer(response, request)) {
    const said = excerpt(response.body ?? '');
    const expected = isValidation(request) ? 'the validation server\'s validationMessages' : 'none from /mp/collect';
    return { status: 'retry', reason: `HTTP ${response.status} with ${said === '' ? 'no body' : said}: not GA4's answer (${expected}) — a proxy? — so the events are sent again` };
  }
  if (response.status >= 200 && response.status < 300 && isJsonObject(response.json) && Array.isArray(response.json.validationMessages)) {
    const messages = response.json.validationMessages as ValidationMessage[];
    if (messages.length > 0) {
      return { status: 'dead_letter', reason: `GA4 validation: ${messages.map((m) => `${m.fieldPath ?? '(request)'}: ${m.description ?? m.validationCode ?? 'invalid'}`).join('; ').slice(0, 900)}` };
    }
  }
  if (response.status === 401 || response.status === 403) {
    return { status: 'dead_letter', reason: `GA4 refused the request (HTTP ${response.status}): check measurement_id and api_secret (Admin > Data streams > your stream > Measurement Protocol API secrets)` };
  }
  return defaultClassify(response);
}

/** An API secret goes in the URL: what a URL or a header cannot carry is refused at install. */
function validateGa4Config(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.api_secret === 'string' && !/^[\x21-\x7e]+$/.test(config.api_secret)) {
    problems.push({ field: 'api_secret', message: 'holds white space, a line break or characters an API secret never has: give the secret alone' });
  }
  const names = typeof config.user_properties === 'string' ? config.user_properties.split(',').map((n) => n.trim()).filter((n) => n !== '') : [];
  const contact = names.filter((name) => isContactTrait(name) || /e-?mail|phone/i.test(name));
  if (contact.length > 0) {
    problems.push({ field: 'user_properties', message: `names contact data (${contact.join(', ')}): Google's policy forbids sending personal information to GA4` });
  }
  return [...problems, ...deletionConfigProblems(config)];
}

export default definePlugin({
  id: 'ga4',
  name: 'Google Analytics 4',
  category: 'analytics',
  description: 'Server-side events to a GA4 web data stream through the Measurement Protocol: page views, track events and ecommerce (retail variant), joined to the site\'s own GA tag by its _ga cookie.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['measurement_id', 'api_secret'],
    properties: {
      measurement_id: { type: 'string', title: 'Measurement ID', description: 'The web data stream\'s Measurement ID, G-… (Admin > Data streams > your stream); not the stream id.', pattern: '^G-[A-Z0-9]{4,20}$', examples: ['G-ABC123XYZ9'] },
      api_secret: { type: 'string', title: 'Measurement Protocol API Secret', description: 'Admin > Data streams > your stream > Measurement Protocol API secrets > Create.', secret: true, minLength: 8, maxLength: 200 },
      data_region: { type: 'string', title: 'Data Collection Region', description: 'global: www.google-analytics.com; eu: region1.google-analytics.com, which collects in the EU.', enum: ['global', 'eu'], enumLabels: ['Global', 'European Union'], default: 'global' },
      user_properties: { type: 'string', title: 'User Properties', description: 'Comma-separated trait names sent as GA4 user properties (from identify traits, remembered ones included), e.g. plan,tier. Never contact data: GA4\'s policy forbids it.', maxLength: 2000, examples: ['plan,tier'] },
      send_page_views: { type: 'boolean', title: 'Send Page Views', description: 'Send page calls as page_view. Turn it off when the site\'s GA tag already records page views: GA4 would count each twice.', default: true },
      property_id: { type: 'string', title: 'Property ID (deletions)', description: 'The GA4 property\'s numeric ID (Admin > Property details), for forwarding person deletions; with service_account_key.', pattern: '^[0-9]{1,20}$', examples: ['123456789'] },
      service_account_key: { type: 'string', title: 'Service Account Key (deletions)', description: 'The JSON key file of a Google service account that has the Editor role on the property, for forwarding person deletions (Admin API submitUserDeletion); with property_id.', secret: true, maxLength: 10_000 },
      validate_only: { type: 'boolean', title: 'Validate Only', description: 'Send to GA4\'s validation endpoint (/debug/mp/collect): events are checked, never recorded; what GA4 finds wrong dead-letters them with its messages. For setting up, not for production.', default: false },
    },
  },
  validateConfig: validateGa4Config,
  variants: {
    default: { description: 'Page views and every track event (names made GA4-safe, properties as params); identify, group and alias calls are not sent.', blueprint: 'ga4/default.yaml' },
    retail: { description: 'Ecommerce: Segment\'s and GA4\'s ecommerce events mapped to GA4\'s recommended events with items (view_item, add_to_cart, begin_checkout, purchase, refund, …).', blueprint: 'ga4/retail.yaml' },
  },
  vendorFields: {
    client_id: { required: true, description: 'The site\'s GA client id (from the _ga cookie), else one derived from the anonymousId.' },
    name: { required: true, description: 'The event name: letters, digits and underscores, starting with a letter, at most 40 characters.' },
    params: { required: false, description: 'At most 25; text at most 100 characters; items for ecommerce.' },
    user_id: { required: false },
    timestamp_micros: { required: false, description: 'When the event happened (within the last 72 hours).' },
    consent: { required: false, description: 'ad_user_data and ad_personalization from Google Consent Mode (context.consent.google).' },
    ip_override: { required: false, description: 'The visitor\'s IP, for GA4\'s geolocation.' },
    user_agent: { required: false },
    user_properties: { required: false, description: 'The traits named in config.user_properties.' },
  },
  consent: ['analytics'],
  cookies: ['_ga'],
  // GA4 documents no Measurement Protocol quota; 50 requests/s of up to 25 events stays modest.
  rateLimit: { rps: 50 },
  batch: { maxEvents: MAX_EVENTS_PER_REQUEST, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => {
    // Google Consent Mode's analytics_storage denied: GA4 may not record the visitor at all.
    const google = isJsonObject(event.context?.consent) && isJsonObject(event.context.consent.google) ? event.context.consent.google : {};
    if (typeof google.analytics_storage === 'string' && google.analytics_storage.toLowerCase() === 'denied') return null;
    if (payload.name === 'page_view' && event.type === 'page' && ctx.config.send_page_views === false) return null;
    return fitEvent(payload, userPropertyNames(ctx.config), traitsOf(event));
  },
  send: buildRequests,
  classify: (response, request) => classifyGa4(response, request),
  // /mp/collect answers 2xx whatever it keeps (developers.google.com/analytics/devguides/collection/protocol/ga4/validating-events):
  // 204 No Content, empty, as observed (taggingdocs.com/ga4/fundamentals/measurement-protocol-debugging); classify
  // sends a 2xx with another body again (a proxy's page). validate_only's answer is in the unit tests.
  successAnswer: { status: 204, body: '' },
  forgetPerson: ga4ForgetPerson,
  accessToken: serviceAccountToken,
});
