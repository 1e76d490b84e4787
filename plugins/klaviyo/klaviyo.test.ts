import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import klaviyo, { validateKlaviyoConfig } from './index.ts';
import { headersOf, revisionOf } from './api.ts';
import { classifyKlaviyo } from './classify.ts';
import { optionsOf } from './config.ts';
import { fitRecord } from './fit-to-klaviyo.ts';
import { ANONYMOUS_ONLY, deletionIdentifierOf, forgetPerson, UNQUOTABLE, UNQUOTABLE_NOTE } from './forget-person.ts';
import { orderedProducts, rowTotalOf } from './ordered-products.ts';
import { normalizeEmail, normalizeProfile } from './profile.ts';

const KEY = 'pk_0123456789abcdef0123456789abcdef01';
const NOW = Date.parse('2024-03-24T16:00:01Z');
const TIME = '2024-03-24T16:00:00.000Z';
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { api_key: KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc123', timestamp: TIME, receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', page: { url: 'https://shop.example.com/signup' } },
  ...overrides,
} as CanonicalEvent);
const fit = (payload: JsonObject, event = browserEvent(), config: Record<string, JsonValue> = {}) => fitRecord(payload, event, ctx(config));
const metricOf = (name: string) => ({ data: { type: 'metric', attributes: { name } } });
const HEADERS = { authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-10-15', 'content-type': 'application/vnd.api+json', accept: 'application/vnd.api+json' };
/** A mapped track event as the map hook makes it. */
const mappedEvent = (id: string, payload: JsonObject = {}, event = browserEvent({ messageId: id })): MappedEvent => ({ id, event, payload: fit({ metric: 'Signed Up', unique_id: id, ...payload }, event) });
const mappedProfile = (id: string, userId = 'u-1'): MappedEvent => {
  const event = browserEvent({ messageId: id, type: 'identify', userId });
  return { id, event, payload: fit({ profile: { email: `${userId}@example.com` } }, event) };
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body });
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const error = (detail: string, pointer?: string, code = 'invalid') => ({ id: 'e0b1', status: 400, code, title: 'Invalid input.', detail, ...(pointer ? { source: { pointer } } : {}) });
const itemPointer = (n: number, rest = '/attributes/events/data/0/attributes/time') => `/data/attributes/events-bulk-create/data/${n}${rest}`;

test('fit: a track call becomes one Bulk Create Events item, its profile identified by external_id and anonymous_id from the canonical event', () => {
  assert.deepEqual(fit({ metric: 'Signed Up', properties: { plan: 'pro' }, time: TIME, unique_id: 'm-1' }, browserEvent({ userId: 'u-1' })), {
    event_bulk_create: {
      type: 'event-bulk-create',
      attributes: {
        profile: { data: { type: 'profile', attributes: { external_id: 'u-1', anonymous_id: 'df_abc123' } } },
        events: { data: [{ type: 'event', attributes: { properties: { plan: 'pro' }, time: TIME, unique_id: 'm-1', metric: metricOf('Signed Up') } }] },
      },
    },
  });
  const item = (payload: JsonObject, event?: CanonicalEvent) => (fit({ metric: 'X', ...payload }, event).event_bulk_create as { attributes: { profile: { data: { attributes: JsonObject } }; events: { data: Array<{ attributes: JsonObject }> } } }).attributes;
  assert.deepEqual(item({}).events.data[0]!.attributes, { properties: {}, time: TIME, unique_id: 'm-1', metric: metricOf('X') }, 'time and unique_id from the event when the blueprint gives none; properties always (Klaviyo requires them)');
  assert.deepEqual(item({ profile: { external_id: 'null', anonymous_id: 'anonymous', email: ' Jane@Example.COM ' } }).profile.data.attributes, { email: 'jane@example.com' }, 'placeholders identify nobody; email trimmed and lower-cased');
  assert.deepEqual(item({ profile: { phone_number: '07700 900123', email: 'not an email' } }, browserEvent()).profile.data.attributes, { anonymous_id: 'df_abc123' }, 'an event leaves out a profile field it cannot use (no default country code)');
  assert.deepEqual(item({ profile: { phone_number: '07700 900123' } }).profile.data.attributes.phone_number, undefined);
  assert.equal(((fit({ metric: 'X', profile: { phone_number: '07700 900123' } }, browserEvent(), { default_country_code: '44' }).event_bulk_create as JsonObject).attributes as { profile: { data: { attributes: JsonObject } } }).profile.data.attributes.phone_number, '+447700900123');
  assert.deepEqual(item({ properties: { plan: 'pro', email: 'jane@example.com', shipping: { name: 'Jane', city: 'Leeds' }, phone: '+44 7700 900123' } }).events.data[0]!.attributes.properties, { plan: 'pro', shipping: { city: 'Leeds' } }, 'contact information left out at any depth');
  assert.deepEqual(item({ value: 9.5, value_currency: ' gbp ', unique_id: 42 }).events.data[0]!.attributes, { properties: {}, time: TIME, value: 9.5, value_currency: 'GBP', unique_id: '42', metric: metricOf('X') });
  assert.deepEqual(item({ metric: 7 }).events.data[0]!.attributes.metric, metricOf('7'), 'a number as a metric name is its digits');
});

