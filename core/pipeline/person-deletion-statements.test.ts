import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createMigratedDatabase, type MigratedDatabase } from '../../test/helpers/database.ts';
import { identityDigest } from './remembered-traits.ts';
import { deleteDeadLettersStatement, deleteDeliveryLogStatement, deleteEventsSliceStatement, distinctiveNeedles, ERASED_ERROR, eraseLastErrorsStatement, errorNeedles, exchangeNeedles, holdsNeedle, isDistinctiveId, rememberedEmailsStatement, runningDeliveriesStatement, scrubQueuedStatement, textNeedles, type DeletionScope } from './person-deletion-statements.ts';

let db: MigratedDatabase;

before(async () => {
  db = await createMigratedDatabase('deletion_statements', 4);
});
after(async () => {
  await db.close();
});

test('an id is looked for in logged exchanges as a JSON string, inside a JSON text, and as a URL parameter value', () => {
  assert.deepEqual(exchangeNeedles('u 1'), ['"u 1"', '\\"u 1\\"', '=u%201&', '=u%201"']);
  const logged = JSON.stringify({ url: 'https://v.test/px?uid=u%201', body: JSON.stringify({ user: 'u 1' }) });
  assert.ok(exchangeNeedles('u 1').some((needle) => logged.includes(needle)));
  assert.ok(!exchangeNeedles('u').some((needle) => logged.includes(needle)), 'a shorter id inside another is no match');
});


/** A deletion request row, as the statements read it back. */
async function deletion(pipelineId: string, fields: Partial<DeletionScope> = {}): Promise<DeletionScope> {
  const scope: DeletionScope = { id: randomUUID(), pipelineId, userId: 'u-1', anonymousId: 'a-1', suppress: false, createdAt: new Date(), firstReceivedAt: null, emails: [], ...fields };
  await db.pool.query('INSERT INTO signal.person_deletions (id, pipeline_id, by_user_id, by_anonymous_id, suppress, to_id, created_at) VALUES ($1, $2, true, true, $3, 0, $4)', [scope.id, pipelineId, scope.suppress, scope.createdAt]);
  return scope;
}

test('a slice deletes only the person’s events of the pipeline within its id range received before the request, and remembers their messageIds and visitor ids', async () => {
  const pipelineId = randomUUID();
  const other = randomUUID();
  const requestedAt = new Date();
  const scope = await deletion(pipelineId, { createdAt: requestedAt });
  const insert = async (pipeline: string, messageId: string, payload: Record<string, unknown>, receivedAt = new Date(requestedAt.getTime() - 1000)) => {
    const { rows } = await db.pool.query<{ id: string }>(
      "INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload) VALUES ($1, $2, 'track', $4, $3) RETURNING id",
      [pipeline, messageId, JSON.stringify({ messageId, ...payload }), receivedAt],
    );
    return Number(rows[0]!.id);
  };
  const first = await insert(pipelineId, 'm-user', { userId: 'u-1', anonymousId: 'dfid-u' });
  await insert(pipelineId, 'm-cookie', { anonymousId: 'a-1' });
  await insert(pipelineId, 'm-sdk', { anonymousId: 'dfid-x', context: { clientAnonymousId: 'a-1' } });
  await insert(pipelineId, 'm-alias', { userId: 'u-9', previousId: 'u-1' });
  await insert(pipelineId, 'm-else', { userId: 'u-2', properties: { friend: 'u-1' } });
  await insert(pipelineId, 'm-later', { userId: 'u-1' }, new Date(requestedAt.getTime() + 1000));
  await insert(other, 'm-other-pipeline', { userId: 'u-1' });
  const last = await insert(pipelineId, 'm-beyond', { userId: 'u-1' });
  const slice = deleteEventsSliceStatement(scope, { cursor: first - 1, toId: last - 1 }, 100);
  const { rows: [walked] } = await db.pool.query<{ last: string; deleted: number; first_received_at: Date }>(slice.text, slice.values);
  assert.equal(walked!.deleted, 4);
  assert.equal(Number(walked!.last), last - 2, 'the last id of the pipeline in range (the other pipeline’s is not walked)');
  assert.equal(walked!.first_received_at.getTime(), requestedAt.getTime() - 1000);
  const left = await db.pool.query<{ message_id: string }>('SELECT message_id FROM signal.events WHERE id >= $1 ORDER BY id', [first]);
  assert.deepEqual(left.rows.map((r) => r.message_id), ['m-else', 'm-later', 'm-other-pipeline', 'm-beyond'], 'received after the request: not asked to suppress, so kept');
  const remembered = await db.pool.query<{ message_id: string; visitor_id: string | null }>('SELECT message_id, visitor_id FROM signal.person_deletion_messages WHERE deletion_id = $1 ORDER BY message_id', [scope.id]);
  assert.deepEqual(remembered.rows.map((r) => [r.message_id, r.visitor_id]), [['m-alias', null], ['m-cookie', 'a-1'], ['m-sdk', 'dfid-x'], ['m-user', 'dfid-u']]);
});

