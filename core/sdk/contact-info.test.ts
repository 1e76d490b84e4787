import assert from 'node:assert/strict';
import { test } from 'node:test';
import { removeContactInfo } from './contact-info.ts';

test('contact information goes at any depth: keys naming it, a person\'s name, email addresses and phone numbers', () => {
  const input = {
    plan: 'pro', name: 'Jane Doe', contact: '+44 7700 900123', shared_to: 'friend@example.com', billingPhone: '07700 900123',
    customer: { id: 'c-1', tier: 'gold', email: 'jane@example.com', name: 'Jane Doe', profile: { name: 'Jane', nickname: 'jd' } },
    shipping: { method: 'express', name: 'Jane Doe', address: { city: 'Leeds' } },
    buyers: [{ name: 'Jane Doe', id: 'b-1' }],
    items: [{ product_id: 'SKU-1', name: 'Trail Shoe', buyer_email: 'jane@example.com', customer_name: 'Jane Doe', notes: ['gift wrap', '(55) 99123-4567'] }],
    date_of_birth: '1990-01-01', zip: 'SW1A 1AA', postalCode: 'SW1A 1AA', first_name: 'Jane', lastName: 'Doe', username: 'jane', contact_number: '07700 900123', tel: '+44 20 7946 0000', order_number: '650-555-1212',
  };
  assert.deepEqual(removeContactInfo(input), {
    plan: 'pro',
    customer: { id: 'c-1', tier: 'gold' },
    shipping: { method: 'express' },
    buyers: [{ id: 'b-1' }],
    items: [{ product_id: 'SKU-1', name: 'Trail Shoe', notes: ['gift wrap'] }],
  });
  assert.equal((input.customer as { email?: string }).email, 'jane@example.com', 'the input is not changed');
  // A value is looked at whole: a number inside free text is not searched for (ids and prices would go with it).
  assert.deepEqual(removeContactInfo({ note: 'order 100234567, 2 items' }), { note: 'order 100234567, 2 items' });
});

test('ordinary ecommerce data stays: product names, ids and numbers written as digits, dates, prices', () => {
  const ecommerce = {
    order_id: '100234567', product_id: '7301234567890', order_ref: 'R-1', content_ids: ['100-200-300', '7301234567'], total: 59.98, currency: 'GBP', created: '2026-11-30', price: '1234567.89',
    content_name: 'Trail Shoe', product_name: 'Trail Shoe', company_name: 'Acme', city: 'Leeds', is_mobile: true,
    products: [{ sku: 'SKU-1', name: 'Trail Shoe', category: 'Shoes/Running', price: 29.99, quantity: 2 }],
    contents: [{ content_id: 'SKU-2', content_name: 'Sock' }], plan: { name: 'Pro', id: 'p-1' }, tags: ['sale', 'new'], empty: {}, none: [],
  };
  assert.deepEqual(removeContactInfo(ecommerce), ecommerce);
  assert.deepEqual(removeContactInfo({ user_id: 'jane@example.com', sku: '400-638-1333' }), { sku: '400-638-1333' }, 'an email address is dropped whatever its key; an id key\'s digits stay');
  assert.deepEqual(removeContactInfo({ customer: { email: 'a@b.co' }, items: [{ email: 'a@b.co' }] }), {}, 'an object or list emptied by the removal goes too');
});

test('a key that is itself an email address or a phone number goes, with what it holds; dates and ids as keys stay', () => {
  const input = {
    recipients: { 'jane@example.com': 'sent', ' Bob@Example.org ': 'opened', '+44 7700 900123': 'sent', '650-555-1212': 'queued' },
    daily: { '2026-11-30': 3, '2026-12-01': 5 },
    stock: { 'SKU-100': 2, '12345678': 1 },
  };
  assert.deepEqual(removeContactInfo(input), { daily: { '2026-11-30': 3, '2026-12-01': 5 }, stock: { 'SKU-100': 2, '12345678': 1 } });
});
