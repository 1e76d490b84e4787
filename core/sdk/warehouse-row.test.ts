import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from './types.ts';
import { warehouseRow, warehouseRowWithoutContactInfo, WITHOUT_CONTACT_INFO, type WarehouseRowDialect } from './warehouse-row.ts';

/** A warehouse reading every name as mapped, JSON as text (like BigQuery). */
const PLAIN: WarehouseRowDialect = { timeType: 'TIMESTAMP', json: 'text', requiredBecause: 'which the table declares NOT NULL', shippedBlueprint: 'the shipped blueprint maps' };
/** A warehouse with a name rule on every column, folding to lower case (like Redshift). */
const LOWER: WarehouseRowDialect = {
  timeType: 'TIMESTAMPTZ', json: 'value', requiredBecause: 'which the table declares NOT NULL', shippedBlueprint: 'the shipped blueprint maps',
  columnNames: { pattern: /^[A-Za-z_][A-Za-z0-9_$]*$/, rule: 'a column name Lower reads holds letters, digits, _ and $', checkedOn: 'every column' },
  caseFolding: { fold: (name) => name.toLowerCase(), rowNamesFolded: true, readsBothAs: (folded) => `Lower reads both as ${folded}` },
  warnsNonIdValue: true,
};
/** A warehouse with a name rule on extra columns, folding to upper case, rows named as mapped (like Snowflake). */
const UPPER: WarehouseRowDialect = {
  timeType: 'TIMESTAMP_TZ', json: 'value', requiredBecause: 'which the table declares NOT NULL', shippedBlueprint: 'the shipped blueprints map',
  columnNames: { pattern: /^[A-Za-z_][A-Za-z0-9_$]*$/, rule: 'a column name Upper reads holds letters, digits, _ and $', checkedOn: 'extra columns' },
  caseFolding: { fold: (name) => name.toUpperCase(), rowNamesFolded: false, readsBothAs: (folded) => `Upper reads both as ${folded}` },
};

const REQUIRED = { message_id: 'm-1', type: 'track', timestamp: '2026-03-24T17:00:00+01:00', received_at: 1774368001000 };

function rowAndWarnings(payload: JsonObject, dialect: WarehouseRowDialect, variant = 'default'): { row: JsonObject; warnings: string[] } {
  const warnings: string[] = [];
  const row = warehouseRow(payload, dialect, { warn: (message) => warnings.push(message), variant });
  return { row, warnings };
}

test('warehouseRow: ids without placeholders, text as text, times in UTC, in the payload\'s key order, whatever the dialect', () => {
  for (const dialect of [PLAIN, LOWER, UPPER]) {
    const { row } = rowAndWarnings({ ...REQUIRED, event: 42, name: true, user_id: 'undefined', anonymous_id: 7, group_id: 'null', previous_id: 'df_1', sent_at: '2026-03-24' }, dialect);
    assert.deepEqual(row, {
      message_id: 'm-1', type: 'track', timestamp: '2026-03-24T16:00:00.000Z', received_at: '2026-03-24T16:00:01.000Z',
      event: '42', name: 'true', anonymous_id: '7', previous_id: 'df_1', sent_at: '2026-03-24T00:00:00.000Z',
    });
    assert.deepEqual(Object.keys(row), ['message_id', 'type', 'timestamp', 'received_at', 'event', 'name', 'anonymous_id', 'previous_id', 'sent_at']);
  }
});

test('warehouseRow: JSON columns as values or as JSON text; null and missing values left out', () => {
  const payload = { ...REQUIRED, properties: { plan: 'pro' }, traits: null, context: ['a'], event: null };
  assert.deepEqual(warehouseRow(payload, LOWER).properties, { plan: 'pro' });
  assert.deepEqual(warehouseRow(payload, LOWER).context, ['a']);
  assert.equal(warehouseRow(payload, PLAIN).properties, '{"plan":"pro"}');
  assert.equal(warehouseRow(payload, PLAIN).context, '["a"]');
  assert.equal('traits' in warehouseRow(payload, PLAIN), false);
  assert.equal('event' in warehouseRow(payload, PLAIN), false);
});

