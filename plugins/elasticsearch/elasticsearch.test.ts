import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { sha256Hex, signRequest as signCanonical, type CanonicalEvent, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import elasticsearch from './index.ts';
import { signRequest } from './aws-signing.ts';
import { documentId, MAX_BYTES, MAX_DOCUMENTS } from './bulk-request.ts';
import { classifyBulk, refusedField } from './classify.ts';
import { cloudIdEndpoint } from './cloud-id.ts';
import { awsScopeOf, baseUrlOf, credentialOf, elasticsearchConfigWarnings, validateElasticsearchConfig } from './config.ts';
import { deletionRequest, readDeletionAnswer } from './forget-person.ts';
import { indexNameAt, indexNameProblem, indexWildcard } from './index-name.ts';

const ENDPOINT = 'https://my-deployment.es.us-central1.gcp.cloud.es.io';
const API_KEY = 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==';
const CONFIG = { url: ENDPOINT, index: 'signal-events-{yyyy.MM.dd}', api_key: API_KEY };
const NOW = Date.parse('2026-11-30T12:00:00Z');
const ctx = (config: Record<string, JsonValue> = {}, variant = 'default'): PluginContext => ({
  config: { ...CONFIG, ...config }, variant, integrationId: 'int_es_1', revisionId: 'r', options: {}, now: NOW,
});
const VISITOR = 'df_es0visitor01';
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: VISITOR, userId: 'u-123',
  timestamp: '2026-11-30T11:59:58.250Z', sentAt: '2026-11-30T12:59:59.000+01:00', receivedAt: '2026-11-30T12:00:00.000Z',
  properties: { order_id: 'ORD-1', revenue: '74.97', currency: 'eur', email: 'jane@example.com', products: [{ product_id: 'SKU-1', name: 'Trail Shoe', price: 74.97 }] },
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', locale: 'en-GB', page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks', title: 'Thanks' } },
  ...overrides,
} as CanonicalEvent);
const blueprint = (variant: string) => readFileSync(new URL(`../../blueprints/elasticsearch/${variant}.yaml`, import.meta.url), 'utf8');
/** Maps an event as delivery does: the variant's shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant = 'default') =>
  createEventMapper(elasticsearch, { variant, blueprint: blueprint(variant) }, ctx(config, variant))(event);
const documentOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant = 'default'): JsonObject => {
  const result = mapped(event, config, variant);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const doc = (id: string, timestamp = '2026-11-30T11:59:58.250Z'): MappedEvent => ({ id, event: browserEvent({ messageId: id.replace(/#\d+$/, '') }), payload: { '@timestamp': timestamp, message_id: id.replace(/#\d+$/, ''), type: 'track' } });
const answer = (status: number, json: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(json), json });
const bulkOf = (ids: string[]): RequestDescriptor => ({ method: 'POST', url: `${ENDPOINT}/_bulk`, eventIds: ids });
const item = (status: number, error?: JsonObject) => ({ create: { _index: 'signal-events-2026.11.30', _id: 'x', status, ...(error ? { error } : { result: 'created', _version: 1 }) } });

test('config: an https endpoint or a Cloud ID, an index name Elasticsearch takes, one credential', () => {
  assert.deepEqual(validateElasticsearchConfig(CONFIG), []);
  assert.deepEqual(validateElasticsearchConfig({ url: 'shop:ZXUtd2VzdC0xLmF3cy5mb3VuZC5pbyRhYmMxMjMkZGVmNDU2', username: 'signal_writer', password: 'pw' }), []);
  const problems = (config: Record<string, JsonValue>) => validateElasticsearchConfig(config).map(({ field, message }) => `${field}: ${message}`);
  assert.deepEqual(problems({ url: 'es.example.com', index: 'Signal Events' }), [
    'url: is "es.example.com": give an absolute https URL (e.g. https://my-deployment.es.us-central1.gcp.cloud.es.io) or the deployment\'s Cloud ID (name:base64…)',
    'index: is "Signal Events": index names are lower case, without \\ / * ? " < > | , # : or spaces (e.g. signal-events-{yyyy.MM.dd})',
  ]);
  assert.deepEqual(problems({ url: 'http://es.example.com:9200' }), ['url: uses plain http to es.example.com: use https, or list a cluster on your own network in allow_private_targets']);
  assert.deepEqual(problems({ url: 'https://elastic:changeme@es.example.com' }), ['url: must not carry credentials: give an API key in api_key, or the user in username and the password in password']);
  assert.deepEqual(problems({ url: `${ENDPOINT}/_bulk` }), ['url: must be the cluster\'s endpoint, not an API\'s (/_bulk): Signal adds /_bulk and /_delete_by_query itself']);
  assert.deepEqual(problems({ url: 'https://10.0.3.7:9200' }), ['url: "10.0.3.7" is a loopback, private or link-local address; add it to allow_private_targets to reach a cluster on your own network']);
  assert.deepEqual(problems({ url: 'http://10.0.3.7:9200', allow_private_targets: ['10.0.0.0/16'] }), []);
  // An API key and a user both: valid, the API key used, with a warning.
  assert.deepEqual(problems({ url: ENDPOINT, api_key: API_KEY, username: 'u', password: 'p' }), []);
  assert.deepEqual(elasticsearchConfigWarnings({ url: ENDPOINT, api_key: API_KEY, username: 'u', password: 'p' }), [{ field: 'username', message: 'an API key is set as well: Signal authenticates with the API key and sends no user or password; clear username and password to avoid the doubt' }]);
  assert.equal(credentialOf({ api_key: API_KEY, username: 'u', password: 'p' }).kind, 'api_key');
  assert.deepEqual(problems({ url: ENDPOINT, username: 'u' }), ['password: is required with a user: the user\'s password']);
  assert.deepEqual(problems({ url: ENDPOINT, password: 'p' }), ['username: is required with a password: the user the password belongs to']);
  assert.deepEqual(problems({ url: ENDPOINT, api_key: 'clé' }), ['api_key: holds characters other than printable ASCII (letters with accents, other scripts, line breaks), which the Authorization header cannot carry: give the Encoded value Kibana shows for the key']);
  assert.deepEqual(problems({ url: ENDPOINT, index: 'events-{yyyy.ww}', contact_info: 'yes' }), [
    'index: has the date part {yyyy.ww}: a date part holds yyyy, MM, dd and HH with . - or _ between them, e.g. {yyyy.MM.dd} (filled in from each event\'s time, in UTC)',
    'contact_info: must be true or false',
  ]);
  assert.deepEqual(problems({ url: ENDPOINT, allow_private_targets: ['not a host!'] }), ['allow_private_targets[0]: is "not a host!": give a hostname (es.internal), an IP address (10.0.3.7) or a CIDR range (10.0.0.0/16)']);
  // No credential: valid (a cluster without security), with a warning.
  assert.deepEqual(problems({ url: ENDPOINT }), []);
  assert.deepEqual(elasticsearchConfigWarnings({ url: ENDPOINT }).map((w) => w.field), ['api_key']);
  assert.deepEqual(elasticsearchConfigWarnings(CONFIG), []);
});

test('the endpoint: a Cloud ID read as Elastic\'s clients read it; a path kept for a proxy', () => {
  assert.equal(cloudIdEndpoint('shop:ZXUtd2VzdC0xLmF3cy5mb3VuZC5pbyRhYmMxMjMkZGVmNDU2'), 'https://abc123.eu-west-1.aws.found.io');
  // A port other than 443 is kept.
  assert.equal(cloudIdEndpoint(`eu:${Buffer.from('westeurope.azure.elastic-cloud.com:9243$e1f2$k3').toString('base64')}`), 'https://e1f2.westeurope.azure.elastic-cloud.com:9243');
  assert.equal(cloudIdEndpoint(ENDPOINT), undefined);
  assert.equal(cloudIdEndpoint('not-a-cloud-id'), undefined);
  assert.equal(baseUrlOf({ url: 'https://proxy.example.com/elasticsearch/' }), 'https://proxy.example.com/elasticsearch');
  assert.equal(baseUrlOf({ url: 'shop:ZXUtd2VzdC0xLmF3cy5mb3VuZC5pbyRhYmMxMjMkZGVmNDU2' }), 'https://abc123.eu-west-1.aws.found.io');
});

test('credentials: the Encoded API key as it is, id:api_key encoded, a user and password as Basic', () => {
  assert.deepEqual(credentialOf({ api_key: API_KEY }), { kind: 'api_key', header: `ApiKey ${API_KEY}` });
  assert.deepEqual(credentialOf({ api_key: 'VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw' }), { kind: 'api_key', header: `ApiKey ${Buffer.from('VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw').toString('base64')}` });
  assert.deepEqual(credentialOf({ username: 'signal_writer', password: 'pw' }), { kind: 'basic', header: `Basic ${Buffer.from('signal_writer:pw').toString('base64')}` });
  assert.deepEqual(credentialOf({}), { kind: 'none' });
});

test('index names: the date part filled in from the time in UTC; every name as a wildcard; names Elasticsearch refuses', () => {
  assert.equal(indexNameAt('signal-events-{yyyy.MM.dd}', Date.parse('2026-11-30T23:59:59.999Z')), 'signal-events-2026.11.30');
  assert.equal(indexNameAt('signal-{yyyy-MM}-events-{HH}', Date.parse('2026-01-05T07:00:00Z')), 'signal-2026-01-events-07');
  assert.equal(indexNameAt('logs-signal-default', NOW), 'logs-signal-default');
  assert.equal(indexWildcard('signal-events-{yyyy.MM.dd}'), 'signal-events-*');
  assert.equal(indexWildcard('signal-{yyyy}{MM}'), 'signal-*');
  assert.equal(indexNameProblem('logs-signal-default'), undefined);
  assert.match(indexNameProblem('.signal')!, /cannot start with -, _, \+ or \./);
  assert.match(indexNameProblem('signal-{yyyy')!, /braces only enclose a date part/);
  assert.match(indexNameProblem('remote:signal')!, /lower case, without/);
  assert.equal(indexNameProblem('événements-{yyyy}'), undefined);
  assert.match(indexNameProblem('Événements-{yyyy}')!, /lower case, without/);
  assert.match(indexNameProblem('x'.repeat(256))!, /256 bytes once its date is filled in: an index name has at most 255/);
});

test('the default document: @timestamp and times in UTC, ids, properties, traits and context as objects — without contact information unless the config keeps it', () => {
  assert.deepEqual(documentOf(browserEvent()), {
    '@timestamp': '2026-11-30T11:59:58.250Z', message_id: 'm-1', type: 'track', event: 'Order Completed', user_id: 'u-123', anonymous_id: VISITOR,
    received_at: '2026-11-30T12:00:00.000Z', sent_at: '2026-11-30T11:59:59.000Z',
    properties: { order_id: 'ORD-1', revenue: '74.97', currency: 'eur', products: [{ product_id: 'SKU-1', name: 'Trail Shoe', price: 74.97 }] },
    context: { userAgent: 'Mozilla/5.0 (Test)', locale: 'en-GB', page: { url: 'https://shop.example.com/thanks', path: '/thanks', title: 'Thanks' } },
  });
  const kept = documentOf(browserEvent(), { contact_info: true });
  assert.equal((kept.properties as JsonObject).email, 'jane@example.com');
  assert.equal((kept.context as JsonObject).ip, '203.0.113.42');
  assert.equal(((kept.context as JsonObject).page as JsonObject).url, 'https://shop.example.com/thanks?email=jane%40example.com');
  // An identify's traits: a person's name and email go unless kept; an id that is an email too.
  const identify = documentOf(browserEvent({ type: 'identify', event: undefined, userId: 'jane@example.com', traits: { plan: 'pro', name: 'Jane Doe', email: 'jane@example.com' }, properties: undefined } as Partial<CanonicalEvent>));
  assert.deepEqual([identify.user_id, identify.traits], [undefined, { plan: 'pro' }]);
  // A page's name; placeholder ids left out.
  const page = documentOf(browserEvent({ type: 'page', event: undefined, name: 'Home', userId: 'undefined', properties: {} } as Partial<CanonicalEvent>));
  assert.deepEqual([page.name, page.user_id, page.anonymous_id], ['Home', undefined, VISITOR]);
});

test('the document: field names Elasticsearch refuses left out with a warning; a @timestamp that is no time dead-letters the event', () => {
  const result = mapped(browserEvent({ properties: { '': 1, 'a..b': 2, ok: { '.x': 3, y: 4 } } }));
  assert.deepEqual(result.payload?.properties, { ok: { y: 4 } });
  assert.deepEqual(result.warnings, [
    'properties."" left out: Elasticsearch refuses field names that are empty or start, end or repeat with a dot',
    'properties."a..b" left out: Elasticsearch refuses field names that are empty or start, end or repeat with a dot',
    'properties.ok.".x" left out: Elasticsearch refuses field names that are empty or start, end or repeat with a dot',
  ]);
  assert.throws(() => elasticsearch.map!({ message_id: 'm-1', '@timestamp': 'next tuesday' }, browserEvent(), ctx()), {
    name: 'PermanentError', message: '@timestamp: "next tuesday" is not a time (ISO 8601 or epoch seconds or milliseconds, years 1000 to 9999): check what the blueprint maps to @timestamp',
  });
  assert.throws(() => elasticsearch.map!({ message_id: 'm-1' }, browserEvent(), ctx()), { name: 'PermanentError', message: /has no @timestamp, which data streams require/ });
});

test('the retail document: an order object with revenue as a number and the currency in ISO 4217', () => {
  const order = documentOf(browserEvent(), {}, 'retail');
  assert.deepEqual(order.order, { id: 'ORD-1', revenue: 74.97, currency: 'EUR', product_ids: ['SKU-1'] });
  assert.deepEqual(order.properties, { order_id: 'ORD-1', revenue: '74.97', currency: 'eur', products: [{ product_id: 'SKU-1', name: 'Trail Shoe', price: 74.97 }] });
  const viewed = documentOf(browserEvent({ event: 'Product Viewed', properties: { product_id: 'SKU-9', price: '19.5', category: 'Shoes' } }), {}, 'retail');
  assert.deepEqual(viewed.product, { id: 'SKU-9', price: 19.5, category: 'Shoes' });
  assert.equal(documentOf(browserEvent({ event: 'Signed Up', properties: { plan: 'pro' } }), {}, 'retail').order, undefined);
});

test('the bulk request: create actions with the daily index and a messageId-derived _id, then the documents, NDJSON ending with a newline', () => {
  const events = [doc('m-1'), doc('m-2', '2026-12-01T00:00:00.000Z'), doc('m-1#2')];
  const [request, ...rest] = elasticsearch.send(events, ctx());
  assert.equal(rest.length, 0);
  const id = (messageId: string) => createHash('sha256').update(`int_es_1\n${messageId}`).digest('base64url');
  assert.equal(documentId('int_es_1', 'm-1'), id('m-1'));
  assert.deepEqual(request, {
    method: 'POST', url: `${ENDPOINT}/_bulk`,
    headers: { authorization: `ApiKey ${API_KEY}`, 'content-type': 'application/x-ndjson' },
    body: [
      `{"create":{"_index":"signal-events-2026.11.30","_id":"${id('m-1')}"}}`, '{"@timestamp":"2026-11-30T11:59:58.250Z","message_id":"m-1","type":"track"}',
      `{"create":{"_index":"signal-events-2026.12.01","_id":"${id('m-2')}"}}`, '{"@timestamp":"2026-12-01T00:00:00.000Z","message_id":"m-2","type":"track"}',
      // A repeated messageId gets the same _id: the cluster answers 409 for it, read as delivered.
      `{"create":{"_index":"signal-events-2026.11.30","_id":"${id('m-1')}"}}`, '{"@timestamp":"2026-11-30T11:59:58.250Z","message_id":"m-1","type":"track"}',
      '',
    ].join('\n'),
    eventIds: ['m-1', 'm-2', 'm-1#2'],
  });
  // Another pipeline integration: other ids, so its reused messageIds are not taken for copies.
  assert.notEqual(documentId('int_es_2', 'm-1'), id('m-1'));
  // Basic authentication, a data stream, a private cluster allowed.
  const [basic] = elasticsearch.send([doc('m-3')], ctx({ api_key: null, username: 'signal_writer', password: 'pw', index: 'logs-signal-default', url: 'http://10.0.3.7:9200', allow_private_targets: ['10.0.0.0/16'] }));
  assert.equal(basic!.url, 'http://10.0.3.7:9200/_bulk');
  assert.equal(basic!.headers!.authorization, `Basic ${Buffer.from('signal_writer:pw').toString('base64')}`);
  assert.match(String(basic!.body), /^\{"create":\{"_index":"logs-signal-default","_id":/);
  assert.deepEqual(basic!.allowPrivateTargets, ['10.0.0.0/16']);
});

test('the bulk request honours its limits: 500 documents and 5 MB a request; a document over 5 MB alone is refused before sending', () => {
  const many = Array.from({ length: MAX_DOCUMENTS * 2 + 1 }, (_, i) => doc(`m-${i}`));
  assert.deepEqual(elasticsearch.send(many, ctx()).map((r) => r.eventIds.length), [MAX_DOCUMENTS, MAX_DOCUMENTS, 1]);
  const big = (id: string): MappedEvent => ({ ...doc(id), payload: { ...doc(id).payload, properties: { blob: 'x'.repeat(2_000_000) } } });
  const requests = elasticsearch.send([big('b-1'), big('b-2'), big('b-3')], ctx());
  assert.deepEqual(requests.map((r) => r.eventIds), [['b-1', 'b-2'], ['b-3']]);
  for (const request of requests) assert.ok(Buffer.byteLength(String(request.body)) <= MAX_BYTES);
  assert.throws(() => elasticsearch.send([{ ...doc('huge'), payload: { ...doc('huge').payload, blob: 'x'.repeat(MAX_BYTES) } }], ctx()), /more than a bulk request carries \(5,000,000\)/);
});

test('classify: the documented answer delivered; per item — created and 409 delivered, 429 throttled, a mapping refusal dead-lettered naming the field, 503 retried', () => {
  assert.deepEqual(classifyBulk(answer(200, elasticsearch.successAnswer!.body), bulkOf(['a', 'b']), ctx()), { status: 'delivered' });
  const response = answer(200, {
    took: 12, errors: true, items: [
      item(201),
      item(409, { type: 'version_conflict_engine_exception', reason: '[x]: version conflict, document already exists (current version [1])' }),
      item(429, { type: 'es_rejected_execution_exception', reason: 'rejected execution of coordinating operation' }),
      item(400, { type: 'document_parsing_exception', reason: '[1:120] failed to parse field [properties.price] of type [float] in document with id \'x\'. Preview of field\'s value: \'abc\'', caused_by: { type: 'number_format_exception', reason: 'For input string: "abc"' } }),
      item(503, { type: 'unavailable_shards_exception', reason: '[signal-events-2026.11.30][0] primary shard is not active Timeout: [1m]' }),
    ],
  }, { 'retry-after': '5' });
  assert.deepEqual(classifyBulk(response, bulkOf(['m-1', 'm-2', 'm-3', 'm-4', 'm-5']), ctx()), {
    perEvent: {
      'm-1': { status: 'delivered' },
      'm-2': { status: 'delivered' },
      'm-3': { status: 'retry', throttled: true, retryAfterMs: 5000, reason: 'Elasticsearch rejected the document for now (item status 429, es_rejected_execution_exception: rejected execution of coordinating operation): the cluster cannot keep up with the indexing rate' },
      'm-4': { status: 'dead_letter', reason: 'Elasticsearch refused the document (item status 400, document_parsing_exception: [1:120] failed to parse field [properties.price] of type [float] in document with id \'x\'. Preview of field\'s value: \'abc\'; caused by number_format_exception: For input string: "abc"): the value of properties.price does not fit the index\'s mapping of it — fix what the blueprint maps there, or the mapping in the index template (see the plugin README), then replay the dead letter' },
      'm-5': { status: 'retry', retryAfterMs: 5000, reason: 'Elasticsearch could not index the document for now (item status 503, unavailable_shards_exception: [signal-events-2026.11.30][0] primary shard is not active Timeout: [1m])' },
    },
  });
});

test('classify: item refusals about the index or the credential name the config field; a flood-stage block is retried', () => {
  const one = (error: JsonObject, status: number) => {
    const result = classifyBulk(answer(200, { took: 1, errors: true, items: [item(status, error)] }), bulkOf(['m-1']), ctx());
    assert.ok('perEvent' in result);
    return result.perEvent['m-1']!;
  };
  assert.deepEqual(one({ type: 'index_not_found_exception', reason: 'no such index [signal-events-2026.11.30]' }, 404), { status: 'dead_letter', reason: 'the index does not exist and the cluster did not create it (item status 404, index_not_found_exception: no such index [signal-events-2026.11.30]): check config.index (signal-events-{yyyy.MM.dd}), or create the index, data stream or index template — or let action.auto_create_index create names like it; then replay the dead letters' });
  assert.deepEqual(one({ type: 'security_exception', reason: 'action [indices:data/write/bulk[s]] is unauthorized for API key id [VuaCfGcBCdbkQm-e5aOx]' }, 403), { status: 'dead_letter', reason: 'Elasticsearch denied the write (item status 403, security_exception: action [indices:data/write/bulk[s]] is unauthorized for API key id [VuaCfGcBCdbkQm-e5aOx]): give the key or user of config.api_key the create_doc and auto_configure privileges on signal-events-* (see the plugin README), then replay the dead letters' });
  assert.equal(one({ type: 'cluster_block_exception', reason: 'index [signal-events-2026.11.30] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark, index has read-only-allow-delete block];' }, 429).status, 'retry');
  assert.equal(one({ type: 'illegal_argument_exception', reason: 'Limit of total fields [1000] has been exceeded while adding new fields [3]' }, 400).status, 'dead_letter');
  assert.match((one({ type: 'document_parsing_exception', reason: '[1:30] failed to parse', caused_by: { type: 'illegal_argument_exception', reason: 'Limit of total fields [1000] has been exceeded while adding new fields [3]' } }, 400) as { reason: string }).reason, /map properties, traits and context as flattened/);
  assert.match((one({ type: 'illegal_argument_exception', reason: 'no write index is defined for alias [signal]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index' }, 400) as { reason: string }).reason, /config\.index names an alias without a write index/);
  assert.match((one({ type: 'index_closed_exception', reason: 'closed', index: 'signal-events-2026.11.30' }, 400) as { reason: string }).reason, /^the index is closed/);
  assert.equal(refusedField({ type: 'strict_dynamic_mapping_exception', reason: '[1:25] mapping set to strict, dynamic introduction of [colour] within [properties] is not allowed' }), 'properties.colour');
  assert.equal(refusedField({ type: 'mapper_parsing_exception', reason: 'object mapping for [properties.size] tried to parse field [size] as object, but found a concrete value' }), 'properties.size');
  // An item without a status: sent again.
  const missing = classifyBulk(answer(200, { took: 1, errors: true, items: [{ create: {} }] }), bulkOf(['m-1']), ctx());
  assert.ok('perEvent' in missing && missing.perEvent['m-1']!.status === 'retry');
});

test('classify: a 2xx that is not the bulk API\'s answer is retried naming config.url; so is an answer with fewer items than documents', () => {
  const page: VendorResponse = { status: 200, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><title>Kibana</title>' };
  assert.deepEqual(classifyBulk(page, bulkOf(['m-1']), ctx()), { status: 'retry', reason: 'the answer to the bulk request is a web page (HTTP 200: Kibana): check that config.url is the cluster\'s Elasticsearch endpoint, not Kibana\'s or a proxy\'s' });
  assert.equal((classifyBulk(answer(200, {}), bulkOf(['m-1']), ctx()) as { status: string }).status, 'retry');
  assert.deepEqual(classifyBulk(answer(200, { took: 1, errors: false, items: [item(201)] }), bulkOf(['m-1', 'm-2']), ctx()), { status: 'retry', reason: 'the bulk answer has 1 items for 2 documents: sent again (create makes a re-send safe)' });
});

test('classify: request-level answers — 413 split, 401 and 403 name the credential, 404 the endpoint, an unreadable body split, 429 and 5xx retried', () => {
  const error = (status: number, type: string, reason: string) => answer(status, { error: { root_cause: [{ type, reason }], type, reason }, status });
  assert.deepEqual(classifyBulk(answer(413, {}), bulkOf(['a', 'b']), ctx()), { status: 'split', reason: 'the cluster refused the bulk request as too large (HTTP 413, over http.max_content_length): sending it in halves' });
  assert.equal((classifyBulk(answer(413, {}), bulkOf(['a']), ctx()) as { status: string }).status, 'dead_letter');
  assert.deepEqual(classifyBulk(error(401, 'security_exception', 'unable to authenticate with provided credentials'), bulkOf(['a']), ctx()), { status: 'dead_letter', reason: 'the cluster refused the credential (HTTP 401, security_exception: unable to authenticate with provided credentials): check config.api_key (an API key revoked or expired needs a new one in a new revision), then replay the dead letters' });
  assert.match((classifyBulk(error(401, 'security_exception', 'x'), bulkOf(['a']), ctx({ api_key: null, username: 'u', password: 'p' })) as { reason: string }).reason, /check config\.username and config\.password/);
  assert.match((classifyBulk(error(403, 'security_exception', 'action [indices:data/write/bulk] is unauthorized'), bulkOf(['a']), ctx()) as { reason: string }).reason, /^Elasticsearch denied the write .*create_doc and auto_configure privileges on signal-events-\*/);
  assert.match((classifyBulk(answer(403, { Message: 'User: anonymous is not authorized to perform: es:ESHttpPost' }), bulkOf(['a']), ctx()) as { reason: string }).reason, /HTTP 403: User: anonymous is not authorized.*Amazon OpenSearch Service/);
  assert.match((classifyBulk(answer(404, { ok: false, message: 'Unknown resource.' }), bulkOf(['a']), ctx()) as { reason: string }).reason, /^the bulk API was not found there \(HTTP 404: Unknown resource\.\): check that config\.url/);
  assert.deepEqual(classifyBulk(error(400, 'x_content_parse_exception', '[1:12] Unexpected character'), bulkOf(['a', 'b']), ctx()), { status: 'split', reason: 'the cluster could not read the bulk request (HTTP 400, x_content_parse_exception: [1:12] Unexpected character): sending the events again in halves to find the document' });
  assert.equal((classifyBulk(error(400, 'illegal_argument_exception', 'The bulk request must be terminated by a newline [\\n]'), bulkOf(['a', 'b']), ctx()) as { status: string }).status, 'dead_letter');
  assert.deepEqual(classifyBulk(error(429, 'circuit_breaking_exception', '[parent] Data too large'), bulkOf(['a']), { config: CONFIG }), { status: 'retry', reason: 'Elasticsearch asked Signal to slow down (HTTP 429, circuit_breaking_exception: [parent] Data too large)' });
  assert.deepEqual(classifyBulk(answer(429, {}, { 'retry-after': '30' }), bulkOf(['a']), ctx()), { status: 'retry', reason: 'Elasticsearch asked Signal to slow down (HTTP 429)', retryAfterMs: 30_000 });
  assert.deepEqual(classifyBulk(error(503, 'master_not_discovered_exception', ''), bulkOf(['a']), ctx()), { status: 'retry', reason: 'Elasticsearch failed for now (HTTP 503, master_not_discovered_exception)' });
});

