import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auditArguments, listAuditStatement, resultIdsOf } from './audit-log.ts';

test('auditArguments keeps a config as its field names, and no credential or personal data at any depth', () => {
  assert.deepEqual(auditArguments({
    input: { vendor: 'meta_capi', name: 'Meta', config: { pixel_id: '1', access_token: 'EAAB' }, consentCategories: ['advertising'] },
    headers: { authorization: 'Bearer x' }, apiKey: 'k', client_secret: 's', refreshToken: 'r',
    userId: 'jane@example.com', anonymousId: 'a1', events: [{ userId: 'u' }], traits: { email: 'e' },
  }), {
    input: { vendor: 'meta_capi', name: 'Meta', config: '[config: access_token, pixel_id]', consentCategories: ['advertising'] },
    headers: { authorization: '[secret]' }, apiKey: '[secret]', client_secret: '[secret]', refreshToken: '[secret]',
    userId: '[personal data]', anonymousId: '[personal data]', events: '[personal data]', traits: '[personal data]',
  });
});

test('auditArguments cuts long texts and lists, and stops at depth', () => {
  const code = 'x'.repeat(1200);
  assert.deepEqual(auditArguments({ code }), { code: `${'x'.repeat(500)}… (1200 characters)` });
  const list = auditArguments({ ids2: Array.from({ length: 25 }, (_, i) => i) }) as { ids2: unknown[] };
  assert.equal(list.ids2.length, 21);
  assert.equal(list.ids2[20], '… 5 more');
  assert.deepEqual(auditArguments({ a: { b: { c: { d: { e: { f: 1 } } } } } }), { a: { b: { c: { d: { e: '[nested too deep]' } } } } });
  assert.equal(auditArguments(undefined), null);
});

test('resultIdsOf takes id fields only, at the top and one level down, never other values', () => {
  assert.deepEqual(resultIdsOf({ id: 'p1', key: 'sig_secret' }), ['p1']);
  assert.deepEqual(resultIdsOf({ template: { id: 't1' }, revision: { id: 'r1' }, assignment: null, token: 'sig_admin_x' }), ['t1', 'r1']);
  assert.deepEqual(resultIdsOf([{ id: 'x' }]), []);
  assert.deepEqual(resultIdsOf(true), []);
});

test('listAuditStatement puts every filter in parameters, the limit last', () => {
  const statement = listAuditStatement({ limit: 10, before: '42', operation: "x'; DROP TABLE y; --", actor: 'alice', since: '2026-01-01T00:00:00.000Z' });
  assert.match(statement.text, /WHERE id < \$1 AND operation = \$2 AND actor = \$3 AND at >= \$4 ORDER BY admin_audit_log\.id DESC LIMIT \$5/);
  assert.deepEqual(statement.values, ['42', "x'; DROP TABLE y; --", 'alice', '2026-01-01T00:00:00.000Z', 10]);
  assert.doesNotMatch(statement.text, /DROP/);
  assert.match(listAuditStatement({ limit: 5 }).text, /FROM signal\.admin_audit_log\s+ORDER BY admin_audit_log\.id DESC LIMIT \$1/);
});
