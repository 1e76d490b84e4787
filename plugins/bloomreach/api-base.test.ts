import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiBaseOf, customApiBaseProblem } from './api-base.ts';

test('apiBaseOf: the chosen base, the custom one with "custom", api.exponea.com by default; never a trailing slash', () => {
  assert.equal(apiBaseOf({}), 'https://api.exponea.com');
  assert.equal(apiBaseOf({ api_base: 'https://api.eu1.exponea.com' }), 'https://api.eu1.exponea.com');
  assert.equal(apiBaseOf({ api_base: 'custom', custom_api_base: ' https://api-cis.exponea.com/ ' }), 'https://api-cis.exponea.com');
  assert.equal(apiBaseOf({ api_base: 'custom', custom_api_base: 'http://api-cis.exponea.com' }), undefined, 'an unusable custom base is none');
  assert.equal(apiBaseOf({ api_base: 'custom' }), undefined);
  assert.equal(apiBaseOf({ api_base: 'https://api.exponea.com', custom_api_base: 'https://elsewhere.example' }), 'https://api.exponea.com', 'the custom base only with "custom"');
});

test('customApiBaseProblem: an https URL of a public host, alone', () => {
  assert.equal(customApiBaseProblem('https://api-cis.exponea.com'), undefined);
  assert.equal(customApiBaseProblem('https://track.shop.example/'), undefined, 'a custom tracking domain');
  assert.match(customApiBaseProblem('api.exponea.com')!, /is no URL/);
  assert.match(customApiBaseProblem('http://api.exponea.com')!, /^must start with https:\/\//);
  assert.match(customApiBaseProblem('https://key:secret@api.exponea.com')!, /user name or password/);
  assert.match(customApiBaseProblem('https://api.exponea.com/?x=1')!, /query or a fragment/);
  assert.match(customApiBaseProblem('https://api.exponea.com/track/v2/projects/x')!, /has the path \/track\/v2\/projects\/x/);
  assert.match(customApiBaseProblem('https://127.0.0.1')!, /public host/);
  assert.match(customApiBaseProblem('https://localhost')!, /public host/);
});
