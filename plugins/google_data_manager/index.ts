import { definePlugin, GOOGLE_CLICK_ID_COOKIES, GOOGLE_TAG_GCLID_COOKIES } from '../../core/sdk/index.ts';
import { dataManagerAccessToken } from './access-token.ts';
import { classifyDataManager } from './classify.ts';
import { dataManagerProcessingReport } from './processing-report.ts';
import { validateDataManagerConfig } from './config.ts';
import { toIngestEvent } from './ingest-event.ts';
import { MAX_BYTES, MAX_EVENTS, sendEvents } from './ingest-request.ts';

export { validateDataManagerConfig } from './config.ts';
export { ingestRequest, sendEvents } from './ingest-request.ts';

const consentField = (signal: 'ad_user_data' | 'ad_personalization') => ({
  type: 'string' as const, title: `Default ${signal} (Consent Mode)`,
  description: `Optional. Sent as the request's consent.${signal === 'ad_user_data' ? 'adUserData' : 'adPersonalization'} for events that carry no Google Consent Mode ${signal} of their own (an event's own answer wins): set it only when your consent banner obtained it for every visitor whose events reach this integration.`,
  enum: ['granted', 'denied'], enumLabels: ['Granted', 'Denied'],
});

export default definePlugin({
  id: 'google_data_manager',
  name: 'Google Data Manager (Google Ads conversions)',
  category: 'advertising',
  description: 'Server-to-server conversions to Google Ads through Google\'s Data Manager API (events:ingest), its path for offline click conversions and enhanced conversions for leads since the Google Ads API closed UploadClickConversions to new developers: one conversion action per Signal event, several actions in one request, the gclid (the landing URL\'s, or the _dfgclid cookie Signal keeps, or the Google tag\'s _gcl_aw) or gbraid/wbraid, value and currency, a transaction id for deduplication, hashed email, phone and address, Consent Mode\'s ad_user_data and ad_personalization; per-event outcomes from Google\'s fast-fail refusals; an OAuth client\'s refresh token or a service account\'s key, exchanged and renewed by Signal.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['customer_id', 'conversion_actions'],
    properties: {
      customer_id: {
        type: 'string', title: 'Customer ID',
        description: 'The Google Ads account that owns the conversion actions (the operating account): ten digits, with or without the dashes Google Ads shows (123-456-7890).',
        // No pattern: validateConfig says what is wrong, naming the field.
        minLength: 1, examples: ['123-456-7890'],
      },
      login_customer_id: {
        type: 'string', title: 'Login Customer ID (manager account)',
        description: 'When the credential reaches the account through a manager account: that manager account\'s id (sent as the destination\'s loginAccount). Leave empty when the credential is a user of the account itself.',
        examples: ['987-654-3210'],
      },
      conversion_actions: {
        type: 'object', title: 'Conversion Actions',
        description: 'Which Signal events are Google Ads conversions, and of which conversion action: the track event\'s name (or page, or page:<name> for a named page) → the action\'s ID (digits). Offline conversions need actions of type Import > Clicks; tag conversions sent as an additional data source, Website actions. Events named nowhere are not sent.',
        additionalProperties: { type: 'string' },
        examples: [{ 'Order Completed': '6543210', 'Signed Up': '6543211' }],
      },
      client_id: {
        type: 'string', title: 'OAuth Client ID',
        description: 'With a refresh token: the client id of the OAuth client (Web application or Desktop app) of your Google Cloud project with the Data Manager API enabled. Ends with .apps.googleusercontent.com.',
        examples: ['123456789012-abc123def456.apps.googleusercontent.com'],
      },
      client_secret: {
        type: 'string', title: 'OAuth Client Secret',
        description: 'With a refresh token: the secret of that OAuth client.',
        secret: true,
      },
      refresh_token: {
        type: 'string', title: 'Refresh Token',
        description: 'One of the two credentials: the refresh token Google gave when a user of the Google Ads account authorised the OAuth client with the https://www.googleapis.com/auth/datamanager scope (see the plugin README; a Google Ads API refresh token, of the adwords scope, does not do). Signal exchanges it for access tokens and renews them.',
        secret: true,
      },
      service_account_key: {
        type: 'string', title: 'Service Account Key',
        description: 'The other credential: the JSON key file of a Google Cloud service account, pasted whole, whose email is a user of the Google Ads account (see the plugin README). Signal signs its token requests with it.',
        secret: true, maxLength: 10_000,
      },
      validate_only: {
        type: 'boolean', title: 'Validate Only (test mode)',
        description: 'Sends validateOnly: Google checks the request and answers with its errors, but records nothing. Turn it off for production.',
        default: false,
      },
      enhanced_conversions: {
        type: 'boolean', title: 'Enhanced Conversions for Leads',
        description: 'Sends the hashed email, phone and address (userData) for matching, beside or instead of the click id. Needs the customer data terms accepted in Google Ads. On by default.',
        default: true,
      },
      default_currency: {
        type: 'string', title: 'Default Currency',
        description: 'ISO 4217 code (e.g. USD) for events with a value but no currency. Without it such a conversion is sent without currency (the conversion action\'s own applies).',
        pattern: '^[A-Za-z]{3}$', examples: ['USD'],
      },
      default_country_code: {
        type: 'string', title: 'Default Country Code',
        description: 'Country calling code (digits, e.g. 44) for phone numbers written without one (07700 900123). Without it such numbers are left out: Google matches phones in E.164.',
        pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
      },
      send_device_info: {
        type: 'boolean', title: 'Send Device Info',
        description: 'Sends the visitor\'s user agent and IP address as eventDeviceInfo. Google Ads does not match IP addresses of visitors in the EEA, the UK or Switzerland, and asks you not to send them: leave it off unless your visitors are elsewhere and were told. Off by default.',
        default: false,
      },
      default_ad_user_data: consentField('ad_user_data'),
      default_ad_personalization: consentField('ad_personalization'),
    },
  },
  validateConfig: validateDataManagerConfig,
  variants: {
    default: { description: 'Every page and track event, with the value of an order (revenue, else total, else value) or of any event (value, else revenue), its currency, order id, the gclid (cookie or URL), the person\'s email, phone and address, the device, and Consent Mode\'s ad signals; those named in config.conversion_actions are sent.', blueprint: 'google_data_manager/default.yaml' },
    retail: { description: 'The ecommerce funnel — page views, product views and cart adds (price × quantity), checkouts, payment info and orders (revenue, else total, else the products\' sum) — with currency, order id, the gclid, the person\'s email, phone and address and the ad consent signals; those named in config.conversion_actions are sent.', blueprint: 'google_data_manager/retail.yaml' },
  },
  vendorFields: {
    conversionAction: { required: false, description: 'The conversion action (its id): from config.conversion_actions by the event\'s name, unless mapped.' },
    eventTimestamp: { required: true, description: 'When the conversion happened (epoch ms or ISO 8601; sent as RFC 3339 in UTC), within 90 days and after the click.' },
    transactionId: { required: false, description: 'Deduplicates: one conversion per transaction id and action (else the messageId). For tag conversions sent as an additional data source, the tag\'s transaction id.' },
    gclid: { required: false, description: 'A gclid, or a cookie holding one: Signal\'s _dfgclid, the Google tag\'s _gcl_aw (GCL.<seconds>.<gclid>), server-side GTM\'s FPGCLAW; the page URL\'s gclid wins.' },
    gbraid: { required: false, description: 'The _dfgbraid cookie; the page URL\'s gbraid wins. Sent only without a gclid, and then without user identifiers.' },
    wbraid: { required: false, description: 'The _dfwbraid cookie; the page URL\'s wbraid wins. Sent only without a gclid or gbraid, and then without user identifiers.' },
    conversionValue: { required: false, description: 'The value; without it, the products\' sum of price × quantity.' },
    currency: { required: false, description: 'ISO 4217; else config.default_currency.' },
    products: { required: false, description: 'Products ({ price, quantity }) whose sum is the value when none is mapped.' },
    eventSource: { required: false, description: 'Where the event happened: WEB, APP, IN_STORE, PHONE, MESSAGE or OTHER. Google requires one for offline conversions: without it, WEB for an event with a page URL, else OTHER.' },
    'user.email': { required: false, description: 'userData emailAddress, normalised (Gmail dots and +tags removed) and hashed by the plugin.' },
    'user.phone': { required: false, description: 'userData phoneNumber: E.164 (with config.default_country_code for numbers without one), hashed by the plugin.' },
    'user.first_name': { required: false, description: 'The address identifier\'s givenName (hashed), sent with last_name, country and postal_code.' },
    'user.last_name': { required: false, description: 'The address identifier\'s familyName (hashed).' },
    'user.country': { required: false, description: 'The address identifier\'s regionCode (ISO 3166-1 alpha-2, in clear).' },
    'user.postal_code': { required: false, description: 'The address identifier\'s postalCode (in clear).' },
    'consent.ad_user_data': { required: false, description: 'Google Consent Mode (granted/denied): consent.adUserData. Denied: no email, phone or address is sent.' },
    'consent.ad_personalization': { required: false, description: 'Google Consent Mode (granted/denied): consent.adPersonalization.' },
    'device.user_agent': { required: false, description: 'eventDeviceInfo.userAgent, with config.send_device_info.' },
    'device.ip': { required: false, description: 'eventDeviceInfo.ipAddress, with config.send_device_info.' },
  },
  consent: ['advertising'],
  // Signal's own click id cookies (set by collect from a landing URL), declared exactly as the
  // google_ads plugin declares them (the SDK's shared list): with both plugins on a site,
  // collect sets each cookie once, and both read the same value. The Google tags' gclid cookies
  // are read, never written.
  cookies: [...GOOGLE_CLICK_ID_COOKIES.map((c) => c.cookie), ...GOOGLE_TAG_GCLID_COOKIES],
  clickIds: [...GOOGLE_CLICK_ID_COOKIES],
  // 300 requests a minute and 100,000 a day per Google Cloud project: 4 a second with a burst
  // of 8 stays under 250 in any minute, leaving room for the project's other callers.
  rateLimit: { rps: 4, burst: 8, daily: 100_000 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  accessToken: dataManagerAccessToken,
  map: (payload, event, ctx) => toIngestEvent(payload, event, ctx),
  send: sendEvents,
  classify: (response, request, ctx) => classifyDataManager(response, request, ctx),
  // IngestEventsResponse (developers.google.com/data-manager/api/reference/rest/v1/events/ingest): the requestId only.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: { requestId: '126365e1-16d0-4c81-9de9-f362711e250a' } },
  processingReport: dataManagerProcessingReport,
});
