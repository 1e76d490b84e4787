// End to end: browser calls through the real collect API, the pipeline stage, the queue and the
// delivery engine to the vendor simulator standing in for ActiveCampaign — the account's API
// (https://acme.api-us1.com) and Event Tracking (https://trackcmp.net) — which must receive the
// requests ActiveCampaign's reference documents, in the order of each identify's chain of
// delivery follow-ups: POST /api/3/contact/sync, GET /api/3/contacts/{id}/contactLists, POST
// /api/3/contactLists; POST /event (form-encoded) for track calls, by the email Signal remembers
// from the identify; person deletions as GET /api/3/contacts?email=… then DELETE
// /api/3/contacts/{id}. Failures: a 429 and a 503 retried, a 422 dead-lettered at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const API_KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567';
const EVENT_KEY = 'baf2815c4c1d1cc1fa4fbf2b715005282bb3b2e7';
const CONFIG = { api_url: 'https://acme.api-us1.com', api_key: API_KEY, actid: '1111111', event_key: EVENT_KEY, custom_fields: { plan: '3' }, default_country_code: '1' };
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const SYNC = '/api/3/contact/sync';
const EVENT = '/event';

let sim: VendorSim;
let signal: TestSignal;
/** Contact ids ActiveCampaign gives, by email: each person of a test its own. */
const contactIds = new Map<string, string>();
const contactIdOf = (email: string): string => {
  if (!contactIds.has(email)) contactIds.set(email, String(100 + contactIds.size));
  return contactIds.get(email)!;
};

const bodyOf = (r: RecordedRequest) => (r.json ?? {}) as Record<string, unknown>;
const formOf = (r: RecordedRequest) => [...new URLSearchParams(r.body).entries()];
const syncsOf = (email: string) => sim.requests({ method: 'POST', path: SYNC }).filter((r) => (bodyOf(r).contact as { email?: string } | undefined)?.email === email);
const eventsOf = (email: string) => sim.requests({ method: 'POST', path: EVENT }).filter((r) => new URLSearchParams(r.body).get('visit') === JSON.stringify({ email }));
/** The API requests about one contact, in order, as `METHOD /path`. */
const chainOf = (email: string): string[] => {
  const id = contactIdOf(email);
  return sim.requests().filter((r) => (r.path === SYNC && (bodyOf(r).contact as { email?: string } | undefined)?.email === email)
    || r.path === `/api/3/contacts/${id}/contactLists`
    || (r.path === '/api/3/contactLists' && (bodyOf(r).contactList as { contact?: string } | undefined)?.contact === id))
    .sort((a, b) => a.receivedAt - b.receivedAt).map((r) => `${r.method} ${r.path}`);
};
const notDeadLettered = async (integrationId: string, messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;

before(async () => {
  sim = await startVendorSim();
  // The sync answers as ActiveCampaign documents it (201, the contact with its id); a contact
  // whose email says "refused" is one it refuses (422); memberships: none, unless the email
  // says "unsubscribed" (an unsubscribed membership of list 2).
  sim.setDefault('POST', SYNC, (request) => {
    const email = String((bodyOf(request).contact as { email?: string } | undefined)?.email ?? '');
    if (email.includes('refused')) return { status: 422, body: { errors: [{ title: 'Email address already exists in the system', detail: '', code: 'duplicate', source: { pointer: '/data/attributes/email' } }] } };
    return { status: 201, body: { fieldValues: [], contact: { email, id: contactIdOf(email), hash: 'h' } } };
  });
  sim.setDefault('GET', '*', (request) => {
    const match = /^\/api\/3\/contacts\/(\d+)\/contactLists$/.exec(request.path);
    if (match) {
      const email = [...contactIds].find(([, id]) => id === match[1])?.[0] ?? '';
      return { status: 200, body: { contactLists: email.includes('unsubscribed') ? [{ contact: match[1], list: '2', status: '2', id: '9' }] : [] } };
    }
    if (request.path === '/api/3/contacts') {
      const email = request.query.email ?? '';
      return { status: 200, body: { scoreValues: [], contacts: contactIds.has(email) ? [{ id: contactIdOf(email), email }] : [], meta: { total: contactIds.has(email) ? '1' : '0' } } };
    }
    return { status: 404, body: { message: 'Not Found' } };
  });
  sim.setDefault('POST', '/api/3/contactLists', (request) => ({ status: 200, body: { contacts: [], contactList: { ...(bodyOf(request).contactList as object), id: '7' } } }));
  sim.setDefault('POST', EVENT, { status: 200, body: { success: 1, message: 'Event spawned' } });
  sim.setDefault('DELETE', '*', { status: 200, body: {} });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://acme.api-us1.com=${sim.url},https://trackcmp.net=${sim.url}`, SIGNAL_COMMIT_TIMEOUT_MS: '1000', SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_DELETION_WAIT_SCALE: '0.01', SIGNAL_HTTP_TIMEOUT_MS: '1000',
  }, { label: 'activecampaign', vendors: ['activecampaign'] });
});
after(() => closeAll(signal, sim));

