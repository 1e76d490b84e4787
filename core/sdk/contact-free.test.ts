import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_VALUE_CHECKED_FIELDS, isContactInfo, recordWithoutContactInfo, withoutQueries } from './contact-free.ts';

test('withoutQueries cuts query strings and fragments off URLs at any depth, and drops a query string on its own', () => {
  assert.deepEqual(
    withoutQueries({ url: 'https://shop.example.com/reset?email=jane%40example.com#top', search: '?email=jane%40example.com', page_search: 'q=1', pageSearch: '?q', research: 'a=b', note: 'see ?x', links: ['https://a.example/x?y=1'] }),
    { url: 'https://shop.example.com/reset', research: 'a=b', note: 'see ?x', links: ['https://a.example/x'] },
  );
  assert.deepEqual(withoutQueries({ search: 'shoes' }), { search: 'shoes' }, 'a search term, not a query string');
});

test('isContactInfo reads a value as the SDK does; an id under a neutral key', () => {
  assert.equal(isContactInfo('value', 'jane@example.com'), true);
  assert.equal(isContactInfo('value', '+44 7700 900123'), true);
  assert.equal(isContactInfo('email', 'anything'), true);
  assert.equal(isContactInfo('value', 'u-123'), false);
});

test('recordWithoutContactInfo: properties, traits and context cleaned, no IP, checked fields left out or replaced, the rest kept', () => {
  const record = {
    type: 'identify', user_id: 'jane@example.com', anonymous_id: 'df_1', event: 'Signed Up',
    properties: { plan: 'pro', email: 'jane@example.com', url: 'https://shop.example.com/?e=jane%40example.com' },
    traits: { name: 'Jane Doe', plan: 'pro' },
    context: { ip: '203.0.113.9', traits: { email: 'jane@example.com', tier: 'gold' }, page: { url: 'https://shop.example.com/?e=1', title: 'Shop' } },
  };
  assert.deepEqual(recordWithoutContactInfo(record, { valueChecked: ['user_id', 'anonymous_id'] }), {
    type: 'identify', anonymous_id: 'df_1', event: 'Signed Up',
    properties: { plan: 'pro', url: 'https://shop.example.com/' },
    traits: { plan: 'pro' },
    context: { traits: { tier: 'gold' }, page: { url: 'https://shop.example.com/', title: 'Shop' } },
  });
  const replaced = recordWithoutContactInfo(record, { valueChecked: ['user_id'], replace: (value) => `hidden:${String(value).length}` });
  assert.equal(replaced.user_id, 'hidden:16');
  assert.deepEqual(Object.keys(replaced), Object.keys(record), 'keys keep their order');
});

test('recordWithoutContactInfo: a field an edited blueprint adds is cleaned too — a contact key, a contact value, inside objects and lists, URL queries', () => {
  const record = {
    type: 'track', event: 'Order Completed', name: 'Checkout',
    customer_email: 'jane@example.com', billing_phone: '+44 7700 900123', note_to: 'bob@example.org', order_total: 59.97,
    page_url: 'https://shop.example.com/thanks?e=jane%40example.com', received: '2026-12-02T10:00:00.000Z',
    shipment: { carrier: 'DHL', recipient: { name: 'Jane Doe', city: 'Leeds' }, contact: 'jane@example.com' },
    lines: [{ sku: 'SKU-1', name: 'Trail Shoe', buyer_email: 'jane@example.com' }],
  };
  assert.deepEqual(recordWithoutContactInfo(record, { valueChecked: ['user_id'] }), {
    type: 'track', event: 'Order Completed', name: 'Checkout', order_total: 59.97,
    page_url: 'https://shop.example.com/thanks', received: '2026-12-02T10:00:00.000Z',
    shipment: { carrier: 'DHL', recipient: { city: 'Leeds' } },
    lines: [{ sku: 'SKU-1', name: 'Trail Shoe' }],
  });
});

test('EVENT_VALUE_CHECKED_FIELDS: an id or an event\'s name that is an email address or a phone number is left out', () => {
  const record = { type: 'track', userId: 'jane@example.com', anonymousId: '+1 555 123 4567', event: 'Signed Up', name: 'jane@example.com', plan: 'pro' };
  assert.deepEqual(recordWithoutContactInfo(record, { valueChecked: EVENT_VALUE_CHECKED_FIELDS }), { type: 'track', event: 'Signed Up', plan: 'pro' });
  assert.ok(Object.isFrozen(EVENT_VALUE_CHECKED_FIELDS));
});

test('EVENT_VALUE_CHECKED_FIELDS: such a field holding an object or list is cleaned inside, not kept whole', () => {
  const record = {
    type: 'track', userId: ['jane@example.com', 'u-123'], anonymousId: 'df_1',
    event: { a: 'jane@example.com', b: 'Signed Up', email: 'bob@example.org' },
    name: { page: 'https://shop.example.com/reset?email=jane%40example.com#top', title: 'Reset' },
    groupId: [{ phone: '+44 7700 900123', id: 'g-1' }],
  };
  assert.deepEqual(recordWithoutContactInfo(record, { valueChecked: EVENT_VALUE_CHECKED_FIELDS, replace: () => 'hidden' }), {
    type: 'track', userId: ['u-123'], anonymousId: 'df_1',
    event: { b: 'Signed Up' },
    name: { page: 'https://shop.example.com/reset', title: 'Reset' },
    groupId: [{ id: 'g-1' }],
  });
});
