import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { PermanentError, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { adobeTokenRequest } from './access-token.ts';
import { classifyAdobeEdge } from './classify.ts';
import { validateAdobeEdgeConfig } from './config.ts';
import { toExperienceEvent } from './experience-event.ts';
import { requestsFor } from './requests.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const ECID = '12345678901234567890123456789012345678';
const FPID = '0f8d2c1e-7b4a-4c3e-9d2f-1a2b3c4d5e6f';
const CONFIG = { datastream_id: 'ds-1', user_id_namespace: 'CRMID' };
const ctx = (config: Record<string, JsonValue> = CONFIG, warnings: string[] = [], accessToken?: string): PluginContext => ({
  config, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (message) => warnings.push(message), ...(accessToken ? { accessToken } : {}),
});
const answer = (status: number, body = '', headers: Record<string, string> = {}): VendorResponse => {
  let json: JsonValue | undefined;
  try { json = JSON.parse(body) as JsonValue; } catch { json = undefined; }
  return { status, body, headers, ...(json !== undefined ? { json } : {}) };
};
const request = (eventIds: string[]): RequestDescriptor => ({ method: 'POST', url: 'https://edge.adobedc.net/ee/v2/collect', eventIds });
const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'user-7', anonymousId: FPID, timestamp: '2026-12-01T11:00:00.000Z', receivedAt: '2026-12-01T11:00:00.100Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'usd', plan: 'pro', products: [{ product_id: 'SKU-1', name: 'Shoes', price: 24.99, quantity: 3 }] },
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' }, adobe: { ecid: ECID }, consent: { analytics: true, advertising: false } },
  ...overrides,
} as CanonicalEvent);
const blueprint = compileBlueprint(readFileSync(new URL('../../blueprints/adobe_edge/default.yaml', import.meta.url), 'utf8'));
const mapThrough = (e: CanonicalEvent, config: Record<string, JsonValue> = CONFIG, warnings: string[] = []) => {
  const mapped = blueprint.mapEvent(e);
  assert.deepEqual(mapped.errors, []);
  return mapped.vendorEvent === null ? null : toExperienceEvent(mapped.vendorEvent as JsonObject, e, ctx(config, warnings));
};

test('an order is commerce.purchases with its order, products, identities, environment and consents', () => {
  assert.deepEqual(mapThrough(event(), { ...CONFIG, analytics_variables: { eVar1: 'properties.plan' } }), {
    xdm: {
      eventType: 'commerce.purchases', _id: 'm-1', timestamp: '2026-12-01T11:00:00.000Z',
      identityMap: {
        ECID: [{ id: ECID, authenticatedState: 'ambiguous', primary: true }],
        FPID: [{ id: FPID, authenticatedState: 'ambiguous', primary: false }],
        CRMID: [{ id: 'user-7', authenticatedState: 'authenticated', primary: false }],
      },
      web: { webPageDetails: { URL: 'https://shop.example.com/thanks' } },
      commerce: { purchases: { value: 1 }, order: { purchaseID: 'ORD-1', priceTotal: 74.97, currencyCode: 'USD' } },
      productListItems: [{ SKU: 'SKU-1', name: 'Shoes', quantity: 3, priceTotal: 24.99 }],
      environment: { browserDetails: { userAgent: 'Mozilla/5.0' }, ipV4: '203.0.113.42' },
      consents: { collect: { val: 'y' }, adID: { val: 'n' }, metadata: { time: '2026-12-01T11:00:00.000Z' } },
    },
    data: { __adobe: { analytics: { eVar1: 'pro' } } },
  });
});

test('a page view has webPageDetails with pageViews; an IPv6 goes to ipV6; the userId is primary when configured', () => {
  const page = event({ type: 'page', event: undefined, name: 'Home', properties: {}, context: { ip: '2001:db8::1', page: { url: 'https://shop.example.com/' } } } as Partial<CanonicalEvent>);
  const out = mapThrough(page, { ...CONFIG, primary_identity: 'user' }) as { xdm: Record<string, JsonValue> };
  assert.equal(out.xdm.eventType, 'web.webpagedetails.pageViews');
  assert.deepEqual(out.xdm.web, { webPageDetails: { URL: 'https://shop.example.com/', name: 'Home', pageViews: { value: 1 } } });
  assert.deepEqual(out.xdm.environment, { ipV6: '2001:db8::1' });
  assert.deepEqual(out.xdm.identityMap, { FPID: [{ id: FPID, authenticatedState: 'ambiguous', primary: false }], CRMID: [{ id: 'user-7', authenticatedState: 'authenticated', primary: true }] });
});

