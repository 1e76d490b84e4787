// Signal's first-party cookies as a real browser keeps them: Signal answering on a subdomain of
// the shop (collect.shop.test, the page on www.shop.test; Chromium resolves both to this machine),
// with SIGNAL_COOKIE_DOMAIN=shop.test. Checks what the README promises and what it warns about:
// the click-id cookie is readable by the page's own scripts (a vendor tag), the visitor cookie is
// not, the next event carries both — and an SDK that sends without credentials (Segment's
// analytics.js) gets no cookie at all on another origin.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CHROMIUM, CHROMIUM_FLAGS, runChromium } from './helpers/chromium.ts';
import { startTestSignal, type TestSignal } from './helpers/signal.ts';
import { installOnNewPipeline } from './helpers/vendor-e2e.ts';
import { startVendorSim, type VendorSim } from './vendor-sim/vendor-sim.ts';
import { waitUntil } from './helpers/wait.ts';
import { closeAll } from './helpers/close-all.ts';

const META_PATH = '/v25.0/1234567890/events';
let sim: VendorSim;
let signal: TestSignal;
let site: Server;
let sitePort = 0;
/** The page each test serves at http://www.shop.test:<port>/ (set before Chromium loads it). */
let page = '';

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', META_PATH, { status: 200, body: { events_received: 1 } });
  signal = await startTestSignal({ SIGNAL_COOKIE_DOMAIN: 'shop.test', SIGNAL_VENDOR_REDIRECTS: `https://graph.facebook.com=${sim.url}` }, { label: 'browsercookies', vendors: ['meta_capi'] });
  site = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  sitePort = (site.address() as AddressInfo).port;
});
after(async () => {
  await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
  await closeAll(signal, sim);
});

/** A page whose script sends the events (the first from the landing URL) with `fetch` as `credentials` says, then shows what it can read. */
function pageSending(key: string, credentials: 'include' | 'same-origin', messageIds: string[], collectUrl = signal.collectUrl): string {
  const collect = `http://collect.shop.test:${new URL(collectUrl).port}`;
  const script = `
    (async () => {
      const answers = [];
      // The landing page carries the click id; the next event is on a page without it.
      for (const [i, messageId] of ${JSON.stringify(messageIds)}.entries()) {
        const url = i === 0 ? location.href : location.origin + '/thanks';
        const response = await fetch(${JSON.stringify(collect)} + '/v1/page', {
          method: 'POST', credentials: ${JSON.stringify(credentials)}, headers: { 'content-type': 'text/plain' },
          body: JSON.stringify({ writeKey: ${JSON.stringify(key)}, messageId, context: { consent: { advertising: true }, page: { url } } }),
        });
        answers.push(response.status);
      }
      document.getElementById('out').textContent = JSON.stringify({ answers, cookie: document.cookie });
    })().catch((error) => { document.getElementById('out').textContent = JSON.stringify({ error: String(error) }); });`;
  return `<!doctype html><html><body><pre id="out">pending</pre><script>${script}</script></body></html>`;
}

