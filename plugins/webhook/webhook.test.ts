import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createConfigAjv, validatePluginDefinition, type CanonicalEvent, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { CONFORMANCE_EVENTS } from '../../test/conformance/sample-events.ts';
import { createHttpPerformer } from '../../core/delivery/http-performer.ts';
import { redactRequest, secretValuesOf } from '../../core/delivery/redact.ts';
import webhook, { TargetRefusedError, verifySignature } from './index.ts';

const NOW = Date.parse('2024-05-02T10:00:00.000Z');
const SECRET = 'whsec-0123456789abcdef';

function ctx(config: Record<string, JsonValue>): PluginContext {
  return { config, variant: 'default', integrationId: 'int-1', revisionId: 'rev-1', options: {}, now: NOW };
}

function mapped(count: number, pad = 0): MappedEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const base = CONFORMANCE_EVENTS[i % CONFORMANCE_EVENTS.length]!;
    const event: CanonicalEvent = { ...base, messageId: `evt-${i}`, ...(pad > 0 ? { properties: { pad: 'x'.repeat(pad) } } : {}) };
    return { id: event.messageId, event, payload: webhook.variants.default!.map!(event, ctx({ url: 'https://x.test' }))! };
  });
}

function bodyOf(request: RequestDescriptor): { batch?: Array<{ messageId: string }>; messageId?: string } {
  assert.equal(typeof request.body, 'string', 'the body is sent as the exact string that was signed');
  return JSON.parse(request.body as string) as { batch?: Array<{ messageId: string }>; messageId?: string };
}

test('the definition is valid and the default variant sends the canonical event as is', () => {
  assert.deepEqual(validatePluginDefinition(webhook), []);
  assert.equal(webhook.id, 'webhook');
  assert.equal(webhook.category, 'other');
  const event = CONFORMANCE_EVENTS[2]!;
  assert.deepEqual(webhook.variants.default!.map!(event, ctx({ url: 'https://x.test' })), event);
});

test('the config schema: url required and http(s), defaults filled in, batch_size at most 1000, secret of 16+', () => {
  const validate = createConfigAjv().compile(webhook.config);
  const config: Record<string, unknown> = { url: 'https://hooks.example.com/in' };
  assert.ok(validate(config), JSON.stringify(validate.errors));
  assert.deepEqual(config, { url: 'https://hooks.example.com/in', method: 'POST', mode: 'batch', batch_size: 100 });
  const refused = (candidate: Record<string, unknown>) => !validate(candidate);
  assert.ok(refused({}), 'url is required');
  assert.ok(refused({ url: 'ftp://files.example.com/' }));
  assert.ok(refused({ url: 'https://x.test', method: 'PATCH' }));
  assert.ok(refused({ url: 'https://x.test', mode: 'stream' }));
  assert.ok(refused({ url: 'https://x.test', batch_size: 1001 }));
  assert.ok(refused({ url: 'https://x.test', batch_size: 0 }));
  assert.ok(refused({ url: 'https://x.test', headers: { 'X-Count': 3 } }));
  assert.ok(refused({ url: 'https://x.test', signing_secret: 'short' }));
  assert.ok(webhook.config.properties.signing_secret!.secret);
});

test('validateConfig refuses private, loopback, link-local and metadata targets unless allow-listed, naming the field', () => {
  const validateConfig = webhook.validateConfig!;
  assert.deepEqual(validateConfig({ url: 'https://hooks.example.com/in' }), []);
  for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://10.0.0.8/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://metadata.google.internal/', 'http://0.0.0.0/']) {
    const problems = validateConfig({ url });
    assert.equal(problems.length, 1, url);
    assert.equal(problems[0]!.field, 'url');
    assert.match(problems[0]!.message, /(loopback, private or link-local address|local or cloud metadata host); add it to allow_private_targets to allow it$/, url);
  }
  assert.deepEqual(validateConfig({ url: 'http://127.0.0.1:8080/hook', allow_private_targets: ['127.0.0.1'] }), []);
  assert.deepEqual(validateConfig({ url: 'http://10.20.3.4/hook', allow_private_targets: ['10.20.0.0/16'] }), []);
  assert.deepEqual(validateConfig({ url: 'http://localhost:3000/', allow_private_targets: ['localhost'] }), []);
});

