import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utcTimeText } from './utc-time-text.ts';

test('utcTimeText reads ISO 8601 text and epoch seconds or ms into UTC with milliseconds; no offset is UTC', () => {
  assert.equal(utcTimeText('2024-03-24T17:00:00+01:00'), '2024-03-24T16:00:00.000Z');
  assert.equal(utcTimeText('2024-03-24T17:00:00+0100'), '2024-03-24T16:00:00.000Z');
  assert.equal(utcTimeText('2024-03-24T17:00:00+01'), '2024-03-24T16:00:00.000Z');
  assert.equal(utcTimeText('2024-03-24 16:00'), '2024-03-24T16:00:00.000Z');
  assert.equal(utcTimeText('2024-03-24'), '2024-03-24T00:00:00.000Z');
  assert.equal(utcTimeText(1711296000), '2024-03-24T16:00:00.000Z');
  assert.equal(utcTimeText(1711296000123), '2024-03-24T16:00:00.123Z');
});

test('utcTimeText refuses days no calendar has, other text, and times outside the range', () => {
  for (const value of ['2024-02-30', '2023-02-29', '2024-13-01', 'next tuesday', '', Number.NaN, null, true, {}]) assert.equal(utcTimeText(value as never), undefined, String(value));
  assert.equal(utcTimeText('2024-02-29'), '2024-02-29T00:00:00.000Z');
  assert.equal(utcTimeText('0001-01-01T00:00:00Z'), '0001-01-01T00:00:00.000Z');
  const range = { minMs: Date.UTC(1900, 0, 1), maxMs: Date.UTC(2299, 11, 31, 23, 59, 59, 999) };
  assert.equal(utcTimeText('1899-12-31T23:59:59Z', range), undefined);
  assert.equal(utcTimeText('2299-12-31T23:59:59Z', range), '2299-12-31T23:59:59.000Z');
});
