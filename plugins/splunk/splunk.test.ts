import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { sha256Hex, type CanonicalEvent, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import splunk from './index.ts';
import { classifyHec } from './classify.ts';
import { baseUrlOf, channelOf, splunkConfigWarnings, validateSplunkConfig } from './config.ts';
import { hecAnswer, said } from './hec-answer.ts';
import { hecEvent, hecRequests, hecTime, MAX_BYTES, MAX_EVENTS } from './hec-request.ts';
import { ackReceipt, ackRequest, readAck } from './indexer-ack.ts';

const URL_CLOUD = 'https://http-inputs-acme.splunkcloud.com';
const TOKEN = '12345678-9abc-4def-8123-456789abcdef';
const CONFIG = { url: URL_CLOUD, token: TOKEN, index: 'web_events' };
const NOW = Date.parse('2026-11-30T12:00:00Z');
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({
  config: { ...CONFIG, ...config }, variant: 'default', integrationId: 'int_splunk_1', revisionId: 'r', options: {}, now: NOW,
});
const VISITOR = 'df_splunk0visitor1';
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: VISITOR, userId: 'u-123',
  timestamp: '2026-11-30T11:59:58.250Z', sentAt: '2026-11-30T12:59:59.000+01:00', receivedAt: '2026-11-30T12:00:00.000Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com' },
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', locale: 'en-GB', page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks', title: 'Thanks' } },
  ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/splunk/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does: the shipped blueprint, then the plugin's map hook. */
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = createEventMapper(splunk, { variant: 'default', blueprint }, ctx(config))(event);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const mappedEvent = (id: string, payload: JsonObject = { message_id: id, type: 'track', timestamp: '2026-11-30T11:59:58.250Z' }): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload });
const answer = (status: number, json: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(json), json });
const requestOf = (ids: string[]): RequestDescriptor => ({ method: 'POST', url: `${URL_CLOUD}/services/collector/event`, eventIds: ids });
/** The event objects of an HEC body (concatenated JSON objects). */
const eventsOf = (body: string): JsonObject[] => JSON.parse(`[${body.replace(/\}\{"time"/g, '},{"time"')}]`) as JsonObject[];

test('config: HEC\'s https URL, a token, an index name Splunk takes; each problem names its field', () => {
  assert.deepEqual(validateSplunkConfig(CONFIG), []);
  assert.deepEqual(validateSplunkConfig(JSON.parse(readFileSync(new URL('./conformance-config.json', import.meta.url), 'utf8')) as Record<string, JsonValue>), []);
  const problems = (config: Record<string, JsonValue>) => validateSplunkConfig(config).map(({ field, message }) => `${field}: ${message}`);
  assert.deepEqual(problems({}), [
    'url: is required: where HEC listens, e.g. https://http-inputs-<stack>.splunkcloud.com (Splunk Cloud Platform) or https://<host>:8088 (Splunk Enterprise)',
    'token: is required: the HEC token\'s Token Value (Settings > Data Inputs > HTTP Event Collector), a GUID',
  ]);
  assert.deepEqual(problems({ ...CONFIG, url: 'http-inputs-acme.splunkcloud.com', index: 'Web Events' }), [
    'url: is "http-inputs-acme.splunkcloud.com": give an absolute https URL, e.g. https://http-inputs-<stack>.splunkcloud.com or https://<host>:8088',
    'index: is "Web Events": Splunk index names are lower-case letters, digits, underscores and hyphens, not starting with an underscore or hyphen (e.g. web_events)',
  ]);
  assert.deepEqual(problems({ ...CONFIG, index: '_internal' }), ['index: is "_internal": Splunk index names are lower-case letters, digits, underscores and hyphens, not starting with an underscore or hyphen (e.g. web_events)']);
  assert.deepEqual(problems({ ...CONFIG, url: 'http://splunk.example.com:8088' }), ['url: uses plain http to splunk.example.com: use https, or list a Splunk instance on your own network in allow_private_targets']);
  assert.deepEqual(problems({ ...CONFIG, url: 'https://admin:changeme@splunk.example.com:8088' }), ['url: must not carry credentials: give the HEC token in token']);
  assert.deepEqual(problems({ ...CONFIG, url: `${URL_CLOUD}/services/collector/event?token=x` }), [`url: must be HEC's URL without a query or fragment (the token goes in token, the index in index): ${URL_CLOUD}/services/collector/event`]);
  assert.deepEqual(problems({ ...CONFIG, url: `${URL_CLOUD}/services/collector/raw` }), ['url: names HEC\'s raw endpoint: Signal sends JSON events to /services/collector/event; give the URL without the path']);
  assert.deepEqual(problems({ ...CONFIG, url: 'https://10.0.3.7:8088' }), ['url: "10.0.3.7" is a loopback, private or link-local address; add it to allow_private_targets to reach a Splunk instance on your own network']);
  assert.deepEqual(problems({ ...CONFIG, url: 'http://10.0.3.7:8088', allow_private_targets: ['10.0.0.0/16'] }), []);
  assert.deepEqual(problems({ ...CONFIG, token: `${TOKEN}\n` }), [], 'a trailing line break is trimmed');
  assert.deepEqual(problems({ ...CONFIG, token: 'abc def' }), ['token: must be the token\'s Token Value alone, a GUID such as 12345678-9abc-4def-8123-456789abcdef (no spaces, line breaks or other characters than ASCII)']);
  assert.deepEqual(problems({ ...CONFIG, source: 'a\nb', indexed_fields: ['type', 'properties'], gzip: 'yes', allow_private_targets: ['10.0.0.0/16', 'not a host'] }), [
    'allow_private_targets[1]: is "not a host": give a hostname (splunk.internal), an IP address (10.0.3.7) or a CIDR range (10.0.0.0/16)',
    'indexed_fields[1]: is "properties": choose from type, event, name, message_id, user_id, anonymous_id, group_id',
    'source: holds a line break or control character: give the source on one line',
    'gzip: must be true or false',
  ]);
});

