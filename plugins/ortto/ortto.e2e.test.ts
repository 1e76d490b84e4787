// End to end: browser and server calls through the real collect API, the pipeline stage, the
// queue and the delivery engine to the vendor simulator standing in for Ortto's European host
// (https://api.eu.ap3api.com), which must receive the requests Ortto's API reference documents:
// POST /v1/person/merge for identify calls and POST /v1/activities/create for the track calls
// the config names, with the X-Api-Key header; each record settled by its entry in Ortto's
// answer (a suppressed email dead-lettered, the others delivered); a 429 and a 503 retried, a 400
// dead-lettered with Ortto's message; person deletions as POST /v1/person/get, PUT
// /v1/person/archive, DELETE /v1/person/delete.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, neverQueuedFate, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const API_KEY = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const CONFIG = {
  api_key: API_KEY, region: 'eu', merge_by: 'email_then_external_id',
  trait_fields: { plan: 'str:cm:plan', seats: 'int:cm:seats' },
  activities: { 'Order Completed': 'act:cm:order-completed' },
  attribute_fields: { order_id: 'str:cm:order-id', coupon: 'str:cm:coupon' },
};
const MERGE = '/v1/person/merge';
const CREATE = '/v1/activities/create';
const VISITOR_IP = '203.0.113.42';

let sim: VendorSim;
let signal: TestSignal;
/** Ortto's people, by email: each person of a test its own id. */
const people = new Map<string, { id: string; ei?: string }>();
const personOf = (email: string, ei?: string) => {
  if (!people.has(email)) people.set(email, { id: `0069061df82dad244f13a4${String(people.size).padStart(2, '0')}`, ...(ei ? { ei } : {}) });
  return people.get(email)!;
};

type Body = Record<string, unknown>;
type Fields = Record<string, unknown>;
const bodyOf = (r: RecordedRequest) => (r.json ?? {}) as Body;
const peopleOf = (r: RecordedRequest) => (bodyOf(r).people ?? []) as Array<{ fields: Fields }>;
const activitiesOf = (r: RecordedRequest) => (bodyOf(r).activities ?? []) as Array<{ activity_id: string; attributes: Fields; fields: Fields }>;
const mergesOf = (email: string) => sim.requests({ method: 'POST', path: MERGE }).filter((r) => peopleOf(r).some((p) => p.fields['str::email'] === email));
const createsOf = (email: string) => sim.requests({ method: 'POST', path: CREATE }).filter((r) => activitiesOf(r).some((a) => a.fields['str::email'] === email));

before(async () => {
  sim = await startVendorSim();
  // A merge answers each person in order, as Ortto documents it: created, or — for an email
  // that says "suppressed", when the request names the field to check against the suppression
  // list (suppression_list_field_id) — the suppression list's refusal.
  sim.setDefault('POST', MERGE, (request) => ({
    status: 200,
    body: { people: peopleOf(request).map(({ fields }) => {
      const email = String(fields['str::email'] ?? '');
      if (email.includes('suppressed') && bodyOf(request).suppression_list_field_id === 'str::email') return { status: 'suppressed', error: 'Email is suppressed' };
      return { person_id: personOf(email, typeof fields['str::ei'] === 'string' ? fields['str::ei'] : undefined).id, status: 'created' };
    }) },
  }));
  sim.setDefault('POST', CREATE, (request) => ({
    status: 200,
    body: { activities: activitiesOf(request).map((a) => ({ person_id: personOf(String(a.fields['str::email'])).id, status: 'ingested', person_status: 'updated', activity_id: a.activity_id })) },
  }));
  // The lookup answers the people whose email or External ID its $str::is conditions name.
  sim.setDefault('POST', '/v1/person/get', (request) => {
    const filter = bodyOf(request).filter as Body;
    const conditions = (Array.isArray(filter.$or) ? filter.$or : [filter]) as Array<Record<string, { field_id: string; value: string }>>;
    const contacts = [...people].filter(([email, person]) => conditions.some((c) => {
      const is = c['$str::is'];
      return is !== undefined && ((is.field_id === 'str::email' && is.value === email) || (is.field_id === 'str::ei' && is.value === person.ei));
    })).map(([email, person]) => ({ id: person.id, fields: { 'str::email': email, 'str::ei': person.ei ?? null } }));
    return { status: 200, body: { contacts, meta: { total_contacts: contacts.length, total_organizations: 0, total_matches: contacts.length, total_subscribers: contacts.length }, offset: 0, next_offset: contacts.length, cursor_id: '', has_more: false } };
  });
  sim.setDefault('PUT', '/v1/person/archive', (request) => ({ status: 200, body: { scheduled_contacts: 0, archived_contacts: ((bodyOf(request).inclusion_ids ?? []) as unknown[]).length } }));
  sim.setDefault('DELETE', '/v1/person/delete', (request) => ({ status: 200, body: { scheduled_contacts: 0, deleted_contacts: ((bodyOf(request).inclusion_ids ?? []) as unknown[]).length } }));
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://api.eu.ap3api.com=${sim.url}`, SIGNAL_COMMIT_TIMEOUT_MS: '1000', SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_DELETION_WAIT_SCALE: '0.01', SIGNAL_HTTP_TIMEOUT_MS: '1000',
  }, { label: 'ortto', vendors: ['ortto'] });
});
after(() => closeAll(signal, sim));

