import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, ClassifyResult, EventOutcome, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import plugin, { validateMarketoConfig } from './index.ts';
import { marketoTokenRequest, readMarketoTokenAnswer, tokenRefused } from './access-token.ts';
import { classifyMarketo, untilQuotaReset } from './classify.ts';
import { activityTypeFor, instanceOrigin, munchkinIdOf, userIdFieldOf } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { fitRecord, keyOf } from './records.ts';
import { buildRequests, lookupMemoOf, MAX_RECORDS } from './requests.ts';

const ORIGIN = 'https://123-ABC-456.mktorest.com';
const TOKEN = 'cdf01657-110d-4155-99a7-f986b2ff13a0:int';
const NOW = Date.parse('2026-12-01T12:00:00Z');
const TIME = '2026-11-30T16:00:00.000Z';
const BASE: Record<string, JsonValue> = {
  munchkin_id: '123-ABC-456', client_id: 'client-id-1', client_secret: 'client-secret-1',
  user_id_field: 'signalUserId', field_map: { plan: 'signalPlan', 'address.city': 'city' },
  activity_types: { 'Order Completed': { id: 100001, primary_attribute: 'order_id', attributes: { total: 'orderTotal', currency: 'currency' } }, 'Signed Up': 100002 },
};
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { ...BASE, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, accessToken: TOKEN });
const track = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'user-123', anonymousId: 'df_abc123', timestamp: TIME, receivedAt: '2026-11-30T16:00:00.100Z',
  context: { ip: '203.0.113.42', traits: { email: 'jane.doe@example.com' } }, properties: { order_id: 'O-1', total: 27.5, currency: 'EUR', items: [{ sku: 'x' }] }, ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => track({ type: 'identify', event: undefined, properties: undefined, traits, ...overrides } as Partial<CanonicalEvent>);
const answer = (status: number, body: unknown): VendorResponse => ({ status, headers: {}, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body as JsonValue }) });
const mapper = (config: Record<string, JsonValue> = {}) => createEventMapper(plugin, { variant: 'default', blueprint: readFileSync(new URL('../../blueprints/marketo/default.yaml', import.meta.url), 'utf8') }, ctx(config));
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): MappedEvent => ({ id: event.messageId, event, payload: mapper(config)(event).payload! });
const perEvent = (result: ClassifyResult): Record<string, EventOutcome> => {
  assert.ok('perEvent' in result, `perEvent outcomes, got ${JSON.stringify(result)}`);
  return result.perEvent;
};
const outcome = (result: ClassifyResult): EventOutcome => {
  assert.ok('status' in result, `one outcome, got ${JSON.stringify(result)}`);
  return result as EventOutcome;
};
const syncLeads = (ids: string[]): RequestDescriptor => ({ method: 'POST', url: `${ORIGIN}/rest/v1/leads.json`, eventIds: ids, body: { action: 'createOrUpdate', lookupField: 'email', input: ids.map((id) => ({ email: `${id}@example.com` })) } });

test('config: a Munchkin id or the REST endpoint URL names the instance; anything else names the field', () => {
  assert.equal(munchkinIdOf({ munchkin_id: '123-abc-456' }), '123-ABC-456');
  assert.equal(munchkinIdOf({ munchkin_id: 'https://123-ABC-456.mktorest.com/rest' }), '123-ABC-456');
  assert.equal(munchkinIdOf({ munchkin_id: 'https://123-ABC-456.mktorest.com/' }), '123-ABC-456');
  assert.equal(instanceOrigin(BASE), ORIGIN);
  for (const bad of ['123ABC456', 'https://123-ABC-456.mktorest.com.attacker.com', 'https://attacker.com/123-ABC-456.mktorest.com', 'http://123-ABC-456.mktorest.com', '123-ABC-456/../x']) {
    assert.equal(munchkinIdOf({ munchkin_id: bad }), undefined, bad);
    const problems = validateMarketoConfig({ ...BASE, munchkin_id: bad });
    assert.equal(problems[0]?.field, 'munchkin_id', bad);
    assert.match(problems[0]!.message, /Munchkin id \(123-ABC-456\) or its REST endpoint URL/);
  }
});

