// The Sheets API's answers to spreadsheets.values.append: 200 with an AppendValuesResponse
// (`{ spreadsheetId, tableRange, updates: { spreadsheetId, updatedRange, updatedRows,
// updatedColumns, updatedCells } }`) once the rows are written — the request is all or nothing;
// errors as Google's JSON error (`{ error: { code, message, status, details } }`). The usage
// limits page names 429 for its per-minute quotas (retried with backoff); 5xx and 408 pass. A
// refusal the customer must fix (the tab's name, sharing, the API not enabled, a full
// spreadsheet) is dead-lettered saying what to fix, with Google's message.
import { excerpt, googleCredentialOf, parseRetryAfter, readGoogleErrorAnswer, responseHeader, type Classification, type EventOutcome, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { serviceAccountEmail, sheetNameOf, spreadsheetIdOf } from './config.ts';
import { refusedColumn, refusedRows, type RefusedRow } from './refused-rows.ts';

/** What Google said: its canonical status and reasons, and its message (or the body's start). */
export interface SheetsError {
  status?: string;
  reasons: string[];
  message: string;
}

/**
 * The error of an answer: Google's JSON error when it is one, else the body's text.
 *
 * @example
 * sheetsError({ status: 404, headers: {}, body: '…', json: { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } } });
 * // { status: 'NOT_FOUND', reasons: [], message: 'Requested entity was not found.' }
 */
export function sheetsError(response: VendorResponse): SheetsError {
  const error = readGoogleErrorAnswer(response.json);
  if (error === undefined) return { reasons: [], message: excerpt((response.body ?? '').replace(/\s+/g, ' ').trim()) };
  return { ...(error.status === undefined ? {} : { status: error.status }), reasons: error.reasons, message: excerpt(error.message ?? '') };
}

/**
 * Google's answer in words for a reason: `HTTP 403 PERMISSION_DENIED: The caller does not have permission`.
 *
 * @example
 * said({ status: 503, headers: {}, body: '' }, { reasons: [], message: '' }); // 'HTTP 503'
 */
export function said(response: VendorResponse, error: SheetsError): string {
  const status = error.status === undefined ? '' : ` ${error.status}`;
  return `HTTP ${response.status}${status}${error.message === '' ? '' : `: ${error.message}`}`;
}

/** Google's rate-limit reasons (ErrorInfo's and the older errors[]'): retried as a rate limit whatever the status. */
const RATE_REASONS = new Set(['RATE_LIMIT_EXCEEDED', 'rateLimitExceeded', 'userRateLimitExceeded']);
/** The API not enabled in the credential's project: "Google Sheets API has not been used in project … before or it is disabled." */
const API_DISABLED = /has not been used in project|\bit is disabled\b/i;
/** A token without the spreadsheets scope: "Request had insufficient authentication scopes." */
const SCOPE_MISSING = /insufficient authentication scopes/i;
/** A protected range or tab: "You are trying to edit a protected cell or object. …" */
const PROTECTED = /\bprotected cell\b|\bprotected range\b/i;
/** The tab's name unknown: "Unable to parse range: 'Events'!A1". */
const UNKNOWN_RANGE = /unable to parse range/i;
/** A spreadsheet at Google Sheets' cell limit: "This action would increase the number of cells in the workbook above the limit of 10000000 cells." */
const CELL_LIMIT = /above the limit of [\d,]+ cells/i;
/** A file in Drive that is no Google Sheets spreadsheet (an Excel file): "This operation is not supported for this document". */
const NOT_A_SHEET = /not supported for this document/i;
/**
 * A refusal of the values themselves that names no row: "Your input contains more than the
 * maximum of 50000 characters in a single cell.", "Invalid value at 'data.values'…". Only these
 * are split down to the row: a 400 about the spreadsheet would fail every half alike, and 500
 * rows halved down to single rows take 999 requests, a quarter-hour of Sheets' 60 writes a minute.
 */
const VALUE_PROBLEM = /\bvalues?\b|\bcells?\b|\binput\b/i;
/** A request Google's front end finds too large. */
const TOO_LARGE = /\btoo large\b|\bpayload size\b|\brequest entity\b/i;

/** The answer's Retry-After as the retry's wait, when it gives one. */
function afterOf(response: VendorResponse): { retryAfterMs?: number } {
  const wait = parseRetryAfter(responseHeader(response.headers ?? {}, 'retry-after'));
  return wait === undefined ? {} : { retryAfterMs: wait };
}

/** Who must be able to edit the spreadsheet: the service account by its email, or the user who authorised Signal. */
function editorAdvice(config: Record<string, JsonValue>): string {
  if (googleCredentialOf(config) === 'refresh_token') {
    return 'the Google account that authorised Signal (config.refresh_token) needs edit access to the spreadsheet: share it with that account as an Editor, or authorise Signal again as a user who can edit it';
  }
  const email = serviceAccountEmail(config);
  return email === undefined
    ? 'share the spreadsheet with the service account\'s email (client_email of config.service_account_key) as an Editor'
    : `share the spreadsheet with the service account's email ${email} as an Editor (Share > add ${email} > Editor)`;
}

/** The tab as the reasons name it. */
const tabOf = (config: Record<string, JsonValue>): string => {
  const name = sheetNameOf(config);
  return name === undefined ? 'the first visible tab' : `the tab "${name}"`;
};

/**
 * A 2xx: delivered when it is the AppendValuesResponse and `updates.updatedRows` is the number
 * of rows sent (proto3 JSON leaves a 0 out, and an empty `updates`). Fewer rows: dead-lettered,
 * not retried — an append is all or nothing, so this is no answer to retry blindly, and a retry
 * could write rows twice. A 2xx that is not Sheets' answer (no spreadsheetId: a proxy's page) is
 * retried.
 */
function classifyAppended(response: VendorResponse, request: RequestDescriptor): Classification {
  const json = response.json;
  const answer = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as { spreadsheetId?: unknown; updates?: unknown }) : undefined;
  // Sheets' own answer (its spreadsheetId) without `updates` says nothing was written: proto3 JSON
  // leaves out an empty message as it leaves out a 0. Sending it again could write rows twice.
  const updates = answer?.updates ?? (typeof answer?.spreadsheetId === 'string' ? {} : undefined);
  if (updates === null || typeof updates !== 'object' || Array.isArray(updates)) {
    const body = excerpt((response.body ?? '').replace(/\s+/g, ' ').trim());
    return { status: 'retry', reason: `HTTP ${response.status} without the Sheets API's AppendValuesResponse${body ? ` (${body})` : ''}: not its answer to an append (a proxy?), so the rows are sent again` };
  }
  const { updatedRows, updatedRange } = updates as { updatedRows?: unknown; updatedRange?: unknown };
  const rows = typeof updatedRows === 'number' ? updatedRows : 0;
  const sent = request.eventIds.length;
  if (rows === sent) return { status: 'delivered' };
  const where = typeof updatedRange === 'string' ? ` (updatedRange ${excerpt(updatedRange)})` : '';
  return { status: 'dead_letter', reason: `Google Sheets answered ${rows} row${rows === 1 ? '' : 's'} appended of the ${sent} sent${where}: check the sheet before replaying these dead letters, which may write rows twice` };
}

