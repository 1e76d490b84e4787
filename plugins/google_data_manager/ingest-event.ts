// One `Event` of an events:ingest request (REST JSON, camelCase), fitted from whatever the
// blueprint mapped. The Data Manager API refuses a whole request for one event that fails its
// checks (fast fail), so what can be known here is checked here and such an event dead-lettered
// alone, saying why, before it can hold the others back; what Google alone can judge (the
// click, the action's window, consent) is left to its answer and its diagnostics.
import { isIP } from 'node:net';
import {
  googleClickId, googleConsentAnswer, googleConsentStatus, instantText, isJsonObject, namesNoOne, PermanentError, productsValue, readDecimal, readText, trimmedText,
  type CanonicalEvent, type GoogleConsentSignal, type JsonObject, type JsonValue, type PluginContext,
} from '../../core/sdk/index.ts';
import { conversionActionFor, conversionActionId } from './config.ts';
import { userIdentifiers } from './user-data.ts';

/**
 * A conversion's click must lie in its conversion action's click-through window, which is at
 * most 90 days: a conversion older than that cannot be attributed to any click.
 */
export const MAX_AGE_MS = 90 * 24 * 60 * 60 * 1000;
/** A timestamp ahead of the delivery by at most this is clock skew: sent as the delivery's time. */
const SKEW_MS = 60 * 60 * 1000;
const CURRENCY = /^[A-Z]{3}$/;
/** Where an event happened, as Google's `eventSource` names it. */
export const EVENT_SOURCES = ['WEB', 'APP', 'IN_STORE', 'PHONE', 'MESSAGE', 'OTHER'] as const;
/** Destination references name a conversion action's destination within one request. */
const REFERENCE_PREFIX = 'action_';

const VENDOR = 'the Data Manager API';

/**
 * The reference of a conversion action's destination in a request, which its events name in
 * `destinationReferences`.
 *
 * @example
 * destinationReference('6543210'); // 'action_6543210'
 */
export function destinationReference(actionId: string): string {
  return `${REFERENCE_PREFIX}${actionId}`;
}

/**
 * The conversion action id an ingest event is for (its first destination reference).
 *
 * @example
 * actionOfEvent({ destinationReferences: ['action_6543210'], … }); // '6543210'
 */
export function actionOfEvent(event: JsonObject): string | undefined {
  const [reference] = Array.isArray(event.destinationReferences) ? event.destinationReferences : [];
  return typeof reference === 'string' && reference.startsWith(REFERENCE_PREFIX) ? reference.slice(REFERENCE_PREFIX.length) : undefined;
}

/** The epoch milliseconds of a mapped time (ms, or an ISO 8601 date), else the event's timestamp. */
function happenedAt(payload: JsonObject, event: CanonicalEvent): number {
  const mapped = payload.eventTimestamp;
  let time: number;
  if (typeof mapped === 'number') time = mapped;
  else if (typeof mapped === 'string' && mapped.trim() !== '') time = /^\d+$/.test(mapped.trim()) ? Number(mapped.trim()) : Date.parse(mapped.trim());
  else time = Date.parse(event.timestamp);
  if (!Number.isFinite(time)) throw new PermanentError(`${VENDOR} needs the event's time; the blueprint mapped eventTimestamp ${JSON.stringify(mapped)}: map timestamp with to_unix_ms`);
  return Math.floor(time);
}

/**
 * The transaction id Google deduplicates on (one conversion per transaction id and conversion
 * action): the mapped one, else the messageId, so the same event sent twice — a retry after a
 * lost answer, a replay — is counted once. A placeholder ("undefined", "null"), which would
 * make Google count one conversion of all that carry it, gives way to the messageId.
 */
function transactionIdOf(mapped: JsonValue | undefined, messageId: string): string {
  const id = readText(mapped);
  return id !== undefined && !namesNoOne(id) ? id : messageId;
}

/**
 * `granted`/`denied` in any case (or Google's own names) → Google's `CONSENT_GRANTED` /
 * `CONSENT_DENIED` (the SDK's reading of an answer); anything else, text or not: not said.
 *
 * @example
 * consentStatus('Granted'); // 'CONSENT_GRANTED'
 * consentStatus('maybe');   // undefined
 */
export function consentStatus(value: JsonValue | undefined): 'CONSENT_GRANTED' | 'CONSENT_DENIED' | undefined {
  const answer = typeof value === 'string' ? googleConsentAnswer(value) : undefined;
  return answer === undefined ? undefined : `CONSENT_${answer}`;
}

/** The event's consent state (`context.consent`). */
type ConsentState = NonNullable<NonNullable<CanonicalEvent['context']>['consent']>;

