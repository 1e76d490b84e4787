import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalEvent } from '../../core/sdk/index.ts';
import { customerIdsOf, emailIdOf } from './customer-ids.ts';

const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({ type: 'track', event: 'X', messageId: 'm-1', userId: 'u-1', anonymousId: 'df_abc', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.000Z', context: {}, ...overrides } as CanonicalEvent);
const names = { hardId: 'registered', softId: 'cookie', emailId: undefined };

test('customerIdsOf: the userId under the hard ID, the anonymousId under the soft ID, by the config\'s names', () => {
  assert.deepEqual(customerIdsOf(undefined, event(), names), { registered: 'u-1', cookie: 'df_abc' });
  assert.deepEqual(customerIdsOf({ hard: ' u-2 ', soft: 'v-2' }, event(), { hardId: 'customer_id', softId: 'visitor', emailId: undefined }), { customer_id: 'u-2', visitor: 'v-2' }, 'the mapped values first, trimmed');
  assert.deepEqual(customerIdsOf(undefined, event({ userId: 'null', anonymousId: 'anonymous' }), names), {}, 'placeholders name no one');
  assert.deepEqual(customerIdsOf(undefined, event(), { ...names, softId: undefined }), { registered: 'u-1' }, 'no soft ID configured: no anonymousId sent');
  assert.deepEqual(customerIdsOf({ hard: 42 }, event(), names), { registered: '42', cookie: 'df_abc' });
});

test('customerIdsOf: the email under the email ID, lower-cased; an email userId serves when none is mapped', () => {
  const withEmail = { ...names, emailId: 'email_id' };
  assert.deepEqual(customerIdsOf({ email: ' Jane@Example.COM ' }, event(), withEmail), { registered: 'u-1', email_id: 'jane@example.com', cookie: 'df_abc' });
  assert.deepEqual(customerIdsOf({ email: 'not an email' }, event(), withEmail), { registered: 'u-1', cookie: 'df_abc' });
  assert.deepEqual(customerIdsOf(undefined, event({ userId: 'Jo@Example.com' }), withEmail), { registered: 'Jo@Example.com', email_id: 'jo@example.com', cookie: 'df_abc' }, 'the hard ID keeps the userId as it is (hard IDs are case-sensitive)');
  assert.deepEqual(customerIdsOf({ email: 'jane@example.com' }, event(), names), { registered: 'u-1', cookie: 'df_abc' }, 'no email ID configured: no email sent');
});

test('emailIdOf: one address, trimmed and lower-cased', () => {
  assert.equal(emailIdOf(' Jane.Doe@Example.com '), 'jane.doe@example.com');
  assert.equal(emailIdOf('jane@example.com, joe@example.com'), undefined);
  assert.equal(emailIdOf(7), undefined);
});
