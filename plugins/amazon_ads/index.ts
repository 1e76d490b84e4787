import { definePlugin } from '../../core/sdk/index.ts';
import { amazonAccessToken } from './access-token.ts';
import { toAmazonEvent } from './amazon-event.ts';
import { classifyAmazonAds } from './classify.ts';
import { CONFIG_SCHEMA, validateAmazonAdsConfig } from './config.ts';
import { MAX_BYTES, MAX_EVENTS, requestsFor } from './requests.ts';

export { TOKEN_URL } from './access-token.ts';
export { EVENTS_PATH, eventsUrlOf } from './requests.ts';
export { REGION_HOSTS } from './config.ts';

/**
 * Amazon Ads Events API (the Amazon Conversions API): server-to-server conversions for Amazon
 * DSP and sponsored ads, up to 500 events a `POST {region host}/adsApi/v1/create/events`, with a
 * Login with Amazon access token obtained from the config's refresh token.
 *
 * @example
 * import amazonAds from './plugins/amazon_ads/index.ts';
 * amazonAds.id; // 'amazon_ads'
 */
export default definePlugin({
  id: 'amazon_ads',
  name: 'Amazon Ads Conversions API',
  category: 'advertising',
  description: 'Server-to-server conversions to Amazon Ads (Amazon DSP, sponsored ads) through the Amazon Ads Events API: page views and Segment\'s ecommerce and lifecycle events as Amazon conversion types, any event as one through the config; match keys (email, phone, names, address) normalised and SHA-256 hashed by the plugin, the device\'s ad id; purchase value, currency and units sold; Amazon consent, TCF and GPP strings; deduplication with the Amazon Ad Tag by event id; Login with Amazon OAuth with a refresh token.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateAmazonAdsConfig,
  variants: {
    default: { description: 'Page calls as PAGE_VIEW; Products Searched as SEARCH, Product Added as ADD_TO_SHOPPING_CART, Checkout Started as CHECKOUT, Order Completed as OFF_AMAZON_PURCHASES (value, currency, units sold), Signed Up as SIGN_UP, Lead Generated as LEAD, Subscription Started as SUBSCRIBE, Application Submitted as APPLICATION, Callback Started as CONTACT, Application Installed as MOBILE_APP_FIRST_START; other track events only when config.conversion_types names them.', blueprint: 'amazon_ads/default.yaml' },
  },
  vendorFields: {
    'eventDescription.name': { required: true, description: 'The conversion\'s name (Amazon creates a conversion definition per name and type): the track event\'s name, "Page View" for page calls.' },
    'eventDescription.conversionType': { required: true, description: 'ADD_TO_SHOPPING_CART, APPLICATION, CHECKOUT, CONTACT, LEAD, OFF_AMAZON_PURCHASES, MOBILE_APP_FIRST_START, PAGE_VIEW, SEARCH, SIGN_UP, SUBSCRIBE or OTHER; config.conversion_types overrides it.' },
    'eventDescription.eventSource': { required: false, description: 'WEBSITE, ANDROID, IOS, FIRE_TV, OFFLINE or MEASUREMENT_ATTRIBUTION_PARTNER; config.event_source, else an app\'s OS, else WEBSITE.' },
    eventTime: { required: true, description: 'The event time, ISO 8601 in UTC.' },
    eventId: { required: false, description: 'Deduplicates with the Amazon Ad Tag: the messageId unless mapped.' },
    countryCode: { required: true, description: 'ISO 3166-1 alpha-2: the mapped country, else context.locale\'s region, else config.country_code.' },
    matchKeys: { required: true, description: 'email, phone, first_name, last_name, address, city, state, postal (hashed by the plugin), maid, ramp_id, match_id (in clear).' },
    'matchKeys.email': { required: false },
    'matchKeys.phone': { required: false },
    'matchKeys.maid': { required: false },
    consent: { required: false, description: 'amazonConsent (amznUserData, amznAdStorage), tcf, gpp, geo.ipAddress: one is required of EU advertisers\' events.' },
    value: { required: false, description: 'A purchase\'s value (two decimals), else a score on your own scale.' },
    currencyCode: { required: false, description: 'ISO 4217, of a purchase\'s value (config.default_currency else).' },
    unitsSold: { required: false, description: 'A purchase\'s units: properties.quantity, else its products\' quantities.' },
    'deviceInfo.userAgent': { required: false },
  },
  consent: ['advertising'],
  // Amazon publishes no fixed rate for the Events API: the Amazon Ads API throttles dynamically
  // with 429 and Retry-After. 10 requests a second (Signal's choice) of up to 500 events each
  // leaves room; a 429 slows the integration further.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  accessToken: amazonAccessToken,
  map: (payload, event, ctx) => toAmazonEvent(payload, event, ctx),
  send: (batch, ctx) => requestsFor(batch, ctx),
  classify: (response, request) => classifyAmazonAds(response, request),
  // The Events API's answer to an accepted request of two events: 207 with the index of each event taken.
  successAnswer: { status: 207, headers: { 'content-type': 'application/json' }, body: { success: [{ index: 0 }, { index: 1 }], error: [] } },
});
