// A secret (API key, token) pasted into a config field with more than itself: the
// authorization scheme of the header it was copied from ("Bearer abc…"), or white space (a line
// break, or the text around it). The plugin puts the secret in its header itself, so either
// would fail every request; the messages name the field and never repeat the secret.
import type { ConfigProblem } from './types.ts';

export interface PastedSecretOptions {
  /** The authorization schemes the value must not start with, spelled as the message names them (default `['Bearer']`; `[]` for none). */
  schemes?: readonly string[];
  /** Said after "give the <what> alone" of a value that starts with a scheme: why to leave it out ("Signal adds the prefix"). */
  schemeHint?: string;
  /** Said after "give the <what> alone" of a value with white space: where to copy it from ("as LinkedIn showed it"). */
  spaceHint?: string;
}

/**
 * A secret pasted with an authorization scheme before it (its first word, in any case, is one
 * of `schemes`) or with white space in it, said naming its field; undefined for one that looks
 * pasted alone. The value is checked as given: pass it trimmed where white space around it
 * does no harm.
 *
 * @example
 * pastedSecretProblem('api_key', 'Bearer abc', 'API key', { schemeHint: 'Signal adds the prefix' });
 * // { field: 'api_key', message: 'starts with "Bearer ": give the API key alone, Signal adds the prefix' }
 * pastedSecretProblem('api_key', 'abc\n', 'API key', { spaceHint: 'as the console shows it' });
 * // { field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the API key alone, as the console shows it' }
 * pastedSecretProblem('api_key', 'abc', 'API key'); // undefined
 */
export function pastedSecretProblem(field: string, value: string, what: string, options: PastedSecretOptions = {}): ConfigProblem | undefined {
  const { schemes = ['Bearer'], schemeHint, spaceHint } = options;
  const firstWord = /^\s*(\S+)\s/.exec(value)?.[1]?.toLowerCase();
  const scheme = firstWord === undefined ? undefined : schemes.find((name) => name.toLowerCase() === firstWord);
  if (scheme !== undefined) return { field, message: `starts with "${scheme} ": give the ${what} alone${schemeHint === undefined ? '' : `, ${schemeHint}`}` };
  if (/\s/.test(value)) return { field, message: `holds white space or a line break (copied with the text around it?): give the ${what} alone${spaceHint === undefined ? '' : `, ${spaceHint}`}` };
  return undefined;
}
