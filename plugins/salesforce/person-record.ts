// The map hook: an identify, as the blueprint maps it (the userId, the email, the standard
// person values under `person`, the traits, optional raw `fields`), becomes the record the
// requests carry — `{ key, fields }`: the person's key (the External ID field's value, or the
// email when people are matched by Email) and the object's fields by their API names:
//
// 1. the standard fields, by the object's names (a Contact's address is its Mailing address; a
//    Contact has no Company or Website), cut to the lengths Salesforce's field reference gives;
// 2. the traits config.field_map names, over them;
// 3. the blueprint's own `fields.<API name>` rows (e.g. a constant LeadSource), over both;
// 4. the key into the External ID field (or Email), last.
//
// Text is trimmed (blank is no value), numbers and booleans go as they are, a list of text or
// numbers as a multi-select picklist's `a;b`; objects and other lists are left out with a
// warning. A null trait is left out: Signal never clears a field. An identify without the key is
// not sent (a warning says why).
import { compileGetter, isEmailAddress, isJsonObject, readText, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { externalIdFieldOf, externalIdSourceOf, fieldMapOf, objectOf, type SalesforceObject } from './config.ts';

/** The standard Email field's length (Lead and Contact). */
const EMAIL_LENGTH = 80;

/** The person values the blueprint maps under `person`. */
export type StandardKey = 'firstName' | 'lastName' | 'company' | 'phone' | 'mobilePhone' | 'title' | 'website' | 'street' | 'city' | 'state' | 'postalCode' | 'country';

/**
 * The standard fields each object has for the person values, with their lengths (Salesforce's
 * field reference: Lead.City 40, Lead.Company 255, Lead.Country 80, Contact.MailingCity 40, …).
 */
export const STANDARD_FIELDS: Record<SalesforceObject, Partial<Record<StandardKey, readonly [string, number]>>> = {
  Lead: {
    firstName: ['FirstName', 40], lastName: ['LastName', 80], company: ['Company', 255], phone: ['Phone', 40], mobilePhone: ['MobilePhone', 40],
    title: ['Title', 128], website: ['Website', 255], street: ['Street', 255], city: ['City', 40], state: ['State', 80], postalCode: ['PostalCode', 20], country: ['Country', 80],
  },
  Contact: {
    firstName: ['FirstName', 40], lastName: ['LastName', 80], phone: ['Phone', 40], mobilePhone: ['MobilePhone', 40], title: ['Title', 128],
    street: ['MailingStreet', 255], city: ['MailingCity', 40], state: ['MailingState', 80], postalCode: ['MailingPostalCode', 20], country: ['MailingCountry', 80],
  },
};

/** The fields Salesforce requires to create a record of the object (its documented required fields). */
export const REQUIRED_FIELDS: Record<SalesforceObject, readonly string[]> = { Lead: ['LastName', 'Company'], Contact: ['LastName'] };

/** Fields never taken from the config or the blueprint: the record id, and the collections' attributes map. */
const RESERVED = new Set(['id', 'attributes']);

/** The record a mapped identify becomes: its key and its fields. */
export interface PersonRecord {
  /** The External ID field's value, or the lower-cased email when people are matched by Email. */
  key: string;
  fields: JsonObject;
}

/**
 * A value as a Salesforce field takes it, or undefined (with why, for a warning) when it takes
 * none of it: text trimmed, numbers and booleans as they are, a list of text or numbers joined
 * with `;` (a multi-select picklist's form).
 *
 * @example
 * fieldValue(' Paris ');       // { value: 'Paris' }
 * fieldValue(['a', 'b']);      // { value: 'a;b' }
 * fieldValue({ a: 1 });        // { why: 'an object' }
 */
export function fieldValue(value: JsonValue | undefined): { value?: string | number | boolean; why?: string } {
  if (value === undefined || value === null) return {};
  if (typeof value === 'boolean') return { value };
  if (typeof value === 'number') return Number.isFinite(value) ? { value } : { why: 'not a finite number' };
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? {} : { value: trimmed };
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => readText(item));
    if (items.every((item) => item !== undefined) && items.length > 0) return { value: items.join(';') };
    return items.length === 0 ? {} : { why: 'a list holding more than text and numbers' };
  }
  return { why: 'an object' };
}

/** `text` cut to `max` characters (code points: a pair of surrogates is never split). */
function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? chars.slice(0, max).join('') : text;
}

/**
 * First and last names from a full name, when the identify gives no first or last name: the last
 * word is the last name, the rest the first name ("Mary Ann Lee" → "Mary Ann", "Lee"); one word is
 * a last name.
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

/** The email of a mapped identify, trimmed, when it is one. */
export function emailOf(payload: JsonObject): string | undefined {
  const email = readText(payload.email);
  return email !== undefined && isEmailAddress(email) ? email : undefined;
}

/**
 * The person's key, or why the identify is not sent: the userId or the lower-cased email for an
 * External ID field, the lower-cased email when people are matched by Email.
 */
