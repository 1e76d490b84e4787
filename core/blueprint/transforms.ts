import { createHash } from 'node:crypto';
import { isStrictEmailAddress } from '../sdk/email-address.ts';
import { normalizePhoneNumber } from '../sdk/phone-number.ts';
import { parseDecimal } from './decimal-text.ts';
import { truncateText } from './truncate-text.ts';

/** A transform failing on one value: the field is dropped with this message as a warning. */
export class TransformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransformError';
  }
}

export type TransformFn = (value: unknown) => unknown;

export interface TransformSpec {
  /** Builds the function from its argument; a bad argument throws here, at compile time. */
  compile(arg: unknown): TransformFn;
  /** Applies to the whole value (lists included) rather than element by element. */
  whole?: boolean;
  /** Runs on missing values too (only `default`). */
  onMissing?: boolean;
  /** One line for the docs and editor hints. */
  doc: string;
}

const HEX64 = /^[0-9a-f]{64}$/i;
/** ISO 8601 calendar date, optionally with a time (`T` or a space) and an offset. */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
/** Epoch numbers above this are milliseconds, below it seconds (10¹¹ s is the year 5138). */
const MS_THRESHOLD = 1e11;
const EPOCH_TEXT = /^\d+(\.\d+)?$/;

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `"${String(value).slice(0, 40)}"`;
}

function text(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TransformError(`${name} expects text, got ${describe(value)}`);
}

function toNumber(value: unknown, name: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TransformError(`${name}: ${value} is not a finite number`);
    return value;
  }
  // Decimal text only: Number() would also take "0x1f", "0b1" and "" (0).
  if (typeof value === 'string') {
    const n = parseDecimal(value);
    if (n !== undefined) return n;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new TransformError(`${name}: ${describe(value)} is not a number`);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1]!;
}

function digits(value: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC reads the years 0–99 as 1900–1999: 0001-01-01 (a common "no date") would become 1901.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

/** Strict ISO 8601 (Date.parse takes "foo 1" and 31 February); no offset means UTC. */
function parseIso(value: string): number {
  // Fast path: the shape collect stamps on every event, 2024-03-24T16:00:00.000Z.
  if (value.length === 24 && value.charCodeAt(10) === 84 && value.charCodeAt(23) === 90 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45
    && value.charCodeAt(13) === 58 && value.charCodeAt(16) === 58 && value.charCodeAt(19) === 46) {
    const year = digits(value, 0, 4);
    const month = digits(value, 5, 2);
    const day = digits(value, 8, 2);
    const hour = digits(value, 11, 2);
    const minute = digits(value, 14, 2);
    const second = digits(value, 17, 2);
    const ms = digits(value, 20, 3);
    if ((year | month | day | hour | minute | second | ms) < 0) return Number.NaN;
    return utcMs(year, month, day, hour, minute, second, ms);
  }
  const m = ISO_DATE.exec(value);
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = m;
  let ms = utcMs(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), Number(fraction.padEnd(3, '0').slice(0, 3)));
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const offset = zone.slice(1).replace(':', '');
    const offsetHours = Number(offset.slice(0, 2));
    const offsetMinutes = Number(offset.slice(2) || '0');
    if (offsetHours > 23 || offsetMinutes > 59) return Number.NaN;
    ms -= sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  return ms;
}

function toEpochMs(value: unknown, name: string): number {
  let ms = Number.NaN;
  if (typeof value === 'number') ms = Math.abs(value) >= MS_THRESHOLD ? value : value * 1000;
  else if (typeof value === 'string') {
    const trimmed = value.trim();
    ms = parseIso(trimmed);
    if (Number.isNaN(ms) && EPOCH_TEXT.test(trimmed)) {
      const n = Number(trimmed);
      ms = n >= MS_THRESHOLD ? n : n * 1000;
    }
  }
  // Beyond ±8.64e15 ms a Date is invalid and toISOString would throw.
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new TransformError(`${name}: ${describe(value)} is not a date (ISO 8601 or epoch seconds/ms)`);
  return ms;
}

