// Traits an identify call gave, remembered per pipeline and person, and added to the person's
// later events as `context.traits`. Segment's SDKs send traits with identify only, so without
// this an email given at sign-up never reaches a conversion API that matches on it (the
// VideoAmp page: "email … when supplied via datafly.identify()"; Meta's em and ph likewise).
import { createHash } from 'node:crypto';
import type { CanonicalEvent, JsonObject, JsonValue } from '../collect/canonical-event.ts';
import type { Execute } from './deduplication.ts';

/** The longest memory, in days (a year). */
export const MAX_TRAITS_MEMORY_DAYS = 365;
/** Remembered traits of one person larger than this (JSON bytes) start again from the newest identify's. */
export const MAX_REMEMBERED_TRAITS_BYTES = 65_536;

/** What the memory reads of a stored event. */
export interface TraitsRow {
  id: number;
  pipelineId: string;
  payload: CanonicalEvent;
}

/**
 * The key a person is remembered under: SHA-256 of the id's kind and the id (a userId may be an
 * email; the digest keeps it out of an index and equal ids of the two kinds apart).
 */
export function identityDigest(kind: 'user' | 'anonymous', id: string): Buffer {
  return createHash('sha256').update(`${kind}\u0000${id}`).digest();
}

/**
 * The remembered traits of (pipeline, identity) pairs, unless older than `$3` days.
 *
 * @example
 * const { text, values } = readTraitsStatement([pipelineId], [identityDigest('user', 'u-1')], 30);
 */
export function readTraitsStatement(pipelineIds: string[], digests: Buffer[], days: number) {
  return {
    text: `SELECT t.pipeline_id, t.identity_digest, t.traits
             FROM signal.remembered_traits t
             JOIN unnest($1::uuid[], $2::bytea[]) AS k(pipeline_id, identity_digest) USING (pipeline_id, identity_digest)
            WHERE t.updated_at > now() - make_interval(days => $3)`,
    values: [pipelineIds, digests, days],
  };
}

/**
 * Merges new traits into the remembered ones (new keys win): rows past `$4` days start again
 * from the new traits, and so does a merge larger than MAX_REMEMBERED_TRAITS_BYTES. Keys must
 * come sorted, so concurrent fan-outs lock rows in one order and cannot deadlock; a key may
 * appear only once.
 *
 * @example
 * const { text, values } = rememberTraitsStatement([pipelineId], [identityDigest('user', 'u-1')], [{ email: 'a@b.c' }], 30);
 */
export function rememberTraitsStatement(pipelineIds: string[], digests: Buffer[], traits: JsonObject[], days: number) {
  return {
    text: `INSERT INTO signal.remembered_traits AS t (pipeline_id, identity_digest, traits)
           SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::jsonb[])
           ON CONFLICT (pipeline_id, identity_digest) DO UPDATE
             SET traits = CASE WHEN t.updated_at <= now() - make_interval(days => $4)
                                 OR octet_length((t.traits || EXCLUDED.traits)::text) > ${MAX_REMEMBERED_TRAITS_BYTES}
                               THEN EXCLUDED.traits ELSE t.traits || EXCLUDED.traits END,
                 updated_at = now()`,
    values: [pipelineIds, digests, traits.map((t) => JSON.stringify(t)), days],
  };
}

/**
 * Deletes up to `$2` rows not updated for `$1` days.
 *
 * @example
 * const { rowCount } = await pool.query(pruneTraitsStatement(), [30, 10_000]);
 */
