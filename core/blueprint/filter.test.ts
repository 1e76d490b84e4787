import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterSyntaxError, parseFilter } from './filter.ts';

const event = {
  type: 'track', event: 'Order Completed', userId: 'user-123',
  properties: { total: 120.5, currency: 'GBP', tags: ['sale', 'new'], count: '3', zero: 0, is_test: false, products: [{ price: 59.99 }, { price: 15 }] },
  context: { page: { path: '/checkout/pay' }, consent: { marketing: false } },
};
const check = (source: string) => parseFilter(source)(event);

test('comparisons, including numbers sent as text', () => {
  assert.equal(check('properties.total > 100'), true);
  assert.equal(check('properties.total >= 120.5'), true);
  assert.equal(check('properties.total < 120.5'), false);
  assert.equal(check('properties.total <= 100'), false);
  assert.equal(check('properties.count == 3'), true, '"3" == 3');
  assert.equal(check('properties.count >= 4'), false);
  assert.equal(check('properties.total > -5'), true, 'negative numbers');
  assert.equal(check('event == "Order Completed"'), true);
  assert.equal(check("event != 'Order Completed'"), false, 'single quotes');
  assert.equal(check('event > "A"'), true, 'text compares as text');
  assert.equal(check('event > 5'), false, 'text against a number is never ordered');
  assert.equal(check('properties.missing > 5'), false);
  assert.equal(check('context.consent.marketing == false'), true);
  assert.equal(check('properties.missing == null'), false, 'missing is not null: use exists');
  assert.equal(check('properties.missing != null'), true);
  assert.equal(check('properties.total == properties.total'), true, 'paths on both sides');
  assert.equal(check('"a\\"b" == "a\\"b"'), true, 'escaped quotes');
});

test('and, or, not, parentheses and precedence (not > and > or)', () => {
  assert.equal(check('properties.total > 100 and context.page.path startsWith "/checkout"'), true);
  assert.equal(check('event == "A" or event == "Order Completed" and properties.total > 1000'), false);
  assert.equal(check('(event == "A" or event == "Order Completed") and properties.total > 100'), true);
  assert.equal(check('not properties.currency == "USD"'), true);
  assert.equal(check('not (properties.total > 100)'), false);
  assert.equal(check('not not userId exists'), true);
  assert.equal(check('((((properties.total > 1))))'), true);
});

test('in, exists, startsWith, endsWith, contains, and their negations', () => {
  assert.equal(check('properties.currency in ["GBP", "EUR"]'), true);
  assert.equal(check('properties.count in [1, 2, 3]'), true, 'numbers as text match numbers');
  assert.equal(check('properties.is_test in [false, null]'), true);
  assert.equal(check('type in ["page", "identify"]'), false);
  assert.equal(check('type not in ["page", "identify"]'), true);
  assert.equal(check('type in []'), false);
  assert.equal(check('userId exists and not anonymousId exists'), true);
  assert.equal(check('anonymousId not exists'), true);
  assert.equal(check('properties.zero exists'), true, 'zero exists');
  assert.equal(check('context.page.path startsWith "/checkout"'), true);
  assert.equal(check('context.page.path not startsWith "/admin"'), true);
  assert.equal(check('context.page.path endsWith "/pay"'), true);
  assert.equal(check('properties.tags contains "sale"'), true);
  assert.equal(check('properties.tags not contains "old"'), true);
  assert.equal(check('event contains "Completed"'), true);
  assert.equal(check('properties.products[].price contains 15'), true, '[] paths give lists');
  assert.equal(check('properties.total startsWith "12"'), false, 'startsWith is for text');
});

test('a bare path or literal is a truthiness test', () => {
  assert.equal(check('userId'), true);
  assert.equal(check('properties.is_test'), false);
  assert.equal(check('not properties.is_test'), true);
  assert.equal(check('properties.zero'), false);
  assert.equal(check('true'), true);
  assert.equal(check('null'), false);
});

test('the predicate never throws, whatever the event', () => {
  const predicate = parseFilter('properties.total > 1 and context.page.path startsWith "/" and properties.tags contains "x"');
  for (const odd of [null, undefined, 42, 'text', [], { properties: null }, { properties: { total: { a: 1 } }, context: { page: 'x' } }]) {
    assert.equal(predicate(odd), false);
  }
});

test('syntax errors name the column; no code runs', () => {
  const cases: Array<[string, RegExp]> = [
    ['properties.total >', /the filter ends too early \(column 19\)/],
    ['event = "x"', /use == to compare \(column 7\)/],
    ['event == "x', /unterminated string starting with " \(column 10\)/],
    ['(event == "x"', /expected "\)" \(column 14\)/],
    ['event == "x" "y"', /unexpected "y" \(column 14\)/],
    ['type in ["a" "b"]', /expected "," or "\]" \(column 14\)/],
    ['type in "a"', /expected "\[" \(column 9\)/],
    ['type in [userId]', /a list holds strings, numbers, booleans or null \(column 10\)/],
    ['type not == "a"', /"not" here must be followed by in, contains, startsWith, endsWith or exists \(column 6\)/],
    ['process.exit(1)', /unexpected "\(" \(column 13\)/],
    ['constructor.name == "Object"', /"constructor" in "constructor\.name" is not allowed/],
    ['properties..x exists', /is not a valid path segment .*\(column 1\)$/],
    ['', /the filter is empty/],
    ['a ; b', /unexpected character ";" \(column 3\)/],
    ['and', /expected a value or a path, got "and" \(column 1\)/],
    [`${'('.repeat(70)}a${')'.repeat(70)}`, /more than 64 nested parentheses \(column 65\)/],
    [`a == "${'x'.repeat(5000)}"`, /the filter is longer than 4096 characters/],
  ];
  for (const [source, message] of cases) {
    assert.throws(() => parseFilter(source), (e: unknown) => e instanceof FilterSyntaxError && message.test(e.message), source);
  }
  const error = (() => {
    try {
      parseFilter('a ==');
    } catch (e) {
      return e as FilterSyntaxError;
    }
    return undefined;
  })();
  assert.equal(error?.column, 5);
});

test('text compares as a number only when it is decimal, as to_number reads it', () => {
  const on = (source: string, properties: Record<string, unknown>) => parseFilter(source)({ properties });
  assert.equal(on('properties.total == 0', { total: '' }), false);
  assert.equal(on('properties.total >= 0', { total: '' }), false, 'blank text is no number: not ordered either');
  assert.equal(on('properties.total <= 0', { total: '   ' }), false);
  assert.equal(on('properties.code == 16', { code: '0x10' }), false, 'hex text is not a number');
  assert.equal(on('properties.total > 1000', { total: '0b11111111111' }), false);
  assert.equal(on('properties.total in [16, 17]', { total: '0x10' }), false);
  assert.equal(on('properties.total > 10', { total: ' 12.5 ' }), true, 'decimal text still compares as a number');
  assert.equal(on('properties.total >= 1000', { total: '1e3' }), true);
});
