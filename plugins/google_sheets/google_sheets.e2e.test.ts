// Google Sheets end to end: browser and server calls through the real collect API, the queue and
// the delivery engine, through the core's access tokens (the service account's signed assertion
// exchanged at oauth2.googleapis.com for the spreadsheets scope), to the vendor simulator
// standing in for sheets.googleapis.com, which must receive the documented
// spreadsheets.values.append (the quoted tab's range, valueInputOption, INSERT_ROWS, a ValueRange
// of rows). Google's answers injected: a 503 retried, a 429 retried as a rate limit using up no
// try, a 400 (unknown tab), a 403 (not shared) and a 404 dead-lettered with Google's message and
// what to fix; a 400 naming one row dead-letters that row alone, the others appended; a person
// deletion not forwarded (skipped).
import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { googleTokenEndpoint } from '../../test/helpers/google-token-endpoint.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { adminCall, deletePerson, exchangeOutcomes, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const SA_EMAIL = 'signal-sheets@shop-analytics.iam.gserviceaccount.com';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY_FILE = JSON.stringify({
  type: 'service_account', project_id: 'shop-analytics', client_email: SA_EMAIL, token_uri: 'https://oauth2.googleapis.com/token',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
});
const TOKEN_PATH = '/token';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';
const TAB = 'Web events';

let sim: VendorSim;
let signal: TestSignal;
/** Access tokens the token endpoint issued: appends refuse any other. */
const issued: string[] = [];

/** A spreadsheet id per test (44 characters, as Google's are). */
const sheetId = (name: string) => `1Sheets${name}`.padEnd(44, 'x');
/** The append path as the simulator sees it: the quoted tab percent-encoded, then :append. */
const appendPath = (id: string, range = `'${TAB.replaceAll(' ', '%20')}'!A1`) => `/v4/spreadsheets/${id}/values/${range}:append`;
const appends = (id: string) => sim.requests({ method: 'POST', path: appendPath(id) });
const rowsOf = (request: RecordedRequest) => (request.json as { values: unknown[][] }).values;
const appendsOf = (id: string, messageId: string) => appends(id).filter((r) => rowsOf(r).some((row) => row.includes(messageId)));
const bearer = (request: RecordedRequest) => (request.headers.authorization ?? '').replace(/^Bearer /, '');
const googleError = (status: number, code: string, message: string): ScriptedResponse => ({ status, body: { error: { code: status, message, status: code } } });

/** values.append as the Sheets API answers it: 200 with an AppendValuesResponse, for the issued tokens only. */
const append = (id: string) => {
  let lastRow = 1;
  return (request: RecordedRequest): ScriptedResponse => {
    if (!issued.includes(bearer(request))) return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    const body = request.json as { values?: unknown[][] } | undefined;
    if (!request.query.valueInputOption || !Array.isArray(body?.values)) return googleError(400, 'INVALID_ARGUMENT', "'valueInputOption' is required but not specified");
    const rows = body.values.length;
    const columns = Math.max(...body.values.map((row) => row.length));
    const range = `'${TAB}'!A${lastRow + 1}:K${lastRow + rows}`;
    const tableRange = `'${TAB}'!A1:K${lastRow}`;
    lastRow += rows;
    return { status: 200, body: { spreadsheetId: id, tableRange, updates: { spreadsheetId: id, updatedRange: range, updatedRows: rows, updatedColumns: columns, updatedCells: rows * columns } } };
  };
};

const visitor: Visitor = { id: 'df_sheets0visitor1', ip: '203.0.113.42', userAgent: UA };
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, {
  timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks', title: 'Thanks', referrer: 'https://www.google.com/' } },
});
const install = (name: string, id: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'google_sheets', name, {
  config: { spreadsheet_id: `https://docs.google.com/spreadsheets/d/${id}/edit#gid=0`, sheet_name: TAB, service_account_key: KEY_FILE, ...config },
});

