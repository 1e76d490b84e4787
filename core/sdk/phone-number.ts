// Phone numbers in E.164, for the vendors that match on them (Meta, TikTok, Pinterest,
// Mixpanel, VideoAmp through the blueprint's sha256 transform): one reading of what people type,
// so every plugin hashes a number the same way. A number written without `+` or `00` is read
// with the configured default country code, by the numbering plan of that country: its trunk
// prefix (the 0 of 07700 900123, the 8 of a Russian 8 912…, the 06 of a Hungarian 06 30…) is
// dropped, a leading 0 that is part of the number (Italy's 06 1234 5678) is kept, and a number
// that already starts with the country code is taken as international only when its length
// says so. Self-contained: the plugin SDK exports it, and the blueprint transforms use it.

/**
 * Per country calling code: the trunk prefix dialled before a national number ('' for none),
 * the lengths of national numbers that do not start with 0, and, where the plan has them, the
 * lengths of those that do (the 0 is then part of the number, not a trunk prefix). Lengths of
 * fixed-line and mobile numbers, from libphonenumber's PhoneNumberMetadata.xml (Apache-2.0,
 * July 2026); 379 (Vatican City, unused: the Vatican is numbered within +39) as 39.
 */
const PLANS: Record<string, [trunk: string, lengths: string, zeroLengths?: string]> = {
  '1': ['1', '10'], '7': ['8', '10'], '20': ['0', '8-10'], '27': ['0', '5-9'], '30': ['', '10'],
  '31': ['0', '9,11'], '32': ['0', '8-9'], '33': ['0', '9'], '34': ['', '9'], '36': ['06', '8-9'],
  '39': ['', '9-10', '6-12'], '40': ['0', '6,9'], '41': ['0', '9'], '43': ['0', '4-13'],
  '44': ['0', '9-10'], '45': ['', '8'], '46': ['0', '7-9'], '47': ['', '8'], '48': ['', '7,9'],
  '49': ['0', '5-15'], '51': ['0', '8-9'], '52': ['', '10'], '53': ['0', '6-8,10'],
  '54': ['0', '10-11'], '55': ['0', '10-11'], '56': ['', '9'], '57': ['0', '8,10'], '58': ['0', '10'],
  '60': ['0', '8-10'], '61': ['0', '9'], '62': ['0', '7-12'], '63': ['0', '6,8-10'],
  '64': ['0', '8-10'], '65': ['', '8'], '66': ['0', '8-9'], '81': ['0', '9-10'],
  '82': ['0', '5-6,8-10'], '84': ['0', '9-10'], '86': ['0', '7-11'], '90': ['0', '10'],
  '91': ['0', '10'], '92': ['0', '9-10'], '93': ['0', '9'], '94': ['0', '9'], '95': ['0', '6-10'],
  '98': ['0', '6-7,10'], '211': ['0', '9'], '212': ['0', '9'], '213': ['0', '8-9'], '216': ['', '8'],
  '218': ['0', '9'], '220': ['', '7'], '221': ['', '9'], '222': ['', '8'], '223': ['', '8'],
  '224': ['', '8-9'], '225': ['', '10', '10'], '226': ['', '8', '8'], '227': ['', '8'],
  '228': ['', '8'], '229': ['', '', '10'], '230': ['', '7-8'], '231': ['0', '7-9'], '232': ['0', '8'],
  '233': ['0', '9'], '234': ['0', '10'], '235': ['', '8'], '236': ['', '8'], '237': ['', '9'],
  '238': ['', '7'], '239': ['', '7'], '240': ['', '9'], '241': ['', '7-8', '8'], '242': ['', '9', '9'],
  '243': ['0', '7-10'], '244': ['', '9'], '245': ['', '9'], '246': ['', '7'], '247': ['', '5'],
  '248': ['', '7'], '249': ['0', '9'], '250': ['0', '9', '8'], '251': ['0', '9'], '252': ['0', '6-9'],
  '253': ['', '8'], '254': ['0', '7-9'], '255': ['0', '9'], '256': ['0', '9'], '257': ['', '8'],
  '258': ['', '8-9'], '260': ['0', '9'], '261': ['0', '9'], '262': ['0', '9'], '263': ['0', '5-10'],
  '264': ['0', '8-9'], '265': ['0', '7,9'], '266': ['', '8'], '267': ['', '7-8'], '268': ['', '8'],
  '269': ['', '7'], '290': ['', '4-5'], '291': ['0', '7'], '297': ['', '7'], '298': ['', '6'],
  '299': ['', '6'], '350': ['', '8'], '351': ['', '9'], '352': ['', '4-11'], '353': ['0', '7-10'],
  '354': ['', '7,9'], '355': ['0', '8-9'], '356': ['', '8'], '357': ['', '8'], '358': ['0', '5-10'],
  '359': ['0', '6-9'], '370': ['0', '8'], '371': ['', '8'], '372': ['', '7-8'], '373': ['0', '8'],
  '374': ['0', '8'], '375': ['8', '9'], '376': ['', '6,9'], '377': ['0', '8-9'],
  '378': ['', '8', '10'], '379': ['', '9-10', '6-12'], '380': ['0', '9'], '381': ['0', '7-12'],
  '382': ['0', '8'], '383': ['0', '8-12'], '385': ['0', '8-9'], '386': ['0', '8'], '387': ['0', '8-9'],
  '389': ['0', '8'], '420': ['', '9'], '421': ['0', '6-7,9'], '423': ['0', '7,9'], '500': ['', '5'],
  '501': ['', '7'], '502': ['', '8'], '503': ['', '8'], '504': ['', '8'], '505': ['', '8'],
  '506': ['', '8'], '507': ['', '7-8'], '508': ['0', '6,9'], '509': ['', '8'], '590': ['0', '9'],
  '591': ['0', '8'], '592': ['', '7'], '593': ['0', '8-9'], '594': ['0', '9'], '595': ['0', '7-9'],
  '596': ['0', '9'], '597': ['', '6-7'], '598': ['0', '8'], '599': ['', '7-8'], '670': ['', '7-8'],
  '672': ['', '6'], '673': ['', '7'], '674': ['', '7'], '675': ['', '7-8'], '676': ['', '5,7'],
  '677': ['', '5,7'], '678': ['', '5,7'], '679': ['', '7'], '680': ['', '7'], '681': ['', '6'],
  '682': ['', '5'], '683': ['', '4,7'], '685': ['', '5-7,10'], '686': ['0', '5,8'], '687': ['', '6'],
  '688': ['', '5-7'], '689': ['', '8'], '690': ['', '4-7'], '691': ['', '7'], '692': ['1', '7'],
  '850': ['0', '8,10'], '852': ['', '8'], '853': ['', '8'], '855': ['0', '8-9'], '856': ['0', '8-10'],
  '880': ['0', '6-10'], '886': ['0', '8-9'], '960': ['', '7'], '961': ['0', '7-8'],
  '962': ['0', '8-9'], '963': ['0', '8-9'], '964': ['0', '8-10'], '965': ['', '8'], '966': ['0', '9'],
  '967': ['0', '7-9'], '968': ['', '8'], '970': ['0', '8-9'], '971': ['0', '8-9'],
  '972': ['0', '8-9,11-12'], '973': ['', '8'], '974': ['', '8'], '975': ['', '7-8'],
  '976': ['0', '8-10'], '977': ['0', '8,10'], '992': ['', '9', '9'], '993': ['8', '8'],
  '994': ['0', '9'], '995': ['0', '9'], '996': ['0', '9'], '998': ['', '9']
};

