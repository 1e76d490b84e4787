import { definePlugin } from '../../core/sdk/index.ts';
import { classifyOutbrain } from './classify.ts';
import { CLICK_ID_COOKIES, cookieValue, OB_CLICK_ID_COOKIE, OB_CLICK_ID_DAYS, OB_CLICK_ID_PARAM, OUTBRAIN_CLICK_ID_COOKIE, OUTBRAIN_CLICK_ID_PARAM } from './click-id.ts';
import { CONFIG_SCHEMA, validateOutbrainConfig } from './config.ts';
import { toOutbrainConversion } from './conversion.ts';
import { MAX_JOB_BYTES, MAX_JOB_EVENTS, requestsFor } from './requests.ts';

export { OUTBRAIN_ORIGIN, UNIFIED_PIXEL_URL } from './requests.ts';

export default definePlugin({
  id: 'outbrain',
  name: 'Outbrain',
  category: 'advertising',
  description: 'Server-to-server conversions to Outbrain (Amplify): Segment\'s ecommerce events (and any event the config names) reported under Outbrain conversion names with order value, currency and order id, by the click id of the Outbrain ad click (the landing URL\'s OutbrainClickId or ob_click_id, kept in a first-party cookie); one GET tr.outbrain.com/unifiedPixel a conversion. Events without a click id are not sent.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateOutbrainConfig,
  variants: {
    default: { description: 'Segment\'s ecommerce events as Outbrain conversion names (Purchase, Add to cart, Checkout, Registration, Lead, Email sign up, Add to wish list, Search), overridable in config.event_names; other track events and page calls only when config.event_names names them.', blueprint: 'outbrain/default.yaml' },
  },
  vendorFields: {
    name: { required: true, description: 'The Outbrain conversion name: config.event_names for the event, else the blueprint\'s (the Name of an Event-Based Conversion set up in Outbrain; matched exactly).' },
    ob_click_id: { required: true, description: 'The Outbrain click id: the landing URL\'s OutbrainClickId or ob_click_id, else the _dfobclickid or _dfobclid cookie Signal keeps, else this mapped value. Without one the event is not sent.' },
    orderValue: { required: false, description: 'The conversion\'s value, 0 or more.' },
    currency: { required: false, description: 'ISO 4217 code of the order value; without one Outbrain uses the conversion\'s currency.' },
    orderId: { required: false, description: 'The order id (the booking or order reference): the key an order reported twice would be counted once by (Outbrain does not document that it is).' },
  },
  consent: ['advertising'],
  cookies: [...CLICK_ID_COOKIES],
  // Signal keeps a landing URL's OutbrainClickId (the name Outbrain's S2S guide gives the
  // parameter, any letter case) in its own _dfobclickid, and an ob_click_id in _dfobclid, for 30
  // days: two cookies, since one cookie is declared by one parameter. A value that is no click
  // id (a placeholder, an unexpanded macro) is not kept (cookieValue gives '').
  clickIds: [
    { param: OUTBRAIN_CLICK_ID_PARAM, anyCase: true, cookie: OUTBRAIN_CLICK_ID_COOKIE, days: OB_CLICK_ID_DAYS, value: cookieValue },
    { param: OB_CLICK_ID_PARAM, cookie: OB_CLICK_ID_COOKIE, days: OB_CLICK_ID_DAYS, value: cookieValue },
  ],
  // Outbrain documents no rate limit for its S2S endpoint (a pixel endpoint, built for every page
  // view of its advertisers' sites): 20 requests a second (burst 40), and a 429 slows it down.
  rateLimit: { rps: 20 },
  batch: { maxEvents: MAX_JOB_EVENTS, maxBytes: MAX_JOB_BYTES },
  map: (payload, event, ctx) => toOutbrainConversion(payload, event, ctx),
  send: (batch) => requestsFor(batch),
  classify: (response, request) => classifyOutbrain(response, request),
  // Outbrain documents no answer; its pixel endpoint answers 200.
  successAnswer: { status: 200, body: '' },
});