test('validateConfig checks the URL form, credentials, headers and allow-list entries', () => {
  const validateConfig = webhook.validateConfig!;
  assert.deepEqual(validateConfig({ url: 'not a url' }), [{ field: 'url', message: 'must be an absolute http or https URL' }]);
  assert.deepEqual(validateConfig({ url: 'gopher://x.test/' }), [{ field: 'url', message: 'must use http or https (got gopher)' }]);
  assert.deepEqual(validateConfig({ url: 'https://user:pw@hooks.example.com/' }), [{ field: 'url', message: 'must not carry credentials: send them in secret_headers (e.g. Authorization)' }]);
  assert.deepEqual(validateConfig({ url: 'https://x.test', headers: { Host: 'internal', 'X-Signal-Signature': 'forged', 'Bad Name': 'v', 'X-Inject': 'a\r\nSet-Cookie: b', Authorization: 'Bearer t' } }), [
    { field: 'headers.Host', message: 'is set by Signal and cannot be overridden' },
    { field: 'headers.X-Signal-Signature', message: 'is set by Signal and cannot be overridden' },
    { field: 'headers.Bad Name', message: 'is not a valid header name' },
    { field: 'headers.X-Inject', message: 'must be a string without line breaks' },
  ]);
  assert.deepEqual(validateConfig({ url: 'https://x.test', headers: ['a'] }), [{ field: 'headers', message: 'must be an object of header names to values' }]);
  const problems = validateConfig({ url: 'http://10.0.0.1/', allow_private_targets: ['10.0.0.0/33', '0.0.0.0/0', 'erp.internal'] });
  assert.deepEqual(problems.map((p) => p.field), ['url', 'allow_private_targets[0]', 'allow_private_targets[1]']);
  assert.match(problems[1]!.message, /must be a hostname, an IP address or a CIDR range/);
  assert.match(problems[2]!.message, /must not allow every address/);
  assert.deepEqual(validateConfig({ url: 'https://x.test', allow_private_targets: 'localhost' }), [{ field: 'allow_private_targets', message: 'must be an array of hostnames, IP addresses or CIDR ranges' }]);
});

test('secret_headers: a secret field of header names to strings, for credentials; headers stay for the rest', () => {
  const field = webhook.config.properties.secret_headers!;
  assert.equal(field.secret, true, 'sealed at rest, masked in answers, its values redacted from the log');
  assert.equal(field.type, 'object');
  assert.equal(webhook.config.properties.headers!.secret, undefined, 'headers stay in clear: existing configs keep working');
  assert.doesNotMatch(JSON.stringify(webhook.config.properties.headers!.examples), /key|token|authorization/i, 'the plain field does not show a credential as its example');
  const validate = createConfigAjv().compile(webhook.config);
  assert.ok(validate({ url: 'https://x.test', secret_headers: { Authorization: 'Bearer t', 'X-Auth-Token': 'tok' } }), JSON.stringify(validate.errors));
  assert.ok(!validate({ url: 'https://x.test', secret_headers: { 'X-Count': 3 } }));
  assert.ok(!validate({ url: 'https://x.test', secret_headers: 'Bearer t' }));
});

test('validateConfig checks secret_headers like headers, names the header but never its value, and refuses a name in both', () => {
  const validateConfig = webhook.validateConfig!;
  assert.deepEqual(validateConfig({ url: 'https://x.test', headers: { 'X-Team': 'growth' }, secret_headers: { Authorization: 'Bearer t' } }), []);
  const problems = validateConfig({
    url: 'https://x.test',
    headers: { 'X-Team': 'growth', 'X-Auth-Token': 'plain-one' },
    secret_headers: { Host: 'internal-secret-1', 'Bad Name': 'secret-2', 'X-Inject': 'secret-3\r\nSet-Cookie: b', 'x-auth-token': 'secret-4', 'X-Signal-Timestamp': 'secret-5' },
  });
  assert.deepEqual(problems, [
    { field: 'secret_headers.Host', message: 'is set by Signal and cannot be overridden' },
    { field: 'secret_headers.Bad Name', message: 'is not a valid header name' },
    { field: 'secret_headers.X-Inject', message: 'must be a string without line breaks' },
    { field: 'secret_headers.x-auth-token', message: 'is also set in headers: keep it in secret_headers only' },
    { field: 'secret_headers.X-Signal-Timestamp', message: 'is set by Signal and cannot be overridden' },
  ]);
  assert.doesNotMatch(JSON.stringify(problems), /secret-\d/, 'a 400 never echoes a credential');
  assert.deepEqual(validateConfig({ url: 'https://x.test', secret_headers: ['Bearer t'] }), [{ field: 'secret_headers', message: 'must be an object of header names to values' }]);
});

