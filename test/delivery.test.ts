import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import webhook from '../plugins/webhook/index.ts';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from './vendor-sim/vendor-sim.ts';
import { fixturePlugin, pluginSet } from './helpers/fixture-plugin.ts';
import { waitUntil } from './helpers/wait.ts';
import type { JsonObject, PluginDefinition } from '../core/sdk/index.ts';
import { basic, startTestSignal, type TestSignal } from './helpers/signal.ts';
import { closeAll } from './helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
let pipeline: { id: string; key: string };
let counter = 0;
/** What Signal logged (delivery errors among them). */
const logged: string[] = [];

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal(
    { SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_VENDOR_REDIRECTS: `https://eu.fixture.test=${sim.url}`, SIGNAL_HTTP_TIMEOUT_MS: '1000' },
    { plugins: pluginSet(webhook, fixturePlugin), label: 'delivery', log: (message) => logged.push(message) },
  );
  pipeline = await signal.pipeline('Delivery');
});
after(() => closeAll(signal, sim));


/** A webhook integration posting to its own simulator path. */
async function installWebhook(config: Record<string, unknown> = {}, consentCategories: string[] = []) {
  const path = `/hook-${++counter}`;
  const result = await signal.services.integrations.install({
    vendor: 'webhook', name: `Hook ${counter}`, pipelineId: pipeline.id, consentCategories,
    config: { url: `${sim.url}${path}`, allow_private_targets: ['127.0.0.1'], ...config },
  });
  return { path, id: result.assignment!.id, templateId: result.template.id, revisionId: result.revision.id };
}

