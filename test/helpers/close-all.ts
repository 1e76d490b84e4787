/** Anything a test file opens and must close: a test Signal, a vendor simulator, a proxy, a pool. */
export interface Closable {
  close(): Promise<unknown>;
}

/**
 * Closes each of `closables` in order, every one even when an earlier one fails or was never
 * made (undefined: its `before` hook failed), then throws the first failure. A file's `after`
 * hook that stopped at its first error left the rest open — a simulator's listening socket
 * kept the file's process, and the whole `npm test`, running until the watchdog.
 *
 * @example
 * after(() => closeAll(signal, sim));
 */
export async function closeAll(...closables: Array<Closable | undefined>): Promise<void> {
  const failures: unknown[] = [];
  for (const closable of closables) {
    try {
      await closable?.close();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} of ${closables.length} could not be closed`);
}
