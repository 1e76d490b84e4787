// Splunk end to end: browser calls through the real collect API, the queue and the delivery
// engine, to the vendor simulator standing in for HEC on Splunk Cloud Platform
// (https://http-inputs-acme.splunkcloud.com) and on a Splunk Enterprise instance
// (https://splunk.example.com:8088), redirected from their https origins. The simulator answers
// as HEC does — `{"text":"Success","code":0}`, an `ackId` for a token with indexer
// acknowledgment, its status codes for a refused token, index or event — and keeps the events
// it indexed per index, so the tests see what Splunk holds: the documented request (the
// token, the event objects with time, metadata, the record and indexed fields); a 500 retried;
// HEC busy (503, code 9) retried as a rate limit using up no try; a timeout retried; an
// unknown token and a wrong index dead-lettered at once, naming the config fields; one event
// HEC cannot read dead-lettered alone while the others are indexed; indexer acknowledgment
// followed up on the request's channel, gzip bodies; and a person deletion, which Splunk has no
// API for, forwarded nowhere.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, exchangeOutcomes, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const CLOUD = 'https://http-inputs-acme.splunkcloud.com';
const ENTERPRISE = 'https://splunk.example.com:8088';
const TOKEN = '12345678-9abc-4def-8123-456789abcdef';
const ACK_TOKEN = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const VISITOR_IP = '203.0.113.42';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';
const CALL_TIME = 1796039998.25;

let sim: VendorSim;
let signal: TestSignal;

type HecEvent = { time?: number; host?: string; source?: string; sourcetype?: string; index?: string; event: Record<string, unknown>; fields?: Record<string, string> };
/** What the simulated Splunk holds: events by index; answers queued per index; acks per channel. */
const indexes = new Map<string, HecEvent[]>();
const queued = new Map<string, Array<ScriptedResponse | 'index-then-hang'>>();
const acks = new Map<string, Map<number, { polls: number }>>();
let nextAckId = 0;

const hec = (status: number, code: number, text: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): ScriptedResponse => ({ status, body: { text, code, ...extra }, headers: { 'content-type': 'application/json; charset=UTF-8', ...headers } });

/** The event objects of a body: JSON objects one after another, as HEC reads them. */
function eventsOf(request: RecordedRequest): HecEvent[] {
  const events: HecEvent[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  const text = request.body;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') { if (depth === 0) start = i; depth += 1; }
    else if (ch === '}') { depth -= 1; if (depth === 0) events.push(JSON.parse(text.slice(start, i + 1)) as HecEvent); }
  }
  return events;
}
const posts = (index: string) => sim.requests({ method: 'POST', path: '/services/collector/event' }).filter((request) => eventsOf(request).some((event) => event.index === index));
const stored = (index: string, messageId: string) => (indexes.get(index) ?? []).filter((event) => event.event.message_id === messageId);

