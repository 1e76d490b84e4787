// Amazon SQS, unit by unit: the config checks, the message bodies (contact information left out
// unless included), the SendMessageBatch requests within SQS's limits as SQS counts them (FIFO
// groups and deduplication ids, attributes, delays), their signature (recomputed on its own from AWS's
// documented steps), SQS's answers, and deletion notices.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { asReceived, awsSignatureHolds } from '../../test/helpers/aws-signature-check.ts';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import sqs, {
  classifySendMessageBatch, DELETION_NOTICE_ANSWER, endpointOf, groupSafeId, MAX_ENTRIES, MAX_MESSAGES_BYTES, messageSize, queueOf, readDeletionNotice, SEND_MESSAGE_BATCH_ANSWER,
  sqsConfigWarnings, sqsError, validateSqsConfig,
} from './index.ts';

const NOW = Date.parse('2026-11-30T12:00:05.000Z');
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
/** Who signs, for what: the check of what `sign` returns (test/helpers/aws-signature-check.ts). */
const SIGNER = { host: 'sqs.eu-west-1.amazonaws.com', region: 'eu-west-1', service: 'sqs', accessKeyId: ACCESS_KEY, secretAccessKey: SECRET };
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/111122223333/signal-events';
const FIFO = 'https://sqs.eu-west-1.amazonaws.com/111122223333/signal-events.fifo';
const CONFIG = { region: 'eu-west-1', queue_url: QUEUE, access_key_id: ACCESS_KEY, secret_access_key: SECRET };
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { ...CONFIG, ...config }, variant: 'default', integrationId: 'pi-sqs1', revisionId: 'r', options: {}, now: NOW });
const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc123', userId: 'u-42', timestamp: '2026-11-30T11:59:58.250Z', receivedAt: '2026-11-30T12:00:00.100Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, email: 'jane@example.com' },
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks' } },
  ...overrides,
} as CanonicalEvent);
const mapped = (id: string, overrides: Partial<CanonicalEvent> = {}, payload: JsonObject = { message_id: id, type: 'track' }): MappedEvent => ({ id, event: event({ messageId: id.replace(/#\d+$/, ''), ...overrides }), payload });
const answer = (status: number, json?: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: json === undefined ? '' : JSON.stringify(json), ...(json === undefined ? {} : { json }) });
const request = (events: number): RequestDescriptor => ({ method: 'POST', url: 'https://sqs.eu-west-1.amazonaws.com/', eventIds: Array.from({ length: events }, (_, i) => `e${i}`) });
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
type Entry = { Id: string; MessageBody: string; MessageAttributes?: Record<string, { DataType: string; StringValue: string }>; MessageGroupId?: string; MessageDeduplicationId?: string; DelaySeconds?: number };
const entriesOf = (r: RequestDescriptor) => (r.body as { Entries: Entry[] }).Entries;
const sqsAnswer = (status: number, type: string, message: string, query?: string): VendorResponse => answer(status, { __type: `com.amazonaws.sqs#${type}`, message }, query === undefined ? {} : { 'x-amzn-query-error': query });

test('config: valid standard, FIFO, legacy and China queue URLs pass; each problem names its field and says what is expected', () => {
  assert.deepEqual(validateSqsConfig(CONFIG), []);
  assert.deepEqual(validateSqsConfig({ ...CONFIG, queue_url: FIFO, message_group: 'fixed', message_group_id: 'signal' }), []);
  assert.deepEqual(validateSqsConfig({ ...CONFIG, queue_url: 'https://eu-west-1.queue.amazonaws.com/111122223333/signal-events' }), [], 'the legacy URL form');
  assert.deepEqual(validateSqsConfig({ ...CONFIG, region: 'us-east-1', queue_url: 'https://queue.amazonaws.com/111122223333/signal-events' }), [], 'the legacy us-east-1 form');
  assert.deepEqual(validateSqsConfig({ ...CONFIG, region: 'cn-north-1', queue_url: 'https://sqs.cn-north-1.amazonaws.com.cn/111122223333/signal-events' }), []);
  assert.deepEqual(queueOf('https://eu-west-1.queue.amazonaws.com/111122223333/signal.fifo'), { region: 'eu-west-1', account: '111122223333', name: 'signal.fifo', fifo: true });
  const problems = validateSqsConfig({
    region: 'Europe (Ireland)', queue_url: 'arn:aws:sqs:eu-west-1:111122223333:signal-events', access_key_id: ' AKIAIOSFODNN7EXAMPLE', secret_access_key: `${SECRET}\n`,
    message_attributes: 'yes', message_group: 'session', message_group_id: 'two words', delay_seconds: 901, include_contact_info: 'yes', deletion_notices: 1,
  });
  assert.deepEqual(problems.map((p) => p.field), ['region', 'queue_url', 'access_key_id', 'secret_access_key', 'message_attributes', 'message_group', 'message_group_id', 'delay_seconds', 'include_contact_info', 'deletion_notices']);
  assert.match(problems[0]!.message, /give an AWS Region code such as eu-west-1/);
  assert.match(problems[1]!.message, /a queue ARN: give the queue's URL/);
  assert.match(problems[6]!.message, /a MessageGroupId is 1 to 128 letters, digits and punctuation/);
  assert.match(problems[7]!.message, /0 to 900/);
  assert.ok(problems.every((p) => !p.message.includes(SECRET)), 'the secret is never quoted');
  const message = (config: Record<string, JsonValue>) => validateSqsConfig({ ...CONFIG, ...config }).map((p) => `${p.field} ${p.message}`);
  assert.deepEqual(message({ queue_url: 'https://sqs.us-east-1.amazonaws.com/111122223333/signal-events' }), ['queue_url is in Region us-east-1, but region is eu-west-1: requests are signed for and sent to the configured Region\'s endpoint, so set region to us-east-1']);
  assert.match(message({ queue_url: `${QUEUE}/` })[0]!, /with a slash at the end/);
  assert.match(message({ queue_url: 'https://sqs.eu-west-1.amazonaws.com/signal-events' })[0]!, /https:\/\/sqs\.<region>\.amazonaws\.com\/<12-digit account id>\/<queue name>/);
  assert.match(message({ queue_url: 'https://sqs.eu-west-1.amazonaws.com/111122223333/signal events' })[0]!, /a queue URL reads/);
  assert.match(message({ queue_url: `https://sqs.eu-west-1.amazonaws.com/111122223333/${'q'.repeat(81)}` })[0]!, /1 to 80 letters/);
  assert.match(message({ queue_url: 'https://sqs.eu-west-1.amazonaws.com.cn/111122223333/q' })[0]!, /China Regions' queues are on amazonaws\.com\.cn/);
  assert.deepEqual(message({ queue_url: undefined as unknown as string }), ['queue_url is required: the queue\'s URL, e.g. https://sqs.eu-west-1.amazonaws.com/111122223333/signal-events']);
  assert.deepEqual(message({ queue_url: FIFO, message_group: 'fixed' }), ['message_group_id is required with message_group fixed: the one MessageGroupId of every message, e.g. signal']);
  assert.match(message({ queue_url: FIFO, delay_seconds: 30 })[0]!, /^delay_seconds is set, but the queue is a FIFO queue/);
  assert.deepEqual(message({ delay_seconds: 30 }), [], 'a standard queue takes a per-message delay');
  assert.deepEqual(message({ region: 'us-iso-east-1', queue_url: 'https://sqs.us-iso-east-1.amazonaws.com/111122223333/q' }).slice(0, 1), ['region is "us-iso-east-1", an isolated (ISO) Region: its endpoints are not on amazonaws.com, and Signal sends only to the commercial, GovCloud and China Regions\' endpoints']);
  assert.deepEqual(sqsConfigWarnings({ ...CONFIG, session_token: '••••' }).map((w) => w.field), ['session_token'], 'a session token with an AKIA key: advice, not a refusal');
  assert.deepEqual(sqsConfigWarnings({ ...CONFIG, access_key_id: 'ASIAIOSFODNN7EXAMPLE', session_token: '••••' }), []);
  assert.deepEqual(sqsConfigWarnings({ ...CONFIG, message_group: 'fixed', message_group_id: 'signal' }).map((w) => w.message), ['is fixed, but the queue is a standard queue (its URL does not end in .fifo): messages carry no MessageGroupId there, so this does nothing']);
});

test('bodies: through the default blueprint, contact information left out unless config.include_contact_info; placeholder ids left out', () => {
  const blueprint = readFileSync(new URL('../../blueprints/amazon_sqs/default.yaml', import.meta.url), 'utf8');
  const mapper = (config: Record<string, JsonValue> = {}) => {
    const map = createEventMapper(sqs, { variant: 'default', blueprint }, ctx(config));
    return (e: CanonicalEvent) => map(e).payload as JsonObject;
  };
  const identify = event({ type: 'identify', event: undefined, userId: 'undefined', traits: { email: 'jane@example.com', name: 'Jane Doe', plan: 'pro' }, properties: undefined } as Partial<CanonicalEvent>);
  assert.deepEqual(mapper()(identify), {
    message_id: 'm-1', type: 'identify', anonymous_id: 'df_abc123', timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.100Z',
    traits: { plan: 'pro' }, context: { userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks', path: '/thanks' } },
  });
  assert.deepEqual(mapper()(event()).properties, { order_id: 'ORD-1', revenue: 74.97 });
  assert.equal(mapper()(event({ userId: 'jane@example.com' })).user_id, `sha256:${sha256('jane@example.com')}`, 'an email as id is not in clear');
  const full = mapper({ include_contact_info: true })(event());
  assert.deepEqual(full.properties, { order_id: 'ORD-1', revenue: 74.97, email: 'jane@example.com' });
  assert.equal((full.context as { ip: string }).ip, '203.0.113.42');
});

test('send, standard queue: one SendMessageBatch to the Region\'s endpoint, each event a message of its JSON with event_type and event_name attributes', () => {
  const batch = [
    mapped('m-1', {}, { message_id: 'm-1', type: 'track', note: 'é ☀️' }),
    mapped('m-2', { type: 'page', event: undefined, name: 'Home' } as Partial<CanonicalEvent>, { message_id: 'm-2', type: 'page' }),
  ];
  const [sent, ...more] = sqs.send(batch, ctx());
  assert.equal(more.length, 0);
  assert.deepEqual(sent, {
    method: 'POST', url: 'https://sqs.eu-west-1.amazonaws.com/', eventIds: ['m-1', 'm-2'],
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessageBatch' },
    body: {
      QueueUrl: QUEUE,
      Entries: [
        { Id: '0', MessageBody: '{"message_id":"m-1","type":"track","note":"é ☀️"}', MessageAttributes: { event_type: { DataType: 'String', StringValue: 'track' }, event_name: { DataType: 'String', StringValue: 'Order Completed' } } },
        { Id: '1', MessageBody: '{"message_id":"m-2","type":"page"}', MessageAttributes: { event_type: { DataType: 'String', StringValue: 'page' } } },
      ],
    },
  });
  assert.deepEqual(sqs.send(batch, ctx()), sqs.send(batch, ctx()), 'pure');
  assert.deepEqual(entriesOf(sqs.send(batch, ctx({ message_attributes: false, delay_seconds: 60 }))[0]!)[0], { Id: '0', MessageBody: '{"message_id":"m-1","type":"track","note":"é ☀️"}', DelaySeconds: 60 });
  const emailName = entriesOf(sqs.send([mapped('m-3', { event: 'jane@example.com' })], ctx())[0]!)[0]!;
  assert.deepEqual(Object.keys(emailName.MessageAttributes!), ['event_type'], 'an event name that is an email is left out with contact information');
  assert.equal(entriesOf(sqs.send([mapped('m-3', { event: 'jane@example.com' })], ctx({ include_contact_info: true }))[0]!)[0]!.MessageAttributes!.event_name!.StringValue, 'jane@example.com');
  assert.equal(entriesOf(sqs.send([mapped('m-4', { event: 'Bad\u0000Name' })], ctx())[0]!)[0]!.MessageAttributes!.event_name!.StringValue, 'BadName', 'characters SQS refuses are dropped from attributes');
  assert.equal(entriesOf(sqs.send([mapped('m-5', {}, { note: 'a\uFFFFb' })], ctx())[0]!)[0]!.MessageBody, '{"note":"a\\uffffb"}', 'U+FFFF, outside SQS\'s characters, escaped in the JSON');
  assert.equal(endpointOf('cn-north-1'), 'https://sqs.cn-north-1.amazonaws.com.cn/');
  assert.equal(sqs.send(batch, ctx({ region: 'us-east-1', queue_url: 'https://queue.amazonaws.com/111122223333/signal-events' }))[0]!.url, 'https://sqs.us-east-1.amazonaws.com/', 'a legacy queue URL still goes to the Region\'s endpoint');
});

test('send, FIFO queue: a MessageGroupId per person (or call type, or fixed) and the messageId as MessageDeduplicationId; ids SQS would refuse hashed', () => {
  const fifo = (config: Record<string, JsonValue> = {}) => ctx({ queue_url: FIFO, ...config });
  const batch = [mapped('m-1'), mapped('m-2', { userId: undefined } as Partial<CanonicalEvent>), mapped('m-1#2'), mapped('m-3', { userId: 'jane@example.com' }), mapped('m 4', { userId: 'Jane Doe' })];
  const entries = entriesOf(sqs.send(batch, fifo())[0]!);
  assert.deepEqual(entries.map((e) => [e.MessageGroupId, e.MessageDeduplicationId]), [
    ['u-42', 'm-1'], ['df_abc123', 'm-2'], ['u-42', 'm-1'],
    [`sha256:${sha256('jane@example.com')}`, 'm-3'],
    [`sha256:${sha256('Jane Doe')}`, `sha256:${sha256('m 4')}`],
  ], 'a repeated messageId (an SDK\'s retry) keeps its deduplication id: SQS queues it once');
  assert.equal(entriesOf(sqs.send([mapped('m-3', { userId: 'jane@example.com' })], fifo({ include_contact_info: true }))[0]!)[0]!.MessageGroupId, 'jane@example.com', 'with contact information included, the email itself (@ and . are punctuation SQS takes)');
  assert.deepEqual(entriesOf(sqs.send(batch.slice(0, 2), fifo({ message_group: 'event_type' }))[0]!).map((e) => e.MessageGroupId), ['track', 'track']);
  assert.deepEqual(entriesOf(sqs.send(batch.slice(0, 2), fifo({ message_group: 'fixed', message_group_id: 'signal' }))[0]!).map((e) => e.MessageGroupId), ['signal', 'signal']);
  assert.ok(entries.every((e) => e.DelaySeconds === undefined));
  assert.equal(groupSafeId('x'.repeat(129)), `sha256:${sha256('x'.repeat(129))}`);
  assert.equal(groupSafeId('order:#1/(a)'), 'order:#1/(a)', 'punctuation is allowed');
});

test('send: at most 10 entries and 256 KiB of messages as SQS counts them a request, every event once in order; a message too large alone goes alone', () => {
  const many = Array.from({ length: 23 }, (_, i) => mapped(`m-${i}`));
  const parts = sqs.send(many, ctx());
  assert.deepEqual(parts.map((r) => r.eventIds.length), [MAX_ENTRIES, MAX_ENTRIES, 3]);
  assert.deepEqual(parts.flatMap((r) => r.eventIds), many.map((m) => m.id));
  assert.deepEqual(parts.map((r) => entriesOf(r).map((e) => e.Id)), [['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], ['0', '1', '2']], 'Ids are places in their request');
  // SQS's count: the body, and each attribute's name, data type and value, in UTF-8 bytes.
  assert.equal(messageSize({ Id: '0', MessageBody: '{"a":"é"}', MessageAttributes: { event_type: { DataType: 'String', StringValue: 'track' } } }), 10 + 10 + 6 + 5);
  const big = (id: string) => mapped(id, {}, { message_id: id, blob: 'x'.repeat(100_000) });
  const heavy = sqs.send([big('a'), big('b'), big('c'), big('d'), big('e')], ctx());
  assert.deepEqual(heavy.map((r) => r.eventIds), [['a', 'b'], ['c', 'd'], ['e']]);
  assert.ok(heavy.every((r) => entriesOf(r).reduce((sum, e) => sum + messageSize(e), 0) <= MAX_MESSAGES_BYTES));
  const huge = mapped('huge', {}, { blob: 'x'.repeat(600_000) });
  assert.deepEqual(sqs.send([mapped('s-1'), huge, mapped('s-2')], ctx()).map((r) => r.eventIds), [['s-1'], ['huge'], ['s-2']]);
  const quoted = (id: string) => mapped(id, {}, { message_id: id, blob: '"'.repeat(120_000) });
  const escaped = sqs.send([quoted('q1'), quoted('q2'), quoted('q3')], ctx());
  assert.ok(escaped.every((r) => Buffer.byteLength(JSON.stringify(r.body)) <= 1024 * 1024), 'the body stays within 1 MiB though quotes escape twice');
});

test('sign: x-amz-date and the SigV4 Authorization at the sending time over the exact body, signing name sqs; the session token signed', () => {
  const [built] = sqs.send([mapped('m-1')], ctx());
  assert.equal(built!.headers!.authorization, undefined, 'send does not sign');
  const signed = sqs.sign!(built!, { ...ctx(), now: NOW + 4 * 60_000 });
  assert.equal(signed.headers!['x-amz-date'], '20261130T120405Z', 'the time of sending, not of building');
  assert.match(signed.headers!.authorization!, /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20261130\/eu-west-1\/sqs\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/);
  assert.ok(awsSignatureHolds(asReceived(signed), SIGNER, NOW + 4 * 60_000), 'the signature AWS computes over the body and headers sent');
  assert.deepEqual([signed.body, signed.eventIds, signed.url], [built!.body, built!.eventIds, built!.url]);
  const temporary = sqs.sign!(built!, ctx({ access_key_id: ACCESS_KEY.replace('AKIA', 'ASIA'), session_token: 'FwoGZXIvYXdzEXAMPLE' }));
  assert.equal(temporary.headers!['x-amz-security-token'], 'FwoGZXIvYXdzEXAMPLE');
  assert.match(temporary.headers!.authorization!, /SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,/);
});

test('classify 200: per message by Id — sent, SenderFault false retried, throttled retried as a rate limit, SenderFault true dead-lettered with SQS\'s code and message; a message named nowhere sent again', () => {
  assert.deepEqual(classifySendMessageBatch(answer(200, SEND_MESSAGE_BATCH_ANSWER.body), request(2), CONFIG), { status: 'delivered' });
  const mixed = classifySendMessageBatch(answer(200, {
    Successful: [{ Id: '0', MessageId: 'a', MD5OfMessageBody: 'x' }],
    Failed: [
      { Id: '1', SenderFault: false, Code: 'InternalError', Message: 'We encountered an internal error. Please try again.' },
      { Id: '2', SenderFault: false, Code: 'RequestThrottled', Message: 'Request is throttled.' },
      { Id: '3', SenderFault: true, Code: 'InvalidParameterValue', Message: 'One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.' },
      { Id: '4', SenderFault: true, Code: 'InvalidMessageContents', Message: 'Invalid binary character #x1 was found in the message body.' },
      { Id: '5', SenderFault: true, Code: 'KMS.DisabledException', Message: 'The key is disabled.' },
    ],
  }), request(7), CONFIG);
  assert.deepEqual(mixed, {
    perEvent: {
      e1: { status: 'retry', reason: 'SQS did not send the message (InternalError: We encountered an internal error. Please try again.), not the sender\'s fault; sent again' },
      e2: { status: 'retry', throttled: true, reason: 'SQS throttled the message (RequestThrottled: Request is throttled.); sent again later' },
      e3: { status: 'dead_letter', reason: 'SQS refused the message (InvalidParameterValue: One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.): it is larger than the queue\'s maximum message size (its Maximum message size setting, MaximumMessageSize: 256 KiB on many queues, at most 1 MiB); raise the queue\'s Maximum message size, or leave the event\'s largest properties out with a pipeline transformation or the blueprint, then replay the dead letters' },
      e4: { status: 'dead_letter', reason: 'SQS refused the message (InvalidMessageContents: Invalid binary character #x1 was found in the message body.): the sender\'s fault, so it is not sent again as it is; then replay the dead letters once the cause is fixed' },
      e5: { status: 'dead_letter', reason: 'the queue signal-events in eu-west-1 is encrypted with a KMS key that cannot be used (KMS.DisabledException: The key is disabled.): check that the key is enabled, and grant the IAM identity of config.access_key_id kms:GenerateDataKey and kms:Decrypt on it; then replay the dead letters' },
      e6: { status: 'retry', reason: 'SQS\'s answer names this message (Id 6) neither sent nor failed: sent again' },
    },
  });
  assert.deepEqual(classifySendMessageBatch(answer(200, { Successful: [{ Id: '0' }, { Id: '1' }] }), request(2), CONFIG), { status: 'delivered' }, 'Failed left out when empty');
  const page = classifySendMessageBatch({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>Sign in to the Wi-Fi</html>' }, request(2), CONFIG);
  assert.equal(reasonOf(page), 'HTTP 200 with a body that is no JSON object (<html>Sign in to the Wi-Fi</html>): not SQS\'s answer to SendMessageBatch (a proxy in the way?), so the messages are sent again');
  assert.equal(statusOf(classifySendMessageBatch(answer(200, {}), request(2), CONFIG)), 'retry');
  assert.equal(statusOf(classifySendMessageBatch(answer(200), request(2), CONFIG)), 'retry');
});

test('classify errors: throttling and 5xx retried, clock skew retried; too large split, then dead-lettered alone; queue, access, parameters, KMS and credentials dead-lettered naming the field', () => {
  assert.deepEqual(sqsError(sqsAnswer(400, 'QueueDoesNotExist', 'The specified queue does not exist.', 'AWS.SimpleQueueService.NonExistentQueue;Sender')), { code: 'QueueDoesNotExist', queryCode: 'NonExistentQueue', message: 'The specified queue does not exist.', senderFault: true });
  const noQueue = 'SQS has no queue signal-events in eu-west-1 for these credentials (HTTP 400 QueueDoesNotExist: The specified queue does not exist.): check config.queue_url (copy it from the queue\'s Details) and config.region, and that the key\'s account owns the queue or its access policy lets the key send; then replay the dead letters';
  assert.deepEqual(classifySendMessageBatch(sqsAnswer(400, 'QueueDoesNotExist', 'The specified queue does not exist.', 'AWS.SimpleQueueService.NonExistentQueue;Sender'), request(2), CONFIG), { status: 'dead_letter', reason: noQueue });
  assert.equal(statusOf(classifySendMessageBatch(answer(400, {}, { 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' }), request(2), CONFIG)), 'dead_letter', 'the query code alone says it too');
  assert.match(reasonOf(classifySendMessageBatch(answer(400, {}, { 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' }), request(2), CONFIG)), /^SQS has no queue signal-events/);
  assert.equal(reasonOf(classifySendMessageBatch(answer(400, { __type: 'com.amazon.coral.service#AccessDeniedException', Message: 'User: arn:aws:iam::111122223333:user/signal is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:eu-west-1:111122223333:signal-events' }, { 'x-amzn-query-error': 'AccessDenied;Sender' }), request(2), CONFIG)),
    'SQS denied access (HTTP 400 AccessDeniedException: User: arn:aws:iam::111122223333:user/signal is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:eu-west-1:111122223333:signal-events): allow the IAM identity of config.access_key_id sqs:SendMessage on arn:aws:sqs:eu-west-1:111122223333:signal-events (and, for another account\'s queue, in that queue\'s access policy), then replay the dead letters');
  const invalid = classifySendMessageBatch(sqsAnswer(400, 'InvalidParameterValueException', 'Value  for parameter QueueUrl is invalid. Reason: Unsupported queue name.', 'InvalidParameterValue;Sender'), request(3), CONFIG);
  assert.deepEqual(invalid, { status: 'dead_letter', reason: 'SQS refused the request as invalid (HTTP 400 InvalidParameterValueException: Value for parameter QueueUrl is invalid. Reason: Unsupported queue name.): check config.queue_url, config.message_group_id and the events\' values (SQS takes only XML characters in a message), then replay the dead letters' });
  assert.match(reasonOf(classifySendMessageBatch(sqsAnswer(400, 'InvalidParameterValueException', 'The request must contain the parameter MessageGroupId.', 'InvalidParameterValue;Sender'), request(3), CONFIG)), /a parameter for this queue's type .*a queue URL ending in \.fifo must name a FIFO queue/);
  const tooLong = sqsAnswer(400, 'BatchRequestTooLong', 'Batch requests cannot be longer than 262144 bytes.', 'AWS.SimpleQueueService.BatchRequestTooLong;Sender');
  assert.deepEqual(classifySendMessageBatch(tooLong, request(3), CONFIG), { status: 'split', reason: 'SQS refused the request as too large (HTTP 400 BatchRequestTooLong: Batch requests cannot be longer than 262144 bytes.): sending it in halves' });
  assert.match(reasonOf(classifySendMessageBatch(tooLong, request(1), CONFIG)), /^SQS refused this message alone as too large .*raise the queue's Maximum message size/);
  const sizeInvalid = sqsAnswer(400, 'InvalidParameterValueException', 'One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.');
  assert.equal(statusOf(classifySendMessageBatch(sizeInvalid, request(2), CONFIG)), 'split');
  assert.equal(statusOf(classifySendMessageBatch(sizeInvalid, request(1), CONFIG)), 'dead_letter');
  assert.equal(statusOf(classifySendMessageBatch(answer(413, {}), request(2), CONFIG)), 'split');
  const throttled = classifySendMessageBatch(sqsAnswer(400, 'RequestThrottled', 'Request is throttled.', 'RequestThrottled;Sender'), request(2), CONFIG);
  assert.deepEqual([statusOf(throttled), 'throttled' in throttled && throttled.throttled], ['retry', true]);
  assert.equal(statusOf(classifySendMessageBatch(sqsAnswer(400, 'ThrottlingException', 'Rate exceeded', 'ThrottlingException;Sender'), request(2), CONFIG)), 'retry');
  const kmsThrottled = classifySendMessageBatch(sqsAnswer(400, 'KmsThrottled', 'The request was denied due to request throttling.', 'KMS.ThrottlingException;Sender'), request(2), CONFIG);
  assert.deepEqual([statusOf(kmsThrottled), 'throttled' in kmsThrottled && kmsThrottled.throttled], ['retry', true]);
  const limited = classifySendMessageBatch(answer(429, { message: 'Too Many Requests' }, { 'Retry-After': '2' }), request(2), CONFIG);
  assert.deepEqual([statusOf(limited), 'retryAfterMs' in limited && limited.retryAfterMs], ['retry', 2000]);
  assert.equal(reasonOf(classifySendMessageBatch(sqsAnswer(500, 'InternalError', 'We encountered an internal error. Please try again.', 'InternalError;Receiver'), request(2), CONFIG)), 'SQS failed (HTTP 500 InternalError: We encountered an internal error. Please try again.)');
  assert.equal(statusOf(classifySendMessageBatch(answer(503, {}), request(2), CONFIG)), 'retry');
  assert.match(reasonOf(classifySendMessageBatch(answer(400, { __type: 'com.amazon.coral.service#InvalidSignatureException', message: 'Signature expired: 20261130T115000Z is now earlier than 20261130T115500Z (20261130T120000Z - 5 min.)' }), request(1), CONFIG)), /clock is more than 5 minutes off/);
  assert.match(reasonOf(classifySendMessageBatch(answer(403, { __type: 'com.amazon.coral.service#InvalidSignatureException', message: 'The request signature we calculated does not match the signature you provided.' }), request(2), CONFIG)), /refused the credentials/);
  assert.match(reasonOf(classifySendMessageBatch(answer(400, { __type: 'com.amazon.coral.service#InvalidClientTokenId', message: 'The security token included in the request is invalid.' }), request(2), CONFIG)), /check config\.access_key_id and config\.secret_access_key/);
  assert.match(reasonOf(classifySendMessageBatch(answer(400, { __type: 'com.amazon.coral.service#ExpiredTokenException', message: 'The security token included in the request is expired' }), request(2), CONFIG)), /temporary credentials as expired/);
  assert.match(reasonOf(classifySendMessageBatch(sqsAnswer(400, 'KmsAccessDenied', 'The ciphertext refers to a customer master key that does not exist.', 'KMS.AccessDeniedException;Sender'), request(2), CONFIG)), /kms:GenerateDataKey and kms:Decrypt/);
  assert.match(reasonOf(classifySendMessageBatch(sqsAnswer(400, 'InvalidAddress', 'The address is not valid.', 'InvalidAddress;Sender'), request(2), CONFIG)), /12-digit account id in config\.queue_url/);
  assert.equal(statusOf(classifySendMessageBatch(answer(400, { error: 'HTTP 400' }), request(2), CONFIG)), 'dead_letter', 'a 400 without an AWS code is not split');
  assert.equal(statusOf(classifySendMessageBatch(answer(404, { error: 'HTTP 404' }), request(2), CONFIG)), 'dead_letter');
});

test('deletion notices: off unless config.deletion_notices; one message of type person_deletion (FIFO: the person\'s group), signed by sign as it goes; answers read', () => {
  const forget = sqs.forgetPerson!;
  assert.equal(forget.enabled(CONFIG), false);
  assert.equal(forget.enabled({ ...CONFIG, deletion_notices: true }), true);
  const built = forget.request({ userId: 'u-42', anonymousId: 'df_abc123' }, ctx({ deletion_notices: true })) as RequestDescriptor;
  const body = '{"type":"person_deletion","user_id":"u-42","anonymous_id":"df_abc123","requested_at":"2026-11-30T12:00:05.000Z"}';
  assert.deepEqual(built, {
    method: 'POST', url: 'https://sqs.eu-west-1.amazonaws.com/', eventIds: [],
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessageBatch' },
    body: { QueueUrl: QUEUE, Entries: [{ Id: '0', MessageBody: body, MessageAttributes: { event_type: { DataType: 'String', StringValue: 'person_deletion' } } }] },
  });
  const signed = sqs.sign!(built, ctx({ deletion_notices: true }));
  assert.match(signed.headers!.authorization!, /SignedHeaders=content-type;host;x-amz-date;x-amz-target,/);
  assert.ok(awsSignatureHolds(asReceived(signed), SIGNER, NOW), 'the signature AWS computes over the body and headers sent');
  const fifo = entriesOf(forget.request({ userId: 'u-42', anonymousId: 'df_abc123' }, ctx({ deletion_notices: true, queue_url: FIFO })) as RequestDescriptor)[0]!;
  assert.deepEqual([fifo.MessageGroupId, fifo.MessageDeduplicationId], ['u-42', `deletion-${sha256(body)}`], 'after the person\'s events, in their group');
  const byEmail = forget.request({ userId: 'jane@example.com', anonymousId: null }, ctx({ deletion_notices: true })) as RequestDescriptor;
  assert.equal(JSON.parse(entriesOf(byEmail)[0]!.MessageBody).user_id, `sha256:${sha256('jane@example.com')}`, 'an email not in clear while messages leave contact information out');
  const withContact = forget.request({ userId: 'jane@example.com', anonymousId: null }, ctx({ deletion_notices: true, include_contact_info: true })) as RequestDescriptor;
  assert.equal(JSON.parse(entriesOf(withContact)[0]!.MessageBody).user_id, 'jane@example.com');
  assert.deepEqual(forget.request({ userId: 'undefined', anonymousId: null }, ctx({ deletion_notices: true })), { skipped: 'the ids named are placeholders ("null", "undefined", …) that name no one' });
  const config = { ...CONFIG, deletion_notices: true };
  assert.deepEqual(readDeletionNotice(answer(200, DELETION_NOTICE_ANSWER.body, DELETION_NOTICE_ANSWER.headers), built, config), { done: true, message: 'deletion notice sent to the queue signal-events: your consumers erase the person\'s data' });
  assert.ok('retry' in readDeletionNotice(answer(200, { Successful: [], Failed: [{ Id: '0', SenderFault: false, Code: 'InternalError' }] }), built, config));
  assert.ok('retry' in readDeletionNotice({ status: 200, headers: {}, body: '<html>proxy</html>' }, built, config), 'a proxy\'s page is no notice sent');
  assert.deepEqual(readDeletionNotice(answer(429, {}, { 'retry-after': '30' }), built, config), { retry: 'SQS throttled the request (HTTP 429); sent again later. If this lasts on a FIFO queue, turn on its high throughput mode, or lower this integration\'s rate limit', afterSeconds: 30 });
  const refused = readDeletionNotice(sqsAnswer(400, 'QueueDoesNotExist', 'The specified queue does not exist.'), built, config);
  assert.ok('failed' in refused && !refused.failed.includes('replay'), JSON.stringify(refused));
});
