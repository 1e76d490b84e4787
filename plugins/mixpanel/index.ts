import { definePlugin, type ConfigProblem, type JsonValue } from '../../core/sdk/index.ts';
import { classifyMixpanel } from './classify.ts';
import { fitPayload } from './fit-to-mixpanel.ts';
import { buildRequests, forgetPerson, MAX_BYTES, MAX_RECORDS } from './requests.ts';

/** Credentials travel in HTTP headers (Basic, Bearer) or a URL: white space or a line break in one is a paste error. */
const CREDENTIAL_FIELDS = ['project_token', 'service_account_username', 'service_account_secret', 'api_secret', 'gdpr_token'] as const;

function given(value: JsonValue | undefined): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * Checks across fields: a service account needs its username, its secret and the project ID
 * together; the project ID only goes with a service account; credentials hold no white space;
 * the project secret is not the project token again. (A project secret beside a service
 * account is not used: the service account wins.)
 *
 * @example
 * validateMixpanelConfig({ project_token: 'abc…', service_account_username: 'signal.1a2b3c.mp-service-account' });
 * // [{ field: 'service_account_secret', message: 'is required with service_account_username: …' }, { field: 'project_id', … }]
 */
export function validateMixpanelConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const field of CREDENTIAL_FIELDS) {
    const value = config[field];
    if (given(value) && /\s/.test(value)) problems.push({ field, message: 'holds white space or a line break (copied with the value around it?): give the value alone' });
  }
  const username = given(config.service_account_username);
  const secret = given(config.service_account_secret);
  const projectId = given(config.project_id);
  if (username && !secret) problems.push({ field: 'service_account_secret', message: 'is required with service_account_username: give the secret Mixpanel showed when the service account was created' });
  if (secret && !username) problems.push({ field: 'service_account_username', message: 'is required with service_account_secret: give the service account\'s username (Organization Settings > Service Accounts)' });
  if ((username || secret) && !projectId) problems.push({ field: 'project_id', message: 'is required with a service account: Mixpanel authenticates a service account per project (Project Settings > Overview > Project ID)' });
  if (projectId && !username && !secret) problems.push({ field: 'project_id', message: 'is only used with a service account: set service_account_username and service_account_secret too, or leave project_id out to authenticate with the project token or secret' });
  if (username && String(config.service_account_username).includes(':')) problems.push({ field: 'service_account_username', message: 'holds a colon, which HTTP Basic auth cannot carry in a username: give the username alone, without the secret' });
  if (given(config.api_secret) && config.api_secret === config.project_token) problems.push({ field: 'api_secret', message: 'is the Project Token again: the Project Secret is the other key of the project (Project Settings > Access Keys); leave it out to authenticate with the token' });
  return problems;
}

