import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalEvent, JsonObject } from './types.ts';
import { isRememberedOnly } from './remembered-trait.ts';

const identify = (traits: JsonObject | undefined, remembered: JsonObject | undefined): CanonicalEvent => ({
  type: 'identify', messageId: 'm-1', userId: 'u-1', timestamp: '2026-12-01T11:00:00.000Z', receivedAt: '2026-12-01T11:00:00.100Z',
  ...(traits ? { traits } : {}), context: remembered ? { traits: remembered } : {},
} as CanonicalEvent);

test('a value only the remembered context.traits gave is remembered-only, trimmed and case aside', () => {
  assert.equal(isRememberedOnly('jane@example.com', 'email', identify({ plan: 'pro' }, { email: ' Jane@Example.com ' })), true);
  assert.equal(isRememberedOnly('+44 7700 900123', 'phone', identify(undefined, { phone: '+44 7700 900123' })), true, 'an identify without traits');
});

test('a value of the event\'s own traits, or one the blueprint took elsewhere, is not', () => {
  assert.equal(isRememberedOnly('jane@example.com', 'email', identify({ email: 'jane@example.com' }, undefined)), false);
  assert.equal(isRememberedOnly('new@example.com', 'email', identify({ email: 'new@example.com' }, { email: 'jane@example.com' })), false);
  assert.equal(isRememberedOnly('work@example.com', 'email', identify({ work_email: 'work@example.com' }, { email: 'jane@example.com' })), false, 'another trait');
  assert.equal(isRememberedOnly('jane@example.com', 'email', identify({}, {})), false, 'nothing remembered');
  assert.equal(isRememberedOnly(undefined, 'email', identify({}, { email: 'jane@example.com' })), false, 'no value');
});
