/**
 * Datadog: every call as one log of Datadog's Logs intake (POST /api/v2/logs on
 * http-intake.logs.<site>), for Log Explorer searches, facets, dashboards and monitors. Person
 * deletions as data deletion requests (a Preview API) when config.forward_deletions is on with
 * an application key.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/datadog' }
 * // install config
 * { "site": "datadoghq.eu", "api_key": "…", "service": "shop-web", "tags": ["env:prod"] }
 */
import { definePlugin } from '../../core/sdk/index.ts';
import { classifyDatadog } from './classify.ts';
import { CONFIG_SCHEMA, validateDatadogConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { fitLog } from './log-entry.ts';
import { buildRequests, MAX_BYTES, MAX_EVENTS } from './requests.ts';

export { validateDatadogConfig };

export default definePlugin({
  id: 'datadog',
  name: 'Datadog',
  category: 'analytics',
  description: 'Every call as one log of Datadog\'s Logs intake (POST https://http-intake.logs.<site>/api/v2/logs for the organization\'s site: US1, US3, US5, EU1, AP1, AP2, UK1, US1-FED, US2-FED; the API key as DD-API-KEY; gzipped JSON arrays of up to 1,000 logs and 5 MB): a readable message ("track Order Completed"), the configured ddsource, service, ddtags and hostname, status info, the event\'s time as its date, Datadog\'s standard attributes evt.name, usr.id, usr.anonymous_id and http.url, http.referer, http.useragent, and the event\'s type, messageId, properties, traits and a slice of its context as nested attributes, within Datadog\'s limits (fewer than 256 attributes, keys under 50 characters, under 10 levels, 1 MB a log), for Log Explorer searches, facets, dashboards and monitors. Contact information is never sent, nor the IP address unless config.send_ip. Person deletions as Datadog data deletion requests by usr.id / usr.anonymous_id (a Preview API; opt-in, with an application key).',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateDatadogConfig,
  variants: {
    default: { description: 'Every call as one log: message "<type> <name>", the event\'s time as date, evt.name, usr.id and usr.anonymous_id, http.url / referer / useragent, type, messageId, properties, traits and the page, campaign, device and locale of its context as nested attributes; contact information left out.', blueprint: 'datadog/default.yaml' },
  },
  vendorFields: {
    message: { required: true, description: 'The log\'s body, indexed for full-text search: always set by the plugin, "<type> <name>" ("track Order Completed", "page Pricing").' },
    date: { required: false, description: 'The log\'s official date (ISO 8601), from the event\'s timestamp: within 18 hours of sending, else left out (Datadog rejects older dates) and sent as originalTimestamp.' },
    type: { required: false, description: 'The call\'s type: track, page, screen, identify, group or alias.' },
    event: { required: false, description: 'A track event\'s name: sent as the standard attribute evt.name.' },
    name: { required: false, description: 'A page\'s or screen\'s name: sent as evt.name.' },
    messageId: { required: false },
    userId: { required: false, description: 'Sent as usr.id unless config.send_ids is off.' },
    anonymousId: { required: false, description: 'Sent as usr.anonymous_id unless config.send_ids is off.' },
    http: { required: false, description: 'The page URL (without its query string), referrer and user agent as http.url, http.referer and http.useragent, Datadog\'s standard attributes.' },
    properties: { required: false, description: 'The call\'s properties, nested (properties.revenue), without contact information.' },
    traits: { required: false, description: 'An identify\'s or group\'s traits, without contact information.' },
    context: { required: false, description: 'The page path and title, campaign, locale, timezone, library, device type, OS, app, screen and location.' },
  },
  // Product and site analytics in a third party's service: how people use the site.
  consent: ['analytics'],
  // Datadog: "The API for sending logs is not rate limited." A share of a site's event flow in
  // batches of up to 1,000 logs; a 429 still pauses the integration.
  rateLimit: { rps: 100, burst: 200 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  // The Send logs page's answer to an accepted request: "Request accepted for processing (always 202 empty JSON)".
  successAnswer: { status: 202, headers: { 'content-type': 'application/json' }, body: {} },
  map: (payload, event, ctx) => fitLog(payload, event, ctx, ctx.warn),
  send: buildRequests,
  classify: classifyDatadog,
  forgetPerson,
});
