import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import plausible, {
  classifyPlausible, cutToBytes, eventUrlOf, plausibleConfigWarnings, propsFor, said, validatePlausibleConfig,
} from './index.ts';

const NOW = Date.parse('2024-03-24T16:00:00Z');
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const IP = '203.0.113.42';
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { domain: 'shop.example.com', ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_visitor', timestamp: '2024-03-24T15:59:00.000Z', receivedAt: '2024-03-24T15:59:00.100Z',
  context: { ip: IP, userAgent: UA, page: { url: 'https://shop.example.com/join?utm_source=news', path: '/join', title: 'Join', referrer: 'https://www.google.com/' } },
  ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/plausible/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does: the shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(plausible, { variant: 'default', blueprint }, ctx(config))(event);
const payloadOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? result.dropReason ?? 'dropped'} ${JSON.stringify(result.warnings)}`);
  return result.payload;
};
/** The warning an event was dropped with (asserting it was dropped). */
const droppedWith = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): string => {
  const result = mapped(event, config);
  assert.equal(result.payload, null, 'dropped');
  assert.equal(result.error, undefined, 'not an error');
  return (result.warnings ?? []).join(' | ');
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const requestOf = (payload: JsonObject, config: Record<string, JsonValue> = {}): RequestDescriptor => plausible.send([{ id: 'm-1', event: browserEvent(), payload } as MappedEvent], ctx(config))[0]!;
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');

test('a page call: a pageview with the full URL, the referrer, the domain, page properties as props; the visitor\'s IP and User-Agent beside the body', () => {
  const payload = payloadOf(browserEvent({ type: 'page', event: undefined, name: 'Join', properties: { author: 'Jane Doe', category: 'blog', url: 'https://ignored.example/', title: 'Join' } }));
  assert.deepEqual(payload, {
    name: 'pageview', url: 'https://shop.example.com/join?utm_source=news', domain: 'shop.example.com', referrer: 'https://www.google.com/',
    props: { author: 'Jane Doe', category: 'blog' }, ip: IP, user_agent: UA,
  });
  // A server's page call: Segment's page properties carry the URL.
  const server = payloadOf(browserEvent({ type: 'page', event: undefined, context: { ip: IP, userAgent: UA }, properties: { url: 'https://shop.example.com/a', referrer: 'https://ref.example/' } }));
  assert.equal(server.url, 'https://shop.example.com/a');
  assert.equal(server.referrer, 'https://ref.example/');
});

test('send: one POST to /api/event per event, the visitor\'s User-Agent and X-Forwarded-For as headers, the body without them', () => {
  const payload = payloadOf(browserEvent());
  const requests = plausible.send([{ id: 'a', event: browserEvent(), payload }, { id: 'b', event: browserEvent(), payload }], ctx());
  assert.deepEqual(requests, [
    { method: 'POST', url: 'https://plausible.io/api/event', headers: { 'content-type': 'application/json', 'user-agent': UA, 'x-forwarded-for': IP }, body: { name: 'Signed Up', url: 'https://shop.example.com/join?utm_source=news', domain: 'shop.example.com', referrer: 'https://www.google.com/' }, eventIds: ['a'] },
    { method: 'POST', url: 'https://plausible.io/api/event', headers: { 'content-type': 'application/json', 'user-agent': UA, 'x-forwarded-for': IP }, body: { name: 'Signed Up', url: 'https://shop.example.com/join?utm_source=news', domain: 'shop.example.com', referrer: 'https://www.google.com/' }, eventIds: ['b'] },
  ]);
  assert.deepEqual(plausible.batch, { maxEvents: 1, maxBytes: 100_000 });
  const selfHosted = requestOf(payload, { base_url: 'http://plausible.internal:8000/', allow_private_targets: ['plausible.internal'] });
  assert.equal(selfHosted.url, 'http://plausible.internal:8000/api/event');
  assert.deepEqual(selfHosted.allowPrivateTargets, ['plausible.internal']);
  assert.equal(eventUrlOf({ domain: 'x', base_url: 'https://stats.example.com/plausible/api/event/' }), 'https://stats.example.com/plausible/api/event', 'a pasted /api/event is not doubled; a path is kept');
});

test('a track event: a custom event under its name, properties flattened to text props without contact information, revenue with its currency', () => {
  const payload = payloadOf(browserEvent({
    event: 'Order Completed',
    properties: { order_id: 'ORD-1', revenue: '74.97', currency: 'eur', coupon: 'SPRING', paid: true, shipping: { method: 'express' }, email: 'jane@example.com', phone: '+44 7700 900123', products: [{ product_id: 'SKU-1' }] },
  }));
  assert.deepEqual(payload, {
    name: 'Order Completed', url: 'https://shop.example.com/join?utm_source=news', domain: 'shop.example.com', referrer: 'https://www.google.com/',
    props: { order_id: 'ORD-1', revenue: '74.97', currency: 'eur', coupon: 'SPRING', paid: 'true', 'shipping.method': 'express' },
    revenue: { currency: 'EUR', amount: 74.97 }, ip: IP, user_agent: UA,
  });
  const result = mapped(browserEvent({ event: 'Order Completed', properties: { total: 10, products: [{ id: 1 }] } }), { default_currency: 'usd' });
  assert.deepEqual(result.payload?.revenue, { currency: 'USD', amount: 10 }, 'total, and the default currency');
  assert.match((result.warnings ?? []).join(' | '), /props: products left out: lists are not custom properties/);
  const noCurrency = mapped(browserEvent({ event: 'Order Completed', properties: { revenue: 10 } }));
  assert.equal(noCurrency.payload?.revenue, undefined);
  assert.match((noCurrency.warnings ?? []).join(' | '), /revenue left out: the amount 10 has no currency \(properties.currency\), and config.default_currency is not set/);
  assert.equal(payloadOf(browserEvent({ event: 'Order Completed', properties: { revenue: 5, currency: 'EUR' } }), { send_revenue: false }).revenue, undefined, 'revenue off');
  assert.equal(payloadOf(browserEvent({ type: 'page', event: undefined, properties: { revenue: 5, currency: 'EUR' } })).revenue, undefined, 'never on pageviews');
});

test('config: props Listed or None; custom events Listed or None; non-interactive events; pageviews and screens off', () => {
  const event = browserEvent({ properties: { plan: 'pro', method: 'google', product: { category: 'Shoes' }, email: 'jane@example.com', extra: 'x' } });
  assert.deepEqual(payloadOf(event, { props: 'listed', prop_names: ['product.category', 'plan', 'email', 'missing'] }).props, { 'product.category': 'Shoes', plan: 'pro' });
  assert.match((mapped(event, { props: 'listed', prop_names: ['email'] }).warnings ?? []).join(), /props: email left out: contact information/);
  assert.equal(payloadOf(event, { props: 'none' }).props, undefined);
  assert.match(droppedWith(event, { custom_events: 'listed', track_events: ['Order Completed'] }), /not sent: "Signed Up" is not in config.track_events \(custom_events is Listed\)/);
  assert.equal(payloadOf(event, { custom_events: 'listed', track_events: ['Signed Up'] }).name, 'Signed Up');
  assert.match(droppedWith(event, { custom_events: 'none' }), /config.custom_events is None/);
  assert.equal(payloadOf(browserEvent({ event: 'Video Progress' }), { non_interactive_events: ['Video Progress'] }).interactive, false);
  assert.equal(payloadOf(browserEvent({ event: 'Video Started' }), { non_interactive_events: ['Video Progress'] }).interactive, undefined);
  assert.match(droppedWith(browserEvent({ type: 'page', event: undefined }), { send_pageviews: false }), /config.send_pageviews is off/);
  assert.match(droppedWith(browserEvent({ type: 'screen', event: undefined, name: 'Login' }), { send_screens: false }), /config.send_screens is off/);
});

test('a screen call: a pageview of app://localhost/<screen name>, the name encoded as a path', () => {
  const app = { ip: IP, userAgent: 'MyApp/2.1 (iPhone; iOS 17.4; Scale/3.00)' };
  assert.deepEqual(payloadOf(browserEvent({ type: 'screen', event: undefined, name: 'Order Summary', properties: { step: 2 }, context: app })), {
    name: 'pageview', url: 'app://localhost/Order%20Summary', domain: 'shop.example.com', props: { step: '2' }, ip: IP, user_agent: app.userAgent,
  });
  assert.equal(payloadOf(browserEvent({ type: 'screen', event: undefined, context: app })).url, 'app://localhost/');
});

test('not sent, each saying why: identify, group and alias calls (Plausible has no users); no visitor IP or User-Agent; the reserved engagement name; a data: URL', () => {
  assert.match(droppedWith(browserEvent({ type: 'identify', event: undefined, userId: 'u-1', traits: { plan: 'pro' } })), /identify calls are not sent: Plausible has no users or profiles/);
  assert.match(droppedWith(browserEvent({ type: 'group', event: undefined, groupId: 'g-1' })), /group calls are not sent/);
  assert.match(droppedWith(browserEvent({ type: 'alias', event: undefined, previousId: 'p-1' })), /alias calls are not sent/);
  assert.match(droppedWith(browserEvent({ context: { userAgent: UA, page: { url: 'https://shop.example.com/' } } })), /not sent: no visitor IP address \(context.ip\)/);
  assert.match(droppedWith(browserEvent({ context: { ip: 'unknown', userAgent: UA } })), /context.ip is "unknown"/);
  assert.match(droppedWith(browserEvent({ context: { ip: IP, page: { url: 'https://shop.example.com/' } } })), /not sent: no visitor User-Agent \(context.userAgent\)/);
  assert.match(droppedWith(browserEvent({ context: { ip: IP, userAgent: 'UA\r\nX-Evil: 1' } })), /no visitor User-Agent/);
  assert.match(droppedWith(browserEvent({ event: 'engagement' })), /"engagement" is an event name Plausible reserves/);
  assert.match(droppedWith(browserEvent({ context: { ip: IP, userAgent: UA, page: { url: 'data:text/html,hi' } } })), /data: URL/);
});

test('a server\'s event without a page URL goes with the site\'s own address (joining the visitor\'s session), said; a name over 120 characters is cut; an old event warns', () => {
  const result = mapped(browserEvent({ event: 'Order Completed', context: { ip: IP, userAgent: UA } }));
  assert.equal(result.payload?.url, 'https://shop.example.com/');
  assert.match((result.warnings ?? []).join(), /url: the event has no page URL \(context.page.url\): sent with https:\/\/shop.example.com\//);
  assert.equal(payloadOf(browserEvent({ type: 'page', event: undefined, context: { ip: IP, userAgent: UA, page: { path: '/pricing' } } })).url, 'https://shop.example.com/pricing');
  const long = mapped(browserEvent({ event: 'é'.repeat(130) }));
  assert.equal(long.payload?.name, 'é'.repeat(120));
  assert.match((long.warnings ?? []).join(), /name cut to 120 characters/);
  const old = mapped(browserEvent({ timestamp: '2024-03-20T10:00:00.000Z' }));
  assert.ok(old.payload);
  assert.match((old.warnings ?? []).join(), /Plausible records events when it receives them/);
  const longUrl = `https://shop.example.com/p?q=${'x'.repeat(2100)}`;
  const cut = mapped(browserEvent({ context: { ip: IP, userAgent: UA, page: { url: longUrl } } }));
  assert.equal(cut.payload?.url, 'https://shop.example.com/p');
  assert.match((cut.warnings ?? []).join(), /query \(UTM tags included\) left out/);
});

