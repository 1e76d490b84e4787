import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, test } from 'node:test';
import pg from 'pg';
import { serverUrl } from './helpers/database.ts';
import { basic, noPlugins, startTestSignal, type TestSignal } from './helpers/signal.ts';
import { startTcpProxy } from './helpers/tcp-proxy.ts';
import { closeAll } from './helpers/close-all.ts';

const started: TestSignal[] = [];
after(() => closeAll(...started));

async function start(env: Record<string, string>, label: string): Promise<TestSignal> {
  const signal = await startTestSignal(env, { plugins: noPlugins, label });
  started.push(signal);
  return signal;
}

function track(signal: TestSignal, key: string, headers: Record<string, string> = {}, messageId?: string) {
  return fetch(`${signal.collectUrl}/v1/track`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(key), ...headers },
    body: JSON.stringify({ event: 'Limited', userId: 'u1', ...(messageId ? { messageId } : {}) }),
    // A request that hangs fails the test instead of stalling the suite.
    signal: AbortSignal.timeout(15_000),
  });
}

test('rate limit per pipeline key → 429 with Retry-After; other keys are unaffected', async () => {
  const signal = await start({ SIGNAL_RATE_LIMIT_KEY_MAX: '3', SIGNAL_RATE_LIMIT_WINDOW_MS: '60000' }, 'ratekey');
  const a = await signal.pipeline('A');
  const b = await signal.pipeline('B');
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await track(signal, a.key)).status);
  assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
  const limited = await track(signal, a.key);
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
  const body = await limited.json() as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'SIGNAL_RATE_LIMITED');
  assert.equal((await track(signal, b.key)).status, 200, 'another pipeline has its own budget');
});

test('rate limit per client IP, with a trusted proxy giving the client IP', async () => {
  const signal = await start({ SIGNAL_RATE_LIMIT_IP_MAX: '2', SIGNAL_RATE_LIMIT_WINDOW_MS: '60000', SIGNAL_TRUST_PROXY: '127.0.0.1' }, 'rateip');
  const { key } = await signal.pipeline();
  const from = (ip: string) => track(signal, key, { 'x-forwarded-for': ip });
  assert.deepEqual([(await from('203.0.113.1')).status, (await from('203.0.113.1')).status, (await from('203.0.113.1')).status], [200, 200, 429]);
  assert.equal((await from('203.0.113.2')).status, 200, 'another visitor behind the same proxy is not limited');
  // The bucket is the address stored as context.ip: junk in the header is no fresh bucket, and
  // a port does not make one either.
  assert.equal((await from('203.0.113.1:4444')).status, 429);
  assert.deepEqual([(await from('junk-1')).status, (await from('junk-2')).status, (await from('junk-3')).status], [200, 200, 429], 'all count as the proxy (the socket address)');
  await track(signal, key, { 'x-forwarded-for': '198.51.100.7' }, 'xff-1').catch(() => {});
  const { rows } = await signal.pool.query(`SELECT payload->'context'->>'ip' AS ip FROM signal.events WHERE message_id = 'xff-1'`);
  assert.equal(rows[0]?.ip, '198.51.100.7', 'context.ip comes from the trusted X-Forwarded-For');
});

test('both limits at once: the per-key limit counts even while the per-IP one is on', async () => {
  // With @fastify/rate-limit's own hooks, the IP hook marked the request as limited and the
  // key hook then skipped it: a key spread over many IPs was never limited.
  const signal = await start({ SIGNAL_RATE_LIMIT_IP_MAX: '5', SIGNAL_RATE_LIMIT_KEY_MAX: '3', SIGNAL_RATE_LIMIT_WINDOW_MS: '60000', SIGNAL_TRUST_PROXY: '127.0.0.1' }, 'ratebath');
  const { key } = await signal.pipeline();
  const statuses = [];
  for (let i = 1; i <= 5; i++) statuses.push((await track(signal, key, { 'x-forwarded-for': `203.0.113.${i}` })).status);
  assert.deepEqual(statuses, [200, 200, 200, 429, 429], 'the key limit, over five different IPs');
  const limited = await track(signal, key, { 'x-forwarded-for': '203.0.113.9' });
  assert.match((await limited.json() as { error: { message: string } }).error.message, /^Rate limit of 3 requests per 60 s per pipeline key exceeded; retry after \d+ s$/);
  const other = await signal.pipeline('Other');
  const others = [];
  for (let i = 0; i < 3; i++) others.push((await track(signal, other.key, { 'x-forwarded-for': '198.51.100.1' })).status);
  assert.deepEqual(others, [200, 200, 200], 'another key has its own budget');
});