test('warehouseRow: a required time it cannot read refused naming the column type and years; an optional one left out, said', () => {
  assert.throws(() => warehouseRow({ ...REQUIRED, timestamp: 'soon' }, UPPER), {
    name: 'PermanentError',
    message: 'timestamp: "soon" is not a time the table\'s TIMESTAMP_TZ column takes (ISO 8601 or epoch seconds or milliseconds, years 1 to 9999): check what the blueprint maps to timestamp',
  });
  const narrow: WarehouseRowDialect = { ...PLAIN, timeType: 'DateTime64', timeRange: { minMs: Date.UTC(1900, 0, 1), maxMs: Date.UTC(2299, 11, 31, 23, 59, 59, 999), years: '1900 to 2299' } };
  assert.throws(() => warehouseRow({ ...REQUIRED, received_at: '1899-12-31' }, narrow), {
    message: 'received_at: "1899-12-31" is not a time the table\'s DateTime64 column takes (ISO 8601 or epoch seconds or milliseconds, years 1900 to 2299): check what the blueprint maps to received_at',
  });
  assert.equal(warehouseRow({ ...REQUIRED, sent_at: '1899-12-31' }, PLAIN).sent_at, '1899-12-31T00:00:00.000Z');
  const { row, warnings } = rowAndWarnings({ ...REQUIRED, sent_at: '1899-12-31' }, narrow);
  assert.equal('sent_at' in row, false);
  assert.deepEqual(warnings, ['sent_at left out: "1899-12-31" is not a time (ISO 8601 or epoch seconds or milliseconds)']);
  // Without a warn channel nothing is said, and the row is the same.
  assert.deepEqual(warehouseRow({ ...REQUIRED, sent_at: 'yesterday' }, narrow), warehouseRow(REQUIRED, narrow));
});