/**
 * A 400 naming rows of the request: those dead-lettered with Google's words (and the column of
 * the cell it names), the others sent again without them — Sheets wrote none of the request's
 * rows, the append being all or nothing.
 */
function rowsRefused(blamed: RefusedRow[], answered: string, request: RequestDescriptor, config: Record<string, JsonValue>): Classification {
  const byId = new Map(blamed.map((place) => [request.eventIds[place.row]!, place]));
  const others = blamed.length === 1 ? 'another row of it' : `${blamed.length} other rows of it`;
  const perEvent: Record<string, EventOutcome> = {};
  for (const id of request.eventIds) {
    const place = byId.get(id);
    perEvent[id] = place === undefined
      ? { status: 'resend', reason: `Google Sheets refused the request for ${others} (${answered}) and wrote none of its rows: sent again without ${blamed.length === 1 ? 'it' : 'them'}` }
      : { status: 'dead_letter', reason: `Google Sheets refused this row's values${refusedColumn(place, config)} (${answered}): check the event's value there and config.columns (config.value_input_option too); then replay the dead letter` };
  }
  return { perEvent };
}

/**
 * Google Sheets' answer to an append (see the file's comment):
 * - 2xx with `updates.updatedRows` the rows sent: delivered; fewer: dead-lettered; no
 *   AppendValuesResponse: retried;
 * - 429 (its per-minute quotas), or a rate-limit reason in any status: retried as a rate limit
 *   (no try used up, the integration slowed down), after Retry-After when given;
 * - 408 and 5xx: retried with the core's backoff;
 * - 401 (after the core renewed the token): dead-lettered, the credential to check;
 * - 403: dead-lettered — the API to enable, the scope to authorise, a protected range, or the
 *   spreadsheet to share with the service account's email;
 * - 404: dead-lettered, no such spreadsheet (config.spreadsheet_id);
 * - 413, or a 400 saying the request is too large: split, one row alone dead-lettered;
 * - 400: dead-lettered with Google's message and a hint — an unknown tab (config.sheet_name), a
 *   full spreadsheet (10 million cells), a file that is not a Google Sheets spreadsheet;
 * - 400 naming rows (`values[i]`, `data.values[i]`): those rows dead-lettered, the others
 *   sent again at once without them (Sheets wrote none); 400 about the values naming none, several rows:
 *   split, down to the row;
 * - any other 4xx: dead-lettered with Google's message.
 *
 * @example
 * classifyAppend({ status: 400, headers: {}, body: '…', json: { error: { code: 400, message: "Unable to parse range: 'Events'!A1", status: 'INVALID_ARGUMENT' } } }, request, ctx);
 * // { status: 'dead_letter', reason: "Google Sheets cannot find the tab \"Events\" (HTTP 400 INVALID_ARGUMENT: Unable to parse range: 'Events'!A1): check config.sheet_name …" }
 */
