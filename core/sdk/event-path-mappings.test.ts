import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventPathMappings, pathAlternatives } from './event-path-mappings.ts';

const columns = eventPathMappings({
  field: 'columns', nameKey: 'header', entryWord: 'column', nameHint: 'give the column\'s name',
  leftEmpty: 'its cells stay empty', sameName: { as: 'warning', message: 'another column has the same header', anyCase: true },
});
const fields = eventPathMappings({
  field: 'fields', nameKey: 'field', entryWord: 'entry', nameHint: 'give the field\'s name',
  leftEmpty: 'its field stays empty', sameName: { as: 'problem', message: 'another entry fills the same field', anyCase: false },
});

test('pathAlternatives: split at | and trimmed', () => {
  assert.deepEqual(pathAlternatives('traits.email | context.traits.email'), ['traits.email', 'context.traits.email']);
  assert.deepEqual(pathAlternatives('userId'), ['userId']);
});

test('of: the defaults under the vendor\'s key, contact entries after Anonymous ID only when included; a configured list as given, trimmed', () => {
  assert.deepEqual(columns.of({}).map((c) => c.header), ['Timestamp', 'Type', 'Event', 'User ID', 'Anonymous ID', 'Page URL', 'Referrer', 'Properties', 'Traits', 'Message ID', 'Received At']);
  const withContact = fields.of({ include_contact_info: true }).map((f) => f.field);
  assert.deepEqual(withContact.slice(4, 7), ['Anonymous ID', 'Email', 'Phone']);
  assert.equal(withContact.length, 13);
  assert.deepEqual(fields.of({ fields: [{ field: ' Revenue ', path: ' properties.revenue ' }, 'x'] }), [{ field: 'Revenue', path: 'properties.revenue' }]);
  assert.deepEqual(fields.of({ fields: [] }).length, 11, 'an empty list is the defaults');
  assert.throws(() => { (columns.defaults[0] as { header: string }).header = 'x'; }, TypeError, 'the defaults are frozen');
});

test('problems: each names the entry, in the vendor\'s words', () => {
  assert.deepEqual(columns.problems(undefined), []);
  assert.deepEqual(columns.problems('x'), [{ field: 'columns', message: 'must be a list of columns, each { "header": "Revenue", "path": "properties.revenue" }' }]);
  assert.deepEqual(fields.problems([7]), [{ field: 'fields', message: 'fields[0] is 7: each entry is { "field": "Revenue", "path": "properties.revenue" }' }]);
  assert.deepEqual(columns.problems([{ path: 'userId' }]), [{ field: 'columns', message: 'columns[0] has no header: give the column\'s name' }]);
  assert.deepEqual(columns.problems([{ header: 'A' }]), [{ field: 'columns', message: 'columns[0] ("A") has no path: say where in the event its value is, e.g. properties.revenue or context.page.url' }]);
  const [misnamed] = columns.problems([{ header: 'Revenue', path: 'revenue' }]);
  assert.match(misnamed!.message, /^columns\[0\] \("Revenue"\) path "revenue": it starts with "revenue", which is no field of a Signal event \(.*\): did you mean properties\.revenue, traits\.revenue or context\.revenue\?$/);
  assert.match(columns.problems([{ header: 'U', path: 'UserId' }])[0]!.message, /did you mean "userId" \(names are case-sensitive\)\?$/);
  assert.match(columns.problems([{ header: 'E', path: 'traits.email||context.traits.email' }])[0]!.message, /it has an empty alternative/);
});

test('a name given twice: a problem (exact names) or a warning (any case), as the vendor says', () => {
  const twice = [{ field: 'A', path: 'userId' }, { field: 'A', path: 'type' }, { field: 'a', path: 'type' }];
  assert.deepEqual(fields.problems(twice), [{ field: 'fields', message: 'fields[1] ("A"): another entry fills the same field' }]);
  assert.deepEqual(fields.warnings(twice, true), []);
  const headers = [{ header: 'A', path: 'userId' }, { header: 'a', path: 'type' }];
  assert.deepEqual(columns.problems(headers), []);
  assert.deepEqual(columns.warnings(headers, true), [{ field: 'columns', message: 'columns[1] ("a"): another column has the same header' }]);
});

test('warnings: an entry reading contact information while it is left out', () => {
  const list = [{ header: 'Email', path: 'traits.email' }, { header: 'IP', path: 'context.ip' }, { header: 'Plan', path: 'traits.plan' }];
  assert.deepEqual(columns.warnings(list, false).map((w) => w.message), [
    'columns[0] ("Email") reads traits.email, contact information: its cells stay empty while include_contact_info is off',
    'columns[1] ("IP") reads context.ip, contact information: its cells stay empty while include_contact_info is off',
  ]);
  assert.deepEqual(columns.warnings(list, true), []);
  assert.deepEqual(fields.warnings(undefined, false), []);
});
