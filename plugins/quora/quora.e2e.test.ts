// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for api.quora.com, which must receive exactly the conversion
// Quora's Conversion API documents; the landing URL's qclid kept 28 days in Signal's first-party
// cookie (the Pixel's quora_qclid and Stape's qclid never written); Quora's answers handled (a
// 503, a 429 and a timeout retried, a 400 and a 401 dead-lettered with what to check); an event
// no Quora event names not sent.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const CONVERSION = '/ads/v0/conversion';
const TOKEN = 'quora-e2e-access-token-0123456789';
const ACCOUNT = '527745581653587';
const VISITOR_IP = '203.0.113.42';
const CLICK = '0|212106239366182|0';
/** A minute ago, in whole seconds: collect keeps a call's timestamp as sent when it is not in the future. */
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

type Conversion = { account_id: number; conversion: { event_name: string; event_id: string; timestamp: number; click_id?: string; value?: number }; user: Record<string, string>; device: Record<string, string> };
const conversionsOf = (eventId: string) => sim.requests({ path: CONVERSION }).filter((r) => (r.json as Conversion | undefined)?.conversion?.event_id === eventId);
const requestOf = (eventId: string) => waitUntil(async () => conversionsOf(eventId)[0], `${eventId} sent to Quora`);
const notDeadLettered = async (id: string, messageId: string) => (await signal.delivery.list(id, { messageId }, 5)).total === 0;

/** A browser call with advertising consent; `cookies` as the browser sends them. */
const browser = (key: string, call: Record<string, unknown>, visitorId: string, cookies?: string) => {
  const visitor: Visitor = { id: visitorId, ip: VISITOR_IP, userAgent: 'Mozilla/5.0 (e2e)', ...(cookies ? { cookies } : {}) };
  return sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/checkout/thanks' } } });
};
/** An order, numbered by `orderId`. */
const order = (messageId: string, orderId: string, revenue = 74.97) => ({
  type: 'track', event: 'Order Completed', messageId, userId: 'user-q-1',
  properties: { order_id: orderId, revenue, currency: 'usd', email: 'Jane.Doe+shop@Example.com', products: [{ product_id: 'SKU-1', price: 24.99, quantity: 3 }] },
});

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', CONVERSION, { status: 200, body: 'OK', headers: { 'content-type': 'text/plain' } });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://api.quora.com=${sim.url}`, SIGNAL_COMMIT_TIMEOUT_MS: '1000', SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000',
  }, { label: 'quora', vendors: ['quora'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'quora', 'Quora shop', {
    config: { access_token: TOKEN, account_id: ACCOUNT, account_currency: 'USD', event_names: { 'Demo Requested': 'GenerateLead', page: 'Generic' } }, consentCategories: ['advertising'],
  }));
});
after(() => closeAll(signal, sim));

describe('Quora Ads Conversion API', () => {
  test('the landing URL\'s qclid is kept 28 days in _dfqclid (never the Pixel\'s or Stape\'s cookie); the purchase days later is the documented conversion', async () => {
    const res = await fetch(`${signal.collectUrl}/v1/page`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: '_dfdid=df_quora0visitor' },
      body: JSON.stringify({ writeKey: site.key, type: 'page', messageId: 'q-landing', context: { consent: { advertising: true }, page: { url: `https://shop.example.com/?utm_source=quora&qclid=${encodeURIComponent(CLICK)}` } } }),
    });
    assert.equal(res.status, 200);
    const cookies = res.headers.getSetCookie();
    const kept = cookies.find((cookie) => cookie.startsWith('_dfqclid='));
    assert.ok(kept, 'the click id kept in Signal\'s first-party cookie');
    assert.match(kept, /Max-Age=2419200/, '28 days');
    assert.equal(cookies.some((cookie) => cookie.startsWith('quora_qclid=') || cookie.startsWith('qclid=')), false, 'other tools\' cookies are never written');
    const landing = (await requestOf('q-landing')).json as Conversion;
    assert.equal(landing.conversion.event_name, 'Generic', 'page calls as the config names them');
    assert.equal(landing.conversion.click_id, CLICK);

    const value = decodeURIComponent(kept.slice('_dfqclid='.length, kept.indexOf(';')));
    await browser(site.key, order('q-order-1', 'Q-ORD-1'), 'df_quora0visitor', `_dfqclid=${encodeURIComponent(value)}`);
    const request = await requestOf('q-order-1');
    assert.equal(request.method, 'POST');
    assert.equal(request.path, CONVERSION);
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(request.json, {
      account_id: Number(ACCOUNT),
      conversion: { event_name: 'Purchase', timestamp: Date.parse(CALL_TIMESTAMP) * 1000, event_id: 'q-order-1', click_id: CLICK, value: 74.97 },
      user: { email: sha('jane.doe@example.com'), ip: VISITOR_IP },
      device: { user_agent: 'Mozilla/5.0 (e2e)' },
    });
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 2) || undefined, 'counted delivered'));
  });

  test('the Quora Pixel\'s quora_qclid is read when Signal kept none; a custom event the config names goes as its Quora event; an unnamed one is not sent', async () => {
    await browser(site.key, { type: 'track', event: 'Demo Requested', messageId: 'q-demo-1', properties: { value: 50, currency: 'EUR' } }, 'df_quora1visitor', `quora_qclid=${encodeURIComponent(CLICK)}`);
    const json = (await requestOf('q-demo-1')).json as Conversion;
    assert.equal(json.conversion.event_name, 'GenerateLead');
    assert.equal(json.conversion.click_id, CLICK);
    assert.equal(json.conversion.value, undefined, 'EUR is not the account\'s currency: left out');
    await browser(site.key, { type: 'track', event: 'Feature Used', messageId: 'q-unnamed' }, 'df_quora1visitor');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(conversionsOf('q-unnamed').length, 0, 'no Quora event for it: not sent');
    assert.equal(await notDeadLettered(integrationId, 'q-unnamed'), true, 'skipped, not dead-lettered');
  });

  test('a 503, a 429 with Retry-After and a timeout are retried, then the conversion is delivered once', { timeout: 60_000 }, async () => {
    sim.script('POST', CONVERSION, [{ status: 503, body: 'Service Unavailable' }, { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '1' } }, { hang: true }]);
    await browser(site.key, order('q-retry', 'Q-RETRY'), 'df_quora2visitor');
    await waitUntil(async () => conversionsOf('q-retry').length >= 4 || undefined, 'the tries after the 503, the 429 and the timeout', 40_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(conversionsOf('q-retry').length, 4, 'three failed tries and one delivered, no more');
    assert.equal(await notDeadLettered(integrationId, 'q-retry'), true);
  });

  test('a 400 dead-letters the conversion at the first try with Quora\'s words; a 401 names the token', async () => {
    sim.script('POST', CONVERSION, [{ status: 400, body: { message: 'conversion.timestamp is invalid' } }]);
    await browser(site.key, order('q-400', 'Q-400'), 'df_quora3visitor');
    const dead = await waitForDeadLetter(signal, integrationId, 'q-400');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'Quora refused the conversion (HTTP 400: conversion.timestamp is invalid)');
    sim.script('POST', CONVERSION, [{ status: 401, body: { message: 'Unauthorized' } }]);
    await browser(site.key, order('q-401', 'Q-401'), 'df_quora3visitor');
    const token = await waitForDeadLetter(signal, integrationId, 'q-401');
    assert.match(token.reason, /^Quora refused the access token \(HTTP 401: Unauthorized\): .*config\.access_token/);
  });
});
