import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { PluginDefinition } from '../core/sdk/types.ts';
import webhook from '../plugins/webhook/index.ts';
import { startVendorSim, type VendorSim } from './vendor-sim/vendor-sim.ts';
import { fixturePlugin, pluginSet } from './helpers/fixture-plugin.ts';
import { waitUntil } from './helpers/wait.ts';
import { neverQueuedFate } from './helpers/vendor-e2e.ts';
import { basic, startTestSignal, type TestSignal } from './helpers/signal.ts';
import { closeAll } from './helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
let pipeline: { id: string; key: string };

const blueprint = `
version: 2
parameters:
  key: { config: api_key, required: true }
event_name_target: name
global:
  - { source: messageId, target: id }
  - { source: userId, target: user.id }
  - { source: timestamp, target: time, transforms: [to_unix_ms] }
events:
  order:
    names: [purchase, Order Completed]
    event_name: purchase
    mappings:
      - { source: properties.total, target: value, transforms: [to_number], required: true }
      - { source: properties.currency, target: currency, transforms: [currency] }
      - { source: traits.email, target: user.email_sha256, transforms: [sha256] }
defaults:
  action: drop
`;

/** The fixture with a code mapper that copies its secret into the vendor event (plugin code sees the config). */
const echoingPlugin: PluginDefinition = {
  ...fixturePlugin,
  id: 'echoing',
  name: 'Echoing',
  variants: { default: { description: 'copies the key', map: (event, ctx) => ({ name: event.event ?? event.type, note: `key=${String(ctx.config.api_key)}` }) } },
};

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal(
    { SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_VENDOR_REDIRECTS: `https://eu.fixture.test=${sim.url}` },
    { plugins: pluginSet(webhook, fixturePlugin, echoingPlugin), label: 'blueprints' },
  );
  pipeline = await signal.pipeline('Blueprints');
});
after(() => closeAll(signal, sim));

async function send(events: Array<Record<string, unknown>>): Promise<void> {
  const res = await fetch(`${signal.collectUrl}/v1/batch`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(pipeline.key) },
    body: JSON.stringify({ batch: events.map((e) => ({ type: 'track', userId: 'user-1', ...e })) }),
  });
  assert.equal(res.status, 200);
}