async function send(events: Array<Record<string, unknown>>): Promise<void> {
  const res = await fetch(`${signal.collectUrl}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(pipeline.key) },
    body: JSON.stringify({ batch: events.map((e) => ({ type: 'track', event: 'Order Completed', userId: 'user-1', ...e })) }),
  });
  assert.equal(res.status, 200);
}

/** Whether a recorded request carries a valid webhook signature under `secret`. */
function verifySignatureWith(secret: string, request: RecordedRequest): boolean {
  const timestamp = request.headers['x-signal-timestamp']!;
  return request.headers['x-signal-signature'] === `sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex')}`;
}

function bodyIds(requests: RecordedRequest[]): string[] {
  return requests.flatMap((r) => {
    const json = r.json as { batch?: Array<{ messageId: string }>; messageId?: string };
    return json.batch ? json.batch.map((e) => e.messageId) : [json.messageId!];
  });
}

describe('collect → webhook → simulator', () => {
  test('events arrive batched, signed with HMAC over timestamp and body', async () => {
    const secret = 'whsec_0123456789abcdef';
    const hook = await installWebhook({ signing_secret: secret });
    await send([{ messageId: 'wh-1' }, { messageId: 'wh-2', properties: { total: 10 } }]);
    const [request] = await sim.waitFor(1, 15_000, { path: hook.path });
    assert.equal(request!.method, 'POST');
    assert.deepEqual(bodyIds([request!]), ['wh-1', 'wh-2']);
    const timestamp = request!.headers['x-signal-timestamp']!;
    const expected = createHmac('sha256', secret).update(`${timestamp}.${request!.body}`).digest('hex');
    assert.equal(request!.headers['x-signal-signature'], `sha256=${expected}`);
    assert.ok(Math.abs(Date.now() / 1000 - Number(timestamp)) < 60);
    const stats = await waitUntil(async () => {
      const s = await signal.delivery.health(hook.id);
      return s.delivered === 2 && s;
    }, 'stats');
    assert.equal(stats.successRate, 1);
    const log = await signal.delivery.recentExchanges(hook.id, 5);
    assert.equal(log[0]!.responseStatus, 200);
    assert.equal(JSON.stringify(log[0]!.request).includes(secret), false, 'the log never holds the secret');
  });

  test('single mode sends one PUT per event with custom headers', async () => {
    const hook = await installWebhook({ mode: 'single', method: 'PUT', headers: { 'X-Team': 'growth' } });
    await send([{ messageId: 'single-1' }, { messageId: 'single-2' }, { messageId: 'single-3' }]);
    const requests = await sim.waitFor(3, 15_000, { path: hook.path });
    assert.ok(requests.every((r) => r.method === 'PUT' && r.headers['x-team'] === 'growth'));
    assert.deepEqual(bodyIds(requests).sort(), ['single-1', 'single-2', 'single-3']);
  });

  test('a private target is refused at install unless allow-listed', async () => {
    await assert.rejects(
      signal.services.integrations.install({ vendor: 'webhook', name: 'SSRF', config: { url: 'http://169.254.169.254/latest/meta-data' } }),
      (error: Error & { fields?: Array<{ field: string }> }) => /config\.url/.test(error.message) && error.fields?.[0]?.field === 'config.url',
    );
  });
});

describe('webhook secret_headers (credentials)', () => {
  const TOKEN = 'erp-live-token-5f1e2d3c4b5a69788796';
  const BEARER = 'bearer-cred-0a1b2c3d4e5f60718293';

  test('sealed at rest, ******** in every answer, kept when sent back masked; sent to the endpoint; redacted from the delivery log, dead letters and their export', async () => {
    const hook = await installWebhook({ mode: 'single', headers: { 'X-Team': 'growth' }, secret_headers: { Authorization: `Bearer ${BEARER}`, 'X-Erp-Key': TOKEN } });
    const leaks = (text: string) => text.includes(TOKEN) || text.includes(BEARER);

    // At rest: one sealed value (v2, bound to the field), no header value in clear.
    const { rows } = await signal.pool.query<{ config: Record<string, unknown> }>('SELECT config FROM signal.integration_revisions WHERE id = $1', [hook.revisionId]);
    assert.equal(leaks(JSON.stringify(rows[0]!.config)), false, JSON.stringify(rows[0]!.config));
    assert.match((rows[0]!.config.secret_headers as { $sealed: string }).$sealed, /^v2\./);

    // Every answer: the whole field is the mask; plain headers stay readable.
    const answer = await signal.graphql<{ integration: { revisions: Array<{ config: Record<string, unknown> }> }; integrations: unknown }>(
      `{ integration(id: "${hook.templateId}") { revisions { config } } integrations(vendor: "webhook") { revisions { config } } }`,
    );
    assert.equal(leaks(JSON.stringify(answer.body)), false);
    assert.equal(answer.body.data!.integration.revisions[0]!.config.secret_headers, '********');
    assert.deepEqual(answer.body.data!.integration.revisions[0]!.config.headers, { 'X-Team': 'growth' });

    // Sent: the endpoint gets the credentials; it answers 400, so the event is dead-lettered.
    sim.script('POST', hook.path, [{ status: 400, body: { error: 'order 17 is not allowed here' } }]);
    await send([{ messageId: 'secret-hdr-1' }]);
    const [request] = await sim.waitFor(1, 15_000, { path: hook.path });
    assert.equal(request!.headers.authorization, `Bearer ${BEARER}`);
    assert.equal(request!.headers['x-erp-key'], TOKEN);
    assert.equal(request!.headers['x-team'], 'growth');
    const page = await waitUntil(async () => {
      const p = await signal.delivery.list(hook.id, {}, 10);
      return p.total === 1 && p;
    }, 'a dead letter');
    assert.equal(leaks(JSON.stringify(page.items)), false, JSON.stringify(page.items));
    assert.match(JSON.stringify(page.items[0]!.lastRequest), /"x-erp-key":"\[REDACTED\]"/);
    const log = await signal.delivery.recentExchanges(hook.id, 5);
    assert.ok(log.length > 0);
    assert.equal(leaks(JSON.stringify(log)), false, JSON.stringify(log));
    const graphLog = await signal.graphql(`{ deliveryLog(integrationId: "${hook.id}") { request responseBody } deadLetters(integrationId: "${hook.id}") { items { lastRequest reason } } exportDeadLetters(integrationId: "${hook.id}") }`);
    assert.equal(graphLog.status, 200, JSON.stringify(graphLog.body.errors));
    assert.equal(leaks(JSON.stringify(graphLog.body)), false, JSON.stringify(graphLog.body));
    const exported = await fetch(`${signal.adminUrl}/v1/admin/integrations/${hook.id}/dead-letters/export`, { headers: { authorization: `Bearer ${signal.adminToken}` } });
    assert.equal(exported.status, 200);
    const ndjson = await exported.text();
    assert.match(ndjson, /secret-hdr-1/);
    assert.equal(leaks(ndjson), false, ndjson);

    // A revision keeps the stored headers when given the mask; a mask typed over one value, or
    // given at install where none is stored, is refused, naming the field.
    const v2 = await signal.services.integrations.createRevision({ templateId: hook.templateId, config: { secret_headers: '********', method: 'PUT' } });
    assert.equal(v2.config.secret_headers, '********');
    assert.deepEqual((await signal.services.integrations.resolveRevision(v2.id)).config.secret_headers, { Authorization: `Bearer ${BEARER}`, 'X-Erp-Key': TOKEN });
    await assert.rejects(
      signal.services.integrations.createRevision({ templateId: hook.templateId, config: { secret_headers: { Authorization: '********' } } }),
      (error: Error & { fields?: Array<{ field: string }> }) => error.fields?.[0]?.field === 'config.secret_headers.Authorization' && /the mask Signal shows/.test(error.message),
    );
    await assert.rejects(installWebhook({ secret_headers: '********' }), (error: Error & { fields?: Array<{ field: string }> }) => error.fields?.[0]?.field === 'config.secret_headers');
  });

  test('credentials left in plain headers (configs made before secret_headers) still work, and known credential names are masked in the log', async () => {
    const hook = await installWebhook({ headers: { 'X-Auth-Token': TOKEN } });
    await send([{ messageId: 'plain-hdr-1' }]);
    const [request] = await sim.waitFor(1, 15_000, { path: hook.path });
    assert.equal(request!.headers['x-auth-token'], TOKEN);
    const log = await waitUntil(async () => {
      const entries = await signal.delivery.recentExchanges(hook.id, 5);
      return entries.length > 0 && entries;
    }, 'a delivery log entry');
    assert.equal(JSON.stringify(log).includes(TOKEN), false, JSON.stringify(log));
  });
});

describe('a sealed secret moved in the database', () => {
  test('is refused for its new integration with a clear error; other integrations keep delivering', async () => {
    const good = await installWebhook({ signing_secret: 'whsec-good-0123456789abcdef' });
    const moved = await installWebhook({ signing_secret: 'whsec-moved-0123456789abcdef' });
    // A database writer without the key copies one integration's sealed secret into another's.
    await signal.pool.query(
      `UPDATE signal.integration_revisions SET config = (config::jsonb || jsonb_build_object('signing_secret', (SELECT config::jsonb -> 'signing_secret' FROM signal.integration_revisions WHERE id = $2)))::json WHERE id = $1`,
      [moved.revisionId, good.revisionId],
    );
    await send([{ messageId: 'moved-1' }]);
    const [request] = await sim.waitFor(1, 15_000, { path: good.path });
    assert.equal(verifySignatureWith('whsec-good-0123456789abcdef', request!), true, 'the owner still delivers, signed with its secret');
    const failure = await waitUntil(async () => {
      const { rows } = await signal.pool.query<{ output: unknown }>('SELECT output FROM pgboss.job WHERE name = $1 AND output IS NOT NULL', [`delivery.${moved.id}`]);
      return rows.find((row) => /sealed for another field or integration/.test(JSON.stringify(row.output)));
    }, 'the moved integration\'s job failing');
    assert.match(JSON.stringify(failure.output), /config\.signing_secret/);
    assert.equal(JSON.stringify(failure.output).includes('whsec-'), false, 'the error names the field, never a secret');
    assert.equal(sim.count({ path: moved.path }), 0, 'nothing was sent with the moved secret');
    await assert.rejects(signal.services.integrations.resolveRevision(moved.revisionId), /config\.signing_secret.*sealed for another field or integration/);
  });
});

describe('consent gate', () => {
  test('granted, denied and absent consent; none configured delivers all', async () => {
    const gated = await installWebhook({}, ['analytics', 'marketing']);
    const open = await installWebhook();
    await send([
      { messageId: 'c-granted', context: { consent: { analytics: true, marketing: true } } },
      { messageId: 'c-denied', context: { consent: { analytics: true, marketing: false } } },
      { messageId: 'c-absent' },
      { messageId: 'c-codes', context: { consent: { categories: { analytics: true, marketing: true } } } },
    ]);
    const openIds = bodyIds(await sim.waitFor((list) => bodyIds(list).length >= 4, 15_000, { path: open.path }));
    assert.deepEqual(openIds.sort(), ['c-absent', 'c-codes', 'c-denied', 'c-granted']);
    const gatedIds = bodyIds(await sim.waitFor((list) => bodyIds(list).length >= 2, 15_000, { path: gated.path }));
    assert.deepEqual(gatedIds.sort(), ['c-codes', 'c-granted']);
    const stats = await waitUntil(async () => {
      const s = await signal.delivery.health(gated.id);
      return s.skippedConsent === 2 && s.delivered === 2 && s;
    }, 'skipped and delivered counts');
    assert.equal(stats.deadLettered, 0);
  });

  test('an event waiting for its retry is checked again against the revision it is retried through', async () => {
    const path = '/hook-consent-later';
    const { template, assignment } = await signal.services.integrations.install({
      vendor: 'webhook', name: 'Consent later', pipelineId: pipeline.id, consentCategories: [],
      config: { url: `${sim.url}${path}`, allow_private_targets: ['127.0.0.1'] },
    });
    // Retry-After 400 s, scaled by 0.01: four seconds to add the category before the retry.
    sim.script('POST', path, [reply.tooMany(400)]);
    await send([{ messageId: 'consent-later', context: { consent: { analytics: true, marketing: false } } }]);
    await sim.waitFor(1, 15_000, { path });
    const v2 = await signal.services.integrations.createRevision({ templateId: template.id, consentCategories: ['marketing'] });
    await signal.services.integrations.assignRevision({ pipelineId: pipeline.id, templateId: template.id, revisionId: v2.id });
    const stats = await waitUntil(async () => {
      const s = await signal.delivery.health(assignment!.id);
      return s.skippedConsent === 1 && s.retrying === 0 && s;
    }, 'the retry skipped for consent', 20_000);
    assert.equal(stats.delivered, 0);
    assert.equal(stats.deadLettered, 0);
    assert.equal(sim.count({ path }), 1, 'not sent again');
  });
});

describe("Segment's destination selection (the integrations object)", () => {
  test('an event reaches only the integrations its integrations object leaves on; the others count it', async () => {
    const own = await signal.pipeline('Routing');
    const install = async (name: string, path: string) => (await signal.services.integrations.install({
      vendor: 'webhook', name, pipelineId: own.id, consentCategories: ['analytics'],
      config: { url: `${sim.url}${path}`, allow_private_targets: ['127.0.0.1'] },
    })).assignment!.id;
    const orders = await install('Orders hook', '/route-orders');
    const audit = await install('Audit hook', '/route-audit');
    const analytics = { consent: { analytics: true } };
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(own.key) },
      body: JSON.stringify({ batch: [
        { type: 'track', event: 'E', userId: 'u', messageId: 'r-all', context: analytics },
        { type: 'track', event: 'E', userId: 'u', messageId: 'r-only-orders', context: analytics, integrations: { All: false, 'orders HOOK': true } },
        { type: 'track', event: 'E', userId: 'u', messageId: 'r-no-webhooks', context: analytics, integrations: { 'Custom Webhook': false } },
        { type: 'track', event: 'E', userId: 'u', messageId: 'r-not-audit', context: analytics, integrations: { webhook: true, 'Audit hook': false } },
        { type: 'track', event: 'E', userId: 'u', messageId: 'r-no-consent', integrations: { All: true } },
      ] }),
    });
    assert.equal(res.status, 200);
    const orderIds = bodyIds(await sim.waitFor((list) => bodyIds(list).length >= 3, 15_000, { path: '/route-orders' }));
    assert.deepEqual(orderIds.sort(), ['r-all', 'r-not-audit', 'r-only-orders']);
    const auditIds = bodyIds(await sim.waitFor((list) => bodyIds(list).length >= 1, 15_000, { path: '/route-audit' }));
    assert.deepEqual(auditIds, ['r-all']);
    const counts = async (id: string) => {
      const s = await signal.delivery.health(id);
      return [s.delivered, s.skippedRouting, s.skippedConsent];
    };
    await waitUntil(async () => (await counts(orders))[0] === 3 && (await counts(audit))[0] === 1, 'deliveries counted');
    assert.deepEqual(await counts(orders), [3, 1, 1]);
    assert.deepEqual(await counts(audit), [1, 3, 1]);
    const text = await (await fetch(`${signal.adminUrl}/metrics`, { headers: { authorization: `Bearer ${signal.adminToken}` } })).text();
    assert.ok(text.includes(`signal_integration_events_total{integration="${audit}",pipeline="${own.id}",vendor="webhook",name="Audit hook",outcome="skipped_routing"} 3`));
  });
});

