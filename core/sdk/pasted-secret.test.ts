import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pastedSecretProblem } from './pasted-secret.ts';

test('pastedSecretProblem: a value that starts with "Bearer " (any case, after white space) is said so, with the hint', () => {
  assert.deepEqual(pastedSecretProblem('api_key', 'Bearer abc', 'API key'), { field: 'api_key', message: 'starts with "Bearer ": give the API key alone' });
  assert.deepEqual(pastedSecretProblem('api_key', ' bearer\tabc', 'API key', { schemeHint: 'Signal adds the prefix', spaceHint: 'as shown' }),
    { field: 'api_key', message: 'starts with "Bearer ": give the API key alone, Signal adds the prefix' });
  assert.equal(pastedSecretProblem('api_key', 'Bearer \n', 'API key')?.message, 'starts with "Bearer ": give the API key alone', 'the scheme alone, copied with the line');
  assert.equal(pastedSecretProblem('api_key', 'Bearerabc', 'API key'), undefined, 'a key that merely begins with the letters');
});

test('pastedSecretProblem: the schemes refused are the options\'; the message spells the one found as they do', () => {
  const options = { schemes: ['Key', 'Basic', 'Bearer'], schemeHint: 'Signal sends it as Authorization: Key <key>' };
  assert.equal(pastedSecretProblem('api_key', 'KEY abc', 'App API key', options)?.message, 'starts with "Key ": give the App API key alone, Signal sends it as Authorization: Key <key>');
  assert.equal(pastedSecretProblem('api_key', 'basic abc', 'App API key', options)?.message.startsWith('starts with "Basic "'), true);
  assert.equal(pastedSecretProblem('api_key', 'Token abc', 'App API key', options)?.message.startsWith('holds white space'), true, 'another word: white space');
  assert.equal(pastedSecretProblem('api_key', 'Bearer abc', 'API key', { schemes: [] })?.message.startsWith('holds white space'), true, 'no scheme refused');
});

test('pastedSecretProblem: white space anywhere in the value as given, with the hint; a value alone passes', () => {
  for (const value of ['abc def', 'abc\n', ' abc', 'ab\tc']) {
    assert.deepEqual(pastedSecretProblem('token', value, 'token', { spaceHint: 'as the console shows it' }),
      { field: 'token', message: 'holds white space or a line break (copied with the text around it?): give the token alone, as the console shows it' }, JSON.stringify(value));
  }
  assert.equal(pastedSecretProblem('token', 'abc', 'token'), undefined);
  assert.equal(pastedSecretProblem('token', 'Bearer', 'token'), undefined, 'the word alone: a value, if a strange one');
  assert.deepEqual([pastedSecretProblem('developer_token', 'bearer abc', 'developer token')?.message, pastedSecretProblem('developer_token', 'abc\n', 'developer token')?.field, pastedSecretProblem('developer_token', 'abcDEF123', 'developer token')],
    ['starts with "Bearer ": give the developer token alone', 'developer_token', undefined]);
});
