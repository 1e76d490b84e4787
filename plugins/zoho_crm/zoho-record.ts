// The map hook: an identify, as the blueprint maps it (the email, the standard person values
// under `person`, the traits, optional raw `fields`), becomes the record an upsert carries —
// `{ key, fields }`: the lower-cased email the record is upserted by, and the module's fields by
// their API names:
//
// 1. the standard fields, by the module's names (a Contact's address is its Mailing address; a
//    Contact has no Company or Website: its company is an Account lookup);
// 2. the traits config.field_map names, over them;
// 3. the blueprint's own `fields.<API name>` rows (e.g. a constant Lead_Source), over both;
// 4. Email, last.
//
// Text is trimmed (blank is no value), numbers and booleans go as they are, a list of text or
// numbers as a list (a multi-select picklist's form); objects and other lists are left out with
// a warning. A null trait is left out: Signal never clears a field.
//
// Not sent (a warning says why): an identify without an email; one whose email Signal only
// remembers (the call's own traits give none) — Zoho's upsert creates the record when none holds
// the email, and Zoho has no update-only write by email (Update Records takes record ids), so an
// upsert could recreate a lead a salesperson deleted; and any other call type.
import { compileGetter, isJsonObject, isRememberedOnly, mappedEmail, neverSentTypes, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { fieldMapOf, moduleOf, type ZohoModule } from './config.ts';

/** The person values the blueprint maps under `person`. */
export type StandardKey = 'firstName' | 'lastName' | 'company' | 'phone' | 'mobilePhone' | 'title' | 'website' | 'street' | 'city' | 'state' | 'postalCode' | 'country';

/** The standard fields of each module for the person values (Zoho's field API names). */
export const STANDARD_FIELDS: Record<ZohoModule, Partial<Record<StandardKey, string>>> = {
  Leads: {
    firstName: 'First_Name', lastName: 'Last_Name', company: 'Company', phone: 'Phone', mobilePhone: 'Mobile', title: 'Designation', website: 'Website',
    street: 'Street', city: 'City', state: 'State', postalCode: 'Zip_Code', country: 'Country',
  },
  Contacts: {
    firstName: 'First_Name', lastName: 'Last_Name', phone: 'Phone', mobilePhone: 'Mobile', title: 'Title',
    street: 'Mailing_Street', city: 'Mailing_City', state: 'Mailing_State', postalCode: 'Mailing_Zip', country: 'Mailing_Country',
  },
};

/** Fields never taken from the config or the blueprint: the record id, Email (the key), and Zoho's `$` keys. */
const RESERVED = new Set(['id', 'email']);

/** The record a mapped identify becomes. */
export interface ZohoRecord {
  /** The lower-cased email the record is upserted by. */
  key: string;
  fields: JsonObject;
}

/**
 * Why the plugin never sends an event of this type, or undefined when it may.
 *
 * @example
 * neverSentReason({ type: 'track' } as CanonicalEvent); // 'not sent to Zoho CRM: …'
 */
export const neverSentReason = neverSentTypes('Zoho CRM', {
  track: 'Zoho CRM keeps no stream of a person\'s events (its Notes and Tasks are a salesperson\'s)',
  page: 'Zoho CRM has no page views',
  screen: 'Zoho CRM has no screen views',
  alias: 'Zoho CRM has no alias call (records are upserted by email)',
  group: 'the plugin writes Leads or Contacts only',
});

/**
 * A value as a Zoho field takes it, or why none: text trimmed, numbers and booleans as they are, a
 * list of text or numbers as a list (multi-select picklists take JSON arrays).
 *
 * @example
 * fieldValue(' Paris ');  // { value: 'Paris' }
 * fieldValue(['a', 'b']); // { value: ['a', 'b'] }
 * fieldValue({ a: 1 });   // { why: 'an object' }
 */
export function fieldValue(value: JsonValue | undefined): { value?: JsonValue; why?: string } {
  if (value === undefined || value === null) return {};
  if (typeof value === 'boolean') return { value };
  if (typeof value === 'number') return Number.isFinite(value) ? { value } : { why: 'not a finite number' };
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? {} : { value: trimmed };
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => readText(item));
    if (items.length > 0 && items.every((item) => item !== undefined)) return { value: items as string[] };
    return items.length === 0 ? {} : { why: 'a list holding more than text and numbers' };
  }
  return { why: 'an object' };
}

