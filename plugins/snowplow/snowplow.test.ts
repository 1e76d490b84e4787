import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { PermanentError, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import snowplow, {
  CONTEXTS_SCHEMA, MAX_BYTES, MOBILE_CONTEXT_SCHEMA, PAYLOAD_DATA_SCHEMA, SCREEN_VIEW_SCHEMA, TARGET_BYTES, UNSTRUCT_EVENT_SCHEMA,
  classifySnowplow, collectorEndpointOf, eventIdOf, requestsFor, snowplowConfigWarnings, validateSnowplowConfig, withSentTime,
} from './index.ts';

const NOW = Date.parse('2024-03-24T16:00:00Z');
const EVENT_TIME = '2024-03-24T15:59:00.000Z';
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const IP = '203.0.113.42';
const MESSAGE_ID = '5A305BF5-32FC-40D9-B0E8-66052F0F2C95';
const BASE: Record<string, JsonValue> = { collector_url: 'https://collector.example.com', app_id: 'shop-web' };
const SCHEMA = 'iglu:com.acme/order_completed/jsonschema/1-0-0';
/** The parameters payload_data 1-0-4 allows (its additionalProperties is false). */
const PAYLOAD_DATA_FIELDS = new Set(('tna aid p dtm tz e tid eid tv duid nuid uid vid ip res url page refr fp ctype cookie lang f_pdf f_qt f_realp f_wma f_dir f_fla f_java f_gears f_ag cd ds cs vp mac '
  + 'pp_mix pp_max pp_miy pp_may ad_ba ad_ca ad_ad ad_uid tr_id tr_af tr_tt tr_tx tr_sh tr_ci tr_st tr_co tr_cu ti_id ti_sk ti_nm ti_na ti_ca ti_pr ti_qu ti_cu '
  + 'sa sn st sp se_ca se_ac se_la se_pr se_va ue_na ue_pr ue_px co cx ua tnuid stm sid ttm').split(' '));

const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { ...BASE, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: MESSAGE_ID, anonymousId: 'df_visitor', userId: 'user-1', timestamp: EVENT_TIME, receivedAt: '2024-03-24T15:59:00.100Z',
  context: { ip: IP, userAgent: UA, locale: 'en-GB', page: { url: 'https://shop.example.com/join?utm_source=news', path: '/join', title: 'Join', referrer: 'https://www.google.com/' } },
  ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/snowplow/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does: the shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(snowplow, { variant: 'default', blueprint }, ctx(config))(event);
const payloadOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? result.dropReason ?? 'dropped'} ${JSON.stringify(result.warnings)}`);
  for (const [key, value] of Object.entries(result.payload)) {
    assert.ok(PAYLOAD_DATA_FIELDS.has(key), `${key} is a tracker protocol parameter payload_data 1-0-4 allows`);
    assert.equal(typeof value, 'string', `${key} is text, as payload_data requires`);
  }
  return result.payload;
};
/** The warnings an event was dropped with (asserting it was dropped, and that neverSends agrees). */
const droppedWith = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): string => {
  const result = mapped(event, config);
  assert.equal(result.payload, null, 'dropped');
  assert.equal(result.error, undefined, 'not an error');
  return (result.warnings ?? []).join(' | ');
};
const decoded = (base64url: JsonValue | undefined): unknown => JSON.parse(Buffer.from(String(base64url), 'base64url').toString('utf8'));
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const COMMON = {
  eid: MESSAGE_ID.toLowerCase(), tv: 'signal-1.0.0', aid: 'shop-web', tna: 'signal', uid: 'user-1', duid: 'df_visitor', tnuid: 'df_visitor',
  ip: IP, ua: UA, lang: 'en-GB', dtm: String(Date.parse(EVENT_TIME)),
};

test('a page call: a page view (pv) with the URL, title and referrer, the visitor\'s ids, IP, User-Agent and language, dtm the event\'s time, all as text', () => {
  const payload = payloadOf(browserEvent({ type: 'page', event: undefined, name: 'Join', properties: { author: 'Jane' } }));
  assert.deepEqual(payload, {
    e: 'pv', ...COMMON, p: 'web',
    url: 'https://shop.example.com/join?utm_source=news', page: 'Join', refr: 'https://www.google.com/',
  });
  // A server's page call: Segment's page properties carry the URL, the name stands in for the title.
  const server = payloadOf(browserEvent({ type: 'page', event: undefined, name: 'Pricing', context: {}, properties: { url: 'https://shop.example.com/pricing', referrer: 'https://ref.example/' } }));
  assert.equal(server.url, 'https://shop.example.com/pricing');
  assert.equal(server.page, 'Pricing');
  assert.equal(server.refr, 'https://ref.example/');
  assert.equal(server.p, 'web', 'a page view is web');
});

test('a track event with a schema in event_schemas: a self-describing event (ue) whose ue_px is the URL-safe Base64 of unstruct_event around the schema and the properties', () => {
  const properties = { order_id: 'ORD-1', total: 74.97, currency: 'EUR', products: [{ sku: 'SKU-1', price: 24.99 }] };
  const payload = payloadOf(browserEvent({ event: 'Order Completed', properties }), { event_schemas: { 'Order Completed': SCHEMA } });
  assert.equal(payload.e, 'ue');
  assert.match(String(payload.ue_px), /^[A-Za-z0-9_-]+$/, 'URL-safe Base64');
  assert.deepEqual(decoded(payload.ue_px), { schema: UNSTRUCT_EVENT_SCHEMA, data: { schema: SCHEMA, data: properties } });
  assert.equal(payload.se_ca, undefined, 'no structured event fields');
  assert.equal(payload.se_ac, undefined);
  assert.equal(payload.url, 'https://shop.example.com/join?utm_source=news', 'the page it happened on');

  const json = payloadOf(browserEvent({ event: 'Order Completed', properties }), { event_schemas: { 'Order Completed': SCHEMA }, encode_base64: false });
  assert.equal(json.ue_px, undefined);
  assert.deepEqual(JSON.parse(String(json.ue_pr)), { schema: UNSTRUCT_EVENT_SCHEMA, data: { schema: SCHEMA, data: properties } }, 'ue_pr: the JSON as text');
});

test('a track event without a schema: a structured event (se) — category, action (the name), label, property, value — or not sent when unmapped_events is Drop', () => {
  const payload = payloadOf(browserEvent({ event: 'Video Played', properties: { category: 'media', label: 'intro.mp4', property: 'hd', value: 12.5, secret_note: 'not sent' } }));
  assert.deepEqual(payload, {
    e: 'se', ...COMMON, p: 'web', url: 'https://shop.example.com/join?utm_source=news', page: 'Join', refr: 'https://www.google.com/',
    se_ca: 'media', se_ac: 'Video Played', se_la: 'intro.mp4', se_pr: 'hd', se_va: '12.5',
  });
  const fallback = payloadOf(browserEvent({ event: 'Order Completed', properties: { revenue: '19.90' } }), { structured_category: 'shop' });
  assert.equal(fallback.se_ca, 'shop', 'config.structured_category when the event carries no category');
  assert.equal(fallback.se_va, '19.9', 'the revenue when there is no value');
  assert.equal(payloadOf(browserEvent()).se_ca, 'signal', 'the default category');

  const why = droppedWith(browserEvent({ event: 'Video Played' }), { unmapped_events: 'drop', event_schemas: { 'Order Completed': SCHEMA } });
  assert.match(why, /not sent: "Video Played" has no schema in config\.event_schemas, and config\.unmapped_events is Drop/);
  assert.match(String(snowplow.neverSends!(browserEvent({ event: 'Video Played' }), ctx({ unmapped_events: 'drop' }))), /has no schema in config\.event_schemas/);
  assert.equal(snowplow.neverSends!(browserEvent({ event: 'Order Completed' }), ctx({ unmapped_events: 'drop', event_schemas: { 'Order Completed': SCHEMA } })), undefined);
});

test('a screen call of an iOS app: the mobile screen_view event with a UUID id, platform mob, and the mobile_context entity in cx', () => {
  const event = browserEvent({
    type: 'screen', event: undefined, name: 'Home', properties: { tab: 'feed' },
    context: { ip: IP, os: { name: 'iOS', version: '17.4' }, device: { manufacturer: 'Apple', model: 'iPhone15,2', advertisingId: 'ADID-NOT-SENT' }, network: { carrier: 'EE', wifi: true } },
  });
  const payload = payloadOf(event);
  assert.equal(payload.e, 'ue');
  assert.equal(payload.p, 'mob');
  const sd = decoded(payload.ue_px) as { schema: string; data: { schema: string; data: { name: string; id: string } } };
  assert.equal(sd.schema, UNSTRUCT_EVENT_SCHEMA);
  assert.equal(sd.data.schema, SCREEN_VIEW_SCHEMA);
  assert.equal(sd.data.data.name, 'Home');
  assert.match(sd.data.data.id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUID (v5, from the messageId)');
  assert.notEqual(sd.data.data.id, payload.eid, 'the screen view\'s own id');
  assert.deepEqual(decoded(payload.cx), { schema: CONTEXTS_SCHEMA, data: [{ schema: MOBILE_CONTEXT_SCHEMA, data: { osType: 'iOS', osVersion: '17.4', deviceManufacturer: 'Apple', deviceModel: 'iPhone15,2', carrier: 'EE', networkType: 'wifi' } }] });
  assert.equal(JSON.stringify(payload).includes('ADID-NOT-SENT'), false, 'no advertising id');
  assert.match(droppedWith(browserEvent({ type: 'screen', event: undefined, context: {} })), /the screen call has no name, which Snowplow's screen_view event requires/);
  // Without every field mobile_context requires, no entity.
  assert.equal(payloadOf(browserEvent({ type: 'screen', event: undefined, name: 'Home', context: { os: { name: 'Android' } } })).cx, undefined);
});

test('identify calls: not sent without config.identify_schema; with it, a self-describing event of the traits with uid', () => {
  const identify = browserEvent({ type: 'identify', event: undefined, traits: { plan: 'pro', email: 'jane@example.com' } });
  assert.match(droppedWith(identify), /identify calls are not sent: Snowplow has no identify event; name an Iglu schema of your own in config\.identify_schema/);
  assert.match(String(snowplow.neverSends!(identify, ctx())), /identify calls are not sent/);
  const payload = payloadOf(identify, { identify_schema: 'iglu:com.acme/identify/jsonschema/1-0-0', encode_base64: false });
  assert.equal(payload.e, 'ue');
  assert.equal(payload.uid, 'user-1');
  assert.deepEqual(JSON.parse(String(payload.ue_pr)), { schema: UNSTRUCT_EVENT_SCHEMA, data: { schema: 'iglu:com.acme/identify/jsonschema/1-0-0', data: { plan: 'pro', email: 'jane@example.com' } } });
  assert.equal(snowplow.neverSends!(identify, ctx({ identify_schema: 'iglu:com.acme/identify/jsonschema/1-0-0' })), undefined);
});

test('group and alias calls are not sent, saying why; neverSends says the same', () => {
  assert.match(droppedWith(browserEvent({ type: 'group', event: undefined, groupId: 'acme' })), /group calls are not sent: Snowplow has no group or account event/);
  assert.match(droppedWith(browserEvent({ type: 'alias', event: undefined, previousId: 'df_visitor' })), /alias calls are not sent/);
  assert.match(String(snowplow.neverSends!(browserEvent({ type: 'alias', event: undefined }), ctx())), /alias calls are not sent/);
  assert.equal(snowplow.neverSends!(browserEvent({ type: 'page', event: undefined }), ctx()), undefined);
});

test('eid: the messageId when it is a UUID (lower case), else a stable UUID v5 derived from it', () => {
  assert.equal(eventIdOf(MESSAGE_ID), MESSAGE_ID.toLowerCase());
  const derived = eventIdOf('ajs-next-1711296000000-abc');
  assert.match(derived, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(eventIdOf('ajs-next-1711296000000-abc'), derived, 'the same on every try');
  assert.notEqual(eventIdOf('ajs-next-1711296000000-abd'), derived);
  assert.equal(payloadOf(browserEvent({ messageId: 'ajs-next-1711296000000-abc' })).eid, derived);
});

test('ids and platform: tnuid from the collector\'s sp cookie when it is a UUID, else the anonymousId, none when left to the collector; p srv for a server\'s event; a configured platform wins', () => {
  const cookie = '8b4b7a4e-3c1e-4e57-9a7b-0e6a1f1b2c3d';
  assert.equal(payloadOf(browserEvent({ context: { ip: IP, cookies: { sp: cookie } } })).tnuid, cookie);
  assert.equal(payloadOf(browserEvent({ context: { ip: IP, cookies: { sp: 'not-a-uuid' } } })).tnuid, 'df_visitor');
  assert.equal(payloadOf(browserEvent(), { network_user_id: 'collector' }).tnuid, undefined);
  const server = payloadOf(browserEvent({ anonymousId: undefined, context: { ip: IP } }));
  assert.equal(server.p, 'srv', 'no page URL, no mobile OS: a server\'s event');
  assert.equal(server.duid, undefined);
  assert.equal(server.tnuid, undefined);
  assert.equal(payloadOf(browserEvent(), { platform: 'app' }).p, 'app');
  assert.equal(payloadOf(browserEvent({ context: { screen: { width: 1440, height: 900 }, timezone: 'Europe/London' } })).res, '1440x900');
});

test('Snowplow\'s maximum lengths: an over-long userId or URL is left out, a title or a structured field cut, each with a warning', () => {
  const result = mapped(browserEvent({ userId: 'u'.repeat(256), context: { page: { url: `https://shop.example.com/${'a'.repeat(10_000)}`, title: 'T'.repeat(2100) } }, properties: { label: 'l'.repeat(5000) } }));
  assert.ok(result.payload);
  assert.equal(result.payload.uid, undefined);
  assert.equal(result.payload.url, undefined);
  assert.equal([...String(result.payload.page)].length, 2000);
  assert.equal(String(result.payload.se_la).length, 4096);
  const warnings = (result.warnings ?? []).join(' | ');
  assert.match(warnings, /uid left out: it is 256 characters long, and Snowplow fails an event whose uid passes 255/);
  assert.match(warnings, /url left out/);
  assert.match(warnings, /page cut to 2000 characters/);
  assert.match(warnings, /se_la cut to 4096 characters/);
});