test('secret_headers are sent with every request beside headers, and the delivery log copy hides their values whatever the header name', () => {
  const TOKEN = 'erp-live-token-5f1e2d3c4b5a69788796';
  const BEARER = 'bearer-cred-0a1b2c3d4e5f60718293';
  const config = { url: 'https://erp.example.com/signal', headers: { 'X-Team': 'growth' }, secret_headers: { Authorization: `Bearer ${BEARER}`, 'X-Erp-Key': TOKEN }, signing_secret: SECRET };
  const [request] = webhook.send(mapped(1), ctx(config));
  assert.equal(request!.headers!.authorization, `Bearer ${BEARER}`);
  assert.equal(request!.headers!['x-erp-key'], TOKEN);
  assert.equal(request!.headers!['x-team'], 'growth');
  assert.equal(verifySignature(request!.body as string, request!.headers!, SECRET, { now: NOW }), true);
  // What the delivery engine redacts with: every secret field's strings, objects included.
  const logged = redactRequest(request!, secretValuesOf([config.signing_secret, config.secret_headers])) as { headers: Record<string, string> };
  assert.doesNotMatch(JSON.stringify(logged), new RegExp(`${TOKEN}|${BEARER}|${SECRET}`));
  assert.equal(logged.headers['x-erp-key'], '[REDACTED]', 'a name redact.ts does not know is redacted by its value');
  assert.equal(logged.headers.authorization, 'Bearer [REDACTED]');
  assert.equal(logged.headers['x-team'], 'growth');
});

test('batch mode: {"batch": [...]} of at most batch_size events, every event once, in order', () => {
  const events = mapped(250);
  const requests = webhook.send(events, ctx({ url: 'https://hooks.example.com/in', mode: 'batch', batch_size: 100 }));
  assert.deepEqual(requests.map((r) => r.eventIds.length), [100, 100, 50]);
  assert.deepEqual(requests.flatMap((r) => r.eventIds), events.map((e) => e.id));
  for (const request of requests) {
    assert.equal(request.method, 'POST');
    assert.equal(request.url, 'https://hooks.example.com/in');
    assert.equal(request.headers!['content-type'], 'application/json');
    assert.equal(request.allowPrivateTargets, undefined);
    assert.deepEqual(bodyOf(request).batch!.map((e) => e.messageId), request.eventIds);
  }
  assert.deepEqual(JSON.parse(requests[0]!.body as string).batch[0], events[0]!.event, 'the canonical event, unchanged');
  // Defaults: batch mode, 100 per request.
  assert.deepEqual(webhook.send(mapped(101), ctx({ url: 'https://x.test/' })).map((r) => r.eventIds.length), [100, 1]);
  assert.equal(webhook.send([], ctx({ url: 'https://x.test/' })).length, 0);
});

test('batch mode keeps every body under 5 MB, whatever batch_size says', () => {
  const events = mapped(12, 1_000_000); // ~1 MB each
  const requests = webhook.send(events, ctx({ url: 'https://x.test/', batch_size: 1000 }));
  assert.ok(requests.length >= 3);
  for (const request of requests) assert.ok(Buffer.byteLength(request.body as string) <= webhook.batch.maxBytes, `${Buffer.byteLength(request.body as string)} bytes`);
  assert.deepEqual(requests.flatMap((r) => r.eventIds), events.map((e) => e.id));
});

