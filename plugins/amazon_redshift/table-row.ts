// The row the table takes, from what the blueprint maps (the SDK's warehouseRow, in Redshift's
// dialect): each column of the README's CREATE TABLE as the INSERT sends it. VARCHAR columns as
// text; TIMESTAMPTZ columns as ISO 8601 text in UTC; SUPER columns kept as JSON values (sent as
// JSON text through JSON_PARSE). Ids SDKs write for "no id" ("undefined", "null", …) name no one
// and are left out (NULL). Columns the blueprint adds beyond the README's are passed on when their
// name is one Redshift reads unquoted; another name is left out, said with ctx.warn. The
// without_contact_info variant's promise is kept here too, whatever its (editable) blueprint maps.
import { EVENT_TABLE_COLUMNS, warehouseRow, type JsonObject, type PluginContext, type WarehouseRowDialect } from '../../core/sdk/index.ts';
import { IDENTIFIER } from './config.ts';

export { WITHOUT_CONTACT_INFO, warehouseRowWithoutContactInfo as withoutContactInfo } from '../../core/sdk/index.ts';
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

/** Redshift's row: names it reads unquoted, folded to lower case (Total and total are one column). */
const REDSHIFT_ROW: WarehouseRowDialect = {
  timeType: 'TIMESTAMPTZ',
  json: 'value',
  requiredBecause: 'which the table declares NOT NULL',
  shippedBlueprint: 'the shipped blueprint maps',
  columnNames: { pattern: IDENTIFIER, rule: 'a column name Redshift reads unquoted holds letters, digits, _ and $, from a letter or _', checkedOn: 'every column' },
  caseFolding: { fold: (name) => name.toLowerCase(), rowNamesFolded: true, readsBothAs: (folded) => `Redshift reads both as ${folded.slice(0, 80)}` },
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
  return warehouseRow(payload, REDSHIFT_ROW, ctx);
}
