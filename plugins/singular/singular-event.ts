// The mapped event as the parameters of Singular's S2S EVENT endpoint: the event name (`n`), the
// platform (`p`), the app (`i`), the device ids (see device-ids.ts), the device's IPv4 address
// (`ip`), OS version (`ve`) and user agent (`ua`), the event's time (`utime`, `umilisec`), the
// custom user id, revenue (`is_revenue_event`, `amt`, `cur`, `purchase_transaction_id`) and the
// event's attributes as JSON (`e`). The request builder adds the SDK Key (`a`) from the config.
//
// An event Singular could not attribute is not sent, saying why (ctx.warn): one naming no iOS or
// Android device, no app, or no IPv4 address, which Singular requires of every event.
import { isIP } from 'node:net';
import {
  PermanentError, readDecimal, readInstantMs, readText, removeContactInfo, usableId,
  type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext,
} from '../../core/sdk/index.ts';
import { APP_ID, EVENT_NAME, MAX_EVENT_NAME, singularEventName } from './config.ts';
import { deviceOf } from './device-ids.ts';

/** The event name screen calls are sent as (the blueprint's; renamed by config.event_names). */
export const SCREEN_EVENT = 'Screen Viewed';
/** Singular's limit on an attribute's text (its SDKs' documented 500 ASCII characters). */
export const MAX_ATTRIBUTE_CHARS = 500;
const CURRENCY = /^[A-Z]{3}$/;

/** The Singular params of one event, in the order a request carries them (all text). */
export type SingularParams = JsonObject & Record<string, string>;

const shown = (value: JsonValue | undefined) => {
  const json = JSON.stringify(value) ?? 'nothing';
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
};

/**
 * The event's attributes as Singular's `e` takes them: a flat JSON object of text, numbers,
 * booleans (and lists of them), without contact information; nested objects and text over 500
 * characters left out (each named in a warning); undefined when none is left.
 *
 * @example
 * attributesText({ order_id: 'A-1', items: 2, note: null, email: 'a@b.c' }, ctx); // '{"order_id":"A-1","items":2}'
 */
export function attributesText(value: JsonValue | undefined, ctx: PluginContext): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: JsonObject = {};
  const left: string[] = [];
  const scalar = (entry: JsonValue): entry is string | number | boolean => (typeof entry === 'string' && entry.length <= MAX_ATTRIBUTE_CHARS) || typeof entry === 'number' || typeof entry === 'boolean';
  for (const [key, entry] of Object.entries(removeContactInfo(value))) {
    if (key.trim() === '' || entry === null || entry === '') continue;
    if (scalar(entry)) out[key] = entry;
    else if (Array.isArray(entry) && entry.every(scalar)) out[key] = entry;
    else left.push(key);
  }
  if (left.length > 0) ctx.warn?.(`attributes ${left.join(', ')} left out: Singular's event attributes are text of up to ${MAX_ATTRIBUTE_CHARS} characters, numbers, booleans or lists of them`);
  return Object.keys(out).length > 0 ? JSON.stringify(out) : undefined;
}

/** The device's IPv4 address (an IPv4 written as IPv6, ::ffff:203.0.113.7, is that IPv4), or undefined. */
function ipv4Of(value: JsonValue | undefined): string | undefined {
  const ip = readText(value)?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return ip !== undefined && isIP(ip) === 4 ? ip : undefined;
}

/**
 * The event's Singular params, or null when it is not sent (a screen call without
 * config.send_screens; no iOS or Android device; no app id; no IPv4 address), each saying why
 * through `ctx.warn`.
 *
 * Throws a PermanentError (the event alone dead-lettered) for an event name Singular cannot
 * take (over 32 ASCII characters) or a revenue that is no number.
 *
 * @example
 * toSingularParams({ name: 'Order Completed', device: { type: 'ios', id: '8E0E…' }, ip: '203.0.113.7', app_id: 'com.example.shop', revenue: 19.99, currency: 'usd', is_revenue_event: true }, orderCompleted, ctx);
 * // { n: 'Order Completed', p: 'iOS', i: 'com.example.shop', idfv: '8E0E…', att_authorization_status: '0', ip: '203.0.113.7', …, is_revenue_event: 'true', amt: '19.99', cur: 'USD' }
 */
