// Global Privacy Control end to end: collect stamps `context.consent.gpc` from `Sec-GPC: 1`
// (an event's own `gpc` wins), and SIGNAL_GPC decides what follows — `restrict` flags the
// visitor's events for Meta's Limited Data Use and Nextdoor's restricted data usage, `opt_out`
// keeps them from integrations gated on `advertising`, `ignore` changes nothing. The rule is
// one per process, so each rule gets a Signal of its own, one after the other.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type VendorSim } from './vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from './helpers/signal.ts';
import { adminCall } from './helpers/vendor-e2e.ts';
import { waitUntil } from './helpers/wait.ts';
import { closeAll } from './helpers/close-all.ts';

const META_PATH = '/v25.0/1234567890/events';
const NEXTDOOR_PATH = '/v2/api/conversions/track';
const VISITOR_IP = '203.0.113.77';

let sim: VendorSim;
before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', META_PATH, { status: 200, body: { events_received: 1 } });
  sim.setDefault('POST', NEXTDOOR_PATH, { status: 200, body: {} });
});
after(() => closeAll(sim));

type MetaEvent = { event_id: string; data_processing_options?: string[]; data_processing_options_country?: number; data_processing_options_state?: number };
type NextdoorConversion = { event_id: string; restricted_data_usage?: number; restricted_data_usage_country?: number };

const metaEvent = (id: string): MetaEvent | undefined => sim.requests({ path: META_PATH }).flatMap((r) => (r.json as { data: MetaEvent[] }).data).find((e) => e.event_id === id);
const nextdoorConversion = (id: string): NextdoorConversion | undefined => sim.requests({ path: NEXTDOOR_PATH }).map((r) => r.json as NextdoorConversion).find((c) => c.event_id === id);
const bothReceived = (id: string) => waitUntil(async () => {
  const meta = metaEvent(id);
  const nextdoor = nextdoorConversion(id);
  return meta && nextdoor ? { meta, nextdoor } : undefined;
}, `${id} sent to Meta and Nextdoor`);

/** A Signal under `rule` with Meta and Nextdoor on one pipeline, both gated on `advertising`. */
async function signalWith(rule: string | undefined, label: string): Promise<{ signal: TestSignal; key: string }> {
  const signal = await startTestSignal({
    ...(rule === undefined ? {} : { SIGNAL_GPC: rule }),
    SIGNAL_VENDOR_REDIRECTS: `https://graph.facebook.com=${sim.url},https://ads.nextdoor.com=${sim.url}`, SIGNAL_TRUST_PROXY: '127.0.0.1',
  }, { label, vendors: ['meta_capi', 'nextdoor'] });
  const site = await signal.pipeline(`GPC ${label}`);
  const installs = [
    ['meta_capi', { pixel_id: '1234567890', access_token: 'token-0123456789' }],
    ['nextdoor', { access_token: 'nd-token-0123456789', data_source_id: 'ds-gpc' }],
  ] as const;
  for (const [vendor, config] of installs) {
    await adminCall(signal, 'POST', `/v1/admin/integration-catalog/${vendor}/install`, {
      name: `${vendor} ${label}`, variant: 'default', config, delivery_mode: 'server_side', pipeline_id: site.id, consent_categories: ['advertising'],
    });
  }
  return { signal, key: site.key };
}

/** A browser's purchase with advertising consent; `gpc` sends `Sec-GPC: 1`. */
async function purchase(signal: TestSignal, key: string, messageId: string, options: { gpc: boolean; consent?: Record<string, unknown> }): Promise<void> {
  const res = await fetch(`${signal.collectUrl}/v1/track`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, 'user-agent': 'Mozilla/5.0 (gpc e2e)',
      cookie: '_dfdid=df_gpcvisitor01', ...(options.gpc ? { 'sec-gpc': '1' } : {}),
    },
    body: JSON.stringify({
      writeKey: key, type: 'track', event: 'Order Completed', messageId, userId: 'gpc-user-1',
      properties: { order_id: `O-${messageId}`, revenue: 20, currency: 'USD', email: 'jane@example.com' },
      context: { consent: { advertising: true, ...options.consent }, page: { url: 'https://shop.example.com/thanks' } },
    }),
  });
  assert.equal(res.status, 200, await res.text());
}

