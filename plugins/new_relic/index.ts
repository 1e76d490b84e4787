/**
 * New Relic: site events as custom events of New Relic's Event API (POST
 * /v1/accounts/{accountId}/events on insights-collector.newrelic.com, EU
 * insights-collector.eu01.nr-data.net), for dashboards, NRQL queries and alerts. New Relic
 * cannot delete custom events, so person deletions are not forwarded.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/new_relic' }
 * // install config
 * { "account_id": "1234567", "api_key": "…", "region": "us", "event_type": "SignalEvent" }
 */
import { definePlugin } from '../../core/sdk/index.ts';
import { classifyNewRelic } from './classify.ts';
import { CONFIG_SCHEMA, validateNewRelicConfig } from './config.ts';
import { fitEvent } from './new-relic-event.ts';
import { buildRequests, MAX_BYTES, MAX_EVENTS } from './requests.ts';

export { validateNewRelicConfig };

export default definePlugin({
  id: 'new_relic',
  name: 'New Relic',
  category: 'analytics',
  description: 'Site events as custom events of New Relic\'s Event API (POST /v1/accounts/{accountId}/events on insights-collector.newrelic.com or, for EU accounts, insights-collector.eu01.nr-data.net; a License key as Api-Key, or an older Insights insert key as X-Insert-Key; gzipped JSON arrays of up to 1,000 events and 1 MB): every call under one eventType (SignalEvent, or per event name or call type as configured) with its type, event or page name, ids and timestamp, and its properties, traits, page, campaign, device and locale as flat dotted attributes (properties.revenue, context.page.path), within New Relic\'s limits (254 attributes, 4,096-character values, 1 MB an event), for NRQL dashboards and alerts. Contact information is left out, since New Relic cannot delete custom events; person deletions are therefore not forwarded.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateNewRelicConfig,
  variants: {
    default: { description: 'Every call as one custom event with its type, event or page name, ids, properties, traits and the page, campaign, device and locale of its context as dotted attributes; contact information left out.', blueprint: 'new_relic/default.yaml' },
  },
  vendorFields: {
    eventType: { required: false, description: 'The event type NRQL queries FROM (New Relic requires it): always set by the plugin from config.event_type / config.event_types.' },
    timestamp: { required: false, description: 'When it happened, in ms since the epoch (within 24 hours of sending; else New Relic dates it on arrival and the plugin sends originalTimestamp).' },
    type: { required: false, description: 'The call\'s type: track, page, screen, identify, group or alias.' },
    eventName: { required: false, description: 'A track event\'s name, a page\'s or a screen\'s name.' },
    messageId: { required: false },
    userId: { required: false, description: 'Sent unless config.send_ids is off.' },
    anonymousId: { required: false, description: 'Sent unless config.send_ids is off.' },
    properties: { required: false, description: 'The call\'s properties, flattened as properties.<name> attributes.' },
    traits: { required: false, description: 'An identify\'s or group\'s traits, as traits.<name> attributes (contact information left out).' },
    context: { required: false, description: 'The page, campaign, device, OS, app, screen, locale and location, as context.<…> attributes.' },
  },
  // Product and site analytics: how people use the site.
  consent: ['analytics'],
  // New Relic: 100,000 POSTs a minute an account (about 1,600 a second). A tenth of a share of
  // it is far above a site's event flow in batches of up to 1,000 events.
  rateLimit: { rps: 100, burst: 200 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  // The Event API page's answer to an accepted request.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { success: true, uuid: '5f0a5c3c-1a2b-4c3d-9e8f-0a1b2c3d4e5f' } },
  map: (payload, event, ctx) => fitEvent(payload, event, ctx, ctx.warn),
  send: buildRequests,
  classify: classifyNewRelic,
});
