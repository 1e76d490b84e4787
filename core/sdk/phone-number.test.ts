import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizePhoneNumber } from './phone-number.ts';

const read = (cases: Array<[string, string, string]>) => cases.map(([number, code]) => normalizePhoneNumber(number, { defaultCountryCode: code }));
const expected = (cases: Array<[string, string, string]>) => cases.map(([, , e164]) => e164);

test('written with + or 00: the country code is there; punctuation, an extension and a bracketed trunk 0 go', () => {
  assert.equal(normalizePhoneNumber('+1 (213) 373-4253'), '+12133734253');
  assert.equal(normalizePhoneNumber('0044 7700 900123'), '+447700900123');
  assert.equal(normalizePhoneNumber('+44 (0)7700 900123'), '+447700900123');
  assert.equal(normalizePhoneNumber('0044-(0)7700-900-123'), '+447700900123');
  assert.equal(normalizePhoneNumber('+1 650-555-1212 ext. 42'), '+16505551212');
  assert.equal(normalizePhoneNumber('+39 (0)6 1234 5678'), '+390612345678', 'Italy: the 0 is part of the number, even in brackets');
  assert.equal(normalizePhoneNumber('+39 06 1234 5678'), '+390612345678');
});

test('written without a country code: read by the default country\'s numbering plan', () => {
  // A leading 0 that is part of the number is kept: E.164 has Rome's landline as +39 06 1234 5678.
  const kept: Array<[string, string, string]> = [['06 1234 5678', '39', '+390612345678'], ['0549 886377', '378', '+3780549886377'], ['06 1234 5678', '379', '+3790612345678'], ['07 12 34 56 78', '225', '+2250712345678']];
  assert.deepEqual(read(kept), expected(kept));
  // A trunk prefix is dropped: 0, NANP's 1, Russia's 8, Hungary's 06.
  const trunk: Array<[string, string, string]> = [['07700 900123', '44', '+447700900123'], ['1 616 954 7888', '1', '+16169547888'], ['8 912 345-67-89', '7', '+79123456789'], ['06 30 123 4567', '36', '+36301234567'], ['0151 12345678', '49', '+4915112345678']];
  assert.deepEqual(read(trunk), expected(trunk));
  // Already international only when the lengths say so: Brazil's area code 55 is not the country code.
  const brazil: Array<[string, string, string]> = [['(55) 99123-4567', '55', '+5555991234567'], ['(55) 3222-1234', '55', '+555532221234'], ['5511987654321', '55', '+5511987654321'], ['(11) 99123-4567', '55', '+5511991234567']];
  assert.deepEqual(read(brazil), expected(brazil));
  const international: Array<[string, string, string]> = [['447700900123', '44', '+447700900123'], ['16169547888', '1', '+16169547888'], ['393331234567', '39', '+393331234567'], ['390612345678', '39', '+390612345678'], ['33612345678', '33', '+33612345678'], ['4915112345678', '49', '+4915112345678']];
  assert.deepEqual(read(international), expected(international));
  assert.equal(normalizePhoneNumber('393 123 4567', { defaultCountryCode: '39' }), '+393931234567', 'an Italian mobile starting with 39 is national: no trunk prefix, and its length fits');
  assert.equal(normalizePhoneNumber('07700 900123', { defaultCountryCode: '+44' }), '+447700900123', 'a code given with its +');
});

test('without a default country code: unusable unless the vendor takes digits as international; a trunk 0 never', () => {
  assert.equal(normalizePhoneNumber('447700900123'), undefined);
  assert.equal(normalizePhoneNumber('447700900123', { withoutCountryCode: 'international' }), '+447700900123');
  assert.equal(normalizePhoneNumber('07700 900123', { withoutCountryCode: 'international' }), undefined);
  for (const nothing of ['', 'call me', '123', '+1234567890123456', '+0 123 4567', '+44 77OO 900123', 'tel: +44 7700 900123']) assert.equal(normalizePhoneNumber(nothing, { withoutCountryCode: 'international' }), undefined, nothing);
});
