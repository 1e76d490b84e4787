import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { basic, noPlugins, startTestSignal, type TestSignal } from './helpers/signal.ts';
import { waitUntil } from './helpers/wait.ts';
import webhook from '../plugins/webhook/index.ts';
import { pluginSet } from './helpers/fixture-plugin.ts';
import { closeAll } from './helpers/close-all.ts';
import { startVendorSim, type VendorSim } from './vendor-sim/vendor-sim.ts';

let signal: TestSignal;
let key: string;
let pipelineId: string;

before(async () => {
  signal = await startTestSignal({}, { plugins: noPlugins, label: 'collect' });
  ({ key, id: pipelineId } = await signal.pipeline('Website'));
});
after(() => signal.close());

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: { success?: boolean; error?: { code: string; message: string; fields?: Array<{ field: string; message: string; index?: number }> } }; headers: Headers }> {
  const response = await fetch(`${signal.collectUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(key), ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Awaited<ReturnType<typeof post>>['json'], headers: response.headers };
}

async function stored(messageId: string) {
  const { rows } = await signal.pool.query('SELECT pipeline_id, type, payload FROM signal.events WHERE message_id = $1', [messageId]);
  return rows as Array<{ pipeline_id: string; type: string; payload: Record<string, unknown> & { context: Record<string, unknown> } }>;
}

describe('accepted events', () => {
  test('a track with Basic auth is committed before the 200', async () => {
    const res = await post('/v1/track', { event: 'Signed Up', userId: 'user-123', messageId: 'm-track-1', properties: { plan: 'premium' } }, { 'user-agent': 'TestAgent/1.0' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { success: true });
    const [row] = await stored('m-track-1');
    assert.ok(row, 'the event is in Postgres when the 200 arrives');
    assert.equal(row.pipeline_id, pipelineId);
    assert.equal(row.type, 'track');
    assert.equal(row.payload.event, 'Signed Up');
    assert.equal(row.payload.context.userAgent, 'TestAgent/1.0');
    assert.equal(row.payload.context.ip, '127.0.0.1');
    assert.match(String(row.payload.receivedAt), /^\d{4}-\d\d-\d\dT/);
    // The ingest dispatcher then puts the stored event's id into an ingest job.
    const { rows: [{ id }] } = await signal.pool.query(`SELECT id FROM signal.events WHERE message_id = 'm-track-1'`);
    await waitUntil(async () => {
      const { rows } = await signal.pool.query(`SELECT 1 FROM pgboss.job WHERE name = 'ingest' AND data->'ids' @> to_jsonb($1::bigint)`, [id]);
      return rows.length === 1;
    }, 'an ingest job carrying the event id');
  });

  test('writeKey in the body authenticates; a messageId is assigned when missing', async () => {
    const res = await post('/v1/page', { writeKey: key, anonymousId: 'anon-12345', name: 'Home', properties: { marker: 'page-wk' } }, { authorization: '' });
    assert.equal(res.status, 200);
    const { rows } = await signal.pool.query(`SELECT message_id, payload FROM signal.events WHERE payload->'properties'->>'marker' = 'page-wk'`);
    assert.equal(rows.length, 1);
    assert.match(rows[0].message_id, /^[0-9a-f-]{36}$/);
    assert.equal('writeKey' in rows[0].payload, false);
  });

  test('short aliases /v1/t, /v1/p, /v1/i, /v1/b and /v1/import work', async () => {
    assert.equal((await post('/v1/t', { event: 'A', userId: 'u1', messageId: 'alias-t' })).status, 200);
    assert.equal((await post('/v1/p', { userId: 'u1', messageId: 'alias-p' })).status, 200);
    assert.equal((await post('/v1/i', { userId: 'u1', traits: { email: 'a@b.co' }, messageId: 'alias-i' })).status, 200);
    assert.equal((await post('/v1/b', { batch: [{ type: 'track', event: 'B', userId: 'u1', messageId: 'alias-b' }] })).status, 200);
    assert.equal((await post('/v1/import', { batch: [{ type: 'track', event: 'B', userId: 'u1', messageId: 'alias-import' }] })).status, 200);
    for (const id of ['alias-t', 'alias-p', 'alias-i', 'alias-b', 'alias-import']) assert.equal((await stored(id)).length, 1, id);
    assert.equal((await stored('alias-i'))[0]!.type, 'identify');
  });

  test('screen, group and alias calls, with their short paths /v1/s, /v1/g and /v1/a', async () => {
    assert.equal((await post('/v1/screen', { userId: 'u1', name: 'Home', messageId: 'call-screen' })).status, 200);
    assert.equal((await post('/v1/s', { userId: 'u1', name: 'Basket', messageId: 'call-s' })).status, 200);
    assert.equal((await post('/v1/group', { userId: 'u1', groupId: 'acme', traits: { plan: 'team' }, messageId: 'call-group' })).status, 200);
    assert.equal((await post('/v1/g', { userId: 'u1', groupId: 'acme', messageId: 'call-g' })).status, 200);
    assert.equal((await post('/v1/alias', { userId: 'u1', previousId: 'anon-1', messageId: 'call-alias' })).status, 200);
    assert.equal((await post('/v1/a', { userId: 'u1', previousId: 'anon-2', messageId: 'call-a' })).status, 200);
    const types = Object.fromEntries(await Promise.all(['call-screen', 'call-s', 'call-group', 'call-g', 'call-alias', 'call-a'].map(async (id) => [id, (await stored(id))[0]?.type])));
    assert.deepEqual(types, { 'call-screen': 'screen', 'call-s': 'screen', 'call-group': 'group', 'call-g': 'group', 'call-alias': 'alias', 'call-a': 'alias' });
    assert.equal((await stored('call-group'))[0]!.payload.groupId, 'acme');
  });

  test('a group without groupId and an alias without previousId → 400 naming the field, alone or in a batch', async () => {
    const group = await post('/v1/group', { userId: 'u1' });
    assert.equal(group.status, 400);
    assert.deepEqual(group.json.error?.fields, [{ field: 'groupId', message: 'is required' }]);
    const alias = await post('/v1/a', { userId: 'u1' });
    assert.deepEqual(alias.json.error?.fields, [{ field: 'previousId', message: 'is required' }]);
    const batch = await post('/v1/batch', { batch: [
      { type: 'group', userId: 'u1', groupId: 'acme', messageId: 'never-g' },
      { type: 'alias', userId: 'u1', messageId: 'never-a' },
      { type: 'group', userId: 'u1', messageId: 'never-g2' },
    ] });
    assert.equal(batch.status, 400);
    assert.deepEqual(batch.json.error?.fields, [
      { field: 'batch[1].previousId', message: 'is required', index: 1 },
      { field: 'batch[2].groupId', message: 'is required', index: 2 },
    ]);
    for (const id of ['never-g', 'never-a', 'never-g2']) assert.equal((await stored(id)).length, 0);
  });

  test('text/plain bodies (sendBeacon) are parsed as JSON', async () => {
    const res = await post('/v1/track', JSON.stringify({ event: 'Beacon', userId: 'u1', messageId: 'beacon-1' }), { 'content-type': 'text/plain;charset=UTF-8' });
    assert.equal(res.status, 200);
    assert.equal((await stored('beacon-1')).length, 1);
  });

  test('gzip-encoded bodies are accepted', async () => {
    const body = gzipSync(JSON.stringify({ batch: [{ type: 'track', event: 'Zipped', userId: 'u1', messageId: 'gz-1' }] }));
    const res = await post('/v1/batch', body, { 'content-encoding': 'gzip' });
    assert.equal(res.status, 200);
    assert.equal((await stored('gz-1')).length, 1);
  });

  test('a batch is stored whole, with batch context and clock-skew correction', async () => {
    const res = await post('/v1/batch', {
      sentAt: '2030-01-01T00:00:10.000Z',
      context: { library: { name: 'analytics-node', version: '3' } },
      batch: [
        { type: 'identify', userId: 'u9', traits: { plan: 'pro' }, messageId: 'b-1', timestamp: '2030-01-01T00:00:00.000Z' },
        { type: 'track', event: 'Order Completed', userId: 'u9', messageId: 'b-2', properties: { total: 10 } },
      ],
    });
    assert.equal(res.status, 200);
    const [first] = await stored('b-1');
    const received = Date.parse(String(first!.payload.receivedAt));
    // The client's clock ran years ahead; the event happened 10 s before it was sent.
    assert.equal(Date.parse(String(first!.payload.timestamp)), received - 10_000);
    assert.equal(first!.payload.originalTimestamp, '2030-01-01T00:00:00.000Z');
    assert.deepEqual((first!.payload.context as { library: unknown }).library, { name: 'analytics-node', version: '3' });
    assert.equal((await stored('b-2')).length, 1);
  });

  test('an event\'s own consent is merged with the batch\'s field by field, and Sec-GPC reaches it', async () => {
    const res = await post('/v1/batch', {
      context: { consent: { gpc: false, marketing: false, categories: { C0002: true, C0004: false }, google: { ad_user_data: 'denied' } } },
      batch: [
        { type: 'track', event: 'Own Consent', userId: 'u-consent', messageId: 'bc-1', context: { consent: { analytics: true, categories: { C0004: true }, google: { analytics_storage: 'granted' } } } },
        { type: 'track', event: 'No Consent', userId: 'u-consent', messageId: 'bc-2' },
      ],
    }, { 'sec-gpc': '1' });
    assert.equal(res.status, 200);
    const [own] = await stored('bc-1');
    assert.deepEqual(own!.payload.context.consent, {
      gpc: false, marketing: false, analytics: true,
      categories: { C0002: true, C0004: true },
      google: { ad_user_data: 'denied', analytics_storage: 'granted' },
    }, 'the batch\'s gpc: false (an SDK\'s reading) is kept over the header');
    const [plain] = await stored('bc-2');
    assert.deepEqual(plain!.payload.context.consent, { gpc: false, marketing: false, categories: { C0002: true, C0004: false }, google: { ad_user_data: 'denied' } });
    const headerOnly = await post('/v1/batch', {
      context: { consent: { categories: { C0004: false } } },
      batch: [{ type: 'track', event: 'Header', userId: 'u-consent', messageId: 'bc-3', context: { consent: { analytics: true } } }],
    }, { 'sec-gpc': '1' });
    assert.equal(headerOnly.status, 200);
    assert.deepEqual((await stored('bc-3'))[0]!.payload.context.consent, { categories: { C0004: false }, analytics: true, gpc: true });
  });

  test('concurrent requests are group-committed and every one is stored', async () => {
    // The committer writes at once and gathers the next group while a statement runs. Left to
    // timing, a loaded machine spreads 60 requests out so that each INSERT returns before the
    // next request arrives, and each commits alone. So the first INSERT is held on a table lock
    // until all 60 have reached the committer: the other 59 must then share one commit.
    const before = signal.committer.stats();
    const blocker = await signal.pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE signal.events IN SHARE MODE');
    let requests: ReturnType<typeof post>[];
    try {
      requests = Array.from({ length: 60 }, (_, i) => post('/v1/track', { event: 'Burst', userId: `u${i}`, messageId: `burst-${i}` }));
      // Within the commit timeout (10 s), so a slow machine fails here, not with 503s.
      await waitUntil(async () => {
        const now = signal.committer.stats();
        return now.inFlight === 1 && now.pendingEvents === 59;
      }, 'one request in the held INSERT and 59 queued behind it', 8_000);
    } finally {
      await blocker.query('COMMIT');
      blocker.release();
    }
    const results = await Promise.all(requests);
    assert.deepEqual(results.map((r) => r.status), results.map(() => 200));
    const { rows } = await signal.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM signal.events WHERE message_id LIKE 'burst-%' GROUP BY xid ORDER BY min(id)`,
    );
    assert.deepEqual(rows.map((r) => r.n), [1, 59], 'the first request alone, the 59 queued behind it in one transaction');
    const { rows: [distinct] } = await signal.pool.query<{ n: number }>(`SELECT count(DISTINCT message_id)::int AS n FROM signal.events WHERE message_id LIKE 'burst-%'`);
    assert.equal(distinct!.n, 60, 'every request stored, none twice');
    const after = signal.committer.stats();
    assert.deepEqual({ groups: after.groups - before.groups, events: after.events - before.events }, { groups: 2, events: 60 });
  });

  test('NUL characters and lone surrogates are stored as U+FFFD, and never fail the requests beside them', async () => {
    // Sent concurrently with ordinary requests, so they share groups: before this, one such
    // string failed its whole group with a 503.
    const odd = [
      post('/v1/track', { event: 'Odd\u0000Name', userId: 'u\u0000', messageId: 'odd-\u0000', properties: { ['key\u0000']: 'v\ud800', list: ['\udc00'] } }),
      post('/v1/batch', { batch: [{ type: 'identify', userId: 'odd-batch', messageId: 'odd-batch-0', traits: { name: 'a\ud83d' } }, { type: 'track', event: 'Fine', userId: 'odd-batch', messageId: 'odd-batch-1' }] }),
    ];
    const ordinary = Array.from({ length: 20 }, (_, i) => post('/v1/track', { event: 'Beside', userId: `b${i}`, messageId: `beside-${i}` }));
    const results = await Promise.all([...odd, ...ordinary]);
    assert.deepEqual(results.map((r) => r.status), results.map(() => 200));
    const [track] = await stored('odd-\ufffd');
    assert.ok(track, 'stored under the replaced messageId');
    assert.equal(track.payload.event, 'Odd\ufffdName');
    assert.equal(track.payload.userId, 'u\ufffd');
    assert.deepEqual(track.payload.properties, { 'key\ufffd': 'v\ufffd', list: ['\ufffd'] });
    const [identify] = await stored('odd-batch-0');
    assert.deepEqual(identify?.payload.traits, { name: 'a\ufffd' });
    assert.equal((await stored('odd-batch-1')).length, 1);
    const { rows } = await signal.pool.query(`SELECT count(*)::int AS n FROM signal.events WHERE message_id LIKE 'beside-%'`);
    assert.equal(rows[0].n, 20);
  });
});

