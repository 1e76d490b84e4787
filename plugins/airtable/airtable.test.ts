import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, ForgetOutcome, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import airtable, {
  airtableConfigWarnings, baseIdOf, buildRequests, classifyAirtable, equalsFormula, fieldValue, formulaText, forgetPerson, MAX_DELETED, MAX_TEXT_CHARACTERS, namedField, ROUNDS, tableOf,
  tableUrl, validateAirtableConfig,
} from './index.ts';

const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const BASE = 'appA1b2C3d4E5f6G7';
const TOKEN = 'patAbC123dEf456gH.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const CONFIG = { access_token: TOKEN, base_id: BASE, table: 'Web events' };
const URL_OF_TABLE = `https://api.airtable.com/v0/${BASE}/Web%20events`;
const ctx = (config: Record<string, JsonValue> = {}, warnings: string[] = []): PluginContext => ({
  config: { ...CONFIG, ...config }, variant: 'default', integrationId: 'pi-7f3c', revisionId: 'r', options: {}, now: NOW,
  warn: (message) => warnings.push(message),
});
const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'u-1', anonymousId: 'df_abc123def456', timestamp: '2026-11-30T11:59:58.250Z', receivedAt: '2026-11-30T11:59:58.400Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com' },
  context: { ip: '203.0.113.42', traits: { email: 'jane@example.com', phone: '+44 7700 900123' }, page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', referrer: 'https://www.google.com/' } },
  ...overrides,
} as CanonicalEvent);
const mapOne = (e: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(airtable, { variant: 'default', blueprint: null }, ctx(config))(e);
const mapped = (id: string, fields: JsonObject): MappedEvent => ({ id, event: event({ messageId: id }), payload: { fields } });
const answer = (status: number, json?: JsonValue, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: json === undefined ? '' : JSON.stringify(json), ...(json === undefined ? {} : { json }) });
const airtableError = (status: number, type: string, message?: string) => answer(status, { error: { type, ...(message === undefined ? {} : { message }) } });
const request = (events: number): RequestDescriptor => ({ method: 'POST', url: URL_OF_TABLE, eventIds: Array.from({ length: events }, (_, i) => `e${i}`) });
const classify = (response: VendorResponse, events = 2, config: Record<string, JsonValue> = {}) => classifyAirtable(response, request(events), ctx(config));
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'per event');