test('fit: what Klaviyo would refuse is dead-lettered alone, saying why', () => {
  assert.throws(() => fit({ metric: 'X' }, browserEvent({ anonymousId: 'undefined' })), /^PermanentError: Klaviyo needs an email, phone_number, external_id or anonymous_id for the event's profile and this event has none usable: placeholders/);
  assert.throws(() => fit({ metric: 'X', profile: { email: 'nope' } }, browserEvent({ anonymousId: 'null' })), /none usable \(profile\.email is not one email address\)/);
  assert.throws(() => fit({ metric: ' ' }), /Klaviyo needs a metric name and the blueprint mapped none \(event_name_target: metric\)/);
  assert.throws(() => fit({ metric: 'x'.repeat(128) }), /Klaviyo takes metric names of less than 128 characters; this one has 128/);
  assert.doesNotThrow(() => fit({ metric: 'x'.repeat(127) }));
  assert.throws(() => fit({ metric: 'X', properties: Object.fromEntries(Array.from({ length: 401 }, (_, i) => [`p${i}`, i])) }), /this event has 401 properties and Klaviyo takes at most 400/);
  assert.throws(() => fit({ metric: 'X', properties: 'text' }), /Klaviyo takes properties as an object/);
  assert.throws(() => fit({ metric: 'X', time: '1989-12-31T23:59:59Z' }), /Klaviyo takes event times after 1990 and at most a year ahead; this event's is 1989-12-31T23:59:59\.000Z/);
  assert.throws(() => fit({ metric: 'X', time: '2025-03-25T16:00:02Z' }), /at most a year ahead/);
  assert.throws(() => fit({ metric: 'X', time: 1e20 }), /^PermanentError: Klaviyo takes event times after 1990 and at most a year ahead; this event's is 100000000000000000000$/, 'past what a Date holds: no RangeError');
  assert.throws(() => fit({ metric: 'X', time: 'next tuesday' }), /Klaviyo needs the event's time as an ISO 8601 date-time; the blueprint mapped "next tuesday" to time/);
  assert.throws(() => fit({ metric: 'X', value: '12.5' }), /Klaviyo takes value as a number; the blueprint mapped "12\.5" to value \(map it with the to_number transform\)/);
  assert.throws(() => fit({ metric: 'X', value_currency: '$' }), /value_currency "\$" is not an ISO 4217 code/);
  assert.throws(() => fit({ external_id: 'u-1' }), /the blueprint mapped nothing Klaviyo records: map metric \(an event\) or profile \(a profile update\)/);
});

test('fit: an identify becomes a Create or Update Profile body, normalised, without the anonymousId (the endpoint documents none)', () => {
  const identify = browserEvent({ type: 'identify', userId: 'u-1' });
  const profile = {
    email: ' Jane.Doe@Example.com ', phone_number: '+44 (0)7700 900123', first_name: ' Jane ', last_name: 'Doe', organization: 'Acme', title: 'CTO', image: 'https://cdn.example.com/j.png', locale: 'en-GB',
    location: { address1: '1 High St', city: 'London', region: 'LDN', zip: 12345, country: 'GB', timezone: 'Europe/London', latitude: 51.5 }, properties: { plan: 'premium', cleared: null },
  };
  assert.deepEqual(fit({ profile }, identify), { profile_import: { data: { type: 'profile', attributes: {
    external_id: 'u-1', email: 'jane.doe@example.com', phone_number: '+447700900123', first_name: 'Jane', last_name: 'Doe', organization: 'Acme', title: 'CTO', image: 'https://cdn.example.com/j.png', locale: 'en-GB',
    location: { address1: '1 High St', city: 'London', region: 'LDN', zip: '12345', country: 'GB', timezone: 'Europe/London', latitude: 51.5 }, properties: { plan: 'premium', cleared: null },
  } } } });
  assert.deepEqual(fit({ profile: { email: 'jane@example.com', first_name: null } }, browserEvent({ type: 'identify' })), { profile_import: { data: { type: 'profile', attributes: { email: 'jane@example.com', first_name: null } } } }, 'an anonymous visitor with an email: by email; null clears a field');
  assert.deepEqual(fit({ profile: { email: '  ', phone_number: ' ', first_name: ' ', title: 'CTO' } }, identify), { profile_import: { data: { type: 'profile', attributes: { external_id: 'u-1', title: 'CTO' } } } }, 'blank text (a form\'s empty fields) is no value: neither a dead letter nor a blanked field');
  assert.throws(() => fit({ profile: { phone_number: '07700 900123', gender: 'f', location: { street: 'x' } } }, identify),
    /^PermanentError: the profile update was not sent: profile\.phone_number cannot be put in E\.164 as Klaviyo requires \(no country code in it: set config\.default_country_code, e\.g\. 44\); profile\.gender is not a Klaviyo profile attribute: map it under profile\.properties \(a custom property\); profile\.location\.street is not a location field Klaviyo takes .*\. Fix the value at the source \(or set config\.default_country_code\), or leave it out/);
  assert.throws(() => fit({ profile: { phone_number: 'a'.repeat(64) } }, identify), /profile\.phone_number is a SHA-256 digest: Klaviyo messages people by their phone number, in E\.164, never hashed/);
  assert.throws(() => fit({ profile: { plan: 'x' } }, browserEvent({ type: 'identify' })), /profile\.plan is not a Klaviyo profile attribute/);
  assert.throws(() => fit({ profile: { first_name: 'Jane' } }, browserEvent({ type: 'identify' })), /Klaviyo creates or updates a profile by its email, phone_number or external_id, and this identify has none .*an anonymousId alone cannot be imported/);
  assert.throws(() => fit({ profile: { properties: { blob: 'x'.repeat(100_000) } } }, identify), /this profile update is \d+ bytes and Klaviyo takes at most 100 KB/);
  assert.deepEqual(normalizeProfile('text', identify, { forImport: true }).leftOut, [{ key: 'profile', reason: 'is not an object of profile attributes' }]);
  // Klaviyo's own $ properties record how a person was added and consented: a page's traits never write them.
  assert.deepEqual(fit({ profile: { properties: { plan: 'pro', $consent_method: 'checkout', $source: 'API', ' $email': 'x@example.com' } } }, identify), { profile_import: { data: { type: 'profile', attributes: { external_id: 'u-1', properties: { plan: 'pro' } } } } });
  assert.deepEqual(fit({ profile: { properties: { $consent: ['email'] } } }, identify), { profile_import: { data: { type: 'profile', attributes: { external_id: 'u-1' } } } });
  assert.equal(normalizeEmail('jane@example.com, joe@example.com'), undefined);
});

test('fit: a Placed Order carries an Ordered Product per line (row totals filled in, unique_id per line); off with ordered_product_events: false; at most 1,000 events', () => {
  const order: JsonObject = { metric: 'Placed Order', value: 27.5, value_currency: 'GBP', unique_id: 'O-1', properties: { OrderId: 'O-1', $value: 27.5, Items: [{ ProductID: 'A', ProductName: 'Shoe', ItemPrice: 10, Quantity: 3, Brand: 'Acme' }, { ProductID: 'B', ItemPrice: 7.5, RowTotal: 7.5 }, 'junk'] } };
  const events = ((fit(order).event_bulk_create as JsonObject).attributes as { events: { data: Array<{ attributes: JsonObject }> } }).events.data.map((e) => e.attributes);
  assert.deepEqual(events.map((e) => [(e.metric as { data: { attributes: { name: string } } }).data.attributes.name, e.unique_id, e.value]), [['Placed Order', 'O-1', 27.5], ['Ordered Product', 'O-1:1', 30], ['Ordered Product', 'O-1:2', 7.5]]);
  assert.deepEqual((events[0]!.properties as JsonObject).Items, [{ ProductID: 'A', ProductName: 'Shoe', ItemPrice: 10, Quantity: 3, Brand: 'Acme', RowTotal: 30 }, { ProductID: 'B', ItemPrice: 7.5, RowTotal: 7.5 }, 'junk']);
  assert.deepEqual(events[1], { properties: { OrderId: 'O-1', ProductID: 'A', ProductName: 'Shoe', ItemPrice: 10, Quantity: 3, ProductBrand: 'Acme', RowTotal: 30, $value: 30 }, time: TIME, value: 30, value_currency: 'GBP', unique_id: 'O-1:1', metric: metricOf('Ordered Product') });
  const off = ((fit(order, browserEvent(), { ordered_product_events: false }).event_bulk_create as JsonObject).attributes as { events: { data: unknown[] } }).events.data;
  assert.equal(off.length, 1);
  const huge = { ...order, properties: { Items: Array.from({ length: 1000 }, (_, i) => ({ ProductID: `P${i}`, ItemPrice: 1 })) } };
  assert.throws(() => fit(huge), /this order makes 1001 events \(the Placed Order and 1000 Ordered Product events\) and one Klaviyo request takes at most 1000: turn off config\.ordered_product_events/);
  assert.equal(rowTotalOf({ ItemPrice: 9.99, Quantity: 3 }), 29.97);
  assert.equal(rowTotalOf({ ProductID: 'x' }), undefined);
  assert.deepEqual(orderedProducts({ properties: { Items: [{ SKU: 'S' }] }, unique_id: 'm' }), [{ properties: { SKU: 'S' }, unique_id: 'm:1', metric: metricOf('Ordered Product') }], 'a line without a price has no value');
});

test('fit: a placeholder unique_id (an order id of "undefined", "null" or 0) gives way to the messageId, and so do its Ordered Products\' ids', () => {
  const ids = (unique_id: JsonValue) => ((fit({ metric: 'Placed Order', unique_id, properties: { Items: [{ ProductID: 'A' }] } }).event_bulk_create as JsonObject).attributes as { events: { data: Array<{ attributes: JsonObject }> } }).events.data.map((e) => e.attributes.unique_id);
  // Klaviyo records only the first event of a profile and metric with a unique_id: the person's later orders would be lost.
  for (const placeholder of ['undefined', ' null ', 'N/A', 0, '0', '']) assert.deepEqual(ids(placeholder), ['m-1', 'm-1:1'], JSON.stringify(placeholder));
  assert.deepEqual(ids(' O-7 '), ['O-7', 'O-7:1']);
  assert.deepEqual(ids(1234), ['1234', '1234:1']);
});

test('fit: events older than config.backfill_older_than_hours are sent with backfill: true (recorded without triggering flows)', () => {
  const attributesOf = (time: string, config: Record<string, JsonValue>) => ((fit({ metric: 'X', time }, browserEvent(), config).event_bulk_create as JsonObject).attributes as { events: { data: Array<{ attributes: JsonObject }> } }).events.data[0]!.attributes;
  assert.equal(attributesOf('2024-03-23T15:00:00Z', { backfill_older_than_hours: 24 }).backfill, true);
  assert.equal(attributesOf('2024-03-23T17:00:00Z', { backfill_older_than_hours: 24 }).backfill, undefined);
  assert.equal(attributesOf('2020-01-01T00:00:00Z', {}).backfill, undefined, 'off unless configured');
  assert.deepEqual(optionsOf({ default_country_code: ' 44 ', backfill_older_than_hours: 2, ordered_product_events: false }), { defaultCountryCode: '44', orderedProductEvents: false, backfillOlderThanMs: 7_200_000 });
});

test('send: profile updates one per request to /api/profile-import, events in one Bulk Create Events job; the private key, the revision and JSON:API headers', () => {
  const requests = klaviyo.send([mappedEvent('e1'), mappedProfile('p1'), mappedEvent('e2', { value: 5 })], ctx());
  assert.equal(requests.length, 2);
  assert.deepEqual(requests[0], { method: 'POST', url: 'https://a.klaviyo.com/api/profile-import', headers: HEADERS, body: { data: { type: 'profile', attributes: { external_id: 'u-1', email: 'u-1@example.com' } } }, eventIds: ['p1'] });
  assert.equal(requests[1]!.url, 'https://a.klaviyo.com/api/event-bulk-create-jobs');
  assert.deepEqual(requests[1]!.headers, HEADERS);
  assert.deepEqual(requests[1]!.eventIds, ['e1', 'e2']);
  const body = requests[1]!.body as { data: { type: string; attributes: { 'events-bulk-create': { data: JsonObject[] } } } };
  assert.equal(body.data.type, 'event-bulk-create-job');
  assert.deepEqual(body.data.attributes['events-bulk-create'].data, [mappedEvent('e1').payload.event_bulk_create, mappedEvent('e2', { value: 5 }).payload.event_bulk_create]);
  assert.equal(klaviyo.send([mappedEvent('e1')], ctx({ revision: '2026-07-15' }))[0]!.headers!.revision, '2026-07-15');
  assert.deepEqual(headersOf(ctx({ api_key: ` ${KEY} ` })).authorization, `Klaviyo-API-Key ${KEY}`);
  assert.equal(revisionOf({ revision: ' ' }), '2026-10-15');
  assert.throws(() => klaviyo.send([mappedEvent('e1'), { ...mappedEvent('e2'), payload: { metric: 'x' } }], ctx()), /^Error: event e2 holds no Klaviyo record \(event_bulk_create or profile_import\) to send$/);
});

test('send: at most 1,000 events a job (an order counts its Ordered Products) and 5 MB; a metric and unique_id never twice in one job (Klaviyo refuses the whole job)', () => {
  const many = Array.from({ length: 1001 }, (_, i) => mappedEvent(`e${i}`));
  assert.deepEqual(klaviyo.send(many, ctx()).map((r) => r.eventIds.length), [1000, 1]);
  const order = (id: string, lines: number): MappedEvent => mappedEvent(id, { metric: 'Placed Order', properties: { Items: Array.from({ length: lines }, (_, i) => ({ ProductID: `P${i}`, ItemPrice: 1 })) } });
  assert.deepEqual(klaviyo.send([order('o1', 599), order('o2', 400), mappedEvent('e1')], ctx()).map((r) => r.eventIds), [['o1', 'e1'], ['o2']], '600 + 401 events do not fit one job; the next event fits the first');
  const big = Array.from({ length: 5 }, (_, i) => mappedEvent(`b${i}`, { properties: { blob: 'x'.repeat(1_500_000) } }));
  const sent = klaviyo.send(big, ctx());
  assert.deepEqual(sent.map((r) => r.eventIds.length), [3, 2]);
  for (const request of sent) assert.ok(Buffer.byteLength(JSON.stringify(request.body)) <= 5_000_000);
  const retried = [mappedEvent('m-7'), { ...mappedEvent('m-7'), id: 'm-7#2' }, mappedEvent('m-8')];
  assert.deepEqual(klaviyo.send(retried, ctx()).map((r) => r.eventIds), [['m-7', 'm-8'], ['m-7#2']], 'the same messageId twice in a batch: the repeat in a later job');
  assert.deepEqual(klaviyo.send([mappedEvent('a', { unique_id: 'same' }), mappedEvent('b', { unique_id: 'same', metric: 'Other' })], ctx()).map((r) => r.eventIds), [['a', 'b']], 'another metric may repeat a unique_id');
});

const bulk = (ids = ['e1', 'e2', 'e3']): RequestDescriptor => klaviyo.send(ids.map((id) => mappedEvent(id)), ctx())[0]!;
const profileRequest = (): RequestDescriptor => klaviyo.send([mappedProfile('p1')], ctx())[0]!;

test('classify: 2xx delivered (202 job accepted, 201 created, 200 updated)', () => {
  assert.deepEqual(classifyKlaviyo(answer(202, ''), bulk(), ctx()), { status: 'delivered' });
  // A page that is not Klaviyo's (a proxy's): sent again, never counted queued.
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(classifyKlaviyo(answer(200, page, { 'content-type': 'text/html' }), bulk(), ctx()), { status: 'retry', reason: `HTTP 200 without Klaviyo's answer (none, or its JSON): ${page} — not Klaviyo's answer (a proxy?), so the request is sent again` });
  assert.deepEqual(classifyKlaviyo(answer(201, { data: { type: 'profile', id: '01H' } }), profileRequest(), ctx()), { status: 'delivered' });
  assert.deepEqual(classifyKlaviyo(answer(200, { data: { type: 'profile', id: '01H' } }), profileRequest(), ctx()), { status: 'delivered' });
});

test('classify: a 400 whose errors point into the job\'s items dead-letters those events with Klaviyo\'s detail and retries the others; an error naming no item dead-letters the job', () => {
  const request = bulk();
  assert.deepEqual(classifyKlaviyo(answer(400, { errors: [error('Invalid datetime', itemPointer(1)), error('Invalid email', itemPointer(1, '/attributes/profile/data/attributes/email'))] }), request, ctx()), { perEvent: {
    e1: { status: 'resend', reason: 'Klaviyo refused the whole bulk job (HTTP 400) for other events of it, and recorded nothing: sent again without them' },
    e2: { status: 'dead_letter', reason: 'Klaviyo refused the event (HTTP 400): Invalid datetime (invalid) at /events/data/0/attributes/time; Invalid email (invalid) at /profile/data/attributes/email' },
    e3: { status: 'resend', reason: 'Klaviyo refused the whole bulk job (HTTP 400) for other events of it, and recorded nothing: sent again without them' },
  } });
  assert.deepEqual(classifyKlaviyo(answer(400, { errors: [error('Invalid datetime', itemPointer(1)), error('bad header', undefined, 'invalid_header')] }), request, ctx()),
    { status: 'dead_letter', reason: 'Klaviyo refused the bulk job (HTTP 400): Invalid datetime (invalid) at /data/attributes/events-bulk-create/data/1/attributes/events/data/0/attributes/time; bad header (invalid_header)' });
  assert.equal((classifyKlaviyo(answer(400, { errors: [error('x', itemPointer(7))] }), request, ctx()) as { status: string }).status, 'dead_letter', 'a pointer past the job\'s items names no event');
  assert.deepEqual(classifyKlaviyo(answer(400, { errors: [error('Invalid email', '/data/attributes/email')] }), profileRequest(), ctx()), { status: 'dead_letter', reason: 'Klaviyo refused the profile update (HTTP 400): Invalid email (invalid) at /data/attributes/email' });
  assert.deepEqual(classifyKlaviyo(answer(400, 'not json'), bulk(['e1']), ctx()), { status: 'dead_letter', reason: 'Klaviyo refused the event (HTTP 400): not json' });
  // A 409 pointing at one item's conflicting identifiers blames that event alone, not the job's others.
  assert.deepEqual(classifyKlaviyo(answer(409, { errors: [error('A profile already exists with one of these identifiers.', itemPointer(2, '/attributes/profile'), 'duplicate_profile')] }), request, ctx()), { perEvent: {
    e1: { status: 'resend', reason: 'Klaviyo refused the whole bulk job (HTTP 409) for other events of it, and recorded nothing: sent again without them' },
    e2: { status: 'resend', reason: 'Klaviyo refused the whole bulk job (HTTP 409) for other events of it, and recorded nothing: sent again without them' },
    e3: { status: 'dead_letter', reason: 'Klaviyo refused the event (HTTP 409): A profile already exists with one of these identifiers. (duplicate_profile) at /profile' },
  } });
  assert.match(reasonOf(classifyKlaviyo(answer(409, { errors: [error('Conflict.', undefined, 'duplicate_profile')] }), request, ctx())), /^Klaviyo refused the bulk job \(HTTP 409: Conflict\. \(duplicate_profile\)\): its identifiers/, 'a 409 naming no item: the job');
  assert.equal(reasonOf(classifyKlaviyo(answer(400, { errors: [error('Invalid revision header', undefined, 'invalid')] }), bulk(['e1']), ctx())), 'Klaviyo refused the event (HTTP 400): Invalid revision header (invalid) — check config.revision (2026-10-15)');
  assert.equal(reasonOf(classifyKlaviyo(answer(400, { errors: [{ id: 'x', code: 'invalid', parameter: 'x', title: 'Bad', source: { parameter: 'page[size]' } }] }), bulk(['e1']), ctx())), 'Klaviyo refused the event (HTTP 400): Bad (invalid) at parameter page[size]');
});

test('classify: refused keys and scopes, unknown or retired revisions, conflicts and too large requests are dead-lettered (or split) saying what to fix', () => {
  const keyAdvice = 'check config.api_key — a private API key (pk_…) of this Klaviyo account (Settings > Account > API keys), not the public key (site ID), not revoked';
  assert.equal(reasonOf(classifyKlaviyo(answer(401, { errors: [error('Incorrect authentication credentials.', undefined, 'not_authenticated')] }), bulk(), ctx())), `Klaviyo refused the API key (HTTP 401: Incorrect authentication credentials. (not_authenticated)): ${keyAdvice}`);
  assert.equal(reasonOf(classifyKlaviyo(answer(400, { errors: [error('Missing or invalid private key.', undefined, 'not_authenticated')] }), bulk(), ctx())), `Klaviyo refused the API key (HTTP 400: Missing or invalid private key. (not_authenticated)): ${keyAdvice}`);
  assert.equal(reasonOf(classifyKlaviyo(answer(403, { errors: [error('You do not have permission to perform this action.', undefined, 'permission_denied')] }), bulk(), ctx())),
    'Klaviyo refused the bulk job (HTTP 403: You do not have permission to perform this action. (permission_denied)): the private API key lacks the events:write scope — edit the key\'s scopes in Klaviyo (Settings > Account > API keys) or create a key with it, then replay');
  assert.match(reasonOf(classifyKlaviyo(answer(403, { errors: [error('denied', undefined, 'permission_denied')] }), profileRequest(), ctx())), /^Klaviyo refused the profile update \(HTTP 403: denied \(permission_denied\)\): the private API key lacks the profiles:write scope/);
  assert.equal(reasonOf(classifyKlaviyo(answer(404, { errors: [error('Not found.', undefined, 'not_found')] }), bulk(), ctx({ revision: '2024-06-15' }))), 'Klaviyo answered HTTP 404 (Not found. (not_found)): the endpoint is unknown for revision 2024-06-15 — set config.revision to a current revision (e.g. 2026-10-15), then replay');
  assert.match(reasonOf(classifyKlaviyo(answer(410, ''), bulk(), ctx({ revision: '2024-06-15' }))), /^Klaviyo answered HTTP 410 \(\(no body\)\): the endpoint is unknown for revision 2024-06-15, which Klaviyo has retired — set config\.revision/);
  assert.match(reasonOf(classifyKlaviyo(answer(409, { errors: [error('A profile already exists with one of these identifiers.', undefined, 'duplicate_profile')] }), profileRequest(), ctx())), /^Klaviyo refused the profile update \(HTTP 409: A profile already exists with one of these identifiers\. \(duplicate_profile\)\): its identifiers \(email, phone_number, external_id\) belong to different Klaviyo profiles/);
  assert.deepEqual(classifyKlaviyo(answer(413, 'Request Entity Too Large'), bulk(), ctx()), { status: 'split', reason: 'Klaviyo: the request is too large (HTTP 413: Request Entity Too Large); sending it in halves' });
  assert.match(reasonOf(classifyKlaviyo(answer(413, ''), bulk(['e1']), ctx())), /^Klaviyo refused this event alone as too large/);
  assert.equal((classifyKlaviyo(answer(422, { errors: [error('Unprocessable')] }), profileRequest(), ctx()) as { status: string }).status, 'dead_letter');
});

test('classify: 429 retried after Retry-After (the core pauses the integration); 408 and 5xx retried, after Retry-After when given', () => {
  assert.deepEqual(classifyKlaviyo(answer(429, { errors: [error('Request was throttled. Expected available in 7 seconds.', undefined, 'throttled')] }, { 'Retry-After': '7' }), bulk(), ctx()),
    { status: 'retry', reason: 'Klaviyo rate-limited the account (HTTP 429: Request was throttled. Expected available in 7 seconds. (throttled))', retryAfterMs: 7000 });
  assert.deepEqual(classifyKlaviyo(answer(429, ''), bulk(), ctx()), { status: 'retry', reason: 'Klaviyo rate-limited the account (HTTP 429: (no body))' });
  assert.deepEqual(classifyKlaviyo(answer(503, { errors: [error('Service unavailable', undefined, 'error')] }, { 'retry-after': '3' }), bulk(), ctx()), { status: 'retry', reason: 'Klaviyo HTTP 503: Service unavailable (error)', retryAfterMs: 3000 });
  assert.deepEqual(classifyKlaviyo(answer(500, 'oops'), bulk(), ctx()), { status: 'retry', reason: 'Klaviyo HTTP 500: oops' });
  assert.deepEqual(classifyKlaviyo(answer(408, ''), bulk(), ctx()), { status: 'retry', reason: 'Klaviyo HTTP 408: (no body)' });
  assert.deepEqual(classifyKlaviyo(answer(302, ''), bulk(), ctx()), { status: 'dead_letter', reason: 'Klaviyo HTTP 302: (no body)' });
});

test('validateConfig: a private key (pk_…), not the public key (site ID), a header or white space; a real revision no older than Bulk Create Events; backfill needs a revision documenting it', () => {
  const today = Date.parse('2026-11-20T12:00:00Z');
  assert.deepEqual(validateKlaviyoConfig({ api_key: KEY }, today), []);
  assert.deepEqual(validateKlaviyoConfig({ api_key: KEY, revision: '2026-07-15', backfill_older_than_hours: 24 }, today), []);
  const problem = (config: Record<string, JsonValue>) => validateKlaviyoConfig(config, today).map((p) => `${p.field}: ${p.message}`);
  assert.deepEqual(problem({ api_key: 'XxY7zQ' }), ['api_key: looks like the 6-character public API key (site ID), which only Klaviyo\'s client-side endpoints take: give a private API key, starting with pk_ (Settings > Account > API keys > Create Private API Key)']);
  assert.deepEqual(problem({ api_key: `Klaviyo-API-Key ${KEY}` }), ['api_key: holds the "Klaviyo-API-Key" prefix: give the private key alone (pk_…), Signal adds the prefix']);
  assert.deepEqual(problem({ api_key: `${KEY}\n` }), ['api_key: holds white space or a line break (copied with the text around it?): give the private key alone']);
  assert.deepEqual(problem({ api_key: 'sk_0123456789abcdef' }), ['api_key: must be a private API key, which starts with pk_ (Settings > Account > API keys > Create Private API Key)']);
  assert.deepEqual(problem({ api_key: 'pk_abc' }), ['api_key: is too short for a private API key (pk_ and a longer string, as Klaviyo shows it once when the key is created)']);
  assert.deepEqual(problem({ api_key: KEY, revision: 'latest' }), ['revision: must be a revision date, YYYY-MM-DD (e.g. 2026-10-15)']);
  assert.deepEqual(problem({ api_key: KEY, revision: '2026-02-30' }), ['revision: is not a date (2026-02-30): give a Klaviyo revision such as 2026-10-15']);
  assert.deepEqual(problem({ api_key: KEY, revision: '2024-02-15' }), ['revision: must be 2024-05-15 or later: Bulk Create Events, which the plugin sends events to, arrived in that revision (and revisions are retired two years after release); 2026-10-15 is current']);
  assert.deepEqual(problem({ api_key: KEY, revision: '2025-10-15', backfill_older_than_hours: 24 }), ['backfill_older_than_hours: needs revision 2026-07-15 or later (config.revision is 2025-10-15): earlier revisions do not document the backfill flag']);
  assert.deepEqual(problem({ api_key: KEY, revision: '2025-10-15.pre' }), [], 'a pre-release suffix');
  // Klaviyo retires a revision two years after its release: 2024-11-20 is the last one still served on 2026-11-20.
  assert.deepEqual(problem({ api_key: KEY, revision: '2024-06-15' }), ['revision: was retired on 2026-06-15 (Klaviyo supports a revision for two years after its release): requests naming it fail (410) or are served by another revision — set 2026-10-15 or a later one']);
  assert.match(problem({ api_key: KEY, revision: '2024-11-20' })[0] ?? '', /^revision: was retired on 2026-11-20/);
  assert.deepEqual(problem({ api_key: KEY, revision: '2024-11-21' }), []);
  assert.deepEqual(problem({ api_key: KEY, revision: '2027-01-15' }), ['revision: 2027-01-15 is in the future: not a revision Klaviyo has released ("the revision passed in must be a valid revision"); 2026-10-15 is current']);
  assert.deepEqual(validateKlaviyoConfig({ api_key: KEY }, Date.parse('2026-01-01')), [], 'the default is never refused for a clock behind it');
});

test('forgetPerson: the profile looked up by external_id (the userId) and deleted by its Klaviyo id; a userId that is an email or phone number no profile has as external_id deleted by it; an anonymousId alone skipped', () => {
  const config = { api_key: KEY };
  assert.equal(forgetPerson.enabled(config), true);
  assert.equal(forgetPerson.enabled({ ...config, forward_deletions: false }), false);
  assert.equal(forgetPerson.enabled({}), false);
  const lookup = forgetPerson.request({ userId: ' u-1 ', anonymousId: 'df_abc' }, ctx()) as RequestDescriptor;
  assert.deepEqual(lookup, { method: 'GET', url: 'https://a.klaviyo.com/api/profiles', query: [['filter', 'equals(external_id,"u-1")'], ['fields[profile]', 'id'], ['page[size]', '10']], headers: HEADERS, eventIds: [] });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc' }, ctx()), { skipped: ANONYMOUS_ONLY });
  assert.deepEqual(forgetPerson.request({ userId: 'null', anonymousId: null }, ctx()), { skipped: ANONYMOUS_ONLY });
  assert.deepEqual(forgetPerson.request({ userId: 'a"b', anonymousId: null }, ctx()), { skipped: UNQUOTABLE });
  assert.deepEqual((forgetPerson.request({ userId: 42 as unknown as string, anonymousId: null }, ctx()) as RequestDescriptor).query?.[0], ['filter', 'equals(external_id,"42")'], 'a number where text was due: no TypeError');
  const byId = { data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', id: '01HXYZ', attributes: {} } } } } };
  const found = forgetPerson.read!(answer(200, { data: [{ type: 'profile', id: '01HXYZ' }] }), lookup);
  assert.deepEqual(found, { next: { method: 'POST', url: 'https://a.klaviyo.com/api/data-privacy-deletion-jobs', headers: HEADERS, body: byId, eventIds: [] } });
  assert.deepEqual(forgetPerson.read!(answer(200, { data: [] }), lookup), { done: true, message: 'no Klaviyo profile has this userId as its external_id: nothing to delete' });
  assert.deepEqual(forgetPerson.read!(answer(200, { data: [{ id: 'a' }, { id: 'b' }] }), lookup), { failed: '2 Klaviyo profiles have this userId as their external_id: none was deleted — delete them in Klaviyo' });
  const emailLookup = forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null }, ctx()) as RequestDescriptor;
  assert.deepEqual((forgetPerson.read!(answer(200, { data: [] }), emailLookup) as { next: RequestDescriptor }).next.body, { data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', attributes: { email: 'jane@example.com' } } } } } });
  const phoneLookup = forgetPerson.request({ userId: '+447700900123', anonymousId: null }, ctx()) as RequestDescriptor;
  assert.deepEqual((forgetPerson.read!(answer(200, { data: [] }), phoneLookup) as { next: RequestDescriptor }).next.body, { data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', attributes: { phone_number: '+447700900123' } } } } } });
  assert.deepEqual((forgetPerson.request({ userId: 'ja"ne@example.com', anonymousId: null }, ctx()) as RequestDescriptor).body, { data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', attributes: { email: 'ja"ne@example.com' } } } } } }, 'an email the filter cannot quote: deleted by email at once');
  assert.match(String((forgetPerson.read!(answer(403, { errors: [] }), lookup) as { failed: string }).failed), /^HTTP 403: Klaviyo refused the profile lookup\. The private API key needs the profiles:read scope/);
  assert.deepEqual(forgetPerson.read!(answer(429, ''), lookup), { retry: 'HTTP 429' });
  const deletionRequest = (found as { next: RequestDescriptor }).next;
  assert.match(String((forgetPerson.read!(answer(202, ''), deletionRequest) as { message: string }).message), /^accepted \(HTTP 202\): Klaviyo deletes the profile asynchronously/);
  assert.match(String((forgetPerson.read!(answer(403, 'denied'), deletionRequest) as { failed: string }).failed), /^HTTP 403: Klaviyo refused the deletion\. The private API key needs the data-privacy:write scope: add it \(Settings > Account > API keys\) or set config\.forward_deletions to false \(Klaviyo: denied\)$/);
  assert.match(String((forgetPerson.read!(answer(401, ''), deletionRequest) as { failed: string }).failed), /^HTTP 401: Klaviyo refused the API key/);
  assert.deepEqual(forgetPerson.read!(answer(503, 'busy'), deletionRequest), { retry: 'HTTP 503 (Klaviyo: busy)' });
  assert.deepEqual(forgetPerson.read!(answer(400, 'bad')), { failed: 'HTTP 400 (Klaviyo: bad)' });
  assert.deepEqual(deletionIdentifierOf('07700 900123'), undefined, 'only an E.164 userId is taken for a phone number');
});

test('forgetPerson: every profile with an email Signal found for the person deleted by that email, after the userId\'s requests; an email userId among them once; malformed ones left out', () => {
  const byEmail = (email: string): RequestDescriptor => ({ method: 'POST', url: 'https://a.klaviyo.com/api/data-privacy-deletion-jobs', headers: lookupOf('u-1').headers, body: { data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', attributes: { email } } } } } }, eventIds: [] });
  const lookupOf = (userId: string) => forgetPerson.request({ userId, anonymousId: null }, ctx()) as RequestDescriptor;
  // Emails only: a visitor whose identify gave an email (it used to be skipped).
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc', emails: ['jane@example.com', 'j.doe@work.example'] }, ctx()), [byEmail('jane@example.com'), byEmail('j.doe@work.example')]);
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc', emails: [] }, ctx()), { skipped: ANONYMOUS_ONLY });
  // The userId's lookup, then the emails.
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: ['jane@example.com'] }, ctx()), [lookupOf('u-1'), byEmail('jane@example.com')]);
  // An email userId among the emails: its lookup alone (it deletes by that email when no profile has it as external_id).
  assert.deepEqual(forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com'] }, ctx()), lookupOf('Jane@Example.com'));
  assert.deepEqual(forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com', 'j.doe@work.example'] }, ctx()), [lookupOf('Jane@Example.com'), byEmail('j.doe@work.example')]);
  // A userId the filter cannot quote gives way to the emails.
  assert.deepEqual(forgetPerson.request({ userId: 'a"b', anonymousId: null, emails: ['jane@example.com'] }, ctx()), { requests: [byEmail('jane@example.com')], note: UNQUOTABLE_NOTE }, 'the userId not looked up is said, with why');
  assert.match(UNQUOTABLE_NOTE, /^the userId was not looked up by external_id: the userId holds a double quote or a backslash.*deleted by the person's emails only/);
  // Not one address, or repeated: left out.
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc', emails: ['jane@example', 'a@example.com, b@example.com', 'Jane@Example.com', 'jane@example.com'] }, ctx()), [byEmail('jane@example.com')]);
  assert.match(String((forgetPerson.read!(answer(202, ''), byEmail('jane@example.com')) as { message: string }).message), /^accepted \(HTTP 202\): Klaviyo deletes the profile asynchronously/);
});

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/klaviyo/${variant}.yaml`, import.meta.url), 'utf8'), { config: ctx().config });
/** What the plugin makes of an event through a variant's blueprint (null: not sent). */
const mapped = (variant: string, event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject | null => {
  const result = blueprint(variant).mapEvent(event);
  assert.deepEqual(result.errors, []);
  return result.vendorEvent === null ? null : klaviyo.map!(result.vendorEvent, event, ctx(config));
};
const eventsOf = (record: JsonObject | null) => ((record!.event_bulk_create as JsonObject).attributes as { events: { data: Array<{ attributes: JsonObject }> } }).events.data.map((e) => e.attributes);

test('blueprints: identify to a profile import with standard fields, location and the other traits as custom properties', () => {
  for (const variant of ['default', 'retail']) {
    const identify = browserEvent({ type: 'identify', userId: 'u-1', traits: { email: 'Jane@Example.com', phone: '07700 900123', firstName: 'Jane', lastName: 'Doe', name: 'Jane Doe', company: { name: 'Acme' }, plan: 'pro', $consent_method: 'checkout', address: { street: '1 High St', city: 'London', state: 'LDN', postalCode: 'N1 1AA', country: 'GB' } } });
    assert.deepEqual(mapped(variant, identify, { default_country_code: '44' }), { profile_import: { data: { type: 'profile', attributes: {
      external_id: 'u-1', email: 'jane@example.com', phone_number: '+447700900123', properties: { name: 'Jane Doe', plan: 'pro' }, first_name: 'Jane', last_name: 'Doe', organization: 'Acme',
      location: { address1: '1 High St', city: 'London', region: 'LDN', zip: 'N1 1AA', country: 'GB' },
    } } } }, variant);
    assert.equal(mapped(variant, browserEvent({ type: 'page', name: 'Home' })), null, 'page views are not sent');
    assert.equal(mapped(variant, browserEvent({ type: 'identify', traits: { plan: 'pro' } })), null, 'a visitor\'s identify with no email, phone or userId: not sent, not a dead letter');
    assert.deepEqual(mapped(variant, browserEvent({ type: 'identify', traits: { email: 'jo@example.com' } })), { profile_import: { data: { type: 'profile', attributes: { email: 'jo@example.com' } } } }, 'a visitor\'s identify with an email: by email');
    assert.throws(() => mapped(variant, browserEvent({ type: 'identify', userId: 'null', traits: { plan: 'pro' } })), /this identify has none/, 'a placeholder userId is a data problem: dead-lettered saying so');
  }
});

test('blueprints: Order Completed as Placed Order (value, $value, Items, unique_id the order id) with an Ordered Product per product; Product Viewed as Viewed Product', () => {
  const order = browserEvent({ event: 'Order Completed', userId: 'u-1', context: { traits: { email: 'jane@example.com' } }, properties: {
    order_id: 'O-1', total: 27.5, currency: 'gbp', coupon: 'SPRING', discount: 2, tax: 1.5, products: [{ product_id: 'A', sku: 'A-1', name: 'Shoe', price: 10, quantity: 2, category: 'Shoes', brand: 'Acme', url: 'https://shop.example.com/a' }, { sku: 'B', name: 'Sock', price: 7.5 }],
  } });
  const [placed, first, second] = eventsOf(mapped('default', order));
  assert.deepEqual(placed, { properties: {
    $value: 27.5, OrderId: 'O-1', Categories: ['Shoes'], ItemNames: ['Shoe', 'Sock'], Brands: ['Acme'], DiscountCode: 'SPRING', DiscountValue: 2, Tax: 1.5,
    Items: [{ ProductID: 'A', SKU: 'A-1', ProductName: 'Shoe', Quantity: 2, ItemPrice: 10, ProductURL: 'https://shop.example.com/a', Categories: ['Shoes'], Brand: 'Acme', RowTotal: 20 }, { ProductID: 'B', SKU: 'B', ProductName: 'Sock', Quantity: 1, ItemPrice: 7.5, RowTotal: 7.5 }],
  }, time: TIME, value: 27.5, value_currency: 'GBP', unique_id: 'O-1', metric: metricOf('Placed Order') });
  assert.deepEqual([first!.unique_id, first!.value, (first!.properties as JsonObject).ProductBrand, second!.unique_id, second!.value], ['O-1:1', 20, 'Acme', 'O-1:2', 7.5]);
  const profile = ((mapped('default', order)!.event_bulk_create as JsonObject).attributes as { profile: JsonObject }).profile;
  assert.deepEqual(profile, { data: { type: 'profile', attributes: { external_id: 'u-1', anonymous_id: 'df_abc123', email: 'jane@example.com' } } }, 'the remembered traits\' email identifies the profile too');
  const viewed = eventsOf(mapped('default', browserEvent({ event: 'view_item', properties: { currency: 'EUR', items: [{ item_id: 'SKU-9', item_name: 'Hat', price: '12.5', item_category: 'Hats' }] } })))[0]!;
  assert.deepEqual(viewed.properties, { ProductName: 'Hat', ProductID: 'SKU-9', Categories: ['Hats'], URL: 'https://shop.example.com/signup', Price: 12.5, Currency: 'EUR' });
  assert.deepEqual(metricOf('Viewed Product'), viewed.metric);
  const searched = eventsOf(mapped('retail', browserEvent({ event: 'Products Searched', properties: { query: 'red shoes' } })))[0]!;
  assert.deepEqual([searched.properties, searched.metric], [{ SearchTerm: 'red shoes', URL: 'https://shop.example.com/signup' }, metricOf('Products Searched')]);
  const clicked = eventsOf(mapped('default', browserEvent({ event: 'Product Clicked', properties: { name: 'Shoe', product_id: 'A' } })))[0]!;
  assert.deepEqual(clicked.properties, { product_id: 'A', ProductName: 'Shoe' });
});
