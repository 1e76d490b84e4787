// Mixpanel end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for api.mixpanel.com (and the GDPR API on
// mixpanel.com) and must receive the requests Mixpanel's Ingestion API documents.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const VISITOR_IP = '203.0.113.42';
const VISITOR = 'df_mp0visitor01';
const VISITOR_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const TOKEN = '0123456789abcdef0123456789abcdef';
const SERVICE_ACCOUNT = { service_account_username: 'signal.1a2b3c.mp-service-account', service_account_secret: 'sa-secret-0123456789', project_id: '1234567' };
const SA_AUTHORIZATION = `Basic ${Buffer.from('signal.1a2b3c.mp-service-account:sa-secret-0123456789').toString('base64')}`;

before(async () => {
  sim = await startVendorSim();
  // /engage?verbose=1's documented answer to updates it took (the simulator's own default is no Mixpanel answer).
  sim.setDefault('POST', '/engage', { status: 200, body: { status: 1, error: null } });
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.mixpanel.com=${sim.url},https://api-eu.mixpanel.com=${sim.url}/eu,https://mixpanel.com=${sim.url}/gdpr`,
  }, { label: 'mixpanel', vendors: ['mixpanel'] });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: VISITOR_IP, userAgent: VISITOR_UA };
/** A pipeline with the integration installed through the catalog; its pipeline integration id. */
const installed = (name: string, config: Record<string, unknown>, variant = 'default') => installOnNewPipeline(signal, 'mixpanel', name, { config, variant, consentCategories: ['analytics'] });
/** A browser call as datafly.js sends it (see sendBrowserCall). */
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });

/** Every /import record the simulator received (under `prefix`), with its request. */
function imported(prefix = ''): Array<{ request: RecordedRequest; record: { event: string; properties: Record<string, unknown> } }> {
  return sim.requests({ path: `${prefix}/import` }).flatMap((request) => (Array.isArray(request.json) ? request.json : []).map((record) => ({ request, record })));
}

function importedRecord(insertId: string) {
  return waitUntil(async () => imported().find(({ record }) => record.properties.$insert_id === insertId), `the record ${insertId}`);
}

