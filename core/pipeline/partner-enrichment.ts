// Partner enrichment in the pipeline stage: an integration whose plugin declares `enrich`
// (Amperity's Profile API) looks each event's visitor up and the attributes land on
// `partner_attrs.<plugin id>` before fan-out, so every integration of the pipeline receives
// them. The plugin builds the requests and reads the answers; this module performs them,
// caches the answers in PostgreSQL, pauses a partner that keeps failing, and keeps what the
// browser may read (`GET /v1/enrich`).
import { createHash } from 'node:crypto';
import type { CanonicalEvent, JsonObject } from '../collect/canonical-event.ts';
import type { Pool } from '../db/pool.ts';
import { hasUnstorableCharacters, storableCopy, storableText } from '../db/storable-strings.ts';
import type { PerformResult } from '../delivery/deliver-batch.ts';
import { isJsonObject } from '../sdk/json-object.ts';
import type { PartnerAnswer, PartnerEnrichment, PartnerIdentity, PartnerProfile, PluginContext, RequestDescriptor } from '../sdk/types.ts';
import { isConsentGranted } from './consent-gate.ts';
import { isRoutedTo } from './destination-routing.ts';

/** Cache lifetimes when the plugin declares none (the Amperity page's: 15 min, 5 min, 2 min). */
export const DEFAULT_CACHE_SECONDS = { found: 900, notFound: 300, personalized: 120 } as const;
/** How long a browser can read a visitor's attributes after the last event that resolved them. */
export const BROWSER_ATTRIBUTES_DAYS = 7;
/** Requests one lookup may chain (`next`) before it is called broken. */
const MAX_LOOKUP_REQUESTS = 3;
/** Failures in a row after which a partner is paused. */
const FAILURES_BEFORE_PAUSE = 3;

/** An enabled integration of a pipeline whose plugin enriches, with what its lookups need. */
export interface Enricher {
  integrationId: string;
  revisionId: string;
  /** The plugin id: attributes land on `partner_attrs.<provider>`. */
  provider: string;
  enrichment: PartnerEnrichment;
  ctx: PluginContext;
  consentCategories: string[];
  routingNames: string[];
}

export interface EnrichmentItem {
  /** The caller's key for the event (the stored event's id). */
  key: number;
  pipelineId: string;
  event: CanonicalEvent;
}

/**
 * What to set on each event's `partner_attrs`, by item key: attributes per partner key, or null
 * to remove a key the client sent itself (only Signal writes a partner's attributes).
 */
export type PartnerAttributes = Map<number, Record<string, JsonObject | null>>;

/** How one event's lookup with one enriching integration ended. */
export type EnrichmentOutcome = 'found' | 'notFound' | 'failed';

/** What `enrich` found, and how each lookup ended (for the integrations' stats). */
export interface EnrichmentResult {
  attributes: PartnerAttributes;
  /** Per item key, each enriching integration's outcome. */
  outcomes: Map<number, Array<{ integrationId: string; outcome: EnrichmentOutcome }>>;
  /** The last failure per integration in this call. */
  lastFailures: Map<string, string>;
}

/**
 * The cache key of a lookup: SHA-256 of the integration revision and what was looked up, so no
 * identifier is kept in clear and a new revision (another collection or key) starts afresh.
 */
export function lookupKey(revisionId: string, kind: 'identity' | 'personalized', ...parts: string[]): Buffer {
  return createHash('sha256').update([revisionId, kind, ...parts].join('\u0000')).digest();
}

/** The key a browser's visitor id is kept under (its `_dfdid`, never in clear). */
export function visitorDigest(visitorId: string): Buffer {
  return createHash('sha256').update(`visitor\u0000${visitorId}`).digest();
}

/**
 * Cached answers that have not expired.
 *
 * @example
 * const { text, values } = readLookupsStatement([lookupKey(revisionId, 'identity', 'email', 'a@b.c')]);
 */
export function readLookupsStatement(keys: Buffer[]) {
  return {
    text: `SELECT cache_key, found, profile_id, attributes FROM signal.partner_lookups
            WHERE cache_key = ANY($1::bytea[]) AND expires_at > now()`,
    values: [keys],
  };
}

export interface CachedAnswer {
  found: boolean;
  profileId?: string;
  attributes?: JsonObject;
}

