// Airship end to end: browser calls through the real collect API, the pipeline stage, the
// queue and the delivery engine; the vendor simulator stands in for Airship's API
// (go.urbanairship.com, and go.airship.eu under /eu) and must receive the requests its API
// reference documents: custom events, named user attributes, named users uninstall.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const VISITOR = 'df_airship0visitor1';
const TOKEN = 'MTp4WmF0b2tlbjAxMjM0NTY3ODlhYmNkZWY';
const APP_KEY = 'ISex_TTJRuarzs9-o_Gkhg';
const ACCEPT = 'application/vnd.urbanairship+json; version=3';
const OK = { ok: true, operation_id: 'ef625038-70a3-41f1-826f-57bc11dd625a' };

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://go.urbanairship.com=${sim.url},https://go.airship.eu=${sim.url}/eu`,
  }, { label: 'airship', vendors: ['airship'] });
  sim.setDefault('POST', '/api/custom-events', { status: 200, body: OK });
  sim.setDefault('POST', '/api/named_users/user-123/attributes', { status: 200, body: { ok: true } });
  sim.setDefault('POST', '/api/named_users/uninstall', { status: 200, body: { ok: true } });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'airship', name, { config: { access_token: TOKEN, app_key: APP_KEY, ...config }, variant: 'default', consentCategories: ['marketing'] });
/** A browser call as datafly.js sends it, timestamped now (Airship takes events of the past 90 days). */
const browser = (key: string, call: Record<string, unknown>, timestamp = new Date(Date.now() - 60_000).toISOString()) => sendBrowserCall(signal, key, call, visitor, { timestamp, context: { consent: { marketing: true }, page: { url: 'https://shop.example.com/pricing', title: 'Pricing', path: '/pricing' } } });
/** Every custom event the simulator received under `prefix`. */
const customEvents = (prefix = '') => sim.requests({ path: `${prefix}/api/custom-events` }).flatMap((request) => (Array.isArray(request.json) ? (request.json as Array<Record<string, unknown>>) : []).map((event) => ({ request, event })));
const named = (name: string, prefix = '') => customEvents(prefix).filter(({ event }) => (event.body as { name?: string }).name === name);

describe('Airship', () => {
  test('an identify to the named user\'s attributes and a track to a custom event, exactly as Airship documents them, with the bearer token, version 3 and X-UA-Appkey', async () => {
    const { site } = await installed('Airship default');
    const at = new Date(Date.now() - 60_000);
    const seconds = `${at.toISOString().slice(0, 19)}Z`;
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'ua-identify-1', traits: { firstName: 'Jane', email: 'jane@example.com', plan: 'premium' } }, at.toISOString());
    const [attributes] = await sim.waitFor(1, 15_000, { path: '/api/named_users/user-123/attributes' });
    assert.equal(attributes!.method, 'POST');
    assert.equal(attributes!.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(attributes!.headers.accept, ACCEPT);
    assert.equal(attributes!.headers['x-ua-appkey'], APP_KEY);
    assert.match(attributes!.headers['content-type']!, /^application\/json/);
    assert.deepEqual(attributes!.json, { attributes: [
      { action: 'set', key: 'plan', value: 'premium', timestamp: seconds },
      { action: 'set', key: 'first_name', value: 'Jane', timestamp: seconds },
      { action: 'set', key: 'email', value: 'jane@example.com', timestamp: seconds },
    ] });

    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'ua-track-1', properties: { order_id: 'SO-1', revenue: 42.5, currency: 'EUR' } }, at.toISOString());
    const { request, event } = await waitUntil(async () => named('order completed')[0], 'the custom event');
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(request.headers['x-ua-appkey'], APP_KEY);
    assert.equal(request.headers.accept, ACCEPT);
    assert.deepEqual(event, {
      occurred: seconds, user: { named_user_id: 'user-123' },
      body: { name: 'order completed', value: 42.5, transaction: 'SO-1', interaction_id: '/pricing', interaction_type: 'url', unique_id: 'ua-track-1', properties: { order_id: 'SO-1', revenue: 42.5, currency: 'EUR' } },
    });
  });

  test('a 503 is retried, then a 429 waits for Retry-After: delivered once, no dead letter', async () => {
    const { site, integrationId } = await installed('Airship retried');
    sim.script('POST', '/api/custom-events', [reply.serverError({ ok: false, error: 'unavailable' }), reply.tooMany(1, { ok: false, error: 'Too many requests' })]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'user-7', messageId: 'ua-retried-1' });
    const tries = await waitUntil(async () => { const list = named('retried'); return list.length >= 3 && list; }, 'three tries', 20_000);
    assert.equal(tries.length, 3);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 2, deadLettered: 0 });
  });

  test('a refused token (401, EU site) dead-letters at once naming access_token; a 400 is dead-lettered with Airship\'s words; an anonymous visitor\'s event is never sent', async () => {
    const eu = await installed('Airship EU', { region: 'eu' });
    sim.script('POST', '/eu/api/custom-events', [reply.unauthorized({ ok: false, error: 'Unauthorized', error_code: 40101 })]);
    await browser(eu.site.key, { type: 'track', event: 'Bad Token', userId: 'user-8', messageId: 'ua-401' });
    const refused = await waitForDeadLetter(signal, eu.integrationId, 'ua-401');
    assert.equal(refused.attempts, 1, 'not retried: resending cannot help');
    assert.match(refused.reason, /^Airship refused the token \(HTTP 401 \(error_code 40101\): Unauthorized\): check config\.access_token/);
    assert.equal(sim.requests({ path: '/eu/api/custom-events' })[0]!.headers['x-ua-appkey'], APP_KEY);

    const { site, integrationId } = await installed('Airship refused');
    sim.script('POST', '/api/custom-events', [reply.badRequest({ ok: false, error: 'Could not parse request body.', error_code: 40001, details: { error: 'Invalid property value', path: '[0].body.properties' } })]);
    await browser(site.key, { type: 'track', event: 'Refused', userId: 'user-9', messageId: 'ua-400' });
    const letter = await waitForDeadLetter(signal, integrationId, 'ua-400');
    assert.equal(letter.reason, 'Airship refused the custom event (HTTP 400 (error_code 40001): Could not parse request body. — Invalid property value (at [0].body.properties))');
    assert.equal(letter.attempts, 1);

    await browser(site.key, { type: 'track', event: 'Anonymous Browse', messageId: 'ua-anon-1' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(named('anonymous browse').length, 0, 'never sent');
  });

  test('person deletion: Named Users uninstall by userId; an anonymousId alone is skipped', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Airship deletions');
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR });
    assert.deepEqual(sent, { integrationId, vendor: 'airship', status: 'sent', responseStatus: 200, message: sent!.message });
    assert.match(String(sent!.message), /^accepted \(HTTP 200\): Airship deletes the named user and every channel associated with it/);
    const [uninstall] = sim.requests({ path: '/api/named_users/uninstall' });
    assert.equal(uninstall!.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(uninstall!.headers['x-ua-appkey'], APP_KEY);
    assert.deepEqual(uninstall!.json, { named_user_id: ['u-forget-1'] });
    const [skipped] = await deletePerson(signal, site.id, { anonymousId: VISITOR });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /^the plugin sends Airship named users only/);
  });
});
