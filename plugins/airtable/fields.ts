// The fields of the table a record fills: an ordered list of { field, path } — the field is the
// Airtable field's name as the table's header shows it (or its id, fld…), the path says where in
// the canonical event the value is, with `|` between alternatives. The defaults and checks are
// the SDK's eventPathMappings, worded for Airtable: a field named twice is refused (a record
// holds one value a field).
import { eventPathMappings, type EventPathMapping, type JsonValue } from '../../core/sdk/index.ts';

/** One mapped field of the table. */
export type FieldMapping = EventPathMapping<'field'>;

/** The most fields a config maps (Airtable tables hold at most 500 fields). */
export const MAX_FIELDS = 500;

const FIELDS = eventPathMappings({
  field: 'fields',
  nameKey: 'field',
  entryWord: 'entry',
  nameHint: 'give the Airtable field\'s name as the table\'s header shows it (or its id, fld…)',
  leftEmpty: 'it stays empty',
  sameName: { as: 'problem', message: 'another entry fills the same field; a record holds one value a field', anyCase: false },
});

/** The default fields: when, what, who, where, and the event's properties and traits as JSON text. */
export const DEFAULT_FIELDS: readonly FieldMapping[] = FIELDS.defaults;

/**
 * The mapped fields of a config: the configured list, else the defaults (with Email and Phone
 * after Anonymous ID when contact information is included).
 *
 * @example
 * fieldsOf({}).map((f) => f.field);
 * // ['Timestamp', 'Type', 'Event', 'User ID', 'Anonymous ID', 'Page URL', 'Referrer', 'Properties', 'Traits', 'Message ID', 'Received At']
 */
export const fieldsOf = (config: Record<string, JsonValue>): FieldMapping[] => FIELDS.of(config);

/**
 * The problems of configured fields, each naming the entry: not an object, no field name, a
 * field named twice, no path, a path that is malformed or reads no field of a Signal event.
 *
 * @example
 * fieldProblems([{ field: 'Revenue', path: 'revenue' }]);
 * // [{ field: 'fields', message: 'fields[0] ("Revenue") path "revenue": it starts with "revenue", which is no field of a Signal event (…): did you mean properties.revenue, …?' }]
 */
export const fieldProblems = FIELDS.problems;

/**
 * Warnings about a valid fields list: an entry reading contact information while it is left
 * out (its field stays empty).
 *
 * @example
 * fieldWarnings([{ field: 'Email', path: 'traits.email' }], false);
 * // [{ field: 'fields', message: 'fields[0] ("Email") reads traits.email, contact information: it stays empty while include_contact_info is off' }]
 */
export const fieldWarnings = FIELDS.warnings;
