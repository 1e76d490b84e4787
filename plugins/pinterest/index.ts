import { definePlugin, pastedSecretProblem, splitBatch, type ConfigProblem, type JsonValue, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { classifyPinterest } from './classify.ts';
import { ACTION_SOURCES, toPinterestEvent } from './server-event.ts';

export const PINTEREST_API = 'https://api.pinterest.com/v5';
/** Pinterest's schema: `data` holds 1 to 1,000 events. */
const MAX_EVENTS = 1000;
/**
 * Pinterest documents no byte limit for this endpoint; 1 MB keeps a full batch of ordinary
 * events in one request, and a 413 splits the batch anyway.
 */
const MAX_BYTES = 1_000_000;

/**
 * The events URL of the configured ad account.
 *
 * @example
 * eventsUrl({ ad_account_id: '549755885175' }); // 'https://api.pinterest.com/v5/ad_accounts/549755885175/events'
 */
export function eventsUrl(config: Record<string, JsonValue>): string {
  return `${PINTEREST_API}/ad_accounts/${encodeURIComponent(String(config.ad_account_id))}/events`;
}

/**
 * Config problems the schema cannot see: a token pasted with white space or its `Bearer `
 * prefix (Pinterest would refuse every request), or the ad account ID given as the token.
 *
 * @example
 * validatePinterestConfig({ ad_account_id: '549755885175', conversion_token: 'Bearer pina_abc…' });
 * // [{ field: 'conversion_token', message: 'starts with "Bearer ": give the token alone, Signal adds the prefix' }]
 */
export function validatePinterestConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const token = typeof config.conversion_token === 'string' ? config.conversion_token : undefined;
  if (token !== undefined) {
    const pasted = pastedSecretProblem('conversion_token', token, 'token', { schemeHint: 'Signal adds the prefix', spaceHint: 'as Ads Manager shows it' });
    if (pasted) problems.push(pasted);
    if (token.trim() === String(config.ad_account_id ?? '')) problems.push({ field: 'conversion_token', message: 'is the ad account ID again: the conversion access token is generated in Ads Manager under Conversions > Conversions API' });
  }
  return problems;
}

function requestFor(events: JsonValue[], eventIds: string[], ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST',
    url: eventsUrl(ctx.config),
    headers: { authorization: `Bearer ${String(ctx.config.conversion_token)}`, 'content-type': 'application/json' },
    // Pinterest's test mode: checked and answered as usual, not recorded.
    ...(ctx.config.test_mode === true ? { query: [['test', 'true']] as Array<[string, string]> } : {}),
    body: { data: events },
    eventIds,
  };
}

