// The pieces of customer information ad vendors normalise alike before hashing — places and
// dates of birth — shared so that Meta, Pinterest and Snapchat read `New York`, `Québec`,
// `United Kingdom` or `12/26/1997` the same way (each plugin keeps its own rules on top).

/**
 * Letters a–z only, accents folded, lower case: `Québec` → `quebec`, `New York` → `newyork`.
 *
 * @example
 * lettersOnly(' Saint-Étienne '); // 'saintetienne'
 */
export function lettersOnly(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z]/g, '');
}

/** US states (with DC and Puerto Rico) and Canada's provinces and territories, by name (letters only). */
const STATE_CODES: Readonly<Record<string, string>> = {
  alabama: 'al', alaska: 'ak', arizona: 'az', arkansas: 'ar', california: 'ca', colorado: 'co', connecticut: 'ct', delaware: 'de',
  districtofcolumbia: 'dc', florida: 'fl', georgia: 'ga', hawaii: 'hi', idaho: 'id', illinois: 'il', indiana: 'in', iowa: 'ia',
  kansas: 'ks', kentucky: 'ky', louisiana: 'la', maine: 'me', maryland: 'md', massachusetts: 'ma', michigan: 'mi', minnesota: 'mn',
  mississippi: 'ms', missouri: 'mo', montana: 'mt', nebraska: 'ne', nevada: 'nv', newhampshire: 'nh', newjersey: 'nj', newmexico: 'nm',
  newyork: 'ny', northcarolina: 'nc', northdakota: 'nd', ohio: 'oh', oklahoma: 'ok', oregon: 'or', pennsylvania: 'pa', rhodeisland: 'ri',
  southcarolina: 'sc', southdakota: 'sd', tennessee: 'tn', texas: 'tx', utah: 'ut', vermont: 'vt', virginia: 'va', washington: 'wa',
  westvirginia: 'wv', wisconsin: 'wi', wyoming: 'wy', puertorico: 'pr',
  alberta: 'ab', britishcolumbia: 'bc', manitoba: 'mb', newbrunswick: 'nb', newfoundlandandlabrador: 'nl', northwestterritories: 'nt',
  novascotia: 'ns', nunavut: 'nu', ontario: 'on', princeedwardisland: 'pe', quebec: 'qc', saskatchewan: 'sk', yukon: 'yt',
};

/**
 * The two-letter code of a US state or Canadian province written out (`New York` → `ny`,
 * `Québec` → `qc`), or undefined for any other text (a code already, or a region elsewhere).
 *
 * @example
 * stateCodeOfName('California'); // 'ca'
 * stateCodeOfName('Bavaria');    // undefined
 */
export function stateCodeOfName(text: string): string | undefined {
  return STATE_CODES[lettersOnly(text)];
}

/**
 * English country names (letters only) → ISO 3166-1 alpha-2, from the runtime's ICU data,
 * built on first use (about 50 ms), with the usual informal names (`USA`, `UK`, `England`).
 */
let countryNames: ReadonlyMap<string, string> | undefined;
function countryNameMap(): ReadonlyMap<string, string> {
  if (countryNames !== undefined) return countryNames;
  const display = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const names = new Map<string, string>([['usa', 'us'], ['unitedstatesofamerica', 'us'], ['uk', 'gb'], ['greatbritain', 'gb'], ['england', 'gb'], ['scotland', 'gb'], ['wales', 'gb']]);
  for (let a = 97; a <= 122; a++) {
    for (let b = 97; b <= 122; b++) {
      const asked = String.fromCharCode(a, b).toUpperCase();
      const english = display.of(asked);
      if (!english) continue;
      // A retired code (UK, BU, ZR) names a country under its current code (GB, MM, CD).
      const code = Intl.getCanonicalLocales(`und-${asked}`)[0]!.slice(4).toLowerCase();
      // "Myanmar (Burma)" is also "Myanmar".
      for (const spelling of [english, english.replace(/\s*\(.*\)$/, '')]) names.set(lettersOnly(spelling), code);
    }
  }
  countryNames = names;
  return names;
}

/**
 * A country as its ISO 3166-1 alpha-2 code in lower case, from an English name or a code
 * (`United Kingdom`, `UK`, `gb` → `gb`), or undefined when it is neither. Names are read
 * first, so the alias `UK` becomes `gb`.
 *
 * @example
 * countryCodeOf('United States'); // 'us'
 * countryCodeOf('DE');            // 'de'
 */
export function countryCodeOf(text: string): string | undefined {
  const letters = lettersOnly(text);
  return countryNameMap().get(letters) ?? (letters.length === 2 ? letters : undefined);
}

/**
 * A date of birth as `YYYYMMDD`, from `1997-12-26` (a date-time too), `19971226`,
 * `12/26/1997` (month first; day first when the first number cannot be a month) or
 * `26.12.1997`; undefined for anything else or an impossible date (`1997-02-30`).
 *
 * @example
 * birthDateYmd('2/16/1997');  // '19970216'
 * birthDateYmd('16.02.1997'); // '19970216'
 */
export function birthDateYmd(value: string): string | undefined {
  const text = value.trim();
  let parts: [number, number, number] | undefined;
  let match = /^(\d{4})-?(\d{2})-?(\d{2})(?:$|T)/.exec(text);
  if (match) parts = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text))) {
    const [first, second] = [Number(match[1]), Number(match[2])];
    parts = first > 12 ? [Number(match[3]), second, first] : [Number(match[3]), first, second];
  } else if ((match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text))) parts = [Number(match[3]), Number(match[2]), Number(match[1])];
  if (!parts) return undefined;
  const [year, month, day] = parts;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
}
