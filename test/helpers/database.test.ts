import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestDatabase, dropRunDatabases } from './database.ts';

test('dropRunDatabases drops the databases named with its run id, and no other', async () => {
  const before = process.env.SIGNAL_TEST_RUN_ID;
  process.env.SIGNAL_TEST_RUN_ID = 'ab12cd';
  const ours = [await createTestDatabase('left_behind'), await createTestDatabase('left_behind')];
  process.env.SIGNAL_TEST_RUN_ID = 'ef34ab';
  const another = await createTestDatabase('other_run');
  if (before === undefined) delete process.env.SIGNAL_TEST_RUN_ID;
  else process.env.SIGNAL_TEST_RUN_ID = before;
  try {
    assert.match(ours[0]!.name, /^signal_left_behind_ab12cd_[0-9a-f]{8}$/);
    assert.deepEqual((await dropRunDatabases('ab12cd')).sort(), ours.map((db) => db.name).sort());
    assert.deepEqual(await dropRunDatabases('ab12cd'), [], 'nothing left of that run');
  } finally {
    await another.drop();
  }
});
