// The spec's documented examples as acceptance tests: each browser call goes through the collect
// API and the vendor simulator must receive the documented request (random and derived parts —
// cachebuster, hashes — checked by rule).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from './vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from './helpers/signal.ts';
import { waitForDeadLetter } from './helpers/vendor-e2e.ts';
import { waitUntil } from './helpers/wait.ts';
import { closeAll } from './helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
let pipeline: { id: string; key: string };
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const VISITOR_IP = '203.0.113.42';
const VISITOR_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
/** The time of every browser call (unless a test gives its own). */
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_VENDOR_REDIRECTS: ['https://api2.amplitude.com', 'https://api.eu.amplitude.com', 'https://api.videoamp.com', 'https://servedby.flashtalking.com', 'https://acme.amperity.com', 'https://graph.facebook.com', 'https://www.google-analytics.com']
      .map((origin) => `${origin}=${sim.url}`).join(','),
  }, { label: 'vendors' });
  pipeline = await signal.pipeline('Website');
});
after(() => closeAll(signal, sim));

async function admin(method: string, path: string, body: unknown) {
  const res = await fetch(`${signal.adminUrl}${path}`, { method, headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json() as Record<string, any>;
  assert.ok(res.status < 300, JSON.stringify(json));
  return json;
}

/** A browser call as datafly.js sends it: the visitor cookie, the visitor's IP via the proxy, its UA. */
async function browser(call: Record<string, unknown>, extraCookies = '', visitor = { key: pipeline.key, id: 'df_abc123def456' }): Promise<void> {
  const res = await fetch(`${signal.collectUrl}/v1/${String(call.type === 'track' ? 'track' : call.type)}`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain;charset=UTF-8', origin: 'https://example.com', 'x-forwarded-for': VISITOR_IP, 'user-agent': VISITOR_UA,
      cookie: `_dfdid=${visitor.id}${extraCookies ? `; ${extraCookies}` : ''}`,
    },
    body: JSON.stringify({
      writeKey: visitor.key, timestamp: CALL_TIMESTAMP, ...call,
      context: { consent: { analytics: true, marketing: true, advertising: true }, ...(call.context as object | undefined) },
    }),
  });
  assert.equal(res.status, 200, await res.text());
}


/** Every documented field is there with the documented value; `extra` may also appear. */
function assertDocumented(actual: Record<string, unknown>, documented: Record<string, unknown>, extra: string[] = []): void {
  for (const [key, value] of Object.entries(documented)) assert.deepEqual(actual[key], value, `${key} as documented`);
  const unexpected = Object.keys(actual).filter((k) => !(k in documented) && !extra.includes(k));
  assert.deepEqual(unexpected, [], 'no field beyond the documented ones');
}

function amplitudeEvents(path = '/2/httpapi'): Array<{ request: RecordedRequest; event: Record<string, unknown> }> {
  return sim.requests({ path }).flatMap((request) => ((request.json as { events?: Array<Record<string, unknown>> }).events ?? []).map((event) => ({ request, event })));
}

async function amplitudeEvent(match: (event: Record<string, unknown>) => boolean, what: string) {
  return waitUntil(async () => amplitudeEvents().find(({ event }) => match(event)), what);
}