/**
 * Normalises a phone number to E.164 with the plugin SDK's normalizePhoneNumber (separators
 * removed, `00` becomes `+`, a bracketed trunk `(0)` after the country code dropped; a national
 * number read by the default country's numbering plan), throwing what is wrong: a national
 * number (no `+` or `00`) is refused when no code is configured (guessing a country would hash
 * a number no vendor can match).
 *
 * @example
 * normalizePhone('0044 (7700) 900-123'); // '+447700900123'
 * normalizePhone('+44 (0)7700 900123');  // '+447700900123'
 * normalizePhone('07700 900123', '44');  // '+447700900123'
 */
export function normalizePhone(value: string, defaultCountryCode?: string): string {
  const trimmed = value.trim();
  const e164 = normalizePhoneNumber(trimmed, { defaultCountryCode });
  if (e164 !== undefined) return e164;
  if (!defaultCountryCode && !/^(\+|00)/.test(trimmed)) throw new TransformError(`"${trimmed.slice(0, 40)}" has no country code; start it with + or set default_country_code`);
  throw new TransformError(`"${trimmed.slice(0, 40)}" is not a phone number (E.164 has 7 to 15 digits)`);
}

export type HashKind = 'auto' | 'email' | 'phone' | 'text' | 'raw';
const HASH_KINDS: readonly HashKind[] = ['auto', 'email', 'phone', 'text', 'raw'];

/** What auto-detection takes for a phone: `+`/`00` prefixed, punctuated, or a trunk-0 number. */
function looksLikePhone(raw: string): boolean {
  if (!/^[+\d\s().\-/]+$/.test(raw)) return false;
  const digitCount = raw.replace(/\D/g, '').length;
  if (digitCount < 7 || digitCount > 17) return false;
  // Plain digits not starting with 0 are more likely an id (customer number) than a phone.
  return /^(\+|00|0)/.test(raw) || /[\s().\-/]/.test(raw);
}

/**
 * SHA-256 hex after the normalisation ad and analytics vendors expect: emails trimmed and
 * lower-cased; phones in E.164; other text trimmed and lower-cased. A 64-hex digest passes
 * unchanged (already hashed upstream). `kind` forces one normalisation (`raw`: none).
 *
 * @example
 * hashIdentifier(' Jane@Example.com '); // sha256('jane@example.com')
 * hashIdentifier('07700 900123', { defaultCountryCode: '44' }); // sha256('+447700900123')
 */
export function hashIdentifier(value: unknown, options: { defaultCountryCode?: string | undefined; kind?: HashKind | undefined } | string = {}): string {
  const { defaultCountryCode, kind = 'auto' } = typeof options === 'string' ? { defaultCountryCode: options, kind: 'auto' as const } : options;
  const original = text(value, 'sha256');
  const raw = original.trim();
  if (raw === '') throw new TransformError('sha256: the value is empty');
  if (kind !== 'raw' && HEX64.test(raw)) return raw.toLowerCase();
  let normalized: string;
  switch (kind) {
    case 'raw':
      normalized = original;
      break;
    case 'email':
      // One address: a phone number, a name or two addresses in one field are not hashed as one.
      if (!isStrictEmailAddress(raw, { requireDomainDot: false })) throw new TransformError(`sha256: ${describe(raw)} is not an email address`);
      normalized = raw.toLowerCase();
      break;
    case 'phone':
      normalized = normalizePhone(raw, defaultCountryCode);
      break;
    case 'text':
      normalized = raw.toLowerCase();
      break;
    default:
      if (raw.includes('@')) normalized = raw.toLowerCase();
      else if (looksLikePhone(raw) || (defaultCountryCode !== undefined && /^[\d\s().\-/]+$/.test(raw))) normalized = normalizePhone(raw, defaultCountryCode);
      else normalized = raw.toLowerCase();
  }
  return createHash('sha256').update(normalized).digest('hex');
}

function argObject(arg: unknown, name: string, keys: string[]): Record<string, unknown> {
  if (arg === undefined || arg === null || arg === true) return {};
  if (typeof arg !== 'object' || Array.isArray(arg)) throw new Error(`${name} takes {${keys.join(', ')}}, got ${JSON.stringify(arg)}`);
  for (const key of Object.keys(arg)) if (!keys.includes(key)) throw new Error(`${name} has no option "${key}"; options: ${keys.join(', ')}`);
  return arg as Record<string, unknown>;
}

