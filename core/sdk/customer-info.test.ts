import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { asText, customerInfo } from './customer-info.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const email = (value: string) => (value.includes('@') ? value.trim().toLowerCase() : undefined);
const fields = customerInfo<{ suffix?: string }>({
  hashed: { em: email, id: (value, options) => `${value.trim()}${options.suffix ?? ''}` || undefined },
  shape: (field) => (field === 'em' ? 'one-or-list' : 'list'),
  clear: { ip: asText, city: (value) => value.trim().toLowerCase() || undefined },
});

test('declared fields only: hashed ones hashed after their normaliser, clear ones as text, the rest named as left out', () => {
  const { fields: sent, unusable } = fields.normalize({ em: ' Jane@Example.com ', id: 'u-1', ip: '203.0.113.42', city: ' Leeds ', email: 'jane@example.com', phone: '+447700900123' }, {});
  assert.deepEqual(sent, { em: sha256('jane@example.com'), id: [sha256('u-1')], ip: '203.0.113.42', city: 'leeds' });
  assert.deepEqual(unusable, ['email', 'phone'], 'keys the vendor does not take are never sent: they may be contact data');
});

test('lists: duplicates hashed once, shapes as declared; unusable values and lists in clear fields named', () => {
  const { fields: sent, unusable } = fields.normalize({ em: ['a@x.com', ' A@X.com', 'b@x.com', 'nobody'], id: 'u-1', ip: ['203.0.113.42'], city: '   ' }, { suffix: '!' });
  assert.deepEqual(sent, { em: [sha256('a@x.com'), sha256('b@x.com')], id: [sha256('u-1!')] }, 'options reach the normalisers');
  assert.deepEqual(unusable, ['ip', 'city']);
  assert.deepEqual(fields.normalize({ em: 'not an address' }, {}), { fields: {}, unusable: ['em'] });
});

test('a digest passes unchanged; empty values are skipped; anything but an object gives nothing', () => {
  const digest = sha256('jane@example.com');
  assert.equal(fields.hashField('em', digest.toUpperCase(), {}), digest);
  assert.equal(fields.hashField('em', { a: 1 } as never, {}), undefined);
  assert.equal(fields.hashField('nope', 'x', {}), undefined, 'an undeclared field is never hashed');
  assert.deepEqual(fields.normalize({ em: '', id: null, ip: [] }, {}), { fields: {}, unusable: [] });
  assert.deepEqual(fields.normalize('jane@example.com', {}), { fields: {}, unusable: [] });
});

test('a vendor documenting SHA-1 declares it: its fields hashed with SHA-1, a SHA-1 digest passes unchanged, a SHA-256 one is no digest of it', () => {
  const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
  const sha1Fields = customerInfo<unknown>({ hashed: { CustomerEmail: email }, shape: () => 'single', clear: {}, digest: 'sha1' });
  assert.equal(sha1Fields.hashField('CustomerEmail', ' Jane@Example.com ', {}), sha1('jane@example.com'));
  assert.equal(sha1Fields.hashField('CustomerEmail', sha1('jane@example.com').toUpperCase(), {}), sha1('jane@example.com'), 'not hashed twice');
  assert.equal(sha1Fields.hashField('CustomerEmail', sha256('jane@example.com'), {}), undefined, 'not a SHA-1 digest, and no address: nothing');
  assert.deepEqual(sha1Fields.normalize({ CustomerEmail: ['a@x.com', 'b@x.com'] }, {}), { fields: { CustomerEmail: sha1('a@x.com') }, unusable: [] });
  assert.equal(fields.hashField('em', sha1('jane@example.com'), {}), undefined, 'SHA-256 by default: 40 hex characters are no digest of it');
});
