// Kit end to end: browser calls through the real collect API, the pipeline stage, the queue
// and the delivery engine; the vendor simulator stands in for https://api.kit.com and must
// receive the requests Kit's API v4 reference documents: POST /v4/subscribers, POST
// /v4/tags/{tag_id}/subscribers, and for an opted-in deletion GET /v4/subscribers?email_address=…
// then POST /v4/subscribers/{id}/unsubscribe.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const KEY = 'kit_0d5f3f526b7e4a539c335a3c1f7e2b41';
const SUBSCRIBERS = '/v4/subscribers';
const TAG = '/v4/tags/4120/subscribers';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const SUBSCRIBER = { id: 288, first_name: 'Jane', email_address: 'jane@example.com', state: 'active', created_at: '2023-02-17T11:43:55Z', fields: {} };

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.kit.com=${sim.url}`,
  }, { label: 'kit', vendors: ['kit'] });
  sim.setDefault('POST', SUBSCRIBERS, { status: 201, body: { subscriber: SUBSCRIBER } });
  sim.setDefault('POST', TAG, { status: 201, body: { subscriber: { ...SUBSCRIBER, tagged_at: '2023-02-17T11:43:55Z' } } });
  sim.setDefault('GET', SUBSCRIBERS, { status: 200, body: { subscribers: [], pagination: { has_previous_page: false, has_next_page: false, start_cursor: null, end_cursor: null, per_page: 500 } } });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_kit0000visitor', ip: '203.0.113.42' };
const CONFIG = { api_key: KEY, custom_fields: { last_name: 'last_name', 'company.name': 'company' }, event_tags: { 'Signed Up': 4120 } };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'kit', name, { config: { ...CONFIG, ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
const bodyOf = (request: RecordedRequest) => request.json as Record<string, unknown>;
const subscribersOf = (email: string) => sim.requests({ path: SUBSCRIBERS }).filter((request) => request.method === 'POST' && bodyOf(request).email_address === email);
const taggingsOf = (email: string) => sim.requests({ path: TAG }).filter((request) => bodyOf(request).email_address === email);

describe('Kit', () => {
  test('an identify to POST /v4/subscribers and a mapped track to POST /v4/tags/{tag_id}/subscribers, exactly as Kit documents them, with the X-Kit-Api-Key header', async () => {
    const { site, integrationId } = await installed('Kit');
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'kit-identify-1', traits: { email: 'Jane@Example.com', firstName: 'Jane', last_name: 'Doe', plan: 'pro', company: { name: 'Acme' } } });
    await sim.waitFor((requests) => requests.some((r) => r.method === 'POST' && bodyOf(r).email_address === 'Jane@Example.com'), 15_000, { path: SUBSCRIBERS });
    const [subscriber] = subscribersOf('Jane@Example.com');
    assert.equal(subscriber!.headers['x-kit-api-key'], KEY);
    assert.equal(subscriber!.headers.authorization, undefined, 'the key goes in Kit\'s own header only');
    assert.match(subscriber!.headers['content-type']!, /^application\/json/);
    assert.deepEqual(subscriber!.json, { email_address: 'Jane@Example.com', first_name: 'Jane', state: 'active', fields: { last_name: 'Doe', company: 'Acme' } }, 'marketing consent: active if Kit creates them; plan is not mapped');

    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'user-123', messageId: 'kit-track-1', properties: { plan: 'pro' } });
    await browser(site.key, { type: 'track', event: 'Logged In', userId: 'user-123', messageId: 'kit-track-2' });
    await sim.waitFor((requests) => requests.length > 0, 15_000, { path: TAG });
    const [tagging] = taggingsOf('Jane@Example.com');
    assert.equal(tagging!.method, 'POST');
    assert.equal(tagging!.headers['x-kit-api-key'], KEY);
    assert.deepEqual(tagging!.json, { email_address: 'Jane@Example.com' }, 'the email Signal remembers from the identify');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the identify and the tagging delivered');
    assert.equal(sim.requests().some((r) => r.path.startsWith('/v4/') && JSON.stringify(r.json ?? {}).includes('Logged In')), false, 'a track call without a tag is never sent');
  });

  test('without marketing consent (an install that does not gate on it) a new subscriber is inactive, never active', async () => {
    const { site } = await installOnNewPipeline(signal, 'kit', 'Kit no consent', { config: CONFIG });
    await sendBrowserCall(signal, site.key, { type: 'identify', userId: 'user-nc', messageId: 'kit-nc-1', traits: { email: 'nc@example.com' } }, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).email_address === 'nc@example.com'), 15_000, { path: SUBSCRIBERS });
    assert.deepEqual(subscribersOf('nc@example.com')[0]!.json, { email_address: 'nc@example.com', state: 'inactive' });
  });

  test('a 429 (no Retry-After, as Kit sends it), a 500 and a timeout are retried, then delivered once', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Kit retried');
    sim.script('POST', SUBSCRIBERS, [
      { status: 429, body: { errors: ['Too many requests'] } },
      { status: 500, body: { errors: ['Internal server error'] } },
      reply.hang(),
      { status: 200, body: { subscriber: { ...SUBSCRIBER, email_address: 'retry@example.com' } } },
    ]);
    await browser(site.key, { type: 'identify', userId: 'user-retry', messageId: 'kit-retried-1', traits: { email: 'retry@example.com' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 45_000);
    assert.equal(subscribersOf('retry@example.com').length, 4, 'the 429, the 500, the timeout, then the success; nothing after it');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
  });

  test('a 422 is dead-lettered at once with Kit\'s errors; a tagging refused is tried again, then dead-lettered saying the subscriber must exist; a refused key (401) names config.api_key', async () => {
    const { site, integrationId } = await installed('Kit refused');
    sim.script('POST', SUBSCRIBERS, [{ status: 422, body: { errors: ['Email address is invalid'] } }]);
    await browser(site.key, { type: 'identify', userId: 'user-422', messageId: 'kit-422', traits: { email: 'bad@example.com' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'kit-422');
    assert.equal(letter.attempts, 1, 'not retried: Kit refused it for good');
    assert.equal(letter.reason, 'Kit refused the subscriber (HTTP 422: Email address is invalid)');

    sim.script('POST', TAG, Array.from({ length: 6 }, () => ({ status: 404, body: { errors: ['Not Found'] } })));
    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'user-404', messageId: 'kit-404', context: { traits: { email: 'never-identified@example.com' } } });
    const untagged = await waitForDeadLetter(signal, integrationId, 'kit-404');
    assert.equal(untagged.attempts, 6, 'tried again on the retry schedule: the identify may have been on its way');
    assert.match(untagged.reason, /^gave up after 6 tries: Kit refused the tagging \(tag 4120\) \(HTTP 404: Not Found\): Kit tags existing subscribers only — the person's identify with traits\.email creates the subscriber/);

    sim.script('POST', SUBSCRIBERS, [{ status: 401, body: { errors: ['The access token is invalid'] } }]);
    await browser(site.key, { type: 'identify', userId: 'user-401', messageId: 'kit-401', traits: { email: 'key@example.com' } });
    const refused = await waitForDeadLetter(signal, integrationId, 'kit-401');
    assert.equal(refused.attempts, 1, 'not retried: resending cannot help');
    assert.match(refused.reason, /^Kit refused the API key \(HTTP 401: The access token is invalid\): check config\.api_key/);
  });

  test('a tagging that reaches Kit before the identify creating the subscriber (404) is tried again, then delivered', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Kit tag race');
    sim.script('POST', TAG, [{ status: 404, body: { errors: ['Not Found'] } }, { status: 404, body: { errors: ['Not Found'] } }]);
    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'user-race', messageId: 'kit-race-1', context: { traits: { email: 'race@example.com' } } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the tagging delivered on its third try', 45_000);
    assert.equal(taggingsOf('race@example.com').length, 3, 'two refusals, then the tagging Kit accepted; nothing after it');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
  });

  test('page views and anonymous visitors\' identifies (no email) are not sent', async () => {
    const { site, integrationId } = await installed('Kit not sent');
    await browser(site.key, { type: 'page', name: 'Home', userId: 'user-page', messageId: 'kit-page-1' });
    await browser(site.key, { type: 'identify', userId: 'user-noemail', messageId: 'kit-noemail-1', traits: { firstName: 'Nomail' } });
    await browser(site.key, { type: 'identify', userId: 'user-after', messageId: 'kit-after-1', traits: { email: 'after@example.com' } });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).email_address === 'after@example.com'), 15_000, { path: SUBSCRIBERS });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'only the identify with an email delivered');
    assert.equal(sim.requests({ path: SUBSCRIBERS }).some((r) => bodyOf(r)?.first_name === 'Nomail'), false);
  });

  test('person deletions (opt-in): a lookup by the email Signal knew, then POST /v4/subscribers/{id}/unsubscribe, said not to delete; off by default', { timeout: 60_000 }, async () => {
    const off = await installed('Kit deletions off');
    const [notForwarded] = await deletePerson(signal, off.site.id, { userId: 'u-off' });
    assert.notEqual(notForwarded?.status, 'sent', 'off by default: nothing sent to Kit');

    const { site, integrationId } = await installed('Kit deletions', { unsubscribe_on_deletion: true });
    await browser(site.key, { type: 'identify', userId: 'u-gus-0042', messageId: 'kit-del-traits', traits: { email: 'Gus.Gone@Example.com', firstName: 'Gus' } });
    await sim.waitFor((requests) => requests.some((r) => r.method === 'POST' && bodyOf(r).email_address === 'Gus.Gone@Example.com'), 15_000, { path: SUBSCRIBERS });
    sim.script('GET', SUBSCRIBERS, [{ status: 200, body: { subscribers: [{ ...SUBSCRIBER, id: 1201, email_address: 'gus.gone@example.com' }], pagination: { has_previous_page: false, has_next_page: false, start_cursor: null, end_cursor: null, per_page: 500 } } }]);
    sim.setDefault('POST', '/v4/subscribers/1201/unsubscribe', { status: 204 });
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-gus-0042', anonymousId: visitor.id });
    assert.equal(sent!.integrationId, integrationId);
    assert.equal(sent!.vendor, 'kit');
    assert.equal(sent!.status, 'sent');
    assert.match(String(sent!.message), /not deleted: Kit's API cannot delete a subscriber/);
    const lookups = sim.requests({ path: SUBSCRIBERS }).filter((r) => r.method === 'GET');
    assert.deepEqual(lookups.at(-1)!.queryPairs, [['email_address', 'gus.gone@example.com'], ['status', 'all']]);
    assert.equal(lookups.at(-1)!.headers['x-kit-api-key'], KEY);
    const unsubscribed = sim.requests({ path: '/v4/subscribers/1201/unsubscribe' });
    assert.equal(unsubscribed.length, 1);
    assert.equal(unsubscribed[0]!.method, 'POST');

    const [skipped] = await deletePerson(signal, site.id, { anonymousId: 'df_kit_never_identified' });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /^the plugin sends Kit subscribers by email address only/);
  });

  test('an install tagging with a tag\'s name for its id is refused, naming the field and what it expects in words', async () => {
    const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/kit/install`, {
      method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Kit tag name', variant: 'default', config: { api_key: KEY, event_tags: { 'Signed Up': 'Customers' } } }),
    });
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as { error: { code: string; fields?: Array<{ field: string; message: string }> } };
    assert.equal(error.code, 'SIGNAL_INVALID_CONFIG');
    assert.deepEqual(error.fields, [{ field: 'config.event_tags', message: 'tags "Signed Up" with "Customers", which is no Kit tag id: give the tag\'s id (a whole number such as 4120: Subscribers > Tags, the id in the tag\'s URL, or GET /v4/tags), not its name' }]);
  });
});
