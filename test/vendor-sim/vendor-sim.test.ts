import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { reply, startVendorSim, type VendorSim } from './vendor-sim.ts';

let sim: VendorSim;
before(async () => {
  sim = await startVendorSim();
});
after(() => sim.close());

test('records method, path, ordered query, headers and JSON body; answers 200 by default', async () => {
  const res = await fetch(`${sim.url}/container/1;2;3;num/?b=2&a=1&a=0`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test': 'yes' }, body: '{"k":1}' });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { code: 200 });
  const [request] = sim.requests({ path: '/container/1;2;3;num/' });
  assert.deepEqual(request!.queryPairs, [['b', '2'], ['a', '1'], ['a', '0']]);
  assert.equal(request!.headers['x-test'], 'yes');
  assert.deepEqual(request!.json, { k: 1 });
});

test('scripted answers are consumed in order, then the default applies', async () => {
  sim.script('POST', '/api', [reply.serverError(), reply.tooMany(7), reply.badRequest({ error: 'bad' })]);
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push(await fetch(`${sim.url}/api`, { method: 'POST', body: '{}' }));
  assert.deepEqual(statuses.map((r) => r.status), [500, 429, 400, 200]);
  assert.equal(statuses[1]!.headers.get('retry-after'), '7');
  assert.deepEqual(await statuses[2]!.json(), { error: 'bad' });
  // A method's default for every path without its own (an object store's keys).
  sim.setDefault('PUT', '*', { status: 200, headers: { etag: '"abc"' }, body: '' });
  sim.setDefault('PUT', '/own', { status: 201, body: '' });
  const [any, own] = [await fetch(`${sim.url}/bucket/any/key.gz`, { method: 'PUT', body: 'x' }), await fetch(`${sim.url}/own`, { method: 'PUT', body: 'x' })];
  assert.deepEqual([any.status, any.headers.get('etag'), await any.text(), own.status], [200, '"abc"', '', 201]);
});

test('a hang never answers; a reset drops the connection', async () => {
  sim.script('GET', '/hang', [reply.hang()]);
  await assert.rejects(fetch(`${sim.url}/hang`, { signal: AbortSignal.timeout(200) }), /aborted|timeout/i);
  sim.script('GET', '/reset', [reply.reset()]);
  await assert.rejects(fetch(`${sim.url}/reset`), /fetch failed/);
});

test('gzip bodies are decoded; waitFor resolves on arrival and explains a timeout', async () => {
  const waiting = sim.waitFor((list) => list.some((r) => r.body === 'zipped'), 2000, { path: '/zip' });
  await fetch(`${sim.url}/zip`, { method: 'POST', headers: { 'content-encoding': 'gzip' }, body: gzipSync('zipped') });
  assert.equal((await waiting).length, 1);
  await assert.rejects(sim.waitFor(5, 100, { path: '/never' }), /waited 100 ms; got 0 matching request\(s\): none/);
});

test('onAnswer sees each request with its answer; a busy port rejects with EADDRINUSE', async () => {
  const seen: string[] = [];
  const watched = await startVendorSim({ record: 'count', onAnswer: (request, answer) => seen.push(`${request.method} ${request.path} ${'status' in answer ? answer.status : 'other'}`) });
  try {
    watched.script('GET', '/x', [reply.serverError()]);
    await fetch(`${watched.url}/x`);
    await fetch(`${watched.url}/x`);
    assert.deepEqual(seen, ['GET /x 500', 'GET /x 200']);
    await assert.rejects(startVendorSim({ port: watched.port }), { code: 'EADDRINUSE' });
  } finally {
    await watched.close();
  }
});
