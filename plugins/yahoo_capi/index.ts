import { definePlugin } from '../../core/sdk/index.ts';
import { yahooAccessToken } from './access-token.ts';
import { VMCID_COOKIE, VMCID_DAYS, VMCID_PARAM } from './click-id.ts';
import { classifyYahooCapi } from './classify.ts';
import { CONFIG_SCHEMA, validateYahooCapiConfig } from './config.ts';
import { MAX_BYTES, MAX_EVENTS, requestsFor } from './requests.ts';
import { toYahooEvent } from './yahoo-event.ts';

export { ASSERTION_AUDIENCE, clientAssertion, readYahooTokenAnswer, TOKEN_URL, yahooTokenRequest } from './access-token.ts';
export { clickIdOf, VMCID_COOKIE, VMCID_DAYS, VMCID_PARAM } from './click-id.ts';
export { classifyYahooCapi, said } from './classify.ts';
export { ACTION_SOURCES, CONFIG_SCHEMA, ENDPOINT_HOSTS, endpointOf, validateYahooCapiConfig } from './config.ts';
export { yahooEventData } from './event-data.ts';
export { yahooPrivacy } from './privacy.ts';
export { eventsUrlOf, MAX_BYTES, MAX_EVENTS, requestsFor } from './requests.ts';
export { yahooUserData } from './user-data.ts';
export { pageUrl, toYahooEvent } from './yahoo-event.ts';

/**
 * Yahoo DSP's Standard Conversion API (CAPI): conversions posted to the integration's CAPI pixel,
 * `POST https://batch.datax.yahoo.com/v1/events/<pixelId>` (processed once a day; the streaming
 * host, several times a day, by config), with an access token from Yahoo's identity server
 * (client-credentials grant with an HS256 client assertion signed with the DSP API secret). Page
 * calls and Segment's ecommerce, lead and sign-up events as Yahoo event names (any other event
 * the config names); the messageId as eventId for deduplication; email and phone normalised and
 * SHA-256 hashed, device ids, IP address and user agent; the Yahoo click id (vmcid) kept in a
 * first-party cookie; value, products' categories, order id and currency; GPP, TCF and GPC as
 * Yahoo's privacy signal. No person deletions: Yahoo documents no deletion API for CAPI.
 *
 * @example
 * // config: { client_id: '197031e8-…', client_secret: '…', pixel_id: '10012345' }
 * yahooCapi.send(mapped, { ...ctx, accessToken: 'eyJ…' });
 * // [{ method: 'POST', url: 'https://batch.datax.yahoo.com/v1/events/10012345',
 * //    headers: { authorization: 'Bearer eyJ…', 'content-type': 'application/json', accept: 'application/json' },
 * //    body: [{ eventName: 'purchase', eventId: 'm-1', eventTs: 1796036400000, actionSource: 'web',
 * //             userData: { email: ['<sha256>'], ip_address: '203.0.113.42' }, eventData: { price: 74.97, customKeyValues: { currency: 'USD' } } }],
 * //    eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'yahoo_capi',
  name: 'Yahoo DSP Conversion API',
  category: 'advertising',
  description: 'Server-to-server conversions for Yahoo DSP through Yahoo\'s Standard Conversion API (CAPI), to a CAPI pixel on the batch or streaming endpoint: page calls, product views, cart additions, checkouts, purchases, leads and sign-ups as Yahoo event names, others as the config names them; email and phone normalised and SHA-256 hashed, device ids (GPSAID, IDFA), IP address and user agent; the vmcid click id; value, products\' categories, order id and currency; GPP, TCF and GPC as Yahoo\'s privacy signal; deduplication by event id; OAuth 2.0 with the DSP API client id and secret. No deletion API.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateYahooCapiConfig,
  variants: {
    default: { description: 'Page calls as page_view; Product Viewed, Product Added, Checkout Started and Order Completed as view_content, add_to_cart, initiate_checkout and purchase with their value, products\' categories, order id and currency; Lead Generated and Signed Up as lead and sign_up; other track events only as config.event_names names them.', blueprint: 'yahoo_capi/default.yaml' },
  },
  vendorFields: {
    eventName: { required: true, description: 'The name your Yahoo DSP conversion rules match (config.event_names first, else the blueprint\'s).' },
    eventId: { required: false, description: 'Deduplicates the event: the messageId unless mapped.' },
    eventTs: { required: true, description: 'The event time in epoch milliseconds (a time ahead is sent as now).' },
    actionSource: { required: true, description: 'web, app, phone, email or physical_store: config.action_source, auto by default (app for an app\'s events).' },
    actionSourceUrl: { required: false, description: 'The page\'s http(s) URL, its origin and path only.' },
    country: { required: false, description: 'ISO 3166-1 alpha-2 country of the event.' },
    'userData.email': { required: false, description: 'Emails, trimmed, lower-cased and SHA-256 hashed by the plugin (a list).' },
    'userData.phone': { required: false, description: 'Phone numbers in E.164, SHA-256 hashed by the plugin (a list).' },
    'userData.gpsaid': { required: false, description: 'Google Play advertising ids (Android), as they came.' },
    'userData.idfa': { required: false, description: 'Apple advertising ids (iOS), as they came.' },
    'userData.pxid': { required: false, description: 'Your partner id of the person, when Yahoo matched it (not mapped by default).' },
    'userData.ip_address': { required: false, description: 'The visitor\'s IP address.' },
    'userData.userAgent': { required: false, description: 'The visitor\'s user agent.' },
    'eventData.price': { required: false, description: 'The conversion\'s value: revenue, total or value, else the products\' price × quantity.' },
    'eventData.products': { required: false, description: 'The products\' category and subCategory.' },
    'eventData.customKeyValues': { required: false, description: 'order_id and the value\'s currency (ISO 4217).' },
    'clickData.vmcid': { required: false, description: 'The Yahoo click id (the ${CC} macro a click tracker puts in the landing URL as vmcid), kept by Signal in a first-party cookie.' },
    privacy: { required: false, description: 'privacy_type OPTOUT (Global Privacy Control under SIGNAL_GPC=restrict), else GPP with consent_string and gpp_sid, else GDPR with the TCF string.' },
  },
  consent: ['advertising'],
  // The landing URL's vmcid, kept in Signal's own cookie and read back from later requests.
  clickIds: [{ param: VMCID_PARAM, cookie: VMCID_COOKIE, days: VMCID_DAYS }],
  cookies: [VMCID_COOKIE],
  // Yahoo's CAPI takes up to 200 requests and 10 MB a second; 20 requests a second (up to 2,000
  // events) is Signal's pace, which an admin can change; a 429 slows the integration down.
  rateLimit: { rps: 20 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  accessToken: yahooAccessToken,
  map: (payload, event, ctx) => toYahooEvent(payload, event, ctx),
  send: (batch, ctx) => requestsFor(batch, ctx),
  classify: (response, request, ctx) => classifyYahooCapi(response, request, String(ctx.config.pixel_id ?? '').trim()),
  // Yahoo's answer to an accepted request.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { success: 'COMPLETE', message: 'OK' } },
});
