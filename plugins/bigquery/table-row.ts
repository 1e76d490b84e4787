// The row the table takes, from what the blueprint maps: each column of the README's CREATE
// TABLE in the form tabledata.insertAll reads it. STRING columns as text; TIMESTAMP columns as
// RFC 3339 text in UTC (as Google's client libraries send them); JSON columns as JSON *text*
// (insertAll reads a JSON column's value from a string holding the JSON: Google's Python client
// sends `json.dumps(value)`, "a BigQuery REST API representation"). Ids SDKs write for "no id"
// ("undefined", "null", …) name no one and are left out (NULL), never stored as someone's id.
// Columns the blueprint adds beyond the README's are passed on as mapped.
import { EVENT_TABLE_COLUMNS, PermanentError, usableId, type JsonObject, type JsonValue, type PluginContext, utcTimeText } from '../../core/sdk/index.ts';
import { WITHOUT_CONTACT_INFO, withoutContactInfo } from './contact-free.ts';

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

const has = (list: readonly string[], key: string): boolean => list.includes(key);

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

/** Text of a STRING column's value: text as it is, numbers and booleans as text, objects and lists as JSON. */
function stringValue(value: JsonValue): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The row of one mapped event, in the payload's key order (see the file's comment). In the
 * `without_contact_info` variant the row loses its contact information first. Throws a
 * PermanentError (the event is dead-lettered with it) for a row without a NOT NULL column's
 * value, or with a TIMESTAMP it cannot read in a NOT NULL column; an optional TIMESTAMP it
 * cannot read is left out.
 *
 * @example
 * tableRow({ message_id: 'm-1', type: 'track', event: 'Signed Up', user_id: 'undefined', anonymous_id: 'df_1',
 *            timestamp: '2024-03-24T16:00:00.000Z', received_at: '2024-03-24T16:00:01.000Z', properties: { plan: 'pro' } }, ctx);
 * // { message_id: 'm-1', type: 'track', event: 'Signed Up', anonymous_id: 'df_1', timestamp: '2024-03-24T16:00:00.000Z',
 * //   received_at: '2024-03-24T16:00:01.000Z', properties: '{"plan":"pro"}' }
 */
export function tableRow(payload: JsonObject, ctx: Pick<PluginContext, 'variant'>): JsonObject {
  const mapped = ctx.variant === WITHOUT_CONTACT_INFO ? withoutContactInfo(payload) : payload;
  const row: JsonObject = {};
  for (const [column, value] of Object.entries(mapped)) {
    if (value === null || value === undefined) continue;
    if (has(ID_COLUMNS, column)) {
      if (usableId(value)) row[column] = String(value);
    } else if (has(STRING_COLUMNS, column)) {
      row[column] = stringValue(value);
    } else if (has(TIMESTAMP_COLUMNS, column)) {
      const time = timestampText(value);
      if (time !== undefined) row[column] = time;
      else if (has(REQUIRED_COLUMNS, column)) {
        throw new PermanentError(`${column}: ${JSON.stringify(value).slice(0, 80)} is not a time the table's TIMESTAMP column takes (ISO 8601 or epoch seconds or milliseconds, years 1 to 9999): check what the blueprint maps to ${column}`);
      }
    } else if (has(JSON_COLUMNS, column)) {
      row[column] = JSON.stringify(value);
    } else {
      row[column] = value;
    }
  }
  for (const column of REQUIRED_COLUMNS) {
    if (row[column] === undefined || row[column] === '') {
      throw new PermanentError(`the row has no ${column}, which the table declares NOT NULL: the blueprint must map it (the shipped blueprints map it from the event's ${column === 'message_id' ? 'messageId' : column === 'received_at' ? 'receivedAt' : column})`);
    }
  }
  return row;
}