test('props: Plausible\'s limits — 30 props, names up to 300 bytes, values cut to 2,000 bytes on a character boundary; blanks and nulls left out', () => {
  const warnings: string[] = [];
  const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`p${i}`, i]));
  const props = propsFor({ ...many, ['k'.repeat(301)]: 'v', long: 'é'.repeat(1500), blank: ' ', none: null }, 'all', [], (m) => warnings.push(m))!;
  assert.equal(Object.keys(props).length, 30);
  assert.equal(props.p0, '0');
  assert.equal(props.long, undefined, 'beyond the 30');
  assert.equal(props.blank, undefined);
  assert.match(warnings.join(' | '), /left out: Plausible takes property names of at most 300 bytes/);
  assert.match(warnings.join(' | '), /p30, p31, p32, long left out: Plausible takes at most 30 custom properties/);
  const cutWarnings: string[] = [];
  assert.equal(Buffer.byteLength(propsFor({ long: 'é'.repeat(1500) }, 'all', [], (m) => cutWarnings.push(m))!.long!), 2000);
  assert.match(cutWarnings.join(), /long cut to 2000 bytes/);
  assert.equal(cutToBytes('aé', 2), 'a');
  assert.equal(propsFor({}, 'all', [], () => {}), undefined);
});

test('visitor headers: one IP address (the first of a list), a User-Agent byte for byte', () => {
  const payload = payloadOf(browserEvent({ context: { ip: '2001:db8::1, 10.0.0.1', userAgent: 'SmartTV™/2', page: { url: 'https://shop.example.com/' } } }));
  assert.equal(payload.ip, '2001:db8::1');
  assert.equal(payload.user_agent, 'SmartTVâ\u0084¢/2');
  assert.match(droppedWith(browserEvent({ context: { ip: '', userAgent: UA } })), /no visitor IP address/);
  assert.match(droppedWith(browserEvent({ context: { ip: IP, userAgent: '  ' } })), /no visitor User-Agent/);
});

