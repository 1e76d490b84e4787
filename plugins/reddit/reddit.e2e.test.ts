// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for ads-api.reddit.com, which must receive exactly the
// request Reddit's Conversions API v3 documents; and Reddit's failure answers handled as
// documented (a 400 naming the refused event, a 429, a refused token).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const PIXEL = 'a2_e2etestpixel';
const TOKEN = 'reddit_conversion_token_e2e_0123456789';
const PATH = `/api/v3/pixels/${PIXEL}/conversion_events`;
const VISITOR = 'df_reddit0visitor';
const VISITOR_IP = '203.0.113.42';
const VISITOR_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const RDT_UUID = '1712345678901.b8f7eb7d-b357-437b-8bd3-e1c8166c7132';
const RDT_CID = '3184742045291813272';
const COOKIES = `_rdt_uuid=${RDT_UUID}; _rdt_cid=${RDT_CID}`;

/** The fields of a Reddit event the assertions read. */
interface RedditEvent {
  event_at: number;
  action_source: string;
  type: { tracking_type: string; custom_event_name?: string };
  event_source_url?: string;
  click_id?: string;
  metadata: { conversion_id: string; [key: string]: unknown };
  user?: Record<string, unknown>;
}
interface RedditBody {
  data: { test_id?: string; events: RedditEvent[] };
}

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;
let defaultSite: { id: string; key: string };

const bodyOf = (request: RecordedRequest) => request.json as RedditBody;
const redditEvents = (): Array<{ request: RecordedRequest; event: RedditEvent }> =>
  sim.requests({ path: PATH }).flatMap((request) => (bodyOf(request).data?.events ?? []).map((event) => ({ request, event })));
const sent = (messageId: string) => redditEvents().filter(({ event }) => event.metadata.conversion_id === messageId);
const redditEvent = (messageId: string) => waitUntil(async () => sent(messageId)[0], `${messageId} sent to Reddit`);
const delivered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;
/** Reddit's answer to a request whose events were all processed. */
const processedAll = (request: RecordedRequest) => ({ status: 200, body: { data: { message: `Successfully processed ${bodyOf(request).data.events.length} conversion events.` } } });
const now = () => new Date().toISOString();

