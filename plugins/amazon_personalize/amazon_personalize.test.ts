// Amazon Personalize, unit by unit: the config checks, the records the default blueprint and the
// map hook make of events (interactions per item, users), the PutEvents and PutUsers requests
// within AWS's limits, their signature (recomputed on its own), and AWS's answers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { asReceived, awsSignatureHolds } from '../../test/helpers/aws-signature-check.ts';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import personalize, {
  classifyPersonalize, endpointOf, eventIdOf, metadataJson, metadataValue, personalizeConfigWarnings, personalizeNeverSends, personalizeRequests, sentAtOf, validatePersonalizeConfig,
} from './index.ts';

const NOW = Date.parse('2026-11-30T12:00:05.000Z');
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TRACKING_ID = '8b2c3e6d-1f4a-4b7e-9c2d-5e6f7a8b9c0d';
const USERS_ARN = 'arn:aws:personalize:eu-west-1:123456789012:dataset/shop/USERS';
const SIGNER = { host: 'personalize-events.eu-west-1.amazonaws.com', region: 'eu-west-1', service: 'personalize', accessKeyId: ACCESS_KEY, secretAccessKey: SECRET };
const CONFIG = { region: 'eu-west-1', tracking_id: TRACKING_ID, access_key_id: ACCESS_KEY, secret_access_key: SECRET };
const ctx = (config: Record<string, JsonValue> = {}, warnings: string[] = []): PluginContext => ({
  config: { ...CONFIG, ...config }, variant: 'default', integrationId: 'pi-pz1', revisionId: 'r', options: {}, now: NOW, warn: (m) => warnings.push(m),
});
const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Product Viewed', messageId: 'm-1', anonymousId: 'df_abc123', userId: 'u-42', timestamp: '2026-11-30T11:59:58.250Z', receivedAt: '2026-11-30T12:00:00.100Z',
  properties: { product_id: 'P-1', price: 19.99, discount: 0.1, tags: ['sale', 'summer'] }, context: { ip: '203.0.113.42' },
  ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/amazon_personalize/default.yaml', import.meta.url), 'utf8');
/** What the default blueprint and the map hook make of an event, with the warnings said. */
function record(e: CanonicalEvent, config: Record<string, JsonValue> = {}): { payload: JsonObject | null; warnings: string[] } {
  const result = createEventMapper(personalize, { variant: 'default', blueprint }, ctx(config))(e);
  return { payload: result.payload as JsonObject | null, warnings: result.warnings ?? [] };
}
const mapped = (e: CanonicalEvent, config: Record<string, JsonValue> = {}): MappedEvent => ({ id: e.messageId, event: e, payload: record(e, config).payload! });
const answer = (status: number, json?: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: json === undefined ? '' : JSON.stringify(json), ...(json === undefined ? {} : { json }) });
const awsError = (status: number, code: string, message: string): VendorResponse => answer(status, { message }, { 'x-amzn-errortype': `${code}:http://internal.amazon.com/coral/com.amazonaws.personalize/` });
const request = (path: string, events: number): RequestDescriptor => ({ method: 'POST', url: `https://personalize-events.eu-west-1.amazonaws.com${path}`, eventIds: Array.from({ length: events }, (_, i) => `e${i}`) });
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');

