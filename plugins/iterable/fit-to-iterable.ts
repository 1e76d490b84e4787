// What the blueprint mapped, fitted to one record of Iterable's API: a user (an identify, for
// POST /api/users/bulkUpdate), an event (POST /api/events/trackBulk) or a purchase (POST
// /api/commerce/trackPurchase), each named by the one identifier the project's type takes
// (identity.ts). Identity, time and ids come from the canonical event and the blueprint's
// top-level fields, never from the site's properties or traits; what Iterable would refuse for
// good is dead-lettered here, each event on its own, saying why.
import { configText, isJsonObject, PermanentError, readInstantMs, readText, recordKinds, removeContactInfo, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { projectTypeOf, type ProjectType } from './config.ts';
import { identityOf, personOf } from './identity.ts';
import { userDataFields } from './user-data-fields.ts';

/** The records the plugin sends, each to its endpoint. */
export const KINDS = ['user', 'event', 'purchase'] as const;
export type Kind = (typeof KINDS)[number];
/** The kinds' check, naming Iterable. */
export const RECORD_KINDS = recordKinds('Iterable', KINDS);

/** Iterable: an event's or a purchase's `id` "cannot be longer than 512 bytes". */
export const MAX_ID_BYTES = 512;
/** Iterable: "Max size of request body: 4MB" (bulkUpdate), taken for every endpoint; kept under both readings of MB. */
export const MAX_BODY_BYTES = 4_000_000;
/** The JSON around one record in the largest envelope (`{"events":[…]}`), with room to spare. */
export const ENVELOPE_BYTES = 64;

/** The config's settings the fitting reads (fitOptionsOf). */
export interface FitOptions {
  projectType: ProjectType;
  mergeNestedObjects: boolean;
  defaultCountryCode?: string | undefined;
}

/**
 * The options of an integration's config.
 *
 * @example
 * fitOptionsOf({ project_type: 'userid', merge_nested_objects: true, default_country_code: ' 44 ' });
 * // { projectType: 'userid', mergeNestedObjects: true, defaultCountryCode: '44' }
 */
export function fitOptionsOf(config: PluginContext['config']): FitOptions {
  const code = configText(config, 'default_country_code');
  return { projectType: projectTypeOf(config), mergeNestedObjects: config.merge_nested_objects === true, defaultCountryCode: code };
}

/** What a record is, for reasons. */
const WORDS: Record<Kind, string> = { user: 'identify', event: 'event', purchase: 'purchase' };

/**
 * The time as Unix seconds, as Iterable's `createdAt` takes it: the blueprint's `createdAt`
 * (Unix seconds or ms, or ISO 8601), else the event's timestamp.
 */
function createdAtOf(mapped: JsonValue | undefined, event: CanonicalEvent): number {
  const source = mapped === undefined || mapped === null ? event.timestamp : mapped;
  const ms = readInstantMs(source) ?? Number.NaN;
  if (!Number.isFinite(ms)) throw new PermanentError(`Iterable needs the time as Unix seconds; ${mapped === undefined || mapped === null ? 'this event has no timestamp' : `the blueprint mapped ${JSON.stringify(mapped)} to createdAt`}`);
  return Math.floor(ms / 1000);
}

/**
 * An event's or purchase's id: the blueprint's `id` (text, or a number as its digits), else
 * the messageId; Iterable updates the event or purchase it already has under that id instead of
 * recording another, so a retry or a replay records nothing twice.
 */
function idOf(payload: JsonObject, event: CanonicalEvent, what: string): string {
  for (const value of [payload.id, event.messageId as JsonValue | undefined]) {
    const id = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
    if (id === '') continue;
    if (Buffer.byteLength(id) > MAX_ID_BYTES) throw new PermanentError(`the ${what}'s id has ${Buffer.byteLength(id)} bytes and Iterable takes at most ${MAX_ID_BYTES}: map a shorter id in the blueprint`);
    return id;
  }
  throw new PermanentError(`Iterable deduplicates by id and this ${what} has none (the blueprint mapped ${JSON.stringify(payload.id ?? null)} to id, messageId ${JSON.stringify(event.messageId ?? null)})`);
}

/** A campaign or template id: a positive whole number (Iterable's cookies hold them as digits), else left out. */
function positiveIdOf(value: JsonValue | undefined): number | undefined {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * An event's or purchase's data as Iterable takes it: contact information removed at any
 * depth (SDK removeContactInfo — a person's contact fields come from identify only, and
 * Iterable refuses a malformed email address even inside dataFields), or undefined when nothing
 * is left.
 *
 * @example
 * eventData({ plan: 'pro', email: 'jane@example.com' }, 'event'); // { plan: 'pro' }
 */
export function eventData(mapped: JsonValue | undefined, what: string): JsonObject | undefined {
  if (mapped === undefined || mapped === null) return undefined;
  if (!isJsonObject(mapped)) throw new PermanentError(`Iterable takes an ${what}'s dataFields as an object; the blueprint mapped another value to dataFields`);
  const kept = removeContactInfo(mapped);
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/**
 * One purchased item as Iterable's CommerceItem: `id`, `name`, `price` and `quantity`
 * required; `sku`, `description`, `categories` (a list of text), `imageUrl`, `url` and
 * `dataFields` when given. The blueprint leaves out products lacking a required field (with a
 * warning); an edited blueprint that passes one on is an error naming it.
 */
function itemOf(value: JsonValue, index: number): JsonObject {
  const at = `items[${index}]`;
  if (!isJsonObject(value)) throw new PermanentError(`${at} is not an object: Iterable takes a purchase's items as {id, name, price, quantity, …}`);
  const id = readText(value.id);
  const name = readText(value.name);
  if (id === undefined) throw new PermanentError(`${at} has no id, which Iterable requires of every item (the product's product_id, else its sku)`);
  if (name === undefined) throw new PermanentError(`${at} has no name, which Iterable requires of every item`);
  if (typeof value.price !== 'number' || !Number.isFinite(value.price)) throw new PermanentError(`${at} has no price as a number, which Iterable requires of every item`);
  if (typeof value.quantity !== 'number' || !Number.isSafeInteger(value.quantity)) throw new PermanentError(`${at} has no quantity as a whole number, which Iterable requires of every item`);
  const item: JsonObject = { id };
  const sku = readText(value.sku);
  if (sku !== undefined) item.sku = sku;
  item.name = name;
  const description = readText(value.description);
  if (description !== undefined) item.description = description;
  const categories = (Array.isArray(value.categories) ? value.categories : [value.categories]).flatMap((c) => readText(c) ?? []);
  if (categories.length > 0) item.categories = categories;
  item.price = value.price;
  item.quantity = value.quantity;
  const imageUrl = readText(value.imageUrl);
  if (imageUrl !== undefined) item.imageUrl = imageUrl;
  const url = readText(value.url);
  if (url !== undefined) item.url = url;
  if (isJsonObject(value.dataFields) && Object.keys(value.dataFields).length > 0) item.dataFields = value.dataFields;
  return item;
}

/**
 * The plugin's `map` hook: the blueprint's vendor event as `{ kind, item }`, the item one of
 * Iterable's records, named by the identifier the project's type takes:
 * - `user` → `{ userId | email, dataFields, mergeNestedObjects }` (bulkUpdate; user-data-fields.ts);
 * - `event` → `{ userId | email, eventName, id, createdAt, dataFields?, campaignId?, templateId? }` (trackBulk);
 * - `purchase` → `{ id, user: { userId | email }, items, total, createdAt, dataFields?, campaignId?, templateId? }` (trackPurchase).
 * A record over what one request may carry is refused.
 *
 * @example
 * fitRecord({ kind: 'event', userId: 'u-1', eventName: 'Signed Up', createdAt: 1711296000, dataFields: { plan: 'pro' } }, event, { projectType: 'hybrid', mergeNestedObjects: false });
 * // { kind: 'event', item: { userId: 'u-1', eventName: 'Signed Up', id: 'm-1', createdAt: 1711296000, dataFields: { plan: 'pro' } } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, options: FitOptions): JsonObject {
  const kind = RECORD_KINDS.of(payload);
  const what = WORDS[kind];
  const person = personOf(payload, event);
  const identity = identityOf(options.projectType, person, what, event);
  let item: JsonObject;
  if (kind === 'user') {
    if (payload.dataFields !== undefined && payload.dataFields !== null && !isJsonObject(payload.dataFields)) throw new PermanentError('Iterable takes a user\'s dataFields as an object; the blueprint mapped another value to dataFields');
    const dataFields = userDataFields(isJsonObject(payload.dataFields) ? payload.dataFields : {}, person, identity, options);
    item = { ...identity, dataFields, mergeNestedObjects: options.mergeNestedObjects };
  } else if (kind === 'event') {
    const eventName = typeof payload.eventName === 'string' ? payload.eventName.trim() : typeof payload.eventName === 'number' ? String(payload.eventName) : '';
    if (eventName === '') throw new PermanentError('Iterable needs the event\'s name (eventName) and the blueprint mapped none');
    item = { ...identity, eventName, id: idOf(payload, event, what), createdAt: createdAtOf(payload.createdAt, event) };
    const data = eventData(payload.dataFields, what);
    if (data) item.dataFields = data;
  } else {
    const items = Array.isArray(payload.items) ? payload.items.map(itemOf) : [];
    if (items.length === 0) throw new PermanentError('Iterable needs a purchase\'s items and this one has none with an id, a name, a price and a quantity (properties.products): it was not sent');
    if (typeof payload.total !== 'number' || !Number.isFinite(payload.total)) throw new PermanentError(`Iterable needs a purchase's total as a number; the blueprint mapped ${JSON.stringify(payload.total ?? null)} to total`);
    item = { id: idOf(payload, event, what), user: { ...identity }, items, total: payload.total, createdAt: createdAtOf(payload.createdAt, event) };
    const data = eventData(payload.dataFields, what);
    if (data) item.dataFields = data;
  }
  if (kind !== 'user') {
    const campaignId = positiveIdOf(payload.campaignId);
    const templateId = positiveIdOf(payload.templateId);
    if (campaignId !== undefined) item.campaignId = campaignId;
    if (templateId !== undefined) item.templateId = templateId;
  }
  const bytes = Buffer.byteLength(JSON.stringify(item));
  if (bytes > MAX_BODY_BYTES - ENVELOPE_BYTES) throw new PermanentError(`this ${what} is ${bytes} bytes as Iterable would receive it, over the ${MAX_BODY_BYTES} bytes of one request: leave its largest ${kind === 'user' ? 'traits' : 'properties'} out with a pipeline transformation or the blueprint's exclude`);
  return { kind, item };
}
