// The row a warehouse plugin's event table takes (Amazon Redshift, BigQuery, ClickHouse,
// Databricks, Snowflake), from what the blueprint maps: the columns of EVENT_TABLE_COLUMNS as the
// README's CREATE TABLE declares them. Text columns as text; id columns the same, except ids SDKs
// write for "no id" ("undefined", "null", …), which name no one and are left out; time columns as
// ISO 8601 text in UTC with milliseconds; JSON columns as JSON values or JSON text; columns the
// blueprint adds beyond the README's passed on as mapped. A row without a required column, or with
// a time it cannot read in one, is refused with a PermanentError (the event is dead-lettered with
// it). What differs between warehouses is a WarehouseRowDialect: which column names the warehouse
// reads, whether it reads names whatever their letter case, how it takes times and JSON, and the
// words of its messages. The without_contact_info variant's promise is kept here too, whatever
// its (editable) blueprint maps.
import { EVENT_TABLE_COLUMNS } from './event-table-columns.ts';
import { recordWithoutContactInfo } from './contact-free.ts';
import { PermanentError } from './errors.ts';
import { usableId } from './placeholder-ids.ts';
import type { JsonObject, JsonValue } from './types.ts';
import { utcTimeText } from './utc-time-text.ts';

/** The variant of a warehouse plugin that sends no contact information. */
export const WITHOUT_CONTACT_INFO = 'without_contact_info';

/** What differs from one warehouse to another in the row of an event (see the file's comment). */
export interface WarehouseRowDialect {
  /** The time columns' type as messages name it: `TIMESTAMPTZ`, `TIMESTAMP_TZ`, `DateTime64`. */
  timeType: string;
  /**
   * The times the time columns hold, when not years 1 to 9999: the bounds (epoch ms, UTC) and the
   * years as messages say them (`1900 to 2299`). A time outside is one the row cannot take.
   */
  timeRange?: { minMs: number; maxMs: number; years: string };
  /**
   * How the JSON columns (properties, traits, context) go into the row: `value`, the JSON value
   * as mapped (the request writes it as text itself); `text`, its JSON text (BigQuery's insertAll
   * and ClickHouse's JSONEachRow read a JSON column's value from a string).
   */
  json: 'value' | 'text';
  /** Why a required column must be there, after "the row has no message_id, ": `which the table declares NOT NULL`. */
  requiredBecause: string;
  /** Who maps the required columns, before "it from the event's messageId": `the shipped blueprint maps`. */
  shippedBlueprint: string;
  /**
   * The column names the warehouse reads (others are left out, said with ctx.warn): the pattern,
   * the rule as the message says it (`a column name Redshift reads unquoted holds letters, digits,
   * _ and $, from a letter or _`), and which columns it is checked on — `every column` before
   * anything else, or only `extra columns`, those beyond the README's, as each is reached.
   */
  columnNames?: { pattern: RegExp; rule: string; checkedOn: 'every column' | 'extra columns' };
  /**
   * For a warehouse that reads column names whatever their letter case (Total and total are one
   * column): the name it reads (`fold`), whether the row names its columns by that name
   * (`rowNamesFolded`) or as mapped, and how the message ends (`readsBothAs`: `Redshift reads both
   * as total`). The first of such names is kept; each other is left out, said with ctx.warn. A
   * name the warehouse reads as one of the README's columns (USER_ID, Timestamp) is that column,
   * named as the README names it, whatever the two options say.
   */
  caseFolding?: { fold: (name: string) => string; rowNamesFolded: boolean; readsBothAs: (folded: string) => string };
  /** Whether an id column holding neither text nor a number (an object, a list) is said with ctx.warn: one left out for a placeholder is not. */
  warnsNonIdValue?: boolean;
}

/** What a row is made with: the warnings' channel (none: nothing is said) and the integration's variant. */
export interface WarehouseRowContext {
  warn?: ((message: string) => void) | undefined;
  variant?: string | undefined;
}

const has = (list: readonly string[], key: string): boolean => list.includes(key);

/** The README's columns, each once. */
const README_COLUMNS: readonly string[] = [...new Set([...EVENT_TABLE_COLUMNS.text, ...EVENT_TABLE_COLUMNS.ids, ...EVENT_TABLE_COLUMNS.times, ...EVENT_TABLE_COLUMNS.json])];

/** Text of a text column's value: text as it is, numbers and booleans as text, objects and lists as JSON. */
function textValue(value: JsonValue): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The event field a required column comes from in the shipped blueprints, for messages. */
function sourceField(column: string): string {
  return column === 'message_id' ? 'messageId' : column === 'received_at' ? 'receivedAt' : column;
}

/**
 * A mapped row without contact information: properties, traits and context cleaned at any
 * depth (emails, phones, names, addresses, birth dates), no IP address, URLs without their query
 * strings, and an id column holding an email address or phone number left out. Other columns are
 * the blueprint's, cleaned likewise; keys keep their order.
 *
 * @example
 * warehouseRowWithoutContactInfo({ user_id: 'jane@example.com', properties: { plan: 'pro', email: 'jane@example.com' }, context: { ip: '203.0.113.9' } });
 * // { properties: { plan: 'pro' }, context: {} }
 */
export function warehouseRowWithoutContactInfo(row: JsonObject): JsonObject {
  return recordWithoutContactInfo(row, { valueChecked: [...EVENT_TABLE_COLUMNS.ids] });
}

