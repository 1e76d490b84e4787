import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import {
  createConfigAjv, type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import ortto from './index.ts';
import { conversionValueOf, MAX_ATTRIBUTES } from './activity.ts';
import { orttoConfigWarnings, validateOrttoConfig } from './config.ts';
import { fitFieldValue, orttoDate } from './field-values.ts';
import { ANONYMOUS_ONLY, forgetPerson, NOBODY } from './forget-person.ts';

const API_KEY = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const BASE_CONFIG: Record<string, JsonValue> = {
  api_key: API_KEY,
  activities: { 'Order Completed': 'act:cm:order-completed', 'page:Pricing': 'act:cm:viewed-pricing' },
  attribute_fields: { order_id: 'str:cm:order-id', coupon: 'str:cm:coupon', items: 'int:cm:items' },
  trait_fields: { plan: 'str:cm:plan', seats: 'int:cm:seats', vip: 'bol:cm:vip', signed_up_at: 'dtz:cm:signed-up' },
};
const HEADERS = { 'X-Api-Key': API_KEY, 'content-type': 'application/json', accept: 'application/json' };
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { ...BASE_CONFIG, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc', userId: 'u-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  properties: { order_id: 'A-1', revenue: 74.97, coupon: 'SPRING', email: 'someone.else@example.com' }, context: { ip: '203.0.113.42', traits: { email: 'jane@example.com' } },
  ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}) => browserEvent({ type: 'identify', event: undefined, properties: undefined, traits, context: { ip: '203.0.113.42' }, ...overrides } as Partial<CanonicalEvent>);
