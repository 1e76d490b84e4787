// Segment end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for Segment's Tracking API (api.segment.io) and its
// Public API (api.segmentapis.com, under /papi) and must receive the requests Segment's HTTP API
// and Create Workspace Regulation document.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const VISITOR = 'df_sg0visitor01';
const CALL_TIMESTAMP = '2026-11-30T16:00:00.000Z';
const WRITE_KEY = 'DmBXIN4JnwqBnTqXccTF0wBnLXNQmFtk';
const TOKEN = 'sgp_0123456789abcdefABCDEF0123456789abcdefABCDEF';
const BATCH = '/v1/batch';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.segment.io=${sim.url},https://api.segmentapis.com=${sim.url}/papi`,
  }, { label: 'segment', vendors: ['segment'] });
  // The Tracking API's answer to a batch it took.
  sim.setDefault('POST', BATCH, { status: 200, body: { success: true } });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42', userAgent: UA, cookies: '_fbp=fb.1.1700000000000.123456789' };
/** A pipeline with the integration installed through the catalog; its pipeline integration id. */
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'segment', name, { config: { write_key: WRITE_KEY, ...config } });
/** A browser call as datafly.js sends it (see sendBrowserCall). */
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { categoryPreferences: { Analytics: true } } } });

type Message = Record<string, unknown> & { messageId: string; context?: Record<string, unknown> };
/** Every message the simulator received at /v1/batch, with its request. */
function received(): Array<{ request: RecordedRequest; message: Message }> {
  return sim.requests({ path: BATCH }).flatMap((request) => {
    const batch = ((request.json ?? {}) as { batch?: Message[] }).batch;
    return (Array.isArray(batch) ? batch : []).map((message) => ({ request, message }));
  });
}
const byMessageId = (messageId: string) => received().filter(({ message }) => message.messageId === messageId);