test('a slice returns the email addresses its events’ traits held: trimmed, lower-cased, each once, none that is no address', async () => {
  const pipelineId = randomUUID();
  const scope = await deletion(pipelineId);
  const insert = async (messageId: string, payload: Record<string, unknown>) => {
    const { rows } = await db.pool.query<{ id: string }>(
      "INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload) VALUES ($1, $2, 'identify', now() - interval '1 minute', $3) RETURNING id",
      [pipelineId, messageId, JSON.stringify({ messageId, ...payload })],
    );
    return Number(rows[0]!.id);
  };
  const first = await insert('m-1', { userId: 'u-1', traits: { email: ' Jane.Doe@Example.com ' } });
  await insert('m-2', { userId: 'u-1', context: { traits: { email: 'jane.doe@example.com' } } });
  await insert('m-3', { anonymousId: 'a-1', traits: { email: 'jane@work.example' }, context: { traits: { email: 'not an email' } } });
  await insert('m-4', { anonymousId: 'a-1', traits: { email: 42 } });
  await insert('m-5', { anonymousId: 'a-1', traits: 'email' });
  await insert('m-6', { anonymousId: 'a-1', traits: { email: `${'x'.repeat(250)}@example.com` } });
  const last = await insert('m-else', { userId: 'u-2', traits: { email: 'someone@else.example' } });
  const slice = deleteEventsSliceStatement(scope, { cursor: first - 1, toId: last }, 100);
  const { rows: [walked] } = await db.pool.query<{ deleted: number; emails: string[] }>(slice.text, slice.values);
  assert.equal(walked!.deleted, 6);
  assert.deepEqual(walked!.emails, ['jane.doe@example.com', 'jane@work.example'], 'another person’s address is not theirs; a number, a text, an address over 254 characters are none');
});

test('the email addresses remembered for the person’s ids are read (before the deletion erases them)', async () => {
  const pipelineId = randomUUID();
  const remember = (kind: 'user' | 'anonymous', id: string, traits: Record<string, unknown>) =>
    db.pool.query('INSERT INTO signal.remembered_traits (pipeline_id, identity_digest, traits, last_id) VALUES ($1, $2, $3, 1)', [pipelineId, identityDigest(kind, id), JSON.stringify(traits)]);
  await remember('user', 'u-1', { email: 'Jane@Example.com', plan: 'pro' });
  await remember('anonymous', 'a-1', { email: 'jane@example.com' });
  await remember('anonymous', 'a-2', { email: 'old@example.com' });
  await remember('user', 'u-2', { email: 'other@example.com' });
  await remember('user', 'u-3', { name: 'No Email' });
  const read = rememberedEmailsStatement(pipelineId, [identityDigest('user', 'u-1'), identityDigest('anonymous', 'a-1'), identityDigest('anonymous', 'a-2'), identityDigest('user', 'u-3')]);
  const { rows: [found] } = await db.pool.query<{ emails: string[] }>(read.text, read.values);
  assert.deepEqual(found!.emails, ['jane@example.com', 'old@example.com']);
  const none = rememberedEmailsStatement(pipelineId, [identityDigest('user', 'nobody')]);
  assert.deepEqual((await db.pool.query<{ emails: string[] }>(none.text, none.values)).rows[0]!.emails, []);
});

test('the email addresses found and the distinctive ids are looked for in logged exchanges and last errors whatever their case; a short id as written', () => {
  const scope: DeletionScope = { id: 'd', pipelineId: 'p', userId: '42', anonymousId: null, suppress: false, createdAt: new Date(), firstReceivedAt: null, emails: ['jane+x@example.com'] };
  assert.deepEqual(distinctiveNeedles(scope), { exact: [], anyCase: ['jane+x@example.com', 'jane%2Bx%40example.com'] }, 'a short id is not looked for as text');
  assert.ok(errorNeedles(scope).anyCase.includes('jane%2Bx%40example.com'));
  assert.deepEqual(errorNeedles(scope).exact, ['"42"', '\\"42\\"', '=42&', '=42"'], 'the short userId only as a whole value, as written');
  assert.deepEqual(distinctiveNeedles({ ...scope, userId: 'User-0001', anonymousId: 'user-0001' }), { exact: [], anyCase: ['User-0001', 'jane+x@example.com', 'jane%2Bx%40example.com'] }, 'a distinctive id any case, each form once');
  assert.deepEqual(errorNeedles({ ...scope, userId: 'User-0001' }), { exact: [], anyCase: ['User-0001', 'jane+x@example.com', 'jane%2Bx%40example.com'] });
});

