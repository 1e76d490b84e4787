// An event as one Airtable record: `{ fields: { <field>: value, … } }`, one value per mapped
// field, read from the event (from a copy without contact information unless
// include_contact_info is on), as Airtable takes cell values — text, numbers, booleans; objects
// and lists as JSON text; a field without a value left out (an upsert then keeps what the record
// holds) — within Airtable's 100,000-character long text limit.
import { compileGetter, recordWithoutContactInfo, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { includesContactInfo, mergeOnOf } from './config.ts';
import { alternativesOf, fieldsOf } from './fields.ts';

/** The most characters an Airtable long text field holds. */
export const MAX_TEXT_CHARACTERS = 100_000;

/** Fields of an event read by value alone: an email address or phone number there is left out with the rest. */
const VALUE_CHECKED = ['userId', 'anonymousId', 'previousId', 'groupId', 'event', 'name', 'messageId'] as const;

const getters = new Map<string, (root: unknown) => unknown>();
/** The value at one path of the event (compiled once per path; a path the config check refused reads nothing). */
function valueAt(event: JsonObject, path: string): unknown {
  let getter = getters.get(path);
  if (getter === undefined) {
    try {
      getter = compileGetter(path);
    } catch {
      getter = () => undefined;
    }
    getters.set(path, getter);
  }
  return getter(event);
}

/** The first alternative of a path that reads a value (not null, not empty text, not an empty list or object). */
function firstValue(event: JsonObject, path: string): unknown {
  for (const alternative of alternativesOf(path)) {
    const value = valueAt(event, alternative);
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'object' && Object.keys(value).length === 0) continue;
    return value;
  }
  return undefined;
}

/** Text cut to `max` UTF-16 units without splitting a surrogate pair. */
function cutText(text: string, max: number): string {
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/**
 * One field's value as Airtable takes it: text, a finite number or a boolean as they are; an
 * object or list as JSON text; undefined for nothing (the field left out). Text over 100,000
 * characters is cut (`warn` says so).
 *
 * @example
 * fieldValue({ plan: 'pro' }, () => {}); // '{"plan":"pro"}'
 * fieldValue(74.97, () => {});           // 74.97
 * fieldValue(undefined, () => {});       // undefined
 */
export function fieldValue(value: unknown, warn: (length: number) => void): JsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text.length <= MAX_TEXT_CHARACTERS) return text;
  warn(text.length);
  return cutText(text, MAX_TEXT_CHARACTERS);
}

/**
 * The event as the table's record: `{ fields }`, one entry per mapped field with a value, read
 * from the event without contact information (the SDK's recordWithoutContactInfo) unless
 * include_contact_info is on. Not sent (null, with a warning): an event none of whose fields has
 * a value, and, with merge_on, one without a value for a field to merge on (Airtable could not
 * tell which record it updates).
 *
 * @example
 * airtableRecord(event, { ...ctx, config: { base_id: 'app…', table: 'Orders', fields: [{ field: 'Event', path: 'event' }, { field: 'Revenue', path: 'properties.revenue' }] } });
 * // { fields: { Event: 'Order Completed', Revenue: 74.97 } }
 */
export function airtableRecord(event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const config = ctx.config;
  const whole = event as unknown as JsonObject;
  const source = includesContactInfo(config) ? whole : recordWithoutContactInfo(whole, { valueChecked: VALUE_CHECKED });
  const fields: JsonObject = {};
  fieldsOf(config).forEach((entry, index) => {
    if (entry.field === '') return;
    const value = fieldValue(firstValue(source, entry.path), (length) => {
      ctx.warn?.(`fields[${index}] ("${entry.field.slice(0, 60)}"): ${length.toLocaleString('en-US')} characters, cut to Airtable's ${MAX_TEXT_CHARACTERS.toLocaleString('en-US')}-character long text limit`);
    });
    if (value !== undefined) fields[entry.field] = value;
  });
  if (Object.keys(fields).length === 0) {
    ctx.warn?.('none of the fields has a value for this event (none of their paths reads one): no record written');
    return null;
  }
  const missing = mergeOnOf(config).filter((name) => fields[name] === undefined);
  if (missing.length > 0) {
    ctx.warn?.(`no value for ${missing.map((name) => `"${name.slice(0, 60)}"`).join(', ')} of merge_on: Airtable could not tell which record to update, so no record written`);
    return null;
  }
  return { fields };
}