/** Loads the page in Chromium (shop.test names resolve here) and returns what its script showed. */
async function visit(url: string): Promise<{ answers?: number[]; cookie?: string; error?: string }> {
  const profile = await mkdtemp(path.join(tmpdir(), 'signal-browser-cookies-'));
  try {
    const dom = await runChromium([...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, '--host-resolver-rules=MAP *.shop.test 127.0.0.1', '--virtual-time-budget=15000', '--dump-dom', url], 60_000);
    const shown = /<pre id="out">([^<]*)<\/pre>/.exec(dom)?.[1] ?? '';
    assert.notEqual(shown, 'pending', `the page's script finished: ${dom.slice(0, 300)}`);
    return JSON.parse(shown.replaceAll('&quot;', '"').replaceAll('&amp;', '&')) as { answers?: number[]; cookie?: string; error?: string };
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** What Meta received for an event: its fbc and external_id (Signal's visitor id, hashed). */
const metaUserData = (messageId: string) => waitUntil(async () => {
  for (const request of sim.requests({ path: META_PATH })) {
    const event = (request.json as { data: Array<{ event_id: string; user_data: { fbc?: string; external_id?: string[] } }> }).data.find((e) => e.event_id === messageId);
    if (event) return event.user_data;
  }
  return undefined;
}, messageId);

test('on a subdomain with SIGNAL_COOKIE_DOMAIN: the page\'s scripts read the click id, not the visitor id, and the next event carries both', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`no Chromium at ${CHROMIUM}`);
    return;
  }
  const { site: pipeline } = await installOnNewPipeline(signal, 'meta_capi', 'Browser shop', { config: { pixel_id: '1234567890', access_token: 'token-0123456789' }, consentCategories: ['advertising'] });
  page = pageSending(pipeline.key, 'include', ['browser-landing', 'browser-next']);
  const shown = await visit(`http://www.shop.test:${sitePort}/shoes?fbclid=IwAR-browser-click`);
  assert.deepEqual(shown.answers, [200, 200], JSON.stringify(shown));
  const fbc = /(?:^|; )_fbc=([^;]+)/.exec(shown.cookie ?? '')?.[1];
  assert.match(fbc ?? '', /^fb\.1\.\d{13}\.IwAR-browser-click$/, `www.shop.test's scripts read _fbc, set by collect.shop.test for shop.test: ${shown.cookie}`);
  assert.doesNotMatch(shown.cookie ?? '', /_dfdid=/, 'the visitor cookie is HttpOnly');

  const landing = await metaUserData('browser-landing');
  const next = await metaUserData('browser-next');
  assert.equal(landing.fbc, fbc);
  assert.equal(next.fbc, fbc, 'the browser sent the cookie back with the next event');
  assert.ok(landing.external_id?.length, 'the visitor id reaches Meta');
  assert.deepEqual(next.external_id, landing.external_id, 'the same visitor: the browser sent _dfdid back');
});

test('an SDK that sends without credentials (as analytics.js does) keeps no cookie on another origin', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`no Chromium at ${CHROMIUM}`);
    return;
  }
  const { site: pipeline } = await installOnNewPipeline(signal, 'meta_capi', 'Browser shop, no credentials', { config: { pixel_id: '1234567890', access_token: 'token-0123456789' }, consentCategories: ['advertising'] });
  page = pageSending(pipeline.key, 'same-origin', ['plain-landing', 'plain-next']);
  const shown = await visit(`http://www.shop.test:${sitePort}/shoes?fbclid=IwAR-plain-click`);
  assert.deepEqual(shown.answers, [200, 200], JSON.stringify(shown));
  assert.equal(shown.cookie, '', 'the browser ignored the Set-Cookie of a request made without credentials');
  assert.match((await metaUserData('plain-landing')).fbc ?? '', /IwAR-plain-click$/, 'the landing event itself still carries the click id');
  assert.equal((await metaUserData('plain-next')).fbc, undefined, 'but the next event has none: no cookie came back');
});

test('without SIGNAL_COOKIE_DOMAIN the cookies stay with collect.shop.test: sent back to Signal, hidden from the page', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`no Chromium at ${CHROMIUM}`);
    return;
  }
  const hostOnly = await startTestSignal({ SIGNAL_VENDOR_REDIRECTS: `https://graph.facebook.com=${sim.url}` }, { label: 'browsercookieshost', vendors: ['meta_capi'] });
  try {
    const { site: pipeline } = await installOnNewPipeline(hostOnly, 'meta_capi', 'Browser shop, host-only', { config: { pixel_id: '1234567890', access_token: 'token-0123456789' }, consentCategories: ['advertising'] });
    page = pageSending(pipeline.key, 'include', ['host-landing', 'host-next'], hostOnly.collectUrl);
    const shown = await visit(`http://www.shop.test:${sitePort}/shoes?fbclid=IwAR-host-click`);
    assert.deepEqual(shown.answers, [200, 200], JSON.stringify(shown));
    assert.equal(shown.cookie, '', 'www.shop.test cannot read a host-only cookie of collect.shop.test');
    assert.match((await metaUserData('host-next')).fbc ?? '', /IwAR-host-click$/, 'the browser still sends it back to Signal');
  } finally {
    await hostOnly.close();
  }
});