const SHEETS = ['Orders', 'Batch', 'Outage', 'Quota', 'NoTab', 'Denied', 'Missing', 'Forget', 'BadRow'].map(sheetId);
before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', TOKEN_PATH, googleTokenEndpoint(SA_EMAIL, 'sheets-token', issued));
  for (const id of SHEETS) sim.setDefault('POST', appendPath(id), append(id));
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://oauth2.googleapis.com=${sim.url},https://sheets.googleapis.com=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '2000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'google_sheets', vendors: ['google_sheets'] });
});
after(() => closeAll(signal, sim));

describe('Google Sheets', () => {
  test('a browser\'s order: the service account\'s token, then the documented append — the quoted tab, RAW, INSERT_ROWS, one row without contact information', async () => {
    const id = sheetId('Orders');
    const { site, integrationId } = await install('Sheets orders', id);
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-sheets-1', messageId: 'sheets-order-1', properties: { order_id: 'ORD-S-1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com' } });
    const [request] = await waitUntil(async () => (appendsOf(id, 'sheets-order-1').length > 0 ? appendsOf(id, 'sheets-order-1') : undefined), 'the append');

    const [tokenRequest] = sim.requests({ path: TOKEN_PATH });
    const form = new URLSearchParams(tokenRequest!.body);
    assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    const [header, claims, signature] = form.get('assertion')!.split('.');
    assert.ok(verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature!, 'base64url')), 'signed with the service account\'s key');
    assert.equal((JSON.parse(Buffer.from(claims!, 'base64url').toString()) as { scope: string }).scope, 'https://www.googleapis.com/auth/spreadsheets');

    assert.equal(request!.method, 'POST');
    assert.equal(request!.path, `/v4/spreadsheets/${id}/values/'Web%20events'!A1:append`);
    assert.deepEqual(request!.queryPairs, [['valueInputOption', 'RAW'], ['insertDataOption', 'INSERT_ROWS']]);
    assert.equal(request!.headers.authorization, `Bearer ${issued[0]}`);
    assert.match(request!.headers['content-type'] ?? '', /^application\/json/);
    const body = request!.json as { majorDimension: string; values: unknown[][] };
    assert.equal(body.majorDimension, 'ROWS');
    assert.equal(body.values.length, 1);
    const [row] = body.values;
    const receivedAt = String(row![10]);
    assert.deepEqual(row, [
      CALL_TIMESTAMP, 'track', 'Order Completed', 'u-sheets-1', visitor.id, 'https://shop.example.com/thanks', 'https://www.google.com/',
      '{"order_id":"ORD-S-1","revenue":74.97,"currency":"EUR"}', '', 'sheets-order-1', receivedAt,
    ]);
    assert.ok(Math.abs(Date.parse(receivedAt) - Date.now()) < 60_000, 'Received At is the server\'s stamp');
    assert.ok(!request!.body.includes('jane'), 'no email, no URL query');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
  });

  test('a server\'s batch: many rows a request, in order, each event once; USER_ENTERED and configured columns as sent', async () => {
    const id = sheetId('Batch');
    const columns = [{ header: 'Event', path: 'event' }, { header: 'Revenue', path: 'properties.revenue' }, { header: 'Note', path: 'properties.note' }, { header: 'Message ID', path: 'messageId' }];
    const { site, integrationId } = await install('Sheets batch', id, { columns, value_input_option: 'USER_ENTERED' });
    const events = [1, 2, 3].map((n) => ({ event: `Step ${n}`, messageId: `sheets-batch-${n}`, properties: { revenue: n * 10, note: n === 2 ? '=HYPERLINK("https://evil.example","click")' : `note ${n}` } }));
    await sendServerBatch(signal, site.key, events, { userId: 'u-sheets-batch' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 3 || undefined, 'three rows delivered');
    const requests = appends(id);
    assert.ok(requests.every((r) => r.query.valueInputOption === 'USER_ENTERED'));
    const rows = requests.flatMap(rowsOf);
    assert.deepEqual(rows, [
      ['Step 1', 10, 'note 1', 'sheets-batch-1'],
      ['Step 2', 20, '\'=HYPERLINK("https://evil.example","click")', 'sheets-batch-2'],
      ['Step 3', 30, 'note 3', 'sheets-batch-3'],
    ], 'a formula from an event written as text');
    assert.ok(requests.length < 3, `several rows a request (${requests.length} requests for 3 rows)`);
  });

  test('a 503 is retried, then appended once', async () => {
    const id = sheetId('Outage');
    const { site, integrationId } = await install('Sheets outage', id);
    sim.script('POST', appendPath(id), [googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.')]);
    await browser(site.key, { type: 'track', event: 'Outage', userId: 'u-sheets-2', messageId: 'sheets-503-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
    const tries = appendsOf(id, 'sheets-503-1');
    assert.equal(tries.length, 2, 'the 503, then the append; nothing after the success');
    assert.deepEqual(tries[0]!.json, tries[1]!.json, 'the same rows');
  });

  test('a 429 is retried as a rate limit, using up no try, then appended', { timeout: 60_000 }, async () => {
    const id = sheetId('Quota');
    // Installed at 20 requests a second (an admin's setting): each 429 halves the rate, and at the
    // default 0.9 a second six of them would slow the test to a request every 11 seconds.
    const site = await signal.pipeline('Sheets quota');
    const installed = await adminCall<{ assignment: { id: string } }>(signal, 'POST', '/v1/admin/integration-catalog/google_sheets/install', {
      name: 'Sheets quota', variant: 'default', delivery_mode: 'server_side', pipeline_id: site.id, rate_limit_rps: 20,
      config: { spreadsheet_id: id, sheet_name: TAB, service_account_key: KEY_FILE },
    });
    const integrationId = installed.assignment.id;
    const limited: ScriptedResponse = {
      status: 429, headers: { 'retry-after': '1' },
      body: { error: { code: 429, message: "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:123'.", status: 'RESOURCE_EXHAUSTED' } },
    };
    // Six refusals: as many as the tries an event has, so a throttle counted as a try would dead-letter it.
    sim.script('POST', appendPath(id), Array.from({ length: 6 }, () => limited));
    await browser(site.key, { type: 'track', event: 'Busy', userId: 'u-sheets-3', messageId: 'sheets-429-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'appended after the rate limit', 45_000);
    assert.equal(appendsOf(id, 'sheets-429-1').length, 7, 'six refusals, then the append');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('a 400 naming one row dead-letters that row alone with Google\'s words; the other rows, not written, are appended once each', async () => {
    const id = sheetId('BadRow');
    const { site, integrationId } = await install('Sheets bad row', id);
    // Sheets refuses the whole append, writing nothing, naming the row by its index in the request.
    const written: unknown[][] = [];
    const appendRows = append(id);
    sim.setDefault('POST', appendPath(id), (request) => {
      const rows = rowsOf(request);
      const bad = rows.findIndex((row) => row[9] === 'sheets-row-2');
      if (bad >= 0) return googleError(400, 'INVALID_ARGUMENT', `Invalid values[${bad}][7]: struct_value {\n}\n`);
      const answered = appendRows(request);
      if ('status' in answered && answered.status === 200) written.push(...rows);
      return answered;
    });
    await sendServerBatch(signal, site.key, [1, 2, 3].map((n) => ({ event: `Row ${n}`, messageId: `sheets-row-${n}` })), { userId: 'u-sheets-rows' });
    const letter = await waitForDeadLetter(signal, integrationId, 'sheets-row-2');
    assert.match(letter.reason, /^Google Sheets refused this row's values in column 8 \("Properties"\) \(HTTP 400 INVALID_ARGUMENT: Invalid values\[\d\]\[7\]: struct_value \{ \}\): check the event's value there and config\.columns/);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two rows appended');
    assert.deepEqual(written.map((row) => row[9]).sort(), ['sheets-row-1', 'sheets-row-3'], 'each other row written once, the refused one never');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 2, retried: 0, deadLettered: 1 }, 'sent again at once, using no try');
    assert.ok(appends(id).some((r) => rowsOf(r).length > 1 && rowsOf(r).some((row) => row[9] === 'sheets-row-2')), 'the refused row came in a request of several rows');
    assert.deepEqual(await exchangeOutcomes(signal, site.id, integrationId, 'sheets-row-1'), ['partial: 0 delivered, 0 retry, 1 dead_letter, 2 sent again', 'delivered']);
  });

  test('a 400 for an unknown tab is dead-lettered at once with Google\'s message and the tab to check', async () => {
    const id = sheetId('NoTab');
    const { site, integrationId } = await install('Sheets no tab', id);
    sim.script('POST', appendPath(id), [googleError(400, 'INVALID_ARGUMENT', `Unable to parse range: '${TAB}'!A1`)]);
    await browser(site.key, { type: 'track', event: 'Lost', userId: 'u-sheets-4', messageId: 'sheets-400-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'sheets-400-1');
    assert.equal(letter.attempts, 1);
    assert.equal(letter.reason, `Google Sheets cannot find the tab "${TAB}" (HTTP 400 INVALID_ARGUMENT: Unable to parse range: '${TAB}'!A1): check config.sheet_name — the tab's name exactly as its label reads, spaces and case included — or leave it empty for the first tab; then replay the dead letters`);
  });

  test('a 403 is dead-lettered with Google\'s message and the service account\'s email to share the sheet with', async () => {
    const id = sheetId('Denied');
    const { site, integrationId } = await install('Sheets denied', id);
    sim.script('POST', appendPath(id), [googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission')]);
    await browser(site.key, { type: 'track', event: 'Denied', userId: 'u-sheets-5', messageId: 'sheets-403-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'sheets-403-1');
    assert.equal(letter.attempts, 1);
    assert.equal(letter.reason, `Google Sheets refused to write to the spreadsheet (HTTP 403 PERMISSION_DENIED: The caller does not have permission): share the spreadsheet with the service account's email ${SA_EMAIL} as an Editor (Share > add ${SA_EMAIL} > Editor); then replay the dead letters`);
  });

  test('a 404 (no such spreadsheet) is dead-lettered with Google\'s message', async () => {
    const id = sheetId('Missing');
    const { site, integrationId } = await install('Sheets missing', id);
    sim.script('POST', appendPath(id), [googleError(404, 'NOT_FOUND', 'Requested entity was not found.')]);
    await browser(site.key, { type: 'track', event: 'Gone', userId: 'u-sheets-6', messageId: 'sheets-404-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'sheets-404-1');
    assert.equal(letter.reason, `Google Sheets has no spreadsheet ${id} (HTTP 404 NOT_FOUND: Requested entity was not found.): check config.spreadsheet_id (the spreadsheet's URL, or the id after /d/ in it) and that the spreadsheet was not deleted; then replay the dead letters`);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 0, deadLettered: 1 });
  });

  test('a person deletion is not forwarded to the sheet: skipped, no request', { timeout: 60_000 }, async () => {
    const id = sheetId('Forget');
    const { site } = await install('Sheets forget', id);
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-sheets-forget', messageId: 'sheets-forget-1' });
    await waitUntil(async () => appendsOf(id, 'sheets-forget-1')[0], 'the row');
    // Requests other than the other tests' appends (a throttled one may still be on its way).
    const ours = () => sim.requests({}).filter((r) => !SHEETS.some((other) => other !== id && r.path.includes(other))).length;
    const requests = ours();
    const [vendor] = await deletePerson(signal, site.id, { userId: 'u-sheets-forget', anonymousId: visitor.id }, ['vendor', 'status']);
    assert.deepEqual(vendor, { vendor: 'google_sheets', status: 'skipped' });
    assert.equal(ours(), requests, 'nothing sent to Google');
  });
});
