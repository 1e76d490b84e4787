import { INGEST_QUEUE, jobTable } from '../queue/boss.ts';

/**
 * What a deletion's statements need: the request, the ids it names, whether later events go too
 * (`suppress`; else only those received before the request), and the oldest receive time of the
 * events it deleted (jobs older than that cannot carry their copies).
 */
export interface DeletionScope {
  id: string;
  pipelineId: string;
  userId: string | null;
  anonymousId: string | null;
  suppress: boolean;
  createdAt: Date;
  firstReceivedAt: Date | null;
  /** The email addresses found for the person so far (see `emailTraitSql`): looked for in logged exchanges too. */
  emails: string[];
}

/** At most this many email addresses are kept for a deletion (a person rarely has more than a few). */
export const MAX_DELETION_EMAILS = 20;

/**
 * The SQL expression giving an email address found in a traits object (a `json` or `jsonb`
 * value; its `email` trait, trimmed and lower-cased), or NULL when it holds none that looks
 * like one: `local@domain.tld`, no white space, at most 254 characters (RFC 5321's limit).
 */
export function emailTraitSql(traits: string): string {
  return `(SELECT x FROM (SELECT lower(btrim(${traits}->>'email')) AS x) AS t WHERE x ~ '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$' AND length(x) <= 254)`;
}

/**
 * The SQL condition that an event (a `json` or `jsonb` value) is the person's and within the
 * request: one of its ids is a named one ($u, $a; `previousId` of an alias calls either), and
 * unless `$suppress` it was received before the request ($created).
 */
function personEventCondition(event: string, p: { u: string; a: string; suppress: string; created: string }): string {
  return `(${carriesPersonIds(event, p)} AND (${p.suppress}::boolean OR (${event}->>'receivedAt')::timestamptz < ${p.created}::timestamptz))`;
}

/** The SQL condition that an event carries one of the named ids ($u, $a), whenever received. */
function carriesPersonIds(event: string, p: { u: string; a: string }): string {
  return `(${event}->>'userId' = ${p.u} OR ${event}->>'anonymousId' = ${p.a} OR ${event}->'context'->>'clientAnonymousId' = ${p.a}
           OR ${event}->>'previousId' IN (${p.u}, ${p.a}))`;
}

/**
 * The SQL condition that an event (in a delivery job, a dead letter) is one of the person's
 * within the request: by its ids, or by the messageId of a stored event the request deleted (a
 * transformation may have hashed or removed the ids).
 */
function eventIsTheirs(event: string, p: { u: string; a: string; suppress: string; created: string; deletion: string }): string {
  return `(${personEventCondition(event, p)}
           OR ${event}->>'messageId' IN (SELECT message_id FROM signal.person_deletion_messages WHERE deletion_id = ${p.deletion}))`;
}

/**
 * The email addresses remembered for some people of a pipeline (their identify traits'
 * `email`, see `emailTraitSql`), read before a deletion erases those traits.
 *
 * @example
 * const { text, values } = rememberedEmailsStatement(pipelineId, [identityDigest('user', 'u-1')]);
 */
export function rememberedEmailsStatement(pipelineId: string, digests: Buffer[]) {
  return {
    text: `SELECT ARRAY(SELECT DISTINCT x FROM signal.remembered_traits t, LATERAL (SELECT ${emailTraitSql('t.traits')} AS x) AS e
                    WHERE t.pipeline_id = $1 AND t.identity_digest = ANY($2::bytea[]) AND x IS NOT NULL ORDER BY x) AS emails`,
    values: [pipelineId, digests],
  };
}

/**
 * One slice of a deletion's walk over stored events: of the pipeline's events after `cursor`
 * up to `toId` (at most `limit`), deletes the person's, remembering their messageIds (and
 * visitor ids, under which traits were remembered) for the later steps. Returns the slice's
 * last id (null: nothing left), how many went, the oldest receive time among them, and the
 * email addresses their traits held (`traits.email` of an identify, `context.traits.email`).
 *
 * @example
 * const { text, values } = deleteEventsSliceStatement(scope, { cursor: 0, toId: 9000 }, 5000);
 */