async function storedConsent(signal: TestSignal, messageId: string): Promise<unknown> {
  const { rows } = await signal.pool.query<{ consent: unknown }>(`SELECT payload->'context'->'consent' AS consent FROM signal.events WHERE message_id = $1`, [messageId]);
  return rows[0]?.consent;
}

describe('SIGNAL_GPC unset: restrict', () => {
  let signal: TestSignal;
  let key: string;
  before(async () => ({ signal, key } = await signalWith(undefined, 'gpcrestrict')));
  after(() => closeAll(signal));

  test('collect stamps gpc from Sec-GPC: 1; the event\'s own gpc wins; the OpenAPI document has both', async () => {
    await purchase(signal, key, 'gpc-r-on', { gpc: true });
    await purchase(signal, key, 'gpc-r-own', { gpc: true, consent: { gpc: false } });
    await purchase(signal, key, 'gpc-r-off', { gpc: false });
    assert.deepEqual(await storedConsent(signal, 'gpc-r-on'), { advertising: true, gpc: true });
    assert.deepEqual(await storedConsent(signal, 'gpc-r-own'), { advertising: true, gpc: false });
    assert.deepEqual(await storedConsent(signal, 'gpc-r-off'), { advertising: true });

    const doc = await (await fetch(`${signal.collectUrl}/openapi.json`)).json() as { paths: Record<string, { post?: { parameters?: Array<{ in: string; name: string }>; requestBody?: { content: Record<string, { schema: unknown }> } } }> };
    for (const path of ['/v1/track', '/v1/batch']) {
      assert.ok(doc.paths[path]?.post?.parameters?.some((p) => p.in === 'header' && p.name === 'sec-gpc'), `${path} documents Sec-GPC`);
      assert.match(JSON.stringify(doc.paths[path]?.post?.requestBody), /"gpc":\{"type":"boolean"/, `${path}'s event schema has context.consent.gpc`);
    }
  });

  test('Meta gets Limited Data Use and Nextdoor restricted data usage on the GPC visitor\'s event only', async () => {
    const on = await bothReceived('gpc-r-on');
    assert.deepEqual([on.meta.data_processing_options, on.meta.data_processing_options_country, on.meta.data_processing_options_state], [['LDU'], 0, 0]);
    assert.deepEqual([on.nextdoor.restricted_data_usage, on.nextdoor.restricted_data_usage_country], [1, 1]);
    for (const id of ['gpc-r-own', 'gpc-r-off']) {
      const off = await bothReceived(id);
      assert.equal(off.meta.data_processing_options, undefined, `${id}: no LDU`);
      assert.equal(off.nextdoor.restricted_data_usage, undefined, `${id}: no restricted data usage`);
    }
  });
});

describe('SIGNAL_GPC=opt_out', () => {
  let signal: TestSignal;
  let key: string;
  before(async () => ({ signal, key } = await signalWith('opt_out', 'gpcoptout')));
  after(() => closeAll(signal));

  test('an integration gated on advertising does not receive the GPC visitor\'s event, though it granted advertising', async () => {
    await purchase(signal, key, 'gpc-o-on', { gpc: true });
    await purchase(signal, key, 'gpc-o-off', { gpc: false });
    const off = await bothReceived('gpc-o-off');
    assert.equal(off.meta.data_processing_options, undefined, 'the others go as before, unflagged');
    // Fanned out together with the event above: had it passed the gate, it would be there by now.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(metaEvent('gpc-o-on'), undefined, 'not sent to Meta');
    assert.equal(nextdoorConversion('gpc-o-on'), undefined, 'not sent to Nextdoor');
    assert.deepEqual(await storedConsent(signal, 'gpc-o-on'), { advertising: true, gpc: true }, 'stored as collected');
  });
});

describe('SIGNAL_GPC=ignore', () => {
  let signal: TestSignal;
  let key: string;
  before(async () => ({ signal, key } = await signalWith('ignore', 'gpcignore')));
  after(() => closeAll(signal));

  test('GPC changes nothing: both integrations receive the event, unflagged; gpc is still stored', async () => {
    await purchase(signal, key, 'gpc-i-on', { gpc: true });
    const on = await bothReceived('gpc-i-on');
    assert.equal(on.meta.data_processing_options, undefined);
    assert.equal(on.nextdoor.restricted_data_usage, undefined);
    assert.deepEqual(await storedConsent(signal, 'gpc-i-on'), { advertising: true, gpc: true });
  });
});
