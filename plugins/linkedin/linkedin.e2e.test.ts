// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for both LinkedIn origins — www.linkedin.com's OAuth token
// endpoint and api.linkedin.com's Conversions API — through the core's access tokens: the
// refresh token exchanged once and the token shared, a 401 renewing it once and sending again,
// a second 401 and a refused refresh token dead-lettered saying what to do; a pasted access
// token; LinkedIn's per-element refusals, rate limit, and a preview that asks no one.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { exchangeOutcomes, installOnNewPipeline, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const TOKEN_PATH = '/oauth/v2/accessToken';
const API_PATH = '/rest/conversionEvents';
const CLIENT_ID = '86c6ydq9ab1xyz';
const CLIENT_SECRET = 'linkedin-app-secret-e2e';
const REFRESH_TOKEN = 'AQW-refresh-token-e2e';
const BAD_REFRESH_TOKEN = 'AQW-revoked-refresh-token-e2e';
const PASTED_TOKEN = 'AQV-pasted-access-token-e2e';
const RULES = { 'Order Completed': '104012', 'Signed Up': '104013', 'page:Pricing': '104014' };
const VISITOR_IP = '203.0.113.42';
const FAT_ID = 'AQEYs3N0ZmF0aWQtY29va2ll';

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;
/** Access tokens the token endpoint issued, in order; the simulated API refuses those in `revoked`. */
const issued: string[] = [];
const revoked = new Set<string>();

// any: the vendor's JSON, read field by field in assertions.
type Element = Record<string, any>;
const apiRequests = (): RecordedRequest[] => sim.requests({ path: API_PATH });
const tokenRequests = (): RecordedRequest[] => sim.requests({ path: TOKEN_PATH });
const withEvent = (eventId: string) => apiRequests().filter((r) => ((r.json as { elements?: Element[] }).elements ?? []).some((e) => e.eventId === eventId));
const elementOf = (request: RecordedRequest, eventId: string) => (request.json as { elements: Element[] }).elements.find((e) => e.eventId === eventId)!;
const sentOnce = (eventId: string) => waitUntil(async () => withEvent(eventId)[0], `${eventId} sent to LinkedIn`);
const now = () => new Date().toISOString();
const bearer = (request: RecordedRequest) => (request.headers.authorization ?? '').replace(/^Bearer /, '');