test('single mode: one request per event, the body is the event; PUT and custom headers', () => {
  const events = mapped(3);
  const requests = webhook.send(events, ctx({ url: 'https://x.test/in', mode: 'single', method: 'PUT', headers: { 'X-Team': 'growth', Authorization: 'Bearer t', 'User-Agent': 'Mine/2' } }));
  assert.equal(requests.length, 3);
  requests.forEach((request, i) => {
    assert.equal(request.method, 'PUT');
    assert.deepEqual(request.eventIds, [events[i]!.id]);
    assert.equal(bodyOf(request).messageId, events[i]!.id);
    assert.equal(request.headers!['x-team'], 'growth');
    assert.equal(request.headers!.authorization, 'Bearer t');
    assert.equal(request.headers!['user-agent'], 'Mine/2');
    assert.equal(request.headers!['x-signal-signature'], undefined, 'unsigned without a secret');
  });
});

test('signing: X-Signal-Timestamp from ctx.now and X-Signal-Signature over the exact body; custom headers cannot forge them', () => {
  const config = { url: 'https://x.test/in', signing_secret: SECRET, headers: { 'X-Signal-Signature': 'forged', Host: 'evil' } };
  const [request] = webhook.send(mapped(2), ctx(config));
  const headers = request!.headers!;
  assert.equal(headers['x-signal-timestamp'], String(NOW / 1000));
  assert.match(headers['x-signal-signature']!, /^sha256=[0-9a-f]{64}$/);
  assert.equal(headers.host, undefined);
  assert.equal(verifySignature(request!.body as string, headers, SECRET, { now: NOW }), true);
  assert.equal(verifySignature(`${request!.body as string}\n`, headers, SECRET, { now: NOW }), false);
  // Pure: the same input builds the same requests.
  assert.deepEqual(webhook.send(mapped(2), ctx(config)), webhook.send(mapped(2), ctx(config)));
});

test('send refuses a private target that is not allow-listed (a stale revision) and marks allowed ones', () => {
  assert.throws(() => webhook.send(mapped(1), ctx({ url: 'http://169.254.169.254/latest' })), TargetRefusedError);
  const [request] = webhook.send(mapped(1), ctx({ url: 'http://127.0.0.1:9/x', allow_private_targets: ['127.0.0.1', 'not a host/99'] }));
  assert.deepEqual(request!.allowPrivateTargets, ['127.0.0.1'], 'only usable entries are passed on');
});

test('end to end on loopback (allow-listed): the receiver gets every event once and verifies each signature', async (t) => {
  const received: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: Buffer }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/signal`;

  assert.equal(webhook.validateConfig!({ url }).length, 1, 'not allow-listed: refused');
  const config = { url, mode: 'batch', batch_size: 3, signing_secret: SECRET, allow_private_targets: ['127.0.0.1'] };
  assert.deepEqual(webhook.validateConfig!(config), []);

  const events = mapped(7);
  const requests = webhook.send(events, { ...ctx(config), now: Date.now() });
  // The core's performer sends them, with its egress guard.
  const http = createHttpPerformer({ timeoutMs: 5000 });
  t.after(() => http.close());
  for (const request of requests) assert.equal((await http.perform(request)).response?.status, 204);
  const unlisted = await http.perform({ ...requests[0]!, allowPrivateTargets: [] });
  assert.equal(unlisted.error?.kind, 'refused', 'without the allow list the core refuses the target');

  assert.equal(received.length, 3);
  const ids: string[] = [];
  for (const request of received) {
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/hooks/signal');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(verifySignature(request.body, request.headers, SECRET), true);
    ids.push(...(JSON.parse(request.body.toString('utf8')) as { batch: Array<{ messageId: string }> }).batch.map((e) => e.messageId));
  }
  assert.deepEqual(ids, events.map((e) => e.id));
});

test('the catalog lists secret_headers as an object to fill in, flagged secret; the signing secret as a secret text', async () => {
  const { toCatalogEntry } = await import('../../core/admin/catalog.ts');
  const fields = new Map(toCatalogEntry(webhook).configFields.map((f) => [f.key, [f.type, f.secret]]));
  assert.deepEqual(fields.get('secret_headers'), ['object', true]);
  assert.deepEqual(fields.get('signing_secret'), ['secret', true]);
});
