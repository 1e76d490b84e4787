import { definePlugin } from '../../core/sdk/index.ts';
import { classifySnowplow } from './classify.ts';
import { CONFIG_SCHEMA, snowplowConfigWarnings, validateSnowplowConfig } from './config.ts';
import { PLUGIN_VERSION } from './protocol.ts';
import { MAX_BYTES, MAX_EVENTS, requestsFor, withSentTime } from './requests.ts';
import { COLLECTOR_COOKIE, notSentReason, toTrackerEvent } from './tracker-event.ts';

export { classifySnowplow, said } from './classify.ts';
export {
  CONFIG_SCHEMA, DEFAULT_CATEGORY, DEFAULT_NAMESPACE, DEFAULT_POST_PATH, IGLU_URI, collectorEndpointOf, customHeadersOf, eventSchemaOf,
  snowplowConfigWarnings, validateSnowplowConfig,
} from './config.ts';
export { entitiesOf, mobileContextOf } from './entities.ts';
export {
  CONTEXTS_SCHEMA, EVENT_ID_NAMESPACE, FIELD_MAX_LENGTH, MOBILE_CONTEXT_SCHEMA, PAYLOAD_DATA_SCHEMA, SCREEN_VIEW_SCHEMA, TRACKER_VERSION, UNSTRUCT_EVENT_SCHEMA,
  encodedJson, eventIdOf, screenViewIdOf,
} from './protocol.ts';
export { MAX_BYTES, MAX_EVENTS, TARGET_BYTES, USER_AGENT, headersOf, requestsFor, withSentTime } from './requests.ts';
export { COLLECTOR_COOKIE, notSentReason, platformOf, toTrackerEvent } from './tracker-event.ts';

/**
 * Snowplow: events posted to the customer's own Snowplow Collector in the Snowplow tracker
 * protocol, as a server-side tracker posts them — `POST <collector>/com.snowplowanalytics.snowplow/tp2`
 * with a payload_data body of up to 40,000 bytes. Page calls go as page views (pv); track events
 * as self-describing events (ue) of the Iglu schema the config names for them, else as
 * structured events (se); screen calls as the mobile screen_view event; identify calls as a
 * self-describing event of a schema the config names, else not at all. Each event carries eid
 * (its messageId, or a UUID derived from it), the visitor's ids, IP, User-Agent and language,
 * and dtm/stm, so Snowplow's derived timestamp is the event's time. No deletion API: the data is
 * in the customer's own pipeline and warehouse. See README.md.
 *
 * @example
 * // config: { collector_url: 'https://collector.example.com', app_id: 'shop-web' }
 * snowplow.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://collector.example.com/com.snowplowanalytics.snowplow/tp2',
 * //    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Signal-Snowplow/1.0.0' },
 * //    body: { schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4',
 * //            data: [{ e: 'pv', eid: '…', tv: 'signal-1.0.0', p: 'web', aid: 'shop-web', tna: 'signal', url: 'https://shop.example.com/', …, stm: '1711296000000' }] },
 * //    eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'snowplow',
  name: 'Snowplow',
  category: 'analytics',
  description: 'Your own Snowplow Collector (Snowplow CDI, BDP, Community Edition or Micro) through the Snowplow tracker protocol, as a server-side tracker sends it: page calls as page views, track events as self-describing events of the Iglu schemas you map them to (else as structured events, or not at all), screen calls as screen views, identify calls as a self-describing event of your schema when you name one. Events are batched up to 40,000 bytes a request and carry their messageId as event id, the visitor\'s ids, IP, User-Agent and the event\'s own time. Collectors take no credential; custom headers serve a gateway in front of one. No deletion API: the data is in your own warehouse.',
  logo: 'logo.svg',
  version: PLUGIN_VERSION,
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateSnowplowConfig,
  configWarnings: (config) => snowplowConfigWarnings(config),
  variants: {
    default: { description: 'Page calls as page views (pv: URL, title, referrer); track events as self-describing events (ue) of config.event_schemas with their properties as data, else as structured events (se: category, action, label, property, value); screen calls as screen_view events; identify calls as config.identify_schema events with the traits; group and alias calls are not sent.', blueprint: 'snowplow/default.yaml' },
  },
  vendorFields: {
    e: { required: true, description: 'The event type: pv (page view), ue (self-describing event), se (structured event); set by the plugin from the call type and config.event_schemas.' },
    eid: { required: true, description: 'The event id, a UUID: the messageId when it is one, else a UUID v5 derived from it (the same on every retry).' },
    tv: { required: true, description: 'The tracker version: signal-<plugin version>.' },
    p: { required: true, description: 'The platform: config.platform, or per event mob (a mobile app), web (a page URL) or srv.' },
    aid: { required: true, description: 'The application id (config.app_id).' },
    tna: { required: false, description: 'The tracker namespace (config.namespace, default signal).' },
    uid: { required: false, description: 'The userId (user_id, at most 255 characters).' },
    duid: { required: false, description: 'The anonymousId (domain_userid: Signal\'s first-party visitor id, like the JavaScript tracker\'s domain cookie).' },
    tnuid: { required: false, description: 'The network user id: the collector\'s sp cookie when captured, else the anonymousId (config.network_user_id).' },
    ip: { required: false, description: 'The visitor\'s IP address (context.ip): without it the collector records Signal\'s.' },
    ua: { required: false, description: 'The visitor\'s User-Agent (context.userAgent): without it the collector records Signal\'s.' },
    lang: { required: false, description: 'The browser language (context.locale).' },
    tz: { required: false, description: 'The device\'s time zone (context.timezone).' },
    res: { required: false, description: 'The screen resolution, <width>x<height> (context.screen).' },
    dtm: { required: false, description: 'When the event happened, ms (the event\'s timestamp, corrected for the device\'s clock).' },
    url: { required: false, description: 'The page URL (context.page.url, or a page call\'s properties.url).' },
    page: { required: false, description: 'The page title (context.page.title, properties.title, or the page call\'s name).' },
    refr: { required: false, description: 'The referrer (context.page.referrer).' },
    se_ca: { required: false, description: 'A structured event\'s category: properties.category, else config.structured_category.' },
    se_ac: { required: false, description: 'A structured event\'s action: the event name.' },
    se_la: { required: false, description: 'A structured event\'s label: properties.label.' },
    se_pr: { required: false, description: 'A structured event\'s property: properties.property.' },
    se_va: { required: false, description: 'A structured event\'s value: properties.value, else revenue, else total; a number or decimal text, anything else left out with a warning.' },
    screen_name: { required: false, description: 'A screen call\'s name (the call\'s name, else properties.name): screen_view\'s name, which Snowplow requires (a screen call without one is not sent).' },
    data: { required: false, description: 'A self-describing event\'s data: the track event\'s properties (or the identify call\'s traits), sent in ue_px / ue_pr under its Iglu schema.' },
  },
  consent: ['analytics'],
  // The collector's own network user id cookie, when it is set on the site's domain (a
  // first-party collector): the visitor's tnuid, as the collector would have recorded it.
  cookies: [COLLECTOR_COOKIE],
  // Snowplow documents no rate limit: collectors scale with their load balancer. A 429 (a
  // gateway's) slows the integration down.
  rateLimit: { rps: 50 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toTrackerEvent(payload, event, ctx),
  neverSends: (event, ctx) => notSentReason(event, ctx.config),
  send: (batch, ctx) => requestsFor(batch, ctx),
  sign: (request, ctx) => withSentTime(request, ctx.now),
  classify: (response, request) => classifySnowplow(response, request),
});