describe('Segment', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('Segment site');
  });

  test('a visitor\'s page view: POST /v1/batch with the write key as the Basic user name, { batch: [the Segment message], sentAt, writeKey }; Signal\'s cookies left out', async () => {
    await browser(main.site.key, {
      type: 'page', name: 'Pricing', messageId: 'sg-page-1', properties: { path: '/pricing', title: 'Pricing' },
      context: { page: { url: 'https://shop.example.com/pricing?utm_source=news', path: '/pricing', title: 'Pricing', search: '?utm_source=news' }, campaign: { source: 'news' } },
      integrations: { All: true, 'Google Analytics': false },
    });
    const { request, message } = await waitUntil(async () => byMessageId('sg-page-1')[0], 'the page view');
    assert.equal(request.method, 'POST');
    assert.equal(request.headers.authorization, `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`);
    assert.match(request.headers['content-type']!, /^application\/json/);
    const body = request.json as { batch: Message[]; sentAt: string; writeKey: string };
    assert.deepEqual(Object.keys(body).sort(), ['batch', 'sentAt', 'writeKey']);
    assert.equal(body.writeKey, WRITE_KEY, 'the write key in the body too, as Segment\'s analytics-node sends it');
    assert.ok(Date.parse(body.sentAt) >= Date.parse(CALL_TIMESTAMP) && Date.parse(body.sentAt) <= Date.now(), 'sentAt: the delivery\'s time');
    assert.deepEqual(message, {
      type: 'page', messageId: 'sg-page-1', timestamp: CALL_TIMESTAMP, anonymousId: VISITOR, name: 'Pricing',
      properties: { path: '/pricing', title: 'Pricing' },
      context: {
        consent: { categoryPreferences: { Analytics: true } },
        page: { url: 'https://shop.example.com/pricing?utm_source=news', path: '/pricing', title: 'Pricing', search: '?utm_source=news' },
        campaign: { source: 'news' }, ip: '203.0.113.42', userAgent: UA, library: { name: 'Datafly Signal', version: '1.0.0' },
      },
      integrations: { All: true, 'Google Analytics': false },
    });
  });

  test('identify and track: the userId, traits and properties as sent; a placeholder userId left out, the visitor\'s anonymousId kept', async () => {
    await browser(main.site.key, { type: 'identify', userId: 'user-123', messageId: 'sg-identify-1', traits: { email: 'jane@example.com', plan: 'premium' } });
    const identify = await waitUntil(async () => byMessageId('sg-identify-1')[0], 'the identify');
    assert.deepEqual([identify.message.type, identify.message.userId, identify.message.anonymousId, identify.message.traits], ['identify', 'user-123', VISITOR, { email: 'jane@example.com', plan: 'premium' }]);
    await browser(main.site.key, { type: 'track', event: 'Order Completed', userId: 'undefined', messageId: 'sg-track-1', properties: { order_id: 'o-1', total: 42.5, currency: 'EUR' } });
    const track = await waitUntil(async () => byMessageId('sg-track-1')[0], 'the track');
    assert.equal(track.message.userId, undefined);
    assert.equal(track.message.anonymousId, VISITOR);
    assert.equal(track.message.event, 'Order Completed');
    assert.deepEqual(track.message.properties, { order_id: 'o-1', total: 42.5, currency: 'EUR' });
  });

  test('a 503 is retried, then delivered once, with the same messageId (Segment deduplicates on it)', async () => {
    const { site, integrationId } = await installed('Segment outage');
    sim.script('POST', BATCH, [reply.serverError()]);
    await browser(site.key, { type: 'track', event: 'Outage', userId: 'user-5', messageId: 'sg-503-1' });
    await waitUntil(async () => byMessageId('sg-503-1').length >= 2 || undefined, 'two tries', 20_000);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(byMessageId('sg-503-1').length, 2, 'not sent after the success');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
  });

  test('a 200 that is a web page (a captive portal\'s, not Segment\'s answer) is retried, then delivered once Segment answers', async () => {
    const { site, integrationId } = await installed('Segment portal');
    sim.script('POST', BATCH, [{ status: 200, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><body>Sign in to the guest network</body></html>' }]);
    await browser(site.key, { type: 'track', event: 'Portal', userId: 'user-6', messageId: 'sg-portal-1' });
    await waitUntil(async () => byMessageId('sg-portal-1').length >= 2 || undefined, 'two tries', 20_000);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
  });

  test('a 429 waits for Retry-After, then the batch is taken: delivered, without a dead letter', async () => {
    const { site, integrationId } = await installed('Segment throttled');
    sim.script('POST', BATCH, [{ status: 429, headers: { 'Retry-After': '60', 'X-RateLimit-Reset': '60' }, body: 'Too Many Requests' }]);
    await browser(site.key, { type: 'track', event: 'Throttled', userId: 'user-7', messageId: 'sg-429-1' });
    const tries = await waitUntil(async () => { const list = byMessageId('sg-429-1'); return list.length >= 2 && list; }, 'two tries', 20_000);
    const waited = tries[1]!.request.receivedAt - tries[0]!.request.receivedAt;
    assert.ok(waited >= 500, `the 429 paused the integration for Retry-After (60 s, 600 ms scaled; waited ${waited} ms)`);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
  });

  test('a bare 400 (Segment\'s size answer) to a batch halves it until the event Segment refuses is alone: that one dead-lettered with Segment\'s words, the others delivered', async () => {
    const { site, integrationId } = await installed('Segment bad event');
    // Segment's 400 names no event: this one answers 400 to any batch carrying sg-400-b.
    sim.setDefault('POST', BATCH, (request) => {
      const batch = ((request.json ?? {}) as { batch?: Message[] }).batch ?? [];
      return batch.some((m) => m.messageId === 'sg-400-b') ? { status: 400, body: 'Bad Request' } : { status: 200, body: { success: true } };
    });
    try {
      const res = await fetch(`${signal.collectUrl}/v1/batch`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
        body: JSON.stringify({ batch: ['a', 'b', 'c'].map((x) => ({ type: 'track', event: 'Batch Test', userId: `user-${x}`, messageId: `sg-400-${x}`, timestamp: CALL_TIMESTAMP })) }),
      });
      assert.equal(res.status, 200);
      const letter = await waitForDeadLetter(signal, integrationId, 'sg-400-b');
      assert.match(letter.reason, /^Segment refused this event alone \(HTTP 400: Bad Request\), as it does an event over 32 KB/);
      await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two delivered');
      assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 2, deadLettered: 1 });
      const first = sim.requests({ path: BATCH }).find((r) => ((r.json as { batch?: Message[] }).batch ?? []).some((m) => m.messageId === 'sg-400-a'));
      assert.deepEqual(((first!.json as { batch: Message[] }).batch).map((m) => m.messageId), ['sg-400-a', 'sg-400-b', 'sg-400-c'], 'one batch first');
    } finally {
      sim.setDefault('POST', BATCH, { status: 200, body: { success: true } });
    }
  });

  test('a refused write key (401) dead-letters at once with Segment\'s message and what to check', async () => {
    const { site, integrationId } = await installed('Segment bad key');
    sim.script('POST', BATCH, [{ status: 401, body: 'Unauthorized' }]);
    await browser(site.key, { type: 'track', event: 'Bad Key', userId: 'user-8', messageId: 'sg-401' });
    const letter = await waitForDeadLetter(signal, integrationId, 'sg-401');
    assert.equal(letter.attempts, 1, 'not retried: resending cannot help');
    assert.equal(letter.reason, 'Segment refused the write key (HTTP 401: Unauthorized): check config.write_key (the source\'s Settings > API Keys) and that config.region is the workspace\'s; replay the dead letters once fixed');
  });

  test('a person deletion: a workspace regulation (DELETE_ONLY) by userId with the Public API token; without a token, not forwarded', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Segment deletions', { public_api_token: TOKEN });
    sim.setDefault('POST', '/papi/regulations', { status: 200, body: { data: { regulateId: '2Z3YmRbvJqRWp9ZLmQ5PRdXmnNt' } } });
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-forget-1', messageId: 'sg-forget-1' });
    await waitUntil(async () => byMessageId('sg-forget-1')[0], 'the event');
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR }), [{
      integrationId, vendor: 'segment', status: 'sent', responseStatus: 200,
      message: 'Segment created regulation 2Z3YmRbvJqRWp9ZLmQ5PRdXmnNt (DELETE_ONLY, workspace-wide; HTTP 200): it deletes the person\'s data in Segment and in its destinations that support deletion on its own schedule — follow it under Privacy > Deletion requests',
    }]);
    const [asked] = sim.requests({ path: '/papi/regulations' });
    assert.equal(asked!.method, 'POST');
    assert.equal(asked!.headers.authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(asked!.json, { regulationType: 'DELETE_ONLY', subjectType: 'USER_ID', subjectIds: ['u-forget-1'] });

    const [skipped] = await deletePerson(signal, main.site.id, { userId: 'u-forget-2' }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'segment', status: 'skipped' });
  });
});
