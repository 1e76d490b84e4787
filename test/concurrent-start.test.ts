import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../core/config.ts';
import { startSignal } from '../core/signal.ts';
import { createTestDatabase } from './helpers/database.ts';
import { noPlugins } from './helpers/signal.ts';

test('nodes starting together on an empty database: migrations once, one demo pipeline', { timeout: 120_000 }, async () => {
  const db = await createTestDatabase('firststart');
  const dirs = await Promise.all([1, 2, 3].map(() => mkdtemp(path.join(tmpdir(), 'signal-first-start-'))));
  const started = await Promise.allSettled(dirs.map((dir) => startSignal(loadConfig({
    DATABASE_URL: db.url, SIGNAL_DATA_DIR: dir, SIGNAL_COLLECT_HOST: '127.0.0.1', SIGNAL_COLLECT_PORT: '0', SIGNAL_ADMIN_PORT: '0',
    SIGNAL_LOG_LEVEL: 'silent', SIGNAL_ADMIN_TOKEN: 'first-start-admin-token-0123', SIGNAL_SECRET_KEY: '0'.repeat(64), SIGNAL_DEMO_PIPELINE: 'true',
  }), { plugins: noPlugins })));
  try {
    assert.deepEqual(started.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason)), [], 'every node starts');
    const nodes = started.map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof startSignal>>>).value);
    assert.deepEqual((await nodes[0]!.services.pipelines.list()).map((p) => p.name), ['Demo']);
    assert.equal(nodes.filter((n) => n.demoKey !== undefined).length, 1, 'the node that made it shows its key');
  } finally {
    for (const s of started) if (s.status === 'fulfilled') await s.value.stop().catch(() => {});
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    await db.drop();
  }
});

test('a restart after the demo key was rotated does not show the dead key', { timeout: 60_000 }, async () => {
  const db = await createTestDatabase('demorotated');
  const dir = await mkdtemp(path.join(tmpdir(), 'signal-demo-rotated-'));
  const start = () => startSignal(loadConfig({
    DATABASE_URL: db.url, SIGNAL_DATA_DIR: dir, SIGNAL_COLLECT_HOST: '127.0.0.1', SIGNAL_COLLECT_PORT: '0', SIGNAL_ADMIN_PORT: '0',
    SIGNAL_LOG_LEVEL: 'silent', SIGNAL_ADMIN_TOKEN: 'demo-rotated-admin-token-0123', SIGNAL_SECRET_KEY: '0'.repeat(64), SIGNAL_DEMO_PIPELINE: 'true',
  }), { plugins: noPlugins });
  try {
    const first = await start();
    assert.ok(first.demoKey && first.demoPipelineId);
    const { key } = await first.services.pipelines.rotateKey(first.demoPipelineId, 0);
    await first.stop();
    const second = await start();
    try {
      assert.equal(second.demoKey, undefined, 'the saved key answers 401 now');
      assert.equal(second.demoPipelineId, undefined);
      assert.match(second.demoKeyUnusable ?? '', /demo-pipeline-key no longer works \(rotated, or its pipeline deleted\)/);
      assert.ok(!(second.demoKeyUnusable ?? '').includes(key), 'the new key is not printed either');
    } finally {
      await second.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    await db.drop();
  }
});
