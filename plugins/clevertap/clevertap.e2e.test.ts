// CleverTap end to end: browser calls through the real collect API, the pipeline stage, the
// queue and the delivery engine; the vendor simulator stands in for CleverTap's API
// (eu1.api.clevertap.com, and us1.api.clevertap.com under /us1) and must receive the requests
// its docs describe: POST /1/upload with `{ "d": [...] }`, POST /1/delete/profiles.json.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const VISITOR = 'df_ctap0visitor01';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const TS = 1711296000;
const ACCOUNT = 'W9R-486-4W5Z';
const PASSCODE = 'WVE-SAD-OAAL';
const OK = (processed = 1) => ({ status: 'success', processed, unprocessed: [] });

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://eu1.api.clevertap.com=${sim.url},https://us1.api.clevertap.com=${sim.url}/us1`,
  }, { label: 'clevertap', vendors: ['clevertap'] });
  sim.setDefault('POST', '/1/upload', (request) => ({ status: 200, body: OK((((request.json ?? {}) as { d?: unknown[] }).d ?? []).length) }));
  sim.setDefault('POST', '/us1/1/upload', { status: 200, body: OK() });
  sim.setDefault('POST', '/1/delete/profiles.json', { status: 200, body: { status: 'success' } });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'clevertap', name, { config: { account_id: ACCOUNT, passcode: PASSCODE, region: 'eu1', ...config }, variant: 'default', consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true }, page: { url: 'https://shop.example.com/pricing', title: 'Pricing', path: '/pricing' } } });

/** Every record CleverTap's upload endpoint received (under `prefix`), with its request. */
function records(prefix = ''): Array<{ request: RecordedRequest; record: Record<string, unknown> }> {
  return sim.requests({ path: `${prefix}/1/upload` }).flatMap((request) => {
    const list = ((request.json ?? {}) as Record<string, unknown>).d;
    return (Array.isArray(list) ? (list as Array<Record<string, unknown>>) : []).map((record) => ({ request, record }));
  });
}
const eventsNamed = (name: string, prefix = '') => records(prefix).filter(({ record }) => record.evtName === name);