describe('deduplication by messageId', () => {
  test("an SDK's retry of events already accepted is stored but not delivered again; counted per integration", async () => {
    const own = await signal.pipeline('Dedup');
    const other = await signal.pipeline('Dedup other');
    const install = async (pipelineId: string, path: string) => (await signal.services.integrations.install({
      vendor: 'webhook', name: path, pipelineId, consentCategories: [],
      config: { url: `${sim.url}${path}`, allow_private_targets: ['127.0.0.1'] },
    })).assignment!.id;
    const hook = await install(own.id, '/dedup');
    await install(other.id, '/dedup-other');
    const post = async (key: string, messageIds: string[]) => {
      const res = await fetch(`${signal.collectUrl}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic(key) },
        body: JSON.stringify({ batch: messageIds.map((messageId) => ({ type: 'track', event: 'Signed Up', userId: 'u1', messageId })) }),
      });
      assert.equal(res.status, 200);
    };
    await post(own.key, ['dd-1', 'dd-1', 'dd-2']); // a client that sent one event twice in a batch
    await sim.waitFor((list) => bodyIds(list).length >= 2, 15_000, { path: '/dedup' });
    await post(own.key, ['dd-2', 'dd-3']); // the retry of a request whose answer was lost, with a new event
    await post(other.key, ['dd-1']); // another pipeline's id space
    await sim.waitFor((list) => bodyIds(list).includes('dd-3'), 15_000, { path: '/dedup' });
    await sim.waitFor(1, 15_000, { path: '/dedup-other' });
    const stats = await waitUntil(async () => {
      const s = await signal.delivery.health(hook);
      return s.delivered === 3 && s.skippedDuplicate === 2 && s;
    }, 'deliveries and duplicates counted');
    assert.equal(stats.skippedDuplicate, 2);
    assert.deepEqual(bodyIds(sim.requests({ path: '/dedup' })).sort(), ['dd-1', 'dd-2', 'dd-3'], 'each event once');
    assert.deepEqual(bodyIds(sim.requests({ path: '/dedup-other' })), ['dd-1']);
    const stored = await signal.services.events.recent(own.id, 10);
    assert.equal(stored.length, 5, 'every copy accepted is stored');
    assert.deepEqual(stored.map((e) => `${e.messageId}${e.duplicate ? ' (repeat)' : ''}`).reverse(), ['dd-1', 'dd-1 (repeat)', 'dd-2', 'dd-2 (repeat)', 'dd-3'], 'the copies held back are marked');
    const text = await (await fetch(`${signal.adminUrl}/metrics`, { headers: { authorization: `Bearer ${signal.adminToken}` } })).text();
    assert.ok(text.includes(`signal_integration_events_total{integration="${hook}",pipeline="${own.id}",vendor="webhook",name="/dedup",outcome="skipped_duplicate"} 2`), text);
    const gql = await fetch(`${signal.adminUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${signal.adminToken}` },
      body: JSON.stringify({ query: `{ integrationStats(integrationId: "${hook}") { delivered skippedDuplicate } }` }),
    });
    assert.deepEqual(((await gql.json()) as { data: { integrationStats: unknown } }).data.integrationStats, { delivered: 3, skippedDuplicate: 2 });
  });

  test("a pipeline's own window overrides the default: 0 turns it off for that pipeline only", async () => {
    const own = await signal.pipeline('Own window');
    await signal.services.integrations.install({
      vendor: 'webhook', name: 'own window', pipelineId: own.id, consentCategories: [],
      config: { url: `${sim.url}/own-window`, allow_private_targets: ['127.0.0.1'] },
    });
    const set = async (windowHours: number | null) => signal.graphql<{ setPipelineDeduplication: { dedupWindowHours: number | null } }>(
      'mutation($id: ID!, $h: Int) { setPipelineDeduplication(id: $id, windowHours: $h) { dedupWindowHours } }', { id: own.id, h: windowHours });
    const bad = await set(721);
    assert.equal(bad.status, 400);
    assert.deepEqual((bad.body.errors![0]!.extensions!.fields as Array<{ field: string }>).map((f) => f.field), ['windowHours']);
    assert.deepEqual((await set(0)).body.data, { setPipelineDeduplication: { dedupWindowHours: 0 } });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${signal.collectUrl}/v1/track`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic(own.key) },
        body: JSON.stringify({ event: 'Imported', userId: 'u1', messageId: 'own-window-1' }),
      });
      assert.equal(res.status, 200);
      await sim.waitFor((list) => bodyIds(list).length >= i + 1, 15_000, { path: '/own-window' });
    }
    assert.deepEqual(bodyIds(sim.requests({ path: '/own-window' })), ['own-window-1', 'own-window-1'], 'both copies delivered: off here, on elsewhere');
    assert.deepEqual((await set(null)).body.data, { setPipelineDeduplication: { dedupWindowHours: null } }, 'back to the default');
  });

  test('SIGNAL_DEDUP_WINDOW_HOURS=0 turns it off: every copy is delivered', async () => {
    const plain = await startTestSignal({ SIGNAL_DEDUP_WINDOW_HOURS: '0' }, { plugins: pluginSet(webhook), label: 'nodedup' });
    try {
      const own = await plain.pipeline('No dedup');
      await plain.services.integrations.install({
        vendor: 'webhook', name: 'all copies', pipelineId: own.id, consentCategories: [],
        config: { url: `${sim.url}/no-dedup`, allow_private_targets: ['127.0.0.1'] },
      });
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${plain.collectUrl}/v1/track`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: basic(own.key) },
          body: JSON.stringify({ event: 'Again', userId: 'u1', messageId: 'same-id' }),
        });
        assert.equal(res.status, 200);
      }
      const requests = await sim.waitFor((list) => bodyIds(list).length >= 2, 15_000, { path: '/no-dedup' });
      assert.deepEqual(bodyIds(requests), ['same-id', 'same-id']);
      // A pipeline with a window of its own deduplicates all the same.
      const mobile = await plain.pipeline('Own window of a week');
      await plain.services.pipelines.setDedupWindow(mobile.id, 168);
      const { assignment } = await plain.services.integrations.install({
        vendor: 'webhook', name: 'week', pipelineId: mobile.id, consentCategories: [],
        config: { url: `${sim.url}/week-window`, allow_private_targets: ['127.0.0.1'] },
      });
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${plain.collectUrl}/v1/track`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: basic(mobile.key) },
          body: JSON.stringify({ event: 'Again', userId: 'u1', messageId: 'week-id' }),
        });
        assert.equal(res.status, 200);
      }
      await sim.waitFor(1, 15_000, { path: '/week-window' });
      await waitUntil(async () => (await plain.delivery.health(assignment!.id)).skippedDuplicate === 1, 'the repeat counted');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(bodyIds(sim.requests({ path: '/week-window' })), ['week-id'], 'delivered once');
    } finally {
      await plain.close();
    }
  });
});