const BLUEPRINT = readFileSync(new URL('../../blueprints/ortto/default.yaml', import.meta.url), 'utf8');
const mappers = new Map<string, ReturnType<typeof createEventMapper>>();
/** Maps an event as delivery does: the shipped blueprint, then the plugin's map hook (one mapper a config). */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}) => {
  const key = JSON.stringify(config);
  if (!mappers.has(key)) mappers.set(key, createEventMapper(ortto, { variant: 'default', blueprint: BLUEPRINT }, ctx(config)));
  return mappers.get(key)!(event);
};
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? result.dropReason ?? 'dropped'} ${JSON.stringify(result.warnings ?? [])}`);
  return result.payload;
};
const batchOf = (events: CanonicalEvent[], config: Record<string, JsonValue> = {}): MappedEvent[] => events.map((event) => ({ id: event.messageId, event, payload: recordOf(event, config) }));
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const statusOf = (result: ClassifyResult): string => ('next' in result ? 'next' : 'status' in result ? result.status : 'perEvent');
const reasonOf = (result: ClassifyResult): string => ('reason' in result ? result.reason : '');

test('config: the schema takes the key, the region, the merge settings and the maps; every field titled, typed and described; the key secret', () => {
  const validate = createConfigAjv().compile(ortto.config);
  assert.equal(validate(BASE_CONFIG), true, JSON.stringify(validate.errors));
  assert.equal(validate({ api_key: API_KEY }), true, 'only the key is required');
  assert.equal(validate({}), false, 'api_key is required');
  assert.equal(validate({ api_key: API_KEY, region: 'us' }), false, 'a region Ortto does not have');
  assert.equal(validate({ api_key: API_KEY, merge_by: 'phone' }), false);
  assert.equal(validate({ api_key: API_KEY, merge_strategy: 4 }), false);
  // Ids and the country code have no pattern in the schema: validateOrttoConfig says what is wrong in words.
  assert.equal(validate({ api_key: API_KEY, trait_fields: { plan: 'plan' }, activities: { 'Order Completed': 'order-completed' }, default_country_code: '+61' }), true, JSON.stringify(validate.errors));
  assert.equal(validate({ api_key: API_KEY, trait_fields: { plan: 7 } }), false, 'ids are text');
  for (const [name, field] of Object.entries(ortto.config.properties)) {
    assert.ok(field.title && field.description && field.type, `${name} has a title, a type and a description`);
    if (field.type !== 'boolean' && field.enum === undefined) assert.ok(Array.isArray(field.examples), `${name} has examples`);
  }
  assert.deepEqual(Object.entries(ortto.config.properties).filter(([, field]) => field.secret).map(([name]) => name), ['api_key']);
});

test('config: problems beyond the schema, each naming its field and what was expected, never repeating the key', () => {
  assert.deepEqual(validateOrttoConfig(BASE_CONFIG), []);
  const problems = (config: Record<string, JsonValue>) => validateOrttoConfig({ ...BASE_CONFIG, ...config });
  assert.deepEqual(problems({ api_key: ' ' }), [{ field: 'api_key', message: 'is required: the private API key of a Custom API data source in Ortto' }]);
  const pasted = problems({ api_key: `X-Api-Key: ${API_KEY}` });
  assert.deepEqual(pasted.map((p) => p.field), ['api_key']);
  assert.match(pasted[0]!.message, /^starts with "X-Api-Key: ": give the API key alone, Signal sends it as the X-Api-Key header$/);
  assert.equal(pasted[0]!.message.includes(API_KEY), false);
  assert.deepEqual(problems({ trait_fields: { plan: 'Plan' } }), [{ field: 'trait_fields', message: 'maps "plan" to "Plan": expected an Ortto custom field id, type:cm:name in lower case (str:cm:plan, int:cm:seats, bol:cm:vip, dtz:cm:signed-up), as Ortto shows it under the field\'s details' }]);
  assert.deepEqual(problems({ attribute_fields: { ' order_id': 'str:cm:order-id' } }), [{ field: 'attribute_fields', message: 'has " order_id" with white space around it: names are matched exactly' }]);
  assert.deepEqual(problems({ activities: { 'Order Completed': 'act:order' } }), [{ field: 'activities', message: 'maps "Order Completed" to "act:order": expected an Ortto custom activity id, act:cm:name in lower case (act:cm:order-completed)' }]);
  assert.deepEqual(problems({ activities: { 'Page:Pricing': 'act:cm:pricing' } }).map((p) => p.field), ['activities'], 'a page key written otherwise than page:<name>');
  assert.deepEqual(problems({ trait_fields: { plan: 'plan', tier: 'txt:cm:tier' } }).map((p) => p.message), [
    'maps "plan" to "plan": expected an Ortto custom field id, type:cm:name in lower case (str:cm:plan, int:cm:seats, bol:cm:vip, dtz:cm:signed-up), as Ortto shows it under the field\'s details',
    'maps "tier" to "txt:cm:tier": expected an Ortto custom field id, type:cm:name in lower case (str:cm:plan, int:cm:seats, bol:cm:vip, dtz:cm:signed-up), as Ortto shows it under the field\'s details',
  ], 'a bare name, and a type the plugin does not fill');
  assert.deepEqual(problems({ default_country_code: '+61' }), [{ field: 'default_country_code', message: 'is "+61": expected a country calling code, 1 to 3 digits without "+" or a leading 0 (61 for Australia, 44 for the United Kingdom, 1 for the United States)' }]);
  assert.deepEqual(problems({ default_country_code: ' 61 ' }), [], 'white space around it is trimmed, as the plugin reads it');
});

test('config warnings: no activity named, a find strategy with one merge field; none for a full config', () => {
  assert.deepEqual(orttoConfigWarnings(BASE_CONFIG), []);
  assert.deepEqual(orttoConfigWarnings({ api_key: API_KEY, find_strategy: 1 }).map((w) => w.field), ['activities', 'find_strategy']);
  assert.match(orttoConfigWarnings({ api_key: API_KEY })[0]!.message, /^names no custom activity: only identify calls are sent to Ortto/);
  assert.deepEqual(orttoConfigWarnings({ ...BASE_CONFIG, merge_by: 'email_then_external_id', find_strategy: 1 }), [], 'two merge fields: the strategy counts');
});

test('identify: a person with Ortto\'s built-in field ids and shapes, the userId as External ID, mapped traits as custom fields, the IP as location', () => {
  const event = identify({
    email: ' Jane@Example.com ', firstName: 'Jane', lastName: 'Lee', phone: '0412 345 678', birthday: '1990-04-12', gdpr: true,
    address: { city: 'Melbourne', state: 'Victoria', country: 'Australia', postalCode: '3000' },
    plan: 'pro', seats: '12', vip: 'true', signed_up_at: '2024-03-01T10:00:00Z', company: 'Acme',
  });
  const result = mapped(event, { default_country_code: '61' });
  assert.deepEqual(result.payload, {
    kind: 'person',
    person: {
      fields: {
        'str::email': 'Jane@Example.com', 'str::ei': 'u-1', 'str::first': 'Jane', 'str::last': 'Lee', 'phn::phone': { phone: '61412345678', parse_with_country_code: true },
        'geo::city': { name: 'Melbourne' }, 'geo::region': { name: 'Victoria' }, 'geo::country': { name: 'Australia' }, 'str::postal': '3000',
        'dtz::b': { year: 1990, month: 4, day: 12, timezone: 'UTC' }, 'bol::gdpr': true,
        'str:cm:plan': 'pro', 'int:cm:seats': 12, 'bol:cm:vip': true, 'dtz:cm:signed-up': { year: 2024, month: 3, day: 1, timezone: 'UTC' },
      },
      location: { source_ip: '203.0.113.42' },
    },
  });
  assert.deepEqual(result.warnings, [], 'an unmapped trait (company) is simply not sent');
});

test('identify: the email permission only as config.email_permission and marketing consent say; a null trait clears its field; what a field cannot hold is left out, said', () => {
  const fieldsOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}) => ((recordOf(event, config).person as JsonObject).fields as JsonObject);
  const granted = identify({ email: 'jane@example.com' }, { context: { consent: { marketing: true } } } as Partial<CanonicalEvent>);
  const denied = identify({ email: 'jane@example.com' }, { context: { consent: { categoryPreferences: { marketing: false } } } } as Partial<CanonicalEvent>);
  const silent = identify({ email: 'jane@example.com' });
  assert.equal(fieldsOf(granted)['bol::p'], undefined, 'not sent by default, consent or not');
  assert.equal(fieldsOf(granted, { email_permission: 'marketing_consent' })['bol::p'], true);
  assert.equal(fieldsOf(denied, { email_permission: 'marketing_consent' })['bol::p'], false, 'consent withdrawn: unsubscribed');
  assert.equal(Object.hasOwn(fieldsOf(silent, { email_permission: 'marketing_consent' }), 'bol::p'), false, 'no consent said: left to Ortto');
  const remembered = mapped(identify({ first_name: 'Jane' }, { context: { consent: { marketing: true }, traits: { email: 'jane@example.com' } } } as Partial<CanonicalEvent>), { email_permission: 'marketing_consent' });
  const rememberedFields = (remembered.payload?.person as JsonObject).fields as JsonObject;
  assert.equal(rememberedFields['str::email'], 'jane@example.com', 'the remembered email names the person');
  assert.equal(Object.hasOwn(rememberedFields, 'bol::p'), false, 'but grants no permission: that would re-subscribe someone who unsubscribed');
  assert.match(remembered.warnings?.join('\n') ?? '', /bol::p \(email permission\) not sent: the identify gives no email of its own/);
  const rememberedDenial = mapped(identify({ first_name: 'Jane' }, { context: { consent: { marketing: false }, traits: { email: 'jane@example.com' } } } as Partial<CanonicalEvent>), { email_permission: 'marketing_consent' });
  assert.equal(((rememberedDenial.payload?.person as JsonObject).fields as JsonObject)['bol::p'], false, 'a denial the call says still unsubscribes');

  assert.equal(fieldsOf(identify({ email: 'jane@example.com', plan: null }))['str:cm:plan'], null, 'null clears the field');
  const result = mapped(identify({ email: 'jane@example.com', seats: 2.5, vip: 'yes', plan: { tier: 1 }, signed_up_at: 'soon', phone: '0412 345 678', firstName: 'J'.repeat(300) }));
  const warnings = result.warnings;
  const fields = ((result.payload!.person as JsonObject).fields as JsonObject);
  assert.equal([...String(fields['str::first'])].length, 255, 'cut to Ortto\'s 255 characters');
  for (const id of ['int:cm:seats', 'bol:cm:vip', 'str:cm:plan', 'dtz:cm:signed-up', 'phn::phone']) assert.equal(Object.hasOwn(fields, id), false, `${id} left out`);
  assert.deepEqual(warnings, [
    'first_name cut to Ortto\'s 255 characters',
    'phone left out: "0412 345 678" does not read as a phone number with its country code (set config.default_country_code to read numbers written without one)',
    'traits.plan left out of str:cm:plan: an object: str:cm:plan holds text',
    'traits.seats left out of int:cm:seats: 2.5 is not a whole number: int:cm:seats holds whole numbers (Ortto stores a decimal as the value × 1,000: send it so scaled)',
    'traits.vip left out of bol:cm:vip: "yes" is not true or false: bol:cm:vip holds a boolean',
    'traits.signed_up_at left out of dtz:cm:signed-up: "soon" is not a date (YYYY-MM-DD, ISO 8601, or seconds or ms since 1970): dtz:cm:signed-up holds a date',
  ]);
});

test('who: the merge key config.merge_by names must have a value; a userId that is an email is the email; a bad email dead-letters; send_ip off leaves the IP out', () => {
  const noEmail = identify({ firstName: 'Ann' });
  const result = mapped(noEmail);
  assert.equal(result.payload, null);
  assert.deepEqual(result.warnings, ['the identify not sent to Ortto: it has no email (traits.email, one Signal remembers from an identify, or a userId that is an email address), which config.merge_by finds people by']);
  const byId = recordOf(noEmail, { merge_by: 'external_id' });
  assert.deepEqual((byId.person as JsonObject).fields, { 'str::ei': 'u-1', 'str::first': 'Ann' });
  const emailUserId = recordOf(identify({}, { userId: 'ann@example.com' }));
  assert.deepEqual(((emailUserId.person as JsonObject).fields as JsonObject), { 'str::email': 'ann@example.com', 'str::ei': 'ann@example.com' });
  const bad = mapped(identify({ email: 'jane@' }));
  assert.match(String(bad.error), /the email "jane@" \(traits\.email, or context\.traits\.email\) is not an email address Ortto accepts/, 'merged by email only: the userId names no one');
  // The External ID among the merge fields names the person: the bad email is left out, said.
  for (const merge_by of ['external_id', 'email_then_external_id', 'external_id_then_email']) {
    const byExternalId = mapped(identify({ email: 'jane@', firstName: 'Jane' }), { merge_by });
    assert.equal(byExternalId.error, undefined, merge_by);
    assert.deepEqual(((byExternalId.payload?.person as JsonObject).fields as JsonObject), { 'str::ei': 'u-1', 'str::first': 'Jane' }, merge_by);
    assert.deepEqual(byExternalId.warnings, ['email left out: "jane@" (traits.email, or context.traits.email) is not an email address'], merge_by);
  }
  // Merged by email, a userId that is an address names the person in its place.
  const userIdAddress = mapped(identify({ email: 'jane@' }, { userId: 'jane@example.com' }));
  assert.deepEqual(((userIdAddress.payload?.person as JsonObject).fields as JsonObject)['str::email'], 'jane@example.com');
  assert.deepEqual(userIdAddress.warnings, ['email left out: "jane@" (traits.email, or context.traits.email) is not an email address']);
  // An anonymous identify has nothing else: still dead-lettered, whatever the merge fields.
  const anonymous = mapped(identify({ email: 'jane@' }, { userId: undefined }), { merge_by: 'external_id' });
  assert.match(String(anonymous.error), /^the email "jane@" \(traits\.email, or context\.traits\.email\) is not an email address Ortto accepts/);
  assert.equal(Object.hasOwn(recordOf(identify({ email: 'jane@example.com' }), { send_ip: false }).person as JsonObject, 'location'), false);
});

test('track: the config\'s activity with the mapped properties as attributes and the revenue × 1,000 as int::v; the person by email and External ID; other events not sent, and not queued', () => {
  assert.deepEqual(recordOf(browserEvent()), {
    kind: 'activity',
    activity: {
      activity_id: 'act:cm:order-completed',
      attributes: { 'int::v': 74970, 'str:cm:order-id': 'A-1', 'str:cm:coupon': 'SPRING' },
      fields: { 'str::email': 'jane@example.com', 'str::ei': 'u-1' },
      location: { source_ip: '203.0.113.42' },
    },
  });
  assert.equal(Object.hasOwn((recordOf(browserEvent(), { send_value: false }).activity as JsonObject).attributes as JsonObject, 'int::v'), false);
  const pricing = browserEvent({ type: 'page', event: undefined, name: 'Pricing', properties: { path: '/pricing' } } as Partial<CanonicalEvent>);
  assert.equal((recordOf(pricing).activity as JsonObject).activity_id, 'act:cm:viewed-pricing');

  const clicked = browserEvent({ event: 'Clicked' });
  const home = browserEvent({ type: 'page', event: undefined, name: 'Home' } as Partial<CanonicalEvent>);
  const screen = browserEvent({ type: 'screen', event: undefined, name: 'Home' } as Partial<CanonicalEvent>);
  const c = ctx();
  assert.equal(ortto.neverSends!(clicked, c), 'config.activities names no Ortto custom activity for "Clicked"');
  assert.equal(ortto.neverSends!(home, c), 'config.activities names no Ortto custom activity for page calls (page or page:Home)');
  assert.equal(ortto.neverSends!(screen, c), 'Ortto takes identify calls as people and track or page calls as custom activities, not screen calls');
  assert.equal(ortto.neverSends!(browserEvent(), c), undefined);
  assert.equal(ortto.neverSends!(identify({}), c), undefined);
  assert.equal(mapped(clicked).payload, null, 'the map hook drops what neverSends refuses');
});

test('track: at most 15 attributes an activity, the rest left out with a warning; values fitted to each attribute\'s type', () => {
  const attributeFields: Record<string, JsonValue> = {};
  const properties: JsonObject = { order_id: 'A-1' };
  for (let i = 0; i < 20; i++) {
    attributeFields[`p${i}`] = `str:cm:p-${i}`;
    properties[`p${i}`] = `v${i}`;
  }
  const result = mapped(browserEvent({ properties: { ...properties, revenue: 10 } }), { attribute_fields: attributeFields });
  const attributes = (result.payload!.activity as JsonObject).attributes as JsonObject;
  assert.equal(Object.keys(attributes).length, MAX_ATTRIBUTES);
  assert.equal(attributes['int::v'], 10_000);
  assert.deepEqual(result.warnings, ['properties p14, p15, p16, p17, p18, p19 left out: Ortto takes at most 15 attributes an activity']);
  assert.equal(conversionValueOf(0.1 + 0.2), 300);
  assert.deepEqual(fitFieldValue('int:cm:items', '3'), { value: 3 });
  assert.ok('leftOut' in (fitFieldValue('int:cm:items', '0x1f') ?? {}), 'decimal text only');
  assert.deepEqual(orttoDate(1711296000), { year: 2024, month: 3, day: 24, timezone: 'UTC' }, 'seconds since 1970');
  assert.equal(orttoDate('2024-02-30'), undefined, 'no such day');
});

test('requests: people merged and activities created, 100 a request, people first, every event once in its array\'s order, with the X-Api-Key header at the region\'s host', () => {
  const events: CanonicalEvent[] = [];
  for (let i = 0; i < 150; i++) events.push(browserEvent({ messageId: `t-${i}` }));
  for (let i = 0; i < 3; i++) events.push(identify({ email: `p${i}@example.com` }, { messageId: `i-${i}` }));
  const config = { region: 'eu', merge_by: 'email_then_external_id', find_strategy: 1, merge_strategy: 1 };
  const requests = ortto.send(batchOf(events, config), ctx(config));
  assert.deepEqual(requests.map((r) => [r.method, r.url, r.eventIds.length]), [
    ['POST', 'https://api.eu.ap3api.com/v1/person/merge', 3],
    ['POST', 'https://api.eu.ap3api.com/v1/activities/create', 100],
    ['POST', 'https://api.eu.ap3api.com/v1/activities/create', 50],
  ]);
  for (const request of requests) assert.deepEqual(request.headers, HEADERS);
  const merge = requests[0]!.body as JsonObject;
  assert.deepEqual(merge, {
    people: [0, 1, 2].map((i) => ({ fields: { 'str::email': `p${i}@example.com`, 'str::ei': 'u-1' }, location: { source_ip: '203.0.113.42' } })),
    async: false, merge_by: ['str::email', 'str::ei'], merge_strategy: 1, find_strategy: 1, suppression_list_field_id: 'str::email',
  }, 'suppression_list_field_id: Ortto answers "suppressed" for an email on its suppression list (and creates no person) only when asked to check it');
  assert.deepEqual(requests[0]!.eventIds, ['i-0', 'i-1', 'i-2']);
  const create = requests[1]!.body as JsonObject;
  assert.deepEqual(Object.keys(create), ['activities', 'merge_by']);
  assert.deepEqual(create.merge_by, ['str::email', 'str::ei']);
  assert.deepEqual(requests[2]!.eventIds, events.slice(100, 150).map((e) => e.messageId));
  const queued = ortto.send(batchOf([browserEvent()], { async: true }), ctx({ async: true }));
  assert.deepEqual([queued[0]!.url, (queued[0]!.body as JsonObject).async], ['https://api.ap3api.com/v1/activities/create', true]);
});

test('classify: each person and activity settled by its entry in Ortto\'s answer; suppressed and errored entries dead-lettered with Ortto\'s words', () => {
  const [merge] = ortto.send(batchOf([identify({ email: 'a@example.com' }, { messageId: 'a' }), identify({ email: 'b@example.com' }, { messageId: 'b' }), identify({ email: 'c@example.com' }, { messageId: 'c' })]), ctx());
  const result = ortto.classify!(answer(200, { people: [{ person_id: '006a', status: 'created' }, { status: 'suppressed', error: 'Email is suppressed' }, { person_id: '006c', status: 'merged' }] }), merge!, ctx());
  assert.deepEqual(result, { perEvent: { b: { status: 'dead_letter', reason: 'Ortto did not take the person: Email is suppressed (the email is on the account\'s email suppression list, so Ortto creates no person for it)' } } });
  assert.deepEqual(ortto.classify!(answer(200, { people: [{ person_id: '006a', status: 'created' }, { person_id: '006b', status: 'merged' }, { person_id: '006c', status: 'merged' }] }), merge!, ctx()), { status: 'delivered' });
  const [create] = ortto.send(batchOf([browserEvent({ messageId: 'x' }), browserEvent({ messageId: 'y' })]), ctx());
  assert.deepEqual(ortto.classify!(answer(200, { activities: [{ person_id: '006a', status: 'ingested', person_status: 'updated', activity_id: 'act:cm:order-completed' }, { status: 'failed', error: 'unknown attribute str:cm:coupon' }] }), create!, ctx()),
    { perEvent: { y: { status: 'dead_letter', reason: 'Ortto did not take the activity (status failed): unknown attribute str:cm:coupon' } } });
  assert.deepEqual(ortto.classify!(answer(200, { activities: [{ status: 'queued' }] }), create!, ctx()), { status: 'delivered' }, 'a queued answer delivers');
  assert.equal(statusOf(ortto.classify!(answer(200, '<html><body>Sign in</body></html>'), create!, ctx())), 'retry', 'a proxy\'s page is not Ortto\'s answer');
});

test('classify: 429 after try-in-seconds, 5xx retried; 400 dead-lettered with Ortto\'s message; 401/403 naming the key and the region; 413 split', () => {
  const [create] = ortto.send(batchOf([browserEvent({ messageId: 'x' }), browserEvent({ messageId: 'y' })]), ctx());
  const limited = ortto.classify!(answer(429, { error: { code: 'rate-limit', message: 'rate limit', 'try-in-seconds': 10 } }), create!, ctx());
  assert.deepEqual(limited, { status: 'retry', reason: 'Ortto rate limit reached (HTTP 429: rate limit (rate-limit))', retryAfterMs: 10_000, throttled: true });
  assert.deepEqual(ortto.classify!(answer(503, 'Service Unavailable'), create!, ctx()), { status: 'retry', reason: 'Ortto HTTP 503: Service Unavailable' });
  const refused = ortto.classify!(answer(400, { error: 'activity act:cm:order-completed not found', status: 'error' }), create!, ctx());
  assert.equal(statusOf(refused), 'dead_letter');
  assert.equal(reasonOf(refused), 'Ortto refused the activities (HTTP 400: activity act:cm:order-completed not found): check config.activities (custom activities that exist in Ortto) and config.attribute_fields (attributes those activities define, of the types the values have); then replay the dead letter (replayDeadLetters)');
  for (const status of [401, 403]) {
    const result = ortto.classify!(answer(status, { error: 'invalid api key' }), create!, ctx());
    assert.equal(statusOf(result), 'dead_letter');
    assert.match(reasonOf(result), /^Ortto refused the activities \(HTTP 40[13]: invalid api key\): check config\.api_key .* and config\.region/);
  }
  assert.equal(statusOf(ortto.classify!(answer(413, 'Request Entity Too Large'), create!, ctx())), 'split');
  const [merge] = ortto.send(batchOf([identify({ email: 'a@example.com' })]), ctx());
  assert.match(reasonOf(ortto.classify!(answer(400, { error: 'invalid field id str:cm:plan' }), merge!, ctx())), /^Ortto refused the person \(HTTP 400: invalid field id str:cm:plan\): check config\.trait_fields/);
  assert.match(reasonOf(ortto.classify!(answer(404, '404 page not found'), merge!, ctx())), /^Ortto answered HTTP 404: 404 page not found for https:\/\/api\.ap3api\.com\/v1\/person\/merge: check config\.region/);
});

test('deletions: a lookup by the emails and the userId as External ID, the people found archived, then deleted; nobody found, done; others\' people never archived', () => {
  const c = ctx({ region: 'au' });
  const lookup = forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc', emails: ['jane@example.com', 'j@work.example'] }, c) as RequestDescriptor;
  assert.deepEqual(lookup, {
    method: 'POST', url: 'https://api.au.ap3api.com/v1/person/get', headers: HEADERS, eventIds: [],
    body: { limit: 100, fields: ['str::email', 'str::ei'], filter: { $or: [
      { '$str::is': { field_id: 'str::email', value: 'jane@example.com' } }, { '$str::is': { field_id: 'str::email', value: 'j@work.example' } }, { '$str::is': { field_id: 'str::ei', value: 'u-1' } },
    ] } },
  });
  const onlyEmail = forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null }, c) as RequestDescriptor;
  assert.deepEqual((onlyEmail.body as JsonObject).filter, { $or: [{ '$str::is': { field_id: 'str::email', value: 'Jane@Example.com' } }, { '$str::is': { field_id: 'str::ei', value: 'Jane@Example.com' } }] });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc' }, c), { skipped: ANONYMOUS_ONLY });

  // The core hands read the answer with the person's ids hidden as […]: both forms are the person's.
  const found = forgetPerson.read!(answer(200, { contacts: [{ id: '006a', fields: { 'str::email': 'jane@example.com', 'str::ei': null } }, { id: '006b', fields: { 'str::email': '[…]' } }, { id: '006c', fields: { 'str::email': 'other@example.com', 'str::ei': 'u-2' } }] }), lookup, c);
  assert.ok('next' in found);
  assert.deepEqual(found.next, { method: 'PUT', url: 'https://api.au.ap3api.com/v1/person/archive', headers: HEADERS, body: { inclusion_ids: ['006a', '006b'] }, eventIds: [] });
  const archived = forgetPerson.read!(answer(200, { scheduled_contacts: 0, archived_contacts: 2 }), found.next, c);
  assert.ok('next' in archived);
  assert.deepEqual(archived.next, { method: 'DELETE', url: 'https://api.au.ap3api.com/v1/person/delete', headers: HEADERS, body: { inclusion_ids: ['006a', '006b'] }, eventIds: [] });
  assert.deepEqual(forgetPerson.read!(answer(200, { scheduled_contacts: 0, deleted_contacts: 2 }), archived.next, c), { done: true, message: 'Ortto archived and deleted 2 people (2 deleted)' });

  assert.deepEqual(forgetPerson.read!(answer(200, { contacts: [], has_more: false }), lookup, c), { done: true, message: NOBODY });
  assert.deepEqual(forgetPerson.read!(answer(200, { contacts: null }), lookup, c), { done: true, message: NOBODY });
  const others = forgetPerson.read!(answer(200, { contacts: [{ id: '006c', fields: { 'str::email': 'other@example.com' } }] }), lookup, c);
  assert.match(String((others as { failed?: string }).failed), /^Ortto's lookup answered 1 people, none holding the person's email or External ID: nothing was archived or deleted/);
  assert.ok('retry' in forgetPerson.read!(answer(200, '<html>proxy</html>'), lookup, c));
  assert.ok('retry' in forgetPerson.read!(answer(429, { error: { code: 'rate-limit', message: 'rate limit', 'try-in-seconds': 10 } }), archived.next, c));
  assert.match(String((forgetPerson.read!(answer(401, { error: 'invalid key' }), lookup, c) as { failed?: string }).failed), /^HTTP 401: invalid key: Ortto refused the lookup of the person: check config\.api_key/);
  assert.equal(forgetPerson.enabled({ api_key: API_KEY }), true);
  assert.equal(forgetPerson.enabled({ api_key: API_KEY, forward_deletions: false }), false);
});
