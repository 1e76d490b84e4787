import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import pubsub from './index.ts';
import { PUBSUB_SCOPE, pubSubTokenRequest, readPubSubTokenAnswer } from './access-token.ts';
import { classifyPublish } from './classify.ts';
import { topicOf, validatePubSubConfig } from './config.ts';
import { deletionNotice, readNoticeAnswer } from './deletion-notice.ts';
import { MAX_BYTES, MAX_MESSAGES, publishUrl, wireMessage } from './publish-request.ts';

const SA_EMAIL = 'signal-publisher@shop-analytics.iam.gserviceaccount.com';
const KEY_FILE = JSON.stringify({
  type: 'service_account', project_id: 'shop-analytics', client_email: SA_EMAIL, token_uri: 'https://oauth2.googleapis.com/token',
  private_key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
});
const CONFIG = { project_id: 'shop-analytics', topic_id: 'signal-events', service_account_key: KEY_FILE };
const NOW = Date.parse('2026-11-30T12:00:00Z');
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({
  config: { ...CONFIG, ...config }, variant: 'default', integrationId: 'int_ps1', revisionId: 'r', options: {}, now: NOW, accessToken: 'ya29.test-token',
});
const PUBLISH_URL = 'https://pubsub.googleapis.com/v1/projects/shop-analytics/topics/signal-events:publish';
const VISITOR = 'df_ps0visitor01';
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: VISITOR, userId: 'u-123',
  timestamp: '2026-11-30T11:59:58.250Z', sentAt: '2026-11-30T11:59:59.000Z', receivedAt: '2026-11-30T12:00:00.000Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com' },
  traits: undefined,
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks', search: '?email=jane%40example.com' }, traits: { email: 'jane@example.com', plan: 'pro' } },
  ...overrides,
} as CanonicalEvent);
const BLUEPRINT = readFileSync(new URL('../../blueprints/google_pubsub/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does: the shipped blueprint (or another), then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, blueprint = BLUEPRINT) => createEventMapper(pubsub, { variant: 'default', blueprint }, ctx(config))(event);
const messageOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({
  status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }),
});
const googleError = (status: number, code: string, message: string, details: unknown[] = []) => answer(status, { error: { code: status, message, status: code, ...(details.length ? { details } : {}) } });
const record = (id: string, payload: JsonObject = { data: { messageId: id }, attributes: { kind: 'event' } }): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload });
const request = (ids: string[]): RequestDescriptor => pubsub.send(ids.map((id) => record(id)), ctx())[0]!;
const classify = (response: VendorResponse, ids = ['m-1'], config: Record<string, JsonValue> = {}): Classification => classifyPublish(response, request(ids), ctx(config), topicOf(ctx(config).config));
const decode = (wire: JsonValue): unknown => JSON.parse(Buffer.from(String((wire as JsonObject).data), 'base64').toString('utf8'));

test('a track event: the event\'s JSON as data without contact information by default, and the attributes to filter on', () => {
  const message = messageOf(browserEvent());
  assert.deepEqual(message, {
    data: {
      type: 'track', messageId: 'm-1', timestamp: '2026-11-30T11:59:58.250Z', receivedAt: '2026-11-30T12:00:00.000Z', sentAt: '2026-11-30T11:59:59.000Z',
      event: 'Order Completed', userId: 'u-123', anonymousId: VISITOR,
      properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'EUR' },
      context: { userAgent: 'Mozilla/5.0 (Test)', page: { url: 'https://shop.example.com/thanks', path: '/thanks' }, traits: { plan: 'pro' } },
    },
    attributes: { kind: 'event', type: 'track', event: 'Order Completed', message_id: 'm-1', integration_id: 'int_ps1' },
  });
});

test('include_contact_info on: the event as Signal stored it, IP, email and query strings included', () => {
  const { data } = messageOf(browserEvent(), { include_contact_info: true }) as { data: JsonObject };
  assert.deepEqual(data.properties, browserEvent().properties);
  assert.deepEqual(data.context, browserEvent().context);
});

