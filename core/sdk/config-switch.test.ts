import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSwitchProblem } from './config-switch.ts';

test('configSwitchProblem: true, false or left out will do; anything else must be true or false', () => {
  assert.equal(configSwitchProblem(true), undefined);
  assert.equal(configSwitchProblem(false), undefined);
  assert.equal(configSwitchProblem(undefined), undefined);
  for (const value of ['true', 'yes', 1, 0, null, [], {}]) assert.equal(configSwitchProblem(value), 'must be true or false', JSON.stringify(value));
});
