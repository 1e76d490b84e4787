import { definePlugin, pastedSecretProblem, splitBatch, type ConfigProblem, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { classifySnap } from './classify.ts';
import { ACTION_SOURCES, toSnapEvent } from './server-event.ts';

export const SNAP_CAPI = 'https://tr.snapchat.com/v3';
/**
 * Events in one request's `data`. Snap's v3 pages and SDK schema state no limit: 2,000 is the
 * batch size of other Snap connectors (RudderStack's, Tealium's); a 413 splits the batch.
 */
const MAX_EVENTS = 2000;
/**
 * Snap documents no byte limit for this endpoint; 1 MB (Signal's choice) keeps about a thousand
 * ordinary events in one request, and a 413 splits the batch anyway.
 */
const MAX_BYTES = 1_000_000;
/** A Snap Pixel ID is a UUID (`1ec32188-754e-4be2-8e55-c949a984a39f` in Snap's examples). */
const PIXEL_ID_PATTERN = '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$';

/**
 * The events URL of the configured pixel: `/v3/{pixel_id}/events`, or its Test Event Tool
 * twin `/events/validate` in test mode (checked and shown in Events Manager, not recorded).
 *
 * @example
 * eventsUrl({ pixel_id: '1ec32188-754e-4be2-8e55-c949a984a39f' });
 * // 'https://tr.snapchat.com/v3/1ec32188-754e-4be2-8e55-c949a984a39f/events'
 */
export function eventsUrl(config: Record<string, JsonValue>): string {
  return `${SNAP_CAPI}/${encodeURIComponent(String(config.pixel_id))}/events${config.test_mode === true ? '/validate' : ''}`;
}

/**
 * Config problems the schema cannot see: a token pasted with white space or a `Bearer `
 * prefix (Snap would refuse every request), or the Pixel ID given as the token.
 *
 * @example
 * validateSnapConfig({ pixel_id: '1ec32188-754e-4be2-8e55-c949a984a39f', access_token: 'Bearer eyJhbGciOi…' });
 * // [{ field: 'access_token', message: 'starts with "Bearer ": give the token alone, as Business Manager shows it' }]
 */
export function validateSnapConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const token = typeof config.access_token === 'string' ? config.access_token : undefined;
  if (token !== undefined) {
    const shown = 'as Business Manager shows it';
    const pasted = pastedSecretProblem('access_token', token, 'token', { schemeHint: shown, spaceHint: shown });
    if (pasted) problems.push(pasted);
    if (token.trim().toLowerCase() === String(config.pixel_id ?? '').toLowerCase()) {
      problems.push({ field: 'access_token', message: 'is the Pixel ID again: generate a Conversions API token in Snapchat Business Manager (Business Details > Conversions API Tokens > Generate Token)' });
    }
  }
  return problems;
}

function requestFor(part: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST',
    url: eventsUrl(ctx.config),
    // Snap's documented authentication: the token as the `access_token` query parameter (the
    // delivery log masks it).
    query: [['access_token', String(ctx.config.access_token)]],
    headers: { 'content-type': 'application/json' },
    body: { data: part.map((e) => e.payload) },
    eventIds: part.map((e) => e.id),
  };
}