test('config warnings: Splunk Cloud\'s web address instead of HEC\'s, acknowledgment on Splunk Cloud, a token that is no GUID', () => {
  assert.deepEqual(splunkConfigWarnings(CONFIG), []);
  assert.deepEqual(splunkConfigWarnings({ ...CONFIG, url: 'https://acme.splunkcloud.com:8088' }), [], 'a trial stack takes HEC on 8088');
  // _json indexes every field already: the same fields in HEC's fields would be indexed twice.
  assert.deepEqual(splunkConfigWarnings({ ...CONFIG, indexed_fields: ['event', 'type'] }), [
    { field: 'indexed_fields', message: 'with sourcetype _json Splunk already indexes every field of the event (INDEXED_EXTRACTIONS = json): type, event would be indexed twice and show two values in searches — leave indexed_fields empty, or set a sourcetype of your own' },
  ]);
  assert.deepEqual(splunkConfigWarnings({ ...CONFIG, sourcetype: 'signal:event', indexed_fields: ['event', 'type'] }), []);
  assert.deepEqual(splunkConfigWarnings({ url: 'https://acme.splunkcloud.com', token: 'signal-token', indexer_acknowledgment: true }), [
    { field: 'url', message: 'acme.splunkcloud.com is Splunk Cloud Platform\'s web address: HEC listens on https://http-inputs-acme.splunkcloud.com (port 443), or on port 8088 of a trial stack; check the URL if deliveries fail with 404 or a web page' },
    { field: 'indexer_acknowledgment', message: 'Splunk Cloud Platform offers HEC indexer acknowledgment for Amazon Data Firehose only: turn it off unless your token has it (requests are then refused with "ACK is disabled", code 14)' },
    { field: 'token', message: 'is not a GUID (12345678-9abc-4def-8123-456789abcdef), which HEC token values are: check that it is the Token Value, not the token\'s name' },
  ]);
});

