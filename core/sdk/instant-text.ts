/**
 * An instant (ms since the epoch) as ISO 8601 text for a message, or, past the range a Date
 * holds (±8.64e15 ms: a mapped number far off, e.g. seconds taken for microseconds), the
 * number itself: a message naming a bad time must not fail with a RangeError of its own.
 *
 * @example
 * instantText(1796032800000); // '2026-11-30T10:00:00.000Z'
 * instantText(1e22);          // '1e+22 ms since 1970 (out of range)'
 */
export function instantText(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms since 1970 (out of range)` : date.toISOString();
}
