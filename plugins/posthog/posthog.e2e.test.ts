// PostHog end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for PostHog's ingestion host (us.i.posthog.com) and
// its app host (us.posthog.com, under /app) and must receive the requests PostHog's capture
// API (/batch/) and persons API (bulk_delete) document.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { uuidFor } from './identity.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const VISITOR = 'df_ph0visitor01';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const KEY = 'phc_0123456789abcdefABCDEF0123456789abcdefABCDE';
const PERSONAL = 'phx_0123456789abcdefABCDEF0123456789abcdefABCDEF';
const BATCH = '/batch/';
/** Capture's answer to a batch it took, as its source gives it: `{"status":"Ok"}` as JSON. */
const CAPTURED = { status: 200, headers: { 'content-type': 'application/json' }, body: { status: 'Ok' } };
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://us.i.posthog.com=${sim.url},https://us.posthog.com=${sim.url}/app`,
  }, { label: 'posthog', vendors: ['posthog'] });
  // Capture's answer to a batch it took, as capture gives it.
  sim.setDefault('POST', BATCH, CAPTURED);
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42', userAgent: UA };
/** A pipeline with the integration installed through the catalog; its pipeline integration id. */
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'posthog', name, { config: { api_key: KEY, ...config }, consentCategories: ['analytics'] });
/** A browser call as datafly.js sends it (see sendBrowserCall). */
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });

interface Captured { event: string; distinct_id: string; properties: Record<string, unknown>; timestamp?: string; uuid: string }
/** Every event the simulator received at /batch/, with its request. */
function captured(): Array<{ request: RecordedRequest; event: Captured }> {
  return sim.requests({ path: BATCH }).flatMap((request) => {
    const batch = ((request.json ?? {}) as { batch?: Captured[] }).batch;
    return (Array.isArray(batch) ? batch : []).map((event) => ({ request, event }));
  });
}
/** The events received with this uuid (the messageId's). */
const byMessageId = (messageId: string) => captured().filter(({ event }) => event.uuid === uuidFor(messageId));

