import assert from 'node:assert/strict';
import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fixturePlugin, pluginSet } from './helpers/fixture-plugin.ts';
import { basic, startTestSignal, type TestSignal } from './helpers/signal.ts';

let signal: TestSignal;
/** Known to the tests, so they can write a value as an older Signal sealed it (v1). */
const SECRET_KEY = randomBytes(32);

before(async () => {
  signal = await startTestSignal({ SIGNAL_SECRET_KEY: SECRET_KEY.toString('hex') }, { plugins: pluginSet(fixturePlugin), label: 'admin' });
});
after(() => signal.close());

async function rest(method: string, path: string, body?: unknown, token: string | null = signal.adminToken) {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${signal.adminUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, json: await response.json() as Record<string, any> };
}

const validConfig = { api_key: 'key-1234567890', region: 'https://eu.fixture.test/events' };

describe('admin auth', () => {
  test('GraphQL without or with a wrong token → 401 UNAUTHENTICATED', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', 'Basic abc']) {
      const response = await fetch(`${signal.adminUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query: '{ pipelines { id } }' }),
      });
      assert.equal(response.status, 401);
      const body = await response.json() as { errors: Array<{ extensions: { code: string } }> };
      assert.equal(body.errors[0]!.extensions.code, 'UNAUTHENTICATED');
    }
  });

  test('the scheme name is case-insensitive; the probes need no token', async () => {
    const lower = await fetch(`${signal.adminUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `bearer ${signal.adminToken}` }, body: JSON.stringify({ query: '{ pipelines { id } }' }) });
    assert.equal(lower.status, 200);
    const ready = await fetch(`${signal.adminUrl}/readyz`);
    assert.equal(ready.status, 200, 'an admin-only node has a readiness probe too');
    assert.deepEqual(await ready.json(), { status: 'ready' });
    assert.equal((await fetch(`${signal.adminUrl}/healthz`)).status, 200);
  });

  test('REST without a token → 401 SIGNAL_ADMIN_UNAUTHORIZED', async () => {
    const res = await rest('GET', '/v1/admin/integration-catalog', undefined, null);
    assert.equal(res.status, 401);
    assert.equal(res.json.error.code, 'SIGNAL_ADMIN_UNAUTHORIZED');
  });
  test('a path with a parameter asked with another method → 405 naming the methods it takes', async () => {
    const path = '/v1/admin/integrations/3f1c2b4a-1111-4c2d-9e8f-0123456789ab/dead-letters/export';
    const response = await fetch(`${signal.adminUrl}${path}`, { method: 'DELETE', headers: { authorization: `Bearer ${signal.adminToken}` } });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET');
    assert.deepEqual(((await response.json()) as { error: unknown }).error, { code: 'SIGNAL_METHOD_NOT_ALLOWED', message: `DELETE is not allowed on ${path}: use GET` });
    assert.equal((await rest('POST', '/v1/admin/no-such-thing/3f1c2b4a')).status, 404);
  });
});

describe('GraphQL request errors', () => {
  test('several operations without operationName, or an unknown operationName → 400, not a 200 with no data', async () => {
    const ask = async (body: Record<string, unknown>) => {
      const response = await fetch(`${signal.adminUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${signal.adminToken}` }, body: JSON.stringify(body) });
      return { status: response.status, body: await response.json() as { data?: unknown; errors: Array<{ message: string }> } };
    };
    const query = 'query A { pipelines { id } } query B { pipelines { name } }';
    const unnamed = await ask({ query });
    assert.deepEqual([unnamed.status, unnamed.body.errors[0]!.message], [400, 'Must provide operation name if query contains multiple operations.']);
    const unknown = await ask({ query, operationName: 'C' });
    assert.deepEqual([unknown.status, unknown.body.errors[0]!.message], [400, 'Unknown operation named "C".']);
    assert.equal((await ask({ query, operationName: 'B' })).status, 200);
  });

  test('what GraphQL itself refuses carries a code too: a query that does not validate, a variable of the wrong type', async () => {
    const ask = async (body: Record<string, unknown>) => {
      const response = await fetch(`${signal.adminUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${signal.adminToken}` }, body: JSON.stringify(body) });
      return { status: response.status, body: await response.json() as { errors: Array<{ message: string; extensions?: { code?: string } }> } };
    };
    const invalid = await ask({ query: '{ pipelines { nope } }' });
    assert.deepEqual([invalid.status, invalid.body.errors[0]!.extensions?.code], [400, 'GRAPHQL_VALIDATION_FAILED']);
    assert.match(invalid.body.errors[0]!.message, /Cannot query field "nope"/);
    const missing = await ask({ query: 'mutation { deletePerson(userId: "u-1") { id } }' });
    assert.deepEqual([missing.status, missing.body.errors[0]!.extensions?.code], [400, 'GRAPHQL_VALIDATION_FAILED']);
    const wrongType = await ask({ query: 'mutation($s: Boolean) { deletePerson(pipelineId: "x", userId: "u-1", suppress: $s) { id } }', variables: { s: 'yes' } });
    assert.deepEqual([wrongType.status, wrongType.body.errors[0]!.extensions?.code], [400, 'BAD_USER_INPUT']);
    assert.match(wrongType.body.errors[0]!.message, /Boolean cannot represent a non boolean value: "yes"/);
  });

  test('a body GraphQL never sees (not an object, query not text, over 5 MB) → the error with its code and field, not a bare sentence', async () => {
    // Mercurius answered "body must be object" and "Request body is too large", with no code.
    const ask = async (body: string) => {
      const response = await fetch(`${signal.adminUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${signal.adminToken}` }, body });
      return { status: response.status, errors: (await response.json() as { errors: Array<{ message: string; extensions?: { code?: string; fields?: unknown } }> }).errors };
    };
    const list = await ask('[{"query":"{ pipelines { id } }"}]');
    assert.equal(list.status, 400);
    assert.deepEqual(list.errors[0]!.extensions, { code: 'BAD_USER_INPUT', signalCode: 'SIGNAL_VALIDATION_FAILED', fields: [{ field: '(body)', message: 'must be an object' }] });
    const notText = await ask('{"query":5}');
    assert.equal(notText.status, 400);
    assert.deepEqual(notText.errors[0]!.extensions?.fields, [{ field: 'query', message: 'must be a string' }]);
    const huge = await ask(JSON.stringify({ query: '{ pipelines { id } }', pad: 'p'.repeat(6 * 1024 * 1024) }));
    assert.equal(huge.status, 413);
    assert.equal(huge.errors[0]!.message, 'The request body is larger than the limit of 5 MB');
    assert.equal(huge.errors[0]!.extensions?.code, 'SIGNAL_BODY_TOO_LARGE');
  });

  test("a body that is not JSON (curl's default form encoding) → 415 saying what to send", async () => {
    const response = await fetch(`${signal.adminUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${signal.adminToken}` }, body: 'query={pipelines{id}}' });
    assert.equal(response.status, 415);
    const body = await response.json() as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'SIGNAL_UNSUPPORTED_MEDIA_TYPE');
    assert.match(body.error.message, /takes Content-Type: application\/json .* sent application\/x-www-form-urlencoded/);
  });
});