test('placeholder ids and ids that are contact information are left out; a page\'s name is an attribute, not a person\'s name', () => {
  const { data, attributes } = messageOf(browserEvent({ type: 'page', event: undefined, name: 'Home', userId: 'undefined', anonymousId: 'jane@example.com', properties: {} })) as { data: JsonObject; attributes: JsonObject };
  assert.equal(data.userId, undefined);
  assert.equal(data.anonymousId, undefined);
  assert.equal(data.name, 'Home');
  assert.deepEqual(attributes, { kind: 'event', type: 'page', name: 'Home', message_id: 'm-1', integration_id: 'int_ps1' });
  const numeric = messageOf(browserEvent({ messageId: '4915112345678', event: 'jane@example.com' }));
  assert.deepEqual(numeric.attributes, { kind: 'event', type: 'track', message_id: '4915112345678', integration_id: 'int_ps1' }, 'a numeric messageId is kept; an event named by an email address is not an attribute');
  assert.deepEqual([(numeric.data as JsonObject).event, (numeric.data as JsonObject).messageId], [undefined, '4915112345678'], 'nor in the data');
  assert.equal((messageOf(browserEvent({ event: 'jane@example.com' }), { include_contact_info: true }).data as JsonObject).event, 'jane@example.com', 'kept with include_contact_info on');
});

test('the blueprint\'s attributes: text within Pub/Sub\'s limits; reserved, too long, Signal\'s own and contact information left out, each said', () => {
  const blueprint = `${BLUEPRINT}
    - { source: properties.currency, target: attributes.currency }
    - { source: properties.revenue, target: attributes.revenue }
    - { source: properties.long, target: attributes.long }
    - { source: properties.reserved, target: attributes.googkey }
    - { source: properties.kind, target: attributes.kind }
    - { source: properties.email, target: attributes.email }
`;
  const event = browserEvent({ properties: { currency: 'EUR', revenue: 74.97, long: 'x'.repeat(1025), reserved: 'r', kind: 'order', email: 'jane@example.com' } });
  const result = mapped(event, {}, blueprint);
  const { data, attributes } = result.payload as { data: JsonObject; attributes: JsonObject };
  assert.equal(data.attributes, undefined, 'attributes are not part of the data');
  assert.deepEqual(attributes, { kind: 'event', type: 'track', event: 'Order Completed', message_id: 'm-1', integration_id: 'int_ps1', currency: 'EUR', revenue: '74.97' });
  assert.deepEqual(result.warnings, [
    'attributes.long left out: its value is 1,025 bytes (Pub/Sub takes 1,024)',
    'attributes.googkey left out: keys starting with "goog" are reserved by Google',
    'attributes.kind left out: kind is an attribute Signal sets itself',
    'attributes.email left out: it is contact information, and config.include_contact_info is off',
  ]);
});

test('attributes and the ordering key are well-formed UTF-8: a lone surrogate (text cut mid-emoji) becomes U+FFFD, as in the data', () => {
  const blueprint = `${BLUEPRINT}
    - { source: properties.label, target: attributes.label }
`;
  const cut = 'Sale \u{1F389}'.slice(0, -1);
  const result = mapped(browserEvent({ anonymousId: `df_${cut}`, properties: { label: cut } }), { ordering_key: 'person', endpoint_location: 'europe-west1' }, blueprint);
  const { attributes, orderingKey } = result.payload as { attributes: JsonObject; orderingKey: string };
  assert.deepEqual([attributes.label, orderingKey], ['Sale \uFFFD', 'df_Sale \uFFFD']);
});

test('ordering_key person: the anonymousId, else the userId; none without a usable id', () => {
  const config = { ordering_key: 'person', endpoint_location: 'europe-west1' };
  assert.equal(messageOf(browserEvent(), config).orderingKey, VISITOR);
  assert.equal(messageOf(browserEvent({ anonymousId: undefined }), config).orderingKey, 'u-123');
  assert.equal(messageOf(browserEvent({ anonymousId: 'null', userId: undefined }), config).orderingKey, undefined);
  assert.equal(messageOf(browserEvent()).orderingKey, undefined, 'off by default');
});

