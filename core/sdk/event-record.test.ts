import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventRecord, eventRecordWithoutContactInfo, hashedContactId, idAsRecorded, isContactValue } from './event-record.ts';
import { sha256Hex } from './aws-signature-v4.ts';

test('eventRecord leaves placeholder ids out, and contact information unless included', () => {
  const payload = {
    message_id: 'm-1', type: 'identify', user_id: 'jane@example.com', anonymous_id: 'undefined', group_id: 'null', previous_id: 'df_old',
    traits: { email: 'jane@example.com', plan: 'pro' },
    properties: { plan: 'pro', phone: '+44 7700 900123' },
    context: { ip: '203.0.113.9', page: { url: 'https://shop.example.com/thanks?email=jane%40example.com' } },
  };
  assert.deepEqual(eventRecord(payload, { includeContactInfo: false }), {
    message_id: 'm-1', type: 'identify', user_id: `sha256:${sha256Hex('jane@example.com')}`, previous_id: 'df_old',
    traits: { plan: 'pro' }, properties: { plan: 'pro' }, context: { page: { url: 'https://shop.example.com/thanks' } },
  });
  const kept = eventRecord(payload, { includeContactInfo: true });
  assert.deepEqual(Object.keys(kept), ['message_id', 'type', 'user_id', 'previous_id', 'traits', 'properties', 'context']);
  assert.equal(kept.user_id, 'jane@example.com');
  assert.deepEqual(kept.context, payload.context, 'as stored, IP included');
});

test('ids as records give them: contact information hashed unless included; other ids as they are', () => {
  assert.equal(hashedContactId('jane@example.com'), `sha256:${sha256Hex('jane@example.com')}`);
  assert.equal(idAsRecorded('jane@example.com', { includeContactInfo: false }), hashedContactId('jane@example.com'));
  assert.equal(idAsRecorded('jane@example.com', { includeContactInfo: true }), 'jane@example.com');
  assert.equal(idAsRecorded('u-42', { includeContactInfo: false }), 'u-42');
  assert.equal(idAsRecorded(null, { includeContactInfo: false }), null);
  assert.equal(isContactValue('+44 7700 900123'), true);
  assert.equal(isContactValue('df_abc'), false);
  assert.deepEqual(eventRecordWithoutContactInfo({ anonymous_id: 'df_1', event: 'Signed Up' }), { anonymous_id: 'df_1', event: 'Signed Up' });
});
