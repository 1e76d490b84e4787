import { configText, definePlugin, pastedSecretProblem, splitBatch, type ConfigProblem, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { classifyReddit } from './classify.ts';
import { ACTION_SOURCES, toRedditEvent } from './server-event.ts';

export const REDDIT_ADS_API = 'https://ads-api.reddit.com/api/v3';
/** Reddit's limit: 1,000 events in one request (more is answered 400 "Bad Request"). */
const MAX_EVENTS = 1000;
/**
 * Reddit documents no byte limit for this endpoint; 1 MB (Signal's choice) keeps a full batch
 * of ordinary events in one request, and a 413 splits the batch anyway.
 */
const MAX_BYTES = 1_000_000;
/**
 * Reddit throttles requests carrying a default user agent ("Your user agent was automatically
 * ratelimited"), so every request names Signal's plugin.
 */
export const USER_AGENT = 'Signal-Reddit-Conversions/1.0';

/**
 * The conversion events URL of the configured pixel.
 *
 * @example
 * eventsUrl({ pixel_id: 'a2_abc123xyz0' }); // 'https://ads-api.reddit.com/api/v3/pixels/a2_abc123xyz0/conversion_events'
 */
export function eventsUrl(config: Record<string, JsonValue>): string {
  return `${REDDIT_ADS_API}/pixels/${encodeURIComponent(String(config.pixel_id))}/conversion_events`;
}

/**
 * Config problems the schema cannot see: a token pasted with its `Bearer ` prefix or white space
 * (Reddit would refuse every request), the Pixel ID given as the token, a test ID with white
 * space in it.
 *
 * @example
 * validateRedditConfig({ pixel_id: 'a2_abc123xyz0', conversion_token: 'Bearer eyJhbGciOi…' });
 * // [{ field: 'conversion_token', message: 'starts with "Bearer ": give the token alone, Signal adds the prefix' }]
 */
export function validateRedditConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const token = typeof config.conversion_token === 'string' ? config.conversion_token : undefined;
  if (token !== undefined) {
    const pasted = pastedSecretProblem('conversion_token', token, 'token', { schemeHint: 'Signal adds the prefix', spaceHint: 'as Events Manager shows it' });
    if (pasted) problems.push(pasted);
    if (token.trim().toLowerCase() === String(config.pixel_id ?? '').toLowerCase()) {
      problems.push({ field: 'conversion_token', message: 'is the Pixel ID again: generate a conversion access token in Reddit Ads Manager (Events Manager > Conversions API > Generate Access Token)' });
    }
  }
  if (typeof config.test_id === 'string' && /\s/.test(config.test_id)) {
    problems.push({ field: 'test_id', message: 'holds white space: copy the test ID alone from Events Manager > Event Testing' });
  }
  return problems;
}

function requestFor(part: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  const testId = configText(ctx.config, 'test_id');
  return {
    method: 'POST',
    url: eventsUrl(ctx.config),
    headers: { authorization: `Bearer ${String(ctx.config.conversion_token)}`, 'content-type': 'application/json', 'user-agent': USER_AGENT },
    body: { data: { ...(testId !== undefined ? { test_id: testId } : {}), events: part.map((e) => e.payload) } },
    eventIds: part.map((e) => e.id),
  };
}

