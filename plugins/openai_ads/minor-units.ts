// OpenAI takes money as whole numbers "in the standard ISO 4217 minor unit for the currency
// code you provide" (12999 for $129.99). ISO 4217's minor unit is not always the one browsers
// format with (CLDR writes HUF, IDR and COP without decimals; ISO gives them two), so the
// exceptions to two digits are ISO's own list.
import { PermanentError } from '../../core/sdk/index.ts';

/** ISO 4217 currencies whose minor unit is not a hundredth: the number of its digits. */
const ISO_4217_DIGITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/**
 * How many digits a currency's ISO 4217 minor unit has (2 for USD, 0 for JPY, 3 for KWD), in
 * any letter case; undefined for a code that names no currency.
 *
 * @example
 * minorUnitDigits('usd'); // 2
 * minorUnitDigits('HUF'); // 2 (ISO 4217, though prices are written without fillér)
 * minorUnitDigits('XYZ'); // undefined
 */
export function minorUnitDigits(code: string): number | undefined {
  const upper = code.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(upper)) return undefined;
  if (Object.hasOwn(ISO_4217_DIGITS, upper)) return ISO_4217_DIGITS[upper];
  return Intl.supportedValuesOf('currency').includes(upper) ? 2 : undefined;
}

/**
 * An amount in a currency's major unit (129.99) as the whole number of its minor unit OpenAI
 * takes (12999), rounded half away from zero; a PermanentError naming `field` for a currency
 * code that names no currency.
 *
 * @example
 * minorUnits(129.99, 'USD', 'data.amount'); // 12999
 * minorUnits(1500, 'JPY', 'data.amount');   // 1500
 * minorUnits(1.2345, 'KWD', 'data.amount'); // 1235 (rounded: KWD has 3 digits)
 */
export function minorUnits(amount: number, currency: string, field: string): number {
  const digits = minorUnitDigits(currency);
  if (digits === undefined) throw new PermanentError(`OpenAI takes ${field} with an ISO 4217 currency; ${JSON.stringify(currency)} is none`);
  // Read from the decimal text (toFixed), not amount × 100: 1.005 × 100 is 100.49999….
  const [whole = '0', fraction = ''] = Math.abs(amount).toFixed(digits + 2).split('.');
  const magnitude = Number(whole + fraction.slice(0, digits)) + (Number(fraction.slice(digits)) >= 50 ? 1 : 0);
  return amount < 0 ? -magnitude : magnitude;
}