test('the per-key limit counts every authenticated request, invalid ones too, and says so in headers', async () => {
  const signal = await start({ SIGNAL_RATE_LIMIT_KEY_MAX: '3', SIGNAL_RATE_LIMIT_WINDOW_MS: '60000' }, 'ratekeyinvalid');
  const { key } = await signal.pipeline();
  const invalid = () => fetch(`${signal.collectUrl}/v1/track`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(key) },
    body: JSON.stringify({ userId: 'u' }), // no event: a 400
    signal: AbortSignal.timeout(15_000),
  });
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push(await invalid());
  assert.deepEqual(answers.map((r) => r.status), [400, 400, 400]);
  assert.deepEqual(answers.map((r) => r.headers.get('x-ratelimit-remaining')), ['2', '1', '0']);
  assert.equal(answers[0]!.headers.get('x-ratelimit-limit'), '3');
  assert.ok(Number(answers[0]!.headers.get('x-ratelimit-reset')) > 0);
  assert.equal((await invalid()).status, 429, 'the fourth request of the window, invalid or not');
  assert.equal((await track(signal, key)).status, 429, 'a valid one is over the limit too');
  // A request without a valid key is not the key's: 401, not counted against it.
  const other = await signal.pipeline('Other');
  assert.equal((await track(signal, 'not-a-key')).status, 401);
  assert.equal((await track(signal, other.key)).headers.get('x-ratelimit-remaining'), '2');
});

test('behind a trusted proxy, an X-Forwarded-For entry that is no IP address is not stored as context.ip', async () => {
  const signal = await start({ SIGNAL_TRUST_PROXY: 'true' }, 'xffjunk');
  const { key } = await signal.pipeline();
  const stored = async (messageId: string) => (await signal.pool.query(`SELECT payload->'context'->>'ip' AS ip FROM signal.events WHERE message_id = $1`, [messageId])).rows[0]?.ip;
  assert.equal((await track(signal, key, { 'x-forwarded-for': 'x'.repeat(3000) }, 'xff-junk')).status, 200);
  assert.equal(await stored('xff-junk'), '127.0.0.1', 'the socket address instead');
  assert.equal((await track(signal, key, { 'x-forwarded-for': '203.0.113.9:52144' }, 'xff-port')).status, 200);
  assert.equal(await stored('xff-port'), '203.0.113.9', 'a port a proxy appended is dropped');
  assert.equal((await track(signal, key, { 'x-forwarded-for': '2001:db8::7' }, 'xff-v6')).status, 200);
  assert.equal(await stored('xff-v6'), '2001:db8::7');
});

test('behind a trusted proxy that says https (in any case), the visitor cookie is Secure', async () => {
  const signal = await start({ SIGNAL_TRUST_PROXY: '127.0.0.1' }, 'secure');
  const { key } = await signal.pipeline();
  const cookieFor = async (proto: string) => (await track(signal, key, { origin: 'https://shop.example.com', 'x-forwarded-proto': proto })).headers.get('set-cookie') ?? '';
  assert.match(await cookieFor('https'), /; Secure;/);
  assert.match(await cookieFor('HTTPS'), /; Secure;/);
  assert.doesNotMatch(await cookieFor('http'), /Secure/);
});

test('an untrusted X-Forwarded-For is ignored', async () => {
  const signal = await start({}, 'noproxy');
  const { key } = await signal.pipeline();
  assert.equal((await track(signal, key, { 'x-forwarded-for': '198.51.100.9' }, 'xff-2')).status, 200);
  const { rows } = await signal.pool.query(`SELECT payload->'context'->>'ip' AS ip FROM signal.events WHERE message_id = 'xff-2'`);
  assert.equal(rows[0].ip, '127.0.0.1');
});