test('warehouseRow: a row without a required column (or with it empty) refused, saying why and where the shipped blueprint maps it from', () => {
  const { message_id: _dropped, ...withoutId } = REQUIRED;
  assert.throws(() => warehouseRow(withoutId, LOWER), {
    name: 'PermanentError',
    message: 'the row has no message_id, which the table declares NOT NULL: the blueprint must map it (the shipped blueprint maps it from the event\'s messageId)',
  });
  assert.throws(() => warehouseRow({ ...REQUIRED, received_at: null }, UPPER), { message: /^the row has no received_at, which the table declares NOT NULL: the blueprint must map it \(the shipped blueprints map it from the event's receivedAt\)$/ });
  const sorted: WarehouseRowDialect = { ...PLAIN, requiredBecause: 'which the table\'s sorting key reads' };
  assert.throws(() => warehouseRow({ ...REQUIRED, type: '' }, sorted), { message: 'the row has no type, which the table\'s sorting key reads: the blueprint must map it (the shipped blueprint maps it from the event\'s type)' });
  assert.equal(warehouseRow({ ...REQUIRED, message_id: 'null' }, PLAIN).message_id, 'null', 'text columns keep what ids would lose as placeholders');
});

test('warehouseRow: an id column holding neither text nor a number said only by a dialect that warns of it', () => {
  assert.deepEqual(rowAndWarnings({ ...REQUIRED, user_id: { id: 'u-1' }, anonymous_id: 'undefined' }, LOWER).warnings, ['user_id left out: {"id":"u-1"} is not an id (text or a number): check what the blueprint maps to user_id']);
  assert.deepEqual(rowAndWarnings({ ...REQUIRED, user_id: { id: 'u-1' } }, UPPER).warnings, []);
  assert.equal('user_id' in warehouseRow({ ...REQUIRED, user_id: { id: 'u-1' } }, UPPER), false);
});

test('warehouseRow: extra columns passed on as mapped; a name the warehouse does not read left out, said', () => {
  assert.deepEqual(rowAndWarnings({ ...REQUIRED, 'bad-name': 1, plan: { tier: 'pro' } }, PLAIN), { row: { ...warehouseRow(REQUIRED, PLAIN), 'bad-name': 1, plan: { tier: 'pro' } }, warnings: [] });
  for (const dialect of [LOWER, UPPER]) {
    const { row, warnings } = rowAndWarnings({ ...REQUIRED, 'bad-name': 1, plan: 'pro' }, dialect);
    assert.equal(row.plan, 'pro');
    assert.equal('bad-name' in row, false);
    assert.deepEqual(warnings, [`bad-name left out: ${dialect.columnNames!.rule} (rename it in the blueprint)`]);
  }
});

test('warehouseRow: names alike but for letter case are one column: the first kept, the others left out, said', () => {
  const lower = rowAndWarnings({ ...REQUIRED, Plan: 'pro', PLAN: 'free', USER_ID: 'u-1', Timestamp: 1 }, LOWER);
  assert.equal(lower.row.plan, 'pro');
  assert.equal(lower.row.user_id, 'u-1', 'the folded name is the column: USER_ID is the id column');
  assert.equal(lower.row.timestamp, '2026-03-24T16:00:00.000Z');
  assert.deepEqual(lower.warnings, [
    'PLAN left out: another column of the row has the same name in another letter case, and Lower reads both as plan',
    'Timestamp left out: another column of the row has the same name in another letter case, and Lower reads both as timestamp',
  ]);
  const upper = rowAndWarnings({ ...REQUIRED, Plan: 'pro', plan: 'free' }, UPPER);
  assert.equal(upper.row.Plan, 'pro', 'the row names the column as mapped');
  assert.equal('plan' in upper.row, false);
  assert.deepEqual(upper.warnings, ['plan left out: another column of the row has the same name in another letter case, and Upper reads both as PLAN']);
  // No folding: both names are passed on.
  assert.deepEqual(rowAndWarnings({ ...REQUIRED, Plan: 'pro', plan: 'free' }, PLAIN).row, { ...warehouseRow(REQUIRED, PLAIN), Plan: 'pro', plan: 'free' });
});

test('warehouseRow: a name read as one of the README\'s columns is that column, named as the README names it, whatever the dialect folds to', () => {
  const payload = { MESSAGE_ID: 'm-1', Type: 'track', TIMESTAMP: '2026-03-24T17:00:00+01:00', received_at: 1774368001000, USER_ID: 'undefined', Anonymous_ID: 7, PROPERTIES: { plan: 'pro' }, Plan: 'pro' };
  for (const dialect of [LOWER, UPPER]) {
    const { row, warnings } = rowAndWarnings(payload, dialect);
    assert.deepEqual(Object.keys(row), ['message_id', 'type', 'timestamp', 'received_at', 'anonymous_id', 'properties', dialect === LOWER ? 'plan' : 'Plan']);
    assert.equal('user_id' in row || 'USER_ID' in row, false, 'a placeholder id is left out whatever the case of its name');
    assert.equal(row.timestamp, '2026-03-24T16:00:00.000Z');
    assert.equal(row.anonymous_id, '7');
    assert.deepEqual(row.properties, { plan: 'pro' });
    assert.deepEqual(warnings, []);
  }
  // A warehouse that tells names apart by case: USER_ID is a column of its own, passed on as mapped.
  assert.equal(rowAndWarnings({ ...REQUIRED, USER_ID: 'undefined' }, PLAIN).row.USER_ID, 'undefined');
  // The README column's twin is left out, whichever comes first.
  assert.deepEqual(rowAndWarnings({ ...REQUIRED, USER_ID: 'u-1', user_id: 'u-2' }, UPPER), {
    row: { ...warehouseRow(REQUIRED, UPPER), user_id: 'u-1' },
    warnings: ['user_id left out: another column of the row has the same name in another letter case, and Upper reads both as USER_ID'],
  });
});

test('warehouseRow: a name refused on every column is no column; on extra columns only, it still counts for letter case', () => {
  assert.deepEqual(rowAndWarnings({ ...REQUIRED, 'a-b': 1, 'A-B': 2 }, LOWER).warnings, [
    `a-b left out: ${LOWER.columnNames!.rule} (rename it in the blueprint)`,
    `A-B left out: ${LOWER.columnNames!.rule} (rename it in the blueprint)`,
  ]);
  assert.deepEqual(rowAndWarnings({ ...REQUIRED, 'a-b': 1, 'A-B': 2 }, UPPER).warnings, [
    `a-b left out: ${UPPER.columnNames!.rule} (rename it in the blueprint)`,
    'A-B left out: another column of the row has the same name in another letter case, and Upper reads both as A-B',
  ]);
});

test('warehouseRow: the without_contact_info variant cleans the row first; warehouseRowWithoutContactInfo alone', () => {
  const payload = { ...REQUIRED, user_id: 'jane@example.com', anonymous_id: 'df_1', properties: { plan: 'pro', email: 'jane@example.com' }, context: { ip: '203.0.113.9', page: { url: 'https://shop.example.com/?e=jane%40example.com' } } };
  assert.equal(WITHOUT_CONTACT_INFO, 'without_contact_info');
  for (const dialect of [PLAIN, LOWER, UPPER]) {
    const { row } = rowAndWarnings(payload, dialect, WITHOUT_CONTACT_INFO);
    assert.equal('user_id' in row, false);
    assert.equal(row.anonymous_id, 'df_1');
    const properties = dialect.json === 'text' ? JSON.parse(String(row.properties)) : row.properties;
    const context = dialect.json === 'text' ? JSON.parse(String(row.context)) : row.context;
    assert.deepEqual(properties, { plan: 'pro' });
    assert.deepEqual(context, { page: { url: 'https://shop.example.com/' } });
    assert.equal(rowAndWarnings(payload, dialect).row.user_id, 'jane@example.com', 'another variant sends what is mapped');
  }
  assert.deepEqual(warehouseRowWithoutContactInfo({ user_id: '+14155550123', group_id: 'g-1', properties: { phone: '+14155550123', plan: 'pro' } }), { group_id: 'g-1', properties: { plan: 'pro' } });
});
