// Supabase end to end: browser calls through the real collect API, the queue and the delivery
// engine, to the vendor simulator standing in for a Supabase project's Data API (redirected from
// https://<project-ref>.supabase.co). The simulator answers as PostgREST does — `{code, message,
// details, hint}` with a SQLSTATE or PGRST code, Supabase's gateway 401 for an unknown key,
// ON CONFLICT (message_id) DO NOTHING for `resolution=ignore-duplicates` — and keeps the rows it
// inserted, so the tests see what the table holds: the documented insert (apikey, the schema in
// Content-Profile, Prefer, columns and on_conflict, the rows as one JSON array); a 503 retried; a
// timeout after Postgres committed, whose retry inserts nothing twice; a 429 as a rate limit; a
// row Postgres refuses found by splitting; a column the table lacks dead-lettered for the rows
// holding it only; a wrong key and a missing table dead-lettered at once, naming the config
// fields; a person deletion as one DELETE whose filter quotes the ids.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const ORIGIN = 'https://abcdefghijklmnopqrst.supabase.co';
const KEY = 'sb_secret_e2e0000000000000000000000';
const LEGACY_KEY = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify({ role: 'service_role', iss: 'supabase' })).toString('base64url')}.c2lnbmF0dXJl`;
/** A self-hosted PostgREST's token naming a role the database lacks. */
const UNKNOWN_ROLE_KEY = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify({ role: 'signal_writer' })).toString('base64url')}.c2lnbmF0dXJl`;
const VISITOR_IP = '203.0.113.42';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';

let sim: VendorSim;
let signal: TestSignal;

/** What the simulated project holds: rows per table, answers queued per table. */
const tables = new Map<string, Array<Record<string, unknown>>>();
const queued = new Map<string, Array<ScriptedResponse | 'insert-then-hang'>>();
/** Tables made without a `traits` column. */
const WITHOUT_TRAITS = new Set(['events_slim']);

const pgError = (status: number, code: string, message: string, details: string | null = null, hint: string | null = null): ScriptedResponse => ({
  status, body: { code, details, hint, message }, headers: { 'content-type': 'application/json; charset=utf-8' },
});
const tableOfPath = (path: string): string | undefined => /^\/rest\/v1\/([A-Za-z0-9_]+)$/.exec(path)?.[1];
const inserts = (table: string) => sim.requests({ method: 'POST', path: `/rest/v1/${table}` });
const rowsOf = (request: RecordedRequest) => request.json as Array<Record<string, unknown>>;
const stored = (table: string, messageId: string) => (tables.get(table) ?? []).filter((row) => row.message_id === messageId);
/** The names of PostgREST's `columns` parameter: `"a","b"`. */
const columnsOf = (request: RecordedRequest): string[] => [...(request.query.columns ?? '').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));

