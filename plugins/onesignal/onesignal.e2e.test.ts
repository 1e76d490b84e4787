// OneSignal end to end: browser calls through the real collect API, the pipeline stage, the
// queue and the delivery engine; the vendor simulator stands in for api.onesignal.com and must
// receive the requests OneSignal's API reference documents — Update user by External ID (and
// Create user when it answers 404, Create subscription), Create custom events, Delete user — with the App API key as
// `Authorization: Key`. Failures injected: a 503 and a 429 retried, a 400 dead-lettered with
// OneSignal's words, a custom event OneSignal names in its 202's errors dead-lettered alone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';
import { idempotencyKeyOf } from './idempotency-key.ts';

const APP_ID = '202d4f61-1ca9-42df-9d36-bb17d8123abc';
const KEY = 'os_v2_app_e2e0test0key0abcdefghijklmnop';
const APP = `/apps/${APP_ID}`;
const EVENTS = `${APP}/custom_events`;
const USERS = `${APP}/users`;
const userPath = (id: string) => `${APP}/users/by/external_id/${encodeURIComponent(id)}`;
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const visitor: Visitor = { id: 'df_onesignal0visitor1', ip: '203.0.113.42' };

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

/** The users the simulator knows: Update user answers 404 for any other, as OneSignal does. */
const known = new Set(['user-123', 'user-retry', 'user-refused', 'u-forget-1']);

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('PATCH', '*', (request) => {
    const id = decodeURIComponent(request.path.split('/').pop() ?? '');
    if (id === 'user-refused') return { status: 400, body: { errors: [{ code: 'invalid', title: 'Tag limit exceeded' }] } };
    return known.has(id) ? { status: 202, body: { properties: (request.json as { properties?: unknown }).properties ?? {} } } : { status: 404, body: { errors: [{ title: 'User not found' }] } };
  });
  sim.setDefault('POST', USERS, (request) => {
    const id = (request.json as { identity: { external_id: string } }).identity.external_id;
    known.add(id);
    return { status: 201, body: { identity: { external_id: id, onesignal_id: '567491ee-9105-4a87-9cbc-ed78a571645b' } } };
  });
  sim.setDefault('POST', EVENTS, (request) => {
    const events = (request.json as { events: Array<{ external_id: string; idempotency_key: string }> }).events;
    const refused = events.filter((e) => e.external_id === 'user-bad-event');
    return refused.length === 0
      ? { status: 202, body: {} }
      : { status: 202, body: { errors: refused.map((e) => ({ event_user_id: e.external_id, event_id: e.idempotency_key, error: { code: 'invalid', title: 'property value too large' } })) } };
  });
  sim.setDefault('POST', '*', { status: 201, body: { subscription: { id: 'b2c3d4e5-0000-4000-8000-000000000001' } } });
  sim.setDefault('DELETE', '*', { status: 202, body: {} });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://api.onesignal.com=${sim.url}`, SIGNAL_COMMIT_TIMEOUT_MS: '1000', SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_DELETION_WAIT_SCALE: '0.01', SIGNAL_HTTP_TIMEOUT_MS: '2000',
  }, { label: 'onesignal', vendors: ['onesignal'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'onesignal', 'OneSignal shop', {
    config: { app_id: APP_ID, api_key: KEY, email_subscriptions: true, event_names: { 'page:Pricing': 'viewed_pricing' } }, consentCategories: ['marketing'],
  }));
});
after(() => closeAll(signal, sim));

const browser = (call: Record<string, unknown>) => sendBrowserCall(signal, site.key, call, visitor, {
  timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true }, locale: 'en-US', page: { url: 'https://shop.example.com/pricing', path: '/pricing', title: 'Pricing' } },
});
const sentTo = (method: string, path: string) => sim.requests({ method, path });
const eventsNamed = (name: string) => sentTo('POST', EVENTS).flatMap((r: RecordedRequest) => (r.json as { events: Array<Record<string, unknown>> }).events).filter((e) => e.name === name);
const notDeadLettered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;

