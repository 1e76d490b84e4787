import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';
import type { CanonicalEvent, JsonObject } from '../collect/canonical-event.ts';
import { createHttpPerformer, type HttpPerformer } from '../delivery/http-performer.ts';
import { PermanentError, RetryableError, type PartnerEnrichment, type PluginContext } from '../sdk/index.ts';
import { createMigratedDatabase, type MigratedDatabase } from '../../test/helpers/database.ts';
import { reply, startVendorSim, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import {
  createPartnerEnricher,
  prunePartnerStatement,
  readBrowserAttributesStatement,
  visitorDigest,
  withPartnerAttributes,
  type Enricher,
  type EnrichmentItem,
  type EnrichmentResult,
} from './partner-enrichment.ts';

let db: MigratedDatabase;
let sim: VendorSim;
let http: HttpPerformer;
const warnings: string[] = [];

before(async () => {
  db = await createMigratedDatabase('partner', 4);
  sim = await startVendorSim();
  http = createHttpPerformer({ timeoutMs: 300, redirects: new Map([['https://partner.example', sim.url]]) });
});
after(async () => {
  await http.close();
  await sim.close();
  await db.close();
});
beforeEach(() => {
  sim.reset();
  warnings.length = 0;
});

/**
 * A partner as small as the contract allows: `GET /lookup?{key}={value}` answers the profile id,
 * `GET /profiles/{id}` the attributes (with `?ctx=` the personalized ones).
 */
const partner: PartnerEnrichment = {
  enabled: () => true,
  identities: (event) => [
    ...(typeof event.userId === 'string' ? [{ key: 'customer_id', value: event.userId }] : []),
    ...(typeof event.anonymousId === 'string' ? [{ key: 'cookie', value: event.anonymousId }] : []),
  ],
  lookup: (identity) => ({ method: 'GET', url: 'https://partner.example/lookup', query: [[identity.key, identity.value]], eventIds: [] }),
  read(response) {
    if (response.status === 404) return { notFound: true };
    if (response.status === 403) throw new PermanentError('the key is refused');
    if (response.status !== 200) throw new RetryableError(`HTTP ${response.status}`);
    const body = response.json as JsonObject;
    if (typeof body.id === 'string' && body.attributes === undefined) return { next: { method: 'GET', url: `https://partner.example/profiles/${body.id}`, eventIds: [] } };
    return { found: { attributes: body.attributes as JsonObject, profileId: String(body.id) } };
  },
  personalize: (event, profile) => {
    const category = (event.properties as JsonObject | undefined)?.category;
    return typeof category === 'string' ? { key: category, request: { method: 'GET', url: `https://partner.example/profiles/${profile.profileId}`, query: [['ctx', category]], eventIds: [] } } : null;
  },
  readPersonalized: (response) => ((response.json as JsonObject).attributes as JsonObject),
  browserAttributes: (attributes): JsonObject => (attributes.Persona === undefined ? {} : { Persona: attributes.Persona }),
};

const ctxOf = (): PluginContext => ({ config: {}, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: 0 });

function enricher(overrides: Partial<Enricher> = {}): Enricher {
  const ctx = ctxOf();
  return { integrationId: randomUUID(), revisionId: randomUUID(), provider: 'partner', enrichment: partner, ctx, consentCategories: [], routingNames: ['Partner', 'partner'], ...overrides };
}

/** The outcomes of a result per integration, as a fan-out counts them. */
function tally(result: EnrichmentResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const list of result.outcomes.values()) for (const { outcome } of list) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

let nextKey = 1;
function item(pipelineId: string, fields: Record<string, unknown>): EnrichmentItem {
  const key = nextKey++;
  return { key, pipelineId, event: { type: 'track', event: 'Viewed', messageId: `m-${key}`, timestamp: '', receivedAt: '', context: {}, ...fields } as unknown as CanonicalEvent };
}

function answerProfiles(profiles: Record<string, { id: string; attributes: JsonObject }>): void {
  sim.setDefault('GET', '/lookup', (request) => {
    const [, value] = request.queryPairs[0] ?? [];
    const profile = value === undefined ? undefined : profiles[value];
    return profile ? { status: 200, body: { id: profile.id } } : { status: 404, body: { error: 'not-found' } };
  });
  for (const profile of Object.values(profiles)) {
    sim.setDefault('GET', `/profiles/${profile.id}`, (request) => ({ status: 200, body: { id: profile.id, attributes: request.queryPairs.length > 0 ? { Offer: `for ${request.queryPairs[0]![1]}` } : profile.attributes } }));
  }
}

test('identities in order until one is found, the profile fetched next; answers cached, so the next events ask nothing', async () => {
  const pipelineId = randomUUID();
  const e = enricher();
  answerProfiles({ 'dfid_known': { id: 'p-1', attributes: { Persona: 'Value Hunter', Tier: 'Gold' } } });
  const enrich = createPartnerEnricher({ pool: db.pool, perform: (r) => http.perform(r), warn: (m) => warnings.push(m) });
  const first = item(pipelineId, { userId: 'u-unknown', anonymousId: 'dfid_known' });
  const stranger = item(pipelineId, { anonymousId: 'dfid_stranger' });
  const result = await enrich.enrich([first, stranger], () => [e]);
  const attributes = result.attributes;
  assert.deepEqual(attributes.get(first.key), { partner: { Persona: 'Value Hunter', Tier: 'Gold' }, partner_personalized: null });
  assert.deepEqual(attributes.get(stranger.key), { partner: null, partner_personalized: null }, 'not found: no attributes (and none a client sent)');
  assert.deepEqual(sim.requests().map((r) => `${r.path}?${r.queryPairs.map((p) => p.join('=')).join('&')}`).sort(), ['/lookup?cookie=dfid_known', '/lookup?cookie=dfid_stranger', '/lookup?customer_id=u-unknown', '/profiles/p-1?']);
  assert.deepEqual(warnings, []);
  assert.deepEqual(tally(result), { found: 1, notFound: 1 }, 'the outcomes the fan-out counts');
  assert.deepEqual(result.outcomes.get(first.key), [{ integrationId: e.integrationId, outcome: 'found' }]);

  sim.reset();
  const again = await enrich.enrich([item(pipelineId, { userId: 'u-unknown', anonymousId: 'dfid_known' }), item(pipelineId, { anonymousId: 'dfid_stranger' })], () => [e]);
  assert.deepEqual([...again.attributes.values()].map((a) => a.partner), [{ Persona: 'Value Hunter', Tier: 'Gold' }, null]);
  assert.equal(sim.requests().length, 0, 'found and not found both come from the cache');

  // Another revision (another account, another key) has a cache of its own.
  answerProfiles({ 'dfid_known': { id: 'p-1', attributes: { Persona: 'Value Hunter', Tier: 'Gold' } } });
  await enrich.enrich([item(pipelineId, { anonymousId: 'dfid_known' })], () => [{ ...e, revisionId: randomUUID() }]);
  assert.equal(sim.requests().length, 2);
});

test('only events the partner may receive are looked up: routing and consent; a refusal forgets what the browser could read', async () => {
  const pipelineId = randomUUID();
  const e = enricher({ consentCategories: ['marketing'] });
  answerProfiles({ 'dfid_c': { id: 'p-c', attributes: { Persona: 'Browser', Secret: 'no' } } });
  const enrich = createPartnerEnricher({ pool: db.pool, perform: (r) => http.perform(r), warn: (m) => warnings.push(m) });
  const granted = item(pipelineId, { anonymousId: 'dfid_c', context: { consent: { marketing: true } } });
  const refused = item(pipelineId, { anonymousId: 'dfid_other', context: { consent: { marketing: false } } });
  const off = item(pipelineId, { anonymousId: 'dfid_other', context: { consent: { marketing: true } }, integrations: { Partner: false } });
  const result = await enrich.enrich([granted, refused, off], () => [e]);
  assert.deepEqual([...result.attributes.keys()], [granted.key]);
  assert.deepEqual(sim.requests().map((r) => r.queryPairs[0]?.[1]).filter(Boolean), ['dfid_c']);

  const browser = async (visitor: string) => (await db.pool.query<{ attributes: JsonObject }>(readBrowserAttributesStatement(pipelineId, 'partner', visitorDigest(visitor)))).rows[0]?.attributes;
  assert.deepEqual(await browser('dfid_c'), { Persona: 'Browser' }, 'what browserAttributes lets through, nothing else');
  await enrich.enrich([item(pipelineId, { anonymousId: 'dfid_c', context: { consent: { marketing: false } } })], () => [e]);
  assert.deepEqual(await browser('dfid_c'), {}, 'consent withdrawn: the page reads nothing any more');
});

test('personalized attributes per context, cached by context', async () => {
  const pipelineId = randomUUID();
  const e = enricher();
  answerProfiles({ 'dfid_p': { id: 'p-p', attributes: { Persona: 'P' } } });
  const enrich = createPartnerEnricher({ pool: db.pool, perform: (r) => http.perform(r), warn: (m) => warnings.push(m) });
  const shoes = item(pipelineId, { anonymousId: 'dfid_p', properties: { category: 'shoes' } });
  const hats = item(pipelineId, { anonymousId: 'dfid_p', properties: { category: 'hats' } });
  const result = await enrich.enrich([shoes, hats, item(pipelineId, { anonymousId: 'dfid_p', properties: { category: 'shoes' } })], () => [e]);
  assert.deepEqual(result.attributes.get(shoes.key)!.partner_personalized, { Offer: 'for shoes' });
  assert.deepEqual(result.attributes.get(hats.key)!.partner_personalized, { Offer: 'for hats' });
  assert.equal(sim.requests({ path: '/profiles/p-p' }).filter((r) => r.queryPairs.length > 0).length, 2, 'one call per context');
  const browser = await db.pool.query<{ attributes: JsonObject }>(readBrowserAttributesStatement(pipelineId, 'partner', visitorDigest('dfid_p')));
  assert.deepEqual(browser.rows[0]?.attributes, { Persona: 'P' });
});

test('failures: logged with the plugin\'s reason, the event goes on without; three in a row pause the partner', async () => {
  const pipelineId = randomUUID();
  const e = enricher();
  sim.setDefault('GET', '/lookup', { status: 403, body: {} });
  const enrich = createPartnerEnricher({ pool: db.pool, perform: (r) => http.perform(r), warn: (m) => warnings.push(m), concurrency: 1, pauseMs: 60_000 });
  const items = Array.from({ length: 6 }, (_, i) => item(pipelineId, { anonymousId: `dfid_fail_${i}` }));
  const result = await enrich.enrich(items, () => [e]);
  assert.deepEqual(tally(result), { failed: 6 }, 'paused ones count as failed');
  assert.equal(result.lastFailures.get(e.integrationId), 'looking up cookie: the key is refused');
  assert.equal(sim.requests().length, 3, 'paused after the third failure: the other visitors are not asked');
  assert.deepEqual([...result.attributes.values()].map((a) => a.partner), [null, null, null, null, null, null]);
  assert.match(warnings[0]!, new RegExp(`partner resolve failed: integration ${e.integrationId} \\(partner\\): looking up cookie: the key is refused`));
  assert.match(warnings[2]!, /3 failures in a row: no lookups for 60 s, events go on without partner_attrs\.partner/);

  // A timeout is a failure too, not a wait for every event.
  const slow = enricher();
  sim.reset();
  sim.setDefault('GET', '/lookup', reply.hang());
  const started = Date.now();
  await createPartnerEnricher({ pool: db.pool, perform: (r) => http.perform(r), warn: (m) => warnings.push(m), concurrency: 4 })
    .enrich(Array.from({ length: 40 }, (_, i) => item(pipelineId, { anonymousId: `dfid_slow_${i}` })), () => [slow]);
  assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms: one wave of timeouts, then paused`);
});

test('partner data PostgreSQL cannot store (a NUL) is replaced, so it neither fails the cache nor the fan-out', async () => {
  const pipelineId = randomUUID();
  const e = enricher();
  answerProfiles({ 'dfid_nul': { id: 'p-nul', attributes: { Persona: 'Value\u0000Hunter' } } });
  const enrich = createPartnerEnricher({ pool: db.pool, perform: (r) => http.perform(r), warn: (m) => warnings.push(m) });
  const first = item(pipelineId, { anonymousId: 'dfid_nul' });
  assert.deepEqual((await enrich.enrich([first], () => [e])).attributes.get(first.key)!.partner, { Persona: 'Value\uFFFDHunter' });
  assert.deepEqual(warnings, [], 'cached without error');
  sim.reset();
  const again = item(pipelineId, { anonymousId: 'dfid_nul' });
  assert.deepEqual((await enrich.enrich([again], () => [e])).attributes.get(again.key)!.partner, { Persona: 'Value\uFFFDHunter' });
  assert.equal(sim.requests().length, 0);
});

test('browsers: the visitor\'s latest event decides, a consent refusal after a found profile forgets', async () => {
  const pipelineId = randomUUID();
  const e = enricher({ consentCategories: ['marketing'] });
  answerProfiles({ 'dfid_order': { id: 'p-o', attributes: { Persona: 'VIP' } } });
  const enrich = createPartnerEnricher({ pool: db.pool, perform: (r) => http.perform(r), warn: (m) => warnings.push(m) });
  const browser = async () => (await db.pool.query<{ attributes: JsonObject }>(readBrowserAttributesStatement(pipelineId, 'partner', visitorDigest('dfid_order')))).rows[0]?.attributes;
  const granted = { anonymousId: 'dfid_order', context: { consent: { marketing: true } } };
  const refused = { anonymousId: 'dfid_order', context: { consent: { marketing: false } } };
  await enrich.enrich([item(pipelineId, granted), item(pipelineId, refused)], () => [e]);
  assert.deepEqual(await browser(), {}, 'granted, then withdrawn: nothing to read');
  await enrich.enrich([item(pipelineId, refused), item(pipelineId, granted)], () => [e]);
  assert.deepEqual(await browser(), { Persona: 'VIP' }, 'withdrawn, then granted again');
  // Two fan-outs at once: an older event's, finishing late, does not undo a newer refusal.
  const newer = { ...item(pipelineId, refused), key: 1_000_000 };
  const older = { ...item(pipelineId, granted), key: 999_999 };
  await enrich.enrich([newer], () => [e]);
  await enrich.enrich([older], () => [e]);
  assert.deepEqual(await browser(), {}, 'the newer refusal stands');
  nextKey = 1_000_001;
  await enrich.enrich([item(pipelineId, granted)], () => [e]);
  assert.deepEqual(await browser(), { Persona: 'VIP' }, 'a later grant writes again');
  // A replay's old events tell browsers nothing, and a slice under its locks asks no one.
  await enrich.enrich([item(pipelineId, refused)], () => [e], { browser: false });
  assert.deepEqual(await browser(), { Persona: 'VIP' });
  sim.reset();
  const cachedOnly = await enrich.enrich([item(pipelineId, { ...granted, anonymousId: 'dfid_never_seen' }), item(pipelineId, granted)], () => [e], { cacheOnly: true, browser: false });
  assert.deepEqual([...cachedOnly.attributes.values()].map((a) => a.partner), [null, { Persona: 'VIP' }]);
  assert.equal(sim.requests().length, 0);
});

test('a partner refusing one kind of identity: the next one is tried, and it is said once', async () => {
  const pipelineId = randomUUID();
  const refusing: PartnerEnrichment = {
    ...partner,
    read: (response, request) => (request.query?.[0]?.[0] === 'customer_id' ? { notFound: true, warning: 'customer_id is not a linking key' } : partner.read(response, request, ctxOf())),
  };
  const e = enricher({ enrichment: refusing });
  answerProfiles({ 'dfid_next': { id: 'p-n', attributes: { Persona: 'N' } } });
  const enrich = createPartnerEnricher({ pool: db.pool, perform: (r) => http.perform(r), warn: (m) => warnings.push(m) });
  const items = [item(pipelineId, { userId: 'u-1', anonymousId: 'dfid_next' }), item(pipelineId, { userId: 'u-2', anonymousId: 'dfid_next' })];
  const result = await enrich.enrich(items, () => [e]);
  assert.deepEqual([...result.attributes.values()].map((a) => a.partner), [{ Persona: 'N' }, { Persona: 'N' }]);
  assert.deepEqual(warnings, [`partner enrichment: integration ${e.integrationId} (partner): customer_id is not a linking key`]);
});

test('a plugin bug (identities not a list) is said and leaves the event without attributes; it does not pause the partner', async () => {
  const pipelineId = randomUUID();
  const e = enricher({ enrichment: { ...partner, identities: () => undefined as never } });
  const enrich = createPartnerEnricher({ pool: db.pool, perform: (r) => http.perform(r), warn: (m) => warnings.push(m) });
  const one = item(pipelineId, { anonymousId: 'dfid_bug', partner_attrs: { partner: { forged: true } } });
  const bug = await enrich.enrich([one, item(pipelineId, { anonymousId: 'dfid_bug2' })], () => [e]);
  assert.deepEqual(bug.attributes.get(one.key), { partner: null, partner_personalized: null });
  assert.deepEqual(tally(bug), { failed: 2 }, 'a plugin bug counts as failed, not as not found');
  assert.match(bug.lastFailures.get(e.integrationId) ?? '', /identities failed/);
  assert.deepEqual(warnings, [`partner enrichment: integration ${e.integrationId} (partner): the plugin's identities failed: returned undefined, not a list of { key, value }`]);
});

test('a micro-batch\'s lookups stop after the budget: the rest go on without attributes, counted failed', async () => {
  const pipelineId = randomUUID();
  const e = enricher();
  sim.setDefault('GET', '/lookup', { status: 404, body: {}, delayMs: 120 });
  const enrich = createPartnerEnricher({ pool: db.pool, perform: (r) => http.perform(r), warn: (m) => warnings.push(m), concurrency: 1, budgetMs: 200 });
  const started = Date.now();
  const budgeted = await enrich.enrich(Array.from({ length: 8 }, (_, i) => item(pipelineId, { anonymousId: `dfid_budget_${i}` })), () => [e]);
  assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
  assert.ok(sim.requests().length <= 3, `${sim.requests().length} lookups started within 200 ms`);
  assert.equal((tally(budgeted).notFound ?? 0) + (tally(budgeted).failed ?? 0), 8);
  assert.match(budgeted.lastFailures.get(e.integrationId) ?? '', /took longer than 200 ms/);
  assert.equal(warnings.filter((w) => /stopped after 200 ms/.test(w)).length, 1, 'said once');
});

test('a pause outlives a success that was still in flight', async () => {
  const pipelineId = randomUUID();
  const e = enricher();
  sim.setDefault('GET', '/lookup', (request) => (request.queryPairs[0]?.[1] === 'dfid_slow' ? { status: 404, body: {}, delayMs: 300 } : { status: 403, body: {} }));
  const enrich = createPartnerEnricher({ pool: db.pool, perform: (r) => http.perform(r), warn: (m) => warnings.push(m), concurrency: 2, pauseMs: 60_000 });
  await enrich.enrich(['dfid_slow', 'dfid_f1', 'dfid_f2', 'dfid_f3'].map((id) => item(pipelineId, { anonymousId: id })), () => [e]);
  assert.ok(warnings.some((w) => /failures in a row/.test(w)));
  sim.reset();
  await enrich.enrich([item(pipelineId, { anonymousId: 'dfid_f4' })], () => [e]);
  assert.equal(sim.requests().length, 0, 'still paused');
});

test('two integrations of one partner on a pipeline: the first that finds the visitor wins', async () => {
  const pipelineId = randomUUID();
  answerProfiles({ 'dfid_two': { id: 'p-2', attributes: { Persona: 'Two' } } });
  const enrich = createPartnerEnricher({ pool: db.pool, perform: (r) => http.perform(r), warn: (m) => warnings.push(m) });
  const nobody = enricher({ enrichment: { ...partner, identities: () => [] } });
  const one = item(pipelineId, { anonymousId: 'dfid_two' });
  assert.deepEqual((await enrich.enrich([one], () => [enricher(), nobody])).attributes.get(one.key)!.partner, { Persona: 'Two' });
  const two = item(pipelineId, { anonymousId: 'dfid_two' });
  assert.deepEqual((await enrich.enrich([two], () => [nobody, enricher()])).attributes.get(two.key)!.partner, { Persona: 'Two' });
});

test('partner_attrs: set by Signal alone, a key the client sent removed when nothing was found', () => {
  const event = { type: 'track', event: 'x', messageId: 'm', timestamp: '', receivedAt: '', context: {}, partner_attrs: { partner: { Persona: 'forged' }, other: { a: 1 } } } as unknown as CanonicalEvent;
  assert.deepEqual(withPartnerAttributes(event, { partner: null, partner_personalized: null }).partner_attrs, { other: { a: 1 } });
  assert.deepEqual(withPartnerAttributes(event, { partner: { Persona: 'real' } }).partner_attrs, { partner: { Persona: 'real' }, other: { a: 1 } });
  const plain = { ...event, partner_attrs: undefined } as unknown as CanonicalEvent;
  delete (plain as { partner_attrs?: unknown }).partner_attrs;
  assert.equal(withPartnerAttributes(plain, { partner: null }), plain, 'nothing to change: the same object (it may travel by id)');
});

test('the prune deletes expired lookups and browser attributes', async () => {
  await db.pool.query(`INSERT INTO signal.partner_lookups (cache_key, found, expires_at) VALUES ('\\x01', false, now() - interval '1 second'), ('\\x02', false, now() + interval '1 hour')`);
  const { rowCount } = await db.pool.query(prunePartnerStatement('partner_lookups'), [10_000]);
  assert.ok((rowCount ?? 0) >= 1);
  const left = await db.pool.query(`SELECT 1 FROM signal.partner_lookups WHERE cache_key = '\\x02'`);
  assert.equal(left.rowCount, 1);
});
