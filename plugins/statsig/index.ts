/**
 * Statsig: events to its HTTP event logging API (POST /v1/log_event), for its product
 * analytics and experiment metrics; person deletions through its user data deletion API.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/statsig' }
 * // install config
 * { "server_secret": "secret-…", "stable_id_name": "stableID" }
 */
import { definePlugin } from '../../core/sdk/index.ts';
import { classifyStatsig } from './classify.ts';
import { CONFIG_SCHEMA, validateStatsigConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { fitEvent } from './statsig-event.ts';
import { buildRequests, MAX_BYTES, MAX_EVENTS } from './requests.ts';

export { validateStatsigConfig };

export default definePlugin({
  id: 'statsig',
  name: 'Statsig',
  category: 'analytics',
  description: 'Events to Statsig\'s HTTP event logging API (POST /v1/log_event on events.statsigapi.net or api.statsig.com, the Server Secret Key as STATSIG-API-KEY, up to 500 events a request): page views as page_view, screens as screen_view and every track event under its own name, its properties as string metadata and its revenue or value as value, for Statsig\'s metrics and experiment results; the StatsigUser from the userId (userID), the anonymousId as a customID (stableID or an ID type of yours), email, IP, user agent, country, locale, app version and the traits Signal remembers from identify calls (user.custom); identify calls are not sent (Statsig has no profile API); optional environment tier; person deletions by userID through Statsig\'s Enterprise user data deletion API when enabled.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateStatsigConfig,
  variants: {
    default: { description: 'Page views (page_view with url, path, title, referrer), screens (screen_view) and every track event with its properties as metadata and revenue/value as value; identify traits on the person\'s later events as user.custom.', blueprint: 'statsig/default.yaml' },
  },
  vendorFields: {
    eventName: { required: true, description: 'The event\'s name (cut to 128 characters, past which Statsig may trim it).' },
    'user.userID': { required: false, description: 'Your id of the user (the userId). An event needs it or the anonymousId.' },
    anonymousId: { required: false, description: 'Signal\'s own: the visitor\'s id, sent as user.customIDs[config.stable_id_name].' },
    'user.email': { required: false },
    'user.ip': { required: false, description: 'The visitor\'s IP address (Statsig derives the country from it).' },
    'user.userAgent': { required: false },
    'user.country': { required: false, description: 'Two-letter country code.' },
    'user.locale': { required: false },
    'user.appVersion': { required: false },
    'user.custom': { required: false, description: 'The person\'s own attributes: strings, numbers, booleans, lists of strings (the last left out past 4,096 characters of the user).' },
    value: { required: false, description: 'A number (or a string of up to 128 characters) Statsig\'s metrics can sum or count.' },
    metadata: { required: false, description: 'The event\'s properties, each value sent as a string, the whole within 4,096 characters of keys and values.' },
    time: { required: false, description: 'When it happened, in ms since the epoch (else the time of sending).' },
  },
  // Product analytics and experiment metrics: how people use the product.
  consent: ['analytics'],
  // Statsig documents no rate limit for log_event (its SDKs flush every few seconds); a
  // moderate pace of large batches is far above a site's event flow.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  // The API reference's answer to events accepted for processing (every 2xx is read as delivered).
  successAnswer: { status: 202, headers: { 'content-type': 'application/json' }, body: { success: true } },
  map: (payload, event, ctx) => fitEvent(payload, event, ctx, ctx.warn),
  send: buildRequests,
  classify: classifyStatsig,
  forgetPerson,
});
