import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import {
  createConfigAjv, PermanentError, type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import onesignal from './index.ts';
import { classifyOneSignal, saidBy, USER_REQUEST_SPACING_MS } from './classify.ts';
import { appUrl, maxTagsOf, validateOneSignalConfig } from './config.ts';
import { MAX_EVENT_BYTES, toCustomEvent, withinEventBytes } from './custom-event.ts';
import { externalIdOf, userPath } from './external-id.ts';
import { ANONYMOUS_ONLY, DELETED, forgetPerson } from './forget-person.ts';
import { idempotencyKeyOf, uuidV3 } from './idempotency-key.ts';
import { buildRequests, MAX_EVENTS, userMemoOf } from './requests.ts';
import { fitTags, tagText } from './tags.ts';
import { languageOf } from './user-update.ts';

const APP_ID = '202d4f61-1ca9-42df-9d36-bb17d8123abc';
const KEY = 'os_v2_app_test0key0for0unit0tests';
const API = `https://api.onesignal.com/apps/${APP_ID}`;
const HEADERS = { 'content-type': 'application/json', accept: 'application/json', authorization: `Key ${KEY}` };
const NOW = Date.parse('2026-12-01T12:00:00Z');
const ctx = (config: Record<string, JsonValue> = {}, warnings?: string[]): PluginContext => ({
  config: { app_id: APP_ID, api_key: KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW,
  ...(warnings ? { warn: (message: string) => { warnings.push(message); } } : {}),
});
const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_visitor1', userId: 'user-1', timestamp: '2026-12-01T11:00:00.000Z', receivedAt: '2026-12-01T11:00:00.100Z',
  context: { ip: '203.0.113.42', locale: 'en-US', timezone: 'Europe/Paris', page: { url: 'https://shop.example.com/signup', path: '/signup' }, consent: { marketing: true } },
  ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}) => event({ type: 'identify', event: undefined, messageId: 'm-id', traits, ...overrides } as Partial<CanonicalEvent>);
