import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { signatureHeaders, signBody, verifySignature } from './signature.ts';

const SECRET = 'a-long-random-secret-value';
const BODY = '{"batch":[{"type":"track","event":"Été ☀️","messageId":"m-1"}]}';
const NOW = Date.parse('2024-05-02T09:35:42.000Z');

type Verify = (rawBody: string | Buffer, headers: Record<string, string | undefined>, secret: string, toleranceSeconds?: number) => boolean;

/** The Node snippet of README.md ("Verifying the signature"), imported as it is written. */
async function readmeVerify(): Promise<Verify> {
  const readme = await readFile(path.join(import.meta.dirname, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Verifying the signature'));
  const snippet = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(snippet, 'README.md has a js snippet under "Verifying the signature"');
  const dir = await mkdtemp(path.join(tmpdir(), 'signal-verify-'));
  try {
    const file = path.join(dir, 'verify.mjs');
    await writeFile(file, `${snippet}\nexport { verify };\n`);
    return ((await import(pathToFileURL(file).href)) as { verify: Verify }).verify;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the signature is the hex HMAC-SHA256 of "<timestamp>.<raw body>"', () => {
  const timestamp = Math.floor(NOW / 1000);
  const expected = createHmac('sha256', SECRET).update(`${timestamp}.${BODY}`).digest('hex');
  assert.equal(signBody(SECRET, timestamp, BODY), expected);
  assert.equal(signBody(SECRET, timestamp, Buffer.from(BODY)), expected, 'bytes and string agree');
  assert.deepEqual(signatureHeaders(SECRET, NOW, BODY), { 'x-signal-timestamp': String(timestamp), 'x-signal-signature': `sha256=${expected}` });
});

test('verifySignature accepts a fresh, intact request and refuses tampering, replays and wrong secrets', () => {
  const headers = signatureHeaders(SECRET, NOW, BODY);
  assert.equal(verifySignature(BODY, headers, SECRET, { now: NOW + 1000 }), true);
  assert.equal(verifySignature(Buffer.from(BODY), { 'X-Signal-Timestamp': headers['x-signal-timestamp'], 'X-Signal-Signature': headers['x-signal-signature'] }, SECRET, { now: NOW }), true);
  assert.equal(verifySignature(BODY.replace('m-1', 'm-2'), headers, SECRET, { now: NOW }), false, 'a changed body');
  assert.equal(verifySignature(BODY, headers, 'another-secret-value', { now: NOW }), false, 'a wrong secret');
  assert.equal(verifySignature(BODY, headers, SECRET, { now: NOW + 301_000 }), false, 'an old request (replay)');
  assert.equal(verifySignature(BODY, headers, SECRET, { now: NOW + 301_000, toleranceSeconds: 600 }), true);
  const later = String(Number(headers['x-signal-timestamp']) + 60);
  assert.equal(verifySignature(BODY, { ...headers, 'x-signal-timestamp': later }, SECRET, { now: NOW }), false, 'a re-dated request');
  assert.equal(verifySignature(BODY, { 'x-signal-signature': headers['x-signal-signature'] }, SECRET, { now: NOW }), false, 'no timestamp');
  assert.equal(verifySignature(BODY, { ...headers, 'x-signal-timestamp': '1e9' }, SECRET, { now: NOW }), false, 'a malformed timestamp');
  assert.equal(verifySignature(BODY, { ...headers, 'x-signal-signature': 'sha256=00' }, SECRET, { now: NOW }), false, 'a short signature');
});

test("the README's Node snippet verifies the plugin's signatures and refuses bad ones", async () => {
  const verify = await readmeVerify();
  const headers = signatureHeaders(SECRET, Date.now(), BODY);
  assert.equal(verify(BODY, headers, SECRET), true);
  assert.equal(verify(Buffer.from(BODY), headers, SECRET), true);
  assert.equal(verify(`${BODY} `, headers, SECRET), false);
  assert.equal(verify(BODY, headers, 'not-the-secret-value'), false);
  const stale = signatureHeaders(SECRET, Date.now() - 600_000, BODY);
  assert.equal(verify(BODY, stale, SECRET), false);
  assert.equal(verify(BODY, {}, SECRET), false);
});
