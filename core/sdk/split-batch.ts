import type { MappedEvent } from './types.ts';

/**
 * Splits mapped events into batches of at most `maxEvents` whose payloads, serialised, add up
 * to at most `maxBytes` (less `overheadBytes` for the envelope). An event larger than the limit
 * on its own gets a batch of its own (the vendor's answer then decides its fate).
 *
 * @example
 * splitBatch(batch, { maxEvents: 2000, maxBytes: 1_000_000, overheadBytes: 64 });
 */
export function splitBatch(batch: MappedEvent[], limits: { maxEvents: number; maxBytes: number; overheadBytes?: number }): MappedEvent[][] {
  const budget = limits.maxBytes - (limits.overheadBytes ?? 0);
  const batches: MappedEvent[][] = [];
  let current: MappedEvent[] = [];
  let bytes = 0;
  for (const event of batch) {
    const size = Buffer.byteLength(JSON.stringify(event.payload)) + 1; // + the comma between items
    if (current.length > 0 && (current.length >= limits.maxEvents || bytes + size > budget)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