test('holdsNeedle: an exact needle as written, an any-case one lower-cased on both sides (the database\'s lower())', async () => {
  const cases: Array<[string, string[], string[], boolean]> = [
    ['no profile USER-CASE-0001', [], ['user-case-0001'], true],
    ['no profile user-case-0001', [], ['USER-Case-0001'], true],
    ['url ?uid=Jane%2bX%40Example.com', [], ['jane%2Bx%40example.com'], true],
    ['qty "A-1"', ['"a-1"'], [], false],
    ['qty "a-1"', ['"a-1"'], [], true],
    ['nothing of theirs', ['"a-1"'], ['user-case-0001'], false],
    ['empty needles', [], [], false],
  ];
  for (const [text, exact, anyCase, expected] of cases) {
    const { rows: [row] } = await db.pool.query<{ holds: boolean }>(`SELECT ${holdsNeedle('$1::text', { exact: '$2', anyCase: '$3' })} AS holds`, [text, exact, anyCase]);
    assert.equal(row!.holds, expected, text);
  }
});

test('only ids of 8 characters or more are looked for as text in others’ exchanges: "1" is also a quantity', () => {
  assert.equal(isDistinctiveId('1'), false);
  assert.equal(isDistinctiveId('1234567'), false);
  assert.equal(isDistinctiveId('user-0001'), true);
  // A distinctive id is found inside a vendor's sentence too; a short one only as a whole value.
  assert.deepEqual(textNeedles('jane+x@example.com'), ['jane+x@example.com', 'jane%2Bx%40example.com']);
  const scope = { id: 'd', pipelineId: 'p', userId: 'user-alice-001', anonymousId: 'a-1', suppress: false, createdAt: new Date(), firstReceivedAt: null, emails: [] };
  const lastError = 'HTTP 400: {"error": "simulated, first event from user-alice-001"}';
  assert.ok(errorNeedles(scope).anyCase.some((needle) => lastError.includes(needle)));
  assert.ok(!errorNeedles(scope).exact.some((needle) => 'HTTP 400: qty a-10'.includes(needle)), 'a-1 inside a-10 is not a-1');
});

