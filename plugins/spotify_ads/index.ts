import { definePlugin } from '../../core/sdk/index.ts';
import { classifySpotifyAds } from './classify.ts';
import { CONFIG_SCHEMA, validateSpotifyAdsConfig } from './config.ts';
import { MAX_BYTES, MAX_EVENTS, requestsFor } from './requests.ts';
import { toSpotifyEvent } from './spotify-event.ts';

export { classifySpotifyAds, said } from './classify.ts';
export { ACTION_SOURCES, CONFIG_SCHEMA, EVENT_NAMES, spotifyEventName, validateSpotifyAdsConfig, type EventName } from './config.ts';
export { eventDetails, MAX_CONTENT_NAME_CHARS } from './event-details.ts';
export { envelope, EVENTS_URL, MAX_BYTES, MAX_EVENTS, requestsFor } from './requests.ts';
export { eventTimeText, MAX_EVENT_ID_CHARS, pageUrl, toSpotifyEvent } from './spotify-event.ts';
export { MAX_DEVICE_ID_CHARS, spotifyUserData } from './user-data.ts';

/** The Spotify Pixel's device id cookies, read (never written) as the device id of web events: `__spdt`, and Podsights' older `__pdst`. */
export const PIXEL_DEVICE_ID_COOKIES = ['__spdt', '__pdst'] as const;

/**
 * Spotify Ads through its Conversions API (CAPI), POST https://capi.spotify.com/capi-direct/events/:
 * page calls and Segment's ecommerce, lead and sign-up events as Spotify's events (VIEW, PRODUCT,
 * ADD_TO_CART, CHECK_OUT, PURCHASE, LEAD, SIGN_UP), identify calls with an email or phone as
 * ALIAS, any other event the config names (CUSTOM_EVENT_1 … 5); the messageId as event_id for
 * deduplication with the Spotify Pixel, email and phone SHA-256 hashed, the IP address and the
 * device id (an app's advertising id, else the Pixel's cookie) in clear, value and currency as
 * event_details. Batches of up to 100 events, halved when Spotify refuses one for an event in
 * it. No person deletions: Spotify documents no deletion API for CAPI. See README.md.
 *
 * @example
 * // config: { connection_id: '2fd920ed-a111-43d4-bee2-74d078c479a5', access_token: 'eyJ…' }
 * spotifyAds.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://capi.spotify.com/capi-direct/events/',
 * //    headers: { authorization: 'Bearer eyJ…', 'content-type': 'application/json' },
 * //    body: { conversion_events: { capi_connection_id: '2fd920ed-a111-43d4-bee2-74d078c479a5', events: [{ event_name: 'PURCHASE', event_id: 'm-1',
 * //            event_time: '2026-12-01T11:00:00.000Z', action_source: 'WEB', opt_out_targeting: false, user_data: { ip_address: '203.0.113.42' },
 * //            event_details: { amount: 74.97, currency: 'USD' } }] } },
 * //    eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'spotify_ads',
  name: 'Spotify Ads Conversions API',
  category: 'advertising',
  description: 'Server-to-server conversion events for Spotify Ads through Spotify\'s Conversions API (CAPI): page calls, product views, cart additions, checkouts, purchases, leads and sign-ups as Spotify\'s events, identify calls as ALIAS, other events as the custom events the config names; the email and phone SHA-256 hashed, the IP address and device id, value and currency, and deduplication with the Spotify Pixel by event id. Batches of up to 100 events, halved when Spotify refuses one. No deletion API.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateSpotifyAdsConfig,
  variants: {
    default: { description: 'Page calls as VIEW; Product Viewed, Product Added, Checkout Started and Order Completed as PRODUCT, ADD_TO_CART, CHECK_OUT and PURCHASE with their value and currency; Lead Generated and Signed Up as LEAD and SIGN_UP; identify calls with an email or phone as ALIAS; other track events only as config.event_names names them (CUSTOM_EVENT_1 … 5).', blueprint: 'spotify_ads/default.yaml' },
  },
  vendorFields: {
    event_name: { required: true, description: 'VIEW, PRODUCT, ADD_TO_CART, CHECK_OUT, PURCHASE, LEAD, SIGN_UP, ALIAS or CUSTOM_EVENT_1 … 5 (config.event_names first).' },
    event_id: { required: true, description: 'Deduplicates with the Spotify Pixel: the messageId; send it as the Pixel\'s event_id for the same action.' },
    event_time: { required: true, description: 'RFC 3339 in UTC; in the past (a time ahead is sent as now).' },
    event_source_url: { required: false, description: 'The page\'s http(s) URL, its origin and path only.' },
    action_source: { required: false, description: 'WEB, APP or OFFLINE: config.action_source, auto by default (APP for an app\'s events).' },
    opt_out_targeting: { required: false, description: 'true: attribution only, no retargeting. Every event with config.opt_out_targeting, else a visitor who refused advertising or sent Global Privacy Control (SIGNAL_GPC=restrict), or a device limiting ad tracking.' },
    'user_data.hashed_emails': { required: false, description: 'The email, trimmed, lower-cased and SHA-256 hashed by the plugin (a list).' },
    'user_data.hashed_phone_number': { required: false, description: 'The phone number in E.164, SHA-256 hashed by the plugin.' },
    'user_data.ip_address': { required: false, description: 'The visitor\'s IP address (recommended by Spotify).' },
    'user_data.device_id': { required: false, description: 'The raw device id (recommended by Spotify): an app\'s advertising id, else the Spotify Pixel\'s __spdt cookie.' },
    'event_details.amount': { required: false, description: 'The value (required by Spotify for PURCHASE): revenue, total or value, else the products\' price × quantity.' },
    'event_details.currency': { required: false, description: 'ISO 4217 (required by Spotify for PURCHASE); config.default_currency otherwise.' },
    'event_details.content_name': { required: false, description: 'The product\'s or page\'s name.' },
    'event_details.content_category': { required: false, description: 'A Google Product Taxonomy id (e.g. 187); other text is left out, since Spotify refuses it.' },
  },
  consent: ['advertising'],
  // The Spotify Pixel's own device id cookies, read as web events' device id; never written.
  cookies: [...PIXEL_DEVICE_ID_COOKIES],
  // Spotify documents no rate limit for the Conversions API: 10 requests a second (up to 1,000
  // events) is Signal's pace, which an admin can change; a 429 slows the integration down.
  rateLimit: { rps: 10 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toSpotifyEvent(payload, event, ctx),
  send: (batch, ctx) => requestsFor(batch, ctx),
  classify: (response, request, ctx) => classifySpotifyAds(response, request, String(ctx.config.connection_id ?? '').trim()),
  // Spotify's documented answer to an accepted request.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { message: 'SUCCESS' } },
});
