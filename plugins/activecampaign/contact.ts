// An identify as an ActiveCampaign contact, for `POST /api/3/contact/sync` ("/sync 'upserts'
// Contact data": the contact with the email given is updated, else created): `email`
// (required), `firstName`, `lastName`, `phone` in E.164, and `fieldValues` — the custom fields
// `config.custom_fields` maps traits to (`[{ field: "<id>", value: "<text>" }]`), with the userId
// in `config.user_id_field`. The list the config names rides along (`list`), for the
// `POST /api/3/contactLists` the sync's answer leads to (see classify.ts): "subscribed" only
// with the identify's marketing consent.
import { isConsentGranted, isJsonObject, isRememberedOnly, normalizePhoneNumber, readText, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { customFieldsOf, defaultCountryCodeOf, listOf, userIdFieldOf, type ListSetting } from './config.ts';
import { contactEmailOf } from './identity.ts';

/** A contact record as the map hook gives it: the sync's body, and the list step when there is one. */
export interface ContactRecord {
  kind: 'contact';
  body: { contact: JsonObject };
  list?: ListSetting;
}

/**
 * A custom field's value as the API takes it (text): a string trimmed, a number as its digits,
 * a boolean as `true`/`false`, a list of texts or numbers as a multi-value field
 * (`||a||b||`, the form ActiveCampaign's field values take for checkboxes and multi-selects);
 * undefined for nothing to send (null, blank), or `leftOut` with why.
 *
 * @example
 * fieldValueOf(' pro ');        // { value: 'pro' }
 * fieldValueOf(['a', 'b']);     // { value: '||a||b||' }
 * fieldValueOf({ tier: 1 });    // { leftOut: 'an object: …' }
 */
export function fieldValueOf(value: JsonValue | undefined): { value: string } | { leftOut: string } | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return { value: String(value) };
  if (typeof value === 'number') return Number.isFinite(value) ? { value: String(value) } : { leftOut: 'not a finite number' };
  if (typeof value === 'string') return value.trim() === '' ? undefined : { value: value.trim() };
  if (Array.isArray(value)) {
    const items = value.map((item) => readText(item as JsonValue));
    if (items.some((item) => item === undefined || item.includes('||'))) return { leftOut: 'a list holding other things than texts and numbers (or a text with "||"): a multi-value field takes options' };
    return items.length === 0 ? undefined : { value: `||${items.join('||')}||` };
  }
  return { leftOut: 'an object: ActiveCampaign custom fields hold text, numbers, dates and lists of options' };
}

/**
 * The contact's custom field values: the config's trait → field pairs from the identify's own
 * traits, then the userId in config.user_id_field. What a field cannot take is left out with
 * ctx.warn naming the trait. Undefined when none is left.
 *
 * @example
 * fieldValuesOf(identifyWith({ plan: 'pro', seats: 3 }), { config: { custom_fields: { plan: '3', seats: '6' } }, … });
 * // [{ field: '3', value: 'pro' }, { field: '6', value: '3' }]
 */
export function fieldValuesOf(event: CanonicalEvent, userId: JsonValue | undefined, ctx: PluginContext): JsonObject[] | undefined {
  const traits = isJsonObject(event.traits as JsonValue | undefined) ? (event.traits as JsonObject) : {};
  const values: JsonObject[] = [];
  for (const [trait, field] of customFieldsOf(ctx.config)) {
    // Own traits only: a trait named `constructor` is no function of Object's.
    const fitted = fieldValueOf(Object.hasOwn(traits, trait) ? traits[trait] : undefined);
    if (fitted === undefined) continue;
    if ('leftOut' in fitted) ctx.warn?.(`traits.${trait} left out of custom field ${field}: ${fitted.leftOut}`);
    else values.push({ field, value: fitted.value });
  }
  const userIdField = userIdFieldOf(ctx.config);
  if (userIdField !== undefined && usableId(userId)) values.push({ field: userIdField, value: String(userId).trim() });
  return values.length > 0 ? values : undefined;
}

/**
 * The list step of an identify: the config's list, "subscribed" only when the identify grants
 * marketing consent and denies it nowhere (read as Signal's consent gate reads it); without
 * consent no list, said with ctx.warn; nor when the contact's email is only the one Signal
 * remembers (context.traits). "unsubscribed" needs neither.
 *
 * @example
 * listStepOf(identifyWithConsent, { config: { list_id: 2 }, … }); // { list: 2, status: 1 }
 */
export function listStepOf(event: CanonicalEvent, ctx: PluginContext, email?: JsonValue): ListSetting | undefined {
  const list = listOf(ctx.config);
  if (list === undefined || list.status === 2) return list;
  if (!isConsentGranted(event, ['marketing'])) {
    ctx.warn?.(`list ${list.list} not joined: the identify carries no marketing consent (context.consent.marketing true, denied nowhere)`);
    return undefined;
  }
  // Joining comes from what the call says: not from the email Signal remembers (context.traits),
  // which every later identify of the person carries.
  if (isRememberedOnly(email, 'email', event)) {
    ctx.warn?.(`list ${list.list} not joined: the identify gives no email of its own, only the one Signal remembers of the person (context.traits)`);
    return undefined;
  }
  return list;
}

/**
 * The contact record of an identify (the map hook's), or null when it names no contact: an
 * identify without an email (traits.email, context.traits.email, or a userId that is one) is
 * not sent, said with ctx.warn — ActiveCampaign keys contacts by email. A phone that does not
 * read as a number is left out, with a warning.
 *
 * @example
 * contactRecord({ email: 'jane@example.com', firstName: 'Jane', phone: '(415) 555-0100' }, identify, { config: { default_country_code: '1' }, … });
 * // { kind: 'contact', body: { contact: { email: 'jane@example.com', firstName: 'Jane', phone: '+14155550100' } } }
 */
export function contactRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const email = contactEmailOf(payload.email, payload.user_id);
  if (email === undefined) {
    ctx.warn?.('identify not sent to ActiveCampaign: no email (traits.email, one Signal remembers from an earlier identify, or a userId that is an email address); ActiveCampaign\'s contact sync keys contacts by email');
    return null;
  }
  const contact: JsonObject = { email };
  for (const name of ['firstName', 'lastName'] as const) {
    const value = readText(payload[name]);
    if (value !== undefined) contact[name] = value;
  }
  const phone = readText(payload.phone);
  if (phone !== undefined) {
    const countryCode = defaultCountryCodeOf(ctx.config);
    const e164 = normalizePhoneNumber(phone, { defaultCountryCode: countryCode });
    if (e164 !== undefined) contact.phone = e164;
    else ctx.warn?.(`phone left out: ${JSON.stringify(phone)} does not read as a phone number with its country code${countryCode ? '' : ' (set config.default_country_code to read numbers written without one)'}`);
  }
  const fieldValues = fieldValuesOf(event, payload.user_id, ctx);
  if (fieldValues) contact.fieldValues = fieldValues;
  const list = listStepOf(event, ctx, payload.email);
  const record: ContactRecord = { kind: 'contact', body: { contact }, ...(list ? { list } : {}) };
  return { ...record } as unknown as JsonObject;
}
