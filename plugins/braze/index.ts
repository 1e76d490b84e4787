import { definePlugin, type ConfigProblem, type JsonValue } from '../../core/sdk/index.ts';
import { classifyBraze } from './classify.ts';
import { CUSTOM_ENDPOINT, customEndpointProblem, DEFAULT_ENDPOINT, INSTANCES } from './endpoints.ts';
import { DEFAULT_ALIAS_LABEL, fitOptionsOf, fitRecord } from './fit-to-braze.ts';
import { buildTrackRequests, forgetPerson, MAX_BYTES } from './requests.ts';

function given(value: JsonValue | undefined): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * Checks across fields: the custom REST endpoint is given when `rest_endpoint` is `custom`,
 * and is an https URL of a Braze REST host, rest.<cluster>.braze.com or .eu (it is ignored otherwise); the REST API key holds no white space (it
 * travels in a header: a paste error); the alias label is not blank.
 *
 * @example
 * validateBrazeConfig({ api_key: 'k', rest_endpoint: 'custom' });
 * // [{ field: 'custom_rest_endpoint', message: 'is required when rest_endpoint is "custom": …' }]
 */
export function validateBrazeConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (given(config.api_key) && /\s/.test(config.api_key)) {
    problems.push({ field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the REST API key alone, without "Bearer"' });
  }
  const custom = config.rest_endpoint === CUSTOM_ENDPOINT;
  if (custom && !given(config.custom_rest_endpoint)) {
    problems.push({ field: 'custom_rest_endpoint', message: 'is required when rest_endpoint is "custom": give the REST endpoint Braze lists for your instance (Braze: API and SDK endpoints), e.g. https://rest.iad-01.braze.com' });
  }
  // Checked even when another instance is chosen: the key would go there once "Custom" is.
  if (given(config.custom_rest_endpoint)) {
    const problem = customEndpointProblem(config.custom_rest_endpoint);
    if (problem) problems.push({ field: 'custom_rest_endpoint', message: problem });
  }
  if (typeof config.alias_label === 'string' && config.alias_label.trim() === '') {
    problems.push({ field: 'alias_label', message: `must not be blank: it names the alias anonymous visitors are sent under (default "${DEFAULT_ALIAS_LABEL}")` });
  }
  return problems;
}

export default definePlugin({
  id: 'braze',
  name: 'Braze',
  category: 'cdp',
  description: 'Server-side user data to Braze through its REST API (/users/track): identify traits to user attributes, track events to custom events, Segment\'s ecommerce events (orders included) to Braze\'s eCommerce recommended events, or orders to legacy purchases; anonymous visitors as alias-only profiles; person deletions through /users/delete.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['api_key'],
    properties: {
      api_key: {
        type: 'string', title: 'REST API Key', secret: true,
        description: 'A REST API key of the workspace (Braze: Settings > APIs and Identifiers > API Keys) with the users.track permission, and users.delete to forward person deletions. Sent as Authorization: Bearer.',
        minLength: 8, maxLength: 256, examples: ['a1b2c3d4-e5f6-7a8b-9c0d-e1f2a3b4c5d6'],
      },
      rest_endpoint: {
        type: 'string', title: 'REST Endpoint',
        description: 'Your Braze instance\'s REST endpoint: match the dashboard URL you log in to (dashboard-01.braze.com is US-01, dashboard-01.braze.eu is EU-01). A key works on its own instance only. "Custom" for an instance not listed here.',
        enum: [...INSTANCES.map(([, url]) => url), CUSTOM_ENDPOINT],
        enumLabels: [...INSTANCES.map(([name, url]) => `${name} (${url.replace('https://', '')})`), 'Custom (give it in Custom REST Endpoint)'],
        default: DEFAULT_ENDPOINT,
      },
      custom_rest_endpoint: {
        type: 'string', title: 'Custom REST Endpoint',
        description: 'Used only with REST Endpoint "Custom": the https:// REST endpoint Braze gave you, a host under braze.com or braze.eu, without a path.',
        maxLength: 255, examples: ['https://rest.iad-01.braze.com'],
      },
      app_id: {
        type: 'string', title: 'App Identifier',
        description: 'Optional: the app identifier (Settings > APIs and Identifiers > App Identifiers) events and purchases are attributed to, for per-app analytics. Never a key.',
        maxLength: 255, examples: ['1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d'],
      },
      alias_label: {
        type: 'string', title: 'Anonymous Alias Label',
        description: 'The alias_label of the user alias anonymous visitors (no userId) are sent under, with their anonymousId as alias_name. Keep it stable: a new label starts new profiles.',
        default: DEFAULT_ALIAS_LABEL, minLength: 1, maxLength: 255, examples: [DEFAULT_ALIAS_LABEL],
      },
      default_currency: {
        type: 'string', title: 'Default Currency',
        description: 'ISO 4217 code for purchases and eCommerce events that name no currency (Braze requires one).',
        pattern: '^[A-Za-z]{3}$', default: 'USD', examples: ['USD'],
      },
      default_country_code: {
        type: 'string', title: 'Default Country Code',
        description: 'Country calling code (digits, e.g. 44) for phone numbers written without one (07700 900123). Without it such numbers cannot be put in E.164 and the profile update is dead-lettered saying so.',
        pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
      },
      request_limits: {
        type: 'string', title: 'Request Limits',
        description: 'What one /users/track request may carry (Braze: Rate limits): 75 objects combined across attributes, events and purchases (most customers), 75 per array (customers on Braze\'s legacy rate limits), or 50 combined (contracts on Monthly Active Users CY 24-25; see the API Usage Dashboard). A request over the limit is sent again in halves.',
        enum: ['combined_75', 'per_array_75', 'combined_50'], enumLabels: ['75 combined (default)', '75 per array (legacy rate limits)', '50 combined (Monthly Active Users CY 24-25)'], default: 'combined_75',
      },
      forward_deletions: {
        type: 'boolean', title: 'Forward Person Deletions',
        description: 'Forward person deletions (deletePerson) to Braze\'s /users/delete with the same key, which then needs the users.delete permission.',
        default: true,
      },
    },
  },
  validateConfig: validateBrazeConfig,
  variants: {
    default: { description: 'Identify traits to user attributes (anonymous visitors as alias-only profiles), track events to custom events, Segment\'s ecommerce events to Braze\'s eCommerce recommended events, Order Completed as ecommerce.order_placed (new Braze customers have no legacy purchase events). Page views are not sent (each is a data point).', blueprint: 'braze/default.yaml' },
    retail: { description: 'As the default, and Products Searched and Product List Viewed as custom events with typed fields.', blueprint: 'braze/retail.yaml' },
    legacy_purchases: { description: 'For workspaces recording orders as Braze\'s legacy purchase events (existing customers: lifetime value, revenue reports in campaigns and Canvases): as the default, but Order Completed as purchases, one per product, product_id the product\'s name.', blueprint: 'braze/legacy_purchases.yaml' },
  },
  vendorFields: {
    // Identity: the plugin sets external_id (a known user) or user_alias (a visitor) on every
    // object from these, never from the site's properties or traits.
    external_id: { required: false, description: 'The known user\'s id (else the userId).' },
    alias_name: { required: false, description: 'An anonymous visitor\'s id, sent as user_alias.alias_name (else the anonymousId).' },
    time: { required: false, description: 'When it happened, ISO 8601 (else the event\'s timestamp).' },
    name: { required: false, description: 'The custom event\'s name (an event record).' },
    properties: { required: false, description: 'The event\'s properties (or an order\'s, added to each purchase).' },
    attributes: { required: false, description: 'Profile fields and custom attributes (a profile update record).' },
    'attributes.email': { required: false },
    'attributes.phone': { required: false },
    'attributes.first_name': { required: false },
    'attributes.last_name': { required: false },
    'attributes.country': { required: false },
    'attributes.home_city': { required: false },
    'attributes.dob': { required: false },
    'attributes.gender': { required: false },
    purchases: { required: false, description: 'An order\'s products: product_id, price, quantity, currency, properties (a purchases record).' },
    currency: { required: false, description: 'The order\'s currency, for purchases naming none.' },
  },
  // Braze is a customer engagement platform: the profile and events feed its messaging.
  consent: ['marketing'],
  // Braze's /users/track quota is per workspace, shared with every other REST caller: 3,000
  // requests per three seconds (50,000 a minute before October 2024); contracts on Monthly
  // Active Users have an hourly limit of their own. 50 requests a second stay well within the
  // default; set the integration's rateLimit to your API Usage Dashboard.
  rateLimit: { rps: 50, burst: 100 },
  // Up to 225 records a delivery batch: 75 per array on legacy rate limits; send builds requests
  // of at most 75 (or 50) objects in all otherwise.
  batch: { maxEvents: 225, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => fitRecord(payload, event, fitOptionsOf(ctx.config)),
  send: buildTrackRequests,
  classify: classifyBraze,
  // Braze /users/track, Example success response (braze.com/docs/api/endpoints/user_data/post_user_track): 201 with the counts and message success.
  successAnswer: { status: 201, headers: { 'content-type': 'application/json' }, body: { attributes_processed: 2, events_processed: 2, purchases_processed: 0, message: 'success' } },
  forgetPerson,
});
