import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BLUEPRINT_SCHEMA } from './blueprint-schema.ts';

test('blueprints/blueprint.schema.json is the schema the compiler validates with', () => {
  const file = JSON.parse(readFileSync(new URL('../../blueprints/blueprint.schema.json', import.meta.url), 'utf8')) as unknown;
  assert.deepEqual(file, JSON.parse(JSON.stringify(BLUEPRINT_SCHEMA)), 'regenerate the file from core/blueprint/blueprint-schema.ts');
});
