// Amazon SQS end to end: browser and server calls through the real collect API, the queue and the
// delivery engine, to the vendor simulator standing in for SQS's eu-west-1 endpoint, which checks
// each request's SigV4 signature over the real host and the bytes received (refusing a bad one as
// AWS does) and answers per queue URL: the documented SendMessageBatch requests (a standard
// queue's attributes, a FIFO queue's group and deduplication ids); a 503, a 429 with Retry-After,
// a timeout and a proxy's page in a 200 retried; per-message results (SQS's own failure sent
// again alone, a sender's fault dead-lettered alone with SQS's code and message); a request
// refused as too long sent in halves and the large event dead-lettered; a queue that does not
// exist dead-lettered naming the config; a person deletion sent as a deletion notice message.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { awsSignatureHolds } from '../../test/helpers/aws-signature-check.ts';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const REGION = 'eu-west-1';
const HOST = `sqs.${REGION}.amazonaws.com`;
const ACCOUNT_URL = `https://${HOST}/111122223333`;
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';
const visitor: Visitor = { id: 'df_sqs0visitor01', ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' };

let sim: VendorSim;
let signal: TestSignal;
/** Answers queued per queue URL, used before the queue's handler or the default (every message sent). */
const queued = new Map<string, Array<(request: RecordedRequest) => ScriptedResponse>>();
/** Answers of a queue for every request, after its queue of answers (e.g. refusing the requests holding one event). */
const handlers = new Map<string, (request: RecordedRequest) => ScriptedResponse | undefined>();

interface Entry { Id: string; MessageBody: string; MessageAttributes?: Record<string, { DataType: string; StringValue: string }>; MessageGroupId?: string; MessageDeduplicationId?: string }
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const entriesOf = (request: RecordedRequest) => (request.json as { Entries: Entry[] }).Entries;
const queueOf = (request: RecordedRequest) => (request.json as { QueueUrl?: string }).QueueUrl ?? '';
const bodies = (request: RecordedRequest) => entriesOf(request).map((e) => JSON.parse(e.MessageBody) as Record<string, unknown>);
const idsIn = (request: RecordedRequest) => bodies(request).map((b) => b.message_id);
/** SQS's error answer over the JSON protocol: `__type` namespaced, the query code in x-amzn-query-error. */
const sqsError = (status: number, type: string, message: string, query: string, headers: Record<string, string> = {}): ScriptedResponse => ({
  status, body: { __type: `com.amazonaws.sqs#${type}`, message }, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': query, ...headers },
});
const messageId = (i: number) => `0a5231c7-8bff-4955-be2e-${String(i).padStart(12, '0')}`;

/** The SigV4 signature AWS would compute for what arrived, with the service's real host. */
const signatureHolds = (request: RecordedRequest) => awsSignatureHolds(request, { host: HOST, region: REGION, service: 'sqs', accessKeyId: ACCESS_KEY, secretAccessKey: SECRET });

/** SQS as it answers: a bad signature refused, else the queue's queued answer or handler, else every message sent. */
function endpoint(request: RecordedRequest): ScriptedResponse {
  if (request.headers['x-amz-target'] !== 'AmazonSQS.SendMessageBatch' || request.headers['content-type'] !== 'application/x-amz-json-1.0') return sqsError(400, 'UnsupportedOperation', 'Unknown operation', 'AWS.SimpleQueueService.UnsupportedOperation;Sender');
  if (!signatureHolds(request)) return { status: 403, body: { __type: 'com.amazon.coral.service#InvalidSignatureException', message: 'The request signature we calculated does not match the signature you provided.' }, headers: { 'x-amzn-query-error': 'InvalidSignatureException;Sender' } };
  const next = queued.get(queueOf(request))?.shift();
  if (next) return next(request);
  const handled = handlers.get(queueOf(request))?.(request);
  if (handled) return handled;
  return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: { Successful: entriesOf(request).map((e, i) => ({ Id: e.Id, MessageId: messageId(i), MD5OfMessageBody: createHash('md5').update(e.MessageBody).digest('hex') })), Failed: [] } };
}
const queue = (url: string, ...answers: Array<(request: RecordedRequest) => ScriptedResponse>) => queued.set(url, [...(queued.get(url) ?? []), ...answers]);
const sendsTo = (url: string) => sim.requests({ method: 'POST', path: '/' }).filter((r) => queueOf(r) === url);

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', '/', endpoint);
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://${HOST}=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'amazon_sqs', vendors: ['amazon_sqs'] });
});
after(() => closeAll(signal, sim));

