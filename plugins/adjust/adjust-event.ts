// The mapped event as Adjust's S2S event parameters: the event token (config.event_tokens),
// the device ids (see device-ids.ts), created_at_unix, ip_address, revenue and currency, and
// callback_params / partner_params as JSON text. The request builder adds s2s=1, app_token and
// environment from the config (see requests.ts).
import { PermanentError, readDecimal, readInstantMs, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { eventKeys, eventTokenFor, EVENT_TOKEN } from './config.ts';
import { deviceIdsOf } from './device-ids.ts';

/** Adjust's documented ceiling for `revenue` ("Invalid revenue … limit = 100,000,000,000"). */
export const MAX_REVENUE = 100_000_000_000;
/** Adjust's documented floor for `revenue` ("Adjust's servers accept a minimum value of 0.001"). */
export const MIN_REVENUE = 0.001;
/** Adjust rejects events with a timestamp older than 58 days (S2S events: Event timestamp). */
export const MAX_AGE_MS = 58 * 24 * 3600 * 1000;
const CURRENCY = /^[A-Z]{3}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The Adjust params of one event, in the order a request carries them (all text). */
export type AdjustParams = JsonObject & Record<string, string>;

const shown = (value: JsonValue | undefined) => {
  const json = JSON.stringify(value) ?? 'nothing';
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
};

/**
 * Callback or partner parameters as Adjust takes them: a flat JSON object of text values
 * (numbers and booleans as their text; objects and lists as their JSON; empty values left
 * out), or undefined when none is left.
 *
 * @example
 * paramsText({ order_id: 'A-1', items: 2, note: null }); // '{"order_id":"A-1","items":"2"}'
 */
export function paramsText(value: JsonValue | undefined): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (key.trim() === '' || entry === null || entry === undefined || entry === '') continue;
    out[key] = typeof entry === 'string' ? entry : typeof entry === 'object' ? JSON.stringify(entry) : String(entry);
  }
  return Object.keys(out).length > 0 ? JSON.stringify(out) : undefined;
}

/** A revenue as decimal text Adjust takes (no exponent), or undefined. */
function revenueText(amount: number): string {
  return Number.isInteger(amount) ? String(amount) : String(Number(amount.toFixed(6)));
}

/**
 * The event's Adjust params, or null when it is not sent: no event token for it in
 * config.event_tokens, or no device id Adjust could know it by (each says why through
 * `ctx.warn`, shown in the delivery log and previews).
 *
 * Throws a PermanentError (the event alone dead-lettered) for a revenue that is no number,
 * below zero or over Adjust's limit, or a mapped event token that is none.
 *
 * @example
 * toAdjustParams({ created_at: 1714648500, device: { type: 'ios', advertising_id: '6D92…' }, revenue: 19.99, currency: 'usd' }, orderCompleted, ctx);
 * // { event_token: 'f0ob4r', idfa: '6D92…', created_at_unix: '1714648500', revenue: '19.99', currency: 'USD' }
 */
export function toAdjustParams(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): AdjustParams | null {
  let eventToken: string | undefined;
  if (typeof payload.event_token === 'string' && payload.event_token.trim() !== '') {
    eventToken = payload.event_token.trim();
    if (!EVENT_TOKEN.test(eventToken)) throw new PermanentError(`the blueprint mapped event_token ${shown(payload.event_token)}: an Adjust event token is the token AppView shows for the event, lower-case letters and digits (e.g. f0ob4r)`);
  } else {
    eventToken = eventTokenFor(event, ctx.config);
  }
  if (eventToken === undefined) {
    const keys = eventKeys(event);
    ctx.warn?.(`not sent: config.event_tokens names no Adjust event token for ${keys.length > 0 ? keys.map((k) => `"${k}"`).join(' or ') : `this ${event.type} call`}`);
    return null;
  }
  const ids = deviceIdsOf(payload, ctx.config.anonymous_id_is_adid === true);
  if (ids.length === 0) {
    ctx.warn?.('not sent: Adjust records an event against a device its SDK knows, and this one names none (no integrations.Adjust ids, no context.device.advertisingId or id on iOS/Android, no anonymousId that is the adid)');
    return null;
  }

  const params: AdjustParams = { event_token: eventToken };
  for (const [param, id] of ids) params[param] = id;

  const at = readInstantMs(payload.created_at) ?? readInstantMs(event.timestamp ?? event.receivedAt);
  if (at !== undefined) {
    // Adjust rejects an event older than 58 days: dead-lettered here, saying so, not sent.
    if (ctx.now - at > MAX_AGE_MS) throw new PermanentError(`Adjust rejects events older than 58 days, and this one is from ${new Date(at).toISOString()}`);
    // Whole seconds (Adjust takes digits only), never after this delivery.
    params.created_at_unix = String(Math.floor(Math.min(at, ctx.now) / 1000));
  }

  const ip = typeof payload.ip_address === 'string' ? payload.ip_address.trim() : '';
  if (IPV4.test(ip)) params.ip_address = ip;
  else if (ip !== '') ctx.warn?.(`ip_address left out: Adjust takes IPv4 addresses only, and this one is ${shown(ip)}`);

  const revenue = readDecimal(payload.revenue, { vendor: 'Adjust', field: 'revenue' });
  if (revenue !== undefined) {
    if (revenue < 0 || revenue > MAX_REVENUE) throw new PermanentError(`Adjust takes revenue from 0 to 100,000,000,000; the blueprint mapped ${shown(payload.revenue)}`);
    const currency = typeof payload.currency === 'string' ? payload.currency.trim().toUpperCase() : '';
    if (revenue < MIN_REVENUE) {
      // Adjust takes revenue from 0.001: a zero (a free order) is sent as the event alone.
      if (revenue !== 0) ctx.warn?.(`revenue left out: Adjust takes revenue from 0.001, and the event gives ${shown(payload.revenue)}`);
    } else if (CURRENCY.test(currency)) {
      params.revenue = revenueText(revenue);
      params.currency = currency;
    } else {
      ctx.warn?.(`revenue left out: Adjust needs its currency (an ISO 4217 code such as EUR), and the event gives ${shown(payload.currency)}`);
    }
  }

  const callback = paramsText(payload.callback_params);
  if (callback !== undefined) params.callback_params = callback;
  const partner = paramsText(payload.partner_params);
  if (partner !== undefined) params.partner_params = partner;
  return params;
}
