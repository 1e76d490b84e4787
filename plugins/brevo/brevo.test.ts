import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import brevo from './index.ts';
import { classifyBrevo } from './classify.ts';
import { validateBrevoConfig } from './config.ts';
import { eventBody, eventNameOf, eventPropertiesOf } from './brevo-event.ts';
import { ANONYMOUS_ONLY, DELETED, forgetPerson } from './forget-person.ts';

const KEY = 'xkeysib-0123456789abcdef-AbCdEf';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const HEADERS = { 'content-type': 'application/json', accept: 'application/json', 'api-key': KEY };
const ctx = (config: Record<string, JsonValue> = {}, variant = 'default'): PluginContext => ({ config: { api_key: KEY, ...config }, variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc', userId: 'u-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', traits: { email: 'jane@example.com' } },
  ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}) => browserEvent({ type: 'identify', event: undefined, traits, context: {}, ...overrides });
const blueprints = { default: readFileSync(new URL('../../blueprints/brevo/default.yaml', import.meta.url), 'utf8'), retail: readFileSync(new URL('../../blueprints/brevo/retail.yaml', import.meta.url), 'utf8') };
type Variant = keyof typeof blueprints;
/** Maps an event as delivery does: the variant's shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant: Variant = 'default') => createEventMapper(brevo, { variant, blueprint: blueprints[variant] }, ctx(config, variant))(event);
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant: Variant = 'default'): JsonObject => {
  const result = mapped(event, config, variant);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const contact = (id: string): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { kind: 'contact', body: { email: `${id}@example.com`, updateEnabled: true } } });
const ev = (id: string): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { kind: 'event', body: { event_name: 'Viewed', event_date: '2024-03-24T16:00:00.000Z', identifiers: { ext_id: 'u-1' } } } });
const contactRequest = (): RequestDescriptor => brevo.send([contact('c1')], ctx())[0]!;
const eventRequest = (): RequestDescriptor => brevo.send([ev('e1')], ctx())[0]!;
const reasonOf = (c: ClassifyResult): string => ('reason' in c ? c.reason : '');
const statusOf = (c: ClassifyResult): string => ('status' in c ? c.status : 'next' in c ? 'next' : 'perEvent');

test('identify → a contact: email, the userId as ext_id, FIRSTNAME/LASTNAME/SMS in E.164, config attributes, updateEnabled; no list without marketing consent', () => {
  const record = recordOf(identify({ email: ' Jane@Example.com ', firstName: 'Jane', last_name: 'Doe', phone: '06 12 34 56 78', company: 'Acme', plan: 'pro' }), { attributes: { company: 'COMPANY' }, default_country_code: '33', list_ids: [2, 7] });
  assert.deepEqual(record, {
    kind: 'contact',
    body: { email: 'Jane@Example.com', ext_id: 'u-1', attributes: { FIRSTNAME: 'Jane', LASTNAME: 'Doe', SMS: '+33612345678', COMPANY: 'Acme' }, updateEnabled: true },
  });
  const consenting = recordOf(identify({ email: 'jane@example.com' }, { context: { consent: { marketing: true } } }), { list_ids: [2, 7] });
  assert.deepEqual(consenting.body, { email: 'jane@example.com', ext_id: 'u-1', listIds: [2, 7] }, 'marketing consent: the config\'s lists, in a creation (no updateEnabled): an existing contact is updated without them');
  const denied = recordOf(identify({ email: 'jane@example.com' }, { context: { consent: { marketing: true, categoryPreferences: { marketing: false } } } }), { list_ids: [2] });
  assert.equal(denied.body && (denied.body as JsonObject).listIds, undefined, 'a denial anywhere wins');
  const remembered = mapped(identify({ firstName: 'Jane' }, { context: { consent: { marketing: true }, traits: { email: 'jane@example.com' } } } as Partial<CanonicalEvent>), { list_ids: [2] });
  assert.equal((remembered.payload?.body as JsonObject).email, 'jane@example.com', 'the remembered email still names the contact');
  assert.equal((remembered.payload?.body as JsonObject).listIds, undefined, 'but joins no list: that comes from a call giving the email');
  assert.match(remembered.warnings?.join('\n') ?? '', /listIds not sent: the identify gives no email of its own/);
  assert.equal(JSON.stringify(record).includes('Blacklisted'), false, 'blocklisting never sent');
});

test('a phone without its country code and no default: SMS left out with a warning; a contact by its userId alone is sent, one with neither email, SMS nor userId is not; an invalid email is dead-lettered naming the trait, or left out when the userId names the contact', () => {
  const result = mapped(identify({ email: 'jane@example.com', phone: '06 12 34 56 78' }));
  assert.deepEqual(result.payload, { kind: 'contact', body: { email: 'jane@example.com', ext_id: 'u-1', updateEnabled: true } });
  assert.ok(result.warnings?.some((w) => /attributes\.SMS left out: "06 12 34 56 78" is no phone number with its country code \(set config\.default_country_code/.test(w)), JSON.stringify(result.warnings));
  const smsOnly = recordOf(identify({ phone: '+44 7700 900123' }));
  assert.deepEqual(smsOnly.body, { ext_id: 'u-1', attributes: { SMS: '+447700900123' }, updateEnabled: true });
  const byUserIdOnly = recordOf(identify({ firstName: 'Jane' }));
  assert.deepEqual(byUserIdOnly.body, { ext_id: 'u-1', attributes: { FIRSTNAME: 'Jane' }, updateEnabled: true }, 'Brevo creates a contact from its ext_id alone');
  const nobody = mapped(identify({ firstName: 'Jane' }, { userId: undefined }));
  assert.equal(nobody.payload, null, 'no email, no SMS, no userId: Brevo cannot hold the contact');
  const bad = mapped(identify({ email: 'jane@' }, { userId: undefined }));
  assert.match(String(bad.error), /the email "jane@" \(traits\.email, or context\.traits\.email\) is not an email address Brevo accepts/);
  const badWithUserId = mapped(identify({ email: 'jane@', firstName: 'Jane' }));
  assert.deepEqual(badWithUserId.payload, { kind: 'contact', body: { ext_id: 'u-1', attributes: { FIRSTNAME: 'Jane' }, updateEnabled: true } }, 'the userId names the contact: only the bad address is left out');
  assert.ok(badWithUserId.warnings?.includes('email left out: "jane@" (traits.email, or context.traits.email) is not an email address'), JSON.stringify(badWithUserId.warnings));
});

test('track → an event: name fitted, ext_id and email_id identifiers, event_date, properties without contact data; anonymous events not sent', () => {
  const record = recordOf(browserEvent({ properties: { plan: 'pro', 'seat count': 3, email: 'someone@example.com', nested: { a: 1 } } }));
  assert.deepEqual(record, {
    kind: 'event',
    body: { event_name: 'Signed_Up', event_date: '2024-03-24T16:00:00.000Z', identifiers: { ext_id: 'u-1', email_id: 'jane@example.com' }, event_properties: { plan: 'pro', seat_count: 3, nested: { a: 1 } } },
  });
  assert.equal(mapped(browserEvent({ userId: undefined, context: {} })).payload, null, 'an anonymous visitor names no contact');
  assert.equal(mapped(browserEvent({ type: 'page', event: undefined, name: 'Home' } as Partial<CanonicalEvent>)).payload, null, 'page views are not sent');
  const badEmail = mapped(browserEvent({ context: { traits: { email: 'not-an-email' } } }));
  assert.deepEqual((badEmail.payload?.body as JsonObject).identifiers, { ext_id: 'u-1' }, 'a bad remembered email is left out when the userId names the contact');
});

test('event names and property keys fitted to Brevo\'s alphabet; a name with nothing left and properties over 50 KB are refused, saying why', () => {
  assert.equal(eventNameOf('Order Completed'), 'Order_Completed');
  assert.equal(eventNameOf('Produkt angesehen (€)'), 'Produkt_angesehen');
  assert.equal(eventNameOf('x'.repeat(300)).length, 255);
  assert.throws(() => eventNameOf('€€€'), /Brevo needs an event name of letters, digits, hyphens or underscores, and "€€€" leaves none/);
  const warnings: string[] = [];
  const props = eventPropertiesOf({ 'a b': 1, a_b: 2, '€': 3 }, { ...ctx(), warn: (m) => warnings.push(m) });
  assert.deepEqual(props, { a_b: 1 });
  assert.deepEqual(warnings, ['properties.a_b left out: it is a_b in Brevo\'s alphabet, which an earlier property has', 'properties.€ left out: Brevo property names are letters, digits, hyphens and underscores']);
  assert.throws(() => eventPropertiesOf({ blob: 'x'.repeat(50_001) }, ctx()), /Brevo takes at most 50 KB of event_properties/);
  const nestedWarnings: string[] = [];
  const nested = eventPropertiesOf(JSON.parse('{"cart": {"item count": 2, "gift wrap": null, "lines": [{"unit price": 9.5}, null]}, "constructor": "kept"}') as JsonObject, { ...ctx(), warn: (m) => nestedWarnings.push(m) });
  assert.equal(JSON.stringify(nested), '{"cart":{"item_count":2,"lines":[{"unit_price":9.5}]},"constructor":"kept"}', 'keys fitted at any depth, nulls left out, a key named like an Object method kept');
  assert.deepEqual(nestedWarnings, []);
  const dateWarnings: string[] = [];
  assert.deepEqual(eventBody({ event_name: 'Viewed', ext_id: 'u-1' }, ctx()), { event_name: 'Viewed', identifiers: { ext_id: 'u-1' } }, 'no event_date mapped: Brevo takes the time it receives the event');
  assert.deepEqual(eventBody({ event_name: 'Viewed', ext_id: 'u-1', event_date: 'yesterday' }, { ...ctx(), warn: (m) => dateWarnings.push(m) }), { event_name: 'Viewed', identifiers: { ext_id: 'u-1' } });
  assert.equal(eventBody({ event_name: 'Viewed', ext_id: 'u-1', event_date: 1e300 }, ctx())?.event_date, undefined, 'out of Date\'s range: left out, no crash');
  assert.deepEqual(dateWarnings, ['event_date left out: "yesterday" is no time Brevo can read, so Brevo records the time it receives the event']);
  const clash: string[] = [];
  assert.deepEqual(eventPropertiesOf({ cart: { 'a b': 1, a_b: 2 } }, { ...ctx(), warn: (m) => clash.push(m) }), { cart: { a_b: 1 } });
  assert.deepEqual(clash, ['properties.cart.a_b left out: it is a_b in Brevo\'s alphabet, which an earlier property has']);
});

test('retail: Order Completed → order_completed with typed total, currency and products', () => {
  const record = recordOf(browserEvent({ event: 'Order Completed', properties: { order_id: 1001, total: '59.90', currency: 'eur', products: [{ product_id: 7, name: 'Mug', price: '9.95', quantity: 2 }] } }), {}, 'retail');
  assert.deepEqual(record.body, {
    event_name: 'order_completed', event_date: '2024-03-24T16:00:00.000Z', identifiers: { ext_id: 'u-1', email_id: 'jane@example.com' },
    event_properties: { order_id: '1001', total: 59.9, currency: 'EUR', products: [{ product_id: '7', name: 'Mug', price: 9.95, quantity: 2 }] },
  });
});

test('requests: one record each, a contact to /v3/contacts, an event to /v3/events, with the api-key header', () => {
  const requests = brevo.send([contact('c1'), ev('e1')], ctx());
  assert.deepEqual(requests, [
    { method: 'POST', url: 'https://api.brevo.com/v3/contacts', headers: HEADERS, body: { email: 'c1@example.com', updateEnabled: true }, eventIds: ['c1'], endpoint: 'contacts' },
    { method: 'POST', url: 'https://api.brevo.com/v3/events', headers: HEADERS, body: { event_name: 'Viewed', event_date: '2024-03-24T16:00:00.000Z', identifiers: { ext_id: 'u-1' } }, eventIds: ['e1'], endpoint: 'events' },
  ]);
});

test('classify: 201/204 delivered; a web page in a 2xx retried; 429 after x-sib-ratelimit-reset; 401 and 400 codes dead-lettered saying what to fix; 5xx retried', () => {
  assert.deepEqual(classifyBrevo(answer(201, { id: 42 }), contactRequest(), ctx()), { status: 'delivered' });
  assert.deepEqual(classifyBrevo(answer(204, ''), eventRequest(), ctx()), { status: 'delivered' });
  const page = classifyBrevo(answer(200, '<html>Sign in to the Wi-Fi</html>'), eventRequest(), ctx());
  assert.equal(statusOf(page), 'retry');
  assert.equal(reasonOf(page), 'the answer (HTTP 200: <html>Sign in to the Wi-Fi</html>) is not Brevo\'s (a proxy or firewall in between?): sent again');
  assert.deepEqual(classifyBrevo(answer(429, { code: 'too_many_requests', message: 'Too many requests' }, { 'x-sib-ratelimit-limit': '10', 'x-sib-ratelimit-remaining': '0', 'x-sib-ratelimit-reset': '3' }), eventRequest(), ctx()),
    { status: 'retry', reason: 'Brevo rate-limited the account (HTTP 429: too_many_requests: Too many requests): 10 requests a window for this endpoint', retryAfterMs: 3000 });
  assert.equal(reasonOf(classifyBrevo(answer(401, { code: 'unauthorized', message: 'Key not found' }), eventRequest(), ctx())),
    'Brevo refused the API key (HTTP 401: unauthorized: Key not found): check config.api_key (an API v3 key, xkeysib-…, not an SMTP key) and, when the account accepts API calls from authorised IP addresses only (Security > Authorised IPs), that Signal\'s egress addresses are among them');
  const duplicate = classifyBrevo(answer(400, { code: 'duplicate_parameter', message: 'Unable to update contact, SMS is already associated with another Contact' }), contactRequest(), ctx());
  assert.equal(statusOf(duplicate), 'dead_letter');
  assert.match(reasonOf(duplicate), /^Brevo refused the contact \(HTTP 400: duplicate_parameter: Unable to update contact, SMS is already associated with another Contact\): another Brevo contact already has this email, SMS number or ext_id/);
  assert.match(reasonOf(classifyBrevo(answer(404, { code: 'document_not_found', message: 'List ID does not exist' }), contactRequest(), ctx())), /a list of config\.list_ids does not exist in the account/);
  assert.match(reasonOf(classifyBrevo(answer(400, { code: 'invalid_parameter', message: 'event_name is invalid' }), eventRequest(), ctx())), /^Brevo refused the event \(HTTP 400: invalid_parameter: event_name is invalid\): check the event's name/);
  assert.equal(statusOf(classifyBrevo(answer(400, { code: 'account_under_validation', message: 'Your account is under validation' }), contactRequest(), ctx())), 'retry');
  assert.equal(statusOf(classifyBrevo(answer(403, { code: 'account_under_validation', message: 'Your account is under validation' }), eventRequest(), ctx())), 'retry');
  assert.deepEqual(classifyBrevo(answer(425, { code: 'account_in_process', message: 'Your account is being processed' }), contactRequest(), ctx()),
    { status: 'retry', reason: 'Brevo is not ready for the account yet, still validating or setting it up (HTTP 425: account_in_process: Your account is being processed): sent again later; the events wait in dead letters, to replay, if it takes longer than the retries' });
  assert.equal(statusOf(classifyBrevo(answer(425, ''), contactRequest(), ctx())), 'retry', 'Too Early without a body');
  assert.equal(statusOf(classifyBrevo(answer(400, { code: 'account_in_process', message: 'Your account is being processed' }), contactRequest(), ctx())), 'retry');
  assert.deepEqual(classifyBrevo(answer(503, { code: 'internal', message: 'down' }), eventRequest(), ctx()), { status: 'retry', reason: 'Brevo HTTP 503: internal: down' });
});

test('lists join only a contact Brevo creates: a list creation refused as a duplicate leads to the update without listIds; a duplicate upsert is still dead-lettered', () => {
  const consent = { context: { consent: { marketing: true } } } as Partial<CanonicalEvent>;
  const joining: MappedEvent = { id: 'j1', event: identify({ email: 'jane@example.com' }, consent), payload: recordOf(identify({ email: 'jane@example.com', firstName: 'Jane' }, consent), { list_ids: [2] }) };
  const [creation] = brevo.send([joining], ctx({ list_ids: [2] }));
  assert.deepEqual(creation, { method: 'POST', url: 'https://api.brevo.com/v3/contacts', headers: HEADERS, body: { email: 'jane@example.com', ext_id: 'u-1', attributes: { FIRSTNAME: 'Jane' }, listIds: [2] }, eventIds: ['j1'], endpoint: 'contacts' });
  assert.deepEqual(classifyBrevo(answer(201, { id: 42 }), creation!, ctx()), { status: 'delivered' }, 'created: in the lists');
  const exists = classifyBrevo(answer(400, { code: 'duplicate_parameter', message: 'Contact already exist' }), creation!, ctx());
  const update: RequestDescriptor = 'next' in exists ? exists.next[0]! : creation!;
  assert.deepEqual(exists, { next: [{ method: 'POST', url: 'https://api.brevo.com/v3/contacts', headers: HEADERS, body: { email: 'jane@example.com', ext_id: 'u-1', attributes: { FIRSTNAME: 'Jane' }, updateEnabled: true }, eventIds: ['j1'], endpoint: 'contacts' }] },
    'Brevo has the contact: its attributes updated, no listIds — someone who left a list is not put back on it');
  assert.deepEqual(classifyBrevo(answer(204, ''), update, ctx()), { status: 'delivered' });
  const clash = classifyBrevo(answer(400, { code: 'duplicate_parameter', message: 'Unable to update contact, SMS is already associated with another Contact' }), update, ctx());
  assert.equal(statusOf(clash), 'dead_letter', 'the update refused as a duplicate too: identifiers of two contacts, dead-lettered as before');
  assert.match(reasonOf(clash), /another Brevo contact already has this email, SMS number or ext_id/);
  assert.match(reasonOf(classifyBrevo(answer(404, { code: 'document_not_found', message: 'List ID does not exist' }), creation!, ctx())), /a list of config\.list_ids does not exist in the account/, 'other refusals of a creation: as before');
  assert.equal(statusOf(classifyBrevo(answer(400, { code: 'duplicate_parameter', message: 'Contact already exist' }), eventRequest(), ctx())), 'dead_letter', 'an event is never a creation');
  const noConsent = recordOf(identify({ email: 'jane@example.com' }), { list_ids: [2] });
  assert.deepEqual(noConsent.body, { email: 'jane@example.com', ext_id: 'u-1', updateEnabled: true }, 'no lists to join: the upsert at once');
});

test('config: the schema accepts the sample; validateBrevoConfig names an SMTP key, white space and attributes the plugin sets', () => {
  const ajv = createConfigAjv();
  const sample = JSON.parse(readFileSync(new URL('./conformance-config.json', import.meta.url), 'utf8')) as Record<string, JsonValue>;
  assert.equal(ajv.validate(brevo.config, sample), true, JSON.stringify(ajv.errors));
  assert.deepEqual(validateBrevoConfig(sample), []);
  assert.deepEqual(validateBrevoConfig({ api_key: 'xsmtpsib-abc', attributes: { mail: 'EMAIL', plan: 'plan' } }), [
    { field: 'api_key', message: 'is an SMTP key (xsmtpsib-…), which sends email through SMTP only: create an API key (xkeysib-…) in Settings > SMTP & API > API Keys' },
    { field: 'attributes', message: 'maps the trait "mail" to EMAIL, which the plugin sets itself (EMAIL from traits.email, EXT_ID from the userId, SMS from traits.phone)' },
    { field: 'attributes', message: 'maps the trait "plan" to "plan", which is no Brevo attribute name (capital letters, digits and underscores, starting with a letter)' },
  ]);
  assert.deepEqual(validateBrevoConfig({ api_key: 'xkeysib-abc\n' }).length, 0, 'a trailing line break is trimmed');
  assert.equal(validateBrevoConfig({ api_key: 'xkeysib abc' })[0]?.field, 'api_key');
});

test('person deletions: by ext_id, and by email for an email userId; an anonymousId alone skipped; 404 done, 401 failed naming api_key, 429 retried after the reset', () => {
  const requests = forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: 'df_abc' }, ctx());
  assert.deepEqual(requests, [
    { method: 'DELETE', url: 'https://api.brevo.com/v3/contacts/Jane%40Example.com', query: [['identifierType', 'ext_id']], headers: HEADERS, eventIds: [] },
    { method: 'DELETE', url: 'https://api.brevo.com/v3/contacts/Jane%40Example.com', query: [['identifierType', 'email_id']], headers: HEADERS, eventIds: [] },
  ]);
  assert.deepEqual(forgetPerson.request({ userId: 'u 1/2', anonymousId: null }, ctx()), [{ method: 'DELETE', url: 'https://api.brevo.com/v3/contacts/u%201%2F2', query: [['identifierType', 'ext_id']], headers: HEADERS, eventIds: [] }]);
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc' }, ctx()), { skipped: ANONYMOUS_ONLY });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc', emails: [] }, ctx()), { skipped: ANONYMOUS_ONLY });
  assert.equal(forgetPerson.enabled({ api_key: KEY, forward_deletions: false }), false);
  const [byExtId] = forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx()) as RequestDescriptor[];
  assert.deepEqual(forgetPerson.read!(answer(204, ''), byExtId, ctx()), { done: true, message: `accepted (HTTP 204): ${DELETED} (by ext_id)` });
  assert.deepEqual(forgetPerson.read!(answer(200, '<html>Sign in to the Wi-Fi</html>'), byExtId, ctx()), { retry: 'HTTP 200: the answer is not Brevo\'s (a proxy or firewall in between?): <html>Sign in to the Wi-Fi</html>' }, 'a proxy\'s page deletes nothing');
  assert.equal('retry' in forgetPerson.read!(answer(404, '<html>Not Found</html>'), byExtId, ctx()), true, 'a 404 page that is not Brevo\'s is no proof the contact is gone');
  assert.deepEqual(forgetPerson.read!(answer(404, { code: 'document_not_found', message: 'Contact does not exist' }), byExtId, ctx()), { done: true, message: 'Brevo has no contact with this ext_id: nothing to delete' });
  assert.match(String((forgetPerson.read!(answer(401, { code: 'unauthorized', message: 'Key not found' }), byExtId, ctx()) as { failed: string }).failed), /^HTTP 401: Brevo refused the API key for the deletion: check config\.api_key/);
  assert.deepEqual(forgetPerson.read!(answer(429, { code: 'too_many_requests', message: 'slow down' }, { 'x-sib-ratelimit-reset': '30' }), byExtId, ctx()), { retry: 'HTTP 429 (Brevo: too_many_requests: slow down)', afterSeconds: 30 });
});

test('person deletions by the emails Signal found for the person: a DELETE by email_id each, after the ext_id\'s; the userId\'s address once; an entry that is no address left out', () => {
  const by = (identifier: string, type: 'ext_id' | 'email_id'): RequestDescriptor => ({ method: 'DELETE', url: `https://api.brevo.com/v3/contacts/${encodeURIComponent(identifier)}`, query: [['identifierType', type]], headers: HEADERS, eventIds: [] });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc', emails: ['jane@example.com'] }, ctx()), [by('jane@example.com', 'email_id')], 'a visitor whose identify gave an email');
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc', emails: ['jane@example.com', 'j.doe@work.example'] }, ctx()), [by('u-1', 'ext_id'), by('jane@example.com', 'email_id'), by('j.doe@work.example', 'email_id')]);
  assert.deepEqual(forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com', 'jane@example'] }, ctx()), [by('Jane@Example.com', 'ext_id'), by('Jane@Example.com', 'email_id')], 'the userId\'s address once, whatever its case; none without a domain dot');
  assert.deepEqual(forgetPerson.request({ userId: 'undefined', anonymousId: null, emails: ['jane@example.com'] }, ctx()), [by('jane@example.com', 'email_id')], 'a placeholder userId names no contact');
});
