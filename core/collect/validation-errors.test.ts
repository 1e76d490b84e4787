import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchSchema } from './canonical-event.ts';
import { createCollectAjv } from './collect-app.ts';
import { formatValidationErrors, pointerToField } from './validation-errors.ts';

test('pointerToField writes indices as brackets', () => {
  assert.equal(pointerToField('/batch/3/context/page/url'), 'batch[3].context.page.url');
  assert.equal(pointerToField(''), '');
});

test('a batch names every failing index and field', () => {
  const ajv = createCollectAjv();
  const validate = ajv.compile(batchSchema);
  const ok = validate({
    batch: [
      { type: 'track', event: 'A', userId: 'u' },
      { type: 'track', userId: 'u' },
      { type: 'page', userId: 5, timestamp: 'yesterday' },
      { type: 'nope' },
    ],
  });
  assert.equal(ok, false);
  const fields = formatValidationErrors(validate.errors ?? []);
  assert.deepEqual(
    fields.map((f) => [f.index, f.field, f.message]),
    [
      [1, 'batch[1].event', 'is required'],
      [2, 'batch[2].userId', 'must be a string or null'],
      [2, 'batch[2].timestamp', 'must be an ISO 8601 date-time with a time zone, e.g. 2026-03-24T16:00:00.000Z'],
      [3, 'batch[3].type', 'must be one of: track, page, identify, screen, group, alias'],
    ],
  );
});
