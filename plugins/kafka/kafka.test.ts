// Unit tests of the Kafka plugin: the config checks, the records and requests it builds, how it
// reads Kafka REST's delivery reports and errors, and the deletion records.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CanonicalEvent, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import kafka, {
  apiBaseOf, classifyProduce, deletionNoticeRequest, kafkaForgetPerson, produceRequests, readObjects, readReports, recordKey, statusOfCode, topicRecord, validateKafkaConfig,
} from './index.ts';

const CLOUD = { rest_endpoint: 'https://pkc-abc12.eu-west-1.aws.confluent.cloud:443', cluster_id: 'lkc-abc123', topic: 'signal-events', api_key: 'ABCDEFGH12345678', api_secret: 'secret-0123456789' };
const URL_CLOUD = 'https://pkc-abc12.eu-west-1.aws.confluent.cloud/kafka/v3/clusters/lkc-abc123/topics/signal-events/records';
const NOW = Date.parse('2026-11-30T12:00:05Z');
const ctx = (config: Record<string, JsonValue> = CLOUD): PluginContext => ({ config, variant: 'default', integrationId: 'int-1', revisionId: 'rev-1', options: {}, now: NOW });

function mapped(id: string, event: Partial<CanonicalEvent>, payload: JsonObject = { message_id: id, type: 'track' }): MappedEvent {
  return { id, event: { messageId: id, type: 'track', anonymousId: 'df_anon', ...event } as CanonicalEvent, payload };
}
const lines = (request: RequestDescriptor) => String(request.body).split('\n').map((line) => JSON.parse(line) as JsonObject);
const answer = (status: number, body: string, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body });
const report = (offset: number) => JSON.stringify({ error_code: 200, cluster_id: 'lkc-abc123', topic_name: 'signal-events', partition_id: 0, offset, timestamp: '2026-11-30T12:00:00.250Z', value: { type: 'JSON', size: 80 } });

describe('config', () => {
  test('the API base: /kafka/v3 on Confluent Cloud, /v3 (after any path) on a REST Proxy', () => {
    assert.equal(apiBaseOf(CLOUD), 'https://pkc-abc12.eu-west-1.aws.confluent.cloud/kafka/v3');
    assert.equal(apiBaseOf({ rest_endpoint: 'http://10.0.3.7:8082/' }), 'http://10.0.3.7:8082/v3');
    assert.equal(apiBaseOf({ rest_endpoint: 'http://broker.internal:8090/kafka' }), 'http://broker.internal:8090/kafka/v3');
  });

  test('a valid Confluent Cloud config, and a REST Proxy without authentication on an allow-listed network', () => {
    assert.deepEqual(validateKafkaConfig(CLOUD), []);
    assert.deepEqual(validateKafkaConfig({ rest_endpoint: 'http://10.0.3.7:8082', cluster_id: 'xFhUvurESIeeCI87SXWR-Q', topic: 'events', allow_private_targets: ['10.0.0.0/16'] }), []);
  });

  test('each problem names its field and what is expected', () => {
    assert.deepEqual(validateKafkaConfig({ ...CLOUD, cluster_id: 'pkc-abc12' }), [{ field: 'cluster_id', message: 'is "pkc-abc12": give the Kafka cluster\'s id, lkc-… (Cluster settings > General), not the endpoint host\'s pkc-… id' }]);
    assert.deepEqual(validateKafkaConfig({ rest_endpoint: 'https://kafka-rest.example.com:8082', cluster_id: 'u-FhUvurESIeeCI87SXWRQ', topic: 'signal-events' }), [], 'a self-managed cluster\'s base64url id starting "u-" is no Cloud resource id');
    assert.deepEqual(validateKafkaConfig({ ...CLOUD, topic: 'signal events' }), [{ field: 'topic', message: 'is "signal events": a Kafka topic name is 1 to 249 letters, digits, periods, underscores and hyphens' }]);
    assert.deepEqual(validateKafkaConfig({ ...CLOUD, api_key: undefined as unknown as string, api_secret: undefined as unknown as string }), [{ field: 'api_key', message: 'is required for Confluent Cloud: a Kafka API key of the cluster (with api_secret), owned by a service account allowed to WRITE to the topic' }]);
    assert.deepEqual(validateKafkaConfig({ ...CLOUD, api_secret: '' }), [{ field: 'api_secret', message: 'is required with api_key: the API key\'s secret (or the REST Proxy user\'s password)' }]);
    assert.deepEqual(validateKafkaConfig({ ...CLOUD, rest_endpoint: `${URL_CLOUD}` }), [{ field: 'rest_endpoint', message: 'must be the endpoint without the API\'s path (Signal adds /kafka/v3/clusters/<cluster_id>/topics/<topic>/records): https://pkc-abc12.eu-west-1.aws.confluent.cloud' }]);
    assert.deepEqual(validateKafkaConfig({ ...CLOUD, rest_endpoint: 'http://10.0.3.7:8082' }), [{ field: 'rest_endpoint', message: '"10.0.3.7" is a loopback, private or link-local address; add it to allow_private_targets to reach a REST Proxy on your own network' }]);
    assert.deepEqual(validateKafkaConfig({ ...CLOUD, rest_endpoint: 'http://kafka-rest.example.com:8082' }), [{ field: 'rest_endpoint', message: 'uses plain http to kafka-rest.example.com: use https, or list a REST Proxy on your own network in allow_private_targets' }]);
    assert.deepEqual(validateKafkaConfig({ ...CLOUD, deletion_records: 'tombstone', record_key: 'message_id' }), [{ field: 'deletion_records', message: 'is tombstone, but record_key is message_id: a tombstone removes the records of its key, so records must be keyed per person or per browser (set record_key to person), or choose notice' }]);
    assert.deepEqual(validateKafkaConfig({ ...CLOUD, allow_private_targets: ['10.0.0.0/16', 'not a host!'] }), [{ field: 'allow_private_targets[1]', message: 'is "not a host!": give a hostname (kafka-rest.internal), an IP address (10.0.3.7) or a CIDR range (10.0.0.0/16)' }]);
  });
});