describe('browsers', () => {
  test('a browser request without the cookie gets _dfdid, seeded from its anonymousId', async () => {
    const res = await post('/v1/page', { anonymousId: 'ajs-anon-000111', messageId: 'br-1' }, { origin: 'https://www.example.com' });
    assert.equal(res.status, 200);
    const cookie = res.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^_dfdid=ajs-anon-000111; Max-Age=34560000; Path=\/; HttpOnly; SameSite=Lax$/);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://www.example.com');
    assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
    assert.equal((await stored('br-1'))[0]!.payload.anonymousId, 'ajs-anon-000111');
    // In a batch, the first anonymousId sent seeds it, even when the first event has only a userId.
    const batch = await post('/v1/batch', { batch: [{ type: 'track', event: 'A', userId: 'u-1', messageId: 'br-1b' }, { type: 'page', anonymousId: 'ajs-anon-000222', messageId: 'br-1c' }] }, { origin: 'https://www.example.com' });
    assert.equal(batch.status, 200);
    assert.match(batch.headers.get('set-cookie') ?? '', /^_dfdid=ajs-anon-000222;/);
  });

  test('the cookie id is the visitor id; vendor cookies a plugin declares are captured', async () => {
    const res = await post('/v1/track', { event: 'Clicked', anonymousId: 'rotated-js-id', messageId: 'br-2' }, {
      origin: 'https://www.example.com',
      cookie: '_dfdid=df-visitor-123456; FTrack=ft-abc; other=ignored',
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('set-cookie'), null);
    const payload = (await stored('br-2'))[0]!.payload;
    assert.equal(payload.anonymousId, 'df-visitor-123456');
    assert.equal(payload.context.clientAnonymousId, 'rotated-js-id');
    assert.deepEqual(payload.context.cookies, { FTrack: 'ft-abc' });
  });

  test('a browser event with no ids gets one from the new cookie', async () => {
    const res = await post('/v1/track', { event: 'First', messageId: 'br-3' }, { origin: 'https://www.example.com' });
    assert.equal(res.status, 200);
    const id = /_dfdid=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    assert.ok(id);
    assert.equal((await stored('br-3'))[0]!.payload.anonymousId, id);
  });

  test('CORS preflight allows the origin with credentials', async () => {
    const res = await fetch(`${signal.collectUrl}/v1/track`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://shop.example.com');
    assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
  });
});

describe('refused requests: 4xx with the field named, nothing stored', () => {
  test('unknown key, missing key, disabled pipeline → 401', async () => {
    const unknown = await post('/v1/track', { event: 'A', userId: 'u' }, { authorization: basic('sig_nope') });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.json.error?.code, 'SIGNAL_UNAUTHORIZED');
    assert.equal(unknown.json.error?.message, 'Unknown pipeline key');
    const missing = await post('/v1/track', { event: 'A', userId: 'u' }, { authorization: '' });
    assert.equal(missing.status, 401);
    assert.match(missing.json.error?.message ?? '', /HTTP Basic username|writeKey/);
    // The usual mistakes are named.
    const bearer = await post('/v1/track', { event: 'A', userId: 'u' }, { authorization: `Bearer ${key}` });
    assert.deepEqual([bearer.status, /sent it as a Bearer token: use Basic/.test(bearer.json.error!.message)], [401, true]);
    const numeric = await post('/v1/track', { event: 'A', userId: 'u', writeKey: 5 }, { authorization: '' });
    assert.match(numeric.json.error!.message, /"writeKey" is a number; it must be the key as text/);
    const noUser = await post('/v1/track', { event: 'A', userId: 'u' }, { authorization: 'Basic !!!' });
    assert.match(noUser.json.error!.message, /Basic credentials carry no user name/);
    // `Basic ` with nothing after it arrives as `Basic`: it was called neither Basic nor Bearer.
    const empty = await post('/v1/track', { event: 'A', userId: 'u' }, { authorization: 'Basic ' });
    assert.match(empty.json.error!.message, /Basic credentials carry no user name/);
    const other = await signal.pipeline('Disabled');
    await signal.services.pipelines.setEnabled(other.id, false);
    const disabled = await post('/v1/track', { event: 'A', userId: 'u' }, { authorization: basic(other.key) });
    assert.equal(disabled.status, 401);
    assert.match(disabled.json.error?.message ?? '', /disabled/);
  });

  test('headers over Node\'s limit, or a request that is not HTTP → Signal\'s error shape with a stable code', async () => {
    const huge = await fetch(`${signal.collectUrl}/v1/track`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `big=${'x'.repeat(20_000)}` }, body: '{}' });
    assert.equal(huge.status, 431);
    const body = await huge.json() as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'SIGNAL_HEADERS_TOO_LARGE');
    assert.match(body.error.message, /huge cookie or authorization header/);
    const socket = connect(Number(new URL(signal.collectUrl).port), '127.0.0.1');
    socket.end('NOT HTTP AT ALL\r\n\r\n');
    let raw = '';
    for await (const chunk of socket) raw += String(chunk);
    assert.match(raw, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(raw, /"code":"SIGNAL_MALFORMED_REQUEST"/);
    for (const url of [`${signal.collectUrl}/v1/%zz`, `${signal.adminUrl}/v1/admin/integration-catalog/%zz`]) {
      const bad = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(bad.status, 400, url);
      assert.deepEqual(await bad.json(), { error: { code: 'SIGNAL_MALFORMED_REQUEST', message: 'The URL is not valid: a percent sign must start an escape such as %20' } });
    }
    // A path parameter over Fastify's 100 characters: its sentence quoted the whole path.
    const long = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/${'v'.repeat(5000)}/install`, { method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(long.status, 400);
    const answer = await long.json() as { error: { code: string; message: string } };
    assert.equal(answer.error.code, 'SIGNAL_MALFORMED_REQUEST');
    assert.equal(answer.error.message, `A part of the path is longer than the 100 characters a path parameter (an id, a vendor) may have: "/v1/admin/integration-catalog/${'v'.repeat(70)}…"`);
  });

  test('classic analytics.js sends userId: null for an anonymous visitor: accepted as no userId', async () => {
    const res = await post('/v1/page', { userId: null, anonymousId: 'ajs-classic-0001', messageId: 'null-user', name: 'Home' });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const payload = (await stored('null-user'))[0]!.payload;
    assert.equal('userId' in payload, false);
    assert.equal(payload.anonymousId, 'ajs-classic-0001');
    const neither = await post('/v1/track', { event: 'A', userId: null, anonymousId: null });
    assert.equal(neither.status, 400);
    assert.match(neither.json.error?.message ?? '', /userId is required when there is no anonymousId/);
  });

  test("Segment's consent object and a leap second are accepted and stored", async () => {
    const consent = { categoryPreferences: { Advertising: true, Analytics: false }, defaultDestinationBehavior: null, destinationPreferences: null };
    const res = await post('/v1/track', { event: 'Consent Given', anonymousId: 'a-12345678', messageId: 'seg-consent', timestamp: '2016-12-31T23:59:60Z', sentAt: '2016-12-31T23:59:60Z', context: { consent } });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const { rows } = await signal.pool.query(`SELECT payload FROM signal.events WHERE message_id = 'seg-consent'`);
    assert.deepEqual(rows[0].payload.context.consent, consent);
    assert.equal(rows[0].payload.originalTimestamp, '2016-12-31T23:59:60Z', 'the client\'s value kept as sent');
  });

  test('the IAB consent strings (TCF, GPP, US Privacy) are stored as sent; a malformed one is a 400 naming the field', async () => {
    const iab = { gdprApplies: true, tcString: 'CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA', gppString: 'DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA', gppSid: [2], usPrivacy: '1YNN' };
    const res = await post('/v1/track', { event: 'Consent Given', anonymousId: 'a-12345678', messageId: 'iab-consent', context: { consent: { advertising: true, iab } } });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const { rows } = await signal.pool.query(`SELECT payload FROM signal.events WHERE message_id = 'iab-consent'`);
    assert.deepEqual(rows[0].payload.context.consent, { advertising: true, iab });
    const bad = await post('/v1/track', { event: 'Consent Given', anonymousId: 'a-12345678', context: { consent: { iab: { tcString: 42, gppSid: ['7'] } } } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.error?.fields?.map((f: { field: string }) => f.field).sort(), ['context.consent.iab.gppSid[0]', 'context.consent.iab.tcString']);
  });

  test('a zone of hours only (+05), a leap second with one too, is stored; a date-time that cannot be read → 400 naming it, never a 500', async () => {
    const hours = await post('/v1/track', { event: 'E', userId: 'u', messageId: 'tz-hours', timestamp: '2026-03-24T16:00:00+05' });
    assert.equal(hours.status, 200, JSON.stringify(hours.json));
    const [row] = await stored('tz-hours');
    assert.equal(row!.payload.timestamp, '2026-03-24T11:00:00.000Z');
    assert.equal(row!.payload.originalTimestamp, '2026-03-24T16:00:00+05', 'the client\'s value kept as sent');
    const leap = await post('/v1/track', { event: 'E', userId: 'u', messageId: 'tz-leap', originalTimestamp: '2026-12-31T23:59:60+00', sentAt: '2026-12-31T23:59:60+00' });
    assert.equal(leap.status, 200, JSON.stringify(leap.json));
    // ajv-formats takes 46:59:60+23:00 for a leap second (23:59:60 UTC); no date can hold it.
    const unreadable = '2026-12-31T46:59:60+23:00';
    for (const field of ['timestamp', 'originalTimestamp', 'sentAt']) {
      const res = await post('/v1/track', { event: 'E', userId: 'u', messageId: `tz-bad-${field}`, [field]: unreadable });
      assert.equal(res.status, 400, JSON.stringify(res.json));
      assert.equal(res.json.error?.code, 'SIGNAL_INVALID_EVENT');
      assert.deepEqual(res.json.error?.fields?.map((f) => f.field), [field]);
    }
    const batch = await post('/v1/batch', { batch: [
      { type: 'track', event: 'E', userId: 'u', messageId: 'tz-b0', timestamp: '2026-03-24T16:00:00-03' },
      { type: 'track', event: 'E', userId: 'u', messageId: 'tz-b1', timestamp: unreadable },
      { type: 'page', userId: 'u', messageId: 'tz-b2', sentAt: unreadable },
    ] });
    assert.equal(batch.status, 400, JSON.stringify(batch.json));
    assert.equal(batch.json.error?.code, 'SIGNAL_INVALID_EVENT');
    assert.deepEqual(batch.json.error?.fields?.map((f) => [f.field, f.index]), [['batch[1].timestamp', 1], ['batch[2].sentAt', 2]]);
    assert.match(batch.json.error?.message ?? '', /^The batch was refused whole: 2 problems in events 1, 2: batch\[1\]\.timestamp is not a date-time/);
    const batchSentAt = await post('/v1/batch', { sentAt: unreadable, batch: [{ type: 'track', event: 'E', userId: 'u', messageId: 'tz-b3' }] });
    assert.equal(batchSentAt.status, 400, JSON.stringify(batchSentAt.json));
    assert.deepEqual(batchSentAt.json.error?.fields?.map((f) => f.field), ['sentAt'], 'the batch\'s own sentAt, without an index');
    const fine = await post('/v1/batch', { batch: [{ type: 'track', event: 'E', userId: 'u', messageId: 'tz-b4', timestamp: '2026-03-24T16:00:00-03' }] });
    assert.equal(fine.status, 200, JSON.stringify(fine.json));
    assert.equal((await stored('tz-b4'))[0]!.payload.timestamp, '2026-03-24T19:00:00.000Z');
    for (const id of ['tz-bad-timestamp', 'tz-bad-originalTimestamp', 'tz-bad-sentAt', 'tz-b0', 'tz-b1', 'tz-b2', 'tz-b3']) assert.equal((await stored(id)).length, 0);
  });

  test('a User-Agent header over 1,024 characters is stored cut to 1,024, as context.userAgent is capped', async () => {
    const res = await post('/v1/track', { event: 'E', userId: 'u', messageId: 'ua-long' }, { 'user-agent': `Mozilla/5.0 ${'U'.repeat(8000)}` });
    assert.equal(res.status, 200);
    const ua = String((await stored('ua-long'))[0]!.payload.context.userAgent);
    assert.equal(ua.length, 1024);
    assert.ok(ua.startsWith('Mozilla/5.0 UUU'));
  });

  test('the Basic scheme name is case-insensitive', async () => {
    const { key } = await signal.pipeline('Scheme case');
    for (const scheme of ['basic', 'BASIC']) {
      const res = await post('/v1/track', { event: 'A', userId: 'u' }, { authorization: `${scheme} ${Buffer.from(`${key}:`).toString('base64')}` });
      assert.equal(res.status, 200, `${scheme}: ${JSON.stringify(res.json)}`);
    }
  });

  test('malformed JSON → 400 SIGNAL_INVALID_JSON saying where it broke', async () => {
    const res = await post('/v1/track', '{"event": "A", ', {});
    assert.equal(res.status, 400);
    assert.equal(res.json.error?.code, 'SIGNAL_INVALID_JSON');
    assert.match(res.json.error?.message ?? '', /^The request body is not valid JSON: .*position 15/);
    const beacon = await post('/v1/track', '{"event": }', { 'content-type': 'text/plain' });
    assert.equal(beacon.json.error?.code, 'SIGNAL_INVALID_JSON');
    const empty = await post('/v1/track', '', {});
    assert.deepEqual([empty.status, empty.json.error?.message], [400, 'The request body is empty; expected a JSON object']);
  });

  test('nesting deeper than 64 levels → 400 naming the field, in a batch its index; never a 500', async () => {
    const nested = (levels: number): unknown => (levels === 0 ? 1 : { a: nested(levels - 1) });
    // The body is level 1 and properties level 2, so 63 nested objects in properties reach 64.
    assert.equal((await post('/v1/track', { event: 'Deep', userId: 'u', messageId: 'deep-ok', properties: nested(63) })).status, 200);
    const tooDeep = await post('/v1/track', { event: 'Deep', userId: 'u', properties: nested(64) });
    assert.equal(tooDeep.status, 400);
    assert.equal(tooDeep.json.error?.code, 'SIGNAL_INVALID_EVENT');
    assert.deepEqual(tooDeep.json.error?.fields, [{ field: 'properties.a.a.a.a.a.a.a…', message: 'nests objects and arrays more than 64 levels deep; flatten it' }]);
    // Far deeper than JSON.stringify can follow (about 5,000 levels), which answered 500 before.
    const abyss = await post('/v1/batch', `{"batch":[{"type":"track","event":"E","userId":"u"},{"type":"track","event":"E","userId":"u","properties":{"p":${'['.repeat(100_000)}${']'.repeat(100_000)}}}]}`);
    assert.equal(abyss.status, 400);
    assert.equal(abyss.json.error?.fields?.[0]?.index, 1);
    assert.match(abyss.json.error?.fields?.[0]?.field ?? '', /^batch\[1\]\.properties\.p\[0\]/);
  });

  test('keys that pollute prototypes → 400 naming the field', async () => {
    const proto = await post('/v1/track', '{"event":"E","userId":"u","properties":{"x":{"__proto__":{"admin":true}}}}');
    assert.equal(proto.status, 400);
    assert.deepEqual(proto.json.error?.fields?.map((f) => f.field), ['properties.x.__proto__']);
    const constructor = await post('/v1/page', '{"userId":"u","traits":{"constructor":{"prototype":{}}}}');
    assert.equal(constructor.status, 400);
    assert.deepEqual(constructor.json.error?.fields?.map((f) => f.field), ['traits.constructor']);
    assert.equal((await post('/v1/track', { event: 'E', userId: 'u', properties: { constructor: 'a plain value is fine' } })).status, 200);
  });

  test('a collect path asked with another method → 405 naming the one it takes; an unknown path → 404', async () => {
    const get = await fetch(`${signal.collectUrl}/v1/track`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    const body = (await get.json()) as { error: { code: string; message: string } };
    assert.deepEqual(body.error, { code: 'SIGNAL_METHOD_NOT_ALLOWED', message: 'GET is not allowed on /v1/track: use POST' });
    const unknown = await fetch(`${signal.collectUrl}/v1/trak`, { method: 'POST' });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'SIGNAL_NOT_FOUND');
  });

  test('wrong content type → 415; unknown encoding → 415; corrupt gzip → 400', async () => {
    const xml = await post('/v1/track', '<event/>', { 'content-type': 'application/xml' });
    assert.equal(xml.status, 415);
    assert.equal(xml.json.error?.code, 'SIGNAL_UNSUPPORTED_MEDIA_TYPE');
    assert.match(xml.json.error?.message ?? '', /send application\/json \(or text\/plain holding JSON\); this request sent "application\/xml"$/);
    const br = await post('/v1/track', '{}', { 'content-encoding': 'br' });
    assert.equal(br.status, 415);
    assert.equal(br.json.error?.code, 'SIGNAL_UNSUPPORTED_ENCODING');
    const corrupt = await post('/v1/track', Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    assert.equal(corrupt.status, 400);
  });

  test('a track without event → 400 naming event', async () => {
    const res = await post('/v1/track', { userId: 'u' });
    assert.equal(res.status, 400);
    assert.equal(res.json.error?.code, 'SIGNAL_INVALID_EVENT');
    assert.deepEqual(res.json.error?.fields, [{ field: 'event', message: 'is required' }]);
  });

  test('an event without userId and anonymousId → 400 naming userId', async () => {
    const res = await post('/v1/identify', { traits: { email: 'x@y.z' } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json.error?.fields, [{ field: 'userId', message: 'is required when there is no anonymousId' }]);
    assert.equal(res.json.error?.message, 'userId is required when there is no anonymousId');
  });

  test('white space is no value: a blank event name is a 400, blank ids are no ids, a blank messageId is replaced', async () => {
    const blankName = await post('/v1/track', { event: '   ', userId: 'u' });
    assert.equal(blankName.status, 400);
    assert.deepEqual(blankName.json.error?.fields, [{ field: 'event', message: 'is blank: name the action, e.g. "Order Completed"' }]);
    const inBatch = await post('/v1/batch', { batch: [{ type: 'track', event: 'Fine', userId: 'u' }, { type: 'track', event: ' ', userId: 'u' }] });
    assert.deepEqual(inBatch.json.error?.fields, [{ field: 'batch[1].event', message: 'is blank: name the action, e.g. "Order Completed"', index: 1 }]);
    const blankIds = await post('/v1/identify', { userId: '   ', anonymousId: '\t', traits: { plan: 'pro' } });
    assert.equal(blankIds.status, 400);
    assert.deepEqual(blankIds.json.error?.fields, [{ field: 'userId', message: 'is required when there is no anonymousId' }]);
    const blankMessageIds = await post('/v1/batch', { batch: [{ type: 'track', event: 'Blank id A', userId: 'u-blank', messageId: '   ' }, { type: 'track', event: 'Blank id B', userId: 'u-blank', messageId: '   ' }] });
    assert.equal(blankMessageIds.status, 200);
    const { rows } = await signal.pool.query<{ message_id: string }>("SELECT message_id FROM signal.events WHERE payload->>'userId' = 'u-blank'");
    assert.equal(rows.length, 2);
    assert.ok(rows.every((r) => /^[0-9a-f-]{36}$/.test(r.message_id)) && rows[0]!.message_id !== rows[1]!.message_id, 'each got its own id, so neither repeats the other');
  });

  test('an integrations value that is neither a flag nor options, or a context.ip that is no address → 400 naming it', async () => {
    const res = await post('/v1/track', { event: 'A', userId: 'u', integrations: { All: 'no', Amplitude: true, 'Segment.io': { apiKey: 'x' } }, context: { ip: 'not-an-ip' } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json.error?.fields?.sort((a, b) => a.field.localeCompare(b.field)), [
      { field: 'context.ip', message: 'must be an IPv4 or IPv6 address, e.g. 203.0.113.42' },
      { field: 'integrations.All', message: 'must be a boolean or an object or null' },
    ]);
    const fine = await post('/v1/track', { event: 'A', userId: 'u', messageId: 'ip6-ok', integrations: { All: false, Amplitude: true }, context: { ip: '2001:db8::42' } });
    assert.equal(fine.status, 200);
    assert.equal((await stored('ip6-ok'))[0]!.payload.context.ip, '2001:db8::42', 'a server SDK forwarding its visitor\'s address');
  });

  test('wrong types → 400 naming each field', async () => {
    const res = await post('/v1/track', { event: 42, userId: 'u', properties: 'nope', timestamp: 'yesterday', context: { consent: { marketing: 'yes' } } });
    assert.equal(res.status, 400);
    const fields = res.json.error?.fields?.map((f) => f.field);
    assert.deepEqual(fields?.sort(), ['context.consent.marketing', 'event', 'properties', 'timestamp']);
  });

  test('a batch with invalid events is refused whole, naming every failing index', async () => {
    const res = await post('/v1/batch', {
      batch: [
        { type: 'track', event: 'Fine', userId: 'u', messageId: 'never-1' },
        { type: 'track', userId: 'u', messageId: 'never-2' },
        { type: 'page', messageId: 'never-3' },
      ],
    });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json.error?.fields, [{ field: 'batch[1].event', message: 'is required', index: 1 }]);
    const ids = await post('/v1/batch', { batch: [{ type: 'track', event: 'A', userId: 'u', messageId: 'never-4' }, { type: 'page', messageId: 'never-5' }] });
    assert.equal(ids.status, 400);
    assert.deepEqual(ids.json.error?.fields, [{ field: 'batch[1].userId', message: 'is required when there is no anonymousId', index: 1 }]);
    assert.match(ids.json.error?.message ?? '', /refused whole/);
    // Without a type, only the type is missing: not the groupId and previousId of other types.
    const untyped = await post('/v1/batch', { batch: [{ event: 'A', userId: 'u', messageId: 'never-6' }] });
    assert.deepEqual(untyped.json.error?.fields, [{ field: 'batch[0].type', message: 'is required', index: 0 }]);
    for (const id of ['never-1', 'never-2', 'never-3', 'never-4', 'never-5', 'never-6']) assert.equal((await stored(id)).length, 0);
  });

  test('an event over 32 KB → 400; a body over 500 KB → 413', async () => {
    const big = await post('/v1/track', { event: 'Big', userId: 'u', properties: { blob: 'x'.repeat(33 * 1024) } });
    assert.equal(big.status, 400);
    assert.equal(big.json.error?.code, 'SIGNAL_EVENT_TOO_LARGE');
    assert.match(big.json.error!.fields![0]!.message, /^is \d+ bytes as stored \(with what Signal adds: messageId, timestamps, context\.ip and userAgent\); an event may be at most 32768 bytes \(32 KB\)$/);
    const batch = Array.from({ length: 20 }, (_, i) => ({ type: 'track', event: 'E', userId: 'u', messageId: `huge-${i}`, properties: { blob: 'y'.repeat(30 * 1024) } }));
    const huge = await post('/v1/batch', { batch });
    assert.equal(huge.status, 413);
    assert.equal(huge.json.error?.code, 'SIGNAL_BODY_TOO_LARGE');
    assert.equal(huge.json.error?.message, 'The request body is larger than the limit of 500 KB');
    const bomb = gzipSync(JSON.stringify({ batch, pad: 'z'.repeat(2_000_000) }));
    const zipped = await post('/v1/batch', bomb, { 'content-encoding': 'gzip' });
    assert.equal(zipped.status, 413, 'the limit applies after decompression');
    assert.equal(zipped.json.error?.message, 'The request body is larger than the limit of 500 KB (after decompression)');
    // The admin listener has its own limit, and says it.
    const admin = await fetch(`${signal.adminUrl}/v1/admin/integrations`, {
      method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', pad: 'p'.repeat(6 * 1024 * 1024) }),
    });
    assert.equal(admin.status, 413);
    assert.equal((await admin.json() as { error: { message: string } }).error.message, 'The request body is larger than the limit of 5 MB');
  });

  test('a batch whose shared context, copied into each event, would add more than 5 MB → 413 naming context; nothing stored', async () => {
    // 2,500 events under a 13 KB batch context: a 115 KB body that stored 33 MB.
    const context = { traits: { blob: 'c'.repeat(13_000) } };
    const many = Array.from({ length: 2500 }, (_, i) => ({ type: 'track', event: 'E', userId: 'u', messageId: `shared-${i}` }));
    const res = await post('/v1/batch', { context, batch: many });
    assert.equal(res.status, 413);
    assert.equal(res.json.error?.code, 'SIGNAL_BODY_TOO_LARGE');
    assert.equal(res.json.error?.fields?.[0]?.field, 'context');
    assert.match(res.json.error!.message, /^The batch was refused whole: context is 13\d{3} bytes \(with the batch's integrations\) and each of the 2500 events stores a copy: \d+ bytes, more than the 5 MB a batch's shared context may add/);
    assert.equal((await stored('shared-0')).length, 0);
    // The same context over fewer events is stored, each event with its copy.
    const fewer = await post('/v1/batch', { context, batch: many.slice(0, 300) });
    assert.equal(fewer.status, 200);
    assert.equal(((await stored('shared-299'))[0]!.payload.context.traits as { blob: string }).blob.length, 13_000);
  });

  test('an unknown route → 404 JSON', async () => {
    const res = await post('/v1/nothing', {});
    assert.equal(res.status, 404);
    assert.equal(res.json.error?.code, 'SIGNAL_NOT_FOUND');
  });
});

/** What SDKs send for values they do not have (analytics-python's page call, typed clients' unset fields). */
const nullFields = {
  name: null, category: null, properties: null, traits: null, messageId: null, timestamp: null, originalTimestamp: null, sentAt: null, integrations: null,
  context: { ip: null, userAgent: null, locale: null, traits: null, device: null, page: { url: 'https://shop.example/checkout', referrer: null, title: null }, library: { name: 'analytics-python', version: null }, consent: { analytics: true, marketing: null } },
};

describe('null in an optional field is absent: accepted, stored without it', () => {
  test('a page call with the envelope\'s optional fields null is stored without them; the server fills what it fills for absent ones', async () => {
    const res = await post('/v1/page', { ...nullFields, anonymousId: 'anon-nulls-1', userId: null, context: { ...nullFields.context, campaign: { source: 'newsletter', term: null } } }, { 'user-agent': 'NullAgent/1' });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const { rows } = await signal.pool.query(`SELECT message_id, payload FROM signal.events WHERE payload->>'anonymousId' = 'anon-nulls-1'`);
    assert.equal(rows.length, 1);
    const payload = rows[0].payload as Record<string, unknown> & { context: Record<string, unknown> };
    assert.match(rows[0].message_id, /^[0-9a-f-]{36}$/, 'a null messageId gets one');
    assert.deepEqual(Object.keys(payload).sort(), ['anonymousId', 'context', 'messageId', 'receivedAt', 'timestamp', 'type']);
    assert.equal(payload.timestamp, payload.receivedAt, 'no timestamp: the time it was received');
    assert.deepEqual(payload.context, {
      page: { url: 'https://shop.example/checkout' }, library: { name: 'analytics-python' }, consent: { analytics: true }, campaign: { source: 'newsletter' },
      ip: '127.0.0.1', userAgent: 'NullAgent/1',
    });
    assert.equal(JSON.stringify(payload).includes(':null'), false, 'no null value reaches storage');
  });

  test('a null inside traits or properties is data (a trait unset) and is stored as sent', async () => {
    const res = await post('/v1/identify', { userId: 'u-null-trait', messageId: 'null-trait', traits: { plan: null, email: 'jane@example.com' }, context: { traits: { company: null } } });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const payload = (await stored('null-trait'))[0]!.payload;
    assert.deepEqual(payload.traits, { plan: null, email: 'jane@example.com' });
    assert.deepEqual(payload.context.traits, { company: null });
  });

  test('in a batch: an event\'s null gives way to the batch\'s value; the batch\'s own nulls are absent too; nothing is refused', async () => {
    const res = await post('/v1/batch', {
      batch: [
        { type: 'track', event: 'Order Completed', userId: 'u-null-batch', messageId: 'null-batch-1', properties: null, timestamp: '2026-03-24T16:00:00.000Z', sentAt: null, context: { locale: null, page: null } },
        { type: 'page', name: null, userId: 'u-null-batch', messageId: 'null-batch-2', event: null, groupId: null, previousId: null, integrations: null },
      ],
      context: { locale: 'de-DE', page: { url: 'https://shop.example/', referrer: null } },
      integrations: { All: true, Amplitude: null },
      sentAt: '2026-03-24T16:00:05.000Z',
      writeKey: null,
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const [track] = await stored('null-batch-1');
    const [page] = await stored('null-batch-2');
    assert.equal('properties' in track!.payload, false);
    assert.equal(track!.payload.context.locale, 'de-DE');
    assert.deepEqual(track!.payload.context.page, { url: 'https://shop.example/' }, 'the event\'s null page is no page: the batch\'s applies');
    assert.equal(track!.payload.sentAt, '2026-03-24T16:00:05.000Z');
    assert.deepEqual(track!.payload.integrations, { All: true });
    assert.deepEqual(Object.keys(page!.payload).filter((k) => ['name', 'event', 'groupId', 'previousId'].includes(k)), []);
    assert.deepEqual(page!.payload.integrations, { All: true });
  });

  test('a required field stays required: a track\'s event: null is a 400 naming event, and its batch is refused whole', async () => {
    const single = await post('/v1/track', { event: null, userId: 'u', messageId: 'null-event-1' });
    assert.equal(single.status, 400);
    assert.deepEqual(single.json.error?.fields, [{ field: 'event', message: 'must be a string' }]);
    const batch = await post('/v1/batch', { batch: [{ type: 'track', event: 'Fine', userId: 'u', messageId: 'null-event-2' }, { type: 'track', event: null, userId: 'u', messageId: 'null-event-3' }, { type: 'group', groupId: null, userId: 'u' }, { type: 'alias', previousId: null, userId: 'u' }] });
    assert.equal(batch.status, 400);
    assert.deepEqual(batch.json.error?.fields, [
      { field: 'batch[1].event', message: 'must be a string', index: 1 },
      { field: 'batch[2].groupId', message: 'must be a string', index: 2 },
      { field: 'batch[3].previousId', message: 'must be a string', index: 3 },
    ]);
    for (const id of ['null-event-1', 'null-event-2', 'null-event-3']) assert.equal((await stored(id)).length, 0, id);
  });
});

describe('null fields through delivery: collect → webhook → simulator', () => {
  let sim: VendorSim;
  let hooked: TestSignal;
  before(async () => {
    sim = await startVendorSim();
    hooked = await startTestSignal({}, { plugins: pluginSet(webhook), label: 'collect-nulls' });
  });
  after(() => closeAll(hooked, sim));

  test('the vendor gets the event without the envelope\'s nulls, and a trait\'s null as sent', async () => {
    const pipeline = await hooked.pipeline('Nulls');
    await hooked.services.integrations.install({
      vendor: 'webhook', name: 'Null check', pipelineId: pipeline.id, consentCategories: [],
      config: { url: `${sim.url}/nulls`, allow_private_targets: ['127.0.0.1'], mode: 'single' },
    });
    const res = await fetch(`${hooked.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(pipeline.key) },
      body: JSON.stringify({ batch: [
        { ...nullFields, type: 'track', event: 'Order Completed', userId: 'u-hook', messageId: 'hook-null-1' },
        { type: 'identify', userId: 'u-hook', messageId: 'hook-null-2', traits: { plan: null }, properties: null },
      ] }),
    });
    assert.equal(res.status, 200);
    const requests = await sim.waitFor(2, 15_000, { path: '/nulls' });
    const byId = Object.fromEntries(requests.map((r) => [(r.json as { messageId: string }).messageId, r.json as Record<string, unknown> & { context: Record<string, unknown> }]));
    const track = byId['hook-null-1']!;
    for (const field of ['name', 'category', 'properties', 'traits', 'originalTimestamp', 'sentAt', 'integrations']) assert.equal(field in track, false, field);
    assert.deepEqual(track.context.page, { url: 'https://shop.example/checkout' });
    assert.equal('traits' in track.context || 'locale' in track.context || 'device' in track.context, false);
    assert.deepEqual(byId['hook-null-2']!.traits, { plan: null }, 'a trait\'s null is data');
    assert.equal('properties' in byId['hook-null-2']!, false);
  });
});

