// The row the table takes, from what the blueprint maps (the SDK's warehouseRow, in Postgres's
// dialect as PostgREST writes it): each column of the README's CREATE TABLE in the form a JSON
// body gives it. text columns as text; timestamptz columns as ISO 8601 text in UTC with
// milliseconds (the `Z` keeps the session's time zone from shifting them); properties, traits
// and context as JSON values for jsonb columns (PostgREST reads each into its column as it is).
// Ids SDKs write for "no id" ("undefined", "null", …) name no one and are left out (the column's
// default, NULL), never stored as someone's id. Columns the blueprint adds beyond the README's
// are passed on as mapped when their name is a plain Postgres identifier; another name is left
// out, said with ctx.warn. The without_contact_info variant's promise is kept here too, whatever
// its (editable) blueprint maps.
import { EVENT_TABLE_COLUMNS, warehouseRow, type JsonObject, type PluginContext, type WarehouseRowDialect } from '../../core/sdk/index.ts';
import { IDENTIFIER } from './config.ts';

export { WITHOUT_CONTACT_INFO, warehouseRowWithoutContactInfo as withoutContactInfo } from '../../core/sdk/index.ts';
/** text columns of the README's table. */
export const TEXT_COLUMNS = EVENT_TABLE_COLUMNS.text;
/** text columns holding an id: left out (NULL) when the id is a placeholder. */
export const ID_COLUMNS = EVENT_TABLE_COLUMNS.ids;
/** timestamptz columns of the README's table. */
export const TIME_COLUMNS = EVENT_TABLE_COLUMNS.times;
/** jsonb columns of the README's table. */
export const JSON_COLUMNS = EVENT_TABLE_COLUMNS.json;
/** Columns the table declares NOT NULL. */
export const REQUIRED_COLUMNS = EVENT_TABLE_COLUMNS.required;

/** Postgres's row as PostgREST takes it: JSON columns as JSON values, extra columns' names checked. */
const POSTGRES_ROW: WarehouseRowDialect = {
  timeType: 'timestamptz',
  json: 'value',
  requiredBecause: 'which the table declares NOT NULL',
  shippedBlueprint: 'the shipped blueprint maps',
  // PostgREST quotes every column name, so Postgres reads it as written — case and all — and cuts
  // one longer than 63 bytes: a plain identifier is what a table made from the README holds.
  columnNames: { pattern: IDENTIFIER, rule: 'a column name Signal writes holds letters, digits, _ and $, from a letter or _, at most 63 characters', checkedOn: 'extra columns' },
  warnsNonIdValue: true,
};

/**
 * The row of one mapped event, in the payload's key order (see the file's comment). Throws a
 * PermanentError (the event is dead-lettered with it) for a row without a required column, or
 * with a time it cannot read in a required time column; an optional time it cannot read is left
 * out (NULL), said with ctx.warn.
 *
 * @example
 * tableRow({ message_id: 'm-1', type: 'track', event: 'Signed Up', user_id: 'undefined', anonymous_id: 'df_1',
 *            timestamp: '2026-03-24T17:00:00+01:00', received_at: 1774368001000, properties: { plan: 'pro' } }, ctx);
 * // { message_id: 'm-1', type: 'track', event: 'Signed Up', anonymous_id: 'df_1', timestamp: '2026-03-24T16:00:00.000Z',
 * //   received_at: '2026-03-24T16:00:01.000Z', properties: { plan: 'pro' } }
 */
export function tableRow(payload: JsonObject, ctx: Pick<PluginContext, 'warn' | 'variant'>): JsonObject {
  return warehouseRow(payload, POSTGRES_ROW, ctx);
}
