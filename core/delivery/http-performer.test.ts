import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { reply, startVendorSim, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { buildUrl, createHttpPerformer, hasDotSegment, MAX_RESPONSE_BODY_BYTES, redirectUrl, requestTimeoutMs, type HttpPerformer } from './http-performer.ts';

let sim: VendorSim;
// A deadline no answer here comes near, even on a loaded machine (a first request once took
// over 300 ms there): the tests of the deadline itself use `hurried`.
let http: HttpPerformer;
// The deadline the timeout tests wait out: 300 ms.
let hurried: HttpPerformer;
before(async () => {
  sim = await startVendorSim();
  const redirects = new Map([['https://api2.amplitude.com', sim.url], ['https://prefixed.test', `${sim.url}/prefix`]]);
  http = createHttpPerformer({ timeoutMs: 10_000, redirects });
  hurried = createHttpPerformer({ timeoutMs: 300, redirects });
});
after(async () => {
  await http.close();
  await hurried.close();
  await sim.close();
});

test('buildUrl keeps the order of query pairs; redirects keep path and query', () => {
  assert.equal(buildUrl({ url: 'https://x.test/p?a=0', query: [['z', '1'], ['a', 'b c']] }).href, 'https://x.test/p?a=0&z=1&a=b+c');
  const target = redirectUrl(new URL('https://api2.amplitude.com/2/httpapi?x=1'), new Map([['https://api2.amplitude.com', 'http://127.0.0.1:9000/sandbox']]));
  assert.equal(target?.href, 'http://127.0.0.1:9000/sandbox/2/httpapi?x=1');
  assert.equal(redirectUrl(new URL('https://other.test/'), new Map()), null);
});

test('a "." or ".." path segment (an id put in a path) is never sent: URL parsers would drop it and reach another endpoint', async () => {
  for (const url of ['https://api2.amplitude.com/v2/users/../profile', 'https://api2.amplitude.com/v2/users/./profile', 'https://api2.amplitude.com/v2/users/%2E%2e/profile', 'https://api2.amplitude.com/v2/users/..', 'https://api2.amplitude.com/v2/users/..?x=1']) {
    assert.equal(hasDotSegment(url), true, url);
    const result = await http.perform({ method: 'DELETE', url, eventIds: [] });
    assert.equal(result.error?.kind, 'invalid', url);
    assert.match(result.error!.message, /has a "\." or "\.\." path segment/);
    assert.equal(result.error!.message.includes('profile'), false, 'the URL is not quoted');
  }
  for (const url of ['https://x.test/v2/users/a..b/profile', 'https://x.test/v2/users/.../profile', 'https://x.test/v2/users/%2E%2E%2E', 'https://x.test/v2/users/u?next=../a', 'https://x.test/#/../a', 'https://x.test/']) {
    assert.equal(hasDotSegment(url), false, url);
  }
  assert.equal(sim.requests({ method: 'DELETE' }).length, 0);
});

test('a redirected JSON request: body, content type and parsed answer', async () => {
  sim.script('POST', '/2/httpapi', [{ status: 200, body: { code: 200, events_ingested: 1 } }]);
  const result = await http.perform({ method: 'POST', url: 'https://api2.amplitude.com/2/httpapi', headers: { 'X-Custom': 'v' }, body: { api_key: 'k', events: [] }, eventIds: ['e1'] });
  assert.equal(result.response?.status, 200);
  assert.deepEqual(result.response?.json, { code: 200, events_ingested: 1 });
  const [request] = sim.requests({ path: '/2/httpapi' });
  assert.equal(request!.headers['content-type'], 'application/json');
  assert.equal(request!.headers['x-custom'], 'v');
  assert.deepEqual(request!.json, { api_key: 'k', events: [] });
  const prefixed = await http.perform({ method: 'GET', url: 'https://prefixed.test/container/1;2;3;num/', query: [['b', '2'], ['a', '1']], eventIds: [] });
  assert.equal(prefixed.url, `${sim.url}/prefix/container/1;2;3;num/?b=2&a=1`);
});

test('a bytes body (a gzip archive) is sent exactly as given, with the content type the plugin set', async () => {
  const archive = gzipSync(Buffer.from('{"a":1}\n{"a":2}\n'));
  sim.script('PUT', '/bucket/key.ndjson.gz', [{ status: 200, body: '' }]);
  const result = await http.perform({ method: 'PUT', url: 'https://api2.amplitude.com/bucket/key.ndjson.gz', headers: { 'content-type': 'application/gzip' }, body: new Uint8Array(archive), eventIds: ['e1'] });
  assert.equal(result.response?.status, 200);
  const [received] = sim.requests({ path: '/bucket/key.ndjson.gz' });
  assert.equal(received!.headers['content-type'], 'application/gzip');
  assert.equal(received!.headers['content-length'], String(archive.byteLength));
  assert.ok(received!.bytes.equals(archive), 'the very bytes, not a JSON rendering of them');
});

test('500 and 429 come back as responses with their headers', async () => {
  sim.script('POST', '/2/httpapi', [reply.serverError(), reply.tooMany(12)]);
  const first = await http.perform({ method: 'POST', url: 'https://api2.amplitude.com/2/httpapi', body: {}, eventIds: [] });
  assert.equal(first.response?.status, 500);
  const second = await http.perform({ method: 'POST', url: 'https://api2.amplitude.com/2/httpapi', body: {}, eventIds: [] });
  assert.equal(second.response?.status, 429);
  assert.equal(second.response?.headers['retry-after'], '12');
});

test('a hang is a timeout within the configured time; a reset is a network error', async () => {
  sim.script('POST', '/2/httpapi', [reply.hang(), reply.reset()]);
  const started = Date.now();
  const hung = await hurried.perform({ method: 'POST', url: 'https://api2.amplitude.com/2/httpapi', body: {}, eventIds: [] });
  const waitedMs = Date.now() - started;
  assert.equal(hung.error?.kind, 'timeout');
  // Not before the 300 ms deadline (a few ms of slack for timer coarseness), and not long
  // after it: the upper bound is generous, as a loaded machine runs timers late.
  assert.ok(waitedMs >= 290, `gave up after ${waitedMs} ms, before the 300 ms deadline`);
  assert.ok(waitedMs < 1500, `gave up after ${waitedMs} ms, long after the 300 ms deadline`);
  const reset = await http.perform({ method: 'POST', url: 'https://api2.amplitude.com/2/httpapi', body: {}, eventIds: [] });
  assert.equal(reset.error?.kind, 'network');
});

test('a request with its own timeoutMs waits that long for a slow answer (the core\'s 300 ms would give up); values are clamped to 1 s – 120 s', async () => {
  sim.script('POST', '/api/2.0/sql/statements', [{ status: 200, body: { status: { state: 'SUCCEEDED' } }, delayMs: 600 }, { status: 200, body: {}, delayMs: 600 }]);
  const slow = await hurried.perform({ method: 'POST', url: 'https://api2.amplitude.com/api/2.0/sql/statements', body: {}, eventIds: [], timeoutMs: 2_000 });
  assert.equal(slow.response?.status, 200, 'answered within the request\'s own 2 s');
  const gaveUp = await hurried.perform({ method: 'POST', url: 'https://api2.amplitude.com/api/2.0/sql/statements', body: {}, eventIds: [] });
  assert.equal(gaveUp.error?.kind, 'timeout');
  assert.equal(gaveUp.error?.message, 'no answer within 300 ms');
  const base = { method: 'POST' as const, url: 'https://x.test/', eventIds: [] };
  assert.equal(requestTimeoutMs(base, 10_000), 10_000);
  assert.equal(requestTimeoutMs({ ...base, timeoutMs: 60_000 }, 10_000), 60_000);
  assert.equal(requestTimeoutMs({ ...base, timeoutMs: 5 }, 10_000), 1_000);
  assert.equal(requestTimeoutMs({ ...base, timeoutMs: 3_600_000 }, 10_000), 120_000);
  assert.equal(requestTimeoutMs({ ...base, timeoutMs: Number.NaN }, 10_000), 10_000);
});

test('the egress guard refuses loopback unless the request allow-lists it', async () => {
  const refused = await http.perform({ method: 'POST', url: `${sim.url.replace('127.0.0.1', 'localhost')}/hook`, body: {}, eventIds: [] });
  assert.equal(refused.error?.kind, 'refused');
  assert.match(refused.error?.message ?? '', /refused to connect to localhost/);
  const allowed = await http.perform({ method: 'POST', url: `${sim.url}/hook`, body: {}, eventIds: [], allowPrivateTargets: ['127.0.0.1'] });
  assert.equal(allowed.response?.status, 200);
});

test('the egress guard refuses literal private addresses, which need no lookup', async () => {
  const port = new URL(sim.url).port;
  const before = sim.count();
  for (const host of ['127.0.0.1', '[::1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '0.0.0.0', '169.254.169.254']) {
    const result = await http.perform({ method: 'POST', url: `http://${host}:${port}/hook`, body: {}, eventIds: [] });
    assert.equal(result.error?.kind, 'refused', host);
    assert.match(result.error?.message ?? '', /refused to connect to .*must be allow-listed/, host);
  }
  assert.equal(sim.count(), before, 'no request reached the simulator');
  const allowed = await http.perform({ method: 'POST', url: `http://127.0.0.1:${port}/hook`, body: {}, eventIds: [], allowPrivateTargets: ['127.0.0.0/8'] });
  assert.equal(allowed.response?.status, 200);
});

test('an answer decoded whole: a character split between two chunks stays whole', async () => {
  // A vendor streaming its answer can cut a UTF-8 character between two writes.
  const bytes = Buffer.from('{"error":"café ☕"}');
  const cut = bytes.indexOf(Buffer.from('☕')) + 1;
  const server = createServer((_request, response) => {
    response.writeHead(400, { 'content-type': 'application/json' });
    response.write(bytes.subarray(0, cut));
    setTimeout(() => response.end(bytes.subarray(cut)), 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const result = await http.perform({ method: 'POST', url: `http://127.0.0.1:${port}/split`, body: {}, eventIds: [], allowPrivateTargets: ['127.0.0.1'] });
    assert.equal(result.response?.body, '{"error":"café ☕"}');
    assert.deepEqual(result.response?.json, { error: 'café ☕' });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Runs `handler` as a one-off vendor on a free port and performs one POST against it. */
async function performAgainst(handler: Parameters<typeof createServer>[1], performer = http) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const started = Date.now();
    const result = await performer.perform({ method: 'POST', url: `http://127.0.0.1:${port}/slow`, body: {}, eventIds: [], allowPrivateTargets: ['127.0.0.1'] });
    return { result, elapsedMs: Date.now() - started };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test('a 2xx whose body drips past the deadline is the 2xx, not a timeout (its events were accepted)', async () => {
  let drip: NodeJS.Timeout | undefined;
  // A 1 s deadline, not 300 ms: a loaded machine once took longer than 300 ms to bring the
  // status line (then a timeout, rightly), which is not what this test is about.
  const performer = createHttpPerformer({ timeoutMs: 1_000 });
  try {
    const { result } = await performAgainst((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"accepted":true,"report":"');
      drip = setInterval(() => response.write('.'), 50);
    }, performer);
    clearInterval(drip);
    assert.equal(result.error, undefined);
    assert.equal(result.response?.status, 200);
    assert.ok(result.response?.body.startsWith('{"accepted":true,"report":"..'), result.response?.body.slice(0, 40));
  } finally {
    clearInterval(drip);
    await performer.close();
  }
});

test('at most 1 MiB of an answer is read: a vendor streaming without end does not hold the request', async () => {
  let sent = 0;
  let stream: NodeJS.Timeout | undefined;
  // Against the 10 s deadline (a loaded machine once took 278 ms, past a 250 ms bound, to read
  // the MiB): the whole MiB, and an answer long before the deadline, show that the cap, not
  // the deadline, ended the read.
  const { result, elapsedMs } = await performAgainst((_request, response) => {
    response.writeHead(400, { 'content-type': 'text/plain' });
    stream = setInterval(() => {
      sent += 128 * 1024;
      response.write('x'.repeat(128 * 1024));
    }, 1);
  });
  clearInterval(stream);
  assert.equal(result.error, undefined);
  assert.equal(result.response?.status, 400);
  assert.equal(result.response?.body.length, MAX_RESPONSE_BODY_BYTES);
  assert.ok(elapsedMs < 5_000, `answered in ${elapsedMs} ms, long before the 10 s deadline`);
  assert.ok(sent < 10 * 1024 * 1024, 'the stream was dropped, not read to the end');
});
