import { definePlugin } from '../../core/sdk/index.ts';
import { classifySingular } from './classify.ts';
import { CONFIG_SCHEMA, validateSingularConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { requestFor } from './requests.ts';
import { toSingularParams } from './singular-event.ts';

export { EVENT_URL_V1, EVENT_URL_V2 } from './requests.ts';
export { GDPR_REQUESTS_URL } from './forget-person.ts';

/**
 * Events a delivery job hands `send`: Singular's EVENT endpoint takes one event a request (no
 * batches), so a job of 10 becomes 10 requests, each answered (and retried or dead-lettered) on
 * its own; jobs of 10 spare the queue a job per event.
 */
const MAX_EVENTS = 10;
/** A job's size: Singular documents no request limit; one event's form stays far below this. */
const MAX_BYTES = 256_000;

export default definePlugin({
  id: 'singular',
  name: 'Singular',
  category: 'attribution',
  description: 'Server-to-server in-app events to Singular\'s S2S EVENT endpoint (s2s.singular.net/api/v1/evt, or /api/v2/evt for the Singular Device ID), one event a request as a form POST with the SDK Key: the event name, platform, app bundle id, the device\'s ids (sdid; or IDFA, IDFV and ATT status on iOS, Google/Amazon advertising id and Android ID on Android), IPv4 address, OS version, user agent, time and custom user id, the properties as event attributes, Order Completed as a revenue event with its amount and currency; screen calls when the config asks. Events without a device, app or IPv4 address are not sent. Person deletions forwarded to Singular\'s GDPR API by user id with an optional API key.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateSingularConfig,
  variants: {
    default: { description: 'Track events under their own name (config.event_names may rename them) with their properties as attributes; Order Completed as a revenue event (amount from revenue, total or value, its currency, the order id as the transaction id); screen calls as "Screen Viewed" when config.send_screens is on. Page, identify, group and alias calls are not sent.', blueprint: 'singular/default.yaml' },
  },
  vendorFields: {
    name: { required: true, description: 'n: the event name (1 to 32 ASCII characters), renamed by config.event_names.' },
    app_id: { required: false, description: 'i: the app\'s bundle id or package name (context.app.namespace), unless config.app_id sets it. An event with neither is not sent.' },
    ip: { required: true, description: 'ip: the device\'s IPv4 address (context.ip). An event without one is not sent (Singular takes no IPv6).' },
    'device.advertising_id': { required: false, description: 'idfa (iOS), aifa (Android) or amid (Amazon): context.device.advertisingId, left out when adTrackingEnabled is false.' },
    'device.id': { required: false, description: 'idfv (iOS, a UUID; required by Singular) or andi (Android, 16 hexadecimal digits): context.device.id.' },
    'device.type': { required: false, description: 'The platform (ios, android), sent as p (iOS, Android): context.device.type, else context.os.name (device.os).' },
    'device.att_status': { required: false, description: 'att_authorization_status (iOS, 0–3): context.device.attStatus; else 3 when an IDFA is sent, else 0.' },
    singular: { required: false, description: 'The ids the app\'s Singular SDK gave (sdid or singularDeviceId, idfa, idfv, aifa, asid, amid, oaid, andi, att_authorization_status): integrations.Singular. An sdid sends the event to /api/v2/evt with it alone.' },
    os_version: { required: false, description: 've: the OS version (context.os.version).' },
    ua: { required: false, description: 'ua: the device\'s user agent (context.userAgent).' },
    created_at: { required: false, description: 'utime and umilisec: the event\'s time in seconds and milliseconds (never after the delivery).' },
    custom_user_id: { required: false, description: 'custom_user_id: your user id (the userId).' },
    is_revenue_event: { required: false, description: 'is_revenue_event: true for a revenue event (Order Completed), sent even without an amount.' },
    revenue: { required: false, description: 'amt: the amount, sent with its currency only (and is_revenue_event=true).' },
    currency: { required: false, description: 'cur: the ISO 4217 code of the amount (e.g. USD).' },
    transaction_id: { required: false, description: 'purchase_transaction_id: the order id of a revenue event.' },
    attributes: { required: false, description: 'e: the event\'s attributes as a JSON object (text up to 500 characters, numbers, booleans, lists of them; contact information left out).' },
  },
  consent: ['advertising'],
  // Singular documents no rate limit for its S2S endpoints; 50 requests a second is this
  // plugin's choice, and a 429 slows the integration down.
  rateLimit: { rps: 50 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toSingularParams(payload, event, ctx),
  send: (batch, ctx) => batch.map((mapped) => requestFor(mapped, ctx)),
  successAnswer: { status: 200, body: { status: 'ok' } },
  classify: (response) => classifySingular(response),
  forgetPerson,
});
