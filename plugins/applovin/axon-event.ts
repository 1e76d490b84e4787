// One Signal event as an Axon server event (AppLovin's Conversion API): its Axon name (the
// config's event_names first, else the blueprint's), the time in epoch milliseconds, the page's
// URL, the messageId as dedupe_id (for deduplication with the Axon Pixel), the event's data and
// the person's user_data with Axon's click and browser ids. AppLovin refuses a whole batch for
// one invalid event, so what it would refuse that a user can fix is refused here, for that event
// alone; an event AppLovin has no name for is not sent.
import { eventMapName, isContactInfo, isJsonObject, namesNoOne, PermanentError, readInstantMs, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { axonIds } from './click-ids.ts';
import { axonEventName, EVENT_NAMES, EVENT_SOURCES } from './config.ts';
import { eventData } from './event-data.ts';
import { appLovinUserData } from './user-data.ts';

/** Signal's cap on dedupe_id: AppLovin documents none; a messageId or an order id is far shorter. */
export const MAX_DEDUPE_ID_CHARS = 256;
/** The user_data keys that identify the person, at least one of which Axon requires. */
export const USER_IDENTIFIERS = ['aleid', 'axwrt', 'alart', 'client_id', 'user_id', 'email', 'phone'] as const;

/**
 * The page's URL as `event_source_url` takes it ("the complete URL where the event occurred"):
 * an absolute http(s) URL with its query — which carries Axon's aleid — but without its fragment
 * and without query parameters holding contact information (an email, a phone number).
 *
 * @example
 * sourceUrl('https://shop.example.com/p?aleid=a1&email=jane%40example.com#top'); // 'https://shop.example.com/p?aleid=a1'
 */
export function sourceUrl(value: string | undefined): string | undefined {
  if (value === undefined || !URL.canParse(value.trim())) return undefined;
  const url = new URL(value.trim());
  if (!/^https?:$/.test(url.protocol)) return undefined;
  url.hash = '';
  for (const [key, param] of [...url.searchParams]) {
    if (isContactInfo(key, param)) url.searchParams.delete(key, param);
  }
  return url.toString();
}

/** Where the event happened (user_data.esi): the mapped one, else the config's, else (auto) app for an app's events and web for others. */
function eventSourceOf(mapped: JsonValue | undefined, event: CanonicalEvent, config: Record<string, JsonValue>): string {
  const text = readText(mapped)?.toLowerCase();
  if (text !== undefined) return text === 'website' ? 'web' : text === 'mobile_app' ? 'app' : text;
  if (typeof config.event_source === 'string' && config.event_source !== 'auto') return config.event_source;
  return isJsonObject(event.context?.app as JsonValue | undefined) ? 'app' : 'web';
}

/**
 * The Axon server event of a Signal event (the map hook), or null — not sent, `ctx.warn` saying
 * why — when it has no Axon event name. Throws a PermanentError (the event dead-lettered alone)
 * for what AppLovin would refuse, failing the whole batch, that a user can fix: a name Axon does
 * not take, no identifier of the person, no page URL for a web event, data Axon requires.
 *
 * @example
 * toAxonEvent({ name: 'purchase', dedupe_id: 'm-1', event_time: '2026-12-01T11:00:00Z', event_source_url: 'https://shop.example.com/thanks',
 *   user_data: { email: 'Jane@Example.com', client_id: 'df_abc', client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0' },
 *   data: { currency: 'usd', value: 74.97, transaction_id: 'O-1', items: [{ item_id: 'SKU-1', price: 24.99, quantity: 3 }] } }, orderCompleted, ctx);
 * // { name: 'purchase', event_time: 1796122800000, event_source_url: 'https://shop.example.com/thanks', dedupe_id: 'm-1',
 * //   data: { currency: 'USD', value: 74.97, transaction_id: 'O-1', items: [{ item_id: 'SKU-1', price: 24.99, quantity: 3 }] },
 * //   user_data: { email: '<sha256>', client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0', client_id: 'df_abc', esi: 'web' } }
 */
export function toAxonEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const { config } = ctx;
  const what = event.type === 'track' ? `"${event.event ?? ''}"` : `the ${event.type} call`;
  const warn = (message: string) => ctx.warn?.(message);

  const configured = eventMapName(event, config.event_names);
  const mapped = readText(payload.name);
  // The blueprint's catch-all handler names an event by its own name (Feature Used): no Axon
  // event unless that is one of Axon's names, or the config names it.
  const ownName = event.type === 'track' ? event.event?.trim() : event.type;
  const named = configured ?? (mapped !== undefined && (mapped !== ownName || axonEventName(mapped) !== undefined) ? mapped : undefined);
  if (named === undefined) {
    warn(`${what} not sent to AppLovin: no Axon event for it (name one in config.event_names, e.g. {"${event.type === 'track' ? event.event ?? 'Demo Requested' : 'page'}": "generate_lead"})`);
    return null;
  }
  const name = axonEventName(named);
  if (name === undefined) {
    throw new PermanentError(`AppLovin's Conversion API has no event ${JSON.stringify(named)}: it takes ${EVENT_NAMES.join(', ')} (config.event_names, or the blueprint's name)`);
  }

  const esi = eventSourceOf(payload.esi, event, config);
  if (!(EVENT_SOURCES as readonly string[]).includes(esi)) {
    throw new PermanentError(`AppLovin takes user_data.esi web or app; the blueprint mapped ${JSON.stringify(readText(payload.esi))}`);
  }

  const url = sourceUrl(readText(payload.event_source_url));
  if (url === undefined) {
    throw new PermanentError(`AppLovin requires event_source_url, the complete http(s) URL where the event happened, and ${what} has none: send it from the page (context.page.url) or map properties.url`);
  }

  const rawUser = isJsonObject(payload.user_data) ? payload.user_data : {};
  const { aleid, alart, axwrt, ...personal } = rawUser;
  const defaultCountryCode = readText(config.default_country_calling_code);
  const { user, unusable } = appLovinUserData(personal, { defaultCountryCode });
  for (const key of unusable) {
    warn(key === 'phone' && defaultCountryCode === undefined
      ? 'user_data.phone left out: not a number with its country code (+14155550123), and without config.default_country_calling_code a number written without one is not guessed'
      : key === 'user_id' ? 'user_data.user_id left out: Axon asks for a user id of at least six characters, without white space'
        : `user_data.${key} left out: not in a form AppLovin takes (or not a field it takes)`);
  }
  Object.assign(user, axonIds(event, { aleid, alart, axwrt }));
  if (!USER_IDENTIFIERS.some((key) => user[key] !== undefined)) {
    throw new PermanentError(`AppLovin needs at least one identifier of the person in user_data (${USER_IDENTIFIERS.join(', ')}) and ${what} has none${unusable.length > 0 ? ` it takes (left out: ${unusable.join(', ')})` : ''}: send it with an anonymousId or userId, from a page with the Axon Pixel, or with traits.email or traits.phone`);
  }
  user.esi = esi;

  const mappedId = readText(payload.dedupe_id);
  const dedupeId = mappedId !== undefined && !namesNoOne(mappedId) && mappedId.length <= MAX_DEDUPE_ID_CHARS ? mappedId : event.messageId;
  // A sender's clock ahead is sent as now rather than as a time to come.
  const at = readInstantMs(payload.event_time) ?? readInstantMs(event.timestamp) ?? readInstantMs(event.receivedAt) ?? ctx.now;

  return {
    name,
    event_time: Math.min(at, ctx.now),
    event_source_url: url,
    dedupe_id: dedupeId,
    data: eventData(name, payload.data, readText(config.default_currency), warn),
    user_data: user,
  };
}