export function deleteEventsSliceStatement(d: DeletionScope, range: { cursor: number; toId: number }, limit: number) {
  return {
    text: `WITH slice AS (
             SELECT id FROM signal.events WHERE pipeline_id = $1 AND id > $2 AND id <= $3 ORDER BY id LIMIT $6
           ), gone AS (
             DELETE FROM signal.events e USING slice
              WHERE e.id = slice.id
                AND ${carriesPersonIds('e.payload', { u: '$4', a: '$5' })}
                AND ($8::boolean OR e.received_at < $9::timestamptz)
             RETURNING e.message_id, e.payload->>'anonymousId' AS visitor_id, e.received_at,
                       ${emailTraitSql("e.payload->'traits'")} AS email, ${emailTraitSql("e.payload->'context'->'traits'")} AS context_email
           ), remembered AS (
             INSERT INTO signal.person_deletion_messages (deletion_id, message_id, visitor_id) SELECT $7, message_id, visitor_id FROM gone
           )
           SELECT (SELECT max(id) FROM slice)::text AS last, (SELECT count(*) FROM gone)::int AS deleted, (SELECT min(received_at) FROM gone) AS first_received_at,
                  ARRAY(SELECT DISTINCT x FROM gone, LATERAL (VALUES (email), (context_email)) AS v(x) WHERE x IS NOT NULL ORDER BY x) AS emails`,
    values: [d.pipelineId, range.cursor, range.toId, d.userId, d.anonymousId, limit, d.id, d.suppress, d.createdAt],
  };
}

/**
 * The text forms to look for of a person in free text (logged exchanges, errors). `anyCase`:
 * their email addresses' and distinctive ids' (8 characters or more, `isDistinctiveId`),
 * found whatever the letter case — Signal finds addresses lower-cased while a logged request
 * carries one as the browser sent it (`Jane@Example.com`), and a vendor may echo an id
 * upper-cased (a UUID) or lower-cased; that long, it is the person's id in any case, as the
 * hiding of ids in vendors' answers takes it. `exact`: a short id's forms, found only as
 * written (`ok` in another case is a vendor's `OK`).
 */
export interface Needles {
  exact: string[];
  anyCase: string[];
}

/**
 * The SQL condition that a text holds one of the needles (`exact`, `anyCase`: parameters of
 * `text[]`), an `anyCase` one compared lower-cased on both sides (one `lower()`, the
 * database's, for the text and the needle alike).
 *
 * @example
 * holdsNeedle('l.error', { exact: '$3', anyCase: '$4' });
 * // "(EXISTS (… strpos(l.error, n) > 0) OR (cardinality($4::text[]) > 0 AND EXISTS (… strpos(l.t, lower(n)) > 0)))"
 */
export function holdsNeedle(text: string, p: { exact: string; anyCase: string }): string {
  // The text is lower-cased once a row, and only when some needle is any-case.
  return `(EXISTS (SELECT 1 FROM unnest(${p.exact}::text[]) AS n WHERE strpos(${text}, n) > 0)
           OR (cardinality(${p.anyCase}::text[]) > 0
               AND EXISTS (SELECT 1 FROM (SELECT lower(${text}) AS t) AS l CROSS JOIN unnest(${p.anyCase}::text[]) AS n WHERE strpos(l.t, lower(n)) > 0)))`;
}

/**
 * One slice of the dead-letter step: of the pipeline's dead letters after `afterId` (at most
 * `limit`), deletes the person's (by the ids in the event as it was queued, or by the
 * messageId of an event the request deleted: a transformation may have renamed or hashed the
 * ids), and clears the last request and answer of the others' that carried one of those
 * events (a batch request, its body kept as JSON or as a text preview; looked for in dead
 * letters made since the oldest of them was received) or quote the person's distinctive ids
 * or email addresses (`needles`, whatever their letter case). Returns the slice's last id (null: none left) and the counts.
 *
 * @example
 * const { text, values } = deleteDeadLettersStatement(scope, distinctiveNeedles(scope), { afterId: 0, limit: 2000 });
 */