function countryCode(code: unknown, name: string): string | undefined {
  if (code === undefined || code === null) return undefined;
  if (!/^\+?\d{1,3}$/.test(String(code))) throw new Error(`${name}: default_country_code must be 1 to 3 digits, e.g. 44`);
  return String(code).replace(/^\+/, '');
}

function integerArg(arg: unknown, name: string, fallback?: number): number {
  if (arg === undefined || arg === null || arg === true) {
    if (fallback === undefined) throw new Error(`${name} needs a whole number, e.g. {${name}: 100}`);
    return fallback;
  }
  if (!Number.isInteger(arg) || (arg as number) < 0) throw new Error(`${name} needs a whole number ≥ 0, got ${JSON.stringify(arg)}`);
  return arg as number;
}

function separator(arg: unknown, name: string): string {
  if (arg === undefined || arg === null || arg === true) return ',';
  if (typeof arg !== 'string') throw new Error(`${name} needs a separator string, got ${JSON.stringify(arg)}`);
  return arg;
}

function noArg(name: string, fn: TransformFn): (arg: unknown) => TransformFn {
  return (arg) => {
    if (arg !== undefined && arg !== null && arg !== true) throw new Error(`${name} takes no argument, got ${JSON.stringify(arg)}`);
    return fn;
  };
}

/** `value × 10^shift` by moving the decimal exponent of its shortest text form (no binary error). */
function shiftExponent(value: number, shift: number): number {
  // String(1e-7) is "1e-7" and String(1e21) "1e+21": split off the exponent before adding to it.
  const [mantissa, exponent = '0'] = String(value).split('e');
  return Number(`${mantissa}e${Number(exponent) + shift}`);
}

/** Rounds half away from zero at `digits` decimals, shifting the exponent so 1.005 → 1.01. */
function roundTo(value: number, digits: number): number {
  const sign = value < 0 ? -1 : 1;
  const rounded = sign * shiftExponent(Math.round(shiftExponent(Math.abs(value), digits)), -digits);
  if (!Number.isFinite(rounded)) throw new TransformError(`round: ${value} cannot be rounded`);
  // -0 (a small negative rounded away) is sent as 0 anyway; keep it plain.
  return rounded === 0 ? 0 : rounded;
}

const TRUE_WORDS = new Set(['true', 'yes', '1', 'y', 'on']);
const FALSE_WORDS = new Set(['false', 'no', '0', 'n', 'off', '']);

