import { definePlugin } from '../../core/sdk/index.ts';
import { appendRequests, MAX_BYTES, MAX_ROWS } from './append-request.ts';
import { sheetsAccessToken } from './access-token.ts';
import { classifyAppend } from './classify.ts';
import { CONFIG_SCHEMA, sheetsConfigWarnings, validateSheetsConfig } from './config.ts';
import { sheetRow } from './sheet-row.ts';

export { appendRange, appendRequests, appendUrl, MAX_BYTES, MAX_ROWS, SHEETS_ORIGIN } from './append-request.ts';
export { readSheetsTokenAnswer, sheetsAccessToken, sheetsTokenRequest } from './access-token.ts';
export { classifyAppend, said, sheetsError } from './classify.ts';
export { columnProblems, columnsOf, columnWarnings, DEFAULT_COLUMNS, type Column } from './columns.ts';
export {
  CONFIG_SCHEMA, includesContactInfo, MAX_SHEET_NAME_LENGTH, serviceAccountEmail, SHEETS_SCOPE, sheetNameOf, sheetsConfigWarnings, spreadsheetIdOf, spreadsheetProblem,
  validateSheetsConfig, valueInputOptionOf, VALUE_INPUT_OPTIONS,
} from './config.ts';
export { refusedColumn, refusedRows, type RefusedRow } from './refused-rows.ts';
export { cellValue, cellsOf, MAX_CELL_CHARACTERS, sheetRow } from './sheet-row.ts';

/**
 * Google Sheets: every event a row appended to a tab of the customer's spreadsheet through the
 * Sheets API v4 `spreadsheets.values.append` — up to 500 rows (and 2 MB) a request, the
 * configured columns in order (paths into the Signal event; objects as JSON text; cells within
 * 50,000 characters), RAW by default so visitors' text is never run as a formula — authorised by
 * a service account's key (the spreadsheet shared with its email) or an OAuth refresh token,
 * exchanged by the core for access tokens. Contact information is left out unless enabled.
 * Deletions are not forwarded: the rows are in the customer's own sheet. See README.md.
 *
 * @example
 * // config: { spreadsheet_id: 'https://docs.google.com/spreadsheets/d/1Bxi…/edit', sheet_name: 'Web events', service_account_key: '{"type":"service_account",…}' }
 * googleSheets.send(mapped, ctx);
 * // [{ method: 'POST', url: "https://sheets.googleapis.com/v4/spreadsheets/1Bxi…/values/'Web%20events'!A1:append",
 * //    query: [['valueInputOption', 'RAW'], ['insertDataOption', 'INSERT_ROWS']],
 * //    headers: { authorization: 'Bearer ya29…', 'content-type': 'application/json' },
 * //    body: { majorDimension: 'ROWS', values: [['2026-11-30T11:59:58.250Z', 'track', 'Order Completed', 'u-1', …]] }, eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'google_sheets',
  name: 'Google Sheets',
  category: 'cloud_storage',
  description: 'Log every event as a row of your own Google Sheets spreadsheet: rows appended to the tab you choose through the Sheets API (up to 500 a request), with the columns you choose — timestamp, type, event, ids, page, properties and traits as JSON by default, or any path into the event. Values written RAW by default, so text from visitors is never run as a formula; contact information left out unless you include it. A service account\'s key (share the sheet with its email) or an OAuth refresh token. Deletions are not forwarded: the rows are in your own sheet.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateSheetsConfig,
  configWarnings: (config) => sheetsConfigWarnings(config),
  variants: {
    default: {
      description: 'One row an event: the configured columns in order (default Timestamp, Type, Event, User ID, Anonymous ID, Page URL, Referrer, Properties, Traits, Message ID, Received At; Email and Phone too with include_contact_info), read from the event without contact information unless it is included.',
      map: sheetRow,
    },
  },
  vendorFields: {
    values: { required: true, description: 'The row: one cell per configured column, in order — text, numbers and booleans as they are, objects and lists as JSON text, nothing as an empty cell, at most 50,000 characters a cell.' },
  },
  // The customer's own spreadsheet, like the storage plugins (Amazon S3, Cloud Storage): nothing
  // gated by default. Contact information is left out unless include_contact_info is on; the
  // README recommends consent_categories at install when it is.
  consent: [],
  // Sheets' write quotas: 60 requests a minute per user per project (a service account is one
  // user) and 300 per project. 0.9 a second with a burst of 2 stays under 60 a minute; a 429
  // slows the integration down further.
  rateLimit: { rps: 0.9, burst: 2 },
  batch: { maxEvents: MAX_ROWS, maxBytes: MAX_BYTES },
  accessToken: sheetsAccessToken,
  send: appendRequests,
  classify: (response, request, ctx) => classifyAppend(response, request, ctx),
  // The Sheets API's AppendValuesResponse for two rows (the conformance suite's request carries two events).
  successAnswer: {
    status: 200,
    body: {
      spreadsheetId: '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms',
      tableRange: "'Web events'!A1:K41",
      updates: { spreadsheetId: '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms', updatedRange: "'Web events'!A42:K43", updatedRows: 2, updatedColumns: 11, updatedCells: 22 },
    },
  },
});
