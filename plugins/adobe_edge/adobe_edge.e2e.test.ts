// End to end: browser and server calls through the real collect API, the queue and the delivery
// engine to the vendor simulator standing in for Adobe IMS (ims-na1.adobelogin.com) and the Edge
// Network (server.adobedc.net), which must receive the documented client-credentials token request
// and `POST /ee/v2/collect?datastreamId=…` with the token, x-api-key and x-gw-ims-org-id: several
// events in one request; a 400 for one event of several (Adobe names none) sent again in halves,
// refusing that event alone and delivering the other; a 503,
// a 429 with Retry-After and a timeout retried; a 422 about a namespace and a 401 dead-lettered
// naming what to check.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const TOKEN_PATH = '/ims/token/v3';
const COLLECT_PATH = '/ee/v2/collect';
const CLIENT_ID = 'e2e0client0id0123456789abcdef';
const CLIENT_SECRET = 'p8e-e2e-secret-0123456789';
const ORG_ID = '53A16ACB5CC1D3760A495C99@AdobeOrg';
const DATASTREAM = '6f8b2a1c-3d4e-4f5a-8b9c-0d1e2f3a4b5c';
const ECID = '12345678901234567890123456789012345678';
const VISITOR_IP = '203.0.113.42';
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;
let tokens = 0;

// any: Adobe's JSON, read field by field in assertions.
type XdmEvent = Record<string, any>;
const eventsOf = (request: RecordedRequest): XdmEvent[] => (request.json as { events?: XdmEvent[] }).events ?? [];
const withEvent = (id: string) => sim.requests({ path: COLLECT_PATH }).filter((r) => eventsOf(r).some((e) => e.xdm?._id === id));
const sentOnce = (id: string) => waitUntil(async () => withEvent(id)[0], `${id} sent to Adobe`);
const notDeadLettered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;

const browser = (call: Record<string, unknown>, visitorId = 'df_adobe0visitor') => {
  const visitor: Visitor = { id: visitorId, ip: VISITOR_IP, userAgent: 'Mozilla/5.0 (e2e)' };
  return sendBrowserCall(signal, site.key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true, advertising: false }, adobe: { ecid: ECID }, page: { url: 'https://shop.example.com/thanks' } } });
};
const problem = (code: string, status: number, title: string, detail?: string) => ({
  status, headers: { 'content-type': 'application/problem+json' },
  body: { type: `https://ns.adobe.com/aep/errors/EXEG-${code}`, status, title, ...(detail ? { detail } : {}), report: { requestId: 'r-1', orgId: ORG_ID } },
});

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', TOKEN_PATH, () => ({ status: 200, body: { access_token: `eyJ-e2e-token-${++tokens}`, token_type: 'bearer', expires_in: 86399 } }));
  sim.setDefault('POST', COLLECT_PATH, { status: 202, body: { requestId: 'f567a988-4b3c-45a6-9ed8-f283188a445e' } });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://ims-na1.adobelogin.com=${sim.url},https://server.adobedc.net=${sim.url}`,
    SIGNAL_COMMIT_TIMEOUT_MS: '1000', SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000',
  }, { label: 'adobe_edge', vendors: ['adobe_edge'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'adobe_edge', 'Adobe shop', {
    config: { datastream_id: DATASTREAM, client_id: CLIENT_ID, client_secret: CLIENT_SECRET, org_id: ORG_ID, user_id_namespace: 'CRMID', anonymous_id_namespace: 'SIGNALID', analytics_variables: { eVar1: 'properties.plan' } },
    consentCategories: ['analytics'],
  }));
});
after(() => closeAll(signal, sim));

