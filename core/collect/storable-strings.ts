// Characters PostgreSQL cannot store, replaced at collect.
//
// A NUL character (U+0000) has no place in PostgreSQL's `text`, and its `json` type refuses a
// lone UTF-16 surrogate escape (`"\ud800"`): either one made the whole group's INSERT fail,
// so one client's odd string answered every request of its group with a 503, and an SDK
// retrying it kept failing others. Both come from broken client code or binary data pasted
// into a property, and refusing the event would lose the rest of it, so Signal keeps the
// event and replaces each such character with U+FFFD, the Unicode replacement character,
// as RudderStack does for NUL and as any UTF-8 encoder does for a lone surrogate.

// JSON.stringify writes NUL as `\u0000` and a lone surrogate as `\ud800`–`\udfff` (lower
// case; a valid pair is written as itself). A literal backslash followed by such text also
// matches, which costs one walk that changes nothing.
const UNSTORABLE_ESCAPE = /\\u0000|\\ud[89a-f]/;
const NUL = /\u0000/g;

/**
 * Whether `JSON.stringify` output holds a character PostgreSQL cannot store. A quick test of
 * the text the size check serialises anyway; `storableCopy` does the exact work.
 *
 * @example
 * hasUnstorableCharacters(JSON.stringify({ name: 'a\u0000b' })); // true
 */
export function hasUnstorableCharacters(json: string): boolean {
  return UNSTORABLE_ESCAPE.test(json);
}

function storableString(value: string): string {
  return value.replace(NUL, '\ufffd').toWellFormed();
}

/**
 * A copy of a JSON value in which every string, object keys included, has NUL characters and
 * lone surrogates replaced with U+FFFD.
 *
 * @example
 * storableCopy({ note: 'a\u0000b', ['k\ud800']: 1 }); // { note: 'a\ufffdb', 'k\ufffd': 1 }
 */
export function storableCopy<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  if (typeof value === 'string') return storableString(value);
  if (Array.isArray(value)) return value.map(copy);
  // fromEntries defines own properties, so even a `__proto__` key stays a plain key.
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [storableString(key), copy(item)]));
  return value;
}
