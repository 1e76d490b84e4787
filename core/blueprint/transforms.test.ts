import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { compileTransforms, hashIdentifier, normalizePhone, stepParts, TransformError, TRANSFORMS, type TransformStep } from './transforms.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const run = (steps: TransformStep[], value: unknown) => compileTransforms(steps)(value);
/** A bad value: the transform throws TransformError (the row turns it into a warning). */
const fails = (steps: TransformStep[], value: unknown, message: RegExp) =>
  assert.throws(() => run(steps, value), (e: unknown) => e instanceof TransformError && message.test(e.message), `${JSON.stringify(steps)} on ${JSON.stringify(value)}`);
/** A bad step: refused when the blueprint compiles, never per event. */
const refused = (steps: TransformStep[], message: RegExp) =>
  assert.throws(() => compileTransforms(steps), (e: unknown) => e instanceof Error && !(e instanceof TransformError) && message.test(e.message), JSON.stringify(steps));

test('lowercase, uppercase, trim', () => {
  assert.equal(run(['lowercase'], 'HeLLo'), 'hello');
  assert.equal(run(['lowercase'], 42), '42', 'numbers become text');
  assert.equal(run(['uppercase'], 'gbp'), 'GBP');
  assert.equal(run(['uppercase'], true), 'TRUE');
  assert.equal(run(['trim'], '  a b \n'), 'a b');
  fails(['lowercase'], { a: 1 }, /^lowercase expects text, got an object$/);
  fails(['uppercase'], [[1]], /^uppercase expects text, got a list$/);
  fails(['trim'], { a: 1 }, /^trim expects text/);
  refused([{ trim: 3 }], /^trim takes no argument, got 3$/);
});

test('truncate keeps the first n characters, never splitting one', () => {
  assert.equal(run([{ truncate: 3 }], 'abcdef'), 'abc');
  assert.equal(run([{ truncate: 10 }], 'short'), 'short');
  assert.equal(run([{ truncate: 2 }], '😀😀😀'), '😀😀', 'by characters, not UTF-16 units');
  assert.equal(run([{ truncate: 0 }], 'abc'), '');
  fails([{ truncate: 3 }], { a: 1 }, /truncate expects text/);
  refused([{ truncate: -1 }], /truncate needs a whole number ≥ 0/);
  refused(['truncate'], /truncate needs a whole number, e\.g\. \{truncate: 100\}/);
  refused([{ truncate: '10' }], /truncate needs a whole number ≥ 0, got "10"/);
});

test('sha256 normalises emails, phones and text; a digest passes unchanged', () => {
  assert.equal(run(['sha256'], ' Jane.Doe@Example.COM '), sha('jane.doe@example.com'));
  assert.equal(run(['sha256'], '+44 7700 900123'), sha('+447700900123'));
  assert.equal(run(['sha256'], '0044 (7700) 900-123'), sha('+447700900123'), '00 prefix becomes +');
  assert.equal(run([{ sha256: { default_country_code: 44 } }], '07700 900123'), sha('+447700900123'), 'trunk 0 dropped');
  assert.equal(run([{ sha256: { default_country_code: '+1' } }], '5551234567'), sha('+15551234567'));
  assert.equal(run(['sha256'], 'External-ID-9'), sha('external-id-9'), 'other text: trimmed, lower-cased');
  assert.equal(run(['sha256'], '12345678'), sha('12345678'), 'plain digits are an id, not a phone');
  assert.equal(run(['sha256'], 12345678), sha('12345678'));
  const digest = sha('x');
  assert.equal(run(['sha256'], digest.toUpperCase()), digest, 'already hashed: passes, lower-cased');
  assert.equal(run([{ sha256: { kind: 'raw' } }], ' A '), sha(' A '), 'raw: no normalisation');
  assert.equal(run([{ sha256: { kind: 'text' } }], ' +44 7700 900123 '), sha('+44 7700 900123'));
  assert.equal(run([{ sha256: { kind: 'phone', default_country_code: 44 } }], '7700900123'), sha('+447700900123'));
  assert.deepEqual(run(['sha256'], ['a@b.co', 'C@D.co']), [sha('a@b.co'), sha('c@d.co')], 'element by element');
  fails(['sha256'], '07700 900123', /has no country code; start it with \+ or set default_country_code/);
  fails(['sha256'], '   ', /sha256: the value is empty/);
  fails([{ sha256: { kind: 'email' } }], 'jane', /"jane" is not an email address/);
  fails([{ sha256: { kind: 'phone' } }], '+12', /not a phone number/);
  fails(['sha256'], { email: 'x' }, /sha256 expects text, got an object/);
  refused([{ sha256: { default_country_code: 'UK' } }], /default_country_code must be 1 to 3 digits/);
  refused([{ sha256: { kind: 'md5' } }], /kind must be one of auto, email, phone, text, raw/);
  refused([{ sha256: { salt: 'x' } }], /sha256 has no option "salt"/);
  assert.equal(hashIdentifier('07700 900123', { defaultCountryCode: '44' }), sha('+447700900123'));
});