describe('remembered identify traits', () => {
  const post = async (target: TestSignal, key: string, batch: Array<Record<string, unknown>>) => {
    const res = await fetch(`${target.collectUrl}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(key) }, body: JSON.stringify({ batch }) });
    assert.equal(res.status, 200);
  };
  const delivered = async (path: string, messageId: string) => {
    const [request] = await sim.waitFor((list) => list.some((r) => JSON.stringify(r.json).includes(messageId)), 15_000, { path });
    const found = sim.requests({ path }).flatMap((r) => { const json = r.json as { batch?: unknown[] }; return json.batch ?? [json]; }) as Array<{ messageId: string; context: { traits?: Record<string, unknown> } }>;
    assert.ok(request);
    return found.find((e) => e.messageId === messageId)!;
  };

  test("an identify's traits reach the person's later events as context.traits, the event's own winning", async () => {
    const site = await signal.pipeline('Traits');
    await signal.services.integrations.install({ vendor: 'webhook', name: 'traits hook', pipelineId: site.id, consentCategories: [], config: { url: `${sim.url}/traits`, allow_private_targets: ['127.0.0.1'] } });
    await post(signal, site.key, [
      { type: 'identify', userId: 'u-77', anonymousId: 'v-77', messageId: 'tr-identify', traits: { email: 'jane@example.com', plan: 'pro' } },
      { type: 'track', event: 'Viewed', userId: 'u-77', anonymousId: 'v-77', messageId: 'tr-same-batch' },
      { type: 'track', event: 'Viewed', userId: 'u-other', anonymousId: 'v-77', messageId: 'tr-shared-device' },
    ]);
    assert.equal((await delivered('/traits', 'tr-shared-device')).context.traits, undefined, "another user on the same device gets none of them");
    assert.deepEqual((await delivered('/traits', 'tr-same-batch')).context.traits, { email: 'jane@example.com', plan: 'pro' });
    await post(signal, site.key, [{ type: 'track', event: 'Order Completed', userId: 'u-77', messageId: 'tr-later', context: { traits: { plan: 'enterprise' } } }]);
    assert.deepEqual((await delivered('/traits', 'tr-later')).context.traits, { email: 'jane@example.com', plan: 'enterprise' });
    await post(signal, site.key, [{ type: 'track', event: 'Viewed', anonymousId: 'v-someone-else', messageId: 'tr-stranger' }]);
    assert.equal((await delivered('/traits', 'tr-stranger')).context.traits, undefined);
  });

  test('forgetPersonTraits erases what is remembered for a person; later events get nothing', async () => {
    const site = await signal.pipeline('Forget me');
    await signal.services.integrations.install({ vendor: 'webhook', name: 'forget hook', pipelineId: site.id, consentCategories: [], config: { url: `${sim.url}/forget`, allow_private_targets: ['127.0.0.1'] } });
    await post(signal, site.key, [{ type: 'identify', userId: 'u-erase', messageId: 'fg-identify', traits: { email: 'erase-me@example.com' } }]);
    await sim.waitFor(1, 15_000, { path: '/forget' });
    const forget = (variables: Record<string, unknown>) => signal.graphql<{ forgetPersonTraits: number }>('mutation($p: ID!, $u: String, $a: String) { forgetPersonTraits(pipelineId: $p, userId: $u, anonymousId: $a) }', variables);
    await waitUntil(async () => ((await forget({ p: site.id, u: 'u-erase' })).body.data?.forgetPersonTraits === 1) || undefined, 'the remembered traits erased');
    await post(signal, site.key, [{ type: 'track', event: 'Bought', userId: 'u-erase', messageId: 'fg-after' }]);
    assert.equal((await delivered('/forget', 'fg-after')).context.traits, undefined);
    assert.equal((await forget({ p: site.id })).status, 400, 'a person must be named');
    assert.equal((await forget({ p: '00000000-0000-4000-8000-000000000000', u: 'x' })).status, 404);
  });

  test('a forgetting, or an identify call, older than the memory brings nothing back though the call is still among the last 5,000 events', async () => {
    const site = await signal.pipeline('Quiet site');
    await signal.services.integrations.install({ vendor: 'webhook', name: 'quiet hook', pipelineId: site.id, consentCategories: [], config: { url: `${sim.url}/quiet`, allow_private_targets: ['127.0.0.1'] } });
    await post(signal, site.key, [
      { type: 'identify', userId: 'u-erased', messageId: 'qs-erased', traits: { email: 'erased@example.com' } },
      { type: 'identify', userId: 'u-lapsed', messageId: 'qs-lapsed', traits: { email: 'lapsed@example.com' } },
    ]);
    await sim.waitFor(1, 15_000, { path: '/quiet' });
    await waitUntil(async () => ((await signal.pool.query("SELECT 1 FROM signal.remembered_traits WHERE pipeline_id = $1 AND traits <> '{}'::jsonb", [site.id])).rowCount === 2) || undefined, 'both remembered');
    const forget = await signal.graphql<{ forgetPersonTraits: number }>('mutation($p: ID!, $u: String) { forgetPersonTraits(pipelineId: $p, userId: $u) }', { p: site.id, u: 'u-erased' });
    assert.equal(forget.body.data?.forgetPersonTraits, 1);
    // A quiet pipeline: both calls, and the forgetting, 31 days old (the memory is 30), yet still
    // among the 5,000 events before the next ones.
    await signal.pool.query(`UPDATE signal.events SET received_at = now() - interval '31 days' WHERE pipeline_id = $1`, [site.id]);
    await signal.pool.query(`UPDATE signal.remembered_traits SET updated_at = now() - interval '31 days' WHERE pipeline_id = $1`, [site.id]);
    await post(signal, site.key, [
      { type: 'track', event: 'Bought', userId: 'u-erased', messageId: 'qs-erased-after' },
      { type: 'track', event: 'Bought', userId: 'u-lapsed', messageId: 'qs-lapsed-after' },
    ]);
    assert.equal((await delivered('/quiet', 'qs-erased-after')).context.traits, undefined, 'the erased call counts for nothing');
    assert.equal((await delivered('/quiet', 'qs-lapsed-after')).context.traits, undefined, 'the lapsed call is not remembered');
  });

  test('SIGNAL_TRAITS_MEMORY_DAYS=0 turns it off', async () => {
    const plain = await startTestSignal({ SIGNAL_TRAITS_MEMORY_DAYS: '0' }, { plugins: pluginSet(webhook), label: 'notraits' });
    try {
      const site = await plain.pipeline('No memory');
      await plain.services.integrations.install({ vendor: 'webhook', name: 'no memory', pipelineId: site.id, consentCategories: [], config: { url: `${sim.url}/no-traits`, allow_private_targets: ['127.0.0.1'] } });
      await post(plain, site.key, [
        { type: 'identify', userId: 'u-78', messageId: 'nt-identify', traits: { email: 'jane@example.com' } },
        { type: 'track', event: 'Viewed', userId: 'u-78', messageId: 'nt-track' },
      ]);
      assert.equal((await delivered('/no-traits', 'nt-track')).context.traits, undefined);
      assert.equal((await plain.pool.query('SELECT 1 FROM signal.remembered_traits')).rowCount, 0);
    } finally {
      await plain.close();
    }
  });
});

describe('retries and dead letters', () => {
  test('a 4xx dead-letters at once with the vendor response', async () => {
    const hook = await installWebhook();
    sim.script('POST', hook.path, [{ status: 422, body: { error: 'field "email" is invalid' } }]);
    await send([{ messageId: 'dl-4xx' }]);
    const page = await waitUntil(async () => {
      const p = await signal.delivery.list(hook.id, {}, 10);
      return p.total === 1 && p;
    }, 'a dead letter');
    const letter = page.items[0]!;
    assert.equal(letter.messageId, 'dl-4xx');
    assert.equal(letter.attempts, 1);
    assert.match(letter.reason, /^HTTP 422: \{"error":"field \\"email\\" is invalid"\}/);
    assert.deepEqual(letter.lastResponse, { status: 422, body: '{"error":"field \\"email\\" is invalid"}' });
    assert.equal(sim.count({ path: hook.path }), 1, 'no retry');
  });

  test('events sharing a messageId are each delivered or dead-lettered, and counted', async () => {
    // With deduplication off (or past its window), an SDK's retry or a batch may repeat a
    // messageId all the way to delivery, which settles events by it.
    const plain = await startTestSignal({ SIGNAL_DEDUP_WINDOW_HOURS: '0', SIGNAL_RETRY_TIME_SCALE: '0.01' }, { plugins: pluginSet(webhook), label: 'sharedids' });
    try {
      const own = await plain.pipeline('Shared ids');
      const install = async (path: string) => (await plain.services.integrations.install({
        vendor: 'webhook', name: path, pipelineId: own.id, consentCategories: [],
        config: { url: `${sim.url}${path}`, allow_private_targets: ['127.0.0.1'] },
      })).assignment!.id;
      const ok = await install('/shared-ids-ok');
      const refusing = await install('/shared-ids-refused');
      sim.script('POST', '/shared-ids-refused', [{ status: 400, body: { error: 'refused' } }]);
      const res = await fetch(`${plain.collectUrl}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic(own.key) },
        body: JSON.stringify({ batch: [1, 2, 3].map((i) => ({ type: 'track', event: 'Order Completed', userId: 'user-1', messageId: 'same-id', properties: { i } })) }),
      });
      assert.equal(res.status, 200);
      await waitUntil(async () => (await plain.delivery.health(ok)).delivered === 3, 'three deliveries counted');
      assert.deepEqual(sim.requests({ path: '/shared-ids-ok' }).flatMap((r) => (r.json as { batch: Array<{ properties: { i: number } }> }).batch.map((e) => e.properties.i)).sort(), [1, 2, 3]);
      const page = await waitUntil(async () => {
        const p = await plain.delivery.list(refusing, {}, 10);
        return p.total === 3 && p;
      }, 'three dead letters');
      assert.deepEqual(page.items.map((l) => (l.event.properties as { i: number }).i).sort(), [1, 2, 3]);
      assert.deepEqual(page.items.map((l) => l.messageId), ['same-id', 'same-id', 'same-id'], 'dead letters keep the messageId itself');
    } finally {
      await plain.close();
    }
  });

  test('a vendor answer holding NUL bytes is dead-lettered, counted and logged with U+FFFD, tried once', async () => {
    // PostgreSQL's text cannot hold a NUL: the dead letter failed to be written, and the job
    // was sent again on every retry without the event ever being dead-lettered.
    const refused = await installWebhook();
    const accepted = await installWebhook();
    sim.script('POST', refused.path, [{ status: 400, body: 'bad\u0000request' }]);
    sim.script('POST', accepted.path, [{ status: 200, body: 'ok\u0000' }]);
    await send([{ messageId: 'dl-nul' }]);
    const page = await waitUntil(async () => {
      const p = await signal.delivery.list(refused.id, {}, 10);
      return p.total === 1 && p;
    }, 'a dead letter');
    assert.equal(page.items[0]!.reason, 'HTTP 400: bad\ufffdrequest');
    assert.deepEqual(page.items[0]!.lastResponse, { status: 400, body: 'bad\ufffdrequest' });
    // The counters are written after the dead letter: waited for, not read at once.
    assert.equal(await waitUntil(async () => (await signal.delivery.health(refused.id)).lastError, 'the last error'), 'HTTP 400: bad\ufffdrequest');
    await waitUntil(async () => (await signal.delivery.health(accepted.id)).delivered === 1, 'the other delivered');
    const [exchange] = await signal.delivery.recentExchanges(accepted.id, 1);
    assert.equal(exchange!.responseBody, 'ok\ufffd', 'the delivery log is written too');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sim.count({ path: refused.path }), 1, 'no retry');
  });

  test('5xx six times → dead letter, following the scaled schedule', async () => {
    const hook = await installWebhook();
    sim.setDefault('POST', hook.path, reply.serverError());
    await send([{ messageId: 'dl-5xx' }]);
    const requests = await sim.waitFor(6, 30_000, { path: hook.path });
    const page = await waitUntil(async () => {
      const p = await signal.delivery.list(hook.id, {}, 10);
      return p.total === 1 && p;
    }, 'the dead letter');
    assert.equal(page.items[0]!.attempts, 6);
    assert.match(page.items[0]!.reason, /^gave up after 6 tries: HTTP 500/);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(sim.count({ path: hook.path }), 6, 'six tries in all');
    const gaps = requests.slice(1).map((r, i) => r.receivedAt - requests[i]!.receivedAt);
    // 1, 4, 16, 64, 256 s scaled by 0.01, never less (jitter only adds); the last gap dominates.
    assert.ok(gaps[4]! >= 2560 - 10, `the fifth retry waited ${gaps[4]} ms`);
    assert.ok(gaps[3]! >= 640 - 10, `the fourth retry waited ${gaps[3]} ms`);
    const stats = await signal.delivery.health(hook.id);
    assert.equal(stats.deadLettered, 1);
    assert.equal(stats.retrying, 0);
    assert.equal(stats.retried, 5);
  });

  test('a longer Retry-After wins over the schedule', async () => {
    const hook = await installWebhook();
    // 100 s scaled by 0.01 is 1 s, far longer than the first retry's 10 ms.
    sim.script('POST', hook.path, [reply.tooMany(100)]);
    await send([{ messageId: 'retry-after' }]);
    const requests = await sim.waitFor(2, 15_000, { path: hook.path });
    const waited = requests[1]!.receivedAt - requests[0]!.receivedAt;
    assert.ok(waited >= 950, `waited ${waited} ms`);
    // The worker is woken as the retry comes due, not at its next backstop poll (5 s later).
    assert.ok(waited < 4000, `the retry waited ${waited} ms: its worker was not woken when it came due`);
    await waitUntil(async () => (await signal.delivery.health(hook.id)).delivered === 1, 'delivery after the wait');
  });

  test('a vendor answering 429 more often than the tries allow still gets the event: a 429 uses up no try', async () => {
    const path = '/hook-throttled';
    const { assignment } = await signal.services.integrations.install({
      vendor: 'webhook', name: 'Throttled', pipelineId: pipeline.id, consentCategories: [],
      config: { url: `${sim.url}${path}`, mode: 'single', allow_private_targets: ['127.0.0.1'] },
      settings: { retry: { attempts: 2 } },
    });
    const id = assignment!.id;
    sim.script('POST', path, Array.from({ length: 4 }, () => reply.tooMany(0)));
    await send([{ messageId: 'throttled-often' }]);
    const stats = await waitUntil(async () => {
      const s = await signal.delivery.health(id);
      return s.delivered === 1 && s;
    }, 'delivered after four 429s with two tries allowed', 30_000);
    assert.equal(sim.count({ path }), 5);
    assert.equal(stats.deadLettered, 0);
    assert.equal(stats.retrying, 0);
    assert.equal(stats.retried, 4);
    // A 5xx after the 429s counts from the try it was at: two 500s dead-letter it.
    sim.script('POST', path, [reply.tooMany(0), reply.serverError(), reply.tooMany(0), reply.serverError()]);
    await send([{ messageId: 'throttled-then-broken' }]);
    const page = await waitUntil(async () => {
      const p = await signal.delivery.list(id, {}, 10);
      return p.total === 1 && p;
    }, 'the dead letter after two tries', 30_000);
    assert.equal(page.items[0]!.attempts, 2);
    assert.match(page.items[0]!.reason, /^gave up after 2 tries: HTTP 500/);
    assert.equal(sim.count({ path }), 9);
  });

  test('a network failure and a timeout are retried', async () => {
    const hook = await installWebhook();
    sim.script('POST', hook.path, [reply.reset(), reply.hang()]);
    await send([{ messageId: 'net-1' }]);
    await sim.waitFor(3, 20_000, { path: hook.path });
    await waitUntil(async () => (await signal.delivery.health(hook.id)).delivered === 1, 'delivery on the third try');
  });

  test('a partial batch failure dead-letters only the events the vendor refused', async () => {
    const { assignment } = await signal.services.integrations.install({
      vendor: 'fixture', name: 'Partial', pipelineId: pipeline.id, consentCategories: [],
      config: { api_key: 'fixture-key-123', region: 'https://eu.fixture.test/events' },
    });
    sim.script('POST', '/events', [{ status: 200, body: { code: 200, failed_indices: [1] } }]);
    await send([{ messageId: 'p-0' }, { messageId: 'p-1' }, { messageId: 'p-2' }]);
    const stats = await waitUntil(async () => {
      const s = await signal.delivery.health(assignment!.id);
      return s.delivered + s.deadLettered === 3 && s;
    }, 'all three settled');
    assert.equal(stats.delivered, 2);
    assert.equal(stats.deadLettered, 1);
    const page = await signal.delivery.list(assignment!.id, {}, 10);
    assert.deepEqual(page.items.map((l) => [l.messageId, l.reason]), [['p-1', 'vendor refused event 1']]);
    const [request] = sim.requests({ path: '/events' });
    assert.equal((request!.json as { api_key: string }).api_key, 'fixture-key-123');
  });
});

