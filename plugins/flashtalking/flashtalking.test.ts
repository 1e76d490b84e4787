import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createHttpPerformer } from '../../core/delivery/http-performer.ts';
import type { CanonicalEvent, MappedEvent } from '../../core/sdk/index.ts';
import flashtalking, { cachebuster, CONTAINER_ORIGIN, forwardedForHeader, ftrackCookieHeader, userAgentHeader } from './index.ts';

const VISITOR_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';

const ctx = { config: { advertiser_id: '1234567', spotlight_id: '987654', spotlight_group_id: '5' }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: 1_711_296_000_000 };
const event = { type: 'track', messageId: 'm1', timestamp: '', receivedAt: '', context: { ip: '203.0.113.9', userAgent: 'UA/1' } } as CanonicalEvent;

test('parameters go in Flashtalking order whatever the mapping order: cachebuster, ftX*, then U1–U20', () => {
  const [request] = flashtalking.send([{ id: 'm1', event, payload: { spotlight_type: 'Sales', U2: 'b', U1: 'a', ftXType: 'online', ftXCurrency: 'USD', ftXValue: '10', ftXRef: 'R1', email: 'never@sent.test' } }], ctx);
  assert.equal(request!.url, 'https://servedby.flashtalking.com/container/1234567;987654;5;num/');
  assert.deepEqual(request!.query!.map(([k]) => k), ['cachebuster', 'ftXRef', 'ftXValue', 'ftXCurrency', 'ftXType', 'U1', 'U2']);
  assert.equal(request!.query!.some(([, v]) => v.includes('@')), false, 'only Spotlight parameters are sent');
  assert.deepEqual(request!.headers, { 'x-forwarded-for': '203.0.113.9', 'user-agent': 'UA/1' });
  assert.equal(request!.body, undefined);
});

test('the cachebuster is 7 digits, fresh per event and per delivery time', () => {
  assert.match(cachebuster('m1', 1), /^\d{7}$/);
  assert.notEqual(cachebuster('m1', 1), cachebuster('m1', 2));
  assert.notEqual(cachebuster('m1', 1), cachebuster('m2', 1));
  assert.equal(cachebuster('m1', 1), cachebuster('m1', 1), 'pure: a preview shows what would be sent');
});

const order = (context: unknown, id = 'm1'): MappedEvent => ({
  id,
  event: { type: 'track', event: 'Order Completed', messageId: id, timestamp: '', receivedAt: '', ...(context === undefined ? {} : { context }) } as CanonicalEvent,
  payload: { spotlight_type: 'Sales', ftXRef: 'R1', ftXValue: 10, ftXCurrency: 'USD' },
});
const send = (events: MappedEvent[]) => flashtalking.send(events, ctx);
const utf8 = (header: string | undefined) => (header === undefined ? undefined : Buffer.from(header, 'latin1').toString('utf8'));

test('a User-Agent beyond Latin-1 (emoji, ™) goes as the UTF-8 bytes a browser would have sent', () => {
  for (const ua of ['Mozilla/5.0 (iPhone) MyShop-App/3.1 🛒', 'SmartTV™ Browser/2.0']) {
    const header = userAgentHeader(ua)!;
    assert.match(header, /^[\t\x20-\x7e\x80-\xff]+$/, 'valid header text');
    assert.equal(utf8(header), ua, 'its bytes on the wire are the UA in UTF-8');
  }
  // Latin-1 text is what collect reads from the visitor's own header: sent unchanged.
  assert.equal(userAgentHeader('Mozilla/5.0 Ã©'), 'Mozilla/5.0 Ã©');
  assert.equal(userAgentHeader(VISITOR_UA), VISITOR_UA);
});

test('visitor values a header cannot carry are left out; the other headers and the request stay', () => {
  const [request] = send([order({ ip: '203.0.113.9\r\nx-injected: 1', userAgent: 'UA/1\r\nx-injected: 1', cookies: { FTrack: 'a;b' } })]);
  assert.deepEqual(request!.headers, {});
  assert.deepEqual(request!.query!.slice(1), [['ftXRef', 'R1'], ['ftXValue', '10'], ['ftXCurrency', 'USD']], 'the conversion is still sent');
  for (const bad of ['UA\0', 'UA\n', 'UA\x7f', '   ', 42, null]) assert.equal(userAgentHeader(bad), undefined, JSON.stringify(bad));
  for (const bad of ['not an ip', '203.0.113.9, 10.0.0.1', '', 203]) assert.equal(forwardedForHeader(bad), undefined, JSON.stringify(bad));
  assert.equal(forwardedForHeader('2001:db8::1'), '2001:db8::1');
  for (const bad of ['a b', 'a;b', 'a,b', '"a"', 'é', 'a\r\n', '', 7]) assert.equal(ftrackCookieHeader(bad), undefined, JSON.stringify(bad));
  assert.equal(ftrackCookieHeader('ft-visitor_42.Z=='), 'FTrack=ft-visitor_42.Z==');
});

test('events without context, cookies or with odd shapes get requests without those headers, in one batch with the others', () => {
  const requests = send([
    order(undefined, 'no-context'),
    order(null, 'null-context'),
    order('text', 'text-context'),
    order({ ip: '203.0.113.9', cookies: null }, 'null-cookies'),
    order({ userAgent: 'UA/1', cookies: 'FTrack=x' }, 'text-cookies'),
    order({ ip: '203.0.113.9', userAgent: 'UA/1', cookies: { FTrack: 'ft-1' } }, 'full'),
  ]);
  assert.deepEqual(requests.map((r) => [r.eventIds[0], r.headers]), [
    ['no-context', {}],
    ['null-context', {}],
    ['text-context', {}],
    ['null-cookies', { 'x-forwarded-for': '203.0.113.9' }],
    ['text-cookies', { 'user-agent': 'UA/1' }],
    ['full', { 'x-forwarded-for': '203.0.113.9', 'user-agent': 'UA/1', cookie: 'FTrack=ft-1' }],
  ]);
});

test('through the core\'s HTTP performer, emoji and ™ user agents reach Flashtalking byte for byte', async () => {
  const received: Array<{ url: string; ua: string | undefined }> = [];
  const server = createServer((req, res) => {
    received.push({ url: req.url ?? '', ua: req.headers['user-agent'] });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const performer = createHttpPerformer({ timeoutMs: 5000, redirects: new Map([[CONTAINER_ORIGIN, `http://127.0.0.1:${port}`]]) });
  try {
    const agents = ['Mozilla/5.0 (iPhone) MyShop-App/3.1 🛒', 'SmartTV™ Browser/2.0', 'UA\r\nx-injected: 1'];
    const requests = send(agents.map((userAgent, i) => order({ ip: '203.0.113.9', userAgent }, `e${i}`)));
    const results = await Promise.all(requests.map((request) => performer.perform(request)));
    assert.deepEqual(results.map((r) => r.error ?? r.response?.status), [200, 200, 200], 'every conversion is delivered');
    assert.deepEqual(received.map((r) => utf8(r.ua)).sort(), [agents[0], agents[1], undefined].sort(), 'the UA as the browser sent it; the unsendable one left out');
  } finally {
    await performer.close();
    server.close();
  }
});