/**
 * First and last names from a full name: the last word is the last name, the rest the first.
 *
 * @example
 * splitName('Mary Ann Lee'); // { firstName: 'Mary Ann', lastName: 'Lee' }
 * splitName('Cher');         // { lastName: 'Cher' }
 */
export function splitName(name: string): { firstName?: string; lastName?: string } {
  const words = name.trim().split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return {};
  if (words.length === 1) return { lastName: words[0]! };
  return { firstName: words.slice(0, -1).join(' '), lastName: words[words.length - 1]! };
}

/**
 * The record of a mapped identify, or null (not sent, with a warning).
 *
 * @example
 * toZohoRecord({ email: 'Jane@Example.com', person: { firstName: 'Jane', lastName: 'Doe', city: 'Paris' }, traits: {} }, identify, ctx);
 * // { key: 'jane@example.com', fields: { First_Name: 'Jane', Last_Name: 'Doe', City: 'Paris', Email: 'Jane@Example.com' } }
 */
export function toZohoRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const warn = (message: string) => ctx.warn?.(message);
  const never = neverSentReason(event);
  if (never !== undefined) {
    warn(never);
    return null;
  }
  const email = mappedEmail(payload.email, 'Zoho CRM', { strict: true });
  if (email === undefined) {
    warn('not sent to Zoho CRM: the identify carries no email (traits.email), which records are upserted by');
    return null;
  }
  if (isRememberedOnly(payload.email, 'email', event)) {
    warn('not sent to Zoho CRM: the identify gives no traits.email, and Signal only remembers one; Zoho\'s upsert would create the record when none holds it, and Zoho has no update-only write by email');
    return null;
  }
  const module = moduleOf(ctx.config);
  const standard = STANDARD_FIELDS[module];
  const fields: JsonObject = {};

  // 1. The standard fields, a full name split when no first or last name is given.
  const person: JsonObject = isJsonObject(payload.person) ? { ...payload.person } : {};
  const name = readText(person.name);
  if (name !== undefined && readText(person.firstName) === undefined && readText(person.lastName) === undefined) Object.assign(person, splitName(name));
  for (const [standardKey, value] of Object.entries(person)) {
    if (standardKey === 'name') continue;
    const { value: fitted, why } = fieldValue(value);
    if (why !== undefined) {
      warn(`${standardKey} left out: ${why}, which ${module} fields do not take`);
      continue;
    }
    if (fitted === undefined) continue;
    const field = standard[standardKey as StandardKey];
    if (field === undefined) {
      if (standardKey === 'company' || standardKey === 'website') warn(`${standardKey} left out: Contacts have no ${standardKey === 'company' ? 'Company (a contact\'s company is an Account)' : 'Website'} field (map it to a field of yours in config.field_map)`);
      continue;
    }
    fields[field] = Array.isArray(fitted) ? fitted.join(' ') : fitted;
  }

  // 2. The traits config.field_map names, 3. the blueprint's raw fields.
  const raw: Array<[string, JsonValue | undefined, string]> = [
    ...fieldMapOf(ctx.config).map(([path, field]): [string, JsonValue | undefined, string] => [field, compileGetter(path)(payload.traits) as JsonValue | undefined, `traits.${path}`]),
    ...(isJsonObject(payload.fields) ? Object.entries(payload.fields).map(([field, value]): [string, JsonValue | undefined, string] => [field, value, `fields.${field}`]) : []),
  ];
  for (const [field, value, from] of raw) {
    if (!/^[A-Za-z][A-Za-z0-9_]{0,99}$/.test(field) || RESERVED.has(field.toLowerCase())) {
      warn(`${from} left out: ${JSON.stringify(field)} is no field Signal may write`);
      continue;
    }
    const { value: fitted, why } = fieldValue(value);
    if (why !== undefined) warn(`${from} left out: ${why}, which a Zoho CRM field does not take`);
    else if (fitted !== undefined) fields[field] = fitted;
  }

  // 4. The email, which names the record.
  fields.Email = email;
  return { key: email.toLowerCase(), fields };
}

/** The record of a mapped event as `toZohoRecord` made it, or undefined. */
export function recordOf(payload: JsonValue | undefined): ZohoRecord | undefined {
  if (!isJsonObject(payload)) return undefined;
  return typeof payload.key === 'string' && payload.key !== '' && isJsonObject(payload.fields) ? { key: payload.key, fields: payload.fields } : undefined;
}
