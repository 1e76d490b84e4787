// The countries Amazon's Events API takes as `countryCode`: its OpenAPI enum is ISO 3166-1
// alpha-2 (all 249 codes) and ZZ. A code outside it fails the API's schema check, which may
// refuse the whole request with every event in it, so it is caught before sending.

/**
 * Region codes the runtime names that are no ISO 3166-1 country, so not in Amazon's
 * `countryCode` enum (ISO 3166-1 alpha-2 and ZZ): the EU, the UN, reserved and private-use codes.
 */
const NOT_COUNTRIES = new Set(['AC', 'CP', 'CQ', 'DG', 'EA', 'EU', 'EZ', 'IC', 'QO', 'TA', 'UN', 'XA', 'XB', 'XK']);
let regionNames: Intl.DisplayNames | undefined;

/**
 * Whether Amazon takes the code as `countryCode`. One outside its enum is refused by the API's
 * schema check, which may refuse the whole request with every event in it.
 *
 * @example
 * isAmazonCountry('GB'); // true
 * isAmazonCountry('EU'); // false
 */
export function isAmazonCountry(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return false;
  if (code === 'ZZ') return true;
  regionNames ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  return regionNames.of(code) !== undefined && Intl.getCanonicalLocales(`und-${code}`)[0] === `und-${code}`;
}