test('se_va: a number or decimal text on a structured event, else left out with a warning; a self-describing event\'s text value warns of nothing', () => {
  const structured = (value: JsonValue) => mapped(browserEvent({ event: 'Video Played', properties: { value } }));
  assert.equal(structured(' 12.50 ').payload?.se_va, '12.5');
  assert.equal(structured(-3).payload?.se_va, '-3');
  assert.equal(structured(1e21).payload?.se_va, '1e+21', 'as JavaScript writes it, which BigDecimal reads');
  for (const value of ['12,5', 'high', '0x1f', { amount: 3 }] as JsonValue[]) {
    const result = structured(value);
    assert.equal(result.payload?.e, 'se');
    assert.equal(result.payload?.se_va, undefined, `${JSON.stringify(value)} left out`);
    assert.match((result.warnings ?? []).join(' | '), /se_va left out: .* \(properties\.value, else revenue, else total\) is not a number, and Snowplow fails a structured event whose se_va is not a decimal/);
  }
  const selfDescribing = mapped(browserEvent({ event: 'Order Completed', properties: { value: 'high', order_id: 'o-1' } }), { event_schemas: { 'Order Completed': SCHEMA }, encode_base64: false });
  assert.equal(selfDescribing.payload?.e, 'ue');
  assert.deepEqual((JSON.parse(String(selfDescribing.payload?.ue_pr)) as { data: { data: JsonValue } }).data.data, { value: 'high', order_id: 'o-1' }, 'the value in the event\'s data as it is');
  assert.deepEqual(selfDescribing.warnings ?? [], [], 'no se_va warning: the event is no structured event');
});

