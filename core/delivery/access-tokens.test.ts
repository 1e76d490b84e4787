import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createMigratedDatabase, type MigratedDatabase } from '../../test/helpers/database.ts';
import { reply, startVendorSim, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { oauthRefreshTokenRequest } from '../sdk/oauth.ts';
import type { AccessTokenExchange, PluginContext } from '../sdk/types.ts';
import { createSecretBox } from '../services/secret-box.ts';
import { createAccessTokens, type AccessTokens, type TokenOwner } from './access-tokens.ts';
import { createHttpPerformer, type HttpPerformer } from './http-performer.ts';

const TOKEN_ORIGIN = 'https://auth.fixture.test';

const exchange: AccessTokenExchange = {
  usedBy: ['delivery'],
  enabled: (config) => typeof config.refresh_token === 'string',
  request: (ctx) => oauthRefreshTokenRequest({ url: `${TOKEN_ORIGIN}/oauth/token`, clientId: 'client-1', clientSecret: String(ctx.config.client_secret), refreshToken: String(ctx.config.refresh_token) }),
};

describe('access tokens', () => {
  let db: MigratedDatabase;
  let sim: VendorSim;
  let http: HttpPerformer;
  const secrets = createSecretBox(randomBytes(32));
  let clock = Date.UTC(2026, 10, 30, 12);
  const now = () => clock;
  let owner: TokenOwner;

  /** A node's token store: each test makes two to show what nodes share. */
  function node(): AccessTokens {
    return createAccessTokens({ pool: db.pool, secrets, perform: (request) => http.perform(request), now });
  }

  before(async () => {
    db = await createMigratedDatabase('accesstokens', 6);
    sim = await startVendorSim();
    http = createHttpPerformer({ timeoutMs: 2000, redirects: new Map([[TOKEN_ORIGIN, sim.url]]) });
  });
  after(async () => {
    await http.close();
    await sim.close();
    await db.close();
  });
  beforeEach(async () => {
    sim.reset();
    const templateId = randomUUID();
    const revisionId = randomUUID();
    await db.pool.query("INSERT INTO signal.integration_templates (id, name, vendor) VALUES ($1, 'LinkedIn', 'fixture')", [templateId]);
    await db.pool.query("INSERT INTO signal.integration_revisions (id, template_id, version, variant, config) VALUES ($1, $2, 1, 'default', '{}')", [revisionId, templateId]);
    const ctx: PluginContext = { config: { refresh_token: 'refresh-secret-1', client_secret: 'client-secret-1' }, variant: 'default', integrationId: 'i', revisionId, options: {}, now: 0 };
    owner = { revisionId, templateId, vendor: 'fixture', exchange, ctx };
  });

  it('one exchange serves this node and the next, the token sealed at rest', async () => {
    sim.script('POST', '/oauth/token', [reply.ok({ access_token: 'at-first-0001', expires_in: 3600 })]);
    const first = node();
    const [a, b] = await Promise.all([first.get(owner), first.get(owner)]);
    assert.equal(a, 'at-first-0001');
    assert.equal(b, 'at-first-0001');
    assert.equal(await node().get(owner), 'at-first-0001', 'another node reads it from PostgreSQL');
    assert.equal(sim.count({ path: '/oauth/token' }), 1);
    const [sent] = sim.requests({ path: '/oauth/token' });
    assert.deepEqual(Object.fromEntries(new URLSearchParams(sent!.body)), { grant_type: 'refresh_token', refresh_token: 'refresh-secret-1', client_id: 'client-1', client_secret: 'client-secret-1' });
    const { rows: [row] } = await db.pool.query<{ token: unknown }>('SELECT token FROM signal.access_tokens WHERE revision_id = $1', [owner.revisionId]);
    assert.doesNotMatch(JSON.stringify(row?.token), /at-first-0001/);
  });

  it('renewed a minute before it expires, or at half its life when that is shorter', async () => {
    sim.script('POST', '/oauth/token', [reply.ok({ access_token: 'at-short-0001', expires_in: 100 }), reply.ok({ access_token: 'at-short-0002', expires_in: 100 })]);
    const tokens = node();
    assert.equal(await tokens.get(owner), 'at-short-0001');
    clock += 49_000;
    assert.equal(await tokens.get(owner), 'at-short-0001');
    clock += 2_000;
    assert.equal(await tokens.get(owner), 'at-short-0002');
    assert.equal(sim.count({ path: '/oauth/token' }), 2);
  });

  it('a token the vendor refused is renewed, once for every node', async () => {
    sim.script('POST', '/oauth/token', [reply.ok({ access_token: 'at-revoked-01', expires_in: 3600 }), reply.ok({ access_token: 'at-renewed-02', expires_in: 3600 })]);
    const first = node();
    const second = node();
    assert.equal(await first.get(owner), 'at-revoked-01');
    assert.equal(await second.get(owner), 'at-revoked-01');
    assert.equal(await first.get(owner, 'at-revoked-01'), 'at-renewed-02');
    // The second node, refused the same token, finds the first's renewal stored.
    assert.equal(await second.get(owner, 'at-revoked-01'), 'at-renewed-02');
    assert.equal(sim.count({ path: '/oauth/token' }), 2);
  });

  it('a vendor answering the refused token again (Marketo: the same token until it expires) is asked once, not in a loop', async () => {
    sim.setDefault('POST', '/oauth/token', reply.ok({ access_token: 'at-same-0001', expires_in: 3600 }));
    const tokens = node();
    assert.equal(await tokens.get(owner), 'at-same-0001');
    const renewed = await Promise.race([tokens.get(owner, 'at-same-0001'), new Promise<string>((resolve) => setTimeout(() => resolve('still asking'), 1500))]);
    assert.equal(renewed, 'at-same-0001', 'the same token is handed back: the caller sees no renewal and lets the answer be classified');
    assert.equal(sim.count({ path: '/oauth/token' }), 2);
  });

  it('a refused credential is permanent, says what to fix, and is not asked about again for 30 s', async () => {
    sim.setDefault('POST', '/oauth/token', { status: 400, body: { error: 'invalid_grant', error_description: 'The refresh token has expired' } });
    const tokens = node();
    await assert.rejects(tokens.get(owner), (error: Error) => {
      assert.equal(error.name, 'PermanentError');
      assert.match(error.message, /^access token: the token endpoint refused the credential \(invalid_grant: The refresh token has expired\): the grant .* authorise Signal again/);
      return true;
    });
    await assert.rejects(tokens.get(owner), { name: 'PermanentError' });
    assert.equal(sim.count({ path: '/oauth/token' }), 1);
    clock += 31_000;
    sim.setDefault('POST', '/oauth/token', reply.ok({ access_token: 'at-after-fix-1', expires_in: 3600 }));
    assert.equal(await tokens.get(owner), 'at-after-fix-1');
  });

  it('a failing token endpoint is retryable, and the next call asks again', async () => {
    sim.script('POST', '/oauth/token', [{ status: 503, body: 'busy', headers: { 'retry-after': '3' } }, reply.reset(), reply.ok({ access_token: 'at-later-0001' })]);
    const tokens = node();
    await assert.rejects(tokens.get(owner), (error: Error & { retryAfterMs?: number }) => error.name === 'RetryableError' && error.retryAfterMs === 3000 && /HTTP 503: busy/.test(error.message));
    await assert.rejects(tokens.get(owner), (error: Error) => error.name === 'RetryableError' && /token request failed \(network/.test(error.message));
    assert.equal(await tokens.get(owner), 'at-later-0001');
  });

  it('an answer without a usable token, or a plugin that cannot build its request, is permanent', async () => {
    sim.script('POST', '/oauth/token', [reply.ok({ access_token: 'bad\r\nX-Injected: 1' })]);
    await assert.rejects(node().get(owner), { name: 'PermanentError', message: /no usable token/ });
    clock += 31_000;
    const broken: TokenOwner = { ...owner, exchange: { ...exchange, request: () => { throw new Error('client_id is missing'); } } };
    await assert.rejects(node().get(broken), { name: 'PermanentError', message: 'access token: the plugin could not build the token request: client_id is missing' });
  });

  it('admins see when the token was obtained and expires, and a warning a month before the credential ends', async () => {
    const tokens = node();
    assert.equal(await tokens.status(owner.revisionId), null, 'none obtained yet');
    sim.script('POST', '/oauth/token', [reply.ok({ access_token: 'at-status-0001', expires_in: 3600, refresh_token_expires_in: 40 * 86_400 })]);
    await tokens.get(owner);
    const obtainedAt = new Date(clock).toISOString();
    assert.deepEqual(await tokens.status(owner.revisionId), {
      obtainedAt, expiresAt: new Date(clock + 3_600_000).toISOString(), credentialExpiresAt: new Date(clock + 40 * 86_400_000).toISOString(), credentialRotatedAt: null, warning: null,
    });
    clock += 15 * 86_400_000;
    assert.match((await tokens.status(owner.revisionId))!.warning!, /^the credential ends on 2027-01-09 \(in 25 days\): authorise Signal again before then/);
    clock += 30 * 86_400_000;
    assert.match((await tokens.status(owner.revisionId))!.warning!, /^the credential ended on 2027-01-09: authorise Signal again/);
    assert.doesNotMatch(JSON.stringify(await tokens.status(owner.revisionId)), /at-status-0001/);
  });

  it('a token sealed under another key is asked for again, and the revision deleted takes its token along', async () => {
    sim.script('POST', '/oauth/token', [reply.ok({ access_token: 'at-old-key-01' }), reply.ok({ access_token: 'at-new-key-02' })]);
    assert.equal(await node().get(owner), 'at-old-key-01');
    const rotated = createAccessTokens({ pool: db.pool, secrets: createSecretBox(randomBytes(32)), perform: (request) => http.perform(request), now });
    assert.equal(await rotated.get(owner), 'at-new-key-02');
    await db.pool.query('DELETE FROM signal.integration_revisions WHERE id = $1', [owner.revisionId]);
    const { rows } = await db.pool.query('SELECT 1 FROM signal.access_tokens WHERE revision_id = $1', [owner.revisionId]);
    assert.equal(rows.length, 0);
  });
  /** A revision of owner's template, configured with `refreshToken`. */
  async function revision(version: number, refreshToken: string, exchangeOf: AccessTokenExchange): Promise<TokenOwner> {
    const revisionId = randomUUID();
    await db.pool.query("INSERT INTO signal.integration_revisions (id, template_id, version, variant, config) VALUES ($1, $2, $3, 'default', '{}')", [revisionId, owner.templateId, version]);
    return { ...owner, revisionId, exchange: exchangeOf, ctx: { ...owner.ctx, revisionId, config: { ...owner.ctx.config, refresh_token: refreshToken } } };
  }

  const sentRefreshTokens = (): string[] => sim.requests({ path: '/oauth/token' }).map((r) => new URLSearchParams(r.body).get('refresh_token')!);

  it('a refresh token the vendor replaces is kept sealed and used next, by every revision configured with the same one', async () => {
    const rotating: AccessTokenExchange = { ...exchange, rotates: 'refresh_token' };
    const first = { ...owner, exchange: rotating };
    sim.script('POST', '/oauth/token', [
      reply.ok({ access_token: 'at-rotate-01', expires_in: 100, refresh_token: 'refresh-secret-2' }),
      reply.ok({ access_token: 'at-rotate-02', expires_in: 100, refresh_token: 'refresh-secret-3' }),
      reply.ok({ access_token: 'at-rotate-03', expires_in: 100, refresh_token: 'refresh-secret-3' }),
      reply.ok({ access_token: 'at-rotate-04', expires_in: 100 }),
    ]);
    const tokens = node();
    assert.equal(await tokens.get(first), 'at-rotate-01');
    const obtainedAt = new Date(clock).toISOString();
    assert.equal((await tokens.status(first.revisionId))!.credentialRotatedAt, obtainedAt);
    const { rows: [kept] } = await db.pool.query<{ credential: unknown }>('SELECT credential FROM signal.rotated_credentials WHERE template_id = $1', [owner.templateId]);
    assert.doesNotMatch(JSON.stringify(kept?.credential), /refresh-secret-2/, 'sealed at rest');

    clock += 60_000;
    // Another node, renewing: the newest token, not the configured one the vendor replaced.
    assert.equal(await node().get(first), 'at-rotate-02');
    // A second revision of the same integration with the same configured token (say, a new
    // consent setting) continues the chain; one given a new token (authorised again) starts its own.
    const same = await revision(2, 'refresh-secret-1', rotating);
    assert.equal(await node().get(same), 'at-rotate-03');
    const fresh = await revision(3, 'refresh-new-1', rotating);
    assert.equal(await node().get(fresh), 'at-rotate-04');
    assert.deepEqual(sentRefreshTokens(), ['refresh-secret-1', 'refresh-secret-2', 'refresh-secret-3', 'refresh-new-1']);
    assert.equal((await tokens.status(fresh.revisionId))!.credentialRotatedAt, null, 'its chain has not rotated');
  });

  it('without rotates, a refresh token in the answer changes nothing: the configured one stays in use', async () => {
    sim.script('POST', '/oauth/token', [
      reply.ok({ access_token: 'at-fixed-01', expires_in: 100, refresh_token: 'refresh-other' }),
      reply.ok({ access_token: 'at-fixed-02', expires_in: 100, refresh_token: 'refresh-other' }),
    ]);
    assert.equal(await node().get(owner), 'at-fixed-01');
    clock += 60_000;
    assert.equal(await node().get(owner), 'at-fixed-02');
    assert.deepEqual(sentRefreshTokens(), ['refresh-secret-1', 'refresh-secret-1']);
    const { rows } = await db.pool.query('SELECT 1 FROM signal.rotated_credentials WHERE template_id = $1', [owner.templateId]);
    assert.equal(rows.length, 0);
  });
});
