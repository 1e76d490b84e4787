import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import type { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerBodyDecoding } from './body-decoding.ts';
import { installErrorHandling } from './error-handler.ts';

/** What the decoding stage handed Fastify, with the counts it carries. */
type Decoded = Readable & { bytesWritten: number; receivedEncodedLength: number };

const LIMIT = 500 * 1024;
// 64 MB of spaces: about 62 KB compressed, well under the limit on the wire. Inflating all of
// it is what a decoder left running after the 413 does; the limit needs about 0.5 KB of it.
const bombBytes = Buffer.alloc(64 * 1024 * 1024, ' ');
const gzipBomb = gzipSync(bombBytes, { level: 9 });
const deflateBomb = deflateSync(bombBytes, { level: 9 });

let app: FastifyInstance;
let url: string;
let port: number;
let decoded: Decoded[] = [];

before(async () => {
  app = Fastify({ bodyLimit: LIMIT });
  installErrorHandling(app);
  registerBodyDecoding(app);
  // After Signal's hook: sees the stream Fastify reads, without reading it.
  app.addHook('preParsing', (_request, _reply, payload, done) => {
    decoded.push(payload as Decoded);
    done(null, payload);
  });
  app.post('/v1/track', async (request) => ({ received: request.body }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
  url = `http://127.0.0.1:${port}/v1/track`;
});
after(() => app.close());

function post(body: Buffer, encoding: string) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body });
}

/** Resolves once the decoding stage is torn down (or fails the test after `ms`). */
async function closed(stream: Readable, ms = 2000): Promise<void> {
  if (stream.destroyed) return;
  await Promise.race([
    once(stream, 'close'),
    new Promise((_resolve, reject) => setTimeout(() => reject(new Error('the decoding stage was never closed')), ms).unref()),
  ]);
}

for (const [name, bomb, encoding] of [['gzip', gzipBomb, 'gzip'], ['deflate', deflateBomb, 'deflate']] as const) {
  test(`a ${name} bomb: 413 after decompression, and the decoder stops where the limit was passed`, async () => {
    decoded = [];
    const res = await post(bomb, encoding);
    assert.equal(res.status, 413);
    const body = await res.json() as { error: { code: string; message: string } };
    assert.deepEqual(body.error, { code: 'SIGNAL_BODY_TOO_LARGE', message: 'The request body is larger than the limit of 500 KB (after decompression)' });
    const [stream] = decoded;
    assert.ok(stream);
    await closed(stream);
    const consumed = stream.bytesWritten;
    // About 0.5 KB of this input inflates past 500 KB; a decoder left running takes all of it.
    assert.ok(consumed < 16 * 1024, `the decoder inflated ${consumed} of ${bomb.length} compressed bytes`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(stream.bytesWritten, consumed, 'nothing more is inflated once it is stopped');
  });
}

test('a bomb refused on its Content-Length alone (413 unread) is not inflated either', async () => {
  decoded = [];
  const res = await post(Buffer.concat([gzipBomb, Buffer.alloc(LIMIT)]), 'gzip');
  assert.equal(res.status, 413);
  await res.text();
  const [stream] = decoded;
  assert.ok(stream);
  await closed(stream);
  assert.ok(stream.bytesWritten < 16 * 1024, `the decoder inflated ${stream.bytesWritten} compressed bytes that nothing read`);
});

test('bodies within the limit still decode; a corrupt one is a 400', async () => {
  const event = { event: 'Zipped', userId: 'u1' };
  for (const [encoding, body] of [['gzip', gzipSync(JSON.stringify(event))], ['deflate', deflateSync(JSON.stringify(event))], ['x-gzip', gzipSync(JSON.stringify(event))]] as const) {
    const res = await post(body, encoding);
    assert.equal(res.status, 200, encoding);
    assert.deepEqual(await res.json(), { received: event });
  }
  // Exactly the limit, decoded: accepted (the limit is "at most").
  const exact = `{"p":"${'x'.repeat(LIMIT - 8)}"}`;
  assert.equal(Buffer.byteLength(exact), LIMIT);
  assert.equal((await post(gzipSync(exact), 'gzip')).status, 200);
  decoded = [];
  const corrupt = await post(Buffer.from('not gzip at all'), 'gzip');
  assert.equal(corrupt.status, 400);
  assert.equal((await corrupt.json() as { error: { code: string } }).error.code, 'SIGNAL_INVALID_JSON');
  await closed(decoded[0]!);
});

test('a client that stops mid-body: the decoder is torn down', async () => {
  decoded = [];
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(`POST /v1/track HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: ${gzipBomb.length}\r\n\r\n`);
  socket.write(gzipBomb.subarray(0, 100));
  const started = Date.now();
  while (decoded.length === 0 && Date.now() - started < 2000) await new Promise((resolve) => setTimeout(resolve, 5));
  const [stream] = decoded;
  assert.ok(stream, 'the request reached the decoding stage');
  socket.destroy();
  await closed(stream);
  assert.ok(stream.bytesWritten <= 100);
});
