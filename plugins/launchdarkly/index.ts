/**
 * LaunchDarkly: track events as custom events of LaunchDarkly's events service, as its
 * server-side SDKs send them (POST https://events.launchdarkly.com/bulk, EU
 * events.eu.launchdarkly.com, federal events.launchdarkly.us; the SDK key as Authorization), so
 * that custom metrics and experiments count conversions tracked through Signal; identify calls
 * as identify events with the context's attributes; person deletions as context instance
 * deletions through the REST API when an access token, project and environment are configured.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/launchdarkly' }
 * // install config
 * { "sdk_key": "sdk-…", "event_keys": { "Order Completed": "purchase" } }
 */
import { definePlugin } from '../../core/sdk/index.ts';
import { classifyLaunchDarkly } from './classify.ts';
import { CONFIG_SCHEMA, optionsOf, validateLaunchDarklyConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { fitEvent, neverSentReason } from './launchdarkly-event.ts';
import { buildRequests, MAX_BYTES, MAX_EVENTS } from './requests.ts';

export { validateLaunchDarklyConfig };

export default definePlugin({
  id: 'launchdarkly',
  name: 'LaunchDarkly',
  category: 'analytics',
  description: 'Track events as custom events of LaunchDarkly\'s events service, as its server-side SDKs send them (POST https://events.launchdarkly.com/bulk, or events.eu.launchdarkly.com / events.launchdarkly.us for the EU and federal instances; the environment\'s SDK key as Authorization, X-LaunchDarkly-Event-Schema 4, an X-LaunchDarkly-Payload-ID fixed by the events so a retry is recognised; up to 10,000 events a request), so that LaunchDarkly custom metrics and experiments count conversions tracked through Signal: each track event under its event key (config.event_keys, else its name; page calls only when named there) with its creation time in ms, the context keys ({user: the userId, else the anonymousId}; the context kind, the key chosen and an anonymous device kind configurable), the revenue, value or total as metricValue and the properties as data (no contact information); identify calls as identify events with the context\'s attributes (traits without contact information unless config.context_attributes names them; private attributes redacted as the SDKs do; not when every context is anonymous, which LaunchDarkly does not list); screen, group and alias calls not sent; person deletions as deletions of their context instances through the Contexts API with an API access token, project and environment key.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateLaunchDarklyConfig,
  variants: {
    default: { description: 'Track events as custom events (config.event_keys, else their name) with the revenue, value or total as metricValue and the properties as data; page calls named in config.event_keys; identify calls with a userId as identify events with the context\'s attributes; screen, group and alias calls not sent.', blueprint: 'launchdarkly/default.yaml' },
  },
  vendorFields: {
    event_name: { required: true, description: 'The Signal event\'s name: the LaunchDarkly event key, unless config.event_keys maps the event to another.' },
    user_id: { required: false, description: 'The userId: the context key by default (config.context_key).' },
    anonymous_id: { required: false, description: 'The anonymousId: the context key without a userId; the key of config.anonymous_context_kind when set.' },
    timestamp: { required: true, description: 'When it happened, ms since the epoch: the event\'s creationDate.' },
    metric_value: { required: false, description: 'A number for numeric custom metrics: the event\'s metricValue.' },
    data: { required: false, description: 'The event\'s properties, sent as data without contact information or URL queries (config.send_event_data).' },
    traits: { required: false, description: 'An identify call\'s traits: the context\'s attributes (config.context_attributes, config.private_attributes).' },
  },
  // Experiment metrics: how people respond to variations.
  consent: ['analytics'],
  // LaunchDarkly does not rate-limit its SDKs' event posts (its REST API reference: "LaunchDarkly
  // SDKs are never rate limited"); the SDKs post a payload per process every 5 seconds. A
  // moderate pace of payloads of up to 10,000 events is far above a site's conversions.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  // The events service's answer to a payload it takes.
  successAnswer: { status: 202, headers: {}, body: '' },
  // Screen, group and alias calls, and the page calls config.event_keys does not name (most of
  // a site's traffic), are not queued: the map hook's own first rule, on type and name alone.
  neverSends: (event, ctx) => neverSentReason(event, optionsOf(ctx.config)),
  map: (payload, event, ctx) => fitEvent(payload, event, ctx, ctx.warn),
  send: buildRequests,
  classify: classifyLaunchDarkly,
  forgetPerson,
});
