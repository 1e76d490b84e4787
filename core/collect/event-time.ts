import type { ErrorField } from '../errors.ts';

/**
 * The client's date-times (`timestamp`, `originalTimestamp`, `sentAt`) are checked by the
 * schema's `date-time` format (ajv-formats), which admits more than Date.parse reads: a zone
 * of hours only (`+05`), and a leap second (`…23:59:60Z`, RFC 3339), even one written in an
 * hour no clock shows (`46:59:60+23:00` is 23:59:60 UTC to ajv-formats).
 */

/** The fields of an event, or of a batch (`sentAt`), that hold a client's date-time. */
export const EVENT_TIME_FIELDS = ['timestamp', 'originalTimestamp', 'sentAt'] as const;
export type EventTimeField = (typeof EVENT_TIME_FIELDS)[number];

/** A zone of hours only at the end (`+05`, `-03`): not in ECMAScript's date-time format. */
const HOURS_ONLY_ZONE = /([+-]\d{2})$/;
/** Seconds `60` before the zone (`Z`, `±hh:mm` or `±hhmm`; `±hh` is rewritten first). */
const LEAP_SECOND = /:60(\.\d+)?(?=(Z|[+-]\d{2}:?\d{2})?$)/i;

/**
 * Milliseconds of a client's date-time, or `undefined` when it cannot be read. A zone of
 * hours only is read as `±hh:00`; a leap second as the last millisecond of its minute.
 *
 * @example
 * readEventTime('2026-03-24T16:00:00+05');     // Date.parse('2026-03-24T11:00:00Z')
 * readEventTime('2016-12-31T23:59:60Z');       // Date.parse('2016-12-31T23:59:59.999Z')
 * readEventTime('2026-12-31T46:59:60+23:00');  // undefined
 */
export function readEventTime(value: string): number | undefined {
  const ms = Date.parse(value);
  if (!Number.isNaN(ms)) return ms;
  const rewritten = Date.parse(value.replace(HOURS_ONLY_ZONE, '$1:00').replace(LEAP_SECOND, ':59.999'));
  return Number.isNaN(rewritten) ? undefined : rewritten;
}

/**
 * The fields of `values` holding a date-time that `readEventTime` cannot read, each named
 * after `prefix` (`batch[3].`) and carrying the batch `index` when given: a 400 naming them
 * beats the 500 an unreadable date would cause further on.
 *
 * @example
 * unreadableTimes({ timestamp: '2026-12-31T46:59:60+23:00' }, 'batch[2].', 2);
 * // [{ field: 'batch[2].timestamp', message: 'is not a date-time that can be read; …', index: 2 }]
 */
export function unreadableTimes(values: Partial<Record<EventTimeField, unknown>>, prefix = '', index?: number): ErrorField[] {
  const fields: ErrorField[] = [];
  for (const name of EVENT_TIME_FIELDS) {
    const value = values[name];
    if (typeof value === 'string' && readEventTime(value) === undefined) {
      fields.push({
        field: `${prefix}${name}`,
        message: 'is not a date-time that can be read; send ISO 8601 with a zone, e.g. 2026-03-24T16:00:00Z',
        ...(index === undefined ? {} : { index }),
      });
    }
  }
  return fields;
}
