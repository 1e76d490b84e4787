// One conversion event as The Trade Desk's Real-Time Conversions API takes it (one element of
// the request's `data`), fitted from whatever the blueprint mapped: only the fields The Trade
// Desk documents, in its order, each in the form it takes. The account and tag ids are the
// request builder's (from the config). An event that cannot be sent as The Trade Desk needs it
// is dead-lettered alone, saying why.
import { isIP } from 'node:net';
import { isPrivateAddress, namesNoOne, PermanentError, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { usesUrlMapping } from './config.ts';
import { adidOf, impOf } from './identity.ts';
import { orderFields } from './order-data.ts';
import { dataProcessingOption, privacySettings } from './privacy.ts';

/** The custom dynamic properties The Trade Desk takes: td1 to td10. */
export const CUSTOM_FIELDS = ['td1', 'td2', 'td3', 'td4', 'td5', 'td6', 'td7', 'td8', 'td9', 'td10'] as const;
/** The longest event name sent: 100 characters (The Trade Desk documents no limit; a longer name is a mapping mistake). */
export const MAX_EVENT_NAME = 100;

/** An absolute http(s) URL, the page The Trade Desk's URL rules read; anything else is no page. */
function pageUrl(value: JsonValue | undefined): string | undefined {
  const text = readText(value);
  if (text === undefined || !URL.canParse(text)) return undefined;
  return /^https?:$/.test(new URL(text).protocol) ? text : undefined;
}

/**
 * The visitor's public IP address (IPv6 in lower case): a loopback, private or unspecified one
 * is a proxy's or a server's, shared by every visitor behind it, so it is no one's.
 */
function clientIp(value: JsonValue | undefined): string | undefined {
  const text = readText(value);
  return text !== undefined && isIP(text) !== 0 && !isPrivateAddress(text) ? text.toLowerCase() : undefined;
}

/** What a blueprint mapped, for a message: JSON, cut short. */
function shown(value: JsonValue | undefined): string {
  const json = JSON.stringify(value) ?? 'nothing';
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
}

/**
 * The conversion as The Trade Desk takes it: `event_name` (required with an Event Tracker, at
 * most 100 characters), `value`, `currency`, `order_id`, `items`, `referrer_url` (the page: an
 * http(s) URL; required with a Universal Pixel, whose URL rules read it), `client_ip` (public
 * addresses only), `imp` (the landing URL's `ttd_imp`, else the mapped cookie), `adid` with
 * `adid_type` (see adidOf), `td1`–`td10` as text, `privacy_settings`, `data_processing_option`.
 * Anything else the blueprint mapped is left out. Throws a PermanentError (the event is
 * dead-lettered alone) for an event with an Event Tracker and no event name, one with a
 * Universal Pixel and no page URL, or an unreadable value or currency.
 *
 * @example
 * toTradeDeskEvent({ event_name: 'purchase', value: 74.97, currency: 'usd', referrer_url: 'https://shop.example/thanks',
 *   ids: { tdid: 'b8f7eb7d-b357-437b-8bd3-e1c8166c7132' } }, event, ctx);
 * // { event_name: 'purchase', value: '74.97', currency: 'USD', referrer_url: 'https://shop.example/thanks',
 * //   adid: 'b8f7eb7d-b357-437b-8bd3-e1c8166c7132', adid_type: 'TDID' }
 */
export function toTradeDeskEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject {
  const urlMapping = usesUrlMapping(ctx.config);
  const out: JsonObject = {};
  const name = readText(payload.event_name);
  if (name !== undefined && !namesNoOne(name)) out.event_name = [...name].slice(0, MAX_EVENT_NAME).join('');
  else if (!urlMapping) {
    const what = payload.event_name === undefined || payload.event_name === null || payload.event_name === '' ? 'none' : shown(payload.event_name);
    throw new PermanentError(`The Trade Desk needs event_name with an Event Tracker (purchase, addtocart, sitevisit, …): the blueprint mapped ${what}`);
  }
  Object.assign(out, orderFields(payload));
  const url = pageUrl(payload.referrer_url);
  if (url !== undefined) out.referrer_url = url;
  else if (urlMapping) {
    throw new PermanentError(`The Trade Desk needs the page URL (referrer_url, an http(s) URL) with a Universal Pixel, whose URL rules count the conversion: the blueprint mapped ${payload.referrer_url === undefined ? 'none' : shown(payload.referrer_url)}`);
  }
  const ip = clientIp(payload.client_ip);
  if (ip !== undefined) out.client_ip = ip;
  const imp = impOf(payload, event);
  if (imp !== undefined) out.imp = imp;
  const identity = adidOf(payload);
  if (identity !== undefined) Object.assign(out, identity);
  for (const field of CUSTOM_FIELDS) {
    const value = readText(payload[field]);
    if (value !== undefined) out[field] = value;
  }
  const privacy = privacySettings(payload.privacy);
  if (privacy !== undefined) out.privacy_settings = privacy;
  const processing = dataProcessingOption(payload.data_processing_option);
  if (processing !== undefined) out.data_processing_option = processing;
  return out;
}