describe('replay, export, purge', () => {
  test('replay delivers exactly the dead-lettered events, once', async () => {
    const hook = await installWebhook();
    sim.script('POST', hook.path, [{ status: 400, body: 'bad' }]);
    await send([{ messageId: 'rp-1' }, { messageId: 'rp-2' }]);
    await waitUntil(async () => (await signal.delivery.list(hook.id, {}, 10)).total === 2, 'two dead letters');
    const exported = await signal.graphql<{ exportDeadLetters: string }>(`{ exportDeadLetters(integrationId: "${hook.id}") }`);
    const lines = exported.body.data!.exportDeadLetters.trim().split('\n').map((l) => JSON.parse(l) as { messageId: string });
    assert.deepEqual(lines.map((l) => l.messageId).sort(), ['rp-1', 'rp-2']);

    const replayed = await signal.graphql<{ replayDeadLetters: { replayed: number } }>(`mutation { replayDeadLetters(integrationId: "${hook.id}") { replayed skippedForConsent } }`);
    assert.equal(replayed.body.data!.replayDeadLetters.replayed, 2);
    const again = await signal.graphql<{ replayDeadLetters: { replayed: number } }>(`mutation { replayDeadLetters(integrationId: "${hook.id}") { replayed } }`);
    assert.equal(again.body.data!.replayDeadLetters.replayed, 0, 'a dead letter is replayed once');
    await waitUntil(async () => (await signal.delivery.health(hook.id)).delivered === 2, 'the replayed events delivered');
    await new Promise((r) => setTimeout(r, 700));
    const ids = bodyIds(sim.requests({ path: hook.path }));
    assert.deepEqual(ids.filter((id) => id === 'rp-1').length, 2, 'the first failed try and the replay');
    assert.equal((await signal.delivery.list(hook.id, {}, 10)).total, 0);
  });

  test('deadLetters pages and filters; purge deletes; bad input is named', async () => {
    const hook = await installWebhook();
    sim.setDefault('POST', hook.path, { status: 401, body: 'token expired' });
    await send([{ messageId: 'pg-1' }, { messageId: 'pg-2' }, { messageId: 'pg-3' }]);
    await waitUntil(async () => (await signal.delivery.list(hook.id, {}, 10)).total === 3, 'three dead letters');
    const first = await signal.graphql<{ deadLetters: { items: Array<{ id: string; messageId: string }>; hasMore: boolean; endCursor: string; total: number } }>(
      `{ deadLetters(integrationId: "${hook.id}", first: 2) { items { id messageId reason attempts lastResponse } hasMore endCursor total } }`,
    );
    const page = first.body.data!.deadLetters;
    assert.equal(page.items.length, 2);
    assert.equal(page.hasMore, true);
    assert.equal(page.total, 3);
    const second = await signal.graphql<{ deadLetters: { items: unknown[]; hasMore: boolean } }>(
      `{ deadLetters(integrationId: "${hook.id}", first: 2, after: "${page.endCursor}") { items { id } hasMore } }`,
    );
    assert.equal(second.body.data!.deadLetters.items.length, 1);
    const filtered = await signal.graphql<{ deadLetters: { total: number } }>(`{ deadLetters(integrationId: "${hook.id}", filter: { messageId: "pg-2", reasonContains: "TOKEN" }) { total } }`);
    assert.equal(filtered.body.data!.deadLetters.total, 1);
    const purged = await signal.graphql<{ purgeDeadLetters: number }>(`mutation { purgeDeadLetters(integrationId: "${hook.id}", ids: ["${page.items[0]!.id}"]) }`);
    assert.equal(purged.body.data!.purgeDeadLetters, 1);
    const bad = await signal.graphql(`{ deadLetters(integrationId: "${hook.id}", filter: { since: "last week" }) { total } }`);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors![0]!.extensions!.fields, [{ field: 'filter.since', message: 'must be an ISO 8601 date-time, e.g. 2026-03-24T16:00:00Z' }]);
    // Date.parse would take these ("1" as the year 2001; Feb 31 as March 2): named instead.
    for (const date of ['1', 'March 7', '2024-02-31', '2024-02-01T24:00:00Z']) {
      const loose = await signal.graphql(`{ deadLetters(integrationId: "${hook.id}", filter: { until: "${date}" }) { total } }`);
      assert.equal(loose.status, 400, date);
      assert.equal((loose.body.errors![0]!.extensions!.fields as Array<{ field: string }>)[0]!.field, 'filter.until', date);
    }
    assert.equal((await signal.graphql<{ deadLetters: { total: number } }>(`{ deadLetters(integrationId: "${hook.id}", filter: { since: "2024-02-29", until: "2099-12-31T23:59:59.5+02:00" }) { total } }`)).body.data!.deadLetters.total, 2);
    // An empty criterion would match everything: a purge with one must not delete them all.
    const empty = await signal.graphql(`mutation { purgeDeadLetters(integrationId: "${hook.id}", filter: { messageId: "" }) }`);
    assert.equal(empty.status, 400);
    assert.deepEqual(empty.body.errors![0]!.extensions!.fields, [{ field: 'filter.messageId', message: 'must not be empty (leave it out to match all)' }]);
    // A malformed id is named, not dropped: a purge or replay must not quietly match nothing.
    for (const [query, field] of [
      [`mutation { purgeDeadLetters(integrationId: "${hook.id}", ids: ["${page.items[1]!.id}", "abc"]) }`, 'ids[1]'],
      [`mutation { replayDeadLetters(integrationId: "${hook.id}", filter: { ids: ["1e5"] }) { replayed } }`, 'filter.ids[0]'],
      [`{ deadLetters(integrationId: "${hook.id}", after: "99999999999999999999") { total } }`, 'after'],
    ] as const) {
      const res = await signal.graphql(query);
      assert.equal(res.status, 400, query);
      assert.deepEqual(res.body.errors![0]!.extensions!.fields, [{ field, message: 'must be a dead letter id (a positive whole number)' }]);
    }
    assert.equal((await signal.graphql<{ deadLetters: { total: number } }>(`{ deadLetters(integrationId: "${hook.id}") { total } }`)).body.data!.deadLetters.total, 2, 'the refused purge removed nothing');
  });
});

