// Google Cloud Pub/Sub end to end: browser calls through the real collect API, the queue and the
// delivery engine, through the core's access tokens (the service account's signed assertion
// exchanged at oauth2.googleapis.com), to the vendor simulator standing in for Google's origins
// (the global endpoint and a locational one), which must receive the documented
// topics.publish request; Pub/Sub's answers injected: a 503 and a timeout retried, a
// RESOURCE_EXHAUSTED 429 retried as a rate limit using up no try, a PERMISSION_DENIED 403
// dead-lettered naming the service account and role, a schema INVALID_ARGUMENT for one message
// of three (split, that one dead-lettered, the others published), ordering keys per person through
// the locational endpoint, and a person deletion published as a notice.
import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { googleTokenEndpoint } from '../../test/helpers/google-token-endpoint.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const PROJECT = 'shop-analytics';
const SA_EMAIL = 'signal-publisher@shop-analytics.iam.gserviceaccount.com';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY_FILE = JSON.stringify({
  type: 'service_account', project_id: PROJECT, client_email: SA_EMAIL, token_uri: 'https://oauth2.googleapis.com/token',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
});
const TOKEN_PATH = '/token';
const VISITOR_IP = '203.0.113.42';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';

let sim: VendorSim;
let signal: TestSignal;
/** Access tokens the token endpoint issued: publish refuses any other. */
const issued: string[] = [];
let nextMessageId = 1000;

interface WireMessage { data: string; attributes?: Record<string, string>; orderingKey?: string }
const publishPath = (topic: string) => `/v1/projects/${PROJECT}/topics/${topic}:publish`;
const messagesOf = (request: RecordedRequest) => (request.json as { messages: WireMessage[] }).messages;
const dataOf = (message: WireMessage) => JSON.parse(Buffer.from(message.data, 'base64').toString('utf8')) as Record<string, unknown>;
const publishes = (topic: string) => sim.requests({ path: publishPath(topic) });
/** The messages the simulator received for a topic carrying this messageId, each with its request. */
const messagesFor = (topic: string, messageId: string) => publishes(topic).flatMap((request) => messagesOf(request).filter((m) => m.attributes?.message_id === messageId).map((message) => ({ request, message })));
const bearer = (request: RecordedRequest) => (request.headers.authorization ?? '').replace(/^Bearer /, '');
const googleError = (status: number, code: string, message: string): ScriptedResponse => ({ status, body: { error: { code: status, message, status: code } } });

const visitor: Visitor = { id: 'df_ps0visitor01', ip: VISITOR_IP, userAgent: UA };
const browser = (key: string, call: Record<string, unknown>, who: Visitor = visitor) => sendBrowserCall(signal, key, call, who, { timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks', title: 'Thanks' } } });
const install = (name: string, topic: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'google_pubsub', name, {
  config: { project_id: PROJECT, topic_id: topic, service_account_key: KEY_FILE, ...config },
});
/** topics.publish as Pub/Sub answers it: a message whose data has event "Bad Schema" fails the topic's schema, refusing the request. */
function publish(request: RecordedRequest): ScriptedResponse {
  if (!issued.includes(bearer(request))) return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
  const messages = messagesOf(request);
  const keys = new Set(messages.map((m) => m.orderingKey ?? ''));
  if (keys.size > 1) return googleError(400, 'INVALID_ARGUMENT', 'All messages in a publish request must have the same ordering key.');
  if (messages.some((m) => dataOf(m).event === 'Bad Schema')) return googleError(400, 'INVALID_ARGUMENT', 'Invalid data in message: Message failed schema validation.');
  return { status: 200, body: { messageIds: messages.map(() => String(nextMessageId++)) } };
}

const TOPICS = ['events', 'events-outage', 'events-timeout', 'events-quota', 'events-denied', 'events-schema', 'events-ordered', 'events-forget'];
before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', TOKEN_PATH, googleTokenEndpoint(SA_EMAIL, 'pubsub-token', issued));
  for (const topic of TOPICS) sim.setDefault('POST', publishPath(topic), publish);
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://oauth2.googleapis.com=${sim.url},https://pubsub.googleapis.com=${sim.url},https://europe-west1-pubsub.googleapis.com=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'google_pubsub', vendors: ['google_pubsub'] });
});
after(() => closeAll(signal, sim));