/** HEC's answer to an event request. */
function collect(request: RecordedRequest): ScriptedResponse {
  const token = /^Splunk (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (token === undefined) return hec(401, 2, 'Token is required');
  if (token !== TOKEN && token !== ACK_TOKEN) return hec(403, 4, 'Invalid token');
  const channel = request.headers['x-splunk-request-channel'];
  if (token === ACK_TOKEN && channel === undefined) return hec(400, 10, 'Data channel is missing');
  const events = eventsOf(request);
  const index = events[0]!.index ?? 'main';
  const next = queued.get(index)?.shift();
  if (next !== undefined && next !== 'index-then-hang') return next;
  if (index === 'not_allowed') return hec(400, 7, 'Incorrect index');
  // HEC stops at an event it cannot read: a time that is not a number.
  const bad = events.findIndex((event) => event.event.properties !== undefined && (event.event.properties as Record<string, unknown>).break_me === true);
  const taken = bad === -1 ? events : events.slice(0, bad);
  indexes.set(index, [...(indexes.get(index) ?? []), ...taken]);
  if (bad !== -1) return hec(400, 6, 'Invalid data format', { 'invalid-event-number': bad });
  if (next === 'index-then-hang') return { hang: true };
  if (token === ACK_TOKEN) {
    const ackId = nextAckId++;
    const pending = acks.get(channel!) ?? new Map<number, { polls: number }>();
    pending.set(ackId, { polls: 0 });
    acks.set(channel!, pending);
    return hec(200, 0, 'Success', { ackId });
  }
  return hec(200, 0, 'Success');
}

const visitor: Visitor = { id: 'df_splunk0visitor', ip: VISITOR_IP, userAgent: UA };
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks', title: 'Thanks' } } });
const install = (name: string, index: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'splunk', name, {
  config: { url: CLOUD, token: TOKEN, index, ...config },
});
const batch = (key: string, events: Array<Record<string, unknown>>) => sendServerBatch(signal, key, events, { timestamp: CALL_TIMESTAMP });
const delivered = (integrationId: string, count: number, timeoutMs?: number) => waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === count || undefined, `${count} delivered`, timeoutMs);

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', '/services/collector/event', collect);
  sim.setDefault('POST', '/services/collector/ack', (request) => {
    const channel = request.query.channel;
    if (channel === undefined || request.headers['x-splunk-request-channel'] !== channel) return hec(400, 10, 'Data channel is missing');
    const pending = acks.get(channel);
    const asked = ((request.json as { acks?: number[] } | undefined)?.acks ?? []);
    const answer: Record<string, boolean> = {};
    for (const id of asked) {
      const ack = pending?.get(id);
      if (ack === undefined) { answer[id] = false; continue; }
      // Indexed by the second query: the first answers false.
      ack.polls += 1;
      answer[id] = ack.polls >= 2;
    }
    return { status: 200, body: { acks: answer } };
  });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `${CLOUD}=${sim.url},${ENTERPRISE}=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1',
    // A hung request is given up after this long (then retried).
    SIGNAL_HTTP_TIMEOUT_MS: '1500',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'splunk', vendors: ['splunk'] });
});
after(() => closeAll(signal, sim));

describe('Splunk HEC', () => {
  test('a browser\'s order: the documented event request — Authorization: Splunk <token>, one event object with time, metadata, the record and indexed fields, without contact information', async () => {
    // A sourcetype of its own (search-time extraction), so indexed fields are worth sending (_json would index every field already).
    const { site, integrationId } = await install('Splunk shop', 'web_order', { source: 'signal', host: 'signal.example.com', sourcetype: 'signal:event', indexed_fields: ['type', 'event', 'anonymous_id'] });
    const properties = { order_id: 'ORD-SPL-1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com', products: [{ product_id: 'SKU-1', price: 74.97, quantity: 1 }] };
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-spl-1', messageId: 'spl-order-1', properties });
    await delivered(integrationId, 1);
    const [request, ...more] = posts('web_order');
    assert.equal(more.length, 0);
    assert.equal(request!.method, 'POST');
    assert.equal(request!.path, '/services/collector/event');
    assert.deepEqual(request!.queryPairs, []);
    assert.equal(request!.headers.authorization, `Splunk ${TOKEN}`);
    assert.equal(request!.headers['content-type'], 'application/json');
    assert.equal(request!.headers['x-splunk-request-channel'], undefined, 'no channel without indexer acknowledgment');
    const [event, ...others] = eventsOf(request!);
    assert.equal(others.length, 0);
    const { received_at: receivedAt, context, ...record } = event!.event;
    assert.deepEqual({ ...event, event: record }, {
      time: CALL_TIME, host: 'signal.example.com', source: 'signal', sourcetype: 'signal:event', index: 'web_order',
      event: {
        message_id: 'spl-order-1', type: 'track', event: 'Order Completed', user_id: 'u-spl-1', anonymous_id: visitor.id, timestamp: CALL_TIMESTAMP,
        properties: { order_id: 'ORD-SPL-1', revenue: 74.97, currency: 'EUR', products: [{ product_id: 'SKU-1', price: 74.97, quantity: 1 }] },
      },
      fields: { type: 'track', event: 'Order Completed', anonymous_id: visitor.id },
    });
    assert.match(String(receivedAt), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const { page, userAgent, ip } = context as { page: { url: string }; userAgent: string; ip?: string };
    assert.deepEqual([page.url, userAgent, ip], ['https://shop.example.com/thanks', UA, undefined], 'no IP, no query string: include_contact_info is off');
    assert.ok(!request!.body.includes('jane'), 'no email anywhere in the request');
    assert.equal(stored('web_order', 'spl-order-1').length, 1);
  });

  test('a 500 (code 8) is retried, then indexed once', async () => {
    const { site, integrationId } = await install('Splunk 500', 'web_500');
    queued.set('web_500', [hec(500, 8, 'Internal server error')]);
    await browser(site.key, { type: 'track', event: 'Woke', userId: 'u-spl-2', messageId: 'spl-500-1' });
    await delivered(integrationId, 1);
    assert.equal(posts('web_500').length, 2, 'the 500, then the request again');
    // The default config: sourcetype _json (every field indexed by Splunk), so no HEC fields.
    assert.deepEqual(Object.keys(eventsOf(posts('web_500')[1]!)[0]!), ['time', 'sourcetype', 'index', 'event']);
    assert.equal(eventsOf(posts('web_500')[1]!)[0]!.sourcetype, '_json');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
    assert.equal(stored('web_500', 'spl-500-1').length, 1);
  });

  test('HEC busy (503, code 9) and a 429 are rate limits: retried using up no try, then indexed', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Splunk busy', 'web_busy');
    // Seven refusals: more than the tries an event has, so a throttle counted as a try would dead-letter it.
    const busy = hec(503, 9, 'Server is busy');
    queued.set('web_busy', [busy, busy, hec(503, 9, 'Server is busy', {}, { 'retry-after': '1' }), busy, { status: 429, body: { text: 'Too many requests' }, headers: { 'retry-after': '1' } }, busy, busy]);
    await browser(site.key, { type: 'track', event: 'Busy', userId: 'u-spl-3', messageId: 'spl-busy-1' });
    await delivered(integrationId, 1, 45_000);
    assert.equal(posts('web_busy').length, 8, 'seven refusals, then the request');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
    assert.equal(stored('web_busy', 'spl-busy-1').length, 1);
  });

  test('a timeout is retried, then delivered', async () => {
    const { site, integrationId } = await install('Splunk timeout', 'web_timeout');
    queued.set('web_timeout', [{ hang: true }]);
    await browser(site.key, { type: 'track', event: 'Slow', userId: 'u-spl-4', messageId: 'spl-timeout-1' });
    await delivered(integrationId, 1, 30_000);
    const [first, second] = posts('web_timeout');
    assert.ok(second, 'sent again after the timeout');
    assert.equal(second.body, first!.body, 'the same events');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
  });

  test('an unknown token and an index the token may not write to are dead-lettered at once, naming the config fields', async () => {
    const wrong = await install('Splunk wrong token', 'web_order', { token: 'ffffffff-0000-4000-8000-000000000000' });
    await browser(wrong.site.key, { type: 'track', event: 'Locked Out', userId: 'u-spl-5', messageId: 'spl-auth-1' });
    const denied = await waitForDeadLetter(signal, wrong.integrationId, 'spl-auth-1');
    assert.equal(denied.attempts, 1);
    assert.equal(denied.reason, 'HEC does not know the token (HTTP 403, code 4: Invalid token): check config.token (the Token Value shown in Settings > Data Inputs > HTTP Event Collector, of a token not deleted) and that config.url is the same Splunk deployment\'s HEC; then replay the dead letters');
    assert.ok(!denied.reason.includes('ffffffff'));

    const index = await install('Splunk wrong index', 'not_allowed');
    await browser(index.site.key, { type: 'page', name: 'Home', messageId: 'spl-index-1' });
    const letter = await waitForDeadLetter(signal, index.integrationId, 'spl-index-1');
    assert.equal(letter.attempts, 1);
    assert.equal(letter.reason, 'HEC refused the index (HTTP 400, code 7: Incorrect index): config.index (not_allowed) must exist and be one of the token\'s Allowed Indexes (Settings > Data Inputs > HTTP Event Collector, Edit); then replay the dead letters');
  });

  test('one event HEC cannot read (code 6, invalid-event-number): dead-lettered alone, sent once; the others of its request indexed', async () => {
    const { site, integrationId } = await install('Splunk bad event', 'web_bad');
    await batch(site.key, [
      { type: 'track', event: 'Viewed', userId: 'u-spl-6', messageId: 'spl-bad-0', properties: { n: 0 } },
      { type: 'track', event: 'Viewed', userId: 'u-spl-6', messageId: 'spl-bad-1', properties: { break_me: true } },
      { type: 'track', event: 'Viewed', userId: 'u-spl-6', messageId: 'spl-bad-2', properties: { n: 2 } },
    ]);
    const letter = await waitForDeadLetter(signal, integrationId, 'spl-bad-1');
    assert.equal(letter.attempts, 1, 'not retried: HEC refuses it every time');
    assert.equal(letter.reason, 'HEC could not read this event (HTTP 400, code 6: Invalid data format): check what the blueprint maps to it (a time Splunk cannot read, a value it refuses), then replay the dead letter');
    await delivered(integrationId, 2);
    const carrying = posts('web_bad').filter((request) => eventsOf(request).some((event) => event.event.message_id === 'spl-bad-1'));
    assert.equal(carrying.length, 1, 'the refused event sent once');
    assert.equal(stored('web_bad', 'spl-bad-2').length, 1, 'the event after it indexed');
    assert.ok(stored('web_bad', 'spl-bad-0').length >= 1, 'the event before it indexed (again, as HEC does not say whether it was)');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 2, retried: 0, deadLettered: 1 }, 'sent again at once, using no try');
    const others = eventsOf(carrying[0]!).map((event) => String(event.event.message_id)).filter((id) => id !== 'spl-bad-1');
    assert.ok(others.length > 0, 'the refused event shared its request with others');
    for (const id of others) assert.deepEqual((await exchangeOutcomes(signal, site.id, integrationId, id)).at(-1), 'delivered', `${id}: sent again and indexed in the same delivery`);
    assert.match((await exchangeOutcomes(signal, site.id, integrationId, others[0]!))[0]!, /^partial: 0 delivered, 0 retry, 1 dead_letter, [12] sent again$/);
  });

  test('Splunk Enterprise with indexer acknowledgment and gzip: the channel sent, the ackId followed up on it until indexed, the report in the delivery log', async () => {
    const { site, integrationId } = await installOnNewPipeline(signal, 'splunk', 'Splunk Enterprise ack', {
      config: { url: ENTERPRISE, token: ACK_TOKEN, index: 'web_ack', indexer_acknowledgment: true, gzip: true },
    });
    await browser(site.key, { type: 'track', event: 'Acked', userId: 'u-spl-7', messageId: 'spl-ack-1' });
    await delivered(integrationId, 1);
    const [request] = posts('web_ack');
    const channel = request!.headers['x-splunk-request-channel'];
    assert.match(channel ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(request!.headers['content-encoding'], 'gzip');
    assert.equal(eventsOf(request!)[0]!.event.message_id, 'spl-ack-1', 'the body, once decompressed');

    type Exchange = { eventIds: string[]; outcome: string; error: string | null; responseStatus: number | null; request: { url: string; headers: Record<string, string>; body: unknown } };
    const report = await waitUntil(async () => {
      const { body } = await signal.graphql<{ deliveryLog: Exchange[] }>('query($id: ID!) { deliveryLog(integrationId: $id, limit: 20) { eventIds outcome error responseStatus request } }', { id: integrationId });
      return body.data!.deliveryLog.find((e) => e.outcome === 'report');
    }, 'the indexer acknowledgment report', 30_000);
    assert.deepEqual(report.eventIds, ['spl-ack-1']);
    assert.equal(report.responseStatus, 200);
    const queries = sim.requests({ method: 'POST', path: '/services/collector/ack' }).filter((query) => query.query.channel === channel);
    assert.equal(queries.length, 2, 'false at first, asked again, then true');
    assert.equal(queries[0]!.headers.authorization, `Splunk ${ACK_TOKEN}`);
    assert.equal(queries[0]!.headers['x-splunk-request-channel'], channel);
    const ackId = (queries[0]!.json as { acks: number[] }).acks[0];
    assert.equal(typeof ackId, 'number');
    assert.equal(report.error, `Splunk indexed the request's events (ackId ${ackId})`);
    assert.deepEqual(report.request, {
      method: 'POST', url: `${ENTERPRISE}/services/collector/ack?channel=${channel}`,
      headers: { authorization: '[REDACTED]', 'content-type': 'application/json', 'x-splunk-request-channel': channel }, body: { acks: [ackId] },
    }, 'the ack query as logged, the token hidden');
  });

  test('a token with indexer acknowledgment but the switch off: dead-lettered naming config.indexer_acknowledgment', async () => {
    const { site, integrationId } = await installOnNewPipeline(signal, 'splunk', 'Splunk no channel', { config: { url: ENTERPRISE, token: ACK_TOKEN, index: 'web_nochannel' } });
    await browser(site.key, { type: 'track', event: 'Unacked', userId: 'u-spl-8', messageId: 'spl-nochannel-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'spl-nochannel-1');
    assert.equal(letter.reason, 'HEC wants a data channel (HTTP 400, code 10: Data channel is missing): the token has indexer acknowledgment on — turn on config.indexer_acknowledgment, or clear Enable indexer acknowledgment on the token; then replay the dead letters');
  });

  test('a person deletion: Splunk has no deletion API, so nothing is sent to it', { timeout: 60_000 }, async () => {
    const { site } = await install('Splunk deletions', 'web_forget');
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-spl-forget', messageId: 'spl-forget-1' });
    await waitUntil(async () => stored('web_forget', 'spl-forget-1')[0], 'the event');
    const before = sim.requests().length;
    const vendors = await deletePerson(signal, site.id, { userId: 'u-spl-forget', anonymousId: visitor.id }, ['vendor', 'status', 'message']);
    assert.deepEqual(vendors, [{ vendor: 'splunk', status: 'skipped', message: 'Signal cannot forward deletions to Splunk (HTTP Event Collector): delete the person there with its own tools' }]);
    assert.equal(sim.requests().length, before, 'no request reached Splunk');
  });
});
