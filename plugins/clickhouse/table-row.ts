// The row the table takes, from what the blueprint maps (the SDK's warehouseRow, in ClickHouse's
// dialect): each column of the README's CREATE TABLE in the form ClickHouse's JSONEachRow input
// reads it. String columns as text; DateTime64 columns as ISO 8601 text in UTC with milliseconds
// (read with date_time_input_format=best_effort, which honours the `Z`, so the column's or the
// server's time zone cannot shift it); properties, traits and context as JSON *text* for String
// columns (any shape of properties fits, on every ClickHouse version: read them with
// JSONExtract* or cast them to JSON in a query). Ids SDKs write for "no id" ("undefined", "null",
// …) name no one and are left out (the column's default ''), never stored as someone's id.
// Columns the blueprint adds beyond the README's are passed on as mapped. The
// without_contact_info variant's cleaning is applied by the plugin's `map` before the row is made.
import { EVENT_TABLE_COLUMNS, utcTimeText, warehouseRow, type JsonObject, type JsonValue, type WarehouseRowDialect } from '../../core/sdk/index.ts';

export { WITHOUT_CONTACT_INFO, warehouseRowWithoutContactInfo as withoutContactInfo } from '../../core/sdk/index.ts';
/** String columns of the README's table. */
export const STRING_COLUMNS = EVENT_TABLE_COLUMNS.text;
/** String columns holding an id: left out (the default '') when the id is a placeholder. */
export const ID_COLUMNS = EVENT_TABLE_COLUMNS.ids;
/** DateTime64(3, 'UTC') columns of the README's table. */
export const TIME_COLUMNS = EVENT_TABLE_COLUMNS.times;
/** JSON text columns of the README's table. */
export const JSON_COLUMNS = EVENT_TABLE_COLUMNS.json;
/** Columns every row needs: the sorting key and partition key read them. */
export const REQUIRED_COLUMNS = EVENT_TABLE_COLUMNS.required;

/** DateTime64's range: 1900-01-01 00:00:00 to 2299-12-31 23:59:59.99999999 (UTC). */
const DATETIME64_RANGE = { minMs: Date.UTC(1900, 0, 1), maxMs: Date.UTC(2299, 11, 31, 23, 59, 59, 999), years: '1900 to 2299' };

/** ClickHouse's row: DateTime64's narrower years, JSON columns as JSON text, every column name passed on as mapped. */
const CLICKHOUSE_ROW: WarehouseRowDialect = {
  timeType: 'DateTime64',
  timeRange: DATETIME64_RANGE,
  json: 'text',
  requiredBecause: 'which the table\'s sorting or partition key reads',
  shippedBlueprint: 'the shipped blueprint maps',
};

/**
 * A time as the DateTime64 columns take it — ISO 8601 in UTC with milliseconds — from ISO 8601
 * text (a date alone is its midnight UTC; a date-time without an offset is UTC) or epoch seconds
 * or milliseconds; undefined for anything else, or outside DateTime64's years 1900 to 2299.
 *
 * @example
 * timeText('2024-03-24T17:00:00+01:00'); // '2024-03-24T16:00:00.000Z'
 * timeText(1711296000);                  // '2024-03-24T16:00:00.000Z'
 * timeText('next tuesday');              // undefined
 */
export function timeText(value: JsonValue | undefined): string | undefined {
  return utcTimeText(value, DATETIME64_RANGE);
}

/**
 * The row of one mapped event, in the payload's key order (see the file's comment). Throws a
 * PermanentError (the event is dead-lettered with it) for a row without a required column, or
 * with a time it cannot read in a required time column; an optional time it cannot read is left
 * out (the column's NULL).
 *
 * @example
 * tableRow({ message_id: 'm-1', type: 'track', event: 'Signed Up', user_id: 'undefined', anonymous_id: 'df_1',
 *            timestamp: '2024-03-24T16:00:00Z', received_at: 1711296001000, properties: { plan: 'pro' } });
 * // { message_id: 'm-1', type: 'track', event: 'Signed Up', anonymous_id: 'df_1', timestamp: '2024-03-24T16:00:00.000Z',
 * //   received_at: '2024-03-24T16:00:01.000Z', properties: '{"plan":"pro"}' }
 */
export function tableRow(payload: JsonObject): JsonObject {
  // No context: the row is made without warnings, and the plugin's `map` cleans it for the variant first.
  return warehouseRow(payload, CLICKHOUSE_ROW);
}
