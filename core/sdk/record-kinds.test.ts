import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermanentError } from './errors.ts';
import { recordKinds } from './record-kinds.ts';

const kinds = recordKinds('Drip', ['subscriber', 'event'] as const);

test('recordKinds.of: the kind the payload names, else a PermanentError naming the vendor and its kinds', () => {
  assert.equal(kinds.of({ kind: 'event', action: 'Signed Up' }), 'event');
  assert.throws(() => kinds.of({ action: 'Signed Up' }), (error: unknown) => error instanceof PermanentError && error.message === 'the blueprint mapped no kind: Signal sends Drip the kinds subscriber, event');
  assert.throws(() => kinds.of({ kind: 'page' }), { message: 'the blueprint mapped the kind "page": Signal sends Drip the kinds subscriber, event' });
  assert.throws(() => kinds.of({ kind: null }), { message: 'the blueprint mapped the kind null: Signal sends Drip the kinds subscriber, event' });
});

test('recordKinds.is and list: the kinds only, in order, frozen', () => {
  assert.equal(kinds.is('subscriber'), true);
  assert.equal(kinds.is('toString'), false);
  assert.equal(kinds.is(undefined), false);
  assert.deepEqual(kinds.list, ['subscriber', 'event']);
  assert.equal(Object.isFrozen(kinds.list), true);
});