test('res only as Enrich reads it (<digits>x<digits> within a Java int): a fractional, text or huge screen size is left out with a warning, not sent to fail the event', () => {
  const withScreen = (screen: JsonValue) => mapped(browserEvent({ context: { screen } as CanonicalEvent['context'] }));
  assert.equal(withScreen({ width: 390, height: 844 }).payload?.res, '390x844');
  for (const screen of [{ width: 1440.5, height: 900 }, { width: 'wide', height: 900 }, { width: -1, height: 900 }, { width: 3_000_000_000, height: 900 }]) {
    const result = withScreen(screen);
    assert.ok(result.payload, 'the event is still sent');
    assert.equal(result.payload.res, undefined, JSON.stringify(screen));
    assert.match((result.warnings ?? []).join(' | '), /res left out: ".*" is not <width>x<height> in whole pixels, and Snowplow fails an event whose res is not/);
  }
});

test('send: POST to <collector>/com.snowplowanalytics.snowplow/tp2, JSON in UTF-8, a payload_data body with stm the sending time; the custom headers; a private collector allowed', () => {
  const payload = payloadOf(browserEvent({ type: 'page', event: undefined }));
  const requests = snowplow.send([{ id: 'a', event: browserEvent(), payload }, { id: 'b', event: browserEvent(), payload }], ctx({ headers: { 'X-Api-Key': 'k-123', 'Content-Type': 'text/plain' } }));
  assert.deepEqual(requests, [{
    method: 'POST', url: 'https://collector.example.com/com.snowplowanalytics.snowplow/tp2',
    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Signal-Snowplow/1.0.0', 'x-api-key': 'k-123' },
    body: { schema: PAYLOAD_DATA_SCHEMA, data: [{ ...payload, stm: String(NOW) }, { ...payload, stm: String(NOW) }] },
    eventIds: ['a', 'b'],
  }]);
  const signed = withSentTime(requests[0]!, NOW + 5000);
  assert.deepEqual((signed.body as { data: JsonObject[] }).data.map((e) => e.stm), [String(NOW + 5000), String(NOW + 5000)], 'sign: stm is the moment it is sent');
  assert.deepEqual(signed.eventIds, ['a', 'b']);
  assert.deepEqual(snowplow.sign!(requests[0]!, { ...ctx(), now: NOW + 1 }).body, withSentTime(requests[0]!, NOW + 1).body);

  assert.equal(collectorEndpointOf({ collector_url: 'https://c.example.com/' }), 'https://c.example.com/com.snowplowanalytics.snowplow/tp2');
  assert.equal(collectorEndpointOf({ collector_url: 'https://c.example.com/com.snowplowanalytics.snowplow/tp2' }), 'https://c.example.com/com.snowplowanalytics.snowplow/tp2', 'a pasted POST path is not doubled');
  assert.equal(collectorEndpointOf({ collector_url: 'https://gw.example.com/snowplow/', post_path: 'com.acme/track' }), 'https://gw.example.com/snowplow/com.acme/track', 'a gateway\'s prefix kept, a custom path');
  const micro = requestsFor([{ id: 'a', event: browserEvent(), payload }], ctx({ collector_url: 'http://localhost:9090', allow_private_targets: ['localhost'] }))[0]!;
  assert.equal(micro.url, 'http://localhost:9090/com.snowplowanalytics.snowplow/tp2');
  assert.deepEqual(micro.allowPrivateTargets, ['localhost']);
});

