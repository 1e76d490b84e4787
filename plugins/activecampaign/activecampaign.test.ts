import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import {
  createConfigAjv, type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import activecampaign, { TRACK_EVENT_URL } from './index.ts';
import { answered, errorsOf, membershipOf } from './answers.ts';
import { classifyActiveCampaign } from './classify.ts';
import { activeCampaignConfigWarnings, apiBaseOf, validateActiveCampaignConfig } from './config.ts';
import { fieldValueOf } from './contact.ts';
import { ANONYMOUS_ONLY, DELETED, forgetPerson, NOT_AN_EMAIL } from './forget-person.ts';
import { contactEmailOf } from './identity.ts';
import { joinRequest, membershipsRequest } from './requests.ts';
import { eventDataOf, MAX_EVENTDATA_CHARS } from './tracked-event.ts';

const API_KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567';
const EVENT_KEY = 'baf2815c4c1d1cc1fa4fbf2b715005282bb3b2e7';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const BASE_CONFIG = { api_url: 'https://acme.api-us1.com', api_key: API_KEY, actid: '1111111', event_key: EVENT_KEY };
const API_HEADERS = { 'Api-Token': API_KEY, accept: 'application/json', 'content-type': 'application/json' };
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { ...BASE_CONFIG, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc', userId: 'u-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  properties: { plan: 'pro' }, context: { ip: '203.0.113.42', traits: { email: 'jane@example.com' } },
  ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}) => browserEvent({ type: 'identify', event: undefined, properties: undefined, traits, context: {}, ...overrides } as Partial<CanonicalEvent>);
const page = (name: string | undefined, overrides: Partial<CanonicalEvent> = {}) => browserEvent({ type: 'page', event: undefined, name, properties: { path: '/pricing', url: 'https://shop.example.com/pricing?token=secret' }, ...overrides } as Partial<CanonicalEvent>);
const BLUEPRINT = readFileSync(new URL('../../blueprints/activecampaign/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does: the shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(activecampaign, { variant: 'default', blueprint: BLUEPRINT }, ctx(config))(event);
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? result.dropReason ?? 'dropped'} ${JSON.stringify(result.warnings ?? [])}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const sent = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): RequestDescriptor => {
  const payload = recordOf(event, config);
  const requests = activecampaign.send([{ id: event.messageId, event, payload } as MappedEvent], ctx(config));
  assert.equal(requests.length, 1);
  return requests[0]!;
};
const formOf = (request: RequestDescriptor): Array<[string, string]> => [...new URLSearchParams(String(request.body)).entries()];
const statusOf = (result: ClassifyResult): string => ('next' in result ? 'next' : 'status' in result ? result.status : 'perEvent');
const reasonOf = (result: ClassifyResult): string => ('reason' in result ? result.reason : '');
/** The documented answer of a contact sync (Sync a contact's data, 201), shortened. */
const SYNCED = { fieldValues: [{ contact: '113', field: '3', value: 'pro', id: '14', owner: '113' }], contact: { email: 'jane@example.com', firstName: 'Jane', id: '113', hash: '75b8163f768dff1f0f7b5f69476b986a' } };
const membership = (list: string, status: string) => ({ contact: '113', list, status, sourceid: '0', id: `9${list}` });

test('config: the schema takes the API URL and key, Event Tracking\'s actid and key, the maps, the list; its fields titled and described, credentials secret', () => {
  const validate = createConfigAjv().compile(activecampaign.config);
  assert.equal(validate(BASE_CONFIG), true, JSON.stringify(validate.errors));
  assert.equal(validate({ api_url: 'https://acme.api-us1.com', api_key: API_KEY }), true, 'Event Tracking is optional');
  assert.equal(validate({ api_key: API_KEY }), false, 'api_url is required');
  assert.equal(validate({ ...BASE_CONFIG, actid: 'abc' }), false, 'the actid is digits');
  assert.equal(validate({ ...BASE_CONFIG, event_names: { 'Order Completed': 'x'.repeat(33) } }), false, 'an event name is 32 characters at most');
  assert.equal(validate({ ...BASE_CONFIG, custom_fields: { plan: 'Plan' } }), false, 'a field id is a number');
  assert.equal(validate({ ...BASE_CONFIG, list_id: 0 }), false);
  assert.equal(validate({ ...BASE_CONFIG, list_status: 'active' }), false);
  for (const [name, field] of Object.entries(activecampaign.config.properties)) {
    assert.ok(field.title && field.description && field.type, `${name} has a title, a type and a description`);
    if (field.type !== 'boolean' && field.enum === undefined) assert.ok(Array.isArray(field.examples), `${name} has examples`);
  }
  assert.deepEqual(Object.entries(activecampaign.config.properties).filter(([, field]) => field.secret).map(([name]) => name), ['api_key', 'event_key']);
});

