import { definePlugin, type ConfigProblem, type JsonValue } from '../../core/sdk/index.ts';
import { classifyCustomerIo } from './classify.ts';
import { fitItem, fitOptionsOf } from './fit-to-customerio.ts';
import { buildBatchRequests, forgetPerson, MAX_BYTES, MAX_ITEMS } from './requests.ts';

function given(value: JsonValue | undefined): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * Checks beyond the schema: the site ID and the Track API key hold no white space (they travel
 * in an HTTP Basic header: a paste error), the site ID no colon (Basic auth cannot carry one in
 * a user name: the key pasted after it?), and the key is not the site ID again.
 *
 * @example
 * validateCustomerIoConfig({ site_id: 'abc123:key', api_key: 'abc123' });
 * // [{ field: 'site_id', message: 'holds a colon …' }, …]
 */
export function validateCustomerIoConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const field of ['site_id', 'api_key'] as const) {
    const value = config[field];
    if (given(value) && /\s/.test(value)) problems.push({ field, message: 'holds white space or a line break (copied with the text around it?): give the value alone' });
  }
  if (given(config.site_id) && config.site_id.includes(':')) {
    problems.push({ field: 'site_id', message: 'holds a colon, which HTTP Basic auth cannot carry in the site ID: give the Site ID alone (Account Settings > API Credentials > Track API Keys) and the key in api_key' });
  }
  if (given(config.api_key) && config.api_key === config.site_id) {
    problems.push({ field: 'api_key', message: 'is the Site ID again: give the Track API key shown beside the Site ID (Account Settings > API Credentials > Track API Keys)' });
  }
  return problems;
}

export default definePlugin({
  id: 'customerio',
  name: 'Customer.io',
  category: 'cdp',
  description: 'Server-side people and events to Customer.io through its Track API v2 (/api/v2/batch): identify traits to person attributes (merging the visitor\'s anonymous events), track calls to events, page calls to page views, with a ULID dedup id per event; per-item outcomes from its 207 answers; US and EU regions; person deletions through a delete (or suppress) action.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['site_id', 'api_key'],
    properties: {
      site_id: {
        type: 'string', title: 'Site ID',
        description: 'The Site ID of the workspace\'s Track API credentials (Account Settings > API Credentials > Track API Keys). Sent as the user name of HTTP Basic auth.',
        minLength: 1, maxLength: 128, examples: ['a1b2c3d4e5f6a7b8c9d0'],
      },
      api_key: {
        type: 'string', title: 'Track API Key', secret: true,
        description: 'The Track API key shown beside the Site ID (not an App API key). Sent as the password of HTTP Basic auth.',
        minLength: 8, maxLength: 256, examples: ['0123456789abcdef0123'],
      },
      region: {
        type: 'string', title: 'Region',
        description: 'The workspace\'s data center (its account\'s Privacy page names it): United States (track.customer.io) or European Union (track-eu.customer.io). The US host redirects an EU workspace\'s requests, which Signal does not follow (they would pass through US servers); the EU host refuses a US workspace\'s credentials.',
        enum: ['us', 'eu'], enumLabels: ['United States', 'European Union'], default: 'us',
      },
      default_country_code: {
        type: 'string', title: 'Default Country Code',
        description: 'Country calling code (digits, e.g. 44) for phone numbers written without one (07700 900123), so the phone attribute is sent in E.164 as Customer.io\'s SMS needs. Without it such numbers dead-letter the identify, saying so.',
        pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
      },
      forward_deletions: {
        type: 'boolean', title: 'Forward Person Deletions',
        description: 'Forward person deletions (deletePerson) to Customer.io with the same credentials.',
        default: true,
      },
      deletion_action: {
        type: 'string', title: 'Deletion Action',
        description: 'What a forwarded deletion does: delete the person (their profile and what Customer.io recorded of them; data naming their id later creates a new person), or delete and suppress them (their identifiers are blocked too: later data naming them is ignored until someone unsuppresses them in Customer.io).',
        enum: ['delete', 'suppress'], enumLabels: ['Delete the person', 'Delete and suppress the person\'s identifiers'], default: 'delete',
      },
    },
  },
  validateConfig: validateCustomerIoConfig,
  variants: {
    default: { description: 'Identify traits to person attributes (the visitor\'s anonymous events merged), track calls to events with their properties, page calls to page views (named by URL), screen calls to screen views.', blueprint: 'customerio/default.yaml' },
    retail: { description: 'As the default, and Segment\'s (and GA4\'s) ecommerce events with typed order, cart and product data for segments and message personalisation.', blueprint: 'customerio/retail.yaml' },
  },
  vendorFields: {
    // Identity, time and dedup id: the plugin sets identifiers, timestamp and id on every item
    // from these, never from the site's properties or traits.
    action: { required: true, description: 'identify, event, page or screen (set by each handler).' },
    user_id: { required: false, description: 'The person\'s id, sent as identifiers.id (else the userId).' },
    anonymous_id: { required: false, description: 'A visitor\'s id: identifiers.anonymous_id of its events, the anonymous_id attribute of an identify (else the anonymousId).' },
    timestamp: { required: false, description: 'When it happened, Unix seconds (else the event\'s timestamp).' },
    id: { required: false, description: 'The messageId, from which (with the action, name and person) the plugin derives the event\'s ULID dedup id.' },
    name: { required: false, description: 'The event\'s name; a page view\'s URL; a screen\'s name.' },
    attributes: { required: false, description: 'A person\'s attributes (identify) or the event\'s data.' },
    'attributes.email': { required: false },
    'attributes.phone': { required: false },
    'attributes.first_name': { required: false },
    'attributes.last_name': { required: false },
    'attributes.created_at': { required: false },
  },
  // Customer.io messages people with what it receives.
  consent: ['marketing'],
  // Customer.io's Track API reference: "a rate limit of 1000 requests per second … not strictly
  // enforced", shared with every other Track API caller. 50 a second, a burst of 100, leaves
  // room for them; each request carries up to 1,000 items.
  rateLimit: { rps: 50, burst: 100 },
  batch: { maxEvents: MAX_ITEMS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => fitItem(payload, event, fitOptionsOf(ctx.config)),
  send: buildBatchRequests,
  classify: classifyCustomerIo,
  // Customer.io's Track API v2 /api/v2/batch: 200 with no body (docs.customer.io/api/track/#operation/batch; README, Outcomes).
  successAnswer: { status: 200, body: '' },
  forgetPerson,
});