test('person deletion: a _delete_by_query on every index the name gives, the ids in the body, in the field and its .keyword sub-field', () => {
  const request = deletionRequest({ userId: 'u-123', anonymousId: VISITOR }, ctx());
  const terms = (id: string, fields: string[]) => fields.flatMap((field) => [{ term: { [field]: id } }, { term: { [`${field}.keyword`]: id } }]);
  assert.deepEqual(request, {
    method: 'POST', url: `${ENDPOINT}/signal-events-*/_delete_by_query`,
    query: [['conflicts', 'proceed'], ['ignore_unavailable', 'true']],
    headers: { authorization: `ApiKey ${API_KEY}`, 'content-type': 'application/json' },
    body: { query: { bool: { should: [...terms('u-123', ['user_id', 'previous_id']), ...terms(VISITOR, ['anonymous_id', 'previous_id'])], minimum_should_match: 1 } } },
    eventIds: [],
  });
  assert.ok(!('skipped' in request) && !request.url.includes('u-123') && !JSON.stringify(request.query).includes('u-123'), 'no id in the URL');
  assert.deepEqual(deletionRequest({ userId: 'undefined', anonymousId: null }, ctx()), { skipped: 'the ids named are placeholders SDKs send for "no id": the plugin stores no document under them' });
  assert.equal((deletionRequest({ userId: 'u-1', anonymousId: null }, ctx({ index: 'logs-signal-default' })) as RequestDescriptor).url, `${ENDPOINT}/logs-signal-default/_delete_by_query`);
  assert.equal(elasticsearch.forgetPerson!.enabled({ ...CONFIG, forward_deletions: false }), false);
  assert.equal(elasticsearch.forgetPerson!.enabled(CONFIG), true);
});