test('config: cross-field mistakes are named by their field', () => {
  assert.deepEqual(validateMarketoConfig(BASE), []);
  const fields = (config: Record<string, JsonValue>) => validateMarketoConfig({ ...BASE, ...config }).map((p) => `${p.field}: ${p.message}`);
  assert.deepEqual(fields({ lookup_field: 'firstName', user_id_field: 'firstName' }), ['lookup_field: cannot be firstName: Marketo looks leads up by email, or by a custom field holding your userId']);
  assert.deepEqual(fields({ lookup_field: 'signalUserId', user_id_field: 'otherField' }), ['user_id_field: must be left out when lookup_field (signalUserId) already holds the userId']);
  assert.deepEqual(fields({ user_id_field: 'email' }), ['user_id_field: cannot be email: name a custom string field that receives the userId']);
  assert.deepEqual(fields({ field_map: { plan: 'signalPlan', tier: 'signalPlan' } }), ['field_map: traits plan and tier both map to the lead field signalPlan']);
  assert.deepEqual(fields({ field_map: { mail: 'email' } }), ['field_map: trait mail maps to email, the lookup field: the plugin sets it from the email']);
  assert.deepEqual(fields({ activity_types: { X: { id: 1, primary_attribute: 'a', attributes: { a: 'b' } } } }), ['activity_types: X: property a is the primary attribute, so it cannot be a secondary attribute too']);
  assert.equal(userIdFieldOf({ lookup_field: 'signalUserId' }), 'signalUserId');
  assert.equal(userIdFieldOf({}), undefined);
  assert.deepEqual(activityTypeFor(BASE, 'Signed Up'), { id: 100002, attributes: [] });
  assert.equal(activityTypeFor(BASE, 'Unknown'), undefined);
});