test('config.event_types names the eventType; identify is not sent; an event with no usable identity is refused naming the fields', () => {
  const demo = mapThrough(event({ event: 'Demo Requested', properties: {} }), { ...CONFIG, event_types: { 'Demo Requested': 'leadOperation.newLead' } }) as { xdm: Record<string, JsonValue> };
  assert.equal(demo.xdm.eventType, 'leadOperation.newLead');
  assert.equal(mapThrough(event({ type: 'identify', event: undefined, traits: { email: 'a@b.c' } } as Partial<CanonicalEvent>)), null);
  const warnings: string[] = [];
  assert.throws(() => mapThrough(event({ userId: undefined, anonymousId: 'df_not_a_uuid', context: {} } as Partial<CanonicalEvent>), CONFIG, warnings), (error: unknown) => error instanceof PermanentError && /config\.anonymous_id_namespace/.test(error.message));
  assert.match(warnings.join('\n'), /FPID namespace takes UUIDv4 ids only/);
});

test('requests: unauthenticated to edge.adobedc.net; authenticated to server.adobedc.net with the token, API key and org; location hint in the path', () => {
  const mapped = [{ id: 'm-1', event: event(), payload: { xdm: { eventType: 'x' } } }];
  const [open] = requestsFor(mapped, ctx({ datastream_id: 'ds-1' }));
  assert.equal(open!.url, 'https://edge.adobedc.net/ee/v2/collect');
  assert.deepEqual(open!.query, [['datastreamId', 'ds-1']]);
  assert.equal(open!.headers?.authorization, undefined);
  assert.deepEqual(open!.body, { events: [{ xdm: { eventType: 'x' } }] });
  const authed = { datastream_id: 'ds-1', client_id: 'cid', client_secret: 'sec', org_id: '53A16ACB5CC1D3760A495C99@AdobeOrg', location_hint: 'irl1' };
  const [signed] = requestsFor(mapped, ctx(authed, [], 'tok'));
  assert.equal(signed!.url, 'https://server.adobedc.net/ee/irl1/v2/collect');
  assert.equal(signed!.headers?.authorization, 'Bearer tok');
  assert.equal(signed!.headers?.['x-api-key'], 'cid');
  assert.equal(signed!.headers?.['x-gw-ims-org-id'], '53A16ACB5CC1D3760A495C99@AdobeOrg');
  assert.throws(() => requestsFor(mapped, ctx(authed)), PermanentError);
  const token = adobeTokenRequest(ctx(authed));
  assert.equal(token.url, 'https://ims-na1.adobelogin.com/ims/token/v3');
  assert.match(String(token.body), /grant_type=client_credentials/);
  assert.match(String(token.body), /client_id=cid/);
});

test('config problems name their fields', () => {
  const fields = validateAdobeEdgeConfig({ datastream_id: 'd', client_id: 'c', analytics_variables: { evar1: 'properties.x' } }).map((p) => p.field);
  assert.deepEqual(fields.sort(), ['analytics_variables', 'client_secret', 'org_id']);
  assert.deepEqual(validateAdobeEdgeConfig({ datastream_id: 'd' }), []);
});