/**
 * Caches answers for their lifetimes (seconds). Keys must be unique and come sorted: two
 * fan-outs writing the same visitors then lock rows in one order and cannot deadlock.
 *
 * @example
 * const { text, values } = writeLookupsStatement([{ key, found: true, attributes: { Persona: 'Value Hunter' }, seconds: 900 }]);
 */
export function writeLookupsStatement(rows: Array<CachedAnswer & { key: Buffer; seconds: number }>) {
  return {
    text: `INSERT INTO signal.partner_lookups AS l (cache_key, found, profile_id, attributes, expires_at)
           SELECT k, f, p, a, now() + make_interval(secs => s)
             FROM unnest($1::bytea[], $2::boolean[], $3::text[], $4::jsonb[], $5::int[]) AS u(k, f, p, a, s)
           ON CONFLICT (cache_key) DO UPDATE
             SET found = EXCLUDED.found, profile_id = EXCLUDED.profile_id, attributes = EXCLUDED.attributes, expires_at = EXCLUDED.expires_at`,
    values: [
      rows.map((r) => r.key),
      rows.map((r) => r.found),
      rows.map((r) => r.profileId ?? null),
      rows.map((r) => (r.attributes === undefined ? null : JSON.stringify(r.attributes))),
      rows.map((r) => r.seconds),
    ],
  };
}

/**
 * Keeps what browsers may read of visitors, for `$5` days. Rows must be unique and sorted by
 * (pipeline, provider, digest).
 *
 * @example
 * const { text, values } = writeBrowserAttributesStatement([{ pipelineId, provider: 'amperity', digest: visitorDigest('dfid_1'), attributes: { Persona: 'x' } }], 7);
 */
export function writeBrowserAttributesStatement(rows: Array<{ pipelineId: string; provider: string; digest: Buffer; attributes: JsonObject; lastId: number }>, days: number) {
  return {
    // Stamped with the deciding event's id: a fan-out running late with an older event (a
    // lookup that took long) cannot bring back what a newer event's consent refusal emptied.
    text: `INSERT INTO signal.partner_browser_attributes AS b (pipeline_id, provider, visitor_digest, attributes, last_id, expires_at)
           SELECT p, v, d, a, l, now() + make_interval(days => $6)
             FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::jsonb[], $5::bigint[]) AS u(p, v, d, a, l)
           ON CONFLICT (pipeline_id, provider, visitor_digest) DO UPDATE
             SET attributes = EXCLUDED.attributes, last_id = EXCLUDED.last_id, expires_at = EXCLUDED.expires_at
             WHERE b.last_id <= EXCLUDED.last_id`,
    values: [rows.map((r) => r.pipelineId), rows.map((r) => r.provider), rows.map((r) => r.digest), rows.map((r) => JSON.stringify(r.attributes)), rows.map((r) => r.lastId), days],
  };
}

/**
 * Forgets what browsers may read of a visitor for every partner seen on the pipeline (a
 * privacy request): their rows are emptied and stamped with the newest stored event's id, so
 * a fan-out still running with an older event does not write them again.
 *
 * @example
 * const { text, values } = forgetVisitorStatement(pipelineId, visitorDigest('dfid_1'), BROWSER_ATTRIBUTES_DAYS);
 */
export function forgetVisitorStatement(pipelineId: string, digest: Buffer, days: number) {
  return {
    text: `INSERT INTO signal.partner_browser_attributes AS b (pipeline_id, provider, visitor_digest, attributes, last_id, expires_at)
           SELECT $1, p.provider, $2, '{}'::jsonb, (SELECT COALESCE(max(id), 0) FROM signal.events), now() + make_interval(days => $3)
             FROM (SELECT DISTINCT provider FROM signal.partner_browser_attributes WHERE pipeline_id = $1) p
           ON CONFLICT (pipeline_id, provider, visitor_digest) DO UPDATE
             SET attributes = '{}'::jsonb, last_id = GREATEST(b.last_id, EXCLUDED.last_id), expires_at = EXCLUDED.expires_at`,
    values: [pipelineId, digest, days],
  };
}

/**
 * What a browser may read of one visitor, if anything has not expired.
 *
 * @example
 * const { text, values } = readBrowserAttributesStatement(pipelineId, 'amperity', visitorDigest('dfid_1'));
 */