describe('blueprints in delivery', () => {
  test('events are mapped by the revision blueprint; a missing required field dead-letters; unmatched events are dropped', async () => {
    const { assignment } = await signal.services.integrations.install({
      vendor: 'fixture', name: 'Mapped', pipelineId: pipeline.id, consentCategories: [], blueprint,
      config: { api_key: 'fixture-key-123', region: 'https://eu.fixture.test/events' },
    });
    await send([
      { event: 'Order Completed', messageId: 'bp-1', properties: { total: '89.99', currency: 'gbp' }, timestamp: '2024-03-24T16:00:00.000Z' },
      { event: 'purchase', messageId: 'bp-2', properties: { currency: 'EUR' } },
      { event: 'Page Scrolled', messageId: 'bp-3' },
    ]);
    const [request] = await sim.waitFor(1, 15_000, { path: '/events' });
    const body = request!.json as { events: Array<Record<string, unknown>> };
    assert.equal(body.events.length, 1);
    const mapped = body.events[0]!;
    assert.equal(mapped.name, 'purchase');
    assert.equal(mapped.id, 'bp-1');
    assert.equal(mapped.value, 89.99);
    assert.equal(mapped.currency, 'GBP');
    assert.deepEqual(mapped.user, { id: 'user-1' });
    assert.equal(typeof mapped.time, 'number');
    const letters = await waitUntil(async () => {
      const page = await signal.delivery.list(assignment!.id, {}, 10);
      return page.total === 1 && page;
    }, 'the dead letter');
    assert.equal(letters.items[0]!.messageId, 'bp-2');
    assert.equal(letters.items[0]!.reason, 'mapping: value is required but properties.total is missing');
    const stats = await waitUntil(async () => {
      const s = await signal.delivery.health(assignment!.id);
      return s.dropped === 1 && s;
    }, 'the drop count');
    assert.equal(stats.delivered, 1);
  });

  test('a blueprint that does not compile is refused with its line and column', async () => {
    const res = await signal.graphql('mutation($input: InstallIntegrationInput!) { installIntegration(input: $input) { template { id } } }', {
      input: { vendor: 'fixture', name: 'Broken', config: { api_key: 'fixture-key-123', region: 'https://eu.fixture.test/events' }, blueprint: 'global:\n  - { source: userId, target: id, transforms: [shout] }\n' },
    });
    assert.equal(res.status, 400);
    const fields = res.body.errors![0]!.extensions!.fields as Array<{ field: string; message: string }>;
    assert.equal(fields[0]!.field, 'blueprint');
    assert.match(fields[0]!.message, /^line 2, column 47: global\[0\]\.transforms: unknown transform "shout"/);
    // The admin's own blueprint is named as such, not as the shipped file it stands in for.
    assert.match(res.body.errors![0]!.message, /does not compile: blueprint:2:47: /);
    const preview = await signal.graphql('query($t: PreviewTarget!) { previewIntegration(target: $t) { results { messageId } } }', {
      t: { vendor: 'fixture', config: { api_key: 'fixture-key-123', region: 'https://eu.fixture.test/events' }, blueprint: 'global:\n  - { source: userId, target: id, transforms: [shout] }\n' },
    });
    assert.match(preview.body.errors![0]!.message, /does not compile: target\.blueprint:2:47: /);
  });

  test('an empty blueprint ("", comments only, null) is refused at install, revision and preview, not stored to stall delivery', async () => {
    const config = { api_key: 'fixture-key-123', region: 'https://eu.fixture.test/events' };
    for (const empty of ['', '# nothing yet\n', 'null']) {
      const res = await signal.graphql('mutation($input: InstallIntegrationInput!) { installIntegration(input: $input) { template { id } } }', { input: { vendor: 'fixture', name: 'Empty', config, blueprint: empty } });
      assert.equal(res.status, 400, JSON.stringify(empty));
      assert.match((res.body.errors![0]!.extensions!.fields as Array<{ message: string }>)[0]!.message, /the blueprint is empty/);
    }
    const { template } = await signal.services.integrations.install({ vendor: 'fixture', name: 'Then emptied', config, blueprint });
    const revision = await signal.graphql('mutation($t: ID!) { createRevision(input: { templateId: $t, blueprint: "" }) { version } }', { t: template.id });
    assert.equal(revision.status, 400);
    const preview = await signal.graphql('query($t: PreviewTarget!) { previewIntegration(target: $t) { results { messageId } } }', { t: { vendor: 'fixture', blueprint: '', config } });
    assert.equal(preview.status, 400);
    assert.equal(preview.body.errors![0]!.extensions!.signalCode, 'SIGNAL_VALIDATION_FAILED');
  });
});

describe('revisions carry edited blueprints', () => {
  test('a variant install copies its blueprint into v1; a new revision may carry an edited one, checked first', async () => {
    const installed = await signal.services.integrations.install({
      vendor: 'fixture', name: 'Revisable', config: { api_key: 'fixture-key-123', region: 'https://eu.fixture.test/events' }, blueprint,
    });
    assert.equal(installed.revision.blueprint, blueprint);
    const edited = blueprint.replace('event_name: purchase', 'event_name: order_placed');
    const v2 = await signal.graphql<{ createRevision: { version: number; blueprint: string } }>(
      'mutation($input: CreateRevisionInput!) { createRevision(input: $input) { version blueprint } }',
      { input: { templateId: installed.template.id, blueprint: edited, note: 'rename the vendor event' } },
    );
    assert.equal(v2.body.data!.createRevision.version, 2);
    assert.match(v2.body.data!.createRevision.blueprint, /order_placed/);
    const broken = await signal.graphql('mutation($input: CreateRevisionInput!) { createRevision(input: $input) { version } }',
      { input: { templateId: installed.template.id, blueprint: 'events:\n  x:\n    filter: "a =="\n' } });
    assert.equal(broken.status, 400);
    assert.match((broken.body.errors![0]!.extensions!.fields as Array<{ message: string }>)[0]!.message, /^line 3, column 13: events\.x\.filter/);
    const template = await signal.services.integrations.getTemplate(installed.template.id);
    assert.deepEqual(template.revisions.map((r) => r.version), [1, 2], 'the refused revision was not stored');
  });
});

