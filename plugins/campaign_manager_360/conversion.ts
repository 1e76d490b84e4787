// One Conversion as conversions.batchinsert takes it (REST JSON, the discovery document's
// names; int64 fields as text), from whatever the blueprint mapped. CM360 checks each conversion
// of a request alone and answers a status for each, so a conversion that cannot be fitted is
// dead-lettered alone, saying why, before it is sent; what CM360 alone can judge (the click, the
// match ID) is left to its answer. An event no Floodlight activity is configured for, or with
// nothing to attribute it by, is not sent.
import {
  eventMapName, googleConsentStatus, instantText, isContactInfo, isJsonObject, namesNoOne, PermanentError, readDecimal, readInstantMs, readText, readWholeNumber, trimmedText, usableId,
  type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext,
} from '../../core/sdk/index.ts';
import { clickOf } from './click-ids.ts';
import { idOf } from './config.ts';
import { userIdentifiers } from './user-identifiers.ts';

/** CM360 takes conversions at most 28 days old at the time of submission. */
export const MAX_AGE_MS = 28 * 24 * 60 * 60 * 1000;
/** Epoch milliseconds never reach this before the year 5138; epoch microseconds passed it in 1973. */
const MICROS_FROM = 1e14;
/** A timestamp ahead of the delivery by at most this is clock skew: sent as the delivery's time. */
const SKEW_MS = 60 * 60 * 1000;
/** An ISO 4217 code. */
const CURRENCY = /^[A-Z]{3}$/;
/** A custom Floodlight variable: U1 to U100 ("These map to the u[1-100]= in the tags"). */
const CUSTOM_VARIABLE = /^U([1-9][0-9]?|100)$/;
/** A custom Floodlight variable's value: "The length of string must not exceed 100 characters." */
const MAX_VARIABLE_CHARS = 100;
/** Micro-units, so 24.99 × 3 adds up to 74.97 and not 74.97000000000001. */
const MICRO = 1_000_000;

/** The products' value (price × quantity, 1 when absent) when every product has a price; else undefined. */
function productsValue(raw: JsonValue | undefined): number | undefined {
  const list = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  const products = list.filter(isJsonObject);
  if (products.length === 0 || products.length !== list.length) return undefined;
  let micros = 0;
  for (const [index, product] of products.entries()) {
    const price = readDecimal(product.price, { vendor: 'Campaign Manager 360', field: `products[${index}].price` });
    if (price === undefined) return undefined;
    micros += Math.round(price * MICRO) * (readWholeNumber(product.quantity, { min: 0 }) ?? 1);
  }
  return Number.isFinite(micros) ? micros / MICRO : undefined;
}

/** The products' item count (their quantities, 1 when absent); undefined without products. */
function productsQuantity(raw: JsonValue | undefined): number | undefined {
  const products = (Array.isArray(raw) ? raw : []).filter(isJsonObject);
  if (products.length === 0) return undefined;
  return products.reduce((sum, product) => sum + (readWholeNumber(product.quantity, { min: 0 }) ?? 1), 0) || undefined;
}

/**
 * When the conversion happened, in ms (the mapped time, else the event's timestamp), fitted to
 * what CM360 takes: up to an hour ahead of the delivery sent as the delivery's time; further
 * ahead, or more than 28 days before the delivery, a PermanentError.
 */
function happenedAt(payload: JsonObject, event: CanonicalEvent, now: number): number {
  const mapped = payload.timestampMicros;
  const read = mapped !== undefined && mapped !== null && mapped !== '' ? readInstantMs(mapped) : readInstantMs(event.timestamp);
  // A blueprint edited to map epoch microseconds (the field's name, CM360's unit) is read as
  // such: no time in milliseconds reaches 1e14 before the year 5138.
  const time = read !== undefined && read >= MICROS_FROM ? Math.floor(read / 1000) : read;
  if (time === undefined) throw new PermanentError(`Campaign Manager 360 needs the conversion's time; the blueprint mapped timestampMicros ${JSON.stringify(mapped)}: map timestamp with to_unix_ms`);
  if (time > now + SKEW_MS) throw new PermanentError(`Campaign Manager 360 takes no conversions from the future: this one is dated ${instantText(time)}, after this delivery (${instantText(now)})`);
  const sent = Math.min(time, now);
  if (now - sent > MAX_AGE_MS) {
    const days = Math.floor((now - sent) / 86_400_000);
    throw new PermanentError(`Campaign Manager 360 takes conversions at most 28 days old, and this one happened on ${instantText(sent)}, ${days} days before this delivery: it can no longer be uploaded`);
  }
  return sent;
}