describe('stats', () => {
  test('integrationStats over GraphQL and /metrics as Prometheus text', async () => {
    const hook = await installWebhook();
    await send([{ messageId: 'm-1' }]);
    await waitUntil(async () => (await signal.delivery.health(hook.id)).delivered === 1, 'delivery');
    const stats = () => signal.graphql<{ integrationStats: { delivered: number; successRate: number; queueDepth: number; queuedEvents: number; deadLetterCount: number } }>(
      `{ integrationStats(integrationId: "${hook.id}") { delivered retrying deadLettered skippedConsent skippedRouting successRate queueDepth queuedEvents deadLetterCount lastError } }`,
    );
    // The outcome is counted before pg-boss marks the job done: the queue empties a moment later.
    await waitUntil(async () => (await stats()).body.data?.integrationStats.queuedEvents === 0, 'the delivery job completed');
    const res = await stats();
    assert.equal(res.body.data!.integrationStats.delivered, 1);
    assert.equal(res.body.data!.integrationStats.successRate, 1);
    assert.equal(res.body.data!.integrationStats.queuedEvents, 0, 'nothing left in the queue');
    const metrics = await fetch(`${signal.adminUrl}/metrics`, { headers: { authorization: `Bearer ${signal.adminToken}` } });
    assert.equal(metrics.status, 200);
    const text = await metrics.text();
    assert.match(text, /# TYPE signal_integration_events_total counter/);
    assert.ok(text.includes(`signal_integration_events_total{integration="${hook.id}",pipeline="${pipeline.id}",vendor="webhook",name="Hook ${counter}",outcome="delivered"} 1`), text.slice(0, 2000));
    assert.ok(text.includes(`signal_integration_queued_events{integration="${hook.id}",pipeline="${pipeline.id}",vendor="webhook",name="Hook ${counter}"} 0`));
    assert.match(text, /signal_collect_events_committed_total \d+/);
    assert.equal((await fetch(`${signal.adminUrl}/metrics`)).status, 401);
  });
});

describe('queues follow assignments', () => {
  test('a queue is created on assignment and removed with it; a disabled integration is skipped', async () => {
    const hook = await installWebhook();
    assert.ok(await signal.boss.getQueue(`delivery.${hook.id}`), 'created with the assignment');
    await signal.services.integrations.setEnabled(hook.id, false);
    await send([{ messageId: 'disabled-1' }]);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(sim.count({ path: hook.path }), 0, 'a disabled integration receives nothing');
    await signal.services.integrations.unassign(hook.id);
    assert.equal(await signal.boss.getQueue(`delivery.${hook.id}`), null, 'removed with the assignment');
  });
});

describe('disabling mid-batch', () => {
  test('answers at once; the unsent events wait in the queue and go out once when re-enabled', async () => {
    const path = '/hook-slow';
    const { assignment } = await signal.services.integrations.install({
      vendor: 'webhook', name: 'Slow', pipelineId: pipeline.id, consentCategories: [],
      config: { url: `${sim.url}${path}`, mode: 'single', allow_private_targets: ['127.0.0.1'] },
      settings: { rateLimit: { rps: 2, burst: 1 } },
    });
    const ids = Array.from({ length: 10 }, (_, i) => `slow-${i}`);
    await send(ids.map((messageId) => ({ messageId })));
    await waitUntil(async () => sim.count({ path }) >= 1 || undefined, 'the first request');
    const started = Date.now();
    await signal.services.integrations.setEnabled(assignment!.id, false);
    assert.ok(Date.now() - started < 2000, `disable answered in ${Date.now() - started} ms, not after the batch`);
    await new Promise((r) => setTimeout(r, 1500));
    const sent = sim.count({ path });
    assert.ok(sent < ids.length, `${sent} of ${ids.length} sent: the batch stopped`);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(sim.count({ path }), sent, 'nothing more while disabled');
    await signal.services.integrations.setEnabled(assignment!.id, true);
    await waitUntil(async () => sim.count({ path }) === ids.length || undefined, 'the rest after re-enabling', 30_000);
    assert.deepEqual(bodyIds(sim.requests({ path })).sort(), [...ids].sort(), 'each event once');
  });
});

describe('rate limits', () => {
  test('a daily cap delivers what it allows and defers the rest to the queue, dropping nothing', async () => {
    const path = `/hook-daily`;
    const { assignment } = await signal.services.integrations.install({
      vendor: 'webhook', name: 'Daily cap', pipelineId: pipeline.id, consentCategories: [],
      config: { url: `${sim.url}${path}`, mode: 'single', allow_private_targets: ['127.0.0.1'] },
      settings: { rateLimit: { rps: 0, burst: 0, daily: 2 } },
    });
    await send([{ messageId: 'daily-1' }, { messageId: 'daily-2' }, { messageId: 'daily-3' }]);
    await sim.waitFor(2, 15_000, { path });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(sim.count({ path }), 2, 'the cap holds');
    const stats = await signal.delivery.health(assignment!.id);
    assert.equal(stats.delivered, 2);
    assert.equal(stats.deadLettered, 0);
    assert.equal(stats.queueDepth, 1, 'the third waits in the queue for the next day');
    assert.equal(stats.queuedEvents, 1);
  });

  test('one integration assigned to two pipelines shares one daily cap: the vendor account gets no more than it', async () => {
    const path = '/hook-shared-cap';
    const { template, assignment } = await signal.services.integrations.install({
      vendor: 'webhook', name: 'Shared cap', pipelineId: pipeline.id, consentCategories: [],
      config: { url: `${sim.url}${path}`, mode: 'single', allow_private_targets: ['127.0.0.1'] },
      settings: { rateLimit: { rps: 0, burst: 0, daily: 2 } },
    });
    const blog = await signal.pipeline('Blog');
    const second = await signal.services.integrations.assignRevision({ pipelineId: blog.id, templateId: template.id });
    await send([{ messageId: 'shared-1' }, { messageId: 'shared-2' }]);
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(blog.key) },
      body: JSON.stringify({ batch: [{ type: 'track', event: 'Post Read', userId: 'user-2', messageId: 'shared-3' }, { type: 'track', event: 'Post Read', userId: 'user-2', messageId: 'shared-4' }] }),
    });
    assert.equal(res.status, 200);
    await sim.waitFor(2, 15_000, { path });
    await waitUntil(async () => {
      const [a, b] = await Promise.all([signal.delivery.health(assignment!.id), signal.delivery.health(second.id)]);
      return a.delivered + b.delivered === 2 && a.queuedEvents + b.queuedEvents === 2;
    }, 'two delivered between both pipelines, two waiting for tomorrow');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(sim.count({ path }), 2, 'the cap of the account, not twice it');
  });

  test('a vendor 429 slows the integration down; later successes give it its full rate back', async () => {
    const path = '/hook-slowdown';
    const { template, assignment } = await signal.services.integrations.install({
      vendor: 'webhook', name: 'Slowed down', pipelineId: pipeline.id, consentCategories: [],
      config: { url: `${sim.url}${path}`, mode: 'single', allow_private_targets: ['127.0.0.1'] },
      settings: { rateLimit: { rps: 20, burst: 40, daily: 0 } },
    });
    const slowdown = async () => (await signal.pool.query<{ slowdown: number }>('SELECT slowdown FROM signal.rate_limits WHERE template_id = $1', [template.id])).rows[0]?.slowdown;
    sim.script('POST', path, [reply.tooMany(1), reply.tooMany(1), reply.tooMany(1)]);
    await send([{ messageId: 'slowdown-0' }]);
    await waitUntil(async () => (await signal.delivery.health(assignment!.id)).delivered === 1, 'delivered after three 429s');
    assert.ok((await slowdown())! < 0.2, 'three 429s cut the rate to an eighth');
    // Each success gives back 10 %: 25 of them bring an eighth back to the full rate.
    await send(Array.from({ length: 25 }, (_, i) => ({ messageId: `slowdown-${i + 1}` })));
    await waitUntil(async () => (await signal.delivery.health(assignment!.id)).delivered === 26, 'the rest delivered', 30_000);
    assert.equal(await slowdown(), 1);
  });
});

