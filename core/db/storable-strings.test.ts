import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasUnstorableCharacters, storableCopy, storableJson, storableText } from './storable-strings.ts';

test('NUL characters and lone surrogates are found in JSON.stringify output', () => {
  assert.equal(hasUnstorableCharacters(JSON.stringify({ a: 'x\u0000y' })), true);
  assert.equal(hasUnstorableCharacters(JSON.stringify({ a: 'x\ud800' })), true, 'lone high surrogate');
  assert.equal(hasUnstorableCharacters(JSON.stringify({ a: '\udfffx' })), true, 'lone low surrogate');
  assert.equal(hasUnstorableCharacters(JSON.stringify({ ['k\u0000']: 1 })), true, 'in a key');
  assert.equal(hasUnstorableCharacters(JSON.stringify({ a: 'café 𝄞 \u0001 \\ "quoted"' })), false, 'a valid pair, control characters and escapes are storable');
});

test('storableCopy replaces each with U+FFFD in strings, keys, arrays and nested objects', () => {
  const event = { event: 'a\u0000b', properties: { ['k\ud800']: ['x\udc00', 1, true, null, { deep: '\u0000' }], n: 2.5 } };
  assert.deepEqual(storableCopy(event), { event: 'a\ufffdb', properties: { 'k\ufffd': ['x\ufffd', 1, true, null, { deep: '\ufffd' }], n: 2.5 } });
  assert.equal(event.event, 'a\u0000b', 'the original is left as it was');
  assert.equal(hasUnstorableCharacters(JSON.stringify(storableCopy(event))), false);
});

test('a valid surrogate pair is kept, and a "__proto__" key stays a plain key', () => {
  assert.deepEqual(storableCopy({ clef: '𝄞' }), { clef: '𝄞' });
  const copied = storableCopy(JSON.parse('{"__proto__":{"polluted":"\\u0000"}}') as Record<string, unknown>);
  assert.deepEqual(Object.keys(copied), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(copied), Object.prototype);
});

test('storableText for text values; storableJson serialises like JSON.stringify, Dates included', () => {
  assert.equal(storableText('a\u0000b\ud800'), 'a\ufffdb\ufffd');
  const at = new Date('2026-11-30T08:00:00.000Z');
  assert.equal(storableJson({ at, body: 'ok', n: 1, gone: undefined }), JSON.stringify({ at, body: 'ok', n: 1 }));
  assert.equal(storableJson({ at, body: 'bad\u0000' }), '{"at":"2026-11-30T08:00:00.000Z","body":"bad\ufffd"}');
});
