import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configApiKey, configText } from './config-text.ts';

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