/**
 * The ordinal CM360 deduplicates on (conversions of the same activity, identifier, day and
 * ordinal count once): the mapped one, else the messageId, so the same event sent twice — a
 * retry after a lost answer, a replay — is counted once, while two events are two. A placeholder
 * ("undefined", "null"), which would make CM360 count one conversion of all that carry it on a
 * day, gives way to the messageId.
 */
function ordinalOf(mapped: JsonValue | undefined, messageId: string | undefined, fallback: string): string {
  for (const ordinal of [readText(mapped), readText(messageId)]) {
    if (ordinal !== undefined && !namesNoOne(ordinal)) return ordinal;
  }
  return fallback;
}

/** The custom Floodlight variables mapped under `customVariables` (`{ U1: value }`), as CM360 lists them; what cannot go is named in `left`. */
function customVariablesOf(raw: JsonValue | undefined, left: string[]): JsonObject[] {
  if (!isJsonObject(raw)) return [];
  const variables: JsonObject[] = [];
  for (const [type, value] of Object.entries(raw)) {
    const written = readText(value);
    if (written === undefined) continue;
    if (!CUSTOM_VARIABLE.test(type)) left.push(`customVariables.${type} (a custom Floodlight variable is U1 to U100)`);
    else if (isContactInfo('value', written)) left.push(`customVariables.${type} (it holds contact information)`);
    else if (written.length > MAX_VARIABLE_CHARS) left.push(`customVariables.${type} (${written.length} characters, more than ${MAX_VARIABLE_CHARS})`);
    else variables.push({ type, value: written });
  }
  return variables;
}

/**
 * The value CM360 is sent (it reads it in the Floodlight configuration's advertiser currency,
 * and requires one): the mapped value, else the products' sum, else 0; 0 (saying why) for a
 * negative value, or one in another currency than `config.currency`.
 */
function valueOf(payload: JsonObject, ctx: PluginContext): number {
  const value = readDecimal(payload.value, { vendor: 'Campaign Manager 360', field: 'value' }) ?? productsValue(payload.products);
  if (value === undefined) return 0;
  if (value < 0) {
    ctx.warn?.(`value ${value} left out (sent as 0): a conversion's value is 0 or more`);
    return 0;
  }
  const advertiser = trimmedText(ctx.config.currency)?.toUpperCase();
  const given = readText(payload.currency)?.toUpperCase();
  if (advertiser !== undefined && given !== undefined && given !== advertiser) {
    const why = CURRENCY.test(given) ? `in ${given}, and CM360 counts values in the advertiser's ${advertiser} (config.currency) with no currency of their own` : `its currency ${JSON.stringify(given)} is no ISO 4217 code, and CM360 counts values in the advertiser's ${advertiser}`;
    ctx.warn?.(`value ${value} left out (sent as 0): ${why}`);
    return 0;
  }
  return value;
}

/**
 * The Conversion for an event, or null for an event that is none (not sent, not an error):
 *
 * - `floodlightActivityId`: the activity `config.floodlight_activities` names for the event (a
 *   track event by its name, a page call by `page:<name>` then `page`), else the one the
 *   blueprint mapped; none: null;
 * - `floodlightConfigurationId`: `config.floodlight_configuration_id`;
 * - one identifier: the `dclid` or `gclid` of the click (see clickOf), else the userId as
 *   `matchId` with `config.match_id_from_user_id`; none: null, saying why;
 * - `timestampMicros` (text), `value` (0 when none), `quantity` (text: the mapped quantity,
 *   else the products' count, else 1) and `ordinal` (the mapped one, else the messageId: a
 *   conversion sent twice, a retry after a lost answer, is counted once);
 * - `userIdentifiers` (enhanced conversions): hashed email, phone and name with address,
 *   unless `config.enhanced_conversions` is false or the visitor denied `ad_user_data`;
 * - `adUserDataConsent` from Google Consent Mode's ad_user_data, when known; `limitAdTracking:
 *   true` when the visitor denied ad_personalization (CM360 then uses the conversion for
 *   reporting, not targeting or remarketing);
 * - `childDirectedTreatment` / `treatmentForUnderage` when the config sets them;
 * - `customVariables` mapped as `{ U1: value }`.
 *
 * Throws a PermanentError (the event is dead-lettered alone) for what CM360 would refuse: a time
 * more than an hour ahead or more than 28 days old, an unreadable value or activity.
 *
 * @example
 * toConversion({ dclid: 'CJKu8LrQxd4CFQ1qwQodmJIElw', value: 74.97, quantity: 3 }, orderCompleted, ctx);
 * // { floodlightConfigurationId: '2345678', floodlightActivityId: '12345678', dclid: 'CJKu8LrQxd4CFQ1qwQodmJIElw',
 * //   timestampMicros: '1796032800000000', value: 74.97, quantity: '3', ordinal: 'm-1' }
 */