test('e164', () => {
  assert.equal(normalizePhone('+1 (555) 123-4567'), '+15551234567');
  assert.equal(normalizePhone('0033 1 23 45 67 89'), '+33123456789');
  assert.equal(run([{ e164: { default_country_code: 1 } }], '555.123.4567'), '+15551234567');
  fails(['e164'], '+12', /"\+12" is not a phone number \(E\.164 has 7 to 15 digits\)/);
  fails(['e164'], '555 1234567', /no country code/);
  fails(['e164'], '+44 77OO 900123', /not a phone number/);
  refused([{ e164: { country: 44 } }], /e164 has no option "country"/);
});

test('dates: to_unix_seconds, to_unix_ms, to_iso8601', () => {
  assert.equal(run(['to_unix_ms'], '2024-03-24T16:00:00.000Z'), 1711296000000);
  assert.equal(run(['to_unix_ms'], '2024-03-24T17:00:00+01:00'), 1711296000000, 'offsets');
  assert.equal(run(['to_unix_ms'], '2024-03-24T16:00:00'), 1711296000000, 'no offset: UTC, whatever the server zone');
  assert.equal(run(['to_unix_ms'], '2024-03-24'), 1711238400000, 'a date alone');
  assert.equal(run(['to_unix_seconds'], '2024-03-24T16:00:00.900Z'), 1711296000);
  assert.equal(run(['to_unix_seconds'], 1711296000123), 1711296000, 'epoch ms in');
  assert.equal(run(['to_unix_ms'], '1711296000'), 1711296000000, 'epoch seconds as text');
  assert.equal(run(['to_iso8601'], 1711296000), '2024-03-24T16:00:00.000Z', 'epoch seconds');
  assert.equal(run(['to_iso8601'], 1711296000000), '2024-03-24T16:00:00.000Z', 'epoch ms');
  assert.equal(run(['to_iso8601'], '2024-03-24T16:00:00.123456Z'), '2024-03-24T16:00:00.123Z');
  fails(['to_unix_ms'], 'next tuesday', /to_unix_ms: "next tuesday" is not a date/);
  fails(['to_unix_ms'], 'foo 1', /is not a date/);
  fails(['to_unix_seconds'], '2024-02-31', /is not a date/);
  fails(['to_iso8601'], '2024-13-01T00:00:00Z', /is not a date/);
  fails(['to_iso8601'], true, /to_iso8601: "true" is not a date/);
  fails(['to_iso8601'], 1e20, /is not a date/);
});

test('numbers: to_number, to_int, round', () => {
  assert.equal(run(['to_number'], ' 89.99 '), 89.99);
  assert.equal(run(['to_number'], '-1e3'), -1000);
  assert.equal(run(['to_number'], true), 1);
  assert.equal(run(['to_int'], '-7.9'), -7);
  assert.equal(run(['to_int'], 7.9), 7);
  assert.equal(run([{ round: 2 }], 1.005), 1.01, 'no binary surprise');
  assert.equal(run([{ round: 2 }], '19.999'), 20);
  assert.equal(run(['round'], 2.5), 3);
  assert.equal(run(['round'], -2.5), -3, 'half away from zero');
  fails(['to_number'], 'twelve', /to_number: "twelve" is not a number/);
  fails(['to_number'], '', /is not a number/);
  fails(['to_number'], '0x1f', /is not a number/, );
  fails(['to_number'], '1,234.50', /is not a number/);
  fails(['to_number'], Infinity, /is not a finite number/);
  fails(['to_int'], 'abc', /to_int: "abc" is not a number/);
  fails(['round'], { a: 1 }, /round: an object is not a number/);
  refused([{ round: 1.5 }], /round needs a whole number/);
  refused([{ round: 20 }], /at most 15 decimals/);
});

