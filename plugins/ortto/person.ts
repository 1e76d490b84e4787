// An identify as one person of `POST /v1/person/merge` (Create or update one or more people):
// `{ fields: { … }, location?: { source_ip } }`. Built-in fields by their documented ids —
// `str::first`, `str::last`, `str::email`, `str::ei`, `phn::phone` (`{ phone, parse_with_country_code }`),
// `geo::city` / `geo::region` / `geo::country` (`{ name }`), `str::postal`, `dtz::b` (the
// birthday's `{ year, month, day, timezone }`), `bol::gdpr`, `bol::p` (the email permission:
// only as the config and the identify's marketing consent say, a grant only with an email of the
// identify's own) — then the custom fields the
// config maps from traits. A trait set to null clears its field ("A person's field in the CDP
// can be cleared by specifying the corresponding person field's value in the request as null").
import { isJsonObject, isRememberedOnly, normalizePhoneNumber, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { defaultCountryCodeOf, fieldMapOf } from './config.ts';
import { fitFieldValue, fitString, orttoDate } from './field-values.ts';
import { identityFieldsOf, locationOf } from './identity.ts';

/** A person record as the map hook gives it, for the merge's `people` array. */
export interface PersonRecord {
  kind: 'person';
  person: { fields: JsonObject; location?: JsonObject };
}

/** Where consent is said, as Signal's consent gate reads it. */
function marketingAnswers(event: CanonicalEvent): unknown[] {
  const consent = event.context?.consent as Record<string, unknown> | undefined;
  if (!consent) return [];
  const nested = (key: string) => (isJsonObject(consent[key] as JsonValue) ? (consent[key] as JsonObject).marketing : undefined);
  return [consent.marketing, nested('categories'), nested('categoryPreferences')];
}

/**
 * The email permission `bol::p` an identify sets: with config.email_permission
 * `marketing_consent`, true when it grants marketing consent and denies it nowhere, false when it
 * denies it; undefined otherwise (not said, or the config's default `not_sent`).
 *
 * @example
 * emailPermissionOf(identifyWith({ consent: { marketing: true } }), { config: { email_permission: 'marketing_consent' }, … }); // true
 */
export function emailPermissionOf(event: CanonicalEvent, ctx: PluginContext): boolean | undefined {
  if (ctx.config.email_permission !== 'marketing_consent') return undefined;
  const answers = marketingAnswers(event);
  if (answers.includes(false)) return false;
  return answers.includes(true) ? true : undefined;
}

/**
 * Text of a built-in string field, cut to Ortto's 255 characters with a warning.
 */
function textField(value: JsonValue | undefined, name: string, ctx: PluginContext): string | undefined {
  const text = readText(value);
  if (text === undefined) return undefined;
  const fitted = fitString(text);
  if (fitted.cut) ctx.warn?.(`${name} cut to Ortto's 255 characters`);
  return fitted.text;
}

/**
 * The phone as Ortto's phone object: the number in E.164 without its `+`, with
 * `parse_with_country_code: true` ("the full phone number in one field"); left out, with a
 * warning, when it does not read as a number with its country code.
 */
function phoneOf(value: JsonValue | undefined, ctx: PluginContext): JsonObject | undefined {
  const phone = readText(value);
  if (phone === undefined) return undefined;
  const countryCode = defaultCountryCodeOf(ctx.config);
  const e164 = normalizePhoneNumber(phone, { defaultCountryCode: countryCode });
  if (e164 === undefined) {
    ctx.warn?.(`phone left out: ${JSON.stringify(phone)} does not read as a phone number with its country code${countryCode ? '' : ' (set config.default_country_code to read numbers written without one)'}`);
    return undefined;
  }
  return { phone: e164.slice(1), parse_with_country_code: true };
}

/**
 * The custom person fields of the config's trait → field map, from the identify's traits as the
 * blueprint passed them (`traits`); what a field cannot hold left out with ctx.warn naming the
 * trait.
 *
 * @example
 * customFieldsOf({ plan: 'pro', seats: '3' }, { config: { trait_fields: { plan: 'str:cm:plan', seats: 'int:cm:seats' } }, … });
 * // { 'str:cm:plan': 'pro', 'int:cm:seats': 3 }
 */
export function customFieldsOf(traits: JsonValue | undefined, ctx: PluginContext): JsonObject {
  const given = isJsonObject(traits) ? traits : {};
  const fields: JsonObject = {};
  for (const [trait, fieldId] of fieldMapOf(ctx.config.trait_fields)) {
    if (!Object.hasOwn(given, trait)) continue;
    const fitted = fitFieldValue(fieldId, given[trait], { nullClears: true });
    if (fitted === undefined) continue;
    if ('leftOut' in fitted) ctx.warn?.(`traits.${trait} left out of ${fieldId}: ${fitted.leftOut}`);
    else {
      if (fitted.cut) ctx.warn?.(`traits.${trait} cut to Ortto's 255 characters for ${fieldId}`);
      fields[fieldId] = fitted.value;
    }
  }
  return fields;
}

/**
 * The person record of an identify, or null when it names no person Ortto can merge by (said
 * with ctx.warn, see identityFieldsOf).
 *
 * @example
 * personRecord({ email: 'jane@example.com', user_id: 'u-1', first_name: 'Jane', ip: '203.0.113.42' }, identify, ctx);
 * // { kind: 'person', person: { fields: { 'str::email': 'jane@example.com', 'str::ei': 'u-1', 'str::first': 'Jane' }, location: { source_ip: '203.0.113.42' } } }
 */
export function personRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const identity = identityFieldsOf(payload.email, payload.user_id, 'the identify', ctx);
  if (identity === undefined) return null;
  const fields: JsonObject = { ...identity };
  const first = textField(payload.first_name, 'first_name', ctx);
  if (first !== undefined) fields['str::first'] = first;
  const last = textField(payload.last_name, 'last_name', ctx);
  if (last !== undefined) fields['str::last'] = last;
  const phone = phoneOf(payload.phone, ctx);
  if (phone !== undefined) fields['phn::phone'] = phone;
  for (const [name, id] of [['city', 'geo::city'], ['region', 'geo::region'], ['country', 'geo::country']] as const) {
    const place = textField(payload[name], name, ctx);
    if (place !== undefined) fields[id] = { name: place };
  }
  const postal = textField(payload.postal_code, 'postal_code', ctx);
  if (postal !== undefined) fields['str::postal'] = postal;
  if (payload.birthday !== undefined && payload.birthday !== null) {
    const birthday = orttoDate(payload.birthday);
    if (birthday !== undefined) fields['dtz::b'] = birthday;
    else ctx.warn?.(`birthday left out: ${JSON.stringify(payload.birthday)} is not a date (YYYY-MM-DD)`);
  }
  if (typeof payload.gdpr === 'boolean') fields['bol::gdpr'] = payload.gdpr;
  const permission = emailPermissionOf(event, ctx);
  // A grant re-subscribes: only from an identify that gives the email itself, never by the one
  // Signal remembers (context.traits), which every later identify of the person carries.
  if (permission === true && isRememberedOnly(payload.email, 'email', event)) {
    ctx.warn?.('bol::p (email permission) not sent: the identify gives no email of its own, only the one Signal remembers of the person (context.traits), and granting the permission would re-subscribe someone who unsubscribed in Ortto');
  } else if (permission !== undefined) fields['bol::p'] = permission;
  Object.assign(fields, customFieldsOf(payload.traits, ctx));
  const location = locationOf(payload.ip, ctx);
  const record: PersonRecord = { kind: 'person', person: { fields, ...(location ? { location } : {}) } };
  return { ...record } as unknown as JsonObject;
}