test('the config: the base id alone or in a pasted URL, the table by name, id or URL; each problem names its field', () => {
  assert.equal(baseIdOf({ base_id: `https://airtable.com/${BASE}/tblZ9y8X7w6V5u4T3/viwQ1w2E3r4T5y6U7?blocks=hide` }), BASE);
  assert.equal(tableOf({ base_id: `https://airtable.com/${BASE}/tblZ9y8X7w6V5u4T3/viwQ1w2E3r4T5y6U7` }), 'tblZ9y8X7w6V5u4T3');
  assert.equal(tableOf({ base_id: BASE, table: ' Web events ' }), 'Web events');
  assert.deepEqual(validateAirtableConfig(CONFIG), []);
  const fields = (config: Record<string, JsonValue>) => validateAirtableConfig({ ...CONFIG, ...config }).map((p) => `${p.field}: ${p.message}`);
  assert.match(fields({ base_id: 'tblZ9y8X7w6V5u4T3' })[0]!, /^base_id: is "tblZ9y8X7w6V5u4T3": the id of a table, not of a base/);
  assert.match(fields({ base_id: 'my base' })[0]!, /^base_id: is "my base": a base id is app followed by 14 letters and digits/);
  assert.match(fields({ table: '' })[0]!, /^table: is required/);
  assert.match(fields({ access_token: `Bearer ${TOKEN}` })[0]!, /^access_token: starts with "Bearer "/);
  assert.match(fields({ access_token: 'keyA1b2C3d4E5f6G7' })[0]!, /^access_token: is an Airtable API key \(key…\), which Airtable no longer accepts/);
  assert.ok(fields({ access_token: 'keyA1b2C3d4E5f6G7' }).every((p) => !p.includes('keyA1b2')), 'the token is never repeated');
  assert.match(fields({ fields: [{ field: 'Revenue', path: 'revenue' }] })[0]!, /^fields: fields\[0\] \("Revenue"\) path "revenue": it starts with "revenue", which is no field of a Signal event .*did you mean properties\.revenue/);
  assert.match(fields({ fields: [{ field: 'A', path: 'event' }, { field: 'A', path: 'userId' }] })[0]!, /^fields: fields\[1\] \("A"\): another entry fills the same field/);
  assert.match(fields({ merge_on: ['Order'] })[0]!, /^merge_on: names "Order", which is none of the fields mapped \(Timestamp, Type, Event/);
  assert.deepEqual(fields({ merge_on: ['Message ID'] }), []);
  assert.match(fields({ forward_deletions: true })[0]!, /^user_id_field: is required with forward_deletions/);
  assert.match(fields({ user_id_field: 'User {ID}' })[0]!, /^user_id_field: "User \{ID\}" holds a \{ or \}/);
  assert.deepEqual(airtableConfigWarnings({ ...CONFIG, user_id_field: 'User ID' }), [], 'the default User ID field reads userId');
  assert.match(airtableConfigWarnings({ ...CONFIG, user_id_field: 'User' })[0]!.message, /^"User" is not filled with the userId by any of fields/);
  assert.match(airtableConfigWarnings({ ...CONFIG, fields: [{ field: 'Email', path: 'traits.email' }] })[0]!.message, /reads traits\.email, contact information: it stays empty while include_contact_info is off/);
});

test('the default record: the default fields without contact information, a field without a value left out', () => {
  const result = mapOne(event({ traits: undefined }));
  assert.deepEqual(result.payload, {
    fields: {
      Timestamp: '2026-11-30T11:59:58.250Z', Type: 'track', Event: 'Order Completed', 'User ID': 'u-1', 'Anonymous ID': 'df_abc123def456',
      'Page URL': 'https://shop.example.com/thanks', Referrer: 'https://www.google.com/', Properties: '{"order_id":"ORD-1","revenue":74.97,"currency":"EUR"}',
      'Message ID': 'm-1', 'Received At': '2026-11-30T11:59:58.400Z',
    },
  });
  const withContact = mapOne(event(), { include_contact_info: true }).payload as { fields: JsonObject };
  assert.equal(withContact.fields.Email, 'jane@example.com');
  assert.equal(withContact.fields.Phone, '+44 7700 900123');
  assert.equal(withContact.fields['Page URL'], 'https://shop.example.com/thanks?email=jane%40example.com');
});

test('configured fields: values as Airtable takes them; long text cut saying so; no value at all, or none for a merge field, not sent', () => {
  const fields = [{ field: 'Event', path: 'event|name' }, { field: 'Revenue', path: 'properties.revenue' }, { field: 'Paid', path: 'properties.paid' }, { field: 'Items', path: 'properties.items' }];
  const result = mapOne(event({ properties: { revenue: 74.97, paid: true, items: [{ sku: 'A' }] } }), { fields });
  assert.deepEqual(result.payload, { fields: { Event: 'Order Completed', Revenue: 74.97, Paid: true, Items: '[{"sku":"A"}]' } });
  assert.equal(fieldValue(Number.NaN, () => {}), undefined);
  const long = mapOne(event({ properties: { note: 'x'.repeat(MAX_TEXT_CHARACTERS + 5) } }), { fields: [{ field: 'Note', path: 'properties.note' }] });
  assert.equal(((long.payload as { fields: JsonObject }).fields.Note as string).length, MAX_TEXT_CHARACTERS);
  assert.match(long.warnings![0]!, /^fields\[0\] \("Note"\): 100,005 characters, cut to Airtable's 100,000-character long text limit/);
  assert.equal(mapOne(event(), { fields: [{ field: 'Plan', path: 'traits.plan' }] }).payload, null);
  const unmerged = mapOne(event(), { fields: [{ field: 'Event', path: 'event' }, { field: 'Order', path: 'properties.order' }], merge_on: ['Order'] });
  assert.equal(unmerged.payload, null);
  assert.match((unmerged.warnings ?? []).join(' '), /no value for "Order" of merge_on/);
});

test('requests: created 10 a request to the table\'s URL with the Bearer token; with merge_on an upsert, a merge key once a request', () => {
  assert.equal(tableUrl({ base_id: BASE, table: 'Orders/2026' }), `https://api.airtable.com/v0/${BASE}/Orders%2F2026`);
  const batch = Array.from({ length: 23 }, (_, i) => mapped(`m-${i}`, { Event: `E${i}`, Order: `O-${i % 12}` }));
  const created = buildRequests(batch, ctx());
  assert.deepEqual(created.map((r) => r.eventIds.length), [10, 10, 3]);
  assert.deepEqual(created[0]!.headers, { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' });
  assert.equal(created[0]!.method, 'POST');
  assert.equal(created[0]!.url, URL_OF_TABLE);
  assert.deepEqual((created[0]!.body as JsonObject).typecast, false);
  assert.deepEqual(((created[0]!.body as JsonObject).records as JsonValue[])[0], { fields: { Event: 'E0', Order: 'O-0' } });
  const upserts = buildRequests(batch, ctx({ merge_on: ['Order'], typecast: true, fields: [{ field: 'Event', path: 'event' }, { field: 'Order', path: 'properties.order' }] }));
  assert.equal(upserts[0]!.method, 'PATCH');
  assert.deepEqual((upserts[0]!.body as JsonObject).performUpsert, { fieldsToMergeOn: ['Order'] });
  assert.equal((upserts[0]!.body as JsonObject).typecast, true);
  for (const r of upserts) {
    const orders = ((r.body as JsonObject).records as Array<{ fields: JsonObject }>).map((record) => record.fields.Order);
    assert.equal(new Set(orders).size, orders.length, 'no merge key twice in one upsert');
    assert.ok(orders.length <= 10);
  }
  assert.deepEqual(upserts.flatMap((r) => r.eventIds), batch.map((m) => m.id), 'every event once, in order');
});

test('classify: records answered per event; 429 waits Airtable\'s 30 s; 401/403/404 name the config; 413 splits; 422 names the field', () => {
  const ok = answer(200, { records: [{ id: 'recA1b2C3d4E5f6G7', createdTime: 'x', fields: {} }, { id: 'recB2c3D4e5F6g7H8', createdTime: 'x', fields: {} }] });
  assert.deepEqual(classify(ok), { status: 'delivered' });
  const partial = classify(answer(200, { records: [{ id: 'recA1b2C3d4E5f6G7', fields: {} }] }));
  assert.ok('perEvent' in partial);
  assert.deepEqual(partial.perEvent.e0, { status: 'delivered' });
  assert.match(reasonOf(partial.perEvent.e1!), /^Airtable answered 1 record for the 2 sent, none for this event/);
  assert.equal(statusOf(classify(answer(200, '<html>proxy</html>'))), 'retry');
  const limited = classify(answer(429, { errors: [{ error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' }] }, { 'retry-after': '1' }));
  assert.deepEqual(limited, { status: 'retry', throttled: true, retryAfterMs: 30_000, reason: 'Airtable rate limit reached (HTTP 429 RATE_LIMIT_REACHED: Rate limit exceeded. Please try again later): 5 requests a second per base, then 30 seconds\' wait' });
  assert.equal(statusOf(classify(answer(503))), 'retry');
  assert.equal(statusOf(classify(answer(408))), 'retry');
  assert.match(reasonOf(classify(airtableError(401, 'AUTHENTICATION_REQUIRED', 'Authentication required'))), /^Airtable refused the access token \(HTTP 401 AUTHENTICATION_REQUIRED: Authentication required\): check config\.access_token/);
  const denied = reasonOf(classify(airtableError(403, 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', 'Invalid permissions, or the requested model was not found.')));
  assert.match(denied, /^Airtable refused to write to the table "Web events" of the base appA1b2C3d4E5f6G7 \(HTTP 403 INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND: .*config\.access_token.*config\.base_id and config\.table/);
  assert.match(reasonOf(classify(answer(404, { error: 'NOT_FOUND' }))), /^Airtable has no table "Web events" in the base appA1b2C3d4E5f6G7, or the token may not see it \(HTTP 404 NOT_FOUND\): check config\.base_id and config\.table/);
  assert.deepEqual(statusOf(classify(answer(413))), 'split');
  assert.equal(statusOf(classify(answer(413), 1)), 'dead_letter');
  // An unknown field: every record would fail alike, so no split.
  const unknown = classify(airtableError(422, 'UNKNOWN_FIELD_NAME', 'Unknown field name: "Plan"'), 2, { fields: [{ field: 'Event', path: 'event' }, { field: 'Plan', path: 'traits.plan' }] });
  assert.equal(statusOf(unknown), 'dead_letter');
  assert.match(reasonOf(unknown), /^Airtable has no field "Plan" in the table "Web events" of the base appA1b2C3d4E5f6G7 \(HTTP 422 UNKNOWN_FIELD_NAME: Unknown field name: "Plan"\): create it, or fix the field "Plan" \(config\.fields\[1\]\)/);
  // A refused value: split down to the record, which is dead-lettered naming the field.
  const value = airtableError(422, 'INVALID_VALUE_FOR_COLUMN', 'Field "Revenue" cannot accept the provided value');
  assert.equal(statusOf(classify(value, 4)), 'split');
  assert.match(reasonOf(classify(value, 1)), /^Airtable refused the field "Revenue" \(HTTP 422 INVALID_VALUE_FOR_COLUMN/, 'a field no default fills');
  assert.match(reasonOf(classify(value, 1, { fields: [{ field: 'Revenue', path: 'properties.revenue' }] })), /^Airtable refused the field "Revenue" \(config\.fields\[0\]\) \(HTTP 422 INVALID_VALUE_FOR_COLUMN: Field "Revenue" cannot accept the provided value\): check the event's value there and the field's type in Airtable .*config\.typecast/);
  assert.match(reasonOf(classify(airtableError(422, 'INVALID_REQUEST_UNKNOWN', 'fieldsToMergeOn: field "Order" cannot be used to merge'), 1, { merge_on: ['Order'] })), /^Airtable refused the upsert .*config\.merge_on \(Order\)/);
  // A field's name holding "merge" is no upsert problem; the upsert's problems only for an upsert.
  const emergency = airtableError(422, 'INVALID_VALUE_FOR_COLUMN', 'Field "Emergency contact" cannot accept the provided value');
  assert.equal(statusOf(classify(emergency, 4, { merge_on: ['Emergency contact'] })), 'split');
  assert.equal(statusOf(classify(airtableError(422, 'INVALID_VALUE_FOR_COLUMN', 'Field "Merge notes" cannot accept the provided value'), 4, { merge_on: ['Order'] })), 'split');
  assert.match(reasonOf(classify(airtableError(422, 'INVALID_REQUEST_UNKNOWN', 'Multiple records match fieldsToMergeOn'), 4, { merge_on: ['Order'] })), /^Airtable refused the upsert/);
  // A computed field: every record refused alike, dead-lettered at once naming it.
  const computed = classify(airtableError(422, 'INVALID_VALUE_FOR_COLUMN', 'Field "Created" cannot accept a value because the field is computed'), 10, { fields: [{ field: 'Event', path: 'event' }, { field: 'Created', path: 'timestamp' }] });
  assert.equal(statusOf(computed), 'dead_letter');
  assert.match(reasonOf(computed), /^Airtable refused the field "Created" \(config\.fields\[1\]\), a computed field no record can fill .*take it out of config\.fields/);
  assert.equal(namedField('Cannot parse value "abc" for field Revenue'), 'Revenue');
  assert.equal(namedField('Field "A \\"quoted\\" name" cannot accept the provided value'), 'A "quoted" name');
});

test('formulas: the userId a double-quoted literal, backslashes and quotes escaped, control characters refused', () => {
  assert.equal(formulaText('u-1'), '"u-1"');
  assert.equal(formulaText('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(formulaText('") & TRUE() & ("'), '"\\") & TRUE() & (\\""', 'an injection stays inside the literal');
  assert.equal(formulaText("it's"), '"it\'s"');
  assert.equal(formulaText('two\nlines'), undefined);
  assert.equal(equalsFormula('User ID', 'u-1'), '{User ID}="u-1"');
  assert.equal(equalsFormula('User}ID', 'u-1'), undefined);
});

const FORGET = { user_id_field: 'User ID', forward_deletions: true };
const read = (response: VendorResponse, req: RequestDescriptor) => forgetPerson.read!(response, req, ctx(FORGET));

test('deletions: off by default; up to five lookups by filterByFormula, each followed by the deletion of the records holding the userId, the first leaving none the last', () => {
  assert.equal(forgetPerson.enabled(CONFIG), false);
  assert.equal(forgetPerson.enabled({ ...CONFIG, forward_deletions: true }), false, 'not without user_id_field');
  assert.equal(forgetPerson.enabled({ ...CONFIG, ...FORGET }), true);
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc123def456', emails: [] }, ctx(FORGET)), { skipped: 'records are found by the userId in config.user_id_field only, and the deletion names only an anonymousId: run deletePerson with the person\'s userId' });
  assert.ok('skipped' in (forgetPerson.request({ userId: 'a\nb', anonymousId: null, emails: [] }, ctx(FORGET)) as object));
  const lookups = forgetPerson.request({ userId: 'u-"1"', anonymousId: null, emails: [] }, ctx(FORGET)) as RequestDescriptor[];
  assert.equal(lookups.length, ROUNDS);
  assert.equal(MAX_DELETED, 50);
  assert.equal(lookups[0]!.method, 'GET');
  assert.equal(lookups[0]!.url, URL_OF_TABLE);
  assert.deepEqual(lookups[0]!.query, [['filterByFormula', '{User ID}="u-\\"1\\""'], ['pageSize', '10'], ['fields[]', 'User ID']]);
  assert.equal(lookups[0]!.headers!.authorization, `Bearer ${TOKEN}`);

  // Nobody: done, and the last request (the rounds after it are not sent). Someone (the core
  // hides the userId as […]): the DELETE of those holding it.
  assert.deepEqual(read(answer(200, { records: [] }), lookups[0]!), { done: true, last: true, message: 'Airtable has no record whose User ID is the userId: nothing to delete' });
  assert.deepEqual(read(answer(200, { records: [] }), lookups[1]!), { done: true, last: true, message: 'no more records' });
  const found = read(answer(200, { records: [{ id: 'recA1b2C3d4E5f6G7', fields: { 'User ID': '[…]' } }, { id: 'recB2c3D4e5F6g7H8', fields: { 'User ID': '[…]' } }] }), lookups[0]!) as { next: RequestDescriptor };
  assert.equal(found.next.method, 'DELETE');
  assert.equal(found.next.url, URL_OF_TABLE);
  assert.deepEqual(found.next.query, [['records[]', 'recA1b2C3d4E5f6G7'], ['records[]', 'recB2c3D4e5F6g7H8']]);
  // The lookup answered every record holding the userId (no offset): their deletion is the last request.
  assert.deepEqual(read(answer(200, { records: [{ id: 'recA1b2C3d4E5f6G7', deleted: true }, { id: 'recB2c3D4e5F6g7H8', deleted: true }] }), found.next), { done: true, last: true, message: 'Airtable deleted 2 records' });
  // Fewer deleted than asked: the next round looks again.
  assert.deepEqual(read(answer(200, { records: [{ id: 'recA1b2C3d4E5f6G7', deleted: true }] }), found.next), { done: true, message: 'Airtable deleted 1 record of the 2 asked' });
  // Records not holding the userId exactly (a formula read otherwise): kept, never deleted; the
  // deletion done when no page follows (the person's own are gone), failed when one does.
  assert.deepEqual(read(answer(200, { records: [{ id: 'recA1b2C3d4E5f6G7', fields: { 'User ID': 'U-1' } }] }), lookups[1]!), { done: true, last: true, message: 'no more records; 1 record Airtable\'s formula matched, whose User ID is not exactly the userId (another letter case?), kept' });
  assert.match((read(answer(200, { records: [{ id: 'recA1b2C3d4E5f6G7', fields: { 'User ID': 'U-1' } }], offset: 'itrX/recY' }), lookups[0]!) as { failed: string }).failed, /none holding the userId exactly, and more follow: nothing was deleted/);
  const mixed = read(answer(200, { records: [{ id: 'recA1b2C3d4E5f6G7', fields: { 'User ID': 'U-1' } }, { id: 'recB2c3D4e5F6g7H8', fields: { 'User ID': '[…]' } }] }), lookups[0]!) as { next: RequestDescriptor };
  assert.deepEqual(mixed.next.query, [['records[]', 'recB2c3D4e5F6g7H8']], 'only the record holding the userId');
  // Their deletion is the last request, and says what the lookup kept.
  assert.deepEqual(read(answer(200, { records: [{ id: 'recB2c3D4e5F6g7H8', deleted: true }] }), mixed.next), { done: true, last: true, message: 'Airtable deleted 1 record; 1 record Airtable\'s formula matched, whose User ID is not exactly the userId (another letter case?), kept' });
  // A short userId the core hid inside a record's id or the field's name: failed saying so, nothing deleted.
  assert.match((read(answer(200, { records: [{ id: 'recA[…]b2C3d4E5f6G', fields: { 'User ID': '[…]' } }] }), lookups[0]!) as { failed: string }).failed, /1 record Signal cannot name \(the userId is part of the record ids or of the field's name/);
  assert.ok('failed' in read(answer(200, { records: [{ id: 'recA1b2C3d4E5f6G7', fields: { 'User […]': '[…]' } }] }), lookups[0]!));
  // Named beside one Signal cannot name: deleted, not the last (a next round looks again).
  const partly = read(answer(200, { records: [{ id: 'recA1b2C3d4E5f6G7', fields: { 'User ID': '[…]' } }, { id: 'recA[…]b2C3d4E5f6G', fields: { 'User ID': '[…]' } }] }), lookups[0]!) as { next: RequestDescriptor };
  assert.deepEqual(read(answer(200, { records: [{ id: 'recA1b2C3d4E5f6G7', deleted: true }] }), partly.next), { done: true, message: 'Airtable deleted 1 record' });
  // The last round with more records after it: failed, saying to run it again.
  const last = read(answer(200, { records: [{ id: 'recA1b2C3d4E5f6G7', fields: { 'User ID': '[…]' } }], offset: 'itrX/recY' }), lookups[ROUNDS - 1]!) as { next: RequestDescriptor };
  assert.match((read(answer(200, { records: [{ id: 'recA1b2C3d4E5f6G7', deleted: true }] }), last.next) as { failed: string }).failed, /^Airtable deleted 1 record; more records hold the userId than the 50 one deletion deletes: run the deletion again/);
  const notLast = read(answer(200, { records: [{ id: 'recA1b2C3d4E5f6G7', fields: { 'User ID': '[…]' } }], offset: 'itrX/recY' }), lookups[0]!) as { next: RequestDescriptor };
  assert.deepEqual(read(answer(200, { records: [{ id: 'recA1b2C3d4E5f6G7', deleted: true }] }), notLast.next), { done: true, message: 'Airtable deleted 1 record' });
  // Failures.
  const limited: ForgetOutcome = read(answer(429), lookups[0]!);
  assert.deepEqual(limited, { retry: 'Airtable rate limit reached (HTTP 429)', afterSeconds: 30 });
  assert.ok('retry' in read(answer(503), lookups[0]!));
  assert.ok('retry' in read(answer(404, { error: 'NOT_FOUND' }), found.next), 'a record gone before its deletion: looked up again');
  assert.match((read(airtableError(403, 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND'), lookups[0]!) as { failed: string }).failed, /data\.records:read and data\.records:write/);
  assert.match((read(airtableError(422, 'INVALID_FILTER_BY_FORMULA', 'The formula for filtering records is invalid: Unknown field names: user id'), lookups[0]!) as { failed: string }).failed, /check config\.user_id_field/);
});