describe('Amplitude', () => {
  let integrationId: string;

  before(async () => {
    // The spec's Management API call exactly (no min_id_length), attached to the test pipeline.
    const installed = await admin('POST', '/v1/admin/integration-catalog/amplitude/install', {
      name: 'Amplitude', variant: 'default',
      config: { api_key: 'your_amplitude_api_key', api_endpoint: 'https://api2.amplitude.com/2/httpapi' },
      delivery_mode: 'server_side', pipeline_id: pipeline.id,
    });
    integrationId = installed.assignment.id;
  });

  test("the plugin's burst of 1 goes with its rate of 1; another rate gets the spec's default, rate × 2", async () => {
    const install = async (extra: Record<string, unknown>) => (await admin('POST', '/v1/admin/integration-catalog/amplitude/install', {
      name: 'Amplitude burst', variant: 'default', config: { api_key: 'your_amplitude_api_key', api_endpoint: 'https://api2.amplitude.com/2/httpapi' }, ...extra,
    })).revision.settings.rateLimit;
    assert.deepEqual(await install({}), { rps: 1, burst: 1, daily: 0 });
    assert.deepEqual(await install({ rate_limit_rps: 10 }), { rps: 10, burst: 20, daily: 0 });
    assert.deepEqual(await install({ rate_limit_rps: 10, rate_limit_burst: 10 }), { rps: 10, burst: 10, daily: 0 });
  });

  test('track: Feature Activated, the documented request', async () => {
    await browser({ type: 'track', event: 'Feature Activated', userId: 'user-123', messageId: 'amp-track-1', properties: { feature_name: 'dark_mode', source: 'settings_page' } });
    const { request, event } = await amplitudeEvent((e) => e.event_type === 'Feature Activated', 'the track event');
    // The spec's payload; `time` is the call's timestamp in ms.
    const documented = {
      api_key: 'your_amplitude_api_key',
      events: [{
        event_type: 'Feature Activated', user_id: 'user-123', device_id: 'df_abc123def456', time: Date.parse(CALL_TIMESTAMP),
        event_properties: { feature_name: 'dark_mode', source: 'settings_page' }, user_properties: {}, platform: 'Web', ip: '203.0.113.42', library: 'Datafly Signal',
      }],
      options: { min_id_length: 5 },
    };
    const body = request.json as Record<string, unknown>;
    assertDocumented(body, { api_key: documented.api_key, options: documented.options }, ['events']);
    assertDocumented(event, documented.events[0]!, ['insert_id']);
    assert.equal(event.insert_id, 'amp-track-1', 'insert_id ← messageId, so retries do not double count');
  });

  test('page view, as documented', async () => {
    await browser({
      type: 'page', userId: 'user-123', messageId: 'amp-page-1',
      context: { page: { url: 'https://example.com/products/widgets', title: 'Widgets | Example Store', referrer: 'https://www.google.com/' } },
    });
    const { request, event } = await amplitudeEvent((e) => e.insert_id === 'amp-page-1', 'the page view');
    assert.equal((request.json as { api_key: string }).api_key, 'your_amplitude_api_key');
    assertDocumented(event, {
      event_type: 'Page Viewed', user_id: 'user-123', device_id: 'df_abc123def456', time: Date.parse(CALL_TIMESTAMP),
      event_properties: { page_url: 'https://example.com/products/widgets', page_title: 'Widgets | Example Store', page_referrer: 'https://www.google.com/' },
      platform: 'Web', ip: VISITOR_IP, library: 'Datafly Signal',
    }, ['insert_id']);
  });

  test('custom event keeps its name and all properties', async () => {
    await browser({ type: 'track', event: 'newsletter_signup', messageId: 'amp-custom-1', properties: { method: 'footer_form' } });
    const { event } = await amplitudeEvent((e) => e.insert_id === 'amp-custom-1', 'the custom event');
    // This documented payload omits ip and the track example's empty user_properties; Signal
    // always forwards the visitor's ip, and every track event carries user_properties: {}.
    assertDocumented(event, { event_type: 'newsletter_signup', device_id: 'df_abc123def456', time: Date.parse(CALL_TIMESTAMP), event_properties: { method: 'footer_form' }, platform: 'Web', library: 'Datafly Signal' }, ['insert_id', 'ip', 'user_properties']);
    assert.deepEqual(event.user_properties, {});
  });

  test('GA4 names are not in the mapping table: search and purchase keep their names and properties', async () => {
    await browser({ type: 'track', event: 'search', userId: 'user-123', messageId: 'amp-ga4-search', properties: { search_term: 'running shoes' } });
    await browser({ type: 'track', event: 'purchase', userId: 'user-123', messageId: 'amp-ga4-purchase', properties: { transaction_id: 'T-100', value: 89.99, currency: 'GBP' } });
    for (const [messageId, name, properties] of [
      ['amp-ga4-search', 'search', { search_term: 'running shoes' }],
      ['amp-ga4-purchase', 'purchase', { transaction_id: 'T-100', value: 89.99, currency: 'GBP' }],
    ] as const) {
      const { event } = await amplitudeEvent((e) => e.insert_id === messageId, `the ${name} event`);
      assertDocumented(event, {
        event_type: name, user_id: 'user-123', device_id: 'df_abc123def456', time: Date.parse(CALL_TIMESTAMP),
        event_properties: properties, user_properties: {}, platform: 'Web', ip: VISITOR_IP, library: 'Datafly Signal',
      }, ['insert_id']);
    }
  });

  test('identify traits become user_properties.$set', async () => {
    await browser({ type: 'identify', userId: 'user-123', messageId: 'amp-identify-1', traits: { email: 'jane@example.com', plan: 'premium', company: 'Acme Inc' } });
    const { event } = await amplitudeEvent((e) => e.insert_id === 'amp-identify-1', 'the identify');
    assert.deepEqual(event.user_properties, { $set: { email: 'jane@example.com', plan: 'premium', company: 'Acme Inc' } });
  });

  test('a bare identify("user-123") is an $identify linking user_id to device_id, with no property operation', async () => {
    await browser({ type: 'identify', userId: 'user-123', messageId: 'amp-identify-bare' });
    const { event } = await amplitudeEvent((e) => e.insert_id === 'amp-identify-bare', 'the bare identify');
    assertDocumented(event, {
      event_type: '$identify', user_id: 'user-123', device_id: 'df_abc123def456', time: Date.parse(CALL_TIMESTAMP),
      user_properties: {}, platform: 'Web', ip: VISITOR_IP, library: 'Datafly Signal',
    }, ['insert_id']);
    assert.equal((await signal.delivery.list(integrationId, { messageId: 'amp-identify-bare' }, 5)).total, 0, 'not dead-lettered');
  });

  test('Order Completed carries revenue fields', async () => {
    await browser({
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'amp-order-1',
      properties: { order_id: 'ORD-5521', total: 89.99, currency: 'GBP', products: [{ product_id: 'SKU-100', name: 'Running Shoes', price: 59.99, quantity: 1 }, { product_id: 'SKU-205', name: 'Sport Socks', price: 15.0, quantity: 2 }] },
    });
    const { event } = await amplitudeEvent((e) => e.insert_id === 'amp-order-1', 'the order');
    assert.equal(event.revenue, 89.99);
    assert.equal(event.currency, 'GBP');
    assert.equal(event.revenueType, 'purchase');
    assert.deepEqual((event.event_properties as { products: unknown }).products, [{ productId: 'SKU-100', price: 59.99, quantity: 1 }, { productId: 'SKU-205', price: 15, quantity: 2 }]);
    assert.equal((event.event_properties as { order_id: string }).order_id, 'ORD-5521');
  });

  test('a 400 naming events dead-letters exactly those; the rest are delivered', async () => {
    sim.script('POST', '/2/httpapi', [{ status: 400, body: { code: 400, error: 'Request missing required field', events_with_invalid_fields: { time: [1] } } }]);
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${pipeline.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['a', 'b', 'c'].map((x) => ({ type: 'track', event: 'Batch Test', userId: 'user-123', messageId: `amp-partial-${x}`, context: { consent: { analytics: true } } })) }),
    });
    assert.equal(res.status, 200);
    const page = await waitUntil(async () => {
      const p = await signal.delivery.list(integrationId, { messageId: 'amp-partial-b' }, 5);
      return p.total === 1 && p;
    }, 'the refused event');
    assert.match(page.items[0]!.reason, /Amplitude refused the event: invalid time/);
    await waitUntil(async () => ['amp-partial-a', 'amp-partial-c'].every((id) => amplitudeEvents().filter(({ event }) => event.insert_id === id).length >= 2) || undefined, 'the others re-sent');
  });

  test('413 splits the batch; 429 waits at least 30 s (scaled); an invalid key dead-letters with what to fix', async () => {
    sim.script('POST', '/2/httpapi', [reply.tooLarge()]);
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${pipeline.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['x', 'y'].map((x) => ({ type: 'track', event: 'Split Me', userId: 'user-123', messageId: `amp-413-${x}`, context: { consent: { analytics: true } } })) }),
    });
    assert.equal(res.status, 200);
    const halves = await waitUntil(async () => {
      const sent = sim.requests({ path: '/2/httpapi' }).filter((r) => JSON.stringify(r.json).includes('amp-413-'));
      return sent.length >= 3 && sent;
    }, 'the two halves');
    assert.deepEqual(halves.map((r) => (r.json as { events: unknown[] }).events.length), [2, 1, 1]);
    sim.script('POST', '/2/httpapi', [reply.tooLarge()]);
    await browser({ type: 'track', event: 'Too Big Alone', userId: 'user-123', messageId: 'amp-413-single' });
    const single = await waitUntil(async () => {
      const p = await signal.delivery.list(integrationId, { messageId: 'amp-413-single' }, 5);
      return p.total === 1 && p;
    }, 'the single event dead-lettered');
    assert.match(single.items[0]!.reason, /refused even this single event \(HTTP 413/);

    sim.script('POST', '/2/httpapi', [reply.tooMany(1)]);
    await browser({ type: 'track', event: 'Throttled', userId: 'user-123', messageId: 'amp-429' });
    const tries = await waitUntil(async () => {
      const list = amplitudeEvents().filter(({ event }) => event.insert_id === 'amp-429');
      return list.length >= 2 && list;
    }, 'the retry');
    assert.ok(tries[1]!.request.receivedAt - tries[0]!.request.receivedAt >= 280, '30 s × 0.01');

    sim.script('POST', '/2/httpapi', [{ status: 400, body: { code: 400, error: 'Invalid API key: your_amplitude_api_key' } }]);
    await browser({ type: 'track', event: 'Bad Key', userId: 'user-123', messageId: 'amp-key' });
    const page = await waitUntil(async () => {
      const p = await signal.delivery.list(integrationId, { messageId: 'amp-key' }, 5);
      return p.total === 1 && p;
    }, 'the dead letter');
    assert.match(page.items[0]!.reason, /Invalid API key\. Check config\.api_key/);
  });

  test('an id shorter than min_id_length dead-letters that event, saying which and the fix; the batch\'s others are delivered', async () => {
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${pipeline.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: [['amp-short-a', 'user-123'], ['amp-short-b', 'u1'], ['amp-short-c', 'user-456']].map(([messageId, userId]) => ({
        type: 'track', event: 'Short Id', userId, anonymousId: 'df_abc123def456', messageId, context: { consent: { analytics: true } },
      })) }),
    });
    assert.equal(res.status, 200);
    const page = await waitUntil(async () => {
      const p = await signal.delivery.list(integrationId, { messageId: 'amp-short-b' }, 5);
      return p.total === 1 && p;
    }, 'the dead letter');
    assert.equal(page.items[0]!.reason, 'Amplitude refuses this event: user_id is 2 characters, shorter than min_id_length (5). Set config.min_id_length to 2 or lower (create a revision with it, assign it, then replay the dead letters), or send longer ids');
    assert.equal(page.items[0]!.attempts, 1, 'not retried: resending cannot help');
    for (const messageId of ['amp-short-a', 'amp-short-c']) await amplitudeEvent((e) => e.insert_id === messageId, `${messageId} delivered`);
    assert.equal(amplitudeEvents().some(({ event }) => event.insert_id === 'amp-short-b'), false, 'never sent, so never recorded without its user_id');
  });
});

describe('VideoAmp', () => {
  test("the spec's install call and purchase example; the token's refusal is explained", async () => {
    const installed = await admin('POST', '/v1/admin/integrations', {
      source_id: pipeline.id, vendor: 'videoamp', name: 'VideoAmp Production', enabled: true,
      config: { advertiser_id: '1234567', api_token: 'va_token_secret_abc123' }, consent_categories: ['marketing'],
    });
    await browser({ type: 'track', event: 'Order Completed', messageId: 'va-1', properties: { order_id: 'ORD-001', revenue: 129.99, currency: 'USD', email: 'jane.doe@example.com' } });
    const [request] = await sim.waitFor(1, 15_000, { path: '/v1/conversions' });
    assert.equal(request!.headers.authorization, 'Bearer va_token_secret_abc123');
    assert.deepEqual(request!.json, {
      event: 'conversion', advertiser_id: '1234567', external_id: 'df_abc123def456', email: sha256('jane.doe@example.com'),
      ip: VISITOR_IP, user_agent: VISITOR_UA, transaction_id: 'ORD-001', value: 129.99, currency: 'USD',
    });
    assert.deepEqual(Object.keys(request!.json as object), ['event', 'advertiser_id', 'external_id', 'email', 'ip', 'user_agent', 'transaction_id', 'value', 'currency'], 'the documented order');

    await browser({ type: 'identify', userId: 'user-9', messageId: 'va-identify', traits: { email: ' Jane.Doe@Example.com ', phone: '+44 7700 900123' } });
    await browser({ type: 'track', event: 'Lead Submitted', messageId: 'va-2', properties: { value: 20, currency: 'usd' }, context: { consent: { marketing: true }, traits: { email: ' Jane.Doe@Example.com ', phone: '+44 7700 900123' } } });
    const lead = (await sim.waitFor(2, 15_000, { path: '/v1/conversions' }))[1]!.json as Record<string, unknown>;
    assert.equal(lead.event, 'lead');
    assert.equal(lead.email, sha256('jane.doe@example.com'), 'trimmed and lower-cased before hashing');
    assert.equal(lead.phone, sha256('+447700900123'), 'E.164 before hashing');
    assert.equal(lead.currency, 'USD');
    // Without + or 00 the country is unknown: left out (a warning in the log), never hashed as it is.
    await browser({ type: 'track', event: 'Lead Submitted', messageId: 'va-4', properties: { value: 5, currency: 'USD' }, context: { consent: { marketing: true }, traits: { phone: '447700900123' } } });
    const national = (await sim.waitFor(3, 15_000, { path: '/v1/conversions' }))[2]!.json as Record<string, unknown>;
    assert.deepEqual([national.transaction_id, national.phone], ['va-4', undefined]);

    // The spec: email "when supplied via datafly.identify()": an identify, then a conversion
    // that carries no traits of its own.
    const returning = { key: pipeline.key, id: 'df_va0identify' };
    await browser({ type: 'identify', userId: 'user-77', messageId: 'va-identify-77', traits: { email: 'Returning@Example.com' } }, '', returning);
    await browser({ type: 'track', event: 'Order Completed', userId: 'user-77', messageId: 'va-5', properties: { order_id: 'ORD-077', revenue: 10, currency: 'USD' } }, '', returning);
    const identified = await waitUntil(async () => sim.requests({ path: '/v1/conversions' }).map((r) => r.json as Record<string, unknown>).find((j) => j.transaction_id === 'ORD-077'), 'the conversion after identify');
    assert.equal(identified.email, sha256('returning@example.com'));

    sim.script('POST', '/v1/conversions', [{ status: 401, body: { error: 'unauthorized' } }]);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'va-3', properties: { order_id: 'ORD-002', revenue: 5, currency: 'USD' } });
    const page = await waitUntil(async () => {
      const p = await signal.delivery.list(installed.id, {}, 5);
      return p.total === 1 && p;
    }, 'the dead letter');
    assert.match(page.items[0]!.reason, /VideoAmp refused the api_token \(HTTP 401\).*update config\.api_token/);
  });
});