describe('OneSignal', () => {
  test('an identify updates the user by External ID (PATCH, Authorization: Key) with tags and language, no contact information among the tags', async () => {
    await browser({ type: 'identify', userId: 'user-123', messageId: 'os-identify-1', traits: { firstName: 'Jane', plan: 'premium', seats: 3, vip: true, work_email: 'jane@work.example' } });
    const [request] = await sim.waitFor(1, 15_000, { method: 'PATCH', path: userPath('user-123') });
    assert.equal(request!.headers.authorization, `Key ${KEY}`);
    assert.match(request!.headers['content-type']!, /^application\/json/);
    assert.deepEqual(request!.json, { properties: { tags: { first_name: 'Jane', plan: 'premium', seats: '3', vip: 'true' }, language: 'en' } });
    assert.ok(await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered >= 1 || undefined, 'delivered'));
  });

  test('a user OneSignal does not know yet: Update user answers 404, so Create user follows with the identity and the properties, then the Email subscription (marketing consent)', async () => {
    await browser({ type: 'identify', userId: 'user-new-1', messageId: 'os-identify-2', traits: { plan: 'trial', email: 'New@Example.com' } });
    const [subscription] = await sim.waitFor(1, 15_000, { method: 'POST', path: `${userPath('user-new-1')}/subscriptions` });
    assert.equal(subscription!.headers.authorization, `Key ${KEY}`);
    assert.deepEqual(subscription!.json, { subscription: { type: 'Email', token: 'new@example.com', enabled: true } });
    const [create] = sentTo('POST', USERS);
    assert.deepEqual(create!.json, { identity: { external_id: 'user-new-1' }, properties: { tags: { plan: 'trial' }, language: 'en' } });
    assert.ok(create!.receivedAt <= subscription!.receivedAt, 'the user created before its subscription');
    assert.equal(sentTo('PATCH', userPath('user-new-1')).length, 1, 'the update first, answered 404');
    assert.equal(await notDeadLettered('os-identify-2'), true);
  });

  test('a later identify of that user without an email adds no subscription: the email Signal remembers (context.traits) never subscribes anyone again', async () => {
    await browser({ type: 'identify', userId: 'user-new-1', messageId: 'os-identify-3', traits: { plan: 'pro' } });
    const updates = await sim.waitFor(2, 15_000, { method: 'PATCH', path: userPath('user-new-1') });
    assert.deepEqual(updates.at(-1)!.json, { properties: { tags: { plan: 'pro' }, language: 'en' } });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(sentTo('POST', `${userPath('user-new-1')}/subscriptions`).length, 1, 'only the first identify\'s own email');
    assert.equal(await notDeadLettered('os-identify-3'), true);
  });

  test('a track call becomes a custom event (name, External ID, timestamp, idempotency key from the messageId, properties); a page call only under the name the config gives it', async () => {
    await browser({ type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'os-order-1', properties: { order_id: 'O-1', revenue: 42.5, email: 'jane@example.com' } });
    await browser({ type: 'page', name: 'Pricing', userId: 'user-123', messageId: 'os-page-1', properties: { path: '/pricing' } });
    await browser({ type: 'page', name: 'Home', userId: 'user-123', messageId: 'os-page-2' });
    const order = await waitUntil(async () => eventsNamed('Order Completed')[0], 'the custom event sent');
    assert.deepEqual(order, { name: 'Order Completed', external_id: 'user-123', timestamp: CALL_TIMESTAMP, idempotency_key: idempotencyKeyOf('os-order-1'), properties: { order_id: 'O-1', revenue: 42.5 } });
    const page = await waitUntil(async () => eventsNamed('viewed_pricing')[0], 'the named page call sent');
    assert.deepEqual(page.properties, { path: '/pricing' });
    assert.equal(sentTo('POST', EVENTS).every((r) => r.headers.authorization === `Key ${KEY}`), true);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.deepEqual(eventsNamed('page'), [], 'a page call the config does not name is not sent');
    assert.equal(await notDeadLettered('os-page-2'), true, 'skipped, not dead-lettered');
  });

  test('a 503 and a 429 with Retry-After are retried, then the custom event is delivered once', { timeout: 30_000 }, async () => {
    sim.script('POST', EVENTS, [{ status: 503, body: 'Service Unavailable' }, { status: 429, body: { errors: ['API rate limit exceeded.'] }, headers: { 'retry-after': '1' } }]);
    await browser({ type: 'track', event: 'Retried Event', userId: 'user-retry', messageId: 'os-retry-1' });
    await waitUntil(async () => eventsNamed('Retried Event').length >= 3 || undefined, 'three tries', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const tries = eventsNamed('Retried Event');
    assert.equal(tries.length, 3, 'a 503, a 429, then accepted: no more');
    assert.equal(new Set(tries.map((e) => e.idempotency_key)).size, 1, 'every try carries the same idempotency key');
    assert.equal(await notDeadLettered('os-retry-1'), true);
  });

  test('a 400 dead-letters the user update at the first try with OneSignal\'s words and what to check', async () => {
    await browser({ type: 'identify', userId: 'user-refused', messageId: 'os-400', traits: { plan: 'pro' } });
    const dead = await waitForDeadLetter(signal, integrationId, 'os-400');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'OneSignal refused the user update (HTTP 400: invalid: Tag limit exceeded): check config.max_tags against your plan\'s tag limit per user (tags set by OneSignal\'s SDKs count too)');
  });

  test('a 202 naming one custom event in its errors dead-letters that event alone; the others of the request are delivered', async () => {
    const delivered = (await integrationStats(signal, integrationId)).delivered;
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': visitor.ip, cookie: `_dfdid=${visitor.id}` },
      body: JSON.stringify({ writeKey: site.key, batch: [
        { type: 'track', event: 'Batch Event', userId: 'user-123', messageId: 'os-batch-1', timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } },
        { type: 'track', event: 'Batch Event', userId: 'user-bad-event', messageId: 'os-batch-2', timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } },
        { type: 'track', event: 'Batch Event', userId: 'user-123', messageId: 'os-batch-3', timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } },
      ] }),
    });
    assert.equal(res.status, 200, await res.text());
    const dead = await waitForDeadLetter(signal, integrationId, 'os-batch-2');
    assert.equal(dead.reason, 'OneSignal refused the custom event (invalid: property value too large)');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered >= delivered + 2 || undefined, 'the other two delivered');
    assert.equal(await notDeadLettered('os-batch-1'), true);
    assert.equal(await notDeadLettered('os-batch-3'), true);
  });

  test('a person deletion is forwarded as Delete user by External ID; an anonymousId alone is skipped', async () => {
    const [vendor] = await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: 'df_forget0visitor' });
    assert.equal(vendor!.vendor, 'onesignal');
    assert.equal(vendor!.status, 'sent');
    assert.equal(vendor!.responseStatus, 202);
    const [request] = sentTo('DELETE', userPath('u-forget-1'));
    assert.ok(request, 'DELETE /apps/{app_id}/users/by/external_id/{id}');
    assert.equal(request.headers.authorization, `Key ${KEY}`);
    const [anonymous] = await deletePerson(signal, site.id, { anonymousId: 'df_forget0visitor2' });
    assert.equal(anonymous!.status, 'skipped');
    assert.match(String(anonymous!.message), /External ID \(the userId\) only/);
  });
});