test('send: requests of at most 40,000 bytes (the trackers\' maxPostBytes) and 100 events; a larger event alone; one over the collector\'s 1 MB dead-lettered', () => {
  const event = browserEvent();
  const small = (i: number): MappedEvent => ({ id: `s${i}`, event, payload: { e: 'se', eid: eventIdOf(`m${i}`), se_ca: 'c', se_ac: 'a' } });
  const many = snowplow.send(Array.from({ length: 250 }, (_, i) => small(i)), ctx());
  assert.deepEqual(many.map((r) => r.eventIds.length), [100, 100, 50]);
  const big = (i: number): MappedEvent => ({ id: `b${i}`, event, payload: { e: 'se', se_ca: 'c', se_ac: 'a', se_la: 'x'.repeat(15_000) } });
  const grouped = snowplow.send([big(1), big(2), big(3), { id: 'huge', event, payload: { e: 'se', se_la: 'y'.repeat(60_000) } }, small(1)], ctx());
  assert.deepEqual(grouped.map((r) => r.eventIds), [['b1', 'b2'], ['b3'], ['huge'], ['s1']]);
  for (const request of grouped.filter((r) => r.eventIds.length > 1)) assert.ok(Buffer.byteLength(JSON.stringify(request.body)) <= TARGET_BYTES);
  assert.throws(() => snowplow.send([{ id: 'x', event, payload: { e: 'se', se_la: 'z'.repeat(MAX_BYTES) } }], ctx()), (error: unknown) => error instanceof PermanentError && /more than the 1000000 a Snowplow Collector takes/.test(error.message));
});