describe('Meta Conversions API', () => {
  const path = '/v25.0/1234567890/events';
  let integrationId: string;
  let site: { id: string; key: string };
  const metaEvents = () => sim.requests({ path }).flatMap((request) => ((request.json as { data?: Array<Record<string, any>> }).data ?? []).map((event) => ({ request, event })));
  const metaEvent = (messageId: string) => waitUntil(async () => metaEvents().find(({ event }) => event.event_id === messageId), messageId);
  // Meta refuses events more than 7 days old: these calls happen now.
  const now = () => new Date().toISOString();
  const call = (body: Record<string, unknown>, cookies = '') => browser({ timestamp: now(), ...body }, cookies, { key: site.key, id: 'df_meta0visitor' });

  before(async () => {
    site = await signal.pipeline('Meta site');
    // The spec's catalog install exactly as its curl line shows; then assigned to a pipeline.
    const installed = await admin('POST', '/v1/admin/integration-catalog/meta_capi/install', {
      name: 'Meta CAPI Production', variant: 'retail',
      config: { pixel_id: '1234567890', access_token: 'your_access_token' },
      delivery_mode: 'server_side',
    });
    assert.equal(installed.template.vendor, 'meta_capi');
    integrationId = (await signal.services.integrations.assignRevision({ pipelineId: site.id, templateId: installed.template.id, enabled: true })).id;
  });

  test('a purchase from the browser: hashed customer information, _fbp, fbc from fbclid, contents, the Pixel\'s event_id', async () => {
    const timestamp = now();
    await call({
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'meta-purchase-1', timestamp,
      properties: { order_id: 'ORD-7001', total: 74.97, currency: 'usd', products: [{ product_id: 'SKU-100', price: 24.99, quantity: 3 }] },
      context: { page: { url: 'https://shop.example.com/checkout/thanks?fbclid=IwAR0abc' }, traits: { email: ' Jane.Doe@Example.com ', phone: '+1 (616) 954-7888' } },
    }, '_fbp=fb.1.1711296000000.1098115397');
    const { request, event } = await metaEvent('meta-purchase-1');
    assert.equal(request.method, 'POST');
    assert.equal((request.json as { access_token: string }).access_token, 'your_access_token');
    // The landing URL's fbclid, kept in the _fbc cookie collect set as the call came in (ms).
    const fbc = String(event.user_data.fbc);
    const keptAt = Number(/^fb\.1\.(\d+)\.IwAR0abc$/.exec(fbc)?.[1]);
    assert.ok(keptAt >= Date.parse(timestamp) && keptAt <= Date.now(), `${fbc}: fb.1.<ms the click id was kept>.<fbclid>`);
    assert.deepEqual(event, {
      event_name: 'Purchase', event_time: Math.floor(Date.parse(timestamp) / 1000), event_id: 'meta-purchase-1',
      event_source_url: 'https://shop.example.com/checkout/thanks?fbclid=IwAR0abc',
      user_data: {
        external_id: [sha256('user-123')], em: [sha256('jane.doe@example.com')], ph: [sha256('16169547888')],
        client_ip_address: VISITOR_IP, client_user_agent: VISITOR_UA, fbp: 'fb.1.1711296000000.1098115397',
        fbc,
      },
      custom_data: { value: 74.97, currency: 'USD', order_id: 'ORD-7001', content_type: 'product', content_ids: ['SKU-100'], contents: [{ id: 'SKU-100', quantity: 3, item_price: 24.99 }] },
      action_source: 'website',
    });
    const text = JSON.stringify(request.json).toLowerCase();
    for (const raw of ['jane.doe@example.com', '6169547888', 'user-123']) assert.equal(text.includes(raw), false, `${raw} never leaves Signal`);
  });

  test('page views and the funnel; events Meta would refuse are dead-lettered alone, saying why', async () => {
    await call({ type: 'page', messageId: 'meta-page-1', context: { page: { url: 'https://shop.example.com/', referrer: 'https://www.facebook.com/' } } });
    const page = (await metaEvent('meta-page-1')).event;
    assert.deepEqual([page.event_name, page.event_source_url, page.referrer_url, page.user_data.external_id], ['PageView', 'https://shop.example.com/', 'https://www.facebook.com/', [sha256('df_meta0visitor')]]);
    await call({ type: 'track', event: 'Product Added', messageId: 'meta-cart-1', properties: { product_id: 'SKU-100', price: 24.99, quantity: 2, currency: 'EUR' }, context: { page: { url: 'https://shop.example.com/p/100' } } });
    const cart = (await metaEvent('meta-cart-1')).event;
    assert.deepEqual([cart.event_name, cart.custom_data], ['AddToCart', { content_type: 'product', content_ids: ['SKU-100'], value: 24.99, currency: 'EUR', contents: [{ id: 'SKU-100', quantity: 2, item_price: 24.99 }] }]);

    await call({ type: 'track', event: 'Order Completed', messageId: 'meta-old', timestamp: '2024-03-24T16:00:00.000Z', properties: { total: 5, currency: 'USD' }, context: { page: { url: 'https://shop.example.com/' } } });
    assert.match((await waitForDeadLetter(signal, integrationId, 'meta-old')).reason, /Meta refuses events older than 7 days/);
    await call({ type: 'track', event: 'Order Completed', messageId: 'meta-no-currency', properties: { total: 5 }, context: { page: { url: 'https://shop.example.com/' } } });
    assert.match((await waitForDeadLetter(signal, integrationId, 'meta-no-currency')).reason, /currency is required/);
    assert.equal(metaEvents().some(({ event }) => ['meta-old', 'meta-no-currency'].includes(event.event_id)), false, 'never sent');
  });

  test('code 100 on a batch splits it until the refused event is alone; an expired token dead-letters saying what to fix', async () => {
    const refusal = { status: 400, body: { error: { message: 'Invalid parameter', type: 'OAuthException', code: 100, error_user_title: 'Invalid currency', error_user_msg: 'The currency code is not valid', fbtrace_id: 'AbC' } } };
    sim.script('POST', path, [refusal, refusal]);
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}`, 'user-agent': VISITOR_UA },
      body: JSON.stringify({ batch: ['x', 'y'].map((x) => ({ type: 'track', event: 'Product Viewed', anonymousId: 'df_meta0visitor', messageId: `meta-split-${x}`, timestamp: now(), properties: { product_id: x }, context: { page: { url: 'https://shop.example.com/' } } })) }),
    });
    assert.equal(res.status, 200);
    const sent = await waitUntil(async () => {
      const list = sim.requests({ path }).filter((r) => JSON.stringify(r.json).includes('meta-split-'));
      return list.length >= 3 && list;
    }, 'the halves');
    assert.deepEqual(sent.map((r) => (r.json as { data: unknown[] }).data.length), [2, 1, 1]);
    const refused = (sent[1]!.json as { data: Array<{ event_id: string }> }).data[0]!.event_id;
    assert.match((await waitForDeadLetter(signal, integrationId, refused)).reason, /Meta refused the event \(code 100\): Invalid currency: The currency code is not valid/);
    const other = refused === 'meta-split-x' ? 'meta-split-y' : 'meta-split-x';
    assert.equal((await signal.delivery.list(integrationId, { messageId: other }, 5)).total, 0, 'the other is delivered');

    sim.script('POST', path, [{ status: 400, body: { error: { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190, error_subcode: 463 } } }]);
    await call({ type: 'page', messageId: 'meta-token', context: { page: { url: 'https://shop.example.com/' } } });
    assert.match((await waitForDeadLetter(signal, integrationId, 'meta-token')).reason, /Meta refused the access token \(code 190, subcode 463\).*update config\.access_token/);
  });
});

describe('a config value HTTP cannot carry', () => {
  test('a token pasted with its line break is dead-lettered at the first attempt, saying what to fix', async () => {
    const site = await signal.pipeline('Pasted token');
    const installed = await admin('POST', '/v1/admin/integrations', {
      source_id: site.id, vendor: 'videoamp', name: 'VideoAmp pasted', enabled: true,
      config: { advertiser_id: '1234567', api_token: 'va_token_secret_abc123\n' }, consent_categories: ['marketing'],
    });
    const before = sim.requests({ path: '/v1/conversions' }).length;
    await browser({ type: 'track', event: 'Order Completed', messageId: 'va-pasted', properties: { order_id: 'ORD-P', revenue: 1, currency: 'USD' } }, '', { key: site.key, id: 'df_pasted_visitor' });
    const dead = await waitUntil(async () => (await signal.delivery.list(installed.id, {}, 5)).items[0], 'the dead letter');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.match(dead.reason, /could not be sent: invalid authorization header\. A header value holds a line break[\s\S]*If it comes from the config/);
    assert.equal(sim.requests({ path: '/v1/conversions' }).length, before, 'nothing reached the vendor');

    // The fix the reason gives, step by step: a revision with the value fixed, assigned, replayed.
    const fixed = await signal.graphql<{ createRevision: { version: number } }>(
      'mutation($t: ID!) { createRevision(input: { templateId: $t, config: { api_token: "va_token_secret_abc123" }, note: "token without its newline" }) { version } }', { t: installed.template.id });
    assert.equal(fixed.body.data?.createRevision.version, 2, JSON.stringify(fixed.body.errors));
    const assigned = await signal.graphql<{ assignRevision: { revisionVersion: number } }>(
      'mutation($p: ID!, $t: ID!) { assignRevision(input: { pipelineId: $p, templateId: $t }) { revisionVersion } }', { p: site.id, t: installed.template.id });
    assert.equal(assigned.body.data?.assignRevision.revisionVersion, 2, JSON.stringify(assigned.body.errors));
    const replayed = await signal.graphql<{ replayDeadLetters: { replayed: number } }>('mutation($i: ID!) { replayDeadLetters(integrationId: $i) { replayed } }', { i: installed.id });
    assert.equal(replayed.body.data?.replayDeadLetters.replayed, 1, JSON.stringify(replayed.body.errors));
    const [delivered] = await sim.waitFor(before + 1, 15_000, { path: '/v1/conversions' }).then((all) => all.slice(before));
    assert.equal(delivered!.headers.authorization, 'Bearer va_token_secret_abc123');
    assert.equal((delivered!.json as { transaction_id: string }).transaction_id, 'ORD-P');
  });
});

describe('Flashtalking', () => {
  test('the documented purchase request: path IDs, parameter order, cachebuster, visitor IP, UA and FTrack', async () => {
    await admin('POST', '/v1/admin/integration-catalog/flashtalking/install', {
      name: 'Flashtalking Purchases', pipeline_id: pipeline.id, config: { advertiser_id: '1234567', spotlight_id: '987654', spotlight_group_id: '5' }, delivery_mode: 'server_side',
    });
    await browser({ type: 'track', event: 'Order Completed', messageId: 'ft-1', properties: { order_id: 'ORD-001', revenue: 129.99, currency: 'USD', email: 'jane.doe@example.com' } }, 'FTrack=ft-visitor-42');
    const path = '/container/1234567;987654;5;num/';
    const [request] = await sim.waitFor(1, 15_000, { path });
    assert.equal(request!.method, 'GET');
    assert.deepEqual(request!.queryPairs.map(([k]) => k), ['cachebuster', 'ftXRef', 'ftXValue', 'ftXCurrency']);
    assert.match(request!.query.cachebuster!, /^\d{7}$/);
    assert.deepEqual(request!.queryPairs.slice(1), [['ftXRef', 'ORD-001'], ['ftXValue', '129.99'], ['ftXCurrency', 'USD']]);
    assert.equal(request!.headers['x-forwarded-for'], VISITOR_IP);
    assert.equal(request!.headers['user-agent'], VISITOR_UA);
    assert.equal(request!.headers.cookie, 'FTrack=ft-visitor-42');
    assert.equal(JSON.stringify(request).includes('jane.doe'), false, 'no PII is sent');

    await browser({ type: 'page', messageId: 'ft-2', context: { page: { path: '/products/widgets', url: 'https://example.com/products/widgets' } } });
    await browser({ type: 'track', event: 'Order Completed', messageId: 'ft-3', properties: { order_id: 'ORD-003', revenue: 10, currency: 'USD' } });
    const requests = await sim.waitFor(3, 15_000, { path });
    const page = requests.find((r) => r.query.U1 === '/products/widgets')!;
    assert.deepEqual(page.queryPairs.map(([k]) => k), ['cachebuster', 'U1']);
    const cachebusters = new Set(requests.map((r) => r.query.cachebuster));
    assert.equal(cachebusters.size, 3, 'a fresh cachebuster per request');
  });

  test('a visitor User-Agent with an emoji or ™ is delivered, as the UTF-8 bytes the browser sent; one with a line break is left out', async () => {
    // Installed by the previous test on this pipeline.
    const path = '/container/1234567;987654;5;num/';
    const before = sim.requests({ path }).length;
    const agents = { 'ft-emoji': 'Mozilla/5.0 (iPhone) MyShop-App/3.1 🛒', 'ft-tm': 'SmartTV™ Browser/2.0', 'ft-crlf': 'UA/1\r\nx-injected: 1' };
    for (const [messageId, userAgent] of Object.entries(agents)) {
      await browser({ type: 'track', event: 'Order Completed', messageId, properties: { order_id: messageId, revenue: 5, currency: 'USD' }, context: { userAgent } });
    }
    const requests = (await sim.waitFor(before + 3, 15_000, { path })).slice(before);
    const byOrder = new Map(requests.map((r) => [r.query.ftXRef, r]));
    // The simulator (Node) reads header bytes as Latin-1: re-read them as UTF-8.
    const ua = (id: string) => {
      const header = byOrder.get(id)?.headers['user-agent'];
      return header === undefined ? undefined : Buffer.from(header, 'latin1').toString('utf8');
    };
    assert.deepEqual([ua('ft-emoji'), ua('ft-tm')], [agents['ft-emoji'], agents['ft-tm']]);
    assert.ok(byOrder.has('ft-crlf'), 'the conversion with an unsendable User-Agent is delivered too');
    assert.equal(byOrder.get('ft-crlf')!.headers['x-injected'], undefined);
    assert.equal(byOrder.get('ft-crlf')!.headers['user-agent'], undefined);
    assert.equal(byOrder.get('ft-crlf')!.headers['x-forwarded-for'], VISITOR_IP);
  });
});

describe('Amperity', () => {
  // Its own pipeline: Amperity takes every event (no consent category by default), and the
  // other vendors' tests count their own requests.
  let site: { id: string; key: string };
  let integrationId: string;
  const stream = '/prof/events/esm-2VP6va3Zn';
  const config = { tenant_subdomain: 'acme', tenant_id: 'acme', api_key: 'eyJhbGciOiJIUzI1NiJ9.streaming-ingest', event_stream_id: 'esm-2VP6va3Zn', source_value: 'DATAFLY' };
  const spa = (call: Record<string, unknown>) => browser(call, '', { key: site.key, id: 'dfid_abc123' });
  const received = (messageId: string) => waitUntil(async () => sim.requests({ path: stream }).find((r) => (r.json as { message_id?: string }).message_id === messageId), `Amperity's request for ${messageId}`);

  before(async () => {
    site = await signal.pipeline('Amperity site');
  });

  test("the spec's ingest request: URL, headers, flat attributes and the nested consent verbatim", async () => {
    const installed = await admin('POST', '/v1/admin/integration-catalog/amperity/install', { name: 'Amperity', variant: 'retail', pipeline_id: site.id, config, delivery_mode: 'server_side' });
    integrationId = installed.assignment.id;
    const consent = {
      analytics: true, marketing: false, functional: true,
      categories: { C0001: true, C0002: false, ad_personalization: false },
      google: { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'granted' },
    };
    await spa({
      type: 'track', event: 'view_item_list', messageId: 'amp-1', timestamp: '2026-04-17T15:37:10.484Z',
      properties: { item_list_id: 'summer', item_list_name: 'Summer sale', items: [{ item_id: 'SKU-1', price: 20 }] },
      context: { consent, traits: { email: 'jane@example.com', amperity_id: 'a1b2c3d4-amperity' } },
    });
    const request = await received('amp-1');
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['amperity-tenant'], 'acme');
    assert.equal(request.headers.authorization, 'Bearer eyJhbGciOiJIUzI1NiJ9.streaming-ingest');
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    const body = request.json as Record<string, unknown>;
    assert.deepEqual({ source: body.source, type: body.type, cookieid: body.cookieid, ip_address: body.ip_address, user_agent: body.user_agent, timestamp: body.timestamp, email: body.email, amperity_id: body.amperity_id }, {
      source: 'DATAFLY', type: 'view_item_list', cookieid: 'dfid_abc123', ip_address: VISITOR_IP, user_agent: VISITOR_UA,
      timestamp: '2026-04-17T15:37:10.484Z', email: 'jane@example.com', amperity_id: 'a1b2c3d4-amperity',
    });
    assert.deepEqual(body.consent, consent, 'the consent state, nested and verbatim');
    assert.equal(body.item_list_id, 'summer');
    assert.deepEqual(body.items, [{ item_id: 'SKU-1', price: 20 }]);
    for (const [key, value] of Object.entries(body)) {
      if (key !== 'consent' && key !== 'items') assert.ok(value === null || typeof value !== 'object', `${key} is flat`);
    }
  });

  test('event names map as the spec\'s table says; other events pass through flat, nested objects too; a page is a pageview', async () => {
    await spa({ type: 'track', event: 'Order Completed', messageId: 'amp-2', properties: { order_id: 'ORD-7', total: 42.5, currency: 'gbp' } });
    await spa({ type: 'track', event: 'Product Removed', messageId: 'amp-3', properties: { product_id: 'SKU-9', price: '9.99' } });
    await spa({ type: 'track', event: 'Wishlist Shared', messageId: 'amp-4', properties: { wishlist_id: 'w-1', type: 'not the type', source: 'not the source' } });
    await spa({ type: 'page', messageId: 'amp-5', name: 'Pricing', context: { page: { url: 'https://example.com/pricing', path: '/pricing', title: 'Pricing' } } });
    const purchase = (await received('amp-2')).json as Record<string, unknown>;
    assert.deepEqual([purchase.type, purchase.order_id, purchase.value, purchase.currency], ['purchase', 'ORD-7', 42.5, 'GBP']);
    const removed = (await received('amp-3')).json as Record<string, unknown>;
    assert.deepEqual([removed.type, removed.product_id, removed.price], ['remove_from_cart', 'SKU-9', 9.99]);
    const custom = (await received('amp-4')).json as Record<string, unknown>;
    assert.deepEqual([custom.type, custom.source, custom.wishlist_id, custom.properties], ['Wishlist Shared', 'DATAFLY', 'w-1', undefined], 'properties lifted; type and source stay the blueprint\'s');
    const page = (await received('amp-5')).json as Record<string, unknown>;
    assert.deepEqual([page.type, page.page_url, page.page_title, page.page_name], ['pageview', 'https://example.com/pricing', 'Pricing', 'Pricing']);

    // A property never stands in for what the global rows own: here the event has no consent.
    await spa({ type: 'track', event: 'No Consent Yet', messageId: 'amp-8', properties: { consent: { marketing: true }, cookieid: 'made-up', plan: 'pro' }, context: { consent: undefined } });
    const unconsented = (await received('amp-8')).json as Record<string, unknown>;
    assert.deepEqual([unconsented.consent, unconsented.cookieid, unconsented.plan], [undefined, 'dfid_abc123', 'pro']);
    await spa({ type: 'group', messageId: 'amp-9', userId: 'user-9', groupId: 'acme-corp', traits: { name: 'Acme', plan: 'enterprise' } });
    await spa({ type: 'alias', messageId: 'amp-10', userId: 'user-9', previousId: 'anon-123' });
    const group = (await received('amp-9')).json as Record<string, unknown>;
    assert.deepEqual([group.type, group.user_id, group.group_id, group.group_traits, group.group_traits_name, group.group_traits_plan], ['group', 'user-9', 'acme-corp', undefined, 'Acme', 'enterprise'], 'the group\'s traits flat, prefixed');
    const alias = (await received('amp-10')).json as Record<string, unknown>;
    assert.deepEqual([alias.type, alias.user_id, alias.previous_id], ['alias', 'user-9', 'anon-123']);

    // Nested traits arrive flat at any depth, joined with _ (no flatten script in Amperity).
    await spa({ type: 'identify', messageId: 'amp-11', userId: 'user-9', traits: { plan: 'pro', address: { city: 'London', geo: { postcode: 'SW1A 1AA' } }, tags: ['vip'] } });
    const identified = (await received('amp-11')).json as Record<string, unknown>;
    assert.deepEqual([identified.type, identified.plan, identified.address, identified.address_city, identified.address_geo_postcode, identified.tags], ['identify', 'pro', undefined, 'London', 'SW1A 1AA', ['vip']]);
    for (const [key, value] of Object.entries(identified)) {
      if (key !== 'consent' && key !== 'tags') assert.ok(value === null || typeof value !== 'object', `${key} is flat`);
    }
  });

  test('a refused JWT is dead-lettered with the fix; a 429 is retried; a batch stream id or a URL as subdomain is refused at install', async () => {
    sim.script('POST', stream, [{ status: 429, body: { message: 'slow down' } }]);
    await spa({ type: 'track', event: 'purchase', messageId: 'amp-6', properties: { transaction_id: 'T-6', value: 1 } });
    await waitUntil(async () => sim.requests({ path: stream }).filter((r) => (r.json as { message_id?: string }).message_id === 'amp-6').length === 2 || undefined, 'the retry after the 429');

    sim.script('POST', stream, [{ status: 403, body: { message: 'forbidden' } }]);
    await spa({ type: 'track', event: 'purchase', messageId: 'amp-7', properties: { transaction_id: 'T-7', value: 1 } });
    const dead = await waitUntil(async () => (await signal.delivery.list(integrationId, {}, 5)).items.find((i) => i.reason.includes('Amperity refused')), 'the dead letter');
    assert.match(dead.reason, /Amperity refused the api_key \(HTTP 403\).*Streaming Ingest Write Access/);

    for (const [field, value, message] of [
      ['tenant_subdomain', 'https://acme.amperity.com', /only the subdomain: "acme"/],
      ['event_stream_id', 'is-9XkqP2', /batch ingest id/],
    ] as const) {
      const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/amperity/install`, {
        method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Amperity ${field}`, variant: 'retail', config: { ...config, [field]: value } }),
      });
      assert.equal(res.status, 400);
      const error = (await res.json() as { error: { fields: Array<{ field: string; message: string }> } }).error;
      const named = error.fields.find((f) => f.field.endsWith(field));
      assert.ok(named, JSON.stringify(error));
      assert.match(named.message, message);
    }
  });
});

