// Amazon Kinesis end to end: browser calls through the real collect API, the queue and the
// delivery engine, to the vendor simulator standing in for the Kinesis and Firehose endpoints
// of eu-west-1, which checks each request's SigV4 signature over the real host and the bytes
// received (refusing a bad one as AWS does) and answers per stream: the documented PutRecords
// and PutRecordBatch requests; a 503, a 429 with Retry-After and a timeout retried; a record
// refused for the shard's throughput sent again alone; a request refused for one record's size
// sent in halves and that record dead-lettered; a missing stream dead-lettered naming the config
// fields; a person deletion written as a deletion notice record.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { awsSignatureHolds } from '../../test/helpers/aws-signature-check.ts';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const REGION = 'eu-west-1';
const KINESIS_HOST = `kinesis.${REGION}.amazonaws.com`;
const FIREHOSE_HOST = `firehose.${REGION}.amazonaws.com`;
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';
const visitor: Visitor = { id: 'df_kin0visitor01', ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' };

let sim: VendorSim;
let signal: TestSignal;
/** Answers queued per stream name, used before the default (every record written). */
const queued = new Map<string, Array<(request: RecordedRequest) => ScriptedResponse>>();

interface PutBody { StreamName?: string; DeliveryStreamName?: string; Records: Array<{ Data: string; PartitionKey?: string }> }
const bodyOf = (request: RecordedRequest) => request.json as PutBody;
const streamOfRequest = (request: RecordedRequest) => bodyOf(request).StreamName ?? bodyOf(request).DeliveryStreamName ?? '';
const records = (request: RecordedRequest) => bodyOf(request).Records.map((r) => ({ key: r.PartitionKey, text: Buffer.from(r.Data, 'base64').toString('utf8') }));
const parsed = (request: RecordedRequest) => records(request).map((r) => JSON.parse(r.text) as Record<string, unknown>);
const awsError = (status: number, type: string, message: string, headers: Record<string, string> = {}): ScriptedResponse => ({ status, body: { __type: type, message }, headers: { 'x-amzn-errortype': type, ...headers } });

/** The SigV4 signature AWS would compute for what arrived, with the service's real host. */
const signatureHolds = (request: RecordedRequest, host: string, service: string) => awsSignatureHolds(request, { host, region: REGION, service, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET });

/** Kinesis (or Firehose) as it answers: a bad signature refused, else the stream's queued answer, else every record written. */
function endpoint(host: string, service: 'kinesis' | 'firehose') {
  return (request: RecordedRequest): ScriptedResponse => {
    if (!signatureHolds(request, host, service)) return awsError(400, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
    const next = queued.get(streamOfRequest(request))?.shift();
    if (next) return next(request);
    const count = bodyOf(request).Records.length;
    return service === 'kinesis'
      ? { status: 200, body: { FailedRecordCount: 0, Records: Array.from({ length: count }, (_, i) => ({ SequenceNumber: `4962${i}`, ShardId: 'shardId-000000000000' })) } }
      : { status: 200, body: { FailedPutCount: 0, Encrypted: false, RequestResponses: Array.from({ length: count }, (_, i) => ({ RecordId: `r${i}` })) } };
  };
}
const queue = (stream: string, ...answers: Array<(request: RecordedRequest) => ScriptedResponse>) => queued.set(stream, [...(queued.get(stream) ?? []), ...answers]);
const putsTo = (stream: string, path = '/') => sim.requests({ method: 'POST', path }).filter((r) => streamOfRequest(r) === stream);

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', '/', endpoint(KINESIS_HOST, 'kinesis'));
  sim.setDefault('POST', '/firehose/', endpoint(FIREHOSE_HOST, 'firehose'));
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://${KINESIS_HOST}=${sim.url},https://${FIREHOSE_HOST}=${sim.url}/firehose`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'amazon_kinesis', vendors: ['amazon_kinesis'] });
});
after(() => closeAll(signal, sim));

const install = (name: string, config: Record<string, unknown>) => installOnNewPipeline(signal, 'amazon_kinesis', name, {
  config: { service: 'data_streams', region: REGION, access_key_id: ACCESS_KEY, secret_access_key: SECRET, ...config },
});
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, {
  timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks', title: 'Thanks' } },
});
const batchCall = (key: string, events: Array<Record<string, unknown>>) => sendServerBatch(signal, key, events, { userId: 'u-kin-batch', timestamp: CALL_TIMESTAMP });
const delivered = (integrationId: string, count: number) => waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === count || undefined, `${count} delivered`);

