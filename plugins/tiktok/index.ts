import { definePlugin, splitBatch, type ConfigProblem, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { classifyTikTok } from './classify-answer.ts';
import { toServerEvent } from './server-event.ts';

/** TikTok Events API 2.0 (Business API v1.3): web, app and offline events, one endpoint. */
export const TRACK_URL = 'https://business-api.tiktok.com/open_api/v1.3/event/track/';
/** Events in one request's `data`: TikTok takes up to 1,000. */
const MAX_EVENTS = 1000;
/** TikTok documents no body limit; 1 MB keeps a request of 1,000 ordinary events whole. */
const MAX_BYTES = 1_000_000;
/** The standard event names a purchase may go as: `Purchase` (TikTok's name since 2025) or the older two. */
export const PURCHASE_EVENTS = ['Purchase', 'CompletePayment', 'PlaceAnOrder'] as const;
/** A Pixel Code as Events Manager shows it: capital letters and digits (`C5ABCDEF1234GHIJ5678`). */
const PIXEL_CODE = /^[A-Z0-9]{10,40}$/;

/**
 * What an integration's config cannot be, beyond its schema: a Pixel Code that is not one (its
 * numeric pixel ID, lower case, white space around it), a token or test code pasted with white
 * space, the pixel code given again as the token.
 *
 * @example
 * validateTikTokConfig({ pixel_code: '7301234567890123456', access_token: 'abc…' });
 * // [{ field: 'pixel_code', message: 'is all digits: that is the pixel\'s numeric ID; give its Pixel Code …' }]
 */
export function validateTikTokConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const pixel = typeof config.pixel_code === 'string' ? config.pixel_code : '';
  if (pixel.trim() !== pixel) problems.push({ field: 'pixel_code', message: 'has white space around it: give the Pixel Code alone' });
  else if (/^\d+$/.test(pixel)) problems.push({ field: 'pixel_code', message: `is all digits (${pixel}): that is the pixel's numeric ID; give its Pixel Code, the capital letters and digits Events Manager shows under the pixel's name (e.g. C5ABCDEF1234GHIJ5678)` });
  else if (!PIXEL_CODE.test(pixel)) problems.push({ field: 'pixel_code', message: `must be the Pixel Code as Events Manager shows it: 10 to 40 capital letters and digits (e.g. C5ABCDEF1234GHIJ5678); got ${JSON.stringify(pixel.slice(0, 60))}` });
  const token = typeof config.access_token === 'string' ? config.access_token : '';
  if (token.trim() !== token) problems.push({ field: 'access_token', message: 'has white space or a line break around it (copied with the token?): give the token alone' });
  else if (/\s/.test(token)) problems.push({ field: 'access_token', message: 'holds white space: a TikTok access token is one word; give the token alone (without "Bearer" or a label)' });
  else if (token !== '' && token === pixel) problems.push({ field: 'access_token', message: 'is the Pixel Code again: generate the access token in Events Manager (your pixel > Settings > Events API > Generate Access Token)' });
  if (typeof config.test_event_code === 'string' && config.test_event_code.trim() !== config.test_event_code) {
    problems.push({ field: 'test_event_code', message: 'has white space around it: give the code alone, as Events Manager\'s Test Events tab shows it' });
  }
  return problems;
}