describe('Amperity profile enrichment and browser personalization', () => {
  // A pipeline of its own: Amperity with the Profile API, and Amplitude whose blueprint reads
  // the Amperity attributes the spec's way (partner_attrs.amperity.Persona).
  let site: { id: string; key: string };
  let amplitudeId: string;
  let amperityId: string;
  const collection = '/prof/profiles/apc-vPsQheAm';
  const visitor = 'dfid_enriched1';
  const profile = { Persona: 'Value Hunter', LifetimeTier: 'Gold', Email: 'jane@example.com' };
  const spa = (call: Record<string, unknown>) => browser(call, '', { key: site.key, id: visitor });
  const enrich = (query: string, cookie = `_dfdid=${visitor}`) => fetch(`${signal.collectUrl}/v1/enrich?${query}`, { headers: { cookie, origin: 'https://example.com' } });

  before(async () => {
    site = await signal.pipeline('Enriched site');
    sim.setDefault('GET', `${collection}/lookup`, (request) =>
      request.queryPairs[0]?.[0] === 'email_sha256' && request.queryPairs[0][1] === sha256('jane@example.com')
        ? { status: 200, body: { amperity_id: 'amp-42' } }
        : { status: 404, body: { error: 'not-found' } });
    sim.setDefault('GET', `${collection}/amp-42`, (request) => {
      const category = request.queryPairs.find(([key]) => key === 'pageCategory')?.[1];
      return { status: 200, body: { collection_id: 'apc-vPsQheAm', profile_id: 'amp-42', attributes: category ? { Offer: `${category}-10` } : profile } };
    });
    // The install the Amperity page describes: ingest, plus Profile API access, linking keys,
    // the browser allow-list and context-sensitive personalization.
    amperityId = (await admin('POST', '/v1/admin/integration-catalog/amperity/install', {
      name: 'Amperity', variant: 'retail', pipeline_id: site.id, delivery_mode: 'server_side',
      config: {
        tenant_subdomain: 'acme', tenant_id: 'acme', api_key: 'eyJhbGciOiJIUzI1NiJ9.streaming-ingest', event_stream_id: 'esm-2VP6va3Zn', source_value: 'DATAFLY',
        profile_api_key: 'eyJhbGciOiJIUzI1NiJ9.profile-read', profile_collection_id: 'apc-vPsQheAm',
        linking_keys: [{ source: 'email', key: 'email_sha256', hash: 'sha256' }, { source: 'canonical_id', key: '_dfdid' }],
        browser_attribute_allowlist: 'Persona,LifetimeTier',
        enable_context_personalization: true, personalization_context_mappings: [{ source: 'properties.category', target: 'pageCategory' }],
      },
    })).assignment.id;
    const amplitude = await signal.graphql<{ installIntegration: { assignment: { id: string } } }>('mutation($input: InstallIntegrationInput!) { installIntegration(input: $input) { assignment { id } } }', {
      input: {
        vendor: 'amplitude', variant: 'default', name: 'Amplitude (enriched)', pipelineId: site.id,
        config: { api_key: 'your_amplitude_api_key', api_endpoint: 'https://api2.amplitude.com/2/httpapi' },
        blueprint: [
          'version: 2', 'event_name_target: event_type', 'global:',
          '  - { source: userId, target: user_id }', '  - { source: anonymousId, target: device_id }', '  - { source: messageId, target: insert_id }',
          '  - { source: partner_attrs.amperity.Persona, target: user_properties.user_persona }',
          '  - { source: partner_attrs.amperity.LifetimeTier, target: user_properties.user_tier }',
          '  - { source: partner_attrs.amperity_personalized.Offer, target: event_properties.offer }',
          'defaults: { action: pass_through, properties_target: event_properties }', '',
        ].join('\n'),
      },
    });
    assert.equal(amplitude.status, 200, JSON.stringify(amplitude.body.errors));
    amplitudeId = amplitude.body.data!.installIntegration.assignment.id;
  });

  test('the visitor resolved by a linking key, the profile read by its Amperity id; its attributes reach another vendor through the blueprint', async () => {
    await spa({ type: 'identify', userId: 'user-42', messageId: 'enr-1', traits: { email: 'jane@example.com' } });
    // Delivered, so remembered: the track below carries the email it gave (remembered traits).
    await amplitudeEvent((e) => e.insert_id === 'enr-1', 'the identify at Amplitude');
    await spa({ type: 'track', event: 'Product Viewed', userId: 'user-42', messageId: 'enr-2', properties: { category: 'shoes', product_id: 'SKU-1' } });
    const { event } = await amplitudeEvent((e) => e.insert_id === 'enr-2', 'the enriched track at Amplitude');
    assert.deepEqual(event.user_properties, { user_persona: 'Value Hunter', user_tier: 'Gold' });
    assert.equal((event.event_properties as Record<string, unknown>).offer, 'shoes-10', 'the personalized attributes, for this page\'s category');

    // The lookups the page describes: first linking key with a value (the email, hashed), then the profile.
    const lookups = sim.requests({ path: `${collection}/lookup` });
    assert.deepEqual(lookups[0]!.queryPairs, [['email_sha256', sha256('jane@example.com')]]);
    assert.equal(lookups[0]!.headers.authorization, 'Bearer eyJhbGciOiJIUzI1NiJ9.profile-read', 'the Profile API key, not the ingest key');
    assert.equal(lookups[0]!.headers['amperity-tenant'], 'acme');
    assert.ok(sim.requests({ path: `${collection}/amp-42` }).some((r) => r.queryPairs.length === 0), 'GET /prof/profiles/{collection_id}/{amperity_id}');
    assert.ok(sim.requests({ path: `${collection}/amp-42` }).some((r) => r.queryPairs.length === 1 && r.queryPairs[0]![0] === 'pageCategory' && r.queryPairs[0]![1] === 'shoes'));

    // Cached: the next event of the visitor asks Amperity nothing.
    const asked = sim.requests().filter((r) => r.path.startsWith(collection)).length;
    await spa({ type: 'track', event: 'Product Viewed', userId: 'user-42', messageId: 'enr-3', properties: { category: 'shoes' } });
    const next = await amplitudeEvent((e) => e.insert_id === 'enr-3', 'the next track');
    assert.deepEqual(next.event.user_properties, { user_persona: 'Value Hunter', user_tier: 'Gold' });
    assert.equal(sim.requests().filter((r) => r.path.startsWith(collection)).length, asked);
    const stats = await waitUntil(async () => {
      const s = (await signal.graphql<{ integrationStats: { enriched: number; enrichmentFailed: number; lastEnrichmentError: string | null } }>('query($id: ID!) { integrationStats(integrationId: $id) { enriched enrichmentFailed lastEnrichmentError } }', { id: amperityId })).body.data?.integrationStats;
      return s && s.enriched >= 3 && s;
    }, 'the enrichment counted in the integration\'s stats');
    assert.deepEqual([stats.enrichmentFailed, stats.lastEnrichmentError], [0, null]);
    const metrics = await (await fetch(`${signal.adminUrl}/metrics`, { headers: { authorization: `Bearer ${signal.adminToken}` } })).text();
    assert.match(metrics, new RegExp(`signal_integration_enrichment_events_total\\{integration="${amperityId}"[^}]*result="found"\\} [3-9]`));

    // partner_attrs is Signal's: a page cannot pass itself off as a persona, even for an event Amperity does not see.
    await spa({ type: 'track', event: 'Product Viewed', messageId: 'enr-4', integrations: { Amperity: false }, partner_attrs: { amperity: { Persona: 'Forged VIP' } } });
    const forged = await amplitudeEvent((e) => e.insert_id === 'enr-4', 'the track with forged partner_attrs');
    assert.equal(forged.event.user_properties, undefined);
    const stored = (await signal.services.events.recent(site.id, 1))[0]!;
    assert.equal((stored.payload as { partner_attrs?: unknown }).partner_attrs, undefined, 'dropped at collect');
  });

  test('GET /v1/enrich?provider=amperity: the allow-listed attributes of the cookie\'s visitor, nothing else', async () => {
    const res = await enrich(`provider=amperity&writeKey=${site.key}`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { provider: 'amperity', attributes: { Persona: 'Value Hunter', LifetimeTier: 'Gold' } }, 'no Email, no Offer: not on the allow-list');
    assert.equal(res.headers.get('access-control-allow-credentials'), 'true', 'readable by the page with its cookie');
    assert.match(res.headers.get('cache-control') ?? '', /no-store/);
    assert.match(res.headers.get('vary') ?? '', /Origin.*Cookie/, 'the answer depends on the origin and the cookie');
    assert.deepEqual(await (await enrich(`provider=amperity&writeKey=${site.key}`, '')).json(), { provider: 'amperity', attributes: {} }, 'no cookie: a first-touch visitor');
    assert.deepEqual(await (await enrich(`provider=amperity&writeKey=${site.key}`, '_dfdid=dfid_stranger9')).json(), { provider: 'amperity', attributes: {} });

    const missing = await enrich(`writeKey=${site.key}`);
    assert.equal(missing.status, 400);
    assert.match(((await missing.json()) as { error: { message: string } }).error.message, /provider is required.*one of amperity/);
    const unknown = await enrich(`provider=segment&writeKey=${site.key}`);
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { error: { message: string } }).error.message, /No partner "segment" exposes browser attributes: the partners are amperity/);
    const elsewhere = await enrich(`provider=amperity&writeKey=${pipeline.key}`);
    assert.equal(elsewhere.status, 404, 'a pipeline without Amperity enrichment');
    assert.match(((await elsewhere.json()) as { error: { message: string } }).error.message, /no enabled amperity integration with profile enrichment/);
    assert.equal((await enrich('provider=amperity&writeKey=nope')).status, 401);
    assert.equal((await enrich('provider=amperity')).status, 401);
    const bearer = await fetch(`${signal.collectUrl}/v1/enrich?provider=amperity`, { headers: { authorization: `Bearer ${site.key}` } });
    assert.match(((await bearer.json()) as { error: { message: string } }).error.message, /sent a Bearer token: the pipeline key goes as the Basic username/);

    // The spec's form field is a JSON textarea: pasted as text, the answer says what to send.
    const pasted = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/amperity/install`, {
      method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Amperity pasted', variant: 'retail', config: { tenant_subdomain: 'acme', tenant_id: 'acme', api_key: 'eyJhbGciOiJIUzI1NiJ9.streaming-ingest', event_stream_id: 'esm-2VP6va3Zn', source_value: 'DATAFLY', profile_api_key: 'eyJhbGciOiJIUzI1NiJ9.profile-read', profile_collection_id: 'apc-vPsQheAm', linking_keys: '[{"source": "email", "key": "email_sha256", "hash": "sha256"}]' } }),
    });
    assert.equal(pasted.status, 400);
    const pastedError = (await pasted.json()) as { error: { fields: Array<{ field: string; message: string }> } };
    assert.match(pastedError.error.fields.find((f) => f.field === 'config.linking_keys')?.message ?? '', /must be an array: this is text holding JSON; send the array itself/);

    // A replay (backfill) of the visitor's events to Amplitude: enriched again, from lookups
    // made before the slice locks anything; old events tell the browser nothing.
    const replayed = await signal.graphql('mutation($id: ID!, $since: String!, $until: String) { replayEvents(integrationId: $id, since: $since, until: $until) { id } }', { id: amplitudeId, since: new Date(Date.now() - 3_600_000).toISOString(), until: new Date().toISOString() });
    assert.equal(replayed.status, 200, JSON.stringify(replayed.body.errors));
    const again = await waitUntil(async () => amplitudeEvents().filter(({ event }) => event.insert_id === 'enr-2')[1], 'the replayed track');
    assert.deepEqual(again.event.user_properties, { user_persona: 'Value Hunter', user_tier: 'Gold' });

    // A privacy request for the visitor: pages read nothing of them any more.
    const forgot = await signal.graphql('mutation($p: ID!, $a: String) { forgetPersonTraits(pipelineId: $p, anonymousId: $a) }', { p: site.id, a: visitor });
    assert.equal(forgot.status, 200, JSON.stringify(forgot.body.errors));
    assert.deepEqual(await (await enrich(`provider=amperity&writeKey=${site.key}`)).json(), { provider: 'amperity', attributes: {} });
  });
});

describe('Google Analytics 4', () => {
  // Its own pipeline: GA4's requests are read apart from the other vendors'.
  let site: { id: string; key: string };
  let integrationId: string;
  const ga = (call: Record<string, unknown>, cookies = '_ga=GA1.1.1234567890.1711296000') => browser(call, cookies, { key: site.key, id: 'df_ga4visitor1' });
  const sent = (name: string) => waitUntil(async () => {
    for (const request of sim.requests({ path: '/mp/collect' })) {
      const event = (request.json as { events: Array<{ name: string; params: Record<string, unknown> }> }).events.find((e) => e.name === name);
      if (event) return { request, body: request.json as Record<string, unknown>, event };
    }
    return undefined;
  }, `GA4's ${name}`);

  before(async () => {
    site = await signal.pipeline('GA4 site');
    const installed = await admin('POST', '/v1/admin/integration-catalog/ga4/install', {
      name: 'GA4', variant: 'retail', pipeline_id: site.id, delivery_mode: 'server_side', consent_categories: ['analytics'],
      config: { measurement_id: 'G-ABC123XYZ9', api_secret: 'ga4-secret-0123456789', user_properties: 'plan' },
    });
    integrationId = installed.assignment.id;
  });

  test('a config field given beside config is refused saying it goes inside', async () => {
    const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/ga4/install`, {
      method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'GA4 check', variant: 'default', validate_only: true, config: { measurement_id: 'G-ABC123XYZ9', api_secret: 'ga4-secret-0123456789' } }),
    });
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, 'SIGNAL_VALIDATION_FAILED');
    assert.match(error.message, /has unknown field "validate_only": it is a config field of Google Analytics 4, so it goes inside "config"/);
  });

  test('an order: purchase with items, the _ga cookie\'s client id, Consent Mode, one request per visitor', async () => {
    await ga({ type: 'identify', userId: 'user-123', messageId: 'ga-0', traits: { plan: 'premium', email: 'jane@example.com' } });
    // Sent at once: a pipeline's very first identify reaches the order fanned out beside it.
    await ga({
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'ga-1',
      properties: { order_id: 'ORD-5521', total: 89.99, currency: 'gbp', tax: 5, products: [{ product_id: 'SKU-100', name: 'Mug', price: 59.99, quantity: 1 }, { product_id: 'SKU-200', price: 30 }] },
      context: { consent: { analytics: true, google: { ad_user_data: 'granted', ad_personalization: 'denied' } }, page: { url: 'https://shop.example.com/checkout', path: '/checkout' } },
    });
    const { request, body, event } = await sent('purchase');
    assert.equal(request.method, 'POST');
    assert.deepEqual(request.queryPairs, [['measurement_id', 'G-ABC123XYZ9'], ['api_secret', 'ga4-secret-0123456789']]);
    assert.deepEqual({ client_id: body.client_id, user_id: body.user_id, consent: body.consent, ip_override: body.ip_override, user_agent: body.user_agent, user_properties: body.user_properties }, {
      client_id: '1234567890.1711296000', user_id: 'user-123', consent: { ad_user_data: 'GRANTED', ad_personalization: 'DENIED' },
      ip_override: VISITOR_IP, user_agent: VISITOR_UA, user_properties: { plan: { value: 'premium' } },
    }, 'the plan remembered from identify, never the email');
    assert.deepEqual(event.params, {
      page_location: 'https://shop.example.com/checkout', transaction_id: 'ORD-5521', value: 89.99, currency: 'GBP', tax: 5,
      items: [{ item_id: 'SKU-100', item_name: 'Mug', price: 59.99, quantity: 1 }, { item_id: 'SKU-200', price: 30 }],
    });
    assert.equal((event as Record<string, unknown>).timestamp_micros, Date.parse(CALL_TIMESTAMP) * 1000);
    assert.equal(sim.requests({ path: '/mp/collect' }).some((r) => JSON.stringify(r.json).includes('identify')), false, 'identify is not sent');
  });

  test('page views and custom events: GA4-safe names, no email in params; a reserved name is dead-lettered with the reason', async () => {
    await ga({ type: 'page', messageId: 'ga-2', name: 'Pricing', context: { consent: { analytics: true }, page: { url: 'https://shop.example.com/pricing', title: 'Pricing', referrer: 'https://google.com/' } } });
    const page = await sent('page_view');
    assert.deepEqual(page.event.params, { page_location: 'https://shop.example.com/pricing', page_referrer: 'https://google.com/', page_title: 'Pricing' });
    await ga({ type: 'track', event: 'Video Played (HD)', messageId: 'ga-3', properties: { video_id: 'v-1', contact: 'jane@example.com', 'Watch Time': 42 }, context: { consent: { analytics: true } } }, '');
    const custom = await sent('Video_Played_HD');
    assert.deepEqual(custom.event.params, { video_id: 'v-1', Watch_Time: 42 });
    assert.match(String(custom.body.client_id), /^\d+\.\d+$/, 'no _ga cookie: a client id derived from the visitor');
    await ga({ type: 'track', event: 'session_start', messageId: 'ga-4', context: { consent: { analytics: true } } });
    const dead = await waitUntil(async () => (await signal.delivery.list(integrationId, {}, 5)).items.find((i) => i.reason.includes('reserves')), 'the dead letter');
    assert.match(dead.reason, /GA4 reserves the event name "session_start"/);
  });
});

describe('privacy', () => {
  test('no raw email or phone in any request Signal sent to an advertising vendor or GA4', async () => {
    const advertising = sim.requests().filter((r) => r.path.startsWith('/v1/conversions') || r.path.startsWith('/container/') || r.path === '/mp/collect');
    assert.ok(advertising.length >= 4);
    for (const request of advertising) {
      const text = JSON.stringify({ url: request.path, query: request.queryPairs, headers: request.headers, body: request.body }).toLowerCase();
      for (const raw of ['jane.doe@example.com', 'jane@example.com', '7700 900123', '447700900123']) assert.equal(text.includes(raw), false, `${raw} never leaves Signal`);
    }
  });
});

describe('catalog and preview of the vendor plugins', () => {
  test('the catalog lists each variant with its blueprint coverage; a preview shows the exact request, key masked', async () => {
    const catalog = await signal.graphql<{ catalog: Array<{ id: string; variants: Array<{ key: string; blueprint: string; coverage: { requiredMapped: string[]; counts: { required: number; requiredMapped: number; optional: number; optionalMapped: number } } }> }> }>(
      '{ catalog { id variants { key blueprint coverage { requiredMapped requiredMissing optionalMapped counts } } } }',
    );
    const amplitude = catalog.body.data!.catalog.find((p) => p.id === 'amplitude')!;
    assert.deepEqual(amplitude.variants.map((v) => v.key), ['default', 'retail', 'media']);
    const coverage = amplitude.variants[0]!.coverage;
    assert.deepEqual(coverage.requiredMapped, ['event_type']);
    assert.ok(coverage.counts.optionalMapped >= 10, JSON.stringify(coverage.counts));
    const videoamp = catalog.body.data!.catalog.find((p) => p.id === 'videoamp')!;
    assert.deepEqual(videoamp.variants[0]!.coverage.counts.requiredMapped, 2);

    const fields = await signal.graphql<{ catalog: Array<{ id: string; configFields: Array<{ key: string; examples: unknown[] }> }> }>('{ catalog(category: "cdp") { id configFields { key examples } } }');
    const amperity = fields.body.data!.catalog.find((p) => p.id === 'amperity')!;
    assert.deepEqual(Object.fromEntries(amperity.configFields.map((f) => [f.key, f.examples])), {
      tenant_subdomain: ['acme'], tenant_id: ['acme'], api_key: [], event_stream_id: ['esm-2VP6va3Zn'], source_value: ['DATAFLY'],
      profile_api_key: [], profile_collection_id: ['apc-vPsQheAm'],
      linking_keys: [[{ source: 'email', key: 'email_sha256', hash: 'sha256' }, { source: 'canonical_id', key: '_dfdid' }, { source: 'user_id', key: 'customer_id' }]],
      browser_attribute_allowlist: ['Persona,LifetimeTier'], enable_context_personalization: [],
      personalization_context_mappings: [[{ source: 'properties.category', target: 'pageCategory' }, { source: 'context.page.path', target: 'pagePath' }]],
    }, 'examples help fill the form; a secret has none');

    const preview = await signal.graphql<{ previewIntegration: { results: Array<{ messageId: string; requests: Array<{ method: string; url: string; headers: Record<string, string>; body: unknown }> }> } }>(
      `query($target: PreviewTarget!) { previewIntegration(target: $target) { results { messageId dropped requests } } }`,
      { target: { vendor: 'flashtalking', config: { advertiser_id: '1234567', spotlight_id: '987654', spotlight_group_id: '5' } } },
    );
    assert.equal(preview.status, 200, JSON.stringify(preview.body.errors));
    const order = preview.body.data!.previewIntegration.results.find((r) => r.messageId === 'conf-order-1')!;
    assert.match(order.requests[0]!.url, /^https:\/\/servedby\.flashtalking\.com\/container\/1234567;987654;5;num\/\?cachebuster=\d{7}&ftXRef=ORD-5521&ftXValue=89\.99&ftXCurrency=GBP$/);
    const amp = await signal.graphql<{ previewIntegration: { results: Array<{ messageId: string; requests: Array<{ url: string; body: { api_key: string } }> }> } }>(
      `query($target: PreviewTarget!) { previewIntegration(target: $target) { results { messageId requests } } }`,
      { target: { vendor: 'amplitude', variant: 'retail', config: { api_key: 'preview_secret_key', api_endpoint: 'https://api.eu.amplitude.com/2/httpapi' } } },
    );
    const page = amp.body.data!.previewIntegration.results.find((r) => r.messageId === 'conf-page-1')!;
    assert.equal(page.requests[0]!.url, 'https://api.eu.amplitude.com/2/httpapi');
    assert.equal(page.requests[0]!.body.api_key, '[REDACTED]');
  });
});

describe('shipped blueprints on sloppy input: identity fields, products and currency', () => {
  type SdkPluginDefinition = import('../core/sdk/index.ts').PluginDefinition;
  type SdkCanonicalEvent = import('../core/sdk/index.ts').CanonicalEvent;
  type SdkPluginContext = import('../core/sdk/index.ts').PluginContext;
  // Mapped as delivery maps them (the variant's shipped blueprint, then the plugin), without
  // the browser round trip: these are properties of the blueprints, not of transport.
  const mapped = async (vendor: 'videoamp' | 'amplitude', variant: string, config: SdkPluginContext['config'], partial: Record<string, unknown>) => {
    const [{ createEventMapper }, { readFile }, plugin] = await Promise.all([
      import('../core/delivery/mapper.ts'), import('node:fs/promises'), import(`../plugins/${vendor}/index.ts`).then((m: { default: SdkPluginDefinition }) => m.default),
    ]);
    const ctx: SdkPluginContext = { config, variant, integrationId: 'i', revisionId: 'r', options: {}, now: 1_711_296_000_000 };
    const blueprint = await readFile(new URL(`../blueprints/${plugin.variants[variant]!.blueprint}`, import.meta.url), 'utf8');
    const event = {
      type: 'track', event: 'Order Completed', messageId: 'sloppy-1', userId: 'user-123', anonymousId: 'df_abc123def456',
      timestamp: CALL_TIMESTAMP, receivedAt: CALL_TIMESTAMP, context: { ip: VISITOR_IP, userAgent: VISITOR_UA }, ...partial,
    } as unknown as SdkCanonicalEvent;
    const result = createEventMapper(plugin, { variant, blueprint }, ctx)(event);
    const requests = result.payload ? plugin.send([{ id: event.messageId, event, payload: result.payload }], ctx) : [];
    return { result, body: requests[0]?.body as Record<string, any> | undefined };
  };
  const videoamp = (properties: Record<string, unknown>, context: Record<string, unknown> = {}) =>
    mapped('videoamp', 'retail', { advertiser_id: '1234567', api_token: 'va_token_secret_abc123' }, { properties: { order_id: 'ORD-1', revenue: 10, currency: 'USD', ...properties }, context: { ip: VISITOR_IP, userAgent: VISITOR_UA, ...context } });
  const amplitude = (variant: string, properties: Record<string, unknown>) =>
    mapped('amplitude', variant, { api_key: 'k-123456789', api_endpoint: 'https://api2.amplitude.com/2/httpapi' }, { properties });

  test('VideoAmp: a phone printed with a bracketed trunk, +44 (0)7700 900123, is hashed as +447700900123', async () => {
    const { body } = await videoamp({ phone: '+44 (0)7700 900123' });
    assert.equal(body!.phone, sha256('+447700900123'));
  });

  test('VideoAmp: email and phone are one SHA-256 string; a one-element list is its element, a longer one is left out', async () => {
    const one = await videoamp({ email: ['Jane@Example.com'], phone: ['+447700900123'] });
    assert.equal(one.body!.email, sha256('jane@example.com'));
    assert.equal(one.body!.phone, sha256('+447700900123'));
    const two = await videoamp({ email: ['a@example.com', 'b@example.com'] });
    assert.equal(two.body!.email, undefined);
    assert.match(two.result.warnings!.join('\n'), /^email: sha256: .* is not an email address; the field was left out$/m);
  });

  test('VideoAmp: what is not an email address is never sent as email; a blank email does not hide the identify email', async () => {
    for (const notAnEmail of ['+44 7700 900123', 'JaneDoe']) {
      const { body, result } = await videoamp({ email: notAnEmail });
      assert.equal(body!.email, undefined, notAnEmail);
      assert.ok(result.warnings!.some((w) => w.startsWith('email: sha256:')), notAnEmail);
    }
    const { body } = await videoamp({ email: ' ' }, { traits: { email: 'Jane@Example.com' } });
    assert.equal(body!.email, sha256('jane@example.com'));
  });

  test('Amplitude: holes and bare values in products[] are left out with a warning, never sent as {}', async () => {
    for (const variant of ['default', 'retail', 'media']) {
      const { body, result } = await amplitude(variant, { order_id: 'O1', total: 30, currency: 'USD', products: [null, 'SKU-9', { product_id: 'SKU-1', price: 10, quantity: 3 }] });
      assert.deepEqual(body!.events[0].event_properties.products, [{ productId: 'SKU-1', price: 10, quantity: 3 }], variant);
      assert.deepEqual(result.warnings, ['event_properties.products[0]: null, not an object; the element was left out', 'event_properties.products[1]: text, not an object; the element was left out'], variant);
    }
  });

  test('Amplitude: revenue is never sent with an unreadable currency: the order is an error naming it; no currency is the project default', async () => {
    const unreadable = await amplitude('default', { order_id: 'O2', total: 120, currency: '$' });
    assert.equal(unreadable.result.payload, null);
    assert.equal(unreadable.result.error, 'mapping: currency is required but currency: "$" is not an ISO 4217 code ("$" is the symbol of several currencies: send the code)');
    // A symbol of one currency only is its code.
    const euro = await amplitude('retail', { order_id: 'O6', total: 120, currency: '€' });
    assert.deepEqual([euro.body!.events[0].revenue, euro.body!.events[0].currency], [120, 'EUR']);
    const absent = await amplitude('default', { order_id: 'O3', total: 120 });
    assert.deepEqual([absent.body!.events[0].revenue, absent.body!.events[0].currency], [120, undefined]);
    const blank = await amplitude('retail', { order_id: 'O4', total: 120, currency: '' });
    assert.deepEqual([blank.body!.events[0].revenue, blank.body!.events[0].currency], [120, undefined]);
    const readable = await amplitude('media', { order_id: 'O5', total: 120, currency: ' eur ' });
    assert.deepEqual([readable.body!.events[0].revenue, readable.body!.events[0].currency], [120, 'EUR']);
  });
});