test('the base URL: a pasted HEC path removed, a proxy\'s path kept; the channel a stable GUID per integration', () => {
  assert.equal(baseUrlOf({ url: `${URL_CLOUD}/services/collector/event` }), URL_CLOUD);
  assert.equal(baseUrlOf({ url: `${URL_CLOUD}/services/collector` }), URL_CLOUD);
  assert.equal(baseUrlOf({ url: `${URL_CLOUD}/services/collector/health` }), URL_CLOUD, 'the health check\'s URL, pasted after testing it');
  assert.equal(baseUrlOf({ url: 'https://splunk.example.com:8088/' }), 'https://splunk.example.com:8088');
  assert.equal(baseUrlOf({ url: 'https://proxy.example.com/splunk/services/collector/event/1.0' }), 'https://proxy.example.com/splunk');
  assert.match(channelOf('int_1'), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(channelOf('int_1'), channelOf('int_1'));
  assert.notEqual(channelOf('int_1'), channelOf('int_2'));
});

test('mapping: the record without contact information — no email, IP or query string; an email as userId hashed; placeholder ids left out', () => {
  const record = recordOf(browserEvent());
  const { received_at: receivedAt, context, ...rest } = record;
  assert.deepEqual(rest, {
    message_id: 'm-1', type: 'track', event: 'Order Completed', user_id: 'u-123', anonymous_id: VISITOR,
    timestamp: '2026-11-30T11:59:58.250Z', sent_at: '2026-11-30T12:59:59.000+01:00',
    properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'EUR' },
  });
  assert.ok(typeof receivedAt === 'string');
  assert.deepEqual(context, { userAgent: 'Mozilla/5.0 (Test)', locale: 'en-GB', page: { url: 'https://shop.example.com/thanks', path: '/thanks', title: 'Thanks' } });
  const byEmail = recordOf(browserEvent({ userId: 'jane@example.com' }));
  assert.equal(byEmail.user_id, `sha256:${sha256Hex('jane@example.com')}`);
  assert.equal(recordOf(browserEvent({ userId: 'undefined' })).user_id, undefined);
  // With contact information included: as mapped.
  const full = recordOf(browserEvent({ userId: 'jane@example.com' }), { include_contact_info: true });
  assert.equal(full.user_id, 'jane@example.com');
  assert.equal((full.properties as JsonObject).email, 'jane@example.com');
  assert.equal((full.context as JsonObject).ip, '203.0.113.42');
  const page = recordOf(browserEvent({ type: 'page', event: undefined, name: 'Pricing' } as Partial<CanonicalEvent>));
  assert.deepEqual([page.type, page.name, page.event], ['page', 'Pricing', undefined]);
});

test('the HEC event: time in epoch seconds with milliseconds, the metadata configured, the record as event, the indexed fields as strings', () => {
  assert.equal(hecTime('2026-11-30T11:59:58.250Z'), 1796039998.25);
  assert.equal(hecTime('2026-11-30T12:59:58.001+01:00'), 1796039998.001);
  assert.equal(hecTime('not a time'), undefined);
  const record = recordOf(browserEvent());
  // _json indexes every field of the event already: no indexed fields unless the config lists some.
  assert.deepEqual(hecEvent(record, { ...CONFIG, source: 'signal', host: 'signal.example.com' }), {
    time: 1796039998.25, host: 'signal.example.com', source: 'signal', sourcetype: '_json', index: 'web_events', event: record,
  });
  assert.deepEqual(hecEvent(record, { ...CONFIG, sourcetype: 'signal:event', indexed_fields: ['type', 'event'] }), {
    time: 1796039998.25, sourcetype: 'signal:event', index: 'web_events', event: record, fields: { type: 'track', event: 'Order Completed' },
  });
  // Nothing configured: the token's defaults, sourcetype _json, no indexed fields; an empty list sends none either.
  assert.deepEqual(Object.keys(hecEvent(record, { url: URL_CLOUD, token: TOKEN })), ['time', 'sourcetype', 'event']);
  assert.deepEqual(Object.keys(hecEvent(record, { url: URL_CLOUD, token: TOKEN, indexed_fields: [] })), ['time', 'sourcetype', 'event']);
  assert.deepEqual(hecEvent(record, { ...CONFIG, sourcetype: 'signal:event', indexed_fields: ['anonymous_id', 'user_id', 'name'] }).fields, { user_id: 'u-123', anonymous_id: VISITOR });
  // No readable timestamp: received_at gives the time.
  assert.equal(hecEvent({ message_id: 'm', type: 'track', received_at: '2026-11-30T12:00:00.000Z' }, CONFIG).time, 1796040000);
});