export function classifyAppend(response: VendorResponse, request: RequestDescriptor, ctx: Pick<PluginContext, 'config'>): Classification {
  const { status } = response;
  const { config } = ctx;
  if (status >= 200 && status < 300) return classifyAppended(response, request);
  const error = sheetsError(response);
  const answered = said(response, error);
  if (status === 429 || error.reasons.some((reason) => RATE_REASONS.has(reason))) {
    return { ...afterOf(response), status: 'retry', throttled: true, reason: `Google Sheets asks to slow down (${answered}): its quotas are 60 write requests a minute per user (a service account is one) and 300 per project; retrying later at a lower rate` };
  }
  if (status === 408 || status >= 500) return { ...afterOf(response), status: 'retry', reason: `Google Sheets failed (${answered})` };
  const then = 'then replay the dead letters';
  if (status === 401) {
    return { status: 'dead_letter', reason: `Google Sheets refused the access token, also once renewed (${answered}): check the credential (config.service_account_key, or config.refresh_token with its OAuth client) and store a current one in a new revision; ${then}` };
  }
  if (PROTECTED.test(error.message)) {
    return { status: 'dead_letter', reason: `Google Sheets refused the rows: ${tabOf(config)} is protected (${answered}); let the credential edit it (Data > Protect sheets and ranges), or choose another tab in config.sheet_name; ${then}` };
  }
  if (status === 403) {
    if (error.reasons.includes('SERVICE_DISABLED') || error.reasons.includes('accessNotConfigured') || API_DISABLED.test(error.message)) {
      return { status: 'dead_letter', reason: `the Google Sheets API is not enabled in the credential's Google Cloud project (${answered}): enable it (APIs & Services > Library > Google Sheets API), wait a few minutes, ${then}` };
    }
    if (error.reasons.includes('ACCESS_TOKEN_SCOPE_INSUFFICIENT') || SCOPE_MISSING.test(error.message)) {
      return { status: 'dead_letter', reason: `the access token lacks the https://www.googleapis.com/auth/spreadsheets scope (${answered}): authorise Signal again with that scope and store the new refresh token in a new revision; ${then}` };
    }
    return { status: 'dead_letter', reason: `Google Sheets refused to write to the spreadsheet (${answered}): ${editorAdvice(config)}; ${then}` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `Google Sheets has no spreadsheet ${spreadsheetIdOf(config) ?? '(config.spreadsheet_id)'} (${answered}): check config.spreadsheet_id (the spreadsheet's URL, or the id after /d/ in it) and that the spreadsheet was not deleted; ${then}` };
  }
  if (status === 413 || (status === 400 && TOO_LARGE.test(error.message))) {
    if (request.eventIds.length > 1) return { status: 'split', reason: `Google Sheets refused the request's size (${answered}): sending the rows in two requests` };
    return { status: 'dead_letter', reason: `Google Sheets refused this one row as too large (${answered})` };
  }
  if (status === 400 && UNKNOWN_RANGE.test(error.message)) {
    return { status: 'dead_letter', reason: `Google Sheets cannot find ${tabOf(config)} (${answered}): check config.sheet_name — the tab's name exactly as its label reads, spaces and case included — or leave it empty for the first tab; ${then}` };
  }
  if (status === 400 && CELL_LIMIT.test(error.message)) {
    return { status: 'dead_letter', reason: `the spreadsheet is full (${answered}): Google Sheets holds at most 10 million cells a spreadsheet; point config.spreadsheet_id at a new spreadsheet (or delete old rows and empty columns), ${then}` };
  }
  if (status === 400 && NOT_A_SHEET.test(error.message)) {
    return { status: 'dead_letter', reason: `the file is not a Google Sheets spreadsheet (${answered}), e.g. an Excel file kept in Drive: open it and File > Save as Google Sheets, then set config.spreadsheet_id to the new spreadsheet; ${then}` };
  }
  if (status === 400) {
    const blamed = refusedRows(response.json, request.eventIds.length);
    if (blamed.length > 0) return rowsRefused(blamed, answered, request, config);
    if (request.eventIds.length > 1 && VALUE_PROBLEM.test(error.message)) {
      return { status: 'split', reason: `Google Sheets refused a value of the request without saying which row's (${answered}): sending the rows in two requests, down to the row it refuses` };
    }
  }
  return { status: 'dead_letter', reason: `Google Sheets refused the rows (${answered}): check config.spreadsheet_id, config.sheet_name and config.columns; ${then}` };
}