test('send: the documented publish request, data as base64 of the JSON, the token as Bearer', () => {
  const payload = messageOf(browserEvent());
  const [req, ...rest] = pubsub.send([{ id: 'm-1', event: browserEvent(), payload }], ctx());
  assert.equal(rest.length, 0);
  assert.deepEqual({ ...req, body: undefined }, { method: 'POST', url: PUBLISH_URL, headers: { authorization: 'Bearer ya29.test-token', 'content-type': 'application/json' }, body: undefined, eventIds: ['m-1'] });
  const [wire] = (req!.body as { messages: JsonObject[] }).messages;
  assert.deepEqual(Object.keys(wire!), ['data', 'attributes']);
  assert.deepEqual(decode(wire!), payload.data);
  assert.deepEqual(wire!.attributes, payload.attributes);
});

test('send: the locational endpoint; with ordering keys, one key per request in the batch\'s order', () => {
  const config = { ordering_key: 'person', endpoint_location: 'Europe-West1' };
  const events = [['a-1', 'df_a'], ['b-1', 'df_b'], ['a-2', 'df_a'], ['n-1', undefined], ['b-2', 'df_b']] as const;
  const batch: MappedEvent[] = events.map(([id, anonymousId]) => {
    const event = browserEvent({ messageId: id, anonymousId, userId: undefined });
    return { id, event, payload: messageOf(event, config) };
  });
  const requests = pubsub.send(batch, ctx(config));
  assert.deepEqual(requests.map((r) => [r.url, r.eventIds, (r.body as { messages: JsonObject[] }).messages.map((m) => m.orderingKey ?? null)]), [
    ['https://europe-west1-pubsub.googleapis.com/v1/projects/shop-analytics/topics/signal-events:publish', ['a-1', 'a-2'], ['df_a', 'df_a']],
    ['https://europe-west1-pubsub.googleapis.com/v1/projects/shop-analytics/topics/signal-events:publish', ['b-1', 'b-2'], ['df_b', 'df_b']],
    ['https://europe-west1-pubsub.googleapis.com/v1/projects/shop-analytics/topics/signal-events:publish', ['n-1'], [null]],
  ]);
});

test('send: at most 1,000 messages and 10 MB a request; a message too large for any request is refused, naming what to do', () => {
  const batch = Array.from({ length: 2 * MAX_MESSAGES + 5 }, (_, i) => record(`m-${i}`));
  assert.deepEqual(pubsub.send(batch, ctx()).map((r) => r.eventIds.length), [1000, 1000, 5]);
  const big = (id: string) => record(id, { data: { blob: 'x'.repeat(3_000_000) }, attributes: { kind: 'event' } });
  const requests = pubsub.send(['b-1', 'b-2', 'b-3'].map(big), ctx());
  assert.deepEqual(requests.map((r) => r.eventIds), [['b-1', 'b-2'], ['b-3']]);
  for (const r of requests) assert.ok(Buffer.byteLength(JSON.stringify(r.body)) <= MAX_BYTES);
  assert.throws(() => pubsub.send([record('huge', { data: { blob: 'x'.repeat(7_600_000) } })], ctx()), { name: 'PermanentError', message: /more than a publish request takes \(10 MB\): leave its largest properties out/ });
});

test('publishUrl percent-encodes the ids and keeps a domain-scoped project\'s colon', () => {
  assert.equal(publishUrl({}, { projectId: 'example.com:shop', topicId: 'a+b%c' }), 'https://pubsub.googleapis.com/v1/projects/example.com:shop/topics/a%2Bb%25c:publish');
  assert.deepEqual(wireMessage({ data: { type: 'track' }, attributes: {}, orderingKey: '' }), { data: Buffer.from('{"type":"track"}').toString('base64') });
});

test('classify: 2xx JSON delivered; a 2xx that is not Pub/Sub\'s answer is retried', () => {
  assert.deepEqual(classify(answer(200, { messageIds: ['1', '2'] }), ['m-1', 'm-2']), { status: 'delivered' });
  assert.deepEqual(classify(answer(200, '<html>Please log in to the proxy</html>')), { status: 'retry', reason: 'HTTP 200 without Pub/Sub\'s JSON answer (messageIds): <html>Please log in to the proxy</html> — not Pub/Sub\'s answer (a proxy?), so not counted as published' });
  assert.deepEqual(classify(answer(200, {})), { status: 'retry', reason: 'HTTP 200 without Pub/Sub\'s JSON answer (messageIds): {} — not Pub/Sub\'s answer (a proxy?), so not counted as published' }, 'a JSON object without messageIds is not Pub/Sub\'s');
});