test('dead letters: the person’s go (also by the messageId of a deleted event), others’ that carried or quote them lose their last exchange', async () => {
  const pipelineId = randomUUID();
  const requestedAt = new Date();
  const scope = await deletion(pipelineId, { userId: 'user-0001', anonymousId: null, createdAt: requestedAt, firstReceivedAt: new Date(requestedAt.getTime() - 60_000) });
  await db.pool.query('INSERT INTO signal.person_deletion_messages (deletion_id, message_id) VALUES ($1, $2), ($1, $3)', [scope.id, 'm-hashed', 'm\\slash "q"']);
  const letter = async (messageId: string, event: Record<string, unknown>, lastRequest: unknown = null) => {
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO signal.dead_letters (pipeline_integration_id, pipeline_id, message_id, event, reason, attempts, last_request, last_response)
       VALUES ($1, $2, $3, $4, 'refused', 1, $5, $6) RETURNING id`,
      [randomUUID(), pipelineId, messageId, JSON.stringify({ messageId, receivedAt: new Date(requestedAt.getTime() - 1000).toISOString(), ...event }), JSON.stringify(lastRequest), JSON.stringify({ status: 400 })],
    );
    return rows[0]!.id;
  };
  await letter('m-own', { userId: 'user-0001' });
  await letter('m-hashed', { userId: 'a1b2c3' }); // a transformation hashed the id
  const batchmate = await letter('m-batch', { userId: 'u-2' }, { body: { batch: [{ messageId: 'm-batch' }, { messageId: 'm-hashed' }] } });
  const quoting = await letter('m-quote', { userId: 'u-3' }, { body: { note: 'referred by user-0001' , by: 'user-0001' } });
  const untouched = await letter('m-else', { userId: 'u-4' }, { body: { qty: '1' } });
  // A batch too long for the log, kept as a text preview: the messageId appears escaped.
  const previewed = await letter('m-preview', { userId: 'u-5' }, { body: { $truncated: true, bytes: 40_000, preview: JSON.stringify({ batch: [{ messageId: 'm-hashed' }] }) } });
  // A messageId with a backslash and quotes, escaped twice inside a preview.
  const previewedOdd = await letter('m-preview-2', { userId: 'u-6' }, { body: { $truncated: true, bytes: 40_000, preview: JSON.stringify({ batch: [{ messageId: 'm\\slash "q"' }] }) } });
  await letter('m-later', { userId: 'user-0001', receivedAt: new Date(requestedAt.getTime() + 1000).toISOString() });
  let afterId = 0;
  const totals = { deleted: 0, cleared: 0 };
  for (;;) {
    const statement = deleteDeadLettersStatement(scope, { exact: exchangeNeedles('user-0001'), anyCase: [] }, { afterId, limit: 3 });
    const { rows: [result] } = await db.pool.query<{ last: string | null; deleted: number; cleared: number }>(statement.text, statement.values);
    totals.deleted += result!.deleted;
    totals.cleared += result!.cleared;
    if (result!.last === null) break;
    afterId = Number(result!.last);
  }
  assert.deepEqual(totals, { deleted: 2, cleared: 4 }, 'in slices of 3');
  const { rows } = await db.pool.query<{ id: string; message_id: string; last_request: unknown; last_response: unknown }>('SELECT id, message_id, last_request, last_response FROM signal.dead_letters WHERE pipeline_id = $1 ORDER BY id', [pipelineId]);
  assert.deepEqual(rows.map((r) => r.message_id), ['m-batch', 'm-quote', 'm-else', 'm-preview', 'm-preview-2', 'm-later'], 'received after the request: kept (no suppression asked)');
  assert.deepEqual(rows.filter((r) => [batchmate, quoting, previewed, previewedOdd].includes(r.id)).map((r) => [r.last_request, r.last_response]), [[null, null], [null, null], [null, null], [null, null]]);
  assert.deepEqual(rows.find((r) => r.id === untouched)!.last_request, { body: { qty: '1' } });
});

/** A pipeline with one integration (the statements look in the pipeline's integrations' log and stats). */
async function pipelineWithIntegration(name: string): Promise<{ pipelineId: string; integrationId: string }> {
  const pipelineId = randomUUID();
  const integrationId = randomUUID();
  await db.pool.query('INSERT INTO signal.pipelines (id, name) VALUES ($1, $2)', [pipelineId, name]);
  const { rows: [template] } = await db.pool.query<{ id: string }>("INSERT INTO signal.integration_templates (id, name, vendor) VALUES ($1, 't', 'webhook') RETURNING id", [randomUUID()]);
  const { rows: [revision] } = await db.pool.query<{ id: string }>("INSERT INTO signal.integration_revisions (id, template_id, version, variant, config) VALUES ($1, $2, 1, 'default', '{}') RETURNING id", [randomUUID(), template!.id]);
  await db.pool.query('INSERT INTO signal.pipeline_integrations (id, pipeline_id, template_id, revision_id) VALUES ($1, $2, $3, $4)', [integrationId, pipelineId, template!.id, revision!.id]);
  return { pipelineId, integrationId };
}

test('an email address found and a distinctive id are looked for whatever their letter case in the delivery log, dead letters and last errors; a short id only as written', async () => {
  const { pipelineId, integrationId } = await pipelineWithIntegration('any case');
  const scope = await deletion(pipelineId, { userId: 'user-case-0001', anonymousId: 'a-1', emails: ['jane+x@example.com'] });
  const log = async (request: unknown, fields: { response?: string; error?: string } = {}) => {
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO signal.delivery_log (pipeline_integration_id, event_ids, attempt, request, response_status, response_body, error, outcome, duration_ms)
       VALUES ($1, '{}', 1, $2, 400, $3, $4, 'dead_letter', 1) RETURNING id`,
      [integrationId, JSON.stringify(request), fields.response ?? null, fields.error ?? null],
    );
    return rows[0]!.id;
  };
  // As the browser sent it, in a body, a URL (encoded: %2B, %40), an answer and an error.
  const asSent = await log({ body: { email: 'Jane+X@Example.COM' } });
  const encoded = await log({ url: 'https://v.test/px?em=Jane%2BX%40Example.com&x=1' });
  const answered = await log({ body: {} }, { response: '{"error":"no contact JANE+X@EXAMPLE.COM"}' });
  const errored = await log({ body: {} }, { error: 'refused Jane+x@example.com' });
  // A distinctive id echoed in another case, in an answer and an error: the person's id still.
  const idUpper = await log({ body: {} }, { response: '{"error":"no profile USER-CASE-0001"}' });
  const idMixed = await log({ url: 'https://v.test/px?uid=User-Case-0001' });
  const shortOtherCase = await log({ body: { anonymous: 'A-1' } }); // a short id in another case: a vendor's word, not looked for
  const someoneElse = await log({ body: { email: 'john@example.com' } });
  const statement = deleteDeliveryLogStatement(scope, distinctiveNeedles(scope));
  const { rowCount } = await db.pool.query(statement.text, statement.values);
  assert.equal(rowCount, 6);
  const left = await db.pool.query<{ id: string }>('SELECT id FROM signal.delivery_log WHERE pipeline_integration_id = $1 ORDER BY id', [integrationId]);
  assert.deepEqual(left.rows.map((r) => r.id), [shortOtherCase, someoneElse]);
  assert.ok(![asSent, encoded, answered, errored, idUpper, idMixed].some((id) => left.rows.some((r) => r.id === id)));

  const letter = async (messageId: string, lastRequest: unknown) => {
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO signal.dead_letters (pipeline_integration_id, pipeline_id, message_id, event, reason, attempts, last_request, last_response)
       VALUES ($1, $2, $3, $4, 'refused', 1, $5, '{"status":400}') RETURNING id`,
      [integrationId, pipelineId, messageId, JSON.stringify({ messageId, userId: 'u-else', receivedAt: new Date().toISOString() }), JSON.stringify(lastRequest)],
    );
    return rows[0]!.id;
  };
  const quoting = await letter('m-quoting', { body: { preview: JSON.stringify({ email: 'JANE+X@example.com' }) } });
  const quotingId = await letter('m-quoting-id', { body: { email: 'john@example.com', user: 'User-Case-0001' } });
  const notQuoting = await letter('m-not', { body: { email: 'john@example.com', user: 'A-1' } });
  const dead = deleteDeadLettersStatement(scope, distinctiveNeedles(scope), { afterId: 0, limit: 100 });
  const { rows: [result] } = await db.pool.query<{ deleted: number; cleared: number }>(dead.text, dead.values);
  assert.deepEqual([result!.deleted, result!.cleared], [0, 2]);
  const letters = await db.pool.query<{ id: string; last_request: unknown }>('SELECT id, last_request FROM signal.dead_letters WHERE pipeline_id = $1 ORDER BY id', [pipelineId]);
  assert.deepEqual(letters.rows.map((r) => [r.id, r.last_request === null]), [[quoting, true], [quotingId, true], [notQuoting, false]]);

  await db.pool.query(
    `INSERT INTO signal.integration_stats (pipeline_integration_id, last_error, last_enrichment_error) VALUES ($1, $2, $3)`,
    [integrationId, 'HTTP 400: {"email":"Jane+X@Example.com"}', 'HTTP 404: no profile USER-CASE-0001'],
  );
  const erase = eraseLastErrorsStatement(pipelineId, errorNeedles(scope));
  await db.pool.query(erase.text, erase.values);
  const stats = async () => (await db.pool.query<{ last_error: string; last_enrichment_error: string }>('SELECT last_error, last_enrichment_error FROM signal.integration_stats WHERE pipeline_integration_id = $1', [integrationId])).rows[0]!;
  assert.deepEqual(Object.values(await stats()), [ERASED_ERROR, ERASED_ERROR], 'the address and the distinctive id in another case go');
  await db.pool.query('UPDATE signal.integration_stats SET last_error = $2, last_enrichment_error = $3 WHERE pipeline_integration_id = $1', [integrationId, 'HTTP 400: {"anonymousId":"A-1"}', 'HTTP 404: {"anonymousId":"a-1"}']);
  await db.pool.query(erase.text, erase.values);
  assert.deepEqual(Object.values(await stats()), ['HTTP 400: {"anonymousId":"A-1"}', ERASED_ERROR], 'a short id only as written');
});

test('scrubbing takes the person’s events out of jobs not being worked on, with their warnings index for index', async () => {
  // pg-boss's job table, as far as the statement reads it.
  await db.pool.query('CREATE SCHEMA scrubboss; CREATE TABLE scrubboss.job (name text, id uuid, state text, data jsonb, created_on timestamptz NOT NULL DEFAULT now(), started_on timestamptz, PRIMARY KEY (name, id))');
  const pipelineId = randomUUID();
  const integrationId = randomUUID();
  await db.pool.query('INSERT INTO signal.pipelines (id, name) VALUES ($1, $2)', [pipelineId, 'scrub']);
  const { rows: [template] } = await db.pool.query<{ id: string }>("INSERT INTO signal.integration_templates (id, name, vendor) VALUES ($1, 't', 'webhook') RETURNING id", [randomUUID()]);
  const { rows: [revision] } = await db.pool.query<{ id: string }>("INSERT INTO signal.integration_revisions (id, template_id, version, variant, config) VALUES ($1, $2, 1, 'default', '{}') RETURNING id", [randomUUID(), template!.id]);
  await db.pool.query('INSERT INTO signal.pipeline_integrations (id, pipeline_id, template_id, revision_id) VALUES ($1, $2, $3, $4)', [integrationId, pipelineId, template!.id, revision!.id]);
  const job = async (state: string, data: unknown) => {
    const id = randomUUID();
    await db.pool.query('INSERT INTO scrubboss.job (name, id, state, data) VALUES ($1, $2, $3, $4)', [`delivery.${integrationId}`, id, state, JSON.stringify(data)]);
    return id;
  };
  const requestedAt = new Date();
  const before = new Date(requestedAt.getTime() - 1000).toISOString();
  const after = new Date(requestedAt.getTime() + 1000).toISOString();
  const scope = await deletion(pipelineId, { createdAt: requestedAt, firstReceivedAt: new Date(requestedAt.getTime() - 60_000) });
  await db.pool.query('INSERT INTO signal.person_deletion_messages (deletion_id, message_id) VALUES ($1, $2)', [scope.id, 'm-hashed']);
  const ev = (fields: Record<string, unknown>) => ({ receivedAt: before, ...fields });
  const waiting = await job('created', {
    attempt: 2,
    events: [ev({ userId: 'u-2' }), ev({ userId: 'u-1' }), ev({ anonymousId: 'x', context: { clientAnonymousId: 'a-1' } }), ev({ userId: 'u-3' }), ev({ messageId: 'm-hashed', userId: '9f86d0' }), ev({ userId: 'u-1', receivedAt: after })],
    warnings: [null, ['w-u1'], null, ['w-u3'], null, null],
  });
  const kept = await job('completed', { attempt: 1, events: [ev({ userId: 'u-1' })] });
  const active = await job('active', { attempt: 1, events: [ev({ userId: 'u-1' }), ev({ userId: 'u-2' })] });
  const byId = await job('created', { attempt: 1, ids: [1, 2] });
  const scrub = scrubQueuedStatement('scrubboss', scope);
  const { rows } = await db.pool.query<{ removed: number; waiting: boolean; retrying: boolean }>(scrub.text, scrub.values);
  assert.deepEqual(rows.map((r) => [r.removed, r.waiting, r.retrying]).sort(), [[1, false, false], [3, true, true]]);
  const data = async (id: string) => (await db.pool.query<{ data: unknown }>('SELECT data FROM scrubboss.job WHERE id = $1', [id])).rows[0]!.data;
  assert.deepEqual(await data(waiting), { attempt: 2, events: [ev({ userId: 'u-2' }), ev({ userId: 'u-3' }), ev({ userId: 'u-1', receivedAt: after })], warnings: [null, ['w-u3'], null] },
    'the copy a transformation hashed goes by its messageId; one received after the request stays (no suppression asked)');
  assert.deepEqual(await data(kept), { attempt: 1, events: [] });
  assert.deepEqual(await data(active), { attempt: 1, events: [ev({ userId: 'u-1' }), ev({ userId: 'u-2' })] }, 'a job being worked on is left to finish');
  assert.deepEqual(await data(byId), { attempt: 1, ids: [1, 2] });
  const running = runningDeliveriesStatement('scrubboss', scope, new Date(requestedAt.getTime() - 3_600_000));
  assert.deepEqual((await db.pool.query(running.text, running.values)).rows, [{ running: 1, past: true }], 'the active job carries their event: it is waited for');
  await db.pool.query("UPDATE scrubboss.job SET data = $2 WHERE id = $1", [active, JSON.stringify({ attempt: 1, events: [ev({ userId: 'u-1', receivedAt: after })] })]);
  assert.deepEqual((await db.pool.query(running.text, running.values)).rows, [{ running: 0, past: true }], 'an event of theirs sent after the request is no reason to wait (no suppression asked)');
});