export function toConversion(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const { config } = ctx;
  const configured = eventMapName(event, config.floodlight_activities);
  const activity = configured !== undefined ? idOf(configured) : payload.floodlightActivityId === undefined || payload.floodlightActivityId === null ? undefined : idOf(payload.floodlightActivityId);
  if (activity === undefined) {
    if (configured !== undefined || (payload.floodlightActivityId !== undefined && payload.floodlightActivityId !== null && payload.floodlightActivityId !== '')) {
      throw new PermanentError(`the Floodlight activity ${JSON.stringify(configured ?? payload.floodlightActivityId)} is no activity ID (digits): fix config.floodlight_activities in a new revision`);
    }
    return null;
  }
  const what = event.type === 'track' ? `"${event.event ?? ''}"` : `the ${event.type} call`;

  const click = clickOf(event, payload);
  const matchId = config.match_id_from_user_id === true && usableId(event.userId) ? String(event.userId).trim() : undefined;
  if (click === undefined && matchId === undefined) {
    const withMatch = config.match_id_from_user_id === true ? ', and it has no userId for the match ID' : ' (or a match ID: config.match_id_from_user_id, when your Floodlight tags pass the userId as match_id)';
    ctx.warn?.(`${what} not sent to Campaign Manager 360: no click to attribute it to — no dclid or gclid in the landing URL or Signal's _dfdclid / _dfgclid cookies${withMatch}`);
    return null;
  }

  const time = happenedAt(payload, event, ctx.now);
  const mappedConsent = isJsonObject(payload.consent) ? payload.consent : {};
  const adUserData = googleConsentStatus(mappedConsent.ad_user_data, event.context?.consent, 'ad_user_data');
  const adPersonalization = googleConsentStatus(mappedConsent.ad_personalization, event.context?.consent, 'ad_personalization');

  const out: JsonObject = { floodlightConfigurationId: idOf(config.floodlight_configuration_id) ?? String(config.floodlight_configuration_id), floodlightActivityId: activity };
  if (click !== undefined) out[click.field] = click.id;
  else out.matchId = matchId!;
  out.timestampMicros = `${time}000`;
  out.value = valueOf(payload, ctx);
  out.quantity = String(readWholeNumber(payload.quantity, { min: 1 }) ?? productsQuantity(payload.products) ?? 1);
  out.ordinal = ordinalOf(payload.ordinal, event.messageId, out.timestampMicros);

  const left: string[] = [];
  if (config.enhanced_conversions !== false && adUserData !== 'DENIED') {
    const defaultCountryCode = trimmedText(config.default_country_code);
    const identifiers = userIdentifiers(payload.user, defaultCountryCode === undefined ? {} : { defaultCountryCode });
    if (identifiers.identifiers.length > 0) out.userIdentifiers = identifiers.identifiers;
    left.push(...identifiers.left.map((key) => `user.${key}`));
  }
  if (adUserData !== undefined) out.adUserDataConsent = adUserData;
  if (adPersonalization === 'DENIED') out.limitAdTracking = true;
  if (config.child_directed_treatment === true) out.childDirectedTreatment = true;
  if (config.treatment_for_underage === true) out.treatmentForUnderage = true;
  const variables = customVariablesOf(payload.customVariables, left);
  if (variables.length > 0) out.customVariables = variables;
  if (left.length > 0) ctx.warn?.(`left out of the conversion: ${left.join('; ')}`);
  return out;
}
