// Traits an identify call gave, remembered per pipeline and person, and added to the person's
// later events as `context.traits`. Segment's SDKs send traits with identify only, so without
// this an email given at sign-up never reaches a conversion API that matches on it (the
// VideoAmp page: "email … when supplied via datafly.identify()"; Meta's em and ph likewise).
import { createHash } from 'node:crypto';
import type { CanonicalEvent, JsonObject, JsonValue } from '../collect/canonical-event.ts';
import type { Execute } from './deduplication.ts';
import { namesNoOne } from '../sdk/placeholder-ids.ts';

/** The longest memory, in days (a year). */
export const MAX_TRAITS_MEMORY_DAYS = 365;
/** Remembered traits of one person larger than this (JSON bytes) start again from the newest identify's. */
export const MAX_REMEMBERED_TRAITS_BYTES = 65_536;

/**
 * How many stored events before a fan-out's first one are searched for identify calls whose
 * own fan-out may not have committed yet (see `recentIdentifiesStatement`).
 */
export const IDENTIFY_LOOKBACK_EVENTS = 5000;

/**
 * The key a person is remembered under: SHA-256 of the id's kind and the id (a userId may be an
 * email; the digest keeps it out of an index and equal ids of the two kinds apart).
 */
export function identityDigest(kind: 'user' | 'anonymous', id: string): Buffer {
  return createHash('sha256').update(`${kind}\u0000${id}`).digest();
}

/**
 * Whose memory an event reads and an identify writes: its userId when it has one, else its
 * anonymousId. A user's traits never reach another user's events through a shared device's
 * anonymousId, and a visitor's traits are only those of identify calls made before any login.
 */
function personOf(event: CanonicalEvent): { kind: 'user' | 'anonymous'; id: string } | undefined {
  const usable = (id: unknown): id is string => typeof id === 'string' && id.trim() !== '' && !namesNoOne(id);
  if (usable(event.userId)) return { kind: 'user', id: event.userId };
  if (usable(event.anonymousId)) return { kind: 'anonymous', id: event.anonymousId };
  return undefined;
}

/**
 * The remembered traits of (pipeline, identity) pairs, unless older than `$3` days (`fresh`).
 * A row older than that which erased identify calls (`forgotten_until`) is read too, for that
 * alone: the look-back at recent identify calls, and a replay of events kept longer than the
 * memory, must not bring back what a forgetting erased. No extra cost: the row is found by its
 * key either way.
 *
 * @example
 * const { text, values } = readTraitsStatement([pipelineId], [identityDigest('user', 'u-1')], 30);
 */
export function readTraitsStatement(pipelineIds: string[], digests: Buffer[], days: number) {
  return {
    text: `SELECT t.pipeline_id, t.identity_digest, t.traits, t.last_id, t.forgotten_until,
                  t.updated_at > now() - make_interval(days => $3) AS fresh
             FROM signal.remembered_traits t
             JOIN unnest($1::uuid[], $2::bytea[]) AS k(pipeline_id, identity_digest) USING (pipeline_id, identity_digest)
            WHERE t.updated_at > now() - make_interval(days => $3) OR t.forgotten_until > 0`,
    values: [pipelineIds, digests, days],
  };
}

/**
 * The identify calls of `pipelineIds` stored in [`$1`, `$2`): those just before a fan-out's
 * events. Another worker may be fanning them out at this moment, and what it remembers commits
 * too late for this fan-out to read: an identify and the purchase right after it, sent as two
 * requests, often land in two ingest jobs fanned out at once. With `days` (a live fan-out),
 * only those received within the memory: in a quiet pipeline the 5,000 events before may go
 * back further, to calls whose traits have expired (`days` null: a replay, whose events are
 * as old as they are).
 *
 * @example
 * const { text, values } = recentIdentifiesStatement([pipelineId], 95_000, 100_000, 30);
 */
export function recentIdentifiesStatement(pipelineIds: string[], from: number, before: number, days: number | null) {
  return {
    text: `SELECT id, pipeline_id, payload FROM signal.events
            WHERE pipeline_id = ANY($3::uuid[]) AND id >= $1 AND id < $2 AND type = 'identify'
              AND ($4::int IS NULL OR received_at > now() - make_interval(days => $4::int))
            ORDER BY id`,
    values: [from, before, pipelineIds, days],
  };
}