test('classify: RESOURCE_EXHAUSTED retried as a rate limit with Retry-After; the codes Google\'s clients retry, retried', () => {
  assert.deepEqual(classify(answer(429, { error: { code: 429, message: 'Quota exceeded for quota metric \'Publisher throughput\'', status: 'RESOURCE_EXHAUSTED' } }, { 'Retry-After': '7' })), {
    status: 'retry', reason: 'Pub/Sub\'s publish quota or a rate limit was reached (HTTP 429 RESOURCE_EXHAUSTED: Quota exceeded for quota metric \'Publisher throughput\')', throttled: true, retryAfterMs: 7000,
  });
  for (const [status, code] of [[503, 'UNAVAILABLE'], [500, 'INTERNAL'], [500, 'UNKNOWN'], [504, 'DEADLINE_EXCEEDED'], [409, 'ABORTED'], [499, 'CANCELLED']] as const) {
    assert.deepEqual(classify(googleError(status, code, 'try again')), { status: 'retry', reason: `Pub/Sub failed (HTTP ${status} ${code}: try again)` }, code);
  }
  assert.equal((classify(answer(502, '<html>Bad Gateway</html>')) as { status: string }).status, 'retry');
});

test('classify: NOT_FOUND from Pub/Sub retried (a topic created seconds ago), naming what to check; a 404 not Pub/Sub\'s dead-lettered at once', () => {
  const reason = 'Pub/Sub has no topic projects/shop-analytics/topics/signal-events (HTTP 404 NOT_FOUND: Resource not found (resource=signal-events).): check config.project_id and the topic id, and create the topic (a topic created seconds ago may not be found yet); then replay the dead letters';
  assert.deepEqual(classify(googleError(404, 'NOT_FOUND', 'Resource not found (resource=signal-events).')), { status: 'retry', reason });
  assert.equal((classify(answer(404, '<html>Not Found</html>')) as { status: string }).status, 'dead_letter');
});