const visitor: Visitor = { id: 'df_li0visitor', ip: VISITOR_IP, userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4)' };
/** A browser call as the site's SDK sends it, with the Insight Tag's cookie and advertising consent. */
const browser = (call: Record<string, unknown>, key = site.key, cookies = `li_fat_id=${FAT_ID}`) =>
  sendBrowserCall(signal, key, call, { ...visitor, cookies }, { timestamp: now(), context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/thanks' } } });

/** Several events in one collect request (so one delivery request carries them). */
const batch = (events: Array<Record<string, unknown>>) => sendServerBatch(signal, site.key, events, { event: 'Order Completed', anonymousId: visitor.id, timestamp: now(), context: { consent: { advertising: true } } }, { 'x-forwarded-for': VISITOR_IP });

const install = (name: string, config: Record<string, unknown>, variant = 'retail') => installOnNewPipeline(signal, 'linkedin', name, { config: { conversion_rules: RULES, ...config }, variant, consentCategories: ['advertising'] });

before(async () => {
  sim = await startVendorSim();
  // LinkedIn's token endpoint: a new access token for the refresh token, 60 days; the revoked one refused.
  sim.setDefault('POST', TOKEN_PATH, (request) => {
    const form = new URLSearchParams(request.body);
    if (form.get('refresh_token') !== REFRESH_TOKEN) return { status: 400, body: { error: 'invalid_request', error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked' } };
    const token = `AQX-access-token-${issued.length + 1}`;
    issued.push(token);
    return { status: 200, body: { access_token: token, expires_in: 5_184_000, refresh_token: REFRESH_TOKEN, refresh_token_expires_in: 31_000_000 } };
  });
  // The Conversions API: each element created, unless the token is unknown or revoked.
  sim.setDefault('POST', API_PATH, (request) => {
    const token = bearer(request);
    if ((!issued.includes(token) && token !== PASTED_TOKEN) || revoked.has(token)) {
      return { status: 401, body: { status: 401, serviceErrorCode: 65601, code: 'REVOKED_ACCESS_TOKEN', message: 'The token used in the request has been revoked by the user' } };
    }
    const count = ((request.json as { elements?: unknown[] }).elements ?? []).length;
    return { status: 200, body: { elements: Array.from({ length: count }, () => ({ status: 201 })) } };
  });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://www.linkedin.com=${sim.url},https://api.linkedin.com=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1',
  }, { label: 'linkedin', vendors: ['linkedin'] });
  ({ site, integrationId } = await install('LinkedIn CAPI', { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: REFRESH_TOKEN, default_currency: 'USD' }));
});
after(() => closeAll(signal, sim));

describe('LinkedIn Conversions API', () => {
  test('an order from the browser: the refresh token exchanged once, the documented BATCH_CREATE request with the access token', async () => {
    const timestamp = now();
    await browser({
      type: 'track', event: 'Order Completed', messageId: 'li-order-1', timestamp,
      properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'eur' },
      context: { traits: { email: ' Jane.Doe@Example.com ', firstName: 'Jane', lastName: 'Doe', company: { name: 'Acme' }, title: 'CTO', address: { country: 'Germany' } } },
    });
    const request = await sentOnce('li-order-1');
    assert.equal(tokenRequests().length, 1, 'one token request');
    const form = Object.fromEntries(new URLSearchParams(tokenRequests()[0]!.body));
    assert.deepEqual(form, { grant_type: 'refresh_token', refresh_token: REFRESH_TOKEN, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    assert.equal(tokenRequests()[0]!.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(request.headers.authorization, `Bearer ${issued[0]}`);
    assert.deepEqual([request.headers['linkedin-version'], request.headers['x-restli-protocol-version'], request.headers['x-restli-method']], ['202603', '2.0.0', 'BATCH_CREATE']);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(request.json as object), ['elements']);
    assert.deepEqual(elementOf(request, 'li-order-1'), {
      conversion: 'urn:lla:llaPartnerConversion:104012', conversionHappenedAt: Date.parse(timestamp), conversionValue: { currencyCode: 'EUR', amount: '74.97' }, eventId: 'li-order-1',
      user: {
        userIds: [{ idType: 'SHA256_EMAIL', idValue: sha256('jane.doe@example.com') }, { idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: FAT_ID }],
        userInfo: { firstName: 'Jane', lastName: 'Doe', companyName: 'Acme', title: 'CTO', countryCode: 'DE' },
      },
    });
    assert.equal(JSON.stringify(request.json).includes('jane.doe@'), false, 'the email leaves hashed only');
    // The token is reused: a second conversion asks no new one.
    await browser({ type: 'page', name: 'Pricing', messageId: 'li-page-1', properties: { email: 'jane@example.com' } });
    assert.equal(elementOf(await sentOnce('li-page-1'), 'li-page-1').conversion, 'urn:lla:llaPartnerConversion:104014');
    await browser({ type: 'track', event: 'Newsletter Opened', messageId: 'li-other-1', properties: { email: 'jane@example.com' } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(withEvent('li-other-1').length, 0, 'an event no rule names is not sent');
    assert.equal(tokenRequests().length, 1, 'the token is kept and reused');
    // Admins see when the token was obtained and expires, and when the refresh token ends — never the token.
    const { body } = await signal.graphql<{ integrations: Array<{ revisions: Array<{ accessToken: { obtainedAt: string; expiresAt: string; credentialExpiresAt: string | null; warning: string | null } | null }> }> }>(
      'query($p: ID) { integrations(pipelineId: $p) { revisions { accessToken { obtainedAt expiresAt credentialExpiresAt warning } } } }', { p: site.id });
    const status = body.data!.integrations[0]!.revisions[0]!.accessToken!;
    assert.equal(Date.parse(status.expiresAt) - Date.parse(status.obtainedAt), 5_184_000_000);
    assert.equal(Date.parse(status.credentialExpiresAt!) - Date.parse(status.obtainedAt), 31_000_000_000, 'refresh_token_expires_in');
    assert.equal(status.warning, null, 'the refresh token has most of a year left');
    assert.doesNotMatch(JSON.stringify(body), /AQX-access-token/);
    // The same date as a gauge to alert on.
    const metrics = await (await fetch(`${signal.adminUrl}/metrics`, { headers: { authorization: `Bearer ${signal.adminToken}` } })).text();
    const gauge = new RegExp(`^signal_integration_credential_expires_seconds\\{integration="${integrationId}"[^}]*\\} (\\d+)$`, 'm').exec(metrics);
    assert.ok(gauge, 'the credential gauge for the integration');
    assert.ok(Math.abs(Number(gauge[1]) - (Date.parse(status.credentialExpiresAt!) - Date.now()) / 1000) < 120, `${gauge[1]} s left`);
  });

  test('a 401 renews the token once and sends again: the conversion is delivered with the new token', async () => {
    await sentOnce('li-order-1');
    const before = tokenRequests().length;
    const old = issued.at(-1)!;
    revoked.add(old);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'li-renew-1', properties: { total: 3, currency: 'USD', email: 'new@example.com' } });
    const tries = await waitUntil(async () => withEvent('li-renew-1').length >= 2 && withEvent('li-renew-1'), 'the request sent again after the renewal');
    assert.deepEqual(tries.map(bearer), [old, issued.at(-1)], 'first with the refused token, then with the new one');
    assert.notEqual(issued.at(-1), old);
    assert.equal(tokenRequests().length, before + 1, 'one renewal');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(withEvent('li-renew-1').length, 2, 'sent no more');
    assert.equal((await signal.delivery.list(integrationId, { messageId: 'li-renew-1' }, 5)).total, 0, 'delivered, not dead-lettered');
  });

  test('a second 401 after the renewal is the classifier\'s: dead-lettered at once, saying how to authorise Signal again', async () => {
    const refusal = { status: 401, body: { status: 401, serviceErrorCode: 65601, code: 'REVOKED_ACCESS_TOKEN', message: 'The token used in the request has been revoked by the user' } };
    sim.script('POST', API_PATH, [refusal, refusal]);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'li-revoked-1', properties: { total: 4, currency: 'USD', email: 'x@example.com' } });
    const dead = await waitForDeadLetter(signal, integrationId, 'li-revoked-1');
    assert.equal(withEvent('li-revoked-1').length, 2, 'sent twice: before and after the renewal');
    assert.match(dead.reason ?? '', /^LinkedIn refused the access token \(HTTP 401, REVOKED_ACCESS_TOKEN \(serviceErrorCode 65601\): The token used in the request has been revoked by the user\): Signal renewed the access token with the refresh token and LinkedIn refused the new one too/);
    const text = JSON.stringify(dead);
    for (const secret of [...issued, REFRESH_TOKEN, CLIENT_SECRET]) assert.equal(text.includes(secret), false, 'no token or secret in a dead letter');
  });

  test('a refresh token LinkedIn refuses dead-letters the conversions with what to do; nothing reaches the API', async () => {
    const refused = await install('LinkedIn refused', { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: BAD_REFRESH_TOKEN });
    await browser({ type: 'track', event: 'Order Completed', messageId: 'li-badgrant-1', properties: { total: 5, currency: 'USD', email: 'a@example.com' } }, refused.site.key);
    const dead = await waitForDeadLetter(signal, refused.integrationId, 'li-badgrant-1');
    assert.match(dead.reason ?? '', /LinkedIn refused the refresh token \(HTTP 400, invalid_request: The provided authorization grant or refresh token is invalid, expired or revoked\)\. LinkedIn refresh tokens last 365 days/);
    assert.equal(withEvent('li-badgrant-1').length, 0);
    assert.equal(JSON.stringify(dead).includes(BAD_REFRESH_TOKEN), false, 'the refresh token is in no dead letter');
  });

  test('a pasted access token is sent as it is, without an exchange', async () => {
    const pasted = await install('LinkedIn pasted', { access_token: PASTED_TOKEN }, 'default');
    const before = tokenRequests().length;
    await browser({ type: 'track', event: 'Signed Up', messageId: 'li-pasted-1', properties: { value: 25, currency: 'gbp', email: 'p@example.com' } }, pasted.site.key);
    const request = await sentOnce('li-pasted-1');
    assert.equal(request.headers.authorization, `Bearer ${PASTED_TOKEN}`);
    assert.deepEqual(elementOf(request, 'li-pasted-1').conversionValue, { currencyCode: 'GBP', amount: '25' });
    assert.equal(tokenRequests().length, before, 'no token request');
  });

  test('LinkedIn refusing one element of a batch: that one dead-lettered with its words, the other sent again and delivered', async () => {
    let refusedOnce = false;
    const defaultAnswer = (request: RecordedRequest) => {
      const elements = (request.json as { elements?: Element[] }).elements ?? [];
      const bad = elements.findIndex((e) => e.eventId === 'li-split-b');
      if (bad >= 0) {
        refusedOnce = true;
        return { status: 422, body: { status: 422, message: `Index: ${bad}, ERROR :: /user/userInfo/lastName :: field is required but not found and has no default value\n` } };
      }
      return { status: 200, body: { elements: elements.map(() => ({ status: 201 })) } };
    };
    sim.setDefault('POST', API_PATH, defaultAnswer);
    await batch([{ messageId: 'li-split-a', properties: { total: 1, email: 'a@example.com' } }, { messageId: 'li-split-b', properties: { total: 2, email: 'b@example.com' } }]);
    const dead = await waitForDeadLetter(signal, integrationId, 'li-split-b');
    assert.ok(refusedOnce);
    assert.equal(dead.reason, 'LinkedIn refused the event (HTTP 422): /user/userInfo/lastName :: field is required but not found and has no default value');
    await waitUntil(async () => withEvent('li-split-a').length >= 2 || undefined, 'the other sent again');
    assert.equal((withEvent('li-split-a').at(-1)!.json as { elements: Element[] }).elements.length, 1, 'without the refused one');
    await waitUntil(async () => (await signal.delivery.list(integrationId, { messageId: 'li-split-a' }, 5)).total === 0 || undefined, 'the other delivered');
    assert.deepEqual(await exchangeOutcomes(signal, site.id, integrationId, 'li-split-a'), ['partial: 0 delivered, 0 retry, 1 dead_letter, 1 sent again', 'delivered'], 'sent again at once, in the same delivery');
  });

  test('a 429 is LinkedIn\'s rate limit: the conversion is sent again after the wait and delivered once', async () => {
    sim.script('POST', API_PATH, [{ status: 429, body: { status: 429, message: 'Resource level throttle limit for calls to this resource is reached.' } }]);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'li-429', properties: { total: 5, currency: 'USD', email: 'r@example.com' } });
    const tries = await waitUntil(async () => withEvent('li-429').length >= 2 && withEvent('li-429'), 'the try after the rate limit');
    assert.ok(tries[1]!.receivedAt - tries[0]!.receivedAt >= 500, 'a minute without Retry-After (× 0.01)');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(withEvent('li-429').length, 2);
    assert.equal((await signal.delivery.list(integrationId, { messageId: 'li-429' }, 5)).total, 0);
  });

  test('a preview shows the exact request with [access token], asking neither LinkedIn origin', async () => {
    const [apiBefore, tokensBefore] = [apiRequests().length, tokenRequests().length];
    // An order of today: LinkedIn takes conversions up to 90 days old.
    const events = [{
      type: 'track', event: 'Order Completed', messageId: 'li-preview-1', anonymousId: visitor.id, timestamp: now(), receivedAt: now(),
      properties: { order_id: 'ORD-P', total: 12, currency: 'USD', email: 'p@example.com' }, context: { ip: VISITOR_IP, page: { url: 'https://shop.example.com/thanks' } },
    }];
    const preview = await signal.graphql<{ previewIntegration: { results: Array<{ messageId: string; errors: string[]; requests: Array<{ url: string; headers: Record<string, string>; body: { elements: Element[] } }> }> } }>(
      'query($target: PreviewTarget!, $events: [JSON!]) { previewIntegration(target: $target, events: $events) { results { messageId errors requests } } }',
      { target: { vendor: 'linkedin', variant: 'retail', pipelineId: site.id, config: { conversion_rules: RULES, client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: REFRESH_TOKEN } }, events },
    );
    assert.equal(preview.status, 200, JSON.stringify(preview.body.errors));
    const order = preview.body.data!.previewIntegration.results.find((r) => r.messageId === 'li-preview-1')!;
    assert.deepEqual(order.errors, []);
    const [request] = order.requests;
    assert.equal(request!.url, 'https://api.linkedin.com/rest/conversionEvents');
    // Previews show [access token] where the token goes, and mask the authorization header as a secret besides.
    assert.match(request!.headers.authorization ?? '', /^Bearer \[(access token|REDACTED)\]$/);
    assert.deepEqual([request!.body.elements[0]!.conversion, request!.body.elements[0]!.conversionValue], ['urn:lla:llaPartnerConversion:104012', { currencyCode: 'USD', amount: '12' }]);
    assert.deepEqual([apiRequests().length, tokenRequests().length], [apiBefore, tokensBefore], 'nothing asked');
  });
});