describe('pipelines', () => {
  test('createPipeline shows the key once; it authenticates collect; rotation retires it', async () => {
    const created = await signal.graphql<{ createPipeline: { pipeline: { id: string; name: string; keys: Array<{ prefix: string }> }; key: string } }>(
      'mutation { createPipeline(name: "Marketing Website") { pipeline { id name keys { prefix } } key } }',
    );
    assert.equal(created.status, 200);
    const { pipeline, key } = created.body.data!.createPipeline;
    assert.equal(pipeline.name, 'Marketing Website');
    assert.match(key, /^sig_[A-Za-z0-9_-]{32}$/);
    assert.equal(pipeline.keys[0]!.prefix, key.slice(0, 8));
    const { rows } = await signal.pool.query('SELECT key_hash FROM signal.pipeline_keys WHERE pipeline_id = $1', [pipeline.id]);
    assert.equal(rows[0].key_hash.toString('utf8').includes(key), false, 'only a hash is stored');

    const listed = await signal.graphql<{ pipelines: Array<Record<string, unknown>> }>('{ pipelines { id name keys { prefix } } }');
    assert.equal(JSON.stringify(listed.body).includes(key), false, 'the key is never listed');

    const track = (k: string) => fetch(`${signal.collectUrl}/v1/track`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(k) },
      body: JSON.stringify({ event: 'X', userId: 'u1' }),
    });
    assert.equal((await track(key)).status, 200);

    const rotated = await signal.graphql<{ rotatePipelineKey: { key: string } }>(`mutation { rotatePipelineKey(id: "${pipeline.id}") { key } }`);
    const newKey = rotated.body.data!.rotatePipelineKey.key;
    assert.notEqual(newKey, key);
    assert.equal((await track(newKey)).status, 200);
    assert.equal((await track(key)).status, 401);
  });

  test('concurrent rotations with graceSeconds 0 take turns: exactly one key is left active', async () => {
    for (let round = 0; round < 3; round++) {
      const { id } = await signal.pipeline('Rotated at once');
      const answers = await Promise.all(Array.from({ length: 8 }, () =>
        signal.graphql<{ rotatePipelineKey: { key: string } }>(`mutation { rotatePipelineKey(id: "${id}", graceSeconds: 0) { key } }`)));
      const keys = answers.map((a) => {
        assert.equal(a.status, 200, JSON.stringify(a.body.errors));
        return a.body.data!.rotatePipelineKey.key;
      });
      const active = (await signal.services.pipelines.get(id)).keys;
      assert.equal(active.length, 1, `round ${round}: active keys ${JSON.stringify(active)}`);
      assert.equal(active[0]!.expiresAt, null);
      const working = [];
      for (const key of keys) if (await signal.services.pipelines.resolveKey(key)) working.push(key);
      assert.deepEqual(working.map((k) => k.slice(0, 8)), [active[0]!.prefix], `round ${round}: the listed key is the one that authenticates`);
    }
  });

  test('recentEvents lists what the pipeline received, newest first', async () => {
    const { id, key } = await signal.pipeline('Recent');
    for (const n of [1, 2, 3]) {
      await fetch(`${signal.collectUrl}/v1/track`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(key) },
        body: JSON.stringify({ event: `E${n}`, userId: 'u1', messageId: `recent-${n}` }),
      });
    }
    const res = await signal.graphql<{ recentEvents: Array<{ messageId: string; payload: { event: string } }> }>(
      `{ recentEvents(pipelineId: "${id}", limit: 2) { messageId type payload } }`,
    );
    assert.deepEqual(res.body.data!.recentEvents.map((e) => e.messageId), ['recent-3', 'recent-2']);
    const bad = await signal.graphql(`{ recentEvents(pipelineId: "${id}", limit: 9999) { id } }`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
    const empty = await signal.pipeline('Nothing yet');
    assert.deepEqual((await signal.graphql(`{ recentEvents(pipelineId: "${empty.id}") { id } }`)).body, { data: { recentEvents: [] } });
    const unknown = await signal.graphql('{ recentEvents(pipelineId: "00000000-0000-4000-8000-000000000000") { id } }');
    assert.equal(unknown.status, 404, 'a pipeline that does not exist is not an empty one');
  });

  test('createPipeline with an empty name → 400 naming the field', async () => {
    const res = await signal.graphql('mutation { createPipeline(name: "  ") { key } }');
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.errors![0]!.extensions!.fields, [{ field: 'name', message: 'must be 1 to 200 characters' }]);
  });

  test('a NUL character PostgreSQL cannot store → 400 naming the field, in GraphQL and REST', async () => {
    const res = await signal.graphql('mutation($name: String!) { createPipeline(name: $name) { key } }', { name: 'Web\u0000site' });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
    assert.deepEqual(res.body.errors![0]!.extensions!.fields, [{ field: 'name', message: 'must not hold a NUL character (\\u0000)' }]);
    const restRes = await rest('POST', '/v1/admin/integration-catalog/fixture/install', { name: 'Fixture\u0000', config: validConfig });
    assert.equal(restRes.status, 400);
    assert.equal(restRes.json.error.code, 'SIGNAL_VALIDATION_FAILED');
    assert.deepEqual(restRes.json.error.fields, [{ field: 'name', message: 'must not hold a NUL character (\\u0000)' }]);
  });

  test('a NUL PostgreSQL refuses where no check looked first → 400 naming the argument, not only PostgreSQL\'s words', async () => {
    // Notes, sources and filters reach PostgreSQL unchecked: its refusal names no parameter.
    const installed = await signal.services.integrations.install({ vendor: 'fixture', name: 'Noted', config: validConfig });
    const revision = await signal.graphql('mutation($input: CreateRevisionInput!) { createRevision(input: $input) { id } }', { input: { templateId: installed.template.id, note: 'tidy\u0000' } });
    assert.equal(revision.status, 400);
    assert.equal(revision.body.errors![0]!.message, 'input.note holds a NUL character (\\u0000), which PostgreSQL text cannot hold');
    assert.deepEqual(revision.body.errors![0]!.extensions!.fields, [{ field: 'input.note', message: 'must not hold a NUL character (\\u0000)' }]);
    const list = await signal.graphql('query($v: String) { integrations(vendor: $v) { id } }', { v: 'fix\u0000ture' });
    assert.equal(list.status, 400);
    assert.deepEqual(list.body.errors![0]!.extensions!.fields, [{ field: 'vendor', message: 'must not hold a NUL character (\\u0000)' }]);
    const restList = await rest('GET', '/v1/admin/integrations?vendor=fix%00ture');
    assert.equal(restList.status, 400);
    assert.deepEqual(restList.json.error.fields, [{ field: 'vendor', message: 'must not hold a NUL character (\\u0000)' }]);
  });
});

