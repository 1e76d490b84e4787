// Slack end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for hooks.slack.com and must receive one message per
// event a rule chooses, exactly as Slack's incoming webhooks take it, and answer as Slack does
// (200 "ok"; an error code as text with 400, 403, 404, 410; 429 with Retry-After; 5xx).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, neverQueuedFate, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const VISITOR = 'df_slack0visitor1';
const HOOK_PATH = '/services/T024BE7LD/B01ABCDEF12/abcdefghijklmnopqrstuvwx';
/** Slack's answers come as text/html, its success (`ok`) included. */
const SLACK_HEADERS = { 'content-type': 'text/html' };
const WEBHOOK_URL = `https://hooks.slack.com${HOOK_PATH}`;
const RULES = [
  { events: ['Order Completed'], where: [{ field: 'properties.revenue', op: '>=', value: '500' }], template: ':tada: Order {{properties.order_id}}: *{{properties.revenue}} {{properties.currency}}*' },
  { type: 'identify', where: [{ field: 'traits.plan', op: '=', value: 'enterprise' }], title: 'New enterprise sign-up', template: '{{traits.company}} ({{traits.email}})' },
];

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://hooks.slack.com=${sim.url}`,
  }, { label: 'slack', vendors: ['slack'] });
  // Slack's answer to a message it posted.
  // As Slack answers: its words as text/html (`ok`, or an error code).
  sim.setDefault('POST', HOOK_PATH, { status: 200, headers: SLACK_HEADERS, body: 'ok' });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'slack', name, { config: { webhook_url: WEBHOOK_URL, rules: RULES, ...config }, consentCategories: ['analytics'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: '2024-03-24T16:00:00.000Z', context: { consent: { analytics: true } } });
/** The messages the simulator received whose text holds `marker`. */
const messagesWith = (marker: string): RecordedRequest[] => sim.requests({ path: HOOK_PATH }).filter((r) => JSON.stringify(r.json ?? '').includes(marker));
async function dropped(integrationId: string): Promise<number> {
  const { body } = await signal.graphql<{ integrationStats: { dropped: number } }>('query($id: ID!) { integrationStats(integrationId: $id) { dropped } }', { id: integrationId });
  return body.data!.integrationStats.dropped;
}

