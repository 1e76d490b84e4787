// One conversion event as Reddit's Conversions API v3 takes it, from whatever the blueprint
// mapped. Reddit validates a request as a whole: one invalid event ("There were 1 invalid
// conversion events. None were processed.") and none of the request's events is recorded. So
// the event is fitted here, and one that cannot be fitted is dead-lettered alone, saying why,
// before it is sent with others.
import { gpcRestrictsProcessing, isJsonObject, urlParamOf, instantText, namesNoOne, PermanentError, readInstantMs, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { fitMetadata } from './event-metadata.ts';
import { DEVICE_FIELDS, normalizeUser } from './user-data.ts';

/** Reddit's v3 tracking types (`type.tracking_type`). */
export const TRACKING_TYPES = ['PAGE_VISIT', 'VIEW_CONTENT', 'SEARCH', 'ADD_TO_CART', 'ADD_TO_WISHLIST', 'PURCHASE', 'LEAD', 'SIGN_UP', 'CUSTOM'] as const;
/** Where the conversion happened (`action_source`, required in v3). */
export const ACTION_SOURCES = ['WEBSITE', 'APP', 'PHYSICAL_STORE', 'OTHER'] as const;
/** Other spellings of `action_source` read as Reddit's, in any letter case. */
const ACTION_SOURCE_ALIASES: Record<string, string> = { web: 'WEBSITE', website: 'WEBSITE', app: 'APP', offline: 'PHYSICAL_STORE', physical_store: 'PHYSICAL_STORE', store: 'PHYSICAL_STORE', other: 'OTHER' };
/** Reddit's limit on a custom event's name (`custom_event_name`): 64 characters. */
export const MAX_CUSTOM_EVENT_NAME = 64;
/** Reddit takes events up to 7 days (168 hours) old; an older one is refused with its whole request. */
export const MAX_EVENT_AGE_MS = 168 * 3600 * 1000;
/** How far ahead of Signal's clock an event may be: a clock a little fast is sent as of now. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/**
 * A tracking type in Reddit's v3 spelling (`PURCHASE`), from that spelling or v2's (`Purchase`,
 * `AddToCart`, `SignUp`) in any letter case; undefined for any other.
 */
function trackingTypeOf(value: string): string | undefined {
  const key = value.replace(/[\s_-]/g, '').toLowerCase();
  return TRACKING_TYPES.find((type) => type.replace(/_/g, '').toLowerCase() === key);
}

/**
 * A click id as Reddit could attribute it: text that is not a placeholder an empty variable
 * left (`undefined`, `null`), nor broken percent-encoding (U+FFFD); else undefined.
 */
function usableClickId(value: string | undefined): string | undefined {
  return value === undefined || namesNoOne(value) || value.includes('\uFFFD') ? undefined : value;
}

/** The `rdt_cid` parameter of a URL or query string (Reddit appends it to an ad's landing page). */
function rdtCidOf(source: JsonValue | undefined): string | undefined {
  const value = urlParamOf(source, 'rdt_cid')?.trim();
  return value ? usableClickId(value) : undefined;
}

/** An absolute http(s) URL, the page Reddit parses the domain of; anything else is no page URL. */
function pageUrl(value: string | undefined): string | undefined {
  if (value === undefined || !URL.canParse(value)) return undefined;
  return /^https?:$/.test(new URL(value).protocol) ? value : undefined;
}

/** What a blueprint mapped, for a message: JSON, cut short (never a whole object). */
function shown(value: JsonValue | undefined): string {
  const json = JSON.stringify(value) ?? 'nothing';
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
}

/** The first `max` characters of a name (by code points, so no emoji is cut in half). */
function truncated(name: string, max: number): string {
  const chars = [...name];
  return chars.length > max ? chars.slice(0, max).join('') : name;
}

/**
 * The conversion event as Reddit takes it, from the blueprint's mapping: `event_at` in epoch
 * ms (now for a clock up to 5 minutes fast), `action_source` as mapped or configured (WEBSITE by
 * default), `type` in v3's spelling (`custom_event_name` for CUSTOM, at most 64 characters),
 * `event_source_url` (an http(s) URL) for website events, `click_id` from the page URL's
 * `rdt_cid`, else the `_rdt_cid` cookie as mapped (a placeholder such as `undefined` is no click
 * id), `metadata` fitted (`conversion_id` the messageId unless mapped),
 * `user` normalised and hashed (no device ids for PHYSICAL_STORE, as Reddit asks); keys Reddit
 * does not take left out. Throws a PermanentError (the event is dead-lettered alone) for an
 * event Reddit would refuse with its whole request: no or an unknown tracking type, a CUSTOM
 * event without a name, no event time (or one no calendar holds), one older than 7 days or more
 * than 5 minutes ahead, an
 * unknown action_source, an unreadable currency or value.
 *
 * @example
 * toRedditEvent({ event_at: 1796032800000, type: { tracking_type: 'PURCHASE' }, metadata: { value: 10, currency: 'usd' },
 *   user: { email: 'Jane@Example.com' } }, event, ctx);
 * // { event_at: 1796032800000, action_source: 'WEBSITE', type: { tracking_type: 'PURCHASE' },
 * //   metadata: { conversion_id: event.messageId, currency: 'USD', value: 10 }, user: { email: '<sha256>' } }
 */
export function toRedditEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject {
  const config = ctx.config;
  const mappedType = isJsonObject(payload.type) ? payload.type : {};
  const written = readText(mappedType.tracking_type);
  if (written === undefined) {
    const what = isJsonObject(payload.type) ? (mappedType.tracking_type === undefined ? 'none' : shown(mappedType.tracking_type)) : payload.type === undefined ? 'none' : `type as ${shown(payload.type)}, not type.tracking_type`;
    throw new PermanentError(`Reddit needs type.tracking_type (PURCHASE, ADD_TO_CART, PAGE_VISIT, …, or CUSTOM): the blueprint mapped ${what}`);
  }
  const trackingType = trackingTypeOf(written);
  if (trackingType === undefined) throw new PermanentError(`Reddit takes type.tracking_type ${TRACKING_TYPES.join(', ')}; the blueprint mapped ${JSON.stringify(written)}`);
  const type: JsonObject = { tracking_type: trackingType };
  if (trackingType === 'CUSTOM') {
    const name = readText(mappedType.custom_event_name);
    if (name === undefined) throw new PermanentError('Reddit needs type.custom_event_name for a CUSTOM event: the blueprint mapped none');
    type.custom_event_name = truncated(name, MAX_CUSTOM_EVENT_NAME);
  }

  const eventAt = readInstantMs(payload.event_at);
  if (eventAt === undefined) {
    const what = payload.event_at === undefined || payload.event_at === null || payload.event_at === '' ? 'none' : `${shown(payload.event_at)}, which is no time`;
    throw new PermanentError(`Reddit needs event_at (epoch milliseconds): the blueprint mapped ${what}; map timestamp with to_unix_ms`);
  }
  if (ctx.now - eventAt > MAX_EVENT_AGE_MS) {
    throw new PermanentError(`Reddit takes events up to 7 days old (this one is from ${instantText(eventAt)}) and would refuse every event sent with it`);
  }
  if (eventAt - ctx.now > MAX_CLOCK_AHEAD_MS) {
    throw new PermanentError(`This event's time, ${instantText(eventAt)}, is more than 5 minutes in the future (the sender's clock or timestamp is wrong), and Reddit would refuse every event sent with it: send the time the event happened`);
  }

  const mappedSource = readText(payload.action_source);
  const actionSource = mappedSource === undefined ? (typeof config.action_source === 'string' ? config.action_source : 'WEBSITE') : (ACTION_SOURCE_ALIASES[mappedSource.toLowerCase()] ?? mappedSource.toUpperCase());
  if (!(ACTION_SOURCES as readonly string[]).includes(actionSource)) {
    throw new PermanentError(`Reddit takes action_source ${ACTION_SOURCES.join(', ')}; the blueprint mapped ${JSON.stringify(payload.action_source)}`);
  }
  const offline = actionSource === 'PHYSICAL_STORE';
  const out: JsonObject = { event_at: Math.min(eventAt, ctx.now), action_source: actionSource, type };
  // Reddit parses the domain of event_source_url, for website events only.
  const url = pageUrl(readText(payload.event_source_url));
  if (url !== undefined && actionSource === 'WEBSITE') out.event_source_url = url;
  // A new ad click beats an old one: the page URL's rdt_cid wins over the _rdt_cid cookie.
  const page = event.context?.page;
  const clickId = rdtCidOf(page?.url) ?? rdtCidOf(page?.search) ?? usableClickId(readText(payload.click_id));
  if (clickId !== undefined && !offline) out.click_id = clickId;
  out.metadata = fitMetadata(payload.metadata, trackingType, event.messageId);

  const options = { defaultCountryCode: typeof config.default_country_code === 'string' ? config.default_country_code : undefined };
  // The config's flag restricts every event; a visitor's Global Privacy Control (SIGNAL_GPC=restrict) theirs.
  const { user } = normalizeUser(payload.user, options, config.limited_data_use === true || gpcRestrictsProcessing(event));
  // Reddit: offline events carry hashed email or phone, but no device identifiers.
  if (offline) for (const field of DEVICE_FIELDS) delete user[field];
  if (Object.keys(user).length > 0) out.user = user;
  return out;
}