const blueprint = readFileSync(new URL('../../blueprints/onesignal/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does (the shipped blueprint, then the map hook). */
const mapped = (e: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(onesignal, { variant: 'default', blueprint }, ctx(config))(e);
const recordOf = (e: CanonicalEvent, config: Record<string, JsonValue> = {}, warnings?: string[]): JsonObject => {
  const result = mapped(e, config);
  warnings?.push(...(result.warnings ?? []));
  assert.ok(result.payload, `mapped: ${result.error ?? result.dropReason ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown = '', headers: Record<string, string> = {}): VendorResponse => ({
  status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body as JsonValue }),
});
const mappedEvent = (id: string, payload: JsonObject): MappedEvent => ({ id, event: event({ messageId: id }), payload });
const user = (id: string, externalId: string, properties?: JsonObject, subscriptions?: JsonObject[]): MappedEvent => mappedEvent(id, { kind: 'user', external_id: externalId, ...(properties ? { properties } : {}), ...(subscriptions ? { subscriptions } : {}) });
const custom = (id: string, externalId = `u-${id}`, extra: JsonObject = {}): MappedEvent => mappedEvent(id, { kind: 'event', external_id: externalId, event: { name: 'viewed', external_id: externalId, idempotency_key: idempotencyKeyOf(id), ...extra } });
const statusOf = (result: ClassifyResult): string => ('status' in result ? result.status : 'next' in result ? 'next' : 'perEvent');
const reasonOf = (result: ClassifyResult): string => ('reason' in result ? result.reason : '');

test('config: App ID and App API key required; every field titled, described, with examples (or secret); problems named by field', () => {
  const validate = createConfigAjv().compile(onesignal.config);
  assert.equal(validate({ app_id: APP_ID, api_key: KEY }), true);
  assert.equal(validate({ app_id: APP_ID }), false, 'no key');
  assert.equal(validate({ api_key: KEY }), false, 'no app id');
  assert.equal(validate({ app_id: APP_ID, api_key: KEY, max_tags: 101 }), false, 'over 100 property updates');
  assert.equal(validate({ app_id: APP_ID, api_key: KEY, event_names: { 'Order Completed': 'x'.repeat(129) } }), false, 'a name over 128 characters');
  for (const [name, field] of Object.entries(onesignal.config.properties)) {
    assert.ok(field.title && field.description, `${name} has a title and a description`);
    assert.ok(field.secret === true || Array.isArray(field.examples) || field.type === 'boolean', `${name} has examples`);
  }
  assert.equal(onesignal.config.properties.api_key!.secret, true);
  assert.deepEqual(validateOneSignalConfig({ app_id: APP_ID, api_key: KEY }), []);
  assert.deepEqual(validateOneSignalConfig({ app_id: 'my-app', api_key: KEY }), [{ field: 'app_id', message: 'is not a OneSignal App ID: give the UUID shown under Settings > Keys & IDs (e.g. 202d4f61-1ca9-42df-9d36-bb17d8123abc)' }]);
  assert.deepEqual(validateOneSignalConfig({ app_id: APP_ID, api_key: `Key ${KEY}` }), [{ field: 'api_key', message: 'starts with "Key ": give the App API key alone, Signal sends it as Authorization: Key <key>' }]);
  assert.deepEqual(validateOneSignalConfig({ app_id: APP_ID, api_key: `Basic ${KEY}` }).map((p) => p.field), ['api_key']);
  assert.deepEqual(validateOneSignalConfig({ app_id: APP_ID, api_key: 'abc\ndef' }), [{ field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the App API key alone' }]);
  assert.deepEqual(validateOneSignalConfig({ app_id: APP_ID, api_key: APP_ID }), [{ field: 'api_key', message: 'is the App ID again: give an App API key (Settings > Keys & IDs > Add Key)' }]);
  assert.deepEqual(validateOneSignalConfig({ app_id: APP_ID, api_key: KEY, event_names: { ' ': 'x', 'Order Completed ': 'purchase', 'Page:Pricing': 'viewed', Signup: ' signed_up' } }).map((p) => `${p.field} ${p.message}`), [
    'event_names has an empty Signal event name: name the track event (e.g. "Order Completed"), or page / page:<name> for page calls',
    'event_names has "Order Completed " with white space around it: Signal event names are matched exactly',
    'event_names has "Page:Pricing": a page call of a name is page:<its name>, in lower case, with nothing between the colon and the name (e.g. page:Pricing); page alone counts every page call',
    'event_names gives " signed_up" for "Signup" with white space around it: Journeys trigger on custom event names exactly',
  ]);
  assert.equal(appUrl({ app_id: APP_ID.toUpperCase() }), API, 'the App ID lower-cased in the path');
  assert.equal(maxTagsOf({ max_tags: 10 }), 10);
  assert.equal(maxTagsOf({ max_tags: 0 }), 100);
});

test('idempotency keys: the messageId when it is a v3/v4 UUID, else its version 3 UUID (RFC 9562 A.2), the same every time', () => {
  assert.equal(uuidV3('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'), '5df41881-3aed-3515-88a7-2f4a814cf09e');
  assert.equal(idempotencyKeyOf('29FC2962-6D9C-455D-95AD-95B84F09B9E4'), '29fc2962-6d9c-455d-95ad-95b84f09b9e4');
  const derived = idempotencyKeyOf('ajs-next-1711296000000-3f1c2d4e');
  assert.match(derived, /^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(idempotencyKeyOf('ajs-next-1711296000000-3f1c2d4e'), derived);
  assert.notEqual(idempotencyKeyOf('ajs-next-1711296000000-3f1c2d4f'), derived);
  assert.match(idempotencyKeyOf('018f3c2a-0000-7000-8000-000000000000'), /-3[0-9a-f]{3}-/, 'a v7 UUID is derived: OneSignal documented v3 or v4');
});

test('tags: text, numbers and booleans as text; date-times as Unix seconds (or as sent); null clears; lists, objects, restricted keys and contact information left out; max_tags kept, named tags first', () => {
  assert.equal(tagText('pro', true), 'pro');
  assert.equal(tagText(3.5, true), '3.5');
  assert.equal(tagText(false, true), 'false');
  assert.equal(tagText(null, true), '');
  assert.equal(tagText('2024-03-24T16:00:00Z', true), '1711296000');
  assert.equal(tagText('2024-03-24T18:00:00+02:00', true), '1711296000');
  assert.equal(tagText('2024-03-24T16:00:00Z', false), '2024-03-24T16:00:00Z');
  assert.equal(tagText('1990-05-01', true), '1990-05-01', 'a date alone is kept as text');
  assert.equal(tagText(['a'], true), undefined);
  const warnings: string[] = [];
  const tags = fitTags(
    { plan: 'pro', seats: 5, work_email: 'jane@work.example', contact: '+44 7700 900123', prefs: { a: 1 }, roles: ['a'], journey: 'x', vip: true, cleared: null },
    { first_name: 'Jane' }, { maxTags: 100, datesAsTimestamps: true }, (m) => warnings.push(m),
  );
  assert.deepEqual(tags, { first_name: 'Jane', plan: 'pro', seats: '5', vip: 'true', cleared: '' });
  assert.deepEqual(warnings, [
    'tags.prefs left out: OneSignal tags take text, numbers and booleans (an object given); map its parts to tags of their own with the blueprint',
    'tags.roles left out: OneSignal tags take text, numbers and booleans (a list given); map its parts to tags of their own with the blueprint',
    'tags.journey left out: "journey" is a tag key OneSignal reserves for message personalization (rename the trait with the blueprint)',
  ]);
  const capped: string[] = [];
  assert.deepEqual(fitTags({ a: 1, b: 2, c: 3 }, { first_name: 'Jane' }, { maxTags: 2, datesAsTimestamps: true }, (m) => capped.push(m)), { first_name: 'Jane', a: '1' });
  assert.deepEqual(capped, ['tags: 2 left out (b, c): config.max_tags allows 2 a user update']);
  assert.equal(fitTags({}, undefined, { maxTags: 100, datesAsTimestamps: true }, undefined), undefined);
});

test('mapping: an identify becomes a user update by External ID — tags, language from the locale, time zone, country code, location; no email or phone unless subscriptions are on', () => {
  const warnings: string[] = [];
  const record = recordOf(identify(
    { firstName: 'Jane', lastName: 'Doe', email: 'jane@example.com', phone: '+44 7700 900123', plan: 'pro', created_at: '2024-03-24T16:00:00Z', address: { city: 'Paris', country: 'France' } },
    { context: { locale: 'fr-FR', timezone: 'Europe/Paris', location: { latitude: 48.85, longitude: 2.35 }, consent: { marketing: true } } } as Partial<CanonicalEvent>,
  ), {}, warnings);
  assert.deepEqual(record, {
    kind: 'user', external_id: 'user-1',
    properties: { tags: { first_name: 'Jane', last_name: 'Doe', plan: 'pro', created_at: '1711296000' }, language: 'fr', timezone_id: 'Europe/Paris', country: 'FR', lat: 48.85, long: 2.35 },
  });
  assert.deepEqual(warnings, []);
  assert.equal(languageOf('pt_BR'), 'pt');
  assert.equal(languageOf('English'), undefined);
  assert.equal(languageOf('zh-Hant-TW'), 'zh-TW', 'Chinese keeps its region, as OneSignal\'s Android SDK sends it');
  assert.equal(languageOf('zh_CN'), 'zh-CN');
  assert.equal(languageOf('zh-hant'), 'zh-Hant', 'else its script');
  assert.equal(languageOf('zh'), 'zh');
  assert.equal(languageOf('iw-IL'), 'he', 'Java\'s old code corrected, as OneSignal\'s Android SDK does');
  assert.equal(languageOf('in'), 'id');
});

test('mapping: tags and the other user properties make at most 100 property updates; tag keys with white space or periods left out, saying so', () => {
  const traits: JsonObject = { 'Favorite Color': 'blue', 'utm.source': 'ads' };
  for (let i = 0; i < 100; i++) traits[`t${String(i).padStart(3, '0')}`] = i;
  const warnings: string[] = [];
  const record = recordOf(identify(traits, { context: { locale: 'en-US', timezone: 'Europe/Paris', consent: { marketing: true } } } as Partial<CanonicalEvent>), {}, warnings);
  const properties = record.properties as JsonObject;
  assert.equal(properties.language, 'en');
  assert.equal(properties.timezone_id, 'Europe/Paris');
  assert.equal(Object.keys(properties.tags as JsonObject).length, 98, '100 updates less language and timezone_id');
  assert.equal((properties.tags as JsonObject)['Favorite Color'], undefined);
  assert.deepEqual(warnings, [
    'tags.Favorite Color left out: OneSignal cannot process white space or periods in a tag key (the tag would be blank); rename the trait with the blueprint (letters, digits, _ and -)',
    'tags.utm.source left out: OneSignal cannot process white space or periods in a tag key (the tag would be blank); rename the trait with the blueprint (letters, digits, _ and -)',
    'tags: 2 left out (t098, t099): OneSignal takes 100 property updates a request, 2 of them this update\'s language, timezone_id',
  ]);
  const fewer: string[] = [];
  assert.equal(Object.keys((recordOf(identify(traits), { max_tags: 10 }, fewer).properties as JsonObject).tags as JsonObject).length, 10, 'config.max_tags below the room left');
  assert.match(fewer.at(-1)!, /config\.max_tags allows 10 a user update$/);
});

test('mapping: Email and SMS subscriptions only when the config turns them on and the event grants marketing consent; an unusable address or number left out, saying so', () => {
  const traits = { email: 'Jane@Example.com', phone: '+44 (0)7700 900123', plan: 'pro' };
  const on = { email_subscriptions: true, sms_subscriptions: true };
  assert.deepEqual(recordOf(identify(traits), on).subscriptions, [
    { type: 'Email', token: 'jane@example.com', enabled: true },
    { type: 'SMS', token: '+447700900123', enabled: true },
  ]);
  assert.equal(recordOf(identify(traits)).subscriptions, undefined, 'off by default: neither is sent');
  assert.equal(JSON.stringify(recordOf(identify(traits))).includes('jane'), false, 'the email is nowhere in the update');
  const noConsent: string[] = [];
  const record = recordOf(identify(traits, { context: { consent: { marketing: false } } } as Partial<CanonicalEvent>), on, noConsent);
  assert.equal(record.subscriptions, undefined);
  assert.deepEqual(noConsent, ['Email subscription and SMS subscription not added: the event does not grant marketing consent (context.consent.marketing), and a subscription lets OneSignal message them']);
  const bad: string[] = [];
  assert.equal(recordOf(identify({ email: 'not-an-email', phone: '07700 900123', plan: 'x' }), on, bad).subscriptions, undefined);
  assert.deepEqual(bad, [
    'Email subscription not added: traits.email is no email address',
    'SMS subscription not added: traits.phone is no phone number with its country code (write it as +<country code> <number>, OneSignal takes E.164)',
  ]);
  assert.deepEqual(recordOf(identify({ email: 'jane@example.com' }), { email_subscriptions: true }), {
    kind: 'user', external_id: 'user-1', properties: { language: 'en', timezone_id: 'Europe/Paris' }, subscriptions: [{ type: 'Email', token: 'jane@example.com', enabled: true }],
  });
});

test('mapping: subscriptions come only from the identify\'s own traits, never the email or phone Signal remembers (context.traits), also through a blueprint that still reads them', () => {
  const on = { email_subscriptions: true, sms_subscriptions: true };
  const remembered = { context: { locale: 'en-US', consent: { marketing: true }, traits: { email: 'jane@example.com', phone: '+44 7700 900123' } } } as Partial<CanonicalEvent>;
  const later = recordOf(identify({ plan: 'pro' }, remembered), on);
  assert.equal(later.subscriptions, undefined, 'a later identify saying nothing of the email adds no subscription');
  assert.deepEqual(later.properties, { tags: { plan: 'pro' }, language: 'en' });
  assert.deepEqual(recordOf(identify({ email: 'New@Example.com', plan: 'pro' }, remembered), on).subscriptions, [{ type: 'Email', token: 'new@example.com', enabled: true }], 'the identify\'s own email, not the remembered phone');
  // A revision installed before the blueprint stopped reading context.traits: the plugin still refuses them.
  const oldBlueprint = blueprint.replace('{ source: traits.email, target: email }', '{ source: [traits.email, context.traits.email], target: email }').replace('{ source: traits.phone, target: phone }', '{ source: [traits.phone, context.traits.phone], target: phone }');
  assert.notEqual(oldBlueprint, blueprint);
  const old = createEventMapper(onesignal, { variant: 'default', blueprint: oldBlueprint }, ctx(on))(identify({ plan: 'pro' }, remembered));
  assert.equal(old.payload?.subscriptions, undefined);
  const own = createEventMapper(onesignal, { variant: 'default', blueprint: oldBlueprint }, ctx(on))(identify({ phone: '+44 7700 900123' }, remembered));
  assert.deepEqual(own.payload?.subscriptions, [{ type: 'SMS', token: '+447700900123', enabled: true }], 'the same phone in the identify\'s own traits: asked for again');
});

test('mapping: an identify without a userId, or with nothing OneSignal keeps, is not sent, saying why; unreadable properties left out with a warning', () => {
  const anonymous = mapped(identify({ plan: 'pro' }, { userId: undefined } as Partial<CanonicalEvent>));
  assert.equal(anonymous.payload, null);
  assert.match(anonymous.warnings?.join() ?? '', /OneSignal users are named by External ID \(the userId\)/);
  const empty = mapped(identify({ email: 'jane@example.com' }, { context: {} } as Partial<CanonicalEvent>));
  assert.equal(empty.payload, null);
  assert.match(empty.warnings?.join('\n') ?? '', /the identify has no trait OneSignal keeps/);
  const warnings: string[] = [];
  const record = recordOf(identify({ plan: 'pro', language: 'English', timezone: 'Paris time', address: { country: 'Atlantis' } }, { context: { location: { latitude: 123, longitude: 2 } } } as Partial<CanonicalEvent>), {}, warnings);
  assert.deepEqual(record.properties, { tags: { plan: 'pro' } });
  assert.deepEqual(warnings, [
    'language left out: "English" is no language code (OneSignal takes ISO 639-1, such as en)',
    'timezone_id left out: "Paris time" is no IANA time zone name (such as America/Los_Angeles)',
    'country left out: "Atlantis" is no country (OneSignal takes ISO 3166-1 alpha-2 codes, such as US)',
    'lat and long left out: OneSignal takes a location as both, latitude -90 to 90 and longitude -180 to 180',
  ]);
});

test('mapping: a track call becomes a custom event — name, External ID, ISO timestamp, idempotency key from the messageId, properties without contact information', () => {
  const record = recordOf(event({ event: 'Order Completed', messageId: 'ajs-1', properties: { order_id: 'O-1', revenue: 42.5, email: 'jane@example.com', products: [{ sku: 'S-1' }] } }));
  assert.deepEqual(record, {
    kind: 'event', external_id: 'user-1',
    event: { name: 'Order Completed', external_id: 'user-1', timestamp: '2026-12-01T11:00:00.000Z', idempotency_key: idempotencyKeyOf('ajs-1'), properties: { order_id: 'O-1', revenue: 42.5, products: [{ sku: 'S-1' }] } },
  });
  assert.equal((recordOf(event({ event: 'Order Completed' }), { event_names: { 'Order Completed': 'purchase' } }).event as JsonObject).name, 'purchase', 'config.event_names renames it');
  const anonymous = mapped(event({ userId: undefined }));
  assert.equal(anonymous.payload, null);
  assert.match(anonymous.warnings?.join() ?? '', /"Signed Up" not sent to OneSignal: custom events need the user's External ID \(the userId\)/);
  assert.throws(() => toCustomEvent({ kind: 'event', external_id: 'u-1', name: 'x'.repeat(129) }, event(), ctx()), (error: Error) => error instanceof PermanentError && /129 characters and OneSignal takes at most 128/.test(error.message));
  assert.match(mapped(event({ event: 'y'.repeat(129) })).error ?? '', /OneSignal takes at most 128/);
});

test('mapping: page calls only as the custom event config.event_names names; screen, group and alias not sent', () => {
  const page = event({ type: 'page', event: undefined, name: 'Pricing', properties: { path: '/pricing', title: 'Pricing' } } as Partial<CanonicalEvent>);
  const skipped = mapped(page);
  assert.equal(skipped.payload, null);
  assert.match(skipped.warnings?.join() ?? '', /page calls are sent only as the custom event config\.event_names names for them/);
  assert.deepEqual((recordOf(page, { event_names: { 'page:Pricing': 'viewed_pricing' } }).event as JsonObject), {
    name: 'viewed_pricing', external_id: 'user-1', timestamp: '2026-12-01T11:00:00.000Z', idempotency_key: idempotencyKeyOf('m-1'), properties: { path: '/pricing', title: 'Pricing' },
  });
  assert.equal((recordOf(page, { event_names: { page: 'page_viewed' } }).event as JsonObject).name, 'page_viewed');
  for (const type of ['screen', 'group', 'alias']) assert.equal(mapped(event({ type, event: undefined } as Partial<CanonicalEvent>)).payload, null, type);
});

test('mapping: an event over 2,024 bytes loses its largest properties until it fits, saying which', () => {
  const warnings: string[] = [];
  const fitted = withinEventBytes({ name: 'x', external_id: 'u', properties: { note: 'a'.repeat(3000), plan: 'pro', big: 'b'.repeat(1500) } }, (m) => warnings.push(m));
  assert.deepEqual(fitted, { name: 'x', external_id: 'u', properties: { plan: 'pro', big: 'b'.repeat(1500) } });
  assert.deepEqual(warnings, ['properties left out (properties.note): OneSignal takes at most 2024 bytes for one custom event']);
  assert.deepEqual(withinEventBytes({ name: 'x', external_id: 'u', properties: { a: 'a'.repeat(1200), b: 'b'.repeat(1100) } }, undefined), { name: 'x', external_id: 'u', properties: { b: 'b'.repeat(1100) } });
  assert.ok(Buffer.byteLength(JSON.stringify(fitted)) <= MAX_EVENT_BYTES);
  assert.throws(() => withinEventBytes({ name: 'x', external_id: 'u'.repeat(2100) }, undefined), PermanentError);
});

test('requests: Update user by External ID (PATCH, percent-encoded), with the properties; a batch\'s identifies of one user merged, the later winning', () => {
  const requests = buildRequests([
    user('m-1', 'a/b', { tags: { plan: 'free', seats: '1' }, language: 'en' }),
    user('m-2', 'u-2', { tags: { plan: 'pro' } }),
    user('m-3', 'a/b', { tags: { plan: 'pro' }, country: 'FR' }),
  ], ctx());
  assert.deepEqual(requests, [
    {
      method: 'PATCH', url: `${API}/users/by/external_id/a%2Fb`, headers: HEADERS, endpoint: 'users', eventIds: ['m-1', 'm-3'],
      body: { properties: { tags: { plan: 'pro', seats: '1' }, language: 'en', country: 'FR' } },
      memo: { step: 'update', external_id: 'a/b', properties: { tags: { plan: 'pro', seats: '1' }, language: 'en', country: 'FR' } },
    },
    {
      method: 'PATCH', url: `${API}/users/by/external_id/u-2`, headers: HEADERS, endpoint: 'users', eventIds: ['m-2'],
      body: { properties: { tags: { plan: 'pro' } } }, memo: { step: 'update', external_id: 'u-2', properties: { tags: { plan: 'pro' } } },
    },
  ]);
  assert.equal(userPath('a b'), '/users/by/external_id/a%20b');
  assert.equal(externalIdOf('null'), undefined);
  const many = (from: number) => Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`t${from + i}`, 'x']));
  assert.deepEqual(buildRequests([user('m-1', 'u', { tags: many(0) }), user('m-2', 'u', { tags: many(100) })], ctx()).map((r) => r.eventIds), [['m-1'], ['m-2']], 'more than 100 property updates: two requests');
});

test('requests: subscriptions alone go to Create subscription by External ID, the first of them; custom events in requests of at most 500 events and 1 MB, after the users', () => {
  const email = { type: 'Email', token: 'jane@example.com', enabled: true };
  const sms = { type: 'SMS', token: '+447700900123', enabled: true };
  const requests = buildRequests([custom('e-1', 'u-1'), user('m-1', 'u-1', undefined, [email, sms]), custom('e-2', 'u-2')], ctx());
  assert.deepEqual(requests, [
    {
      method: 'POST', url: `${API}/users/by/external_id/u-1/subscriptions`, headers: HEADERS, endpoint: 'users', eventIds: ['m-1'],
      body: { subscription: email }, memo: { step: 'subscribe', external_id: 'u-1', subscriptions: [email, sms] },
    },
    {
      method: 'POST', url: `${API}/custom_events`, headers: HEADERS, endpoint: 'custom_events', eventIds: ['e-1', 'e-2'],
      body: { events: [
        { name: 'viewed', external_id: 'u-1', idempotency_key: idempotencyKeyOf('e-1') },
        { name: 'viewed', external_id: 'u-2', idempotency_key: idempotencyKeyOf('e-2') },
      ] },
    },
  ]);
  const lots = buildRequests(Array.from({ length: MAX_EVENTS + 1 }, (_, i) => custom(`e-${i}`)), ctx());
  assert.deepEqual(lots.map((r) => r.eventIds.length), [MAX_EVENTS, 1]);
  const big = buildRequests(Array.from({ length: MAX_EVENTS }, (_, i) => custom(`e-${i}`, 'u', { properties: { note: 'n'.repeat(1900) } })), ctx());
  for (const request of big) assert.ok(Buffer.byteLength(JSON.stringify(request.body)) <= 1_000_000);
  assert.ok(big.length > 1, 'split by bytes');
  assert.throws(() => buildRequests([mappedEvent('x', { kind: 'other' })], ctx()), /holds no OneSignal record/);
});

const updateRequest = (subscriptions?: JsonObject[]): RequestDescriptor => buildRequests([user('m-1', 'u-1', { tags: { plan: 'pro' } }, subscriptions)], ctx())[0]!;
const eventsRequest = (...ids: string[]): RequestDescriptor => buildRequests(ids.map((id) => custom(id, id.startsWith('same') ? 'u-same' : `u-${id}`)), ctx())[0]!;

test('classify, users: 202 delivered; 404 (no such user) → Create user with the properties; its 409 (it exists after all) → Update user again; then each subscription, one a request', () => {
  const email = { type: 'Email', token: 'jane@example.com', enabled: true };
  const sms = { type: 'SMS', token: '+447700900123', enabled: true };
  assert.deepEqual(classifyOneSignal(answer(202, { properties: { tags: { plan: 'pro' } } }), updateRequest(), ctx()), { status: 'delivered' });
  const missing = classifyOneSignal(answer(404, { errors: [{ title: 'User not found' }] }), updateRequest([email, sms]), ctx());
  assert.ok('next' in missing);
  const create = missing.next[0]!;
  assert.deepEqual({ ...create, memo: undefined }, {
    method: 'POST', url: `${API}/users`, headers: HEADERS, endpoint: 'users', eventIds: ['m-1'], memo: undefined,
    body: { identity: { external_id: 'u-1' }, properties: { tags: { plan: 'pro' } } },
    delayMs: 1000,
  });
  assert.equal(USER_REQUEST_SPACING_MS, 1000, "one request a second per user: every later step of the user's chain waits a second");
  assert.deepEqual(userMemoOf(create), { step: 'create', external_id: 'u-1', properties: { tags: { plan: 'pro' } }, subscriptions: [email, sms], created: true });
  const conflict = classifyOneSignal(answer(409, { errors: [{ code: 'user-2', title: 'One or more Aliases claimed by another User' }] }), create, ctx());
  assert.ok('next' in conflict);
  const again = conflict.next[0]!;
  assert.equal(again.method, 'PATCH');
  assert.equal(userMemoOf(again)?.step, 'update_again');
  const first = classifyOneSignal(answer(202, {}), again, ctx());
  assert.ok('next' in first);
  assert.equal(first.next[0]!.url, `${API}/users/by/external_id/u-1/subscriptions`);
  assert.deepEqual(first.next[0]!.body, { subscription: email });
  const second = classifyOneSignal(answer(201, { subscription: { id: 's-1', type: 'Email' } }), first.next[0]!, ctx());
  assert.ok('next' in second);
  assert.deepEqual(second.next[0]!.body, { subscription: sms });
  assert.deepEqual(classifyOneSignal(answer(200, {}), second.next[0]!, ctx()), { status: 'delivered' }, 'already the user\'s: nothing to change');
  const created = classifyOneSignal(answer(201, { identity: { external_id: 'u-1' } }), create, ctx());
  assert.ok('next' in created, 'a created user gets its subscriptions next');
  const gone = classifyOneSignal(answer(404, { errors: [{ title: 'User not found' }] }), again, ctx());
  assert.equal(statusOf(gone), 'dead_letter', 'a second 404 ends the chain');
  assert.match(reasonOf(gone), /the user its Create user had just answered for/);
  const full = classifyOneSignal(answer(409, { errors: [{ title: 'Maximum subscriptions reached' }] }), first.next[0]!, ctx());
  assert.equal(reasonOf(full), 'OneSignal refused the Email subscription (HTTP 409: Maximum subscriptions reached): a user has at most 20 subscriptions');
  // Subscriptions alone, for a user OneSignal does not know: the user created first, then the subscription again, once.
  const alone = buildRequests([user('m-2', 'u-2', undefined, [email])], ctx())[0]!;
  const unknown = classifyOneSignal(answer(404, { errors: [{ title: 'User not found' }] }), alone, ctx());
  assert.ok('next' in unknown);
  assert.deepEqual(unknown.next[0]!.body, { identity: { external_id: 'u-2' } });
  const claimed = classifyOneSignal(answer(409, {}), unknown.next[0]!, ctx());
  assert.ok('next' in claimed, 'no properties to update: straight to the subscription');
  assert.deepEqual(claimed.next[0]!.body, { subscription: email });
  assert.equal(statusOf(classifyOneSignal(answer(404, { errors: [] }), claimed.next[0]!, ctx())), 'dead_letter', 'no second Create user');
});

test('classify, users: 400 dead-lettered with OneSignal\'s words (tags: the plan\'s limit); 401/403 name the key; 429 throttled after Retry-After; 5xx and 408 retried', () => {
  const tags = classifyOneSignal(answer(400, { errors: [{ code: 'invalid', title: 'Tag limit exceeded' }] }), updateRequest(), ctx());
  assert.deepEqual(tags, { status: 'dead_letter', reason: 'OneSignal refused the user update (HTTP 400: invalid: Tag limit exceeded): check config.max_tags against your plan\'s tag limit per user (tags set by OneSignal\'s SDKs count too)' });
  assert.deepEqual(classifyOneSignal(answer(400, { errors: ['language is invalid'] }), updateRequest(), ctx()), { status: 'dead_letter', reason: 'OneSignal refused the user update (HTTP 400: language is invalid)' });
  const key = classifyOneSignal(answer(401, { errors: ['Access denied.  Please include an \'Authorization: ...\' header with a valid API key'] }), updateRequest(), ctx());
  assert.equal(statusOf(key), 'dead_letter');
  assert.match(reasonOf(key), /^OneSignal refused the key \(HTTP 401: Access denied\..*\): check config\.api_key/);
  assert.equal(statusOf(classifyOneSignal(answer(403, {}), updateRequest(), ctx())), 'dead_letter');
  assert.deepEqual(classifyOneSignal(answer(429, { errors: ['API rate limit exceeded.'] }, { 'Retry-After': '3' }), updateRequest(), ctx()), {
    status: 'retry', reason: 'OneSignal rate limit reached (HTTP 429: API rate limit exceeded.)', retryAfterMs: 3000, throttled: true,
  });
  assert.deepEqual(classifyOneSignal(answer(503, 'Service Unavailable'), updateRequest(), ctx()), { status: 'retry', reason: 'OneSignal HTTP 503: Service Unavailable' });
  assert.equal(statusOf(classifyOneSignal(answer(408), updateRequest(), ctx())), 'retry');
  assert.equal(saidBy(answer(400, { errors: { invalid_aliases: { external_id: ['x'] } } })), '{"invalid_aliases":{"external_id":["x"]}}');
  const page = '<html><body>Proxy login</body></html>';
  for (const request of [updateRequest(), eventsRequest('e-1')]) {
    assert.deepEqual(classifyOneSignal(answer(200, page), request, ctx()), { status: 'retry', reason: `HTTP 200 with a web page, not OneSignal's answer (a proxy, or a SIGNAL_VENDOR_REDIRECTS entry pointing elsewhere?): ${page}` }, 'a 2xx web page is no delivery');
  }
});

test('classify, custom events: 202 without errors delivered; its errors per event, by idempotency key or External ID — "not found" retried, others dead-lettered; unnamed errors send the rest again', () => {
  assert.deepEqual(classifyOneSignal(answer(202, {}), eventsRequest('e-1', 'e-2'), ctx()), { status: 'delivered' });
  assert.deepEqual(classifyOneSignal(answer(202, { errors: [] }), eventsRequest('e-1'), ctx()), { status: 'delivered' });
  const byKey = classifyOneSignal(answer(202, { errors: [{ event_user_id: 'u-e-2', event_id: idempotencyKeyOf('e-2').toUpperCase(), error: { code: 'not found', title: 'failed to find a onesignal_id for user_id u-e-2' } }] }), eventsRequest('e-1', 'e-2'), ctx());
  assert.deepEqual(byKey, { perEvent: { 'e-2': { status: 'retry', reason: 'OneSignal has no user with this event\'s External ID yet (not found: failed to find a onesignal_id for user_id u-e-2): sent again later, in case an identify or OneSignal\'s SDK creates the user' } } });
  const byUser = classifyOneSignal(answer(202, { errors: [{ event_user_id: 'u-same', event_id: 'someone-else', error: { code: 'invalid', title: 'bad property' } }] }), eventsRequest('e-1', 'same-1', 'same-2'), ctx());
  assert.deepEqual(byUser, { perEvent: { 'same-1': { status: 'dead_letter', reason: 'OneSignal refused the custom event (invalid: bad property)' }, 'same-2': { status: 'dead_letter', reason: 'OneSignal refused the custom event (invalid: bad property)' } } });
  const unnamed = classifyOneSignal(answer(202, { errors: [{ error: { code: 'internal', title: 'oops' } }] }), eventsRequest('e-1', 'e-2'), ctx());
  assert.ok('perEvent' in unnamed);
  assert.deepEqual(Object.keys(unnamed.perEvent), ['e-1', 'e-2']);
  assert.equal(unnamed.perEvent['e-1']!.status, 'retry');
  assert.match(reasonOf(unnamed.perEvent['e-1'] as ClassifyResult), /^OneSignal reported 1 custom event it could not process without naming it by idempotency key or External ID \(internal: oops\)/);
});

test('classify, custom events: 400 in OneSignal\'s shape or 413 split a request of several; one event dead-lettered; 404 names the App ID; 401, 429, 5xx as for users', () => {
  assert.equal(statusOf(classifyOneSignal(answer(400, { errors: ['invalid event'] }), eventsRequest('e-1', 'e-2'), ctx())), 'split');
  assert.equal(statusOf(classifyOneSignal(answer(413, 'Request Entity Too Large'), eventsRequest('e-1', 'e-2'), ctx())), 'split');
  assert.equal(statusOf(classifyOneSignal(answer(400, '<html>Bad Request</html>'), eventsRequest('e-1', 'e-2'), ctx())), 'dead_letter', 'a proxy\'s 400 names nothing: no split');
  assert.deepEqual(classifyOneSignal(answer(400, { errors: ['name is required'] }), eventsRequest('e-1'), ctx()), { status: 'dead_letter', reason: 'OneSignal refused the custom event (HTTP 400: name is required)' });
  assert.match(reasonOf(classifyOneSignal(answer(404, { errors: ['app not found'] }), eventsRequest('e-1'), ctx())), /check config\.app_id/);
  assert.equal(statusOf(classifyOneSignal(answer(401, {}), eventsRequest('e-1'), ctx())), 'dead_letter');
  const limited = classifyOneSignal(answer(429, { errors: ['API rate limit exceeded.'] }, { 'retry-after': '1' }), eventsRequest('e-1'), ctx());
  assert.deepEqual(limited, { status: 'retry', reason: 'OneSignal rate limit reached (HTTP 429: API rate limit exceeded.)', retryAfterMs: 1000, throttled: true });
  assert.equal(statusOf(classifyOneSignal(answer(502, 'Bad Gateway'), eventsRequest('e-1', 'e-2'), ctx())), 'retry', 'a 5xx: the whole batch again');
});

test('person deletions: Delete user by the userId as External ID, with the App API key; an anonymousId alone skipped; 202 done, OneSignal\'s 404 done, a 401 failed naming the key, 429 and 5xx retried', () => {
  const config = { app_id: APP_ID, api_key: KEY };
  assert.equal(forgetPerson.enabled(config), true);
  assert.equal(forgetPerson.enabled({ ...config, forward_deletions: false }), false);
  assert.equal(forgetPerson.enabled({ app_id: APP_ID }), false);
  assert.deepEqual(forgetPerson.request({ userId: 'a/b', anonymousId: 'df_v' }, ctx()), { method: 'DELETE', url: `${API}/users/by/external_id/a%2Fb`, headers: HEADERS, eventIds: [] });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_v' }, ctx()), { skipped: ANONYMOUS_ONLY });
  assert.match(JSON.stringify(forgetPerson.request({ userId: 'undefined', anonymousId: null }, ctx())), /placeholders/);
  const read = forgetPerson.read!;
  assert.deepEqual(read(answer(202, {})), { done: true, message: `accepted (HTTP 202): ${DELETED}` });
  assert.deepEqual(read(answer(404, { errors: [{ title: 'User not found' }] })), { done: true, message: 'HTTP 404: OneSignal holds no user with this External ID, so nothing to delete (OneSignal: User not found)' });
  assert.deepEqual(read(answer(404, '<html>not here</html>')), { failed: 'HTTP 404 (OneSignal: <html>not here</html>)' });
  assert.match(JSON.stringify(read(answer(401, { errors: ['Access denied'] }))), /"failed":"HTTP 401: OneSignal refused the key for the deletion: check config\.api_key/);
  assert.deepEqual(read(answer(429, { errors: ['API rate limit exceeded.'] }, { 'retry-after': '30' })), { retry: 'HTTP 429: {"errors":["API rate limit exceeded."]}', afterSeconds: 30 });
  assert.ok('retry' in read(answer(500, 'oops')));
  assert.deepEqual(read(answer(200, '<!DOCTYPE html><html><body>Sign in</body></html>')), { retry: 'HTTP 200 with a web page, not OneSignal\'s answer: <!DOCTYPE html><html><body>Sign in</body></html>' });
  assert.equal(forgetPerson.enabled({ app_id: APP_ID, api_key: '  ' }), false, 'a blank key is no key');
});

test('definition: cdp, marketing consent, users and custom events rate-limited apart, 500 events and 1 MB a request, Update user\'s 202 as the success answer', () => {
  assert.equal(onesignal.id, 'onesignal');
  assert.equal(onesignal.category, 'cdp');
  assert.deepEqual(onesignal.consent, ['marketing']);
  assert.deepEqual(onesignal.rateLimit, { rps: 200, burst: 400, endpoints: { users: { rps: 100, burst: 200 }, custom_events: { rps: 100, burst: 200 } } });
  assert.deepEqual(onesignal.batch, { maxEvents: 500, maxBytes: 1_000_000 });
  assert.equal(onesignal.successAnswer?.status, 202);
  assert.equal(onesignal.clickIds, undefined);
});