interface Plan { trunk: string; lengths: ReadonlySet<number>; zeroLengths: ReadonlySet<number> }
const plans = new Map<string, Plan>();

/** `'6,9-11'` → {6, 9, 10, 11}. */
function lengthSet(written: string | undefined): Set<number> {
  const lengths = new Set<number>();
  for (const part of (written ?? '').split(',').filter(Boolean)) {
    const [from, to = from] = part.split('-').map(Number) as [number, number?];
    for (let length = from; length <= to; length++) lengths.add(length);
  }
  return lengths;
}

function planOf(countryCode: string): Plan | undefined {
  const known = plans.get(countryCode);
  if (known) return known;
  const written = PLANS[countryCode];
  if (!written) return undefined;
  const plan = { trunk: written[0], lengths: lengthSet(written[1]), zeroLengths: lengthSet(written[2]) };
  plans.set(countryCode, plan);
  return plan;
}

/** Whether the country's numbers may start with a 0 that is no trunk prefix (Italy's 06…). */
function keepsLeadingZero(countryCode: string): boolean {
  const plan = planOf(countryCode);
  return plan !== undefined && plan.trunk === '' && plan.zeroLengths.size > 0;
}

/**
 * The digits of a number written without `+` or `00`, with `countryCode` in front, read by
 * that country's plan:
 * - a leading 0 that is part of the number is kept (`06 1234 5678` with 39 → `390612345678`);
 * - a trunk prefix before a national number is dropped (`07700 900123` with 44 →
 *   `447700900123`; `8 912 345-67-89` with 7 → `79123456789`);
 * - a number starting with the country code is already international when what follows the
 *   code has a national number's length and the whole has not (`447700900123` with 44); when
 *   both could be, it is international only in a country whose national numbers are written
 *   with a trunk prefix (`4915112345678` with 49, but Italy's mobile `393 123 4567` with 39 is
 *   national), so Brazil's `(55) 99123-4567`, area code 55, with 55 → `5555991234567`;
 * - otherwise the code goes in front, after any leading zeros (unknown codes too).
 */
