import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { serverUrl } from '../../test/helpers/database.ts';
import { createMissingDatabase } from './create-missing-database.ts';

test('a DATABASE_URL naming a database the server lacks: it is created once, then used as it is', async () => {
  const name = `signal_missing_${randomBytes(4).toString('hex')}`;
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    assert.equal(await createMissingDatabase(url.href), true);
    assert.equal((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount, 1);
    assert.equal(await createMissingDatabase(url.href), false, 'it exists now');
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.end();
  }
});

test('a server that cannot be reached is not taken for a missing database', async () => {
  await assert.rejects(createMissingDatabase('postgres://postgres@127.0.0.1:1/signal'), (error: Error & { code?: string }) => error.code === 'ECONNREFUSED');
});
