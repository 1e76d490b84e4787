import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { generateSecretKey, readOrCreate } from './secrets-files.ts';

test('processes starting together agree on one whole value, created once, mode 0600', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'signal-secrets-'));
  try {
    for (let round = 0; round < 5; round++) {
      const name = `secret-key-${round}`;
      // Concurrent calls interleave their file operations as separate processes would.
      const results = await Promise.all(Array.from({ length: 20 }, () => readOrCreate(dir, name, generateSecretKey)));
      const values = new Set(results.map((r) => r.value));
      assert.equal(values.size, 1, 'one value for all');
      assert.match([...values][0]!, /^[0-9a-f]{64}$/, 'never a partly written one');
      assert.equal(results.filter((r) => r.created).length, 1, 'created once');
      assert.equal((await stat(path.join(dir, name))).mode & 0o777, 0o600);
    }
    assert.deepEqual((await readdir(dir)).filter((file) => file.startsWith('.')), [], 'no draft left behind');
    const again = await readOrCreate(dir, 'secret-key-0', generateSecretKey);
    assert.equal(again.created, false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
