// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for api.impact.com, which must receive exactly the call
// impact.com's Conversions API documents (POST /Advertisers/{AccountSID}/Conversions, HTTP Basic,
// form-encoded fields); the landing URL's irclickid kept in Signal's first-party cookie; answers
// handled (a 503, a 429 and a timeout retried, a 400 and a 401 dead-lettered with impact.com's
// words, each conversion of a batch its own outcome); the queued submission's report followed; an
// event without an Event Type or an attribution key not sent.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { closeAll } from '../../test/helpers/close-all.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';

const SID = 'IRyMQiCNtwrt1804207G3t8Pn6NyzfyDw1';
const TOKEN = 't0k5Lr3GciUAqR0JNj1CzxKE2XTEmK5i';
const BASIC = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;
const CONVERSIONS = `/Advertisers/${SID}/Conversions`;
const SUBMISSIONS = `/Advertisers/${SID}/APISubmissions`;
/** A click id with a tag per test, in impact.com's form (a colon in it). */
const clickId = (tag: string) => `SKhRQaSXwxyOUQ:wUx0Mo36FUkiX-${tag}`;
const VISITOR_IP = '203.0.113.42';
const CALL_SECONDS = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const CALL_TIMESTAMP = new Date(CALL_SECONDS).toISOString();
const EVENT_DATE = CALL_TIMESTAMP.replace(/\.\d{3}Z$/, 'Z');
const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

const form = (request: RecordedRequest) => Object.fromEntries(new URLSearchParams(request.body));
const sent = (orderId: string) => sim.requests({ method: 'POST', path: CONVERSIONS }).filter((request) => form(request).OrderId === orderId);
const requestOf = (orderId: string) => waitUntil(async () => sent(orderId)[0], `${orderId} sent to impact.com`);
const notDeadLettered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;
type Exchange = { eventIds: string[]; outcome: string; error: string | null };
const logOf = async () => (await signal.graphql<{ deliveryLog: Exchange[] }>('query($id: ID!) { deliveryLog(integrationId: $id, limit: 100) { eventIds outcome error } }', { id: integrationId })).body.data!.deliveryLog;

/** A browser call with advertising consent; `cookies` as the browser sends them. */
const browser = (call: Record<string, unknown>, visitorId: string, cookies?: string) => {
  const visitor: Visitor = { id: visitorId, ip: VISITOR_IP, ...(cookies ? { cookies } : {}) };
  return sendBrowserCall(signal, site.key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/checkout/thanks' } } });
};
/** An order, numbered by `orderId`. */
const order = (messageId: string, orderId: string, extra: Record<string, unknown> = {}) => ({
  type: 'track', event: 'Order Completed', messageId, userId: 'user-123',
  properties: { order_id: orderId, subtotal: 16.99, coupon: '10OFF-FORGE', currency: 'usd', products: [{ sku: '12345', name: 'Anvil', category: 'Anvils', price: 10, quantity: 1 }, { product_id: '55555', name: 'Hammer', category: 'Hammers', price: 6.99 }] },
  ...extra,
});
/** A page landing from an impact.com tracking link. */
const landing = (messageId: string, query: string, cookie: string) => fetch(`${signal.collectUrl}/v1/page`, {
  method: 'POST',
  headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie },
  body: JSON.stringify({ writeKey: site.key, type: 'page', messageId, context: { consent: { advertising: true }, page: { url: `https://shop.example.com/?utm_source=impact&${query}` } } }),
});

before(async () => {
  sim = await startVendorSim();
  // impact.com queues each conversion; an OrderId tagged "refused" is refused (per-conversion
  // outcomes in a batch), one tagged "contract" is queued and then reported with a Contract Error.
  sim.setDefault('POST', CONVERSIONS, (request) => {
    const orderId = form(request).OrderId ?? '';
    if (orderId.includes('refused')) return { status: 400, body: { Status: 'ERROR', Message: 'Validation Failed', Errors: [{ Field: 'EventDate', Message: 'Invalid date' }] } };
    const batchId = `A-${orderId}`;
    sim.setDefault('GET', `${SUBMISSIONS}/${batchId}`, {
      status: 200,
      body: {
        BatchId: batchId, CampaignId: '1000', OrderId: orderId, Type: 'Conversion', Status: 'Complete',
        ...(orderId.includes('contract') ? { ErrorType: 'Contract Error', ErrorReason: 'CONTRACT_NOT_FOUND' } : { ErrorType: null, ErrorReason: null }), Uri: `${SUBMISSIONS}/${batchId}`,
      },
    });
    return { status: 200, body: { Status: 'QUEUED', QueuedUri: `${SUBMISSIONS}/${batchId}` } };
  });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://api.impact.com=${sim.url}`, SIGNAL_COMMIT_TIMEOUT_MS: '1000', SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_DELETION_WAIT_SCALE: '0.01', SIGNAL_HTTP_TIMEOUT_MS: '1000',
  }, { label: 'impact', vendors: ['impact'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'impact', 'impact.com shop', {
    config: { account_sid: SID, auth_token: TOKEN, campaign_id: 1000, event_types: { 'Order Completed': '12345', 'Signed Up': 'SIGNUP' }, check_submissions: true },
    consentCategories: ['advertising'],
  }));
});
after(() => closeAll(signal, sim));

