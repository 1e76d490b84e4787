// One conversion event as LinkedIn's `conversionEvents` schema takes it, from whatever the
// blueprint mapped. LinkedIn validates a BATCH_CREATE request as a whole and refuses every
// element of it for one that does not fit (HTTP 422 or 400 naming its index), so the element is
// fitted here and one that cannot be fitted is dead-lettered alone, saying why, before it is sent.
import { configText, instantText, isJsonObject, namesNoOne, pageUrlParamOf, PermanentError, productsValue, readDecimal, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { conversionRuleFor, ruleId } from './config.ts';
import { canMatch, identifierOf, linkedInUser } from './user-info.ts';

/** LinkedIn takes conversions that happened in the last 90 days, and none in the future. */
export const MAX_AGE_MS = 90 * 24 * 60 * 60 * 1000;
/** A timestamp ahead of the delivery by at most this is clock skew: sent as the delivery's time. */
const SKEW_MS = 60 * 60 * 1000;
/** The longest `eventId` LinkedIn is reported to take (its partners' connector docs say 64 characters). */
export const MAX_EVENT_ID = 64;
const CURRENCY = /^[A-Z]{3}$/;
const CLICK_ID = 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID';

/** A number from a number or decimal text, or a PermanentError naming the field: a value read wrong is worse than none. */
const amountOf = (value: JsonValue | undefined, field: string) => readDecimal(value, { vendor: 'LinkedIn', field, sentAsText: true });

/**
 * `conversionValue` ({ currencyCode, amount as text }) from the mapped amount, else the
 * products' sum; the currency mapped, else `config.default_currency`. Undefined when there is
 * no amount. A value without any currency throws (LinkedIn refuses an amount without its
 * currency, and guessing one would count the value wrong).
 */
function conversionValue(payload: JsonObject, defaultCurrency: string | undefined): JsonObject | undefined {
  const mapped = isJsonObject(payload.conversionValue) ? payload.conversionValue : {};
  const amount = amountOf(mapped.amount, 'conversionValue.amount') ?? productsValue(payload.products, { vendor: 'LinkedIn', valueField: 'conversionValue.amount', sentAsText: true });
  if (amount === undefined) return undefined;
  const given = readText(mapped.currencyCode);
  const currency = (given ?? defaultCurrency)?.toUpperCase();
  if (currency === undefined) {
    throw new PermanentError(`LinkedIn needs the currency of a conversion value: the event has a value (${amount}) and no currency; send currency with the event, or set config.default_currency`);
  }
  if (!CURRENCY.test(currency)) throw new PermanentError(`LinkedIn takes currencyCode as an ISO 4217 code (USD, EUR); the event has ${JSON.stringify(given ?? defaultCurrency)}`);
  return { currencyCode: currency, amount: String(amount) };
}

/** The epoch milliseconds of a mapped time (ms or an ISO 8601 date), else the event's timestamp. */
function happenedAt(payload: JsonObject, event: CanonicalEvent): number {
  const mapped = payload.conversionHappenedAt;
  const time = typeof mapped === 'number' ? mapped : typeof mapped === 'string' && mapped.trim() !== '' ? (/^\d+$/.test(mapped.trim()) ? Number(mapped) : Date.parse(mapped)) : Date.parse(event.timestamp);
  if (!Number.isFinite(time)) throw new PermanentError(`LinkedIn needs conversionHappenedAt (epoch milliseconds); the blueprint mapped ${JSON.stringify(mapped)}: map timestamp with to_unix_ms`);
  return Math.floor(time);
}

/**
 * The `eventId` LinkedIn deduplicates on: the mapped one, else the messageId; one that cannot
 * serve — longer than 64 characters, or a placeholder ("undefined", "null") that LinkedIn would
 * take for the same conversion every time it came, counting one of them only — gives way to
 * the messageId, and none is sent when neither serves.
 */
function eventIdOf(mapped: JsonValue | undefined, messageId: string | undefined): string | undefined {
  for (const id of [readText(mapped), readText(messageId)]) {
    if (id !== undefined && id.length <= MAX_EVENT_ID && !namesNoOne(id)) return id;
  }
  return undefined;
}

/**
 * The `li_fat_id` parameter of the page URL: LinkedIn appends it to an ad's landing page when
 * the ad account has enhanced conversion tracking on (the Insight Tag keeps it in the
 * `li_fat_id` first-party cookie).
 */
function liFatIdFromUrl(event: CanonicalEvent): string | undefined {
  return pageUrlParamOf(event, 'li_fat_id', { propertiesUrl: 'any', accept: identifierOf });
}

/**
 * The conversion event as LinkedIn takes it, from the blueprint's mapping, or null for an event
 * no conversion rule is configured for (not sent, not an error):
 *
 * - `conversion`: the URN of the rule the blueprint mapped (`conversion`), else of the rule
 *   `config.conversion_rules` names for the event;
 * - `conversionHappenedAt`: epoch milliseconds (the event's timestamp unless mapped); up to an
 *   hour ahead of the delivery is sent as the delivery's time;
 * - `conversionValue`: see conversionValue; `eventId`: see eventIdOf (the messageId unless
 *   mapped);
 * - `user`: see linkedInUser, the click id from the page URL's `li_fat_id` winning over the cookie.
 *
 * Throws a PermanentError (the event is dead-lettered alone) for what LinkedIn would refuse
 * with its whole request: a time more than 90 days old or more than an hour ahead, a value
 * without a currency, nothing to match a person on.
 *
 * @example
 * toLinkedInEvent({ conversionHappenedAt: 1796032800000, eventId: 'm-1', user: { email: 'jane@example.com' } }, orderCompleted, ctx);
 * // { conversion: 'urn:lla:llaPartnerConversion:104012', conversionHappenedAt: 1796032800000, eventId: 'm-1',
 * //   user: { userIds: [{ idType: 'SHA256_EMAIL', idValue: '<sha256>' }] } }
 */
export function toLinkedInEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const config = ctx.config;
  let rule: string | undefined;
  if (payload.conversion !== undefined && payload.conversion !== null && payload.conversion !== '') {
    rule = ruleId(payload.conversion);
    if (rule === undefined) throw new PermanentError(`the blueprint mapped conversion ${JSON.stringify(payload.conversion)}: a LinkedIn conversion rule id is its digits (104012) or urn:lla:llaPartnerConversion:104012`);
  } else {
    rule = conversionRuleFor(event, config);
  }
  if (rule === undefined) return null;

  let time = happenedAt(payload, event);
  if (time > ctx.now + SKEW_MS) {
    throw new PermanentError(`LinkedIn refuses conversions in the future: this one is dated ${instantText(time)}, after this delivery (${instantText(ctx.now)})`);
  }
  time = Math.min(time, ctx.now);
  if (ctx.now - time > MAX_AGE_MS) {
    const days = Math.floor((ctx.now - time) / (24 * 60 * 60 * 1000));
    throw new PermanentError(`LinkedIn takes conversions at most 90 days old: this one happened on ${instantText(time)}, ${days} days before this delivery`);
  }

  const { user, left } = linkedInUser(payload.user, { sendIpAddress: config.send_ip_address === true });
  const clickId = liFatIdFromUrl(event);
  if (clickId !== undefined) {
    // The URL's click id is the newest ad click: it replaces the cookie's, in the same place (after the email).
    const ids = (user.userIds as JsonObject[]).filter((id) => id.idType !== CLICK_ID);
    ids.splice(ids[0]?.idType === 'SHA256_EMAIL' ? 1 : 0, 0, { idType: CLICK_ID, idValue: clickId });
    user.userIds = ids;
  }
  if (!canMatch(user)) {
    const ip = config.send_ip_address === true ? '' : ' (config.send_ip_address is off)';
    throw new PermanentError(`LinkedIn cannot match this conversion to a member: it needs an email, the li_fat_id click id, an Acxiom or Oracle Moat id, an IPv4 address${ip}, or a first and last name, and the event has none${left.length > 0 ? ` (left out as unusable: ${left.join(', ')})` : ''}`);
  }

  const out: JsonObject = { conversion: `urn:lla:llaPartnerConversion:${rule}`, conversionHappenedAt: time };
  const value = conversionValue(payload, configText(config, 'default_currency'));
  if (value !== undefined) out.conversionValue = value;
  const eventId = eventIdOf(payload.eventId, event.messageId);
  if (eventId !== undefined) out.eventId = eventId;
  out.user = user;
  return out;
}