test('to_string and to_boolean', () => {
  assert.equal(run(['to_string'], 12), '12');
  assert.equal(run(['to_string'], false), 'false');
  assert.equal(run(['to_string'], { a: 1 }), '{"a":1}');
  assert.deepEqual(run(['to_string'], [1, 2]), ['1', '2'], 'element by element');
  for (const yes of [true, 'true', 'Yes', 'y', 'ON', '1', 1]) assert.equal(run(['to_boolean'], yes), true, String(yes));
  for (const no of [false, 'false', 'No', 'n', 'off', '0', 0, '']) assert.equal(run(['to_boolean'], no), false, String(no));
  fails(['to_boolean'], 'maybe', /to_boolean: "maybe" is not a boolean/);
  fails(['to_boolean'], 2, /to_boolean: "2" is not a boolean/);
  fails(['to_boolean'], { a: true }, /an object is not a boolean/);
});

test('lists: split, join, and scalar transforms element by element', () => {
  assert.deepEqual(run([{ split: '|' }], 'a| b ||c'), ['a', 'b', 'c'], 'trimmed, empties left out');
  assert.deepEqual(run(['split'], 'x,y'), ['x', 'y'], 'default separator ,');
  assert.equal(run([{ join: ';' }], ['a', 'b']), 'a;b');
  assert.equal(run(['join'], [1, 2]), '1,2');
  assert.equal(run(['join'], 'single'), 'single');
  assert.deepEqual(run(['to_number'], ['1', '2.5']), [1, 2.5]);
  assert.equal(run(['split', 'uppercase', { join: '-' }], 'x,y'), 'X-Y');
  fails(['split'], { a: 1 }, /split expects text/);
  fails(['join'], [{ a: 1 }], /join expects text, got an object/);
  fails(['to_number'], ['1', 'x'], /"x" is not a number/);
  refused([{ split: '' }], /split needs a non-empty separator/);
  refused([{ join: 1 }], /join needs a separator string, got 1/);
});

test('default fills missing, null and empty values; other transforms skip missing ones', () => {
  assert.equal(run([{ default: 'unknown' }], undefined), 'unknown');
  assert.equal(run([{ default: 0 }], ''), 0);
  assert.equal(run([{ default: 'x' }], null), 'x');
  assert.equal(run([{ default: 'x' }], 'kept'), 'kept');
  assert.equal(run([{ default: 'x' }], 0), 0, 'zero is a value');
  assert.equal(run(['lowercase'], undefined), undefined);
  assert.equal(run(['trim', { default: 'n/a' }], null), 'n/a');
  refused(['default'], /default needs a value/);
});