describe('Mixpanel', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('Mixpanel site', { project_token: TOKEN, ...SERVICE_ACCOUNT });
  });

  test('a track event: POST /import?strict=1&project_id=… with the service account, the documented record', async () => {
    await browser(main.site.key, {
      type: 'track', event: 'Signed Up', userId: 'user-123', messageId: '29fc2962-6d9c-455d-95ad-95b84f09b9e4', properties: { method: 'email', plan: 'premium' },
      context: { page: { url: 'https://shop.example.com/signup', referrer: 'https://www.google.com/' }, campaign: { source: 'google', medium: 'cpc', name: 'spring_sale' } },
    });
    const { request, record } = await importedRecord('29fc2962-6d9c-455d-95ad-95b84f09b9e4');
    assert.equal(request.method, 'POST');
    assert.deepEqual(request.queryPairs, [['strict', '1'], ['project_id', '1234567']]);
    assert.equal(request.headers.authorization, SA_AUTHORIZATION);
    assert.match(request.headers['content-type']!, /^application\/json/);
    assert.deepEqual(record, {
      event: 'Signed Up',
      properties: {
        method: 'email', plan: 'premium', time: Date.parse(CALL_TIMESTAMP), $insert_id: '29fc2962-6d9c-455d-95ad-95b84f09b9e4',
        $device_id: VISITOR, $user_id: 'user-123', distinct_id: 'user-123', ip: VISITOR_IP,
        $current_url: 'https://shop.example.com/signup', $referrer: 'https://www.google.com/', $referring_domain: 'www.google.com',
        utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'spring_sale', mp_lib: 'Datafly Signal',
      },
    });
  });

  test('a page view is $mp_web_page_view with the URL parts; an SDK\'s long messageId becomes a valid $insert_id; an anonymous visitor is $device:<id>', async () => {
    const messageId = 'ajs-next-1711296000000-3f1c2d4e5b6a7980aa';
    await browser(main.site.key, {
      type: 'page', name: 'Pricing', messageId,
      context: { page: { url: 'https://shop.example.com/pricing?ref=nav', path: '/pricing', search: '?ref=nav', title: 'Pricing | Shop', referrer: '' } },
    });
    const { record } = await waitUntil(async () => imported().find(({ record }) => record.event === '$mp_web_page_view'), 'the page view');
    // Over Mixpanel's 36 characters: the first 36 hex characters of its SHA-256, the same on every retry.
    const insertId = createHash('sha256').update(messageId).digest('hex').slice(0, 36);
    assert.deepEqual(record.properties, {
      time: Date.parse(CALL_TIMESTAMP), $insert_id: insertId, $device_id: VISITOR, distinct_id: `$device:${VISITOR}`, ip: VISITOR_IP,
      $current_url: 'https://shop.example.com/pricing?ref=nav', mp_lib: 'Datafly Signal',
      current_page_title: 'Pricing | Shop', current_url_path: '/pricing', current_url_search: '?ref=nav', page: 'Pricing',
      current_domain: 'shop.example.com', current_url_protocol: 'https:',
    }, 'no $referrer for a direct visit, as Mixpanel\'s SDK');
  });

  test('a browser cannot choose the ids Mixpanel merges: distinct_id, $user_id, $device_id, $insert_id, time, ip, token and $ignore in its properties are not sent', async () => {
    await browser(main.site.key, {
      type: 'track', event: 'Coupon Applied', messageId: 'mp-forged-ids',
      properties: { coupon: 'SPRING', $user_id: 'user-123', distinct_id: 'user-123', $device_id: 'df_someone_else', $insert_id: 'mp-other', time: 86_400_000, ip: '192.0.2.1', token: 'another-project', $ignore: true, bucket: 'x' },
      context: { page: { url: 'https://shop.example.com/cart' } },
    });
    const { record } = await importedRecord('mp-forged-ids');
    assert.deepEqual(record, {
      event: 'Coupon Applied',
      properties: {
        time: Date.parse(CALL_TIMESTAMP), distinct_id: `$device:${VISITOR}`, $insert_id: 'mp-forged-ids', $device_id: VISITOR, ip: VISITOR_IP,
        coupon: 'SPRING', $current_url: 'https://shop.example.com/cart', mp_lib: 'Datafly Signal',
      },
    }, 'the visitor stays anonymous: no $user_id, its own device');
  });

  test('identify: the traits to POST /engage?verbose=1&strict=1 as a $set with the project token and the visitor\'s $ip', async () => {
    await browser(main.site.key, {
      type: 'identify', userId: 'user-123', messageId: 'mp-identify-1',
      traits: { email: ' Jane.Doe@Example.com ', firstName: 'Jane', lastName: 'Doe', phone: '+44 7700 900123', plan: 'premium', createdAt: '2023-11-02T09:14:00Z' },
    });
    const [request] = await sim.waitFor(1, 15_000, { path: '/engage' });
    assert.equal(request!.method, 'POST');
    assert.deepEqual(request!.queryPairs, [['verbose', '1'], ['strict', '1']]);
    assert.equal(request!.headers.authorization, undefined, 'the token travels in the body');
    assert.deepEqual(request!.json, [{
      $token: TOKEN, $distinct_id: 'user-123', $ip: VISITOR_IP,
      $set: { plan: 'premium', $email: 'jane.doe@example.com', $name: 'Jane Doe', $first_name: 'Jane', $last_name: 'Doe', $phone: '+447700900123', $created: '2023-11-02T09:14:00' },
    }]);
    assert.equal(imported().some(({ record }) => record.properties.$insert_id === 'mp-identify-1'), false, 'an identify is no event');
  });

  test('a profile update /engage refuses with a 200 (`{status: 0}`) is dead-lettered with its error, not counted delivered', async () => {
    sim.script('POST', '/engage', [{ status: 200, body: { status: 0, error: "'$set' must be a dictionary of properties" } }]);
    await browser(main.site.key, { type: 'identify', userId: 'user-456', messageId: 'mp-identify-refused', traits: { plan: 'basic' } });
    const letter = await waitForDeadLetter(signal, main.integrationId, 'mp-identify-refused');
    assert.equal(letter.reason, "Mixpanel refused the profile update (HTTP 200, status 0): '$set' must be a dictionary of properties");
  });

  test('a 200 that is a web page (a captive portal\'s, not Mixpanel\'s {"status": 1}) is retried, then the profile update delivered', async () => {
    const { site, integrationId } = await installed('Mixpanel portal', { project_token: TOKEN, ...SERVICE_ACCOUNT });
    sim.script('POST', '/engage', [{ status: 200, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><body>Sign in to the guest network</body></html>' }]);
    await browser(site.key, { type: 'identify', userId: 'user-portal', messageId: 'mp-identify-portal', traits: { plan: 'pro' } });
    const tries = () => sim.requests({ path: '/engage' }).filter((r) => JSON.stringify(r.json).includes('user-portal'));
    await waitUntil(async () => tries().length >= 2 || undefined, 'two tries', 20_000);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
    assert.equal(tries().length, 2, 'not sent after Mixpanel\'s answer');
  });

  test('a 400 with failed_records dead-letters exactly the refused event with Mixpanel\'s message; the others were ingested and are not sent again', async () => {
    const { site, integrationId } = await installed('Mixpanel partial', { project_token: TOKEN, ...SERVICE_ACCOUNT });
    sim.script('POST', '/import', [{ status: 400, body: {
      code: 400, error: 'some data points in the request failed validation', status: 'Bad Request', num_records_imported: 2,
      failed_records: [{ index: 1, insert_id: 'mp-partial-b', field: 'properties.utm_source', message: 'properties.utm_source is invalid: string should be valid utf8' }],
    } }]);
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['a', 'b', 'c'].map((x) => ({ type: 'track', event: 'Batch Test', userId: 'user-9', messageId: `mp-partial-${x}`, timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } })) }),
    });
    assert.equal(res.status, 200);
    const letter = await waitForDeadLetter(signal, integrationId, 'mp-partial-b');
    assert.equal(letter.reason, 'Mixpanel refused the event (properties.utm_source): properties.utm_source is invalid: string should be valid utf8');
    assert.equal(letter.attempts, 1, 'validation errors are not retried (Mixpanel: they consistently fail)');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two delivered');
    const sent = imported().filter(({ record }) => String(record.properties.$insert_id).startsWith('mp-partial-'));
    assert.deepEqual(sent.map(({ record }) => record.properties.$insert_id), ['mp-partial-a', 'mp-partial-b', 'mp-partial-c'], 'one request, nothing sent again');
    assert.equal(new Set(sent.map(({ request }) => request)).size, 1);
  });

  test('a 429, then a 503, then success: delivered once, without a dead letter', async () => {
    const { site, integrationId } = await installed('Mixpanel throttled', { project_token: TOKEN, ...SERVICE_ACCOUNT });
    sim.script('POST', '/import', [reply.tooMany(1, { code: 429, error: 'Project exceeded rate limits. Please retry the request with exponential backoff.', status: 'Too Many Requests' }), { status: 503, body: 'Service Unavailable' }]);
    await browser(site.key, { type: 'track', event: 'Throttled', userId: 'user-7', messageId: 'mp-throttled-1' });
    const tries = await waitUntil(async () => {
      const list = imported().filter(({ record }) => record.properties.$insert_id === 'mp-throttled-1');
      return list.length >= 3 && list;
    }, 'three tries');
    assert.ok(tries[1]!.request.receivedAt - tries[0]!.request.receivedAt >= 10, 'the 429 paused the integration (scaled Retry-After)');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(imported().filter(({ record }) => record.properties.$insert_id === 'mp-throttled-1').length, 3, 'not sent after the success');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 2, deadLettered: 0 });
  });

  test('a refused project token (401, EU residency) dead-letters at once saying which field to fix', async () => {
    const { site, integrationId } = await installed('Mixpanel EU', { project_token: TOKEN, region: 'eu' });
    sim.script('POST', '/eu/import', [reply.unauthorized({ code: 401, error: 'Invalid credentials', status: 'Unauthorized' })]);
    await browser(site.key, { type: 'track', event: 'Bad Token', messageId: 'mp-401' });
    const letter = await waitForDeadLetter(signal, integrationId, 'mp-401');
    assert.equal(letter.attempts, 1, 'not retried: resending cannot help');
    assert.match(letter.reason, /^Mixpanel refused the project token \(HTTP 401\): check config\.project_token \(Project Settings > Access Keys\) and that config\.region is the project's data residency .*\(Mixpanel: Invalid credentials\)$/);
    const [request] = sim.requests({ path: '/eu/import' });
    assert.equal(request!.headers.authorization, `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}`, 'the project token as Basic username, empty password');
    assert.deepEqual(request!.queryPairs, [['strict', '1']], 'no project_id without a service account');
  });

  test('a person deletion is forwarded to the GDPR API with the GDPR token, for the userId alone (the canonical distinct_id)', { timeout: 40_000 }, async () => {
    const { site, integrationId } = await installed('Mixpanel deletions', { project_token: TOKEN, gdpr_token: 'gdpr-oauth-token-0123' });
    sim.setDefault('POST', '/gdpr/api/app/data-deletions/v3.0/', { status: 201, body: { status: 'ok', results: { task_id: 'job-4242' } } });
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-forget-1', messageId: 'mp-forget-1' });
    await importedRecord('mp-forget-1');
    const vendors = await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR });
    assert.deepEqual(vendors, [{ integrationId, vendor: 'mixpanel', status: 'sent', responseStatus: 201, message: 'accepted: deletion task job-4242; Mixpanel completes it within 30 days: check the task\'s status in Mixpanel (Organization Settings > Data & Privacy)' }]);
    const [asked] = sim.requests({ path: '/gdpr/api/app/data-deletions/v3.0/' });
    assert.equal(asked!.headers.authorization, 'Bearer gdpr-oauth-token-0123');
    assert.deepEqual(asked!.queryPairs, [['token', TOKEN]]);
    assert.deepEqual(asked!.json, { distinct_ids: ['u-forget-1'], compliance_type: 'GDPR' });

    // Asked again while Mixpanel's task runs: its 409 names the id (hidden from the plugin) and the task.
    sim.script('POST', '/gdpr/api/app/data-deletions/v3.0/', [{ status: 409, body: { status: 'error', error: { conflicting_distinct_ids: ['u-forget-1'], conflicting_task_ids: ['job-4242'], error: 'A deletion task is already in progress for some distinct_ids' } } }]);
    const repeated = await deletePerson(signal, site.id, { userId: 'u-forget-1' }, ['status', 'responseStatus', 'message']);
    assert.deepEqual(repeated, [{ status: 'sent', responseStatus: 409, message: 'already being deleted: Mixpanel has a deletion task running for this person (task job-4242); check its status in Mixpanel (Organization Settings > Data & Privacy)' }]);
  });
});
