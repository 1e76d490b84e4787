// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for widget.criteo.com, which must receive exactly the request
// Criteo's Events API takes; and its answers handled (a 503, a 429 and a timeout sent again, a
// data centre's redirect followed, a 400 dead-lettered with Criteo's words).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const PATH = '/m/event';
const PARTNER = '24680';
const CALLER = '135';
const GUM = 'dGVzdC1ndW0taWQtMDAx';
const VISITOR = 'df_criteo0visitor';
const VISITOR_IP = '203.0.113.42';
const VISITOR_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
/** A minute ago, in whole seconds: collect keeps a call's timestamp as sent when it is not in the future. */
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The one event of a request's `events`. */
type CriteoEvent = Record<string, unknown>;
interface CriteoBody {
  events?: CriteoEvent[];
  [field: string]: unknown;
}

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

const bodyOf = (request: RecordedRequest) => request.json as CriteoBody;
/** The requests whose event carries transaction id `orderId` (each test's events have their own). */
const sent = (orderId: string) => sim.requests({ path: PATH }).filter((request) => bodyOf(request).events?.[0]?.id === orderId);
const requestOf = (orderId: string) => waitUntil(async () => sent(orderId)[0], `${orderId} sent to Criteo`);
const notDeadLettered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;

const visitor: Visitor = { id: VISITOR, ip: VISITOR_IP, userAgent: VISITOR_UA };
/** A browser call as the site's SDK sends it, with Criteo's GUM id cookie, the page and advertising consent. */
const browser = (call: Record<string, unknown>, cookies = `crto_mapped_user_id=${GUM}`) =>
  sendBrowserCall(signal, site.key, call, { ...visitor, cookies }, { timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/checkout/thanks', referrer: 'https://shop.example.com/checkout' } } });
/** An order of one product, numbered by `orderId`. */
const order = (messageId: string, orderId: string) => ({
  type: 'track', event: 'Order Completed', messageId, properties: { order_id: orderId, revenue: 12, currency: 'EUR', products: [{ product_id: 'SKU-1', price: 12, quantity: 1 }] },
});

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', PATH, { status: 200, body: '' });
  signal = await startTestSignal({ SIGNAL_VENDOR_REDIRECTS: `https://widget.criteo.com=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1' }, { label: 'criteo', vendors: ['criteo'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'criteo', 'Criteo shop', { config: { partner_id: PARTNER, caller_id: CALLER }, consentCategories: ['advertising'] }));
});
after(() => closeAll(signal, sim));

describe('Criteo Events API', () => {
  test('a purchase from the browser: the documented request, one event, the GUM id and caller id, the email hashed three ways, the site type from the user agent', async () => {
    await browser({
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'crt-order-1',
      properties: { order_id: 'CRT-ORD-1', revenue: 74.97, currency: 'eur', products: [{ product_id: 'SKU-100', name: 'Trail Shoe', price: 24.99, quantity: 3 }] },
      context: { traits: { email: ' Jane.Doe@Example.com ', phone: '+1 616 954 7888' } },
    });
    const request = await requestOf('CRT-ORD-1');
    assert.equal(request.method, 'POST');
    assert.equal(request.path, PATH);
    assert.deepEqual(request.queryPairs, [['version', 's2s_v0']]);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(request.headers.authorization, undefined, 'the endpoint takes no credential');
    const email = 'jane.doe@example.com';
    assert.deepEqual(request.json, {
      version: 'signal_criteo_1.0.0', account: PARTNER, site_type: 'm',
      id: { mapping_key: CALLER, mapped_user_id: GUM, email: { md5: md5(email), sha256: sha256(email), sha256_md5: sha256(md5(email)) } },
      ip: VISITOR_IP, useragent: VISITOR_UA, full_url: 'https://shop.example.com/checkout/thanks', previous_url: 'https://shop.example.com/checkout', retailer_visitor_id: VISITOR,
      events: [{ event: 'trackTransaction', timestamp: CALL_TIMESTAMP, id: 'CRT-ORD-1', item: [{ id: 'SKU-100', price: 24.99, quantity: 3 }], currency: 'EUR' }],
    });
    for (const raw of ['jane', 'Jane', '9547888', 'Trail Shoe']) assert.equal(request.body.includes(raw), false, `${raw} never leaves Signal`);
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'counted delivered'));
  });

  test('the home page as viewHome; a visitor who opted out of Criteo (crto_is_user_optout=true) sent without identifiers', async () => {
    await browser({ type: 'page', name: 'Home', messageId: 'crt-home-1', context: { page: { url: 'https://shop.example.com/', path: '/' } } });
    const home = await waitUntil(async () => sim.requests({ path: PATH }).find((r) => bodyOf(r).events?.[0]?.event === 'viewHome'), 'the viewHome');
    assert.deepEqual(home.json, {
      version: 'signal_criteo_1.0.0', account: PARTNER, site_type: 'm', id: { mapping_key: CALLER, mapped_user_id: GUM },
      ip: VISITOR_IP, useragent: VISITOR_UA, full_url: 'https://shop.example.com/', retailer_visitor_id: VISITOR,
      events: [{ event: 'viewHome', timestamp: CALL_TIMESTAMP }],
    });
    await browser({ ...order('crt-optout-1', 'CRT-OPTOUT-1'), context: { traits: { email: 'jane@example.com' } } }, `crto_mapped_user_id=${GUM}; crto_is_user_optout=true`);
    const request = await requestOf('CRT-OPTOUT-1');
    const body = bodyOf(request);
    assert.deepEqual(body.id, {}, 'no GUM id, caller id or email');
    assert.equal(body.ip, undefined);
    assert.equal(body.retailer_visitor_id, undefined);
    assert.equal(request.body.includes(GUM), false);
  });

  test('a 503, a 429 with Retry-After and a timeout are retried, then the event is delivered once', { timeout: 60_000 }, async () => {
    sim.script('POST', PATH, [{ status: 503, body: 'Service Unavailable' }, { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '1' } }, reply.hang()]);
    await browser(order('crt-retry', 'CRT-RETRY'));
    // (SIGNAL_RETRY_TIME_SCALE shortens the waits here; the unit tests read Retry-After.)
    await waitUntil(async () => sent('CRT-RETRY').length >= 4 || undefined, 'the tries after the 503, the 429 and the timeout', 40_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('CRT-RETRY').length, 4, 'three failed tries and one delivered, no more');
    assert.equal(await notDeadLettered('crt-retry'), true);
  });

  test('a data centre\'s redirect (307 with a Location on Criteo\'s host) is followed with the same request, then delivered', { timeout: 60_000 }, async () => {
    sim.script('POST', PATH, [{ status: 307, body: '', headers: { location: '/m/event?version=s2s_v0&dc=eu' } }]);
    await browser(order('crt-307', 'CRT-307'));
    await waitUntil(async () => sent('CRT-307').length >= 2 || undefined, 'the request sent again where the redirect points');
    const [first, second] = sent('CRT-307');
    assert.deepEqual(second!.queryPairs, [['version', 's2s_v0'], ['dc', 'eu']]);
    assert.equal(second!.body, first!.body, 'the same body');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(sent('CRT-307').length, 2);
    assert.equal(await notDeadLettered('crt-307'), true);
  });

  test('a 400 dead-letters the event at the first try with Criteo\'s words; an order without a transaction id is dead-lettered unsent, saying why', async () => {
    sim.script('POST', PATH, [{ status: 400, body: { error: 'Unknown partner 24680' } }]);
    await browser(order('crt-400', 'CRT-400'));
    const dead = await waitForDeadLetter(signal, integrationId, 'crt-400');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'Criteo refused the event (HTTP 400): Unknown partner 24680');
    assert.equal(sent('CRT-400').length, 1);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'crt-noid', properties: { products: [{ product_id: 'SKU-1' }] } });
    const unsent = await waitForDeadLetter(signal, integrationId, 'crt-noid');
    assert.match(unsent.reason, /Criteo's trackTransaction needs the transaction id \(events\[0\]\.id, from properties\.order_id\)/);
  });
});