describe('records and requests', () => {
  test('a record without contact information: no email, no IP, URLs without queries, an email as userId hashed, placeholder ids left out', () => {
    const record = topicRecord({
      message_id: 'm-1', type: 'identify', user_id: 'jane@example.com', anonymous_id: 'undefined',
      traits: { email: 'jane@example.com', plan: 'pro' }, context: { ip: '203.0.113.9', page: { url: 'https://shop.example.com/reset?email=jane%40example.com' } },
    }, { includeContactInfo: false });
    assert.match(String(record.user_id), /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual({ ...record, user_id: 'hashed' }, { message_id: 'm-1', type: 'identify', user_id: 'hashed', traits: { plan: 'pro' }, context: { page: { url: 'https://shop.example.com/reset' } } });
    assert.deepEqual(topicRecord({ message_id: 'm-1', traits: { email: 'jane@example.com' } }, { includeContactInfo: true }), { message_id: 'm-1', traits: { email: 'jane@example.com' } });
  });

  test('record keys: per person, per browser, per event, none; an email as userId hashed unless contact information is included', () => {
    const event = { userId: 'u-42', anonymousId: 'df_abc', messageId: 'm-1' };
    assert.equal(recordKey(event, {}), 'u-42');
    assert.equal(recordKey(event, { record_key: 'anonymous_id' }), 'df_abc');
    assert.equal(recordKey(event, { record_key: 'message_id' }), 'm-1');
    assert.equal(recordKey(event, { record_key: 'none' }), undefined);
    assert.equal(recordKey({ userId: 'undefined', anonymousId: 'df_abc', messageId: 'm-1' }, {}), 'df_abc');
    assert.match(recordKey({ userId: 'jane@example.com', messageId: 'm-1' }, {})!, /^sha256:[0-9a-f]{64}$/);
    assert.equal(recordKey({ userId: 'jane@example.com', messageId: 'm-1' }, { include_contact_info: true }), 'jane@example.com');
  });

  test('one request of Concatenated JSON records, Basic authentication, packed by records_per_request', () => {
    const batch = [mapped('m-1', { userId: 'u-1' }), mapped('m-2', { userId: 'u-2' }), mapped('m-3', {})];
    const [request, ...rest] = produceRequests(batch, ctx({ ...CLOUD, records_per_request: 2 }));
    assert.equal(rest.length, 1);
    assert.deepEqual({ ...request!, body: undefined }, {
      method: 'POST', url: URL_CLOUD, body: undefined, eventIds: ['m-1', 'm-2'],
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Basic ${Buffer.from('ABCDEFGH12345678:secret-0123456789').toString('base64')}` },
    });
    assert.equal(request!.body, '{"key":{"type":"STRING","data":"u-1"},"value":{"type":"JSON","data":{"message_id":"m-1","type":"track"}}}\n{"key":{"type":"STRING","data":"u-2"},"value":{"type":"JSON","data":{"message_id":"m-2","type":"track"}}}');
    assert.deepEqual(lines(rest[0]!), [{ key: { type: 'STRING', data: 'df_anon' }, value: { type: 'JSON', data: { message_id: 'm-3', type: 'track' } } }]);
    assert.deepEqual(rest[0]!.eventIds, ['m-3']);
  });

  test('a REST Proxy without authentication: no Authorization header, the allowed private targets passed on', () => {
    const [request] = produceRequests([mapped('m-1', { userId: 'u-1' })], ctx({ rest_endpoint: 'http://10.0.3.7:8082', cluster_id: 'c1', topic: 't', record_key: 'none', allow_private_targets: ['10.0.0.0/16'] }));
    assert.equal(request!.url, 'http://10.0.3.7:8082/v3/clusters/c1/topics/t/records');
    assert.deepEqual(request!.headers, { 'content-type': 'application/json', accept: 'application/json' });
    assert.deepEqual(request!.allowPrivateTargets, ['10.0.0.0/16']);
    assert.deepEqual(lines(request!), [{ value: { type: 'JSON', data: { message_id: 'm-1', type: 'track' } } }]);
  });

  test('the definition maps through the plugin\'s map hook', () => {
    assert.deepEqual(kafka.map!({ message_id: 'm-1', context: { ip: '203.0.113.9' } }, {} as CanonicalEvent, ctx()), { message_id: 'm-1', context: {} });
  });
});

describe('Kafka REST\'s answers', () => {
  const request: RequestDescriptor = { method: 'POST', url: URL_CLOUD, eventIds: ['m-1', 'm-2', 'm-3'] };

  test('reading a stream of reports, as far as it came whole', () => {
    assert.deepEqual(readObjects('{"a":{"b":"}"}} {"c":[1,{"d":2}]}{"e":'), [{ a: { b: '}' } }, { c: [1, { d: 2 }] }]);
    assert.equal(readObjects('<html>502 Bad Gateway</html>'), undefined);
    assert.deepEqual(readReports(report(7)), [{ errorCode: 200, message: '', topic: 'signal-events', partition: 0, offset: 7 }]);
    assert.deepEqual([statusOfCode(40403), statusOfCode(429001), statusOfCode(50302), statusOfCode(200)], [404, 429, 503, 200]);
  });

  test('every report 200: delivered', () => {
    assert.deepEqual(classifyProduce(answer(200, [report(1), report(2), report(3)].join('\n')), request, CLOUD), { status: 'delivered' });
  });

  test('per record: a rate limit retried as such, a passing Kafka error retried, a record too large dead-lettered; the others delivered', () => {
    const body = [report(1), '{"error_code":429,"message":"Request rate limit exceeded"}', '{"error_code":413,"message":"The message is 2097300 bytes when serialized which is larger than 2097164."}'].join('');
    assert.deepEqual(classifyProduce(answer(200, body), request, CLOUD), {
      perEvent: {
        'm-2': { status: 'retry', reason: 'Kafka REST refused the record for its rate limit (HTTP 429 Request rate limit exceeded); sent again later', throttled: true },
        'm-3': { status: 'dead_letter', reason: 'the record is larger than the topic signal-events of cluster lkc-abc123 takes (HTTP 413 The message is 2097300 bytes when serialized which is larger than 2097164.): leave its largest properties out with a pipeline transformation or the blueprint, or raise the topic\'s max.message.bytes, then replay the dead letters' },
      },
    });
    assert.deepEqual(classifyProduce(answer(200, `${report(1)}{"error_code":50003,"message":"NOT_ENOUGH_REPLICAS"}`), { ...request, eventIds: ['m-1', 'm-2'] }, CLOUD), {
      perEvent: { 'm-2': { status: 'retry', reason: 'Kafka did not append the record (HTTP 500 50003: NOT_ENOUGH_REPLICAS); sent again' } },
    });
  });

  test('per record: a topic Kafka does not know, an ACL refusing the write', () => {
    const body = '{"error_code":40403,"message":"This server does not host this topic-partition."}{"error_code":40301,"message":"Not authorized to access topics: [signal-events]"}';
    const outcome = classifyProduce(answer(200, body), { ...request, eventIds: ['m-1', 'm-2'] }, CLOUD);
    assert.deepEqual(outcome, {
      perEvent: {
        'm-1': { status: 'dead_letter', reason: 'Kafka has no topic signal-events of cluster lkc-abc123 (HTTP 404 40403: This server does not host this topic-partition.): create the topic, or check config.topic, then replay the dead letters' },
        'm-2': { status: 'dead_letter', reason: 'Kafka REST denied the write (HTTP 403 40301: Not authorized to access topics: [signal-events]): allow the principal of config.api_key to WRITE to the topic signal-events of cluster lkc-abc123 (an ACL, or the DeveloperWrite role), then replay the dead letters' },
      },
    });
  });

  test('the stream ended early: the records without a report are sent again, saying what to set when it lasts', () => {
    assert.deepEqual(classifyProduce(answer(200, `${report(1)}\n{"error_code":200,"clu`), request, CLOUD), {
      perEvent: {
        'm-2': { status: 'retry', reason: 'Kafka REST\'s answer ended after 1 of 3 delivery reports, before this record\'s: sent again; if this lasts, the endpoint may take one record a request: set config.records_per_request to 1' },
        'm-3': { status: 'retry', reason: 'Kafka REST\'s answer ended after 1 of 3 delivery reports, before this record\'s: sent again; if this lasts, the endpoint may take one record a request: set config.records_per_request to 1' },
      },
    });
  });

  test('a 2xx that is not Kafka REST\'s answer is retried, not delivered', () => {
    assert.deepEqual(classifyProduce(answer(200, '<!doctype html><title>Sign in</title>'), request, CLOUD), { status: 'retry', reason: 'HTTP 200 with no delivery report (Sign in): not Kafka REST\'s answer (a proxy in the way? check config.rest_endpoint), so the records are sent again' });
    assert.deepEqual(classifyProduce(answer(204, ''), request, CLOUD), { status: 'retry', reason: 'HTTP 204 with an empty body: not Kafka REST\'s answer (a proxy in the way? check config.rest_endpoint), so the records are sent again' });
  });

  test('whole requests: 429 with Retry-After, 5xx, 401, 404 of the cluster, 413 and Kafka REST\'s 400 split, 400 and 422 of one record', () => {
    assert.deepEqual(classifyProduce(answer(429, '{"error_code":429,"message":"Too Many Requests"}', { 'Retry-After': '3' }), request, CLOUD), { status: 'retry', reason: 'Kafka REST\'s rate limit was reached (HTTP 429 Too Many Requests); sent again later', throttled: true, retryAfterMs: 3000 });
    assert.deepEqual(classifyProduce(answer(503, '<html>Service Unavailable</html>'), request, CLOUD), { status: 'retry', reason: 'Kafka REST failed (HTTP 503 Service Unavailable)' });
    assert.deepEqual(classifyProduce(answer(401, '{"error_code":40101,"message":"Authentication failed"}'), request, CLOUD), { status: 'dead_letter', reason: 'Kafka REST refused the credentials (HTTP 401 40101: Authentication failed): check config.api_key and config.api_secret (Confluent Cloud: a Kafka API key of cluster lkc-abc123, not a Cloud API key; a REST Proxy: its user and password), then replay the dead letters' });
    assert.deepEqual(classifyProduce(answer(404, '{"error_code":404,"message":"Cluster lkc-zzz not found"}'), request, CLOUD), { status: 'dead_letter', reason: 'Kafka REST found no such cluster or API (HTTP 404 Cluster lkc-zzz not found): check config.rest_endpoint (Confluent Cloud\'s REST endpoint, or the REST Proxy\'s URL) and config.cluster_id, then replay the dead letters' });
    assert.deepEqual(classifyProduce(answer(413, '{"error_code":413,"message":"Request Entity Too Large"}'), request, CLOUD), { status: 'split', reason: 'Kafka REST refused the request as too large (HTTP 413 Request Entity Too Large): sending it in halves' });
    assert.deepEqual(classifyProduce(answer(400, '{"error_code":400,"message":"Error processing JSON: unexpected character"}'), request, CLOUD), { status: 'split', reason: 'Kafka REST refused the request (HTTP 400 Error processing JSON: unexpected character); one record may be the cause: sending it in halves' });
    assert.deepEqual(classifyProduce(answer(400, '{"error_code":40002,"message":"Invalid topic"}'), { ...request, eventIds: ['m-1'] }, CLOUD), { status: 'dead_letter', reason: 'Kafka REST refused this record (HTTP 400 40002: Invalid topic): fix what its message names (the record\'s value, through the blueprint, or config.topic), then replay the dead letters' });
    assert.equal((classifyProduce(answer(400, '<html>Bad Request</html>'), request, CLOUD) as { status: string }).status, 'dead_letter', 'a 400 that is not Kafka REST\'s error object is no record\'s');
    assert.deepEqual(classifyProduce(answer(422, '{"error_code":422,"message":"Unprocessable Entity"}'), { ...request, eventIds: ['m-1'] }, CLOUD), { status: 'dead_letter', reason: 'Kafka REST refused this record (HTTP 422 Unprocessable Entity): check its key and value, then replay the dead letters' });
  });
});

describe('person deletions', () => {
  const person = { userId: 'u-42', anonymousId: 'df_abc' };

  test('off unless deletion_records is set', () => {
    assert.equal(kafkaForgetPerson.enabled(CLOUD), false);
    assert.equal(kafkaForgetPerson.enabled({ ...CLOUD, deletion_records: 'notice' }), true);
  });

  test('a deletion notice under the person\'s key; an email id hashed as records have it', () => {
    const request = kafkaForgetPerson.request(person, ctx({ ...CLOUD, deletion_records: 'notice' })) as RequestDescriptor;
    assert.equal(request.url, URL_CLOUD);
    assert.deepEqual(request.eventIds, []);
    assert.deepEqual(lines(request), [{ key: { type: 'STRING', data: 'u-42' }, value: { type: 'JSON', data: { type: 'person_deletion', user_id: 'u-42', anonymous_id: 'df_abc', requested_at: '2026-11-30T12:00:05.000Z' } } }]);
    const [notice] = lines(deletionNoticeRequest({ userId: 'jane@example.com', anonymousId: null }, ctx({ ...CLOUD, deletion_records: 'notice', record_key: 'message_id' })));
    const key = (notice!.key as { data: string }).data;
    assert.match(key, /^sha256:[0-9a-f]{64}$/);
    assert.equal(((notice!.value as { data: JsonObject }).data).user_id, key, 'the notice names the person as their key does');
  });

  test('tombstones: a null value under each of the person\'s keys', () => {
    const request = kafkaForgetPerson.request(person, ctx({ ...CLOUD, deletion_records: 'tombstone' })) as RequestDescriptor;
    assert.equal(request.body, '{"key":{"type":"STRING","data":"u-42"}}\n{"key":{"type":"STRING","data":"df_abc"}}');
    assert.deepEqual(kafkaForgetPerson.request({ userId: 'undefined', anonymousId: null }, ctx({ ...CLOUD, deletion_records: 'tombstone' })), { skipped: 'the ids named are placeholders ("null", "undefined", …) that name no one' });
  });

  test('answers: written, retried, refused', () => {
    const config = { ...CLOUD, deletion_records: 'tombstone' };
    const read = (response: VendorResponse) => kafkaForgetPerson.read!(response, undefined, ctx(config));
    assert.deepEqual(read(answer(200, `${report(1)}\n${report(2)}`)), { done: true, message: '2 tombstones (compaction removes the person\'s records) written to signal-events' });
    const sent = kafkaForgetPerson.request({ userId: 'u-42', anonymousId: 'df_abc' }, ctx(config)) as RequestDescriptor;
    assert.deepEqual(kafkaForgetPerson.read!(answer(200, report(1)), sent, ctx(config)), { retry: 'Kafka REST\'s answer ended after 1 of 2 delivery reports: the deletion\'s records are sent again' });
    assert.deepEqual(kafkaForgetPerson.read!(answer(200, `${report(1)}\n${report(2)}`), sent, ctx(config)), { done: true, message: '2 tombstones (compaction removes the person\'s records) written to signal-events' });
    assert.deepEqual(read(answer(200, `${report(1)}{"error_code":50302,"message":"Broker not available"}`)), { retry: 'Kafka did not append the record (HTTP 503 50302: Broker not available); sent again' });
    assert.deepEqual(read(answer(403, '{"error_code":40301,"message":"Not authorized"}')), { failed: 'Kafka REST denied the write (HTTP 403 40301: Not authorized): allow the principal of config.api_key to WRITE to the topic signal-events of cluster lkc-abc123 (an ACL, or the DeveloperWrite role)' });
    assert.deepEqual(read(answer(429, '{"error_code":429,"message":"Too Many Requests"}', { 'retry-after': '30' })), { retry: 'Kafka REST\'s rate limit was reached (HTTP 429 Too Many Requests); sent again later', afterSeconds: 30 });
  });
});
