import { createHash } from 'node:crypto';

/** A transform failing on one value: the field is dropped with this message as a warning. */
export class TransformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransformError';
  }
}

export type TransformFn = (value: unknown) => unknown;

interface TransformSpec {
  /** Builds the function from its argument (checked here, at compile time). */
  compile(arg: unknown): TransformFn;
  /** Applies to the whole value (arrays included) rather than element by element. */
  whole?: boolean;
  /** Runs on missing values too (only `default`). */
  onMissing?: boolean;
  /** One line for the docs. */
  doc: string;
}

const HEX64 = /^[0-9a-f]{64}$/i;

function text(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TransformError(`${name} expects text, got ${Array.isArray(value) ? 'an array' : typeof value}`);
}

function toNumber(value: unknown, name: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TransformError(`${name}: ${value} is not a finite number`);
    return value;
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim());
    if (Number.isFinite(n)) return n;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new TransformError(`${name}: "${String(value).slice(0, 40)}" is not a number`);
}

function toDate(value: unknown, name: string): Date {
  let ms: number;
  if (typeof value === 'number') ms = value > 1e11 ? value : value * 1000; // seconds or milliseconds
  else if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) {
    const n = Number(value);
    ms = n > 1e11 ? n : n * 1000;
  } else if (typeof value === 'string') ms = Date.parse(value);
  else ms = Number.NaN;
  if (!Number.isFinite(ms)) throw new TransformError(`${name}: "${String(value).slice(0, 40)}" is not a date`);
  return new Date(ms);
}

/**
 * E.164: digits with a leading +. `00` becomes +; a national number (no + or 00) gets
 * `defaultCountryCode` with its trunk 0 dropped, or is refused when no code is configured.
 */
export function normalizePhone(value: string, defaultCountryCode?: string): string {
  const trimmed = value.trim();
  let digits = trimmed.replace(/[\s().\-/]/g, '');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  if (!digits.startsWith('+')) {
    if (!defaultCountryCode) throw new TransformError(`"${trimmed}" has no country code; start it with + or set default_country_code`);
    digits = `+${defaultCountryCode.replace(/^\+/, '')}${digits.replace(/^0+/, '')}`;
  }
  if (!/^\+[1-9]\d{6,14}$/.test(digits)) throw new TransformError(`"${trimmed}" is not a phone number (E.164 has 7 to 15 digits)`);
  return digits;
}

/** sha256 after the normalisation vendors expect: email trimmed and lower-cased, phone E.164. */
export function hashIdentifier(value: unknown, defaultCountryCode?: string): string {
  const raw = text(value, 'sha256').trim();
  if (raw === '') throw new TransformError('sha256: the value is empty');
  if (HEX64.test(raw)) return raw.toLowerCase(); // already hashed: pass through
  let normalized: string;
  if (raw.includes('@')) normalized = raw.toLowerCase();
  else if (/^[+\d\s().\-/]+$/.test(raw) && raw.replace(/\D/g, '').length >= 7) normalized = normalizePhone(raw, defaultCountryCode);
  else normalized = raw.toLowerCase();
  return createHash('sha256').update(normalized).digest('hex');
}