const visitor: Visitor = { id: VISITOR, ip: VISITOR_IP, userAgent: VISITOR_UA };
/** A browser call as the site's SDK sends it (sendBrowserCall), with Reddit's cookies, the page and advertising consent. */
const browser = (call: Record<string, unknown>, cookies = COOKIES, key = site.key) =>
  sendBrowserCall(signal, key, call, { ...visitor, cookies }, { timestamp: now(), context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/' } } });

/** Several events in one collect request (so one delivery request carries them). */
const batch = (events: Array<Record<string, unknown>>) => sendServerBatch(signal, site.key, events, { anonymousId: VISITOR, timestamp: now(), context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/' } } }, { 'x-forwarded-for': VISITOR_IP, 'user-agent': VISITOR_UA });

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', PATH, processedAll);
  signal = await startTestSignal({ SIGNAL_VENDOR_REDIRECTS: `https://ads-api.reddit.com=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1' }, { label: 'reddit', vendors: ['reddit'] });
  const config = { pixel_id: PIXEL, conversion_token: TOKEN };
  ({ site, integrationId } = await installOnNewPipeline(signal, 'reddit', 'Reddit shop', { config, variant: 'retail', consentCategories: ['advertising'] }));
  ({ site: defaultSite } = await installOnNewPipeline(signal, 'reddit', 'Reddit default', { config, consentCategories: ['advertising'] }));
});
after(() => closeAll(signal, sim));

describe('Reddit Conversions API', () => {
  test('a purchase from the browser: the documented v3 request, match keys hashed, the Pixel\'s cookies, value and products', async () => {
    const timestamp = now();
    await browser({
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'rdt-order-1', timestamp,
      properties: { order_id: 'ORD-7001', revenue: 74.97, currency: 'usd', products: [{ product_id: 'SKU-100', name: 'Trail Shoe', category: 'Shoes', price: 24.99, quantity: 3 }] },
      context: { page: { url: 'https://shop.example.com/checkout/thanks' }, screen: { width: 1512, height: 982 }, traits: { email: ' Jane.Doe+shop@Example.com ', phone: '+1 (616) 954-7888' } },
    });
    const { request, event } = await redditEvent('rdt-order-1');
    assert.equal(request.method, 'POST');
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(request.headers['user-agent'], 'Signal-Reddit-Conversions/1.0', 'no default user agent: Reddit throttles those');
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(bodyOf(request).data), ['events'], 'no test_id outside Event Testing');
    assert.deepEqual(event, {
      event_at: Date.parse(timestamp), action_source: 'WEBSITE', type: { tracking_type: 'PURCHASE' }, event_source_url: 'https://shop.example.com/checkout/thanks', click_id: RDT_CID,
      metadata: { conversion_id: 'rdt-order-1', currency: 'USD', products: [{ id: 'SKU-100', name: 'Trail Shoe', category: 'Shoes', quantity: 3, item_price: 24.99 }], item_count: 3, value: 74.97 },
      user: {
        external_id: sha256('user-123'), email: sha256('janedoe@example.com'), phone_number: sha256('+16169547888'), ip_address: sha256(VISITOR_IP),
        user_agent: VISITOR_UA, uuid: RDT_UUID, screen_dimensions: { width: 1512, height: 982 },
      },
    });
    const text = JSON.stringify(request.json).toLowerCase();
    for (const raw of ['jane', '9547888', 'user-123', VISITOR_IP]) assert.equal(text.includes(raw), false, `${raw} never leaves Signal`);
  });

  test('the funnel: the landing page\'s rdt_cid beats the cookie, a product view is VIEW_CONTENT; other events are not sent by retail', async () => {
    await browser({ type: 'page', name: 'Home', messageId: 'rdt-page-1', context: { page: { url: 'https://shop.example.com/?utm_source=reddit&rdt_cid=newclick42' } } });
    const page = (await redditEvent('rdt-page-1')).event;
    assert.deepEqual([page.type, page.click_id, page.user?.uuid], [{ tracking_type: 'PAGE_VISIT' }, 'newclick42', RDT_UUID]);
    await browser({ type: 'track', event: 'Product Viewed', messageId: 'rdt-view-1', properties: { product_id: 'SKU-100', price: 24.99, currency: 'EUR' }, context: { page: { url: 'https://shop.example.com/p/100' } } });
    const viewed = (await redditEvent('rdt-view-1')).event;
    assert.deepEqual([viewed.type, viewed.metadata], [{ tracking_type: 'VIEW_CONTENT' }, { conversion_id: 'rdt-view-1', products: [{ id: 'SKU-100', quantity: 1, item_price: 24.99 }] }]);
    await browser({ type: 'track', event: 'Newsletter Opened', messageId: 'rdt-other-1' });
    await browser({ type: 'track', event: 'Products Searched', messageId: 'rdt-search-1', properties: { query: 'trail shoes' } });
    assert.deepEqual((await redditEvent('rdt-search-1')).event.type, { tracking_type: 'SEARCH' });
    assert.equal(sent('rdt-other-1').length, 0, 'retail sends the funnel only');
    // The default variant: any other track event is a CUSTOM event named after it.
    await browser({ type: 'track', event: 'Newsletter Opened', messageId: 'rdt-custom-1', properties: { value: 2, currency: 'USD' } }, '', defaultSite.key);
    const custom = (await redditEvent('rdt-custom-1')).event;
    assert.deepEqual([custom.type, custom.metadata, custom.click_id], [{ tracking_type: 'CUSTOM', custom_event_name: 'Newsletter Opened' }, { conversion_id: 'rdt-custom-1', currency: 'USD', value: 2 }, undefined]);
  });

  test('a 400 naming one event of a batch dead-letters that one with Reddit\'s message; the other goes again and is delivered', async () => {
    sim.script('POST', PATH, [{
      status: 400,
      body: { error: { code: 400, message: 'There were 1 invalid conversion events. None were processed.', fields: [{ field: '$.data.events[1].metadata.products[0].id', message: 'products.id: must not be blank' }] } },
    }]);
    await batch(['a', 'b'].map((x) => ({ event: 'Product Added', messageId: `rdt-partial-${x}`, properties: { product_id: x, price: 1 } })));
    const request = await waitUntil(async () => sim.requests({ path: PATH }).find((r) => JSON.stringify(r.json).includes('rdt-partial-')), 'the batch');
    const [first, second] = bodyOf(request).data.events.map((e) => e.metadata.conversion_id);
    assert.ok(first && second, 'both events in one request');
    assert.equal((await waitForDeadLetter(signal, integrationId, second)).reason, 'Reddit refused the event (HTTP 400): products.id: must not be blank');
    await waitUntil(async () => sent(first).length >= 2 || undefined, 'the other sent again');
    assert.equal(sent(second).length, 1, 'the refused one is not sent again');
    assert.ok(await waitUntil(async () => (await delivered(first)) || undefined, 'the other delivered'));
  });

  test('a plain "Bad Request" to a batch: halves find the refused event, which alone is dead-lettered; the other is delivered, not lost', async () => {
    // Reddit answers "Bad Request" without naming an event (its answer to too many events): the
    // batch is split rather than every event of it dead-lettered.
    sim.setDefault('POST', PATH, (request) => (JSON.stringify(request.json).includes('rdt-plain-bad') ? { status: 400, body: 'Bad Request' } : processedAll(request)));
    try {
      await batch(['ok', 'bad'].map((x) => ({ event: 'Product Added', messageId: `rdt-plain-${x}`, properties: { product_id: x, price: 1 } })));
      assert.equal((await waitForDeadLetter(signal, integrationId, 'rdt-plain-bad')).reason, 'Reddit refused the event (HTTP 400, Bad Request)');
      const tries = await waitUntil(async () => (sent('rdt-plain-ok').length >= 2 ? sent('rdt-plain-ok') : undefined), 'the other sent again');
      assert.deepEqual(tries.map(({ request }) => bodyOf(request).data.events.length), [2, 1], 'in the batch, then alone');
      assert.equal(await delivered('rdt-plain-ok'), true);
    } finally {
      sim.setDefault('POST', PATH, processedAll);
    }
  });

  test('a 429 then success: the event is sent again after the wait and delivered once', async () => {
    sim.script('POST', PATH, [{ status: 429, body: { error: { code: 429, message: 'Too many requests/events within timeframe.' } }, headers: { 'retry-after': '1' } }]);
    await browser({ type: 'track', event: 'Product Added', messageId: 'rdt-429', properties: { product_id: 'SKU-1', price: 3 } });
    await waitUntil(async () => sent('rdt-429').length >= 2 || undefined, 'the try after the rate limit');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('rdt-429').length, 2, 'one refused try and one delivered, no more');
    assert.equal(await delivered('rdt-429'), true);
  });

  test('a refused token dead-letters at the first try, saying what to fix', async () => {
    sim.script('POST', PATH, [{ status: 401, body: { error: { code: 401, message: 'UNAUTHORIZED' } } }]);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'rdt-token', properties: { order_id: 'ORD-T', revenue: 5, currency: 'USD' } });
    const dead = await waitForDeadLetter(signal, integrationId, 'rdt-token');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'Reddit refused the conversion access token (HTTP 401, UNAUTHORIZED). Generate one in Reddit Ads Manager (Events Manager > Conversions API > Generate Access Token), update config.conversion_token in a new revision, then replay the dead letters');
    assert.equal(JSON.stringify(dead).includes(TOKEN), false, 'the token is in no dead letter');
  });

  test('a preview shows the exact request with the token masked and the test ID, one event a request, sending nothing', async () => {
    const before = sim.requests({ path: PATH }).length;
    // Orders of today: Reddit takes events up to 7 days old (the catalog's sample events are older).
    const events = ['rdt-preview-1', 'rdt-preview-2'].map((messageId) => ({
      type: 'track', event: 'Order Completed', messageId, anonymousId: VISITOR, timestamp: now(), receivedAt: now(),
      properties: { order_id: 'ORD-P', revenue: 12, currency: 'USD', products: [{ product_id: 'SKU-1', price: 12, quantity: 1 }] },
      context: { ip: VISITOR_IP, userAgent: VISITOR_UA, page: { url: 'https://shop.example.com/thanks' } },
    }));
    const preview = await signal.graphql<{ previewIntegration: { results: Array<{ messageId: string; errors: string[]; requests: Array<{ url: string; headers: Record<string, string>; body: RedditBody }> }> } }>(
      'query($target: PreviewTarget!, $events: [JSON!]) { previewIntegration(target: $target, events: $events) { results { messageId errors requests } } }',
      { target: { vendor: 'reddit', variant: 'retail', pipelineId: site.id, config: { pixel_id: PIXEL, conversion_token: TOKEN, test_id: 't2_eventtesting' } }, events },
    );
    assert.equal(preview.status, 200, JSON.stringify(preview.body.errors));
    const order = preview.body.data!.previewIntegration.results.find((r) => r.messageId === 'rdt-preview-1')!;
    assert.deepEqual(order.errors, []);
    const [request] = order.requests;
    assert.equal(request!.url, `https://ads-api.reddit.com${PATH}`);
    assert.equal(request!.headers.authorization?.includes(TOKEN), false, 'the token is masked');
    assert.deepEqual([request!.body.data.test_id, request!.body.data.events.length, request!.body.data.events[0]!.type], ['t2_eventtesting', 1, { tracking_type: 'PURCHASE' }], 'Event Testing shows one event a request');
    assert.equal(sim.requests({ path: PATH }).length, before, 'nothing sent');
  });
});
