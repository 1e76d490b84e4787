// The row the table takes, from what the blueprint maps: each column of the README's CREATE
// TABLE as the INSERT sends it. VARCHAR columns as text; TIMESTAMPTZ columns as ISO 8601 text in
// UTC; SUPER columns kept as JSON values (sent as JSON text through JSON_PARSE). Ids SDKs write
// for "no id" ("undefined", "null", …) name no one and are left out (NULL). Columns the
// blueprint adds beyond the README's are passed on when their name is one Redshift reads
// unquoted; another name is left out, said with ctx.warn. The without_contact_info variant's
// promise is kept here too, whatever its (editable) blueprint maps.
import { EVENT_TABLE_COLUMNS, PermanentError, recordWithoutContactInfo, usableId, utcTimeText, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { IDENTIFIER } from './config.ts';

/** The variant that sends no contact information. */
export const WITHOUT_CONTACT_INFO = 'without_contact_info';
/** VARCHAR columns of the README's table. */
export const STRING_COLUMNS = EVENT_TABLE_COLUMNS.text;
/** VARCHAR columns holding an id: left out (NULL) when the id is a placeholder. */
export const ID_COLUMNS = EVENT_TABLE_COLUMNS.ids;
/** TIMESTAMPTZ columns of the README's table. */
export const TIMESTAMP_COLUMNS = EVENT_TABLE_COLUMNS.times;
/** SUPER columns of the README's table. */
export const SUPER_COLUMNS = EVENT_TABLE_COLUMNS.json;
/** Columns the README's table declares NOT NULL: a row without one is refused before sending. */
export const REQUIRED_COLUMNS = EVENT_TABLE_COLUMNS.required;

const has = (list: readonly string[], key: string): boolean => list.includes(key);

/** Text of a VARCHAR column's value: text as it is, numbers and booleans as text, objects and lists as JSON. */
function stringValue(value: JsonValue): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * A mapped row without contact information: properties, traits and context cleaned at any
 * depth (emails, phones, names, addresses, birth dates), no IP address, URLs without their query
 * strings, and an id column holding an email address or phone number left out.
 *
 * @example
 * withoutContactInfo({ user_id: 'jane@example.com', properties: { plan: 'pro', email: 'jane@example.com' }, context: { ip: '203.0.113.9' } });
 * // { properties: { plan: 'pro' }, context: {} }
 */
export function withoutContactInfo(row: JsonObject): JsonObject {
  return recordWithoutContactInfo(row, { valueChecked: [...ID_COLUMNS] });
}

/**
 * The row of one mapped event, in the payload's key order (see the file's comment). Throws a
 * PermanentError (the event is dead-lettered with it) for a row without a NOT NULL column's
 * value, or with a time it cannot read in a NOT NULL column; an optional time it cannot read is
 * left out.
 *
 * @example
 * tableRow({ message_id: 'm-1', type: 'track', event: 'Signed Up', user_id: 'undefined', anonymous_id: 'df_1',
 *            timestamp: '2026-03-24T17:00:00+01:00', received_at: '2026-03-24T16:00:01.000Z', properties: { plan: 'pro' } }, ctx);
 * // { message_id: 'm-1', type: 'track', event: 'Signed Up', anonymous_id: 'df_1', timestamp: '2026-03-24T16:00:00.000Z',
 * //   received_at: '2026-03-24T16:00:01.000Z', properties: { plan: 'pro' } }
 */
export function tableRow(payload: JsonObject, ctx: Pick<PluginContext, 'warn' | 'variant'>): JsonObject {
  const source = ctx.variant === WITHOUT_CONTACT_INFO ? withoutContactInfo(payload) : payload;
  const row: JsonObject = {};
  // Redshift folds unquoted names to lower case (Total and total are one column): the first is kept.
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(source)) {
    if (value === null || value === undefined) continue;
    const column = key.toLowerCase();
    if (seen.has(column)) {
      ctx.warn?.(`${key.slice(0, 80)} left out: another column of the row has the same name in another letter case, and Redshift reads both as ${column.slice(0, 80)}`);
      continue;
    }
    if (!IDENTIFIER.test(key)) {
      ctx.warn?.(`${key.slice(0, 80)} left out: a column name Redshift reads unquoted holds letters, digits, _ and $, from a letter or _ (rename it in the blueprint)`);
      continue;
    }
    seen.add(column);
    if (has(ID_COLUMNS, column)) {
      if (usableId(value)) row[column] = String(value);
    } else if (has(STRING_COLUMNS, column)) {
      row[column] = stringValue(value);
    } else if (has(TIMESTAMP_COLUMNS, column)) {
      const time = utcTimeText(value);
      if (time !== undefined) row[column] = time;
      else if (has(REQUIRED_COLUMNS, column)) {
        throw new PermanentError(`${column}: ${JSON.stringify(value).slice(0, 80)} is not a time the table's TIMESTAMPTZ column takes (ISO 8601 or epoch seconds or milliseconds, years 1 to 9999): check what the blueprint maps to ${column}`);
      } else {
        ctx.warn?.(`${column} left out: ${JSON.stringify(value).slice(0, 80)} is not a time (ISO 8601 or epoch seconds or milliseconds)`);
      }
    } else {
      row[column] = value;
    }
  }
  for (const column of REQUIRED_COLUMNS) {
    if (row[column] === undefined || row[column] === '') {
      throw new PermanentError(`the row has no ${column}, which the table declares NOT NULL: the blueprint must map it (the shipped blueprint maps it from the event's ${column === 'message_id' ? 'messageId' : column === 'received_at' ? 'receivedAt' : column})`);
    }
  }
  return row;
}