export function deleteDeadLettersStatement(d: DeletionScope, needles: Needles, range: { afterId: number; limit: number }) {
  const quotes = { exact: '$7', anyCase: '$11' };
  const theirs = eventIsTheirs('l.event', { u: '$2', a: '$3', suppress: '$5', created: '$6', deletion: '$4' });
  const carries = (column: string) => `strpos(COALESCE(l.${column}::text, ''), m.quoted) > 0 OR strpos(COALESCE(l.${column}::text, ''), m.escaped) > 0`;
  return {
    text: `WITH slice AS (
             SELECT id FROM signal.dead_letters WHERE pipeline_id = $1 AND id > $9 ORDER BY id LIMIT $10
           ), gone AS (
             DELETE FROM signal.dead_letters l USING slice WHERE l.id = slice.id AND ${theirs} RETURNING l.id
           ), deleted AS (
             -- escaped: the JSON string inside a JSON string (a text preview), as exchangeNeedles
             SELECT quoted, substr(to_json(quoted)::text, 2, length(to_json(quoted)::text) - 2) AS escaped
               FROM (SELECT to_json(message_id)::text AS quoted FROM signal.person_deletion_messages WHERE deletion_id = $4) AS ids
           ), cleared AS (
             UPDATE signal.dead_letters l SET last_request = NULL, last_response = NULL
              WHERE l.id IN (SELECT id FROM slice) AND l.id NOT IN (SELECT id FROM gone) AND (l.last_request IS NOT NULL OR l.last_response IS NOT NULL)
                AND (${holdsNeedle("COALESCE(l.last_request::text, '')", quotes)} OR ${holdsNeedle("COALESCE(l.last_response::text, '')", quotes)}
                     OR (l.created_at >= $8::timestamptz AND EXISTS (SELECT 1 FROM deleted m WHERE ${carries('last_request')})))
             RETURNING l.id
           )
           SELECT (SELECT max(id) FROM slice)::text AS last, (SELECT count(*) FROM gone)::int AS deleted, (SELECT count(*) FROM cleared)::int AS cleared`,
    values: [d.pipelineId, d.userId, d.anonymousId, d.id, d.suppress, d.createdAt, needles.exact, d.firstReceivedAt, range.afterId, range.limit, needles.anyCase],
  };
}

/**
 * The forms an id takes in a logged vendor exchange: a JSON string, a string inside a JSON
 * string (a body kept as text), a URL parameter value.
 *
 * @example
 * exchangeNeedles('u 1'); // ['"u 1"', '\\"u 1\\"', '=u%201&', '=u%201"']
 */
export function exchangeNeedles(id: string): string[] {
  const quoted = JSON.stringify(id);
  const encoded = encodeURIComponent(id);
  return [quoted, JSON.stringify(quoted).slice(1, -1), `=${encoded}&`, `=${encoded}"`];
}

/**
 * Whether an id is distinctive enough to look for as text in others' logged exchanges: "1" or
 * "12345" is also a quantity or a product id. Shorter ones are found through the messageIds
 * of the events deleted.
 */
export function isDistinctiveId(id: string): boolean {
  return id.length >= 8;
}

/**
 * The text forms of the person's distinctive ids and email addresses (see isDistinctiveId),
 * wherever they appear, whatever their letter case; a shorter id is not looked for as text.
 *
 * @example
 * distinctiveNeedles(scope); // { exact: [], anyCase: ['User-0001', 'jane+x@example.com', 'jane%2Bx%40example.com'] }
 */
export function distinctiveNeedles(d: DeletionScope): Needles {
  return {
    exact: [],
    anyCase: anyCase([d.userId, d.anonymousId, ...d.emails].flatMap((id) => (id !== null && isDistinctiveId(id) ? textNeedles(id) : []))),
  };
}

/** Needles each once (by their lower-cased form, as `holdsNeedle` compares them; `%2B` is `%2b`). */
function anyCase(needles: string[]): string[] {
  const byLowerCase = new Map<string, string>();
  for (const needle of needles) if (!byLowerCase.has(needle.toLowerCase())) byLowerCase.set(needle.toLowerCase(), needle);
  return [...byLowerCase.values()];
}

/**
 * A distinctive id anywhere in a text: as given (inside a vendor's sentence too), URL-encoded,
 * or escaped inside a JSON string.
 *
 * @example
 * textNeedles('jane+x@example.com'); // ['jane+x@example.com', 'jane%2Bx%40example.com']
 */
export function textNeedles(id: string): string[] {
  return [...new Set([id, encodeURIComponent(id), JSON.stringify(id).slice(1, -1)])];
}

/**
 * What an integration's last error may quote of the person: a distinctive id or an email
 * address anywhere, whatever its letter case; a short id only as a whole JSON string or URL
 * parameter value, as written.
 *
 * @example
 * errorNeedles(scope); // { exact: ['"42"', '\\"42\\"', '=42&', '=42"'], anyCase: ['jane@example.com'] }
 */
export function errorNeedles(d: DeletionScope): Needles {
  const forms = (id: string) => (isDistinctiveId(id) ? textNeedles(id) : exchangeNeedles(id));
  const named = [d.userId, d.anonymousId].filter((id): id is string => id !== null);
  return {
    exact: named.filter((id) => !isDistinctiveId(id)).flatMap(exchangeNeedles),
    anyCase: anyCase([...named.filter(isDistinctiveId), ...d.emails].flatMap(forms)),
  };
}