test('Postgres unreachable → 503 with Retry-After, never 2xx; recovery after', async () => {
  const signal = await start({}, 'outage');
  const { key } = await signal.pipeline();
  assert.equal((await track(signal, key)).status, 200);
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE ${signal.db.name} ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [signal.db.name]);
    const down = await track(signal, key, {}, 'during-outage');
    assert.equal(down.status, 503);
    assert.equal(down.headers.get('retry-after'), '5');
    const body = await down.json() as { error: { code: string } };
    assert.equal(body.error.code, 'SIGNAL_STORAGE_UNAVAILABLE');
    // A key not in the cache needs PostgreSQL to be checked: a 503 as well, not a 401.
    const unseen = await track(signal, 'a-key-not-seen-before', {}, 'unseen-key');
    assert.equal(unseen.status, 503);
    assert.equal((await unseen.json() as { error: { code: string } }).error.code, 'SIGNAL_STORAGE_UNAVAILABLE');
    const ready = await fetch(`${signal.collectUrl}/readyz`);
    assert.equal(ready.status, 503);
  } finally {
    await admin.query(`ALTER DATABASE ${signal.db.name} ALLOW_CONNECTIONS true`);
    await admin.end();
  }
  assert.equal((await track(signal, key, {}, 'after-outage')).status, 200);
  const { rows } = await signal.pool.query(`SELECT message_id FROM signal.events WHERE message_id IN ('during-outage', 'after-outage')`);
  assert.deepEqual(rows.map((r: { message_id: string }) => r.message_id), ['after-outage'], 'the refused event was not half-stored');
});

test('PostgreSQL that stops answering → 503 after SIGNAL_COMMIT_TIMEOUT_MS, not a hang; a new key too; recovery after', async () => {
  const proxy = await startTcpProxy(Number(new URL(serverUrl()).port || 5432));
  let signal: TestSignal | undefined;
  try {
    signal = await startTestSignal({ SIGNAL_ROLES: 'collect', SIGNAL_COMMIT_TIMEOUT_MS: '500' }, {
      plugins: noPlugins, label: 'silent', databaseUrl: (url) => { const u = new URL(url); u.hostname = '127.0.0.1'; u.port = String(proxy.port); return u.href; },
    });
    const { key } = await signal.pipeline();
    const other = await signal.pipeline('Not yet cached');
    assert.equal((await track(signal, key, {}, 'before-silence')).status, 200);
    proxy.freeze();
    const started = Date.now();
    const silent = await track(signal, key, {}, 'during-silence');
    assert.equal(silent.status, 503);
    assert.ok(Date.now() - started < 5000, `answered in ${Date.now() - started} ms`);
    assert.equal(silent.headers.get('retry-after'), '5');
    const body = await silent.json() as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'SIGNAL_STORAGE_UNAVAILABLE');
    assert.match(body.error.message, /did not confirm the write within 500 ms; the events may still be stored\. Retry later with the same messageId/);
    const uncached = await track(signal, other.key, {}, 'unseen-during-silence');
    assert.equal(uncached.status, 503, 'a key lookup that gets no answer is a 503 as well');
    proxy.pass();
    const live = signal;
    const recovered = await waitUntilOk(() => track(live, key, {}, 'after-silence'));
    assert.equal(recovered.status, 200);
  } finally {
    // A start that failed (too many clients) must not leave the proxy listening either.
    proxy.pass();
    await closeAll(signal, proxy);
  }
});

/** Retries a request until it answers 200 (connections dropped by a timeout are replaced). */
async function waitUntilOk(send: () => Promise<Response>): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const response = await send();
    if (response.status === 200 || attempt >= 20) return response;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('shutdown gives requests in flight a grace period, then cuts clients that stall', async () => {
  const signal = await startTestSignal({ SIGNAL_SHUTDOWN_GRACE_MS: '300' }, { plugins: noPlugins, label: 'grace' });
  let closing: Promise<void> | undefined;
  let uploader: ReturnType<typeof connect> | undefined;
  let unread: Response[] = [];
  try {
    const { key } = await signal.pipeline('Grace');
    // Clients that ask for a large response and do not read it…
    unread = await Promise.all([1, 2, 3].map(() => fetch(`${signal.collectUrl}/docs/static/swagger-ui-bundle.js`)));
    // …and one whose body never finishes: Content-Length promises more than it sends.
    uploader = connect(Number(new URL(signal.collectUrl).port), '127.0.0.1');
    await once(uploader, 'connect');
    uploader.write(`POST /v1/track HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nauthorization: ${basic(key)}\r\ncontent-length: 1000\r\n\r\n{"event":`);
    await new Promise((r) => setTimeout(r, 100));
    const cut = once(uploader, 'close');
    const started = Date.now();
    closing = signal.close();
    await closing;
    const took = Date.now() - started;
    await cut;
    assert.ok(took < 5_000, `shutdown took ${took} ms with a 300 ms grace`);
  } finally {
    // Whatever failed, nothing is left open: the file must end and say why.
    uploader?.destroy();
    await Promise.allSettled(unread.map((response) => response.arrayBuffer()));
    if (!closing) await signal.close();
  }
});