describe('impact.com Conversions API', () => {
  test('the landing URL\'s irclickid is kept in _dfirclickid; the purchase later is the form-encoded POST impact.com documents', async () => {
    const id = clickId('landing01');
    const res = await landing('ir-landing', `irclickid=${encodeURIComponent(id)}`, '_dfdid=df_impact0visitor');
    assert.equal(res.status, 200);
    const setCookie = res.headers.getSetCookie().find((cookie) => cookie.startsWith('_dfirclickid='));
    assert.ok(setCookie, 'the click id kept in Signal\'s first-party cookie');
    assert.match(setCookie, new RegExp(`^_dfirclickid=${encodeURIComponent(id)};`));
    assert.match(setCookie, /Max-Age=2592000/, '30 days');

    await browser(order('ir-order-1', 'IR-ORD-1', { context: { traits: { email: ' Jane@Example.com ' } } }), 'df_impact0visitor', `_dfirclickid=${encodeURIComponent(id)}`);
    const request = await requestOf('IR-ORD-1');
    assert.equal(request.method, 'POST');
    assert.equal(request.path, CONVERSIONS);
    assert.equal(request.headers.authorization, BASIC);
    assert.equal(request.headers.accept, 'application/json');
    assert.match(request.headers['content-type'] ?? '', /^application\/x-www-form-urlencoded/);
    assert.deepEqual(request.queryPairs, [], 'every field in the form body');
    assert.deepEqual([...new URLSearchParams(request.body)], [
      ['CampaignId', '1000'], ['EventTypeId', '12345'], ['EventDate', EVENT_DATE], ['OrderId', 'IR-ORD-1'], ['ClickId', id], ['CustomerId', 'user-123'],
      ['CustomerEmail', sha1('jane@example.com')], ['OrderPromoCode', '10OFF-FORGE'], ['CurrencyCode', 'USD'],
      ['ItemSku1', '12345'], ['ItemName1', 'Anvil'], ['ItemCategory1', 'Anvils'], ['ItemQuantity1', '1'], ['ItemPrice1', '10'],
      ['ItemSku2', '55555'], ['ItemName2', 'Hammer'], ['ItemCategory2', 'Hammers'], ['ItemQuantity2', '1'], ['ItemPrice2', '6.99'],
    ]);
    assert.equal(request.body.includes('jane'), false, 'the email only as its SHA-1');
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'counted delivered'));
    assert.equal(sent('ir-landing').length, 0, 'the landing page is no conversion unless the config names it');
  });

  test('the queued submission is followed: its report is asked for by BatchId, and a Contract Error counts as failed in processing', { timeout: 40_000 }, async () => {
    await browser(order('ir-order-2', 'IR-ORD-2'), 'df_impact1visitor', `_dfirclickid=${encodeURIComponent(clickId('report001'))}`);
    await browser(order('ir-contract', 'IR-contract-1'), 'df_impact1visitor', `_dfirclickid=${encodeURIComponent(clickId('report002'))}`);
    const reports = await waitUntil(async () => {
      const log = (await logOf()).filter((e) => e.outcome === 'report');
      const ok = log.find((e) => e.eventIds.includes('ir-order-2'));
      const failed = log.find((e) => e.eventIds.includes('ir-contract'));
      return ok && failed ? { ok, failed } : undefined;
    }, 'the two submission reports', 30_000);
    assert.equal(reports.ok.error, 'impact.com processed the conversion (submission A-IR-ORD-2) without errors');
    assert.equal(reports.failed.error, 'impact.com processed the conversion (submission A-IR-contract-1) with an error: Contract Error (CONTRACT_NOT_FOUND)');
    const checks = sim.requests({ method: 'GET' }).filter((r) => r.path === `${SUBMISSIONS}/A-IR-ORD-2`);
    assert.ok(checks.length >= 1);
    assert.equal(checks[0]!.headers.authorization, BASIC);
    await waitUntil(async () => (await integrationStats(signal, integrationId, ['processingFailed'])).processingFailed >= 1 || undefined, 'the failed conversion counted', 20_000);
  });

  test('a landing URL whose irclickid is a placeholder, the bare name or an unexpanded macro keeps no cookie', async () => {
    for (const junk of ['undefined', 'irclickid', '%7Bclickid%7D', 'x'.repeat(65)]) {
      const res = await landing(`ir-junk-${junk.length}`, `irclickid=${junk}`, `_dfdid=df_impact2visitor; _dfirclickid=${encodeURIComponent(clickId('earlier01'))}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.headers.getSetCookie().filter((cookie) => cookie.startsWith('_dfirclickid')), [], junk);
    }
  });

  test('an event the config names by Code goes as EventTypeCode; without a click id it goes by CustomerId; no Event Type or no attribution key: not sent', async () => {
    await browser({ type: 'track', event: 'Signed Up', messageId: 'ir-signup-1', userId: 'user-456' }, 'df_impact3visitor');
    const signup = await requestOf('ir-signup-1');
    assert.deepEqual([...new URLSearchParams(signup.body)], [['CampaignId', '1000'], ['EventTypeCode', 'SIGNUP'], ['EventDate', EVENT_DATE], ['OrderId', 'ir-signup-1'], ['CustomerId', 'user-456']], 'the messageId as its OrderId');
    const before = sim.count({ method: 'POST', path: CONVERSIONS });
    await browser({ ...order('ir-anon', 'IR-ANON'), userId: undefined, properties: { order_id: 'IR-ANON', subtotal: 5 } }, 'df_impact4visitor');
    await browser({ type: 'track', event: 'Feature Used', messageId: 'ir-unnamed', userId: 'user-456' }, 'df_impact3visitor', `_dfirclickid=${encodeURIComponent(clickId('unnamed01'))}`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(sim.count({ method: 'POST', path: CONVERSIONS }), before, 'neither the anonymous order without a click id nor an event without an Event Type is sent');
    assert.equal(await notDeadLettered('ir-anon'), true, 'skipped, not dead-lettered');
  });

  test('a 503, a 429 with Retry-After and a timeout are retried, then the conversion is delivered once', { timeout: 30_000 }, async () => {
    sim.script('POST', CONVERSIONS, [
      { status: 503, body: 'Service Unavailable' },
      { status: 429, body: { Status: 'ERROR', Message: 'Too Many Requests' }, headers: { 'retry-after': '1', 'x-ratelimit-remaining': '0' } },
      { hang: true },
    ]);
    await browser(order('ir-retry', 'IR-RETRY'), 'df_impact5visitor', `_dfirclickid=${encodeURIComponent(clickId('retry0001'))}`);
    await waitUntil(async () => sent('IR-RETRY').length >= 4 || undefined, 'the tries after the 503, the 429 and the timeout', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('IR-RETRY').length, 4, 'three failed tries and one delivered, no more');
    assert.equal(await notDeadLettered('ir-retry'), true);
  });

  test('a 401 dead-letters the conversion at the first try naming the credentials', async () => {
    sim.script('POST', CONVERSIONS, [{ status: 401, body: { Status: 'ERROR', Message: 'Unauthorized' } }]);
    await browser(order('ir-401', 'IR-401'), 'df_impact6visitor', `_dfirclickid=${encodeURIComponent(clickId('unauth001'))}`);
    const dead = await waitForDeadLetter(signal, integrationId, 'ir-401');
    assert.equal(dead.attempts, 1);
    assert.match(dead.reason, /^impact\.com refused the credentials \(HTTP 401: Unauthorized\): check config\.account_sid and config\.auth_token/);
  });

  test('a batch: each conversion its own POST and its own outcome (a 400 dead-lettered with impact.com\'s Errors, the others delivered)', async () => {
    const good = clickId('batch0001');
    const delivered = (await integrationStats(signal, integrationId)).delivered;
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: `_dfdid=df_impact7visitor; _dfirclickid=${encodeURIComponent(good)}` },
      body: JSON.stringify({
        writeKey: site.key,
        batch: [
          { ...order('ir-batch-1', 'IR-BATCH-1'), timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true } } },
          { ...order('ir-batch-2', 'IR-refused-2'), timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true } } },
          { ...order('ir-batch-3', 'IR-BATCH-3'), timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true }, page: { url: `https://shop.example.com/?irclickid=${encodeURIComponent(clickId('batch0003'))}` } } },
        ],
      }),
    });
    assert.equal(res.status, 200, await res.text());
    const dead = await waitForDeadLetter(signal, integrationId, 'ir-batch-2');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'impact.com refused the conversion (HTTP 400: Validation Failed — EventDate: Invalid date): check the mapping of EventDate (the blueprint)');
    await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= delivered + 2) || undefined, 'the other two delivered');
    assert.equal(form((await requestOf('IR-BATCH-1'))).ClickId, good);
    assert.equal(form((await requestOf('IR-BATCH-3'))).ClickId, clickId('batch0003'), 'the landing URL\'s click id, newer than the cookie\'s');
    assert.equal(sent('IR-refused-2').length, 1, 'refused once, not retried');
  });
});