export default definePlugin({
  id: 'mixpanel',
  name: 'Mixpanel',
  category: 'analytics',
  description: 'Server-side events to Mixpanel through the Ingestion API: events to /import with strict validation and Simplified ID Merge ids, identify traits to user profiles (/engage), person deletions through the GDPR API.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['project_token'],
    properties: {
      project_token: {
        type: 'string', title: 'Project Token', secret: true,
        description: 'The project\'s token (Project Settings > Access Keys). Profile updates carry it; events are authenticated with it when no service account or project secret is given.',
        pattern: '^[A-Za-z0-9]+$', minLength: 8, maxLength: 128, examples: ['0123456789abcdef0123456789abcdef'],
      },
      region: {
        type: 'string', title: 'Data Residency',
        description: 'Where the project\'s data lives: United States (api.mixpanel.com), European Union (api-eu.mixpanel.com) or India (api-in.mixpanel.com). Mixpanel does not ingest data sent to another region\'s servers, and may not answer with an error: after setting up, check that events arrive in the project.',
        enum: ['us', 'eu', 'in'], enumLabels: ['United States', 'European Union', 'India'], default: 'us',
      },
      service_account_username: {
        type: 'string', title: 'Service Account Username',
        description: 'Recommended for events: a service account with the Owner or Admin role on the project (Organization Settings > Service Accounts). Needs the secret and the project ID.',
        minLength: 1, maxLength: 255, examples: ['signal.1a2b3c.mp-service-account'],
      },
      service_account_secret: { type: 'string', title: 'Service Account Secret', description: 'The secret Mixpanel showed once when the service account was created.', secret: true, minLength: 8, maxLength: 255 },
      project_id: { type: 'string', title: 'Project ID', description: 'The project\'s ID (Project Settings > Overview), sent with service account requests.', pattern: '^[0-9]{1,20}$', examples: ['1234567'] },
      api_secret: {
        type: 'string', title: 'Project Secret (deprecated)', secret: true,
        description: 'Legacy alternative to a service account (Project Settings > Access Keys), not used when a service account is set. Mixpanel retires project secrets on 2027-03-03: prefer a service account.',
        minLength: 8, maxLength: 128,
      },
      gdpr_token: {
        type: 'string', title: 'GDPR API Token (deletions only)', secret: true,
        description: 'Only to forward person deletions (deletePerson) to Mixpanel\'s GDPR API. A project Owner or Admin generates it in Settings > Profile & Preferences > Data & Privacy; it expires after a year.',
        minLength: 8, maxLength: 512,
      },
      default_country_code: {
        type: 'string', title: 'Default Country Code',
        description: 'Country calling code (digits, e.g. 44) for profile phone numbers written without one (07700 900123). Without it such numbers are left out of $phone: Mixpanel would prefix the profile\'s country code to them.',
        pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
      },
    },
  },
  validateConfig: validateMixpanelConfig,
  variants: {
    default: { description: 'Page views ($mp_web_page_view), screens and every track event with its properties; identify traits to the user profile ($set).', blueprint: 'mixpanel/default.yaml' },
    retail: { description: 'Ecommerce: Segment\'s and GA4\'s ecommerce events as the ecommerce spec\'s names (Product Viewed, Product Added, Checkout Started, Order Completed, …) with typed price, quantity, revenue, currency and products; page views and identify as the default.', blueprint: 'mixpanel/retail.yaml' },
  },
  vendorFields: {
    event: { required: true, description: 'The event name.' },
    // Mixpanel's reserved event properties, mapped at the top level (beside event and
    // properties): the plugin moves them into properties and removes any the properties carry,
    // so a site's properties never choose the ids Mixpanel merges.
    time: { required: false, description: 'When the event happened, ms since epoch (else the event\'s timestamp).' },
    $insert_id: { required: false, description: 'Dedup key (else the messageId; made valid by the plugin).' },
    $device_id: { required: false, description: 'The anonymous id, Simplified ID Merge (else the anonymousId).' },
    $user_id: { required: false, description: 'The identified id, Simplified ID Merge (else the userId).' },
    distinct_id: { required: false, description: 'Set by the plugin: the $user_id whenever there is one; else this, else $device:<$device_id>.' },
    ip: { required: false, description: 'The visitor\'s IP, for geolocation (else context.ip; "0": none).' },
    'properties.$current_url': { required: false },
    'properties.$referrer': { required: false },
    'properties.utm_source': { required: false },
    'properties.utm_medium': { required: false },
    'properties.utm_campaign': { required: false },
    'properties.utm_term': { required: false },
    'properties.utm_content': { required: false },
    $distinct_id: { required: false, description: 'Profile updates: the user\'s id.' },
    $set: { required: false, description: 'Profile updates: the properties to set ($email, $name, $first_name, $last_name, $phone, …).' },
    $ip: { required: false, description: 'Profile updates: the visitor\'s IP, for the profile\'s location.' },
  },
  consent: ['analytics'],
  // Mixpanel's quota is ~30,000 events/s per project (2 GB of JSON a minute, rolling): 10
  // requests of up to 2,000 events a second, and a burst of 15, stay within it.
  rateLimit: { rps: 10, burst: 15 },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => fitPayload(payload, event, { defaultCountryCode: typeof ctx.config.default_country_code === 'string' ? ctx.config.default_country_code : undefined }),
  send: buildRequests,
  classify: classifyMixpanel,
  // Mixpanel's Ingestion API, Import Events, 200 (developer.mixpanel.com/reference/import-events); /engage's verbose 200 { status: 1, error: null } is in the unit tests.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { code: 200, num_records_imported: 2, status: 'OK' } },
  forgetPerson,
});