/**
 * The requests for a batch: `POST /open_api/v1.3/event/track/` with the `Access-Token` header,
 * `event_source: web`, the pixel code as `event_source_id`, the test event code when one is
 * configured, and up to 1,000 events (1 MB) in `data`.
 *
 * @example
 * buildRequests(mapped, ctx);
 * // [{ method: 'POST', url: TRACK_URL, headers: { 'Content-Type': 'application/json', 'Access-Token': '…' }, body: { event_source: 'web', event_source_id: 'C5AB…', data: [...] }, eventIds }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const testCode: JsonObject = typeof ctx.config.test_event_code === 'string' && ctx.config.test_event_code !== '' ? { test_event_code: ctx.config.test_event_code } : {};
  const envelope: JsonObject = { event_source: 'web', event_source_id: String(ctx.config.pixel_code), ...testCode };
  const overheadBytes = Buffer.byteLength(JSON.stringify({ ...envelope, data: [] }));
  return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes }).map((part) => ({
    method: 'POST' as const,
    url: TRACK_URL,
    headers: { 'Content-Type': 'application/json', 'Access-Token': String(ctx.config.access_token) },
    body: { ...envelope, data: part.map((e) => e.payload) },
    eventIds: part.map((e) => e.id),
  }));
}

export default definePlugin({
  id: 'tiktok',
  name: 'TikTok Events API',
  category: 'advertising',
  description: 'Server-to-server web events to TikTok through the Events API 2.0: standard events (Pageview, ViewContent, AddToCart, Purchase, …), hashed customer information, the _ttp cookie and ttclid click id, and deduplication with the TikTok Pixel by event_id.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['pixel_code', 'access_token'],
    properties: {
      pixel_code: {
        type: 'string', title: 'Pixel Code',
        description: 'The pixel\'s code in TikTok Events Manager (Web Events, under the pixel\'s name): capital letters and digits, not its numeric ID.',
        minLength: 1, maxLength: 64, examples: ['C5ABCDEF1234GHIJ5678'],
      },
      access_token: {
        type: 'string', title: 'Access Token',
        description: 'An Events API access token: Events Manager > your pixel > Settings > Events API > Generate Access Token. TikTok shows it once.',
        secret: true, minLength: 8, maxLength: 512,
      },
      test_event_code: {
        type: 'string', title: 'Test Event Code',
        description: 'From Events Manager > your pixel > Test Events: events sent with it show there while you check the setup. Remove it for production.',
        maxLength: 64, examples: ['TEST12345'],
      },
      purchase_event: {
        type: 'string', title: 'Purchase Event',
        description: 'The standard event an order (Order Completed) is sent as. Purchase is TikTok\'s current name; keep CompletePayment or PlaceAnOrder if your TikTok Pixel sends that one: TikTok deduplicates the Pixel\'s and the server\'s event only when both have the same name and event_id.',
        enum: [...PURCHASE_EVENTS], enumLabels: ['Purchase', 'CompletePayment (older name)', 'PlaceAnOrder (order placed, paid later)'], default: 'Purchase',
      },
      default_country_code: {
        type: 'string', title: 'Default Country Code',
        description: 'Country calling code (digits, e.g. 44) for phone numbers written without one (07700 900123). Without it such numbers are left out: TikTok matches E.164 numbers only.',
        pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
      },
      limited_data_use: {
        type: 'boolean', title: 'Limited Data Use',
        description: 'Flag every event for Limited Data Use: TikTok limits its processing of events from eligible locations (US state privacy laws). Off, the events of visitors who sent Global Privacy Control are flagged still (SIGNAL_GPC=restrict, the default).',
        default: false,
      },
    },
  },
  validateConfig: validateTikTokConfig,
  variants: {
    default: { description: 'Pageview, standard events for registration, leads, forms, contact, subscriptions, downloads, button clicks, search, the ecommerce funnel (ViewContent, AddToWishlist, AddToCart, InitiateCheckout, AddPaymentInfo with value, currency and contents) and purchase; every other track event as a custom event with its properties.', blueprint: 'tiktok/default.yaml' },
    retail: { description: 'Ecommerce funnel: Pageview, ViewContent, Search, AddToWishlist, AddToCart, InitiateCheckout, AddPaymentInfo and Purchase with value, currency and contents; other events are not sent.', blueprint: 'tiktok/retail.yaml' },
  },
  vendorFields: {
    event: { required: true, description: 'A standard event (Pageview, ViewContent, Purchase, …) or a custom name.' },
    event_time: { required: true, description: 'Unix seconds.' },
    event_id: { required: false, description: 'Deduplicates with the TikTok Pixel\'s event_id: send the same id (and event name) from both.' },
    user: { required: false, description: 'Customer information: email, phone, external_id, first_name, last_name and zip_code hashed by the plugin; city, state and country normalised.' },
    'user.email': { required: false },
    'user.phone': { required: false },
    'user.external_id': { required: false },
    'user.first_name': { required: false },
    'user.last_name': { required: false },
    'user.city': { required: false },
    'user.state': { required: false },
    'user.zip_code': { required: false },
    'user.country': { required: false },
    'user.ip': { required: false },
    'user.user_agent': { required: false },
    'user.ttp': { required: false, description: 'The _ttp cookie of the TikTok Pixel.' },
    'user.ttclid': { required: false, description: 'The click id: unless mapped, from the page URL\'s ttclid parameter, else a first-party ttclid cookie.' },
    'user.locale': { required: false },
    'page.url': { required: false },
    'page.referrer': { required: false },
    'properties.value': { required: false },
    'properties.currency': { required: false },
    'properties.contents': { required: false },
    'properties.content_type': { required: false },
    'properties.order_id': { required: false },
    'properties.query': { required: false },
    limited_data_use: { required: false },
  },
  consent: ['advertising'],
  // The Pixel's first-party cookie id, and the click id TikTok's own server-side GTM tag keeps
  // in a first-party `ttclid` cookie for 30 days (tiktok/gtm-template-eapi): Signal keeps it the same way.
  cookies: ['_ttp', 'ttclid'],
  clickIds: [{ param: 'ttclid', cookie: 'ttclid', days: 30 }],
  // 50 requests a second (up to 50,000 events) is plenty; TikTok's throttling codes slow it down
  // when TikTok asks (classify-answer.ts).
  rateLimit: { rps: 50 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toServerEvent(payload, event, ctx),
  send: buildRequests,
  classify: (response, request, ctx) => classifyTikTok(response, request, ctx.now),
  // TikTok's Events API 2.0 envelope, code 0 (business-api.tiktok.com/portal/docs, Events API: Response; TikTok's Business SDK's Response model).
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { code: 0, message: 'OK', request_id: '2024050212000000000000000000000000', data: {} } },
});