export function pruneTraitsStatement(): string {
  return `DELETE FROM signal.remembered_traits
           WHERE ctid = ANY (ARRAY(SELECT ctid FROM signal.remembered_traits
                                    WHERE updated_at <= now() - make_interval(days => $1) LIMIT $2))`;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function identities(event: CanonicalEvent): Array<{ kind: 'user' | 'anonymous'; id: string }> {
  const found: Array<{ kind: 'user' | 'anonymous'; id: string }> = [];
  if (typeof event.anonymousId === 'string' && event.anonymousId !== '') found.push({ kind: 'anonymous', id: event.anonymousId });
  // Last: a user's traits win over the visitor's.
  if (typeof event.userId === 'string' && event.userId !== '') found.push({ kind: 'user', id: event.userId });
  return found;
}

/**
 * Applies the memory to a fan-out's events, in id order: an identify call's traits are
 * remembered under its userId and its anonymousId (merged into what was remembered, new keys
 * winning); any other call gets the traits remembered for its anonymousId and its userId (the
 * user's winning) under `context.traits`, where the event's own traits win. An identify
 * earlier in `rows` counts for the events after it. With `record: false` (a replay, whose
 * identify calls are older than what is remembered) nothing is written.
 * Returns the events it changed, by row id.
 *
 * @example
 * const changed = await applyRememberedTraits(rows, 30, { record: true }, (text, values) => pool.query(text, values));
 */
export async function applyRememberedTraits(rows: TraitsRow[], days: number, options: { record: boolean }, execute: Execute): Promise<Map<number, CanonicalEvent>> {
  const changed = new Map<number, CanonicalEvent>();
  if (days <= 0 || rows.length === 0) return changed;
  const keyOf = (pipelineId: string, digest: Buffer) => `${pipelineId}/${digest.toString('hex')}`;
  const wanted = new Map<string, { pipelineId: string; digest: Buffer }>();
  for (const row of rows) {
    for (const { kind, id } of identities(row.payload)) {
      const digest = identityDigest(kind, id);
      wanted.set(keyOf(row.pipelineId, digest), { pipelineId: row.pipelineId, digest });
    }
  }
  if (wanted.size === 0) return changed;
  const keys = [...wanted.values()];
  const read = readTraitsStatement(keys.map((k) => k.pipelineId), keys.map((k) => k.digest), days);
  const memory = new Map<string, JsonObject>();
  for (const row of (await execute(read.text, read.values)).rows) {
    if (isObject(row.traits)) memory.set(keyOf(String(row.pipeline_id), row.identity_digest as Buffer), row.traits);
  }
  /** What this fan-out's identify calls add, per key: written once at the end. */
  const added = new Map<string, { pipelineId: string; digest: Buffer; traits: JsonObject }>();
  for (const row of rows) {
    const event = row.payload;
    const people = identities(event).map(({ kind, id }) => ({ digest: identityDigest(kind, id) })).map(({ digest }) => ({ digest, key: keyOf(row.pipelineId, digest) }));
    if (event.type === 'identify') {
      if (!isObject(event.traits) || Object.keys(event.traits).length === 0) continue;
      for (const { digest, key } of people) {
        memory.set(key, { ...memory.get(key), ...event.traits });
        const entry = added.get(key) ?? { pipelineId: row.pipelineId, digest, traits: {} };
        entry.traits = { ...entry.traits, ...event.traits };
        added.set(key, entry);
      }
      continue;
    }
    let remembered: JsonObject = {};
    for (const { key } of people) remembered = { ...remembered, ...memory.get(key) };
    const own = isObject(event.context) && isObject(event.context.traits) ? event.context.traits : {};
    // Only when it adds something: an event left as stored keeps travelling by id.
    if (!Object.keys(remembered).some((name) => !Object.hasOwn(own, name))) continue;
    const context = (isObject(event.context) ? event.context : {}) as JsonObject;
    changed.set(row.id, { ...event, context: { ...context, traits: { ...remembered, ...own } as Record<string, JsonValue> } } as CanonicalEvent);
  }
  if (options.record && added.size > 0) {
    const sorted = [...added.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => entry);
    const write = rememberTraitsStatement(sorted.map((e) => e.pipelineId), sorted.map((e) => e.digest), sorted.map((e) => e.traits), days);
    await execute(write.text, write.values);
  }
  return changed;
}