/**
 * Merges new traits into the remembered ones in the order of their identify calls (`last_id`,
 * the newest event's id): a newer call's keys win over the row's, an older one's (a job retried
 * after a later one committed) lose; a trait set to null is removed (a new row keeps its nulls
 * until `stripNullsStatement`: the insert must pass them on to the merge). A row past `$5` days, or a
 * merge larger than MAX_REMEMBERED_TRAITS_BYTES, starts again from the new traits. Keys must
 * come sorted, so concurrent fan-outs lock rows in one order and cannot deadlock; a key may
 * appear only once.
 *
 * @example
 * const { text, values } = rememberTraitsStatement([pipelineId], [identityDigest('user', 'u-1')], [{ email: 'a@b.c' }], [42], 30);
 */
export function rememberTraitsStatement(pipelineIds: string[], digests: Buffer[], traits: JsonObject[], lastIds: number[], days: number) {
  const merged = `CASE WHEN EXCLUDED.last_id >= t.last_id THEN t.traits || EXCLUDED.traits ELSE EXCLUDED.traits || t.traits END`;
  return {
    text: `INSERT INTO signal.remembered_traits AS t (pipeline_id, identity_digest, traits, last_id)
           SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::jsonb[], $4::bigint[])
           ON CONFLICT (pipeline_id, identity_digest) DO UPDATE
             SET traits = CASE WHEN EXCLUDED.last_id <= t.forgotten_until THEN t.traits
                               WHEN t.updated_at <= now() - make_interval(days => $5) THEN jsonb_strip_nulls(EXCLUDED.traits)
                               WHEN octet_length(jsonb_strip_nulls(${merged})::text) > ${MAX_REMEMBERED_TRAITS_BYTES}
                                 THEN CASE WHEN EXCLUDED.last_id >= t.last_id THEN jsonb_strip_nulls(EXCLUDED.traits) ELSE t.traits END
                               ELSE jsonb_strip_nulls(${merged}) END,
                 last_id = GREATEST(t.last_id, EXCLUDED.last_id),
                 updated_at = now()`,
    values: [pipelineIds, digests, traits.map((t) => JSON.stringify(t)), lastIds, days],
  };
}

/**
 * Removes the null traits of new rows, which `rememberTraitsStatement` inserts as given.
 *
 * @example
 * const { text, values } = stripNullsStatement([pipelineId], [identityDigest('user', 'u-1')]);
 */
export function stripNullsStatement(pipelineIds: string[], digests: Buffer[]) {
  return {
    text: `UPDATE signal.remembered_traits t SET traits = jsonb_strip_nulls(t.traits)
             FROM unnest($1::uuid[], $2::bytea[]) AS k(pipeline_id, identity_digest)
            WHERE t.pipeline_id = k.pipeline_id AND t.identity_digest = k.identity_digest AND t.traits <> jsonb_strip_nulls(t.traits)`,
    values: [pipelineIds, digests],
  };
}

/**
 * Erases what is remembered for some people of a pipeline: their rows become empty and forget
 * every identify call stored so far, so neither a fan-out still in flight nor one reading recent
 * identify calls brings them back. Returns how many held traits.
 *
 * @example
 * const { text, values } = forgetTraitsStatement(pipelineId, [identityDigest('user', 'u-1')]);
 */
export function forgetTraitsStatement(pipelineId: string, digests: Buffer[]) {
  return {
    text: `WITH before AS (
             SELECT identity_digest FROM signal.remembered_traits
              WHERE pipeline_id = $1 AND identity_digest = ANY($2::bytea[]) AND traits <> '{}'::jsonb FOR UPDATE
           ), upto AS (SELECT COALESCE(max(id), 0) AS id FROM signal.events), forgotten AS (
             INSERT INTO signal.remembered_traits AS t (pipeline_id, identity_digest, traits, last_id, forgotten_until)
             SELECT $1, d, '{}'::jsonb, upto.id, upto.id FROM unnest($2::bytea[]) AS d, upto
             ON CONFLICT (pipeline_id, identity_digest) DO UPDATE
               SET traits = '{}'::jsonb, last_id = GREATEST(t.last_id, EXCLUDED.last_id), forgotten_until = EXCLUDED.forgotten_until, updated_at = now()
           )
           SELECT count(*)::int AS erased FROM before`,
    values: [pipelineId, digests],
  };
}

