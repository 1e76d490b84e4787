import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { migrate } from '../../core/db/migrate.ts';
import { createPool } from '../../core/db/pool.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { createTemplateDatabase } from './template-database.ts';

const made: TestDatabase[] = [];
after(async () => {
  for (const db of made.reverse()) await db.drop();
});

test('a copy of the template has every migration and pg-boss\'s fixed queues, and no rows of its own', async () => {
  const template = await createTemplateDatabase();
  made.push(template);
  // The template is left with no session on it, so that databases can be made from it.
  const copy = await createTestDatabase('template_copy', { template: template.name });
  made.push(copy);
  const client = new pg.Client({ connectionString: copy.url });
  await client.connect();
  try {
    const queues = (await client.query<{ name: string }>('SELECT name FROM pgboss.queue ORDER BY name')).rows.map((r) => r.name);
    assert.ok(queues.includes('ingest'), `the ingest queue is there (got ${queues.join(', ')})`);
    assert.equal((await client.query('SELECT 1 FROM signal.pipelines')).rowCount, 0, 'no pipelines');
  } finally {
    await client.end();
  }
  const pool = createPool(copy.url, 1);
  try {
    assert.deepEqual(await migrate(pool), [], 'nothing left to migrate');
  } finally {
    await pool.end();
  }
});
