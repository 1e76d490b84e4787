// One conversion event as Yahoo's CAPI takes it (an item of the request's JSON array), from
// whatever the blueprint mapped: `eventName` (the config's event_names first), `eventId` (the
// messageId: what Yahoo deduplicates on), `eventTs` (epoch milliseconds), `actionSource`,
// `actionSourceUrl`, `country`, `userData` (hashed here), `eventData`, `clickData` and
// `privacy`. An event Yahoo would refuse for what a user can fix is dead-lettered here alone,
// saying why; one with no Yahoo event name is not sent.
import { eventMapName, isJsonObject, namesNoOne, PermanentError, readInstantMs, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { clickIdOf } from './click-id.ts';
import { ACTION_SOURCES, MAX_EVENT_NAME_CHARS, type ActionSource } from './config.ts';
import { yahooEventData } from './event-data.ts';
import { yahooPrivacy } from './privacy.ts';
import { yahooUserData } from './user-data.ts';

/** Other spellings of `actionSource` read as Yahoo's, in any letter case. */
const ACTION_SOURCE_ALIASES: Readonly<Record<string, ActionSource>> = {
  website: 'web', mobile_app: 'app', mobile: 'app', application: 'app', offline: 'physical_store', store: 'physical_store', phone_call: 'phone', call: 'phone',
};
/**
 * The Yahoo event names the default blueprint sends (page_view, purchase, …). An event already
 * called by one of them (GA4's `purchase`, `add_to_cart`, `sign_up`, or a track event named
 * `lead`) keeps it: its own name is then the Yahoo name the README tells users to write rules for.
 */
export const BLUEPRINT_EVENT_NAMES: ReadonlySet<string> = new Set(['page_view', 'view_content', 'add_to_cart', 'initiate_checkout', 'purchase', 'lead', 'sign_up']);
/** Signal's cap on eventId: Yahoo documents none; a messageId or an order id is far shorter. */
export const MAX_EVENT_ID_CHARS = 256;

/** An absolute http(s) URL's origin and path (the query and fragment may hold contact data). */
export function pageUrl(value: string | undefined): string | undefined {
  if (value === undefined || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  return /^https?:$/.test(url.protocol) ? `${url.origin}${url.pathname}` : undefined;
}

/** Where the event happened: the mapped actionSource, else the config's, else (auto) app for an app's events and web for others. */
function actionSourceOf(mapped: JsonValue | undefined, event: CanonicalEvent, config: Record<string, JsonValue>): string {
  const text = readText(mapped)?.toLowerCase().replace(/[\s-]+/g, '_');
  if (text !== undefined) return ACTION_SOURCE_ALIASES[text] ?? text;
  if (typeof config.action_source === 'string' && config.action_source !== 'auto') return config.action_source;
  return isJsonObject(event.context?.app as JsonValue | undefined) ? 'app' : 'web';
}

/**
 * The Yahoo event of a Signal event (the map hook), or null — not sent, `ctx.warn` saying why —
 * when it has no Yahoo event name (config.event_names, else the blueprint's; the catch-all
 * handler's own name of the event only when the config names it or it is one of the
 * blueprint's Yahoo names). Throws a PermanentError (the
 * event dead-lettered alone) for what Yahoo would refuse that a user can fix: an actionSource it
 * does not take, no identifier of the person and no click id, a price that is no number.
 *
 * @example
 * toYahooEvent({ eventName: 'purchase', eventId: 'm-1', eventTs: '2026-12-01T11:00:00Z', actionSourceUrl: 'https://shop.example.com/thanks?e=1',
 *   userData: { email: 'Jane@Example.com', ip_address: '203.0.113.42' }, eventData: { price: 74.97, currency: 'usd' } }, orderCompleted, ctx);
 * // { eventName: 'purchase', eventId: 'm-1', eventTs: 1796036400000, actionSource: 'web', actionSourceUrl: 'https://shop.example.com/thanks',
 * //   userData: { email: ['<sha256>'], ip_address: '203.0.113.42' }, eventData: { price: 74.97, customKeyValues: { currency: 'USD' } } }
 */
export function toYahooEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const { config } = ctx;
  const what = event.type === 'track' ? `"${event.event ?? ''}"` : `the ${event.type} call`;
  const warn = (message: string) => ctx.warn?.(message);

  const configured = eventMapName(event, config.event_names);
  const mapped = readText(payload.eventName);
  // The blueprint's catch-all handler names an event by its own name (Feature Used): not sent
  // unless the config names it, so no event reaches Yahoo's rules unasked — but an event whose
  // own name is one of the blueprint's Yahoo names (GA4's purchase) is sent under it.
  const ownName = event.type === 'track' ? event.event?.trim() : event.type;
  const name = configured ?? (mapped !== undefined && (mapped !== ownName || BLUEPRINT_EVENT_NAMES.has(mapped)) ? mapped : undefined);
  if (name === undefined) {
    warn(`${what} not sent to Yahoo: no Yahoo event name for it (name one in config.event_names, e.g. {"${event.type === 'track' ? event.event ?? 'Demo Requested' : 'page'}": "lead"})`);
    return null;
  }
  if ([...name].length > MAX_EVENT_NAME_CHARS) throw new PermanentError(`Yahoo event name ${JSON.stringify(name.slice(0, 40))}… is longer than ${MAX_EVENT_NAME_CHARS} characters (config.event_names, or the blueprint's eventName)`);

  const actionSource = actionSourceOf(payload.actionSource, event, config);
  if (!(ACTION_SOURCES as readonly string[]).includes(actionSource)) {
    throw new PermanentError(`Yahoo takes actionSource ${ACTION_SOURCES.join(', ')}; the blueprint mapped ${JSON.stringify(readText(payload.actionSource) ?? actionSource).slice(0, 60)}`);
  }

  const defaultCountryCode = readText(config.default_country_calling_code);
  const { user, unusable } = yahooUserData(payload.userData, { defaultCountryCode });
  for (const key of unusable) {
    warn(key === 'phone' && defaultCountryCode === undefined
      ? 'userData.phone left out: not a number in E.164 (+14155550123), and without config.default_country_calling_code a number written without its country code is not guessed'
      : `userData.${key} left out: not in a form Yahoo takes (or not a key it takes)`);
  }
  const clickData = isJsonObject(payload.clickData) ? payload.clickData : {};
  const vmcid = clickIdOf(clickData.vmcid);
  if (Object.keys(user).length === 0 && vmcid === undefined) {
    throw new PermanentError(`Yahoo needs an identifier of the person (userData: email, phone, gpsaid, idfa, pxid, IP address or user agent) or the click id (clickData.vmcid), and ${what} has none${unusable.length > 0 ? ` it takes (left out: ${unusable.join(', ')})` : ''}: send it from the browser or app (Signal adds the IP address and user agent), or with traits.email or traits.phone`);
  }

  const mappedId = readText(payload.eventId);
  const eventId = mappedId !== undefined && !namesNoOne(mappedId) && mappedId.length <= MAX_EVENT_ID_CHARS ? mappedId : event.messageId;
  // A sender's clock ahead is sent as now rather than a conversion in the future.
  const at = readInstantMs(payload.eventTs) ?? readInstantMs(event.timestamp) ?? readInstantMs(event.receivedAt) ?? ctx.now;

  const out: JsonObject = { eventName: name, eventId, eventTs: Math.min(at, ctx.now), actionSource };
  const url = pageUrl(readText(payload.actionSourceUrl));
  if (url !== undefined) out.actionSourceUrl = url;
  const country = readText(payload.country)?.toUpperCase();
  if (country !== undefined && /^[A-Z]{2}$/.test(country)) out.country = country;
  out.userData = user;
  const eventData = yahooEventData(payload.eventData);
  if (eventData !== undefined) out.eventData = eventData;
  if (vmcid !== undefined) out.clickData = { vmcid };
  const privacy = yahooPrivacy(payload.privacy, event);
  if (privacy !== undefined) out.privacy = privacy;
  return out;
}