/**
 * Deletes up to `$2` rows not updated for `$1` days — but not a row that erased identify
 * calls (`forgotten_until`) while one of the events it covers is still stored: a replay of
 * them reads it to leave the erased calls out (events may be kept longer than the memory).
 *
 * @example
 * const { rowCount } = await pool.query(pruneTraitsStatement(), [30, 10_000]);
 */
export function pruneTraitsStatement(): string {
  // The oldest stored event's id: one read of the primary key's first entry.
  return `DELETE FROM signal.remembered_traits
           WHERE ctid = ANY (ARRAY(SELECT ctid FROM signal.remembered_traits
                                    WHERE updated_at <= now() - make_interval(days => $1)
                                      AND (forgotten_until = 0 OR forgotten_until < COALESCE((SELECT min(id) FROM signal.events), forgotten_until + 1))
                                    LIMIT $2))`;
}

/**
 * Whether a pipeline has remembered traits (cached by the caller): a pipeline that never sent
 * an identify call needs no read. `written` tells the cache of a pipeline this process wrote to.
 */
export interface TraitsPresence {
  has(pipelineId: string): Promise<boolean>;
  written(pipelineId: string): void;
}

/**
 * The statement behind HasRememberedTraits.
 *
 * @example
 * const { rows } = await pool.query(hasTraitsStatement(), [pipelineId]); // [{ found: true }]
 */
