import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import umami, { classifyUmami, dataFor, said, sendUrlOf, umamiConfigWarnings, validateUmamiConfig } from './index.ts';

const WEBSITE = '94db1cb1-74f4-4a40-ad6c-962362670409';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const IP = '203.0.113.42';
const TIMESTAMP = '2024-03-24T15:59:00.000Z';
const SECONDS = Date.parse(TIMESTAMP) / 1000;
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { website_id: WEBSITE, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_visitor', userId: 'user-1', timestamp: TIMESTAMP, receivedAt: '2024-03-24T15:59:00.100Z',
  context: { ip: IP, userAgent: UA, locale: 'en-GB', screen: { width: 1440, height: 900 }, page: { url: 'https://shop.example.com/join?utm_source=news', path: '/join', title: 'Join', referrer: 'https://www.google.com/' } },
  ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/umami/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does: the shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(umami, { variant: 'default', blueprint }, ctx(config))(event);
const bodyOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? result.dropReason ?? 'dropped'} ${JSON.stringify(result.warnings)}`);
  return result.payload;
};
const warningsOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): string => (mapped(event, config).warnings ?? []).join(' | ');
/** The warning an event was dropped with (asserting it was dropped). */
const droppedWith = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): string => {
  const result = mapped(event, config);
  assert.equal(result.payload, null, 'dropped');
  assert.equal(result.error, undefined, 'not an error');
  return (result.warnings ?? []).join(' | ');
};
const SESSION = { language: 'en-GB', screen: '1440x900', timestamp: SECONDS, ip: IP, userAgent: UA };
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const requestOf = (body: JsonObject, config: Record<string, JsonValue> = {}): RequestDescriptor => umami.send([{ id: 'm-1', event: browserEvent(), payload: body } as MappedEvent], ctx(config))[0]!;
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');

test('a page call: a page view (no name, no data) with the full URL, referrer, title, language, screen, the event\'s time in seconds and the visitor\'s IP and User-Agent', () => {
  const body = bodyOf(browserEvent({ type: 'page', event: undefined, name: 'Join', properties: { category: 'blog' } }));
  assert.deepEqual(body, {
    type: 'event',
    payload: { website: WEBSITE, url: 'https://shop.example.com/join?utm_source=news', referrer: 'https://www.google.com/', title: 'Join', ...SESSION },
  });
  // A server's page call: Segment's page properties carry the URL; the name is the title.
  const server = bodyOf(browserEvent({ type: 'page', event: undefined, name: 'Pricing', context: { ip: IP, userAgent: UA }, properties: { url: 'https://shop.example.com/pricing', referrer: 'https://ref.example/' } }));
  assert.deepEqual(server.payload, { website: WEBSITE, url: 'https://shop.example.com/pricing', referrer: 'https://ref.example/', title: 'Pricing', timestamp: SECONDS, ip: IP, userAgent: UA });
  const pathOnly = bodyOf(browserEvent({ type: 'page', event: undefined, context: { ip: IP, userAgent: UA }, properties: { path: '/pricing' } }), { hostname: 'shop.example.com' });
  assert.deepEqual(pathOnly.payload, { website: WEBSITE, url: '/pricing', hostname: 'shop.example.com', timestamp: SECONDS, ip: IP, userAgent: UA });
  assert.match(droppedWith(browserEvent({ type: 'page', event: undefined }), { send_pageviews: false }), /config\.send_pageviews is off/);
});

test('a screen call: a page view of /<screen>, titled with its name', () => {
  const body = bodyOf(browserEvent({ type: 'screen', event: undefined, name: 'Product Detail', context: { ip: IP, userAgent: UA } }), { hostname: 'app.example.com' });
  assert.deepEqual(body.payload, { website: WEBSITE, url: '/Product Detail', title: 'Product Detail', hostname: 'app.example.com', timestamp: SECONDS, ip: IP, userAgent: UA });
  assert.match(droppedWith(browserEvent({ type: 'screen', event: undefined, name: 'Home' }), { send_screens: false }), /config\.send_screens is off/);
  assert.match(warningsOf(browserEvent({ type: 'screen', event: undefined, name: 'Home', context: { ip: IP, userAgent: UA } })), /"\/Home" names no host and config\.hostname is empty: Umami records it under the hostname localhost/);
});

test('a track event: a custom event under its name (cut to 50 characters), its properties as data without contact information; no userId unless send_user_ids', () => {
  const body = bodyOf(browserEvent({ event: 'Order Completed', properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com', phone: '+44 7700 900123', product: { sku: 'S-1' }, note: null } }));
  assert.deepEqual(body, {
    type: 'event',
    payload: {
      website: WEBSITE, url: 'https://shop.example.com/join?utm_source=news', referrer: 'https://www.google.com/', title: 'Join', ...SESSION,
      name: 'Order Completed', data: { order_id: 'ORD-1', revenue: 74.97, currency: 'EUR', product: { sku: 'S-1' } },
    },
  });
  assert.equal(JSON.stringify(body).includes('user-1'), false, 'no user id leaves Signal by default');

  const long = 'A'.repeat(60);
  const cut = bodyOf(browserEvent({ event: long }));
  assert.equal((cut.payload as JsonObject).name, 'A'.repeat(50));
  assert.match(warningsOf(browserEvent({ event: long })), /name cut to 50 characters/);
  // Zod's max(50) counts UTF-16 units: 30 emoji are 60 of them, cut to 25 whole ones.
  const emoji = bodyOf(browserEvent({ event: '🎉'.repeat(30) }));
  assert.equal((emoji.payload as JsonObject).name, '🎉'.repeat(25));
  assert.equal((bodyOf(browserEvent({ event: `${'A'.repeat(49)}🎉` })).payload as JsonObject).name, 'A'.repeat(49));
  assert.equal((bodyOf(browserEvent({ event: '🎉'.repeat(25) })).payload as JsonObject).name, '🎉'.repeat(25));

  const withoutData = bodyOf(browserEvent({ properties: { plan: 'pro' } }), { send_event_data: false });
  assert.equal((withoutData.payload as JsonObject).data, undefined);

  const withId = bodyOf(browserEvent(), { send_user_ids: true });
  assert.equal((withId.payload as JsonObject).id, 'user-1');
  const longId = browserEvent({ userId: 'u'.repeat(51) });
  assert.equal((bodyOf(longId, { send_user_ids: true }).payload as JsonObject).id, undefined);
  assert.match(warningsOf(longId, { send_user_ids: true }), /id left out: the userId is 51 characters long, and Umami stores distinct IDs of at most 50/);
});

test('which track events go: None, Listed', () => {
  assert.match(droppedWith(browserEvent(), { custom_events: 'none' }), /config\.custom_events is None/);
  assert.match(droppedWith(browserEvent(), { custom_events: 'listed', track_events: ['Order Completed'] }), /"Signed Up" is not in config\.track_events/);
  assert.equal((bodyOf(browserEvent(), { custom_events: 'listed', track_events: ['Signed Up'] }).payload as JsonObject).name, 'Signed Up');
});

test('an identify call: type identify with the traits (no contact information) as data, the userId as id only with send_user_ids', () => {
  const identify = browserEvent({ type: 'identify', event: undefined, traits: { plan: 'pro', email: 'jane@example.com', name: 'Jane Doe', company: { size: 40 } } });
  const body = bodyOf(identify);
  assert.deepEqual(body, { type: 'identify', payload: { website: WEBSITE, ...SESSION, data: { plan: 'pro', company: { size: 40 } } } });
  assert.equal((bodyOf(identify, { send_user_ids: true }).payload as JsonObject).id, 'user-1');
  assert.match(droppedWith(browserEvent({ type: 'identify', event: undefined, traits: { email: 'jane@example.com' } })), /no traits left to send \(contact information is never sent\) and config\.send_user_ids is off/);
  // With send_user_ids, an identify of a userId alone links the session to the user (Umami's identify(id)).
  assert.deepEqual(bodyOf(browserEvent({ type: 'identify', event: undefined, traits: {} }), { send_user_ids: true }), { type: 'identify', payload: { website: WEBSITE, ...SESSION, id: 'user-1' } });
  assert.match(droppedWith(browserEvent({ type: 'identify', event: undefined, userId: 'u'.repeat(51), traits: {} }), { send_user_ids: true }), /no traits left to send \(contact information is never sent\) and no userId of at most 50 characters/);
  assert.match(droppedWith(identify, { send_identify: false }), /config\.send_identify is off/);
});

test('group and alias calls, and events without the visitor\'s IP or User-Agent, are not sent, saying why', () => {
  assert.equal(mapped(browserEvent({ type: 'group', event: undefined, groupId: 'g-1' } as Partial<CanonicalEvent>)).payload, null);
  assert.equal(mapped(browserEvent({ type: 'alias', event: undefined, previousId: 'p-1' } as Partial<CanonicalEvent>)).payload, null);
  assert.match(droppedWith(browserEvent({ context: { userAgent: UA } })), /no visitor IP address \(context\.ip\)/);
  assert.match(droppedWith(browserEvent({ context: { ip: 'unknown', userAgent: UA } })), /context\.ip is "unknown"/);
  assert.match(droppedWith(browserEvent({ context: { ip: IP } })), /no visitor User-Agent/);
  assert.match(droppedWith(browserEvent({ context: { ip: IP, userAgent: 'UA\r\nX-Evil: 1' } })), /no visitor User-Agent/);
});

test('a server\'s event without a page: sent without url, warning that Umami records it under localhost unless config.hostname is set; an unreadable URL left out', () => {
  const server = browserEvent({ context: { ip: IP, userAgent: UA } });
  assert.equal((bodyOf(server).payload as JsonObject).url, undefined);
  assert.match(warningsOf(server), /under the hostname localhost/);
  assert.equal(warningsOf(server, { hostname: 'shop.example.com' }).includes('localhost'), false);
  const odd = browserEvent({ context: { ip: IP, userAgent: UA, page: { url: 'http://[bad' } } });
  assert.equal((bodyOf(odd).payload as JsonObject).url, undefined);
  assert.match(warningsOf(odd), /url left out: "http:\/\/\[bad" is no URL or path/);
});

test('dataFor: fits data to Umami\'s columns — text cut to 500 characters, long lists, long keys and huge numbers left out, each said', () => {
  const warnings: string[] = [];
  const data = dataFor({ text: 'é'.repeat(600), tags: ['a', 'b'], many: Array.from({ length: 200 }, (_, i) => `tag-${i}`), ['k'.repeat(501)]: 1, big: 1e16, empty: '', nested: { deep: { x: 1 } } }, 'data', (m) => warnings.push(m));
  assert.deepEqual(data, { text: 'é'.repeat(500), tags: ['a', 'b'], nested: { deep: { x: 1 } } });
  assert.match(warnings.join(' | '), /text cut to 500 characters/);
  assert.match(warnings.join(' | '), /many left out: Umami stores a list as its JSON text/);
  assert.match(warnings.join(' | '), /left out: Umami stores keys/);
  assert.match(warnings.join(' | '), /big left out: Umami stores numbers below 10\^15/);
  assert.equal(dataFor({ email: 'jane@example.com' }, 'data', () => {}), undefined);
});

test('dataFor: text shaped as a date but no real one goes as text (Umami fails on it with HTTP 500), real dates as they are', () => {
  const warnings: string[] = [];
  const data = dataFor({
    due: '2024-13-01T00:00:00', leap: '2023-02-29T10:00:00', late: '2024-01-01T24:00:00', zone: '2024-01-01T00:00:00.000+99:00',
    plan: { renews: '2024-02-30T12:00:00.000Z', started: '2024-02-29T10:00:00.000Z' }, local: '2024-03-24T15:59:00', dated: '2024-13-01', list: ['2024-13-01T00:00:00'],
  }, 'data', (m) => warnings.push(m));
  assert.deepEqual(data, {
    due: '2024-13-01 00:00:00', leap: '2023-02-29 10:00:00', late: '2024-01-01 24:00:00', zone: '2024-01-01 00:00:00.000+99:00',
    plan: { renews: '2024-02-30 12:00:00.000Z', started: '2024-02-29T10:00:00.000Z' }, local: '2024-03-24T15:59:00', dated: '2024-13-01', list: ['2024-13-01T00:00:00'],
  });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^data: due "2024-13-01T00:00:00", leap .*, plan\.renews "2024-02-30T12:00:00\.000Z" sent as text with a space for the T: shaped as a date but no real one/);
  // Through the mapping, in event data and identify traits alike.
  const track = bodyOf(browserEvent({ properties: { due: '2024-13-01T00:00:00' } }));
  assert.deepEqual((track.payload as JsonObject).data, { due: '2024-13-01 00:00:00' });
  const identify = bodyOf(browserEvent({ type: 'identify', event: undefined, traits: { renewal: '2024-13-01T00:00:00' } }));
  assert.deepEqual((identify.payload as JsonObject).data, { renewal: '2024-13-01 00:00:00' });
});

test('page URL: UTM tags and click ids over 255 characters cut (Umami stores them uncut in 255 and answers 500), the rest as it was; a host over 100 left out', () => {
  const long = 'é'.repeat(300);
  const url = `https://shop.example.com/join?a=1&utm_campaign=${encodeURIComponent(long)}&gclid=${'g'.repeat(256)}&utm_source=news+letter&note=${'n'.repeat(400)}#top`;
  const event = browserEvent({ context: { ip: IP, userAgent: UA, page: { url } } });
  const sent = (bodyOf(event).payload as JsonObject).url as string;
  assert.equal(sent, `https://shop.example.com/join?a=1&utm_campaign=${encodeURIComponent('é'.repeat(255))}&gclid=${'g'.repeat(255)}&utm_source=news+letter&note=${'n'.repeat(400)}#top`);
  const params = new URL(sent).searchParams;
  assert.equal([...params.get('utm_campaign')!].length, 255);
  assert.equal(params.get('utm_source'), 'news letter');
  assert.match(warningsOf(event), /url: utm_campaign, gclid cut to 255 characters, the most Umami stores/);
  // At most 255: as it was, unwarned; a relative URL and one whose ? is in the fragment alike.
  for (const fine of [`https://shop.example.com/?utm_term=${'t'.repeat(255)}`, `/join?utm_medium=${'m'.repeat(255)}`, `https://shop.example.com/#x?utm_source=${'s'.repeat(300)}`]) {
    const ok = browserEvent({ context: { ip: IP, userAgent: UA, page: { url: fine } } });
    assert.equal((bodyOf(ok, { hostname: 'shop.example.com' }).payload as JsonObject).url, fine);
    assert.doesNotMatch(warningsOf(ok, { hostname: 'shop.example.com' }), /cut to 255/);
  }
  const relative = browserEvent({ context: { ip: IP, userAgent: UA, page: { url: `/join?utm_content=${'c'.repeat(300)}` } } });
  assert.equal((bodyOf(relative, { hostname: 'shop.example.com' }).payload as JsonObject).url, `/join?utm_content=${'c'.repeat(255)}`);
  // A host Umami cannot store (over 100 characters, its www. aside): the URL goes without it.
  const host = `${'a'.repeat(60)}.${'b'.repeat(50)}.example.com`;
  const longHost = browserEvent({ context: { ip: IP, userAgent: UA, page: { url: `https://www.${host}/p?q=1#h` } } });
  assert.equal((bodyOf(longHost).payload as JsonObject).url, '/p?q=1#h');
  assert.match(warningsOf(longHost), /url: the host "a+…" is 123 characters long and Umami stores at most 100/);
  // With config.hostname, Umami stores that one: the URL goes whole.
  assert.equal((bodyOf(longHost, { hostname: 'shop.example.com' }).payload as JsonObject).url, `https://www.${host}/p?q=1#h`);
});