test('config: problems the schema cannot see, each naming its field, never repeating a secret', () => {
  assert.deepEqual(validateActiveCampaignConfig(BASE_CONFIG), []);
  assert.deepEqual(validateActiveCampaignConfig({ ...BASE_CONFIG, api_url: 'https://acme.api-us1.com/api/3/' }), [], 'the API path is taken');
  const problems = (config: Record<string, JsonValue>) => validateActiveCampaignConfig({ ...BASE_CONFIG, ...config });
  assert.deepEqual(problems({ api_url: 'acme.api-us1.com' }), [{ field: 'api_url', message: '"acme.api-us1.com" is no URL: give the API URL of Settings > Developer, e.g. https://acme.api-us1.com' }]);
  assert.deepEqual(problems({ api_url: 'http://acme.api-us1.com' }).map((p) => p.field), ['api_url']);
  assert.match(problems({ api_url: 'http://acme.api-us1.com' })[0]!.message, /^must be an https:\/\/ URL/);
  assert.match(problems({ api_url: 'https://acme.api-us1.com/api/3/contacts' })[0]!.message, /^has the path \/api\/3\/contacts: give the API URL without a path/);
  assert.match(problems({ api_url: 'https://acme.api-us1.com/?x=1' })[0]!.message, /^holds a query or a fragment/);
  assert.match(problems({ api_url: 'https://user:pw@acme.api-us1.com' })[0]!.message, /^holds a user name or password/);
  assert.deepEqual(problems({ api_url: 'https://127.0.0.1' }).map((p) => p.field), ['api_url'], 'a loopback or private address is refused before any send');
  assert.match(problems({ api_url: 'https://[::ffff:10.0.0.1]/api/3' })[0]!.message, /private.*: ActiveCampaign's API is on a public host/);
  const pasted = problems({ api_key: `${API_KEY} copied` });
  assert.deepEqual(pasted, [{ field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the API key alone' }]);
  assert.equal(JSON.stringify(pasted).includes(API_KEY), false, 'the key is never repeated');
  assert.deepEqual(problems({ event_key: '' }), [{ field: 'event_key', message: 'is needed with actid: Event Tracking takes both (Website > Site Tracking > Event Tracking); set both, or neither to send no track events' }]);
  assert.deepEqual(problems({ actid: '' }).map((p) => p.field), ['actid']);
  assert.deepEqual(problems({ event_names: { 'Order Completed': ' purchase' } }), [{ field: 'event_names', message: 'gives " purchase" for "Order Completed" with white space around it: ActiveCampaign matches event names exactly' }]);
  assert.deepEqual(problems({ event_names: { 'Page:Pricing': 'viewed' } }).map((p) => p.field), ['event_names'], 'the event map\'s keys, checked as every plugin checks them');
  assert.deepEqual(problems({ custom_fields: { plan: 'Plan' } }), [{ field: 'custom_fields', message: 'maps the trait "plan" to "Plan", which is no custom field id (a whole number such as "3": Contacts > Fields, or GET /api/3/fields)' }]);
  assert.deepEqual(problems({ custom_fields: { plan: '3' }, user_id_field: '3' }), [{ field: 'user_id_field', message: 'is field 3, which custom_fields already fills from the trait "plan": one field takes one value' }]);
});

test('config: the API base is the URL\'s origin with /api/3; warnings for a host ActiveCampaign does not document for its API', () => {
  assert.equal(apiBaseOf({ api_url: ' https://acme.api-us1.com/ ' }), 'https://acme.api-us1.com/api/3');
  assert.equal(apiBaseOf({ api_url: 'https://acme.api-us1.com/api/3' }), 'https://acme.api-us1.com/api/3');
  assert.equal(apiBaseOf({ api_url: 'http://acme.api-us1.com' }), undefined);
  assert.deepEqual(activeCampaignConfigWarnings(BASE_CONFIG), []);
  assert.deepEqual(activeCampaignConfigWarnings({ api_url: 'https://acme.activehosted.com' }), [{ field: 'api_url', message: 'is the account\'s web app address (acme.activehosted.com), not the API URL ActiveCampaign documents: use the API URL of Settings > Developer (https://<your-account>.api-us1.com)' }]);
  assert.match(activeCampaignConfigWarnings({ api_url: 'https://crm.example.com' })[0]!.message, /^is on crm\.example\.com, not ActiveCampaign's documented API host/);
});

test('identify → the contact sync: email, first and last name, phone in E.164, custom field values, the userId\'s field; the list step with marketing consent', () => {
  const event = identify({ email: ' Jane@Example.com ', first_name: 'Jane', lastName: 'Doe', phone: '(415) 555-0100', plan: 'pro', seats: 3, tags: ['a', 'b'], company: 'Acme' }, { context: { consent: { marketing: true } } });
  const config = { custom_fields: { plan: '3', seats: '6', tags: '7' }, user_id_field: '12', default_country_code: '1', list_id: 2 };
  assert.deepEqual(recordOf(event, config), {
    kind: 'contact',
    body: { contact: { email: 'Jane@Example.com', firstName: 'Jane', lastName: 'Doe', phone: '+14155550100', fieldValues: [{ field: '3', value: 'pro' }, { field: '6', value: '3' }, { field: '7', value: '||a||b||' }, { field: '12', value: 'u-1' }] } },
    list: { list: 2, status: 1 },
  });
  const request = sent(event, config);
  assert.deepEqual({ ...request, memo: undefined }, {
    method: 'POST', url: 'https://acme.api-us1.com/api/3/contact/sync', headers: API_HEADERS,
    body: { contact: { email: 'Jane@Example.com', firstName: 'Jane', lastName: 'Doe', phone: '+14155550100', fieldValues: [{ field: '3', value: 'pro' }, { field: '6', value: '3' }, { field: '7', value: '||a||b||' }, { field: '12', value: 'u-1' }] } },
    eventIds: ['m-1'], endpoint: 'api', memo: undefined,
  });
  assert.deepEqual(request.memo, { activecampaign: 'sync', list: { list: 2, status: 1 } });
  assert.equal(JSON.stringify(request.body).includes('Acme'), false, 'traits the config does not map are not sent');
});

test('identify: no marketing consent, no list (said); "unsubscribed" needs none; no list configured, no list step', () => {
  const noConsent = mapped(identify({ email: 'jane@example.com' }), { list_id: 2 });
  assert.equal(noConsent.payload?.list, undefined);
  assert.deepEqual(noConsent.warnings, ['list 2 not joined: the identify carries no marketing consent (context.consent.marketing true, denied nowhere)']);
  const denied = mapped(identify({ email: 'jane@example.com' }, { context: { consent: { marketing: true, categoryPreferences: { marketing: false } } } }), { list_id: 2 });
  assert.equal(denied.payload?.list, undefined, 'a denial anywhere wins');
  const remembered = mapped(identify({ firstName: 'Jane' }, { context: { consent: { marketing: true }, traits: { email: 'jane@example.com' } } } as Partial<CanonicalEvent>), { list_id: 2 });
  assert.equal(((remembered.payload?.body as JsonObject).contact as JsonObject).email, 'jane@example.com', 'the remembered email still names the contact');
  assert.equal(remembered.payload?.list, undefined, 'but joins no list: that comes from a call giving the email');
  assert.deepEqual(remembered.warnings, ['list 2 not joined: the identify gives no email of its own, only the one Signal remembers of the person (context.traits)']);
  assert.deepEqual(recordOf(identify({ email: 'jane@example.com' }), { list_id: 2, list_status: 'unsubscribed' }).list, { list: 2, status: 2 });
  const plain = sent(identify({ email: 'jane@example.com' }));
  assert.deepEqual(plain.memo, { activecampaign: 'sync' });
  assert.deepEqual(plain.body, { contact: { email: 'jane@example.com' } });
});

test('identify: no email → not sent, saying why; a userId that is an email is the contact\'s; a malformed email dead-letters it; a phone that does not read is left out', () => {
  const none = mapped(identify({ firstName: 'Jane' }));
  assert.equal(none.payload, null);
  assert.deepEqual(none.warnings, ['identify not sent to ActiveCampaign: no email (traits.email, one Signal remembers from an earlier identify, or a userId that is an email address); ActiveCampaign\'s contact sync keys contacts by email']);
  assert.deepEqual(recordOf(identify({ firstName: 'Jane' }, { userId: 'jane@example.com' })).body, { contact: { email: 'jane@example.com', firstName: 'Jane' } });
  const remembered = recordOf(identify({ firstName: 'Jane' }, { context: { traits: { email: 'jane@example.com' } } }));
  assert.deepEqual(remembered.body, { contact: { email: 'jane@example.com', firstName: 'Jane' } }, 'the email Signal remembers (context.traits)');
  const bad = mapped(identify({ email: 'jane@' }));
  assert.equal(bad.payload, null);
  assert.match(String(bad.error), /the email "jane@" \(traits\.email, or context\.traits\.email\) is not an email address ActiveCampaign accepts/);
  const phone = mapped(identify({ email: 'jane@example.com', phone: '07700 900123' }));
  assert.deepEqual(phone.payload?.body, { contact: { email: 'jane@example.com' } });
  assert.deepEqual(phone.warnings, ['phone left out: "07700 900123" does not read as a phone number with its country code (set config.default_country_code to read numbers written without one)']);
  assert.deepEqual(recordOf(identify({ email: 'jane@example.com', phone: '07700 900123' }), { default_country_code: '44' }).body, { contact: { email: 'jane@example.com', phone: '+447700900123' } });
  assert.equal(contactEmailOf(undefined, 'null'), undefined, 'a placeholder userId is no one');
  // The SDK's strict check (isSendableEmail with strict): a list or a bracketed address is none, 254 characters at most.
  assert.throws(() => contactEmailOf('<jane@example.com>', 'u-1'), /^PermanentError: the email "<jane@example\.com>" \(traits\.email, or context\.traits\.email\) is not an email address ActiveCampaign accepts/);
  assert.throws(() => contactEmailOf('jane@example.com;john@example.com', 'u-1'), /is not an email address ActiveCampaign accepts/);
  assert.throws(() => contactEmailOf(`${'j'.repeat(255 - '@example.com'.length)}@example.com`, 'u-1'), /is not an email address ActiveCampaign accepts/);
  assert.equal(contactEmailOf(undefined, '<jane@example.com>'), undefined, 'a bracketed userId is no email');
  assert.equal(contactEmailOf('  ', ' Jane@Example.com '), 'Jane@Example.com', 'a blank email: the userId that is one, trimmed');
});

test('custom field values: text, numbers, booleans, lists of options; objects and odd lists left out, saying which trait', () => {
  assert.deepEqual(fieldValueOf(' pro '), { value: 'pro' });
  assert.deepEqual(fieldValueOf(2.5), { value: '2.5' });
  assert.deepEqual(fieldValueOf(true), { value: 'true' });
  assert.deepEqual(fieldValueOf(['a', 2]), { value: '||a||2||' });
  assert.equal(fieldValueOf(null), undefined, 'null sends nothing (the field keeps its value)');
  assert.equal(fieldValueOf('  '), undefined);
  assert.equal(fieldValueOf([]), undefined);
  assert.ok('leftOut' in fieldValueOf([{ a: 1 }])!);
  assert.ok('leftOut' in fieldValueOf(['a||b'])!);
  const result = mapped(identify({ email: 'jane@example.com', address: { city: 'Paris' }, constructor: 'x' } as JsonObject), { custom_fields: { address: '4', toString: '5' } });
  assert.deepEqual(result.payload?.body, { contact: { email: 'jane@example.com' } }, 'own traits only');
  assert.deepEqual(result.warnings, ['traits.address left out of custom field 4: an object: ActiveCampaign custom fields hold text, numbers, dates and lists of options']);
});

test('track → Event Tracking: the config\'s name, else its own; the person\'s email as visit; the properties as eventdata without contact information; the form as ActiveCampaign documents it', () => {
  const event = browserEvent({ event: 'Order Completed', properties: { order_id: 'A-1', revenue: 74.97, email: 'other@example.com', products: [{ sku: 'S-1' }] } });
  const config = { event_names: { 'Order Completed': 'purchase' } };
  assert.deepEqual(recordOf(event, config), { kind: 'event', event: 'purchase', email: 'jane@example.com', eventdata: '{"order_id":"A-1","revenue":74.97,"products":[{"sku":"S-1"}]}' });
  const request = sent(event, config);
  assert.equal(request.method, 'POST');
  assert.equal(request.url, 'https://trackcmp.net/event');
  assert.equal(request.url, TRACK_EVENT_URL);
  assert.deepEqual(request.headers, { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' });
  assert.deepEqual(formOf(request), [
    ['key', EVENT_KEY], ['event', 'purchase'], ['eventdata', '{"order_id":"A-1","revenue":74.97,"products":[{"sku":"S-1"}]}'], ['actid', '1111111'], ['visit', '{"email":"jane@example.com"}'],
  ]);
  assert.equal(request.body, `key=${EVENT_KEY}&event=purchase&eventdata=%7B%22order_id%22%3A%22A-1%22%2C%22revenue%22%3A74.97%2C%22products%22%3A%5B%7B%22sku%22%3A%22S-1%22%7D%5D%7D&actid=1111111&visit=%7B%22email%22%3A%22jane%40example.com%22%7D`);
  assert.deepEqual(request.eventIds, ['m-1']);
  assert.equal(request.endpoint, 'events');
  assert.equal(JSON.stringify(recordOf(event, config)).includes(EVENT_KEY), false, 'the Event Key stays out of the mapped event');
  assert.deepEqual(formOf(sent(browserEvent({ properties: { eventdata: 'trial', plan: 'pro' } }))), [['key', EVENT_KEY], ['event', 'Signed Up'], ['eventdata', 'trial'], ['actid', '1111111'], ['visit', '{"email":"jane@example.com"}']], 'properties.eventdata is the value when given');
  assert.deepEqual(formOf(sent(browserEvent({ properties: {} }))).map(([name]) => name), ['key', 'event', 'actid', 'visit'], 'no properties, no eventdata');
});

test('track: not sent without Event Tracking configured, without an email; a name over 32 characters dead-lettered; eventdata over the plugin\'s bound left out', () => {
  const unconfigured = mapped(browserEvent(), { actid: '', event_key: '' });
  assert.equal(unconfigured.payload, null);
  assert.deepEqual(unconfigured.warnings, ['"Signed Up" not sent to ActiveCampaign: Event Tracking is not configured (config.actid and config.event_key, from Website > Site Tracking > Event Tracking)']);
  const anonymous = mapped(browserEvent({ userId: undefined, context: {} } as Partial<CanonicalEvent>));
  assert.equal(anonymous.payload, null);
  assert.deepEqual(anonymous.warnings, ['"Signed Up" not sent to ActiveCampaign: no email for the person (traits.email, one Signal remembers from their identify, or a userId that is an email address); Event Tracking attributes an event to a contact by email only']);
  assert.equal(recordOf(browserEvent({ userId: 'jane@example.com', context: {} } as Partial<CanonicalEvent>)).email, 'jane@example.com');
  const long = mapped(browserEvent({ event: 'Product Added To Comparison Table View' }));
  assert.equal(long.payload, null);
  assert.match(String(long.error), /the event name "Product Added To Comparison Table View" is 38 characters long; ActiveCampaign takes event names of at most 32: map a shorter one in config\.event_names/);
  assert.equal(recordOf(browserEvent({ event: 'Product Added To Comparison Table View' }), { event_names: { 'Product Added To Comparison Table View': 'comparison_viewed' } }).event, 'comparison_viewed');
  const emoji = `${'x'.repeat(31)}🛒`;
  assert.equal(recordOf(browserEvent({ event: emoji })).event, emoji, '32 characters (an emoji is one), not 33 UTF-16 units');
  const warnings: string[] = [];
  assert.equal(eventDataOf('x'.repeat(MAX_EVENTDATA_CHARS + 1), { ...ctx(), warn: (m) => warnings.push(m) }), undefined);
  assert.deepEqual(warnings, [`eventdata left out: ${MAX_EVENTDATA_CHARS + 1} characters, more than the ${MAX_EVENTDATA_CHARS} the plugin sends (ActiveCampaign documents no limit); map a shorter value to eventdata in the blueprint`]);
  assert.equal(eventDataOf({ email: 'jane@example.com' }, ctx()), undefined, 'nothing left once contact information is out');
  assert.equal(eventDataOf(42, ctx()), '42');
});

test('page calls: sent only when config.event_names names them (page:<name>, then page), with the path as eventdata; screen, alias and group not sent', () => {
  const unnamed = mapped(page('Pricing'));
  assert.equal(unnamed.payload, null);
  assert.deepEqual(unnamed.warnings, ['the page call not sent to ActiveCampaign: no event name for it (name it in config.event_names, e.g. {"page:Pricing": "page_viewed"})']);
  assert.deepEqual(recordOf(page('Pricing'), { event_names: { 'page:Pricing': 'viewed_pricing', page: 'page_viewed' } }), { kind: 'event', event: 'viewed_pricing', email: 'jane@example.com', eventdata: '/pricing' });
  assert.equal(recordOf(page('Home'), { event_names: { 'page:Pricing': 'viewed_pricing', page: 'page_viewed' } }).event, 'page_viewed');
  assert.equal(JSON.stringify(recordOf(page('Pricing'), { event_names: { page: 'page_viewed' } })).includes('token'), false, 'no URL query');
  for (const type of ['screen', 'alias', 'group']) {
    const result = mapped(browserEvent({ type, event: undefined } as Partial<CanonicalEvent>), { event_names: { page: 'page_viewed' } });
    assert.equal(result.payload, null, type);
    assert.match(String(result.dropReason), /^blueprint:/, `${type}: the blueprint drops it`);
  }
});

test('requests: the list step\'s memberships lookup and list status as ActiveCampaign documents them', () => {
  assert.deepEqual(membershipsRequest('113', { list: 2, status: 1 }, ['m-1'], ctx()), {
    method: 'GET', url: 'https://acme.api-us1.com/api/3/contacts/113/contactLists', query: [['limit', '100']], headers: { 'Api-Token': API_KEY, accept: 'application/json' },
    eventIds: ['m-1'], endpoint: 'api', memo: { activecampaign: 'memberships', list: { list: 2, status: 1 }, contact: '113' },
  });
  assert.deepEqual(joinRequest('113', { list: 2, status: 1 }, ['m-1'], ctx()), {
    method: 'POST', url: 'https://acme.api-us1.com/api/3/contactLists', headers: API_HEADERS,
    body: { contactList: { list: '2', contact: '113', status: '1' } }, eventIds: ['m-1'], endpoint: 'api', memo: { activecampaign: 'join', list: { list: 2, status: 1 }, contact: '113' },
  });
  const batch: MappedEvent[] = [
    { id: 'a', event: identify({ email: 'a@example.com' }), payload: { kind: 'contact', body: { contact: { email: 'a@example.com' } } } },
    { id: 'b', event: browserEvent(), payload: { kind: 'event', event: 'Signed Up', email: 'b@example.com' } },
  ];
  assert.deepEqual(activecampaign.send(batch, ctx()).map((r) => [r.method, r.url, r.eventIds]), [['POST', 'https://acme.api-us1.com/api/3/contact/sync', ['a']], ['POST', 'https://trackcmp.net/event', ['b']]]);
  assert.throws(() => activecampaign.send([{ id: 'x', event: browserEvent(), payload: { kind: 'other' } }], ctx()), /holds no ActiveCampaign record/);
});

test('classify: the sync\'s answer leads to the list step (memberships, then the list status only when the list is not among them); "unsubscribed" goes straight to the status', () => {
  const subscribing = sent(identify({ email: 'jane@example.com' }, { context: { consent: { marketing: true } } }), { list_id: 2 });
  const synced = classifyActiveCampaign(answer(201, SYNCED), subscribing, ctx({ list_id: 2 }));
  assert.ok('next' in synced);
  assert.deepEqual(synced.next.map((r) => [r.method, r.url]), [['GET', 'https://acme.api-us1.com/api/3/contacts/113/contactLists']]);
  const lookup = synced.next[0]!;
  const absent = classifyActiveCampaign(answer(200, { contactLists: [membership('1', '1')], meta: { total: '1' } }), lookup, ctx());
  assert.ok('next' in absent);
  assert.deepEqual(absent.next.map((r) => [r.method, r.url, r.body]), [['POST', 'https://acme.api-us1.com/api/3/contactLists', { contactList: { list: '2', contact: '113', status: '1' } }]]);
  assert.deepEqual(classifyActiveCampaign(answer(200, { contactList: { contact: '113', list: '2', status: 1 } }), absent.next[0]!, ctx()), { status: 'delivered' });
  for (const status of ['0', '1', '2', '3']) {
    assert.deepEqual(classifyActiveCampaign(answer(200, { contactLists: [membership('2', status)] }), lookup, ctx()), { status: 'delivered' }, `a membership of status ${status} is left as it is`);
  }
  const full = { contactLists: Array.from({ length: 100 }, (_, n) => membership(String(n + 10), '1')) };
  assert.deepEqual(classifyActiveCampaign(answer(200, full), lookup, ctx()), { status: 'delivered' }, 'a full page cannot say: nobody is subscribed');
  assert.deepEqual(membershipOf(answer(200, { contactLists: [], meta: { total: '3' } }), 2, 100), { unknown: 'the contact has more list memberships than one page holds (0 of 3)' });

  const unsubscribing = sent(identify({ email: 'jane@example.com' }), { list_id: 2, list_status: 'unsubscribed' });
  const straight = classifyActiveCampaign(answer(201, SYNCED), unsubscribing, ctx());
  assert.ok('next' in straight);
  assert.deepEqual(straight.next.map((r) => [r.method, r.url, r.body]), [['POST', 'https://acme.api-us1.com/api/3/contactLists', { contactList: { list: '2', contact: '113', status: '2' } }]]);
  assert.deepEqual(classifyActiveCampaign(answer(201, SYNCED), sent(identify({ email: 'jane@example.com' })), ctx()), { status: 'delivered' }, 'no list: the sync settles it');
  assert.match(reasonOf(classifyActiveCampaign(answer(201, { contact: { email: 'jane@example.com' } }), subscribing, ctx())), /the sync's answer names no contact id, which the list step needs/);
});

test('classify: Event Tracking\'s success 1 delivered, success 0 dead-lettered with its message; a proxy\'s page retried', () => {
  const event = sent(browserEvent());
  assert.deepEqual(classifyActiveCampaign(answer(200, { success: 1, message: 'Event spawned' }), event, ctx()), { status: 'delivered' });
  const refused = classifyActiveCampaign(answer(200, { success: 0, message: 'Invalid key' }), event, ctx());
  assert.equal(statusOf(refused), 'dead_letter');
  assert.match(reasonOf(refused), /^ActiveCampaign did not record the event \(HTTP 200: Invalid key\): check that Event Tracking is switched on \(Website > Site Tracking > Event Tracking\), and config\.actid and config\.event_key/);
  assert.equal(statusOf(classifyActiveCampaign(answer(200, '<html>Sign in to the Wi-Fi</html>'), event, ctx())), 'retry');
  assert.equal(statusOf(classifyActiveCampaign(answer(200, ''), event, ctx())), 'retry', 'no verdict, not recorded');
  assert.equal(statusOf(classifyActiveCampaign(answer(200, '<html></html>'), sent(identify({ email: 'jane@example.com' })), ctx())), 'retry');
});

test('classify: a 422 dead-lettered with ActiveCampaign\'s title, detail and field, and what to fix', () => {
  const sync = sent(identify({ email: 'jane@example.com' }));
  const duplicate = classifyActiveCampaign(answer(422, { errors: [{ title: 'Email address already exists in the system', detail: '', code: 'duplicate', source: { pointer: '/data/attributes/email' } }] }), sync, ctx());
  assert.deepEqual(duplicate, { status: 'dead_letter', reason: 'ActiveCampaign refused the contact (HTTP 422: Email address already exists in the system (field email, duplicate)): the contact\'s email (traits.email, or context.traits.email) is refused: fix it at the source, then replay the dead letter (replayDeadLetters)' });
  const field = classifyActiveCampaign(answer(422, { errors: [{ title: 'Invalid field value', detail: 'The value for field 6 must be a date', code: 'invalid', source: { pointer: '/data/attributes/fieldValues' } }] }), sync, ctx());
  assert.match(reasonOf(field), /^ActiveCampaign refused the contact \(HTTP 422: Invalid field value: The value for field 6 must be a date \(field fieldValues, invalid\)\): check config\.custom_fields and config\.user_id_field/);
  const join = joinRequest('113', { list: 2, status: 1 }, ['m-1'], ctx());
  assert.match(reasonOf(classifyActiveCampaign(answer(422, { errors: [{ title: 'The list attribute was not provided', code: 'field_missing' }] }), join, ctx())), /^ActiveCampaign refused the list status \(list 2\) \(HTTP 422: The list attribute was not provided \(field_missing\)\): check config\.list_id/);
  assert.deepEqual(errorsOf(answer(400, { errors: ['Field name is required'] })), [{ title: 'Field name is required', detail: '', code: '', pointer: '' }]);
  assert.equal(answered(answer(404, { message: 'No Result found for Subscriber with id 1' })), 'HTTP 404: No Result found for Subscriber with id 1');
});

test('classify: 429 and 5xx retried after Retry-After; 403 names the API key (the event\'s Event Tracking); 402 the billing; 404 by step', () => {
  const sync = sent(identify({ email: 'jane@example.com' }));
  assert.deepEqual(classifyActiveCampaign(answer(429, { message: 'Too Many Requests' }, { 'Retry-After': '30' }), sync, ctx()), { status: 'retry', reason: 'ActiveCampaign rate limit reached (HTTP 429: Too Many Requests)', retryAfterMs: 30_000, throttled: true });
  assert.deepEqual(classifyActiveCampaign(answer(503, 'Service Unavailable'), sync, ctx()), { status: 'retry', reason: 'ActiveCampaign HTTP 503: Service Unavailable' });
  assert.equal(statusOf(classifyActiveCampaign(answer(408, ''), sync, ctx())), 'retry');
  const forbidden = classifyActiveCampaign(answer(403, { message: 'Forbidden' }), sync, ctx());
  assert.equal(statusOf(forbidden), 'dead_letter');
  assert.match(reasonOf(forbidden), /^ActiveCampaign refused the contact \(HTTP 403: Forbidden\): check config\.api_key .* and config\.api_url/);
  assert.match(reasonOf(classifyActiveCampaign(answer(403, {}), sent(browserEvent()), ctx())), /^ActiveCampaign refused the event \(HTTP 403\): check that Event Tracking is switched on/);
  assert.match(reasonOf(classifyActiveCampaign(answer(402, { message: 'Payment Required' }), sync, ctx())), /for the account's payment \(HTTP 402: Payment Required\): settle the account's billing/);
  assert.match(reasonOf(classifyActiveCampaign(answer(404, { message: 'Not Found' }), sync, ctx())), /check config\.api_url/);
  const lookup = membershipsRequest('113', { list: 2, status: 1 }, ['m-1'], ctx());
  assert.deepEqual(classifyActiveCampaign(answer(404, { message: 'No Result found for Subscriber with id 113' }), lookup, ctx()), { status: 'retry', reason: 'HTTP 404: No Result found for Subscriber with id 113: the contact is gone from ActiveCampaign since the sync (deleted meanwhile?), so the identify is sent again from the sync' });
  assert.match(reasonOf(classifyActiveCampaign(answer(404, { message: 'No Result found for List with id 2' }), joinRequest('113', { list: 2, status: 1 }, ['m-1'], ctx()), ctx())), /check config\.list_id/);
  assert.match(reasonOf(classifyActiveCampaign(answer(400, {}), sent(browserEvent()), ctx())), /at most 32 characters; config\.event_names/);
});

test('person deletions: by email — a lookup, then DELETE /contacts/{id}; other userIds and anonymous ids skipped saying why', () => {
  const c = ctx();
  const byEmail = (email: string): RequestDescriptor => ({ method: 'GET', url: 'https://acme.api-us1.com/api/3/contacts', query: [['email', email]], headers: { 'Api-Token': API_KEY, accept: 'application/json' }, eventIds: [] });
  const lookup = forgetPerson.request({ userId: ' Jane@Example.com ', anonymousId: 'df_abc' }, c);
  assert.deepEqual(lookup, [byEmail('Jane@Example.com')]);
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc' }, c), { skipped: NOT_AN_EMAIL });
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc', emails: [] }, c), { skipped: NOT_AN_EMAIL });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc' }, c), { skipped: ANONYMOUS_ONLY });
  assert.ok('skipped' in (forgetPerson.request({ userId: 'null', anonymousId: null }, c) as object));
  // The emails Signal found for the person (remembered identify traits, deleted events' traits).
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc', emails: ['jane@example.com', 'j.doe@work.example'] }, c), [byEmail('jane@example.com'), byEmail('j.doe@work.example')]);
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc', emails: ['jane@example.com'] }, c), [byEmail('jane@example.com')], 'a visitor whose identify gave an email');
  assert.deepEqual(forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com', 'jane@example'] }, c), [byEmail('Jane@Example.com')], 'the userId’s address once, whatever its case; no address without a domain dot');
  const request = byEmail('Jane@Example.com');
  const read = forgetPerson.read!;
  const found = read(answer(200, { scoreValues: [], contacts: [{ id: '113', email: 'jane@example.com' }], meta: { total: '1' } }), request, c);
  assert.deepEqual(found, { next: { method: 'DELETE', url: 'https://acme.api-us1.com/api/3/contacts/113', headers: { 'Api-Token': API_KEY, accept: 'application/json' }, eventIds: [] } });
  assert.deepEqual(read(answer(200, { contacts: [], meta: { total: '0' } }), request, c), { done: true, message: 'ActiveCampaign has no contact with this email: nothing to delete' });
  assert.deepEqual(read(answer(200, { contacts: [{ id: '5', email: 'jane@example.com' }, { id: '6', email: 'jane@example.com' }] }), request, c), { failed: '2 ActiveCampaign contacts have this email: none was deleted — delete them in ActiveCampaign (Contacts)' });
  assert.ok('retry' in read(answer(200, '<html>proxy</html>'), request, c));
  const deletion = (found as { next: RequestDescriptor }).next;
  assert.deepEqual(read(answer(200, {}), deletion, c), { done: true, message: `deleted (HTTP 200): ${DELETED}` });
  assert.deepEqual(read(answer(404, { message: 'No result found for contact with id 113' }), deletion, c), { done: true, message: 'the contact is no longer in ActiveCampaign: nothing to delete' });
  assert.deepEqual(read(answer(429, {}, { 'retry-after': '30' }), request, c), { retry: 'ActiveCampaign rate limit reached (HTTP 429: (no message))', afterSeconds: 30 });
  assert.ok('retry' in read(answer(503, 'busy'), deletion, c));
  const refused = read(answer(403, { message: 'Forbidden' }), deletion, c);
  assert.ok('failed' in refused && /check config\.api_key/.test(refused.failed));
  assert.equal(forgetPerson.enabled(BASE_CONFIG), true);
  assert.equal(forgetPerson.enabled({ ...BASE_CONFIG, forward_deletions: false }), false);
  assert.equal(forgetPerson.enabled({ ...BASE_CONFIG, api_url: 'http://acme.api-us1.com' }), false);
});

test('definition: marketing consent, 5 requests a second to the API and to Event Tracking, one record a request, the documented success answers', () => {
  assert.equal(activecampaign.id, 'activecampaign');
  assert.equal(activecampaign.category, 'cdp');
  assert.deepEqual(activecampaign.consent, ['marketing']);
  assert.deepEqual(activecampaign.rateLimit, { rps: 10, burst: 10, endpoints: { api: { rps: 5, burst: 5 }, events: { rps: 5, burst: 5 } } });
  assert.deepEqual(activecampaign.batch, { maxEvents: 1, maxBytes: 64_000 });
  assert.deepEqual(activecampaign.successAnswer, { status: 200, body: { success: 1, message: 'Event spawned' } });
  assert.deepEqual(activecampaign.forgetPerson?.successAnswer, { status: 200, body: { scoreValues: [], contacts: [], meta: { total: '0' } } });
  assert.equal(activecampaign.clickIds, undefined);
});