export function hasTraitsStatement(): string {
  return 'SELECT EXISTS (SELECT 1 FROM signal.remembered_traits WHERE pipeline_id = $1) AS found';
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Shallow merge, later keys winning, a null removing the key. */
function mergeTraits(base: JsonObject | undefined, next: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(next)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** Whether an event's `integrations` object turns anything off: its traits were meant for some integrations only. */
function restricted(event: CanonicalEvent): boolean {
  const integrations = event.integrations as unknown;
  return isObject(integrations) && Object.values(integrations).some((value) => value === false);
}

export interface TraitsRow {
  id: number;
  pipelineId: string;
  event: CanonicalEvent;
}

export interface TraitsMemory {
  /**
   * The event with the traits remembered for its person under `context.traits` (its own win),
   * or the same object when there is nothing to add. An identify call gets what was remembered
   * before it (call `enrich` before `remember`), less the names its own `traits` give.
   */
  enrich(row: TraitsRow): CanonicalEvent;
  /**
   * Remembers an identify call's traits as the pipeline stage passes it on (after the
   * transformations): for the events after it in this fan-out, and, at `flush`, for later ones.
   */
  remember(row: TraitsRow): void;
  /** Writes what `remember` took (nothing with `record: false`). Last in the fan-out: its row locks are then held briefly. */
  flush(): Promise<void>;
}

/**
 * The memory of one fan-out, loaded for the people of `rows` in one read (none for pipelines
 * `presence` says have nothing remembered). Call `enrich` and `remember` in id order.
 *
 * @example
 * const memory = await loadTraitsMemory(rows, 30, { record: true }, execute, presence);
 * const event = memory.enrich(row); // before the transformations
 * memory.remember({ ...row, event: transformedIdentify });
 * await memory.flush();
 */
export interface TraitsMemoryOptions {
  /** false: read only (a replay). */
  record: boolean;
  /**
   * true: each event gets only what was known at its own time (a replay of stored events). The
   * memory keeps one merged row per person, not its history: an event stored before the row's
   * newest identify call (`last_id`) gets none of the row — it may hold later values, or a later
   * identity's on a shared device — only the person's identify calls found before it (the
   * 5,000 events before the fan-out's first, and those earlier in the fan-out). Identify calls
   * a forgetting erased (`forgotten_until`) count for nothing.
   */
  asOfEvents?: boolean;
  /**
   * An identify call as the pipeline stage passes it on (its pipeline's transformations; null:
   * dropped), for the recent ones not yet remembered (`recentIdentifiesStatement`).
   */
  passOn?(pipelineId: string, event: CanonicalEvent): Promise<CanonicalEvent | null>;
}

export async function loadTraitsMemory(rows: TraitsRow[], days: number, options: TraitsMemoryOptions, execute: Execute, presence?: TraitsPresence): Promise<TraitsMemory> {
  const memory = new Map<string, JsonObject>();
  /**
   * `asOfEvents`: what was remembered without the stored row — identify calls found before the
   * fan-out and those earlier in it — for events older than the row's newest call.
   */
  const early = new Map<string, JsonObject>();
  /**
   * `asOfEvents`: each stored row's newest identify call, and up to where it was forgotten; live
   * too, an expired row's forgetting (lastId 0: no event is older than it).
   */
  const rowIds = new Map<string, { lastId: number; forgottenUntil: number }>();
  const merge = (map: Map<string, JsonObject>, key: string, traits: JsonObject) => {
    const merged = mergeTraits(map.get(key), traits);
    map.set(key, Buffer.byteLength(JSON.stringify(merged)) > MAX_REMEMBERED_TRAITS_BYTES ? mergeTraits(undefined, traits) : merged);
  };
  /** Whether an identify call was erased by a forgetting (a replay may carry it again). */
  const forgotten = (key: string, id: number) => (rowIds.get(key)?.forgottenUntil ?? 0) >= id;
  /** The key of each row's person, computed once. */
  const keys = new Map<number, { key: string; digest: Buffer }>();
  const written = new Map<string, { pipelineId: string; digest: Buffer; traits: JsonObject; lastId: number }>();
  if (days > 0) {
    const wanted = new Map<string, { pipelineId: string; digest: Buffer }>();
    const known = new Map<string, boolean>();
    const identifying = new Set(rows.filter((row) => row.event.type === 'identify').map((row) => row.pipelineId));
    for (const row of rows) {
      if (!known.has(row.pipelineId)) known.set(row.pipelineId, presence ? await presence.has(row.pipelineId) : true);
    }
    const first = rows.length > 0 ? Math.min(...rows.map((row) => row.id)) : 0;
    const lookback = { from: Math.max(1, first - IDENTIFY_LOOKBACK_EVENTS), before: first, days: options.asOfEvents ? null : days };
    // Identify calls stored just before these events that no fan-out has remembered yet, in
    // pipelines with nothing remembered: a pipeline's first identify and the event right after
    // it, fanned out at the same moment by two workers, find each other too. One read through
    // the identify index (migration 014), usually finding nothing.
    const unremembered = [...known].filter(([, found]) => !found).map(([pipelineId]) => pipelineId);
    let firstIdentifies: Array<Record<string, unknown>> = [];
    if (unremembered.length > 0 && first > 1) {
      const probe = recentIdentifiesStatement(unremembered, lookback.from, lookback.before, lookback.days);
      firstIdentifies = (await execute(probe.text, probe.values)).rows;
      for (const found of firstIdentifies) known.set(String(found.pipeline_id), true);
    }
    for (const row of rows) {
      const identify = row.event.type === 'identify';
      // Digests only where they are used: an identify's, and those of events whose pipeline has
      // something remembered or an identify in this fan-out (in most fan-outs, none).
      const remembered = known.get(row.pipelineId) === true;
      if (!identify && !remembered && !identifying.has(row.pipelineId)) continue;
      const person = personOf(row.event);
      if (!person) continue;
      const digest = identityDigest(person.kind, person.id);
      const key = `${row.pipelineId}/${digest.toString('hex')}`;
      keys.set(row.id, { key, digest });
      // An identify reads the memory too: a call with only a first name still reaches a vendor
      // that matches people by the email an earlier call gave.
      if (remembered) wanted.set(key, { pipelineId: row.pipelineId, digest });
    }
    if (wanted.size > 0) {
      const list = [...wanted.values()];
      const read = readTraitsStatement(list.map((k) => k.pipelineId), list.map((k) => k.digest), days);
      /** The newest identify each remembered row holds: older recent ones are in it already. */
      const lastIds = new Map<string, number>();
      for (const found of (await execute(read.text, read.values)).rows) {
        const key = `${String(found.pipeline_id)}/${(found.identity_digest as Buffer).toString('hex')}`;
        // An expired row read for its forgetting alone: nothing of it is remembered, and the
        // recent identify calls it erased count for nothing (`forgotten`, live fan-outs too).
        if (found.fresh === false) {
          rowIds.set(key, { lastId: 0, forgottenUntil: Number(found.forgotten_until) });
          continue;
        }
        if (isObject(found.traits)) memory.set(key, found.traits);
        lastIds.set(key, Number(found.last_id));
        if (options.asOfEvents) rowIds.set(key, { lastId: Number(found.last_id), forgottenUntil: Number(found.forgotten_until) });
      }
      const probed = new Set(firstIdentifies.map((found) => String(found.pipeline_id)));
      const others = [...new Set(list.map((k) => k.pipelineId))].filter((pipelineId) => !probed.has(pipelineId));
      let recent: Array<Record<string, unknown>> = [];
      if (others.length > 0) {
        const statement = recentIdentifiesStatement(others, lookback.from, lookback.before, lookback.days);
        recent = (await execute(statement.text, statement.values)).rows;
      }
      const found = [...firstIdentifies, ...recent].sort((a, b) => Number(a.id) - Number(b.id));
      for (const identify of found) {
        const pipelineId = String(identify.pipeline_id);
        const stored = identify.payload as CanonicalEvent;
        const person = personOf(stored);
        if (!person) continue;
        const key = `${pipelineId}/${identityDigest(person.kind, person.id).toString('hex')}`;
        if (!wanted.has(key)) continue;
        const id = Number(identify.id);
        const inRow = id <= (lastIds.get(key) ?? 0);
        // A replay's events older than the row still get the calls stored before the fan-out;
        // a call a forgetting erased counts for nothing (a fresh row's `inRow` covers it live:
        // its last_id is at least its forgotten_until).
        if ((inRow && !options.asOfEvents) || forgotten(key, id)) continue;
        const event = options.passOn ? await options.passOn(pipelineId, stored) : stored;
        if (event === null || !isObject(event.traits) || restricted(event)) continue;
        if (!inRow) merge(memory, key, event.traits);
        if (options.asOfEvents) merge(early, key, event.traits);
      }
    }
  }
  return {
    enrich(row) {
      const person = keys.get(row.id);
      const olderThanRow = person !== undefined && (rowIds.get(person.key)?.lastId ?? 0) > row.id;
      const remembered = person ? (olderThanRow ? early : memory).get(person.key) : undefined;
      if (!remembered) return row.event;
      const event = row.event;
      const own = isObject(event.context) && isObject(event.context.traits) ? event.context.traits : {};
      // An identify's own traits are newer than what is remembered for the same names (a null
      // forgets one): those stay out, so no integration reading both gets a stale value.
      const given = event.type === 'identify' && isObject(event.traits) ? event.traits : {};
      const added = Object.keys(remembered).filter((name) => !Object.hasOwn(own, name) && !Object.hasOwn(given, name));
      // Only when it adds something: an event left as stored keeps travelling by id.
      if (added.length === 0) return event;
      const context = (isObject(event.context) ? event.context : {}) as JsonObject;
      const traits: JsonObject = {};
      for (const name of added) traits[name] = remembered[name]!;
      return { ...event, context: { ...context, traits: { ...traits, ...own } as Record<string, JsonValue> } } as CanonicalEvent;
    },
    remember(row) {
      const person = keys.get(row.id);
      const traits = row.event.traits;
      if (days <= 0 || !person || !isObject(traits) || Object.keys(traits).length === 0 || restricted(row.event)) return;
      if (forgotten(person.key, row.id)) return;
      // A replayed call the stored row holds already (its newest or older) is not merged again
      // for the events after the row: its older values would undo the row's newer ones.
      if (!options.asOfEvents || row.id > (rowIds.get(person.key)?.lastId ?? 0)) merge(memory, person.key, traits);
      if (options.asOfEvents) merge(early, person.key, traits);
      const entry = written.get(person.key);
      // Nulls kept for the write, where they remove what the row remembers.
      let merged: JsonObject = { ...entry?.traits, ...traits };
      if (Buffer.byteLength(JSON.stringify(merged)) > MAX_REMEMBERED_TRAITS_BYTES) merged = { ...traits };
      written.set(person.key, { pipelineId: row.pipelineId, digest: person.digest, traits: merged, lastId: row.id });
    },
    async flush() {
      if (!options.record || written.size === 0) return;
      const sorted = [...written.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => entry);
      const write = rememberTraitsStatement(sorted.map((e) => e.pipelineId), sorted.map((e) => e.digest), sorted.map((e) => e.traits), sorted.map((e) => e.lastId), days);
      await execute(write.text, write.values);
      const withNulls = sorted.filter((e) => Object.values(e.traits).includes(null));
      if (withNulls.length > 0) {
        const strip = stripNullsStatement(withNulls.map((e) => e.pipelineId), withNulls.map((e) => e.digest));
        await execute(strip.text, strip.values);
      }
      for (const pipelineId of new Set(sorted.map((e) => e.pipelineId))) presence?.written(pipelineId);
    },
  };
}