describe('a vendor that never stops answering 429', () => {
  test('gets the events back as dead letters after a day of it (scaled), not a try at a time for days', async () => {
    // A day scaled by 0.00002 is 1.7 s.
    const fast = await startTestSignal({ SIGNAL_RETRY_TIME_SCALE: '0.00002' }, { plugins: pluginSet(webhook), label: 'throttled' });
    try {
      const own = await fast.pipeline('Throttled for a day');
      const path = '/hook-throttled-day';
      const { assignment } = await fast.services.integrations.install({
        vendor: 'webhook', name: 'Throttled for a day', pipelineId: own.id, consentCategories: [],
        config: { url: `${sim.url}${path}`, mode: 'single', allow_private_targets: ['127.0.0.1'] },
      });
      sim.script('POST', path, Array.from({ length: 500 }, () => reply.tooMany(0)));
      const res = await fetch(`${fast.collectUrl}/v1/track`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(own.key) },
        body: JSON.stringify({ event: 'Order Completed', userId: 'user-1', messageId: 'throttled-day' }),
      });
      assert.equal(res.status, 200);
      const page = await waitUntil(async () => {
        const p = await fast.delivery.list(assignment!.id, {}, 10);
        return p.total === 1 && p;
      }, 'the dead letter', 30_000);
      assert.match(page.items[0]!.reason, /^gave up after a day of rate limiting \(the vendor kept answering 429\)/);
      assert.equal(page.items[0]!.attempts, 1, 'no try was used up');
      assert.ok(sim.count({ path }) > 2, `sent again while throttled (${sim.count({ path })} requests)`);
    } finally {
      sim.script('POST', '/hook-throttled-day', []);
      await fast.close();
    }
  });
});

describe('an unloaded plugin', () => {
  test("its integrations' events wait in their queue instead of being lost", async () => {
    // Installed while the plugin is loaded; then an engine whose plugin list lacks it fans out.
    const own = await signal.pipeline('Unloaded plugin');
    const { assignment } = await signal.services.integrations.install({
      vendor: 'fixture', name: 'Unloaded later', pipelineId: own.id, consentCategories: [],
      config: { api_key: 'fixture-key-123', region: 'https://eu.fixture.test/events' },
    });
    const { createDeliveryEngine } = await import('../core/delivery/delivery-engine.ts');
    const withoutFixture = pluginSet(webhook);
    const engine = createDeliveryEngine({
      pool: signal.pool, boss: signal.boss, plugins: withoutFixture, integrations: signal.services.integrations,
      // Fan-out only: this engine never delivers, so it needs none of the delivery side effects.
      deps: {} as never, concurrency: 1, ingestJobsPerFetch: 1, consume: false,
    });
    const { rows } = await signal.pool.query<{ id: number }>(
      `INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload)
       VALUES ($1, 'unloaded-1', 'track', now(), $2) RETURNING id`,
      [own.id, JSON.stringify({ type: 'track', event: 'X', userId: 'u', messageId: 'unloaded-1', timestamp: 't', receivedAt: 't', context: {} })],
    );
    await engine.fanOut(rows.map((r) => r.id));
    const { rows: jobs } = await signal.pool.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->'ids' @> to_jsonb($2::bigint)`, [`delivery.${assignment!.id}`, rows[0]!.id]);
    assert.equal(jobs[0].n, 1, 'the event is queued for the integration');
    await engine.stop();
  });
});

describe('delivery jobs of stored events', () => {
  test('carry the ids of events a pipeline leaves as stored; the worker reads the events back', async () => {
    const { path, id } = await installWebhook();
    await send([{ messageId: 'by-id-1' }, { messageId: 'by-id-2' }, { messageId: 'by-id-3' }]);
    const requests = await sim.waitFor((list) => bodyIds(list).length >= 3, 15_000, { path });
    assert.deepEqual(bodyIds(requests).sort(), ['by-id-1', 'by-id-2', 'by-id-3']);
    assert.equal((requests[0]!.json as { batch: Array<{ event: string }> }).batch[0]!.event, 'Order Completed');
    const { rows: stored } = await signal.pool.query<{ id: number }>(`SELECT id FROM signal.events WHERE message_id LIKE 'by-id-%' ORDER BY id`);
    const { rows: jobs } = await signal.pool.query<{ data: { ids?: number[]; events?: unknown[] } }>(`SELECT data FROM pgboss.job WHERE name = $1`, [`delivery.${id}`]);
    assert.ok(jobs.length > 0);
    assert.ok(jobs.every((job) => job.data.events === undefined), 'no job carries the events themselves');
    assert.deepEqual(jobs.flatMap((job) => job.data.ids ?? []).sort((a, b) => a - b), stored.map((r) => r.id));
  });

  test('an event deleted before its delivery is reported; the others of its job are delivered', async () => {
    const { path, id } = await installWebhook();
    // Stored through a pipeline with no integrations, so only the job below delivers them.
    const quiet = await signal.pipeline('No integrations');
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(quiet.key) },
      body: JSON.stringify({ batch: [{ type: 'track', event: 'Kept', userId: 'u', messageId: 'gone-1' }, { type: 'track', event: 'Deleted', userId: 'u', messageId: 'gone-2' }] }),
    });
    assert.equal(res.status, 200);
    const { rows } = await signal.pool.query<{ id: number }>(`SELECT id FROM signal.events WHERE message_id IN ('gone-1', 'gone-2') ORDER BY id`);
    await signal.pool.query('DELETE FROM signal.events WHERE id = $1', [rows[1]!.id]);
    await signal.boss.send(`delivery.${id}`, { ids: rows.map((r) => r.id), attempt: 1 });
    const requests = await sim.waitFor(1, 15_000, { path });
    assert.deepEqual(bodyIds(requests), ['gone-1']);
    await waitUntil(async () => logged.find((line) => line.includes(`Integration ${id}: 1 of 2 stored events`)), 'the missing event reported', 5_000);
  });
});

describe('a worker whose clock is off', () => {
  test('schedules a retry by the database clock: one hour ahead, the retry still comes after its delay, not an hour late', async () => {
    const hook = await installWebhook({ mode: 'single' });
    sim.script('POST', hook.path, [reply.serverError()]);
    const realNow = Date.now;
    // Only this process's clock runs ahead (as a worker host's might); the database's does not.
    Date.now = () => realNow() + 3600_000;
    try {
      await send([{ messageId: 'skewed-1' }]);
      await sim.waitFor(2, 15_000, { path: hook.path });
    } finally {
      Date.now = realNow;
    }
    assert.deepEqual(bodyIds(sim.requests({ path: hook.path })), ['skewed-1', 'skewed-1'], 'the 503, then the retry');
  });
});

describe('partner enrichment never holds events back', () => {
  test('a partner plugin that fails (enabled throws, read throws a bug) leaves events unenriched, delivered, and logged', async () => {
    const said: string[] = [];
    const partner = (id: string, enrich: NonNullable<PluginDefinition['enrich']>): PluginDefinition => ({ ...fixturePlugin, id, name: id, enrich });
    const broken = partner('brokenswitch', {
      enabled: () => { throw new Error('config.profile is not readable'); },
      identities: () => [], lookup: () => { throw new Error('unreachable'); }, read: () => ({ notFound: true }),
    });
    const buggy = partner('buggyreader', {
      enabled: () => true,
      identities: (event) => (typeof event.userId === 'string' ? [{ key: 'user', value: event.userId }] : []),
      lookup: (identity) => ({ method: 'GET', url: 'https://eu.fixture.test/lookup', query: [['user', identity.value]], eventIds: [] }),
      read: (response) => ({ found: { attributes: (response.json as { profile: { attributes: JsonObject } }).profile.attributes } }),
    });
    const own = await startTestSignal(
      { SIGNAL_VENDOR_REDIRECTS: `https://eu.fixture.test=${sim.url}` },
      { plugins: pluginSet(webhook, broken, buggy), label: 'partnerbugs', log: (message) => said.push(message) },
    );
    try {
      const site = await own.pipeline('Partners');
      for (const vendor of ['brokenswitch', 'buggyreader']) {
        await own.services.integrations.install({ vendor, name: vendor, pipelineId: site.id, consentCategories: [], config: { api_key: 'key-1234', region: 'https://eu.fixture.test/events' } });
      }
      await own.services.integrations.install({ vendor: 'webhook', name: 'after partners', pipelineId: site.id, consentCategories: [], config: { url: `${sim.url}/after-partners`, allow_private_targets: ['127.0.0.1'] } });
      const res = await fetch(`${own.collectUrl}/v1/track`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(site.key) }, body: JSON.stringify({ event: 'Bought', userId: 'u-partner', messageId: 'pb-1' }) });
      assert.equal(res.status, 200);
      const [request] = await sim.waitFor(1, 15_000, { path: '/after-partners' });
      const delivered = (request!.json as { batch: Array<Record<string, unknown>> }).batch[0]!;
      assert.equal(delivered.messageId, 'pb-1');
      assert.equal(delivered.partner_attrs, undefined);
      assert.ok(sim.requests({ path: '/lookup' }).length >= 1, 'the buggy partner was asked');
      await waitUntil(async () => said.some((m) => /no partner enrichment: config\.profile is not readable/.test(m)) || undefined, 'the broken switch logged');
      assert.ok(said.some((m) => /partner resolve failed: integration .* \(buggyreader\): looking up user: .*(undefined|attributes)/.test(m)), said.join('\n'));
    } finally {
      await own.close();
    }
  });
});

