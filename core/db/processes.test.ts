import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { commandLine, hasProc, isPostmasterOf, processIdentity } from './processes.ts';

const linux = await hasProc();

test('processIdentity is stable for a process and differs for another', { skip: !linux && 'no /proc' }, async () => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    const mine = await processIdentity(process.pid);
    assert.ok(mine);
    assert.equal(await processIdentity(process.pid), mine);
    const theirs = await processIdentity(child.pid!);
    assert.ok(theirs);
    assert.notEqual(theirs, mine);
    assert.equal(await processIdentity(2 ** 22 + 1), undefined, 'no such pid');
  } finally {
    child.kill('SIGKILL');
  }
});

test('commandLine reads argv; isPostmasterOf refuses anything but a postgres started on the folder', { skip: !linux && 'no /proc' }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'signal-proc-'));
  // A process that names the folder but is not postgres, as a recycled pid could.
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)', dir], { stdio: 'ignore' });
  try {
    assert.deepEqual((await commandLine(child.pid!))?.slice(1), ['-e', 'setTimeout(() => {}, 30_000)', dir]);
    assert.equal(await commandLine(2 ** 22 + 1), undefined, 'no such pid');
    assert.equal(await isPostmasterOf(child.pid!, dir), false);
    assert.equal(await isPostmasterOf(process.pid, dir), false);
    assert.equal(await isPostmasterOf(2 ** 22 + 1, dir), false);
  } finally {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
