import assert from 'node:assert/strict';

/**
 * Polls `probe` until it returns a truthy value (returned), failing after `timeoutMs`.
 *
 * @example
 * const stats = await waitUntil(async () => { const s = await get(); return s.delivered === 2 && s; }, 'two deliveries');
 */
export async function waitUntil<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