export function readBrowserAttributesStatement(pipelineId: string, provider: string, digest: Buffer) {
  return {
    text: `SELECT attributes FROM signal.partner_browser_attributes
            WHERE pipeline_id = $1 AND provider = $2 AND visitor_digest = $3 AND expires_at > now()`,
    values: [pipelineId, provider, digest],
  };
}

/**
 * Deletes up to `$1` expired rows of one of the two tables (the maintenance prune).
 *
 * @example
 * await pool.query(prunePartnerStatement('partner_lookups'), [10_000]);
 */
export function prunePartnerStatement(table: 'partner_lookups' | 'partner_browser_attributes'): string {
  return `DELETE FROM signal.${table}
           WHERE ctid = ANY (ARRAY(SELECT ctid FROM signal.${table} WHERE expires_at <= now() LIMIT $1))`;
}

/** The event with partner attributes set (a null removes the key); the same object when nothing changes. */
export function withPartnerAttributes(event: CanonicalEvent, attributes: Record<string, JsonObject | null>): CanonicalEvent {
  const current = isJsonObject(event.partner_attrs) ? event.partner_attrs : {};
  const next: Record<string, JsonObject> = { ...current };
  let changed = false;
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null) {
      if (Object.hasOwn(next, key)) {
        delete next[key];
        changed = true;
      }
    } else {
      next[key] = value;
      changed = true;
    }
  }
  if (!changed) return event;
  const { partner_attrs: _old, ...rest } = event;
  return (Object.keys(next).length === 0 ? rest : { ...rest, partner_attrs: next }) as CanonicalEvent;
}

export interface PartnerEnricherOptions {
  /** Cache reads and writes, outside the fan-out's transaction (they must not give it an xid). */
  pool: Pool;
  /** Performs a partner request (the core's performer, with the enrichment timeout). */
  perform(request: RequestDescriptor): Promise<PerformResult>;
  /** Where failures are reported ("partner resolve failed …"). */
  warn(message: string): void;
  /** Requests to partners at the same time, over every call of this process (default 16). */
  concurrency?: number;
  /**
   * How long the lookups of one micro-batch may take (ms, default 10,000): past it, the events
   * still waiting for a lookup go on without attributes (counted failed), so a slow partner
   * slows the pipeline stage by at most this much per micro-batch.
   */
  budgetMs?: number;
  /** How long a partner failing `FAILURES_BEFORE_PAUSE` times in a row is left alone (default 30 s). */
  pauseMs?: number;
}

/** How `enrich` may reach the partner. */
export interface EnrichOptions {
  /**
   * Only answers already cached, no request (a replay slice, which holds locks while it fans
   * out: its lookups were made before, through `enrich` without this).
   */
  cacheOnly?: boolean;
  /** Write and forget what browsers may read (default true; a replay of old events must not). */
  browser?: boolean;
}

/** One event's lookup with one enricher. */
interface Work {
  item: EnrichmentItem;
  enricher: Enricher;
  ctx: PluginContext;
  identities: PartnerIdentity[];
  /** The identity being tried. */
  index: number;
  profile?: PartnerProfile;
  /** The cache key of the identity that found the profile. */
  foundBy?: string;
  /** The lookup failed, or met the partner paused: no answer either way. */
  failed?: boolean;
  personalized?: JsonObject;
}

/** One `enrich` call's own state: calls run at once (two ingest fetches, a replay). */
interface Run {
  cacheOnly: boolean;
  /** When the call stops starting lookups. */
  deadline: number;
  overBudget: boolean;
  /** The last failure per integration, for its stats. */
  lastFailures: Map<string, string>;
}

/** What one event says of its visitor for the browser: a consent refusal (no work) or a lookup. */
interface BrowserDecision {
  pipelineId: string;
  provider: string;
  digest: Buffer;
  /** The deciding event's id (its row in signal.events). */
  lastId: number;
  work?: Work;
}

/** A counting semaphore: `acquire` waits for one of `limit` slots. */
function createSlots(limit: number) {
  let free = limit;
  const waiting: Array<() => void> = [];
  return {
    acquire(): Promise<void> {
      if (free > 0) {
        free--;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    release(): void {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++]!);
  });
  await Promise.all(lanes);
}

