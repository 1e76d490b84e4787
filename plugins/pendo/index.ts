/**
 * Pendo: server-side track events through its Track Events API, identify traits as visitor
 * metadata through its Metadata API, and person deletions through its bulk delete API.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/pendo' }
 * // install config
 * { "track_secret": "…", "region": "eu", "integration_key": "…" }
 */
import { definePlugin } from '../../core/sdk/index.ts';
import { classifyPendo } from './classify.ts';
import { CONFIG_SCHEMA, validatePendoConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { fitRecord } from './pendo-event.ts';
import { buildRequests, ENDPOINTS, MAX_BYTES, MAX_EVENTS } from './requests.ts';

export { validatePendoConfig };

export default definePlugin({
  id: 'pendo',
  name: 'Pendo',
  category: 'analytics',
  description: 'Server-side track events to Pendo\'s Track Events API (POST /data/track, one event a request, the Track Event shared secret as x-pendo-integration-key): page views, screens and track events with their properties under Pendo\'s names, the userId as visitorId, the account, time in ms and the browser context; identify traits as visitor metadata (custom or agent fields) through the Metadata API\'s bulk update with an optional integration key; visitors without a userId skipped unless config.anonymous_visitors sends the anonymousId; US, US1, EU, Japan or Australia data center; person deletions through the bulk delete API.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validatePendoConfig,
  variants: {
    default: { description: 'Page views (Page Viewed with url, path, title, referrer), screens (Screen Viewed) and every track event with its properties, on the userId as visitorId and the groupId as accountId; identify traits as visitor metadata.', blueprint: 'pendo/default.yaml' },
  },
  vendorFields: {
    event: { required: true, description: 'Track: the name of the action the visitor performed (absent on identify, whose record sets visitor metadata).' },
    // Who the event is about is decided by the plugin from these, never by a site's properties.
    visitorId: { required: true, description: 'Your id of the visitor (the userId, as the Pendo snippet\'s visitor.id); without one, the anonymousId when config.anonymous_visitors is anonymous_id, else the event is not sent.' },
    accountId: { required: false, description: 'The id of the account the visitor belongs to (Pendo: "highly recommended"), e.g. the groupId.' },
    timestamp: { required: false, description: 'When it happened (ms since the epoch, or ISO 8601; else the event\'s timestamp). Pendo does not process events more than seven days old.' },
    properties: { required: false, description: 'The event\'s properties: names of letters, digits and _ up to 32 characters, the whole JSON within 512 bytes.' },
    'properties.url': { required: false },
    'properties.path': { required: false },
    'properties.title': { required: false },
    'properties.referrer': { required: false },
    'context.ip': { required: false, description: 'The visitor\'s IP address.' },
    'context.userAgent': { required: false, description: 'The visitor\'s user agent (Pendo: recommended).' },
    'context.url': { required: false, description: 'The URL of the page in the browser.' },
    'context.title': { required: false, description: 'The title of the page in the browser.' },
    values: { required: false, description: 'Identify: the visitor\'s metadata values (text, numbers, booleans, dates) by field name.' },
  },
  // Product analytics: the events describe how people use the product.
  consent: ['analytics'],
  // Pendo documents no request rate for these APIs (only "one Track Event per Visitor per
  // second", in an older version of its track events page, and, for bulk deletions, errors
  // "more than once per second"): a moderate pace, with the Metadata API's bulk updates slower.
  rateLimit: { rps: 20, burst: 40, endpoints: { [ENDPOINTS.track]: { rps: 20, burst: 40 }, [ENDPOINTS.metadata]: { rps: 2, burst: 4 } } },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  // The Metadata API's answer to a bulk update (the Track Events API answers a bare 200).
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { total: 1, updated: 1, failed: 0 } },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx, ctx.warn),
  send: buildRequests,
  classify: classifyPendo,
  forgetPerson,
});