/** Supabase's gateway, then PostgREST: the key, then the schema. */
function refusal(request: RecordedRequest): ScriptedResponse | undefined {
  const key = request.headers.apikey;
  // PostgREST switches to the token's role: a role the database lacks is 22023, answered as 401.
  if (key === UNKNOWN_ROLE_KEY && request.headers.authorization === `Bearer ${key}`) return pgError(401, '22023', 'role "signal_writer" does not exist');
  const keyOk = key === KEY ? request.headers.authorization === undefined : key === LEGACY_KEY && request.headers.authorization === `Bearer ${LEGACY_KEY}`;
  if (!keyOk) return { status: 401, body: { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' } };
  if (request.headers['content-profile'] !== 'public') return pgError(406, 'PGRST106', `Invalid schema: ${request.headers['content-profile']}`, null, 'Only the following schemas are exposed: public, graphql_public');
  return undefined;
}

/** The project's answer to an insert, as PostgREST gives it. */
function insert(request: RecordedRequest): ScriptedResponse {
  const refused = refusal(request);
  if (refused !== undefined) return refused;
  const table = tableOfPath(request.path);
  if (table === undefined || table === 'missing') return pgError(404, 'PGRST205', `Could not find the table 'public.${table}' in the schema cache`, null, 'Perhaps you meant the table \'public.events\'');
  const next = queued.get(table)?.shift();
  if (next !== undefined && next !== 'insert-then-hang') return next;
  // A table whose primary key was made DEFERRABLE: no arbiter for ON CONFLICT (Postgres's 55000, a 500 from PostgREST).
  if (table === 'events_deferrable') return pgError(500, '55000', 'ON CONFLICT does not support deferrable unique constraints/exclusion constraints as arbiters');
  const columns = columnsOf(request);
  if (WITHOUT_TRAITS.has(table) && columns.includes('traits')) return pgError(400, 'PGRST204', `Could not find the 'traits' column of '${table}' in the schema cache`);
  const rows = rowsOf(request);
  const bad = rows.find((row) => row.event === 'Unreadable');
  if (bad !== undefined) return pgError(400, '23514', `new row for relation "${table}" violates check constraint "${table}_event_check"`, `Failing row contains (${String(bad.message_id)}, track, Unreadable, …).`);
  // ON CONFLICT (message_id) DO NOTHING: a row already there (or twice in the request) is skipped.
  const held = tables.get(table) ?? [];
  if (/resolution=ignore-duplicates/.test(request.headers.prefer ?? '') && request.query.on_conflict === 'message_id') {
    for (const row of rows) if (!held.some((kept) => kept.message_id === row.message_id)) held.push(row);
  } else {
    held.push(...rows);
  }
  tables.set(table, held);
  if (next === 'insert-then-hang') return { hang: true };
  return { status: 201, body: '', headers: { 'content-range': '*/*' } };
}

/** PostgREST's `or=(col.eq."v",…)` filter, read back: the pairs it names. */
function orFilter(text: string): Array<[string, string]> {
  return [...text.matchAll(/([a-z_]+)\.eq\."((?:[^"\\]|\\.)*)"/g)].map((m): [string, string] => [m[1]!, m[2]!.replace(/\\(.)/g, '$1')]);
}

function remove(request: RecordedRequest): ScriptedResponse {
  const refused = refusal(request);
  if (refused !== undefined) return refused;
  const table = tableOfPath(request.path) ?? '';
  const terms = orFilter(request.query.or ?? '');
  tables.set(table, (tables.get(table) ?? []).filter((row) => !terms.some(([column, value]) => row[column] === value)));
  return { status: 204, body: '' };
}

const visitor: Visitor = { id: 'df_sb0visitor01', ip: VISITOR_IP, userAgent: UA };
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?utm_source=news', path: '/thanks', title: 'Thanks' } } });
const install = (name: string, table: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'supabase', name, {
  config: { url: ORIGIN, table, api_key: KEY, ...config },
});
const batch = (key: string, events: Array<Record<string, unknown>>) => sendServerBatch(signal, key, events, { timestamp: CALL_TIMESTAMP });

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', '*', insert);
  sim.setDefault('DELETE', '*', remove);
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `${ORIGIN}=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1',
    // A hung insert is given up after this long (then retried).
    SIGNAL_HTTP_TIMEOUT_MS: '1500',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'supabase', vendors: ['supabase'] });
});
after(() => closeAll(signal, sim));

describe('Supabase', () => {
  test('a browser\'s order: the documented insert — the key in apikey, the schema in Content-Profile, columns and on_conflict, one JSON array of rows with jsonb values', async () => {
    const { site, integrationId } = await install('Supabase shop', 'events');
    const properties = { order_id: 'ORD-SB-1', revenue: 74.97, currency: 'EUR', products: [{ product_id: 'SKU-1', price: 74.97, quantity: 1 }] };
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-sb-1', messageId: 'sb-order-1', properties });
    const [row] = await waitUntil(async () => { const found = stored('events', 'sb-order-1'); return found.length > 0 && found; }, 'the row');
    const [request] = inserts('events');

    assert.equal(request!.method, 'POST');
    assert.deepEqual(request!.queryPairs, [['columns', '"message_id","type","event","user_id","anonymous_id","timestamp","received_at","properties","context"'], ['on_conflict', 'message_id']]);
    assert.equal(request!.headers.apikey, KEY);
    assert.equal(request!.headers.authorization, undefined, 'a secret key is no JWT: apikey alone');
    assert.equal(request!.headers['content-profile'], 'public');
    assert.equal(request!.headers.prefer, 'return=minimal,resolution=ignore-duplicates,missing=default');
    assert.match(request!.headers['content-type'] ?? '', /^application\/json/);
    const { received_at: receivedAt, context, ...columns } = row!;
    assert.deepEqual(columns, { message_id: 'sb-order-1', type: 'track', event: 'Order Completed', user_id: 'u-sb-1', anonymous_id: visitor.id, timestamp: CALL_TIMESTAMP, properties });
    assert.match(String(receivedAt), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const { ip, userAgent, page } = context as { ip: string; userAgent: string; page: { url: string } };
    assert.deepEqual([ip, userAgent, page.url], [VISITOR_IP, UA, 'https://shop.example.com/thanks?utm_source=news']);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
  });

  test('a legacy service_role key goes in apikey and as the Bearer token', async () => {
    const { site, integrationId } = await install('Supabase legacy key', 'events_legacy', { api_key: LEGACY_KEY });
    await browser(site.key, { type: 'page', name: 'Home', messageId: 'sb-legacy-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    const [request] = inserts('events_legacy');
    assert.deepEqual([request!.headers.apikey, request!.headers.authorization], [LEGACY_KEY, `Bearer ${LEGACY_KEY}`]);
    assert.equal(stored('events_legacy', 'sb-legacy-1')[0]?.name, 'Home');
  });

  test('a 503 is retried, then delivered once', async () => {
    const { site, integrationId } = await install('Supabase 503', 'events_503');
    queued.set('events_503', [pgError(503, 'PGRST001', 'Database client error. Retrying the connection.')]);
    await browser(site.key, { type: 'track', event: 'Woke', userId: 'u-sb-2', messageId: 'sb-503-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    assert.equal(inserts('events_503').length, 2, 'the 503, then the insert');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
    assert.equal(stored('events_503', 'sb-503-1').length, 1);
  });

  test('a timeout after Postgres committed: the retry is the same insert, ON CONFLICT skips the row, the table holds it once', async () => {
    const { site, integrationId } = await install('Supabase timeout', 'events_timeout');
    queued.set('events_timeout', ['insert-then-hang']);
    await browser(site.key, { type: 'track', event: 'Slow', userId: 'u-sb-3', messageId: 'sb-timeout-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered after the timeout', 30_000);
    const [first, second] = inserts('events_timeout');
    assert.ok(second, 'sent again after the timeout');
    assert.deepEqual([second.query.on_conflict, second.headers.prefer], [first!.query.on_conflict, first!.headers.prefer]);
    assert.equal(stored('events_timeout', 'sb-timeout-1').length, 1, 'inserted once');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
  });

  test('a 429 is a rate limit: retried after Retry-After, using up no try', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Supabase 429', 'events_429');
    const limited: ScriptedResponse = { status: 429, body: { message: 'Too many requests' }, headers: { 'retry-after': '1' } };
    // Six refusals: as many as the tries an event has, so a throttle counted as a try would dead-letter it.
    queued.set('events_429', [limited, limited, limited, limited, limited, limited]);
    await browser(site.key, { type: 'track', event: 'Busy', userId: 'u-sb-4', messageId: 'sb-429-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered after the rate limits', 45_000);
    assert.equal(inserts('events_429').length, 7, 'six refusals, then the insert');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('a row Postgres refuses: the request split in halves until it is alone, dead-lettered with Postgres\'s words; the others inserted', async () => {
    const { site, integrationId } = await install('Supabase check', 'events_check');
    await batch(site.key, ['Good One', 'Unreadable', 'Good Two', 'Good Three'].map((event, i) => ({ type: 'track', event, userId: 'u-sb-5', messageId: `sb-split-${i}` })));
    const letter = await waitForDeadLetter(signal, integrationId, 'sb-split-1');
    assert.equal(letter.attempts, 1, 'not retried: Postgres refuses it every time');
    assert.equal(letter.reason, 'Postgres refused this row (HTTP 400, 23514: new row for relation "events_check" violates check constraint "events_check_event_check" (Failing row contains (sb-split-1, track, Unreadable, …).)): a value the table does not take in public.events_check — fix what the blueprint maps there, or the table\'s column, constraint or trigger (see the CREATE TABLE of the plugin README), then replay the dead letter');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 3 || undefined, 'the good rows delivered');
    const carrying = inserts('events_check').map((request) => rowsOf(request).map((row) => String(row.message_id))).filter((ids) => ids.includes('sb-split-1'));
    assert.deepEqual(carrying.at(-1), ['sb-split-1'], 'the bad row alone at last');
    carrying.slice(1).forEach((ids, i) => assert.equal(ids.length, Math.ceil(carrying[i]!.length / 2), `request ${i + 2} carrying it is half of the one before: ${JSON.stringify(carrying)}`));
    assert.deepEqual(['sb-split-0', 'sb-split-2', 'sb-split-3'].map((id) => stored('events_check', id).length), [1, 1, 1]);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 3, deadLettered: 1 });
  });

  test('a table without a traits column: the identify holding traits dead-lettered naming the column, the track events sent again and inserted', async () => {
    const { site, integrationId } = await install('Supabase slim', 'events_slim');
    await batch(site.key, [
      { type: 'track', event: 'Viewed', userId: 'u-sb-6', messageId: 'sb-slim-0' },
      { type: 'identify', userId: 'u-sb-6', traits: { plan: 'pro' }, messageId: 'sb-slim-1' },
      { type: 'track', event: 'Bought', userId: 'u-sb-6', messageId: 'sb-slim-2' },
    ]);
    const letter = await waitForDeadLetter(signal, integrationId, 'sb-slim-1');
    assert.equal(letter.attempts, 1);
    assert.equal(letter.reason, 'the Data API refused the row (HTTP 400, PGRST204: Could not find the \'traits\' column of \'events_slim\' in the schema cache): the table public.events_slim has no column traits — add it (ALTER TABLE public.events_slim ADD COLUMN traits …, see the plugin README; then NOTIFY pgrst, \'reload schema\' on a self-hosted PostgREST) or leave it out of the blueprint, then replay the dead letters');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the track events delivered');
    assert.deepEqual(['sb-slim-0', 'sb-slim-2'].map((id) => stored('events_slim', id).length), [1, 1]);
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 2, retried: 0, deadLettered: 1 }, 'sent again at once, using no try');
  });

  test('a wrong key and a missing table are dead-lettered at once, naming the config fields', async () => {
    const wrong = await install('Supabase wrong key', 'events', { api_key: 'sb_secret_not-the-key' });
    await browser(wrong.site.key, { type: 'track', event: 'Locked Out', userId: 'u-sb-7', messageId: 'sb-auth-1' });
    const denied = await waitForDeadLetter(signal, wrong.integrationId, 'sb-auth-1');
    assert.equal(denied.attempts, 1);
    assert.equal(denied.reason, 'the Data API refused the insert (HTTP 401: Invalid API key (Double check your Supabase `anon` or `service_role` API key.)): check config.api_key — a secret key (sb_secret_…) or the legacy service_role key of the project at config.url; then replay the dead letters');
    assert.ok(!denied.reason.includes('not-the-key'));

    const missing = await install('Supabase missing table', 'missing');
    await browser(missing.site.key, { type: 'page', name: 'Home', messageId: 'sb-404-1' });
    const letter = await waitForDeadLetter(signal, missing.integrationId, 'sb-404-1');
    assert.equal(letter.attempts, 1);
    assert.match(letter.reason, /^the Data API has no table public\.missing \(HTTP 404, PGRST205: Could not find the table 'public\.missing' in the schema cache \(Perhaps you meant the table 'public\.events'\)\): check config\.schema and config\.table/);
  });

  test('a JWT whose role the database lacks (22023, a 401): dead-lettered at once naming config.api_key, not split as a row\'s data', async () => {
    const { site, integrationId } = await install('Supabase unknown role', 'events_role', { api_key: UNKNOWN_ROLE_KEY });
    await batch(site.key, [
      { type: 'track', event: 'One', userId: 'u-sb-8', messageId: 'sb-role-0' },
      { type: 'track', event: 'Two', userId: 'u-sb-8', messageId: 'sb-role-1' },
    ]);
    const letter = await waitForDeadLetter(signal, integrationId, 'sb-role-1');
    assert.equal(letter.attempts, 1);
    assert.match(letter.reason, /^the Data API refused the key \(HTTP 401, 22023: role "signal_writer" does not exist\): check config\.api_key/);
    await waitForDeadLetter(signal, integrationId, 'sb-role-0');
    assert.deepEqual(inserts('events_role').map((request) => rowsOf(request).length), [2], 'one request: never split');
  });

  test('a DEFERRABLE key on message_id (55000, a 500): dead-lettered at once saying so, not retried', async () => {
    const { site, integrationId } = await install('Supabase deferrable', 'events_deferrable');
    await browser(site.key, { type: 'track', event: 'Deferred', userId: 'u-sb-9', messageId: 'sb-deferrable-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'sb-deferrable-1');
    assert.equal(letter.attempts, 1, 'not retried: the table refuses every insert the same way');
    assert.match(letter.reason, /^the table public\.events_deferrable's key on message_id is DEFERRABLE \(HTTP 500, 55000: ON CONFLICT does not support deferrable/);
    assert.equal(inserts('events_deferrable').length, 1);
  });

  test('a person deletion: one DELETE whose or filter quotes each id; the rows gone; none sent with forwarding off', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Supabase deletions', 'events_forget');
    const userId = 'Doe, J. (id:7) "x"';
    await browser(site.key, { type: 'track', event: 'Viewed', userId, messageId: 'sb-forget-1' });
    await waitUntil(async () => stored('events_forget', 'sb-forget-1')[0], 'the event');

    assert.deepEqual(await deletePerson(signal, site.id, { userId, anonymousId: visitor.id }), [{
      integrationId, vendor: 'supabase', status: 'sent', responseStatus: 204, message: 'Supabase deleted the person\'s rows from the table',
    }]);
    const deletions = sim.requests({ method: 'DELETE' });
    assert.equal(deletions.length, 1);
    const [deletion] = deletions;
    assert.equal(deletion!.path, '/rest/v1/events_forget');
    assert.deepEqual(deletion!.queryPairs, [['or', `(user_id.eq."Doe, J. (id:7) \\"x\\"",previous_id.eq."Doe, J. (id:7) \\"x\\"",anonymous_id.eq."${visitor.id}",previous_id.eq."${visitor.id}")`]]);
    assert.deepEqual([deletion!.headers.apikey, deletion!.headers['content-profile'], deletion!.headers.prefer], [KEY, 'public', 'return=minimal']);
    assert.equal(stored('events_forget', 'sb-forget-1').length, 0, 'the row is gone');

    const quiet = await install('Supabase no deletions', 'events', { forward_deletions: false });
    const [skipped] = await deletePerson(signal, quiet.site.id, { userId }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'supabase', status: 'skipped' });
    assert.equal(sim.requests({ method: 'DELETE' }).length, 1);
  });
});