test('person deletion: its answer read — the count, failures and timeouts retried, no index done, refusals naming the fields', () => {
  const read = (response: VendorResponse, config: Record<string, JsonValue> = CONFIG) => readDeletionAnswer(response, undefined, { config });
  assert.deepEqual(read(answer(200, { took: 147, timed_out: false, total: 3, deleted: 3, batches: 1, version_conflicts: 0, noops: 0, failures: [] })), { done: true, message: 'Elasticsearch deleted 3 documents of the person' });
  assert.deepEqual(read(answer(200, { took: 5, timed_out: false, total: 0, deleted: 0, failures: [] })), { done: true, message: 'Elasticsearch deleted 0 documents of the person' });
  assert.deepEqual(read(answer(200, { took: 9, timed_out: false, total: 3, deleted: 2, failures: [{ index: 'signal-events-2026.11.30', cause: { type: 'es_rejected_execution_exception' }, status: 429 }] })), { retry: 'Elasticsearch deleted 2 documents of the person but 1 failed: tried again for the rest' });
  assert.deepEqual(read(answer(200, { took: 60000, timed_out: true, total: 3, deleted: 1, failures: [] })), { retry: 'Elasticsearch deleted 1 documents of the person but timed out: tried again for the rest' });
  assert.ok('retry' in read({ status: 200, headers: {}, body: '<html><body>Sign in</body></html>' }));
  assert.deepEqual(read(answer(404, { error: { type: 'index_not_found_exception', reason: 'no such index [logs-signal-default]' }, status: 404 })), { done: true, message: 'no index holds documents of the person' });
  assert.deepEqual(read(answer(401, { error: { type: 'security_exception', reason: 'unable to authenticate' }, status: 401 })), { failed: 'HTTP 401, security_exception: unable to authenticate — check config.api_key' });
  assert.deepEqual(read(answer(403, { error: { type: 'security_exception', reason: 'action [indices:data/write/delete/byquery] is unauthorized' }, status: 403 })), { failed: 'HTTP 403, security_exception: action [indices:data/write/delete/byquery] is unauthorized — give the key or user of config.api_key the read and delete privileges on signal-events-*, or turn config.forward_deletions off' });
  assert.deepEqual(read(answer(429, { error: { type: 'es_rejected_execution_exception', reason: 'rejected' }, status: 429 }, { 'retry-after': '20' })), { retry: 'HTTP 429, es_rejected_execution_exception: rejected', afterSeconds: 20 });
  assert.deepEqual(read(answer(503, {})), { retry: 'HTTP 503' });
  assert.deepEqual(read(answer(400, { error: { type: 'parsing_exception', reason: 'unknown query' }, status: 400 })), { failed: 'HTTP 400, parsing_exception: unknown query — check config.url and config.index' });
});