export default definePlugin({
  id: 'snapchat',
  name: 'Snapchat Conversions API',
  category: 'advertising',
  description: 'Server-to-server conversion events to Snapchat Ads through the Conversions API (v3): standard events with value, currency and products, hashed customer information, the Snap click id and cookie, and deduplication with the Snap Pixel by event_id.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['pixel_id', 'access_token'],
    properties: {
      pixel_id: {
        type: 'string', title: 'Snap Pixel ID',
        description: 'The ID of the Snap Pixel the conversions belong to (a UUID): in Snapchat Ads Manager > Events Manager, under the pixel\'s name.',
        pattern: PIXEL_ID_PATTERN, examples: ['1ec32188-754e-4be2-8e55-c949a984a39f'],
      },
      access_token: {
        type: 'string', title: 'Conversions API Token',
        description: 'A long-lived Conversions API token generated in Snapchat Business Manager > Business Details > Conversions API Tokens > Generate Token, in the organization that owns the pixel.',
        secret: true, minLength: 8,
      },
      test_mode: {
        type: 'boolean', title: 'Test Mode',
        description: 'Sends to Snap\'s Test Event Tool endpoint (/events/validate): Snap checks the events and shows them under Test Events in Events Manager, but records no conversion. Turn it off for production.',
        default: false,
      },
      action_source: {
        type: 'string', title: 'Action Source',
        description: 'Where the conversions happen, unless the blueprint maps action_source: WEB for a website, OFFLINE for a store, a call centre or a CRM.',
        enum: [...ACTION_SOURCES], enumLabels: ['Website', 'Offline'], default: 'WEB',
      },
      purchase_event_id: {
        type: 'string', title: 'Purchase Deduplication ID',
        description: 'The event_id of PURCHASE events, which Snap matches against the Snap Pixel\'s: the event\'s messageId (default; give the Pixel the same as client_dedup_id), or the order id (custom_data.order_id) when the site\'s Pixel sends the order id as transaction_id, as Snap\'s Best Practices allow for purchases. An order without an order id keeps its messageId.',
        enum: ['message_id', 'order_id'], enumLabels: ['Message ID (Pixel client_dedup_id)', 'Order ID (Pixel transaction_id)'], default: 'message_id',
      },
      default_country_code: {
        type: 'string', title: 'Default Country Code',
        description: 'Country calling code (digits, e.g. 44) for phone numbers written without one (07700 900123). Without it such numbers are left out: Snap matches phones with their country code.',
        pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
      },
      default_currency: {
        type: 'string', title: 'Default Currency',
        description: 'ISO 4217 code (e.g. USD) for events that carry a value but no currency. Snap refuses a PURCHASE without a currency; without this field such an order is dead-lettered, saying why.',
        pattern: '^[A-Za-z]{3}$', examples: ['USD'],
      },
    },
  },
  validateConfig: validateSnapConfig,
  variants: {
    default: { description: 'Page calls and Segment spec events as Snap standard events (PAGE_VIEW, VIEW_CONTENT, LIST_VIEW, SEARCH, ADD_CART, ADD_TO_WISHLIST, START_CHECKOUT, ADD_BILLING, PURCHASE, SIGN_UP, LOGIN, SUBSCRIBE, START_TRIAL, SHARE, RATE); other events are not sent.', blueprint: 'snapchat/default.yaml' },
    retail: { description: 'Ecommerce funnel: PAGE_VIEW, VIEW_CONTENT with the product viewed, LIST_VIEW, SEARCH, ADD_CART, ADD_TO_WISHLIST, START_CHECKOUT, ADD_BILLING and PURCHASE with value, currency and contents; other events are not sent.', blueprint: 'snapchat/retail.yaml' },
  },
  vendorFields: {
    event_name: { required: true, description: 'A standard event (PURCHASE, ADD_CART, PAGE_VIEW, …) or CUSTOM_EVENT_1 to CUSTOM_EVENT_5.' },
    event_time: { required: true, description: 'Unix seconds; at most 37 days old and 5 minutes ahead (less ahead is sent as now).' },
    event_source_url: { required: false, description: 'The page URL (else the referrer): Snap asks for it for best signal integrity; a web event without one is sent without it.' },
    user_data: { required: true, description: 'Customer information: hashed by the plugin.' },
    event_id: { required: false, description: 'Deduplicates with the Snap Pixel\'s client_dedup_id: send the same id from both (the messageId); for PURCHASE, the order id instead with config.purchase_event_id order_id (the Pixel\'s transaction_id).' },
    action_source: { required: false, description: 'WEB unless configured or mapped; WEB or OFFLINE (web, website, offline, physical_store, phone_call in any letter case read as those).' },
    'user_data.em': { required: false },
    'user_data.ph': { required: false },
    'user_data.external_id': { required: false },
    'user_data.client_ip_address': { required: false },
    'user_data.client_user_agent': { required: false },
    'user_data.sc_click_id': { required: false, description: 'The _scclid cookie (or the ScCid URL parameter).' },
    'user_data.sc_cookie1': { required: false, description: 'The Snap Pixel\'s _scid cookie.' },
    'custom_data.value': { required: false, description: 'Required for PURCHASE.' },
    'custom_data.currency': { required: false, description: 'Required for PURCHASE.' },
    'custom_data.content_ids': { required: false },
    'custom_data.contents': { required: false },
    'custom_data.content_name': { required: false, description: 'The product\'s name (product events).' },
    'custom_data.content_category': { required: false },
    'custom_data.num_items': { required: false },
    'custom_data.order_id': { required: false },
    'custom_data.search_string': { required: false },
    'custom_data.sign_up_method': { required: false },
  },
  consent: ['advertising'],
  // The Snap Pixel's first-party cookie (sc_cookie1) and click id cookie (sc_click_id). Signal
  // keeps a landing URL's ScCid in _scclid for 28 days, Snap's longest click attribution window
  // (the pixel's own lifetime for it is not documented).
  cookies: ['_scid', '_scclid'],
  clickIds: [{ param: 'ScCid', anyCase: true, cookie: '_scclid', days: 28 }],
  // Snap documents no rate limit for the Conversions API; its Marketing API allows 10 requests
  // a second per access token, taken as a cautious default: at 2,000 events a request it is far
  // above any site's traffic.
  rateLimit: { rps: 10 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toSnapEvent(payload, event, ctx),
  send(batch, ctx) {
    const envelope = JSON.stringify({ data: [] }).length;
    return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES - 1, overheadBytes: envelope }).map((part) => requestFor(part, ctx));
  },
  classify: (response, request, ctx) => classifySnap(response, request, String(ctx.config.pixel_id)),
  // Snap's Conversions API v3 EventResponse (Business SDK v3 api/openapi.yaml): status VALID; `event` only in error answers.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { status: 'VALID' } },
});
