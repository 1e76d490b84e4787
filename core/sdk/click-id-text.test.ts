import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickIdText } from './click-id-text.ts';

test('a click id: trimmed text of the network\'s format, no placeholder, not the parameter\'s own name', () => {
  const qclidOf = clickIdText(/^[A-Za-z0-9._~:|%-]{1,500}$/, 'qclid');
  assert.equal(qclidOf(' 0|212106239366182|0 '), '0|212106239366182|0');
  assert.equal(qclidOf('undefined'), undefined, 'a placeholder an empty variable left');
  assert.equal(qclidOf(' NULL '), undefined);
  assert.equal(qclidOf('QCLID'), undefined, 'the parameter\'s own name: an unexpanded macro');
  assert.equal(qclidOf('a b'), undefined, 'not the format');
  assert.equal(qclidOf(42), undefined, 'not text');
  assert.equal(qclidOf(undefined), undefined);
  const anyName = clickIdText(/^[a-z]{3,}$/);
  assert.equal(anyName('qclid'), 'qclid', 'without a parameter, its name is no exception');
});
