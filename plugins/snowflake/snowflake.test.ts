import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import snowflake, { signStatement } from './index.ts';
import { classifyStatement } from './classify.ts';
import { accountHost, jwtAccount, validateSnowflakeConfig } from './config.ts';
import { deleteStatement, deletionRequest, readDeletionAnswer } from './forget-person.ts';
import { derivedUuid, insertRequests, insertStatement, MAX_BYTES, MAX_CELLS, MAX_ROWS } from './insert-request.ts';
import { JWT_LIFETIME_SECONDS, keyPairJwt, privateKeyProblem, publicKeyFingerprint } from './key-pair.ts';
import { tableRow, timestampText } from './table-row.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const FINGERPRINT = `SHA256:${createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64')}`;
const CONFIG = { account: 'myorg-shop', user: 'signal_writer', private_key: PEM, database: 'analytics', schema: 'signal', table: 'events', warehouse: 'signal_wh', role: 'signal_writer' };
const NOW = Date.parse('2026-11-30T12:00:00Z');
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { ...CONFIG, ...config }, variant: 'default', integrationId: 'int_1', revisionId: 'r', options: {}, now: NOW });
const VISITOR = 'df_sf0visitor01';
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: VISITOR, userId: 'u-123',
  timestamp: '2026-11-30T11:59:58.250Z', sentAt: '2026-11-30T12:59:59.000+01:00', receivedAt: '2026-11-30T12:00:00.000Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'EUR' },
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', page: { url: 'https://shop.example.com/thanks', path: '/thanks' } },
  ...overrides,
} as CanonicalEvent);
const BLUEPRINT = readFileSync(new URL('../../blueprints/snowflake/default.yaml', import.meta.url), 'utf8');
const rowOf = (event: CanonicalEvent): JsonObject => {
  const result = createEventMapper(snowflake, { variant: 'default', blueprint: BLUEPRINT }, ctx())(event);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({
  status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }),
});
const record = (id: string, payload: JsonObject = { message_id: id, type: 'track', timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.000Z' }): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload });
const request = (ids: string[]): RequestDescriptor => insertRequests(ids.map((id) => record(id)), ctx())[0]!;
const classify = (response: VendorResponse, ids = ['m-1'], config: Record<string, JsonValue> = {}): Classification => classifyStatement(response, request(ids), ctx(config));
const failure = (code: string, sqlState: string, message: string) => answer(422, { code, sqlState, message, statementHandle: '01b2c3d4-0000-1111-0000-000123456789', statementStatusUrl: '/api/v2/statements/01b2c3d4-0000-1111-0000-000123456789' });
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

test('a track event maps to the README\'s row: ids and names as text, times in UTC, properties and context kept as JSON values', () => {
  const event = browserEvent();
  assert.deepEqual(rowOf(event), {
    message_id: 'm-1', type: 'track', event: 'Order Completed', user_id: 'u-123', anonymous_id: VISITOR,
    timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.000Z', sent_at: '2026-11-30T11:59:59.000Z',
    properties: event.properties as JsonObject, context: event.context as JsonObject,
  });
});

test('rows: placeholder ids left out, required columns and times checked, extra columns kept or left out with a warning', () => {
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  assert.deepEqual(tableRow({ message_id: 'm', type: 'page', user_id: 'undefined', timestamp: 1774368000, received_at: '2026-03-24', Order_Total: 12, 'bad-name': 1, order_total: 3 }, { warn }), {
    message_id: 'm', type: 'page', timestamp: '2026-03-24T16:00:00.000Z', received_at: '2026-03-24T00:00:00.000Z', Order_Total: 12,
  });
  assert.deepEqual(warnings, [
    'bad-name left out: a column name Snowflake reads unquoted holds letters, digits, _ and $, from a letter or _ (rename it in the blueprint)',
    'order_total left out: another column of the row has the same name in another letter case, and Snowflake reads both as ORDER_TOTAL',
  ]);
  assert.throws(() => tableRow({ message_id: 'm', type: 'page', timestamp: 'next tuesday', received_at: '2026-03-24' }, {}), {
    name: 'PermanentError', message: 'timestamp: "next tuesday" is not a time the table\'s TIMESTAMP_TZ column takes (ISO 8601 or epoch seconds or milliseconds, years 1 to 9999): check what the blueprint maps to timestamp',
  });
  assert.throws(() => tableRow({ type: 'page', timestamp: '2026-03-24', received_at: '2026-03-24' }, {}), /the row has no message_id, which the table declares NOT NULL/);
  assert.equal(timestampText('2026-02-31'), undefined);
  assert.equal(timestampText('2026-03-24T17:00:00+01:00'), '2026-03-24T16:00:00.000Z');
});

test('rows: a name Snowflake folds to one of the README\'s columns is that column — USER_ID: "undefined" is a placeholder id, left out; TIMESTAMP a time', () => {
  const warnings: string[] = [];
  const row = tableRow({ MESSAGE_ID: 'm', Type: 'track', USER_ID: 'undefined', Anonymous_Id: 'df_1', TIMESTAMP: 1774368000, received_at: '2026-03-24', PROPERTIES: { plan: 'pro' }, user_id: 'u-1' }, { warn: (message) => warnings.push(message) });
  assert.deepEqual(row, {
    message_id: 'm', type: 'track', anonymous_id: 'df_1', timestamp: '2026-03-24T16:00:00.000Z', received_at: '2026-03-24T00:00:00.000Z', properties: { plan: 'pro' },
  });
  assert.deepEqual(warnings, ['user_id left out: another column of the row has the same name in another letter case, and Snowflake reads both as USER_ID']);
  // What Snowflake receives: no USER_ID column, no "undefined" bound, the time converted.
  const { statement, bindings } = insertStatement('A.B.C', [row]);
  assert.equal(statement, 'INSERT INTO A.B.C ("MESSAGE_ID", "TYPE", "ANONYMOUS_ID", "TIMESTAMP", "RECEIVED_AT", "PROPERTIES") '
    + 'SELECT $1, $2, $3, TO_TIMESTAMP_TZ($4, \'YYYY-MM-DD"T"HH24:MI:SS.FF3TZH:TZM\'), TO_TIMESTAMP_TZ($5, \'YYYY-MM-DD"T"HH24:MI:SS.FF3TZH:TZM\'), PARSE_JSON($6) FROM VALUES (?, ?, ?, ?, ?, ?)');
  assert.deepEqual(Object.values(bindings).map((binding) => binding.value), ['m', 'track', 'df_1', '2026-03-24T16:00:00.000+00:00', '2026-03-24T00:00:00.000+00:00', '{"plan":"pro"}']);
});

test('the INSERT: names one column once Snowflake folds them, whichever row names it in whichever letter case', () => {
  const base = { type: 'track', timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.000Z' };
  const rows = [tableRow({ message_id: 'm-1', ...base, Order_Total: 12 }, {}), tableRow({ message_id: 'm-2', ...base, order_total: { net: 3 } }, {}), tableRow({ message_id: 'm-3', ...base }, {})];
  const { statement, bindings } = insertStatement('A.B.C', rows);
  const time = (n: number) => `TO_TIMESTAMP_TZ($${n}, 'YYYY-MM-DD"T"HH24:MI:SS.FF3TZH:TZM')`;
  // One ORDER_TOTAL column; an object in any row makes it VARIANT (PARSE_JSON of the 12 reads 12).
  assert.equal(statement, `INSERT INTO A.B.C ("MESSAGE_ID", "TYPE", "TIMESTAMP", "RECEIVED_AT", "ORDER_TOTAL") SELECT $1, $2, ${time(3)}, ${time(4)}, PARSE_JSON($5) `
    + 'FROM VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?), (?, ?, ?, ?, NULL)');
  assert.deepEqual(Object.values(bindings).filter((_, i) => i === 4 || i === 9).map((binding) => binding.value), ['12', '{"net":3}']);
});

test('the INSERT: one multi-row statement, every value a bind variable, VARIANT through PARSE_JSON and times through TO_TIMESTAMP_TZ', () => {
  const rows: JsonObject[] = [
    { message_id: 'm-1', type: 'track', event: 'Bought \'it\'; DROP TABLE x', timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.000Z', properties: { plan: 'pro' } },
    { message_id: 'm-2', type: 'identify', timestamp: '2026-11-30T11:59:59.000Z', received_at: '2026-11-30T12:00:00.000Z', traits: { tier: 'gold' }, coupons: ['A'] },
  ];
  const { statement, bindings } = insertStatement('ANALYTICS.SIGNAL.EVENTS', rows);
  // A column a row lacks is the constant NULL (the SQL API binds strings only); times are read
  // with an explicit format, whatever the account's TIMESTAMP_INPUT_FORMAT.
  const time = (n: number) => `TO_TIMESTAMP_TZ($${n}, 'YYYY-MM-DD"T"HH24:MI:SS.FF3TZH:TZM')`;
  assert.equal(statement, 'INSERT INTO ANALYTICS.SIGNAL.EVENTS ("MESSAGE_ID", "TYPE", "EVENT", "TIMESTAMP", "RECEIVED_AT", "PROPERTIES", "TRAITS", "COUPONS") '
    + `SELECT $1, $2, $3, ${time(4)}, ${time(5)}, PARSE_JSON($6), PARSE_JSON($7), PARSE_JSON($8) FROM VALUES (?, ?, ?, ?, ?, ?, NULL, NULL), (?, ?, NULL, ?, ?, NULL, ?, ?)`);
  assert.deepEqual(Object.values(bindings).map((binding) => binding.value), [
    'm-1', 'track', 'Bought \'it\'; DROP TABLE x', '2026-11-30T11:59:58.250+00:00', '2026-11-30T12:00:00.000+00:00', '{"plan":"pro"}',
    'm-2', 'identify', '2026-11-30T11:59:59.000+00:00', '2026-11-30T12:00:00.000+00:00', '{"tier":"gold"}', '["A"]',
  ]);
  assert.ok(Object.values(bindings).every((binding) => binding.type === 'TEXT' && typeof binding.value === 'string'));
  assert.deepEqual(Object.keys(bindings), ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
  // A column named like a reserved word is a quoted name, not a syntax error.
  const reserved = insertStatement('A.B.C', [{ message_id: 'm-3', order: 'ORD-1', group: 'g' }]);
  assert.equal(reserved.statement, 'INSERT INTO A.B.C ("MESSAGE_ID", "ORDER", "GROUP") SELECT $1, $2, $3 FROM VALUES (?, ?, ?)');
});

test('the request: the account\'s SQL API, a requestId derived from the events (stable, another for other events) with retry=true, the context fields in upper case', () => {
  const built = request(['m-1', 'm-2']);
  assert.equal(built.method, 'POST');
  assert.equal(built.url, 'https://myorg-shop.snowflakecomputing.com/api/v2/statements');
  assert.deepEqual(built.headers, { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'Signal/1.0 (snowflake plugin)' });
  const [[name, id], retry] = built.query!;
  assert.equal(name, 'requestId');
  assert.match(id!, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(retry, ['retry', 'true']);
  assert.deepEqual(request(['m-1', 'm-2']).query, built.query, 'the same events: the same requestId');
  assert.notDeepEqual(request(['m-1', 'm-3']).query, built.query);
  assert.equal(derivedUuid('a'), derivedUuid('a'));
  const { bindings: _bindings, statement: _statement, ...fields } = built.body as JsonObject;
  assert.deepEqual(fields, { timeout: 60, database: 'ANALYTICS', schema: 'SIGNAL', warehouse: 'SIGNAL_WH', role: 'SIGNAL_WRITER' });
  assert.equal((built.headers as Record<string, string>).authorization, undefined, 'authorization is added by sign, as the request leaves');
});

test('batches: at most MAX_ROWS rows and MAX_BYTES a request, every event once; a row too large alone is refused', () => {
  const many = Array.from({ length: MAX_ROWS * 2 + 1 }, (_, i) => record(`m-${i}`));
  const built = insertRequests(many, ctx());
  assert.deepEqual(built.map((r) => r.eventIds.length), [MAX_ROWS, MAX_ROWS, 1]);
  const big = (id: string) => record(id, { message_id: id, type: 'track', timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.000Z', properties: { blob: 'x'.repeat(900_000) } });
  const heavy = insertRequests(['a', 'b', 'c', 'd', 'e'].map(big), ctx());
  assert.ok(heavy.length >= 2 && heavy.every((r) => Buffer.byteLength(JSON.stringify(r.body)) <= MAX_BYTES));
  assert.deepEqual(heavy.flatMap((r) => r.eventIds), ['a', 'b', 'c', 'd', 'e']);
  // A blueprint with many columns: at most MAX_CELLS values (rows × columns) in one VALUES list.
  const wide = (id: string) => record(id, { message_id: id, type: 'track', timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.000Z', ...Object.fromEntries(Array.from({ length: 96 }, (_, i) => [`c${i}`, 'v'])) });
  const wideRequests = insertRequests(Array.from({ length: MAX_ROWS }, (_, i) => wide(`w-${i}`)), ctx());
  assert.deepEqual(wideRequests.map((r) => r.eventIds.length), [100, 100], '200 rows × 100 columns is 20,000 values: halved');
  assert.ok(wideRequests.every((r) => (JSON.stringify(r.body).match(/\?/g) ?? []).length <= MAX_CELLS));
  assert.throws(() => insertRequests([record('huge', { message_id: 'huge', type: 'track', timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.000Z', properties: { blob: 'x'.repeat(MAX_BYTES) } })], ctx()), { name: 'PermanentError', message: /more than a request Signal sends to Snowflake takes/ });
  assert.throws(() => insertRequests([record('m')], ctx({ table: 'EVENTS; DROP TABLE X' })), { name: 'PermanentError', message: /config\.table is not an identifier Snowflake reads unquoted/ });
});

test('sign: a key-pair JWT of the sending time — RS256 with the user\'s key, iss ACCOUNT.USER.SHA256:<fingerprint>, sub ACCOUNT.USER, at most an hour', () => {
  const signed = signStatement(request(['m-1']), { ...ctx(), now: NOW + 90_000 });
  assert.equal(signed.headers!['x-snowflake-authorization-token-type'], 'KEYPAIR_JWT');
  const jwt = signed.headers!.authorization!.replace(/^Bearer /, '');
  const [header, claims, signature] = jwt.split('.');
  assert.deepEqual(JSON.parse(Buffer.from(header!, 'base64url').toString()), { alg: 'RS256', typ: 'JWT' });
  assert.ok(verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature!, 'base64url')));
  const iat = Math.floor((NOW + 90_000) / 1000);
  assert.deepEqual(claimsOf(jwt), { iss: `MYORG-SHOP.SIGNAL_WRITER.${FINGERPRINT}`, sub: 'MYORG-SHOP.SIGNAL_WRITER', iat, exp: iat + JWT_LIFETIME_SECONDS });
  assert.ok(JWT_LIFETIME_SECONDS <= 3600);
  assert.equal(publicKeyFingerprint(PEM), FINGERPRINT);
  assert.equal(keyPairJwt({ account: 'MYORG-SHOP', user: 'SIGNAL_WRITER', privateKey: PEM }, NOW), keyPairJwt({ account: 'myorg-shop', user: 'signal_writer', privateKey: PEM }, NOW), 'pure');
  // An account locator's region is not part of the JWT's account.
  assert.equal(jwtAccount({ account: 'xy12345.us-east-2.aws' }), 'XY12345');
  assert.equal(accountHost({ account: 'https://XY12345.us-east-2.aws.snowflakecomputing.com/' }), 'xy12345.us-east-2.aws');
  // A programmatic access token instead.
  const withToken = signStatement(request(['m-1']), ctx({ private_key: '', programmatic_access_token: 'pat-secret' }));
  assert.deepEqual([withToken.headers!.authorization, withToken.headers!['x-snowflake-authorization-token-type']], ['Bearer pat-secret', 'PROGRAMMATIC_ACCESS_TOKEN']);
});

test('validateConfig names each field and what was expected', () => {
  assert.deepEqual(validateSnowflakeConfig(CONFIG), []);
  const encrypted = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'open sesame' }).toString();
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const problems = (config: Record<string, JsonValue>) => validateSnowflakeConfig({ ...CONFIG, ...config });
  assert.deepEqual(problems({ table: 'ANALYTICS.SIGNAL.EVENTS' }), [{ field: 'table', message: 'is "ANALYTICS.SIGNAL.EVENTS": give the table alone (e.g. EVENTS); the database, schema and table each have their own field' }]);
  assert.deepEqual(problems({ schema: 'my-schema' }), [{ field: 'schema', message: 'is "my-schema": an identifier Snowflake reads unquoted holds letters, digits, _ and $ only, starts with a letter or _, and is at most 255 characters' }]);
  assert.deepEqual(problems({ warehouse: '' }), [{ field: 'warehouse', message: 'is required: the warehouse (e.g. SIGNAL_WH)' }]);
  assert.deepEqual(problems({ account: 'https://myorg-shop.snowflakecomputing.com/console#/' }).map((p) => p.field), ['account']);
  assert.deepEqual(problems({ private_key: '' }), [{ field: 'private_key', message: 'is required (or programmatic_access_token): the PEM private key of the user\'s key pair, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----' }]);
  assert.deepEqual(problems({ programmatic_access_token: 'pat' }).map((p) => p.field), ['programmatic_access_token']);
  assert.deepEqual(problems({ private_key: '', programmatic_access_token: 'pat-secret' }), []);
  assert.deepEqual(problems({ private_key: encrypted }), [{ field: 'private_key_passphrase', message: 'is required: the private key is encrypted (BEGIN ENCRYPTED PRIVATE KEY). Give its passphrase here, or store an unencrypted copy of the key instead (openssl pkcs8 -in rsa_key.p8 -out rsa_key_plain.p8)' }]);
  assert.deepEqual(problems({ private_key: encrypted, private_key_passphrase: 'wrong' }), [{ field: 'private_key_passphrase', message: 'does not decrypt the private key: check the passphrase the key was encrypted with' }]);
  assert.deepEqual(problems({ private_key: encrypted, private_key_passphrase: 'open sesame' }), []);
  assert.deepEqual(problems({ private_key: small }), [{ field: 'private_key', message: 'is a 1024-bit RSA key: Snowflake takes RSA keys of 2048 bits or more' }]);
  assert.match(problems({ private_key: ec })[0]!.message, /is a ec key: Snowflake's key-pair authentication takes RSA keys/);
  assert.match(problems({ private_key: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString() })[0]!.message, /holds a public key/);
  assert.match(problems({ private_key: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' })[0]!.message, /is not a PEM private key/);
  // A key pasted with its line breaks written as \n (from a JSON file) is read.
  assert.equal(privateKeyProblem(PEM.replace(/\n/g, '\\n'), undefined), undefined);
  assert.deepEqual(problems({ statement_timeout: 0 }), [{ field: 'statement_timeout', message: 'must be a whole number of seconds from 1 to 3,600' }]);
});

test('classify: delivered, still running, rate limits and outages retried', () => {
  assert.deepEqual(classify(answer(200, { code: '090001', statementHandle: 'h', message: 'Statement executed successfully.', stats: { numRowsInserted: 1 } })), { status: 'delivered' });
  assert.deepEqual(classify(answer(200, '<html>Sign in to the proxy</html>')), { status: 'retry', reason: 'HTTP 200 with a body that is not the SQL API\'s JSON answer (<html>Sign in to the proxy</html>): sent again' });
  assert.deepEqual(classify(answer(202, { code: '333334', message: 'Asynchronous execution in progress.', statementHandle: '01b2-run' })), {
    status: 'retry', reason: 'Snowflake is still running the INSERT (statement 01b2-run): sent again with the same requestId, so Snowflake answers its outcome instead of inserting the rows twice',
  });
  assert.deepEqual(classify(answer(429, { code: '390501', message: 'Too many requests' }, { 'Retry-After': '7' })), { status: 'retry', reason: 'Snowflake\'s rate limit was reached (HTTP 429 390501: Too many requests)', throttled: true, retryAfterMs: 7000 });
  assert.equal(statusOf(classify(answer(503, 'Service Unavailable'))), 'retry');
  assert.equal(statusOf(classify(answer(408, ''))), 'retry');
  assert.deepEqual(statusOf(classify(failure('000630', '57014', 'Statement reached its statement or warehouse timeout of 60 second(s) and was canceled.'))), 'retry');
});

test('classify: refusals of the config dead-lettered naming the field or grant; data refusals split, then dead-lettered alone', () => {
  const reason = (c: Classification) => ('reason' in c ? c.reason : '');
  assert.equal(reason(classify(failure('000904', '42000', 'SQL compilation error: error line 1 at position 63\ninvalid identifier \'COLOUR\''))),
    'Snowflake refused the INSERT (HTTP 422 000904 (42000): SQL compilation error: error line 1 at position 63 invalid identifier \'COLOUR\'): the table ANALYTICS.SIGNAL.EVENTS has no column COLOUR — add the column (see the CREATE TABLE of the plugin README) or leave it out of the blueprint, then replay the dead letters');
  assert.equal(reason(classify(failure('002003', '42S02', 'SQL compilation error:\nTable \'ANALYTICS.SIGNAL.EVENTS\' does not exist or not authorized.'))),
    'Snowflake refused the INSERT (HTTP 422 002003 (42S02): SQL compilation error: Table \'ANALYTICS.SIGNAL.EVENTS\' does not exist or not authorized.): the table ANALYTICS.SIGNAL.EVENTS does not exist, or SIGNAL_WRITER (config.role) may not see it — check config.database, config.schema and config.table, create the table with the CREATE TABLE of the plugin README, and grant USAGE on the database and schema and INSERT on the table to the role; then replay the dead letters');
  assert.match(reason(classify(failure('003001', '42501', 'SQL access control error: Insufficient privileges to operate on table \'EVENTS\''))), /grant INSERT on ANALYTICS\.SIGNAL\.EVENTS to SIGNAL_WRITER \(config\.role\)/);
  assert.match(reason(classify(failure('000606', '57P03', 'No active warehouse selected in the current session.'))), /check config\.warehouse \(SIGNAL_WH\)/);
  assert.match(reason(classify(failure('000630', '57000', 'Warehouse \'SIGNAL_WH\' cannot be resumed because resource monitor \'LIMIT\' has exceeded its quota.'))), /resume it .* or raise its resource monitor's quota/);
  const jwt = classify(answer(401, { code: '390144', message: 'JWT token is invalid.' }));
  assert.equal(statusOf(jwt), 'dead_letter');
  assert.equal(reason(jwt), `HTTP 401 390144: JWT token is invalid. — Snowflake refused the key-pair JWT: check that the public key of config.private_key (its fingerprint ${FINGERPRINT}) is set on user signal_writer (DESC USER signal_writer: RSA_PUBLIC_KEY_FP), that config.user is the login name and config.account the account identifier (the JWT names MYORG-SHOP.SIGNAL_WRITER); and that this server's clock is right (the JWT is stamped with it); then replay the dead letters`);
  assert.match(reason(classify(answer(401, { code: '390303', message: 'Invalid OAuth access token.' }), ['m-1'], { private_key: '', programmatic_access_token: 'pat' })), /check that config\.programmatic_access_token is current/);
  assert.match(reason(classify(answer(403, { code: '390422', message: 'Incoming request with IP/Token 198.51.100.7 is not allowed to access Snowflake.' }))), /network policy/);
  const bad = failure('100069', '22P02', 'Error parsing JSON: unknown keyword "NaN", pos 4');
  assert.equal(statusOf(classify(bad, ['m-1', 'm-2'])), 'split');
  assert.equal(reason(classify(bad)), 'Snowflake refused the INSERT (HTTP 422 100069 (22P02): Error parsing JSON: unknown keyword "NaN", pos 4): a value of this row does not fit its column — fix what the blueprint maps, or the column\'s type or length in the table, then replay');
  assert.equal(statusOf(classify(failure('100078', '22000', 'String \'xxxxx\' is too long and would be truncated'), ['m-1', 'm-2'])), 'split');
  // Too many expressions in the VALUES list: a size refusal, halved.
  assert.equal(statusOf(classify(failure('001795', '42601', 'SQL compilation error: error line 1 at position 20 maximum number of expressions in a list exceeded, expected at most 16,384, got 20,000'), ['m-1', 'm-2'])), 'split');
  assert.equal(statusOf(classify(answer(413, 'Request Entity Too Large'), ['m-1', 'm-2'])), 'split');
  assert.equal(statusOf(classify(answer(400, { code: '391903', message: 'Unsupported bind type' }), ['m-1', 'm-2'])), 'dead_letter');
});

