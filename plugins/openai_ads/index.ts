import { definePlugin } from '../../core/sdk/index.ts';
import { classifyOpenAiAds } from './classify.ts';
import { OPPREF_COOKIE, OPPREF_DAYS, OPPREF_PARAM, PIXEL_OPPREF_COOKIE } from './click-id.ts';
import { CONFIG_SCHEMA, validateOpenAiAdsConfig } from './config.ts';
import { toOpenAiEvent } from './openai-event.ts';
import { MAX_BYTES, MAX_EVENTS, requestsFor } from './requests.ts';

export { classifyOpenAiAds, said } from './classify.ts';
export { OPPREF_COOKIE, OPPREF_DAYS, OPPREF_PARAM, opprefFromPage, opprefOf, PIXEL_OPPREF_COOKIE } from './click-id.ts';
export { ACTION_SOURCES, CONFIG_SCHEMA, validateOpenAiAdsConfig } from './config.ts';
export { EVENT_DATA_TYPES, eventData } from './event-data.ts';
export { minorUnitDigits, minorUnits } from './minor-units.ts';
export { MAX_AHEAD_MS, MAX_EVENT_AGE_MS, toOpenAiEvent } from './openai-event.ts';
export { EVENTS_ENDPOINT, eventsUrl, MAX_BYTES, MAX_EVENTS, requestsFor } from './requests.ts';
export { openAiUser } from './user-data.ts';

/**
 * OpenAI Ads (ads in ChatGPT) through its Conversions API, POST
 * https://bzr.openai.com/v1/events?pid=<Pixel ID>: page calls and Segment's ecommerce and
 * lifecycle events as OpenAI's standard events (page_viewed, contents_viewed, items_added,
 * checkout_started, order_created, lead_created, registration_completed, trial_started,
 * subscription_created), other track events as custom events; values in the currency's minor
 * unit, items as contents, the email and user id SHA-256 hashed, the ad click's oppref kept in
 * a first-party cookie; batches of up to 1,000 events, halved when OpenAI refuses one for an
 * event in it. No person deletions: OpenAI documents no deletion API. See README.md.
 *
 * @example
 * // config: { pixel_id: '134534276512', api_key: '…' }
 * openaiAds.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://bzr.openai.com/v1/events?pid=134534276512',
 * //    headers: { authorization: 'Bearer …', 'content-type': 'application/json' },
 * //    body: { validate_only: false, events: [{ id: 'm-1', type: 'order_created', timestamp_ms: 1796032800000, action_source: 'web',
 * //            source_url: 'https://shop.example.com/thanks', data: { type: 'contents', amount: 12999, currency: 'USD' } }] },
 * //    eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'openai_ads',
  name: 'OpenAI Ads Conversions API',
  category: 'advertising',
  description: 'Server-to-server conversion events for ads in ChatGPT through OpenAI\'s Conversions API: page calls and ecommerce, lead, sign-up, trial and subscription events as OpenAI\'s standard events, other track events as custom events; values in the currency\'s minor unit with their items, the email and user id SHA-256 hashed, the ad click\'s oppref kept in a first-party cookie, and deduplication with the OpenAI Pixel by event id. Batches of up to 1,000 events; OpenAI refuses a whole batch for one invalid event, so a refused batch is halved until that event is alone. No deletion API.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateOpenAiAdsConfig,
  variants: {
    default: { description: 'Page calls as page_viewed; Product Viewed, Product Added, Checkout Started and Order Completed as contents_viewed, items_added, checkout_started and order_created with their value, currency and products; Lead Generated, Signed Up, Trial Started and Subscription Created as lead_created, registration_completed, trial_started and subscription_created; every other track event as a custom event named after it.', blueprint: 'openai_ads/default.yaml' },
  },
  vendorFields: {
    id: { required: true, description: 'Deduplicates with type (and with the OpenAI Pixel): the messageId; send it as the Pixel\'s event id for the same action.' },
    type: { required: true, description: 'A standard event (order_created, items_added, page_viewed, …) or custom.' },
    custom_event_name: { required: false, description: 'The name of a custom event (required for it).' },
    timestamp_ms: { required: true, description: 'Epoch milliseconds; within the last 7 days (older events are not sent) and at most 10 minutes ahead.' },
    action_source: { required: false, description: 'web unless configured or mapped: web, mobile_app, offline, physical_store, phone_call, email or other.' },
    source_url: { required: false, description: 'The page URL: required by OpenAI for web events.' },
    oppref: { required: false, description: 'OpenAI\'s click reference: the landing URL\'s oppref, else Signal\'s _dfoppref cookie, else the Pixel\'s __oppref.' },
    opt_out: { required: false, description: 'true keeps the event out of user-level personalization: sent when the visitor refused advertising.' },
    'user.email_sha256': { required: false, description: 'The email, trimmed, lower-cased and SHA-256 hashed by the plugin.' },
    'user.external_id_sha256': { required: false, description: 'The userId, SHA-256 hashed by the plugin.' },
    'user.country': { required: false, description: 'Two-letter ISO 3166-1 code.' },
    'user.city': { required: false },
    'user.zip_code': { required: false },
    'user.ip_address': { required: false },
    'user.user_agent': { required: false },
    'data.amount': { required: false, description: 'The value as the site writes it (129.99): sent in the currency\'s minor unit (12999).' },
    'data.currency': { required: false, description: 'ISO 4217; required with an amount (config.default_currency otherwise).' },
    'data.contents': { required: false, description: 'Items: id, name, content_type, quantity, amount (unit price).' },
    'data.plan_id': { required: false, description: 'A trial\'s or subscription\'s plan.' },
  },
  consent: ['advertising'],
  // Signal's own cookie for the landing URL's oppref, and the OpenAI Pixel's, read as a fallback.
  cookies: [OPPREF_COOKIE, PIXEL_OPPREF_COOKIE],
  // An oppref is reported to be a Fernet token (URL-safe base64), which may end in `=` padding.
  clickIds: [{ param: OPPREF_PARAM, cookie: OPPREF_COOKIE, days: OPPREF_DAYS, padded: true }],
  // OpenAI documents no rate limit for the Conversions API: 10 requests a second (up to 10,000
  // events) is Signal's pace, which an admin can change; a 429 slows the integration down.
  rateLimit: { rps: 10 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toOpenAiEvent(payload, event, ctx),
  send: (batch, ctx) => requestsFor(batch, ctx),
  classify: (response, request, ctx) => classifyOpenAiAds(response, request, String(ctx.config.pixel_id)),
  // OpenAI documents no success body; an empty JSON object stands in for it (any 2xx is taken).
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: {} },
});