/** A new pipeline with one webhook integration posting to `hookPath` on the simulator. */
async function pipelineWithWebhook(name: string, hookPath: string) {
  const pipeline = await signal.pipeline(name);
  await signal.services.integrations.install({
    vendor: 'webhook', name, pipelineId: pipeline.id, consentCategories: [],
    config: { url: `${sim.url}${hookPath}`, allow_private_targets: ['127.0.0.1'] },
  });
  return { pipeline, hookPath };
}

describe('pipeline transformations and the org data layer', () => {
  test('applied in order before fan-out; drops stop events; revisions are kept', async () => {
    const { pipeline: other, hookPath } = await pipelineWithWebhook('Transformed', '/transformed');
    const org = await signal.graphql<{ setOrgDataLayer: { version: number } }>(`mutation { setOrgDataLayer(source: "- set: { target: context.app.name, value: shop }\\n- remove: properties.password", note: "org") { version } }`);
    assert.equal(org.status, 200, JSON.stringify(org.body));
    const pipelineRevision = await signal.graphql<{ setPipelineTransformations: { version: number } }>(
      `mutation($id: ID!, $source: String!) { setPipelineTransformations(pipelineId: $id, source: $source) { version scope } }`,
      { id: other.id, source: "- rename: { from: properties.sku, to: properties.product_id }\n- drop: 'event == \"Internal Test\"'\n" },
    );
    assert.equal(pipelineRevision.body.data!.setPipelineTransformations.version, 1);
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(other.key) },
      body: JSON.stringify({ batch: [
        { type: 'track', event: 'Signed Up', userId: 'u', messageId: 'tr-1', properties: { sku: 'S1', password: 'hunter2' } },
        { type: 'track', event: 'Internal Test', userId: 'u', messageId: 'tr-2' },
      ] }),
    });
    assert.equal(res.status, 200);
    const [request] = await sim.waitFor(1, 15_000, { path: hookPath });
    const events = (request!.json as { batch: Array<{ messageId: string; properties: Record<string, unknown>; context: { app?: unknown } }> }).batch;
    assert.deepEqual(events.map((e) => e.messageId), ['tr-1']);
    assert.deepEqual(events[0]!.properties, { product_id: 'S1' });
    assert.deepEqual(events[0]!.context.app, { name: 'shop' });
    // Transformed events cannot be read back as stored: their delivery jobs carry them.
    const { rows: jobs } = await signal.pool.query<{ data: { ids?: number[]; events?: Array<{ messageId: string }> } }>(
      `SELECT j.data FROM pgboss.job j JOIN signal.pipeline_integrations a ON j.name = 'delivery.' || a.id WHERE a.pipeline_id = $1`, [other.id],
    );
    assert.deepEqual(jobs.map((job) => [job.data.ids, job.data.events?.map((e) => e.messageId)]), [[undefined, ['tr-1']]]);
    const history = await signal.graphql<{ transformationHistory: Array<{ version: number }> }>('{ transformationHistory(scope: "org") { version note } }');
    assert.deepEqual(history.body.data!.transformationHistory.map((r) => r.version), [1]);
    const unknownScope = await signal.graphql('{ transformationHistory(scope: "bogus") { version } }');
    assert.equal(unknownScope.status, 400);
    assert.match(unknownScope.body.errors![0]!.message, /^scope must be "org" or a pipeline id, got "bogus"/);
    const bad = await signal.graphql(`mutation { setOrgDataLayer(source: "- move: x") { version } }`);
    assert.equal(bad.status, 400);
    assert.match((bad.body.errors![0]!.extensions!.fields as Array<{ message: string }>)[0]!.message, /^line 1, column 3: \[0\]: unknown operation "move"/);
  });
});