function countryCode(arg: unknown, name: string): string | undefined {
  if (arg === undefined || arg === null || arg === true) return undefined;
  const code = typeof arg === 'object' ? (arg as { default_country_code?: unknown }).default_country_code : arg;
  if (code === undefined) return undefined;
  if (!/^\+?\d{1,3}$/.test(String(code))) throw new Error(`${name}: default_country_code must be 1 to 3 digits, e.g. 44`);
  return String(code);
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

export const TRANSFORMS: Record<string, TransformSpec> = {
  lowercase: { doc: 'Lower-cases text.', compile: () => (v) => text(v, 'lowercase').toLowerCase() },
  uppercase: { doc: 'Upper-cases text.', compile: () => (v) => text(v, 'uppercase').toUpperCase() },
  trim: { doc: 'Removes surrounding white space.', compile: () => (v) => text(v, 'trim').trim() },
  sha256: {
    doc: 'SHA-256 hex of the normalised value: emails trimmed and lower-cased, phones in E.164 ({sha256: {default_country_code: 44}} for national numbers); a 64-hex digest passes unchanged.',
    compile: (arg) => {
      const code = countryCode(arg, 'sha256');
      return (v) => hashIdentifier(v, code);
    },
  },
  e164: {
    doc: 'Normalises a phone number to E.164 ({e164: {default_country_code: 44}}).',
    compile: (arg) => {
      const code = countryCode(arg, 'e164');
      return (v) => normalizePhone(text(v, 'e164'), code);
    },
  },
  to_unix_seconds: { doc: 'A date (ISO 8601, or epoch seconds/ms) → whole epoch seconds.', compile: () => (v) => Math.floor(toDate(v, 'to_unix_seconds').getTime() / 1000) },
  to_unix_ms: { doc: 'A date → epoch milliseconds.', compile: () => (v) => toDate(v, 'to_unix_ms').getTime() },
  to_iso8601: { doc: 'A date → ISO 8601 in UTC.', compile: () => (v) => toDate(v, 'to_iso8601').toISOString() },
  to_number: { doc: 'Numeric text or a boolean → number.', compile: () => (v) => toNumber(v, 'to_number') },
  to_int: { doc: 'A number, truncated toward zero.', compile: () => (v) => Math.trunc(toNumber(v, 'to_int')) },
  to_string: { doc: 'Any value → text (objects as JSON).', compile: () => (v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)) },
  to_boolean: {
    doc: 'true/false, "true"/"false", "yes"/"no", "1"/"0", 1/0 → boolean.',
    compile: () => (v) => {
      if (typeof v === 'boolean') return v;
      const s = String(v).trim().toLowerCase();
      if (['true', 'yes', '1', 'y', 'on'].includes(s)) return true;
      if (['false', 'no', '0', 'n', 'off', ''].includes(s)) return false;
      throw new TransformError(`to_boolean: "${String(v).slice(0, 40)}" is not a boolean`);
    },
  },
  round: {
    doc: 'Rounds to n decimals ({round: 2}; plain round: whole number).',
    compile: (arg) => {
      const digits = integerArg(arg, 'round', 0);
      const factor = 10 ** digits;
      return (v) => Math.round(toNumber(v, 'round') * factor) / factor;
    },
  },
  truncate: {
    doc: 'Keeps the first n characters ({truncate: 100}).',
    compile: (arg) => {
      const n = integerArg(arg, 'truncate');
      return (v) => [...text(v, 'truncate')].slice(0, n).join('');
    },
  },
  split: { doc: 'Text → list at a separator ({split: "|"}; default ",").', whole: true, compile: (arg) => {
    const sep = separator(arg, 'split');
    return (v) => text(v, 'split').split(sep).map((s) => s.trim()).filter((s) => s !== '');
  } },
  join: { doc: 'List → text with a separator ({join: ";"}; default ",").', whole: true, compile: (arg) => {
    const sep = separator(arg, 'join');
    return (v) => (Array.isArray(v) ? v.map((x) => text(x, 'join')).join(sep) : text(v, 'join'));
  } },
  default: {
    doc: 'A value when the field is missing, null or empty ({default: "unknown"}).',
    whole: true,
    onMissing: true,
    compile: (arg) => (v) => (v === undefined || v === null || v === '' ? arg : v),
  },
  lookup: {
    doc: 'Maps values through a table ({lookup: {table: {a: 1}, default: 0}}); a value not in the table without a default fails.',
    compile: (arg) => {
      const spec = arg as { table?: unknown; default?: unknown } | undefined;
      if (!spec || typeof spec.table !== 'object' || spec.table === null || Array.isArray(spec.table)) throw new Error('lookup needs {table: {value: result}, default?: value}');
      const table = new Map(Object.entries(spec.table as Record<string, unknown>));
      const hasDefault = 'default' in spec;
      return (v) => {
        const key = text(v, 'lookup');
        if (table.has(key)) return table.get(key);
        if (hasDefault) return spec.default;
        throw new TransformError(`lookup: "${key.slice(0, 40)}" is not in the table`);
      };
    },
  },
  currency: {
    doc: 'An ISO 4217 code, trimmed and upper-cased ("gbp" → "GBP"); anything else fails.',
    compile: () => (v) => {
      const code = text(v, 'currency').trim().toUpperCase();
      if (!/^[A-Z]{3}$/.test(code)) throw new TransformError(`currency: "${code.slice(0, 20)}" is not an ISO 4217 code`);
      return code;
    },
  },
};

export type TransformStep = string | Record<string, unknown>;

/** Splits a step (`trim` or `{truncate: 10}`) into name and argument. */
export function stepParts(step: TransformStep): { name: string; arg: unknown } {
  if (typeof step === 'string') return { name: step, arg: undefined };
  const entries = Object.entries(step);
  if (entries.length !== 1) throw new Error(`a transform is a name or a one-key object, got ${JSON.stringify(step)}`);
  return { name: entries[0]![0], arg: entries[0]![1] };
}

/**
 * Compiles a chain of transforms into one function. Scalar transforms apply to each element of
 * a list; missing values skip every transform but `default`. Throws `TransformError` when a
 * value cannot be transformed (the caller drops the field).
 *
 * @example
 * compileTransforms(['trim', 'lowercase', 'sha256'])(' Jane@Example.com '); // 'f1…'
 */
export function compileTransforms(steps: TransformStep[]): TransformFn {
  const compiled = steps.map((step) => {
    const { name, arg } = stepParts(step);
    const spec = TRANSFORMS[name];
    if (!spec) throw new Error(`unknown transform "${name}"; known: ${Object.keys(TRANSFORMS).join(', ')}`);
    return { fn: spec.compile(arg), whole: spec.whole === true, onMissing: spec.onMissing === true };
  });
  if (compiled.length === 0) return (v) => v;
  return (value) => {
    let v = value;
    for (const { fn, whole, onMissing } of compiled) {
      if (v === undefined || v === null) {
        if (onMissing) v = fn(v);
        continue;
      }
      v = Array.isArray(v) && !whole ? v.map((item) => fn(item)) : fn(v);
    }
    return v;
  };
}
