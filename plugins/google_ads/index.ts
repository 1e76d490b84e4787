import { definePlugin, GOOGLE_CLICK_ID_COOKIES, GOOGLE_TAG_GCLID_COOKIES, PermanentError, splitBatch, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { googleAdsAccessToken } from './access-token.ts';
import { classifyGoogleAds } from './classify.ts';
import { toClickConversion } from './click-conversion.ts';
import { apiVersionOf, customerIdOf, DEFAULT_API_VERSION, googleAdsConfigWarnings, validateGoogleAdsConfig, VERSION_PATTERN } from './config.ts';

export { validateGoogleAdsConfig } from './config.ts';

/** The Google Ads API's REST origin. */
export const GOOGLE_ADS_API = 'https://googleads.googleapis.com';
/** Google: "Upload fewer than 2001 events in a single request" (TOO_MANY_CONVERSIONS_IN_REQUEST). */
const MAX_EVENTS = 2000;
/**
 * Google documents no byte limit for this method's requests; 2 MB holds a full batch of ordinary
 * conversions (about 400 bytes each), and a 413 splits the batch anyway.
 */
const MAX_BYTES = 2_000_000;

/**
 * The upload URL of a config: its API version and customer id.
 *
 * @example
 * uploadUrl({ customer_id: '123-456-7890' }); // 'https://googleads.googleapis.com/v26/customers/1234567890:uploadClickConversions'
 */
export function uploadUrl(config: Record<string, JsonValue>): string {
  const customerId = customerIdOf(config.customer_id);
  if (customerId === undefined) throw new PermanentError(`config.customer_id ${JSON.stringify(config.customer_id)} is not a Google Ads customer id (ten digits): fix it in a new revision`);
  return `${GOOGLE_ADS_API}/${apiVersionOf(config)}/customers/${customerId}:uploadClickConversions`;
}

/** The request headers: the access token, the developer token when configured, the manager account when configured. */
function headersOf(ctx: PluginContext): Record<string, string> {
  if (typeof ctx.accessToken !== 'string' || ctx.accessToken === '') {
    throw new PermanentError('no access token was obtained for config.refresh_token (this Signal core does not exchange refresh tokens): upgrade Signal');
  }
  const headers: Record<string, string> = { authorization: `Bearer ${ctx.accessToken}`, 'content-type': 'application/json' };
  const developerToken = typeof ctx.config.developer_token === 'string' ? ctx.config.developer_token.trim() : '';
  if (developerToken !== '') headers['developer-token'] = developerToken;
  const login = customerIdOf(ctx.config.login_customer_id);
  if (login !== undefined) headers['login-customer-id'] = login;
  return headers;
}

/**
 * The UploadClickConversions request of up to 2,000 conversions: partial failure always on (Google
 * requires it), `validateOnly` with `config.validate_only`.
 *
 * @example
 * uploadRequest([{ id: 'm-1', event, payload }], ctx);
 * // { method: 'POST', url: 'https://googleads.googleapis.com/v26/customers/1234567890:uploadClickConversions',
 * //   headers: { authorization: 'Bearer …', 'content-type': 'application/json', … }, body: { conversions: [payload], partialFailure: true }, eventIds: ['m-1'] }
 */
export function uploadRequest(part: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST',
    url: uploadUrl(ctx.config),
    headers: headersOf(ctx),
    body: { conversions: part.map((e) => e.payload), partialFailure: true, ...(ctx.config.validate_only === true ? { validateOnly: true } : {}) },
    eventIds: part.map((e) => e.id),
  };
}

/** What makes two conversions one for Google, in one request: the action and order id; the action, click and time. */
function sameConversionKeys(payload: MappedEvent['payload']): string[] {
  const text = (value: JsonValue | undefined) => (typeof value === 'string' ? value : '');
  const action = text(payload.conversionAction);
  const keys = text(payload.orderId) === '' ? [] : [`order\n${action}\n${text(payload.orderId)}`];
  for (const field of ['gclid', 'gbraid', 'wbraid'] as const) {
    if (text(payload[field]) !== '') keys.push(`click\n${action}\n${field}\n${text(payload[field])}\n${text(payload.conversionDateTime)}`);
  }
  return keys;
}

/**
 * The batch in rounds, none holding two conversions Google would refuse together — the same
 * action and order id (`DUPLICATE_ORDER_ID`: "were not processed"), or the same action, click
 * and time (`DUPLICATE_CLICK_CONVERSION_IN_REQUEST`) — in the batch's order. A later round's
 * conversion meets the first as recorded already (`ORDER_ID_ALREADY_IN_USE`,
 * `CLICK_CONVERSION_ALREADY_EXISTS`: delivered), so Google counts the order once.
 *
 * @example
 * conversionRounds([order1, order1Again, order2]); // [[order1, order2], [order1Again]]
 */
