import { definePlugin } from '../../core/sdk/index.ts';
import { classifyX } from './classify.ts';
import { API_VERSION_PATTERN, DEFAULT_API_VERSION, PIXEL_PATTERN, validateXAdsConfig } from './config.ts';
import { toXConversion } from './conversion.ts';
import { MAX_BYTES, MAX_CONVERSIONS, sendConversions, signConversionsRequest } from './conversions-request.ts';

export { validateXAdsConfig } from './config.ts';
export { conversionsRequest, conversionsUrl, sendConversions, signConversionsRequest } from './conversions-request.ts';

/**
 * Signal's own first-party cookie for the X click id of a landing page's `twclid`. Not `_twclid`:
 * X's official server-side tag writes the bare click id there (about 390 days) and the X Pixel is
 * reported to write JSON, so Signal never overwrites it; it reads both.
 */
export const TWCLID_COOKIE = '_dftwclid';
/** X's click id cookie (its Pixel's, its official server-side tag's), read (never written). */
export const PIXEL_TWCLID_COOKIE = '_twclid';

export default definePlugin({
  id: 'x_ads',
  name: 'X Ads (Conversions API)',
  category: 'advertising',
  description: 'Server-to-server web conversions to X (Twitter) Ads through the Conversion API of the X Ads API: one X event per Signal event, value, currency and contents, the X click id (twclid) of the landing page kept in a first-party cookie, hashed email and phone, IP address and user agent for matching, deduplication with the X Pixel by conversion_id; authenticated with the pixel\'s Conversion API access token (X-Pixel-Token) or signed with OAuth 1.0a.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    // The credential is either the pixel's token or the four of OAuth 1.0a: validateConfig says which is missing.
    required: ['pixel_id', 'conversion_events'],
    properties: {
      pixel_id: {
        type: 'string', title: 'Pixel ID',
        description: 'The ID of the X Pixel (base tag) of the ad account, as X Ads Manager > Tools > Events Manager shows it (e.g. o8z6j): the part after "tw-" of its events\' IDs.',
        pattern: PIXEL_PATTERN, examples: ['o8z6j'],
      },
      conversion_events: {
        type: 'object', title: 'Conversion Events',
        description: 'Which Signal events are X conversions, and as which X event: the track event\'s name (or page, or page:<name> for a named page) → the event\'s ID in Events Manager (tw-<pixel id>-<event id>, or its last part). Create the events in Events Manager (Add events > Install with Conversion API, or events of the X Pixel to deduplicate with it). Events named nowhere are not sent.',
        // No pattern here: validateConfig says what is wrong with an id, naming the event.
        additionalProperties: { type: 'string' },
        examples: [{ 'Order Completed': 'tw-o8z6j-o87ne', 'Signed Up': 'tw-o8z6j-o87nf' }],
      },
      pixel_access_token: {
        type: 'string', title: 'Conversion API Access Token (Pixel token)',
        description: 'The pixel\'s Conversion API access token (X Ads Manager > Tools > Events Manager > Install Pixel > Manual > Conversions API > Generate access token), sent in X\'s X-Pixel-Token header. Needs no developer app; give it or the four OAuth 1.0a credentials below (with both, the token is used).',
        secret: true, minLength: 1,
      },
      consumer_key: {
        type: 'string', title: 'API Key (Consumer Key)',
        description: 'OAuth 1.0a, unless pixel_access_token is given: the API Key of your X app that has Ads API access (X Developer Console > Projects & Apps > the app > Keys and tokens).',
        secret: true, minLength: 1,
      },
      consumer_secret: {
        type: 'string', title: 'API Key Secret (Consumer Secret)',
        description: 'The app\'s API Key Secret, shown with its API Key. Signal signs every request with it (OAuth 1.0a, HMAC-SHA1); it is never sent.',
        secret: true, minLength: 1,
      },
      access_token: {
        type: 'string', title: 'Access Token',
        description: 'An OAuth 1.0a Access Token (1234567890-AbC…) of an X user with the AD_MANAGER or ACCOUNT_ADMIN role on the ad account: the app owner\'s from Keys and tokens, or another user\'s from the app\'s 3-legged OAuth flow. It does not expire; it stops working when the user revokes the app or it is regenerated.',
        secret: true, minLength: 1, examples: ['1234567890-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab'],
      },
      access_token_secret: {
        type: 'string', title: 'Access Token Secret',
        description: 'The Access Token\'s secret, generated with it.',
        secret: true, minLength: 1,
      },
      api_version: {
        type: 'string', title: 'Ads API Version',
        description: `The X Ads API version in the URL (its major number). The default, ${DEFAULT_API_VERSION}, is X's current version; X announces a version's end of life six months ahead: move to the newer one then.`,
        pattern: API_VERSION_PATTERN, default: DEFAULT_API_VERSION,
      },
      default_currency: {
        type: 'string', title: 'Default Currency',
        description: 'ISO 4217 code (e.g. USD) for conversions that carry a value but no currency. Without it such a conversion is sent without its value: X would count it in USD, its default, whatever the shop\'s currency.',
        pattern: '^[A-Za-z]{3}$', examples: ['USD'],
      },
      default_country_code: {
        type: 'string', title: 'Default Country Code',
        description: 'Country calling code (digits, e.g. 44) for phone numbers written without one (07700 900123). Without it such numbers are left out: X matches phone numbers in E.164, with their country code.',
        pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
      },
    },
  },
  validateConfig: validateXAdsConfig,
  variants: {
    default: { description: 'Every page and track event, with the value of an order (revenue, else total, else value) or of any event (value, else revenue), its currency and contents, and the person\'s email, phone, X click id, IP address and user agent; the events named in config.conversion_events are sent.', blueprint: 'x_ads/default.yaml' },
    retail: { description: 'The ecommerce funnel — page views, product views, cart adds, checkouts, payment info and orders — with value, currency, item count and contents (one per product), and the person\'s email, phone, X click id, IP address and user agent; the events named in config.conversion_events are sent.', blueprint: 'x_ads/retail.yaml' },
  },
  vendorFields: {
    conversion_time: { required: true, description: 'ISO 8601 in UTC: the event\'s timestamp unless mapped.' },
    // The plugin fills event_id from the config, and builds identifiers from user.*: neither is the blueprint's to map.
    event_id: { required: false, description: 'The X event: from config.conversion_events by the Signal event\'s name, unless mapped.' },
    'user.twclid': { required: false, description: 'The X click id: Signal\'s _dftwclid cookie, else the X Pixel\'s _twclid (the page URL\'s twclid wins: a newer click).' },
    'user.email': { required: false, description: 'Sent as hashed_email (trimmed, lower-cased, SHA-256) by the plugin.' },
    'user.phone': { required: false, description: 'Sent as hashed_phone_number (E.164, SHA-256) by the plugin.' },
    'user.ip_address': { required: false, description: 'Sent in clear with user_agent, beside a click id, email or phone.' },
    'user.user_agent': { required: false },
    conversion_id: { required: false, description: 'Deduplicates with the X Pixel: give the Pixel the same conversion_id (the messageId).' },
    value: { required: false, description: 'Sent with price_currency only; else the contents\' sum of content_price × num_items.' },
    price_currency: { required: false, description: 'ISO 4217; else config.default_currency.' },
    number_items: { required: false, description: 'Else the contents\' num_items summed.' },
    description: { required: false },
    contents: { required: false, description: 'Products: content_id, content_name, content_type, content_price, num_items, content_group_id.' },
  },
  consent: ['advertising'],
  // Signal's own cookie for the click id (set from a landing page's twclid), and the X Pixel's,
  // read for sites where the Pixel kept the click.
  cookies: [TWCLID_COOKIE, PIXEL_TWCLID_COOKIE],
  // 90 days: X's longest post-engagement attribution window (1, 7, 14, 30, 60 or 90 days, 14 by
  // default, its conversion tracking FAQ): a click older than the advertiser's window only goes
  // unattributed, a cookie shorter than it loses conversions X would count.
  clickIds: [{ param: 'twclid', cookie: TWCLID_COOKIE, days: 90 }],
  // X's docs give 60,000 events per ad account per 15 minutes (its setup guide and rate-limit
  // chart; its reference says 100,000 requests), and 450 writes a minute for the Ads API's POSTs:
  // 5 requests a second (burst 10, 300 a minute) stays under the writes, and a 429 beyond the
  // events' limit pauses the integration until X's reset.
  rateLimit: { rps: 5, burst: 10 },
  batch: { maxEvents: MAX_CONVERSIONS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toXConversion(payload, event, ctx),
  send: sendConversions,
  sign: signConversionsRequest,
  classify: (response, request, ctx) => classifyX(response, request, ctx),
  // X Ads API web conversions (developer.x.com/en/docs/x-ads-api/measurement/web-conversions/conversions), Example Response.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json;charset=utf-8' }, body: { request: { params: { pixel_id: 'o8z6j' } }, data: { conversions_processed: 2, debug_id: 'f2c6b8c9-1c4b-4d6b-9c3b-8f6a7e5d4c3b' } } },
});
