// An event as one Airtable record: `{ fields: { <field>: value, … } }`, one value per mapped
// field, read from the event (from a copy without contact information unless
// include_contact_info is on), as Airtable takes cell values — text, numbers, booleans; objects
// and lists as JSON text; a field without a value left out (an upsert then keeps what the record
// holds) — within Airtable's 100,000-character long text limit.
import { cellValueOf, eventPathSource, eventPathValue, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { includesContactInfo, mergeOnOf } from './config.ts';
import { fieldsOf } from './fields.ts';

/** The most characters an Airtable long text field holds. */
export const MAX_TEXT_CHARACTERS = 100_000;

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
  return cellValueOf(value, MAX_TEXT_CHARACTERS, warn);
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
  const source = eventPathSource(event, includesContactInfo(config));
  const fields: JsonObject = {};
  fieldsOf(config).forEach((entry, index) => {
    if (entry.field === '') return;
    const value = fieldValue(eventPathValue(source, entry.path), (length) => {
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
