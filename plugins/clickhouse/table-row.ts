// The row the table takes, from what the blueprint maps: each column of the README's CREATE
// TABLE in the form ClickHouse's JSONEachRow input reads it. String columns as text; DateTime64
// columns as ISO 8601 text in UTC with milliseconds (read with date_time_input_format=
// best_effort, which honours the `Z`, so the column's or the server's time zone cannot shift
// it); properties, traits and context as JSON *text* for String columns (any shape of
// properties fits, on every ClickHouse version: read them with JSONExtract* or cast them to
// JSON in a query). Ids SDKs write for "no id" ("undefined", "null", …) name no one and are left
// out (the column's default ''), never stored as someone's id. Columns the blueprint adds beyond
// the README's are passed on as mapped.
import { EVENT_TABLE_COLUMNS, PermanentError, usableId, type JsonObject, type JsonValue, utcTimeText } from '../../core/sdk/index.ts';

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

const has = (list: readonly string[], key: string): boolean => list.includes(key);

/** DateTime64's range: 1900-01-01 00:00:00 to 2299-12-31 23:59:59.99999999 (UTC). */
const MIN_MS = Date.UTC(1900, 0, 1);
const MAX_MS = Date.UTC(2299, 11, 31, 23, 59, 59, 999);

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
  return utcTimeText(value, { minMs: MIN_MS, maxMs: MAX_MS });
}

/** Text of a String column's value: text as it is, numbers and booleans as text, objects and lists as JSON. */
function stringValue(value: JsonValue): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Where a required column comes from in the shipped blueprint, for messages. */
const SOURCE_OF: Record<string, string> = { message_id: 'messageId', type: 'type', timestamp: 'timestamp', received_at: 'receivedAt' };

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
  const row: JsonObject = {};
  for (const [column, value] of Object.entries(payload)) {
    if (value === null || value === undefined) continue;
    if (has(ID_COLUMNS, column)) {
      if (usableId(value)) row[column] = String(value);
    } else if (has(STRING_COLUMNS, column)) {
      row[column] = stringValue(value);
    } else if (has(TIME_COLUMNS, column)) {
      const time = timeText(value);
      if (time !== undefined) row[column] = time;
      else if (has(REQUIRED_COLUMNS, column)) {
        throw new PermanentError(`${column}: ${JSON.stringify(value).slice(0, 80)} is not a time the table's DateTime64 column takes (ISO 8601 or epoch seconds or milliseconds, years 1900 to 2299): check what the blueprint maps to ${column}`);
      }
    } else if (has(JSON_COLUMNS, column)) {
      row[column] = JSON.stringify(value);
    } else {
      row[column] = value;
    }
  }
  for (const column of REQUIRED_COLUMNS) {
    if (row[column] === undefined || row[column] === '') {
      throw new PermanentError(`the row has no ${column}, which the table's sorting or partition key reads: the blueprint must map it (the shipped blueprint maps it from the event's ${SOURCE_OF[column]})`);
    }
  }
  return row;
}