test('send: one POST to /api/send per event, the body as mapped, the visitor\'s User-Agent and X-Forwarded-For as headers too; a self-hosted base URL', () => {
  const body = bodyOf(browserEvent());
  const requests = umami.send([{ id: 'a', event: browserEvent(), payload: body }, { id: 'b', event: browserEvent(), payload: body }], ctx());
  assert.deepEqual(requests.map((r) => [r.method, r.url, r.headers, r.eventIds]), [
    ['POST', 'https://cloud.umami.is/api/send', { 'content-type': 'application/json', 'user-agent': UA, 'x-forwarded-for': IP }, ['a']],
    ['POST', 'https://cloud.umami.is/api/send', { 'content-type': 'application/json', 'user-agent': UA, 'x-forwarded-for': IP }, ['b']],
  ]);
  assert.deepEqual(requests[0]!.body, body);
  assert.deepEqual(umami.batch, { maxEvents: 1, maxBytes: 100_000 });
  const selfHosted = requestOf(body, { base_url: 'http://umami.internal:3000/', allow_private_targets: ['umami.internal'] });
  assert.equal(selfHosted.url, 'http://umami.internal:3000/api/send');
  assert.deepEqual(selfHosted.allowPrivateTargets, ['umami.internal']);
  assert.equal(sendUrlOf({ base_url: 'https://example.com/umami/api/send/' }), 'https://example.com/umami/api/send');
  // A User-Agent beyond Latin-1 goes as its UTF-8 bytes in the header, as text in the payload.
  const headers = requestOf({ type: 'event', payload: { userAgent: 'App/1 (東京)', ip: IP } }).headers!;
  assert.equal(headers['user-agent'], Buffer.from('App/1 (東京)', 'utf8').toString('latin1'));
});

