// Ad click ids kept in first-party cookies set by the collect endpoint (plugins' `clickIds`):
// a landing page's fbclid becomes the _fbc cookie, and the purchase days later carries it to
// Meta, for pipelines where Meta is enabled and the visitor allowed it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startVendorSim, type VendorSim } from './vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from './helpers/signal.ts';
import { installOnNewPipeline } from './helpers/vendor-e2e.ts';
import { waitUntil } from './helpers/wait.ts';
import { closeAll } from './helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const META_PATH = '/v25.0/1234567890/events';

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({ SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_VENDOR_REDIRECTS: `https://graph.facebook.com=${sim.url}` }, { label: 'clickids', vendors: ['meta_capi'] });
  sim.setDefault('POST', META_PATH, { status: 200, body: { events_received: 1 } });
});
after(() => closeAll(signal, sim));

/** A browser call; its Set-Cookie headers. */
async function browserCall(key: string, call: Record<string, unknown>, cookies = ''): Promise<string[]> {
  const res = await fetch(`${signal.collectUrl}/v1/${String(call.type)}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: 'https://shop.example.com', cookie: `_dfdid=df_clickvisitor1${cookies}` },
    body: JSON.stringify({ writeKey: key, timestamp: new Date().toISOString(), ...call }),
  });
  assert.equal(res.status, 200, await res.text());
  return res.headers.getSetCookie();
}

const fbcOf = (messageId: string) => waitUntil(async () => {
  for (const request of sim.requests({ path: META_PATH })) {
    const event = (request.json as { data: Array<{ event_id: string; user_data: { fbc?: string } }> }).data.find((e) => e.event_id === messageId);
    if (event) return { fbc: event.user_data.fbc };
  }
  return undefined;
}, messageId);

test('a landing URL\'s fbclid: kept in _fbc by the server for 90 days, on the landing event and on the purchase days later', async () => {
  const { site } = await installOnNewPipeline(signal, 'meta_capi', 'Meta clicks', { config: { pixel_id: '1234567890', access_token: 'token-0123456789' }, consentCategories: ['advertising'] });
  const before = Date.now();
  const cookies = await browserCall(site.key, {
    type: 'page', messageId: 'click-landing-1', context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/shoes?utm_source=fb&fbclid=IwAR2F4-dbP0l7Mn1' } },
  });
  const fbc = cookies.find((c) => c.startsWith('_fbc='));
  assert.ok(fbc, `a _fbc cookie among ${JSON.stringify(cookies)}`);
  const match = /^_fbc=fb\.1\.(\d+)\.IwAR2F4-dbP0l7Mn1; Max-Age=7776000; Path=\/; SameSite=Lax$/.exec(fbc);
  assert.ok(match, `${fbc}: not HttpOnly (the Meta Pixel reads it too), 90 days`);
  assert.ok(Number(match[1]) >= before && Number(match[1]) <= Date.now(), 'created now, in ms');
  const value = fbc.split(';')[0]!.slice('_fbc='.length);
  assert.deepEqual(await fbcOf('click-landing-1'), { fbc: value }, 'the landing event carries it');

  // Days later: the purchase's page has no fbclid; the browser sends the cookie.
  const later = await browserCall(site.key, { type: 'track', event: 'Order Completed', messageId: 'click-purchase-1', properties: { total: 10, currency: 'EUR' }, context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/thanks' } } }, `; _fbc=${value}`);
  assert.deepEqual(later.filter((c) => c.startsWith('_fbc=')), []);
  assert.deepEqual(await fbcOf('click-purchase-1'), { fbc: value });

  // The same click again (a reload): the cookie stays as it is, creation time included.
  assert.deepEqual((await browserCall(site.key, { type: 'page', context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/shoes?fbclid=IwAR2F4-dbP0l7Mn1' } } }, `; _fbc=${value}`)).filter((c) => c.startsWith('_fbc=')), []);
  // A new click replaces it.
  const next = await browserCall(site.key, { type: 'page', context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/?fbclid=IwAR-second-click' } } }, `; _fbc=${value}`);
  assert.match(next.find((c) => c.startsWith('_fbc=')) ?? '', /^_fbc=fb\.1\.\d+\.IwAR-second-click;/);
});

test('no cookie without the visitor\'s consent, on a pipeline without the vendor, or for a server\'s call', async () => {
  const { site } = await installOnNewPipeline(signal, 'meta_capi', 'Meta no consent', { config: { pixel_id: '1234567890', access_token: 'token-0123456789' }, consentCategories: ['advertising'] });
  const url = 'https://shop.example.com/?fbclid=IwAR-refused';
  assert.deepEqual((await browserCall(site.key, { type: 'page', context: { consent: { advertising: false }, page: { url } } })).filter((c) => c.startsWith('_fbc=')), []);
  assert.deepEqual((await browserCall(site.key, { type: 'page', context: { page: { url } } })).filter((c) => c.startsWith('_fbc=')), [], 'consent absent is not consent');

  const other = await signal.pipeline('No Meta here');
  assert.deepEqual((await browserCall(other.key, { type: 'page', context: { consent: { advertising: true }, page: { url } } })).filter((c) => c.startsWith('_fbc=')), []);

  const server = await fetch(`${signal.collectUrl}/v1/page`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
    body: JSON.stringify({ userId: 'u-1', context: { consent: { advertising: true }, page: { url } } }),
  });
  assert.equal(server.status, 200);
  assert.deepEqual(server.headers.getSetCookie(), [], 'a server SDK gets no cookies');
});
