// Google's normalisation of user-provided data before hashing (the Data Manager API's "Format
// user data" guide and its `AddressInfo` reference), for plugins that send Google hashed
// emails, phone numbers and names: what Google hashes on its side must be hashed alike here,
// or nothing matches. Phone numbers are E.164 with their `+` (`normalizePhoneNumber`).
import { countryCodeOf } from './customer-normalizers.ts';

/** Google's consumer mail domains, whose addresses ignore dots and a `+tag` before the `@`. */
const GMAIL_DOMAINS: ReadonlySet<string> = new Set(['gmail.com', 'googlemail.com']);
/** Titles written before a given name ("Don't include prefixes such as Mrs."). */
const NAME_PREFIX = /^(?:mr|mrs|ms|miss|mx|dr|prof|sir)\.?\s+/;
/** Suffixes written after a family name ("Don't include suffixes such as Jr."). */
const NAME_SUFFIX = /(?:,\s*|\s+)(?:jr|sr|ii|iii|iv|v|2nd|3rd|4th|md|phd|dds|cpa|esq)\.?$/;

/**
 * An email address as Google hashes it: white space removed (leading, trailing and within),
 * lower case; for `gmail.com` and `googlemail.com` addresses, the dots before the `@` and a
 * `+tag` removed (other domains keep both). Undefined for text that is no address.
 *
 * @example
 * normalizeGoogleEmail(' Cloudy.SanFrancisco+shopping@gmail.com '); // 'cloudysanfrancisco@gmail.com'
 * normalizeGoogleEmail('User.Name+NYC@Example.com');               // 'user.name+nyc@example.com'
 * normalizeGoogleEmail('jane');                                    // undefined
 */
export function normalizeGoogleEmail(value: string): string | undefined {
  const email = value.normalize('NFC').replace(/\s+/g, '').toLowerCase();
  const match = /^([^@]+)@([^@]+\.[^@.]+)$/.exec(email);
  if (!match) return undefined;
  const [, local, domain] = match as unknown as [string, string, string];
  if (!GMAIL_DOMAINS.has(domain)) return email;
  const user = local.split('+')[0]!.replaceAll('.', '');
  return user === '' ? undefined : `${user}@${domain}`;
}

/**
 * An email address as the Google Ads API's and the Campaign Manager 360 API's conversion guides
 * hash it: white space around removed, lower case, and for `gmail.com` and `googlemail.com`
 * addresses the dots before the `@` removed — only those: a `+tag` is kept, unlike the Data
 * Manager API's rule (`normalizeGoogleEmail`). Undefined for text that is no address (white
 * space within included).
 *
 * @example
 * normalizeGoogleConversionEmail(' Jane.Doe+shop@GMail.com '); // 'janedoe+shop@gmail.com'
 * normalizeGoogleConversionEmail('Jane.Doe@Example.com');      // 'jane.doe@example.com'
 * normalizeGoogleConversionEmail('jane doe@example.com');      // undefined
 */
export function normalizeGoogleConversionEmail(value: string): string | undefined {
  const email = value.trim().normalize('NFC').toLowerCase();
  const match = /^([^\s@]+)@([^\s@]+\.[^\s@.]+)$/.exec(email);
  if (!match) return undefined;
  const [, local, domain] = match as unknown as [string, string, string];
  if (!GMAIL_DOMAINS.has(domain)) return email;
  const undotted = local.replaceAll('.', '');
  return undotted === '' ? undefined : `${undotted}@${domain}`;
}

/**
 * A given or family name as Google hashes it: lower case, a title before it (`Mrs.`, `Dr`)
 * and a suffix after it (`Jr.`, `III`, `PhD`) removed, no punctuation, white space trimmed
 * and single. Undefined when nothing is left.
 *
 * @example
 * normalizeGoogleName(' Mrs. Jane ');      // 'jane'
 * normalizeGoogleName('Smith-Jones, Jr.'); // 'smithjones'
 * normalizeGoogleName("O'Brien");          // 'obrien'
 */
export function normalizeGoogleName(value: string): string | undefined {
  let name = value.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
  name = name.replace(NAME_PREFIX, '');
  while (NAME_SUFFIX.test(name)) name = name.replace(NAME_SUFFIX, '');
  name = name.replace(/[\p{P}\p{S}]/gu, '').replace(/\s+/g, ' ').trim();
  return name === '' ? undefined : name;
}

/**
 * A country as Google's `regionCode` takes it: ISO 3166-1 alpha-2 in upper case, from a code
 * or an English name. Undefined for anything else.
 *
 * @example
 * normalizeGoogleRegionCode('United Kingdom'); // 'GB'
 * normalizeGoogleRegionCode(' us ');           // 'US'
 */
export function normalizeGoogleRegionCode(value: string): string | undefined {
  return countryCodeOf(value)?.toUpperCase();
}

/**
 * A postal code as Google's `postalCode` takes it (sent in clear): trimmed, white space within
 * single. Undefined when blank or holding no letter or digit.
 *
 * @example
 * normalizeGooglePostalCode(' SW1A  1AA '); // 'SW1A 1AA'
 */
export function normalizeGooglePostalCode(value: string): string | undefined {
  const code = value.replace(/\s+/g, ' ').trim();
  return /[\p{L}\p{N}]/u.test(code) ? code : undefined;
}