describe('characters PostgreSQL cannot store', () => {
  test('a transformation that writes a NUL: the event is still delivered, with U+FFFD', async () => {
    // pg-boss keeps job data as jsonb, which refuses a NUL: the ingest job failed on every try.
    const { pipeline: other, hookPath } = await pipelineWithWebhook('NUL transformation', '/nul-transformed');
    const revision = await signal.graphql(
      `mutation($id: ID!, $source: String!) { setPipelineTransformations(pipelineId: $id, source: $source) { version } }`,
      { id: other.id, source: '- set: { target: properties.note, value: "a\\0b" }\n' },
    );
    assert.equal(revision.status, 200, JSON.stringify(revision.body));
    const res = await fetch(`${signal.collectUrl}/v1/track`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(other.key) },
      body: JSON.stringify({ event: 'Noted', userId: 'u', messageId: 'nul-tr-1' }),
    });
    assert.equal(res.status, 200);
    const [request] = await sim.waitFor(1, 15_000, { path: hookPath });
    const [event] = (request!.json as { batch: Array<{ messageId: string; properties: Record<string, unknown> }> }).batch;
    assert.deepEqual([event!.messageId, event!.properties.note], ['nul-tr-1', 'a\ufffdb']);
  });
});

describe('preview and coverage', () => {
  test('previewIntegration names an event that is not an object', async () => {
    const res = await signal.graphql('query($t: PreviewTarget!, $e: [JSON!]) { previewIntegration(target: $t, events: $e) { results { messageId } } }', {
      t: { vendor: 'fixture', config: { api_key: 'fixture-key-123', region: 'https://eu.fixture.test/events' } }, e: [{ event: 'Fine', userId: 'u' }, 5],
    });
    assert.equal(res.status, 400);
    assert.deepEqual((res.body.errors![0]!.extensions as { fields: unknown }).fields, [{ field: 'events[1]', message: 'must be an event object' }]);
  });

  test('previewIntegration shows the vendor event and the exact requests, secrets masked, sending nothing', async () => {
    const before = sim.count();
    const res = await signal.graphql<{ previewIntegration: { results: Array<{ messageId: string; vendorEvent: Record<string, unknown> | null; dropped: string | null; dropReason: string | null; requests: Array<{ url: string; body: { api_key: string; events: unknown[] } }> }>; coverage: { counts: Record<string, number>; requiredMapped: string[] } } }>(
      `query($target: PreviewTarget!) { previewIntegration(target: $target) { results { messageId vendorEvent dropped dropReason warnings errors requests } coverage { requiredMapped requiredMissing optionalMapped optionalMissing counts } } }`,
      { target: { vendor: 'fixture', blueprint, config: { api_key: 'fixture-key-123', region: 'https://eu.fixture.test/events' } } },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body.errors));
    const results = res.body.data!.previewIntegration.results;
    const order = results.find((r) => r.messageId === 'conf-order-1')!;
    assert.equal(order.vendorEvent?.name, 'purchase');
    assert.equal(order.requests[0]!.url, 'https://eu.fixture.test/events');
    assert.equal(order.requests[0]!.body.api_key, '[REDACTED]');
    assert.equal(results.find((r) => r.messageId === 'conf-page-1')!.dropped, 'default_drop');
    assert.equal(results.find((r) => r.messageId === 'conf-page-1')!.dropReason, "blueprint: no handler takes page calls, and the blueprint's defaults drop such events");
    assert.equal(order.dropReason, null);
    assert.deepEqual(res.body.data!.previewIntegration.coverage.requiredMapped, ['name']);
    assert.equal(sim.count(), before, 'nothing was sent');
    const invalid = await signal.graphql('query { previewIntegration(target: { vendor: "fixture", config: { region: "x" } }) { results { messageId } } }');
    assert.equal(invalid.status, 400);
  });
});

