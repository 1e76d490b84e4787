// Named admin tokens (roles, revocation) and the admin audit log, through the real admin
// listener: every change made through GraphQL or REST is recorded with who, from where, with
// what (no secrets, config values or personal data) and how it ended.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fixturePlugin, pluginSet } from './helpers/fixture-plugin.ts';
import { startTestSignal, type TestSignal } from './helpers/signal.ts';

let signal: TestSignal;
const validConfig = { api_key: 'key-1234567890', region: 'https://eu.fixture.test/events' };

before(async () => {
  signal = await startTestSignal({}, { plugins: pluginSet(fixturePlugin), label: 'access' });
});
after(() => signal.close());

type GraphqlBody<T> = { data?: T | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

async function graphqlAs<T = Record<string, unknown>>(token: string, query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: GraphqlBody<T> }> {
  const response = await fetch(`${signal.adminUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'user-agent': 'audit-test/1.0' },
    body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
  });
  return { status: response.status, body: await response.json() as GraphqlBody<T> };
}

async function restAs(token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${signal.adminUrl}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() as Record<string, any> };
}

interface Entry { id: string; actor: string; tokenId: string | null; role: string; via: string; operation: string; arguments: any; resultIds: string[]; outcome: string; error: string | null; clientIp: string | null; userAgent: string | null }
const ENTRY_FIELDS = 'id actor tokenId role via operation arguments resultIds outcome error clientIp userAgent';

async function auditLog(filter: string): Promise<Entry[]> {
  const res = await signal.graphql<{ adminAuditLog: Entry[] }>(`{ adminAuditLog(${filter}) { ${ENTRY_FIELDS} } }`);
  assert.equal(res.status, 200, JSON.stringify(res.body.errors));
  return res.body.data!.adminAuditLog;
}

async function createToken(name: string, role: 'admin' | 'read_only'): Promise<{ id: string; token: string }> {
  const res = await signal.graphql<{ createAdminToken: { id: string; name: string; role: string; token: string } }>(
    'mutation($name: String!, $role: AdminTokenRole!) { createAdminToken(name: $name, role: $role) { id name role token createdAt } }', { name, role });
  assert.equal(res.status, 200, JSON.stringify(res.body.errors));
  const created = res.body.data!.createAdminToken;
  assert.equal(created.name, name);
  assert.match(created.token, /^sig_admin_[A-Za-z0-9_-]{43}$/);
  return created;
}

describe('named admin tokens', () => {
  test('an admin token works like SIGNAL_ADMIN_TOKEN, is listed without its token, and stops working once revoked', async () => {
    const { id, token } = await createToken('ci-deployer', 'admin');
    const piped = await graphqlAs(token, 'mutation { createPipeline(name: "By CI") { pipeline { id } key } }');
    assert.equal(piped.status, 200, JSON.stringify(piped.body.errors));

    const listed = await signal.graphql<{ adminTokens: Array<Record<string, unknown>> }>('{ adminTokens { id name role createdBy lastUsedAt revokedAt } }');
    const mine = listed.body.data!.adminTokens.find((t) => t.id === id)!;
    assert.equal(mine.name, 'ci-deployer');
    assert.equal(mine.createdBy, 'SIGNAL_ADMIN_TOKEN');
    assert.ok(mine.lastUsedAt, 'its use is noted');
    assert.equal(JSON.stringify(listed.body).includes(token), false, 'the token is never shown again');
    const { rows } = await signal.pool.query('SELECT token_digest FROM signal.admin_tokens WHERE id = $1', [id]);
    assert.equal(rows[0].token_digest.length, 32, 'kept as a SHA-256 digest');

    const revoked = await signal.graphql<{ revokeAdminToken: { revokedAt: string | null } }>('mutation($id: ID!) { revokeAdminToken(id: $id) { revokedAt } }', { id });
    assert.ok(revoked.body.data!.revokeAdminToken.revokedAt);
    const refused = await graphqlAs(token, '{ pipelines { id } }');
    assert.equal(refused.status, 401);
    assert.equal(refused.body.errors![0]!.extensions!.code, 'UNAUTHENTICATED');
    assert.match(refused.body.errors![0]!.message, /unknown or revoked/);
    assert.equal((await restAs(token, 'GET', '/v1/admin/integration-catalog')).status, 401);
  });

  test('a read_only token reads (GraphQL queries, REST GETs, /metrics) and is refused every change, with a 403 naming the token', async () => {
    const { token } = await createToken('grafana', 'read_only');
    const read = await graphqlAs(token, '{ pipelines { id name } catalog { id } }');
    assert.equal(read.status, 200, JSON.stringify(read.body.errors));
    assert.equal((await restAs(token, 'GET', '/v1/admin/integration-catalog')).status, 200);
    assert.equal((await fetch(`${signal.adminUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status, 200);

    const mutation = await graphqlAs(token, 'mutation { createPipeline(name: "Nope") { key } }');
    assert.equal(mutation.status, 403);
    assert.equal(mutation.body.errors![0]!.extensions!.code, 'FORBIDDEN');
    assert.match(mutation.body.errors![0]!.message, /the admin token "grafana" is read_only: createPipeline changes things, which takes an admin token/);
    const pipelines = await signal.services.pipelines.list();
    assert.equal(pipelines.some((p) => p.name === 'Nope'), false, 'nothing was made');

    const minting = await graphqlAs(token, 'mutation { createAdminToken(name: "escalate", role: admin) { token } }');
    assert.equal(minting.body.errors![0]!.extensions!.code, 'FORBIDDEN', 'a read_only token cannot mint an admin one');

    const viaRest = await restAs(token, 'POST', '/v1/admin/integration-catalog/fixture/install', { name: 'Nope', config: validConfig });
    assert.equal(viaRest.status, 403);
    assert.equal(viaRest.json.error.code, 'SIGNAL_ADMIN_FORBIDDEN');
    assert.match(viaRest.json.error.message, /"grafana" is read_only: POST \/v1\/admin\/integration-catalog\/fixture\/install changes things/);

    const refused = (await auditLog('actor: "grafana", limit: 10')).filter((e) => e.outcome === 'refused');
    for (const entry of refused) assert.match(entry.error!, /"grafana" is read_only/);
    const refusals = refused.map((e) => e.operation).sort();
    assert.deepEqual(refusals, ['POST /v1/admin/integration-catalog/:vendor/install', 'createAdminToken', 'createPipeline']);
  });

  test('refused requests are counted for /metrics by why: no token, an unknown or revoked one, a read_only change', async () => {
    const count = async (reason: string): Promise<number> => {
      const text = await (await fetch(`${signal.adminUrl}/metrics`, { headers: { authorization: `Bearer ${signal.adminToken}` } })).text();
      const line = text.split('\n').find((l) => l.startsWith(`signal_admin_auth_failures_total{reason="${reason}"}`));
      assert.ok(line, `${reason} is exposed`);
      return Number(line.split(' ').at(-1));
    };
    const before = { missing: await count('missing_token'), invalid: await count('invalid_token'), readOnly: await count('read_only') };
    await fetch(`${signal.adminUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ pipelines { id } }"}' });
    await restAs('sig_admin_guessed', 'GET', '/v1/admin/integration-catalog');
    await restAs('sig_admin_guessed_again', 'GET', '/v1/admin/integration-catalog');
    const { token } = await createToken('dashboards', 'read_only');
    await graphqlAs(token, 'mutation { createPipeline(name: "No") { key } }');
    await restAs(token, 'POST', '/v1/admin/integrations', {});
    assert.equal(await count('missing_token'), before.missing + 1);
    assert.equal(await count('invalid_token'), before.invalid + 2);
    assert.equal(await count('read_only'), before.readOnly + 2);
  });

  test('names: one active token a name (409 naming the field), blank names and unknown roles refused', async () => {
    await createToken('oncall', 'read_only');
    const again = await signal.graphql('mutation { createAdminToken(name: "oncall", role: admin) { id } }');
    assert.equal(again.body.errors![0]!.extensions!.code, 'CONFLICT');
    assert.match(again.body.errors![0]!.message, /already named "oncall"/);
    const blank = await signal.graphql('mutation { createAdminToken(name: "  ", role: admin) { id } }');
    assert.equal(blank.body.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
    assert.match(blank.body.errors![0]!.message, /name must be 1 to 200 characters/);
    const role = await signal.graphql('mutation { createAdminToken(name: "x", role: owner) { id } }');
    assert.ok(role.body.errors![0]!.message.includes('owner'), role.body.errors![0]!.message);
    const unknown = await signal.graphql('mutation { revokeAdminToken(id: "00000000-0000-4000-8000-000000000000") { id } }');
    assert.equal(unknown.body.errors![0]!.extensions!.code, 'NOT_FOUND');
  });
});

describe('the admin audit log', () => {
  test('a GraphQL install is recorded with the actor, the ids it made and the config as field names only', async () => {
    const { token } = await createToken('alice', 'admin');
    const { id: pipelineId } = await signal.pipeline('Audited shop');
    const installed = await graphqlAs<{ installIntegration: { template: { id: string }; revision: { id: string }; assignment: { id: string } } }>(token,
      'mutation($input: InstallIntegrationInput!) { installIntegration(input: $input) { template { id } revision { id } assignment { id } } }',
      { input: { vendor: 'fixture', variant: 'retail', name: 'Fixture audited', config: validConfig, pipelineId } });
    assert.equal(installed.status, 200, JSON.stringify(installed.body.errors));
    const { template, revision, assignment } = installed.body.data!.installIntegration;

    const [entry] = await auditLog('actor: "alice", operation: "installIntegration", limit: 1');
    assert.ok(entry);
    assert.equal(entry.via, 'graphql');
    assert.equal(entry.role, 'admin');
    assert.equal(entry.outcome, 'ok');
    assert.equal(entry.userAgent, 'audit-test/1.0');
    assert.match(entry.clientIp!, /127\.0\.0\.1/);
    assert.deepEqual(entry.arguments, { input: { vendor: 'fixture', variant: 'retail', name: 'Fixture audited', config: '[config: api_key, region]', pipelineId } });
    assert.deepEqual(entry.resultIds.sort(), [template.id, revision.id, assignment.id].sort());
    const { rows } = await signal.pool.query("SELECT arguments::text AS a FROM signal.admin_audit_log WHERE actor = 'alice'");
    for (const row of rows) assert.equal(row.a.includes('key-1234567890'), false, 'no secret is kept');
  });

  test('a failed change is recorded with its error; a deletion keeps no person ids; a new pipeline\'s key is not kept', async () => {
    const failed = await signal.graphql('mutation { setIntegrationEnabled(id: "00000000-0000-4000-8000-000000000000", enabled: false) { id } }');
    assert.ok(failed.body.errors);
    const [entry] = await auditLog('operation: "setIntegrationEnabled", limit: 1');
    assert.equal(entry!.outcome, 'error');
    assert.equal(entry!.error, failed.body.errors![0]!.message);
    assert.equal(entry!.actor, 'SIGNAL_ADMIN_TOKEN');

    const { id: pipelineId } = await signal.pipeline('Deletions');
    const deletion = await signal.graphql('mutation($p: ID!) { deletePerson(pipelineId: $p, userId: "jane@example.com") { id } }', { p: pipelineId });
    assert.equal(deletion.status, 200, JSON.stringify(deletion.body.errors));
    const [deleted] = await auditLog('operation: "deletePerson", limit: 1');
    assert.deepEqual(deleted!.arguments, { pipelineId, userId: '[personal data]', suppress: false });

    const created = await signal.graphql<{ createPipeline: { pipeline: { id: string }; key: string } }>('mutation { createPipeline(name: "Keyed") { pipeline { id } key } }');
    const { key, pipeline: { id } } = created.body.data!.createPipeline;
    const [made] = await auditLog('operation: "createPipeline", limit: 1');
    assert.deepEqual(made!.resultIds, [id]);
    const { rows } = await signal.pool.query('SELECT count(*)::int AS n FROM signal.admin_audit_log WHERE result_ids::text LIKE $1 OR arguments::text LIKE $1', [`%${key}%`]);
    assert.equal(rows[0].n, 0, 'the key shown once is not in the log');
  });

  test('REST changes are recorded (route, arguments, outcome and error); GETs and queries are not', async () => {
    const ok = await restAs(signal.adminToken, 'POST', '/v1/admin/integration-catalog/fixture/install', { name: 'Via REST', config: validConfig });
    assert.ok(ok.status < 300, JSON.stringify(ok.json));
    const bad = await restAs(signal.adminToken, 'POST', '/v1/admin/integration-catalog/fixture/install', { name: 'Bad', config: { region: 'nope' } });
    assert.equal(bad.status, 400);
    const entries = await auditLog('operation: "POST /v1/admin/integration-catalog/:vendor/install", actor: "SIGNAL_ADMIN_TOKEN", limit: 2');
    assert.equal(entries.length, 2);
    const [failed, done] = entries as [Entry, Entry];
    assert.equal(failed.outcome, 'error');
    assert.equal(failed.error, bad.json.error.message);
    assert.equal(done.outcome, 'ok');
    assert.equal(done.via, 'rest');
    assert.deepEqual(done.arguments.params, { vendor: 'fixture' });
    assert.equal(done.arguments.body.config, '[config: api_key, region]');
    assert.ok(done.resultIds.length >= 1);

    const before = (await auditLog('limit: 1'))[0]!.id;
    await restAs(signal.adminToken, 'GET', '/v1/admin/integration-catalog');
    await signal.graphql('{ pipelines { id } }');
    assert.equal((await auditLog('limit: 1'))[0]!.id, before, 'reads are not recorded (the log reads are not either)');
  });

  test('pages newest first with before; since filters by time; bad arguments name the field', async () => {
    const page1 = await auditLog('limit: 2');
    assert.equal(page1.length, 2);
    assert.ok(Number(page1[0]!.id) > Number(page1[1]!.id));
    const page2 = await auditLog(`limit: 2, before: "${page1[1]!.id}"`);
    assert.ok(Number(page2[0]!.id) < Number(page1[1]!.id));
    assert.equal((await auditLog('since: "2999-01-01", limit: 5')).length, 0);
    assert.ok((await auditLog('since: "2020-01-01T00:00", limit: 5')).length > 0, 'a date-time without a zone is UTC');
    for (const [filter, field] of [['limit: 0', 'limit'], ['before: "abc"', 'before'], ['since: "yesterday"', 'since']] as const) {
      const res = await signal.graphql(`{ adminAuditLog(${filter}) { id } }`);
      assert.equal(res.body.errors![0]!.extensions!.code, 'BAD_USER_INPUT', filter);
      assert.match(res.body.errors![0]!.message, new RegExp(`^${field} must`), filter);
    }
  });
});