test('classify: 202 delivered; 202 with x-plausible-dropped dead-lettered saying why Plausible drops events; 400 with Plausible\'s errors; no Events API; retries', () => {
  const request = requestOf(payloadOf(browserEvent()));
  assert.deepEqual(classifyPlausible(answer(202, 'ok'), request), { status: 'delivered' });
  assert.deepEqual(classifyPlausible(answer(202, {}), request), { status: 'delivered' });
  assert.deepEqual(classifyPlausible(answer(202, 'ok', { 'x-plausible-dropped': '0' }), request), { status: 'delivered' });
  const dropped = classifyPlausible(answer(202, 'ok', { 'x-plausible-dropped': '1' }), request);
  assert.equal(statusOf(dropped), 'dead_letter');
  assert.match(reasonOf(dropped), /^Plausible accepted the request \(HTTP 202\) but did not record the event \(x-plausible-dropped: 1\): it drops events from bots \(by the User-Agent, here "Mozilla\/5.0/);
  assert.match(reasonOf(dropped), /config.domain is "shop.example.com"/);
  assert.match(reasonOf(dropped), /data-centre IP addresses/);
  const refused = classifyPlausible(answer(400, { errors: { url: ['is required'], props: ['keys should have at most 300 bytes and values 2000 bytes'] } }, { 'x-plausible-dropped': '1' }), request);
  assert.deepEqual(refused, { status: 'dead_letter', reason: 'Plausible refused the event (HTTP 400): url: is required; props: keys should have at most 300 bytes and values 2000 bytes' });
  assert.equal(said(answer(400, { errors: { request: ['Unable to parse request body as json'] } })), 'request: Unable to parse request body as json');
  assert.match(reasonOf(classifyPlausible(answer(404, 'Not Found'), request)), /no Plausible Events API answered at https:\/\/plausible.io\/api\/event \(HTTP 404: Not Found\): check config.base_url/);
  assert.match(reasonOf(classifyPlausible(answer(301, '', { location: 'https://plausible.example.com/api/event' }), request)), /HTTP 301 pointing to https:\/\/plausible.example.com\/api\/event: set config.base_url/);
  assert.equal(statusOf(classifyPlausible(answer(200, '<!DOCTYPE html><html><body>Login</body></html>'), request)), 'retry');
  const throttled = classifyPlausible(answer(429, 'Too Many Requests', { 'retry-after': '7' }), request);
  assert.equal(statusOf(throttled), 'retry');
  assert.equal('retryAfterMs' in throttled ? throttled.retryAfterMs : undefined, 7000);
  for (const status of [500, 502, 503, 408]) assert.equal(statusOf(classifyPlausible(answer(status, 'oops'), request)), 'retry', `HTTP ${status}`);
});

test('config: the domain alone (not a URL, no spaces), a base URL Signal may reach, Listed lists not empty, an ISO 4217 default currency', () => {
  assert.deepEqual(validatePlausibleConfig({ domain: 'shop.example.com' }), []);
  assert.deepEqual(validatePlausibleConfig({ domain: 'shop.example.com,rollup.example.com', base_url: 'https://plausible.example.com', default_currency: 'eur' }), []);
  const fields = (config: Record<string, JsonValue>) => validatePlausibleConfig(config).map((p) => `${p.field}: ${p.message}`).join(' | ');
  assert.match(fields({ domain: 'https://shop.example.com/' }), /domain: is "https:\/\/shop.example.com\/": give the domain alone, without https:\/\/ \(e.g. shop.example.com\)/);
  assert.match(fields({ domain: ' ' }), /domain: is required/);
  assert.match(fields({ domain: 'shop example.com' }), /domain: .* has no spaces/);
  assert.match(fields({ domain: 'a.com,,b.com' }), /an empty name between commas/);
  assert.match(fields({ domain: 'x', base_url: 'plausible.io' }), /base_url: is "plausible.io": give an absolute URL/);
  assert.match(fields({ domain: 'x', base_url: 'ftp://plausible.io' }), /base_url: must use https/);
  assert.match(fields({ domain: 'x', base_url: 'https://plausible.io/?x=1' }), /base_url: must be Plausible's root URL without a query/);
  assert.match(fields({ domain: 'x', base_url: 'http://plausible.example.com' }), /base_url: uses plain http to plausible.example.com/);
  assert.match(fields({ domain: 'x', base_url: 'http://10.0.0.5:8000' }), /base_url: .*allow_private_targets/);
  assert.deepEqual(validatePlausibleConfig({ domain: 'x', base_url: 'http://10.0.0.5:8000', allow_private_targets: ['10.0.0.0/24'] }), []);
  assert.match(fields({ domain: 'x', custom_events: 'listed' }), /track_events: is empty while custom_events is Listed/);
  assert.match(fields({ domain: 'x', props: 'listed', prop_names: [] }), /prop_names: is empty while props is Listed/);
  assert.match(fields({ domain: 'x', track_events: [' Signed Up'] }), /track_events\[0\]: is " Signed Up": remove the spaces/);
  assert.match(fields({ domain: 'x', default_currency: '$' }), /default_currency: is "\$": give an ISO 4217 currency code/);
  assert.match(fields({ domain: 'x', send_revenue: 'yes' }), /send_revenue: must be true or false/);
  assert.match(plausibleConfigWarnings({ domain: 'www.shop.example.com' }).map((w) => w.message).join(), /starts with www\.: .* a site added as shop.example.com receives them/);
  assert.match(plausibleConfigWarnings({ domain: 'x', track_events: ['A'] }).map((w) => `${w.field}: ${w.message}`).join(), /track_events: is used only when custom_events is Listed/);
});
