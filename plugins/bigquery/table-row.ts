// The row the table takes, from what the blueprint maps (the SDK's warehouseRow, in BigQuery's
// dialect): each column of the README's CREATE TABLE in the form tabledata.insertAll reads it.
// STRING columns as text; TIMESTAMP columns as RFC 3339 text in UTC (as Google's client libraries
// send them); JSON columns as JSON *text* (insertAll reads a JSON column's value from a string
// holding the JSON: Google's Python client sends `json.dumps(value)`, "a BigQuery REST API
// representation"). Ids SDKs write for "no id" ("undefined", "null", …) name no one and are left
// out (NULL), never stored as someone's id. Columns the blueprint adds beyond the README's are
// passed on as mapped. BigQuery's column names are case-insensitive (Total and total are one
// column, which a row may name once): a name it reads as a README column (USER_ID) is that column,
// and the second of two names differing only in letter case is left out, said with ctx.warn. The
// without_contact_info variant's promise is kept here too, whatever its (editable) blueprint maps.
import { EVENT_TABLE_COLUMNS, utcTimeText, warehouseRow, type JsonObject, type JsonValue, type PluginContext, type WarehouseRowDialect } from '../../core/sdk/index.ts';

export { WITHOUT_CONTACT_INFO, warehouseRowWithoutContactInfo as withoutContactInfo } from '../../core/sdk/index.ts';
/** STRING columns of the README's table. */
export const STRING_COLUMNS = EVENT_TABLE_COLUMNS.text;
/** STRING columns holding an id: left out (NULL) when the id is a placeholder. */
export const ID_COLUMNS = EVENT_TABLE_COLUMNS.ids;
/** TIMESTAMP columns of the README's table. */
export const TIMESTAMP_COLUMNS = EVENT_TABLE_COLUMNS.times;
/** JSON columns of the README's table. */
export const JSON_COLUMNS = EVENT_TABLE_COLUMNS.json;
/** Columns the README's table declares NOT NULL: a row without one is refused before sending. */
export const REQUIRED_COLUMNS = EVENT_TABLE_COLUMNS.required;

/**
 * BigQuery's row: JSON columns as JSON text; column names read whatever their letter case
 * ("Duplicate column names are not allowed even if the case differs", Google's schema docs), so
 * the row keeps the first of names alike but for case, each as mapped.
 */
const BIGQUERY_ROW: WarehouseRowDialect = {
  timeType: 'TIMESTAMP',
  json: 'text',
  requiredBecause: 'which the table declares NOT NULL',
  shippedBlueprint: 'the shipped blueprints map',
  caseFolding: { fold: (name) => name.toLowerCase(), rowNamesFolded: false, readsBothAs: () => 'BigQuery reads both as one column' },
};

/**
 * A time as a TIMESTAMP column takes it — RFC 3339 in UTC with milliseconds — from ISO 8601
 * text (a date alone is its midnight UTC; a date-time without an offset is UTC) or epoch
 * seconds or milliseconds; undefined for anything else, or outside BigQuery's years 1 to 9999.
 *
 * @example
 * timestampText('2024-03-24T17:00:00+01:00'); // '2024-03-24T16:00:00.000Z'
 * timestampText(1711296000);                  // '2024-03-24T16:00:00.000Z'
 * timestampText('next tuesday');              // undefined
 */
export function timestampText(value: JsonValue | undefined): string | undefined {
  return utcTimeText(value);
}

/**
 * The row of one mapped event, in the payload's key order (see the file's comment). In the
 * `without_contact_info` variant the row loses its contact information first. Throws a
 * PermanentError (the event is dead-lettered with it) for a row without a NOT NULL column's
 * value, or with a TIMESTAMP it cannot read in a NOT NULL column; an optional TIMESTAMP it
 * cannot read, and the second of two names alike but for letter case, are left out, said with
 * ctx.warn.
 *
 * @example
 * tableRow({ message_id: 'm-1', type: 'track', event: 'Signed Up', user_id: 'undefined', anonymous_id: 'df_1',
 *            timestamp: '2024-03-24T16:00:00.000Z', received_at: '2024-03-24T16:00:01.000Z', properties: { plan: 'pro' } }, ctx);
 * // { message_id: 'm-1', type: 'track', event: 'Signed Up', anonymous_id: 'df_1', timestamp: '2024-03-24T16:00:00.000Z',
 * //   received_at: '2024-03-24T16:00:01.000Z', properties: '{"plan":"pro"}' }
 */
export function tableRow(payload: JsonObject, ctx: Pick<PluginContext, 'variant' | 'warn'>): JsonObject {
  return warehouseRow(payload, BIGQUERY_ROW, { warn: ctx.warn, variant: ctx.variant });
}
