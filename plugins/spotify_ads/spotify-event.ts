// One conversion event as Spotify's Conversions API takes it (an item of
// `conversion_events.events`), from whatever the blueprint mapped: `event_name` (the config's
// event_names first), `event_id` (the messageId: what Spotify deduplicates with the Spotify
// Pixel on), `event_time` (RFC 3339, in the past), `event_source_url`, `action_source`,
// `opt_out_targeting`, `user_data` (hashed here) and `event_details`. Spotify documents that a
// 4xx is to be fixed, not retried, and not whether it refuses one event or its whole request,
// so an event it would refuse is dead-lettered here alone, saying why; one with no Spotify
// event name is not sent.
import { eventMapName, gpcRestrictsProcessing, isJsonObject, namesNoOne, PermanentError, readInstantMs, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { ACTION_SOURCES, EVENT_NAMES, spotifyEventName } from './config.ts';
import { eventDetails } from './event-details.ts';
import { spotifyUserData } from './user-data.ts';

/** Other spellings of `action_source` read as Spotify's, in any letter case. */
const ACTION_SOURCE_ALIASES: Readonly<Record<string, string>> = { WEBSITE: 'WEB', MOBILE_APP: 'APP', MOBILE: 'APP', APPLICATION: 'APP', STORE: 'OFFLINE', PHYSICAL_STORE: 'OFFLINE' };
/** Signal's own cap on event_id: Spotify documents none; a messageId or an order id is far shorter. */
export const MAX_EVENT_ID_CHARS = 256;

/** An absolute http(s) URL's origin and path, as `event_source_url` takes it ("must start with http:// or https://"): the query and fragment may hold contact data. */
export function pageUrl(value: string | undefined): string | undefined {
  if (value === undefined || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  return /^https?:$/.test(url.protocol) ? `${url.origin}${url.pathname}` : undefined;
}

/** A time as Spotify's samples write it: RFC 3339 in UTC with milliseconds (`2026-12-01T11:00:00.000Z`). */
export function eventTimeText(ms: number): string {
  return new Date(ms).toISOString();
}

/** Where the event happened: the mapped action_source, else the config's, else (auto) APP for an app's events and WEB for others. */
function actionSourceOf(mapped: JsonValue | undefined, event: CanonicalEvent, config: Record<string, JsonValue>): string {
  const text = readText(mapped)?.toUpperCase().replace(/[\s-]+/g, '_');
  if (text !== undefined) return ACTION_SOURCE_ALIASES[text] ?? text;
  if (typeof config.action_source === 'string' && config.action_source !== 'auto') return config.action_source;
  return isJsonObject(event.context?.app as JsonValue | undefined) ? 'APP' : 'WEB';
}

/** What a blueprint mapped, for a message: JSON, cut short. */
function shown(value: JsonValue | undefined): string {
  const json = JSON.stringify(value) ?? 'nothing';
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
}

/**
 * The Spotify event of a Signal event (the map hook), or null — not sent, `ctx.warn` saying
 * why — when it has no Spotify event name (config.event_names, else the blueprint's; the
 * catch-all handler's own name of the event only when it is one of Spotify's). Throws a
 * PermanentError (the event dead-lettered alone) for what Spotify would refuse that a user can
 * fix: an event name or action_source it does not take, no identifier of the person at all, a
 * purchase without amount or currency.
 *
 * @example
 * toSpotifyEvent({ event_name: 'PURCHASE', event_id: 'm-1', event_time: '2026-12-01T11:00:00Z', event_source_url: 'https://shop.example.com/thanks?e=1',
 *   user_data: { hashed_emails: 'Jane@Example.com', ip_address: '203.0.113.42' }, event_details: { amount: 74.97, currency: 'usd' } }, orderCompleted, ctx);
 * // { event_name: 'PURCHASE', event_id: 'm-1', event_time: '2026-12-01T11:00:00.000Z', event_source_url: 'https://shop.example.com/thanks',
 * //   action_source: 'WEB', opt_out_targeting: false, user_data: { hashed_emails: ['<sha256>'], ip_address: '203.0.113.42' },
 * //   event_details: { amount: 74.97, currency: 'USD' } }
 */
export function toSpotifyEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const { config } = ctx;
  const what = event.type === 'track' ? `"${event.event ?? ''}"` : `the ${event.type} call`;
  const warn = (message: string) => ctx.warn?.(message);

  const configured = eventMapName(event, config.event_names);
  const mapped = readText(payload.event_name);
  // The blueprint's catch-all handler names an event by its own name (Feature Used): no Spotify
  // event unless that is one of Spotify's names, or the config names it.
  const ownName = event.type === 'track' ? event.event?.trim() : event.type;
  const named = configured ?? (mapped !== undefined && (mapped !== ownName || spotifyEventName(mapped) !== undefined) ? mapped : undefined);
  if (named === undefined) {
    warn(`${what} not sent to Spotify: no Spotify event for it (name one in config.event_names, e.g. {"${event.type === 'track' ? event.event ?? 'Demo Requested' : 'page'}": "CUSTOM_EVENT_1"})`);
    return null;
  }
  const eventName = spotifyEventName(named);
  if (eventName === undefined) {
    throw new PermanentError(`Spotify's Conversions API has no event ${JSON.stringify(named)}: it takes ${EVENT_NAMES.join(', ')} (config.event_names, or the blueprint's event_name)`);
  }

  const actionSource = actionSourceOf(payload.action_source, event, config);
  if (!(ACTION_SOURCES as readonly string[]).includes(actionSource)) {
    throw new PermanentError(`Spotify takes action_source ${ACTION_SOURCES.join(', ')}; the blueprint mapped ${shown(payload.action_source)}`);
  }

  const defaultCountryCode = readText(config.default_country_calling_code);
  const { user, unusable } = spotifyUserData(payload.user_data, { defaultCountryCode });
  for (const key of unusable) {
    warn(key === 'hashed_phone_number' && defaultCountryCode === undefined
      ? 'user_data.hashed_phone_number left out: not a number in E.164 (+14155550123), and without config.default_country_calling_code a number written without its country code is not guessed'
      : `user_data.${key} left out: not in a form Spotify takes (or not an identifier it takes)`);
  }
  if (Object.keys(user).length === 0) {
    throw new PermanentError(`Spotify needs at least one identifier of the person (user_data: IP address, device id, email or phone) and ${what} has none${unusable.length > 0 ? ` it takes (left out: ${unusable.join(', ')})` : ''}: send it from the browser or app (Signal adds the IP address), or with context.ip, traits.email or traits.phone`);
  }

  const mappedId = readText(payload.event_id);
  const eventId = mappedId !== undefined && !namesNoOne(mappedId) && mappedId.length <= MAX_EVENT_ID_CHARS ? mappedId : event.messageId;
  // "Must be in the past": a sender's clock ahead is sent as now rather than refused.
  const at = readInstantMs(payload.event_time) ?? readInstantMs(event.timestamp) ?? readInstantMs(event.receivedAt) ?? ctx.now;

  const out: JsonObject = { event_name: eventName, event_id: eventId, event_time: eventTimeText(Math.min(at, ctx.now)) };
  const url = pageUrl(readText(payload.event_source_url));
  if (url !== undefined) out.event_source_url = url;
  out.action_source = actionSource;
  // A Global Privacy Control visitor's event is for attribution only under SIGNAL_GPC=restrict.
  out.opt_out_targeting = config.opt_out_targeting === true || payload.opt_out_targeting === true || gpcRestrictsProcessing(event);
  out.user_data = user;

  const defaultCurrency = readText(config.default_currency);
  const details = eventDetails(eventName, payload.event_details, defaultCurrency, warn);
  if (details !== undefined) out.event_details = details;
  return out;
}