describe('PostHog', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('PostHog site');
  });

  test('a visitor\'s page view: POST /batch/ with the project API key and one $pageview by the anonymous id, an anonymous event with the visitor\'s IP, page properties, uuid and timestamp', async () => {
    await browser(main.site.key, {
      type: 'page', name: 'Pricing', messageId: 'ph-page-1',
      properties: { url: 'https://shop.example.com/pricing?utm_source=news', path: '/pricing', title: 'Pricing', referrer: 'https://www.google.com/' },
      context: { page: { url: 'https://shop.example.com/pricing?utm_source=news', path: '/pricing', title: 'Pricing', referrer: 'https://www.google.com/' }, campaign: { source: 'news' } },
    });
    const { request, event } = await waitUntil(async () => byMessageId('ph-page-1')[0], 'the page view');
    assert.equal(request.method, 'POST');
    assert.match(request.headers['content-type']!, /^application\/json/);
    assert.equal(request.headers.authorization, undefined, 'the project API key travels in the body');
    const body = request.json as { api_key: string; historical_migration?: boolean; batch: Captured[] };
    assert.equal(body.api_key, KEY);
    assert.equal(body.historical_migration, undefined);
    assert.deepEqual(event, {
      event: '$pageview', distinct_id: VISITOR, uuid: uuidFor('ph-page-1'), timestamp: CALL_TIMESTAMP,
      properties: {
        $current_url: 'https://shop.example.com/pricing?utm_source=news', $pathname: '/pricing', title: 'Pricing', page_name: 'Pricing',
        $referrer: 'https://www.google.com/', $raw_user_agent: UA, utm_source: 'news', $lib: 'Datafly Signal',
        $device_id: VISITOR, $ip: '203.0.113.42', $process_person_profile: false, $host: 'shop.example.com', $referring_domain: 'www.google.com',
      },
    });
  });

  test('identify: $identify on the userId with the traits as $set and the visitor as $anon_distinct_id (PostHog merges it); the user\'s events by the userId, a UUID messageId as their uuid', async () => {
    await browser(main.site.key, { type: 'identify', userId: 'user-123', messageId: 'ph-identify-1', traits: { email: 'jane@example.com', name: 'Jane Doe', plan: 'premium' } });
    const { event } = await waitUntil(async () => byMessageId('ph-identify-1')[0], 'the identify');
    assert.equal(event.event, '$identify');
    assert.equal(event.distinct_id, 'user-123');
    assert.deepEqual(event.properties.$set, { email: 'jane@example.com', name: 'Jane Doe', plan: 'premium' });
    assert.equal(event.properties.$anon_distinct_id, VISITOR);
    assert.equal(event.properties.$process_person_profile, undefined, 'an identified event');

    const messageId = '29FC2962-6D9C-455D-95AD-95B84F09B9E4';
    await browser(main.site.key, { type: 'track', event: 'Signed Up', userId: 'user-123', messageId, properties: { method: 'email', $ip: '198.51.100.1', distinct_id: 'someone-else' } });
    const track = await waitUntil(async () => captured().find(({ event: e }) => e.uuid === messageId.toLowerCase()), 'the track event');
    assert.deepEqual({ ...track.event, properties: { method: track.event.properties.method, $ip: track.event.properties.$ip, distinct_id: track.event.properties.distinct_id } }, {
      event: 'Signed Up', distinct_id: 'user-123', uuid: messageId.toLowerCase(), timestamp: CALL_TIMESTAMP,
      properties: { method: 'email', $ip: '203.0.113.42', distinct_id: undefined },
    }, 'the site\'s $ip and distinct_id never reach PostHog');
  });

  test('a 503 is retried, then delivered once, with the same uuid', async () => {
    const { site, integrationId } = await installed('PostHog outage');
    sim.script('POST', BATCH, [reply.serverError()]);
    await browser(site.key, { type: 'track', event: 'Outage', userId: 'user-5', messageId: 'ph-503-1' });
    const tries = await waitUntil(async () => { const list = byMessageId('ph-503-1'); return list.length >= 2 && list; }, 'two tries', 20_000);
    assert.equal(tries[0]!.event.uuid, tries[1]!.event.uuid, 'PostHog keeps one copy of an event by its uuid');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(byMessageId('ph-503-1').length, 2, 'not sent after the success');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
  });

  test('a 429 waits for Retry-After, then the batch is taken: delivered, without a dead letter', async () => {
    const { site, integrationId } = await installed('PostHog throttled');
    sim.script('POST', BATCH, [{ status: 429, headers: { 'Retry-After': '60' }, body: 'rate limited' }]);
    await browser(site.key, { type: 'track', event: 'Throttled', userId: 'user-7', messageId: 'ph-429-1' });
    const tries = await waitUntil(async () => { const list = byMessageId('ph-429-1'); return list.length >= 2 && list; }, 'two tries', 20_000);
    const waited = tries[1]!.request.receivedAt - tries[0]!.request.receivedAt;
    assert.ok(waited >= 500, `the 429 paused the integration for Retry-After (60 s, 600 ms scaled; waited ${waited} ms)`);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
  });

  test('a refused key (401) dead-letters at once with PostHog\'s message and what to give', async () => {
    const { site, integrationId } = await installed('PostHog bad key');
    sim.script('POST', BATCH, [{ status: 401, body: 'API key is not valid: personal_api_key' }]);
    await browser(site.key, { type: 'track', event: 'Bad Key', userId: 'user-8', messageId: 'ph-401' });
    const letter = await waitForDeadLetter(signal, integrationId, 'ph-401');
    assert.equal(letter.attempts, 1, 'not retried: resending cannot help');
    assert.equal(letter.reason, 'PostHog refused the project API key (HTTP 401: API key is not valid: personal_api_key): config.api_key must be the project API key, phc_… (Project settings > General > Project API key), not a personal (phx_) or secret (phs_) key');
  });

  test('a 200 web page (a reverse proxy path serving the site, not capture) dead-letters the event naming config.host, never counted delivered', async () => {
    const { site, integrationId } = await installed('PostHog wrong proxy');
    sim.script('POST', BATCH, [{ status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><html><body>Shop</body></html>' }]);
    await browser(site.key, { type: 'track', event: 'Lost', userId: 'user-9', messageId: 'ph-html-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'ph-html-1');
    assert.equal(letter.attempts, 1);
    assert.match(letter.reason, /^PostHog's capture did not answer \(HTTP 200 with a web page, not capture's \{"status": "Ok"\}\): .*\/batch\/ is not a PostHog ingestion endpoint — check config\.host/);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 0, deadLettered: 1 });
  });

  test('a 400 for one event of a batch: the batch is sent again in halves; only the event PostHog refuses is dead-lettered, with its message', async () => {
    const { site, integrationId } = await installed('PostHog refused');
    const refused = uuidFor('ph-batch-b');
    // Capture refuses a request whole for one bad event: here, any request carrying event b.
    sim.setDefault('POST', BATCH, (request) => {
      const batch = ((request.json ?? {}) as { batch?: Captured[] }).batch ?? [];
      return batch.some((e) => e.uuid === refused)
        // One of capture's per-event refusals: it names no field, yet refuses the whole request.
        ? { status: 400, body: 'event submitted with invalid timestamp' }
        : CAPTURED;
    });
    try {
      const res = await fetch(`${signal.collectUrl}/v1/batch`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
        body: JSON.stringify({ batch: ['a', 'b', 'c'].map((x, i) => ({ type: 'track', event: 'Batch Test', userId: `user-${x}`, messageId: `ph-batch-${x}`, timestamp: `2024-03-24T16:00:0${i}.000Z`, context: { consent: { analytics: true } } })) }),
      });
      assert.equal(res.status, 200);
      const letter = await waitForDeadLetter(signal, integrationId, 'ph-batch-b');
      assert.equal(letter.reason, 'PostHog refused the event (HTTP 400: event submitted with invalid timestamp)');
      await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two delivered');
      const taken = sim.requests({ path: BATCH }).filter((r) => ((r.json as { batch?: Captured[] }).batch ?? []).every((e) => e.uuid !== refused));
      const delivered = taken.flatMap((r) => (r.json as { batch: Captured[] }).batch).filter((e) => e.event === 'Batch Test').map((e) => e.distinct_id).sort();
      assert.deepEqual(delivered, ['user-a', 'user-c']);
      const carried = sim.requests({ path: BATCH }).map((r) => ((r.json as { batch?: Captured[] }).batch ?? []).filter((e) => e.event === 'Batch Test').map((e) => e.distinct_id)).filter((ids) => ids.length > 0);
      assert.deepEqual(carried[0], ['user-a', 'user-b', 'user-c'], 'first one request of the three');
      assert.ok(carried.some((ids) => ids.length === 1 && ids[0] === 'user-b'), 'then event b alone, refused again');
      assert.equal((await integrationStats(signal, integrationId)).deadLettered, 1);
    } finally {
      sim.setDefault('POST', BATCH, CAPTURED);
    }
  });

  test('a person deletion: one bulk_delete on the app host (us.posthog.com) with the personal API key, naming both ids; PostHog\'s summary shown', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('PostHog deletions', { personal_api_key: PERSONAL, project_id: '12345' });
    sim.setDefault('POST', '/app/api/projects/12345/persons/bulk_delete/', { status: 202, body: { persons_found: 1, persons_deleted: 1, events_queued_for_deletion: true, recordings_queued_for_deletion: true, deletion_errors: [] } });
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-forget-1', messageId: 'ph-forget-1' });
    await waitUntil(async () => byMessageId('ph-forget-1')[0], 'the event');
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR }), [{
      integrationId, vendor: 'posthog', status: 'sent', responseStatus: 202,
      message: 'PostHog deleted 1 person (HTTP 202) and queued their events and session recordings for deletion (PostHog deletes them in a batch job, which may take days)',
    }]);
    const [asked] = sim.requests({ path: '/app/api/projects/12345/persons/bulk_delete/' });
    assert.equal(asked!.method, 'POST');
    assert.equal(asked!.headers.authorization, `Bearer ${PERSONAL}`);
    assert.deepEqual(asked!.json, { distinct_ids: ['u-forget-1', VISITOR], delete_events: true, delete_recordings: true });

    // An integration without the personal API key does not forward deletions.
    const [skipped] = await deletePerson(signal, main.site.id, { userId: 'u-forget-2' }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'posthog', status: 'skipped' });
  });
});