const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'activecampaign', name, { config: { ...CONFIG, ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>, visitorId: string) => {
  const visitor: Visitor = { id: visitorId, ip: '203.0.113.42' };
  return sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true }, page: { url: 'https://shop.example.com/account', path: '/account' } } });
};

describe('ActiveCampaign', () => {
  test('an identify: the contact sync with the Api-Token and the documented body, then its memberships, then the list status — each a delivery follow-up', async () => {
    const { site, integrationId } = await installed('AC identify', { list_id: 2 });
    const email = 'ann.identify@example.com';
    await browser(site.key, { type: 'identify', userId: 'u-ann', messageId: 'ac-id-1', traits: { email, firstName: 'Ann', lastName: 'Lee', phone: '(415) 555-0100', plan: 'pro', company: 'Acme' } }, 'df_acvisitor01');
    await waitUntil(async () => chainOf(email).length >= 3 || undefined, 'the sync, the memberships and the list status');
    assert.deepEqual(chainOf(email), ['POST /api/3/contact/sync', `GET /api/3/contacts/${contactIdOf(email)}/contactLists`, 'POST /api/3/contactLists']);
    const [sync] = syncsOf(email);
    assert.equal(sync!.headers['api-token'], API_KEY);
    assert.match(sync!.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(sync!.json, { contact: { email, firstName: 'Ann', lastName: 'Lee', phone: '+14155550100', fieldValues: [{ field: '3', value: 'pro' }] } });
    const [join] = sim.requests({ method: 'POST', path: '/api/3/contactLists' }).filter((r) => (bodyOf(r).contactList as { contact?: string }).contact === contactIdOf(email));
    assert.deepEqual(join!.json, { contactList: { list: '2', contact: contactIdOf(email), status: '1' } });
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'counted delivered once the chain ends'));
    const log = await signal.delivery.recentExchanges(integrationId, 20);
    assert.deepEqual(log.filter((e) => e.eventIds.includes('ac-id-1')).reverse().map((e) => `${(e.request as { method: string }).method} ${new URL((e.request as { url: string }).url).pathname} → ${e.outcome}`), [
      'POST /api/3/contact/sync → next', `GET /api/3/contacts/${contactIdOf(email)}/contactLists → next`, 'POST /api/3/contactLists → delivered',
    ]);
    assert.equal(JSON.stringify(log).includes(API_KEY), false, 'the key is redacted in the delivery log');
  });

  test('a contact who unsubscribed from the list is not subscribed again: the memberships answer ends the chain', async () => {
    const { site, integrationId } = await installed('AC unsubscribed', { list_id: 2 });
    const email = 'bob.unsubscribed@example.com';
    await browser(site.key, { type: 'identify', userId: 'u-bob', messageId: 'ac-id-2', traits: { email } }, 'df_acvisitor02');
    await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'delivered');
    assert.deepEqual(chainOf(email), ['POST /api/3/contact/sync', `GET /api/3/contacts/${contactIdOf(email)}/contactLists`]);
  });

  test('a track after the identify: Event Tracking\'s form with the Event Key, the name, the properties as eventdata, the actid and the remembered email as visit', async () => {
    const { site, integrationId } = await installed('AC track', { event_names: { 'Order Completed': 'purchase' } });
    const email = 'cleo.track@example.com';
    await browser(site.key, { type: 'identify', userId: 'u-cleo', messageId: 'ac-tr-0', traits: { email } }, 'df_acvisitor03');
    await waitUntil(async () => syncsOf(email).length >= 1 || undefined, 'the identify synced');
    await browser(site.key, { type: 'track', userId: 'u-cleo', event: 'Order Completed', messageId: 'ac-tr-1', properties: { order_id: 'A-1', revenue: 74.97, email: 'someone.else@example.com' } }, 'df_acvisitor03');
    const [event] = await waitUntil(async () => (eventsOf(email).length >= 1 ? eventsOf(email) : undefined), 'the event tracked');
    assert.equal(event!.method, 'POST');
    assert.match(event!.headers['content-type'] ?? '', /^application\/x-www-form-urlencoded/);
    assert.equal(event!.headers['api-token'], undefined, 'Event Tracking takes its own key, in the form');
    assert.deepEqual(formOf(event!).map(([name]) => name), ['key', 'event', 'eventdata', 'actid', 'visit'], 'the form fields ActiveCampaign documents');
    const form = new URLSearchParams(event!.body);
    assert.deepEqual([form.get('key'), form.get('event'), form.get('actid'), form.get('visit')], [EVENT_KEY, 'purchase', '1111111', JSON.stringify({ email })]);
    assert.deepEqual(JSON.parse(form.get('eventdata')!), { order_id: 'A-1', revenue: 74.97 }, 'the properties without contact information');
    await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 2) || undefined, 'both delivered');
    const log = JSON.stringify(await signal.delivery.recentExchanges(integrationId, 20));
    assert.equal(log.includes(EVENT_KEY), false, 'the Event Key is redacted in the delivery log');

    const before = sim.count({ method: 'POST', path: EVENT });
    await browser(site.key, { type: 'track', event: 'Order Completed', messageId: 'ac-tr-anon', properties: { order_id: 'A-2' } }, 'df_acvisitor04');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(sim.count({ method: 'POST', path: EVENT }), before, 'an anonymous visitor\'s event (no email) is not sent');
    assert.equal(await notDeadLettered(integrationId, 'ac-tr-anon'), true, 'skipped, not dead-lettered');
  });

  test('a 429 with Retry-After and a 503 are retried, then the event is recorded once', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('AC retry');
    const email = 'dan.retry@example.com';
    sim.script('POST', EVENT, [{ status: 429, body: { message: 'Too Many Requests' }, headers: { 'retry-after': '1' } }, { status: 503, body: 'Service Unavailable' }]);
    await browser(site.key, { type: 'track', userId: email, event: 'Signed Up', messageId: 'ac-retry', properties: { plan: 'pro' } }, 'df_acvisitor05');
    await waitUntil(async () => eventsOf(email).length >= 3 || undefined, 'the tries after the 429 and the 503', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(eventsOf(email).length, 3, 'two failed tries and one recorded, no more');
    assert.equal(await notDeadLettered(integrationId, 'ac-retry'), true);
  });

  test('a 422 dead-letters the identify at the first try, with ActiveCampaign\'s title and the field it names', async () => {
    const { site, integrationId } = await installed('AC 422', { list_id: 2 });
    const email = 'eve.refused@example.com';
    await browser(site.key, { type: 'identify', userId: 'u-eve', messageId: 'ac-422', traits: { email } }, 'df_acvisitor06');
    const dead = await waitForDeadLetter(signal, integrationId, 'ac-422');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.match(dead.reason, /^ActiveCampaign refused the contact \(HTTP 422: Email address already exists in the system \(field email, duplicate\)\): the contact's email/);
    assert.equal(syncsOf(email).length, 1);
    assert.deepEqual(chainOf(email), ['POST /api/3/contact/sync'], 'no list step after a refusal');
  });

  test('person deletions: an email userId looked up, then its contact deleted by id; another userId skipped saying why', async () => {
    const { site, integrationId } = await installed('AC deletions');
    const email = 'fay.forget@example.com';
    await browser(site.key, { type: 'identify', userId: email, messageId: 'ac-del-1', traits: { firstName: 'Fay' } }, 'df_acvisitor07');
    await waitUntil(async () => syncsOf(email).length >= 1 || undefined, 'the contact synced by the userId\'s email');
    const [sent] = await deletePerson(signal, site.id, { userId: email, anonymousId: 'df_acvisitor07' });
    assert.deepEqual(sent, { integrationId, vendor: 'activecampaign', status: 'sent', responseStatus: 200, message: 'deleted (HTTP 200): ActiveCampaign deleted the contact' });
    const [lookup] = sim.requests({ method: 'GET', path: '/api/3/contacts' }).filter((r) => r.query.email === email);
    assert.equal(lookup!.headers['api-token'], API_KEY);
    const deleted = sim.requests({ method: 'DELETE', path: `/api/3/contacts/${contactIdOf(email)}` });
    assert.equal(deleted.length, 1);
    assert.equal(deleted[0]!.headers['api-token'], API_KEY);

    const [skipped] = await deletePerson(signal, site.id, { userId: 'u-not-an-email' });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /^ActiveCampaign keys contacts by email/);
  });

  test('person deletions: a userId that is no email, whose identify gave traits.email — the contact found by that email and deleted', async () => {
    const { site, integrationId } = await installed('AC deletions by traits');
    const email = 'gus.gone@example.com';
    await browser(site.key, { type: 'identify', userId: 'u-gus-0042', messageId: 'ac-del-2', traits: { email: 'Gus.Gone@Example.com', firstName: 'Gus' } }, 'df_acvisitor08');
    await waitUntil(async () => syncsOf('Gus.Gone@Example.com').length + syncsOf(email).length >= 1 || undefined, 'the contact synced by the traits\' email');
    contactIdOf(email);
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-gus-0042' });
    assert.deepEqual(sent, { integrationId, vendor: 'activecampaign', status: 'sent', responseStatus: 200, message: 'deleted (HTTP 200): ActiveCampaign deleted the contact' });
    const lookups = sim.requests({ method: 'GET', path: '/api/3/contacts' }).filter((r) => r.query.email === email);
    assert.equal(lookups.length, 1, 'looked up by the email Signal remembered (lower-cased), though the deletion named the userId only');
    assert.equal(sim.requests({ method: 'DELETE', path: `/api/3/contacts/${contactIdOf(email)}` }).length, 1);
  });
});