function withCountryCode(digits: string, countryCode: string): string {
  const plan = planOf(countryCode);
  if (plan) {
    if (digits.startsWith('0') && plan.zeroLengths.has(digits.length)) return `${countryCode}${digits}`;
    if (plan.trunk !== '' && digits.startsWith(plan.trunk) && plan.lengths.has(digits.length - plan.trunk.length)) return `${countryCode}${digits.slice(plan.trunk.length)}`;
    if (digits.startsWith(countryCode)) {
      const rest = digits.slice(countryCode.length);
      const restIsNational = (rest.startsWith('0') ? plan.zeroLengths : plan.lengths).has(rest.length);
      if (restIsNational && (!plan.lengths.has(digits.length) || plan.trunk !== '')) return digits;
    }
  }
  return `${countryCode}${digits.replace(/^0+/, '')}`;
}

/** What to make of a number written without `+` or `00` when no default country code is configured. */
export type WithoutCountryCode = 'unusable' | 'international';

export interface PhoneNumberOptions {
  /** Digits of the country calling code for numbers written without one (e.g. `44`). */
  defaultCountryCode?: string | undefined;
  /**
   * Without a default country code, a number written without `+` or `00`: `unusable` (the
   * default: its country is unknown, and a guess hashes a number nobody can match), or
   * `international`, taken as written with its country code (`447700900123`), as Meta's own
   * normalisation takes it. A number with a leading 0 is unusable either way.
   */
  withoutCountryCode?: WithoutCountryCode;
}

/**
 * A phone number in E.164 (`+447700900123`), or undefined when nothing usable is left: an
 * extension (`ext. 42`, `x42`, `#42`) and punctuation left out; a number written with `+` or
 * `00` carries its country code (a bracketed trunk `(0)` after it is dropped, unless the 0 is
 * part of the number there: `+39 (0)6…`); any other is read with `defaultCountryCode` by that
 * country's numbering plan (see withCountryCode), else as `withoutCountryCode` says. E.164
 * has 7 to 15 digits.
 *
 * @example
 * normalizePhoneNumber('+44 (0)7700 900123');                              // '+447700900123'
 * normalizePhoneNumber('06 1234 5678', { defaultCountryCode: '39' });      // '+390612345678'
 * normalizePhoneNumber('(55) 99123-4567', { defaultCountryCode: '55' });   // '+5555991234567'
 * normalizePhoneNumber('447700900123');                                    // undefined
 * normalizePhoneNumber('447700900123', { withoutCountryCode: 'international' }); // '+447700900123'
 */
export function normalizePhoneNumber(value: string, options: PhoneNumberOptions = {}): string | undefined {
  const defaultCountryCode = options.defaultCountryCode?.replace(/^\+/, '') || undefined;
  const trimmed = value.trim().replace(/\s*(?:ext\.?|extension|x|#)\s*\d+$/i, '')
    // A bracketed trunk `(0)` after the country code (`+44 (0)7700…`, `0044-(0)…`).
    .replace(/^((?:\+|00)[\s.-]*(\d{1,3}))[\s.-]*\(0\)/, (_, prefix: string, code: string) => (keepsLeadingZero(code) ? `${prefix}0` : prefix));
  // Digits and separators only: a letter (`77OO 900123`, a name) makes it no number.
  if (!/^\+?[\d\s().\-/]+$/.test(trimmed)) return undefined;
  const international = /^(\+|00)/.test(trimmed);
  let digits = trimmed.replace(/\D/g, '');
  // No country code starts with 0: `+0…` (or `000…`) is no number.
  if (international) digits = trimmed.startsWith('+') ? digits : digits.slice(2);
  else if (defaultCountryCode) digits = withCountryCode(digits, defaultCountryCode);
  else if (digits.startsWith('0') || options.withoutCountryCode !== 'international') return undefined;
  return /^[1-9]\d{6,14}$/.test(digits) ? `+${digits}` : undefined;
}