const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'ortto', name, { config: { ...CONFIG, ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>, visitorId: string) => {
  const visitor: Visitor = { id: visitorId, ip: VISITOR_IP };
  return sendBrowserCall(signal, key, call, visitor, { context: { consent: { marketing: true }, page: { url: 'https://shop.example.com/account', path: '/account' } } });
};
const notDeadLettered = async (integrationId: string, messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;

describe('Ortto', () => {
  test('an identify: POST /v1/person/merge at the region\'s host with the X-Api-Key and the documented body; then a track to the configured custom activity by the remembered email', async () => {
    const { site, integrationId } = await installed('Ortto identify and track');
    const email = 'ann.identify@example.com';
    await browser(site.key, { type: 'identify', userId: 'u-ann', messageId: 'or-id-1', traits: { email, firstName: 'Ann', lastName: 'Lee', phone: '+61 412 345 678', plan: 'pro', seats: 3, company: 'Acme' } }, 'df_orttovisitor01');
    const [merge] = await waitUntil(async () => (mergesOf(email).length >= 1 ? mergesOf(email) : undefined), 'the person merged');
    assert.equal(merge!.method, 'POST');
    assert.equal(merge!.headers['x-api-key'], API_KEY);
    assert.match(merge!.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(merge!.json, {
      people: [{
        fields: { 'str::email': email, 'str::ei': 'u-ann', 'str::first': 'Ann', 'str::last': 'Lee', 'phn::phone': { phone: '61412345678', parse_with_country_code: true }, 'str:cm:plan': 'pro', 'int:cm:seats': 3 },
        location: { source_ip: VISITOR_IP },
      }],
      async: false, merge_by: ['str::email', 'str::ei'], merge_strategy: 2, find_strategy: 0, suppression_list_field_id: 'str::email',
    });

    await browser(site.key, { type: 'track', userId: 'u-ann', event: 'Order Completed', messageId: 'or-tr-1', properties: { order_id: 'A-1', revenue: 74.97, coupon: 'SPRING', email: 'someone.else@example.com' } }, 'df_orttovisitor01');
    const [create] = await waitUntil(async () => (createsOf(email).length >= 1 ? createsOf(email) : undefined), 'the activity created');
    assert.equal(create!.headers['x-api-key'], API_KEY);
    assert.deepEqual(create!.json, {
      activities: [{ activity_id: 'act:cm:order-completed', attributes: { 'int::v': 74970, 'str:cm:order-id': 'A-1', 'str:cm:coupon': 'SPRING' }, fields: { 'str::email': email, 'str::ei': 'u-ann' }, location: { source_ip: VISITOR_IP } }],
      merge_by: ['str::email', 'str::ei'],
    }, 'the email Signal remembers from the identify, never the one in the properties');
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 2) || undefined, 'both delivered'));
    const log = JSON.stringify(await signal.delivery.recentExchanges(integrationId, 20));
    assert.equal(log.includes(API_KEY), false, 'the key is redacted in the delivery log');

    await browser(site.key, { type: 'track', userId: 'u-ann', event: 'Clicked Banner', messageId: 'or-tr-unmapped' }, 'df_orttovisitor01');
    const fate = await waitUntil(async () => {
      const found = await neverQueuedFate(signal, site.id, integrationId, 'or-tr-unmapped');
      return found.status === 'dropped' ? found : undefined;
    }, 'the unmapped event dropped at the pipeline stage');
    assert.equal(fate.logged, 0, 'never queued, never sent');
    assert.match(fate.reason, /config\.activities names no Ortto custom activity for "Clicked Banner"/);
  });

  test('an identify whose email is no address, the person named by the External ID: merged by str::ei without the email, which a warning says was left out', async () => {
    const { site, integrationId } = await installed('Ortto bad email');
    await browser(site.key, { type: 'identify', userId: 'u-eve', messageId: 'or-bad-email', traits: { email: 'eve@', firstName: 'Eve' } }, 'df_orttovisitor05');
    const merges = () => sim.requests({ method: 'POST', path: MERGE }).filter((r) => peopleOf(r).some((p) => p.fields['str::ei'] === 'u-eve'));
    const [merge] = await waitUntil(async () => (merges().length >= 1 ? merges() : undefined), 'the person merged by the External ID');
    assert.deepEqual(peopleOf(merge!)[0]!.fields, { 'str::ei': 'u-eve', 'str::first': 'Eve' }, 'no str::email');
    assert.deepEqual(bodyOf(merge!).merge_by, ['str::email', 'str::ei']);
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'delivered'));
    assert.equal(await notDeadLettered(integrationId, 'or-bad-email'), true);
    const log = JSON.stringify(await signal.delivery.recentExchanges(integrationId, 5));
    assert.ok(log.includes('email left out: \\"eve@\\" (traits.email, or context.traits.email) is not an email address'), `the warning in the delivery log: ${log.slice(0, 2000)}`);
  });

  test('one merge of two people: the suppressed email dead-lettered at the first try with Ortto\'s words, the other delivered', async () => {
    const { site, integrationId } = await installed('Ortto per record');
    await sendServerBatch(signal, site.key, [
      { type: 'identify', userId: 'u-bob', messageId: 'or-pr-ok', traits: { email: 'bob.ok@example.com' } },
      { type: 'identify', userId: 'u-sue', messageId: 'or-pr-sup', traits: { email: 'sue.suppressed@example.com' } },
    ], { context: { consent: { marketing: true } } });
    const dead = await waitForDeadLetter(signal, integrationId, 'or-pr-sup');
    assert.equal(dead.attempts, 1, 'not retried: the email stays suppressed');
    assert.match(dead.reason, /^Ortto did not take the person: Email is suppressed/);
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'the other person delivered'));
    assert.equal(await notDeadLettered(integrationId, 'or-pr-ok'), true);
    const merged = sim.requests({ method: 'POST', path: MERGE }).filter((r) => peopleOf(r).some((p) => p.fields['str::ei'] === 'u-sue'));
    assert.equal(merged.length, 1, 'sent once');
    assert.deepEqual(peopleOf(merged[0]!).map((p) => p.fields['str::ei']), ['u-bob', 'u-sue'], 'both people in one merge, in order');
  });

  test('a 429 with Ortto\'s try-in-seconds and a 503 are retried, then the activity is created once', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Ortto retry');
    const email = 'dan.retry@example.com';
    sim.script('POST', CREATE, [{ status: 429, body: { error: { code: 'rate-limit', message: 'rate limit', 'try-in-seconds': 1 } } }, { status: 503, body: 'Service Unavailable' }]);
    await browser(site.key, { type: 'track', userId: email, event: 'Order Completed', messageId: 'or-retry', properties: { order_id: 'R-1' } }, 'df_orttovisitor03');
    await waitUntil(async () => createsOf(email).length >= 3 || undefined, 'the tries after the 429 and the 503', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(createsOf(email).length, 3, 'two failed tries and one created, no more');
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'delivered'));
    assert.equal(await notDeadLettered(integrationId, 'or-retry'), true);
  });

  test('a 400 dead-letters the activity at the first try with Ortto\'s message and what to check', async () => {
    const { site, integrationId } = await installed('Ortto 400');
    sim.script('POST', CREATE, [{ status: 400, body: { error: 'activity act:cm:order-completed does not exist', status: 'error' } }]);
    await browser(site.key, { type: 'track', userId: 'eve.refused@example.com', event: 'Order Completed', messageId: 'or-400', properties: { order_id: 'E-1' } }, 'df_orttovisitor04');
    const dead = await waitForDeadLetter(signal, integrationId, 'or-400');
    assert.equal(dead.attempts, 1);
    assert.match(dead.reason, /^Ortto refused the activity \(HTTP 400: activity act:cm:order-completed does not exist\): check config\.activities/);
  });

  test('person deletions: the people with the person\'s email or External ID looked up, archived, then deleted', async () => {
    const { site, integrationId } = await installed('Ortto deletions');
    const email = 'fay.forget@example.com';
    await browser(site.key, { type: 'identify', userId: 'u-fay-0042', messageId: 'or-del-1', traits: { email: 'Fay.Forget@Example.com', firstName: 'Fay' } }, 'df_orttovisitor05');
    await waitUntil(async () => mergesOf('Fay.Forget@Example.com').length >= 1 || undefined, 'the person merged');
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-fay-0042' });
    assert.deepEqual(sent, { integrationId, vendor: 'ortto', status: 'sent', responseStatus: 200, message: 'Ortto archived and deleted 1 person (1 deleted)' });
    const [lookup] = sim.requests({ method: 'POST', path: '/v1/person/get' }).filter((r) => JSON.stringify(bodyOf(r)).includes('u-fay-0042'));
    assert.equal(lookup!.headers['x-api-key'], API_KEY);
    assert.deepEqual(lookup!.json, {
      limit: 100, fields: ['str::email', 'str::ei'],
      filter: { $or: [{ '$str::is': { field_id: 'str::email', value: email } }, { '$str::is': { field_id: 'str::ei', value: 'u-fay-0042' } }] },
    }, 'by the email Signal remembered (lower-cased) and the userId as External ID');
    const id = personOf('Fay.Forget@Example.com').id;
    const archived = sim.requests({ method: 'PUT', path: '/v1/person/archive' }).filter((r) => JSON.stringify(bodyOf(r).inclusion_ids) === JSON.stringify([id]));
    const deleted = sim.requests({ method: 'DELETE', path: '/v1/person/delete' }).filter((r) => JSON.stringify(bodyOf(r).inclusion_ids) === JSON.stringify([id]));
    assert.deepEqual([archived.length, deleted.length], [1, 1]);
    assert.ok(archived[0]!.receivedAt <= deleted[0]!.receivedAt, 'archived before deleted');
    assert.equal(deleted[0]!.headers['x-api-key'], API_KEY);

    const [nobody] = await deletePerson(signal, site.id, { userId: 'u-never-seen' });
    assert.equal(nobody!.status, 'sent');
    assert.match(String(nobody!.message), /^Ortto has no person with this email or External ID/);
  });

  test('an install with a field name for its id and a "+" in the country code is refused, naming each field and what it expects in words', async () => {
    const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/ortto/install`, {
      method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ortto wrong ids', variant: 'default', config: { ...CONFIG, trait_fields: { plan: 'Plan' }, activities: { 'Order Completed': 'Order completed' }, default_country_code: '+61' } }),
    });
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as { error: { code: string; fields?: Array<{ field: string; message: string }> } };
    assert.equal(error.code, 'SIGNAL_INVALID_CONFIG');
    assert.deepEqual(error.fields, [
      { field: 'config.trait_fields', message: 'maps "plan" to "Plan": expected an Ortto custom field id, type:cm:name in lower case (str:cm:plan, int:cm:seats, bol:cm:vip, dtz:cm:signed-up), as Ortto shows it under the field\'s details' },
      { field: 'config.activities', message: 'maps "Order Completed" to "Order completed": expected an Ortto custom activity id, act:cm:name in lower case (act:cm:order-completed)' },
      { field: 'config.default_country_code', message: 'is "+61": expected a country calling code, 1 to 3 digits without "+" or a leading 0 (61 for Australia, 44 for the United Kingdom, 1 for the United States)' },
    ]);
  });
});
