import { configText, definePlugin, PermanentError, splitBatch, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { linkedInTokenRequest, readLinkedInTokenAnswer } from './access-token.ts';
import { classifyLinkedIn } from './classify.ts';
import { DEFAULT_VERSION, usesRefreshToken, linkedInConfigWarnings, validateLinkedInConfig, VERSION_PATTERN, versionOf } from './config.ts';
import { toLinkedInEvent } from './conversion-event.ts';

export { validateLinkedInConfig } from './config.ts';

/** The Conversions API's endpoint (Marketing API, versioned: the `LinkedIn-Version` header picks the version). */
export const CONVERSION_EVENTS_URL = 'https://api.linkedin.com/rest/conversionEvents';
/** A BATCH_CREATE request carries at most 5,000 conversion events (LinkedIn's Conversions API FAQ, as its partners quote it). */
const MAX_EVENTS = 5000;
/**
 * LinkedIn documents no byte limit for this endpoint; 2 MB keeps a full batch of ordinary
 * conversions (about 400 bytes each) in one request, and a 413 splits the batch anyway.
 */
const MAX_BYTES = 2_000_000;

/**
 * The access token a request is sent with: the one the core obtained with the refresh token
 * (`ctx.accessToken`; `[access token]` in previews), else the pasted `config.access_token`.
 */
function accessTokenOf(ctx: PluginContext): string {
  if (typeof ctx.accessToken === 'string' && ctx.accessToken !== '') return ctx.accessToken;
  const accessToken = configText(ctx.config, 'access_token');
  if (accessToken !== undefined) return accessToken;
  throw new PermanentError(usesRefreshToken(ctx.config)
    ? 'no access token was obtained for config.refresh_token (this Signal core does not exchange refresh tokens): paste an access_token, or upgrade Signal'
    : 'LinkedIn needs an access token: set config.refresh_token (with client_id and client_secret) or config.access_token');
}

/**
 * The BATCH_CREATE request of one conversion rule's events.
 *
 * @example
 * conversionEventsRequest([{ id: 'm-1', event, payload }], ctx);
 * // { method: 'POST', url: 'https://api.linkedin.com/rest/conversionEvents', headers: { authorization: 'Bearer …', 'linkedin-version': '202603',
 * //   'x-restli-protocol-version': '2.0.0', 'x-restli-method': 'BATCH_CREATE', … }, body: { elements: [payload] }, eventIds: ['m-1'] }
 */
export function conversionEventsRequest(part: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST',
    url: CONVERSION_EVENTS_URL,
    headers: {
      authorization: `Bearer ${accessTokenOf(ctx)}`,
      'content-type': 'application/json',
      'linkedin-version': versionOf(ctx.config),
      'x-restli-protocol-version': '2.0.0',
      'x-restli-method': 'BATCH_CREATE',
    },
    body: { elements: part.map((e) => e.payload) },
    eventIds: part.map((e) => e.id),
  };
}

/**
 * The requests of a batch: its events grouped by conversion rule (so a rule LinkedIn refuses
 * fails only its own events), each group in requests of at most 5,000 events and 2 MB.
 *
 * @example
 * sendConversions(batch, ctx); // one request per rule and per 5,000 events
 */
export function sendConversions(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const byRule = new Map<string, MappedEvent[]>();
  for (const event of batch) {
    const rule = String(event.payload.conversion);
    const group = byRule.get(rule);
    if (group) group.push(event);
    else byRule.set(rule, [event]);
  }
  const envelope = JSON.stringify({ elements: [] }).length;
  return [...byRule.values()].flatMap((events) => splitBatch(events, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES - 1, overheadBytes: envelope }).map((part) => conversionEventsRequest(part, ctx)));
}

