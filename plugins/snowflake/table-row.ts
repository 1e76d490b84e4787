// The row the table takes, from what the blueprint maps (the SDK's warehouseRow, in Snowflake's
// dialect): each column of the README's CREATE TABLE as the INSERT binds it. VARCHAR columns as
// text; TIMESTAMP_TZ columns as ISO 8601 text in UTC (bound as TEXT, converted by
// TO_TIMESTAMP_TZ); VARIANT columns kept as JSON values (bound as JSON text through PARSE_JSON).
// Ids SDKs write for "no id" ("undefined", "null", …) name no one and are left out (NULL). Columns
// the blueprint adds beyond the README's are passed on when their name is an identifier Snowflake
// reads unquoted; another name is left out, said with ctx.warn. Snowflake reads unquoted names in
// upper case: a name it reads as a README column (USER_ID, Timestamp) is that column, and the
// second of two names alike but for case is left out, said with ctx.warn. The plugin has no
// without_contact_info variant: the row is never cleaned of contact information.
import { EVENT_TABLE_COLUMNS, utcTimeText, warehouseRow, type JsonObject, type JsonValue, type PluginContext, type WarehouseRowDialect } from '../../core/sdk/index.ts';
import { UNQUOTED_IDENTIFIER } from './config.ts';

/** VARCHAR columns of the README's table. */
export const STRING_COLUMNS = EVENT_TABLE_COLUMNS.text;
/** VARCHAR columns holding an id: left out (NULL) when the id is a placeholder. */
export const ID_COLUMNS = EVENT_TABLE_COLUMNS.ids;
/** TIMESTAMP_TZ columns of the README's table. */
export const TIMESTAMP_COLUMNS = EVENT_TABLE_COLUMNS.times;
/** VARIANT columns of the README's table. */
export const VARIANT_COLUMNS = EVENT_TABLE_COLUMNS.json;
/** Columns the README's table declares NOT NULL: a row without one is refused before sending. */
export const REQUIRED_COLUMNS = EVENT_TABLE_COLUMNS.required;

/**
 * Snowflake's row: unquoted names are one column whatever their case (Total and total are
 * TOTAL); the row names the README's columns as the README does and keeps the others as mapped
 * (the INSERT writes every name quoted in upper case, once).
 */
const SNOWFLAKE_ROW: WarehouseRowDialect = {
  timeType: 'TIMESTAMP_TZ',
  json: 'value',
  requiredBecause: 'which the table declares NOT NULL',
  shippedBlueprint: 'the shipped blueprint maps',
  columnNames: { pattern: UNQUOTED_IDENTIFIER, rule: 'a column name Snowflake reads unquoted holds letters, digits, _ and $, from a letter or _', checkedOn: 'extra columns' },
  caseFolding: { fold: (name) => name.toUpperCase(), rowNamesFolded: false, readsBothAs: (folded) => `Snowflake reads both as ${folded.slice(0, 80)}` },
};

/**
 * A time as the TIMESTAMP_TZ columns take it — ISO 8601 in UTC with milliseconds — from ISO 8601
 * text (a date alone is its midnight UTC; a date-time without an offset is UTC) or epoch seconds
 * or milliseconds; undefined for anything else, an impossible date, or outside years 1 to 9999.
 *
 * @example
 * timestampText('2026-03-24T17:00:00+01:00'); // '2026-03-24T16:00:00.000Z'
 * timestampText(1774368000);                  // '2026-03-24T16:00:00.000Z'
 * timestampText('2026-02-31');                // undefined
 */
export function timestampText(value: JsonValue | undefined): string | undefined {
  return utcTimeText(value);
}

/**
 * The row of one mapped event, in the payload's key order (see the file's comment). Throws a
 * PermanentError (the event is dead-lettered with it) for a row without a NOT NULL column's
 * value, or with a time it cannot read in a NOT NULL column; an optional time it cannot read is
 * left out.
 *
 * @example
 * tableRow({ message_id: 'm-1', type: 'track', event: 'Signed Up', user_id: 'undefined', anonymous_id: 'df_1',
 *            timestamp: '2026-03-24T16:00:00.000Z', received_at: '2026-03-24T16:00:01.000Z', properties: { plan: 'pro' } }, ctx);
 * // { message_id: 'm-1', type: 'track', event: 'Signed Up', anonymous_id: 'df_1', timestamp: '2026-03-24T16:00:00.000Z',
 * //   received_at: '2026-03-24T16:00:01.000Z', properties: { plan: 'pro' } }
 */
export function tableRow(payload: JsonObject, ctx: Pick<PluginContext, 'warn'>): JsonObject {
  // The warnings only: the plugin has a single variant, whose row is never cleaned.
  return warehouseRow(payload, SNOWFLAKE_ROW, { warn: ctx.warn });
}
