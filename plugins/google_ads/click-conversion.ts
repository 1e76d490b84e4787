// One ClickConversion as Google's UploadClickConversions takes it (REST JSON, camelCase), from
// whatever the blueprint mapped. Google checks each conversion of a request alone (partial
// failure), so a conversion that cannot be fitted is dead-lettered alone, saying why, before it
// is sent; what Google alone can judge (the click, the action's window) is left to its answer.
import { configText, googleClickId, googleConsentStatus, instantText, isJsonObject, namesNoOne, PermanentError, productsValue, readDecimal, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { conversionActionFor, conversionActionId, customerIdOf } from './config.ts';
import { userIdentifiers } from './user-identifiers.ts';

/**
 * A conversion's click must lie in its conversion action's click-through window, which is at
 * most 90 days: a conversion older than that cannot be attributed to any click.
 */
export const MAX_AGE_MS = 90 * 24 * 60 * 60 * 1000;
/** A timestamp ahead of the delivery by at most this is clock skew: sent as the delivery's time. */
const SKEW_MS = 60 * 60 * 1000;
const CURRENCY = /^[A-Z]{3}$/;

/** A number from a number or decimal text, or a PermanentError naming the field: a value read wrong is worse than none. */
const amountOf = (value: JsonValue | undefined, field: string) => readDecimal(value, { vendor: 'Google Ads', field });

/**
 * `yyyy-mm-dd hh:mm:ss+00:00`, the form Google takes `conversionDateTime` in (the offset is
 * required; UTC names the same instant as the account's own zone would).
 *
 * @example
 * conversionDateTime(Date.parse('2026-11-30T11:00:00.750Z')); // '2026-11-30 11:00:00+00:00'
 */
export function conversionDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}+00:00`;
}

/** The epoch milliseconds of a mapped time (ms, an ISO 8601 date, or Google's own form), else the event's timestamp. */
function happenedAt(payload: JsonObject, event: CanonicalEvent): number {
  const mapped = payload.conversionDateTime;
  let time: number;
  if (typeof mapped === 'number') time = mapped;
  else if (typeof mapped === 'string' && mapped.trim() !== '') {
    const written = mapped.trim();
    const google = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})([+-]\d{2}:\d{2})$/.exec(written);
    time = /^\d+$/.test(written) ? Number(written) : Date.parse(google ? `${google[1]}T${google[2]}${google[3]}` : written);
  } else time = Date.parse(event.timestamp);
  if (!Number.isFinite(time)) throw new PermanentError(`Google Ads needs the conversion's time; the blueprint mapped conversionDateTime ${JSON.stringify(mapped)}: map timestamp with to_unix_ms`);
  return Math.floor(time / 1000) * 1000;
}

/**
 * The order id Google deduplicates on (one conversion per order id and conversion action): the
 * mapped one, else the messageId, so the same event sent twice — a retry after a lost answer, a
 * replay — is counted once. A placeholder ("undefined", "null"), which would make Google count
 * one conversion of all that carry it, gives way to the messageId.
 */
function orderIdOf(mapped: JsonValue | undefined, messageId: string | undefined): string | undefined {
  for (const id of [readText(mapped), readText(messageId)]) {
    if (id !== undefined && !namesNoOne(id)) return id;
  }
  return undefined;
}

/**
 * The ClickConversion for an event, or null for an event no conversion action is configured for
 * (not sent, not an error):
 *
 * - `gclid`, else `gbraid`, else `wbraid` (Google takes one): the page URL's, else the mapped
 *   one (the blueprint maps Signal's `_dfgclid` cookie, else the Google tag's `_gcl_aw`, else
 *   server-side Google Tag Manager's `FPGCLAW`; see gclidOfCookie);
 * - `conversionAction`: `customers/<customer_id>/conversionActions/<id>`, of the action the
 *   blueprint mapped, else the one `config.conversion_actions` names for the event;
 * - `conversionDateTime`: `yyyy-mm-dd hh:mm:ss+00:00` (the event's timestamp unless mapped); up
 *   to an hour ahead of the delivery is sent as the delivery's time;
 * - `conversionValue` (the mapped value, else the products' sum) and `currencyCode` (the mapped
 *   one, else `config.default_currency`; none: the conversion action's own);
 * - `orderId`: see orderIdOf;
 * - `userIdentifiers` (enhanced conversions for leads): the hashed email and phone, unless
 *   `config.enhanced_conversions` is false, the visitor denied `ad_user_data`, or the click id
 *   is a gbraid or wbraid (Google refuses identifiers beside those);
 * - `consent`: `adUserData` and `adPersonalization` from Google Consent Mode, when known (see
 *   the SDK's googleConsentStatus: a denial anywhere in the event wins).
 *
 * Throws a PermanentError (the event is dead-lettered alone) for what Google would refuse: a
 * time more than an hour ahead or more than 90 days old, nothing to attribute the conversion
 * by, an unreadable value or currency.
 *
 * @example
 * toClickConversion({ gclid: 'GCL.1796032000.EAIaIQobChMI8e', conversionValue: 64.98, currencyCode: 'EUR', orderId: 'ORD-1' }, orderCompleted, ctx);
 * // { gclid: 'EAIaIQobChMI8e', conversionAction: 'customers/1234567890/conversionActions/6543210',
 * //   conversionDateTime: '2026-11-30 11:00:00+00:00', conversionValue: 64.98, currencyCode: 'EUR', orderId: 'ORD-1' }
 */
