import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { BLUEPRINT_SCHEMA } from './blueprint-schema.ts';

test('blueprints/blueprint.schema.json is the schema the compiler validates with', () => {
  const file = JSON.parse(readFileSync(new URL('../../blueprints/blueprint.schema.json', import.meta.url), 'utf8')) as unknown;
  assert.deepEqual(file, JSON.parse(JSON.stringify(BLUEPRINT_SCHEMA)), 'regenerate it: node core/blueprint/write-schema.ts');
});

test('editors validating with the schema accept the fixture and flag unknown keys', () => {
  const validate = new Ajv({ strict: false }).compile(BLUEPRINT_SCHEMA);
  const fixture = parse(readFileSync(new URL('./fixtures/amplitude-bench.yaml', import.meta.url), 'utf8')) as unknown;
  assert.ok(validate(fixture), JSON.stringify(validate.errors));
  assert.equal(validate({ global: [{ source: 'a', target: 'b', tranforms: [] }] }), false);
  assert.equal(validate({ defaults: { action: 'forward' } }), false);
});
