import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignalError } from '../errors.ts';
import { MAX_NESTING_DEPTH, parseJsonBody } from './json-body.ts';

function refusal(text: string): { code: string; message: string; fields: SignalError['fields'] } {
  try {
    parseJsonBody(text);
  } catch (error) {
    assert.ok(error instanceof SignalError);
    return { code: error.code, message: error.message, fields: error.fields };
  }
  assert.fail(`accepted: ${text.slice(0, 80)}`);
}

test('JSON is parsed as JSON.parse would, after a byte order mark if there is one', () => {
  assert.deepEqual(parseJsonBody('{"event":"E","n":[1,2.5,null,true],"s":"\\u00e9"}'), { event: 'E', n: [1, 2.5, null, true], s: 'é' });
  assert.deepEqual(parseJsonBody('\ufeff{"event":"E"}'), { event: 'E' });
});

test('a body that is not JSON keeps V8\'s reason; an empty body says so', () => {
  const broken = refusal('{"a":1,}');
  assert.equal(broken.code, 'SIGNAL_INVALID_JSON');
  assert.match(broken.message, /^The request body is not valid JSON: .*position 7/);
  assert.deepEqual(refusal(''), { code: 'SIGNAL_INVALID_JSON', message: 'The request body is empty; expected a JSON object', fields: [] });
});

test(`nesting: ${MAX_NESTING_DEPTH} levels pass, one more names the path, cut after 8 segments`, () => {
  const arrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
  assert.doesNotThrow(() => parseJsonBody(arrays(MAX_NESTING_DEPTH)));
  assert.deepEqual(refusal(arrays(MAX_NESTING_DEPTH + 1)).fields, [{ field: '[0][0][0][0][0][0][0][0]…', message: `nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep; flatten it` }]);
  const shallowPath = refusal(`{"batch":[{"properties":{"my key":${arrays(MAX_NESTING_DEPTH)}}}]}`).fields[0]!;
  assert.equal(shallowPath.field, 'batch[0].properties["my key"][0][0][0][0]…');
  assert.equal(shallowPath.index, 0, 'the batch index of the event');
});

test('__proto__ anywhere and constructor.prototype are refused; a plain "constructor" is not', () => {
  const proto = refusal('{"__proto__":{"x":1}}');
  assert.equal(proto.code, 'SIGNAL_INVALID_EVENT');
  assert.deepEqual(proto.fields.map((f) => f.field), ['__proto__']);
  assert.deepEqual(refusal('{"batch":[{},{"traits":{"a":[{"__proto__":null}]}}]}').fields.map((f) => [f.field, f.index]), [['batch[1].traits.a[0].__proto__', 1]]);
  assert.deepEqual(refusal('{"properties":{"constructor":{"prototype":{"polluted":true}}}}').fields.map((f) => f.field), ['properties.constructor']);
  assert.deepEqual(parseJsonBody('{"properties":{"constructor":{"name":"Object"},"prototype":1}}'), { properties: { constructor: { name: 'Object' }, prototype: 1 } });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('a number too large for a double is refused, naming it, instead of being stored as null', () => {
  const huge = refusal('{"batch":[{"properties":{"n":1e400}}]}');
  assert.deepEqual(huge.fields, [{ field: 'batch[0].properties.n', message: 'is a number too large for a double (e.g. 1e400): send it as a string', index: 0 }]);
  assert.deepEqual(parseJsonBody('{"n":1.7976931348623157e308,"m":-5e-324}'), { n: 1.7976931348623157e308, m: -5e-324 });
});
