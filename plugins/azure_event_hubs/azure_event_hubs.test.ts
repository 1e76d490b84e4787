// Azure Event Hubs, unit by unit: the config checks (fields or a connection string), the events'
// bodies (contact information left out unless included), the Send batch events requests (one per
// partition key, within the tier's size), their Shared Access Signature (recomputed here from
// Microsoft's documented steps), Event Hubs' answers, and deletion notices.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import eventHubs, {
  azureError, classifySend, eventBody, hubTarget, MAX_EVENTS, namespaceHost, parseConnectionString, partitionKey, readDeletionNotice, sharedAccessSignature, validateEventHubsConfig,
} from './index.ts';

const NOW = Date.parse('2026-11-30T12:00:05.000Z');
const KEY = 'dGhpcy1pcy1ub3QtYS1yZWFsLWtleS1qdXN0LWFuLWV4YW1wbGU=';
const CONFIG = { namespace: 'shop-events', event_hub: 'signal-events', shared_access_key_name: 'signal-send', shared_access_key: KEY };
const CONNECTION_STRING = `Endpoint=sb://shop-events.servicebus.windows.net/;SharedAccessKeyName=signal-send;SharedAccessKey=${KEY};EntityPath=signal-events`;
const URL_ = 'https://shop-events.servicebus.windows.net/signal-events/messages';
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { ...CONFIG, ...config }, variant: 'default', integrationId: 'pi-eh1', revisionId: 'r', options: {}, now: NOW });
/** A context whose config is the connection string alone. */
const byConnectionString: PluginContext = { ...ctx(), config: { connection_string: CONNECTION_STRING } };
const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc123', userId: 'u-42', timestamp: '2026-11-30T11:59:58.250Z', receivedAt: '2026-11-30T12:00:00.100Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, email: 'jane@example.com' },
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks' } },
  ...overrides,
} as CanonicalEvent);
const mapped = (id: string, overrides: Partial<CanonicalEvent> = {}, payload: JsonObject = { message_id: id, type: 'track' }): MappedEvent => ({ id, event: event({ messageId: id.replace(/#\d+$/, ''), ...overrides }), payload });
const answer = (status: number, body = '', headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body });
const xmlError = (code: number, detail: string) => `<Error><Code>${code}</Code><Detail>${detail}</Detail></Error>`;
const request = (events: number): RequestDescriptor => ({ method: 'POST', url: URL_, eventIds: Array.from({ length: events }, (_, i) => `e${i}`) });
const classify = (response: VendorResponse, events = 2, config: Record<string, JsonValue> = CONFIG) => classifySend(response, request(events), config, NOW);
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const messagesOf = (r: RequestDescriptor) => r.body as Array<{ Body: string; BrokerProperties?: { PartitionKey: string }; UserProperties: Record<string, string> }>;

test('config: the four fields, or a connection string, or both agreeing; each problem names its field and says what is expected', () => {
  assert.deepEqual(validateEventHubsConfig(CONFIG), []);
  assert.deepEqual(validateEventHubsConfig({ connection_string: CONNECTION_STRING }), []);
  assert.deepEqual(validateEventHubsConfig({ ...CONFIG, connection_string: CONNECTION_STRING, tier: 'basic', partition_key: 'none', include_contact_info: true, deletion_notices: true }), []);
  assert.deepEqual(validateEventHubsConfig({ connection_string: CONNECTION_STRING.replace(';EntityPath=signal-events', ''), event_hub: 'signal-events' }), [], 'a namespace\'s connection string and the hub\'s name');
  assert.deepEqual(validateEventHubsConfig({ ...CONFIG, namespace: 'sb://Shop-Events.servicebus.windows.net/' }), [], 'an endpoint is read as its namespace');
  assert.deepEqual(validateEventHubsConfig({}).map((p) => p.field), ['namespace', 'event_hub', 'shared_access_key_name', 'shared_access_key']);
  assert.match(validateEventHubsConfig({})[0]!.message, /^is required \(or a connection string\): the Event Hubs namespace's name/);
  const problems = validateEventHubsConfig({
    namespace: 'shop', event_hub: '-signal', shared_access_key_name: 'signal send', shared_access_key: `${KEY}\n`, tier: 'free', partition_key: 'message_id', include_contact_info: 'yes', deletion_notices: 1,
  });
  assert.deepEqual(problems.map((p) => p.field), ['namespace', 'event_hub', 'shared_access_key_name', 'shared_access_key', 'tier', 'partition_key', 'include_contact_info', 'deletion_notices']);
  assert.match(problems[0]!.message, /^is "shop": give the namespace's name \(6 to 50 letters, digits and hyphens/);
  assert.match(problems[3]!.message, /white space or a line break/);
  assert.ok(problems.every((p) => !p.message.includes(KEY)), 'the key is never quoted');
  assert.deepEqual(validateEventHubsConfig({ ...CONFIG, shared_access_key: CONNECTION_STRING }).map((p) => p.message), ['holds a whole connection string: put it in connection_string, or give the key alone (the value after SharedAccessKey=)']);
  assert.deepEqual(validateEventHubsConfig({ ...CONFIG, connection_string: CONNECTION_STRING.replace('EntityPath=signal-events', 'EntityPath=other-hub') }), [
    { field: 'event_hub', message: 'differs from the connection string\'s EntityPath: leave event_hub empty to use the connection string\'s, or give a connection string of this event hub' },
  ]);
  assert.deepEqual(validateEventHubsConfig({ connection_string: 'Endpoint=sb://shop-events.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature sr=x&sig=y&se=1&skn=z' }).map((p) => p.field), ['connection_string', 'event_hub', 'shared_access_key_name', 'shared_access_key']);
  assert.match(validateEventHubsConfig({ connection_string: 'Endpoint=sb://shop-events.servicebus.windows.net/;SharedAccessSignature=sr' })[0]!.message, /holds a SharedAccessSignature, a token that expires/);
  assert.deepEqual(validateEventHubsConfig({ connection_string: `Endpoint=sb://shop-events.servicebus.windows.net/;SharedAccessKey=${KEY}`, event_hub: 'signal-events' }), [
    { field: 'connection_string', message: 'has no SharedAccessKeyName: copy the whole "Connection string–primary key" of a shared access policy (Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<policy>;SharedAccessKey=<key>)' },
    { field: 'shared_access_key_name', message: 'is required (or a connection string): the name of a shared access policy with the Send claim, e.g. signal-send' },
  ]);
  assert.match(validateEventHubsConfig({ connection_string: 'Endpoint=sb://localhost;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;EntityPath=eh1' })[0]!.message, /emulator/);
});

test('connection strings and namespaces: parts read in any case, keys ending in =; the sovereign clouds\' hosts kept', () => {
  assert.deepEqual(parseConnectionString(` endpoint=sb://shop-events.servicebus.windows.net/ ; SHAREDACCESSKEYNAME=signal-send;SharedAccessKey=${KEY};EntityPath=signal-events;`), {
    endpoint: 'sb://shop-events.servicebus.windows.net/', keyName: 'signal-send', key: KEY, entityPath: 'signal-events',
  });
  assert.deepEqual(hubTarget({ connection_string: CONNECTION_STRING }), { host: 'shop-events.servicebus.windows.net', eventHub: 'signal-events', keyName: 'signal-send', key: KEY });
  assert.equal(namespaceHost('shop-events'), 'shop-events.servicebus.windows.net');
  assert.equal(namespaceHost('https://shop-events.servicebus.chinacloudapi.cn'), 'shop-events.servicebus.chinacloudapi.cn');
  assert.equal(namespaceHost('shop-events.servicebus.usgovcloudapi.net'), 'shop-events.servicebus.usgovcloudapi.net');
  assert.equal(namespaceHost('shop-events.example.com'), undefined);
  assert.equal(namespaceHost('1shop-events'), undefined, 'starts with a letter');
});

test('bodies: through the default blueprint, contact information left out unless config.include_contact_info; placeholder ids left out', () => {
  const blueprint = readFileSync(new URL('../../blueprints/azure_event_hubs/default.yaml', import.meta.url), 'utf8');
  const mapper = (config: Record<string, JsonValue> = {}) => {
    const map = createEventMapper(eventHubs, { variant: 'default', blueprint }, ctx(config));
    return (e: CanonicalEvent) => map(e).payload as JsonObject;
  };
  const identify = event({ type: 'identify', event: undefined, userId: 'undefined', traits: { email: 'jane@example.com', name: 'Jane Doe', plan: 'pro' }, properties: undefined } as Partial<CanonicalEvent>);
  assert.deepEqual(mapper()(identify), {
    message_id: 'm-1', type: 'identify', anonymous_id: 'df_abc123', timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.100Z',
    traits: { plan: 'pro' }, context: { userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks', path: '/thanks' } },
  });
  const full = mapper({ include_contact_info: true })(event());
  assert.deepEqual(full.properties, { order_id: 'ORD-1', revenue: 74.97, email: 'jane@example.com' });
  assert.equal((full.context as { ip: string }).ip, '203.0.113.42');
  assert.deepEqual(eventBody({ user_id: 'jane@example.com', anonymous_id: 'df_1' }, { includeContactInfo: false }), { user_id: `sha256:${sha256('jane@example.com')}`, anonymous_id: 'df_1' });
  assert.deepEqual(eventBody({ user_id: 'jane@example.com' }, { includeContactInfo: true }), { user_id: 'jane@example.com' });
});

test('send: Send batch events to the hub\'s messages URL, api-version 2014-01, the batch content type; one request per partition key, in order', () => {
  const batch = [
    mapped('m-1', {}, { message_id: 'm-1', type: 'track', note: 'é "☀️"' }),
    mapped('m-2', { userId: undefined, anonymousId: 'df_b' }),
    mapped('m-3'),
    mapped('m-4', { userId: 'null', anonymousId: 'df_b', type: 'page' }),
  ];
  const requests = eventHubs.send(batch, ctx());
  assert.deepEqual(requests.map((r) => r.eventIds), [['m-1', 'm-3'], ['m-2', 'm-4']], 'u-42\'s events together, then df_b\'s (a placeholder userId passed over)');
  const [first] = requests;
  assert.deepEqual({ ...first!, body: undefined }, {
    method: 'POST', url: URL_, query: [['api-version', '2014-01']], headers: { 'content-type': 'application/vnd.microsoft.servicebus.json' }, body: undefined, eventIds: ['m-1', 'm-3'],
  });
  assert.deepEqual(first!.body, [
    { Body: '{"message_id":"m-1","type":"track","note":"é \\"☀️\\""}', BrokerProperties: { PartitionKey: 'u-42' }, UserProperties: { kind: 'event', type: 'track', message_id: 'm-1' } },
    { Body: '{"message_id":"m-3","type":"track"}', BrokerProperties: { PartitionKey: 'u-42' }, UserProperties: { kind: 'event', type: 'track', message_id: 'm-3' } },
  ]);
  assert.deepEqual(messagesOf(requests[1]!).map((m) => [m.BrokerProperties?.PartitionKey, m.UserProperties.type]), [['df_b', 'track'], ['df_b', 'page']]);
  assert.deepEqual(eventHubs.send(batch, ctx({ partition_key: 'anonymous_id' })).map((r) => r.eventIds), [['m-1', 'm-3'], ['m-2', 'm-4']]);
  assert.deepEqual(eventHubs.send(batch, ctx({ partition_key: 'anonymous_id' })).map((r) => messagesOf(r)[0]!.BrokerProperties!.PartitionKey), ['df_abc123', 'df_b']);
  const spread = eventHubs.send(batch, ctx({ partition_key: 'none' }));
  assert.deepEqual(spread.map((r) => r.eventIds), [['m-1', 'm-2', 'm-3', 'm-4']], 'no key: one request, Event Hubs spreads the events');
  assert.ok(messagesOf(spread[0]!).every((m) => m.BrokerProperties === undefined));
  assert.equal(eventHubs.send([mapped('m-1')], byConnectionString)[0]!.url, URL_);
  assert.deepEqual(eventHubs.send(batch, ctx()), eventHubs.send(batch, ctx()), 'pure');
});

test('partition keys: an email as userId, or an id over 128 characters, becomes sha256:<hex> (an email kept only with contact information included)', () => {
  const long = 'u'.repeat(129);
  assert.equal(partitionKey({ userId: long, anonymousId: 'df_1' }, CONFIG), `sha256:${sha256(long)}`);
  assert.equal(partitionKey({ userId: 'u'.repeat(128), anonymousId: 'df_1' }, CONFIG), 'u'.repeat(128));
  assert.equal(partitionKey({ userId: 'jane@example.com', anonymousId: 'df_1' }, CONFIG), `sha256:${sha256('jane@example.com')}`);
  assert.equal(partitionKey({ userId: 'jane@example.com', anonymousId: 'df_1' }, { ...CONFIG, include_contact_info: true }), 'jane@example.com');
  assert.match(partitionKey({ userId: 'u-\ud800' }, CONFIG)!, /^sha256:[0-9a-f]{64}$/, 'a lone surrogate is no valid text');
  assert.equal(partitionKey({ userId: 'undefined', anonymousId: null }, CONFIG), undefined, 'no usable id: no key');
});

test('send: at most 500 events and 1 MB of body a request (250,000 bytes on Basic), every event once; an event too large alone goes alone', () => {
  const many = Array.from({ length: 1201 }, (_, i) => mapped(`m-${i}`));
  const parts = eventHubs.send(many, ctx());
  assert.deepEqual(parts.map((r) => r.eventIds.length), [MAX_EVENTS, MAX_EVENTS, 201]);
  assert.deepEqual(parts.flatMap((r) => r.eventIds), many.map((m) => m.id));
  const big = (id: string) => mapped(id, {}, { message_id: id, blob: 'x'.repeat(90_000) });
  const heavy = Array.from({ length: 12 }, (_, i) => big(`b-${i}`));
  const sizes = eventHubs.send(heavy, ctx()).map((r) => Buffer.byteLength(JSON.stringify(r.body)));
  assert.ok(sizes.every((bytes) => bytes <= 1_000_000), String(sizes));
  assert.deepEqual(eventHubs.send(heavy, ctx()).map((r) => r.eventIds.length), [11, 1]);
  const basic = eventHubs.send(heavy, ctx({ tier: 'basic' }));
  assert.deepEqual(basic.map((r) => r.eventIds.length), [2, 2, 2, 2, 2, 2]);
  assert.ok(basic.every((r) => Buffer.byteLength(JSON.stringify(r.body)) <= 250_000));
  const huge = mapped('huge', {}, { blob: 'x'.repeat(1_200_000) });
  assert.deepEqual(eventHubs.send([mapped('s-1'), huge, mapped('s-2')], ctx()).map((r) => r.eventIds), [['s-1'], ['huge'], ['s-2']]);
});

test('sign: the Shared Access Signature Microsoft documents, over the hub\'s URI, made at the sending time and valid 10 minutes', () => {
  const [built] = eventHubs.send([mapped('m-1')], ctx());
  assert.equal(built!.headers!.authorization, undefined, 'send does not sign');
  const later = { ...ctx(), now: NOW + 4 * 60_000 + 999 };
  const signed = eventHubs.sign!(built!, later);
  const expiry = Math.floor(later.now / 1000) + 600;
  // Microsoft's steps: URL-encode the resource URI; HMAC-SHA256 of "<encoded uri>\n<expiry>" with the key's text; base64; URL-encode.
  const encoded = encodeURIComponent('https://shop-events.servicebus.windows.net/signal-events');
  assert.equal(encoded, 'https%3A%2F%2Fshop-events.servicebus.windows.net%2Fsignal-events');
  const signature = createHmac('sha256', Buffer.from(KEY, 'utf8')).update(`${encoded}\n${expiry}`).digest('base64');
  assert.equal(signed.headers!.authorization, `SharedAccessSignature sr=${encoded}&sig=${encodeURIComponent(signature)}&se=${expiry}&skn=signal-send`);
  assert.deepEqual([signed.body, signed.eventIds, signed.url, signed.query, signed.headers!['content-type']], [built!.body, built!.eventIds, built!.url, built!.query, 'application/vnd.microsoft.servicebus.json']);
  assert.equal(eventHubs.sign!(built!, byConnectionString).headers!.authorization, eventHubs.sign!(built!, ctx()).headers!.authorization, 'the connection string\'s parts sign alike');
  assert.equal(sharedAccessSignature('https://a.servicebus.windows.net/h', 'k', 'secret', 1), `SharedAccessSignature sr=https%3A%2F%2Fa.servicebus.windows.net%2Fh&sig=${encodeURIComponent(createHmac('sha256', 'secret').update('https%3A%2F%2Fa.servicebus.windows.net%2Fh\n1').digest('base64'))}&se=1&skn=k`);
});

test('classify 2xx: 201 Created with its empty body delivered; another 2xx, or a web page, sent again', () => {
  assert.deepEqual(classify(answer(201)), { status: 'delivered' });
  assert.deepEqual(classify(answer(201, '', { 'content-type': 'application/xml; charset=utf-8' })), { status: 'delivered' });
  assert.deepEqual(classify(answer(200, '<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>')), {
    status: 'retry', reason: 'HTTP 200 with a web page: not Event Hubs\' answer (201 Created, an empty body), a proxy or a wrong route in the way? The events are sent again',
  });
  assert.equal(statusOf(classify(answer(201, '<html><body>portal</body></html>'))), 'retry');
  assert.equal(statusOf(classify(answer(204))), 'retry');
});

test('classify throttling and failures: 429 and "server busy" retried as a rate limit (Retry-After, else 10 s); 5xx, 408 and a quota retried; an expired token names the clock', () => {
  assert.deepEqual(classify(answer(429, xmlError(429, 'Rate exceeded. TrackingId:aa'), { 'retry-after': '3' })), {
    status: 'retry', throttled: true, retryAfterMs: 3000,
    reason: 'Event Hubs is busy or the namespace\'s throughput is used up (HTTP 429 Rate exceeded. TrackingId:aa); sent again later. If this lasts, raise the namespace\'s throughput units (or turn on auto-inflate) or processing units',
  });
  const busy = classify(answer(503, xmlError(503, 'The request was terminated because the entity is being throttled. Error code : 50002. Sub error : 102. Please wait 4 seconds and try again. TrackingId:bb')));
  assert.deepEqual([statusOf(busy), 'throttled' in busy && busy.throttled, 'retryAfterMs' in busy && busy.retryAfterMs], ['retry', true, 10_000]);
  assert.deepEqual(classify(answer(503, 'Service Unavailable')), { status: 'retry', reason: 'Event Hubs failed (HTTP 503 Service Unavailable)' });
  assert.deepEqual(classify(answer(500, xmlError(500, 'The server was unable to process the request; please retry the operation. TrackingId:cc'))), { status: 'retry', reason: 'Event Hubs failed (HTTP 500 The server was unable to process the request; please retry the operation. TrackingId:cc)' });
  assert.equal(statusOf(classify(answer(408))), 'retry');
  assert.deepEqual(classify(answer(502, 'Bad Gateway', { 'retry-after': '7' })), { status: 'retry', reason: 'Event Hubs failed (HTTP 502 Bad Gateway)', retryAfterMs: 7000 }, 'a 5xx\'s Retry-After kept');
  assert.equal(statusOf(classify(answer(403, xmlError(403, 'QuotaExceeded: Quota exceeded for the namespace. TrackingId:dd')))), 'retry');
  assert.deepEqual(classify(answer(401, xmlError(401, 'ExpiredToken: The token is expired. TrackingId:ee'))), {
    status: 'retry', reason: 'Event Hubs refused the token as expired (HTTP 401 ExpiredToken: The token is expired. TrackingId:ee): each token is valid 10 minutes from its signing, so the Signal host\'s clock is more than that behind Azure\'s; fix it with NTP (each try is signed anew)',
  });
});

test('classify refusals: size split then dead-lettered; a missing hub, a refused signature, a policy without Send, the firewall, a disabled hub dead-lettered naming what to fix', () => {
  assert.deepEqual(classify(answer(413, 'Request Entity Too Large')), { status: 'split', reason: 'Event Hubs refused the request as too large (HTTP 413 Request Entity Too Large): sending it in halves' });
  assert.deepEqual(classify(answer(413, ''), 1), {
    status: 'dead_letter', reason: 'Event Hubs refused this event alone as too large (HTTP 413): an event holds at most 1 MB with its properties; leave its largest properties out with a pipeline transformation or the blueprint, then replay the dead letters',
  });
  assert.match(reasonOf(classify(answer(400, xmlError(400, 'The received message (delivery-id:0, size:300000 bytes) exceeds the limit (262144 bytes) currently allowed on the link.')), 1, { ...CONFIG, tier: 'basic' })), /at most 256 KB \(Basic tier\) .*or move the namespace to the Standard tier \(and set config\.tier\)/);
  assert.match(reasonOf(classify(answer(413, ''), 1, { ...CONFIG, tier: 'dedicated' })), /an event holds at most 20 MB \(Dedicated tier\) with its properties/);
  assert.equal(statusOf(classify(answer(400, xmlError(400, 'The message size exceeds the maximum size allowed. TrackingId:ff')))), 'split');
  assert.equal(statusOf(classify(answer(400, xmlError(400, 'Failed to deserialize the JSON batch: invalid property. TrackingId:gg')))), 'split');
  assert.deepEqual(classify(answer(404, xmlError(404, 'The messaging entity \'sb://shop-events.servicebus.windows.net/signal-events\' could not be found. TrackingId:hh'))), {
    status: 'dead_letter', reason: 'Event Hubs has no event hub signal-events in shop-events.servicebus.windows.net (HTTP 404 The messaging entity \'sb://shop-events.servicebus.windows.net/signal-events\' could not be found. TrackingId:hh): check config.event_hub (or the connection string\'s EntityPath) and config.namespace, then replay the dead letters',
  });
  assert.deepEqual(classify(answer(401, xmlError(401, 'InvalidSignature: The token has an invalid signature. TrackingId:ii'))), {
    status: 'dead_letter', reason: 'Event Hubs refused the signature (HTTP 401 InvalidSignature: The token has an invalid signature. TrackingId:ii): check config.shared_access_key_name and config.shared_access_key (or config.connection_string) — a policy of the event hub signal-events in shop-events.servicebus.windows.net or of its namespace, its current primary or secondary key (a regenerated key stops the old one) — then replay the dead letters',
  });
  assert.match(reasonOf(classify(answer(401, xmlError(401, 'Unauthorized access. \'Send\' claim(s) are required to perform this operation. TrackingId:jj')))), /^the shared access policy may not send .*give config\.shared_access_key_name a policy with the Send claim/);
  assert.match(reasonOf(classify(answer(403, xmlError(403, 'Ip has been prevented to connect to the endpoint. TrackingId:kk')))), /^the namespace's networking refused Signal's address/);
  assert.match(reasonOf(classify(answer(401, xmlError(401, 'LocalAuthDisabled: SAS authentication is disabled for this namespace. TrackingId:lk')))), /^the namespace refuses shared access keys .*enable local authentication on the namespace/);
  assert.match(reasonOf(classify(answer(400, xmlError(400, 'Messaging entity \'signal-events\' is currently disabled. TrackingId:ll')))), /does not take events now .*set its status to Active/);
  assert.match(reasonOf(classify(answer(403, xmlError(403, 'Public network access is disabled and request is not from a trusted service nor via an approved private link. TrackingId:lm')))), /^the namespace's networking refused Signal's address/, 'networking, not a disabled hub');
  assert.equal(statusOf(classify(answer(400, xmlError(400, 'Bad request. TrackingId:mm')))), 'dead_letter', 'a bare 400 names no event');
  assert.equal(statusOf(classify(answer(400, xmlError(400, 'Messaging entity \'signal-events\' is currently disabled. TrackingId:mn')))), 'dead_letter', 'a disabled hub is no one event\'s fault');
  assert.equal(statusOf(classify(answer(409, 'Conflict'))), 'dead_letter');
  assert.equal(azureError('{"error":{"code":"Unauthorized","message":"no token"}}', { error: { code: 'Unauthorized', message: 'no token' } }), 'no token');
  assert.equal(azureError('<Error><Code>400</Code><Detail>a &amp; b &lt;c&gt;</Detail></Error>'), 'a & b <c>');
});

test('deletion notices: off unless turned on; one notice event under the person\'s partition key, ids that are contact information hashed; Azure\'s answer read', () => {
  const forget = eventHubs.forgetPerson!;
  assert.equal(forget.enabled(CONFIG), false);
  assert.equal(forget.enabled({ ...CONFIG, deletion_notices: true }), true);
  const notice = forget.request({ userId: 'jane@example.com', anonymousId: 'df_1' }, ctx({ deletion_notices: true })) as RequestDescriptor;
  assert.deepEqual({ ...notice, body: undefined }, { method: 'POST', url: URL_, query: [['api-version', '2014-01']], headers: { 'content-type': 'application/vnd.microsoft.servicebus.json' }, body: undefined, eventIds: [] });
  const hashed = `sha256:${sha256('jane@example.com')}`;
  assert.deepEqual(notice.body, [{
    Body: JSON.stringify({ type: 'person_deletion', user_id: hashed, anonymous_id: 'df_1', requested_at: '2026-11-30T12:00:05.000Z' }),
    BrokerProperties: { PartitionKey: hashed }, UserProperties: { kind: 'person_deletion' },
  }]);
  assert.deepEqual(forget.request({ userId: 'undefined', anonymousId: null }, ctx({ deletion_notices: true })), { skipped: 'the ids named are placeholders ("null", "undefined", …) that name no one' });
  const config = { ...CONFIG, deletion_notices: true };
  assert.deepEqual(readDeletionNotice(answer(201), notice, config, NOW), { done: true, message: 'deletion notice sent to event hub signal-events: your consumers erase the person\'s data' });
  assert.deepEqual(readDeletionNotice(answer(503, xmlError(503, 'Server busy. TrackingId:nn')), notice, config, NOW), { retry: 'Event Hubs is busy or the namespace\'s throughput is used up (HTTP 503 Server busy. TrackingId:nn); sent again later. If this lasts, raise the namespace\'s throughput units (or turn on auto-inflate) or processing units', afterSeconds: 10 });
  assert.deepEqual(readDeletionNotice(answer(404, xmlError(404, 'Not found. TrackingId:oo')), notice, config, NOW), { failed: 'Event Hubs has no event hub signal-events in shop-events.servicebus.windows.net (HTTP 404 Not found. TrackingId:oo): check config.event_hub (or the connection string\'s EntityPath) and config.namespace' });
  assert.ok('retry' in readDeletionNotice(answer(200, '<html><body>portal</body></html>'), notice, config, NOW), 'a web page is not Event Hubs\' answer');
});
