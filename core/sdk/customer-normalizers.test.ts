import assert from 'node:assert/strict';
import { test } from 'node:test';
import { birthDateYmd, countryCodeOf, lettersOnly, stateCodeOfName } from './customer-normalizers.ts';

test('places: letters only, states and provinces by name, countries by English name or code', () => {
  assert.equal(lettersOnly(' Saint-Étienne '), 'saintetienne');
  assert.deepEqual(['California', 'new york', 'Québec', 'Puerto Rico', 'CA', 'Bavaria'].map(stateCodeOfName), ['ca', 'ny', 'qc', 'pr', undefined, undefined]);
  assert.deepEqual(['United States', 'USA', 'United Kingdom', 'UK', 'England', 'gb', 'DE', 'Myanmar', 'Côte d’Ivoire', 'Atlantis'].map(countryCodeOf), ['us', 'us', 'gb', 'gb', 'gb', 'gb', 'de', 'mm', 'ci', undefined]);
});

test('a date of birth as YYYYMMDD from the usual spellings; an impossible date is none', () => {
  assert.deepEqual(['1997-12-26', '19971226', '1997-12-26T00:00:00Z', '12/26/1997', '26/12/1997', '2/16/1997', '26.12.1997'].map(birthDateYmd), ['19971226', '19971226', '19971226', '19971226', '19971226', '19970216', '19971226']);
  assert.deepEqual(['1997-02-30', '13/13/1997', 'yesterday', ''].map(birthDateYmd), [undefined, undefined, undefined, undefined]);
});
