// Amazon Kinesis, unit by unit: the config checks, the records (contact information left out
// unless included), the PutRecords and PutRecordBatch requests within AWS's limits, their
// signature (recomputed on its own from AWS's documented steps), AWS's answers, and deletion notices.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { asReceived, awsSignatureHolds } from '../../test/helpers/aws-signature-check.ts';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import kinesis, { awsError, classifyPut, endpointOf, kinesisConfigWarnings, MAX_RECORDS, partitionKey, readDeletionNotice, streamOf, streamRecord, validateKinesisConfig } from './index.ts';

const NOW = Date.parse('2026-11-30T12:00:05.000Z');
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
/** Who signs, for what: the check of what `sign` returns (test/helpers/aws-signature-check.ts). */
const SIGNER = { host: 'kinesis.eu-west-1.amazonaws.com', region: 'eu-west-1', service: 'kinesis', accessKeyId: ACCESS_KEY, secretAccessKey: SECRET };
const CONFIG = { service: 'data_streams', region: 'eu-west-1', stream_name: 'signal-events', access_key_id: ACCESS_KEY, secret_access_key: SECRET };
const FIREHOSE = { ...CONFIG, service: 'firehose', stream_name: 'signal-to-s3' };
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { ...CONFIG, ...config }, variant: 'default', integrationId: 'pi-k1', revisionId: 'r', options: {}, now: NOW });
const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc123', userId: 'u-42', timestamp: '2026-11-30T11:59:58.250Z', receivedAt: '2026-11-30T12:00:00.100Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, email: 'jane@example.com' },
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks' } },
  ...overrides,
} as CanonicalEvent);
const mapped = (id: string, overrides: Partial<CanonicalEvent> = {}, payload: JsonObject = { message_id: id, type: 'track' }): MappedEvent => ({ id, event: event({ messageId: id.replace(/#\d+$/, ''), ...overrides }), payload });
const answer = (status: number, json?: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: json === undefined ? '' : JSON.stringify(json), ...(json === undefined ? {} : { json }) });
const request = (events: number): RequestDescriptor => ({ method: 'POST', url: 'https://kinesis.eu-west-1.amazonaws.com/', eventIds: Array.from({ length: events }, (_, i) => `e${i}`) });
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const bodyOf = (r: RequestDescriptor) => r.body as { StreamName?: string; StreamARN?: string; DeliveryStreamName?: string; Records: Array<{ Data: string; PartitionKey?: string }> };
const decoded = (data: string) => Buffer.from(data, 'base64').toString('utf8');

test('config: a valid config passes; each problem names its field and says what is expected', () => {
  assert.deepEqual(validateKinesisConfig(CONFIG), []);
  assert.deepEqual(validateKinesisConfig(FIREHOSE), []);
  assert.deepEqual(validateKinesisConfig({ ...CONFIG, stream_name: 'arn:aws:kinesis:eu-west-1:111122223333:stream/signal-events' }), []);
  const problems = validateKinesisConfig({
    service: 'sqs', region: 'Europe (Ireland)', stream_name: 'signal events', access_key_id: ' AKIAIOSFODNN7EXAMPLE', secret_access_key: `${SECRET}\n`,
    partition_key: 'email', include_contact_info: 'yes', deletion_notices: 1,
  });
  assert.deepEqual(problems.map((p) => p.field), ['service', 'region', 'stream_name', 'access_key_id', 'secret_access_key', 'partition_key', 'include_contact_info', 'deletion_notices']);
  assert.match(problems[1]!.message, /give an AWS Region code such as eu-west-1/);
  assert.match(problems[2]!.message, /1 to 128 letters, digits, underscores, periods and hyphens/);
  assert.ok(problems.every((p) => !p.message.includes(SECRET)), 'the secret is never quoted');
  assert.deepEqual(validateKinesisConfig({ ...CONFIG, stream_name: 'arn:aws:kinesis:us-east-1:111122223333:stream/signal-events' }).map((p) => p.message), ['is in Region us-east-1, but region is eu-west-1: requests go to the configured region\'s endpoint, so set region to us-east-1']);
  assert.match(validateKinesisConfig({ ...FIREHOSE, stream_name: 'arn:aws:kinesis:eu-west-1:111122223333:stream/signal-events' })[0]!.message, /a Kinesis data stream's ARN, while service is firehose/);
  assert.deepEqual(validateKinesisConfig({ ...CONFIG, service: undefined as unknown as string, access_key_id: 'ASIAIOSFODNN7EXAMPLE', session_token: 'FwoG' }), [], 'service defaults to data streams; ASIA keys take a session token');
  assert.deepEqual(kinesisConfigWarnings({ ...CONFIG, session_token: '••••' }).map((w) => w.field), ['session_token'], 'a session token with an AKIA key: advice, not a refusal');
  assert.deepEqual(kinesisConfigWarnings({ ...CONFIG, access_key_id: 'ASIAIOSFODNN7EXAMPLE', session_token: '••••' }), []);
  assert.deepEqual(streamOf({ ...FIREHOSE, stream_name: 'arn:aws:firehose:eu-west-1:111122223333:deliverystream/signal-to-s3' }), { name: 'signal-to-s3' }, 'PutRecordBatch takes the name only');
});

test('records: through the default blueprint, contact information left out unless config.include_contact_info; placeholder ids left out', () => {
  const blueprint = readFileSync(new URL('../../blueprints/amazon_kinesis/default.yaml', import.meta.url), 'utf8');
  const mapper = (config: Record<string, JsonValue> = {}) => {
    const map = createEventMapper(kinesis, { variant: 'default', blueprint }, ctx(config));
    return (e: CanonicalEvent) => map(e).payload as JsonObject;
  };
  const identify = event({ type: 'identify', event: undefined, userId: 'undefined', traits: { email: 'jane@example.com', name: 'Jane Doe', plan: 'pro' }, properties: undefined } as Partial<CanonicalEvent>);
  const plain = mapper()(identify);
  assert.deepEqual(plain, {
    message_id: 'm-1', type: 'identify', anonymous_id: 'df_abc123', timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.100Z',
    traits: { plan: 'pro' }, context: { userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks', path: '/thanks' } },
  });
  const full = mapper({ include_contact_info: true })(event());
  assert.deepEqual(full.properties, { order_id: 'ORD-1', revenue: 74.97, email: 'jane@example.com' });
  assert.equal((full.context as { ip: string }).ip, '203.0.113.42');
  assert.deepEqual(streamRecord({ user_id: 'jane@example.com', anonymous_id: 'df_1' }, { includeContactInfo: false }), { user_id: `sha256:${sha256('jane@example.com')}`, anonymous_id: 'df_1' }, 'an email as id is not in clear: its SHA-256, as its partition key and a deletion notice give it');
  assert.deepEqual(streamRecord({ user_id: 'jane@example.com' }, { includeContactInfo: true }), { user_id: 'jane@example.com' });
});

test('send (data stream): one PutRecords request to the Region\'s endpoint, each event a record of its JSON in base64, partitioned per person', () => {
  const batch = [mapped('m-1', {}, { message_id: 'm-1', type: 'track', note: 'é ☀️' }), mapped('m-2', { userId: undefined }), mapped('m-3', { userId: 'null', anonymousId: 'df_z' })];
  const [put, ...more] = kinesis.send(batch, ctx());
  assert.equal(more.length, 0);
  assert.deepEqual({ ...put!, body: undefined }, {
    method: 'POST', url: 'https://kinesis.eu-west-1.amazonaws.com/', body: undefined, eventIds: ['m-1', 'm-2', 'm-3'],
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecords' },
  });
  const body = bodyOf(put!);
  assert.deepEqual(Object.keys(body), ['StreamName', 'Records']);
  assert.equal(body.StreamName, 'signal-events');
  assert.deepEqual(body.Records.map((r) => r.PartitionKey), ['u-42', 'df_abc123', 'df_z'], 'the userId, else the anonymousId; placeholders passed over');
  assert.equal(decoded(body.Records[0]!.Data), '{"message_id":"m-1","type":"track","note":"é ☀️"}', 'the JSON as UTF-8, no newline');
  assert.equal(bodyOf(kinesis.send(batch, ctx({ stream_name: 'arn:aws:kinesis:eu-west-1:111122223333:stream/signal-events' }))[0]!).StreamARN, 'arn:aws:kinesis:eu-west-1:111122223333:stream/signal-events');
  assert.deepEqual(bodyOf(kinesis.send(batch, ctx({ partition_key: 'anonymous_id' }))[0]!).Records.map((r) => r.PartitionKey), ['df_abc123', 'df_abc123', 'df_z']);
  assert.deepEqual(bodyOf(kinesis.send(batch, ctx({ partition_key: 'message_id' }))[0]!).Records.map((r) => r.PartitionKey), ['m-1', 'm-2', 'm-3']);
  assert.deepEqual(kinesis.send(batch, ctx()), kinesis.send(batch, ctx()), 'pure');
});

test('partition keys: an email as userId, or an id over 256 characters, becomes sha256:<hex> (an email kept only with contact information included)', () => {
  const long = 'u'.repeat(300);
  assert.equal(partitionKey({ userId: long, anonymousId: 'df_1', messageId: 'm' }, CONFIG), `sha256:${sha256(long)}`);
  assert.equal(partitionKey({ userId: 'jane@example.com', anonymousId: 'df_1', messageId: 'm' }, CONFIG), `sha256:${sha256('jane@example.com')}`);
  assert.equal(partitionKey({ userId: 'jane@example.com', anonymousId: 'df_1', messageId: 'm' }, { ...CONFIG, include_contact_info: true }), 'jane@example.com');
  assert.equal(partitionKey({ userId: undefined, anonymousId: undefined, messageId: 'm-9' }, CONFIG), 'm-9');
  const emoji = '😀'.repeat(200); // 200 code points, 400 UTF-16 units: over what AWS counts as 256
  assert.equal(partitionKey({ userId: emoji, anonymousId: 'df_1', messageId: 'm' }, CONFIG), `sha256:${sha256(emoji)}`);
  assert.equal(partitionKey({ userId: '😀'.repeat(128), anonymousId: 'df_1', messageId: 'm' }, CONFIG), '😀'.repeat(128), '256 units: kept');
  assert.match(partitionKey({ userId: 'u-\ud800', anonymousId: 'df_1', messageId: 'm' }, CONFIG), /^sha256:[0-9a-f]{64}$/, 'a lone surrogate is no valid text');
});

test('send (Firehose): PutRecordBatch to firehose.<region>, DeliveryStreamName, records without partition keys, each JSON followed by a newline', () => {
  const [put] = kinesis.send([mapped('m-1'), mapped('m-2')], ctx(FIREHOSE));
  assert.equal(put!.url, 'https://firehose.eu-west-1.amazonaws.com/');
  assert.equal(put!.headers!['x-amz-target'], 'Firehose_20150804.PutRecordBatch');
  assert.deepEqual(put!.body, { DeliveryStreamName: 'signal-to-s3', Records: [{ Data: Buffer.from('{"message_id":"m-1","type":"track"}\n').toString('base64') }, { Data: Buffer.from('{"message_id":"m-2","type":"track"}\n').toString('base64') }] });
  assert.equal(endpointOf('data_streams', 'cn-north-1'), 'https://kinesis.cn-north-1.amazonaws.com.cn/');
});

test('send: at most 500 records and 5 MiB of body a request (4 MiB for Firehose), every event once in order; a record too large alone goes alone', () => {
  const many = Array.from({ length: 1201 }, (_, i) => mapped(`m-${i}`));
  const parts = kinesis.send(many, ctx());
  assert.deepEqual(parts.map((r) => r.eventIds.length), [MAX_RECORDS, MAX_RECORDS, 201]);
  assert.deepEqual(parts.flatMap((r) => r.eventIds), many.map((m) => m.id));
  const big = (id: string) => mapped(id, {}, { message_id: id, blob: 'x'.repeat(700_000) });
  const heavy = [big('a'), big('b'), big('c'), big('d'), big('e'), big('f')];
  const streams = kinesis.send(heavy, ctx()).map((r) => Buffer.byteLength(JSON.stringify(r.body)));
  assert.ok(streams.every((bytes) => bytes <= 5 * 1024 * 1024), String(streams));
  assert.deepEqual(kinesis.send(heavy, ctx()).map((r) => r.eventIds.length), [5, 1]);
  assert.deepEqual(kinesis.send(heavy, ctx(FIREHOSE)).map((r) => r.eventIds.length), [4, 2]);
  const huge = mapped('huge', {}, { blob: 'x'.repeat(6_000_000) });
  assert.deepEqual(kinesis.send([mapped('s-1'), huge, mapped('s-2')], ctx()).map((r) => r.eventIds), [['s-1'], ['huge'], ['s-2']]);
});

test('sign: x-amz-date and the SigV4 Authorization at the sending time over the exact body, service kinesis or firehose; the session token signed', () => {
  const [built] = kinesis.send([mapped('m-1')], ctx());
  assert.equal(built!.headers!.authorization, undefined, 'send does not sign');
  const later = { ...ctx(), now: NOW + 4 * 60_000 };
  const signed = kinesis.sign!(built!, later);
  assert.equal(signed.headers!['x-amz-date'], '20261130T120405Z', 'the time of sending, not of building');
  assert.match(signed.headers!.authorization!, /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20261130\/eu-west-1\/kinesis\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/);
  assert.ok(awsSignatureHolds(asReceived(signed), SIGNER, NOW + 4 * 60_000), 'the signature AWS computes over the body and headers sent');
  assert.deepEqual([signed.body, signed.eventIds, signed.url], [built!.body, built!.eventIds, built!.url]);
  const firehose = kinesis.sign!(kinesis.send([mapped('m-1')], ctx(FIREHOSE))[0]!, ctx({ ...FIREHOSE, access_key_id: ACCESS_KEY.replace('AKIA', 'ASIA'), session_token: 'FwoGZXIvYXdzEXAMPLE' }));
  assert.equal(firehose.headers!['x-amz-security-token'], 'FwoGZXIvYXdzEXAMPLE');
  assert.match(firehose.headers!.authorization!, /\/eu-west-1\/firehose\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,/);
});

test('classify 200: per record — written, throughput exceeded retried as a rate limit, InternalFailure retried, a KMS key dead-lettered; only the failed events', () => {
  const ok = { SequenceNumber: '49546986683135544286507457936321625675700192471156785154', ShardId: 'shardId-000000000000' };
  assert.deepEqual(classifyPut(answer(200, { FailedRecordCount: 0, Records: [ok, ok] }), request(2), CONFIG), { status: 'delivered' });
  const mixed = classifyPut(answer(200, {
    FailedRecordCount: 3, Records: [ok,
      { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard shardId-000000000001 in stream signal-events under account 111122223333.' },
      { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' },
      { ErrorCode: 'KMSAccessDeniedException', ErrorMessage: 'User is not authorized to perform kms:GenerateDataKey' }],
  }), request(4), CONFIG);
  assert.deepEqual(mixed, {
    perEvent: {
      e1: { status: 'retry', throttled: true, reason: 'Kinesis refused the record: the shard\'s write limit was exceeded (ProvisionedThroughputExceededException: Rate exceeded for shard shardId-000000000001 in stream signal-events under account 111122223333.); sent again later. If this lasts, add shards to the data stream signal-events in eu-west-1 or switch it to on-demand capacity' },
      e2: { status: 'retry', reason: 'Kinesis did not write the record (InternalFailure: Internal service failure.); sent again' },
      e3: { status: 'dead_letter', reason: 'the data stream signal-events in eu-west-1 is encrypted with a KMS key that cannot be used (KMSAccessDeniedException: User is not authorized to perform kms:GenerateDataKey): check that the key is enabled, and grant the IAM identity of config.access_key_id kms:GenerateDataKey on it; then replay the dead letters' },
    },
  });
  const firehose = classifyPut(answer(200, { FailedPutCount: 1, Encrypted: false, RequestResponses: [{ RecordId: 'r1' }, { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' }] }), request(2), FIREHOSE);
  assert.deepEqual(firehose, { perEvent: { e1: { status: 'retry', throttled: true, reason: 'Firehose refused the record for its rate limit (ServiceUnavailableException: Slow down.); sent again later' } } });
});

test('classify 200 that is not the API\'s answer: a proxy\'s page or a results list of another length is sent again', () => {
  assert.equal(statusOf(classifyPut({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>Sign in to the Wi-Fi</html>' }, request(2), CONFIG)), 'retry');
  assert.match(reasonOf(classifyPut(answer(200, { FailedRecordCount: 0, Records: [{}] }), request(2), CONFIG)), /1 results for a request of 2 records/);
  assert.equal(statusOf(classifyPut(answer(200, { FailedPutCount: 2 }), request(2), FIREHOSE)), 'retry');
});

test('classify 200 cut short at the core\'s 64 KB: the results that came decide their records, the rest written when the count says so, else sent again', () => {
  // What the core hands over: the answer's first 64 KB, no JSON (500 Firehose RecordIds run well past it).
  const cut = (json: object) => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(json).slice(0, 65_536) });
  const recordId = (i: number) => `${'Ys2kc+1ruhJGa4SVsr6gX8zhd/eUZTzD3LGVcjbVrzFHxtWCGb5LUjnNuRbRB5wXhYwv4MCgYnGlETAvBDnGRW9GcuMCw4cYPLLNMYUj9FUDpoT3tXiY9mq0l'.repeat(2)}${i}`;
  const written = Array.from({ length: 500 }, (_, i) => ({ RecordId: recordId(i) }));
  assert.ok(JSON.stringify({ FailedPutCount: 0, Encrypted: false, RequestResponses: written }).length > 65_536);
  assert.deepEqual(classifyPut(cut({ FailedPutCount: 0, Encrypted: false, RequestResponses: written }), request(500), FIREHOSE), { status: 'delivered' }, 'written: not sent again');
  const failedEarly = written.map((r, i) => (i === 3 ? { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' } : r));
  assert.deepEqual(classifyPut(cut({ FailedPutCount: 1, Encrypted: false, RequestResponses: failedEarly }), request(500), FIREHOSE), {
    perEvent: { e3: { status: 'retry', throttled: true, reason: 'Firehose refused the record for its rate limit (ServiceUnavailableException: Slow down.); sent again later' } },
  }, 'the one failure counted came: the records after the cut were written');
  const failedLate = written.map((r, i) => (i === 499 ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' } : r));
  const late = classifyPut(cut({ FailedPutCount: 1, Encrypted: false, RequestResponses: failedLate }), request(500), FIREHOSE);
  assert.ok('perEvent' in late);
  const seen = Math.floor((65_536 - 50) / (JSON.stringify(written[0]).length + 1));
  const retried = Object.keys(late.perEvent);
  assert.ok(retried.length > 200 && retried.length < 500 - seen + 5 && !retried.includes('e0') && retried.includes('e499'), `${retried.length} retried`);
  assert.match(reasonOf(late.perEvent.e499!), /^Firehose's answer was cut short before this record's result \(it counts 1 failed records, 0 named\): sent again/);
  const kinesisRefused = Array.from({ length: 500 }, () => ({ ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard shardId-000000000001 in stream signal-events under account 111122223333.' }));
  const throttled = classifyPut(cut({ FailedRecordCount: 500, Records: kinesisRefused }), request(500), CONFIG);
  assert.ok('perEvent' in throttled);
  assert.equal(Object.keys(throttled.perEvent).length, 500, 'every record retried');
  assert.equal(throttled.perEvent.e0!.status === 'retry' && throttled.perEvent.e0!.throttled, true, 'those whose result came, as a rate limit');
  assert.equal(statusOf(classifyPut({ status: 200, headers: {}, body: '{"FailedRecordCount":0,"Records":[{"Seq' }, request(2), CONFIG)), 'delivered');
  assert.equal(statusOf(classifyPut({ status: 200, headers: {}, body: '{"FailedRecordCount":0,"Recs' }, request(2), CONFIG)), 'retry', 'no results list: not the answer');
});

test('classify errors: throttling retried as a rate limit (Retry-After kept), 5xx retried, clock skew retried; too large or invalid split, then dead-lettered alone; config errors dead-lettered naming the field', () => {
  const throttled = classifyPut(answer(400, { __type: 'ProvisionedThroughputExceededException', message: 'Rate exceeded for stream signal-events under account 111122223333.' }, { 'Retry-After': '2' }), request(2), CONFIG);
  assert.deepEqual([statusOf(throttled), 'throttled' in throttled && throttled.throttled, 'retryAfterMs' in throttled && throttled.retryAfterMs], ['retry', true, 2000]);
  assert.equal(awsError(answer(400, { __type: 'com.amazonaws.kinesis.v20131202#ThrottlingException', Message: 'Rate exceeded' })).code, 'ThrottlingException');
  assert.equal(awsError({ status: 400, headers: { 'X-Amzn-ErrorType': 'LimitExceededException:http://internal.amazon.com/' }, body: '' }).code, 'LimitExceededException');
  assert.equal(statusOf(classifyPut(answer(429, { message: 'Too Many Requests' }), request(2), CONFIG)), 'retry');
  assert.equal(statusOf(classifyPut(answer(500, { __type: 'InternalFailure' }), request(2), CONFIG)), 'retry');
  assert.equal(statusOf(classifyPut(answer(503, { __type: 'ServiceUnavailable' }), request(2), CONFIG)), 'retry');
  assert.match(reasonOf(classifyPut(answer(400, { __type: 'InvalidSignatureException', message: 'Signature expired: 20261130T115000Z is now earlier than 20261130T115500Z (20261130T120000Z - 5 min.)' }), request(1), CONFIG)), /clock is more than 5 minutes off/);
  const tooBig = answer(400, { __type: 'ValidationException', message: '1 validation error detected: Value at \'records.2.member.data\' failed to satisfy constraint: Member must have length less than or equal to 1048576' });
  assert.equal(statusOf(classifyPut(tooBig, request(3), CONFIG)), 'split');
  assert.match(reasonOf(classifyPut(tooBig, request(1), CONFIG)), /^Kinesis refused this record \(HTTP 400 ValidationException: .*\): a record holds at most 1 MiB of data; leave its largest properties out/);
  assert.equal(statusOf(classifyPut(answer(413, {}), request(2), CONFIG)), 'split');
  const badName = classifyPut(answer(400, { __type: 'ValidationException', message: '1 validation error detected: Value \'signal events\' at \'streamName\' failed to satisfy constraint' }), request(3), CONFIG);
  assert.equal(statusOf(badName), 'dead_letter', 'not split: the stream\'s name is wrong for every record');
  assert.match(reasonOf(badName), /check config\.stream_name/);
  assert.equal(reasonOf(classifyPut(answer(400, { __type: 'ResourceNotFoundException', message: 'Stream signal-events under account 111122223333 not found.' }), request(2), CONFIG)),
    'Kinesis has no data stream signal-events in eu-west-1 for these credentials (HTTP 400 ResourceNotFoundException: Stream signal-events under account 111122223333 not found.): check config.stream_name and config.region (and that the key\'s account owns the stream), then replay the dead letters');
  assert.match(reasonOf(classifyPut(answer(400, { __type: 'AccessDeniedException', message: 'User: arn:aws:iam::111122223333:user/signal is not authorized to perform: firehose:PutRecordBatch' }), request(2), FIREHOSE)), /allow the IAM identity of config\.access_key_id firehose:PutRecordBatch on the Firehose stream signal-to-s3 in eu-west-1/);
  assert.match(reasonOf(classifyPut(answer(400, { __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' }), request(2), CONFIG)), /check config\.access_key_id and config\.secret_access_key/);
  assert.match(reasonOf(classifyPut(answer(400, { __type: 'ExpiredTokenException', message: 'The security token included in the request is expired' }), request(2), CONFIG)), /temporary credentials as expired/);
  assert.match(reasonOf(classifyPut(answer(400, { __type: 'InvalidSourceException', message: 'This operation is not permitted on KinesisStreamAsSource delivery stream type.' }), request(2), FIREHOSE)), /set config\.service to data_streams/);
  assert.equal(statusOf(classifyPut(answer(400, { __type: 'KMSThrottlingException', message: 'Rate exceeded' }), request(2), CONFIG)), 'retry');
  assert.equal(statusOf(classifyPut(answer(400, { __type: 'KMSDisabledException', message: 'key disabled' }), request(2), CONFIG)), 'dead_letter');
  assert.equal(statusOf(classifyPut(answer(400, { error: 'HTTP 400' }), request(2), CONFIG)), 'dead_letter', 'a 400 without an AWS validation code is not split');
});

test('deletion notices: off unless config.deletion_notices; one record under the person\'s partition key, signed by sign as it goes; answers read', () => {
  const forget = kinesis.forgetPerson!;
  assert.equal(forget.enabled(CONFIG), false);
  assert.equal(forget.enabled({ ...CONFIG, deletion_notices: true }), true);
  const built = forget.request({ userId: 'u-42', anonymousId: 'df_abc123' }, ctx({ deletion_notices: true })) as RequestDescriptor;
  const body = bodyOf(built);
  assert.deepEqual(body.Records.map((r) => r.PartitionKey), ['u-42']);
  assert.deepEqual(JSON.parse(decoded(body.Records[0]!.Data)), { type: 'person_deletion', user_id: 'u-42', anonymous_id: 'df_abc123', requested_at: '2026-11-30T12:00:05.000Z' });
  assert.equal(built.headers!.authorization, undefined, 'built unsigned: the core signs it with the plugin\'s sign as it goes');
  const signed = kinesis.sign!(built, ctx({ deletion_notices: true }));
  assert.match(signed.headers!.authorization!, /SignedHeaders=content-type;host;x-amz-date;x-amz-target,/);
  assert.ok(awsSignatureHolds(asReceived(signed), SIGNER, NOW), 'the signature AWS computes over the body and headers sent');
  assert.deepEqual(built.eventIds, []);
  const anonymous = forget.request({ userId: null, anonymousId: 'df_abc123' }, ctx({ deletion_notices: true, partition_key: 'message_id' })) as RequestDescriptor;
  assert.deepEqual(bodyOf(anonymous).Records.map((r) => r.PartitionKey), ['df_abc123'], 'per-event partitioning: the person\'s id all the same');
  const byEmail = forget.request({ userId: 'jane@example.com', anonymousId: null }, ctx({ deletion_notices: true })) as RequestDescriptor;
  assert.deepEqual([bodyOf(byEmail).Records[0]!.PartitionKey, (JSON.parse(decoded(bodyOf(byEmail).Records[0]!.Data)) as { user_id: string }).user_id], [`sha256:${sha256('jane@example.com')}`, `sha256:${sha256('jane@example.com')}`], 'an email not in clear while records leave contact information out');
  assert.deepEqual(forget.request({ userId: 'undefined', anonymousId: null }, ctx({ deletion_notices: true })), { skipped: 'the ids named are placeholders ("null", "undefined", …) that name no one' });
  const config = { ...CONFIG, deletion_notices: true };
  assert.deepEqual(readDeletionNotice(answer(200, { FailedRecordCount: 0, Records: [{ SequenceNumber: '1', ShardId: 'shardId-000000000000' }] }), built, config), { done: true, message: 'deletion notice written to signal-events: your consumers erase the person\'s data' });
  assert.ok('retry' in readDeletionNotice(answer(200, { FailedRecordCount: 1, Records: [{ ErrorCode: 'InternalFailure' }] }), built, config));
  assert.deepEqual(readDeletionNotice(answer(429, {}, { 'retry-after': '30' }), built, config), { retry: 'Kinesis\'s rate limit was reached (HTTP 429); sent again later', afterSeconds: 30 });
  const refused = readDeletionNotice(answer(400, { __type: 'ResourceNotFoundException', message: 'Stream signal-events not found.' }), built, config);
  assert.ok('failed' in refused && !refused.failed.includes('replay'), JSON.stringify(refused));
});
