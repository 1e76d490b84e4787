import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utcDateTime } from './dead-letters.ts';

test('utcDateTime makes a missing zone UTC and keeps a given one', () => {
  assert.equal(utcDateTime('2026-03-24', 'since'), '2026-03-24T00:00:00Z');
  assert.equal(utcDateTime(' 2026-03-24 16:00 ', 'since'), '2026-03-24T16:00Z');
  assert.equal(utcDateTime('2026-03-24t16:00:00.5z', 'since'), '2026-03-24T16:00:00.5Z');
  assert.equal(utcDateTime('2026-03-24T16:00+02:00', 'since'), '2026-03-24T16:00+02:00');
  assert.equal(utcDateTime('2026-03-24T16:00-0530', 'since'), '2026-03-24T16:00-05:30');
  assert.equal(utcDateTime('2026-03-24T16:00+02', 'since'), '2026-03-24T16:00+02:00');
  for (const value of ['2026-03-24T16:00+02', '2026-03-24T16:00:00.25-0530', '2026-03-24T16:00Z', '2026-03-24']) {
    assert.ok(!Number.isNaN(new Date(utcDateTime(value, 'since')).getTime()), `${value}: JavaScript reads what it returns`);
  }
  assert.equal(new Date(utcDateTime('2026-03-24T16:00', 'since')).toISOString(), '2026-03-24T16:00:00.000Z');
});

test('utcDateTime refuses what is not a date-time, naming the field', () => {
  for (const bad of ['yesterday', '1', '2024-02-31', '0000-01-01', '2026-03-24T24:00']) {
    assert.throws(() => utcDateTime(bad, 'filter.since'), (error: Error & { fields?: Array<{ field: string }> }) => error.fields?.[0]?.field === 'filter.since', bad);
  }
});