describe('catalog and integrations', () => {
  test('catalog lists loaded plugins with config fields and variants', async () => {
    const res = await signal.graphql<{ catalog: Array<{ id: string; configFields: Array<{ key: string; type: string; secret: boolean; options: Array<{ label: string }> | null }>; variants: Array<{ key: string }> }> }>(
      '{ catalog(category: "analytics") { id name category configFields { key type title required secret options { value label } } variants { key description } consentCategories } }',
    );
    const entry = res.body.data!.catalog[0]!;
    assert.equal(entry.id, 'fixture');
    assert.deepEqual(entry.configFields.map((f) => [f.key, f.type, f.secret]), [['api_key', 'secret', true], ['region', 'select', false], ['min_id_length', 'integer', false]]);
    assert.equal(entry.configFields[1]!.options![1]!.label, 'European Union (EU)');
    assert.deepEqual(entry.variants.map((v) => v.key), ['default', 'retail']);
    const none = await signal.graphql<{ catalog: unknown[] }>('{ catalog(category: "advertising") { id } }');
    assert.deepEqual(none.body.data!.catalog, []);
  });

  test('installIntegration: v1, secrets encrypted at rest and masked, assignment created', async () => {
    const { id: pipelineId } = await signal.pipeline('Shop');
    const res = await signal.graphql<{ installIntegration: { template: { id: string }; revision: { version: number; config: Record<string, unknown>; consentCategories: string[]; variant: string }; assignment: { id: string; enabled: boolean; revisionVersion: number } } }>(
      `mutation($input: InstallIntegrationInput!) { installIntegration(input: $input) {
         template { id name vendor } revision { id version variant config consentCategories settings } assignment { id enabled revisionVersion pipelineId } } }`,
      { input: { vendor: 'fixture', variant: 'retail', name: 'Fixture Prod', config: validConfig, pipelineId } },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body.errors));
    const { template, revision, assignment } = res.body.data!.installIntegration;
    assert.equal(revision.version, 1);
    assert.equal(revision.variant, 'retail');
    assert.deepEqual(revision.config, { api_key: '********', region: validConfig.region });
    assert.deepEqual(revision.consentCategories, [], 'none unless given: the spec delivers every event then');
    assert.equal(assignment.enabled, true);
    assert.equal(assignment.revisionVersion, 1);
    const { rows } = await signal.pool.query('SELECT config::text AS config FROM signal.integration_revisions WHERE template_id = $1', [template.id]);
    assert.equal(rows[0].config.includes('key-1234567890'), false, 'the secret is not stored in clear');
    assert.match(rows[0].config, /\$sealed/);
    const resolved = await signal.services.integrations.resolveRevision((await signal.services.integrations.getTemplate(template.id)).revisions[0]!.id);
    assert.equal(resolved.config.api_key, 'key-1234567890', 'the delivery engine can open it');
  });

  test('invalid config → 400 naming each field', async () => {
    const res = await signal.graphql(
      'mutation($input: InstallIntegrationInput!) { installIntegration(input: $input) { template { id } } }',
      { input: { vendor: 'fixture', name: 'Bad', config: { api_key: 12, region: 'https://elsewhere.test', extra: true } } },
    );
    assert.equal(res.status, 400);
    const error = res.body.errors![0]!;
    assert.equal(error.extensions!.code, 'BAD_USER_INPUT');
    assert.equal(error.extensions!.signalCode, 'SIGNAL_INVALID_CONFIG');
    const fields = (error.extensions!.fields as Array<{ field: string }>).map((f) => f.field).sort();
    assert.deepEqual(fields, ['config', 'config.api_key', 'config.region']);
    assert.match(error.message, /config\.api_key must be a string/);
    const missing = await signal.graphql('mutation($input: InstallIntegrationInput!) { installIntegration(input: $input) { template { id } } }',
      { input: { vendor: 'fixture', name: 'Bad', config: {} } });
    assert.deepEqual((missing.body.errors![0]!.extensions!.fields as Array<{ field: string }>).map((f) => f.field).sort(), ['config.api_key', 'config.region']);
  });

  test('consent categories: at most 100, a longer list → 400 naming consentCategories', async () => {
    // 250,000 names were accepted, each compared with the known ones for a warning: the call
    // held the process (collect's listener too, when it shares it) for most of a second.
    const install = 'mutation($input: InstallIntegrationInput!) { installIntegration(input: $input) { revision { consentCategories } } }';
    const many = Array.from({ length: 101 }, (_, i) => `C${String(i).padStart(4, '0')}`);
    const res = await signal.graphql(install, { input: { vendor: 'fixture', name: 'Many', config: validConfig, consentCategories: many } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.errors![0]!.extensions!.fields, [{ field: 'consentCategories', message: 'must hold at most 100 categories (got 101)' }]);
    const hundred = await signal.graphql<{ installIntegration: { revision: { consentCategories: string[] } } }>(install, { input: { vendor: 'fixture', name: 'Hundred', config: validConfig, consentCategories: many.slice(0, 100) } });
    assert.equal(hundred.status, 200, JSON.stringify(hundred.body.errors));
    assert.equal(hundred.body.data!.installIntegration.revision.consentCategories.length, 100);
  });

  test('the secret mask is refused as a secret where none is stored; a revision keeps the stored one with it', async () => {
    const masked = await signal.graphql('mutation($i: InstallIntegrationInput!) { installIntegration(input: $i) { template { id } } }', { i: { vendor: 'fixture', name: 'Masked', config: { ...validConfig, api_key: '********' } } });
    assert.equal(masked.status, 400);
    assert.deepEqual((masked.body.errors![0]!.extensions!.fields as Array<{ field: string; message: string }>).map((f) => f.field), ['config.api_key']);
    assert.match((masked.body.errors![0]!.extensions!.fields as Array<{ message: string }>)[0]!.message, /the mask Signal shows for a stored secret/);
  });

  test('settings: a misspelt key or a number sent as a string → 400 naming it, not ignored', async () => {
    const install = (settings: unknown) => signal.graphql('mutation($i: InstallIntegrationInput!) { installIntegration(input: $i) { revision { settings } } }', { i: { vendor: 'fixture', name: 'Settings', config: validConfig, settings } });
    const cases: Array<[unknown, Array<{ field: string; message: string }>]> = [
      [{ retries: { attempts: 3 } }, [{ field: 'settings', message: 'has unknown field "retries"' }]],
      [{ retry: { attempts: 3, backoff: 2 } }, [{ field: 'settings.retry', message: 'has unknown field "backoff"' }]],
      [{ rateLimit: { rps: '10' } }, [{ field: 'settings.rateLimit.rps', message: 'must be a number' }]],
      // Only what was sent: not also the burst the rps would have implied.
      [{ rateLimit: { rps: 1e308 } }, [{ field: 'settings.rateLimit.rps', message: 'must be from 0 (unlimited) to 1000000' }]],
      ['fast', [{ field: 'settings', message: 'must be an object' }]],
    ];
    for (const [settings, fields] of cases) {
      const res = await install(settings);
      assert.equal(res.status, 400, JSON.stringify(settings));
      assert.deepEqual(res.body.errors![0]!.extensions!.fields, fields);
    }
  });

  test('settings.rateLimit.daily fits the limiter\'s integer: at most 2,147,483,647, else a 400 naming it (GraphQL, REST, revisions)', async () => {
    const install = (daily: number) => signal.graphql<{ installIntegration: { template: { id: string }; revision: { settings: { rateLimit: { daily: number } } } } }>(
      'mutation($i: InstallIntegrationInput!) { installIntegration(input: $i) { template { id } revision { settings } } }',
      { i: { vendor: 'fixture', name: 'Daily', config: validConfig, settings: { rateLimit: { daily } } } },
    );
    const refused = [{ field: 'settings.rateLimit.daily', message: 'must be a whole number from 0 (unlimited) to 2147483647' }];
    const largest = await install(2_147_483_647);
    assert.equal(largest.status, 200, JSON.stringify(largest.body.errors));
    assert.equal(largest.body.data!.installIntegration.revision.settings.rateLimit.daily, 2_147_483_647);
    for (const daily of [2_147_483_648, 3_000_000_000, 1e300]) {
      const res = await install(daily);
      assert.equal(res.status, 400, String(daily));
      assert.deepEqual(res.body.errors![0]!.extensions!.fields, refused);
    }
    const revision = await signal.graphql(`mutation { createRevision(input: { templateId: "${largest.body.data!.installIntegration.template.id}", settings: { rateLimit: { daily: 2147483648 } } }) { version } }`);
    assert.equal(revision.status, 400);
    assert.deepEqual(revision.body.errors![0]!.extensions!.fields, refused);
    const viaRest = await rest('POST', '/v1/admin/integration-catalog/fixture/install', { name: 'Daily', config: validConfig, rate_limit_daily: 3_000_000_000 });
    assert.equal(viaRest.status, 400);
    assert.deepEqual(viaRest.json.error.fields, [{ ...refused[0]!, field: 'rate_limit_daily' }], 'named as the REST body has it');
  });

  test('a new rps moves a default burst along; a burst the admin chose is kept', async () => {
    const { template } = await signal.services.integrations.install({ vendor: 'fixture', name: 'Burst', config: validConfig, settings: { rateLimit: { rps: 10 } } });
    const next = (settings: { rateLimit: { rps?: number; burst?: number } }) => signal.services.integrations.createRevision({ templateId: template.id, settings });
    assert.deepEqual((await next({ rateLimit: { rps: 20 } })).settings.rateLimit, { rps: 20, burst: 40, daily: 0 }, 'rps × 2 while the burst is the default');
    assert.deepEqual((await next({ rateLimit: { burst: 100 } })).settings.rateLimit, { rps: 20, burst: 100, daily: 0 });
    assert.deepEqual((await next({ rateLimit: { rps: 30 } })).settings.rateLimit, { rps: 30, burst: 100, daily: 0 }, 'the chosen burst stays');
  });

  test('a body nested more than 128 levels → 400 naming the path; never a 500', async () => {
    const deep = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/fixture/install`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${signal.adminToken}` },
      body: `{"name":"Deep","config":{"api_key":"key-1234567890","extra":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`,
    });
    assert.equal(deep.status, 400);
    const body = await deep.json() as { error: { code: string; fields: Array<{ field: string }> } };
    assert.equal(body.error.code, 'SIGNAL_VALIDATION_FAILED');
    assert.equal(body.error.fields[0]!.field, 'config.extra[0][0][0][0][0][0]…');
    // On /graphql the refusal comes in GraphQL's shape, with the same codes as resolver errors.
    const graphql = await fetch(`${signal.adminUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${signal.adminToken}` },
      body: `{"query":"query($e: [JSON!]) { __typename }","variables":{"e":[${'{"a":'.repeat(200)}1${'}'.repeat(200)}]}}`,
    });
    assert.equal(graphql.status, 400);
    const { errors } = await graphql.json() as { errors: Array<{ message: string; extensions: { code: string; signalCode: string; fields: Array<{ field: string }> } }> };
    assert.equal(errors[0]!.extensions.code, 'BAD_USER_INPUT');
    assert.equal(errors[0]!.extensions.signalCode, 'SIGNAL_VALIDATION_FAILED');
    assert.equal(errors[0]!.extensions.fields[0]!.field, 'variables.e[0].a.a.a.a.a…');
  });

  test('a JSON literal written in the query is checked as a body is: __proto__, constructor.prototype, 1e400 → 400 naming the path', async () => {
    const { template } = await signal.services.integrations.install({ vendor: 'fixture', name: 'Literals', config: validConfig });
    const revise = (literal: string) => signal.graphql<{ createRevision: { version: number; config: Record<string, unknown> } }>(`mutation { createRevision(input: { templateId: "${template.id}", config: ${literal} }) { version config } }`);
    const cases: Array<[string, string, RegExp]> = [
      ['{ __proto__: { min_id_length: 2 } }', '__proto__', /a "__proto__" key could alter objects of the server/],
      ['{ region: { nested: [1, { __proto__: "x" }] } }', 'region.nested[1].__proto__', /a "__proto__" key/],
      ['{ constructor: { prototype: { min_id_length: 2 } } }', 'constructor', /a "constructor" object with a "prototype" key/],
      ['{ min_id_length: 1e400 }', 'min_id_length', /too large for a double/],
    ];
    for (const [literal, field, message] of cases) {
      const res = await revise(literal);
      assert.equal(res.status, 400, literal);
      const error = res.body.errors![0]!;
      assert.equal(error.extensions!.code, 'BAD_USER_INPUT', literal);
      assert.equal(error.extensions!.signalCode, 'SIGNAL_VALIDATION_FAILED', literal);
      const fields = error.extensions!.fields as Array<{ field: string; message: string }>;
      assert.equal(fields[0]!.field, field, literal);
      assert.match(fields[0]!.message, message, literal);
    }
    const fine = await revise('{ min_id_length: 3, api_key: "********" }');
    assert.equal(fine.status, 200, JSON.stringify(fine.body.errors));
    assert.deepEqual(fine.body.data!.createRevision.config, { api_key: '********', region: validConfig.region, min_id_length: 3 });
  });

  test('createRevision merges own keys only: a __proto__ change is an unknown field, never the merged config\'s prototype', async () => {
    const { template } = await signal.services.integrations.install({ vendor: 'fixture', name: 'Merge', config: validConfig });
    // JSON.parse makes "__proto__" an own key, as a caller of the service could pass it.
    const config = JSON.parse('{"__proto__": {"min_id_length": 2}, "constructor": "********"}') as Record<string, string>;
    await assert.rejects(signal.services.integrations.createRevision({ templateId: template.id, config }), (error: { code?: string; fields?: Array<{ field: string; message: string }> }) => {
      assert.equal(error.code, 'SIGNAL_INVALID_CONFIG');
      assert.deepEqual(error.fields!.map((f) => f.message).sort(), ['has unknown field "__proto__"', 'has unknown field "constructor"']);
      return true;
    });
  });

  test('unknown vendor → 404; unknown variant → 400 listing the variants', async () => {
    const vendor = await signal.graphql('mutation { installIntegration(input: {vendor: "nope", name: "X", config: {}}) { template { id } } }');
    assert.equal(vendor.status, 404);
    const variant = await signal.graphql(`mutation($c: JSON!) { installIntegration(input: {vendor: "fixture", variant: "travel", name: "X", config: $c}) { template { id } } }`, { c: validConfig });
    assert.equal(variant.status, 400);
    assert.match(variant.body.errors![0]!.message, /default, retail/);
  });

  test('names Object.prototype gives every object (constructor, toString, __proto__ …) are no variants: 400 SIGNAL_UNKNOWN_VARIANT everywhere', async () => {
    const { template } = await signal.services.integrations.install({ vendor: 'fixture', name: 'Variants', config: validConfig });
    for (const variant of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__']) {
      const answers = [
        await signal.graphql('mutation($c: JSON!, $v: String) { installIntegration(input: { vendor: "fixture", name: "V", variant: $v, config: $c }) { revision { variant } } }', { c: validConfig, v: variant }),
        await signal.graphql('mutation($t: ID!, $v: String) { createRevision(input: { templateId: $t, variant: $v }) { variant } }', { t: template.id, v: variant }),
        await signal.graphql('query($c: JSON, $v: String) { previewIntegration(target: { vendor: "fixture", variant: $v, config: $c }) { results { errors } } }', { c: validConfig, v: variant }),
      ];
      for (const [i, res] of answers.entries()) {
        assert.equal(res.status, 400, `${variant} #${i}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.errors![0]!.extensions!.signalCode, 'SIGNAL_UNKNOWN_VARIANT', `${variant} #${i}`);
        assert.match(res.body.errors![0]!.message, /no variant .*default, retail/);
      }
      const viaRest = await rest('POST', '/v1/admin/integration-catalog/fixture/install', { name: 'V', variant, config: validConfig });
      assert.equal(viaRest.status, 400, variant);
      assert.equal(viaRest.json.error.code, 'SIGNAL_UNKNOWN_VARIANT');
    }
    assert.deepEqual((await signal.services.integrations.getTemplate(template.id)).revisions.map((r) => r.variant), ['default'], 'no revision was made');
  });

  test('revisions are immutable; a masked secret is kept; pipelines stay pinned until reassigned', async () => {
    const { id: pipelineId } = await signal.pipeline('Pinned');
    const installed = await signal.services.integrations.install({ vendor: 'fixture', name: 'Pinned', config: validConfig, pipelineId });
    const templateId = installed.template.id;
    const v2 = await signal.graphql<{ createRevision: { version: number; config: Record<string, unknown>; consentCategories: string[]; settings: { rateLimit: { rps: number; burst: number } } } }>(
      `mutation($input: CreateRevisionInput!) { createRevision(input: $input) { id version config consentCategories settings note } }`,
      { input: { templateId, config: { api_key: '********', min_id_length: 3 }, consentCategories: ['analytics', 'marketing'], settings: { rateLimit: { rps: 50 } }, note: 'shorter ids' } },
    );
    assert.equal(v2.status, 200, JSON.stringify(v2.body.errors));
    assert.equal(v2.body.data!.createRevision.version, 2);
    assert.deepEqual(v2.body.data!.createRevision.config, { api_key: '********', region: validConfig.region, min_id_length: 3 });
    assert.deepEqual(v2.body.data!.createRevision.settings.rateLimit, { rps: 50, burst: 100, daily: 0 });
    const template = await signal.services.integrations.getTemplate(templateId);
    assert.equal(template.revisions[0]!.version, 1);
    assert.equal(template.revisions[0]!.config.min_id_length, undefined, 'v1 is unchanged');
    const v2Resolved = await signal.services.integrations.resolveRevision(template.revisions[1]!.id);
    assert.equal(v2Resolved.config.api_key, validConfig.api_key, 'the secret carried over');
    assert.equal(template.assignments[0]!.revisionVersion, 1, 'still pinned at v1');
    const reassigned = await signal.graphql<{ assignRevision: { revisionVersion: number } }>(
      `mutation { assignRevision(input: { pipelineId: "${pipelineId}", templateId: "${templateId}" }) { revisionVersion } }`,
    );
    assert.equal(reassigned.body.data!.assignRevision.revisionVersion, 2);
    const disabled = await signal.graphql<{ setIntegrationEnabled: { enabled: boolean } }>(
      `mutation { setIntegrationEnabled(id: "${template.assignments[0]!.id}", enabled: false) { enabled } }`,
    );
    assert.equal(disabled.body.data!.setIntegrationEnabled.enabled, false);
    const list = await signal.graphql<{ integrations: Array<{ id: string; revisions: Array<{ version: number }> }> }>(
      `{ integrations(pipelineId: "${pipelineId}") { id revisions { version } assignments { enabled } } }`,
    );
    assert.deepEqual(list.body.data!.integrations.map((t) => t.revisions.map((r) => r.version)), [[1, 2]]);
    const byVendor = await signal.graphql<{ integrations: Array<{ id: string }> }>(`{ integrations(vendor: "FIXTURE", pipelineId: "${pipelineId}") { id } }`);
    assert.deepEqual(byVendor.body.data!.integrations.map((t) => t.id), list.body.data!.integrations.map((t) => t.id), 'the vendor id without regard to case');
  });

  test('a malformed id → 400 naming the field, not a database error', async () => {
    const res = await signal.graphql('mutation { setIntegrationEnabled(id: "not-a-uuid", enabled: true) { id } }');
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.errors![0]!.extensions!.fields, [{ field: 'id', message: 'must be a UUID' }]);
    const { id: pipelineId } = await signal.pipeline('Malformed');
    const { template } = await signal.services.integrations.install({ vendor: 'fixture', name: 'Malformed', config: validConfig });
    const revision = await signal.graphql(`mutation { assignRevision(input: { pipelineId: "${pipelineId}", templateId: "${template.id}", revisionId: "v2" }) { id } }`);
    assert.equal(revision.status, 400);
    assert.deepEqual(revision.body.errors![0]!.extensions!.fields, [{ field: 'revisionId', message: 'must be a UUID' }]);
    const latest = await signal.graphql<{ assignRevision: { revisionVersion: number } }>(`mutation { assignRevision(input: { pipelineId: "${pipelineId}", templateId: "${template.id}", revisionId: null }) { revisionVersion } }`);
    assert.equal(latest.body.data?.assignRevision.revisionVersion, 1, 'null means the latest, as an omitted revisionId does');
  });

  test('createRevision with config that is not an object of changes → 400 saying so', async () => {
    const { template } = await signal.services.integrations.install({ vendor: 'fixture', name: 'Changes', config: validConfig });
    const res = await signal.graphql('mutation($c: JSON) { createRevision(input: { templateId: "' + template.id + '", config: $c }) { version } }', { c: [{ region: 'x' }] });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.errors![0]!.extensions!.fields, [{ field: 'config', message: 'must be an object of changes (a field set to null is removed)' }]);
  });

  test('a revision note is at most 2,000 characters, trimmed; a blank one is none', async () => {
    const { template } = await signal.services.integrations.install({ vendor: 'fixture', name: 'Notes', config: validConfig });
    const revise = (note: string) => signal.graphql<{ createRevision: { note: string | null } }>('mutation($n: String) { createRevision(input: { templateId: "' + template.id + '", note: $n }) { note } }', { n: note });
    const long = await revise('x'.repeat(2001));
    assert.equal(long.status, 400);
    assert.deepEqual(long.body.errors![0]!.extensions!.fields, [{ field: 'note', message: 'must be at most 2000 characters (got 2001)' }]);
    assert.equal((await revise('  rotated the key  ')).body.data!.createRevision.note, 'rotated the key');
    assert.equal((await revise('   ')).body.data!.createRevision.note, null);
    assert.deepEqual((await signal.services.integrations.getTemplate(template.id)).revisions.map((r) => r.version), [1, 2, 3], 'the refused revision was not made');
  });
});

