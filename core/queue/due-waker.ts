/**
 * Wakes a queue's worker on this node when a job it created for later comes due.
 *
 * pg-boss sends NOTIFY only for a job that can run at once; a job created for later (a
 * scheduled retry, a throttled batch, a processing report's next check) is found by the
 * worker's next poll. Polling every 0.5 s so those run on time made most of an idle gateway's
 * load on PostgreSQL (two workers per integration, each asking twice a second). With this, the
 * node that schedules a job wakes its own worker when the job comes due, and the poll is only
 * a backstop for what no local timer knows of (another node's retries, pg-boss's own retry of
 * a handler that threw, a NOTIFY lost while the listener reconnected).
 *
 * Wakes are rounded up to `granularityMs`, so a storm of retries due at about the same time
 * costs one timer per queue and slot. Timers are unref'd: they never keep a process alive.
 *
 * @example
 * const waker = createDueWaker((queue) => boss.notifyWorker(workerIds.get(queue)!));
 * await boss.send(queue, job, { startAfter: 2.5 });
 * waker.wakeAfter(queue, 2500); // the worker fetches as the job comes due, not up to a poll later
 */
export function createDueWaker(wake: (queue: string) => void, options: { granularityMs?: number } = {}) {
  const granularityMs = options.granularityMs ?? 25;
  // queue → slot (ms since the epoch, a multiple of granularityMs) → its timer
  const timers = new Map<string, Map<number, NodeJS.Timeout>>();
  let stopped = false;

  return {
    /**
     * Wakes `queue`'s worker `delayMs` from now (or a little after: the slot's end). Call it
     * after the job's insert has returned: the database's clock started the job's delay
     * first, so the wake can never come before the job is due.
     */
    wakeAfter(queue: string, delayMs: number): void {
      if (stopped || !(delayMs > 0)) return;
      const slot = Math.ceil((Date.now() + delayMs) / granularityMs) * granularityMs;
      let slots = timers.get(queue);
      if (slots?.has(slot)) return;
      if (!slots) timers.set(queue, (slots = new Map()));
      const timer = setTimeout(() => {
        slots.delete(slot);
        if (slots.size === 0 && timers.get(queue) === slots) timers.delete(queue);
        wake(queue);
      }, Math.max(0, slot - Date.now()));
      timer.unref();
      slots.set(slot, timer);
    },
    /** Drops `queue`'s pending wakes (its worker stopped). */
    forget(queue: string): void {
      for (const timer of timers.get(queue)?.values() ?? []) clearTimeout(timer);
      timers.delete(queue);
    },
    /** Drops every pending wake; later calls do nothing (shutdown). */
    stop(): void {
      stopped = true;
      for (const queue of [...timers.keys()]) this.forget(queue);
    },
    /** How many wakes are pending, per queue (for tests and diagnostics). */
    pending(): number {
      let count = 0;
      for (const slots of timers.values()) count += slots.size;
      return count;
    },
  };
}

export type DueWaker = ReturnType<typeof createDueWaker>;