/**
 * The row of one mapped event for a warehouse's event table, in the payload's key order (see the
 * file's comment); in the `without_contact_info` variant the row loses its contact information
 * first. Throws a PermanentError for a row without a required column's value, or with a time it
 * cannot read in a required column; an optional time it cannot read is left out, said with
 * ctx.warn.
 *
 * @example
 * const REDSHIFT: WarehouseRowDialect = { timeType: 'TIMESTAMPTZ', json: 'value', requiredBecause: 'which the table declares NOT NULL', shippedBlueprint: 'the shipped blueprint maps',
 *   columnNames: { pattern: /^[A-Za-z_][A-Za-z0-9_$]{0,126}$/, rule: 'a column name Redshift reads unquoted holds letters, digits, _ and $, from a letter or _', checkedOn: 'every column' },
 *   caseFolding: { fold: (name) => name.toLowerCase(), rowNamesFolded: true, readsBothAs: (folded) => `Redshift reads both as ${folded.slice(0, 80)}` } };
 * warehouseRow({ message_id: 'm-1', type: 'track', user_id: 'undefined', anonymous_id: 'df_1', Plan: 'pro',
 *                timestamp: '2026-03-24T17:00:00+01:00', received_at: '2026-03-24T16:00:01.000Z', properties: { plan: 'pro' } }, REDSHIFT, ctx);
 * // { message_id: 'm-1', type: 'track', anonymous_id: 'df_1', plan: 'pro', timestamp: '2026-03-24T16:00:00.000Z',
 * //   received_at: '2026-03-24T16:00:01.000Z', properties: { plan: 'pro' } }
 */
export function warehouseRow(payload: JsonObject, dialect: WarehouseRowDialect, ctx: WarehouseRowContext = {}): JsonObject {
  const source = ctx.variant === WITHOUT_CONTACT_INFO ? warehouseRowWithoutContactInfo(payload) : payload;
  const { columnNames, caseFolding } = dialect;
  const refusedName = (key: string): string => `${key.slice(0, 80)} left out: ${columnNames?.rule ?? ''} (rename it in the blueprint)`;
  const row: JsonObject = {};
  // The names read so far, as the warehouse reads them: the first of names alike but for case is kept.
  const seen = new Set<string>();
  // The README's columns by the name the warehouse reads them as: a mapped name it reads alike is
  // that column (its placeholder ids left out, its time converted), not an extra column.
  const readmeColumns = new Map<string, string>(caseFolding === undefined ? [] : README_COLUMNS.map((name) => [caseFolding.fold(name), name]));
  for (const [key, value] of Object.entries(source)) {
    if (value === null || value === undefined) continue;
    if (columnNames?.checkedOn === 'every column' && !columnNames.pattern.test(key)) {
      ctx.warn?.(refusedName(key));
      continue;
    }
    let column = key;
    if (caseFolding !== undefined) {
      const folded = caseFolding.fold(key);
      if (seen.has(folded)) {
        ctx.warn?.(`${key.slice(0, 80)} left out: another column of the row has the same name in another letter case, and ${caseFolding.readsBothAs(folded)}`);
        continue;
      }
      seen.add(folded);
      column = readmeColumns.get(folded) ?? (caseFolding.rowNamesFolded ? folded : key);
    }
    if (has(EVENT_TABLE_COLUMNS.ids, column)) {
      if (usableId(value)) row[column] = String(value);
      else if (dialect.warnsNonIdValue === true && typeof value !== 'string' && typeof value !== 'number') {
        ctx.warn?.(`${column} left out: ${JSON.stringify(value).slice(0, 80)} is not an id (text or a number): check what the blueprint maps to ${column}`);
      }
    } else if (has(EVENT_TABLE_COLUMNS.text, column)) {
      row[column] = textValue(value);
    } else if (has(EVENT_TABLE_COLUMNS.times, column)) {
      const time = utcTimeText(value, dialect.timeRange);
      if (time !== undefined) row[column] = time;
      else if (has(EVENT_TABLE_COLUMNS.required, column)) {
        throw new PermanentError(`${column}: ${JSON.stringify(value).slice(0, 80)} is not a time the table's ${dialect.timeType} column takes (ISO 8601 or epoch seconds or milliseconds, years ${dialect.timeRange?.years ?? '1 to 9999'}): check what the blueprint maps to ${column}`);
      } else {
        ctx.warn?.(`${column} left out: ${JSON.stringify(value).slice(0, 80)} is not a time (ISO 8601 or epoch seconds or milliseconds)`);
      }
    } else if (has(EVENT_TABLE_COLUMNS.json, column)) {
      row[column] = dialect.json === 'text' ? JSON.stringify(value) : value;
    } else if (columnNames?.checkedOn === 'extra columns' && !columnNames.pattern.test(key)) {
      ctx.warn?.(refusedName(key));
    } else {
      row[column] = value;
    }
  }
  for (const column of EVENT_TABLE_COLUMNS.required) {
    if (row[column] === undefined || row[column] === '') {
      throw new PermanentError(`the row has no ${column}, ${dialect.requiredBecause}: the blueprint must map it (${dialect.shippedBlueprint} it from the event's ${sourceField(column)})`);
    }
  }
  return row;
}