test('the token request: Marketo\'s documented POST /identity/oauth/token with the client credentials as query parameters; its answers read', () => {
  const request = marketoTokenRequest(ctx());
  assert.equal(request.method, 'POST');
  assert.equal(request.url, `${ORIGIN}/identity/oauth/token`);
  assert.deepEqual(request.query, [['grant_type', 'client_credentials'], ['client_id', 'client-id-1'], ['client_secret', 'client-secret-1']]);
  assert.equal(request.body, undefined);
  assert.deepEqual(readMarketoTokenAnswer(answer(200, { access_token: TOKEN, token_type: 'bearer', expires_in: 3599, scope: 'apis@acmeinc.com' })), { accessToken: TOKEN, expiresInSeconds: 3599 });
  assert.throws(() => readMarketoTokenAnswer(answer(401, { error: 'invalid_client', error_description: 'Bad client credentials' })), /Marketo refused the custom service's credentials \(HTTP 401.*check config\.client_id and config\.client_secret/);
  assert.throws(() => readMarketoTokenAnswer(answer(503, 'down')), { name: 'RetryableError' });
});

test('accessToken.refused: a 200 with error 601 or 602 refuses the token; other errors and successes do not', () => {
  assert.equal(tokenRefused(answer(200, { requestId: 'e42b#1', success: false, errors: [{ code: '601', message: 'Access token invalid' }] })), true);
  assert.equal(tokenRefused(answer(200, { requestId: 'e42b#1', success: false, errors: [{ code: '602', message: 'Access token expired' }] })), true);
  assert.equal(tokenRefused(answer(200, { success: false, errors: [{ code: '606', message: 'Max rate limit' }] })), false);
  assert.equal(tokenRefused(answer(200, { success: true, result: [] })), false);
  assert.equal(tokenRefused(answer(500, { success: false, errors: [{ code: '601', message: 'x' }] })), false);
  assert.equal(plugin.accessToken?.refused, tokenRefused);
  assert.deepEqual(plugin.accessToken?.usedBy, ['delivery', 'forgetPerson']);
});

test('identify: a lead keyed by email with the standard fields, the mapped traits and the userId field', () => {
  const event = identify({ email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe', company: { name: 'Acme' }, address: { city: 'Paris', country: 'FR' }, plan: 'premium', nested: { a: 1 } });
  assert.deepEqual(mapped(event).payload, {
    kind: 'lead', key: 'jane.doe@example.com',
    lead: { email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe', company: 'Acme', city: 'Paris', country: 'FR', signalPlan: 'premium', signalUserId: 'user-123' },
  });
  // Keyed by userId: the userId in the lookup field, the email as a field.
  assert.deepEqual(mapped(event, { lookup_field: 'signalUserId', user_id_field: null as unknown as JsonValue }).payload.lead, {
    signalUserId: 'user-123', firstName: 'Jane', lastName: 'Doe', company: 'Acme', city: 'Paris', country: 'FR', signalPlan: 'premium', email: 'jane.doe@example.com',
  });
  // Without a key: not sent.
  assert.equal(mapper()(identify({ firstName: 'Anon' }, { context: {} } as Partial<CanonicalEvent>)).payload, null);
  assert.equal(mapper({ lookup_field: 'signalUserId' })(identify({ email: 'a@example.com' }, { userId: 'undefined' })).payload, null);
  assert.equal(keyOf({ email: 'not-an-address' }, ctx()), undefined);
});

test('track: a custom activity of the configured type with its primary and secondary attributes; unnamed events and page calls not sent', () => {
  assert.deepEqual(mapped(track()).payload, {
    kind: 'activity', key: 'jane.doe@example.com',
    activity: { activityTypeId: 100001, activityDate: '2026-11-30T16:00:00Z', primaryAttributeValue: 'O-1', attributes: [{ apiName: 'orderTotal', value: 27.5 }, { apiName: 'currency', value: 'EUR' }] },
  });
  assert.deepEqual(mapped(track({ event: 'Signed Up', messageId: 'm-2' })).payload.activity, { activityTypeId: 100002, activityDate: '2026-11-30T16:00:00Z', primaryAttributeValue: 'Signed Up', attributes: [] });
  assert.equal(mapper()(track({ event: 'Cart Viewed' })).payload, null);
  assert.equal(mapper()(track({ type: 'page', event: undefined } as Partial<CanonicalEvent>)).payload, null);
  assert.match(String(mapper()(identify({ email: 'jösé@exämple.com' })).error), /characters other than ASCII, which Marketo's email field does not take/);
  assert.match(String(mapper()(track({ context: { traits: { email: 'jösé@exämple.com' } } } as Partial<CanonicalEvent>)).error), /characters other than ASCII/);
  const missing = mapper()(track({ properties: { total: 1 } }));
  assert.match(String(missing.error), /properties\.order_id is missing: it holds the primary attribute of the custom activity type 100001/);
  assert.throws(() => fitRecord({ userId: 'a,b', event: 'Signed Up' }, track({ event: 'Signed Up' }), ctx({ lookup_field: 'signalUserId', user_id_field: 'signalUserId' })), /the signalUserId value holds a comma, which Marketo's lead lookup \(filterValues\) cannot carry/);
});

test('send: identifies in Sync Leads (createOrUpdate, lookupField, 300 a request, the identifies of one person merged into one record); track events in a lead lookup carrying the activities', () => {
  const leads = Array.from({ length: 301 }, (_, i) => mapped(identify({ email: `p${i}@example.com` }, { messageId: `i-${i}` })));
  const again = mapped(identify({ email: 'P0@example.com', firstName: 'Again' }, { messageId: 'i-again' }));
  const order = mapped(track({ messageId: 't-1' }));
  const signup = mapped(track({ messageId: 't-2', event: 'Signed Up' }));
  const requests = buildRequests([...leads, again, order, signup], ctx({ partition_name: 'Europe' }));
  assert.equal(requests.length, 3);
  const [first, second, lookup] = requests;
  // The same person again (case aside): one record with both identifies' fields, standing for both events.
  const input = (first!.body as JsonObject).input as JsonObject[];
  assert.deepEqual(input[0], { email: 'P0@example.com', signalUserId: 'user-123', firstName: 'Again' });
  assert.deepEqual(first!.eventIds.slice(0, 2), ['i-0', 'i-again']);
  assert.deepEqual((first!.memo as JsonObject).records && ((first!.memo as JsonObject).records as JsonValue[]).slice(0, 2), [['i-0', 'i-again'], ['i-1']]);
  assert.equal(first!.method, 'POST');
  assert.equal(first!.url, `${ORIGIN}/rest/v1/leads.json`);
  assert.deepEqual(first!.headers, { authorization: `Bearer ${TOKEN}`, accept: 'application/json', 'content-type': 'application/json' });
  assert.equal(input.length, MAX_RECORDS);
  assert.equal(first!.eventIds.length, MAX_RECORDS + 1);
  assert.deepEqual({ ...(first!.body as JsonObject), input: undefined }, { action: 'createOrUpdate', lookupField: 'email', partitionName: 'Europe', input: undefined });
  assert.deepEqual(second!.eventIds, ['i-300'], 'the 301st lead in the next request');
  // Marketo's one result for the merged record settles both its events.
  const merged = perEvent(classifyMarketo(answer(200, { requestId: 'r', success: true, result: [{ status: 'skipped', reasons: [{ code: '1006', message: "Field 'signalPlan' not found" }] }, { id: 2, status: 'created' }] }),
    { ...first!, eventIds: ['i-0', 'i-again', 'i-1'], memo: { marketo: 'sync', records: [['i-0', 'i-again'], ['i-1']] } }, ctx()));
  assert.equal(merged['i-0']!.status, 'dead_letter');
  assert.deepEqual(merged['i-again'], merged['i-0']);
  assert.match(merged['i-again']!.status === 'dead_letter' ? merged['i-again']!.reason : '', /1006 Field 'signalPlan' not found.*config\.field_map/);
  assert.deepEqual(merged['i-1'], { status: 'delivered' });
  assert.equal(lookup!.method, 'GET');
  assert.equal(lookup!.url, `${ORIGIN}/rest/v1/leads.json`);
  assert.deepEqual(lookup!.query, [['filterType', 'email'], ['filterValues', 'jane.doe@example.com'], ['fields', 'id,email']]);
  assert.deepEqual(lookup!.eventIds, ['t-1', 't-2']);
  assert.equal(lookup!.headers?.authorization, `Bearer ${TOKEN}`);
  assert.equal(lookupMemoOf(lookup!)?.activities.length, 2);
  // Many distinct keys: lookups of at most 300 values, their filterValues short enough for Marketo's 8 KB URIs.
  const many = Array.from({ length: 350 }, (_, i) => mapped(track({ messageId: `t-${i}`, event: 'Signed Up', userId: `u${i}` })));
  assert.deepEqual(buildRequests(many, ctx({ lookup_field: 'signalUserId', user_id_field: 'signalUserId' })).map((r) => r.eventIds.length), [300, 50]);
  const long = Array.from({ length: 350 }, (_, i) => mapped(track({ messageId: `t-${i}`, event: 'Signed Up', context: { traits: { email: `someone.with.a.long.name.${i}@example.com` } } } as Partial<CanonicalEvent>)));
  const lookups = buildRequests(long, ctx());
  assert.ok(lookups.length > 2);
  for (const r of lookups) assert.ok(encodeURIComponent(r.query![1]![1]).length <= 6_000);
  assert.equal(lookups.reduce((n, r) => n + r.eventIds.length, 0), 350);
});

test('classify Sync Leads: created/updated delivered, skipped dead-lettered with Marketo\'s reason, result order kept', () => {
  const result = perEvent(classifyMarketo(answer(200, {
    requestId: 'e42b#14272d07d78', success: true,
    result: [{ id: 50, status: 'created' }, { id: 51, status: 'updated' }, { status: 'skipped', reasons: [{ code: '1006', message: "Field 'signalPlan' not found" }] }, { status: 'skipped', reasons: [{ code: '1007', message: 'Multiple leads match the lookup criteria' }] }],
  }), syncLeads(['a', 'b', 'c', 'd']), ctx()));
  assert.deepEqual(result.a, { status: 'delivered' });
  assert.deepEqual(result.b, { status: 'delivered' });
  assert.equal(result.c!.status, 'dead_letter');
  assert.match((result.c as { reason: string }).reason, /^Marketo skipped the lead: 1006 Field 'signalPlan' not found \(requestId e42b#14272d07d78\): every field in config\.field_map/);
  assert.match((result.d as { reason: string }).reason, /1007 Multiple leads match .*merge the duplicates/);
  // Fewer results than records: the rest tried again.
  const short = perEvent(classifyMarketo(answer(200, { success: true, result: [{ id: 50, status: 'created' }] }), syncLeads(['a', 'b']), ctx()));
  assert.equal(short.b!.status, 'retry');
});

test('classify response-level errors: rate, concurrency and quota throttle; transient retried; token refused twice retried; access denied and others dead-lettered', () => {
  const error = (code: string, message: string) => outcome(classifyMarketo(answer(200, { requestId: 'r#1', success: false, errors: [{ code, message }] }), syncLeads(['a']), ctx()));
  assert.deepEqual(error('606', "Max rate limit '100' exceeded with in '20' secs"), { status: 'retry', reason: "HTTP 200: 606 Max rate limit '100' exceeded with in '20' secs (requestId r#1): Marketo's rate limit (100 calls in 20 seconds per instance, shared by every integration): tried again after the window", retryAfterMs: 20_000, throttled: true });
  assert.equal((error('615', 'Concurrent access limit reached') as { throttled?: boolean }).throttled, true);
  const quota = error('607', 'Daily quota reached') as { retryAfterMs?: number; throttled?: boolean };
  assert.equal(quota.retryAfterMs, untilQuotaReset(NOW));
  assert.equal(untilQuotaReset(Date.UTC(2026, 11, 2, 5)), 3_600_000);
  assert.equal(untilQuotaReset(Date.UTC(2026, 11, 2, 7)), 23 * 3_600_000);
  for (const code of ['604', '608', '611', '713', '502']) assert.equal(error(code, 'x').status, 'retry', code);
  assert.match((error('602', 'Access token expired') as { reason: string }).reason, /refused the access token Signal had just renewed/);
  assert.match((error('603', 'Access denied') as { reason: string }).reason, /^HTTP 200: 603 Access denied \(requestId r#1\): Marketo denied the lead sync: .*Read-Write Lead/);
  assert.match((error('609', 'Invalid JSON') as { reason: string }).reason, /a plugin fault/);
  assert.equal(error('1003', 'Too many results match the filter').status, 'dead_letter');
  assert.equal(error('701', 'input cannot be blank').status, 'dead_letter');
});

test('classify HTTP-level answers and a 200 that is not Marketo\'s', () => {
  assert.equal(outcome(classifyMarketo(answer(413, 'Request Entity Too Large'), syncLeads(['a', 'b']), ctx())).status, 'split');
  assert.equal(outcome(classifyMarketo(answer(414, 'Request-URI Too Long'), syncLeads(['a']), ctx())).status, 'dead_letter');
  assert.deepEqual(outcome(classifyMarketo(answer(429, ''), syncLeads(['a']), ctx())), { status: 'retry', reason: 'HTTP 429: Marketo\'s rate limit', throttled: true });
  assert.equal(outcome(classifyMarketo(answer(503, 'down'), syncLeads(['a']), ctx())).status, 'retry');
  assert.equal(outcome(classifyMarketo(answer(400, 'bad'), syncLeads(['a']), ctx())).status, 'dead_letter');
  assert.match((outcome(classifyMarketo(answer(200, '<html>portal</html>'), syncLeads(['a']), ctx())) as { reason: string }).reason, /not Marketo's answer/);
});

test('classify the lead lookup: the activities of the leads found go next; not found retried; several leads dead-lettered', () => {
  const events = [
    mapped(track({ messageId: 't-1' })),
    mapped(track({ messageId: 't-2', event: 'Signed Up', context: { traits: { email: 'nobody@example.com' } } } as Partial<CanonicalEvent>)),
    mapped(track({ messageId: 't-3', event: 'Signed Up', context: { traits: { email: 'twice@example.com' } } } as Partial<CanonicalEvent>)),
  ];
  const [lookup] = buildRequests(events, ctx());
  const result = classifyMarketo(answer(200, { requestId: 'x', success: true, result: [{ id: 318581, email: 'Jane.Doe@example.com' }, { id: 7, email: 'twice@example.com' }, { id: 8, email: 'twice@example.com' }] }), lookup!, ctx());
  assert.ok('next' in result);
  const [activities] = result.next;
  assert.equal(activities!.method, 'POST');
  assert.equal(activities!.url, `${ORIGIN}/rest/v1/activities/external.json`);
  assert.equal(activities!.headers?.authorization, `Bearer ${TOKEN}`);
  assert.deepEqual(activities!.eventIds, ['t-1']);
  assert.deepEqual(activities!.body, { input: [{ leadId: 318581, activityTypeId: 100001, activityDate: '2026-11-30T16:00:00Z', primaryAttributeValue: 'O-1', attributes: [{ apiName: 'orderTotal', value: 27.5 }, { apiName: 'currency', value: 'EUR' }] }] });
  assert.equal(result.settle!['t-2']!.status, 'retry');
  assert.match((result.settle!['t-2'] as { reason: string }).reason, /Marketo has no lead with this email \(yet/);
  assert.match((result.settle!['t-3'] as { reason: string }).reason, /^2 Marketo leads \(ids 7, 8\) have this email/);
  // Nobody found at all: outcomes only; 702 said as an error reads the same.
  assert.equal(perEvent(classifyMarketo(answer(200, { success: true, result: [] }), lookup!, ctx()))['t-1']!.status, 'retry');
  assert.equal(perEvent(classifyMarketo(answer(200, { success: false, errors: [{ code: '702', message: 'No data found' }] }), lookup!, ctx()))['t-1']!.status, 'retry');
  // Add Custom Activities' answer: added delivered, 1004 retried.
  const added = perEvent(classifyMarketo(answer(200, { success: true, result: [{ id: 50, marketoGUID: '50', status: 'added' }, { status: 'skipped', errors: [{ code: '1004', message: 'Lead not found' }] }] }), { ...activities!, eventIds: ['t-1', 't-9'] }, ctx()));
  assert.deepEqual(added['t-1'], { status: 'delivered' });
  assert.equal(added['t-9']!.status, 'retry');
});

test('classify the lead lookup: a page that is not the last, or 1003 (over 1,000 leads), splits the lookup; one key alone dead-lettered', () => {
  const events = [mapped(track({ messageId: 't-1' })), mapped(track({ messageId: 't-2', event: 'Signed Up', context: { traits: { email: 'other@example.com' } } } as Partial<CanonicalEvent>))];
  const [lookup] = buildRequests(events, ctx());
  const page = { requestId: 'p', success: true, moreResult: true, nextPageToken: 'GIYDAOBNGEYS2MBWKQYDAORQGA5DAMBOGAYDAKZQGAYDALBQ', result: [{ id: 318581, email: 'jane.doe@example.com' }] };
  // Without this, t-2 (whose lead may be on the next page) was retried as "no lead yet", and t-1 sent to one of several leads.
  assert.equal(outcome(classifyMarketo(answer(200, page), lookup!, ctx())).status, 'split');
  const tooMany = { requestId: 'q', success: false, errors: [{ code: '1003', message: 'Too many results match the filter' }] };
  assert.equal(outcome(classifyMarketo(answer(200, tooMany), lookup!, ctx())).status, 'split', 'not the whole batch dead-lettered for the lookup field');
  const [alone] = buildRequests([events[0]!], ctx());
  const one = outcome(classifyMarketo(answer(200, page), alone!, ctx()));
  assert.equal(one.status, 'dead_letter');
  assert.match((one as { reason: string }).reason, /^more than 300 Marketo leads have this email.*merge the duplicates/);
  const over = outcome(classifyMarketo(answer(200, tooMany), alone!, ctx()));
  assert.equal(over.status, 'dead_letter');
  assert.match((over as { reason: string }).reason, /1003 Too many results match the filter.*more than 1,000 Marketo leads have this email/);
});

test('forgetPerson: the leads holding the userId looked up, then deleted by id; an anonymousId alone skipped', () => {
  const lookup = forgetPerson.request({ userId: 'user-123', anonymousId: 'df_abc' }, ctx()) as RequestDescriptor;
  assert.equal(lookup.method, 'GET');
  assert.equal(lookup.url, `${ORIGIN}/rest/v1/leads.json`);
  assert.deepEqual(lookup.query, [['filterType', 'signalUserId'], ['filterValues', 'user-123'], ['fields', 'id']]);
  assert.equal(lookup.headers?.authorization, `Bearer ${TOKEN}`);
  const next = forgetPerson.read!(answer(200, { success: true, result: [{ id: 235 }, { id: 766 }] }), lookup);
  assert.ok('next' in next);
  assert.equal(next.next.method, 'POST');
  assert.equal(next.next.url, `${ORIGIN}/rest/v1/leads/delete.json`);
  assert.deepEqual(next.next.body, { input: [{ id: 235 }, { id: 766 }] });
  assert.equal(next.next.headers?.authorization, `Bearer ${TOKEN}`);
  assert.deepEqual(forgetPerson.read!(answer(200, { requestId: '3608#1', success: true, result: [{ id: 235, status: 'deleted' }, { id: 766, status: 'deleted' }] }), next.next), { done: true, message: 'Marketo deleted 2 leads (235, 766)' });
  assert.deepEqual(forgetPerson.read!(answer(200, { success: true, result: [] }), lookup), { done: true, message: 'no Marketo lead has this userId: nothing to delete' });
  assert.ok('retry' in forgetPerson.read!(answer(200, { success: false, errors: [{ code: '606', message: 'Max rate limit' }] }), lookup));
  assert.match(String((forgetPerson.read!(answer(200, { success: false, errors: [{ code: '603', message: 'Access denied' }] }), next.next) as { failed: string }).failed), /Read-Write Lead/);
  assert.ok('failed' in forgetPerson.read!(answer(200, { success: true, result: [{ id: 235, status: 'skipped', reasons: [{ code: '1008', message: 'Access denied to partition' }] }] }), next.next));
  // Keyed by email without a userId field: an email-shaped userId is looked up by email, others skipped.
  const byEmail = ctx({ user_id_field: null as unknown as JsonValue });
  assert.deepEqual((forgetPerson.request({ userId: 'jane@example.com', anonymousId: null }, byEmail) as RequestDescriptor).query, [['filterType', 'email'], ['filterValues', 'jane@example.com'], ['fields', 'id']]);
  assert.match((forgetPerson.request({ userId: 'user-123', anonymousId: null }, byEmail) as { skipped: string }).skipped, /set config\.user_id_field/);
  assert.match((forgetPerson.request({ userId: null, anonymousId: 'df_abc' }, ctx()) as { skipped: string }).skipped, /never an anonymous visitor/);
  assert.equal(forgetPerson.enabled({ ...BASE, forward_deletions: false }), false);
  // More leads than a page: these deleted, the deletion asked again (it used to say done with leads left).
  const paged = forgetPerson.read!(answer(200, { success: true, moreResult: true, nextPageToken: 'NEXT', result: [{ id: 1 }, { id: 2 }] }), lookup);
  assert.ok('next' in paged);
  assert.deepEqual(paged.next.body, { input: [{ id: 1 }, { id: 2 }] });
  assert.deepEqual(forgetPerson.read!(answer(200, { success: true, result: [{ id: 1, status: 'deleted' }, { id: 2, status: 'deleted' }] }), paged.next), { retry: 'Marketo deleted 2 leads (1, 2); more leads hold this userId than one request deletes (300): looked up and deleted again' });
});

test('forgetPerson: the emails Signal found for the person looked up on email in one request, beside the userId\'s lookup; an email userId among them once; malformed ones left out', () => {
  const byUserId = forgetPerson.request({ userId: 'user-123', anonymousId: null }, ctx()) as RequestDescriptor;
  const byEmails = (values: string): RequestDescriptor => ({ method: 'GET', url: `${ORIGIN}/rest/v1/leads.json`, headers: byUserId.headers, query: [['filterType', 'email'], ['filterValues', values], ['fields', 'id']], eventIds: [], memo: { by: 'emails' } });
  // Emails only: an anonymousId whose identify gave an email (it used to be skipped).
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc', emails: ['jane@example.com', 'j.doe@work.example'] }, ctx()), byEmails('jane@example.com,j.doe@work.example'));
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc', emails: [] }, ctx()), { skipped: (forgetPerson.request({ userId: null, anonymousId: 'df_abc' }, ctx()) as { skipped: string }).skipped });
  // The userId's lookup, then the emails'.
  assert.deepEqual(forgetPerson.request({ userId: 'user-123', anonymousId: null, emails: ['jane@example.com'] }, ctx()), [byUserId, byEmails('jane@example.com')]);
  // An email userId in the userId field: looked up there, and on email with the others.
  const [inField, onEmail] = forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com', 'j.doe@work.example'] }, ctx()) as RequestDescriptor[];
  assert.deepEqual(inField!.query, [['filterType', 'signalUserId'], ['filterValues', 'Jane@Example.com'], ['fields', 'id']]);
  assert.deepEqual(onEmail, byEmails('Jane@Example.com,j.doe@work.example'));
  // Keyed by email without a userId field: an email userId is looked up on email once, whatever its case; a non-email userId gives way to the emails.
  const keyedByEmail = ctx({ user_id_field: null as unknown as JsonValue });
  const userIdAsEmail = forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null }, keyedByEmail) as RequestDescriptor;
  assert.deepEqual(forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com'] }, keyedByEmail), userIdAsEmail, 'one lookup');
  assert.deepEqual(forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com', 'j.doe@work.example'] }, keyedByEmail), [userIdAsEmail, byEmails('j.doe@work.example')]);
  // The userId not looked up is said with the emails' lookup (the outcome shows it), and why.
  assert.deepEqual(forgetPerson.request({ userId: 'user-123', anonymousId: null, emails: ['jane@example.com'] }, keyedByEmail), {
    requests: byEmails('jane@example.com'),
    note: 'the userId was not looked up: leads are keyed by email and no lead field holds the userId, so Marketo cannot find this person\'s leads by userId (set config.user_id_field, a custom field the identifies fill with it); the leads were looked up by the person\'s emails only',
  });
  const comma = forgetPerson.request({ userId: 'u,123', anonymousId: null, emails: ['jane@example.com'] }, ctx()) as { requests: RequestDescriptor; note: string };
  assert.deepEqual(comma.requests, byEmails('jane@example.com'));
  assert.match(comma.note, /^the userId was not looked up: the userId holds a comma, which Marketo's lead lookup \(filterValues\) cannot carry; the leads were looked up by the person's emails only/);
  assert.match((forgetPerson.request({ userId: 'u,123', anonymousId: null, emails: [] }, ctx()) as { skipped: string }).skipped, /holds a comma.*Signal knew no email/);
  // An anonymousId alone, or a placeholder userId: no userId part to speak of.
  assert.deepEqual(forgetPerson.request({ userId: 'null', anonymousId: 'df_abc', emails: ['jane@example.com'] }, keyedByEmail), byEmails('jane@example.com'));
  assert.match((forgetPerson.request({ userId: 'user-123', anonymousId: null, emails: [] }, keyedByEmail) as { skipped: string }).skipped, /Signal knew no email of the person.*set config\.user_id_field/);
  // Malformed entries (no domain dot, a comma filterValues cannot carry) and repeats left out.
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc', emails: ['jane@example', 'a,b@example.com', 'jane@example.com', 'JANE@example.com'] }, ctx()), byEmails('jane@example.com'));
  // Their answers speak of the emails, not the userId.
  const lookup = byEmails('jane@example.com,j.doe@work.example');
  assert.deepEqual(forgetPerson.read!(answer(200, { success: true, result: [] }), lookup), { done: true, message: 'no Marketo lead has the person\'s email addresses: nothing to delete' });
  const next = forgetPerson.read!(answer(200, { success: true, moreResult: true, result: [{ id: 7 }, { id: 8 }] }), lookup);
  assert.ok('next' in next);
  assert.deepEqual(next.next.body, { input: [{ id: 7 }, { id: 8 }] });
  assert.deepEqual(forgetPerson.read!(answer(200, { success: true, result: [{ id: 7, status: 'deleted' }, { id: 8, status: 'deleted' }] }), next.next), { retry: 'Marketo deleted 2 leads (7, 8); more leads hold the person\'s email addresses than one request deletes (300): looked up and deleted again' });
});
