// The columns of the sheet: an ordered list of { header, path } — the header only names the
// column (for the header row the user writes, the preview and the README), the path says where
// in the canonical event the cell's value is, with `|` between alternatives. The defaults and
// checks are the SDK's eventPathMappings, worded for Sheets: a header given twice is only a
// warning (the sheet's columns are told apart by position).
import { eventPathMappings, type EventPathMapping, type JsonValue } from '../../core/sdk/index.ts';

/** One column of the sheet. */
export type Column = EventPathMapping<'header'>;

const COLUMNS = eventPathMappings({
  field: 'columns',
  nameKey: 'header',
  entryWord: 'column',
  nameHint: 'give the column\'s name, as the sheet\'s header row shows it',
  leftEmpty: 'its cells stay empty',
  sameName: { as: 'warning', message: 'another column has the same header; the sheet\'s columns are told apart by position only', anyCase: true },
});

/** The default columns: when, what, who, where, and the event's properties and traits as JSON. */
export const DEFAULT_COLUMNS: readonly Column[] = COLUMNS.defaults;

/**
 * The columns of a config: the configured list, else the defaults (with Email and Phone after
 * Anonymous ID when contact information is included).
 *
 * @example
 * columnsOf({}).map((c) => c.header);
 * // ['Timestamp', 'Type', 'Event', 'User ID', 'Anonymous ID', 'Page URL', 'Referrer', 'Properties', 'Traits', 'Message ID', 'Received At']
 */
export const columnsOf = (config: Record<string, JsonValue>): Column[] => COLUMNS.of(config);

/**
 * The problems of configured columns, each naming the column: not an object, no header, no
 * path, a path that is malformed or reads no field of a Signal event.
 *
 * @example
 * columnProblems([{ header: 'Revenue', path: 'revenue' }]);
 * // [{ field: 'columns', message: 'columns[0] ("Revenue") path "revenue": it starts with "revenue", which is no field of a Signal event (…): did you mean properties.revenue, …?' }]
 */
export const columnProblems = COLUMNS.problems;

/**
 * Warnings about a valid columns list: a column reading contact information while it is left
 * out (its cells stay empty), a header given twice.
 *
 * @example
 * columnWarnings([{ header: 'Email', path: 'traits.email' }], false);
 * // [{ field: 'columns', message: 'columns[0] ("Email") reads traits.email, contact information: its cells stay empty while include_contact_info is off' }]
 */
export const columnWarnings = COLUMNS.warnings;
