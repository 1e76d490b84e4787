import { definePlugin } from '../../core/sdk/index.ts';
import { toAdjustParams } from './adjust-event.ts';
import { classifyAdjust } from './classify.ts';
import { CONFIG_SCHEMA, validateAdjustConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { requestFor } from './requests.ts';

export { EVENT_URL } from './requests.ts';
export { FORGET_DEVICE_URL } from './forget-person.ts';

/** Adjust's S2S event endpoint takes one event a request: each answer is its event's own. */
const MAX_EVENTS = 1;
/** Adjust refuses a request over 1 MB (HTTP 413, "Request size too large"). */
const MAX_BYTES = 1_000_000;

export default definePlugin({
  id: 'adjust',
  name: 'Adjust',
  category: 'attribution',
  description: 'Server-to-server in-app events to Adjust\'s S2S event API (s2s.adjust.com/event), one event a request: each Signal event named in the config sent as its Adjust event token, against the device Adjust\'s SDK knows (integrations.Adjust ids, the IDFA or Google/Fire advertising id, the IDFV or Android ID, the adid), with its time, IPv4 address, revenue and currency, callback and partner parameters; the S2S Security token as a Bearer token; person deletions forwarded to Adjust\'s GDPR forget device endpoint when the anonymousId is the Adjust adid.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateAdjustConfig,
  variants: {
    default: { description: 'Every track, screen and page call with the app\'s device ids, time and IP; revenue and currency from properties.revenue (or total, value) and properties.currency; the order id and product count as callback parameters. Only the events named in config.event_tokens are sent.', blueprint: 'adjust/default.yaml' },
    retail: { description: 'Segment\'s ecommerce spec: Order Completed with its revenue (revenue, else total) and currency, the order id, products and coupon as callback parameters; Product Added, Product Viewed, Checkout Started, Products Searched and Signed Up with their ids. Only the events named in config.event_tokens are sent.', blueprint: 'adjust/retail.yaml' },
  },
  vendorFields: {
    event_token: { required: false, description: 'event_token: the Adjust event token; from config.event_tokens by the Signal event name unless the blueprint maps one.' },
    'device.advertising_id': { required: false, description: 'idfa (iOS), gps_adid (Android) or fire_adid (Amazon): context.device.advertisingId, left out when adTrackingEnabled is false.' },
    'device.id': { required: false, description: 'idfv (iOS, a UUID) or android_id (Android, 16 hexadecimal digits): context.device.id.' },
    'device.type': { required: false, description: 'The platform (ios, android) that decides which Adjust id an advertising id is: context.device.type.' },
    'device.os': { required: false, description: 'The OS name (iOS, Android), read when device.type is absent: context.os.name.' },
    adjust: { required: false, description: 'The ids the Adjust SDK gave (adid, idfa, idfv, gps_adid, fire_adid, oaid, android_id, web_uuid): integrations.Adjust.' },
    anonymous_id: { required: false, description: 'adid, when config.anonymous_id_is_adid is on and it has the adid\'s form (32 hexadecimal digits).' },
    created_at: { required: false, description: 'created_at_unix: the event\'s time in whole seconds (never after the delivery).' },
    ip_address: { required: false, description: 'ip_address: the device\'s IPv4 address (Adjust takes no IPv6).' },
    revenue: { required: false, description: 'revenue: the amount in full currency units, sent with currency only (0.001 to 100,000,000,000; 0 left out).' },
    currency: { required: false, description: 'currency: the ISO 4217 code of the revenue (e.g. EUR).' },
    callback_params: { required: false, description: 'callback_params: a JSON object of text values Adjust passes to your callbacks.' },
    partner_params: { required: false, description: 'partner_params: a JSON object of text values Adjust passes to the network partners you share the event with.' },
  },
  consent: ['advertising'],
  // Adjust documents no rate limit for its S2S event endpoint: 50 requests a second (burst
  // 100) of one event each, and a 429 slows the integration down.
  rateLimit: { rps: 50 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toAdjustParams(payload, event, ctx),
  send: (batch, ctx) => batch.map((mapped) => requestFor(mapped, ctx)),
  successAnswer: { status: 200, body: { status: 'OK' } },
  classify: (response) => classifyAdjust(response),
  forgetPerson,
});