test('the visitor: the first address of a forwarded list, the User-Agent as given', () => {
  const body = bodyOf(browserEvent({ context: { ip: '2001:db8::1, 10.0.0.1', userAgent: UA, page: { url: 'https://shop.example.com/' } } }));
  const payload = body.payload as JsonObject;
  assert.equal(payload.ip, '2001:db8::1');
  assert.equal(payload.userAgent, UA);
});

test('config: the website id must be a UUID, the hostname no URL, the base URL https or allow-listed, Listed needs its list; warnings', () => {
  assert.deepEqual(validateUmamiConfig({ website_id: WEBSITE }), []);
  const fields = (config: Record<string, JsonValue>) => validateUmamiConfig(config).map((p) => `${p.field}: ${p.message}`).join(' | ');
  assert.match(fields({}), /website_id: is required/);
  assert.match(fields({ website_id: 'shop.example.com' }), /website_id: is "shop\.example\.com": give the Website ID Umami shows/);
  assert.match(fields({ website_id: WEBSITE, hostname: 'https://shop.example.com/' }), /hostname: is "https:\/\/shop\.example\.com\/": give the hostname alone, without https:\/\//);
  assert.match(fields({ website_id: WEBSITE, hostname: 'shop example' }), /hostname: .*only letters, digits, dots and hyphens/);
  assert.match(fields({ website_id: WEBSITE, base_url: 'ftp://umami.example.com' }), /base_url: must use https/);
  assert.match(fields({ website_id: WEBSITE, base_url: 'https://u:p@umami.example.com' }), /base_url: must not carry a user name/);
  assert.match(fields({ website_id: WEBSITE, base_url: 'http://10.0.0.5:3000' }), /base_url: /);
  assert.deepEqual(validateUmamiConfig({ website_id: WEBSITE, base_url: 'http://10.0.0.5:3000', allow_private_targets: ['10.0.0.5'] }), []);
  assert.match(fields({ website_id: WEBSITE, custom_events: 'listed' }), /track_events: is empty while custom_events is Listed/);
  assert.match(fields({ website_id: WEBSITE, custom_events: 'listed', track_events: [' Signed Up'] }), /track_events\[0\]: is " Signed Up": remove the spaces/);
  assert.match(fields({ website_id: WEBSITE, send_user_ids: 'yes' }), /send_user_ids: must be true or false/);
  const warnings = umamiConfigWarnings({ website_id: WEBSITE, track_events: ['Signed Up', 'B'.repeat(60)] }).map((w) => `${w.field}: ${w.message}`).join(' | ');
  assert.match(warnings, /track_events: is used only when custom_events is Listed/);
  assert.match(warnings, /track_events\[1\]: is 60 characters long \(an emoji counts two\): Umami keeps 50/);
  assert.match(umamiConfigWarnings({ website_id: WEBSITE, custom_events: 'listed', track_events: ['🎉'.repeat(26)] }).map((w) => w.message).join(), /sent as "🎉{25}"/u);
});

test('classify: 200 delivered; {"beep":"boop"} dead-lettered as a bot with its User-Agent; a web page retried', () => {
  const request = requestOf({ type: 'event', payload: { website: WEBSITE, name: 'Signed Up', ip: IP, userAgent: 'curl/8.5.0' } });
  assert.deepEqual(classifyUmami(answer(200, { cache: 'x', sessionId: 's', visitId: 'v' }), request), { status: 'delivered' });
  const bot = classifyUmami(answer(200, { beep: 'boop' }), request);
  assert.equal(statusOf(bot), 'dead_letter');
  assert.match(reasonOf(bot), /^Umami took the visitor for a bot \(by the User-Agent "curl\/8\.5\.0"\) and recorded nothing/);
  assert.equal(statusOf(classifyUmami(answer(200, '<!DOCTYPE html><html><body>Sign in</body></html>'), request)), 'retry');
});

test('classify: 400s with Umami\'s words (an unknown website names config.website_id), 403 IGNORE_IP, 404 the base URL, 3xx, 429 and 500 retried', () => {
  const request = requestOf({ type: 'event', payload: { website: WEBSITE, ip: IP, userAgent: UA } });
  const unknown = classifyUmami(answer(400, { error: { message: 'Website not found.', code: 'bad-request', status: 400 } }), request);
  assert.equal(statusOf(unknown), 'dead_letter');
  assert.match(reasonOf(unknown), new RegExp(`^Umami has no website "${WEBSITE}" \\(HTTP 400: Website not found\\.\\): check config\\.website_id`));
  const tree = { error: { message: 'Bad request', code: 'bad-request', status: 400, errors: [], properties: { payload: { errors: [], properties: { name: { errors: ['Too big: expected string to have <=50 characters'] } } } } } };
  assert.equal(said(answer(400, tree)), 'payload.name: Too big: expected string to have <=50 characters');
  assert.equal(reasonOf(classifyUmami(answer(400, tree), request)), 'Umami refused the event (HTTP 400): payload.name: Too big: expected string to have <=50 characters');
  assert.match(reasonOf(classifyUmami(answer(403, { error: { message: 'Forbidden', code: 'forbidden', status: 403 } }), request)), /IGNORE_IP list \(here 203\.0\.113\.42\)/);
  assert.match(reasonOf(classifyUmami(answer(404, 'Not Found'), request)), /no Umami collection endpoint answered at https:\/\/cloud\.umami\.is\/api\/send \(HTTP 404: Not Found\): check config\.base_url/);
  assert.match(reasonOf(classifyUmami(answer(301, '', { location: 'https://umami.example.com/api/send' }), request)), /HTTP 301 pointing to https:\/\/umami\.example\.com\/api\/send: set config\.base_url/);
  assert.deepEqual(classifyUmami(answer(500, { error: { message: 'Server error', code: 'server-error', status: 500 } }), request), { status: 'retry', reason: 'Umami HTTP 500: Server error' });
  const throttled = classifyUmami(answer(429, 'Too Many Requests', { 'retry-after': '3' }), request);
  assert.equal(statusOf(throttled), 'retry');
  assert.equal('retryAfterMs' in throttled ? throttled.retryAfterMs : undefined, 3000);
});