describe('docs and probes', () => {
  test('/openapi.json documents the collect routes with examples', async () => {
    const doc = await (await fetch(`${signal.collectUrl}/openapi.json`)).json() as { openapi: string; paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: { examples?: unknown[] } }> } } }> };
    assert.match(doc.openapi, /^3\./);
    for (const path of ['/v1/track', '/v1/page', '/v1/identify', '/v1/batch']) {
      const content = doc.paths[path]?.post?.requestBody?.content;
      assert.deepEqual(Object.keys(content ?? {}), ['application/json', 'text/plain'], `${path}: JSON and sendBeacon's text/plain are documented`);
    }
    assert.ok((doc.paths['/readyz'] as unknown as { get: { responses: Record<string, unknown> } }).get.responses['503'], '/readyz documents its 503');
    assert.ok(JSON.stringify(doc.paths['/v1/track']).includes('Order Completed'), 'examples are included');
    // Optional fields may be null (OpenAPI 3.0: `nullable`); a track's event may not.
    type Props = Record<string, { nullable?: boolean; type?: string; properties?: Props }>;
    const trackBody = (doc.paths['/v1/track']!.post!.requestBody!.content['application/json']!.schema as unknown as { properties: Props }).properties;
    for (const field of ['properties', 'traits', 'context', 'timestamp', 'sentAt', 'messageId', 'integrations', 'name']) assert.equal(trackBody[field]!.nullable, true, field);
    assert.equal(trackBody.context!.properties!.page!.properties!.url!.nullable, true, 'context.page.url');
    assert.deepEqual([trackBody.event!.type, trackBody.event!.nullable], ['string', undefined], 'a track\'s event is text, never null');
    const pageBody = (doc.paths['/v1/page']!.post!.requestBody!.content['application/json']!.schema as unknown as { properties: Props }).properties;
    assert.equal(pageBody.event!.nullable, true, 'elsewhere event is optional');
    // "Try it out" twice must not send a repeat: the server stamps a messageId when none is sent.
    assert.ok(!JSON.stringify(doc.paths['/v1/track']).includes('messageId":"msg-'), 'the example has no fixed messageId');
    // Only schemes Swagger UI's Authorize can use: Basic, or nothing (writeKey in the body).
    const full = doc as unknown as { components: { securitySchemes: Record<string, unknown> }; paths: Record<string, { post: { security: unknown[] } }> };
    assert.deepEqual(Object.keys(full.components.securitySchemes), ['basicAuth']);
    assert.deepEqual(full.paths['/v1/track']!.post.security, [{ basicAuth: [] }, {}]);
  });

  test('/docs serves Swagger UI from this server only', async () => {
    const res = await fetch(`${signal.collectUrl}/docs/`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.equal(/https?:\/\//.test(html.replace(/https?:\/\/[^"']*(w3|swagger)\.(org|io)[^"']*/g, '')), false, 'no external script or style');
    const scripts = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(scripts.length > 0);
    for (const src of scripts) {
      const asset = await fetch(new URL(src, `${signal.collectUrl}/docs/`));
      assert.equal(asset.status, 200, src);
      assert.ok((await asset.arrayBuffer()).byteLength > 0, src); // read whole: an unread body holds the connection
    }
  });

  test('/healthz and /readyz answer', async () => {
    assert.deepEqual(await (await fetch(`${signal.collectUrl}/healthz`)).json(), { status: 'ok' });
    const ready = await fetch(`${signal.collectUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready' });
  });
});
