import { isJsonObject, pageUrlParamOf, defaultClassify, definePlugin, excerpt, gpcRestrictsProcessing, instantText, PermanentError, removeContactInfo, splitBatch, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { normalizeUserData } from './user-data.ts';

export const GRAPH_URL = 'https://graph.facebook.com';
/** The Graph API version requests go to unless the config names another. */
export const DEFAULT_API_VERSION = 'v25.0';
/** Meta takes up to 1,000 events per request. */
const MAX_EVENTS = 1000;
const MAX_BYTES = 1_000_000;
/** Meta refuses the whole request when any event_time is more than 7 days old. */
const MAX_EVENT_AGE_MS = 7 * 24 * 3600 * 1000;
/** Where Meta says an event happened (server event parameter `action_source`). */
export const ACTION_SOURCES = ['website', 'app', 'email', 'phone_call', 'chat', 'physical_store', 'system_generated', 'business_messaging', 'other'] as const;
/**
 * user_data keys Meta matches a person on by themselves. Name, gender, birth date and address
 * fields only count beside one of these, and an IP address only with the user agent (Meta's
 * best practices): an event with none is refused, and with it every event of its request.
 */
const MATCH_KEYS = ['em', 'ph', 'external_id', 'fbp', 'fbc', 'subscription_id', 'fb_login_id', 'lead_id', 'anon_id', 'madid'];

interface GraphError {
  error?: { message?: string; type?: string; code?: number; error_subcode?: number; error_user_title?: string; error_user_msg?: string; fbtrace_id?: string; is_transient?: boolean };
}

/**
 * When Meta lets the app call again, from `X-Business-Use-Case-Usage` (per business, a list of
 * usages each with `estimated_time_to_regain_access` in minutes), or undefined.
 *
 * @example
 * regainAccessMs({ 'x-business-use-case-usage': '{"123":[{"type":"ads_management","estimated_time_to_regain_access":5}]}' }); // 300000
 */
export function regainAccessMs(headers: Record<string, string>): number | undefined {
  const raw = headers['x-business-use-case-usage'];
  if (!raw) return undefined;
  let minutes = 0;
  try {
    const usage = JSON.parse(raw) as unknown;
    if (!isJsonObject(usage)) return undefined;
    for (const list of Object.values(usage)) {
      for (const entry of Array.isArray(list) ? list : []) {
        const wait = isJsonObject(entry) ? entry.estimated_time_to_regain_access : undefined;
        if (typeof wait === 'number' && Number.isFinite(wait)) minutes = Math.max(minutes, wait);
      }
    }
  } catch {
    return undefined;
  }
  return minutes > 0 ? minutes * 60_000 : undefined;
}

/** Graph API error codes of throttling and of passing trouble: try again later. */
const THROTTLED = new Set([4, 17, 32, 341, 613, 80004]);
/** "Temporarily blocked for policies violations": wait (an hour) and retry. */
const POLICY_BLOCK = 368;
const TRANSIENT = new Set([1, 2]);
/** The token is missing, expired or lacks the permission: nothing changes until config does. */
const TOKEN_PROBLEM = new Set([102, 190, 10]);

/**
 * Meta's answers as the Graph API documents them. 200 `{ events_received, messages, fbtrace_id }`
 * delivered — a 2xx that is not that JSON (a proxy's or captive portal's page) is no delivery,
 * so the batch is sent again (each event with its event_id). Throttling (codes 4, 17, 32,
 * 341, 613) waits at least a minute; codes 1 and 2 (temporary) and 5xx retry; a token or
 * permission problem (190, 102, 10, 200–299) or an unknown pixel (100/33) dead-letters the
 * batch saying what to fix. An
 * invalid parameter (code 100) fails the whole request however many events were valid, so a
 * batch is split until the event Meta refuses is alone, and only that one is dead-lettered.
 */
export function classifyMeta(response: { status: number; body: string; json?: unknown; headers: Record<string, string> }, request: RequestDescriptor): Classification {
  if (response.status >= 200 && response.status < 300) {
    // Meta answers every request it takes with its JSON (`events_received`): another body is someone else's.
    if (isJsonObject(response.json)) return { status: 'delivered' };
    return { status: 'retry', reason: `HTTP ${response.status} without Meta's JSON answer (events_received)${response.body.trim() ? `: ${excerpt(response.body)}` : ''} — not Meta's answer (a proxy?), so not counted as received` };
  }
  const error = isJsonObject(response.json) ? (response.json as GraphError).error : undefined;
  const code = error?.code;
  const said = [error?.error_user_title, error?.error_user_msg ?? error?.message].filter(Boolean).join(': ') || response.body.slice(0, 300);
  const trace = error?.fbtrace_id ? ` (fbtrace_id ${error.fbtrace_id})` : '';
  // Meta's rate limits answer 400, not 429: marked throttled, the core treats them as a 429
  // (no try used up, the integration paused and slowed), for as long as Meta says.
  if (code !== undefined && THROTTLED.has(code)) {
    return { status: 'retry', reason: `Meta throttled the request (code ${code}): ${said}`, retryAfterMs: Math.max(60_000, regainAccessMs(response.headers) ?? 0), throttled: true };
  }
  if (code === POLICY_BLOCK) return { status: 'retry', reason: `Meta blocked the app for a while (code 368): ${said}${trace}`, retryAfterMs: 3_600_000, throttled: true };
  if ((code !== undefined && TRANSIENT.has(code)) || error?.is_transient === true) return { status: 'retry', reason: `Meta: temporary error (code ${code ?? 'none'}): ${said}${trace}` };
  if (code !== undefined && (TOKEN_PROBLEM.has(code) || (code >= 200 && code <= 299))) {
    return { status: 'dead_letter', reason: `Meta refused the access token (code ${code}${error?.error_subcode ? `, subcode ${error.error_subcode}` : ''}): ${said}. Generate a new token in Events Manager (Settings > Conversions API) with access to the pixel, then update config.access_token${trace}` };
  }
  if (code === 100 && error?.error_subcode === 33) {
    return { status: 'dead_letter', reason: `Meta: the pixel does not exist or the token cannot reach it (code 100, subcode 33): ${said}. Check config.pixel_id and that the token was generated for that pixel${trace}` };
  }
  if (code === 100) {
    if (request.eventIds.length > 1) return { status: 'split', reason: `Meta refused the batch (code 100): ${said}; sending it in halves to find the event` };
    return { status: 'dead_letter', reason: `Meta refused the event (code 100${error?.error_subcode ? `, subcode ${error.error_subcode}` : ''}): ${said}${trace}` };
  }
  const classified = defaultClassify(response);
  return 'reason' in classified ? { ...classified, reason: `Meta HTTP ${response.status}${code !== undefined ? ` (code ${code})` : ''}: ${said}${trace}` } : classified;
}

/** `fb.1.<ms>.<fbclid>` from the page URL's `fbclid`, for a visitor who came from an ad and has no `_fbc` cookie yet. */
function fbcFromClickId(event: CanonicalEvent, eventTimeMs: number): string | undefined {
  const fbclid = pageUrlParamOf(event, 'fbclid', { propertiesUrl: 'never' });
  return fbclid === undefined ? undefined : `fb.1.${eventTimeMs}.${fbclid}`;
}

/** Meta takes content_ids and contents as lists; a single-product blueprint maps one of each. */
function asList(value: JsonValue | undefined): JsonValue | undefined {
  return value === undefined || Array.isArray(value) ? value : [value];
}

/**
 * custom_data as Meta takes it: content_ids and contents as lists, contents entries without an
 * `id` left out (Meta requires one, and one such entry fails the request), and no contact
 * information in clear at any depth (`removeContactInfo`: keys naming it, a person's name,
 * email addresses and phone numbers as values — a pass-through event's properties may hold any).
 */
function customData(input: JsonObject): JsonObject {
  const custom = removeContactInfo(input);
  const ids = asList(custom.content_ids);
  if (ids !== undefined) custom.content_ids = ids;
  const contents = asList(custom.contents);
  if (Array.isArray(contents)) {
    const kept = contents.filter((entry) => isJsonObject(entry) && entry.id !== undefined && entry.id !== null && entry.id !== '');
    if (kept.length > 0) custom.contents = kept;
    else delete custom.contents;
  }
  return custom;
}

/**
 * The server event as Meta takes it, from the blueprint's mapping: user_data normalised and
 * hashed, `action_source` from the config unless mapped, an `fbc` built from `fbclid`, Limited
 * Data Use when configured. An event Meta would refuse — and with it every event of its
 * request — is dead-lettered here, saying why: older than 7 days, a website event without
 * client_user_agent or event_source_url, an action_source Meta does not take (or app without
 * app_data), or nothing to match a person on.
 */
export function toServerEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject {
  const config = ctx.config;
  const out: JsonObject = { ...payload };
  const eventTime = payload.event_time;
  if (typeof eventTime !== 'number' || !Number.isFinite(eventTime)) throw new PermanentError('Meta needs event_time (Unix seconds): the blueprint mapped none; map timestamp with to_unix_seconds');
  if (ctx.now - eventTime * 1000 > MAX_EVENT_AGE_MS) {
    throw new PermanentError(`Meta refuses events older than 7 days (event_time ${instantText(eventTime * 1000)}), and would refuse every event sent with it`);
  }
  out.action_source ??= typeof config.action_source === 'string' ? config.action_source : 'website';
  if (!(ACTION_SOURCES as readonly JsonValue[]).includes(out.action_source)) {
    throw new PermanentError(`Meta takes action_source ${ACTION_SOURCES.join(', ')}; the blueprint mapped ${JSON.stringify(out.action_source)}`);
  }
  if (out.action_source === 'app' && !isJsonObject(out.app_data)) throw new PermanentError('Meta requires app_data for app events (action_source app): map it in the blueprint, or send these events with another action_source');
  if (out.event_source_url === '' || out.event_source_url === null) delete out.event_source_url;
  const { userData, unusable } = normalizeUserData(payload.user_data, { defaultCountryCode: typeof config.default_country_code === 'string' ? config.default_country_code : undefined });
  if (userData.fbc === undefined) {
    const fbc = fbcFromClickId(event, eventTime * 1000);
    if (fbc) userData.fbc = fbc;
  }
  out.user_data = userData;
  if (out.action_source === 'website') {
    const missing = [userData.client_user_agent === undefined ? 'user_data.client_user_agent' : '', out.event_source_url === undefined ? 'event_source_url' : ''].filter(Boolean);
    if (missing.length > 0) throw new PermanentError(`Meta requires ${missing.join(' and ')} for website events (action_source website) and this event has no ${missing.length > 1 ? 'values for them' : 'value for it'}: send events from the browser (context.userAgent, context.page.url), or set config.action_source for server-side events`);
  }
  const ipAndAgent = userData.client_ip_address !== undefined && userData.client_user_agent !== undefined;
  if (!ipAndAgent && !MATCH_KEYS.some((key) => userData[key] !== undefined)) {
    throw new PermanentError(`Meta cannot match this event to a person: user_data has none of em, ph, external_id, fbp, fbc (nor client_ip_address with client_user_agent)${unusable.length > 0 ? ` (unusable: ${unusable.join(', ')})` : ''}`);
  }
  if (isJsonObject(out.custom_data)) out.custom_data = customData(out.custom_data);
  // A visitor's Global Privacy Control (under SIGNAL_GPC=restrict) flags their event whatever
  // the blueprint mapped; the config's flag, every event the blueprint left without options.
  const gpcRestricts = gpcRestrictsProcessing(event) && !(Array.isArray(out.data_processing_options) && out.data_processing_options.includes('LDU'));
  if (gpcRestricts || (config.limited_data_use === true && out.data_processing_options === undefined)) {
    // Limited Data Use with country and state 0: Meta geolocates the visitor (CCPA and US state laws).
    out.data_processing_options = ['LDU'];
    out.data_processing_options_country = 0;
    out.data_processing_options_state = 0;
  }
  return out;
}

export default definePlugin({
  id: 'meta_capi',
  name: 'Meta Conversions API (CAPI)',
  category: 'advertising',
  description: 'Server-to-server event delivery to Meta (Facebook, Instagram) via the Conversions API: standard events, hashed customer information, and deduplication with the Meta Pixel by event_id.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['pixel_id', 'access_token'],
    properties: {
      pixel_id: { type: 'string', title: 'Pixel ID', description: 'Your Meta Pixel (dataset) ID, in Events Manager > Data sources.', pattern: '^[0-9]{5,20}$', examples: ['1234567890'] },
      access_token: { type: 'string', title: 'Access Token', description: 'A Conversions API access token generated in Events Manager > Settings > Conversions API.', secret: true, minLength: 8 },
      api_version: { type: 'string', title: 'Graph API Version', description: `The Graph API version requests go to (default ${DEFAULT_API_VERSION}).`, pattern: '^v[0-9]{1,3}\\.[0-9]$', default: DEFAULT_API_VERSION },
      test_event_code: { type: 'string', title: 'Test Event Code', description: 'From Events Manager > Test Events: events sent with it show there while you check the setup. Remove it for production.', maxLength: 64 },
      action_source: {
        type: 'string', title: 'Action Source', description: 'Where the events happen, unless the blueprint maps action_source. Website events must carry the visitor\'s user agent and the page URL.',
        // Not `app`: app events need app_data, which a blueprint maps per event.
        enum: ACTION_SOURCES.filter((source) => source !== 'app'), default: 'website',
      },
      default_country_code: { type: 'string', title: 'Default Country Code', description: 'Country calling code (digits, e.g. 44) for phone numbers written without one (07700 900123). Without it such numbers are left out: Meta cannot match them.', pattern: '^[1-9][0-9]{0,2}$', examples: ['44'] },
      limited_data_use: { type: 'boolean', title: 'Limited Data Use', description: 'Flag every event for Limited Data Use (US state privacy laws); Meta geolocates the visitor. Off, the events of visitors who sent Global Privacy Control are flagged still (SIGNAL_GPC=restrict, the default).', default: false },
    },
  },
  variants: {
    default: { description: 'Standard events (PageView, Lead, CompleteRegistration, Purchase) and every other track event as a custom event.', blueprint: 'meta_capi/default.yaml' },
    retail: { description: 'Ecommerce funnel: ViewContent, Search, AddToCart, AddToWishlist, InitiateCheckout, AddPaymentInfo and Purchase with contents, value and currency; other events are not sent.', blueprint: 'meta_capi/retail.yaml' },
  },
  vendorFields: {
    event_name: { required: true, description: 'A standard event (Purchase, AddToCart, …) or a custom name.' },
    event_time: { required: true, description: 'Unix seconds; at most 7 days old.' },
    user_data: { required: true, description: 'Customer information: hashed by the plugin.' },
    event_source_url: { required: true, description: 'The page URL (required for website events).' },
    'user_data.client_user_agent': { required: true, description: 'The visitor\'s user agent (required for website events).' },
    event_id: { required: false, description: 'Deduplicates with the Meta Pixel\'s eventID: send the same id from both.' },
    action_source: { required: false, description: 'website unless configured or mapped.' },
    'user_data.em': { required: false },
    'user_data.ph': { required: false },
    'user_data.external_id': { required: false },
    'user_data.client_ip_address': { required: false },
    'user_data.fbp': { required: false },
    'user_data.fbc': { required: false },
    'custom_data.value': { required: false },
    'custom_data.currency': { required: false },
    'custom_data.content_ids': { required: false },
    'custom_data.contents': { required: false },
    'custom_data.order_id': { required: false },
  },
  consent: ['advertising'],
  cookies: ['_fbp', '_fbc'],
  // An ad click's fbclid kept in _fbc as the Meta Pixel keeps it (fb.<subdomain index>.<ms>.<fbclid>), for
  // the pixel's 90 days: the purchase days later carries it (Meta: "fbp and fbc parameters").
  clickIds: [{ param: 'fbclid', cookie: '_fbc', days: 90, value: (fbclid, now) => `fb.1.${now}.${fbclid}` }],
  rateLimit: { rps: 10 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toServerEvent(payload, event, ctx),
  send(batch, ctx) {
    const version = typeof ctx.config.api_version === 'string' ? ctx.config.api_version : DEFAULT_API_VERSION;
    const testCode: JsonObject = typeof ctx.config.test_event_code === 'string' && ctx.config.test_event_code !== '' ? { test_event_code: ctx.config.test_event_code } : {};
    const envelope = JSON.stringify({ data: [], access_token: ctx.config.access_token, ...testCode }).length;
    return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES - 1, overheadBytes: envelope }).map((part) => ({
      method: 'POST' as const,
      url: `${GRAPH_URL}/${version}/${String(ctx.config.pixel_id)}/events`,
      headers: { 'content-type': 'application/json' },
      body: { data: part.map((e) => e.payload), access_token: String(ctx.config.access_token), ...testCode },
      eventIds: part.map((e) => e.id),
    }));
  },
  classify: (response, request) => classifyMeta(response, request),
  // Meta's Conversions API, Using the API: events_received, messages and fbtrace_id (developers.facebook.com/docs/marketing-api/conversions-api/using-the-api).
  successAnswer: { status: 200, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: { events_received: 2, messages: [], fbtrace_id: 'AbCdEfGhIjKlMnOpQrStUvW' } },
});