export default definePlugin({
  id: 'pinterest',
  name: 'Pinterest Conversions API',
  category: 'advertising',
  description: 'Server-to-server conversion events to Pinterest Ads through the Conversions API (v5): standard events with value, currency and products, hashed customer information, the Pinterest click id, and deduplication with the Pinterest Tag by event_id.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['ad_account_id', 'conversion_token'],
    properties: {
      ad_account_id: {
        type: 'string', title: 'Ad Account ID',
        description: 'The numeric ID of the Pinterest ad account the conversions belong to: in Ads Manager, under the account\'s name (and in its URL).',
        pattern: '^[0-9]{1,20}$', examples: ['549755885175'],
      },
      conversion_token: {
        type: 'string', title: 'Conversion Access Token',
        description: 'Generated in Ads Manager > Conversions > Conversions API > Conversion access token, by the ad account\'s Owner or a user with the Admin, Analyst, Audience or Campaign role.',
        secret: true, minLength: 8,
      },
      test_mode: {
        type: 'boolean', title: 'Test Mode',
        description: 'Sends ?test=true: Pinterest checks the events and answers as usual but does not record them. Turn it off for production.',
        default: false,
      },
      action_source: {
        type: 'string', title: 'Action Source',
        description: 'Where the conversions happen, unless the blueprint maps action_source: web for a website, offline for store or CRM events.',
        enum: [...ACTION_SOURCES], enumLabels: ['Web', 'Offline', 'Android app', 'iOS app'], default: 'web',
      },
      default_country_code: {
        type: 'string', title: 'Default Country Code',
        description: 'Country calling code (digits, e.g. 44) for phone numbers written without one (07700 900123). Without it such numbers are left out: Pinterest matches phones with their country code.',
        pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
      },
      limited_data_processing: {
        type: 'boolean', title: 'Limited Data Processing',
        description: 'Flags every event for Limited Data Processing (custom_data.opt_out_type "LDP"), for US state privacy laws. Off, the events of visitors who sent Global Privacy Control are flagged still (SIGNAL_GPC=restrict, the default).',
        default: false,
      },
    },
  },
  validateConfig: validatePinterestConfig,
  variants: {
    default: { description: 'Page calls and Segment spec events as Pinterest standard events (page_visit, view_content, view_category, search, add_to_cart, add_to_wishlist, initiate_checkout, add_payment_info, checkout, signup, lead, subscribe, watch_video); every other track event as custom.', blueprint: 'pinterest/default.yaml' },
    retail: { description: 'Ecommerce funnel: page_visit, view_content with the product viewed, view_category, search, add_to_cart, add_to_wishlist, initiate_checkout, add_payment_info and checkout with value, currency and contents; other events are not sent.', blueprint: 'pinterest/retail.yaml' },
  },
  vendorFields: {
    event_name: { required: true, description: 'A standard event (checkout, add_to_cart, page_visit, …) or custom.' },
    event_time: { required: true, description: 'Unix seconds.' },
    event_id: { required: true, description: 'Deduplicates with the Pinterest Tag: send the same id from both (the messageId).' },
    user_data: { required: true, description: 'Customer information: hashed by the plugin.' },
    action_source: { required: false, description: 'web unless configured or mapped.' },
    event_source_url: { required: false, description: 'The page URL.' },
    opt_out: { required: false, description: 'The visitor opted out of ad tracking.' },
    language: { required: false, description: 'ISO 639-1, two letters.' },
    'user_data.em': { required: false },
    'user_data.ph': { required: false },
    'user_data.external_id': { required: false },
    'user_data.client_ip_address': { required: false },
    'user_data.client_user_agent': { required: false },
    'user_data.click_id': { required: false, description: 'The _epik cookie (or the epik URL parameter).' },
    'custom_data.value': { required: false },
    'custom_data.currency': { required: false },
    'custom_data.content_ids': { required: false },
    'custom_data.contents': { required: false },
    'custom_data.num_items': { required: false },
    'custom_data.order_id': { required: false },
    'custom_data.search_string': { required: false },
  },
  consent: ['advertising'],
  // The Pinterest Tag's click id cookie: user_data.click_id. Signal keeps a landing URL's epik
  // in it for a year, the Tag's own lifetime for _epik (Pinterest's cookie list).
  cookies: ['_epik'],
  clickIds: [{ param: 'epik', cookie: '_epik', days: 365 }],
  // Pinterest allows 5,000 requests a minute per ad account. 50 a second with the default burst
  // of 100 sends at most 3,100 in any minute, leaving room for the account's other senders.
  rateLimit: { rps: 50 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toPinterestEvent(payload, event, ctx),
  send(batch, ctx) {
    const envelope = JSON.stringify({ data: [] }).length;
    return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES - 1, overheadBytes: envelope }).map((part) => requestFor(part.map((e) => e.payload), part.map((e) => e.id), ctx));
  },
  classify: (response, request, ctx) => classifyPinterest(response, request, String(ctx.config.ad_account_id)),
  // Pinterest API v5 ConversionApiResponse (pinterest-python-generated-api-client docs/ConversionApiResponse.md): one events[] entry per event, in order.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { num_events_received: 2, num_events_processed: 2, events: [{ status: 'processed', error_message: '', warning_message: '' }, { status: 'processed', error_message: '', warning_message: '' }] } },
});
