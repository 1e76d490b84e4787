// Characters PostgreSQL cannot store, replaced before Signal writes them.
//
// A NUL character (U+0000) has no place in PostgreSQL's `text` or `jsonb`, and its `json` type
// refuses a lone UTF-16 surrogate escape (`"\ud800"`). At collect, either one made the whole
// group's INSERT fail, so one client's odd string answered every request of its group with a
// 503. A vendor answering with a NUL byte made the dead letter fail to be written, so the
// event was neither delivered nor dead-lettered. Such characters come from broken client code,
// binary data pasted into a property or a garbled vendor answer, and refusing the whole
// would lose the rest of it, so Signal replaces each with U+FFFD, the Unicode replacement
// character, as RudderStack does for NUL and as any UTF-8 encoder does for a lone surrogate.

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

/**
 * A string with NUL characters and lone surrogates replaced with U+FFFD, for a `text` value.
 *
 * @example
 * storableText('a\u0000b'); // 'a\ufffdb'
 */
export function storableText(value: string): string {
  return value.replace(NUL, '\ufffd').toWellFormed();
}

/**
 * A copy of a JSON value in which every string, object keys included, has NUL characters and
 * lone surrogates replaced with U+FFFD. It serialises as the original would.
 *
 * @example
 * storableCopy({ note: 'a\u0000b', ['k\ud800']: 1 }); // { note: 'a\ufffdb', 'k\ufffd': 1 }
 */
export function storableCopy<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  // As JSON.stringify does: a Date (or anything with toJSON) stands for what it returns.
  if (typeof (value as { toJSON?: unknown } | null)?.toJSON === 'function') return copy((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return value.map(copy);
  // fromEntries defines own properties, so even a `__proto__` key stays a plain key.
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [storableText(key), copy(item)]));
  return value;
}

/**
 * `JSON.stringify(value)`, with the characters PostgreSQL cannot store replaced: the text to
 * bind to a `json` or `jsonb` parameter. The copy is made only when a quick test finds one.
 *
 * @example
 * await pool.query('INSERT INTO t (doc) VALUES ($1::json)', [storableJson({ body: 'a\u0000b' })]);
 */
export function storableJson(value: unknown): string {
  const json = JSON.stringify(value);
  return hasUnstorableCharacters(json) ? JSON.stringify(storableCopy(value)) : json;
}
