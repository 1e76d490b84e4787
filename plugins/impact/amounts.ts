// Money and quantities as impact.com takes them: decimals with two places ("decimal: 8 digits, 2
// decimal places" unless a field says otherwise), never negative in a conversion, and whole
// quantities of at least one.
import { readDecimal, readWholeNumber, type JsonValue } from '../../core/sdk/index.ts';

/** A money value: the decimal text to send, or the reason it was left out. */
export type Money = { value: string } | { leftOut: string } | undefined;

/**
 * A mapped money value as impact.com's decimal text, rounded to cents (half away from zero):
 * `74.97`, `50`, `0`. Nothing for no value; left out (saying why) when negative or only writable
 * with an exponent; a value that is not a number throws a PermanentError naming the field.
 *
 * @example
 * moneyOf(74.969, 'Amount'); // { value: '74.97' }
 * moneyOf(-5, 'Amount');     // { leftOut: 'Amount -5 left out: impact.com takes amounts of 0 or more' }
 * moneyOf('12,50', 'Amount'); // throws PermanentError('impact.com takes Amount as a number; …')
 */
export function moneyOf(value: JsonValue | undefined, field: string): Money {
  const number = readDecimal(value, { vendor: 'impact.com', field });
  if (number === undefined) return undefined;
  if (number < 0) return { leftOut: `${field} ${number} left out: impact.com takes amounts of 0 or more` };
  // JavaScript writes 1e21 and more, and under 1e-6, with an exponent: not a decimal impact.com reads.
  if (/e/i.test(String(number))) return { leftOut: `${field} ${number} left out: it can only be written with an exponent, not as the decimal impact.com takes` };
  const cents = Math.round(Number(`${number}e2`));
  return { value: String(Number(`${cents}e-2`)) };
}

/**
 * A mapped quantity as a whole number of at least 1 (a decimal is truncated); 1 when none was
 * mapped (Segment's products leave `quantity` out for one); undefined for 0, a negative number or
 * text that is no number.
 *
 * @example
 * quantityOf(2);         // 2
 * quantityOf(undefined); // 1
 * quantityOf(0);         // undefined
 */
export function quantityOf(value: JsonValue | undefined): number | undefined {
  if (value === undefined || value === null || value === '') return 1;
  const whole = readWholeNumber(value, { min: 1 });
  return whole !== undefined && whole >= 1 ? whole : undefined;
}
