import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { compileTransforms, hashIdentifier, normalizePhone, TransformError } from './transforms.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const run = (steps: Parameters<typeof compileTransforms>[0], value: unknown) => compileTransforms(steps)(value);
const fails = (steps: Parameters<typeof compileTransforms>[0], value: unknown, message: RegExp) =>
  assert.throws(() => run(steps, value), (e: unknown) => e instanceof TransformError && message.test(e.message));

test('text: lowercase, uppercase, trim, truncate', () => {
  assert.equal(run(['lowercase'], 'HeLLo'), 'hello');
  assert.equal(run(['uppercase'], 'gbp'), 'GBP');
  assert.equal(run(['trim'], '  a b  '), 'a b');
  assert.equal(run([{ truncate: 3 }], 'abcdef'), 'abc');
  assert.equal(run([{ truncate: 2 }], '😀😀😀'), '😀😀', 'by characters, not bytes');
  assert.equal(run(['lowercase'], 42), '42', 'numbers become text');
  fails(['lowercase'], { a: 1 }, /lowercase expects text, got object/);
  assert.throws(() => compileTransforms([{ truncate: -1 }]), /truncate needs a whole number ≥ 0/);
});

test('sha256 normalises emails and phones; a digest passes unchanged', () => {
  assert.equal(run(['sha256'], ' Jane.Doe@Example.COM '), sha('jane.doe@example.com'));
  assert.equal(run(['sha256'], '+44 7700 900123'), sha('+447700900123'));
  assert.equal(run(['sha256'], '0044 (7700) 900-123'), sha('+447700900123'));
  assert.equal(run([{ sha256: { default_country_code: 44 } }], '07700 900123'), sha('+447700900123'));
  const digest = sha('x');
  assert.equal(run(['sha256'], digest.toUpperCase()), digest);
  fails(['sha256'], '07700 900123', /no country code/);
  fails(['sha256'], '   ', /empty/);
  assert.equal(hashIdentifier('External-ID-9'), sha('external-id-9'));
});

test('e164', () => {
  assert.equal(normalizePhone('+1 (555) 123-4567'), '+15551234567');
  assert.equal(run([{ e164: { default_country_code: '1' } }], '555 123 4567'), '+15551234567');
  fails(['e164'], '+12', /not a phone number/);
});

test('dates: to_unix_seconds, to_unix_ms, to_iso8601', () => {
  assert.equal(run(['to_unix_ms'], '2024-03-24T16:00:00.000Z'), 1711296000000);
  assert.equal(run(['to_unix_seconds'], '2024-03-24T16:00:00.900Z'), 1711296000);
  assert.equal(run(['to_iso8601'], 1711296000), '2024-03-24T16:00:00.000Z', 'epoch seconds');
  assert.equal(run(['to_iso8601'], 1711296000000), '2024-03-24T16:00:00.000Z', 'epoch ms');
  fails(['to_unix_ms'], 'next tuesday', /is not a date/);
});

test('numbers: to_number, to_int, round', () => {
  assert.equal(run(['to_number'], ' 89.99 '), 89.99);
  assert.equal(run(['to_int'], '-7.9'), -7);
  assert.equal(run([{ round: 2 }], 1.005 * 100 / 100 + 0.0001), 1.01);
  assert.equal(run(['round'], 2.5), 3);
  fails(['to_number'], 'twelve', /"twelve" is not a number/);
  fails(['to_number'], '', /is not a number/);
});

test('to_string and to_boolean', () => {
  assert.equal(run(['to_string'], 12), '12');
  assert.equal(run(['to_string'], { a: 1 }), '{"a":1}');
  assert.equal(run(['to_boolean'], 'Yes'), true);
  assert.equal(run(['to_boolean'], 0), false);
  fails(['to_boolean'], 'maybe', /not a boolean/);
});

test('lists: split, join, and scalar transforms element by element', () => {
  assert.deepEqual(run([{ split: '|' }], 'a| b |c'), ['a', 'b', 'c']);
  assert.equal(run([{ join: ';' }], ['a', 'b']), 'a;b');
  assert.deepEqual(run(['to_number'], ['1', '2.5']), [1, 2.5]);
  assert.deepEqual(run(['split', 'uppercase', { join: '-' }], 'x,y'), 'X-Y');
});

test('default fills missing, null and empty values; other transforms skip missing ones', () => {
  assert.equal(run([{ default: 'unknown' }], undefined), 'unknown');
  assert.equal(run([{ default: 0 }], ''), 0);
  assert.equal(run([{ default: 'x' }], 'kept'), 'kept');
  assert.equal(run(['lowercase'], undefined), undefined);
  assert.equal(run(['trim', { default: 'n/a' }], null), 'n/a');
});

test('lookup and currency', () => {
  const table = { lookup: { table: { purchase: 'Order Completed', view_item: 'Product Viewed' }, default: 'Other' } };
  assert.equal(run([table], 'purchase'), 'Order Completed');
  assert.equal(run([table], 'nope'), 'Other');
  fails([{ lookup: { table: { a: 1 } } }], 'b', /"b" is not in the table/);
  assert.throws(() => compileTransforms([{ lookup: { a: 1 } }]), /lookup needs \{table/);
  assert.equal(run(['currency'], ' gbp '), 'GBP');
  fails(['currency'], 'pounds', /not an ISO 4217 code/);
});

test('unknown transforms and malformed steps are refused at compile time', () => {
  assert.throws(() => compileTransforms(['shout']), /unknown transform "shout"; known: lowercase/);
  assert.throws(() => compileTransforms([{ trim: true, lowercase: true }]), /one-key object/);
  assert.throws(() => compileTransforms([{ sha256: { default_country_code: 'UK' } }]), /default_country_code must be 1 to 3 digits/);
});