/**
 * A Consent Mode signal (`ad_user_data`, `ad_personalization`) as the Data Manager API takes it:
 * the SDK's googleConsentStatus (what the blueprint mapped and everywhere the core's consent
 * gate reads it in `context.consent`; a denial anywhere wins) with Google's `CONSENT_` prefix.
 *
 * @example
 * consentSignal('granted', { ad_user_data: false }, 'ad_user_data'); // 'CONSENT_DENIED'
 */
export function consentSignal(mapped: JsonValue | undefined, consent: ConsentState | undefined, signal: GoogleConsentSignal): 'CONSENT_GRANTED' | 'CONSENT_DENIED' | undefined {
  const status = googleConsentStatus(mapped, consent, signal);
  return status === undefined ? undefined : `CONSENT_${status}`;
}

/** The action of an event: the one the blueprint mapped (it wins), else the config's for the event's name. */
function actionOf(payload: JsonObject, event: CanonicalEvent, config: Record<string, JsonValue>): string | undefined {
  const mapped = payload.conversionAction;
  if (mapped === undefined || mapped === null || mapped === '') return conversionActionFor(event, config);
  const id = conversionActionId(mapped);
  if (id === undefined) throw new PermanentError(`the blueprint mapped conversionAction ${JSON.stringify(mapped)}: a Google Ads conversion action is its id (digits) or customers/<customer id>/conversionActions/<id>`);
  return id;
}

/**
 * Where the event happened: the mapped source (any case); else `WEB` for an event a page sent
 * (it has a page URL), else `OTHER`. Google requires an `eventSource` for offline conversions and
 * enhanced conversions for leads (Data Manager API release notes, v1.2), so one is always sent.
 */
function eventSourceOf(mapped: JsonValue | undefined, event: CanonicalEvent): string {
  const source = readText(mapped)?.toUpperCase().replace(/[\s-]+/g, '_');
  if (source === undefined) return typeof event.context?.page?.url === 'string' && event.context.page.url.trim() !== '' ? 'WEB' : 'OTHER';
  if (!(EVENT_SOURCES as readonly string[]).includes(source)) throw new PermanentError(`${VENDOR} takes eventSource as one of ${EVENT_SOURCES.join(', ')}; the blueprint mapped ${JSON.stringify(mapped)}`);
  return source;
}

/** The device (user agent, IP address) when `config.send_device_info` is on and the event has it. */
function deviceInfoOf(payload: JsonObject, config: Record<string, JsonValue>): JsonObject | undefined {
  if (config.send_device_info !== true || !isJsonObject(payload.device)) return undefined;
  const userAgent = readText(payload.device.user_agent);
  const ip = readText(payload.device.ip);
  const device: JsonObject = {};
  if (userAgent !== undefined) device.userAgent = userAgent.slice(0, 512);
  if (ip !== undefined && isIP(ip) !== 0) device.ipAddress = ip;
  return Object.keys(device).length > 0 ? device : undefined;
}

/**
 * The Event for a Signal event, or null for an event no conversion action is configured for
 * (not sent, not an error):
 *
 * - `destinationReferences`: its conversion action's destination (`action_<id>`): the action
 *   the blueprint mapped, else the one `config.conversion_actions` names for the event;
 * - `transactionId`: the order id, else the messageId (see transactionIdOf);
 * - `eventTimestamp`: RFC 3339 in UTC (the event's timestamp unless mapped); up to an hour
 *   ahead of the delivery is sent as the delivery's time;
 * - `adIdentifiers`: `gclid`, else `gbraid`, else `wbraid` (the page URL's, else the mapped
 *   one: the blueprint maps Signal's `_dfgclid` cookie, else the Google tag's `_gcl_aw` or
 *   server-side GTM's `FPGCLAW`, read by the SDK's gclidOfCookie);
 * - `conversionValue` (the mapped value, else the products' sum) and `currency` (the mapped
 *   one, else `config.default_currency`; none: the conversion action's own);
 * - `eventSource`, always (Google requires it for offline conversions): the mapped one (`WEB`,
 *   `APP`, `IN_STORE`, `PHONE`, `MESSAGE`, `OTHER`), else `WEB` for an event with a page URL,
 *   else `OTHER`;
 * - `userData.userIdentifiers`: hashed email, phone and address, unless
 *   `config.enhanced_conversions` is false, the visitor denied `ad_user_data`, or the click id
 *   is a gbraid or wbraid;
 * - `consent`: `adUserData` and `adPersonalization` from Google Consent Mode, when known (see
 *   consentSignal: a denial anywhere in the event wins);
 * - `eventDeviceInfo`: the user agent and IP address, with `config.send_device_info`.
 *
 * Throws a PermanentError (the event is dead-lettered alone) for what Google would refuse: a
 * time more than an hour ahead or more than 90 days old, nothing to attribute the conversion
 * by, an unreadable value, currency or event source.
 *
 * @example
 * toIngestEvent({ gclid: 'EAIaIQobChMI8e', conversionValue: 64.98, currency: 'EUR', transactionId: 'ORD-1' }, orderCompleted, ctx);
 * // { destinationReferences: ['action_6543210'], transactionId: 'ORD-1', eventTimestamp: '2026-11-30T11:00:00.000Z',
 * //   adIdentifiers: { gclid: 'EAIaIQobChMI8e' }, currency: 'EUR', conversionValue: 64.98, eventSource: 'WEB' }
 */
