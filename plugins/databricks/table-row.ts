// The row the table takes, from what the blueprint maps (the SDK's warehouseRow, in Databricks'
// dialect): each column of the README's CREATE TABLE as the INSERT sends it. STRING columns as
// text; TIMESTAMP columns as ISO 8601 text in UTC (a TIMESTAMP parameter); properties, traits and
// context kept as JSON values (sent as JSON text, into STRING columns or through PARSE_JSON into
// VARIANT ones). Ids SDKs write for "no id" ("undefined", "null", …) name no one and are left out
// (NULL). Columns the blueprint adds beyond the README's are passed on when their name is a plain
// identifier (letters, digits, _); another name is left out, said with ctx.warn. The
// without_contact_info variant's promise is kept here too, whatever its (editable) blueprint maps.
import { EVENT_TABLE_COLUMNS, warehouseRow, type JsonObject, type PluginContext, type WarehouseRowDialect } from '../../core/sdk/index.ts';
import { COLUMN_NAME } from './config.ts';

export { WITHOUT_CONTACT_INFO, warehouseRowWithoutContactInfo as withoutContactInfo } from '../../core/sdk/index.ts';
/** STRING columns of the README's table. */
export const STRING_COLUMNS = EVENT_TABLE_COLUMNS.text;
/** STRING columns holding an id: left out (NULL) when the id is a placeholder. */
export const ID_COLUMNS = EVENT_TABLE_COLUMNS.ids;
/** TIMESTAMP columns of the README's table. */
export const TIMESTAMP_COLUMNS = EVENT_TABLE_COLUMNS.times;
/** JSON columns of the README's table (STRING or VARIANT). */
export const JSON_COLUMNS = EVENT_TABLE_COLUMNS.json;
/** Columns the README's table declares NOT NULL: a row without one is refused before sending. */
export const REQUIRED_COLUMNS = EVENT_TABLE_COLUMNS.required;

/** Databricks' row: names Signal writes, resolved in any letter case (Total and total are one column), written in lower case. */
const DATABRICKS_ROW: WarehouseRowDialect = {
  timeType: 'TIMESTAMP',
  json: 'value',
  requiredBecause: 'which the table declares NOT NULL',
  shippedBlueprint: 'the shipped blueprint maps',
  columnNames: { pattern: COLUMN_NAME, rule: 'a column name Signal writes holds letters, digits and _, from a letter or _', checkedOn: 'every column' },
  caseFolding: { fold: (name) => name.toLowerCase(), rowNamesFolded: true, readsBothAs: () => 'Databricks reads both as one column' },
  warnsNonIdValue: true,
};

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
  return warehouseRow(payload, DATABRICKS_ROW, ctx);
}