describe('eventTrace: where did an event go', () => {
  type Trace = {
    stored: Array<{ id: string; duplicate: boolean; dispatched: boolean }>;
    integrations: Array<{ name: string; status: string; reason: string; exchanges: Array<{ outcome: string }>; deadLetters: Array<{ reason: string }>; jobs: Array<{ state: string }> }>;
  };
  const query = `query($p: ID!, $m: String!, $h: Int) { eventTrace(pipelineId: $p, messageId: $m, hours: $h) {
    stored { id duplicate dispatched } integrations { name status reason exchanges { outcome } deadLetters { reason } jobs { state } } } }`;

  test('each integration says what became of the event and why: delivered, dead-lettered, not sent for consent, turned off', async () => {
    const traced = await signal.pipeline('Traced');
    const install = async (name: string, path: string, consentCategories: string[] = []) => (await signal.services.integrations.install({
      vendor: 'webhook', name, pipelineId: traced.id, consentCategories,
      config: { url: `${sim.url}${path}`, allow_private_targets: ['127.0.0.1'], mode: 'single' },
    })).assignment!.id;
    sim.setDefault('POST', '/trace-refused', { status: 400, body: { error: 'field total is not a number' } });
    await install('Trace delivered', '/trace-ok');
    await install('Trace refused', '/trace-refused');
    await install('Trace marketing', '/trace-marketing', ['marketing']);
    await install('Trace switched off', '/trace-off');
    const res = await fetch(`${signal.collectUrl}/v1/track`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(traced.key) },
      body: JSON.stringify({ event: 'Order Completed', userId: 'u-trace', messageId: 'trace-1', integrations: { 'Trace switched off': false }, context: { consent: { analytics: true, marketing: false } } }),
    });
    assert.equal(res.status, 200);
    await sim.waitFor(1, 15_000, { path: '/trace-ok' });
    const trace = await waitUntil(async () => {
      const { body } = await signal.graphql<{ eventTrace: Trace }>(query, { p: traced.id, m: 'trace-1' });
      const t = body.data?.eventTrace;
      return t && t.integrations.every((i) => !['queued', 'delivering', 'retrying', 'waiting'].includes(i.status)) && t;
    }, 'every integration settled');
    assert.equal(trace.stored.length, 1);
    assert.deepEqual({ duplicate: trace.stored[0]!.duplicate, dispatched: trace.stored[0]!.dispatched }, { duplicate: false, dispatched: true });
    const by = new Map(trace.integrations.map((i) => [i.name, i]));
    assert.equal(by.get('Trace delivered')!.status, 'delivered');
    assert.match(by.get('Trace delivered')!.reason, /^answered 200 at /);
    assert.deepEqual(by.get('Trace delivered')!.exchanges.map((e) => e.outcome), ['delivered']);
    assert.equal(by.get('Trace refused')!.status, 'dead_lettered');
    assert.match(by.get('Trace refused')!.reason, /400/);
    assert.equal(by.get('Trace refused')!.deadLetters.length, 1);
    assert.deepEqual([by.get('Trace marketing')!.status, by.get('Trace marketing')!.reason], ['not_sent', 'no consent: the integration requires marketing']);
    assert.deepEqual([by.get('Trace switched off')!.status, by.get('Trace switched off')!.reason], ['not_sent', "the event's integrations object turns this integration off"]);

    // A job holding the stored row (events that travel by id): the integration says queued.
    const offId = (await signal.services.integrations.list({ pipelineId: traced.id })).find((t) => t.name === 'Trace switched off')?.assignments[0]?.id;
    assert.ok(offId);
    const jobId = await signal.boss.send(`delivery.${offId}`, { ids: [Number(trace.stored[0]!.id)], attempt: 1 }, { startAfter: 3600 });
    const { body: held } = await signal.graphql<{ eventTrace: Trace }>(query, { p: traced.id, m: 'trace-1' });
    const off = held.data!.eventTrace.integrations.find((i) => i.name === 'Trace switched off')!;
    assert.equal(off.status, 'queued');
    assert.match(off.reason, /^in the integration's queue, not before /);
    assert.deepEqual(off.jobs.map((j) => j.state), ['created']);
    await signal.boss.cancel(`delivery.${offId}`, jobId!);

    // A messageId Signal never saw: nothing stored, and every integration says so.
    const { body: unseen } = await signal.graphql<{ eventTrace: Trace }>(query, { p: traced.id, m: 'never-sent' });
    assert.deepEqual(unseen.data!.eventTrace.stored, []);
    assert.ok(unseen.data!.eventTrace.integrations.every((i) => i.status === 'unknown' && /not among the stored events searched/.test(i.reason)));

    // A messageId with a NUL, stored as U+FFFD, is found by the id as the client sent it
    // (PostgreSQL refused the NUL: a 400 for an event that was stored).
    const odd = await fetch(`${signal.collectUrl}/v1/track`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(traced.key) },
      body: JSON.stringify({ event: 'Odd', userId: 'u-trace', messageId: 'trace-\u0000' }),
    });
    assert.equal(odd.status, 200);
    const { status: oddStatus, body: oddTrace } = await signal.graphql<{ eventTrace: Trace }>(query, { p: traced.id, m: 'trace-\u0000' });
    assert.equal(oddStatus, 200, JSON.stringify(oddTrace.errors));
    assert.equal(oddTrace.data!.eventTrace.stored.length, 1);
  });

  test('a bad question is a 400 or 404 naming the field', async () => {
    const traced = await signal.pipeline('Traced badly');
    for (const [variables, field, status] of [
      [{ p: traced.id, m: '' }, 'messageId', 400],
      [{ p: traced.id, m: 'x'.repeat(101) }, 'messageId', 400],
      [{ p: traced.id, m: 'm', h: 0 }, 'hours', 400],
      [{ p: traced.id, m: 'm', h: 745 }, 'hours', 400],
      [{ p: 'not-a-uuid', m: 'm' }, 'pipelineId', 400],
      [{ p: '00000000-0000-4000-8000-000000000000', m: 'm' }, 'pipelineId', 404],
    ] as const) {
      const res = await signal.graphql(query, variables);
      assert.equal(res.status, status, JSON.stringify(variables));
      assert.equal((res.body.errors![0]!.extensions!.fields as Array<{ field: string }>)[0]!.field, field, JSON.stringify(variables));
    }
  });
});