/** Every transform by name. */
export const TRANSFORMS: Record<string, TransformSpec> = {
  lowercase: { doc: 'Lower-cases text.', compile: noArg('lowercase', (v) => text(v, 'lowercase').toLowerCase()) },
  uppercase: { doc: 'Upper-cases text.', compile: noArg('uppercase', (v) => text(v, 'uppercase').toUpperCase()) },
  trim: { doc: 'Removes surrounding white space.', compile: noArg('trim', (v) => text(v, 'trim').trim()) },
  sha256: {
    doc: 'SHA-256 hex of the normalised value: emails trimmed and lower-cased, phones in E.164 ({sha256: {default_country_code: 44}} for national numbers), other text trimmed and lower-cased; {kind: email|phone|text|raw} forces one; a 64-hex digest passes unchanged.',
    compile: (arg) => {
      const options = argObject(arg, 'sha256', ['default_country_code', 'kind']);
      const code = countryCode(options.default_country_code, 'sha256');
      const kind = options.kind ?? 'auto';
      if (!HASH_KINDS.includes(kind as HashKind)) throw new Error(`sha256: kind must be one of ${HASH_KINDS.join(', ')}`);
      const settings = { defaultCountryCode: code, kind: kind as HashKind };
      return (v) => hashIdentifier(v, settings);
    },
  },
  e164: {
    doc: 'Normalises a phone number to E.164 ({e164: {default_country_code: 44}} for national numbers).',
    compile: (arg) => {
      const code = countryCode(argObject(arg, 'e164', ['default_country_code']).default_country_code, 'e164');
      return (v) => normalizePhone(text(v, 'e164'), code);
    },
  },
  to_unix_seconds: { doc: 'A date (ISO 8601, or epoch seconds/ms) → whole epoch seconds.', compile: noArg('to_unix_seconds', (v) => Math.floor(toEpochMs(v, 'to_unix_seconds') / 1000)) },
  to_unix_ms: { doc: 'A date → whole epoch milliseconds.', compile: noArg('to_unix_ms', (v) => Math.floor(toEpochMs(v, 'to_unix_ms'))) },
  to_iso8601: { doc: 'A date → ISO 8601 in UTC with milliseconds.', compile: noArg('to_iso8601', (v) => new Date(toEpochMs(v, 'to_iso8601')).toISOString()) },
  to_number: { doc: 'Decimal text or a boolean → number.', compile: noArg('to_number', (v) => toNumber(v, 'to_number')) },
  to_int: { doc: 'A number, truncated toward zero.', compile: noArg('to_int', (v) => Math.trunc(toNumber(v, 'to_int'))) },
  to_string: {
    doc: 'Any value → text (objects as JSON); a list becomes a list of texts.',
    compile: noArg('to_string', (v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))),
  },
  to_boolean: {
    doc: 'true/false, "true"/"false", "yes"/"no", "y"/"n", "on"/"off", "1"/"0", 1/0 → boolean.',
    compile: noArg('to_boolean', (v) => {
      if (typeof v === 'boolean') return v;
      if (typeof v === 'number') {
        if (v === 1) return true;
        if (v === 0) return false;
      } else if (typeof v === 'string') {
        const s = v.trim().toLowerCase();
        if (TRUE_WORDS.has(s)) return true;
        if (FALSE_WORDS.has(s)) return false;
      }
      throw new TransformError(`to_boolean: ${describe(v)} is not a boolean`);
    }),
  },
  round: {
    doc: 'Rounds half away from zero to n decimals ({round: 2}; plain round: a whole number).',
    compile: (arg) => {
      const digits = integerArg(arg, 'round', 0);
      if (digits > 15) throw new Error('round: at most 15 decimals');
      return (v) => roundTo(toNumber(v, 'round'), digits);
    },
  },
  truncate: {
    doc: 'Keeps the first n characters as a reader counts them ({truncate: 100}); never splits an emoji, a flag or an accented letter.',
    compile: (arg) => {
      const n = integerArg(arg, 'truncate');
      return (v) => truncateText(text(v, 'truncate'), n);
    },
  },
  split: {
    doc: 'Text → list at a separator ({split: "|"}; default ","), items trimmed, empty items left out.',
    whole: true,
    compile: (arg) => {
      const sep = separator(arg, 'split');
      if (sep === '') throw new Error('split needs a non-empty separator');
      return (v) => text(v, 'split').split(sep).map((s) => s.trim()).filter((s) => s !== '');
    },
  },
  join: {
    doc: 'List → text with a separator ({join: ";"}; default ","); a single value becomes text.',
    whole: true,
    compile: (arg) => {
      const sep = separator(arg, 'join');
      return (v) => (Array.isArray(v) ? v.map((x) => text(x, 'join')).join(sep) : text(v, 'join'));
    },
  },
  default: {
    doc: 'A value when the field is missing, null or empty text ({default: "unknown"}).',
    whole: true,
    onMissing: true,
    compile: (arg) => {
      if (arg === undefined) throw new Error('default needs a value, e.g. {default: unknown}');
      return (v) => (v === undefined || v === null || v === '' ? arg : v);
    },
  },
  lookup: {
    doc: 'Maps values through a table ({lookup: {table: {a: 1}, fallback: 0}}; `default` is a synonym of `fallback`); a value not in the table without a fallback fails.',
    compile: (arg) => {
      const spec = argObject(arg, 'lookup', ['table', 'fallback', 'default']);
      if (typeof spec.table !== 'object' || spec.table === null || Array.isArray(spec.table)) throw new Error('lookup needs {table: {value: result}, fallback?: value}');
      if ('fallback' in spec && 'default' in spec) throw new Error('lookup takes fallback or default, not both');
      const table = new Map(Object.entries(spec.table as Record<string, unknown>));
      const hasFallback = 'fallback' in spec || 'default' in spec;
      const fallback = 'fallback' in spec ? spec.fallback : spec.default;
      return (v) => {
        const key = text(v, 'lookup');
        if (table.has(key)) return table.get(key);
        if (hasFallback) return fallback;
        throw new TransformError(`lookup: "${key.slice(0, 40)}" is not in the table`);
      };
    },
  },
  currency: {
    doc: 'An ISO 4217 code, trimmed and upper-cased ("gbp" → "GBP"); the symbols of one currency only (€ £ ₹ ₩ ₪ ₫ ₴ ₦ ₱ ₺ ₽ ฿) become its code; anything else fails ("$" and "¥" name several).',
    compile: noArg('currency', (v) => {
      const given = text(v, 'currency').trim();
      const code = UNAMBIGUOUS_CURRENCY_SYMBOLS[given] ?? given.toUpperCase();
      if (!/^[A-Z]{3}$/.test(code)) throw new TransformError(`currency: "${given.slice(0, 20)}" is not an ISO 4217 code${given === '$' || given === '¥' ? ` ("${given}" is the symbol of several currencies: send the code)` : ''}`);
      return code;
    }),
  },
};