/**
 * Deletes the delivery-log entries of the pipeline's integrations (and of deleted integrations,
 * which no longer say their pipeline) that carried the person's events: by messageId of an event
 * the request deleted, or by the person's distinctive ids or email addresses (whatever their
 * letter case) in the request, the answer or the error. A batch carrying others' events too goes whole (the log is for debugging; a redacted
 * half would mislead).
 *
 * @example
 * const { text, values } = deleteDeliveryLogStatement(scope, distinctiveNeedles(scope));
 */
export function deleteDeliveryLogStatement(d: DeletionScope, needles: Needles) {
  const quotes = { exact: '$3', anyCase: '$4' };
  return {
    text: `DELETE FROM signal.delivery_log l
            WHERE (l.pipeline_integration_id IN (SELECT id FROM signal.pipeline_integrations WHERE pipeline_id = $1)
                   OR NOT EXISTS (SELECT 1 FROM signal.pipeline_integrations a WHERE a.id = l.pipeline_integration_id))
              AND (l.event_ids && ARRAY(SELECT message_id FROM signal.person_deletion_messages WHERE deletion_id = $2)
                   OR ${holdsNeedle('l.request::text', quotes)} OR ${holdsNeedle("COALESCE(l.response_body, '')", quotes)} OR ${holdsNeedle("COALESCE(l.error, '')", quotes)})`,
    values: [d.pipelineId, d.id, needles.exact, needles.anyCase],
  };
}

/** What replaces an integration's last error that quoted a deleted person. */
export const ERASED_ERROR = '(erased by a person deletion: it quoted the person)';

/**
 * Replaces the last delivery and enrichment errors of the pipeline's integrations that quote
 * the person (a vendor's answer echoing the request) with ERASED_ERROR.
 *
 * @example
 * const { text, values } = eraseLastErrorsStatement(pipelineId, errorNeedles(scope));
 */
export function eraseLastErrorsStatement(pipelineId: string, needles: Needles) {
  const quotes = (column: string) => holdsNeedle(`COALESCE(s.${column}, '')`, { exact: '$2', anyCase: '$4' });
  return {
    text: `UPDATE signal.integration_stats s
              SET last_error = CASE WHEN ${quotes('last_error')} THEN $3 ELSE s.last_error END,
                  last_enrichment_error = CASE WHEN ${quotes('last_enrichment_error')} THEN $3 ELSE s.last_enrichment_error END
            WHERE s.pipeline_integration_id IN (SELECT id FROM signal.pipeline_integrations WHERE pipeline_id = $1)
              AND (${quotes('last_error')} OR ${quotes('last_enrichment_error')})`,
    values: [pipelineId, needles.exact, ERASED_ERROR, needles.anyCase],
  };
}

/** A jsonb containment probe per id, as the events of a job may carry it. */
function containmentProbes(person: { userId: string | null; anonymousId: string | null }): string[] {
  const ids = [person.userId, person.anonymousId].filter((id): id is string => id !== null);
  return [
    ...(person.userId !== null ? [JSON.stringify([{ userId: person.userId }])] : []),
    ...(person.anonymousId !== null ? [JSON.stringify([{ anonymousId: person.anonymousId }]), JSON.stringify([{ context: { clientAnonymousId: person.anonymousId } }])] : []),
    ...ids.map((id) => JSON.stringify([{ previousId: id }])),
  ];
}

/**
 * The delivery jobs of the pipeline's integrations whose events may be the person's: one of
 * them carries a named id, or (in jobs made since the oldest event the request deleted) the
 * messageId of one it deleted — a transformation may have hashed or removed the ids.
 */
function jobsCarrying(job: string, p: { pipeline: string; probes: string; deletion: string; since: string }): string {
  return `${job}.name IN (SELECT 'delivery.' || id FROM signal.pipeline_integrations WHERE pipeline_id = ${p.pipeline})
          AND jsonb_typeof(${job}.data->'events') = 'array'
          AND (EXISTS (SELECT 1 FROM unnest(${p.probes}::jsonb[]) AS p WHERE ${job}.data->'events' @> p)
               OR (${job}.created_on >= ${p.since}
                   AND EXISTS (SELECT 1 FROM jsonb_array_elements(${job}.data->'events') AS e
                                WHERE e->>'messageId' IN (SELECT message_id FROM signal.person_deletion_messages WHERE deletion_id = ${p.deletion}))))`;
}

