import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configApiKey, configText, trimmedText } from './config-text.ts';

test('trimmedText: text trimmed; blank text and anything not text is none', () => {
  assert.equal(trimmedText(' us-east-1 '), 'us-east-1');
  assert.equal(trimmedText('a b'), 'a b', 'inner white space stays');
  assert.equal(trimmedText('\n'), undefined);
  assert.equal(trimmedText(''), undefined);
  assert.equal(trimmedText(42), undefined, 'a number is no text (readText reads its digits)');
  assert.equal(trimmedText(true), undefined);
  assert.equal(trimmedText(null), undefined);
  assert.equal(trimmedText(undefined), undefined);
  assert.equal(trimmedText({ text: 'x' }), undefined);
});

test('configText: a field\'s text trimmed; absent, blank or not text is none', () => {
  assert.equal(configText({ app_id: ' 7365 ' }, 'app_id'), '7365');
  assert.equal(configText({ app_id: 'id123456789' }, 'app_id'), 'id123456789');
  assert.equal(configText({ access_token: '' }, 'access_token'), undefined);
  assert.equal(configText({ access_token: ' \t ' }, 'access_token'), undefined);
  assert.equal(configText({}, 'access_token'), undefined);
  assert.equal(configText({ app_id: 7365 }, 'app_id'), undefined, 'a number is no text a schema typed string would let through');
  assert.equal(configText({ app_id: null }, 'app_id'), undefined);
});

test('configApiKey: the api_key (or the field named) trimmed; empty text when absent, blank or not text', () => {
  assert.equal(configApiKey({ api_key: ' d2d561f5ff80\n' }), 'd2d561f5ff80');
  assert.equal(configApiKey({ private_key: ' abc ' }, 'private_key'), 'abc');
  assert.equal(configApiKey({}), '');
  assert.equal(configApiKey({ api_key: '  ' }), '');
  assert.equal(configApiKey({ api_key: 42 }), '');
});