describe('Amazon Kinesis', () => {
  test('a browser\'s order: one signed PutRecords of the record\'s JSON in base64, partitioned by the userId, without contact information', async () => {
    const { site, integrationId } = await install('Kinesis shop', { stream_name: 'signal-events' });
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-kin-1', messageId: 'kin-order-1', properties: { order_id: 'ORD-K1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com' } });
    const [request] = await sim.waitFor((all) => all.some((r) => streamOfRequest(r) === 'signal-events'), 10_000, { method: 'POST', path: '/' });
    const put = putsTo('signal-events')[0] ?? request!;
    assert.equal(put.headers['content-type'], 'application/x-amz-json-1.1');
    assert.equal(put.headers['x-amz-target'], 'Kinesis_20131202.PutRecords');
    assert.ok(signatureHolds(put, KINESIS_HOST, 'kinesis'), `signed over the real host and the bytes received: ${put.headers.authorization}`);
    assert.match(put.headers.authorization!, /SignedHeaders=content-type;host;x-amz-date;x-amz-target,/);
    assert.deepEqual(Object.keys(bodyOf(put)), ['StreamName', 'Records']);
    const [record] = records(put);
    assert.equal(record!.key, 'u-kin-1');
    const { received_at: receivedAt, context, ...fields } = JSON.parse(record!.text) as Record<string, unknown>;
    assert.deepEqual(fields, {
      message_id: 'kin-order-1', type: 'track', event: 'Order Completed', user_id: 'u-kin-1', anonymous_id: visitor.id, timestamp: CALL_TIMESTAMP,
      properties: { order_id: 'ORD-K1', revenue: 74.97, currency: 'EUR' },
    });
    assert.match(String(receivedAt), /^\d{4}-\d{2}-\d{2}T/);
    const ctx = context as { ip?: string; page: { url: string }; userAgent: string };
    assert.deepEqual([ctx.ip, ctx.page.url, ctx.userAgent], [undefined, 'https://shop.example.com/thanks', visitor.userAgent], 'no IP, no query string');
    await delivered(integrationId, 1);
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 0, deadLettered: 0 });
  });

  test('Firehose: one signed PutRecordBatch to the Firehose endpoint, each record its JSON and a newline; contact information included when the config says so', async () => {
    const { site, integrationId } = await install('Firehose shop', { service: 'firehose', stream_name: 'signal-to-s3', include_contact_info: true });
    await browser(site.key, { type: 'identify', userId: 'u-kin-2', messageId: 'kin-identify-1', traits: { email: 'jane@example.com', plan: 'pro' } });
    const put = await waitUntil(async () => putsTo('signal-to-s3', '/firehose/')[0], 'the PutRecordBatch');
    assert.equal(put.headers['x-amz-target'], 'Firehose_20150804.PutRecordBatch');
    assert.ok(signatureHolds(put, FIREHOSE_HOST, 'firehose'));
    assert.deepEqual(Object.keys(bodyOf(put)), ['DeliveryStreamName', 'Records']);
    const [record] = records(put);
    assert.equal(record!.key, undefined, 'Firehose records have no partition key');
    assert.ok(record!.text.endsWith('}\n'), 'a newline after the JSON');
    const json = JSON.parse(record!.text) as { traits: Record<string, unknown>; context: { ip: string } };
    assert.deepEqual(json.traits, { email: 'jane@example.com', plan: 'pro' });
    assert.equal(json.context.ip, visitor.ip);
    await delivered(integrationId, 1);
  });

  test('Firehose\'s answer to a large batch, longer than the 64 KB the core reads: the records written once, not sent again', async () => {
    const { site, integrationId } = await install('Firehose long answer', { service: 'firehose', stream_name: 'signal-long-answer' });
    // AWS's RecordIds run to hundreds of characters: 100 results of ~1 KB are ~100 KB, cut at 64 KB.
    const longAnswer = (request: RecordedRequest): ScriptedResponse => ({
      status: 200,
      body: { FailedPutCount: 0, Encrypted: false, RequestResponses: bodyOf(request).Records.map((_, i) => ({ RecordId: `${'R'.repeat(1000)}${i}` })) },
    });
    queue('signal-long-answer', ...Array.from({ length: 20 }, () => longAnswer));
    const ids = Array.from({ length: 100 }, (_, i) => `kin-long-${i}`);
    await batchCall(site.key, ids.map((messageId) => ({ event: 'Viewed', messageId })));
    await delivered(integrationId, 100);
    const puts = putsTo('signal-long-answer', '/firehose/');
    assert.deepEqual(puts.flatMap((p) => parsed(p).map((r) => r.message_id)).sort(), [...ids].sort(), 'each record written once');
    const stats = await integrationStats(signal, integrationId);
    assert.deepEqual([stats.delivered, stats.deadLettered, stats.retried], [100, 0, 0]);
  });

  test('a 503, a 429 with Retry-After and a timeout are retried, each try signed anew, then delivered once', async () => {
    const { site, integrationId } = await install('Kinesis outage', { stream_name: 'signal-outage' });
    queue('signal-outage',
      () => awsError(503, 'ServiceUnavailable', 'Service Unavailable'),
      () => awsError(429, 'ThrottlingException', 'Rate exceeded', { 'retry-after': '1' }),
      () => ({ hang: true }));
    await browser(site.key, { type: 'track', event: 'Outage', userId: 'u-kin-3', messageId: 'kin-503-1' });
    await delivered(integrationId, 1);
    const tries = putsTo('signal-outage');
    assert.equal(tries.length, 4, 'three failures, then the write');
    assert.ok(tries.every((t) => signatureHolds(t, KINESIS_HOST, 'kinesis')));
    assert.deepEqual(tries.map((t) => parsed(t)[0]!.message_id), ['kin-503-1', 'kin-503-1', 'kin-503-1', 'kin-503-1']);
    const stats = await integrationStats(signal, integrationId);
    assert.deepEqual([stats.delivered, stats.deadLettered], [1, 0]);
    assert.ok(stats.retried >= 2, `retried ${stats.retried}`);
  });

  test('per-record results: the record refused for the shard\'s throughput is sent again alone; the others are written once', async () => {
    const { site, integrationId } = await install('Kinesis shards', { stream_name: 'signal-shards' });
    queue('signal-shards', () => ({
      status: 200,
      body: {
        FailedRecordCount: 1,
        Records: [
          { SequenceNumber: '1', ShardId: 'shardId-000000000000' },
          { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard shardId-000000000001 in stream signal-shards under account 111122223333.' },
          { SequenceNumber: '3', ShardId: 'shardId-000000000000' },
        ],
      },
    }));
    await batchCall(site.key, ['One', 'Two', 'Three'].map((event, i) => ({ event, messageId: `kin-shard-${i}` })));
    await delivered(integrationId, 3);
    const puts = putsTo('signal-shards');
    assert.deepEqual(puts.map((p) => parsed(p).map((r) => r.message_id)), [['kin-shard-0', 'kin-shard-1', 'kin-shard-2'], ['kin-shard-1']]);
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('a request refused for one record\'s size is sent in halves: that record dead-lettered with what to fix, the others written', async () => {
    const { site, integrationId } = await install('Kinesis sizes', { stream_name: 'signal-sizes' });
    sim.setDefault('POST', '/', (request) => {
      if (streamOfRequest(request) === 'signal-sizes' && signatureHolds(request, KINESIS_HOST, 'kinesis') && parsed(request).some((r) => r.event === 'Too Big')) {
        return awsError(400, 'ValidationException', '1 validation error detected: Value at \'records.1.member.data\' failed to satisfy constraint: Member must have length less than or equal to 1048576');
      }
      return endpoint(KINESIS_HOST, 'kinesis')(request);
    });
    await batchCall(site.key, [{ event: 'Fine', messageId: 'kin-size-0' }, { event: 'Too Big', messageId: 'kin-size-1' }]);
    const letter = await waitForDeadLetter(signal, integrationId, 'kin-size-1');
    assert.equal(letter.reason, 'Kinesis refused this record (HTTP 400 ValidationException: 1 validation error detected: Value at \'records.1.member.data\' failed to satisfy constraint: Member must have length less than or equal to 1048576): a record holds at most 1 MiB of data; leave its largest properties out with a pipeline transformation or the blueprint, then replay the dead letters');
    await delivered(integrationId, 1);
    assert.deepEqual(putsTo('signal-sizes').map((p) => parsed(p).map((r) => r.message_id)), [['kin-size-0', 'kin-size-1'], ['kin-size-0'], ['kin-size-1']]);
  });

  test('a stream that does not exist: dead-lettered at once, naming config.stream_name and config.region', async () => {
    const { site, integrationId } = await install('Kinesis missing', { stream_name: 'signal-missing' });
    queue('signal-missing', () => awsError(400, 'ResourceNotFoundException', 'Stream signal-missing under account 111122223333 not found.'));
    await browser(site.key, { type: 'track', event: 'Lost', userId: 'u-kin-5', messageId: 'kin-404-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'kin-404-1');
    assert.equal(letter.attempts, 1);
    assert.equal(letter.reason, 'Kinesis has no data stream signal-missing in eu-west-1 for these credentials (HTTP 400 ResourceNotFoundException: Stream signal-missing under account 111122223333 not found.): check config.stream_name and config.region (and that the key\'s account owns the stream), then replay the dead letters');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 0, retried: 0, deadLettered: 1 });
  });

  test('a person deletion with deletion notices on: one signed deletion notice record under the person\'s partition key', async () => {
    const { site, integrationId } = await install('Kinesis forget', { stream_name: 'signal-forget', deletion_notices: true });
    await browser(site.key, { type: 'track', event: 'Before', userId: 'u-kin-forget', messageId: 'kin-forget-1' });
    await delivered(integrationId, 1);
    const vendors = await deletePerson(signal, site.id, { userId: 'u-kin-forget', anonymousId: visitor.id });
    assert.deepEqual(vendors, [{ integrationId, vendor: 'amazon_kinesis', status: 'sent', responseStatus: 200, message: 'deletion notice written to signal-forget: your consumers erase the person\'s data' }]);
    const notice = putsTo('signal-forget').at(-1)!;
    assert.ok(signatureHolds(notice, KINESIS_HOST, 'kinesis'));
    const [record] = records(notice);
    assert.equal(record!.key, 'u-kin-forget', 'the partition key of the person\'s events: their shard, after them');
    const { requested_at: requestedAt, ...rest } = JSON.parse(record!.text) as Record<string, unknown>;
    assert.deepEqual(rest, { type: 'person_deletion', user_id: 'u-kin-forget', anonymous_id: visitor.id });
    assert.ok(Math.abs(Date.parse(String(requestedAt)) - Date.now()) < 60_000);
  });
});