function keyOf(payload: JsonObject, config: Record<string, JsonValue>): { key?: string; why?: string } {
  const external = externalIdFieldOf(config);
  const email = emailOf(payload);
  if (external !== undefined && externalIdSourceOf(config) === 'userId') {
    if (usableId(payload.userId)) return { key: String(payload.userId).trim() };
    return { why: `identify not sent: it has no userId, which records are upserted by (config.external_id_field ${external}, config.external_id_source userId)` };
  }
  if (email !== undefined && (external !== undefined || Array.from(email).length <= EMAIL_LENGTH)) return { key: email.toLowerCase() };
  if (email !== undefined) return { why: `identify not sent: its email address is longer than the ${EMAIL_LENGTH} characters the Email field holds, which people are matched by` };
  return external !== undefined
    ? { why: `identify not sent: it has no email address (traits.email), which records are upserted by (config.external_id_field ${external}, config.external_id_source email)` }
    : { why: 'identify not sent: it has no email address (traits.email), which people are matched by (config.external_id_field is empty)' };
}

/**
 * The record of a mapped identify, or null (not sent, with a warning) when it has no key.
 *
 * @example
 * toSalesforceRecord({ userId: 'u-1', email: 'jane@example.com', person: { firstName: 'Jane', lastName: 'Doe', city: 'Paris' }, traits: {} }, event, ctx);
 * // { key: 'u-1', fields: { FirstName: 'Jane', LastName: 'Doe', City: 'Paris', Email: 'jane@example.com', Signal_User_Id__c: 'u-1' } }
 */
export function toSalesforceRecord(payload: JsonObject, _event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const { config } = ctx;
  const warn = (message: string) => ctx.warn?.(message);
  const { key, why } = keyOf(payload, config);
  if (key === undefined) {
    warn(why!);
    return null;
  }
  const object = objectOf(config);
  const standard = STANDARD_FIELDS[object];
  const fields: JsonObject = {};

  // 1. The standard fields, a full name split when no first or last name is given.
  const person: JsonObject = isJsonObject(payload.person) ? { ...payload.person } : {};
  const name = readText(person.name);
  if (name !== undefined && readText(person.firstName) === undefined && readText(person.lastName) === undefined) Object.assign(person, splitName(name));
  for (const [standardKey, value] of Object.entries(person)) {
    if (standardKey === 'name') continue;
    const target = standard[standardKey as StandardKey];
    const { value: fitted, why: refused } = fieldValue(value);
    if (refused !== undefined) {
      warn(`${standardKey} left out: ${refused}, which ${object} fields do not take`);
      continue;
    }
    if (fitted === undefined) continue;
    if (target === undefined) {
      if (standardKey === 'company' || standardKey === 'website') warn(`${standardKey} left out: a Contact has no ${standardKey === 'company' ? 'Company' : 'Website'} field (map it to a custom field in config.field_map)`);
      continue;
    }
    const [field, max] = target;
    const textValue = String(fitted);
    if (Array.from(textValue).length > max) warn(`${standardKey} cut to ${max} characters: ${object}.${field} holds ${max}`);
    fields[field] = cut(textValue, max);
  }
  const email = emailOf(payload);
  if (email !== undefined && Array.from(email).length <= EMAIL_LENGTH) fields.Email = email;
  else if (email !== undefined) warn(`email left out: longer than the ${EMAIL_LENGTH} characters ${object}.Email holds`);
  else if (readText(payload.email) !== undefined) warn('email left out: not an email address');

  // 2. The traits config.field_map names, 3. the blueprint's raw fields.
  const raw: Array<[string, JsonValue | undefined, string]> = [
    ...fieldMapOf(config).map(([path, field]): [string, JsonValue | undefined, string] => [field, compileGetter(path)(payload.traits) as JsonValue | undefined, `traits.${path}`]),
    ...(isJsonObject(payload.fields) ? Object.entries(payload.fields).map(([field, value]): [string, JsonValue | undefined, string] => [field, value, `fields.${field}`]) : []),
  ];
  for (const [field, value, from] of raw) {
    if (!/^[A-Za-z][A-Za-z0-9_]{0,79}$/.test(field) || RESERVED.has(field.toLowerCase())) {
      warn(`${from} left out: ${JSON.stringify(field)} is no field Signal may write`);
      continue;
    }
    const { value: fitted, why: refused } = fieldValue(value);
    if (refused !== undefined) warn(`${from} left out: ${refused}, which a Salesforce field does not take`);
    else if (fitted !== undefined) fields[field] = fitted;
  }

  // 4. The key, which names the record.
  const external = externalIdFieldOf(config);
  if (external !== undefined) fields[external] = key;
  else fields.Email = email!;
  return { key, fields };
}

/** The record of a mapped event as `toSalesforceRecord` made it, or undefined. */
export function recordOf(payload: JsonObject): PersonRecord | undefined {
  return typeof payload.key === 'string' && payload.key !== '' && isJsonObject(payload.fields) ? { key: payload.key, fields: payload.fields } : undefined;
}
