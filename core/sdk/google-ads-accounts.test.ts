import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conversionActionFor, conversionActionId, conversionActionKeys, googleAdsCustomerId } from './google-ads-accounts.ts';
import type { CanonicalEvent } from './types.ts';

const event = (fields: Partial<CanonicalEvent>) => ({ type: 'track', messageId: 'm', context: {}, ...fields }) as CanonicalEvent;

test('customer ids with or without dashes; conversion actions by id or resource name', () => {
  assert.deepEqual([googleAdsCustomerId(' 123-456-7890 '), googleAdsCustomerId('1234567890'), googleAdsCustomerId('123-4567-890'), googleAdsCustomerId(1234567890)], ['1234567890', '1234567890', undefined, undefined]);
  assert.deepEqual([conversionActionId('customers/1234567890/conversionActions/6543210'), conversionActionId(6543210), conversionActionId('0'), conversionActionId(' 42 '), conversionActionId(1.5)], ['6543210', '6543210', undefined, '42', undefined]);
});

test('an event\'s conversion action: its name, page:<name>, then page; the config\'s own keys only', () => {
  const config = { conversion_actions: { 'Order Completed': '1', 'page:Pricing': '2', page: 'customers/1234567890/conversionActions/3' } };
  assert.deepEqual(conversionActionKeys(event({ type: 'page', name: 'Pricing' })), ['page:Pricing', 'page']);
  assert.deepEqual(conversionActionKeys(event({ type: 'identify' })), []);
  assert.deepEqual([
    conversionActionFor(event({ event: 'Order Completed' }), config),
    conversionActionFor(event({ type: 'page', name: 'Pricing' }), config),
    conversionActionFor(event({ type: 'page', name: 'Home' }), config),
    conversionActionFor(event({ event: 'toString' }), config),
    conversionActionFor(event({ event: 'Order Completed' }), { conversion_actions: [] }),
  ], ['1', '2', '3', undefined, undefined]);
});
