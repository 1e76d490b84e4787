import { definePlugin } from '../../core/sdk/index.ts';
import { classifyPostHog } from './classify.ts';
import { CONFIG_SCHEMA, optionsOf, validatePostHogConfig } from './config.ts';
import { fitRecord } from './fit-to-posthog.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BYTES, MAX_EVENTS } from './requests.ts';

export { validatePostHogConfig };

export default definePlugin({
  id: 'posthog',
  name: 'PostHog',
  category: 'analytics',
  description: 'Server-side events to PostHog through its capture API (/batch/): track events under their names, page views as $pageview, screens as $screen, identify traits to the person ($identify with $set, merging the visitor\'s anonymous id), aliases as $create_alias; anonymous events without person profiles until identified; a stable uuid per event for deduplication; US and EU Cloud or a self-hosted host; person deletions through the persons API with a personal API key.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validatePostHogConfig,
  variants: {
    default: { description: 'Page views ($pageview with $current_url, $pathname, $referrer, title), screens ($screen) and every track event with its properties; identify traits as person properties ($identify, $set) merging the visitor\'s anonymous id; alias calls as $create_alias.', blueprint: 'posthog/default.yaml' },
    retail: { description: 'Ecommerce: Segment\'s and GA4\'s ecommerce events as the ecommerce spec\'s names (Product Viewed, Product Added, Checkout Started, Order Completed with revenue and currency, …) with typed numbers and products; the rest as the default.', blueprint: 'posthog/retail.yaml' },
  },
  vendorFields: {
    event: { required: true, description: 'The event name ($pageview, $screen, $identify, $create_alias, or the track event\'s).' },
    // PostHog's reserved fields, mapped at the top level (beside event and properties): the
    // plugin puts them in place and removes any the properties carry, so a site's properties
    // never choose the ids PostHog merges.
    distinct_id: { required: false, description: 'The known user\'s id (else the userId); without a usable one, the anonymous id ($device_id).' },
    $device_id: { required: false, description: 'The visitor\'s anonymous id (else the anonymousId), sent as $device_id and the distinct_id of anonymous events.' },
    uuid: { required: false, description: 'PostHog\'s deduplication key (else the messageId): a UUID as it is, other text as its UUIDv5.' },
    timestamp: { required: false, description: 'When it happened, ISO 8601 (else the event\'s timestamp).' },
    $ip: { required: false, description: 'The visitor\'s IP, for GeoIP (else none, and $geoip_disable: true).' },
    $anon_distinct_id: { required: false, description: 'Identify: the visitor\'s anonymous id, merged into the user.' },
    $set: { required: false, description: 'Identify: person properties to set.' },
    $set_once: { required: false, description: 'Identify: person properties to set when not set yet.' },
    alias: { required: false, description: 'Alias: the previousId merged into the userId.' },
    'properties.$current_url': { required: false },
    'properties.$pathname': { required: false },
    'properties.$referrer': { required: false },
    'properties.title': { required: false, description: 'The page\'s title, on $pageview (as PostHog\'s JavaScript SDK sends it).' },
    'properties.$screen_name': { required: false },
    'properties.$raw_user_agent': { required: false },
    'properties.$browser_language': { required: false },
    'properties.$lib': { required: false },
    'properties.utm_source': { required: false },
    'properties.utm_medium': { required: false },
    'properties.utm_campaign': { required: false },
    'properties.utm_term': { required: false },
    'properties.utm_content': { required: false },
    'properties.revenue': { required: false, description: 'The order\'s revenue, for PostHog\'s revenue analytics (retail variant).' },
    'properties.currency': { required: false, description: 'ISO 4217 code of revenue.' },
  },
  // Product analytics: the events describe how people use the site.
  consent: ['analytics'],
  // PostHog: "Public POST-only endpoints like event capture … there are no rate limits." Ten
  // requests a second of up to 1,000 events keep a steady pace; raise it per integration.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => fitRecord(payload, event, optionsOf(ctx.config)),
  send: buildRequests,
  classify: (response, request) => classifyPostHog(response, request),
  // Capture's answer to a batch it took, as its source gives it (PostHog/posthog rust/capture/src/api.rs: axum's Json of
  // CaptureResponse, whose status serializes by its variant's name); its API page shows the older {"status": 1}.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { status: 'Ok' } },
  forgetPerson,
});