describe('Adobe Edge Network Server API', () => {
  test('an order from the browser: the credential exchanged at IMS, the documented collect request with the token, API key and org', async () => {
    await browser({ type: 'track', event: 'Order Completed', messageId: 'ae-order-1', userId: 'user-ae-1', properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'usd', plan: 'pro', products: [{ product_id: 'SKU-1', name: 'Shoes', price: 24.99, quantity: 3 }] } });
    const request = await sentOnce('ae-order-1');
    const token = sim.requests({ path: TOKEN_PATH })[0]!;
    const form = Object.fromEntries(new URLSearchParams(token.body));
    assert.equal(form.grant_type, 'client_credentials');
    assert.equal(form.client_id, CLIENT_ID);
    assert.equal(form.client_secret, CLIENT_SECRET);
    assert.match(form.scope ?? '', /additional_info\.projectedProductContext/);
    assert.equal(request.query.datastreamId, DATASTREAM);
    assert.equal(request.headers.authorization, 'Bearer eyJ-e2e-token-1');
    assert.equal(request.headers['x-api-key'], CLIENT_ID);
    assert.equal(request.headers['x-gw-ims-org-id'], ORG_ID);
    assert.deepEqual(request.json, {
      events: [{
        xdm: {
          eventType: 'commerce.purchases', _id: 'ae-order-1', timestamp: CALL_TIMESTAMP,
          identityMap: {
            ECID: [{ id: ECID, authenticatedState: 'ambiguous', primary: true }],
            SIGNALID: [{ id: 'df_adobe0visitor', authenticatedState: 'ambiguous', primary: false }],
            CRMID: [{ id: 'user-ae-1', authenticatedState: 'authenticated', primary: false }],
          },
          web: { webPageDetails: { URL: 'https://shop.example.com/thanks' } },
          commerce: { purchases: { value: 1 }, order: { purchaseID: 'ORD-1', priceTotal: 74.97, currencyCode: 'USD' } },
          productListItems: [{ SKU: 'SKU-1', name: 'Shoes', quantity: 3, priceTotal: 24.99 }],
          environment: { browserDetails: { userAgent: 'Mozilla/5.0 (e2e)' }, ipV4: VISITOR_IP },
          consents: { collect: { val: 'y' }, adID: { val: 'n' }, metadata: { time: CALL_TIMESTAMP } },
        },
        data: { __adobe: { analytics: { eVar1: 'pro' } } },
      }],
    });
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'counted delivered'));
  });

  test('events of one collect request go in one request; a 400 for one of them (naming none) is sent again in halves: that event dead-lettered, the other delivered', async () => {
    // Adobe refuses a whole request for one event without a primary identity: here, the one with ae-batch-b.
    sim.setDefault('POST', COLLECT_PATH, (request) => eventsOf(request).some((e) => e.xdm?._id === 'ae-batch-b')
      ? problem('0306-400', 400, 'No primary identity set in request (event)', 'No primary identity found in the input event. Update the request accordingly to your schema and try again.')
      : { status: 202, body: { requestId: 'f567a988-4b3c-45a6-9ed8-f283188a445e' } });
    try {
      await sendServerBatch(signal, site.key, [
        { event: 'Signed Up', messageId: 'ae-batch-a', userId: 'user-a' },
        { event: 'Demo Requested', messageId: 'ae-batch-b', userId: 'user-b' },
      ], { anonymousId: 'df_adobe9visitor', timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });
      const dead = await waitForDeadLetter(signal, integrationId, 'ae-batch-b');
      assert.match(dead.reason, /^Adobe refused the event \(HTTP 400: EXEG-0306-400 No primary identity set in request \(event\)/);
      const first = sim.requests({ path: COLLECT_PATH }).find((r) => eventsOf(r).length === 2);
      assert.ok(first, 'both events in one request');
      await waitUntil(async () => withEvent('ae-batch-a').length >= 2 || undefined, 'the other event sent again');
      assert.equal(eventsOf(withEvent('ae-batch-a')[1]!).length, 1, 'sent again alone');
      assert.equal(eventsOf(withEvent('ae-batch-b')[1]!).length, 1, 'the refused one alone');
      assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 2) || undefined, 'the other counted delivered'));
      assert.equal(await notDeadLettered('ae-batch-a'), true);
    } finally {
      sim.setDefault('POST', COLLECT_PATH, { status: 202, body: { requestId: 'f567a988-4b3c-45a6-9ed8-f283188a445e' } });
    }
  });

  test('a 503, a 429 with Retry-After and a timeout are retried, then the event is delivered once', { timeout: 60_000 }, async () => {
    sim.script('POST', COLLECT_PATH, [problem('0201-503', 503, 'The service is temporarily unavailable'), { status: 429, headers: { 'retry-after': '1' }, body: {} }, { hang: true }]);
    await browser({ type: 'page', name: 'Home', messageId: 'ae-retry' });
    await waitUntil(async () => withEvent('ae-retry').length >= 4 || undefined, 'the tries after the 503, the 429 and the timeout', 40_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(withEvent('ae-retry').length, 4, 'three failed tries and one delivered');
    assert.equal(eventsOf(withEvent('ae-retry')[3]!)[0]!.xdm.eventType, 'web.webpagedetails.pageViews');
    assert.equal(await notDeadLettered('ae-retry'), true);
  });

  test('a 422 about a namespace names the config field; a 401 that a new token does not settle names what to fix', async () => {
    sim.script('POST', COLLECT_PATH, [problem('0013-422', 422, 'The referenced identity namespace code CRMID cannot be resolved')]);
    await browser({ type: 'track', event: 'Signed Up', messageId: 'ae-422', userId: 'user-x' });
    const namespace = await waitForDeadLetter(signal, integrationId, 'ae-422');
    assert.equal(namespace.attempts, 1);
    assert.match(namespace.reason, /config\.user_id_namespace/);
    sim.script('POST', COLLECT_PATH, [problem('0506-401', 401, 'Missing sandbox write permissions'), problem('0506-401', 401, 'Missing sandbox write permissions')]);
    const before = tokens;
    await browser({ type: 'track', event: 'Signed Up', messageId: 'ae-401', userId: 'user-y' });
    const auth = await waitForDeadLetter(signal, integrationId, 'ae-401');
    assert.match(auth.reason, /^Adobe refused the authorization \(HTTP 401: EXEG-0506-401 Missing sandbox write permissions\): .*sandbox/);
    assert.equal(tokens, before + 1, 'the token renewed once');
  });
});