test('classify: PERMISSION_DENIED names the service account and role, or the API to enable; UNAUTHENTICATED the key', () => {
  assert.deepEqual(classify(googleError(403, 'PERMISSION_DENIED', 'User not authorized to perform this action.')), {
    status: 'dead_letter', reason: `Pub/Sub denied the publish (HTTP 403 PERMISSION_DENIED: User not authorized to perform this action.): grant ${SA_EMAIL} the Pub/Sub Publisher role (roles/pubsub.publisher) on the topic projects/shop-analytics/topics/signal-events, and check config.project_id and the topic id; then replay the dead letters`,
  });
  const disabled = classify(googleError(403, 'PERMISSION_DENIED', 'Cloud Pub/Sub API has not been used in project 1234 before or it is disabled.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED' }]));
  assert.match((disabled as { reason: string }).reason, /: enable the Cloud Pub\/Sub API in the service account's project/);
  assert.match((classify(googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.')) as { reason: string }).reason, /^Pub\/Sub refused the access token, also once renewed .*config\.service_account_key/);
});

test('classify: INVALID_ARGUMENT splits a request of several messages, dead-letters one alone, and the whole request at once for the topic\'s name', () => {
  const schema = googleError(400, 'INVALID_ARGUMENT', 'Invalid data in message: Message failed schema validation.');
  assert.deepEqual(classify(schema, ['m-1', 'm-2']), { status: 'split', reason: 'Pub/Sub refused the request (HTTP 400 INVALID_ARGUMENT: Invalid data in message: Message failed schema validation.), which may be one message\'s: sending it in halves to find it' });
  assert.deepEqual(classify(schema), { status: 'dead_letter', reason: 'Pub/Sub refused this message (HTTP 400 INVALID_ARGUMENT: Invalid data in message: Message failed schema validation.): when the topic has a schema, the blueprint\'s JSON must match it; else leave out what Google names with a pipeline transformation or the blueprint\'s exclude, then replay' });
  assert.equal((classify(googleError(400, 'INVALID_ARGUMENT', 'Invalid resource name given (name=projects/shop-analytics/topics/signal events).'), ['m-1', 'm-2']) as { status: string }).status, 'dead_letter');
  assert.equal((classify(googleError(400, 'INVALID_ARGUMENT', 'Invalid [topics] name: (name=projects/shop-analytics/topics/signal events)'), ['m-1', 'm-2']) as { status: string }).status, 'dead_letter');
  assert.equal((classify(googleError(400, 'INVALID_ARGUMENT', 'Invalid data in message for topic projects/shop-analytics/topics/signal-events: Message failed schema validation.'), ['m-1', 'm-2']) as { status: string }).status, 'split', 'a message\'s refusal naming the topic still splits: the other messages are not dead-lettered');
  const revisionInfo = 'Could not validate message with any schema revision for schema: projects/shop-analytics/schemas/events, last checked revision: revision_id=361d6627 failed with status: JSON object with type string does not match schema which expected number_integer';
  const detailed = googleError(400, 'INVALID_ARGUMENT', 'Invalid data in message: Message failed schema validation.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'INVALID_JSON_AVRO_MESSAGE', domain: 'pubsub.googleapis.com', metadata: { message: 'Message failed schema validation', revisionInfo } }]);
  assert.deepEqual(classify(detailed), { status: 'dead_letter', reason: `Pub/Sub refused this message (HTTP 400 INVALID_ARGUMENT: Invalid data in message: Message failed schema validation.; the topic's schema says: ${revisionInfo}): when the topic has a schema, the blueprint's JSON must match it; else leave out what Google names with a pipeline transformation or the blueprint's exclude, then replay` });
  assert.equal((classify(answer(413, 'Request Entity Too Large'), ['m-1', 'm-2']) as { status: string }).status, 'split');
  assert.equal((classify(answer(400, { error: 'HTTP 400' }), ['m-1', 'm-2']) as { status: string }).status, 'dead_letter', 'a 400 that is not Google\'s: not split');
});

test('classify: FAILED_PRECONDITION for the storage policy names config.endpoint_location', () => {
  const c = classify(googleError(400, 'FAILED_PRECONDITION', 'Publishing to region us-east1 is not allowed by the topic\'s message storage policy.'), ['m-1'], { endpoint_location: 'us-east1' });
  assert.equal((c as { reason: string }).reason, 'Pub/Sub cannot publish to projects/shop-analytics/topics/signal-events for now (HTTP 400 FAILED_PRECONDITION: Publishing to region us-east1 is not allowed by the topic\'s message storage policy.): the topic\'s message storage policy must allow the region config.endpoint_location publishes through (us-east1): change one or the other; then replay the dead letters');
});

test('validateConfig: names each field and what was expected', () => {
  assert.deepEqual(validatePubSubConfig(CONFIG), []);
  assert.deepEqual(validatePubSubConfig({ project_id: '123456789012', topic_id: 'projects/shop-analytics/topics/events', service_account_key: '{"type":"authorized_user"}', ordering_key: 'person', deletion_topic_id: 'googsecret' }).map((p) => p.field), [
    'project_id', 'topic_id', 'deletion_topic_id', 'endpoint_location', 'service_account_key',
  ]);
  assert.deepEqual(validatePubSubConfig({ ...CONFIG, ordering_key: 'person' }), [{ field: 'endpoint_location', message: 'is required with ordering_key person: Pub/Sub orders a key\'s messages only when they are published in one region, which a locational endpoint ensures (give the region closest to Signal, e.g. europe-west1)' }]);
  assert.deepEqual(validatePubSubConfig({ ...CONFIG, endpoint_location: 'us-east1-b' }).map((p) => p.field), ['endpoint_location']);
  assert.deepEqual(validatePubSubConfig({ ...CONFIG, topic_id: 'ab' }), [{ field: 'topic_id', message: 'is "ab": a topic ID is 3 to 255 letters, digits and - _ . ~ + %, starting with a letter' }]);
  assert.deepEqual(validatePubSubConfig({ ...CONFIG, service_account_key: ' ' }).map((p) => p.field), ['service_account_key']);
});

test('the token request asks for the Pub/Sub scope; a refused assertion names the key', () => {
  const req = pubSubTokenRequest(ctx());
  const claims = JSON.parse(Buffer.from(new URLSearchParams(String(req.body)).get('assertion')!.split('.')[1]!, 'base64url').toString()) as { scope: string; iss: string };
  assert.deepEqual([req.url, claims.scope, claims.iss], ['https://oauth2.googleapis.com/token', PUBSUB_SCOPE, SA_EMAIL]);
  assert.throws(() => readPubSubTokenAnswer(answer(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' })), { name: 'PermanentError', message: /config\.service_account_key was deleted or disabled/ });
});

test('deletion notices: opt-in; the ids named, kind=person_deletion, the person\'s ordering key on the events topic only', () => {
  assert.equal(pubsub.forgetPerson!.enabled(CONFIG), false, 'off by default');
  assert.equal(pubsub.forgetPerson!.enabled({ ...CONFIG, deletion_notices: true }), true);
  const config = { deletion_notices: true, ordering_key: 'person', endpoint_location: 'europe-west1' };
  const req = pubsub.forgetPerson!.request({ userId: 'u-9', anonymousId: 'df_9' }, ctx(config)) as RequestDescriptor;
  assert.equal(req.url, 'https://europe-west1-pubsub.googleapis.com/v1/projects/shop-analytics/topics/signal-events:publish');
  const [wire] = (req.body as { messages: JsonObject[] }).messages;
  assert.deepEqual(decode(wire!), { kind: 'person_deletion', userId: 'u-9', anonymousId: 'df_9', requestedAt: '2026-11-30T12:00:00.000Z' });
  assert.deepEqual([wire!.attributes, wire!.orderingKey], [{ kind: 'person_deletion', integration_id: 'int_ps1' }, 'df_9']);
  const other = deletionNotice({ userId: 'u-9', anonymousId: null }, ctx({ ...config, deletion_topic_id: 'signal-deletions' }));
  assert.deepEqual([other.data, other.orderingKey], [{ kind: 'person_deletion', userId: 'u-9', requestedAt: '2026-11-30T12:00:00.000Z' }, undefined]);
  const toOther = pubsub.forgetPerson!.request({ userId: 'u-9', anonymousId: null }, ctx({ ...config, deletion_topic_id: 'signal-deletions' })) as RequestDescriptor;
  assert.equal(toOther.url, 'https://europe-west1-pubsub.googleapis.com/v1/projects/shop-analytics/topics/signal-deletions:publish');
});

test('deletion notices without contact information: an id that is an email address or phone number is not published; only such ids, no notice', () => {
  const on = ctx({ deletion_notices: true });
  const req = pubsub.forgetPerson!.request({ userId: 'jane@example.com', anonymousId: 'df_9' }, on) as RequestDescriptor;
  assert.deepEqual(decode((req.body as { messages: JsonObject[] }).messages[0]!), { kind: 'person_deletion', anonymousId: 'df_9', requestedAt: '2026-11-30T12:00:00.000Z' });
  assert.deepEqual(pubsub.forgetPerson!.request({ userId: '+33 6 12 34 56 78', anonymousId: null }, on), { skipped: 'no notice published: the ids named are contact information (an email address or phone number), which the messages never carry with config.include_contact_info off, so your consumers hold nothing under them' });
  const withContact = pubsub.forgetPerson!.request({ userId: 'jane@example.com', anonymousId: null }, ctx({ deletion_notices: true, include_contact_info: true })) as RequestDescriptor;
  assert.deepEqual(decode((withContact.body as { messages: JsonObject[] }).messages[0]!), { kind: 'person_deletion', userId: 'jane@example.com', requestedAt: '2026-11-30T12:00:00.000Z' });
});

test('deletion notices: answers read as publishes are', () => {
  const c = ctx({ deletion_notices: true });
  const req = pubsub.forgetPerson!.request({ userId: 'u-9', anonymousId: null }, c) as RequestDescriptor;
  assert.deepEqual(readNoticeAnswer(answer(200, { messageIds: ['9876'] }), req, c), { done: true, message: 'Pub/Sub published the deletion notice (message 9876) to projects/shop-analytics/topics/signal-events: your consumers delete the person' });
  assert.deepEqual(readNoticeAnswer(answer(429, { error: { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED' } }, { 'retry-after': '30' }), req, c), { retry: 'Pub/Sub\'s publish quota or a rate limit was reached (HTTP 429 RESOURCE_EXHAUSTED: slow down)', afterSeconds: 30 });
  assert.ok('failed' in readNoticeAnswer(googleError(403, 'PERMISSION_DENIED', 'User not authorized to perform this action.'), req, c));
});