const AWS_ENDPOINT = 'https://search-shop-abc123xyz.eu-west-1.es.amazonaws.com';
const AWS = { url: AWS_ENDPOINT, api_key: null, aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

test('Amazon OpenSearch Service: the Region and signing name from the endpoint; the AWS fields checked', () => {
  assert.deepEqual(awsScopeOf({ url: AWS_ENDPOINT }), { region: 'eu-west-1', service: 'es' });
  assert.deepEqual(awsScopeOf({ url: 'https://vpc-shop-abc123.us-gov-west-1.es.amazonaws.com' }), { region: 'us-gov-west-1', service: 'es' });
  assert.deepEqual(awsScopeOf({ url: 'https://07tjusf2h91cunochc.us-east-1.aoss.amazonaws.com' }), { region: 'us-east-1', service: 'aoss' });
  assert.deepEqual(awsScopeOf({ url: 'https://search.shop.example', aws_region: 'eu-central-1' }), { region: 'eu-central-1', service: 'es' });
  assert.deepEqual(validateElasticsearchConfig(AWS), []);
  const problems = (config: Record<string, JsonValue>) => validateElasticsearchConfig(config).map(({ field, message }) => `${field}: ${message}`);
  assert.deepEqual(problems({ ...AWS, url: 'https://search.shop.example' }), ['aws_region: is required to sign for AWS when the endpoint is not <domain>.<region>.es.amazonaws.com (a custom domain name): the domain\'s Region, e.g. eu-west-1']);
  assert.deepEqual(problems({ ...AWS, aws_region: 'Europe (Ireland)' }), ['aws_region: is "Europe (Ireland)": give an AWS Region code such as eu-west-1']);
  assert.deepEqual(problems({ ...AWS, aws_secret_access_key: null }), ['aws_secret_access_key: is required with an access key ID: the secret of the same access key']);
  assert.deepEqual(problems({ ...AWS, aws_access_key_id: 'akia-lower' }), ['aws_access_key_id: is "akia-lower": an access key ID is 16 or more capital letters and digits (AKIA…)']);
  assert.deepEqual(elasticsearchConfigWarnings({ ...AWS, api_key: API_KEY }), [{ field: 'aws_access_key_id', message: 'an API key or user is set as well: Signal signs its requests with the AWS access key and sends neither; clear the ones not used' }]);
  assert.deepEqual(credentialOf({ ...AWS, api_key: API_KEY }), { kind: 'aws' });
});

test('Amazon OpenSearch Service: bulk and deletion requests signed with SigV4 when sent, the body\'s hash in x-amz-content-sha256, no other credential', () => {
  const [request] = elasticsearch.send([doc('m-1')], ctx(AWS));
  assert.deepEqual(request!.headers, { 'content-type': 'application/x-ndjson' }, 'built unsigned: signed as it goes');
  const signed = signRequest(request!, { config: { ...CONFIG, ...AWS }, now: NOW });
  const hash = createHash('sha256').update(String(request!.body)).digest('hex');
  assert.equal(signed.headers!['x-amz-content-sha256'], hash);
  assert.equal(signed.headers!['x-amz-date'], '20261130T120000Z');
  assert.match(signed.headers!.authorization!, /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20261130\/eu-west-1\/es\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
  assert.deepEqual(signed.eventIds, ['m-1']);
  // Deletions too: the core's sign hook signs them; their JSON body hashed as sent.
  const deletion = deletionRequest({ userId: 'u-1', anonymousId: null }, ctx(AWS)) as RequestDescriptor;
  const signedDeletion = elasticsearch.sign!(deletion, ctx(AWS));
  assert.equal(signedDeletion.headers!['x-amz-content-sha256'], createHash('sha256').update(JSON.stringify(deletion.body)).digest('hex'));
  assert.match(signedDeletion.headers!.authorization!, /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20261130\/eu-west-1\/es\/aws4_request, /);
  // The signature AWS computes: the path as sent encoded once more — the deletion's * as %2A
  // (AWS's own "Canonical String … should have been" for an index pattern), the URL sent unchanged.
  const expected = (canonicalPath: string, query: Array<[string, string]>, contentType: string, body: string) => signCanonical({
    method: 'POST', host: 'search-shop-abc123xyz.eu-west-1.es.amazonaws.com', canonicalPath, query,
    headers: { 'content-type': contentType, 'x-amz-content-sha256': sha256Hex(body) }, payloadHash: sha256Hex(body), now: NOW,
    region: 'eu-west-1', service: 'es', credentials: { accessKeyId: AWS.aws_access_key_id, secretAccessKey: AWS.aws_secret_access_key },
  }).authorization;
  assert.equal(signed.headers!.authorization, expected('/_bulk', [], 'application/x-ndjson', String(request!.body)));
  assert.equal(signedDeletion.url, `${AWS_ENDPOINT}/signal-events-*/_delete_by_query`);
  assert.equal(signedDeletion.headers!.authorization, expected('/signal-events-%2A/_delete_by_query', [['conflicts', 'proceed'], ['ignore_unavailable', 'true']], 'application/json', JSON.stringify(deletion.body)));
  // Without an access key, nothing changes.
  assert.equal(signRequest(request!, { config: CONFIG, now: NOW }), request);
  // A refusal names the AWS fields.
  assert.match((classifyBulk(answer(403, { message: 'The security token included in the request is invalid.' }), bulkOf(['a']), ctx(AWS)) as { reason: string }).reason, /config\.aws_access_key_id and config\.aws_secret_access_key/);
});
