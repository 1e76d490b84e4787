// Amazon EventBridge, unit by unit: the config checks, the details (contact information left
// out unless included), the PutEvents requests within AWS's limits as AWS counts them, their
// signature (recomputed on its own from AWS's documented steps), AWS's answers, and deletion notices.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { asReceived, awsSignatureHolds } from '../../test/helpers/aws-signature-check.ts';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import eventBridge, {
  awsError, classifyPutEvents, DELETION_NOTICE_ANSWER, detailTypeOf, endpointOf, entrySize, eventBridgeConfigWarnings, eventDetail, eventTime, MAX_ENTRIES, MAX_ENTRIES_BYTES, PUT_EVENTS_ANSWER,
  readDeletionNotice, validateEventBridgeConfig,
} from './index.ts';

const NOW = Date.parse('2026-11-30T12:00:05.000Z');
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
/** Who signs, for what: the check of what `sign` returns (test/helpers/aws-signature-check.ts). */
const SIGNER = { host: 'events.eu-west-1.amazonaws.com', region: 'eu-west-1', service: 'events', accessKeyId: ACCESS_KEY, secretAccessKey: SECRET };
const CONFIG = { region: 'eu-west-1', event_bus_name: 'signal-events', source: 'com.acme.signal', access_key_id: ACCESS_KEY, secret_access_key: SECRET };
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { ...CONFIG, ...config }, variant: 'default', integrationId: 'pi-eb1', revisionId: 'r', options: {}, now: NOW });
const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc123', userId: 'u-42', timestamp: '2026-11-30T11:59:58.250Z', receivedAt: '2026-11-30T12:00:00.100Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, email: 'jane@example.com' },
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks' } },
  ...overrides,
} as CanonicalEvent);
const mapped = (id: string, overrides: Partial<CanonicalEvent> = {}, payload: JsonObject = { message_id: id, type: 'track' }): MappedEvent => ({ id, event: event({ messageId: id.replace(/#\d+$/, ''), ...overrides }), payload });
const answer = (status: number, json?: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: json === undefined ? '' : JSON.stringify(json), ...(json === undefined ? {} : { json }) });
const request = (events: number): RequestDescriptor => ({ method: 'POST', url: 'https://events.eu-west-1.amazonaws.com/', eventIds: Array.from({ length: events }, (_, i) => `e${i}`) });
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
type Entry = { Source: string; DetailType: string; Detail: string; EventBusName: string; Time?: number };
const entriesOf = (r: RequestDescriptor) => (r.body as { Entries: Entry[] }).Entries;

test('config: a valid config passes; each problem names its field and says what is expected', () => {
  assert.deepEqual(validateEventBridgeConfig(CONFIG), []);
  assert.deepEqual(validateEventBridgeConfig({ ...CONFIG, event_bus_name: 'default' }), []);
  assert.deepEqual(validateEventBridgeConfig({ ...CONFIG, event_bus_name: 'arn:aws:events:eu-west-1:111122223333:event-bus/signal-events' }), []);
  assert.deepEqual(validateEventBridgeConfig({ ...CONFIG, event_bus_name: 'arn:aws:events:eu-west-1:444455556666:event-bus/central' }), [], 'another account\'s bus, when its policy allows');
  const problems = validateEventBridgeConfig({
    region: 'Europe (Ireland)', event_bus_name: 'signal events', source: 'aws.signal', detail_type: 'name', access_key_id: ' AKIAIOSFODNN7EXAMPLE', secret_access_key: `${SECRET}\n`,
    include_contact_info: 'yes', deletion_notices: 1,
  });
  assert.deepEqual(problems.map((p) => p.field), ['region', 'event_bus_name', 'source', 'detail_type', 'access_key_id', 'secret_access_key', 'include_contact_info', 'deletion_notices']);
  assert.match(problems[0]!.message, /give an AWS Region code such as eu-west-1/);
  assert.match(problems[1]!.message, /1 to 256 letters, digits, periods, hyphens and underscores/);
  assert.match(problems[2]!.message, /sources starting with "aws\." are AWS's own/);
  assert.ok(problems.every((p) => !p.message.includes(SECRET)), 'the secret is never quoted');
  assert.deepEqual(validateEventBridgeConfig({ ...CONFIG, event_bus_name: 'arn:aws:events:us-east-1:111122223333:event-bus/signal-events' }).map((p) => p.message), ['is in Region us-east-1, but region is eu-west-1: requests go to the configured region\'s endpoint, so set region to us-east-1']);
  assert.match(validateEventBridgeConfig({ ...CONFIG, event_bus_name: 'aws.partner/example.com/123/signal' })[0]!.message, /a partner event bus: .* PutEvents cannot write to it/);
  assert.match(validateEventBridgeConfig({ ...CONFIG, event_bus_name: 'arn:aws:sqs:eu-west-1:111122223333:queue' })[0]!.message, /an event bus ARN reads arn:aws:events:<region>:<account id>:event-bus\/<name>/);
  assert.match(validateEventBridgeConfig({ ...CONFIG, source: 'com.acme\nsignal' })[0]!.message, /line break or control character/);
  assert.deepEqual(validateEventBridgeConfig({ ...CONFIG, source: undefined as unknown as string }).map((p) => p.field), ['source']);
  assert.deepEqual(validateEventBridgeConfig({ ...CONFIG, region: 'us-gov-west-1' }), [], 'GovCloud: events.us-gov-west-1.amazonaws.com');
  assert.deepEqual(validateEventBridgeConfig({ ...CONFIG, region: 'us-iso-east-1' }), [{ field: 'region', message: 'is "us-iso-east-1", an isolated (ISO) Region: its endpoints are not on amazonaws.com, and Signal sends only to the commercial, GovCloud and China Regions\' endpoints' }]);
  assert.deepEqual(eventBridgeConfigWarnings({ ...CONFIG, session_token: '••••' }).map((w) => w.field), ['session_token'], 'a session token with an AKIA key: advice, not a refusal');
  assert.deepEqual(eventBridgeConfigWarnings({ ...CONFIG, access_key_id: 'ASIAIOSFODNN7EXAMPLE', session_token: '••••' }), []);
});

test('details: through the default blueprint, contact information left out unless config.include_contact_info; placeholder ids left out', () => {
  const blueprint = readFileSync(new URL('../../blueprints/amazon_eventbridge/default.yaml', import.meta.url), 'utf8');
  const mapper = (config: Record<string, JsonValue> = {}) => {
    const map = createEventMapper(eventBridge, { variant: 'default', blueprint }, ctx(config));
    return (e: CanonicalEvent) => map(e).payload as JsonObject;
  };
  const identify = event({ type: 'identify', event: undefined, userId: 'undefined', traits: { email: 'jane@example.com', name: 'Jane Doe', plan: 'pro' }, properties: undefined } as Partial<CanonicalEvent>);
  assert.deepEqual(mapper()(identify), {
    message_id: 'm-1', type: 'identify', anonymous_id: 'df_abc123', timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.100Z',
    traits: { plan: 'pro' }, context: { userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks', path: '/thanks' } },
  });
  assert.deepEqual(mapper()(event()).properties, { order_id: 'ORD-1', revenue: 74.97 });
  const full = mapper({ include_contact_info: true })(event());
  assert.deepEqual(full.properties, { order_id: 'ORD-1', revenue: 74.97, email: 'jane@example.com' });
  assert.equal((full.context as { ip: string }).ip, '203.0.113.42');
  assert.deepEqual(eventDetail({ user_id: 'jane@example.com', anonymous_id: 'df_1' }, { includeContactInfo: false }), { user_id: `sha256:${sha256('jane@example.com')}`, anonymous_id: 'df_1' }, 'an email as id is not in clear: its SHA-256, as a deletion notice gives it');
  assert.deepEqual(eventDetail({ user_id: 'jane@example.com' }, { includeContactInfo: true }), { user_id: 'jane@example.com' });
});

test('send: one PutEvents request to the Region\'s endpoint, each event an entry of the config\'s source and bus, its detail type, its JSON as Detail and its time', () => {
  const batch = [
    mapped('m-1', {}, { message_id: 'm-1', type: 'track', note: 'é ☀️' }),
    mapped('m-2', { type: 'page', event: undefined, name: 'Home', timestamp: 'not a time' } as Partial<CanonicalEvent>, { message_id: 'm-2', type: 'page' }),
  ];
  const [put, ...more] = eventBridge.send(batch, ctx());
  assert.equal(more.length, 0);
  assert.deepEqual(put, {
    method: 'POST', url: 'https://events.eu-west-1.amazonaws.com/', eventIds: ['m-1', 'm-2'],
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
    body: {
      Entries: [
        { Source: 'com.acme.signal', DetailType: 'Order Completed', Detail: '{"message_id":"m-1","type":"track","note":"é ☀️"}', EventBusName: 'signal-events', Time: 1796039998.25 },
        { Source: 'com.acme.signal', DetailType: 'page', Detail: '{"message_id":"m-2","type":"page"}', EventBusName: 'signal-events' },
      ],
    },
  });
  assert.equal(entriesOf(eventBridge.send(batch, ctx({ detail_type: 'call_type' }))[0]!)[0]!.DetailType, 'track');
  assert.equal(entriesOf(eventBridge.send(batch, ctx({ event_bus_name: 'arn:aws:events:eu-west-1:111122223333:event-bus/signal-events' }))[0]!)[0]!.EventBusName, 'arn:aws:events:eu-west-1:111122223333:event-bus/signal-events');
  assert.deepEqual(eventBridge.send(batch, ctx()), eventBridge.send(batch, ctx()), 'pure');
  assert.equal(endpointOf('cn-north-1'), 'https://events.cn-north-1.amazonaws.com.cn/');
  assert.equal(eventTime('2026-11-30T11:59:58.250Z'), 1796039998.25);
  assert.equal(eventTime(undefined), undefined);
});

test('detail types: a track event\'s name cut to 128 characters without splitting one; the call type for other calls, blank names and names that are contact information', () => {
  assert.equal(detailTypeOf({ type: 'track', event: 'x'.repeat(200) }, CONFIG), 'x'.repeat(128));
  assert.equal(detailTypeOf({ type: 'track', event: `${'x'.repeat(127)}😀` }, CONFIG), 'x'.repeat(127), 'an emoji is two units: it does not fit in the last one');
  assert.equal(detailTypeOf({ type: 'track', event: '  ' }, CONFIG), 'track');
  assert.equal(detailTypeOf({ type: 'track', event: 'jane@example.com' }, CONFIG), 'track');
  assert.equal(detailTypeOf({ type: 'track', event: 'jane@example.com' }, { ...CONFIG, include_contact_info: true }), 'jane@example.com');
  assert.equal(detailTypeOf({ type: 'identify', event: undefined }, CONFIG), 'identify');
});

test('send: at most 10 entries and 256 KB of entries as AWS counts them a request, every event once in order; an entry too large alone goes alone', () => {
  const many = Array.from({ length: 23 }, (_, i) => mapped(`m-${i}`));
  const parts = eventBridge.send(many, ctx());
  assert.deepEqual(parts.map((r) => r.eventIds.length), [MAX_ENTRIES, MAX_ENTRIES, 3]);
  assert.deepEqual(parts.flatMap((r) => r.eventIds), many.map((m) => m.id));
  // AWS's count: Time 14 bytes, and the UTF-8 bytes of Source, DetailType and Detail.
  assert.equal(entrySize({ Source: 'com.acme.signal', DetailType: 'Order Completed', Detail: '{"a":"é"}', EventBusName: 'signal-events', Time: 1 }), 14 + 15 + 15 + 10);
  const big = (id: string) => mapped(id, {}, { message_id: id, blob: 'x'.repeat(100_000) });
  const heavy = eventBridge.send([big('a'), big('b'), big('c'), big('d'), big('e')], ctx());
  assert.deepEqual(heavy.map((r) => r.eventIds), [['a', 'b'], ['c', 'd'], ['e']]);
  assert.ok(heavy.every((r) => entriesOf(r).reduce((sum, e) => sum + entrySize(e), 0) <= MAX_ENTRIES_BYTES));
  // Quotes escape twice over in the body: the body stays within 1 MiB too.
  const quoted = (id: string) => mapped(id, {}, { message_id: id, blob: '"'.repeat(120_000) });
  const escaped = eventBridge.send([quoted('q1'), quoted('q2'), quoted('q3'), quoted('q4'), quoted('q5')], ctx());
  assert.ok(escaped.every((r) => Buffer.byteLength(JSON.stringify(r.body)) <= 1024 * 1024), String(escaped.map((r) => Buffer.byteLength(JSON.stringify(r.body)))));
  assert.deepEqual(escaped.flatMap((r) => r.eventIds), ['q1', 'q2', 'q3', 'q4', 'q5']);
  const huge = mapped('huge', {}, { blob: 'x'.repeat(600_000) });
  assert.deepEqual(eventBridge.send([mapped('s-1'), huge, mapped('s-2')], ctx()).map((r) => r.eventIds), [['s-1'], ['huge'], ['s-2']]);
});

test('sign: x-amz-date and the SigV4 Authorization at the sending time over the exact body, signing name events; the session token signed', () => {
  const [built] = eventBridge.send([mapped('m-1')], ctx());
  assert.equal(built!.headers!.authorization, undefined, 'send does not sign');
  const signed = eventBridge.sign!(built!, { ...ctx(), now: NOW + 4 * 60_000 });
  assert.equal(signed.headers!['x-amz-date'], '20261130T120405Z', 'the time of sending, not of building');
  assert.match(signed.headers!.authorization!, /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20261130\/eu-west-1\/events\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/);
  assert.ok(awsSignatureHolds(asReceived(signed), SIGNER, NOW + 4 * 60_000), 'the signature AWS computes over the body and headers sent');
  assert.deepEqual([signed.body, signed.eventIds, signed.url], [built!.body, built!.eventIds, built!.url]);
  const temporary = eventBridge.sign!(built!, ctx({ access_key_id: ACCESS_KEY.replace('AKIA', 'ASIA'), session_token: 'FwoGZXIvYXdzEXAMPLE' }));
  assert.equal(temporary.headers!['x-amz-security-token'], 'FwoGZXIvYXdzEXAMPLE');
  assert.match(temporary.headers!.authorization!, /SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,/);
});

test('classify 200: per entry — put, ThrottlingException retried as a rate limit, InternalFailure retried, AWS\'s non-retryable codes dead-lettered naming the fix; only those events', () => {
  assert.deepEqual(classifyPutEvents(answer(200, PUT_EVENTS_ANSWER.body), request(2), CONFIG), { status: 'delivered' });
  const mixed = classifyPutEvents(answer(200, {
    FailedEntryCount: 5,
    Entries: [
      { EventId: '11710aed-b79e-4468-a20b-bb3c0c3b4860' },
      { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded.' },
      { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
      { ErrorCode: 'AccessDeniedException', ErrorMessage: 'User is not authorized to perform: events:PutEvents' },
    ],
  }), request(6), CONFIG);
  assert.deepEqual(mixed, {
    perEvent: {
      e1: { status: 'retry', throttled: true, reason: 'EventBridge refused the event for its PutEvents quota (ThrottlingException: Rate exceeded.); sent again later. If this lasts, ask AWS for a higher PutEvents quota in eu-west-1, or lower this integration\'s rate limit' },
      e2: { status: 'retry', reason: 'EventBridge did not put the event (InternalFailure: Internal service failure.); sent again' },
      e3: { status: 'dead_letter', reason: 'EventBridge refused the event\'s detail (MalformedDetail: Detail is malformed.): it takes a JSON object nested at most 1,000 levels, integers within ±9,223,372,036,854,775,807; fix the values the blueprint maps (or leave them out with a pipeline transformation), then replay the dead letters' },
      e4: { status: 'dead_letter', reason: 'EventBridge refused the source "com.acme.signal" (NotAuthorizedForSourceException: Not authorized for the source.): sources starting with "aws." are AWS\'s own, and an IAM policy may limit events:source; change config.source or allow it in the policy of config.access_key_id, then replay the dead letters' },
      e5: { status: 'dead_letter', reason: 'EventBridge denied access (AccessDeniedException: User is not authorized to perform: events:PutEvents): allow the IAM identity of config.access_key_id events:PutEvents on arn:aws:events:eu-west-1:<account id>:event-bus/signal-events (and, for another account\'s bus, that bus\'s resource policy); if the policy already allows your bus, check config.event_bus_name and config.region for a typo; then replay the dead letters' },
    },
  });
  const other = classifyPutEvents(answer(200, { FailedEntryCount: 1, Entries: [{ ErrorCode: 'SomethingNew', ErrorMessage: 'New.' }] }), request(1), CONFIG);
  assert.deepEqual(other, { perEvent: { e0: { status: 'retry', reason: 'EventBridge did not put the event (SomethingNew: New.); sent again' } } }, 'a code AWS does not document: retried, not lost');
  assert.match(reasonOf((classifyPutEvents(answer(200, { FailedEntryCount: 1, Entries: [{ ErrorCode: 'NotAuthorizedForDetailTypeException' }] }), request(1), CONFIG) as { perEvent: Record<string, Classification> }).perEvent.e0!), /limits events:detail-type/);
});

test('classify 200 that is not PutEvents\'s answer: a proxy\'s page, a JSON without FailedEntryCount and Entries, or a results list of another length is sent again', () => {
  const page = classifyPutEvents({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>Sign in to the Wi-Fi</html>' }, request(2), CONFIG);
  assert.equal(reasonOf(page), 'HTTP 200 with a body that is no JSON object (<html>Sign in to the Wi-Fi</html>): not EventBridge\'s answer to PutEvents (a proxy in the way?), so the events are sent again');
  assert.equal(statusOf(classifyPutEvents(answer(200, {}), request(2), CONFIG)), 'retry');
  assert.equal(statusOf(classifyPutEvents(answer(200), request(2), CONFIG)), 'retry');
  assert.match(reasonOf(classifyPutEvents(answer(200, { FailedEntryCount: 0, Entries: [{ EventId: 'x' }] }), request(2), CONFIG)), /1 results for a request of 2 entries/);
  assert.deepEqual(classifyPutEvents(answer(200, { FailedEntryCount: 0, Entries: [{ EventId: 'x' }, {}] }), request(2), CONFIG), { perEvent: { e1: { status: 'retry', reason: 'EventBridge did not put the event (no error code); sent again' } } }, 'a result without an EventId is not known to be put');
});

test('classify errors: throttling retried as a rate limit (Retry-After kept), 5xx retried, clock skew retried; too large split, then dead-lettered alone; config errors dead-lettered naming the field', () => {
  const throttled = classifyPutEvents(answer(400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, { 'Retry-After': '2' }), request(2), CONFIG);
  assert.deepEqual([statusOf(throttled), 'throttled' in throttled && throttled.throttled, 'retryAfterMs' in throttled && throttled.retryAfterMs], ['retry', true, 2000]);
  assert.equal(awsError(answer(400, { __type: 'com.amazonaws.eventbridge#ThrottlingException', Message: 'Rate exceeded' })).code, 'ThrottlingException');
  assert.equal(awsError({ status: 400, headers: { 'X-Amzn-ErrorType': 'AccessDeniedException:http://internal.amazon.com/' }, body: '' }).code, 'AccessDeniedException');
  assert.equal(statusOf(classifyPutEvents(answer(429, { message: 'Too Many Requests' }), request(2), CONFIG)), 'retry');
  assert.equal(reasonOf(classifyPutEvents(answer(500, { __type: 'InternalException', message: 'An internal error occurred.' }), request(2), CONFIG)), 'EventBridge failed (HTTP 500 InternalException: An internal error occurred.)');
  assert.equal(statusOf(classifyPutEvents(answer(503, { __type: 'ServiceUnavailable' }), request(2), CONFIG)), 'retry');
  assert.match(reasonOf(classifyPutEvents(answer(400, { __type: 'InvalidSignatureException', message: 'Signature expired: 20261130T115000Z is now earlier than 20261130T115500Z (20261130T120000Z - 5 min.)' }), request(1), CONFIG)), /clock is more than 5 minutes off/);
  const fastClock = classifyPutEvents(answer(403, { __type: 'InvalidSignatureException', message: 'Signature not yet current: 20261130T121000Z is still later than 20261130T120500Z (20261130T120000Z + 5 min.)' }), request(1), CONFIG);
  assert.deepEqual([statusOf(fastClock), reasonOf(fastClock)], ['retry', 'EventBridge refused the request\'s time (HTTP 403 InvalidSignatureException: Signature not yet current: 20261130T121000Z is still later than 20261130T120500Z (20261130T120000Z + 5 min.)): the Signal host\'s clock is more than 5 minutes off AWS\'s; fix it with NTP (each try is signed anew)'], 'a fast clock is no bad key');
  const tooBig = answer(400, { __type: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' });
  assert.deepEqual(classifyPutEvents(tooBig, request(3), CONFIG), { status: 'split', reason: 'EventBridge refused the request (HTTP 400 ValidationException: Total size of the entries in the request is over the limit.); one entry may be the cause (the entries\' total size): sending it in halves' });
  assert.equal(reasonOf(classifyPutEvents(tooBig, request(1), CONFIG)), 'EventBridge refused this event alone as too large (HTTP 400 ValidationException: Total size of the entries in the request is over the limit.): an event\'s entry holds at most 256 KB (1 MB in the Regions AWS raised it in), counting its source, detail type and detail; leave its largest properties out with a pipeline transformation or the blueprint, then replay the dead letters');
  assert.equal(statusOf(classifyPutEvents(answer(413, {}), request(2), CONFIG)), 'split');
  assert.equal(statusOf(classifyPutEvents(answer(413, {}), request(1), CONFIG)), 'dead_letter');
  const badBus = classifyPutEvents(answer(400, { __type: 'ValidationException', message: '1 validation error detected: Value \'signal events\' at \'entries.1.member.eventBusName\' failed to satisfy constraint' }), request(3), CONFIG);
  assert.equal(statusOf(badBus), 'dead_letter', 'not split: the bus is wrong for every event');
  assert.match(reasonOf(badBus), /check config\.event_bus_name/);
  assert.equal(reasonOf(classifyPutEvents(answer(400, { __type: 'ResourceNotFoundException', message: 'Event bus signal-events does not exist.' }), request(2), CONFIG)),
    'EventBridge has no event bus signal-events in eu-west-1 for these credentials (HTTP 400 ResourceNotFoundException: Event bus signal-events does not exist.): check config.event_bus_name and config.region, then replay the dead letters');
  assert.match(reasonOf(classifyPutEvents(answer(400, { __type: 'AccessDeniedException', message: 'User: arn:aws:iam::111122223333:user/signal is not authorized to perform: events:PutEvents' }), request(2), { ...CONFIG, event_bus_name: 'arn:aws:events:eu-west-1:444455556666:event-bus/central' })), /events:PutEvents on arn:aws:events:eu-west-1:444455556666:event-bus\/central \(and, for another account's bus, that bus's resource policy\)/);
  assert.match(reasonOf(classifyPutEvents(answer(400, { __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' }), request(2), CONFIG)), /check config\.access_key_id and config\.secret_access_key/);
  assert.match(reasonOf(classifyPutEvents(answer(403, { __type: 'InvalidSignatureException', message: 'The request signature we calculated does not match the signature you provided.' }), request(2), CONFIG)), /refused the credentials/);
  assert.match(reasonOf(classifyPutEvents(answer(400, { __type: 'ExpiredTokenException', message: 'The security token included in the request is expired' }), request(2), CONFIG)), /temporary credentials as expired/);
  assert.equal(statusOf(classifyPutEvents(answer(400, { __type: 'KMSThrottlingException', message: 'Rate exceeded' }), request(2), CONFIG)), 'retry');
  assert.equal(statusOf(classifyPutEvents(answer(400, { error: 'HTTP 400' }), request(2), CONFIG)), 'dead_letter', 'a 400 without an AWS validation code is not split');
});

test('deletion notices: off unless config.deletion_notices; one entry of detail-type signal.person_deletion, signed by sign as it goes; answers read', () => {
  const forget = eventBridge.forgetPerson!;
  assert.equal(forget.enabled(CONFIG), false);
  assert.equal(forget.enabled({ ...CONFIG, deletion_notices: true }), true);
  const built = forget.request({ userId: 'u-42', anonymousId: 'df_abc123' }, ctx({ deletion_notices: true })) as RequestDescriptor;
  assert.deepEqual(built, {
    method: 'POST', url: 'https://events.eu-west-1.amazonaws.com/', eventIds: [],
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
    body: { Entries: [{ Source: 'com.acme.signal', DetailType: 'signal.person_deletion', Detail: '{"type":"person_deletion","user_id":"u-42","anonymous_id":"df_abc123","requested_at":"2026-11-30T12:00:05.000Z"}', EventBusName: 'signal-events', Time: 1796040005 }] },
  });
  const signed = eventBridge.sign!(built, ctx({ deletion_notices: true }));
  assert.match(signed.headers!.authorization!, /SignedHeaders=content-type;host;x-amz-date;x-amz-target,/);
  assert.ok(awsSignatureHolds(asReceived(signed), SIGNER, NOW), 'the signature AWS computes over the body and headers sent');
  const byEmail = forget.request({ userId: 'jane@example.com', anonymousId: null }, ctx({ deletion_notices: true })) as RequestDescriptor;
  assert.deepEqual(JSON.parse(entriesOf(byEmail)[0]!.Detail).user_id, `sha256:${sha256('jane@example.com')}`, 'an email not in clear while events leave contact information out');
  const withContact = forget.request({ userId: 'jane@example.com', anonymousId: null }, ctx({ deletion_notices: true, include_contact_info: true })) as RequestDescriptor;
  assert.deepEqual(JSON.parse(entriesOf(withContact)[0]!.Detail).user_id, 'jane@example.com');
  assert.deepEqual(forget.request({ userId: 'undefined', anonymousId: null }, ctx({ deletion_notices: true })), { skipped: 'the ids named are placeholders ("null", "undefined", …) that name no one' });
  const config = { ...CONFIG, deletion_notices: true };
  assert.deepEqual(readDeletionNotice(answer(200, DELETION_NOTICE_ANSWER.body, DELETION_NOTICE_ANSWER.headers), built, config), { done: true, message: 'deletion notice put on the event bus signal-events: your rules\' targets erase the person\'s data' });
  assert.ok('retry' in readDeletionNotice(answer(200, { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] }), built, config));
  assert.ok('retry' in readDeletionNotice({ status: 200, headers: {}, body: '<html>proxy</html>' }, built, config), 'a proxy\'s page is no notice put');
  assert.deepEqual(readDeletionNotice(answer(429, {}, { 'retry-after': '30' }), built, config), { retry: 'EventBridge\'s PutEvents quota was reached (HTTP 429); sent again later. If this lasts, ask AWS for a higher PutEvents quota in eu-west-1, or lower this integration\'s rate limit', afterSeconds: 30 });
  const refused = readDeletionNotice(answer(400, { __type: 'AccessDeniedException', message: 'not authorized' }), built, config);
  assert.ok('failed' in refused && !refused.failed.includes('replay'), JSON.stringify(refused));
});