test('requests: the documented POST, Authorization: Splunk <token>, events concatenated in order; the channel with acknowledgment on; gzip when asked', () => {
  const batch = [mappedEvent('m-1'), mappedEvent('m-2', { message_id: 'm-2', type: 'page', name: 'Home', timestamp: '2026-11-30T11:59:59.000Z' })];
  const [request, ...more] = hecRequests(batch, ctx());
  assert.equal(more.length, 0);
  assert.equal(request!.method, 'POST');
  assert.equal(request!.url, `${URL_CLOUD}/services/collector/event`);
  assert.deepEqual(request!.headers, { authorization: `Splunk ${TOKEN}`, 'content-type': 'application/json' });
  assert.equal(request!.body, '{"time":1796039998.25,"sourcetype":"_json","index":"web_events","event":{"message_id":"m-1","type":"track","timestamp":"2026-11-30T11:59:58.250Z"}}'
    + '{"time":1796039999,"sourcetype":"_json","index":"web_events","event":{"message_id":"m-2","type":"page","name":"Home","timestamp":"2026-11-30T11:59:59.000Z"}}');
  assert.deepEqual(request!.eventIds, ['m-1', 'm-2']);
  // A token pasted with the word Splunk is sent once with it.
  assert.equal(hecRequests(batch, ctx({ token: `Splunk ${TOKEN}` }))[0]!.headers!.authorization, `Splunk ${TOKEN}`);
  const acked = hecRequests(batch, ctx({ indexer_acknowledgment: true }))[0]!;
  assert.equal(acked.headers!['x-splunk-request-channel'], channelOf('int_splunk_1'));
  const zipped = hecRequests(batch, ctx({ gzip: true }))[0]!;
  assert.equal(zipped.headers!['content-encoding'], 'gzip');
  assert.ok(zipped.body instanceof Uint8Array);
  assert.equal(gunzipSync(zipped.body).toString('utf8'), request!.body);
  const privateTarget = hecRequests(batch, ctx({ url: 'https://10.0.3.7:8088', allow_private_targets: ['10.0.0.0/16'] }))[0]!;
  assert.deepEqual([privateTarget.url, privateTarget.allowPrivateTargets], ['https://10.0.3.7:8088/services/collector/event', ['10.0.0.0/16']]);
});

test('batching: at most 500 events and 1 MB a request, every event once, in order; an event over 1 MB alone is refused before sending', () => {
  const many = Array.from({ length: 1201 }, (_, i) => mappedEvent(`m-${i}`));
  const requests = hecRequests(many, ctx());
  assert.deepEqual(requests.map((r) => r.eventIds.length), [MAX_EVENTS, MAX_EVENTS, 201]);
  assert.deepEqual(requests.flatMap((r) => r.eventIds), many.map((e) => e.id));
  const big = (id: string) => mappedEvent(id, { message_id: id, type: 'track', timestamp: '2026-11-30T11:59:58.250Z', properties: { blob: 'x'.repeat(300_000) } });
  const bigRequests = hecRequests([big('a'), big('b'), big('c'), big('d')], ctx());
  assert.deepEqual(bigRequests.map((r) => r.eventIds), [['a', 'b', 'c'], ['d']]);
  for (const r of bigRequests) assert.ok(Buffer.byteLength(r.body as string) <= MAX_BYTES);
  assert.equal(eventsOf(bigRequests[0]!.body as string).length, 3);
  assert.throws(() => hecRequests([mappedEvent('huge', { message_id: 'huge', type: 'track', properties: { blob: 'x'.repeat(MAX_BYTES) } })], ctx()), /more than an HEC request carries \(1,000,000\)/);
});

