import { definePlugin } from '../../core/sdk/index.ts';
import { cm360AccessToken } from './access-token.ts';
import { classifyCm360 } from './classify.ts';
import { CLICK_ID_COOKIES, COOKIES_READ } from './click-ids.ts';
import { CONFIG_SCHEMA, validateCm360Config } from './config.ts';
import { toConversion } from './conversion.ts';
import { MAX_BYTES, MAX_EVENTS, sendConversions } from './requests.ts';

export { batchInsertRequest, batchInsertUrl, DFAREPORTING_ORIGIN, sendConversions } from './requests.ts';
export { validateCm360Config } from './config.ts';

export default definePlugin({
  id: 'campaign_manager_360',
  name: 'Google Campaign Manager 360 (offline conversions)',
  category: 'advertising',
  description: 'Offline conversions to Floodlight activities through the Campaign Manager 360 API\'s conversions.batchinsert (up to 1,000 a request): one Floodlight activity per Signal event, attributed by the dclid or gclid of the ad click (the landing URL\'s, or Signal\'s _dfdclid / _dfgclid cookie, or the Google tag\'s _gcl_dc / _gcl_aw) or the userId as match ID, with value, quantity, the messageId as ordinal for deduplication, hashed email, phone and address (enhanced conversions) and Consent Mode\'s ad_user_data; per-conversion outcomes from CM360\'s statuses; an OAuth client\'s refresh token or a service account\'s key, exchanged and renewed by Signal. No deletion API.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateCm360Config,
  variants: {
    default: { description: 'Every page and track event, with the value of an order (revenue, else total, else value) or of any event (value, else revenue), its quantity (the products\' count), currency, the dclid or gclid (cookie or URL), the person\'s email, phone, name and address, and Consent Mode\'s ad signals; those named in config.floodlight_activities are sent to their Floodlight activity.', blueprint: 'campaign_manager_360/default.yaml' },
  },
  vendorFields: {
    floodlightActivityId: { required: false, description: 'The Floodlight activity (its ID): config.floodlight_activities for the event, unless mapped.' },
    timestampMicros: { required: true, description: 'When the conversion happened (epoch ms, epoch microseconds or ISO 8601; sent as Unix epoch microseconds), at most 28 days before the delivery.' },
    dclid: { required: false, description: 'A dclid, or a cookie holding one: Signal\'s _dfdclid, the Google tag\'s _gcl_dc (GCL.<seconds>.<dclid>); the page URL\'s dclid wins.' },
    gclid: { required: false, description: 'A gclid, or a cookie holding one: Signal\'s _dfgclid, the Google tag\'s _gcl_aw, server-side GTM\'s FPGCLAW; the page URL\'s gclid wins. Sent only without a dclid.' },
    value: { required: false, description: 'The value, in the advertiser\'s currency; without it the products\' sum of price × quantity, else 0.' },
    currency: { required: false, description: 'ISO 4217: compared with config.currency (a value in another currency is sent as 0).' },
    quantity: { required: false, description: 'The quantity; without it the products\' count, else 1.' },
    products: { required: false, description: 'Products ({ price, quantity }) whose sum is the value and whose count is the quantity when none is mapped.' },
    ordinal: { required: false, description: 'Deduplicates: CM360 counts conversions of the same activity, identifier, day and ordinal once (else, or for a placeholder such as "undefined", the messageId).' },
    customVariables: { required: false, description: 'Custom Floodlight variables as { U1: value, … } (U1 to U100, at most 100 characters; contact information left out).' },
    'user.email': { required: false, description: 'hashedEmail, normalised as CM360 documents (lower case, Gmail dots removed) and hashed by the plugin.' },
    'user.phone': { required: false, description: 'hashedPhoneNumber: E.164 (with config.default_country_code for numbers without one), hashed by the plugin.' },
    'user.first_name': { required: false, description: 'addressInfo.hashedFirstName (hashed), sent with last_name, country and postal_code.' },
    'user.last_name': { required: false, description: 'addressInfo.hashedLastName (hashed, without punctuation).' },
    'user.street': { required: false, description: 'addressInfo.hashedStreetAddress (hashed).' },
    'user.city': { required: false, description: 'addressInfo.city (in clear).' },
    'user.state': { required: false, description: 'addressInfo.state (in clear).' },
    'user.postal_code': { required: false, description: 'addressInfo.postalCode (in clear).' },
    'user.country': { required: false, description: 'addressInfo.countryCode (ISO 3166-1 alpha-2, in clear).' },
    'consent.ad_user_data': { required: false, description: 'Google Consent Mode (granted/denied): adUserDataConsent; a denial in the event\'s context.consent wins. Denied: no user identifiers are sent.' },
    'consent.ad_personalization': { required: false, description: 'Google Consent Mode: denied sends limitAdTracking (the conversion used for reporting, not targeting or remarketing).' },
  },
  consent: ['advertising'],
  // Signal's own click id cookies (set by collect from a landing URL) — the gclid's declared as
  // every plugin sending Google conversions declares it (the SDK's), so they agree on one site —
  // and the Google tags' cookies, read, never written.
  cookies: [...COOKIES_READ],
  clickIds: [...CLICK_ID_COOKIES],
  // Google's default quotas for the project: 1 query a second (60 queries per minute per user,
  // up to 600 on request) and 50,000 requests a day, shared by every use of the CM360 API.
  rateLimit: { rps: 1, burst: 1, daily: 50_000 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  accessToken: cm360AccessToken,
  map: (payload, event, ctx) => toConversion(payload, event, ctx),
  send: sendConversions,
  classify: (response, request, ctx) => classifyCm360(response, request, ctx),
  // ConversionsBatchInsertResponse (developers.google.com/doubleclick-advertisers/rest/v5/conversions/batchinsert).
  successAnswer: {
    status: 200,
    headers: { 'content-type': 'application/json; charset=UTF-8' },
    body: {
      hasFailures: false,
      status: [{ conversion: { floodlightConfigurationId: '2345678', floodlightActivityId: '12345678', dclid: 'CJKu8LrQxd4CFQ1qwQodmJIElw', timestampMicros: '1796032800000000', value: 74.97, quantity: '3', ordinal: 'm-1', kind: 'dfareporting#conversion' }, kind: 'dfareporting#conversionStatus' }],
      kind: 'dfareporting#conversionsBatchInsertResponse',
    },
  },
});