describe('Google Cloud Pub/Sub', () => {
  test('a browser\'s order: the service account\'s token, then the documented publish — the event\'s JSON as base64 data without contact information, the attributes', async () => {
    const { site, integrationId } = await install('Pub/Sub shop', 'events');
    const properties = { order_id: 'ORD-PS-1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com' };
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-ps-1', messageId: 'ps-order-1', properties });
    const [{ request, message }] = await waitUntil(async () => { const found = messagesFor('events', 'ps-order-1'); return found.length > 0 && found; }, 'the message');

    const [tokenRequest] = sim.requests({ path: TOKEN_PATH });
    const form = new URLSearchParams(tokenRequest!.body);
    assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    const [header, claims, signature] = form.get('assertion')!.split('.');
    assert.ok(verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature!, 'base64url')), 'signed with the service account\'s key');
    assert.equal((JSON.parse(Buffer.from(claims!, 'base64url').toString()) as { scope: string }).scope, 'https://www.googleapis.com/auth/pubsub');

    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/v1/projects/shop-analytics/topics/events:publish');
    assert.equal(request.headers.authorization, `Bearer ${issued[0]}`);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(request.json as object), ['messages']);
    assert.deepEqual(Object.keys(message), ['data', 'attributes'], 'no ordering key unless configured');
    assert.deepEqual(message.attributes, { kind: 'event', type: 'track', event: 'Order Completed', message_id: 'ps-order-1', integration_id: integrationId });
    const { receivedAt, sentAt, context, ...data } = dataOf(message);
    assert.deepEqual(data, {
      type: 'track', messageId: 'ps-order-1', timestamp: CALL_TIMESTAMP, event: 'Order Completed', userId: 'u-ps-1', anonymousId: visitor.id,
      properties: { order_id: 'ORD-PS-1', revenue: 74.97, currency: 'EUR' },
    });
    assert.ok(Math.abs(Date.parse(String(receivedAt)) - Date.now()) < 60_000, 'receivedAt is the server\'s stamp');
    assert.equal(sentAt, undefined, 'the browser call sent no sentAt');
    const ctx = context as { ip?: string; userAgent: string; page: { url: string; path: string } };
    assert.deepEqual([ctx.ip, ctx.userAgent, ctx.page.url, ctx.page.path], [undefined, UA, 'https://shop.example.com/thanks', '/thanks'], 'no IP, no query string');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
  });

  test('a 503 UNAVAILABLE is retried, then published once', async () => {
    const { site, integrationId } = await install('Pub/Sub outage', 'events-outage');
    sim.script('POST', publishPath('events-outage'), [googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.')]);
    await browser(site.key, { type: 'track', event: 'Outage', userId: 'u-ps-2', messageId: 'ps-503-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
    assert.equal(messagesFor('events-outage', 'ps-503-1').length, 2, 'the 503, then the publish; not sent after the success');
  });

  test('a publish that times out is retried, then published', async () => {
    const { site, integrationId } = await install('Pub/Sub timeout', 'events-timeout');
    sim.script('POST', publishPath('events-timeout'), [{ hang: true }]);
    await browser(site.key, { type: 'track', event: 'Slow', userId: 'u-ps-3', messageId: 'ps-timeout-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered after the timeout');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
    assert.equal(messagesFor('events-timeout', 'ps-timeout-1').length, 2);
  });

  test('RESOURCE_EXHAUSTED (429) is retried as a rate limit, using up no try, then published', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Pub/Sub quota', 'events-quota');
    const limited: ScriptedResponse = { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 429, message: 'Quota exceeded for quota metric \'Publisher throughput\' and limit \'Regional publisher throughput per minute per region\'', status: 'RESOURCE_EXHAUSTED' } } };
    // Six refusals: as many as the tries an event has, so a throttle counted as a try would dead-letter it.
    sim.script('POST', publishPath('events-quota'), Array.from({ length: 6 }, () => limited));
    await browser(site.key, { type: 'track', event: 'Busy', userId: 'u-ps-4', messageId: 'ps-quota-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'published after the quota', 30_000);
    assert.equal(messagesFor('events-quota', 'ps-quota-1').length, 7, 'six refusals, then the publish');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('PERMISSION_DENIED (403) is dead-lettered at once, naming the service account and the role to grant', async () => {
    const { site, integrationId } = await install('Pub/Sub denied', 'events-denied');
    sim.script('POST', publishPath('events-denied'), [googleError(403, 'PERMISSION_DENIED', 'User not authorized to perform this action.')]);
    await browser(site.key, { type: 'track', event: 'Denied', userId: 'u-ps-5', messageId: 'ps-403-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'ps-403-1');
    assert.equal(letter.attempts, 1);
    assert.equal(letter.reason, `Pub/Sub denied the publish (HTTP 403 PERMISSION_DENIED: User not authorized to perform this action.): grant ${SA_EMAIL} the Pub/Sub Publisher role (roles/pubsub.publisher) on the topic projects/shop-analytics/topics/events-denied, and check config.project_id and the topic id; then replay the dead letters`);
  });

  test('a schema refusal of one message of three: the request sent in halves, that message dead-lettered with Google\'s words, the others published', async () => {
    const { site, integrationId } = await install('Pub/Sub schema', 'events-schema');
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['Good One', 'Bad Schema', 'Good Two'].map((event, i) => ({ type: 'track', event, userId: 'u-ps-6', messageId: `ps-schema-${i}`, timestamp: CALL_TIMESTAMP })) }),
    });
    assert.equal(res.status, 200, await res.text());
    const letter = await waitForDeadLetter(signal, integrationId, 'ps-schema-1');
    assert.equal(letter.reason, 'Pub/Sub refused this message (HTTP 400 INVALID_ARGUMENT: Invalid data in message: Message failed schema validation.): when the topic has a schema, the blueprint\'s JSON must match it; else leave out what Google names with a pipeline transformation or the blueprint\'s exclude, then replay');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two published');
    assert.deepEqual(messagesOf(publishes('events-schema')[0]!).map((m) => m.attributes?.message_id), ['ps-schema-0', 'ps-schema-1', 'ps-schema-2'], 'first one request of the three');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 2, deadLettered: 1 });
  });

  test('ordering keys per person through the locational endpoint: one person\'s messages per request, keyed by the visitor id', async () => {
    const { site, integrationId } = await install('Pub/Sub ordered', 'events-ordered', { ordering_key: 'person', endpoint_location: 'europe-west1' });
    const other: Visitor = { id: 'df_ps0visitor02', ip: '203.0.113.43', userAgent: UA };
    await browser(site.key, { type: 'page', name: 'Home', messageId: 'ps-ord-1' });
    await browser(site.key, { type: 'page', name: 'Home', messageId: 'ps-ord-2' }, other);
    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'u-ps-7', messageId: 'ps-ord-3' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 3 || undefined, 'all three published');
    const keyed = ['ps-ord-1', 'ps-ord-2', 'ps-ord-3'].map((id) => messagesFor('events-ordered', id)[0]!);
    assert.deepEqual(keyed.map(({ message }) => message.orderingKey), [visitor.id, other.id, visitor.id]);
    assert.deepEqual(keyed[0]!.message.attributes, { kind: 'event', type: 'page', name: 'Home', message_id: 'ps-ord-1', integration_id: integrationId });
    for (const { request } of keyed) assert.equal(new Set(messagesOf(request).map((m) => m.orderingKey)).size, 1, 'one ordering key a request, as Pub/Sub requires');
    assert.equal(sim.count({ path: publishPath('events-ordered') }), publishes('events-ordered').length);
  });

  test('a person deletion with deletion notices on: a notice published for the consumers, after the person\'s events; off, none', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Pub/Sub deletions', 'events-forget', { deletion_notices: true });
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-ps-forget', messageId: 'ps-forget-1' });
    await waitUntil(async () => messagesFor('events-forget', 'ps-forget-1')[0], 'the event');
    const before = publishes('events-forget').length;

    const [vendor] = await deletePerson(signal, site.id, { userId: 'u-ps-forget', anonymousId: visitor.id });
    assert.deepEqual({ ...vendor, message: undefined }, { integrationId, vendor: 'google_pubsub', status: 'sent', responseStatus: 200, message: undefined });
    assert.match(String(vendor!.message), /^Pub\/Sub published the deletion notice \(message \d+\) to projects\/shop-analytics\/topics\/events-forget: your consumers delete the person$/);
    const [notice] = publishes('events-forget').slice(before);
    assert.match(notice!.headers.authorization ?? '', /^Bearer ya29\.pubsub-token-\d+$/);
    const [message] = messagesOf(notice!);
    assert.deepEqual(message!.attributes, { kind: 'person_deletion', integration_id: integrationId });
    const { requestedAt, ...data } = dataOf(message!);
    assert.deepEqual(data, { kind: 'person_deletion', userId: 'u-ps-forget', anonymousId: visitor.id });
    assert.ok(Math.abs(Date.parse(String(requestedAt)) - Date.now()) < 60_000);

    const quiet = await install('Pub/Sub no notices', 'events');
    const [skipped] = await deletePerson(signal, quiet.site.id, { userId: 'u-ps-forget' }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'google_pubsub', status: 'skipped' });
  });
});