describe('stored secrets never come back, in any form', () => {
  const secret = 'whsec_Stored0nlyEncrypted';
  const hookConfig = { url: 'https://hooks.example.com/in', signing_secret: secret };
  /** Every row below reads the secret parameter: plainly, upper-cased, in a template, in a handler transform. */
  const reading = [
    'global:\n  - { source: parameters.k, target: leaked }\n',
    'global:\n  - { source: parameters.k, target: shout, transforms: [uppercase] }\n',
    'global:\n  - { template: "{{parameters.k}}", target: t }\n',
    'events:\n  x:\n    transforms:\n      - { set: { source: parameters.k, target: s } }\n',
  ].map((rows) => `version: 2\nparameters:\n  k: { config: signing_secret }\n${rows}`);
  const leaks = (answer: unknown) => JSON.stringify(answer).toUpperCase().includes(secret.toUpperCase());

  test("a preview of a stored webhook shows its secret headers' values nowhere, whatever the header is called", async () => {
    const { revision } = await signal.services.integrations.install({ vendor: 'webhook', name: 'Secret headers', config: { url: 'https://hooks.example.com/in', secret_headers: { 'X-Erp-Key': 'erp-key-0123456789' } } });
    const res = await signal.graphql('query($t: PreviewTarget!) { previewIntegration(target: $t, events: [{ event: "x", userId: "u" }]) { results { vendorEvent requests } } }', { t: { revisionId: revision.id } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(JSON.stringify(res.body).includes('erp-key-0123456789'), false, JSON.stringify(res.body));
    assert.match(JSON.stringify(res.body), /x-erp-key/i, 'the header is there, its value redacted');
  });

  test('the mask given as a new secret says so, before the field\'s own rules (16 characters for a webhook secret)', async () => {
    await assert.rejects(
      signal.services.integrations.install({ vendor: 'webhook', name: 'Masked hook', config: { ...hookConfig, signing_secret: '********' } }),
      (error: Error & { fields?: Array<{ field: string; message: string }> }) => {
        assert.deepEqual(error.fields, [{ field: 'config.signing_secret', message: 'is ********, the mask Signal shows for a stored secret, and no secret is stored here: give the secret itself' }]);
        return true;
      },
    );
  });

  test('previewIntegration of a stored revision refuses a blueprint that reads a secret parameter, naming the row; the secret is in no answer', async () => {
    const { revision } = await signal.services.integrations.install({ vendor: 'webhook', name: 'Signed hook', config: hookConfig });
    for (const override of reading) {
      const res = await signal.graphql('query($t: PreviewTarget!) { previewIntegration(target: $t, events: [{ event: "x", userId: "u" }]) { results { vendorEvent requests warnings errors } } }',
        { t: { revisionId: revision.id, blueprint: override } });
      assert.equal(res.status, 400, override);
      assert.equal(res.body.errors![0]!.extensions!.signalCode, 'SIGNAL_VALIDATION_FAILED');
      const field = (res.body.errors![0]!.extensions!.fields as Array<{ field: string; message: string }>)[0]!;
      assert.equal(field.field, 'target.blueprint');
      assert.match(field.message, /line \d+, column \d+: .*parameters\.k is bound to the secret config field "signing_secret", which a blueprint may not read/);
      assert.equal(leaks(res.body), false, override);
    }
    // Declaring it (for its required check) is allowed; the requests still carry no secret.
    const declared = await signal.graphql<{ previewIntegration: { results: Array<{ vendorEvent: Record<string, unknown>; requests: unknown[] }> } }>(
      'query($t: PreviewTarget!) { previewIntegration(target: $t, events: [{ event: "x", userId: "u" }]) { results { vendorEvent requests } } }',
      { t: { revisionId: revision.id, blueprint: 'version: 2\nparameters:\n  k: { config: signing_secret, required: true }\nglobal:\n  - { source: userId, target: user }\n' } },
    );
    assert.equal(declared.status, 200, JSON.stringify(declared.body.errors));
    assert.deepEqual(declared.body.data!.previewIntegration.results[0]!.vendorEvent, { user: 'u' });
    assert.equal(declared.body.data!.previewIntegration.results[0]!.requests.length, 1);
    assert.equal(leaks(declared.body), false);
  });

  test('install and createRevision refuse such a blueprint, so it never maps an event into the delivery log', async () => {
    for (const source of reading) {
      const install = await signal.graphql('mutation($i: InstallIntegrationInput!) { installIntegration(input: $i) { template { id } } }', { i: { vendor: 'webhook', name: 'Leaky', config: hookConfig, blueprint: source } });
      assert.equal(install.status, 400, source);
      const field = (install.body.errors![0]!.extensions!.fields as Array<{ field: string; message: string }>)[0]!;
      assert.equal(field.field, 'blueprint');
      assert.match(field.message, /^line \d+, column \d+: .*parameters\.k is bound to the secret config field "signing_secret"/);
    }
    const { template } = await signal.services.integrations.install({ vendor: 'webhook', name: 'Revised', config: hookConfig });
    const revision = await signal.graphql('mutation($i: CreateRevisionInput!) { createRevision(input: $i) { version } }', { i: { templateId: template.id, blueprint: reading[1] } });
    assert.equal(revision.status, 400);
    assert.equal(leaks(revision.body), false);
    assert.deepEqual((await signal.services.integrations.getTemplate(template.id)).revisions.map((r) => r.version), [1], 'nothing was stored');
  });

  test('a code mapper that copies a secret: the preview\'s vendor event and requests come back redacted', async () => {
    const config = { api_key: 'echo-key-0123456789', region: 'https://eu.fixture.test/events' };
    const { revision } = await signal.services.integrations.install({ vendor: 'echoing', name: 'Echo', config });
    const res = await signal.graphql<{ previewIntegration: { results: Array<{ vendorEvent: Record<string, unknown>; requests: Array<{ body: { api_key: string; events: Array<Record<string, unknown>> } }> }> } }>(
      'query($t: PreviewTarget!) { previewIntegration(target: $t, events: [{ event: "x", userId: "u" }]) { results { vendorEvent requests } } }',
      { t: { revisionId: revision.id } },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body.errors));
    const [result] = res.body.data!.previewIntegration.results;
    assert.deepEqual(result!.vendorEvent, { name: 'x', note: 'key=[REDACTED]' });
    assert.deepEqual(result!.requests[0]!.body.events, [{ name: 'x', note: 'key=[REDACTED]' }]);
    assert.equal(JSON.stringify(res.body).includes(config.api_key), false);
  });
});

describe('previewIntegration checks target.pipelineId', () => {
  test('a malformed id → 400, an unknown pipeline → 404, both naming target.pipelineId; a real one previews', async () => {
    const preview = (pipelineId: string) => signal.graphql('query($t: PreviewTarget!) { previewIntegration(target: $t, events: [{ event: "x", userId: "u" }]) { results { transformed } } }',
      { t: { vendor: 'webhook', config: { url: 'https://hooks.example.com/in' }, pipelineId } });
    for (const [pipelineId, status, message] of [['not-a-uuid', 400, 'must be a UUID'], ['org', 400, 'must be a UUID'], ['00000000-0000-0000-0000-000000000000', 404, 'no such pipeline']] as const) {
      const res = await preview(pipelineId);
      assert.equal(res.status, status, pipelineId);
      assert.deepEqual(res.body.errors![0]!.extensions!.fields, [{ field: 'target.pipelineId', message }], pipelineId);
    }
    const transformed = await signal.pipeline('Previewed');
    const set = await signal.graphql('mutation($p: ID!, $s: String!) { setPipelineTransformations(pipelineId: $p, source: $s) { version } }', { p: transformed.id, s: '- set: { target: properties.stage, value: previewed }\n' });
    assert.equal(set.status, 200, JSON.stringify(set.body.errors));
    const res = await preview(transformed.id);
    assert.equal(res.status, 200, JSON.stringify(res.body.errors));
    assert.deepEqual((res.body.data as { previewIntegration: { results: Array<{ transformed: { properties: Record<string, unknown> } }> } }).previewIntegration.results[0]!.transformed.properties, { stage: 'previewed' });
  });
});

describe('preview with a pipeline', () => {
  test("previewIntegration shows the transformations' warnings, named as theirs", async () => {
    const pipeline = await signal.pipeline('Preview warnings');
    const saved = await signal.graphql('mutation($id: ID!, $source: String!) { setPipelineTransformations(pipelineId: $id, source: $source) { version } }', { id: pipeline.id, source: '- hash: traits.phone\n' });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const identify = { type: 'identify', messageId: 'pw-1', userId: 'u-1', traits: { phone: '07700 900123' }, context: {} };
    const res = await signal.graphql<{ previewIntegration: { results: Array<{ transformed: { traits: Record<string, unknown> }; warnings: string[] }> } }>(
      'query($target: PreviewTarget!, $events: [JSON!]) { previewIntegration(target: $target, events: $events) { results { transformed warnings } } }',
      { target: { vendor: 'webhook', config: { url: 'https://hooks.example.com/signal' }, pipelineId: pipeline.id }, events: [identify] },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [result] = res.body.data!.previewIntegration.results;
    assert.equal(result!.transformed.traits.phone, undefined, 'the phone it could not hash is gone');
    assert.ok(result!.warnings.some((w) => w.startsWith('transformation: ') && w.includes('traits.phone')), JSON.stringify(result!.warnings));
  });

  test('events a blueprint filter drops are listed in the delivery log with the filter that dropped them; calls no handler takes are not queued', async () => {
    const pipeline = await signal.pipeline('Dropped reasons');
    const { assignment } = await signal.services.integrations.install({
      vendor: 'webhook', name: 'dropped reasons', pipelineId: pipeline.id, consentCategories: [],
      config: { url: `${sim.url}/dropped-reasons`, allow_private_targets: ['127.0.0.1'], mode: 'single' },
      blueprint: 'events:\n  Order Completed:\n    filter: userId exists\n    mappings:\n      - { source: messageId, target: messageId }\ndefaults: { action: drop }\n',
    });
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(pipeline.key) },
      body: JSON.stringify({ batch: [
        { type: 'track', event: 'Order Completed', anonymousId: 'a-1', messageId: 'dr-anonymous' },
        { type: 'track', event: 'Order Completed', userId: 'u-1', messageId: 'dr-known' },
        { type: 'page', name: 'Home', userId: 'u-1', messageId: 'dr-page' },
      ] }),
    });
    assert.equal(res.status, 200);
    const [sent] = await sim.waitFor(1, 15_000, { path: '/dropped-reasons' });
    assert.deepEqual(sent!.json, { messageId: 'dr-known' });
    type Entry = { eventIds: string[]; request: unknown; outcome: string; error: string | null; warnings: Record<string, string[]> | null };
    const entry = await waitUntil(async () => {
      const log = await signal.graphql<{ deliveryLog: Entry[] }>('query($id: ID!) { deliveryLog(integrationId: $id) { eventIds request outcome error warnings } }', { id: assignment!.id });
      return log.body.data?.deliveryLog.flatMap((e) => (e.outcome === 'dropped' ? [e] : []))[0];
    }, 'the dropped events logged');
    assert.equal(entry.request, null, 'no request was made for them');
    // The filter reads the event, so it runs at delivery; the page call no handler takes was
    // left out at the pipeline stage (the defaults drop it whatever it holds).
    assert.deepEqual(entry.warnings, { 'dr-anonymous': ['dropped: blueprint: the "Order Completed" handler\'s filter did not match: userId exists'] });
    assert.deepEqual(entry.eventIds, ['dr-anonymous']);
    const page = await neverQueuedFate(signal, pipeline.id, assignment!.id, 'dr-page');
    assert.deepEqual(page, { logged: 0, status: 'dropped', reason: "not queued: the integration never sends it (blueprint: no handler takes page calls, and the blueprint's defaults drop such events)" });
    const stats = await signal.graphql<{ integrationStats: { dropped: number; delivered: number } }>('query($id: ID!) { integrationStats(integrationId: $id) { dropped delivered } }', { id: assignment!.id });
    assert.deepEqual(stats.body.data?.integrationStats, { dropped: 2, delivered: 1 }, 'the call never queued counts as dropped');
  });

  test("the transformations' warnings reach the delivery log with the exchange that carried the event", async () => {
    const { pipeline, hookPath } = await pipelineWithWebhook('Logged warnings', '/transformation-warnings');
    const saved = await signal.graphql('mutation($id: ID!, $source: String!) { setPipelineTransformations(pipelineId: $id, source: $source) { version } }', { id: pipeline.id, source: '- hash: traits.phone\n' });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(pipeline.key) },
      body: JSON.stringify({ batch: [
        { type: 'identify', userId: 'u-1', messageId: 'tw-bad', traits: { phone: '07700 900123' } },
        { type: 'identify', userId: 'u-2', messageId: 'tw-good', traits: { phone: '+44 7700 900123' } },
      ] }),
    });
    assert.equal(res.status, 200);
    const [request] = await sim.waitFor(1, 15_000, { path: hookPath });
    const sent = (request!.json as { batch: Array<{ messageId: string; traits: Record<string, unknown> }> }).batch;
    assert.equal(sent.find((e) => e.messageId === 'tw-bad')!.traits.phone, undefined);
    const [{ id }] = (await signal.services.integrations.list({ pipelineId: pipeline.id }))[0]!.assignments;
    const exchange = await waitUntil(async () => {
      const log = await signal.graphql<{ deliveryLog: Array<{ warnings: Record<string, string[]> | null }> }>('query($id: ID!) { deliveryLog(integrationId: $id) { warnings } }', { id });
      return log.body.data?.deliveryLog[0];
    }, 'the exchange logged');
    assert.deepEqual(Object.keys(exchange.warnings ?? {}), ['tw-bad'], 'only the event a transformation could not handle');
    const [warning] = exchange.warnings!['tw-bad']!;
    assert.match(warning!, /^transformation: .*traits\.phone/);
  });

  test("an event put back unsent (a rate limit's long wait) keeps its transformations' warnings for the exchange that carries it", { timeout: 60_000 }, async () => {
    const pipeline = await signal.pipeline('Deferred warnings');
    const { template, assignment } = await signal.services.integrations.install({
      vendor: 'webhook', name: 'deferred warnings', pipelineId: pipeline.id, consentCategories: [],
      config: { url: `${sim.url}/deferred-warnings`, allow_private_targets: ['127.0.0.1'], mode: 'single' },
      // One request now, the next in ~1,000 s: past the minute a batch may wait, so it is put back.
      settings: { rateLimit: { rps: 0.001, burst: 1 } },
    });
    await signal.graphql('mutation($id: ID!, $source: String!) { setPipelineTransformations(pipelineId: $id, source: $source) { version } }', { id: pipeline.id, source: '- hash: traits.phone\n' });
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(pipeline.key) },
      body: JSON.stringify({ batch: [
        { type: 'identify', userId: 'u-1', messageId: 'dw-1', traits: { phone: '07700 900123' } },
        { type: 'identify', userId: 'u-2', messageId: 'dw-2', traits: { phone: '07700 900124' } },
      ] }),
    });
    assert.equal(res.status, 200);
    await sim.waitFor(1, 15_000, { path: '/deferred-warnings' });
    const [put] = await waitUntil(async () => {
      const { rows } = await signal.pool.query<{ data: { events: Array<{ messageId: string }>; warnings?: Array<string[] | null> } }>(`SELECT data FROM pgboss.job WHERE name = $1 AND state = 'created'`, [`delivery.${assignment!.id}`]);
      return rows.length > 0 && rows;
    }, 'the event put back');
    assert.equal(put!.data.events.length, 1);
    assert.match(put!.data.warnings?.[0]?.[0] ?? '', /traits\.phone/, 'its warnings go back with it');
    // The limit lifted, it goes out: its exchange shows them.
    const revision = await signal.services.integrations.createRevision({ templateId: template.id, settings: { rateLimit: { rps: 0, burst: 1, daily: 0 } } });
    await signal.services.integrations.assignRevision({ pipelineId: pipeline.id, templateId: template.id, revisionId: revision.id });
    await signal.pool.query(`UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND state = 'created'`, [`delivery.${assignment!.id}`]); // not the deferral's wait
    await sim.waitFor(2, 30_000, { path: '/deferred-warnings' });
    const logged = await waitUntil(async () => {
      const log = await signal.graphql<{ deliveryLog: Array<{ eventIds: string[]; warnings: Record<string, string[]> | null }> }>('query($id: ID!) { deliveryLog(integrationId: $id) { eventIds warnings } }', { id: assignment!.id });
      return log.body.data?.deliveryLog.length === 2 && log.body.data.deliveryLog;
    }, 'both exchanges logged');
    for (const exchange of logged) assert.match(exchange.warnings?.[exchange.eventIds[0]!]?.[0] ?? '', /^transformation: .*traits\.phone/, exchange.eventIds[0]);
  });
});