export function toClickConversion(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const config = ctx.config;
  let action: string | undefined;
  if (payload.conversionAction !== undefined && payload.conversionAction !== null && payload.conversionAction !== '') {
    action = conversionActionId(payload.conversionAction);
    if (action === undefined) throw new PermanentError(`the blueprint mapped conversionAction ${JSON.stringify(payload.conversionAction)}: a Google Ads conversion action is its id (digits) or customers/<customer id>/conversionActions/<id>`);
  } else {
    action = conversionActionFor(event, config);
  }
  if (action === undefined) return null;

  let time = happenedAt(payload, event);
  if (time > ctx.now + SKEW_MS) {
    throw new PermanentError(`Google Ads takes no conversions from the future: this one is dated ${instantText(time)}, after this delivery (${instantText(ctx.now)})`);
  }
  time = Math.min(time, Math.floor(ctx.now / 1000) * 1000);
  if (ctx.now - time > MAX_AGE_MS) {
    const days = Math.floor((ctx.now - time) / (24 * 60 * 60 * 1000));
    throw new PermanentError(`Google Ads attributes a conversion to a click of at most 90 days before it (the longest click-through window), so this one cannot count: it happened on ${instantText(time)}, ${days} days before this delivery`);
  }

  // The page URL's click id first (the newest click), then the mapped cookies'.
  const click = googleClickId(event, { gclid: payload.gclid, gbraid: payload.gbraid, wbraid: payload.wbraid });
  const consent: JsonObject = {};
  const mappedConsent = isJsonObject(payload.consent) ? payload.consent : {};
  const adUserData = googleConsentStatus(mappedConsent.ad_user_data, event.context?.consent, 'ad_user_data');
  const adPersonalization = googleConsentStatus(mappedConsent.ad_personalization, event.context?.consent, 'ad_personalization');
  if (adUserData !== undefined) consent.adUserData = adUserData;
  if (adPersonalization !== undefined) consent.adPersonalization = adPersonalization;

  const defaultCountryCode = configText(config, 'default_country_code');
  const { identifiers, left } = userIdentifiers(payload.user, defaultCountryCode === undefined ? {} : { defaultCountryCode });
  const withheld = config.enhanced_conversions === false ? 'config.enhanced_conversions is off'
    : adUserData === 'DENIED' ? 'the visitor denied ad_user_data'
    : click !== undefined && click.param !== 'gclid' ? `Google takes no user identifiers beside a ${click.param}`
    : undefined;
  const sentIdentifiers = withheld === undefined ? identifiers : [];
  if (click === undefined && sentIdentifiers.length === 0) {
    const why = withheld !== undefined && identifiers.length > 0 ? ` (its email or phone is not sent: ${withheld})` : left.length > 0 ? ` (left out as unusable: ${left.join(', ')})` : '';
    throw new PermanentError(`Google Ads cannot attribute this conversion: it needs a gclid (the landing page URL's, or a gclid cookie: _dfgclid, _gcl_aw), a gbraid or wbraid, or an email or phone number (enhanced conversions for leads), and the event has none${why}`);
  }

  const customerId = customerIdOf(config.customer_id) ?? String(config.customer_id);
  const out: JsonObject = {};
  if (click !== undefined) out[click.param] = click.id;
  out.conversionAction = `customers/${customerId}/conversionActions/${action}`;
  out.conversionDateTime = conversionDateTime(time);

  const value = amountOf(payload.conversionValue, 'conversionValue') ?? productsValue(payload.products, { vendor: 'Google Ads', valueField: 'conversionValue' });
  if (value !== undefined) {
    out.conversionValue = value;
    const given = readText(payload.currencyCode);
    const currency = (given ?? readText(config.default_currency))?.toUpperCase();
    if (currency !== undefined) {
      if (!CURRENCY.test(currency)) throw new PermanentError(`Google Ads takes currencyCode as an ISO 4217 code (USD, EUR); the event has ${JSON.stringify(given ?? config.default_currency)}`);
      out.currencyCode = currency;
    }
  }
  const orderId = orderIdOf(payload.orderId, event.messageId);
  if (orderId !== undefined) out.orderId = orderId;
  if (sentIdentifiers.length > 0) out.userIdentifiers = sentIdentifiers;
  if (Object.keys(consent).length > 0) out.consent = consent;
  return out;
}