const install = (name: string, config: Record<string, unknown>) => installOnNewPipeline(signal, 'amazon_sqs', name, {
  config: { region: REGION, access_key_id: ACCESS_KEY, secret_access_key: SECRET, ...config },
});
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, {
  timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks', title: 'Thanks' } },
});
const batchCall = (key: string, events: Array<Record<string, unknown>>) => sendServerBatch(signal, key, events, { userId: 'u-sqs-batch', timestamp: CALL_TIMESTAMP });
const delivered = (integrationId: string, count: number) => waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === count || undefined, `${count} delivered`);

describe('Amazon SQS', () => {
  test('a browser\'s order to a standard queue: one signed SendMessageBatch, the queue URL, the event\'s JSON as body without contact information, its type and name as attributes', async () => {
    const url = `${ACCOUNT_URL}/signal-events`;
    const { site, integrationId } = await install('SQS shop', { queue_url: url });
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-sqs-1', messageId: 'sqs-order-1', properties: { order_id: 'ORD-Q1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com' } });
    const sent = await waitUntil(async () => sendsTo(url)[0], 'the SendMessageBatch');
    assert.equal(sent.headers['content-type'], 'application/x-amz-json-1.0');
    assert.equal(sent.headers['x-amz-target'], 'AmazonSQS.SendMessageBatch');
    assert.ok(signatureHolds(sent), `signed over the real host and the bytes received: ${sent.headers.authorization}`);
    assert.match(sent.headers.authorization!, /SignedHeaders=content-type;host;x-amz-date;x-amz-target,/);
    assert.deepEqual(Object.keys(sent.json as object), ['QueueUrl', 'Entries']);
    const [entry, ...others] = entriesOf(sent);
    assert.equal(others.length, 0);
    const { MessageBody: bodyText, ...envelope } = entry!;
    assert.deepEqual(envelope, { Id: '0', MessageAttributes: { event_type: { DataType: 'String', StringValue: 'track' }, event_name: { DataType: 'String', StringValue: 'Order Completed' } } }, 'a standard queue: no group, no deduplication id');
    const { received_at: receivedAt, context, ...fields } = JSON.parse(bodyText) as Record<string, unknown>;
    assert.deepEqual(fields, {
      message_id: 'sqs-order-1', type: 'track', event: 'Order Completed', user_id: 'u-sqs-1', anonymous_id: visitor.id, timestamp: CALL_TIMESTAMP,
      properties: { order_id: 'ORD-Q1', revenue: 74.97, currency: 'EUR' },
    });
    assert.match(String(receivedAt), /^\d{4}-\d{2}-\d{2}T/);
    const ctx = context as { ip?: string; page: { url: string }; userAgent: string };
    assert.deepEqual([ctx.ip, ctx.page.url, ctx.userAgent], [undefined, 'https://shop.example.com/thanks', visitor.userAgent], 'no IP, no query string');
    await delivered(integrationId, 1);
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 0, deadLettered: 0 });
  });

  test('a FIFO queue: each message in the person\'s group, the messageId as deduplication id; contact information included when the config says so', async () => {
    const url = `${ACCOUNT_URL}/signal-events.fifo`;
    const { site, integrationId } = await install('SQS FIFO', { queue_url: url, include_contact_info: true });
    await browser(site.key, { type: 'identify', userId: 'u-sqs-2', messageId: 'sqs-identify-1', traits: { email: 'jane@example.com', plan: 'pro' } });
    await browser(site.key, { type: 'page', userId: 'u-sqs-2', messageId: 'sqs-page-1', name: 'Thanks' });
    await browser(site.key, { type: 'page', messageId: 'sqs-page-2', name: 'Home' });
    await delivered(integrationId, 3);
    const entries = sendsTo(url).flatMap((r) => { assert.ok(signatureHolds(r)); return entriesOf(r); });
    const envelopes = entries.map((e) => [e.MessageGroupId, e.MessageDeduplicationId, e.MessageAttributes?.event_type?.StringValue]).sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    assert.deepEqual(envelopes, [['u-sqs-2', 'sqs-identify-1', 'identify'], ['u-sqs-2', 'sqs-page-1', 'page'], [visitor.id, 'sqs-page-2', 'page']], 'one group per person: the userId, else the anonymousId');
    entries.sort((a, b) => String(a.MessageDeduplicationId).localeCompare(String(b.MessageDeduplicationId)));
    const identify = JSON.parse(entries[0]!.MessageBody) as { traits: Record<string, unknown>; context: { ip: string } };
    assert.deepEqual(identify.traits, { email: 'jane@example.com', plan: 'pro' });
    assert.equal(identify.context.ip, visitor.ip);
  });

  test('a 503, a 429 with Retry-After, a timeout and a proxy\'s page in a 200 are retried, each try signed anew, then sent once', async () => {
    const url = `${ACCOUNT_URL}/signal-outage`;
    const { site, integrationId } = await install('SQS outage', { queue_url: url });
    queue(url,
      () => sqsError(503, 'ServiceUnavailable', 'Service Unavailable', 'ServiceUnavailable;Receiver'),
      () => sqsError(429, 'RequestThrottled', 'Request is throttled.', 'RequestThrottled;Sender', { 'retry-after': '1' }),
      () => ({ hang: true }),
      () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Please sign in to the corporate proxy</body></html>' }));
    await browser(site.key, { type: 'track', event: 'Outage', userId: 'u-sqs-3', messageId: 'sqs-503-1' });
    await delivered(integrationId, 1);
    const tries = sendsTo(url);
    assert.equal(tries.length, 5, 'four failures, then the send');
    assert.ok(tries.every((t) => signatureHolds(t)));
    assert.deepEqual(tries.map((t) => idsIn(t)), [['sqs-503-1'], ['sqs-503-1'], ['sqs-503-1'], ['sqs-503-1'], ['sqs-503-1']]);
    const stats = await integrationStats(signal, integrationId);
    assert.deepEqual([stats.delivered, stats.deadLettered], [1, 0]);
    assert.ok(stats.retried >= 3, `retried ${stats.retried}`);
  });

  test('per-message results: SQS\'s own failure is sent again alone, a sender\'s fault dead-lettered alone with SQS\'s code and message; the others sent once', async () => {
    const url = `${ACCOUNT_URL}/signal-entries`;
    const { site, integrationId } = await install('SQS entries', { queue_url: url });
    queue(url, () => ({
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: {
        Successful: [{ Id: '0', MessageId: messageId(0), MD5OfMessageBody: 'x' }, { Id: '3', MessageId: messageId(3), MD5OfMessageBody: 'x' }],
        Failed: [
          { Id: '1', SenderFault: false, Code: 'InternalError', Message: 'We encountered an internal error. Please try again.' },
          { Id: '2', SenderFault: true, Code: 'InvalidMessageContents', Message: 'Invalid binary character #xFFFE was found in the message body.' },
        ],
      },
    }));
    await batchCall(site.key, ['One', 'Two', 'Three', 'Four'].map((event, i) => ({ event, messageId: `sqs-entry-${i}` })));
    const letter = await waitForDeadLetter(signal, integrationId, 'sqs-entry-2');
    assert.equal(letter.reason, 'SQS refused the message (InvalidMessageContents: Invalid binary character #xFFFE was found in the message body.): the sender\'s fault, so it is not sent again as it is; then replay the dead letters once the cause is fixed');
    await delivered(integrationId, 3);
    const sends = sendsTo(url);
    assert.deepEqual(sends.map((s) => idsIn(s)), [['sqs-entry-0', 'sqs-entry-1', 'sqs-entry-2', 'sqs-entry-3'], ['sqs-entry-1']]);
    assert.deepEqual(sends.map((s) => entriesOf(s).map((e) => e.Id)), [['0', '1', '2', '3'], ['0']]);
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 1);
  });

  test('a request refused as too long is sent in halves: the large event dead-lettered with what to fix, the other sent', async () => {
    const url = `${ACCOUNT_URL}/signal-sizes`;
    const { site, integrationId } = await install('SQS sizes', { queue_url: url });
    handlers.set(url, (request) => (bodies(request).some((b) => b.event === 'Too Big')
      ? sqsError(400, 'BatchRequestTooLong', 'Batch requests cannot be longer than 262144 bytes.', 'AWS.SimpleQueueService.BatchRequestTooLong;Sender')
      : undefined));
    await batchCall(site.key, [{ event: 'Fine', messageId: 'sqs-size-0' }, { event: 'Too Big', messageId: 'sqs-size-1' }]);
    const letter = await waitForDeadLetter(signal, integrationId, 'sqs-size-1');
    assert.equal(letter.reason, 'SQS refused this message alone as too large (HTTP 400 BatchRequestTooLong: Batch requests cannot be longer than 262144 bytes.): a message holds at most the queue\'s maximum message size (its Maximum message size setting, MaximumMessageSize: 256 KiB on many queues, at most 1 MiB), counting its body and attributes; raise the queue\'s Maximum message size, or leave the event\'s largest properties out with a pipeline transformation or the blueprint, then replay the dead letters');
    await delivered(integrationId, 1);
    assert.deepEqual(sendsTo(url).map((s) => idsIn(s)), [['sqs-size-0', 'sqs-size-1'], ['sqs-size-0'], ['sqs-size-1']]);
  });

  test('a queue that does not exist: dead-lettered at once, naming config.queue_url', async () => {
    const url = `${ACCOUNT_URL}/signal-missing`;
    const { site, integrationId } = await install('SQS missing', { queue_url: url });
    queue(url, () => sqsError(400, 'QueueDoesNotExist', 'The specified queue does not exist.', 'AWS.SimpleQueueService.NonExistentQueue;Sender'));
    await browser(site.key, { type: 'track', event: 'Missing', userId: 'u-sqs-5', messageId: 'sqs-404-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'sqs-404-1');
    assert.equal(letter.attempts, 1);
    assert.equal(letter.reason, 'SQS has no queue signal-missing in eu-west-1 for these credentials (HTTP 400 QueueDoesNotExist: The specified queue does not exist.): check config.queue_url (copy it from the queue\'s Details) and config.region, and that the key\'s account owns the queue or its access policy lets the key send; then replay the dead letters');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 0, retried: 0, deadLettered: 1 });
  });

  test('a person deletion with deletion notices on: one signed deletion notice message after the person\'s events, in their FIFO group', async () => {
    const url = `${ACCOUNT_URL}/signal-forget.fifo`;
    const { site, integrationId } = await install('SQS forget', { queue_url: url, deletion_notices: true });
    await browser(site.key, { type: 'track', event: 'Before', userId: 'u-sqs-forget', messageId: 'sqs-forget-1' });
    await delivered(integrationId, 1);
    const vendors = await deletePerson(signal, site.id, { userId: 'u-sqs-forget', anonymousId: visitor.id });
    assert.deepEqual(vendors, [{ integrationId, vendor: 'amazon_sqs', status: 'sent', responseStatus: 200, message: 'deletion notice sent to the queue signal-forget.fifo: your consumers erase the person\'s data' }]);
    const notice = sendsTo(url).at(-1)!;
    assert.ok(signatureHolds(notice));
    const [entry] = entriesOf(notice);
    assert.deepEqual([entry!.MessageGroupId, entry!.MessageAttributes], ['u-sqs-forget', { event_type: { DataType: 'String', StringValue: 'person_deletion' } }]);
    assert.equal(entry!.MessageDeduplicationId, `deletion-${sha256(entry!.MessageBody)}`);
    const { requested_at: requestedAt, ...rest } = JSON.parse(entry!.MessageBody) as Record<string, unknown>;
    assert.deepEqual(rest, { type: 'person_deletion', user_id: 'u-sqs-forget', anonymous_id: visitor.id });
    assert.ok(Math.abs(Date.parse(String(requestedAt)) - Date.now()) < 60_000);
  });
});
