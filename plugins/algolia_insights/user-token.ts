// Algolia's user tokens: "Anonymous or pseudonymous user identifier", 1 to 129 characters of
// [a-zA-Z0-9_=/+-] in the API's schema (its 422 message says 128: the shorter is kept), never
// personal information. A Signal id that is one already goes as it is, so the token matches
// what Algolia's browser library (search-insights) sends for the same user when a site gives it
// that id; any other (an email, an id with dots or colons, a longer one) goes as its SHA-256,
// which the person's deletion derives again the same way.
import { createHash } from 'node:crypto';
import { usableId, type JsonValue } from '../../core/sdk/index.ts';

/** What Algolia takes as a user token, as is. */
export const USER_TOKEN = /^[a-zA-Z0-9_=/+-]{1,128}$/;
/** The prefix of a token derived from an id Algolia would refuse (the rest is 64 hex digits). */
export const DERIVED_PREFIX = 'sha256-';

/**
 * The user token of an id: the id itself when Algolia takes it, else `sha256-` and its SHA-256
 * in hex; undefined for no id (absent, empty, a placeholder such as "null" or "undefined").
 *
 * @example
 * userTokenOf('user-123'); // 'user-123'
 * userTokenOf('jane@example.com'); // 'sha256-' + 64 hex digits
 */
export function userTokenOf(value: JsonValue | undefined): string | undefined {
  const id = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  if (id === undefined || id === '' || !usableId(id)) return undefined;
  // An email holds '@', which the pattern refuses: it is never sent in clear.
  if (USER_TOKEN.test(id)) return id;
  return `${DERIVED_PREFIX}${createHash('sha256').update(id).digest('hex')}`;
}