test('person deletions: a DELETE with the ids as bind variables, signed by sign as it goes; answers read', () => {
  assert.deepEqual(deleteStatement({ userId: 'u-1', anonymousId: 'undefined' }, 'A.B.C'), {
    statement: 'DELETE FROM A.B.C WHERE user_id = ? OR previous_id = ?', bindings: { 1: { type: 'TEXT', value: 'u-1' }, 2: { type: 'TEXT', value: 'u-1' } },
  });
  assert.equal(deleteStatement({ userId: null, anonymousId: 'null' }, 'A.B.C'), null);
  const built = deletionRequest({ userId: 'u-1\'; --', anonymousId: VISITOR }, ctx()) as RequestDescriptor;
  assert.equal(built.url, 'https://myorg-shop.snowflakecomputing.com/api/v2/statements');
  assert.deepEqual(built.body, {
    statement: 'DELETE FROM ANALYTICS.SIGNAL.EVENTS WHERE user_id = ? OR previous_id = ? OR anonymous_id = ? OR previous_id = ?', timeout: 60,
    database: 'ANALYTICS', schema: 'SIGNAL', warehouse: 'SIGNAL_WH', role: 'SIGNAL_WRITER',
    bindings: { 1: { type: 'TEXT', value: 'u-1\'; --' }, 2: { type: 'TEXT', value: 'u-1\'; --' }, 3: { type: 'TEXT', value: VISITOR }, 4: { type: 'TEXT', value: VISITOR } },
  });
  assert.equal(built.headers!.authorization, undefined, 'built unsigned: the core signs it with the plugin\'s sign as it goes');
  const signed = snowflake.sign!(built, ctx());
  assert.equal(claimsOf(signed.headers!.authorization!.replace(/^Bearer /, '')).iat, NOW / 1000);
  assert.deepEqual(readDeletionAnswer(answer(200, { code: '090001', statementHandle: 'h1', stats: { numRowsDeleted: 3 } }), built, ctx()), { done: true, message: 'Snowflake deleted 3 rows (statement h1)' });
  const running = readDeletionAnswer(answer(202, { code: '333334', statementHandle: 'h2', message: 'Asynchronous execution in progress.' }), built, ctx());
  assert.ok('next' in running);
  assert.deepEqual(running.next, {
    method: 'GET', url: 'https://myorg-shop.snowflakecomputing.com/api/v2/statements/h2',
    headers: { accept: 'application/json', 'user-agent': 'Signal/1.0 (snowflake plugin)' },
    eventIds: [],
  });
  assert.deepEqual(readDeletionAnswer(answer(202, { statementHandle: 'h2' }), running.next, ctx()), { retry: 'Snowflake is still running the DELETE (statement h2)' });
  assert.match((readDeletionAnswer(failure('003001', '42501', 'Insufficient privileges to operate on table \'EVENTS\''), built, ctx()) as { failed: string }).failed, /grant DELETE on ANALYTICS\.SIGNAL\.EVENTS to SIGNAL_WRITER \(config\.role\), or turn config\.forward_deletions off/);
  assert.ok('retry' in readDeletionAnswer(answer(503, ''), built, ctx()));
  assert.equal(snowflake.forgetPerson!.enabled({ ...CONFIG, forward_deletions: false }), false);
  assert.equal(snowflake.forgetPerson!.enabled(CONFIG), true);
});