test('lookup maps through a table; fallback (or default) for the rest', () => {
  const table = { lookup: { table: { purchase: 'Order Completed', view_item: 'Product Viewed', '1': 'one' }, fallback: 'Other' } };
  assert.equal(run([table], 'purchase'), 'Order Completed');
  assert.equal(run([table], 'nope'), 'Other');
  assert.equal(run([table], 1), 'one', 'numbers look up as text');
  assert.equal(run([{ lookup: { table: { a: 1 }, default: null } }], 'b'), null);
  fails([{ lookup: { table: { a: 1 } } }], 'b', /lookup: "b" is not in the table/);
  fails([{ lookup: { table: { a: 1 } } }], { a: 1 }, /lookup expects text/);
  refused([{ lookup: { table: [1] } }], /lookup needs \{table/);
  refused([{ lookup: { tabel: { a: 1 } } }], /lookup has no option "tabel"/);
  refused([{ lookup: { table: {}, fallback: 1, default: 2 } }], /fallback or default, not both/);
});

test('currency upper-cases ISO 4217 codes and refuses the rest', () => {
  assert.equal(run(['currency'], ' gbp '), 'GBP');
  assert.equal(run(['currency'], 'EUR'), 'EUR');
  fails(['currency'], 'pounds', /currency: "pounds" is not an ISO 4217 code/);
  // A symbol of one currency only is its code; one naming several stays an error.
  assert.equal(run(['currency'], ' £ '), 'GBP');
  assert.equal(run(['currency'], '€'), 'EUR');
  fails(['currency'], '$', /currency: "\$" is not an ISO 4217 code \("\$" is the symbol of several currencies: send the code\)/);
  fails(['currency'], '¥', /symbol of several currencies/);
  fails(['currency'], 12, /is not an ISO 4217 code/);
});

test('chains: steps run in order; unknown transforms and malformed steps are refused at compile time', () => {
  assert.equal(run([{ truncate: 3 }, 'uppercase'], 'abcdef'), 'ABC');
  assert.equal(run(['trim', 'lowercase', 'sha256'], ' A@B.co '), sha('a@b.co'));
  assert.equal(run([], 'as is'), 'as is');
  refused(['shout'], /unknown transform "shout"; known: lowercase, uppercase, trim/);
  refused(['toString'], /unknown transform "toString"/);
  refused([{ trim: true, lowercase: true }], /one-key object/);
  refused(['trim', { truncate: 'x' }], /^step 2: truncate needs a whole number/);
  assert.deepEqual(stepParts({ round: 2 }), { name: 'round', arg: 2 });
  for (const [name, spec] of Object.entries(TRANSFORMS)) assert.ok(spec.doc.length > 10, `${name} is documented`);
});

test('round gives a finite number for values JavaScript writes with an exponent', () => {
  assert.equal(run([{ round: 2 }], 0.0000001), 0);
  assert.equal(run(['round'], 5e-7), 0);
  assert.equal(run(['round'], -5e-7), 0, 'not -0');
  assert.equal(run([{ round: 2 }], 1e21), 1e21);
  assert.equal(run([{ round: 8 }], 1.5e-7), 1.5e-7);
  assert.equal(run([{ round: 7 }], 1.5e-7), 2e-7, 'half away from zero below 1e-6 too');
  fails([{ round: 2 }], 1.7e308, /^round: 1\.7e\+308 cannot be rounded$/);
});

test('dates in the years 0000–0099 keep their year', () => {
  assert.equal(run(['to_iso8601'], '0001-01-01T00:00:00Z'), '0001-01-01T00:00:00.000Z');
  assert.equal(run(['to_unix_seconds'], '0001-01-01'), -62135596800);
  assert.equal(new Date(run(['to_unix_ms'], '0050-06-01T00:00:00.000Z') as number).getUTCFullYear(), 50, 'the fast path too');
  assert.equal(run(['to_iso8601'], '0099-12-31T23:59:59+01:00'), '0099-12-31T22:59:59.000Z');
  fails(['to_iso8601'], '0099-02-29', /is not a date/);
});

test('truncate counts characters as a reader does: flags, ZWJ emoji and accents stay whole', () => {
  assert.equal(run([{ truncate: 1 }], '🇬🇧 London'), '🇬🇧');
  assert.equal(run([{ truncate: 2 }], '👨‍👩‍👧 family'), '👨‍👩‍👧 ');
  assert.equal(run([{ truncate: 1 }], '👍🏽 ok'), '👍🏽', 'a skin-tone modifier stays with its emoji');
  assert.equal(run([{ truncate: 4 }], 'cafe\u0301 noir'), 'cafe\u0301', 'a combining accent stays with its letter');
});

test('a bracketed trunk (0) after the country code is dropped; kind: email takes one address only', () => {
  assert.equal(normalizePhone('+44 (0)7700 900123'), '+447700900123');
  assert.equal(normalizePhone('0049 (0)30 1234567'), '+49301234567');
  assert.equal(normalizePhone('+41(0)44 668 18 00'), '+41446681800');
  assert.equal(hashIdentifier('+49 (0)30 1234567', { kind: 'phone' }), sha('+49301234567'));
  assert.equal(run([{ sha256: { kind: 'email' } }], ' Jane@Example.com '), sha('jane@example.com'));
  for (const notOne of ['+44 7700 900123', 'JaneDoe', 'a@x.co,b@y.co', 'Jane <j@x.co>', 'a@b@c']) fails([{ sha256: { kind: 'email' } }], notOne, /is not an email address$/);
});