test('HEC\'s answer read: code, text, invalid-event-number, ackId; said() quotes it', () => {
  assert.deepEqual(hecAnswer(answer(400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 2 })), { code: 6, text: 'Invalid data format', invalidEventNumber: 2 });
  assert.deepEqual(hecAnswer(answer(200, { text: 'Success', code: 0, ackId: 7 })), { code: 0, text: 'Success', ackId: 7 });
  assert.equal(hecAnswer(answer(200, { ok: true })), undefined);
  assert.equal(said(answer(403, { text: 'Token disabled', code: 1 })), 'HTTP 403, code 1: Token disabled');
  assert.equal(said({ status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' }), 'HTTP 502: 502 Bad Gateway');
});

test('classify: every documented HEC answer — delivered, retried, rate-limited, split or dead-lettered naming the field to fix', () => {
  const c = (response: VendorResponse, ids = ['m-1', 'm-2', 'm-3'], config: Record<string, JsonValue> = CONFIG) => classifyHec(response, requestOf(ids), { config }) as { status?: string; reason?: string; throttled?: boolean };
  assert.deepEqual(c(answer(200, { text: 'Success', code: 0 })), { status: 'delivered' });
  assert.deepEqual(c(answer(200, { text: 'Success', code: 0, ackId: 3 })), { status: 'delivered' });
  // A 2xx that is not HEC's answer: a proxy's page, Splunk Web, the health endpoint.
  const page = c({ status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><title>Splunk</title>' });
  assert.equal(page.status, 'retry');
  assert.match((page as { reason: string }).reason, /^the answer to the event request is a web page \(HTTP 200: Splunk\): check that config\.url is HEC's/);
  assert.equal(c(answer(200, { text: 'HEC is healthy', code: 17 })).status, 'retry');
  assert.equal(c(answer(200, {})).status, 'retry');

  const dead = (response: VendorResponse, config: Record<string, JsonValue> = CONFIG) => {
    const outcome = c(response, ['m-1', 'm-2'], config) as { status: string; reason: string };
    assert.equal(outcome.status, 'dead_letter', JSON.stringify(outcome));
    return outcome.reason;
  };
  assert.match(dead(answer(403, { text: 'Token disabled', code: 1 })), /^HEC refused the token \(HTTP 403, code 1: Token disabled\): the token is disabled — enable it in Splunk .* or give an enabled one in config\.token/);
  assert.match(dead(answer(401, { text: 'Token is required', code: 2 })), /HEC received no token .*a proxy in front of HEC may drop the header; check config\.url/);
  assert.match(dead(answer(401, { text: 'Invalid authorization', code: 3 })), /HEC could not read the token \(HTTP 401, code 3: Invalid authorization\): check config\.token/);
  assert.match(dead(answer(403, { text: 'Invalid token', code: 4 })), /HEC does not know the token \(HTTP 403, code 4: Invalid token\): check config\.token/);
  // Newer Splunk versions answer a refused token with a 400 and codes 21 and 22.
  assert.match(dead(answer(400, { text: 'Invalid token', code: 21 })), /^HEC does not know the token \(HTTP 400, code 21: Invalid token\): check config\.token/);
  assert.match(dead(answer(400, { text: 'Token disabled', code: 22 })), /^HEC refused the token \(HTTP 400, code 22: Token disabled\): the token is disabled .* config\.token/);
  assert.match(dead(answer(400, { text: 'No data', code: 5 })), /^HEC found no event in the request \(HTTP 400, code 5: No data\): .*check config\.url .*config\.gzip off/);
  assert.match(dead(answer(400, { text: 'Incorrect index', code: 7 })), /^HEC refused the index \(HTTP 400, code 7: Incorrect index\): config\.index \(web_events\) must exist and be one of the token's Allowed Indexes/);
  assert.match(dead(answer(400, { text: 'Incorrect index', code: 7 }), { url: URL_CLOUD, token: TOKEN }), /config\.index is empty, so the token's default index was used/);
  assert.match(dead(answer(400, { text: 'Data channel is missing', code: 10 })), /the token has indexer acknowledgment on — turn on config\.indexer_acknowledgment/);
  assert.match(dead(answer(400, { text: 'Invalid data channel', code: 11 })), /HEC refused the data channel .*config\.indexer_acknowledgment/);
  assert.match(dead(answer(400, { text: 'ACK is disabled', code: 14 })), /turn config\.indexer_acknowledgment off/);
  assert.match(dead(answer(400, { text: 'Query string authorization is not enabled', code: 16 })), /HEC refused the request \(HTTP 400, code 16: .*\): check config\.url, config\.token and config\.index/);
  assert.match(dead(answer(404, { text: 'The requested URL was not found on this server.', code: 404 })), /HEC's event endpoint was not found there .*check config\.url/);
  assert.match(dead({ status: 403, headers: {}, body: '<html>Forbidden</html>' }), /HEC does not know the token \(HTTP 403: Forbidden\)/);

  // One event refused, named by invalid-event-number: that one dead-lettered, the others sent again.
  const one = classifyHec(answer(400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 }), requestOf(['m-1', 'm-2', 'm-3']), { config: CONFIG }) as { perEvent: Record<string, { status: string; reason: string }> };
  assert.deepEqual(Object.fromEntries(Object.entries(one.perEvent).map(([id, o]) => [id, o.status])), { 'm-1': 'resend', 'm-2': 'dead_letter', 'm-3': 'resend' });
  assert.match(one.perEvent['m-2']!.reason, /^HEC could not read this event \(HTTP 400, code 6: Invalid data format\): check what the blueprint maps/);
  const fields = c(answer(400, { text: 'Error in handling indexed fields', code: 15, 'invalid-event-number': 0 }), ['m-1']) as { status: string; reason: string };
  assert.equal(fields.status, 'dead_letter');
  assert.match(fields.reason, /^HEC refused this event's indexed fields or time \(HTTP 400, code 15: Error in handling indexed fields\): check config\.indexed_fields/);
  assert.match((c(answer(400, { text: 'Event field is required', code: 12, 'invalid-event-number': 0 }), ['m-1']) as { reason: string }).reason, /HEC found this event empty/);
  assert.match((c(answer(400, { text: 'Event field cannot be blank', code: 13, 'invalid-event-number': 0 }), ['m-1']) as { reason: string }).reason, /HEC found this event empty/);
  // A number naming no event of the request: split to find it.
  assert.equal(c(answer(400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 9 })).status, 'split');
  // Without a number: split until the event is alone.
  assert.equal(c(answer(400, { text: 'Invalid data format', code: 6 })).status, 'split');
  assert.equal(c(answer(400, { text: 'Invalid data format', code: 6 }), ['m-1']).status, 'dead_letter');

  // Size: split, alone dead-lettered.
  assert.equal(c({ status: 413, headers: {}, body: 'Content-Length of 2000000 too large (maximum is 1000000)' }).status, 'split');
  assert.match((c({ status: 413, headers: {}, body: '' }, ['m-1']) as { reason: string }).reason, /HEC refused this event alone as too large/);

  // Busy: rate limits (no try used up), after Retry-After when given.
  assert.deepEqual(c(answer(503, { text: 'Server is busy', code: 9 }, { 'retry-after': '30' })), { status: 'retry', reason: 'HEC is busy (HTTP 503, code 9: Server is busy): its queues are full, sending again later', throttled: true, retryAfterMs: 30_000 });
  assert.equal((c(answer(503, { text: 'HEC is unhealthy, queues are full', code: 18 })) as { throttled?: boolean }).throttled, true);
  assert.deepEqual(c(answer(429, { text: 'Too many requests' }, { 'retry-after': '5' })), { status: 'retry', reason: 'Splunk asked Signal to slow down (HTTP 429: {"text":"Too many requests"})', throttled: true, retryAfterMs: 5_000 });
  // Failures for now: retried.
  assert.deepEqual(c(answer(500, { text: 'Internal server error', code: 8 })), { status: 'retry', reason: 'HEC failed for now (HTTP 500, code 8: Internal server error)' });
  assert.equal(c(answer(503, { text: 'HEC is unhealthy, ack service unavailable', code: 19 })).status, 'retry');
  assert.equal(c({ status: 502, headers: {}, body: '<html>Bad Gateway</html>' }).status, 'retry');
  assert.equal(c({ status: 408, headers: {}, body: '' }).status, 'retry');
});

test('indexer acknowledgment: the receipt is the ackId and channel; the ack query as documented; true done, false pending', () => {
  const c = ctx({ indexer_acknowledgment: true });
  const [request] = hecRequests([mappedEvent('m-1')], c);
  const channel = channelOf('int_splunk_1');
  assert.deepEqual(ackReceipt(answer(200, { text: 'Success', code: 0, ackId: 7 }), request!, c), { ackId: 7, channel });
  assert.equal(ackReceipt(answer(200, { text: 'Success', code: 0 }), request!, c), undefined, 'no ackId: nothing to follow');
  assert.equal(ackReceipt(answer(200, { text: 'Success', code: 0, ackId: 7 }), request!, ctx()), undefined, 'acknowledgment off: nothing followed');
  assert.deepEqual(ackRequest({ ackId: 7, channel }, c), {
    method: 'POST', url: `${URL_CLOUD}/services/collector/ack`, query: [['channel', channel]],
    headers: { authorization: `Splunk ${TOKEN}`, 'content-type': 'application/json', 'x-splunk-request-channel': channel },
    body: { acks: [7] }, eventIds: [],
  });
  assert.deepEqual(readAck(answer(200, { acks: { 7: true } }), { ackId: 7, channel }), { done: true, failed: 0, message: 'Splunk indexed the request\'s events (ackId 7)' });
  assert.deepEqual(readAck(answer(200, { acks: { 7: false } }), { ackId: 7, channel }), { pending: true, message: 'not indexed yet (ackId 7)' });
  assert.equal('pending' in readAck(answer(200, { text: 'Success', code: 0 }), { ackId: 7, channel }), true);
  assert.equal(splunk.processingReport?.afterSeconds, 10);
});

test('the definition: HEC\'s success answer is delivered; no deletion API, so no forgetPerson; no consent category', () => {
  assert.deepEqual(classifyHec(answer(200, splunk.successAnswer!.body), requestOf(['m-1']), { config: CONFIG }), { status: 'delivered' });
  assert.equal(splunk.forgetPerson, undefined);
  assert.deepEqual(splunk.consent, []);
  assert.equal(splunk.config.properties.token!.secret, true);
});