export default definePlugin({
  id: 'linkedin',
  name: 'LinkedIn Conversions API',
  category: 'advertising',
  description: 'Server-to-server conversions to LinkedIn Ads through the Conversions API (Marketing API, versioned): one conversion rule per Signal event, value and currency, the hashed email, the li_fat_id click id and member details for matching, deduplication with the Insight Tag by eventId; OAuth 2.0 refresh tokens renewed by Signal.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['conversion_rules'],
    properties: {
      conversion_rules: {
        type: 'object', title: 'Conversion Rules',
        description: 'Which Signal events are LinkedIn conversions, and of which conversion rule: the track event\'s name (or page, or page:<name> for a named page) → the rule\'s ID, its digits or urn:lla:llaPartnerConversion:<digits> (Campaign Manager > Analyze > Conversion tracking; a rule created with the Conversions API as its method). Events named nowhere are not sent.',
        // No pattern here: validateConfig says what is wrong with an id, naming the event (a
        // pattern's error would stop it with the bare regular expression).
        additionalProperties: { type: 'string' },
        examples: [{ 'Order Completed': '104012', 'Signed Up': '104013' }],
      },
      client_id: {
        type: 'string', title: 'Client ID',
        description: 'The Client ID of your LinkedIn app (Developer Portal > My apps > Auth), the app with the Conversions API product that issued the refresh token.',
        minLength: 1, examples: ['86c6ydq9ab1xyz'],
      },
      client_secret: {
        type: 'string', title: 'Client Secret',
        description: 'The app\'s Primary Client Secret (Developer Portal > My apps > Auth). Needed with a refresh token.',
        secret: true, minLength: 1,
      },
      refresh_token: {
        type: 'string', title: 'Refresh Token',
        description: 'The refresh_token LinkedIn gave when a member of the ad account authorised your app with the rw_conversions and r_ads scopes (see the plugin README). Signal exchanges it for access tokens and renews them; it lasts 365 days from that authorisation.',
        secret: true, minLength: 1,
      },
      access_token: {
        type: 'string', title: 'Access Token',
        description: 'Instead of a refresh token: an access token with the rw_conversions and r_ads scopes (e.g. from the Developer Portal\'s token generator). It lasts 60 days and must then be replaced by hand. Ignored when a refresh token is set.',
        secret: true, minLength: 1,
      },
      linkedin_version: {
        type: 'string', title: 'LinkedIn API Version',
        description: 'The Marketing API version sent as LinkedIn-Version (YYYYMM). LinkedIn serves each monthly version for about a year (the default, 202603, until about March 2027): move to a newer one before yours is sunset.',
        pattern: VERSION_PATTERN, default: DEFAULT_VERSION,
      },
      default_currency: {
        type: 'string', title: 'Default Currency',
        description: 'ISO 4217 code (e.g. USD) for events that carry a value but no currency. Without it such an event is dead-lettered, saying why: LinkedIn refuses a value without its currency.',
        pattern: '^[A-Za-z]{3}$', examples: ['USD'],
      },
      send_ip_address: {
        type: 'boolean', title: 'Match on IP Address',
        description: 'Also sends the visitor\'s IPv4 address as a PLAINTEXT_IP_ADDRESS identifier (LinkedIn salts and hashes it before matching), for conversions without an email or click id. Off by default.',
        default: false,
      },
    },
  },
  validateConfig: validateLinkedInConfig,
  configWarnings: linkedInConfigWarnings,
  variants: {
    default: { description: 'Every page and track event, with the value of an order (revenue, else total, else value) or of any event (value, else revenue), its currency and the person\'s email, click id and member details; those named in config.conversion_rules are sent.', blueprint: 'linkedin/default.yaml' },
    retail: { description: 'The ecommerce funnel — page views, product views and cart adds (price × quantity), checkouts, payment info and orders (revenue, else total, else the products\' sum) — with currency and the person\'s email, click id and member details; those named in config.conversion_rules are sent.', blueprint: 'linkedin/retail.yaml' },
  },
  vendorFields: {
    conversion: { required: false, description: 'The conversion rule: from config.conversion_rules by the event\'s name, unless mapped (its id, or urn:lla:llaPartnerConversion:<id>).' },
    conversionHappenedAt: { required: true, description: 'Epoch milliseconds, within the last 90 days.' },
    eventId: { required: false, description: 'Deduplicates with the Insight Tag: give the Tag the same event_id (the messageId).' },
    'conversionValue.amount': { required: false, description: 'The value (sent as text); without it, the products\' sum of price × quantity.' },
    'conversionValue.currencyCode': { required: false, description: 'ISO 4217; else config.default_currency.' },
    products: { required: false, description: 'Products ({ price, quantity }) whose sum is the value when none is mapped.' },
    'user.email': { required: false, description: 'Sent as a SHA256_EMAIL identifier, hashed by the plugin.' },
    'user.li_fat_id': { required: false, description: 'The li_fat_id cookie (else the page URL\'s li_fat_id): LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID.' },
    'user.acxiom_id': { required: false, description: 'ACXIOM_ID.' },
    'user.oracle_moat_id': { required: false, description: 'ORACLE_MOAT_ID.' },
    'user.ip': { required: false, description: 'PLAINTEXT_IP_ADDRESS (IPv4), with config.send_ip_address only.' },
    'user.firstName': { required: false, description: 'userInfo: sent with lastName only.' },
    'user.lastName': { required: false, description: 'userInfo: sent with firstName only.' },
    'user.companyName': { required: false },
    'user.title': { required: false },
    'user.countryCode': { required: false, description: 'ISO 3166-1 alpha-2 (country names are read too).' },
  },
  consent: ['advertising'],
  // The Insight Tag's first-party click id cookie, with enhanced conversion tracking on. Signal
  // keeps a landing URL's li_fat_id in it for 30 days, the lifetime cookie registries list for
  // the Tag's (LinkedIn's own cookie table was not readable: unconfirmed).
  cookies: ['li_fat_id'],
  clickIds: [{ param: 'li_fat_id', cookie: 'li_fat_id', days: 30 }],
  // LinkedIn does not publish its limits (its API guide: per member token and per app, per
  // day); its partners quote 600 requests a minute and 300,000 (some 500,000) a day per member token. 5 a
  // second (burst 10) sends at most 310 in any minute, and 250,000 a day leaves room for the
  // member's other tools; at 5,000 events a request that is far above any site's traffic.
  rateLimit: { rps: 5, burst: 10, daily: 250_000 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  accessToken: {
    usedBy: ['delivery'],
    enabled: (config) => configText(config, 'refresh_token') !== undefined,
    request: linkedInTokenRequest,
    read: readLinkedInTokenAnswer,
    // RFC 6749 §6: should the answer ever name a new refresh token, the core keeps and uses it.
    rotates: 'refresh_token',
  },
  map: (payload, event, ctx) => toLinkedInEvent(payload, event, ctx),
  send: sendConversions,
  classify: (response, request, ctx) => classifyLinkedIn(response, request, ctx),
  // LinkedIn's Conversions API BATCH_CREATE, as its Postman collection shows: 200, one { status: 201 } per element in the order sent (classify.ts).
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { elements: [{ status: 201 }, { status: 201 }] } },
});
