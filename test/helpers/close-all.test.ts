import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeAll } from './close-all.ts';

test('closes everything in order, past failures and missing ones, then throws the first failure', async () => {
  const closed: string[] = [];
  const ok = (name: string) => ({ close: async () => void closed.push(name) });
  const broken = { close: async () => { throw new Error('stop failed'); } };
  await assert.rejects(closeAll(ok('signal'), broken, undefined, ok('sim')), /stop failed/);
  assert.deepEqual(closed, ['signal', 'sim']);
  await assert.rejects(closeAll(broken, broken), (error: AggregateError) => error.errors.length === 2 && /2 of 2/.test(error.message));
  await closeAll();
});