describe('CleverTap', () => {
  test('an identify to a profile record, a track to an event record and an order to Charged, in POST /1/upload exactly as CleverTap documents it, with the account\'s headers', async () => {
    const { site } = await installed('CleverTap documented');
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'ct-identify-1', traits: { name: 'Jane Doe', email: ' Jane@Example.com ', phone: '+44 7700 900123', gender: 'female', plan: 'premium' } });
    const { request, record } = await waitUntil(async () => records().find(({ record }) => record.type === 'profile' && record.identity === 'user-123'), 'the profile upload');
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['x-clevertap-account-id'], ACCOUNT);
    assert.equal(request.headers['x-clevertap-passcode'], PASSCODE);
    assert.equal(request.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(request.json, { d: [record] });
    assert.deepEqual(record, { type: 'profile', identity: 'user-123', ts: TS, profileData: { plan: 'premium', Name: 'Jane Doe', Email: 'jane@example.com', Phone: '+447700900123', Gender: 'F' } });

    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'user-123', messageId: 'ct-track-1', properties: { method: 'email', email: 'someone@example.com' } });
    const signedUp = await waitUntil(async () => eventsNamed('Signed Up')[0], 'the event');
    assert.deepEqual(signedUp.record, { type: 'event', identity: 'user-123', ts: TS, evtName: 'Signed Up', evtData: { method: 'email' } });

    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'ct-order-1', properties: { order_id: 'SO-1', total: 131, currency: 'EUR', products: [{ product_id: 'P-1', name: 'Mug', price: 12.5, quantity: 2, category: 'Kitchen' }] } });
    const charged = await waitUntil(async () => eventsNamed('Charged')[0], 'the Charged event');
    assert.deepEqual(charged.record, { type: 'event', identity: 'user-123', ts: TS, evtName: 'Charged', evtData: { Amount: 131, Currency: 'EUR', 'Charged ID': 'SO-1', Items: [{ 'Product ID': 'P-1', 'Product name': 'Mug', Category: 'Kitchen', Price: 12.5, Quantity: 2 }] } });
  });

  test('a 200 whose unprocessed list names one record dead-letters exactly that event with CleverTap\'s code; the others are delivered and not sent again', async () => {
    const { site, integrationId } = await installed('CleverTap partial');
    // CleverTap's answer as it gives it: "success", and the refused record (user-b's) by its
    // number from 1 in the error, echoed as a JSON string.
    sim.setDefault('POST', '/1/upload', (request) => {
      const d = ((request.json ?? {}) as { d?: Array<Record<string, unknown>> }).d ?? [];
      const bad = d.flatMap((record, i) => (record.identity === 'user-b' ? [{ record, number: i + 1 }] : []));
      return { status: 200, body: { status: 'success', processed: d.length - bad.length, unprocessed: bad.map(({ record, number }) => ({ status: 'fail', code: 513, error: `Raised a restricted system event. Skipped record number : ${number}`, record: JSON.stringify(record) })) } };
    });
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['a', 'b', 'c'].map((x, i) => ({ type: 'track', event: 'Batch Test', userId: `user-${x}`, messageId: `ct-partial-${x}`, timestamp: `2024-03-24T16:00:0${i}.000Z`, properties: { n: x }, context: { consent: { marketing: true } } })) }),
    });
    assert.equal(res.status, 200);
    const letter = await waitForDeadLetter(signal, integrationId, 'ct-partial-b');
    assert.equal(letter.reason, 'CleverTap did not process the record (code 513: Raised a restricted system event)');
    assert.equal(letter.attempts, 1);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two delivered');
    const sent = eventsNamed('Batch Test');
    assert.deepEqual(sent.map(({ record }) => record.identity), ['user-a', 'user-b', 'user-c'], 'one request, nothing sent again');
    sim.setDefault('POST', '/1/upload', (request) => ({ status: 200, body: OK((((request.json ?? {}) as { d?: unknown[] }).d ?? []).length) }));
  });

  test('a 500 is retried, then a 429 (too many concurrent requests) waits for Retry-After: delivered once, no dead letter', async () => {
    const { site, integrationId } = await installed('CleverTap retried');
    sim.script('POST', '/1/upload', [reply.serverError({ status: 'fail', error: 'Service Unavailable' }), reply.tooMany(1, { status: 'fail', error: 'Too many concurrent requests' })]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'user-7', messageId: 'ct-retried-1' });
    await waitUntil(async () => eventsNamed('Retried').length >= 3 || undefined, 'three tries', 20_000);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(eventsNamed('Retried').length, 3, 'not sent after the success');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 2, deadLettered: 0 });
  });

  test('refused credentials (401, us1 region) dead-letter at once naming account_id, passcode and region; an anonymous visitor\'s event is dead-lettered saying why, never sent', async () => {
    const us = await installed('CleverTap US', { region: 'us1' });
    sim.script('POST', '/us1/1/upload', [reply.unauthorized({ status: 'fail', error: 'Account ID is not valid', code: 401 })]);
    await browser(us.site.key, { type: 'track', event: 'Bad Key', userId: 'user-8', messageId: 'ct-401' });
    const refused = await waitForDeadLetter(signal, us.integrationId, 'ct-401');
    assert.equal(refused.attempts, 1);
    assert.match(refused.reason, /^CleverTap refused the credentials \(HTTP 401: Account ID is not valid \(code 401\)\): check config\.account_id and config\.passcode .*config\.region/);
    assert.equal(sim.requests({ path: '/us1/1/upload' })[0]!.headers['x-clevertap-account-id'], ACCOUNT);

    await browser(us.site.key, { type: 'track', event: 'Anonymous Browse', messageId: 'ct-anonymous-1' });
    const letter = await waitForDeadLetter(signal, us.integrationId, 'ct-anonymous-1');
    assert.match(letter.reason, /CleverTap needs the user's identity for every event, and this event has none/);
    assert.equal(eventsNamed('Anonymous Browse', '/us1').length, 0, 'never sent');
  });

  test('person deletions: the profile by identity through POST /1/delete/profiles.json; an anonymousId alone is skipped; refused credentials fail naming the fields', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('CleverTap deletions');
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR });
    assert.deepEqual(sent, { integrationId, vendor: 'clevertap', status: 'sent', responseStatus: 200, message: sent!.message });
    assert.match(String(sent!.message), /^accepted \(HTTP 200\): CleverTap deletes the profile/);
    const [request] = sim.requests({ path: '/1/delete/profiles.json' });
    assert.equal(request!.headers['x-clevertap-passcode'], PASSCODE);
    assert.deepEqual(request!.json, { identity: 'u-forget-1' });

    const [skipped] = await deletePerson(signal, site.id, { anonymousId: VISITOR });
    assert.equal(skipped!.status, 'skipped');

    sim.setDefault('POST', '/1/delete/profiles.json', { status: 401, body: { status: 'fail', error: 'Account ID is not valid', code: 401 } });
    const [refused] = await deletePerson(signal, site.id, { userId: 'u-forget-2' });
    assert.equal(refused!.status, 'failed');
    assert.match(String(refused!.message), /^HTTP 401: CleverTap refused the credentials for the deletion/);
    sim.setDefault('POST', '/1/delete/profiles.json', { status: 200, body: { status: 'success' } });
  });
});