describe('sealed secrets are bound to their integration and field', () => {
  /** The stored config of a template's latest revision, as the database holds it. */
  async function storedConfig(templateId: string): Promise<{ id: string; config: Record<string, unknown> }> {
    const { rows } = await signal.pool.query('SELECT id, config FROM signal.integration_revisions WHERE template_id = $1 ORDER BY version DESC LIMIT 1', [templateId]);
    return rows[0];
  }
  /** What a database writer without the key can do: put any stored JSON into a field. */
  async function writeField(revisionId: string, field: string, value: unknown): Promise<void> {
    await signal.pool.query('UPDATE signal.integration_revisions SET config = (config::jsonb || jsonb_build_object($2::text, $3::jsonb))::json WHERE id = $1', [revisionId, field, JSON.stringify(value)]);
  }

  test("another integration's sealed secret copied into a secret or a plain field is refused, naming the field; the owner is unaffected", async () => {
    const owner = await signal.services.integrations.install({ vendor: 'fixture', name: 'Owner', config: { ...validConfig, api_key: 'owner-live-key-0a1b2c3d' } });
    const other = await signal.services.integrations.install({ vendor: 'fixture', name: 'Other', config: validConfig });
    const stolen = (await storedConfig(owner.template.id)).config.api_key;
    const own = (await storedConfig(other.template.id)).config.api_key;
    assert.match((stolen as { $sealed: string }).$sealed, /^v2\./);
    for (const field of ['api_key', 'region', 'min_id_length']) {
      await writeField(other.revision.id, field, stolen);
      await assert.rejects(signal.services.integrations.resolveRevision(other.revision.id), (error: Error & { code?: string; fields?: Array<{ field: string; message: string }> }) => {
        assert.equal(error.code, 'SIGNAL_INVALID_CONFIG', error.message);
        assert.equal(error.fields?.[0]?.field, `config.${field}`);
        assert.match(error.fields![0]!.message, field === 'api_key' ? /sealed for another field or integration/ : /is not a secret field of Fixture Analytics/);
        assert.equal(JSON.stringify(error).includes('owner-live-key'), false);
        return true;
      });
      // Put back, so the next round refuses only the field it moves.
      if (field === 'api_key') await writeField(other.revision.id, field, own);
      else if (field === 'region') await writeField(other.revision.id, field, validConfig.region);
      else await signal.pool.query(`UPDATE signal.integration_revisions SET config = (config::jsonb - 'min_id_length')::json WHERE id = $1`, [other.revision.id]);
    }
    assert.equal((await signal.services.integrations.resolveRevision(other.revision.id)).config.api_key, validConfig.api_key, 'put back, it opens again');
    const ownerStored = await storedConfig(owner.template.id);
    assert.equal((await signal.services.integrations.resolveRevision(ownerStored.id)).config.api_key, 'owner-live-key-0a1b2c3d', 'the owner still opens its own');
    // Answers still mask what the field holds; nothing is decrypted for them.
    await writeField(other.revision.id, 'region', stolen);
    const shown = await signal.graphql<{ integration: { revisions: Array<{ config: Record<string, unknown> }> } }>(`{ integration(id: "${other.template.id}") { revisions { config } } }`);
    assert.equal(shown.body.data!.integration.revisions[0]!.config.region, '********');
  });

  test('a revision over a config holding a value that does not open must give that value again (or remove it)', async () => {
    const owner = await signal.services.integrations.install({ vendor: 'fixture', name: 'Owner 2', config: { ...validConfig, api_key: 'owner-live-key-4e5f6a7b' } });
    const other = await signal.services.integrations.install({ vendor: 'fixture', name: 'Other 2', config: validConfig });
    await writeField(other.revision.id, 'api_key', (await storedConfig(owner.template.id)).config.api_key);
    for (const config of [{ min_id_length: 2 }, { api_key: '********' }]) {
      const kept = await signal.graphql('mutation($i: CreateRevisionInput!) { createRevision(input: $i) { version } }', { i: { templateId: other.template.id, config } });
      assert.equal(kept.status, 400, JSON.stringify(kept.body));
      const fields = kept.body.errors![0]!.extensions!.fields as Array<{ field: string; message: string }>;
      assert.deepEqual(fields.map((f) => f.field), ['config.api_key']);
      assert.match(fields[0]!.message, /^cannot be kept: .*sealed for another field or integration.*Give the value again, or null to remove it$/);
    }
    const given = await signal.services.integrations.createRevision({ templateId: other.template.id, config: { api_key: 'other-new-key-1234' } });
    assert.equal((await signal.services.integrations.resolveRevision(given.id)).config.api_key, 'other-new-key-1234');
  });

  test('a value sealed the old way (v1, unbound) still opens, and the next revision rewrites it bound (v2)', async () => {
    const installed = await signal.services.integrations.install({ vendor: 'fixture', name: 'Legacy', config: validConfig });
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', SECRET_KEY, iv);
    const data = Buffer.concat([cipher.update('legacy-key-5678', 'utf8'), cipher.final()]);
    const v1 = { $sealed: ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.') };
    await writeField(installed.revision.id, 'api_key', v1);
    assert.equal((await signal.services.integrations.resolveRevision(installed.revision.id)).config.api_key, 'legacy-key-5678');
    const v2 = await signal.services.integrations.createRevision({ templateId: installed.template.id, config: { api_key: '********', min_id_length: 2 } });
    const stored = await storedConfig(installed.template.id);
    assert.equal(stored.id, v2.id);
    assert.match((stored.config.api_key as { $sealed: string }).$sealed, /^v2\./, 'rewritten bound to its field');
    assert.equal((await signal.services.integrations.resolveRevision(v2.id)).config.api_key, 'legacy-key-5678');
    assert.deepEqual(v2.config, { api_key: '********', region: validConfig.region, min_id_length: 2 });
  });

  test('a value given as {"$sealed": …} (the stored form) → 400 naming the field, never stored as sealed', async () => {
    const res = await rest('POST', '/v1/admin/integration-catalog/fixture/install', { name: 'Sealed given', config: { ...validConfig, api_key: { $sealed: 'v2.a.b.c' } } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json.error.fields.map((f: { field: string }) => f.field), ['config.api_key']);
    assert.match(res.json.error.fields[0].message, /\$sealed, the form Signal stores secrets in/);
  });
});

describe('plugin routes', () => {
  test("a plugin's extra routes are served under /v1/plugins/<id>/ on the collect listener", async () => {
    const res = await fetch(`${signal.collectUrl}/v1/plugins/fixture/ping?echo=hi`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { pong: true, echo: 'hi' });
  });
});

describe("the spec's REST calls", () => {
  test('GET /v1/admin/integration-catalog?category=…', async () => {
    const res = await rest('GET', '/v1/admin/integration-catalog?category=analytics');
    assert.equal(res.status, 200);
    assert.equal(res.json.total, 1);
    assert.equal(res.json.integrations[0].id, 'fixture');
    assert.equal((await rest('GET', '/v1/admin/integration-catalog?category=cdp')).json.total, 0);
    assert.equal((await rest('GET', '/v1/admin/integration-catalog?category=Analytics')).json.total, 1, 'as the library labels it: case does not matter');
    const typo = await rest('GET', '/v1/admin/integration-catalog?category=advertsing');
    assert.equal(typo.status, 400);
    assert.deepEqual(typo.json.error.fields, [{ field: 'category', message: 'must be one of advertising, analytics, attribution, cdp, cloud_storage, other' }]);
    assert.equal((await rest('GET', '/v1/admin/integration-catalog?categories=cdp')).status, 400, 'an unknown parameter is named, not ignored');
    assert.equal((await signal.graphql('{ catalog(category: "advertsing") { id } }')).status, 400);
  });

  test('POST /v1/admin/integration-catalog/{vendor}/install', async () => {
    const res = await rest('POST', '/v1/admin/integration-catalog/fixture/install', {
      name: 'Fixture Production', variant: 'retail', config: validConfig, delivery_mode: 'server_side',
    });
    assert.equal(res.status, 201);
    assert.equal(res.json.template.name, 'Fixture Production');
    assert.equal(res.json.revision.version, 1);
    assert.equal(res.json.revision.config.api_key, '********');
    assert.deepEqual(res.json.revision.consentWarnings, []);
    // A category a letter or a case off a usual one would skip every event: the answer says so.
    const typo = await rest('POST', '/v1/admin/integration-catalog/fixture/install', { name: 'Typo', config: validConfig, consent_categories: ['analytcs', 'Marketing', 'C0004'] });
    assert.equal(typo.status, 201, 'a warning, not a refusal: sites define their own categories');
    assert.deepEqual(typo.json.revision.consentCategories, ['analytcs', 'Marketing', 'C0004']);
    assert.equal(typo.json.revision.consentWarnings.length, 2);
    assert.match(typo.json.revision.consentWarnings[0], /"analytcs" is not a category events usually carry: did you mean "analytics"\?/);
    assert.match(typo.json.revision.consentWarnings[1], /"Marketing" differs from the usual "marketing" only in case/);
    const read = await signal.graphql<{ integration: { revisions: Array<{ consentWarnings: string[] }> } }>('query($id: ID!) { integration(id: $id) { revisions { consentWarnings } } }', { id: typo.json.template.id });
    assert.deepEqual(read.body.data!.integration.revisions[0]!.consentWarnings, typo.json.revision.consentWarnings, 'GraphQL shows them on every read');
    const bad = await rest('POST', '/v1/admin/integration-catalog/fixture/install', { name: 'X', config: validConfig, delivery_mode: 'carrier_pigeon' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.error.fields, [{ field: 'delivery_mode', message: 'must be one of: server_side' }]);
    const unknown = await rest('POST', '/v1/admin/integration-catalog/nope/install', { name: 'X', config: {} });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.code, 'SIGNAL_UNKNOWN_VENDOR');
  });

  test("the spec's rate-limit settings by its names: rate_limit_rps, _burst, _daily", async () => {
    const res = await rest('POST', '/v1/admin/integration-catalog/fixture/install', {
      name: 'Spec names', config: validConfig, rate_limit_rps: 5, rate_limit_daily: 1000,
    });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.deepEqual(res.json.revision.settings.rateLimit, { rps: 5, burst: 10, daily: 1000 });
    const twice = await rest('POST', '/v1/admin/integration-catalog/fixture/install', {
      name: 'Twice', config: validConfig, rate_limit_rps: 5, settings: { rateLimit: { rps: 6 } },
    });
    assert.equal(twice.status, 400);
    assert.deepEqual(twice.json.error.fields, [{ field: 'rate_limit_rps', message: 'is also given as settings.rateLimit.rps' }]);
    const inConfig = await rest('POST', '/v1/admin/integration-catalog/fixture/install', { name: 'In config', config: { ...validConfig, rate_limit_rps: 5 } });
    assert.equal(inConfig.status, 400);
    assert.match(inConfig.json.error.fields[0].message, /rate_limit_rps is a delivery setting, not vendor config — send it beside config/);
    // Out of range: named as sent, and only what was sent (not the burst it would have implied).
    const negative = await rest('POST', '/v1/admin/integration-catalog/fixture/install', { name: 'Negative', config: validConfig, rate_limit_rps: -1 });
    assert.equal(negative.status, 400);
    assert.deepEqual(negative.json.error.fields, [{ field: 'rate_limit_rps', message: 'must be from 0 (unlimited) to 1000000' }]);
    const viaGraphql = await signal.graphql('mutation($input: InstallIntegrationInput!) { installIntegration(input: $input) { template { id } } }', { input: { vendor: 'fixture', name: 'Pigeon', config: validConfig, deliveryMode: 'carrier_pigeon' } });
    assert.equal(viaGraphql.status, 400);
    assert.equal((viaGraphql.body.errors![0]!.extensions!.fields as Array<{ field: string }>)[0]!.field, 'deliveryMode', 'GraphQL names its own argument');
  });

  test('a JSON body keeps its types: a number for a name or a string for a list is named, not converted', async () => {
    const { id: pipelineId } = await signal.pipeline('Typed');
    for (const [body, field, message] of [
      [{ name: 5, config: validConfig }, 'name', 'must be a string'],
      [{ name: 'X', config: validConfig, consent_categories: 'analytics' }, 'consent_categories', 'must be an array'],
    ] as const) {
      const res = await rest('POST', '/v1/admin/integration-catalog/fixture/install', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(res.json.error.fields, [{ field, message }]);
    }
    const enabled = await rest('POST', '/v1/admin/integrations', { source_id: pipelineId, vendor: 'fixture', name: 'X', enabled: 0, config: validConfig });
    assert.equal(enabled.status, 400);
    assert.deepEqual(enabled.json.error.fields, [{ field: 'enabled', message: 'must be a boolean' }]);
    assert.equal((await rest('GET', '/v1/admin/integration-catalog?category=analytics')).status, 200, 'query strings are still read as text');
  });

  test('POST /v1/admin/integrations assigns to the pipeline given as source_id', async () => {
    const { id: pipelineId } = await signal.pipeline('REST source');
    const res = await rest('POST', '/v1/admin/integrations', {
      source_id: pipelineId, vendor: 'fixture', name: 'Fixture via REST', enabled: false, config: validConfig, consent_categories: ['analytics', 'marketing'],
    });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.equal(res.json.pipelineId, pipelineId);
    assert.equal(res.json.enabled, false);
    assert.deepEqual(res.json.revision.consentCategories, ['analytics', 'marketing']);
    const missing = await rest('POST', '/v1/admin/integrations', { vendor: 'fixture', name: 'X', config: validConfig });
    assert.equal(missing.status, 400);
    assert.equal(missing.json.error.code, 'SIGNAL_VALIDATION_FAILED', 'an admin input, not an event');
    assert.deepEqual(missing.json.error.fields, [{ field: 'source_id', message: 'is required' }]);
    const badConfig = await rest('POST', '/v1/admin/integrations', { source_id: pipelineId, vendor: 'fixture', name: 'X', config: { region: 'x' } });
    assert.equal(badConfig.status, 400);
    assert.equal(badConfig.json.error.code, 'SIGNAL_INVALID_CONFIG');
    // Errors name the fields as the REST body and query do, not as the services call them.
    const badSource = await rest('POST', '/v1/admin/integrations', { source_id: 'abc', vendor: 'fixture', name: 'X', config: validConfig });
    assert.equal(badSource.status, 400);
    assert.deepEqual(badSource.json.error.fields.map((f: { field: string }) => f.field), ['source_id']);
    assert.match(badSource.json.error.message, /^source_id must be a UUID/);
    const badQuery = await rest('GET', '/v1/admin/integrations?source_id=abc');
    assert.deepEqual(badQuery.json.error.fields.map((f: { field: string }) => f.field), ['source_id']);
    // The install route's name for the pipeline filters too; an unknown parameter is refused.
    const bySource = await rest('GET', `/v1/admin/integrations?source_id=${pipelineId}`);
    const byPipeline = await rest('GET', `/v1/admin/integrations?pipeline_id=${pipelineId}`);
    assert.equal(byPipeline.status, 200);
    assert.deepEqual(byPipeline.json, bySource.json);
    const all = await rest('GET', '/v1/admin/integrations');
    assert.ok(all.json.total > byPipeline.json.total, 'the filter filters: the install above is on no pipeline');
    const misspelt = await rest('GET', `/v1/admin/integrations?pipelineId=${pipelineId}`);
    assert.equal(misspelt.status, 400, 'not ignored: it would list every pipeline\'s integrations');
    assert.match(JSON.stringify(misspelt.json.error), /pipelineId/);
    const both = await rest('GET', `/v1/admin/integrations?source_id=${pipelineId}&pipeline_id=${randomUUID()}`);
    assert.equal(both.status, 400);
    assert.deepEqual(both.json.error.fields.map((f: { field: string }) => f.field), ['pipeline_id']);
    assert.deepEqual((await rest('GET', '/v1/admin/integrations?pipeline_id=abc')).json.error.fields.map((f: { field: string }) => f.field), ['pipeline_id']);
    const badInstall = await rest('POST', '/v1/admin/integration-catalog/fixture/install', { name: 'X', config: validConfig, pipeline_id: 'abc' });
    assert.deepEqual(badInstall.json.error.fields.map((f: { field: string }) => f.field), ['pipeline_id']);
  });
});

describe('deleting pipelines and integrations', () => {
  const code = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => [body.errors?.[0]?.extensions?.signalCode, (body.errors?.[0]?.extensions?.fields as Array<{ field: string }> | undefined)?.[0]?.field];
  const queueOf = async (assignmentId: string) => signal.boss.getQueue(`delivery.${assignmentId}`);

  test('deletePipeline removes a disabled pipeline with its keys, assignments, queues and transformations', async () => {
    const pipeline = await signal.pipeline('To delete');
    const { assignment } = await signal.services.integrations.install({ vendor: 'fixture', name: 'On deleted pipeline', pipelineId: pipeline.id, consentCategories: [], config: validConfig });
    await signal.graphql('mutation($id: ID!) { setPipelineTransformations(pipelineId: $id, source: "- remove: properties.secret\\n") { version } }', { id: pipeline.id });
    assert.ok(await queueOf(assignment!.id), 'its queue exists');
    const enabled = await signal.graphql('mutation($id: ID!) { deletePipeline(id: $id) }', { id: pipeline.id });
    assert.equal(enabled.status, 409);
    assert.deepEqual(code(enabled.body), ['SIGNAL_CONFLICT', 'id']);
    assert.match(enabled.body.errors![0]!.message, /is enabled: disable it first/);
    await signal.graphql('mutation($id: ID!) { setPipelineEnabled(id: $id, enabled: false) { id } }', { id: pipeline.id });
    const deleted = await signal.graphql<{ deletePipeline: boolean }>('mutation($id: ID!) { deletePipeline(id: $id) }', { id: pipeline.id });
    assert.deepEqual(deleted.body, { data: { deletePipeline: true } });
    const { body } = await signal.graphql<{ pipelines: Array<{ id: string }> }>('{ pipelines { id } }');
    assert.ok(!body.data!.pipelines.some((p) => p.id === pipeline.id));
    assert.equal(await queueOf(assignment!.id), null, 'its integration\'s queue went with it');
    const left = await signal.pool.query(`SELECT (SELECT count(*) FROM signal.pipeline_keys WHERE pipeline_id = $1)::int AS keys,
      (SELECT count(*) FROM signal.pipeline_integrations WHERE pipeline_id = $1)::int AS assignments,
      (SELECT count(*) FROM signal.transformation_revisions WHERE scope = $1::text)::int AS transformations`, [pipeline.id]);
    assert.deepEqual(left.rows[0], { keys: 0, assignments: 0, transformations: 0 });
    const res = await fetch(`${signal.collectUrl}/v1/track`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(pipeline.key) },
      body: JSON.stringify({ event: 'After delete', userId: 'u' }),
    });
    assert.equal(res.status, 401);
    const again = await signal.graphql('mutation($id: ID!) { deletePipeline(id: $id) }', { id: pipeline.id });
    assert.deepEqual(code(again.body), ['SIGNAL_NOT_FOUND', 'id'], 'named as the argument is');
    const bad = await signal.graphql('mutation { deletePipeline(id: "nope") }');
    assert.equal(bad.status, 400);
  });

  test('deleteIntegration removes a template with its revisions and assignments, once no pipeline has it enabled', async () => {
    const pipeline = await signal.pipeline('Keeps running');
    const { template, assignment } = await signal.services.integrations.install({ vendor: 'fixture', name: 'To delete', pipelineId: pipeline.id, consentCategories: [], config: validConfig });
    await signal.services.integrations.createRevision({ templateId: template.id, note: 'v2' });
    const refused = await signal.graphql('mutation($id: ID!) { deleteIntegration(id: $id) }', { id: template.id });
    assert.equal(refused.status, 409);
    assert.deepEqual(code(refused.body), ['SIGNAL_CONFLICT', 'id']);
    assert.ok(refused.body.errors![0]!.message.includes(pipeline.id), 'the message names the pipeline');
    await signal.services.integrations.setEnabled(assignment!.id, false);
    // Counters and a rate-limit bucket, as deliveries leave them.
    await signal.pool.query('INSERT INTO signal.integration_stats (pipeline_integration_id, delivered) VALUES ($1, 3)', [assignment!.id]);
    await signal.pool.query('INSERT INTO signal.rate_limits (template_id, tokens) VALUES ($1, 10)', [template.id]);
    const both = await Promise.all([template.id, template.id].map((id) => signal.graphql<{ deleteIntegration: boolean }>('mutation($id: ID!) { deleteIntegration(id: $id) }', { id })));
    const deleted = both.find((r) => r.body.data?.deleteIntegration === true);
    const concurrent = both.find((r) => r !== deleted);
    assert.deepEqual(deleted?.body, { data: { deleteIntegration: true } }, 'one of two deletes at once deletes it');
    assert.deepEqual(code(concurrent!.body), ['SIGNAL_NOT_FOUND', 'id'], 'the other finds nothing to delete');
    const leftovers = await signal.pool.query(`SELECT (SELECT count(*) FROM signal.integration_stats WHERE pipeline_integration_id = $1)::int AS stats,
      (SELECT count(*) FROM signal.rate_limits WHERE template_id = $2)::int AS buckets`, [assignment!.id, template.id]);
    assert.deepEqual(leftovers.rows[0], { stats: 0, buckets: 0 }, 'its counters and rate-limit state went with it');
    for (const query of ['{ pipeline(id: "xyz") { id } }', '{ integration(id: "xyz") { id } }']) {
      assert.deepEqual(code((await signal.graphql(query)).body), ['SIGNAL_VALIDATION_FAILED', 'id'], `${query}: named as the argument is`);
    }
    const gone = await signal.graphql<{ integration: unknown }>('query($id: ID!) { integration(id: $id) { id } }', { id: template.id });
    assert.equal(gone.body.data!.integration, null);
    assert.equal(await queueOf(assignment!.id), null);
    const revisions = await signal.pool.query('SELECT 1 FROM signal.integration_revisions WHERE template_id = $1', [template.id]);
    assert.equal(revisions.rowCount, 0);
    const missing = await signal.graphql('mutation($id: ID!) { deleteIntegration(id: $id) }', { id: template.id });
    assert.deepEqual(code(missing.body), ['SIGNAL_NOT_FOUND', 'id'], 'named as the argument is');
  });
});