export type TransformStep = string | Record<string, unknown>;

/**
 * Currency symbols that stand for one currency only, as sites often send them instead of the
 * code. `$` (USD, CAD, AUD, …), `¥` (JPY, CNY) and `kr` (SEK, NOK, DKK) name several and stay
 * errors: guessing would count revenue in the wrong currency.
 */
const UNAMBIGUOUS_CURRENCY_SYMBOLS: Readonly<Record<string, string>> = {
  '€': 'EUR', '£': 'GBP', '₹': 'INR', '₩': 'KRW', '₪': 'ILS', '₫': 'VND', '₴': 'UAH', '₦': 'NGN', '₱': 'PHP', '₺': 'TRY', '₽': 'RUB', '฿': 'THB',
};

/**
 * Splits a step (`trim` or `{truncate: 10}`) into name and argument.
 *
 * @example
 * stepParts({ truncate: 10 }); // { name: 'truncate', arg: 10 }
 */
export function stepParts(step: TransformStep): { name: string; arg: unknown } {
  if (typeof step === 'string') return { name: step, arg: undefined };
  const entries = step !== null && typeof step === 'object' && !Array.isArray(step) ? Object.entries(step) : [];
  if (entries.length !== 1) throw new Error(`a transform is a name or a one-key object, got ${JSON.stringify(step)}`);
  return { name: entries[0]![0], arg: entries[0]![1] };
}

interface CompiledStep {
  fn: TransformFn;
  whole: boolean;
  onMissing: boolean;
}

function applyStep(step: CompiledStep, value: unknown): unknown {
  if (value === undefined || value === null) return step.onMissing ? step.fn(value) : value;
  if (step.whole || !Array.isArray(value)) return step.fn(value);
  const out = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) out[i] = step.fn(value[i]);
  return out;
}

/**
 * Compiles a chain of transforms into one function. Scalar transforms apply to each element of
 * a list; missing values (undefined, null) skip every transform but `default`. The function
 * throws `TransformError` when a value cannot be transformed (the row drops the field); a bad
 * step (unknown name, wrong argument) throws a plain Error here, at compile time.
 *
 * @example
 * const hashEmail = compileTransforms(['trim', 'lowercase', 'sha256']);
 * hashEmail(' Jane@Example.com '); // 'f1…' (64 hex)
 * compileTransforms([{ truncate: 3 }, 'uppercase'])('abcdef'); // 'ABC'
 */
export function compileTransforms(steps: readonly TransformStep[]): TransformFn {
  if (!Array.isArray(steps)) throw new Error('transforms is a list, e.g. [trim, lowercase]');
  const compiled: CompiledStep[] = steps.map((step, index) => {
    const { name, arg } = stepParts(step);
    const spec = Object.hasOwn(TRANSFORMS, name) ? TRANSFORMS[name] : undefined;
    if (!spec) throw new Error(`unknown transform "${name}"; known: ${Object.keys(TRANSFORMS).join(', ')}`);
    try {
      return { fn: spec.compile(arg), whole: spec.whole === true, onMissing: spec.onMissing === true };
    } catch (error) {
      throw new Error(steps.length > 1 ? `step ${index + 1}: ${(error as Error).message}` : (error as Error).message);
    }
  });
  if (compiled.length === 0) return (v) => v;
  if (compiled.length === 1) {
    const only = compiled[0]!;
    return (value) => applyStep(only, value);
  }
  return (value) => {
    let v = value;
    for (let i = 0; i < compiled.length; i++) v = applyStep(compiled[i]!, v);
    return v;
  };
}