/**
 * Takes the person's events (received before the request, or all with `suppress`) out of the
 * delivery jobs of the pipeline's integrations that are not being worked on (waiting,
 * scheduled for a retry, or kept after completion or failure), with their warnings index for
 * index. Returns one row per job changed: its queue, how many went, whether it was waiting
 * (its events were still to be delivered: counted as held back) and whether it is a retry
 * (its events count in the integration's `retrying` gauge). Jobs carrying stored events' ids
 * need nothing: those rows are gone. With `createdSince`, only jobs made since then (a look
 * while running deliveries are waited for: what they put back).
 *
 * @example
 * const { text, values } = scrubQueuedStatement('pgboss', scope);
 */
export function scrubQueuedStatement(bossSchema: string, d: DeletionScope, createdSince: Date | null = null) {
  const job = jobTable(bossSchema);
  const theirs = eventIsTheirs('x.value', { u: '$2', a: '$3', suppress: '$6', created: '$7', deletion: '$5' });
  return {
    text: `WITH found AS (
             -- Locked, and read again once locked: another deletion scrubbing the same job at the
             -- same moment would otherwise have its removals undone by this one's write.
             SELECT j.name, j.id, j.data FROM ${job} j
              WHERE j.state <> 'active' AND ($9::timestamptz IS NULL OR j.created_on >= $9::timestamptz)
                AND ${jobsCarrying('j', { pipeline: '$1', probes: '$4', deletion: '$5', since: 'COALESCE($8::timestamptz, $7::timestamptz)' })}
              FOR UPDATE OF j
           ), kept AS (
             SELECT f.name, f.id,
                    COALESCE(jsonb_agg(e.value ORDER BY e.n) FILTER (WHERE NOT e.gone), '[]'::jsonb) AS events,
                    COALESCE(jsonb_agg(COALESCE(f.data->'warnings'->((e.n - 1)::int), 'null'::jsonb) ORDER BY e.n) FILTER (WHERE NOT e.gone), '[]'::jsonb) AS warnings,
                    count(*) FILTER (WHERE e.gone) AS removed
               FROM found f
               CROSS JOIN LATERAL (
                 SELECT x.value, x.n, COALESCE(${theirs}, false) AS gone
                   FROM jsonb_array_elements(f.data->'events') WITH ORDINALITY AS x(value, n)
               ) e
              GROUP BY f.name, f.id
           )
           UPDATE ${job} j
              SET data = j.data || jsonb_build_object('events', kept.events)
                         || CASE WHEN j.data ? 'warnings' THEN jsonb_build_object('warnings', kept.warnings) ELSE '{}'::jsonb END
             FROM kept
            WHERE j.name = kept.name AND j.id = kept.id AND j.state <> 'active' AND kept.removed > 0
           RETURNING j.name, kept.removed::int AS removed, j.state IN ('created', 'retry') AS waiting,
                     (COALESCE((j.data->>'attempt')::int, 1) > 1 OR j.data ? 'throttledSince') AS retrying`,
    values: [d.pipelineId, d.userId, d.anonymousId, containmentProbes(d), d.id, d.suppress, d.createdAt, d.firstReceivedAt, createdSince],
  };
}

/**
 * How many jobs run that may still put the person's events on their way, or send them and
 * write dead letters, log entries and retries for them: the pipeline's delivery jobs that
 * started before `startedBefore` (the request plus a margin: they may have read the events
 * from the store before they were deleted, or an older suppression list) or that carry an
 * event of theirs within the request (a retry put back and fetched again), and the fan-outs
 * (`ingest` jobs) that started before it (they may queue copies). `past`: whether
 * `startedBefore` has passed (before, another such job may yet start).
 *
 * @example
 * const { text, values } = runningDeliveriesStatement('pgboss', scope, startedBefore);
 */
export function runningDeliveriesStatement(bossSchema: string, d: DeletionScope, startedBefore: Date) {
  const theirs = eventIsTheirs('x.value', { u: '$3', a: '$4', suppress: '$5', created: '$6', deletion: '$7' });
  return {
    text: `SELECT count(*)::int AS running, now() >= $2::timestamptz AS past FROM ${jobTable(bossSchema)} j
            WHERE j.state = 'active'
              AND ((j.name = $8 AND j.started_on < $2)
                   OR (j.name IN (SELECT 'delivery.' || id FROM signal.pipeline_integrations WHERE pipeline_id = $1)
                       AND (j.started_on < $2
                            OR (jsonb_typeof(j.data->'events') = 'array'
                                AND EXISTS (SELECT 1 FROM jsonb_array_elements(j.data->'events') AS x WHERE COALESCE(${theirs}, false))))))`,
    values: [d.pipelineId, startedBefore, d.userId, d.anonymousId, d.suppress, d.createdAt, d.id, INGEST_QUEUE],
  };
}
