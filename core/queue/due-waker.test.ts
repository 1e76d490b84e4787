import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDueWaker } from './due-waker.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createDueWaker', () => {
  test('wakes the queue once its delay has passed, never before', async () => {
    const woken: Array<{ queue: string; at: number }> = [];
    const waker = createDueWaker((queue) => woken.push({ queue, at: Date.now() }), { granularityMs: 10 });
    const start = Date.now();
    waker.wakeAfter('delivery.a', 60);
    waker.wakeAfter('delivery.b', 20);
    assert.equal(waker.pending(), 2);
    await sleep(150);
    assert.deepEqual(woken.map((w) => w.queue), ['delivery.b', 'delivery.a']);
    assert.ok(woken[0]!.at - start >= 20, `b woke after ${woken[0]!.at - start} ms`);
    assert.ok(woken[1]!.at - start >= 60, `a woke after ${woken[1]!.at - start} ms`);
    assert.equal(waker.pending(), 0);
  });

  test('wakes due in the same slot share one timer and one wake', async () => {
    const woken: string[] = [];
    const waker = createDueWaker((queue) => woken.push(queue), { granularityMs: 50 });
    // A retry storm: a hundred jobs due within the same 50 ms slot (unless a slot's end falls
    // among them, then two slots).
    for (let i = 0; i < 100; i++) waker.wakeAfter('delivery.a', 1 + (i % 5));
    assert.ok(waker.pending() <= 2, `${waker.pending()} timers`);
    const slots = waker.pending();
    await sleep(150);
    assert.deepEqual(woken, Array(slots).fill('delivery.a'));
  });

  test('no wake for a job due now, forget drops a queue, stop drops all and ignores later calls', async () => {
    const woken: string[] = [];
    const waker = createDueWaker((queue) => woken.push(queue), { granularityMs: 5 });
    waker.wakeAfter('delivery.a', 0);
    waker.wakeAfter('delivery.a', -5);
    waker.wakeAfter('delivery.a', Number.NaN);
    assert.equal(waker.pending(), 0, 'NOTIFY wakes a worker for a job due now');
    waker.wakeAfter('delivery.a', 20);
    waker.wakeAfter('delivery.b', 20);
    waker.forget('delivery.a');
    assert.equal(waker.pending(), 1);
    await sleep(80);
    assert.deepEqual(woken, ['delivery.b']);
    waker.wakeAfter('delivery.c', 20);
    waker.stop();
    waker.wakeAfter('delivery.d', 20);
    await sleep(80);
    assert.deepEqual(woken, ['delivery.b']);
    assert.equal(waker.pending(), 0);
  });
});