test('config: a valid config passes; each problem names its field and says what is expected', () => {
  assert.deepEqual(validatePersonalizeConfig(CONFIG), []);
  assert.deepEqual(validatePersonalizeConfig({ ...CONFIG, users_dataset_arn: USERS_ARN, user_properties: { plan: 'plan' }, event_properties: { discount: 'discount' }, event_types: { 'Product Viewed': 'View', page: 'View' } }), []);
  const problems = validatePersonalizeConfig({
    region: 'Europe (Ireland)', tracking_id: 'arn:aws:personalize:eu-west-1:123456789012:event-tracker/abc', event_types: { ' Product Viewed': 'View' },
    event_properties: { discount: 'DISCOUNT', a: 'a', b: 'b', c: 'c', d: 'd', e: 'e' }, users_dataset_arn: 'arn:aws:personalize:eu-west-1:123456789012:dataset/shop/ITEMS',
    user_properties: { plan: 'userId' }, access_key_id: ' AKIAIOSFODNN7EXAMPLE', secret_access_key: `${SECRET}\n`,
  });
  assert.deepEqual(problems.map((p) => p.field), ['region', 'tracking_id', 'event_types', 'event_properties', 'event_properties', 'users_dataset_arn', 'user_properties', 'access_key_id', 'secret_access_key']);
  assert.match(problems[1]!.message, /is an ARN: give the event tracker's tracking ID/);
  assert.match(problems[3]!.message, /names 6 fields: an Item interactions dataset has at most 5 metadata columns/);
  assert.match(problems[4]!.message, /maps "discount" to "DISCOUNT": give the schema field in camelCase/);
  assert.match(problems[5]!.message, /a Users dataset's ARN reads arn:aws:personalize:<region>:<account id>:dataset\/<dataset group>\/USERS/);
  assert.match(problems[6]!.message, /which Personalize reserves/);
  assert.ok(problems.every((p) => !p.message.includes(SECRET)), 'the secret is never quoted');
  assert.match(validatePersonalizeConfig({ ...CONFIG, event_properties: { when: 'timestamp' } })[0]!.message, /maps "when" to timestamp, which Personalize reserves/);
  assert.match(validatePersonalizeConfig({ ...CONFIG, users_dataset_arn: USERS_ARN.replace('eu-west-1', 'us-east-1') })[0]!.message, /is in Region us-east-1, but region is eu-west-1/);
  assert.match(validatePersonalizeConfig({ ...CONFIG, event_types: {} })[0]!.message, /names no event/);
  assert.deepEqual(validatePersonalizeConfig({ ...CONFIG, tracking_id: '' }).map((p) => p.field), ['tracking_id']);
  assert.deepEqual(personalizeConfigWarnings({ ...CONFIG, user_properties: { plan: 'plan' } }).map((w) => w.field), ['user_properties'], 'traits named without a Users dataset: advice');
  assert.deepEqual(personalizeConfigWarnings({ ...CONFIG, session_token: '••••' }).map((w) => w.field), ['session_token']);
});

test('interactions: the default event types, one interaction per item, the anonymousId as session, the messageId as event id, the metadata the config names', () => {
  assert.deepEqual(record(event(), { event_properties: { discount: 'discount', tags: 'tags' } }).payload, {
    kind: 'interaction', session_id: 'df_abc123', user_id: 'u-42',
    events: [{ eventId: 'm-1', eventType: 'View', itemId: 'P-1', sentAt: 1796039998.25, properties: '{"discount":0.1,"tags":"sale|summer"}' }],
  });
  assert.equal(record(event({ event: 'Product Added' })).payload!.events && (record(event({ event: 'Product Added' })).payload!.events as JsonObject[])[0]!.eventType, 'AddToCart');
  const order = event({ event: 'Order Completed', messageId: 'o-1', properties: { order_id: 'ORD-1', products: [{ product_id: 'P-1' }, { sku: 'SKU-2' }, { product_id: '' }] } });
  assert.deepEqual((record(order).payload!.events as JsonObject[]).map((e) => [e.eventId, e.eventType, e.itemId]), [['o-1', 'Purchase', 'P-1'], ['o-1-2', 'Purchase', 'SKU-2']]);
  const big = record(event({ event: 'Order Completed', properties: { products: Array.from({ length: 12 }, (_, i) => ({ product_id: `P-${i}` })) } }));
  assert.equal((big.payload!.events as JsonObject[]).length, 10);
  assert.match(big.warnings.join('\n'), /only the first 10 items recorded/);
  const shown = record(event({ properties: { product_id: 'P-1', recommendation_id: 'RID-1', impression: ['P-1', 'P-2'], event_value: '4.5' } }));
  assert.deepEqual((shown.payload!.events as JsonObject[])[0], { eventId: 'm-1', eventType: 'View', itemId: 'P-1', sentAt: 1796039998.25, eventValue: 4.5, recommendationId: 'RID-1', impression: ['P-1', 'P-2'] });
  assert.deepEqual(record(event({ anonymousId: undefined } as Partial<CanonicalEvent>)).payload!.session_id, 'u-42', 'no anonymousId: the userId as session');
  const anonymous = record(event({ userId: 'undefined' }));
  assert.equal(anonymous.payload!.user_id, undefined, 'a placeholder userId names no one');
  const none = record(event({ anonymousId: undefined, userId: undefined } as Partial<CanonicalEvent>));
  assert.equal(none.payload, null);
  assert.match(none.warnings.join('\n'), /needs a session id/);
  assert.equal(record(event({ event: 'Signed Up' })).payload, null, 'an event the config does not name');
  const page = event({ type: 'page', event: undefined, name: 'Pricing', properties: {} } as Partial<CanonicalEvent>);
  const itemless = record(page, { event_types: { 'page:Pricing': 'PricingView' } });
  assert.equal(itemless.payload, null, 'no item id: not sent (every Item interactions schema requires ITEM_ID)');
  assert.match(itemless.warnings.join('\n'), /needs an item id/);
  assert.deepEqual((record({ ...page, properties: { product_id: 'P-9' } } as CanonicalEvent, { event_types: { 'page:Pricing': 'PricingView' } }).payload!.events as JsonObject[])[0], { eventId: 'm-1', eventType: 'PricingView', itemId: 'P-9', sentAt: 1796039998.25 });
  const tooLong = createEventMapper(personalize, { variant: 'default', blueprint }, ctx())(event({ anonymousId: 'a'.repeat(257) }));
  assert.equal(tooLong.payload, null);
  assert.match(String(tooLong.error), /session id \(the anonymousId\) is 257 characters long: Amazon Personalize takes at most 256/);
});

test('users: identify traits the config names to the Users dataset; not sent without one, nor without a userId', () => {
  const identify = event({ type: 'identify', event: undefined, properties: undefined, traits: { plan: 'pro', email: 'jane@example.com', interests: ['shoes', 'bags'] } } as Partial<CanonicalEvent>);
  const config = { users_dataset_arn: USERS_ARN, user_properties: { plan: 'plan', interests: 'interests' } };
  assert.deepEqual(record(identify, config).payload, { kind: 'user', user: { userId: 'u-42', properties: '{"plan":"pro","interests":"shoes|bags"}' } });
  assert.equal(record(identify).payload, null);
  assert.match(record({ ...identify, userId: undefined } as CanonicalEvent, config).warnings.join('\n'), /needs a userId/);
  assert.equal(personalizeNeverSends(identify, ctx()), 'identify calls go to a Users dataset, and config.users_dataset_arn is empty');
  assert.equal(personalizeNeverSends(identify, ctx(config)), undefined);
  assert.equal(personalizeNeverSends(identify, ctx({ users_dataset_arn: USERS_ARN })), 'identify calls send the traits config.user_properties names, and it names none');
  assert.equal(personalizeNeverSends(event({ event: 'Signed Up' }), ctx()), 'not an event config.event_types names');
  assert.equal(personalizeNeverSends(event({ type: 'group' }), ctx()), 'group calls are not sent to Amazon Personalize');
});

test('users: an identify without any trait the config names is not sent (PutUsers replaces the user, so it would erase the metadata)', () => {
  const config = { users_dataset_arn: USERS_ARN, user_properties: { plan: 'plan' } };
  const onlyEmail = event({ type: 'identify', event: undefined, properties: undefined, traits: { email: 'jane@example.com' } } as Partial<CanonicalEvent>);
  assert.equal(record(onlyEmail, config).payload, null);
  assert.equal(record({ ...onlyEmail, traits: { plan: null } } as unknown as CanonicalEvent, config).payload, null, 'a null trait names no value either');
  assert.equal(record(onlyEmail, { users_dataset_arn: USERS_ARN }).payload, null, 'no user_properties: nothing to record');
});

test('users: with require_all_user_properties, an identify lacking a named trait is held back, naming it (PutUsers would empty that field)', () => {
  const config = { users_dataset_arn: USERS_ARN, user_properties: { plan: 'plan', interests: 'interests' }, require_all_user_properties: true };
  const identify = (traits: JsonObject) => event({ type: 'identify', event: undefined, properties: undefined, traits } as Partial<CanonicalEvent>);
  const partial = record(identify({ plan: 'pro' }), config);
  assert.equal(partial.payload, null);
  assert.match(partial.warnings.join('\n'), /not sent: config\.require_all_user_properties is on and the traits lack traits\.interests;/);
  assert.equal(record(identify({ plan: 'pro', interests: '' }), config).payload, null, 'an empty trait is no value');
  assert.deepEqual(record(identify({ plan: 'pro', interests: ['shoes'] }), config).payload, { kind: 'user', user: { userId: 'u-42', properties: '{"plan":"pro","interests":"shoes"}' } });
  assert.deepEqual(record(identify({ plan: 'pro' }), { ...config, require_all_user_properties: false }).payload, { kind: 'user', user: { userId: 'u-42', properties: '{"plan":"pro"}' } }, 'off (the default): sent with the traits it has');
});

test('impression: at most 25 item ids, of at most 1,000 characters joined with |, cut with a warning', () => {
  const shown = (n: number, length: number) => Array.from({ length: n }, (_, i) => String(i).padStart(length, 'x'));
  const cut = record(event({ properties: { product_id: 'P-1', impression: shown(10, 150) } }));
  assert.equal(((cut.payload!.events as JsonObject[])[0]!.impression as string[]).length, 6, '6 × 150 + 5 separators = 905; 7 would be 1,056');
  assert.match(cut.warnings.join('\n'), /impression cut to its first 6 items/);
  const many = record(event({ properties: { product_id: 'P-1', impression: shown(30, 3) } }));
  assert.equal(((many.payload!.events as JsonObject[])[0]!.impression as string[]).length, 25);
  assert.deepEqual(record(event({ properties: { product_id: 'P-1', impression: shown(3, 3) } })).warnings, []);
});

test('metadata: values Personalize takes; the JSON within its length, fields left out from the last with a warning', () => {
  assert.equal(metadataValue(['a', 2]), 'a|2');
  assert.equal(metadataValue({ a: 1 }), undefined);
  assert.equal(metadataValue(''), undefined);
  const warnings: string[] = [];
  assert.equal(metadataJson({ a: 'x'.repeat(600), b: 'y'.repeat(600) }, { a: 'a', b: 'b' }, 1024, (m) => warnings.push(m), 'properties'), JSON.stringify({ a: 'x'.repeat(600) }));
  assert.deepEqual(warnings, ['metadata field b left out: the properties JSON holds at most 1024 characters']);
  assert.equal(eventIdOf('m'.repeat(300), 1).length, 256);
  assert.equal(sentAtOf('not a time', NOW), NOW / 1000);
});

test('requests: PutEvents per session and user, up to 10 interactions, an event\'s never split; PutUsers by ten; signed for personalize over the real host', () => {
  assert.equal(endpointOf('cn-north-1'), 'https://personalize-events.cn-north-1.amazonaws.com.cn');
  const config = { users_dataset_arn: USERS_ARN, user_properties: { plan: 'plan' } };
  const orders = [1, 2].map((n) => mapped(event({ event: 'Order Completed', messageId: `o-${n}`, properties: { products: Array.from({ length: 6 }, (_, i) => ({ product_id: `P-${i}` })) } }), config));
  const other = mapped(event({ messageId: 'v-2', anonymousId: 'df_other', userId: undefined } as Partial<CanonicalEvent>), config);
  const users = Array.from({ length: 11 }, (_, i) => mapped(event({ type: 'identify', messageId: `i-${i}`, userId: `u-${i}`, event: undefined, traits: { plan: 'pro' } } as Partial<CanonicalEvent>), config));
  const requests = personalizeRequests([orders[0]!, other, orders[1]!, ...users], ctx(config));
  assert.deepEqual(requests.map((r) => [new URL(r.url).pathname, r.eventIds.length]), [['/events', 1], ['/events', 1], ['/events', 1], ['/users', 10], ['/users', 1]]);
  assert.deepEqual(requests[0]!.body, { trackingId: TRACKING_ID, userId: 'u-42', sessionId: 'df_abc123', eventList: (orders[0]!.payload.events as JsonValue) });
  assert.deepEqual(requests[2]!.body && (requests[2]!.body as JsonObject).sessionId, 'df_other');
  assert.equal((requests[2]!.body as JsonObject).userId, undefined, 'no userId: none sent');
  assert.deepEqual((requests[3]!.body as JsonObject).datasetArn, USERS_ARN);
  assert.deepEqual(requests.map((r) => r.endpoint), [undefined, undefined, undefined, 'users', 'users'], 'PutUsers counts against its own limit');
  assert.deepEqual(personalize.rateLimit.endpoints, { users: { rps: 10, burst: 10 } }, 'AWS: 10 PutUsers requests a second per dataset group');
  assert.deepEqual(((requests[3]!.body as JsonObject).users as JsonObject[])[0], { userId: 'u-0', properties: '{"plan":"pro"}' });
  const views = Array.from({ length: 3 }, (_, i) => mapped(event({ messageId: `v-${i}` })));
  assert.deepEqual(personalizeRequests(views, ctx()).map((r) => r.eventIds), [['v-0', 'v-1', 'v-2']], 'one session\'s events share a request');
  const signed = personalize.sign!(requests[0]!, ctx());
  assert.equal(signed.headers!['content-type'], 'application/json');
  assert.ok(awsSignatureHolds(asReceived(signed), { ...SIGNER, path: '/events' }, NOW), 'signed for personalize, /events, over the real host');
  assert.ok(!awsSignatureHolds(asReceived(signed), { ...SIGNER, service: 'personalize-events', path: '/events' }, NOW), 'not the endpoint prefix as signing name');
  assert.ok(personalize.batch.maxEvents === 10);
});

test('answers: 200 delivered; throttling and 5xx retried; an invalid request split, one event dead-lettered; the tracker or dataset not found naming the config', () => {
  const config = { ...CONFIG, users_dataset_arn: USERS_ARN };
  assert.deepEqual(classifyPersonalize(answer(200), request('/events', 2), config), { status: 'delivered' });
  assert.equal(statusOf(classifyPersonalize({ status: 200, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><body>Sign in</body></html>' }, request('/events', 1), config)), 'retry');
  const throttled = classifyPersonalize(awsError(400, 'ThrottlingException', 'Rate exceeded'), request('/events', 2), config);
  assert.deepEqual([statusOf(throttled), 'throttled' in throttled && throttled.throttled], ['retry', true]);
  assert.equal((classifyPersonalize(answer(429, { message: 'slow' }, { 'retry-after': '3' }), request('/events', 1), config) as { retryAfterMs?: number }).retryAfterMs, 3000);
  assert.equal(statusOf(classifyPersonalize(answer(503), request('/events', 1), config)), 'retry');
  assert.equal(statusOf(classifyPersonalize(awsError(409, 'ResourceInUseException', 'Dataset is being updated'), request('/users', 1), config)), 'retry');
  assert.deepEqual(statusOf(classifyPersonalize(awsError(400, 'InvalidInputException', 'Invalid eventType'), request('/events', 3), config)), 'split');
  const one = classifyPersonalize(awsError(400, 'InvalidInputException', 'Invalid eventType'), request('/events', 1), config);
  assert.equal(statusOf(one), 'dead_letter');
  assert.match(reasonOf(one), /refused this event \(HTTP 400 InvalidInputException: Invalid eventType\): check the event type \(config\.event_types\)/);
  assert.match(reasonOf(classifyPersonalize(awsError(400, 'InvalidInputException', 'bad'), request('/users', 1), config)), /refused this user .*config\.user_properties/);
  assert.match(reasonOf(classifyPersonalize(awsError(404, 'ResourceNotFoundException', 'Tracker not found'), request('/events', 2), config)), new RegExp(`no event tracker with config.tracking_id ${TRACKING_ID} in eu-west-1 .*check config.tracking_id`));
  assert.match(reasonOf(classifyPersonalize(awsError(404, 'ResourceNotFoundException', 'Dataset not found'), request('/users', 2), config)), /no Users dataset arn:aws:personalize:.*check config\.users_dataset_arn/);
  assert.match(reasonOf(classifyPersonalize(awsError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.'), request('/events', 1), config)), /refused the credentials .*config\.access_key_id and config\.secret_access_key/);
  assert.match(reasonOf(classifyPersonalize(awsError(403, 'AccessDeniedException', 'not authorized'), request('/users', 1), config)), /allow the IAM identity of config\.access_key_id personalize:PutUsers on the Users dataset/);
  assert.equal(statusOf(classifyPersonalize(awsError(403, 'InvalidSignatureException', 'Signature expired: 20261130T115000Z is now earlier than 20261130T115500Z'), request('/events', 1), config)), 'retry');
  assert.equal(statusOf(classifyPersonalize(answer(400, { error: 'bad' }), request('/events', 2), config)), 'dead_letter', 'a 400 without an AWS code is not split');
});
