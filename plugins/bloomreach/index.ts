/**
 * Bloomreach Engagement (formerly Exponea): identify traits as customer properties and track,
 * page and screen calls as events, together through the Tracking API's batch commands;
 * Segment's ecommerce events as Bloomreach's purchase, purchase_item, view_item and
 * cart_update events; per-command outcomes; person deletions through the GDPR API's Anonymize
 * a customer.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/bloomreach' }
 * // install config
 * { "project_token": "c178a8c8-5cea-11e8-aa8c-ac1f6b000000", "api_key_id": "…", "api_secret": "…", "api_base": "https://api.eu1.exponea.com" }
 */
import { definePlugin } from '../../core/sdk/index.ts';
import { classifyBloomreach } from './classify.ts';
import { fitCommands } from './commands.ts';
import { bloomreachConfigWarnings, CONFIG_SCHEMA, validateBloomreachConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { MAX_COMMANDS } from './purchase-items.ts';
import { buildRequests, MAX_BYTES } from './requests.ts';

export { bloomreachConfigWarnings, validateBloomreachConfig };

export default definePlugin({
  id: 'bloomreach',
  name: 'Bloomreach Engagement',
  category: 'cdp',
  description: 'Server-side customers and events to Bloomreach Engagement (formerly Exponea) through the Tracking API\'s batch commands (POST /track/v2/projects/{projectToken}/batch, up to 50 commands a request, HTTP Basic with an API key ID and secret of a private API group, the project\'s API Base URL): identify traits as customer properties (customers, with update_timestamp), track, page and screen calls as events (customers/events, with timestamp; page calls as page_visit, screen calls as screen_visit), Segment\'s ecommerce events as Bloomreach\'s purchase with a purchase_item per product, view_item and cart_update; the userId under the hard ID, the anonymousId under the soft ID, optionally the email under an email ID; per-command outcomes from the batch\'s results; person deletions through the GDPR API\'s Anonymize a customer.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateBloomreachConfig,
  configWarnings: (config) => bloomreachConfigWarnings(config),
  variants: {
    default: { description: 'Identify traits to customer properties (first_name, last_name, phone, birth_date… under Bloomreach\'s names, objects flattened with _), track events to events of their name, page calls as page_visit (location, path, title, referrer), screen calls as screen_visit, group calls as group_id and group_name; Order Completed as purchase (purchase_id, purchase_status success, product_list, product_ids, total_price, local_currency) with a purchase_item per product, Order Refunded as purchase with purchase_status refund, Product Viewed as view_item, Product Added and Removed as cart_update.', blueprint: 'bloomreach/default.yaml' },
    segment_compatible: { description: 'As Bloomreach\'s own Segment destination sends them, for projects moving from it: identify traits and group traits (group_…) as customer properties as they are, every track event under its own name with its properties and the context (campaign, device, os…), page calls as page_visit with page_name, screen calls as screen_visit with screen_name; objects flattened with _.', blueprint: 'bloomreach/segment_compatible.yaml' },
  },
  vendorFields: {
    // Who a command is about is decided by the plugin from these and the config's ID names,
    // never by a site's properties.
    'ids.hard': { required: false, description: 'The value of the hard ID (config.hard_id, default registered): the userId.' },
    'ids.soft': { required: false, description: 'The value of the soft ID (config.soft_id, default cookie): the anonymousId.' },
    'ids.email': { required: false, description: 'The value of the email ID (config.email_id, when set): the email, lower-cased.' },
    event_type: { required: false, description: 'The event\'s type (its name); absent on a customer update (identify, group).' },
    timestamp: { required: false, description: 'When it happened (ISO 8601 or epoch), sent in Unix seconds as the event\'s timestamp or the update\'s update_timestamp (else the event\'s timestamp).' },
    properties: { required: false, description: 'The event\'s properties, or the customer properties an update sets (objects flattened with _; contact information left out of events).' },
    'properties.email': { required: false },
    'properties.first_name': { required: false },
    'properties.last_name': { required: false },
    'properties.phone': { required: false },
    'properties.purchase_id': { required: false, description: 'A purchase\'s order id (purchase, purchase_item).' },
    'properties.purchase_status': { required: false, description: 'success, or refund.' },
    'properties.product_list': { required: false, description: 'A purchase\'s products: [{ product_id, quantity }].' },
    'properties.product_ids': { required: false },
    'properties.total_price': { required: false, description: 'A purchase\'s total in the project\'s reference currency (filled in from total_price_local_currency when the event is in it: config.reference_currency).' },
    'properties.total_price_local_currency': { required: false, description: 'A purchase\'s (or purchase_item\'s) total in the currency paid in (local_currency).' },
    'properties.price_local_currency': { required: false, description: 'A product\'s price in the event\'s currency (local_currency); price, in the reference currency, is filled in from it when the event is in that one.' },
    'properties.local_currency': { required: false },
    'properties.location': { required: false, description: 'The page\'s URL (page_visit, and events from a page).' },
    purchase_items: { required: false, description: 'A purchase\'s products, each sent as a purchase_item event with the order\'s purchase_id, purchase_status and local_currency (config.purchase_item_events).' },
  },
  // Bloomreach Engagement is a marketing platform: customers and events feed its campaigns.
  consent: ['marketing'],
  // The Tracking API limits requests per client IP: 6,000 a minute (100 a second) by default
  // (Tracking API overview, Rate limiting), shared with whatever else calls it from Signal's
  // address; and the batch endpoint "should not be used to run high-volume imports … will be
  // blocked". 10 requests a second of up to 50 commands stay well within both.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: MAX_COMMANDS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => fitCommands(payload, event, ctx),
  send: buildRequests,
  classify: classifyBloomreach,
  // Batch commands' answer to an accepted batch, one result per command (Bloomreach's Python SDK's test data; Tracking API error messages).
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { success: true, start_time: 1710750816.8504393, end_time: 1710750816.8518236, results: [{ success: true }, { success: true }] } },
  forgetPerson,
});
