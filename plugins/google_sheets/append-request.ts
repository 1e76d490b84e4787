// The requests of a delivery batch: rows appended to the tab by spreadsheets.values.append
// (`POST https://sheets.googleapis.com/v4/spreadsheets/{spreadsheetId}/values/{range}:append`),
// many rows a request within Google's recommended 2 MB payload, INSERT_ROWS so rows below the
// table are pushed down rather than overwritten, with the core's access token.
import { splitBatch, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { sheetNameOf, spreadsheetIdOf, valueInputOptionOf } from './config.ts';
import { cellsOf } from './sheet-row.ts';

/** The Sheets API's origin. */
export const SHEETS_ORIGIN = 'https://sheets.googleapis.com';
/** Most rows a request: Signal's choice (the API sets no row limit), so one request stays well within the payload advice. */
export const MAX_ROWS = 500;
/** Google's recommended maximum payload of a Sheets API request: 2 MB ("To speed up requests, we recommend a 2 MB maximum payload"). */
export const MAX_BYTES = 2_000_000;
/** The body's envelope around the rows: `{"majorDimension":"ROWS","values":[…]}`. */
const ENVELOPE_BYTES = 64;

/**
 * The A1 range a tab's rows are appended to: the tab's name always quoted, a quote in it doubled
 * (`'Bob''s events'!A1`), so names with spaces, quotes, `!` or that look like a cell (`A1`) mean
 * the tab; without a name, `A1` — the first visible tab. Append looks for the table starting at
 * A1 and writes after its last row.
 *
 * @example
 * appendRange('My Sheet');  // "'My Sheet'!A1"
 * appendRange("Bob's");     // "'Bob''s'!A1"
 * appendRange(undefined);   // 'A1'
 */
export function appendRange(sheetName: string | undefined): string {
  return sheetName === undefined ? 'A1' : `'${sheetName.replaceAll("'", "''")}'!A1`;
}

/**
 * The append URL of a spreadsheet and range: the range percent-encoded as one path segment
 * (spaces as %20, a `/` in a tab name as %2F), then `:append`.
 *
 * @example
 * appendUrl('1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms', "'My Sheet'!A1");
 * // "https://sheets.googleapis.com/v4/spreadsheets/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/values/'My%20Sheet'!A1:append"
 */
export function appendUrl(spreadsheetId: string, range: string): string {
  return `${SHEETS_ORIGIN}/v4/spreadsheets/${encodeURIComponent(spreadsheetId)}/values/${encodeURIComponent(range)}:append`;
}

/**
 * A batch as append requests of at most 500 rows and 2 MB each: `valueInputOption` from the
 * config, `insertDataOption=INSERT_ROWS`, the body a ValueRange of rows (`majorDimension`
 * ROWS), one row an event, in the batch's order.
 *
 * @example
 * appendRequests(batch, ctx);
 * // [{ method: 'POST', url: "https://sheets.googleapis.com/v4/spreadsheets/1Bxi…/values/'Web%20events'!A1:append",
 * //    query: [['valueInputOption', 'RAW'], ['insertDataOption', 'INSERT_ROWS']],
 * //    headers: { authorization: 'Bearer ya29…', 'content-type': 'application/json' },
 * //    body: { majorDimension: 'ROWS', values: [['2026-11-30T11:59:58.250Z', 'track', 'Order Completed', …]] }, eventIds: ['m-1'] }]
 */
export function appendRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const spreadsheetId = spreadsheetIdOf(ctx.config);
  // A config refused at install cannot get here; a hand-edited one is said, not sent to a wrong URL.
  if (spreadsheetId === undefined) throw new Error('config.spreadsheet_id is no spreadsheet id nor a spreadsheet\'s URL: fix it in a new revision, then replay the dead letters');
  const url = appendUrl(spreadsheetId, appendRange(sheetNameOf(ctx.config)));
  const query: Array<[string, string]> = [['valueInputOption', valueInputOptionOf(ctx.config)], ['insertDataOption', 'INSERT_ROWS']];
  return splitBatch(batch, { maxEvents: MAX_ROWS, maxBytes: MAX_BYTES, overheadBytes: ENVELOPE_BYTES }).map((rows) => ({
    method: 'POST',
    url,
    query,
    headers: { authorization: `Bearer ${ctx.accessToken ?? ''}`, 'content-type': 'application/json' },
    body: { majorDimension: 'ROWS', values: rows.map((row) => cellsOf(row.payload)) },
    eventIds: rows.map((row) => row.id),
  }));
}
