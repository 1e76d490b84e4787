import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createMigratedDatabase, type MigratedDatabase } from '../../test/helpers/database.ts';
import { migrate, readMigrations, splitStatements } from './migrate.ts';

let db: MigratedDatabase;

before(async () => {
  db = await createMigratedDatabase('migrate', 2);
});
after(async () => {
  await db.close();
});

test('a migration run outside a transaction is split at the semicolons that end a line, comments left out', () => {
  assert.deepEqual(splitStatements('-- signal:no-transaction\n-- why; and how\nDROP INDEX CONCURRENTLY IF EXISTS a;\nCREATE INDEX CONCURRENTLY a\n  ON t (x) WHERE y = \'a;b\';\n'), [
    'DROP INDEX CONCURRENTLY IF EXISTS a',
    "CREATE INDEX CONCURRENTLY a\n  ON t (x) WHERE y = 'a;b'",
  ]);
});

test('an index build interrupted at an upgrade (left invalid, its migration unrecorded) is built again at the next start', async () => {
  const identifyIndex = (await readMigrations()).find((m) => m.name === 'identify_index')!;
  await db.pool.query('DELETE FROM signal.schema_migrations WHERE version = $1', [identifyIndex.version]);
  await db.pool.query("UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'signal.events_identify'::regclass");
  assert.deepEqual(await migrate(db.pool), [identifyIndex.version]);
  const { rows } = await db.pool.query<{ indisvalid: boolean }>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'signal.events_identify'::regclass");
  assert.deepEqual(rows, [{ indisvalid: true }]);
  assert.deepEqual(await migrate(db.pool), [], 'recorded this time');
});