/**
 * The pipeline stage's partner enrichment. `enrich` looks up a micro-batch of events (the
 * first identity found wins, each identity answered from the cache when it can be), fetches
 * personalized attributes where the plugin asks, writes what browsers may read, and returns
 * what to set on each event's `partner_attrs` and how each lookup ended. A failing lookup leaves its event without
 * attributes (it is delivered all the same) and is logged; after three failures in a row a
 * partner is paused for `pauseMs`, so an outage costs one timeout per pause, not one per event.
 *
 * @example
 * const enricher = createPartnerEnricher({ pool, perform: (r) => http.perform(r), warn: log });
 * const { attributes, outcomes } = await enricher.enrich(items, (pipelineId) => enrichers.get(pipelineId) ?? []);
 */
export function createPartnerEnricher(options: PartnerEnricherOptions) {
  const concurrency = options.concurrency ?? 16;
  // Shared by every call (two ingest fetches and a replay's lookups run at once): never more
  // requests than the performer has connections, so none waits for one while its timeout runs.
  const slots = createSlots(concurrency);
  const budgetMs = options.budgetMs ?? 10_000;
  /** Whether a lookup may start now; the first one refused says why, once per call. */
  function inBudget(run: Run, enricher: Enricher): boolean {
    if (Date.now() <= run.deadline) return true;
    if (!run.overBudget) {
      run.overBudget = true;
      run.lastFailures.set(enricher.integrationId, `the lookups of a micro-batch took longer than ${budgetMs} ms: the rest went on without attributes`);
      options.warn(`partner enrichment: lookups of this micro-batch stopped after ${budgetMs} ms (the partner answers slowly, or too many visitors are new): the other events go on without partner attributes`);
    }
    return false;
  }
  const pauseMs = options.pauseMs ?? 30_000;
  const health = new Map<string, { failures: number; pausedUntil: number }>();

  function paused(integrationId: string): boolean {
    return (health.get(integrationId)?.pausedUntil ?? 0) > Date.now();
  }

  /** A success ends the run of failures, not a pause a later failure began meanwhile. */
  function succeeded(integrationId: string): void {
    const state = health.get(integrationId);
    if (state) state.failures = 0;
  }

  /** Said once a minute per integration and message: every micro-batch may come here. */
  const said = new Map<string, number>();
  function warnOnce(enricher: Enricher, message: string): void {
    const key = `${enricher.integrationId}\u0000${message}`;
    if ((said.get(key) ?? 0) > Date.now() - 60_000) return;
    said.set(key, Date.now());
    if (said.size > 10_000) said.clear();
    options.warn(`partner enrichment: integration ${enricher.integrationId} (${enricher.provider}): ${message}`);
  }

  /** A plugin function that threw: its bug, not the partner's failure, so no pause. */
  function pluginFailed(enricher: Enricher, what: string, error: unknown): void {
    warnOnce(enricher, `the plugin's ${what} failed: ${(error as Error)?.message ?? String(error)}`);
  }

  function failed(run: Run, enricher: Enricher, message: string): void {
    run.lastFailures.set(enricher.integrationId, message);
    const state = health.get(enricher.integrationId) ?? { failures: 0, pausedUntil: 0 };
    state.failures++;
    let note = '';
    if (state.failures >= FAILURES_BEFORE_PAUSE && state.pausedUntil <= Date.now()) {
      state.pausedUntil = Date.now() + pauseMs;
      state.failures = 0;
      note = `; ${FAILURES_BEFORE_PAUSE} failures in a row: no lookups for ${Math.round(pauseMs / 1000)} s, events go on without partner_attrs.${enricher.provider}`;
    }
    health.set(enricher.integrationId, state);
    options.warn(`partner resolve failed: integration ${enricher.integrationId} (${enricher.provider}): ${message}${note}`);
  }

  /** Performs a request and reads its answer with `read`; failures are thrown as messages. */
  async function exchange<T>(request: RequestDescriptor, read: (result: Required<Pick<PerformResult, 'response'>>['response']) => T): Promise<T> {
    await slots.acquire();
    let result: PerformResult;
    try {
      result = await options.perform(request);
    } finally {
      slots.release();
    }
    if (result.error || !result.response) {
      const hint = result.error?.kind === 'timeout' ? ' (SIGNAL_ENRICHMENT_TIMEOUT_MS)' : '';
      throw new Error(result.error ? `${result.error.kind}: ${result.error.message}${hint}` : 'no answer');
    }
    return read(result.response);
  }

  /** One identity's lookup: its first request, and the `next` ones its answers ask for. */
  async function resolve(run: Run, enricher: Enricher, ctx: PluginContext, identity: PartnerIdentity): Promise<CachedAnswer> {
    let request = enricher.enrichment.lookup(identity, ctx);
    for (let step = 0; step < MAX_LOOKUP_REQUESTS; step++) {
      if (step > 0 && Date.now() > run.deadline) throw new Error(`the micro-batch's ${budgetMs} ms for lookups ran out before the lookup's next request`);
      const answer: PartnerAnswer = await exchange(request, (response) => enricher.enrichment.read(response, request, ctx));
      if ('next' in answer) {
        request = answer.next;
        continue;
      }
      if ('notFound' in answer) {
        if (typeof answer.warning === 'string') warnOnce(enricher, answer.warning);
        return { found: false };
      }
      const { attributes, profileId } = answer.found;
      if (!isJsonObject(attributes)) throw new Error('the plugin read a profile without attributes');
      return { found: true, attributes: storable(attributes), ...(profileId !== undefined ? { profileId: storableText(String(profileId)) } : {}) };
    }
    throw new Error(`the lookup asked for more than ${MAX_LOOKUP_REQUESTS} requests`);
  }

  /** Partner data with a NUL or a lone surrogate would fail the cache and the delivery jobs: replaced, as collect does. */
  function storable(attributes: JsonObject): JsonObject {
    return hasUnstorableCharacters(JSON.stringify(attributes)) ? storableCopy(attributes) : attributes;
  }

  async function readCache(keys: Buffer[]): Promise<Map<string, CachedAnswer>> {
    const found = new Map<string, CachedAnswer>();
    if (keys.length === 0) return found;
    const { rows } = await options.pool.query<{ cache_key: Buffer; found: boolean; profile_id: string | null; attributes: JsonObject | null }>(readLookupsStatement(keys));
    for (const row of rows) {
      found.set(row.cache_key.toString('hex'), {
        found: row.found,
        ...(row.profile_id !== null ? { profileId: row.profile_id } : {}),
        ...(row.attributes !== null ? { attributes: row.attributes } : {}),
      });
    }
    return found;
  }

  async function writeCache(rows: Array<CachedAnswer & { key: Buffer; seconds: number }>): Promise<void> {
    if (rows.length === 0) return;
    const unique = [...new Map(rows.map((r) => [r.key.toString('hex'), r])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
    try {
      await options.pool.query(writeLookupsStatement(unique));
    } catch (error) {
      // Not caching costs a lookup later; failing the fan-out would hold every event back.
      options.warn(`partner enrichment: answers could not be cached: ${(error as Error).message}`);
    }
  }

  function seconds(enricher: Enricher, kind: keyof typeof DEFAULT_CACHE_SECONDS): number {
    return enricher.enrichment.cacheSeconds?.[kind] ?? DEFAULT_CACHE_SECONDS[kind];
  }

  /** Resolves every work's visitor, identity by identity, the cache first. */
  async function resolveAll(works: Work[], run: Run): Promise<void> {
    let pending = works.filter((w) => w.identities.length > 0);
    while (pending.length > 0) {
      const keyOf = (w: Work) => lookupKey(w.enricher.revisionId, 'identity', w.identities[w.index]!.key, w.identities[w.index]!.value);
      const keys = new Map(pending.map((w) => [keyOf(w).toString('hex'), { key: keyOf(w), work: w }]));
      const answers = await readCache([...keys.values()].map((k) => k.key));
      const missing = run.cacheOnly ? [] : [...keys.entries()].filter(([hex, { work }]) => !answers.has(hex) && !paused(work.enricher.integrationId));
      const fresh: Array<CachedAnswer & { key: Buffer; seconds: number }> = [];
      await eachLimited(missing, concurrency, async ([hex, { key, work }]) => {
        if (paused(work.enricher.integrationId) || !inBudget(run, work.enricher)) return;
        try {
          const answer = await resolve(run, work.enricher, work.ctx, work.identities[work.index]!);
          succeeded(work.enricher.integrationId);
          answers.set(hex, answer);
          fresh.push({ ...answer, key, seconds: seconds(work.enricher, answer.found ? 'found' : 'notFound') });
        } catch (error) {
          failed(run, work.enricher, `looking up ${work.identities[work.index]!.key}: ${(error as Error).message}`);
        }
      });
      await writeCache(fresh);
      const next: Work[] = [];
      for (const w of pending) {
        const hex = keyOf(w).toString('hex');
        const answer = answers.get(hex);
        if (!answer) {
          w.failed = true; // failed, or the partner is paused: no attributes this time
          continue;
        }
        if (answer.found) {
          w.profile = { attributes: answer.attributes ?? {}, ...(answer.profileId !== undefined ? { profileId: answer.profileId } : {}) };
          w.foundBy = hex;
        } else if (++w.index < w.identities.length) next.push(w);
      }
      pending = next;
    }
  }

  /** Personalized attributes for the found visitors whose plugin asks for them. */
  async function personalizeAll(works: Work[], run: Run): Promise<void> {
    const asks: Array<{ work: Work; key: Buffer; request: RequestDescriptor }> = [];
    for (const w of works) {
      const { personalize } = w.enricher.enrichment;
      if (!w.profile || !personalize) continue;
      try {
        const event = withPartnerAttributes(w.item.event, { [w.enricher.provider]: w.profile.attributes });
        const ask = personalize(event, w.profile, w.ctx);
        if (ask) asks.push({ work: w, key: lookupKey(w.enricher.revisionId, 'personalized', w.profile.profileId ?? w.foundBy!, ask.key), request: ask.request });
      } catch (error) {
        pluginFailed(w.enricher, 'personalize', error);
      }
    }
    if (asks.length === 0) return;
    const answers = await readCache(asks.map((a) => a.key));
    const missing = new Map<string, (typeof asks)[number]>();
    for (const ask of asks) {
      const hex = ask.key.toString('hex');
      if (!run.cacheOnly && !answers.has(hex) && !paused(ask.work.enricher.integrationId)) missing.set(hex, ask);
    }
    const fresh: Array<CachedAnswer & { key: Buffer; seconds: number }> = [];
    await eachLimited([...missing.entries()], concurrency, async ([hex, { work, key, request }]) => {
      if (paused(work.enricher.integrationId) || !inBudget(run, work.enricher)) return;
      try {
        const read = await exchange(request, (response) => work.enricher.enrichment.readPersonalized!(response, request, work.ctx));
        if (!isJsonObject(read)) throw new Error('the plugin read personalized attributes that are not an object');
        const attributes = storable(read);
        succeeded(work.enricher.integrationId);
        answers.set(hex, { found: true, attributes });
        fresh.push({ found: true, attributes, key, seconds: seconds(work.enricher, 'personalized') });
      } catch (error) {
        failed(run, work.enricher, `personalized attributes: ${(error as Error).message}`);
      }
    });
    await writeCache(fresh);
    for (const { work, key } of asks) {
      const answer = answers.get(key.toString('hex'));
      // Nothing personalized for this context: no `<id>_personalized` at all.
      if (answer?.attributes && Object.keys(answer.attributes).length > 0) work.personalized = answer.attributes;
    }
  }

  /**
   * Writes and forgets what browsers may read, the visitor's latest event deciding: a refusal
   * of consent forgets, a found profile keeps what the plugin lets through, an event whose
   * visitor was not found (or whose lookup failed) changes nothing. A failure is logged.
   */
  async function keepForBrowsers(decisions: BrowserDecision[]): Promise<void> {
    // Per visitor, the latest event's decision; a refusal writes an empty row (stamped too).
    const rows = new Map<string, { pipelineId: string; provider: string; digest: Buffer; attributes: JsonObject; lastId: number }>();
    for (const decision of decisions) {
      const { pipelineId, provider, digest, lastId } = decision;
      let attributes: JsonObject = {};
      if (decision.work) {
        const w = decision.work;
        if (!w.profile) continue;
        try {
          const visible = w.enricher.enrichment.browserAttributes!({ ...w.profile.attributes, ...w.personalized }, w.ctx);
          if (isJsonObject(visible)) attributes = storable(visible);
        } catch (error) {
          pluginFailed(w.enricher, 'browserAttributes', error);
          continue;
        }
      }
      const id = `${pipelineId}/${provider}/${digest.toString('hex')}`;
      if ((rows.get(id)?.lastId ?? -1) <= lastId) rows.set(id, { pipelineId, provider, digest, attributes, lastId });
    }
    if (rows.size === 0) return;
    const ordered = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
    try {
      await options.pool.query(writeBrowserAttributesStatement(ordered, BROWSER_ATTRIBUTES_DAYS));
    } catch (error) {
      options.warn(`partner enrichment: browser attributes could not be written: ${(error as Error).message}`);
    }
  }

  return {
    /**
     * Looks up the visitors of `items` (in id order) with the enrichers of their pipelines and
     * returns what to set on each event's `partner_attrs`, with each lookup's outcome for the
     * caller to count (in its own transaction).
     */
    async enrich(items: EnrichmentItem[], enrichersOf: (pipelineId: string) => Enricher[], how: EnrichOptions = {}): Promise<EnrichmentResult> {
      const works: Work[] = [];
      const failedIdentities = new Map<string, string>();
      /** Per event, in id order, what it says of its visitor for the browser. */
      const decisions: BrowserDecision[] = [];
      const contexts = new Map<string, PluginContext>();
      const attributes: PartnerAttributes = new Map();
      const outcomes: EnrichmentResult['outcomes'] = new Map();
      for (const item of items) {
        for (const enricher of enrichersOf(item.pipelineId)) {
          if (!isRoutedTo(item.event, enricher.routingNames)) continue;
          const visitor = item.event.anonymousId;
          const forBrowser = how.browser !== false && enricher.enrichment.browserAttributes !== undefined && typeof visitor === 'string' && visitor !== '';
          if (!isConsentGranted(item.event, enricher.consentCategories)) {
            // The visitor no longer lets this partner see them: the browser stops seeing its attributes too.
            if (forBrowser) decisions.push({ pipelineId: item.pipelineId, provider: enricher.provider, digest: visitorDigest(visitor), lastId: item.key });
            continue;
          }
          let ctx = contexts.get(enricher.integrationId);
          if (!ctx) {
            ctx = { ...enricher.ctx, now: Date.now() };
            contexts.set(enricher.integrationId, ctx);
          }
          let identities: PartnerIdentity[] = [];
          try {
            const given: unknown = enricher.enrichment.identities(item.event, ctx);
            if (!Array.isArray(given)) throw new Error(`returned ${given === null ? 'null' : typeof given}, not a list of { key, value }`);
            identities = [...new Map((given as PartnerIdentity[]).filter((i) => typeof i?.key === 'string' && typeof i.value === 'string' && i.value !== '').map((i) => [`${i.key}\u0000${i.value}`, i])).values()];
          } catch (error) {
            pluginFailed(enricher, 'identities', error);
            failedIdentities.set(enricher.integrationId, `the plugin's identities failed: ${(error as Error)?.message ?? String(error)}`);
          }
          const work: Work = { item, enricher, ctx, identities, index: 0, ...(failedIdentities.has(enricher.integrationId) && identities.length === 0 ? { failed: true } : {}) };
          works.push(work);
          if (forBrowser) decisions.push({ pipelineId: item.pipelineId, provider: enricher.provider, digest: visitorDigest(visitor), lastId: item.key, work });
        }
      }
      const run: Run = { cacheOnly: how.cacheOnly === true, deadline: Date.now() + budgetMs, overBudget: false, lastFailures: new Map(failedIdentities) };
      if (works.length === 0 && decisions.length === 0) return { attributes, outcomes, lastFailures: run.lastFailures };
      try {
        await resolveAll(works, run);
        await personalizeAll(works, run);
      } finally {
        // Consent refusals apply even when the lookups failed (the cache unreadable).
        if (decisions.length > 0) await keepForBrowsers(decisions);
      }
      for (const w of works) {
        const entry = attributes.get(w.item.key) ?? {};
        const { provider } = w.enricher;
        // Two integrations of one partner on a pipeline: the first that found the visitor wins.
        if (w.profile && !entry[provider]) entry[provider] = w.profile.attributes;
        else entry[provider] ??= null;
        if (w.personalized && !entry[`${provider}_personalized`]) entry[`${provider}_personalized`] = w.personalized;
        else entry[`${provider}_personalized`] ??= null;
        attributes.set(w.item.key, entry);
        const outcome: EnrichmentOutcome = w.profile ? 'found' : w.failed ? 'failed' : 'notFound';
        outcomes.set(w.item.key, [...(outcomes.get(w.item.key) ?? []), { integrationId: w.enricher.integrationId, outcome }]);
      }
      return { attributes, outcomes, lastFailures: run.lastFailures };
    },
    /** Reports a failure of the stage around the lookups (the caller's). */
    warn: (message: string) => options.warn(message),
  };
}

export type PartnerEnricher = ReturnType<typeof createPartnerEnricher>;