export function conversionRounds(batch: MappedEvent[]): MappedEvent[][] {
  const rounds: Array<{ events: MappedEvent[]; keys: Set<string> }> = [];
  for (const event of batch) {
    const keys = sameConversionKeys(event.payload);
    let round = rounds.find((r) => keys.every((key) => !r.keys.has(key)));
    if (round === undefined) {
      round = { events: [], keys: new Set() };
      rounds.push(round);
    }
    round.events.push(event);
    for (const key of keys) round.keys.add(key);
  }
  return rounds.map((r) => r.events);
}

/**
 * The requests of a batch: up to 2,000 conversions and 2 MB each (Google checks each conversion
 * alone, so one refused conversion never holds back the others), two conversions of one order
 * never in one request (see conversionRounds).
 *
 * @example
 * sendConversions(batch, ctx); // one request per 2,000 conversions
 */
export function sendConversions(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const envelope = JSON.stringify({ conversions: [], partialFailure: true, validateOnly: true }).length;
  return conversionRounds(batch).flatMap((round) => splitBatch(round, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES - 1, overheadBytes: envelope }).map((part) => uploadRequest(part, ctx)));
}

export default definePlugin({
  id: 'google_ads',
  name: 'Google Ads Conversions (click conversion uploads)',
  category: 'advertising',
  description: 'Server-to-server conversions to Google Ads through the Google Ads API\'s UploadClickConversions: one conversion action (type Import > Clicks) per Signal event, the gclid (landing URL, Signal\'s _dfgclid cookie, or the Google tag\'s _gcl_aw) or gbraid/wbraid, value and currency, the order id for deduplication, hashed email and phone for enhanced conversions for leads, Consent Mode\'s ad_user_data and ad_personalization; per-conversion outcomes from partial failures; OAuth 2.0 refresh tokens renewed by Signal.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['customer_id', 'client_id', 'client_secret', 'refresh_token', 'conversion_actions'],
    properties: {
      customer_id: {
        type: 'string', title: 'Customer ID',
        description: 'The Google Ads account that owns the conversion actions (with cross-account conversion tracking, the manager account that manages conversions): ten digits, with or without the dashes Google Ads shows (123-456-7890).',
        // No pattern: validateConfig says what is wrong, naming the field.
        minLength: 1, examples: ['123-456-7890'],
      },
      login_customer_id: {
        type: 'string', title: 'Login Customer ID (manager account)',
        description: 'When the authorised Google account reaches the account through a manager account: that manager account\'s id (sent as login-customer-id). Leave empty when it is a user of the account itself.',
        examples: ['987-654-3210'],
      },
      client_id: {
        type: 'string', title: 'OAuth Client ID',
        description: 'The client id of the OAuth client (type Web application or Desktop app) of your Google Cloud project with the Google Ads API enabled (APIs & Services > Credentials). Ends with .apps.googleusercontent.com.',
        minLength: 1, examples: ['123456789012-abc123def456.apps.googleusercontent.com'],
      },
      client_secret: {
        type: 'string', title: 'OAuth Client Secret',
        description: 'The secret of that OAuth client.',
        secret: true, minLength: 1,
      },
      refresh_token: {
        type: 'string', title: 'Refresh Token',
        description: 'The refresh token Google gave when a user of the Google Ads account authorised the OAuth client with the https://www.googleapis.com/auth/adwords scope (see the plugin README). Signal exchanges it for access tokens and renews them.',
        secret: true, minLength: 1,
      },
      developer_token: {
        type: 'string', title: 'Developer Token (legacy)',
        description: 'Optional. Google sunset developer tokens on September 9, 2026: API access now follows the Google Cloud project of the OAuth client, and Google ignores the header. Sent as developer-token when given.',
        secret: true,
      },
      conversion_actions: {
        type: 'object', title: 'Conversion Actions',
        description: 'Which Signal events are Google Ads conversions, and of which conversion action: the track event\'s name (or page, or page:<name> for a named page) → the action\'s id (digits) or resource name (customers/<id>/conversionActions/<id>). The actions must be of type Import > Clicks. Events named nowhere are not sent.',
        additionalProperties: { type: 'string' },
        examples: [{ 'Order Completed': '6543210', 'Signed Up': '6543211' }],
      },
      api_version: {
        type: 'string', title: 'Google Ads API Version',
        description: `The API version called (vNN). Google serves each major version about a year, then answers 400 UNSUPPORTED_VERSION and later 404: the default, ${DEFAULT_API_VERSION} (October 2026), can be expected to go in about November 2027 — move to a newer one before.`,
        pattern: VERSION_PATTERN, default: DEFAULT_API_VERSION,
      },
      validate_only: {
        type: 'boolean', title: 'Validate Only (test mode)',
        description: 'Sends validateOnly: Google checks the conversions and answers with its errors, but records nothing. Turn it off for production.',
        default: false,
      },
      enhanced_conversions: {
        type: 'boolean', title: 'Enhanced Conversions for Leads',
        description: 'Sends the hashed email and phone number (userIdentifiers) for matching, beside or instead of the click id. Needs the customer data terms accepted in Google Ads. On by default.',
        default: true,
      },
      default_currency: {
        type: 'string', title: 'Default Currency',
        description: 'ISO 4217 code (e.g. USD) for events with a value but no currency. Without it such a conversion is sent without currencyCode.',
        pattern: '^[A-Za-z]{3}$', examples: ['USD'],
      },
      default_country_code: {
        type: 'string', title: 'Default Country Code',
        description: 'Country calling code (digits, e.g. 44) for phone numbers written without one (07700 900123). Without it such numbers are left out: Google matches phones in E.164.',
        pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
      },
    },
  },
  validateConfig: validateGoogleAdsConfig,
  configWarnings: googleAdsConfigWarnings,
  variants: {
    default: { description: 'Every page and track event, with the value of an order (revenue, else total, else value) or of any event (value, else revenue), its currency, order id, the gclid (cookie or URL), the person\'s email and phone, and Consent Mode\'s ad signals; those named in config.conversion_actions are sent.', blueprint: 'google_ads/default.yaml' },
    retail: { description: 'The ecommerce funnel — page views, product views and cart adds (price × quantity), checkouts, payment info and orders (revenue, else total, else the products\' sum) — with currency, order id, the gclid, the person\'s email and phone and the ad consent signals; those named in config.conversion_actions are sent.', blueprint: 'google_ads/retail.yaml' },
  },
  vendorFields: {
    conversionAction: { required: false, description: 'The conversion action: from config.conversion_actions by the event\'s name, unless mapped (its id, or customers/<id>/conversionActions/<id>).' },
    conversionDateTime: { required: true, description: 'When the conversion happened (epoch ms or ISO 8601; sent as yyyy-mm-dd hh:mm:ss+00:00), within 90 days and after the click.' },
    gclid: { required: false, description: 'A gclid, or a cookie holding one: Signal\'s _dfgclid, the Google tag\'s _gcl_aw (GCL.<seconds>.<gclid>) or server-side Google Tag Manager\'s FPGCLAW; the page URL\'s gclid wins.' },
    gbraid: { required: false, description: 'The _dfgbraid cookie; the page URL\'s gbraid wins. Sent only without a gclid, and then without user identifiers.' },
    wbraid: { required: false, description: 'The _dfwbraid cookie; the page URL\'s wbraid wins. Sent only without a gclid or gbraid, and then without user identifiers.' },
    conversionValue: { required: false, description: 'The value; without it, the products\' sum of price × quantity.' },
    currencyCode: { required: false, description: 'ISO 4217; else config.default_currency.' },
    orderId: { required: false, description: 'Deduplicates: one conversion per order id and action (else the messageId).' },
    products: { required: false, description: 'Products ({ price, quantity }) whose sum is the value when none is mapped.' },
    'user.email': { required: false, description: 'hashedEmail, normalised and hashed by the plugin (Gmail dots removed).' },
    'user.phone': { required: false, description: 'hashedPhoneNumber: E.164 (with config.default_country_code for numbers without one), hashed by the plugin.' },
    'consent.ad_user_data': { required: false, description: 'Google Consent Mode (granted/denied): consent.adUserData; a denial in the event\'s context.consent wins. Denied: no email or phone is sent.' },
    'consent.ad_personalization': { required: false, description: 'Google Consent Mode (granted/denied): consent.adPersonalization; a denial in the event\'s context.consent wins.' },
  },
  consent: ['advertising'],
  // Signal's own click id cookies (set by collect from a landing URL), and the gclid cookies of
  // Google's tags, read only: Signal never writes a cookie Google's tags own.
  // Declared as every plugin sending Google conversions declares them (the SDK's), so two on one site agree.
  cookies: [...GOOGLE_CLICK_ID_COOKIES.map((c) => c.cookie), ...GOOGLE_TAG_GCLID_COOKIES],
  clickIds: [...GOOGLE_CLICK_ID_COOKIES],
  // Google publishes no fixed rate (token buckets per account and per Cloud project, answered
  // with 429 RESOURCE_EXHAUSTED and a retryDelay) and daily operations by access level (2,880
  // for Explorer, 15,000 for Basic); at up to 2,000 conversions a request, 5 a second is ample.
  rateLimit: { rps: 5, burst: 10 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  accessToken: googleAdsAccessToken,
  map: (payload, event, ctx) => toClickConversion(payload, event, ctx),
  send: sendConversions,
  classify: (response, request, ctx) => classifyGoogleAds(response, request, ctx),
  // UploadClickConversionsResponse (developers.google.com/google-ads/api/reference/rpc/latest/UploadClickConversionsResponse): results per conversion, partialFailureError absent when every one succeeded.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: { results: [{ gclid: 'Cj0KCQjw-example', conversionAction: 'customers/1234567890/conversionActions/987654', conversionDateTime: '2024-05-02 12:00:00+00:00' }, { gclid: 'Cj0KCQjw-example2', conversionAction: 'customers/1234567890/conversionActions/987654', conversionDateTime: '2024-05-02 12:00:00+00:00' }], jobId: '1234567890123' } },
});
