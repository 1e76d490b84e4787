import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ErrorObject } from 'ajv';
import { onlyPatternErrors, withPluginWords } from './config-problems.ts';

const error = (keyword: string): ErrorObject => ({ keyword, instancePath: '/x', schemaPath: '#', params: {} });

test('only pattern errors: at least one, and nothing else', () => {
  assert.equal(onlyPatternErrors([error('pattern'), error('pattern')]), true);
  assert.equal(onlyPatternErrors([error('pattern'), error('type')]), false, 'a wrong type: the plugin check may not run');
  assert.equal(onlyPatternErrors([]), false);
});

test("the plugin's words replace the pattern for its fields and those below; other pattern errors stay", () => {
  const schema = [
    { field: 'config.mailing_list_ids[0]', message: 'must match pattern "^[A-Za-z0-9_-]{1,64}$"' },
    { field: 'config.default_country_code', message: 'must match pattern "^[1-9][0-9]{0,2}$"' },
    { field: 'config.fields_map.plan', message: 'must match pattern "^[a-z]+$"' },
  ];
  const plugin = [
    { field: 'config.mailing_list_ids', message: 'holds "Newsletter", which is no mailing list id: give the list\'s id, not its name' },
    { field: 'config.fields', message: 'a problem of another field' },
  ];
  assert.deepEqual(withPluginWords(schema, plugin), [...plugin, schema[1], schema[2]], 'config.fields is no parent of config.fields_map');
  assert.deepEqual(withPluginWords(schema, []), schema);
});