export default definePlugin({
  id: 'reddit',
  name: 'Reddit Conversions API',
  category: 'advertising',
  description: 'Server-to-server conversion events to Reddit Ads through the Conversions API (v3): standard and custom events with value, currency and products, match keys normalised and hashed by the plugin, the Reddit click id and _rdt_uuid cookie, Limited Data Use, and deduplication with the Reddit Pixel by conversion_id.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['pixel_id', 'conversion_token'],
    properties: {
      pixel_id: {
        type: 'string', title: 'Pixel ID',
        description: 'The ID of the Reddit Pixel the conversions belong to (a2_… or t2_…): in Reddit Ads Manager > Events Manager, under the pixel\'s name; it matches the business account\'s Pixel ID in Accounts.',
        pattern: '^[A-Za-z0-9_]{4,64}$', examples: ['a2_abc123xyz0'],
      },
      conversion_token: {
        type: 'string', title: 'Conversion Access Token',
        description: 'A non-expiring conversion access token generated in Reddit Ads Manager > Events Manager > Conversions API > Generate Access Token, by an administrator of the business that owns the pixel.',
        secret: true, minLength: 8,
      },
      test_id: {
        type: 'string', title: 'Test ID',
        description: 'The test ID Events Manager > Event Testing shows: events go to Event Testing, one per request (Event Testing shows no batches), and are not recorded as conversions. Remove it for production.',
        pattern: '^\\S{1,200}$',
      },
      action_source: {
        type: 'string', title: 'Action Source',
        description: 'Where the conversions happen, unless the blueprint maps action_source: WEBSITE for a website, PHYSICAL_STORE for a store, APP for an app, OTHER otherwise.',
        enum: [...ACTION_SOURCES], enumLabels: ['Website', 'App', 'Offline (physical store)', 'Other'], default: 'WEBSITE',
      },
      default_country_code: {
        type: 'string', title: 'Default Country Code',
        description: 'Country calling code (digits, e.g. 44) for phone numbers written without one (07700 900123). Without it such numbers are left out: Reddit matches phones with their country code.',
        pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
      },
      limited_data_use: {
        type: 'boolean', title: 'Limited Data Use',
        description: 'Flags every event for Limited Data Use (user.data_processing_options.modes ["LDU"]), for US state privacy laws. Off, the events of visitors who sent Global Privacy Control are flagged still (SIGNAL_GPC=restrict, the default).',
        default: false,
      },
    },
  },
  validateConfig: validateRedditConfig,
  variants: {
    default: { description: 'Page calls and Segment spec events as Reddit standard events (PAGE_VISIT, VIEW_CONTENT, SEARCH, ADD_TO_CART, ADD_TO_WISHLIST, PURCHASE, LEAD, SIGN_UP); every other track event as a CUSTOM event named after it (Checkout Started with its cart\'s value, currency and products).', blueprint: 'reddit/default.yaml' },
    retail: { description: 'Ecommerce funnel: PAGE_VISIT, VIEW_CONTENT with the product viewed, SEARCH, ADD_TO_CART, ADD_TO_WISHLIST, Checkout Started as a CUSTOM event and PURCHASE with value, currency, item count and products; other events are not sent.', blueprint: 'reddit/retail.yaml' },
  },
  vendorFields: {
    event_at: { required: true, description: 'Epoch milliseconds; at most 7 days old and 5 minutes ahead (less ahead is sent as now).' },
    action_source: { required: true, description: 'WEBSITE unless configured or mapped; WEBSITE, APP, PHYSICAL_STORE or OTHER.' },
    'type.tracking_type': { required: true, description: 'A standard event (PURCHASE, ADD_TO_CART, PAGE_VISIT, …) or CUSTOM.' },
    'type.custom_event_name': { required: false, description: 'The name of a CUSTOM event (at most 64 characters).' },
    event_source_url: { required: false, description: 'The page URL (website events).' },
    click_id: { required: false, description: 'The _rdt_cid cookie (or the rdt_cid URL parameter).' },
    'metadata.conversion_id': { required: false, description: 'Deduplicates with the Reddit Pixel: send the same id from both (the messageId, as the Pixel\'s conversionId).' },
    'metadata.value': { required: false },
    'metadata.currency': { required: false },
    'metadata.item_count': { required: false },
    'metadata.products': { required: false },
    user: { required: false, description: 'Match keys: hashed by the plugin.' },
    'user.email': { required: false },
    'user.phone_number': { required: false },
    'user.external_id': { required: false },
    'user.ip_address': { required: false },
    'user.user_agent': { required: false },
    'user.uuid': { required: false, description: 'The Reddit Pixel\'s _rdt_uuid cookie.' },
    'user.screen_dimensions': { required: false },
    'user.opt_out': { required: false, description: 'The visitor opted out: sent as data_processing_options LDU.' },
  },
  consent: ['advertising'],
  // The Reddit Pixel's first-party cookies: its browser id (user.uuid) and the click id it keeps from an ad's rdt_cid.
  cookies: ['_rdt_uuid', '_rdt_cid'],
  // Signal keeps a landing URL's rdt_cid in _rdt_cid itself for 28 days, Reddit's longest click
  // attribution window (the Pixel's own lifetime for it is not documented).
  clickIds: [{ param: 'rdt_cid', cookie: '_rdt_cid', days: 28 }],
  // Reddit allows 1,000 requests and 10,000 events a second; 10 requests a second (burst 20)
  // stays inside both at a full batch of 1,000 events, and inside Event Testing's 10 events a
  // second with a test ID (one event a request).
  rateLimit: { rps: 10 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toRedditEvent(payload, event, ctx),
  send(batch, ctx) {
    // Event Testing shows one event per request: with a test ID, each event goes alone.
    const testing = configText(ctx.config, 'test_id') !== undefined;
    const envelope = JSON.stringify({ data: { test_id: String(ctx.config.test_id ?? ''), events: [] } }).length;
    return splitBatch(batch, { maxEvents: testing ? 1 : MAX_EVENTS, maxBytes: MAX_BYTES - 1, overheadBytes: envelope }).map((part) => requestFor(part, ctx));
  },
  classify: (response, request, ctx) => classifyReddit(response, request, String(ctx.config.pixel_id)),
  // Reddit's Conversions API v3 answer, as Reddit has been seen answering (classify.ts): data.message.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { data: { message: 'Successfully processed 2 conversion events.' } } },
});
