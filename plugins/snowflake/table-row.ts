// The row the table takes, from what the blueprint maps: each column of the README's CREATE
// TABLE as the INSERT binds it. VARCHAR columns as text; TIMESTAMP_TZ columns as ISO 8601 text in
// UTC (bound as TEXT, converted by TO_TIMESTAMP_TZ); VARIANT columns kept as JSON values (bound as
// JSON text through PARSE_JSON). Ids SDKs write for "no id" ("undefined", "null", …) name no one
// and are left out (NULL). Columns the blueprint adds beyond the README's are passed on when
// their name is an identifier Snowflake reads unquoted; another name is left out, said with ctx.warn.
import { EVENT_TABLE_COLUMNS, PermanentError, usableId, type JsonObject, type JsonValue, type PluginContext, utcTimeText } from '../../core/sdk/index.ts';
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

const has = (list: readonly string[], key: string): boolean => list.includes(key);

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(?:(Z)|([+-]\d{2})(?::?(\d{2}))?)?$/i;

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

/** Text of a VARCHAR column's value: text as it is, numbers and booleans as text, objects and lists as JSON. */
function stringValue(value: JsonValue): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
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
  const row: JsonObject = {};
  // Unquoted names are one column whatever their case (Total and total are TOTAL): the first is kept.
  const seen = new Set<string>();
  for (const [column, value] of Object.entries(payload)) {
    if (value === null || value === undefined) continue;
    if (seen.has(column.toUpperCase())) {
      ctx.warn?.(`${column.slice(0, 80)} left out: another column of the row has the same name in another letter case, and Snowflake reads both as ${column.toUpperCase().slice(0, 80)}`);
      continue;
    }
    seen.add(column.toUpperCase());
    if (has(ID_COLUMNS, column)) {
      if (usableId(value)) row[column] = String(value);
    } else if (has(STRING_COLUMNS, column)) {
      row[column] = stringValue(value);
    } else if (has(TIMESTAMP_COLUMNS, column)) {
      const time = timestampText(value);
      if (time !== undefined) row[column] = time;
      else if (has(REQUIRED_COLUMNS, column)) {
        throw new PermanentError(`${column}: ${JSON.stringify(value).slice(0, 80)} is not a time the table's TIMESTAMP_TZ column takes (ISO 8601 or epoch seconds or milliseconds, years 1 to 9999): check what the blueprint maps to ${column}`);
      } else {
        ctx.warn?.(`${column} left out: ${JSON.stringify(value).slice(0, 80)} is not a time (ISO 8601 or epoch seconds or milliseconds)`);
      }
    } else if (has(VARIANT_COLUMNS, column)) {
      row[column] = value;
    } else if (UNQUOTED_IDENTIFIER.test(column)) {
      row[column] = value;
    } else {
      ctx.warn?.(`${column.slice(0, 80)} left out: a column name Snowflake reads unquoted holds letters, digits, _ and $, from a letter or _ (rename it in the blueprint)`);
    }
  }
  for (const column of REQUIRED_COLUMNS) {
    if (row[column] === undefined || row[column] === '') {
      throw new PermanentError(`the row has no ${column}, which the table declares NOT NULL: the blueprint must map it (the shipped blueprint maps it from the event's ${column === 'message_id' ? 'messageId' : column === 'received_at' ? 'receivedAt' : column})`);
    }
  }
  return row;
}