test('answers: 202 delivered; 429 and 503 retried; a 400 of several sent again in halves, of one dead-lettered; config errors name the field; 401 names what to fix', () => {
  assert.deepEqual(classifyAdobeEdge(answer(202, '{"requestId":"r"}'), request(['a'])), { status: 'delivered' });
  const throttled = classifyAdobeEdge(answer(429, '', { 'retry-after': '5' }), request(['a'])) as { status: string; retryAfterMs?: number };
  assert.equal(throttled.status, 'retry');
  assert.equal(throttled.retryAfterMs, 5000);
  assert.equal((classifyAdobeEdge(answer(503, '{}'), request(['a'])) as { status: string }).status, 'retry');
  // Adobe's documented 0306 problem names no event: a request of several goes again in halves.
  const primary = JSON.stringify({ type: 'https://ns.adobe.com/aep/errors/EXEG-0306-400', status: 400, title: 'No primary identity set in request (event)', detail: 'No primary identity found in the input event. Update the request accordingly to your schema and try again.' });
  const halves = classifyAdobeEdge(answer(400, primary), request(['a', 'b'])) as { status: string; reason: string };
  assert.equal(halves.status, 'split');
  assert.match(halves.reason, /EXEG-0306-400 No primary identity set in request \(event\)/);
  // A 400 without Adobe's problem (not the Edge Network's answer) refuses the request whole.
  assert.equal((classifyAdobeEdge(answer(400, '{"error":"bad"}'), request(['a', 'b'])) as { status: string }).status, 'dead_letter');
  const alone = classifyAdobeEdge(answer(400, primary), request(['b'])) as { status: string; reason: string };
  assert.equal(alone.status, 'dead_letter');
  assert.match(alone.reason, /^Adobe refused the event \(HTTP 400: EXEG-0306-400/);
  const namespace = classifyAdobeEdge(answer(422, JSON.stringify({ type: 'https://ns.adobe.com/aep/errors/EXEG-0013-422', status: 422, title: 'The referenced identity namespace code CRMID cannot be resolved' })), request(['a', 'b'])) as { status: string; reason: string };
  assert.equal(namespace.status, 'dead_letter');
  assert.match(namespace.reason, /config\.user_id_namespace/);
  const auth = classifyAdobeEdge(answer(401, JSON.stringify({ type: 'https://ns.adobe.com/aep/errors/EXEG-0506-401', status: 401, title: 'Missing sandbox write permissions' })), request(['a'])) as { status: string; reason: string };
  assert.match(auth.reason, /^Adobe refused the authorization \(HTTP 401: EXEG-0506-401 Missing sandbox write permissions\): .*sandbox/);
  const consent = classifyAdobeEdge(answer(200, JSON.stringify({ requestId: 'r', warnings: [{ type: 'https://ns.adobe.com/aep/errors/EXEG-0301-200', status: 200, title: 'User consent missing' }] })), request(['a'])) as { status: string };
  assert.equal(consent.status, 'declined');
  assert.equal((classifyAdobeEdge(answer(413, '{}'), request(['a', 'b'])) as { status: string }).status, 'split');
});

test('Adobe\'s own 500 is not retried (Adobe: the events may have gone upstream, a retry could count them twice); 502, 503, 504 are', () => {
  const failed = classifyAdobeEdge(answer(500, JSON.stringify({ type: 'https://ns.adobe.com/aep/errors/EXEG-0000-500', status: 500, title: 'Unexpected error' })), request(['a', 'b'])) as { status: string; reason: string };
  assert.equal(failed.status, 'dead_letter');
  assert.match(failed.reason, /HTTP 500: EXEG-0000-500 Unexpected error.*replay/);
  // A 500 without Adobe's problem (a proxy's, before the Edge Network) is retried.
  assert.equal((classifyAdobeEdge(answer(500, '<html>Internal Server Error</html>'), request(['a'])) as { status: string }).status, 'retry');
  for (const status of [502, 503, 504]) assert.equal((classifyAdobeEdge(answer(status, '{}'), request(['a'])) as { status: string }).status, 'retry', `HTTP ${status}`);
  // A 207 (an upstream's non-fatal error) was taken: sending it again would count it twice where it arrived.
  const upstream = JSON.stringify({ requestId: 'r', handle: [], errors: [{ type: 'https://ns.adobe.com/aep/errors/EXEG-0201-503', status: 503, title: 'The service is temporarily unable to serve this request.' }] });
  assert.deepEqual(classifyAdobeEdge(answer(207, upstream), request(['a'])), { status: 'delivered' });
});

test('Analytics variables: those of Adobe\'s data object mapping only (no state, hier1–5, which the Edge Network does not map)', () => {
  assert.deepEqual(validateAdobeEdgeConfig({ datastream_id: 'd', analytics_variables: { eVar250: 'properties.a', prop75: 'properties.b', pageType: 'properties.c', referrer: 'context.page.referrer' } }), []);
  for (const name of ['state', 'hier1', 'eVar251', 'prop76']) {
    const problems = validateAdobeEdgeConfig({ datastream_id: 'd', analytics_variables: { [name]: 'properties.x' } });
    assert.equal(problems.length, 1, name);
    assert.equal(problems[0]!.field, 'analytics_variables');
    assert.match(problems[0]!.message, new RegExp(`names "${name}"`));
  }
});
