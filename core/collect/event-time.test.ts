import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readEventTime, unreadableTimes } from './event-time.ts';

test('a zone of hours only is read as ±hh:00, alone or with a leap second', () => {
  assert.equal(readEventTime('2026-03-24T16:00:00+05'), Date.parse('2026-03-24T11:00:00Z'));
  assert.equal(readEventTime('2026-03-24T16:00:00.250-03'), Date.parse('2026-03-24T19:00:00.250Z'));
  assert.equal(readEventTime('2026-03-24 16:00:00+05'), Date.parse('2026-03-24T11:00:00Z'));
  assert.equal(readEventTime('2026-12-31T23:59:60+00'), Date.parse('2026-12-31T23:59:59.999Z'));
  assert.equal(readEventTime('2027-01-01T04:59:60.5+05'), Date.parse('2026-12-31T23:59:59.999Z'));
});

test('the forms Date.parse reads are read as it reads them', () => {
  assert.equal(readEventTime('2026-03-24T16:00:00+0530'), Date.parse('2026-03-24T10:30:00Z'));
  assert.equal(readEventTime('2026-03-24t16:00:00z'), Date.parse('2026-03-24T16:00:00Z'));
  assert.equal(readEventTime('2016-12-31T18:59:60.5-05:00'), Date.parse('2016-12-31T23:59:59.999Z'));
});

test('a leap second in an hour no clock shows passes the format check but cannot be read', () => {
  // ajv-formats takes 46:59:60+23:00 and 23:89:60+00:30 for 23:59:60 UTC.
  assert.equal(readEventTime('2026-12-31T46:59:60+23:00'), undefined);
  assert.equal(readEventTime('2026-12-31T23:89:60+00:30'), undefined);
});

test('unreadableTimes names each unreadable field, with a batch prefix and index', () => {
  assert.deepEqual(unreadableTimes({ timestamp: '2026-03-24T16:00:00+05', sentAt: '2026-03-24T16:00:01Z' }), []);
  const fields = unreadableTimes({ timestamp: '2026-12-31T46:59:60+23:00', originalTimestamp: '2026-03-24T16:00:00Z', sentAt: '2026-12-31T23:89:60+00:30' }, 'batch[2].', 2);
  assert.deepEqual(fields.map((f) => [f.field, f.index]), [['batch[2].timestamp', 2], ['batch[2].sentAt', 2]]);
  assert.match(fields[0]!.message, /^is not a date-time that can be read/);
  assert.deepEqual(unreadableTimes({ sentAt: undefined }), []);
});
