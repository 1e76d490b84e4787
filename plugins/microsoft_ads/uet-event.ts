// One server-side UET event as Microsoft's Conversions API takes it, from whatever the
// blueprint mapped. The plugin always sends `continueOnValidationError: true`, so Microsoft
// skips an invalid event and records the others; still, an event Microsoft would refuse is
// dead-lettered here, alone and saying why in Signal's words, without a request.
import { instantText, isJsonObject, namesNoOne, PermanentError, readInstantMs, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { adStorageConsentOf } from './ad-storage-consent.ts';
import { msclkidFromPage } from './click-id.ts';
import { fitCustomData } from './custom-data.ts';
import { IDENTIFIERS, normalizeUserData, UET_VISITOR_COOKIE } from './user-data.ts';

/** Microsoft's two event types. */
export const EVENT_TYPES = ['pageLoad', 'custom'] as const;
/** "eventTime must be within the last 7 days." */
export const MAX_EVENT_AGE_MS = 7 * 86_400_000;
/** How far ahead of Signal's clock an event may be: a clock a little fast is sent as of now. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a blueprint mapped, for a message: JSON, cut short (never a whole object). */
function shown(value: JsonValue | undefined): string {
  const json = JSON.stringify(value) ?? 'nothing';
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
}

/** `pageLoad` or `custom` from those spellings in any case (`page_load`, `PageLoad`); undefined for anything else. */
function eventTypeOf(value: JsonValue | undefined): string | undefined {
  const key = readText(value)?.replace(/[\s_-]/g, '').toLowerCase();
  return EVENT_TYPES.find((type) => type.toLowerCase() === key);
}

/** An absolute http(s) URL ("must be a valid URL"); anything else is none. */
function webUrl(value: JsonValue | undefined): string | undefined {
  const text = readText(value);
  if (text === undefined || !URL.canParse(text)) return undefined;
  return /^https?:$/.test(new URL(text).protocol) ? text : undefined;
}

/** Page keywords as Microsoft's example writes them (`clocks,homedecor`): text, or a list joined with commas. */
function keywordsOf(value: JsonValue | undefined): string | undefined {
  if (Array.isArray(value)) {
    const words = value.map((word) => readText(word)).filter((word): word is string => word !== undefined);
    return words.length > 0 ? words.join(',') : undefined;
  }
  return readText(value);
}

/** Whether a mapped anonymousId is the UET tag's visitor id, read from its `_uetvid` cookie (`<32 hex>` or `<32 hex>|…`). */
function fromUetVisitorCookie(value: JsonValue | undefined, event: CanonicalEvent): boolean {
  const cookie = event.context?.cookies?.[UET_VISITOR_COOKIE];
  const mapped = readText(value);
  if (cookie === undefined || mapped === undefined) return false;
  const vid = (text: string) => text.trim().split('|')[0]!.toLowerCase();
  return vid(mapped) === vid(cookie);
}

/**
 * The event as Microsoft's Conversions API takes it, from the blueprint's mapping:
 *
 * - `eventType` `pageLoad` or `custom` (required); `eventId` as mapped, else the messageId (the
 *   UET tag's `event_id` for the same action: Microsoft counts it once); `eventName` (the
 *   conversion goal's event action) for custom events only;
 * - `eventTime` in UNIX seconds: within the last 7 days, a clock up to 5 minutes fast sent as now;
 * - `eventSourceUrl` (required for a page load), `referrerUrl` as absolute http(s) URLs;
 *   `pageLoadId` a UUID; `pageTitle`; `keywords`;
 * - `adStorageConsent` from the mapping and the event's consent, a denial winning (`G`, `D`,
 *   or not sent);
 * - `userData` normalised and hashed (see normalizeUserData), its `msclkid` the page URL's
 *   when the event landed from an ad (the newest click), else the mapped cookie's; at least one
 *   identifier (anonymousId, externalId, em, ph, msclkid, idfa, gaid); with ad storage denied,
 *   no contact data, click id or advertising id, and Signal's visitor id instead of the UET
 *   tag's `_uetvid` (UET reads none of its cookies then);
 * - `customData` fitted (see fitCustomData), custom events only: page loads carry no revenue.
 *
 * Throws a PermanentError (the event is dead-lettered alone) for an event Microsoft would
 * refuse: no or an unknown eventType, no event time (or one no calendar holds), one older than 7
 * days or more than 5 minutes ahead, a page load without a page URL, no identifier.
 *
 * @example
 * toUetEvent({ eventType: 'custom', eventName: 'purchase', eventTime: 1796032800, userData: { anonymousId: 'df_abc' },
 *   customData: { value: 10, currency: 'usd' } }, event, ctx);
 * // { eventType: 'custom', eventId: event.messageId, eventName: 'purchase', eventTime: 1796032800,
 * //   userData: { anonymousId: 'df_abc' }, customData: { value: 10, currency: 'USD' } }
 */
export function toUetEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject {
  const eventType = eventTypeOf(payload.eventType);
  if (eventType === undefined) {
    const what = payload.eventType === undefined || payload.eventType === null ? 'none' : shown(payload.eventType);
    throw new PermanentError(`Microsoft needs eventType pageLoad or custom: the blueprint mapped ${what}`);
  }
  const time = readInstantMs(payload.eventTime);
  if (time === undefined) {
    const what = payload.eventTime === undefined || payload.eventTime === null || payload.eventTime === '' ? 'none' : `${shown(payload.eventTime)}, which is no time`;
    throw new PermanentError(`Microsoft needs eventTime (UNIX seconds): the blueprint mapped ${what}; map timestamp with to_unix_seconds`);
  }
  if (ctx.now - time > MAX_EVENT_AGE_MS) {
    throw new PermanentError(`Microsoft takes events up to 7 days old ("eventTime must be within the last 7 days"); this one is from ${instantText(time)}`);
  }
  if (time - ctx.now > MAX_CLOCK_AHEAD_MS) {
    throw new PermanentError(`This event's time, ${instantText(time)}, is more than 5 minutes in the future (the sender's clock or timestamp is wrong), and Microsoft takes events of the last 7 days only: send the time the event happened`);
  }

  const mappedId = readText(payload.eventId);
  const out: JsonObject = {
    eventType,
    // A placeholder (`undefined`) is shared by unrelated events: Microsoft would count one of them.
    eventId: mappedId !== undefined && !namesNoOne(mappedId) ? mappedId : event.messageId,
  };
  const name = readText(payload.eventName);
  if (eventType === 'custom' && name !== undefined) out.eventName = name;
  out.eventTime = Math.floor(Math.min(time, ctx.now) / 1000);

  const sourceUrl = webUrl(payload.eventSourceUrl);
  if (sourceUrl !== undefined) out.eventSourceUrl = sourceUrl;
  else if (eventType === 'pageLoad') {
    const what = payload.eventSourceUrl === undefined || payload.eventSourceUrl === null ? 'none' : `${shown(payload.eventSourceUrl)}, which is no http(s) URL`;
    throw new PermanentError(`Microsoft needs eventSourceUrl, the page's URL, for a pageLoad event: the blueprint mapped ${what}`);
  }
  const pageLoadId = readText(payload.pageLoadId);
  if (pageLoadId !== undefined && UUID.test(pageLoadId)) out.pageLoadId = pageLoadId.toLowerCase();
  const referrer = webUrl(payload.referrerUrl);
  if (referrer !== undefined) out.referrerUrl = referrer;
  const title = readText(payload.pageTitle);
  if (title !== undefined) out.pageTitle = title;
  const keywords = keywordsOf(payload.keywords);
  if (keywords !== undefined) out.keywords = keywords;

  const consent = adStorageConsentOf(payload.adStorageConsent, event.context?.consent);
  if (consent !== undefined) out.adStorageConsent = consent;

  const mappedUser: JsonObject = isJsonObject(payload.userData) ? { ...payload.userData } : {};
  // A new ad click beats an old one: the landing URL's msclkid wins over the cookies'.
  const landing = msclkidFromPage(event);
  if (landing !== undefined) mappedUser.msclkid = landing;
  const options = { defaultCountryCode: typeof ctx.config.default_country_code === 'string' ? ctx.config.default_country_code : undefined };
  // Microsoft's consent mode: with ad_storage denied, UET's first-party cookies "are not read nor
  // written". So the UET tag's visitor id (`_uetvid`) is not sent for such an event: Signal's own
  // visitor id stands in for it.
  if (consent === 'D' && fromUetVisitorCookie(mappedUser.anonymousId, event)) {
    if (event.anonymousId !== undefined && event.anonymousId !== null) mappedUser.anonymousId = event.anonymousId;
    else delete mappedUser.anonymousId;
  }
  const { userData } = normalizeUserData(mappedUser, options, consent === 'D');
  if (!IDENTIFIERS.some((field) => userData[field] !== undefined)) {
    throw new PermanentError(`Microsoft needs at least one identifier in userData (${IDENTIFIERS.join(', ')}): the event has none usable`);
  }
  out.userData = userData;

  if (eventType === 'custom') {
    const customData = fitCustomData(payload.customData);
    if (customData !== undefined) out.customData = customData;
  }
  return out;
}
