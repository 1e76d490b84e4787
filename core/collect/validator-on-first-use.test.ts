import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCollectAjv } from './collect-ajv.ts';
import { validatorOnFirstUse } from './validator-on-first-use.ts';

test('compiles at the first call, once, and answers as the compiled validator, with the errors of the last call', () => {
  const ajv = createCollectAjv();
  let compiles = 0;
  const validate = validatorOnFirstUse(() => {
    compiles++;
    return ajv.compile({ type: 'object', properties: { event: { type: 'string' } }, required: ['event'] });
  });
  assert.equal(compiles, 0, 'not compiled before its first call');
  assert.equal(validate({}), false);
  assert.deepEqual(validate.errors?.map((e) => e.message), ["must have required property 'event'"]);
  assert.equal(validate({ event: 'Signed Up' }), true);
  assert.equal(validate.errors, null, 'a valid call clears the errors');
  assert.equal(compiles, 1);
});