export function toIngestEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const { config } = ctx;
  const action = actionOf(payload, event, config);
  if (action === undefined) return null;

  let time = happenedAt(payload, event);
  if (time > ctx.now + SKEW_MS) {
    throw new PermanentError(`${VENDOR} takes no conversions from the future: this one is dated ${instantText(time)}, after this delivery (${instantText(ctx.now)})`);
  }
  time = Math.min(time, ctx.now);
  if (ctx.now - time > MAX_AGE_MS) {
    const days = Math.floor((ctx.now - time) / (24 * 60 * 60 * 1000));
    throw new PermanentError(`Google Ads attributes a conversion to a click of at most 90 days before it (the longest click-through window), so this one cannot count: it happened on ${instantText(time)}, ${days} days before this delivery`);
  }

  const click = googleClickId(event, payload);
  const mappedConsent = isJsonObject(payload.consent) ? payload.consent : {};
  const consent: JsonObject = {};
  const adUserData = consentSignal(mappedConsent.ad_user_data, event.context?.consent, 'ad_user_data');
  const adPersonalization = consentSignal(mappedConsent.ad_personalization, event.context?.consent, 'ad_personalization');
  if (adUserData !== undefined) consent.adUserData = adUserData;
  if (adPersonalization !== undefined) consent.adPersonalization = adPersonalization;

  const defaultCountryCode = trimmedText(config.default_country_code);
  const { identifiers, left } = userIdentifiers(payload.user, defaultCountryCode === undefined ? {} : { defaultCountryCode });
  const withheld = config.enhanced_conversions === false ? 'config.enhanced_conversions is off'
    : adUserData === 'CONSENT_DENIED' ? 'the visitor denied ad_user_data'
    : click !== undefined && click.param !== 'gclid' ? `no user identifiers go beside a ${click.param}`
    : undefined;
  const sent = withheld === undefined ? identifiers : [];
  if (click === undefined && sent.length === 0) {
    const why = withheld !== undefined && identifiers.length > 0 ? ` (its email, phone or address is not sent: ${withheld})` : left.length > 0 ? ` (left out as unusable: ${left.join(', ')})` : '';
    throw new PermanentError(`Google Ads cannot attribute this conversion: it needs a gclid (the landing page URL's, or a gclid cookie: _dfgclid, _gcl_aw), a gbraid or wbraid, or an email, phone number or address (enhanced conversions for leads), and the event has none${why}`);
  }

  const out: JsonObject = {
    destinationReferences: [destinationReference(action)],
    transactionId: transactionIdOf(payload.transactionId, event.messageId),
    eventTimestamp: new Date(time).toISOString(),
  };
  if (sent.length > 0) out.userData = { userIdentifiers: sent };
  if (Object.keys(consent).length > 0) out.consent = consent;
  if (click !== undefined) out.adIdentifiers = { [click.param]: click.id };

  const value = readDecimal(payload.conversionValue, { vendor: VENDOR, field: 'conversionValue' }) ?? productsValue(payload.products, { vendor: VENDOR, valueField: 'conversionValue' });
  if (value !== undefined) {
    const given = readText(payload.currency);
    const currency = (given ?? trimmedText(config.default_currency))?.toUpperCase();
    if (currency !== undefined) {
      if (!CURRENCY.test(currency)) throw new PermanentError(`${VENDOR} takes currency as an ISO 4217 code (USD, EUR); the event has ${JSON.stringify(given ?? config.default_currency)}`);
      out.currency = currency;
    }
    out.conversionValue = value;
  }
  out.eventSource = eventSourceOf(payload.eventSource, event);
  const device = deviceInfoOf(payload, config);
  if (device !== undefined) out.eventDeviceInfo = device;
  return out;
}