export function toSingularParams(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): SingularParams | null {
  if (event.type === 'screen' && ctx.config.send_screens !== true) {
    ctx.warn?.('not sent: screen calls are sent only with config.send_screens on');
    return null;
  }
  const mappedName = readText(payload.name);
  if (mappedName === undefined) {
    ctx.warn?.(`not sent: the blueprint mapped no event name for this ${event.type} call`);
    return null;
  }
  const name = singularEventName(mappedName, ctx.config);
  if (!EVENT_NAME.test(name)) {
    throw new PermanentError(`Singular takes event names of 1 to ${MAX_EVENT_NAME} ASCII characters, and this one is ${shown(name)}: rename it in config.event_names (e.g. {${JSON.stringify(mappedName)}: "purchase"})`);
  }
  const device = deviceOf(payload);
  if ('notSent' in device) {
    ctx.warn?.(`not sent: ${device.notSent}`);
    return null;
  }
  const configured = readText(ctx.config.app_id);
  const mappedApp = readText(payload.app_id);
  const app = configured ?? (mappedApp !== undefined && APP_ID.test(mappedApp) ? mappedApp : undefined);
  if (app === undefined) {
    ctx.warn?.(`not sent: Singular requires the app's bundle id or package name (i), and neither config.app_id nor the event's context.app.namespace gives one${mappedApp === undefined ? '' : ` (it is ${shown(mappedApp)})`}`);
    return null;
  }
  const ip = ipv4Of(payload.ip);
  if (ip === undefined) {
    ctx.warn?.(`not sent: Singular requires the device's IPv4 address (ip), and this event gives ${payload.ip === undefined ? 'none (context.ip)' : `${shown(payload.ip)}, not an IPv4 address`}`);
    return null;
  }

  const params: SingularParams = { n: name, p: device.platform, i: app };
  for (const [param, id] of device.ids) params[param] = id;
  params.ip = ip;
  const osVersion = readText(payload.os_version);
  if (osVersion !== undefined) params.ve = osVersion;
  const ua = readText(payload.ua);
  if (ua !== undefined) params.ua = ua;
  const at = readInstantMs(payload.created_at) ?? readInstantMs(event.timestamp ?? event.receivedAt);
  if (at !== undefined) {
    // Never after this delivery: a device clock ahead of time is not the event's time.
    const ms = Math.floor(Math.min(at, ctx.now));
    params.utime = String(Math.floor(ms / 1000));
    params.umilisec = String(ms);
  }
  const userId = readText(payload.custom_user_id);
  if (userId !== undefined && usableId(userId)) params.custom_user_id = userId;

  const revenue = readDecimal(payload.revenue, { vendor: 'Singular', field: 'revenue' });
  if (payload.is_revenue_event === true || revenue !== undefined) {
    const currency = readText(payload.currency)?.toUpperCase();
    if (revenue !== undefined && currency !== undefined && CURRENCY.test(currency)) {
      params.is_revenue_event = 'true';
      params.amt = String(revenue);
      params.cur = currency;
    } else if (payload.is_revenue_event === true) {
      // Singular takes a revenue event without an amount (is_revenue_event alone).
      params.is_revenue_event = 'true';
      if (revenue !== undefined) ctx.warn?.(`amt left out: Singular needs its currency (an ISO 4217 code such as USD), and the event gives ${shown(payload.currency)}`);
    } else if (revenue !== undefined) {
      ctx.warn?.(`revenue left out: Singular needs its currency (an ISO 4217 code such as USD), and the event gives ${shown(payload.currency)}`);
    }
    const transaction = readText(payload.transaction_id);
    if (params.is_revenue_event === 'true' && transaction !== undefined) params.purchase_transaction_id = transaction;
  }
  const attributes = attributesText(payload.attributes, ctx);
  if (attributes !== undefined) params.e = attributes;
  return params;
}