test('classify: 200 delivered; a web page retried; 429 and 503 retried; 413 split; 404 names the POST path; 401/403 name the headers; a redirect names the collector URL; another 4xx dead-lettered with what was said', () => {
  const request: RequestDescriptor = { method: 'POST', url: 'https://collector.example.com/com.acme/track', eventIds: ['a'] };
  assert.deepEqual(classifySnowplow(answer(200, 'ok'), request), { status: 'delivered' });
  assert.deepEqual(classifySnowplow(answer(200, ''), request), { status: 'delivered' });
  assert.equal(statusOf(classifySnowplow(answer(200, '<!DOCTYPE html><html><body>Sign in</body></html>'), request)), 'retry');
  const throttled = classifySnowplow(answer(429, 'Too Many Requests', { 'retry-after': '3' }), request);
  assert.deepEqual(throttled, { status: 'retry', reason: 'Snowplow Collector rate limit reached (HTTP 429: Too Many Requests)', retryAfterMs: 3000, throttled: true });
  assert.equal(statusOf(classifySnowplow(answer(503, 'Service Unavailable'), request)), 'retry');
  assert.equal(statusOf(classifySnowplow(answer(413, 'Payload Too Large'), request)), 'split');
  const notFound = classifySnowplow(answer(404, 'The requested resource could not be found.'), request);
  assert.equal(statusOf(notFound), 'dead_letter');
  assert.match(reasonOf(notFound), /no Snowplow Collector POST path answered at https:\/\/collector\.example\.com\/com\.acme\/track \(HTTP 404: The requested resource could not be found\.\): check config\.collector_url and config\.post_path/);
  assert.match(reasonOf(classifySnowplow(answer(403, { message: 'Forbidden' }), request)), /refused the request \(HTTP 403: Forbidden\): collectors take no credential, so check config\.headers/);
  assert.match(reasonOf(classifySnowplow(answer(301, '', { location: 'https://collector2.example.com/' }), request)), /HTTP 301 pointing to https:\/\/collector2\.example\.com\/: set config\.collector_url/);
  assert.deepEqual(classifySnowplow(answer(400, 'bad request'), request), { status: 'dead_letter', reason: 'the collector refused the request (HTTP 400): bad request' });
});