describe('Slack', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('Slack sales');
  });

  test('an order over the threshold posts one message, its values escaped (no @channel from an event); smaller orders and page views post nothing and count as dropped', async () => {
    await browser(main.site.key, { type: 'page', name: 'Pricing', messageId: 'sl-page-1', properties: { path: '/pricing' } });
    await browser(main.site.key, { type: 'track', event: 'Order Completed', messageId: 'sl-small-1', properties: { order_id: 'small-1', revenue: 20, currency: 'USD' } });
    await browser(main.site.key, { type: 'track', event: 'Order Completed', messageId: 'sl-order-1', userId: 'u-1', properties: { order_id: '<!channel> 1001', revenue: 600, currency: 'USD' } });
    const [request] = await waitUntil(async () => { const list = messagesWith('1001'); return list.length > 0 && list; }, 'the message');
    assert.equal(request!.method, 'POST');
    assert.match(request!.headers['content-type']!, /^application\/json/);
    assert.deepEqual(request!.json, { text: ':tada: Order &lt;!channel&gt; 1001: *600 USD*' });
    await waitUntil(async () => (await dropped(main.integrationId)) === 2 || undefined, 'the page view (not queued: no rule takes a page) and the small order (its rule\'s condition) counted as dropped');
    assert.equal(messagesWith('small-1').length, 0);
    assert.equal(messagesWith('/pricing').length + messagesWith('Pricing').length, 0, 'no message for the page view');
    const page = await neverQueuedFate(signal, main.site.id, main.integrationId, 'sl-page-1');
    assert.deepEqual(page, { logged: 0, status: 'dropped', reason: 'not queued: the integration never sends it (no rule in config.rules takes its type and name)' });
    const small = await neverQueuedFate(signal, main.site.id, main.integrationId, 'sl-small-1');
    assert.deepEqual([small.logged, small.status], [1, 'dropped'], 'the small order was queued (a rule takes Order Completed) and its condition dropped it at delivery');
    assert.deepEqual(await integrationStats(signal, main.integrationId), { delivered: 1, retried: 0, deadLettered: 0 });
    // The webhook URL is the credential: the delivery log keeps the exchange without it.
    const logged = await waitUntil(async () => {
      const { body } = await signal.graphql<{ deliveryLog: Array<{ eventIds: string[]; request: { url: string } }> }>(
        'query($id: ID!) { deliveryLog(integrationId: $id, limit: 20) { eventIds request } }', { id: main.integrationId });
      return body.data?.deliveryLog.find((entry) => entry.eventIds.includes('sl-order-1'));
    }, 'the exchange in the delivery log');
    assert.ok(!JSON.stringify(logged).includes('abcdefghijklmnop'), JSON.stringify(logged.request));
  });

  test('an identify of an enterprise user: a header block and a section, the notification\'s text beside them; email only because the template names it', async () => {
    await browser(main.site.key, { type: 'identify', userId: 'u-2', messageId: 'sl-identify-1', traits: { plan: 'enterprise', company: 'Acme & Co', email: 'jane@example.com', phone: '+15555550100' } });
    const [request] = await waitUntil(async () => { const list = messagesWith('Acme'); return list.length > 0 && list; }, 'the message');
    assert.deepEqual(request!.json, {
      text: 'New enterprise sign-up\nAcme &amp; Co (jane@example.com)',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'New enterprise sign-up' } },
        { type: 'section', text: { type: 'mrkdwn', text: 'Acme &amp; Co (jane@example.com)' } },
      ],
    });
    assert.ok(!JSON.stringify(request!.json).includes('5555550100'), 'a trait no template names is not sent');
  });

  test('with Slack formatting off, an event\'s <!channel> still reaches Slack escaped (Slack reads mentions in text whatever mrkdwn says)', async () => {
    const { site } = await installed('Slack plain', { mrkdwn: false });
    await browser(site.key, { type: 'track', event: 'Order Completed', messageId: 'sl-plain-1', properties: { order_id: '<!channel> plain-1', revenue: 650, currency: 'USD' } });
    const [request] = await waitUntil(async () => { const list = messagesWith('plain-1'); return list.length > 0 && list; }, 'the message');
    assert.deepEqual(request!.json, { text: ':tada: Order &lt;!channel&gt; plain-1: *650 USD*', mrkdwn: false });
  });

  test('a 500 (rollup_error) and a timeout are retried, then the message is delivered once', async () => {
    const { site, integrationId } = await installed('Slack outage');
    sim.script('POST', HOOK_PATH, [{ status: 500, headers: SLACK_HEADERS, body: 'rollup_error' }, reply.hang()]);
    await browser(site.key, { type: 'track', event: 'Order Completed', messageId: 'sl-500-1', properties: { order_id: 'retry-500', revenue: 700, currency: 'EUR' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 30_000);
    assert.equal(messagesWith('retry-500').length, 3, 'the 500, the timeout, then the success');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 2, deadLettered: 0 });
  });

  test('a 429 waits for Retry-After, then the message is posted: delivered, no try used up, no dead letter', async () => {
    const { site, integrationId } = await installed('Slack throttled');
    sim.script('POST', HOOK_PATH, [{ status: 429, headers: { 'Retry-After': '60' }, body: 'rate_limited' }]);
    await browser(site.key, { type: 'track', event: 'Order Completed', messageId: 'sl-429-1', properties: { order_id: 'throttled-1', revenue: 800, currency: 'USD' } });
    const tries = await waitUntil(async () => { const list = messagesWith('throttled-1'); return list.length >= 2 && list; }, 'two tries', 20_000);
    const waited = tries[1]!.receivedAt - tries[0]!.receivedAt;
    assert.ok(waited >= 500, `paused for Retry-After (60 s, 600 ms scaled; waited ${waited} ms)`);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
  });

  test('a removed webhook (404 no_service) and an archived channel (410) dead-letter at once, saying what to fix and never quoting the URL', async () => {
    const { site, integrationId } = await installed('Slack gone');
    sim.script('POST', HOOK_PATH, [{ status: 404, headers: SLACK_HEADERS, body: 'no_service' }, { status: 410, headers: SLACK_HEADERS, body: 'channel_is_archived' }]);
    await browser(site.key, { type: 'track', event: 'Order Completed', messageId: 'sl-404-1', properties: { order_id: 'gone-1', revenue: 900, currency: 'USD' } });
    const removed = await waitForDeadLetter(signal, integrationId, 'sl-404-1');
    assert.equal(removed.attempts, 1);
    assert.equal(removed.reason, 'Slack refused the message (HTTP 404 no_service): there is no incoming webhook at config.webhook_url (disabled, removed, or its app uninstalled): create a new incoming webhook (your Slack app > Incoming Webhooks > Add New Webhook to Workspace) and set it as config.webhook_url, then replay the dead letters');
    await browser(site.key, { type: 'track', event: 'Order Completed', messageId: 'sl-410-1', properties: { order_id: 'gone-2', revenue: 900, currency: 'USD' } });
    const archived = await waitForDeadLetter(signal, integrationId, 'sl-410-1');
    assert.equal(archived.reason, 'Slack refused the message (HTTP 410 channel_is_archived): the webhook\'s channel is archived: unarchive it in Slack and replay the dead letters, or use a webhook for another channel in config.webhook_url');
    assert.ok(!JSON.stringify([removed.reason, archived.reason]).includes('abcdefghijklmnop'));
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 0, retried: 0, deadLettered: 2 });
  });

  test('one message Slack refuses (400 invalid_payload) is dead-lettered alone; the others of the same delivery are posted', async () => {
    const { site, integrationId } = await installed('Slack per message');
    sim.setDefault('POST', HOOK_PATH, (request) => (JSON.stringify(request.json ?? '').includes('bad-2')
      ? { status: 400, body: 'invalid_payload' }
      : { status: 200, body: 'ok' }));
    try {
      const res = await fetch(`${signal.collectUrl}/v1/batch`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
        body: JSON.stringify({ batch: ['ok-1', 'bad-2', 'ok-3'].map((id) => ({ type: 'track', event: 'Order Completed', userId: 'u-9', messageId: `sl-${id}`, properties: { order_id: id, revenue: 1000, currency: 'USD' }, context: { consent: { analytics: true } } })) }),
      });
      assert.equal(res.status, 200);
      const letter = await waitForDeadLetter(signal, integrationId, 'sl-bad-2');
      assert.match(letter.reason, /^Slack refused the message \(HTTP 400 invalid_payload\): Slack could not read the message: check the matching rule's template and title in config\.rules/);
      await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two delivered');
      assert.deepEqual(['ok-1', 'bad-2', 'ok-3'].map((id) => messagesWith(id).length), [1, 1, 1], 'one request per message');
    } finally {
      // As Slack answers: its words as text/html (`ok`, or an error code).
  sim.setDefault('POST', HOOK_PATH, { status: 200, headers: SLACK_HEADERS, body: 'ok' });
    }
  });

  test('a 200 web page (a proxy answering instead of Slack) dead-letters the message, never counted delivered', async () => {
    const { site, integrationId } = await installed('Slack proxy');
    sim.script('POST', HOOK_PATH, [{ status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><html><body>Sign in to the network</body></html>' }]);
    await browser(site.key, { type: 'track', event: 'Order Completed', messageId: 'sl-html-1', properties: { order_id: 'html-1', revenue: 900, currency: 'USD' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'sl-html-1');
    assert.match(letter.reason, /^Slack did not answer \(HTTP 200 with a web page, not Slack's "ok"\)/);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 0, deadLettered: 1 });
  });

  test('a person deletion is not forwarded: a posted Slack message cannot be deleted through an incoming webhook', { timeout: 60_000 }, async () => {
    const [vendor] = await deletePerson(signal, main.site.id, { userId: 'u-1', anonymousId: VISITOR }, ['vendor', 'status', 'message']);
    assert.deepEqual(vendor, { vendor: 'slack', status: 'skipped', message: 'Signal cannot forward deletions to Slack: delete the person there with its own tools' });
  });
});
