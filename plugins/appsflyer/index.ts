import { definePlugin } from '../../core/sdk/index.ts';
import { toAppsFlyerBody } from './appsflyer-event.ts';
import { classifyAppsFlyer } from './classify.ts';
import { appsFlyerConfigWarnings, CONFIG_SCHEMA, validateAppsFlyerConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { requestFor } from './requests.ts';

export { API2_ORIGIN, API3_ORIGIN, eventsUrl } from './requests.ts';
export { OPENDSR_URL } from './forget-person.ts';

/**
 * Events a delivery job hands `send`: AppsFlyer's S2S events API takes one event per request,
 * so a job of 10 becomes 10 requests of one event each, each answered (and retried or
 * dead-lettered) on its own; jobs of 10 spare the queue a job per event.
 */
const MAX_EVENTS = 10;
/** AppsFlyer's JSON payload limit: 1 KB a request (the map hook keeps each event's body within it). */
const MAX_BYTES = 1024;

export default definePlugin({
  id: 'appsflyer',
  name: 'AppsFlyer',
  category: 'attribution',
  description: 'Mobile app events to AppsFlyer\'s server-to-server (S2S) events API (api3.appsflyer.com/inappevent/<app id>, the S2S key; the legacy api2 dev key too), one event a request: the device\'s AppsFlyer id (integrations.AppsFlyer.appsFlyerId, as the app\'s AppsFlyer SDK gives it), the customer user id, the platform\'s device ids (IDFA/IDFV or GAID), IP, OS and app version, the event name and its parameters as eventValue — Segment\'s ecommerce events as AppsFlyer\'s rich events (af_purchase, af_add_to_cart, af_content_view, af_initiated_checkout, af_complete_registration …) with af_revenue, af_currency and af_content_id. Events without an AppsFlyer id are not sent. Person deletions forwarded to the OpenDSR API with an optional V2 API token.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateAppsFlyerConfig,
  configWarnings: (config) => appsFlyerConfigWarnings(config),
  variants: {
    default: { description: 'Segment\'s ecommerce and lifecycle events as AppsFlyer\'s rich in-app events (af_purchase, af_add_to_cart, af_content_view, af_initiated_checkout, af_complete_registration, af_login, af_search …) with their af_ parameters; other track events under their own name with their properties as eventValue. Page, screen, identify, group and alias calls are not sent.', blueprint: 'appsflyer/default.yaml' },
    retail: { description: 'The ecommerce funnel only, as AppsFlyer\'s rich events: af_list_view, af_content_view, af_search, af_add_to_cart, af_add_to_wishlist, af_initiated_checkout, af_add_payment_info, af_purchase and af_complete_registration with af_revenue, af_price, af_currency, af_content_id and af_quantity; other events are not sent.', blueprint: 'appsflyer/retail.yaml' },
  },
  vendorFields: {
    appsflyer_id: { required: true, description: 'appsflyer_id: the device\'s AppsFlyer id (13 digits, a dash, digits), which the app\'s AppsFlyer SDK gives (getAppsFlyerUID) and sends in integrations.AppsFlyer.appsFlyerId. An event without it is not sent (AppsFlyer attributes S2S events by it).' },
    eventName: { required: true, description: 'eventName: an AppsFlyer event name (af_purchase …) or your own.' },
    eventValue: { required: false, description: 'eventValue: the event\'s parameters (af_revenue, af_currency, af_content_id, af_quantity, af_price, custom ones), sent as the stringified JSON object AppsFlyer reads ("" without any).' },
    eventCurrency: { required: false, description: 'eventCurrency: ISO 4217 code of af_revenue.' },
    eventTime: { required: false, description: 'eventTime: the event\'s time, sent as "yyyy-MM-dd HH:mm:ss.SSS" in UTC.' },
    customer_user_id: { required: false, description: 'customer_user_id: your own user id (the userId).' },
    'ids.advertising_id': { required: false, description: 'idfa (iOS) or advertising_id (Android, GAID): context.device.advertisingId; left out when ad tracking is limited or all zeros.' },
    'ids.device_id': { required: false, description: 'idfv (iOS only): context.device.id, which Segment\'s iOS SDK fills with the IDFV.' },
    'ids.ad_tracking': { required: false, description: 'context.device.adTrackingEnabled: false leaves the advertising id out; also sent as aie on Android and on iOS before 14 (by the os field).' },
    'ids.att': { required: false, description: 'att (iOS): the ATTrackingManager authorization status, 0–3.' },
    ip: { required: false, description: 'ip: the device\'s IPv4 address at the event (IPv6 is left out: AppsFlyer documents IPv4).' },
    ua: { required: false, description: 'ua: the device\'s user agent (left out when the event would pass 1 KB with it).' },
    os: { required: false, description: 'os: the OS version (context.os.version); AppsFlyer asks for it on iOS.' },
    app_version_name: { required: false, description: 'app_version_name: context.app.version.' },
    bundleIdentifier: { required: false, description: 'bundleIdentifier: the app\'s bundle id or package (context.app.namespace).' },
    sharing_filter: { required: false, description: 'sharing_filter: "all" (share the event with no partner) or a list of partner ids; the blueprints set "all" when context.consent.advertising is false.' },
  },
  consent: ['advertising'],
  // AppsFlyer's documented limit: 60,000 POSTs a minute per account (1,000 a second); the
  // default stays below it, room for the app's other S2S senders.
  rateLimit: { rps: 500, burst: 1000 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toAppsFlyerBody(payload, event, ctx),
  send: (batch, ctx) => batch.map((mapped) => requestFor(mapped, ctx)),
  successAnswer: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' },
  classify: (response) => classifyAppsFlyer(response),
  forgetPerson,
});