test('validateConfig: a good config passes; each bad field is named with what is expected', () => {
  assert.deepEqual(validateSnowplowConfig(BASE), []);
  assert.deepEqual(validateSnowplowConfig({ ...BASE, post_path: '/com.acme/track', namespace: 'web-1', event_schemas: { 'Order Completed': SCHEMA }, identify_schema: 'iglu:com.acme/identify/jsonschema/2-1-0', headers: { 'x-api-key': 'k' }, encode_base64: false }), []);
  assert.deepEqual(validateSnowplowConfig({ collector_url: 'http://10.0.0.5:8080', app_id: 'a', allow_private_targets: ['10.0.0.0/24'] }), []);
  const problems = (config: Record<string, JsonValue>) => validateSnowplowConfig(config).map((p) => `${p.field}: ${p.message}`).join(' | ');
  assert.match(problems({ collector_url: 'collector.example.com', app_id: 'a' }), /collector_url: is "collector\.example\.com": give your collector's absolute URL, e\.g\. https:\/\/collector\.example\.com/);
  assert.match(problems({ collector_url: 'http://collector.example.com', app_id: 'a' }), /collector_url: uses plain http to collector\.example\.com: use https/);
  assert.match(problems({ collector_url: 'https://10.1.2.3', app_id: 'a' }), /collector_url: .*allow_private_targets/);
  assert.match(problems({ collector_url: 'https://user:pw@c.example.com', app_id: 'a' }), /collector_url: must not carry a user name or password/);
  assert.match(problems({ collector_url: 'https://c.example.com?x=1', app_id: 'a' }), /collector_url: must be the collector's address without a query/);
  assert.match(problems({ ...BASE, app_id: '  ' }), /app_id: is required/);
  assert.match(problems({ ...BASE, namespace: 'a:b' }), /namespace: is "a:b": a tracker namespace may not contain a colon or a semicolon/);
  assert.match(problems({ ...BASE, post_path: '/tp2?x=1' }), /post_path: is "\/tp2\?x=1": give a path such as \/com\.snowplowanalytics\.snowplow\/tp2/);
  assert.match(problems({ ...BASE, event_schemas: { 'Order Completed': 'com.acme/order/1-0-0' } }), /event_schemas\.Order Completed: is "com\.acme\/order\/1-0-0": give an Iglu schema URI, iglu:<vendor>\/<name>\/jsonschema\/<model>-<revision>-<addition>/);
  assert.match(problems({ ...BASE, event_schemas: { ' Order Completed': SCHEMA } }), /event_schemas\. Order Completed: is keyed " Order Completed": remove the spaces/);
  assert.match(problems({ ...BASE, event_schemas: { 'Order Completed': '' } }), /event_schemas\.Order Completed: is empty/);
  assert.match(problems({ ...BASE, event_schemas: ['x'] }), /event_schemas: must be an object of track event names to Iglu schema URIs/);
  assert.match(problems({ ...BASE, identify_schema: 'iglu:com.acme/identify/jsonschema/0-1-0' }), /identify_schema: is .*give an Iglu schema URI/);
  assert.match(problems({ ...BASE, headers: { 'Content-Type': 'text/plain', 'bad header': 'x', 'x-ok': 'a\nb' } }), /headers\.Content-Type: is set by Signal itself .* \| headers\.bad header: is not a valid header name .* \| headers\.x-ok: must be text on one line/);
  assert.equal(problems({ ...BASE, headers: { 'x-ok': 'a\nSECRET' } }).includes('SECRET'), false, 'a header value is never quoted');
  // What HTTP cannot carry is refused at install, not at every delivery: a character beyond Latin-1, a control character.
  assert.match(problems({ ...BASE, headers: { 'x-api-key': 'ключ-SECRET' } }), /^headers\.x-api-key: must be text on one line, of printable ASCII or Latin-1 characters/);
  assert.match(problems({ ...BASE, headers: { 'x-api-key': 'k\u0001ey' } }), /^headers\.x-api-key: must be text on one line/);
  assert.equal(problems({ ...BASE, headers: { 'x-api-key': 'ключ-SECRET' } }).includes('SECRET'), false);
  assert.deepEqual(validateSnowplowConfig({ ...BASE, headers: { 'x-api-key': 'café\tk-1' } }), [], 'Latin-1 and a tab are header text');
  assert.match(problems({ ...BASE, encode_base64: 'yes' }), /encode_base64: must be true or false/);
});

test('configWarnings: Drop with no schema mapped; a schema of Snowplow\'s own vendor', () => {
  assert.deepEqual(snowplowConfigWarnings(BASE), []);
  assert.match(snowplowConfigWarnings({ ...BASE, unmapped_events: 'drop' }).map((w) => `${w.field}: ${w.message}`).join(), /unmapped_events: is Drop while event_schemas maps no event/);
  assert.match(snowplowConfigWarnings({ ...BASE, event_schemas: { Clicked: 'iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1' } }).map((w) => `${w.field}: ${w.message}`).join(), /event_schemas\.Clicked: is one of Snowplow's own schemas/);
});
