import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterSyntaxError, parseFilter } from './filter.ts';

const event = {
  type: 'track', event: 'Order Completed', userId: 'user-123',
  properties: { total: 120.5, currency: 'GBP', tags: ['sale', 'new'], count: '3', products: [{ price: 59.99 }, { price: 15 }] },
  context: { page: { path: '/checkout/pay' }, consent: { marketing: false } },
};
const check = (source: string) => parseFilter(source)(event);

test('comparisons, including numbers sent as text', () => {
  assert.equal(check('properties.total > 100'), true);
  assert.equal(check('properties.total <= 100'), false);
  assert.equal(check('properties.count == 3'), true);
  assert.equal(check('properties.count >= 4'), false);
  assert.equal(check('event == "Order Completed"'), true);
  assert.equal(check("event != 'Order Completed'"), false);
  assert.equal(check('context.consent.marketing == false'), true);
  assert.equal(check('properties.missing == null'), false, 'missing is not null');
});

test('and, or, not, parentheses and precedence', () => {
  assert.equal(check('properties.total > 100 and context.page.path startsWith "/checkout"'), true);
  assert.equal(check('event == "A" or event == "Order Completed" and properties.total > 1000'), false);
  assert.equal(check('(event == "A" or event == "Order Completed") and properties.total > 100'), true);
  assert.equal(check('not properties.currency == "USD"'), true);
  assert.equal(check('not (properties.total > 100)'), false);
});

test('in, exists, startsWith, endsWith, contains', () => {
  assert.equal(check('properties.currency in ["GBP", "EUR"]'), true);
  assert.equal(check('type in ["page", "identify"]'), false);
  assert.equal(check('userId exists and not anonymousId exists'), true);
  assert.equal(check('context.page.path endsWith "/pay"'), true);
  assert.equal(check('properties.tags contains "sale"'), true);
  assert.equal(check('event contains "Completed"'), true);
  assert.equal(check('properties.products[].price contains 15'), true);
});

test('syntax errors name the column; no code runs', () => {
  const cases: Array<[string, RegExp]> = [
    ['properties.total >', /the filter ends too early \(column 19\)/],
    ['event = "x"', /use == to compare \(column 7\)/],
    ['event == "x', /unterminated string starting with " \(column 10\)/],
    ['(event == "x"', /expected "\)" \(column 14\)/],
    ['event == "x" "y"', /unexpected "y" \(column 14\)/],
    ['type in ["a" "b"]', /expected "," or "\]" \(column 14\)/],
    ['process.exit(1)', /unexpected "\(" \(column 13\)/],
    ['', /the filter is empty/],
    ['a ; b', /unexpected character ";" \(column 3\)/],
  ];
  for (const [source, message] of cases) {
    assert.throws(() => parseFilter(source), (e: unknown) => e instanceof FilterSyntaxError && message.test(e.message), source);
  }
});
