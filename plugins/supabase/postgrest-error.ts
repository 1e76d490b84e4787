// How the Data API says what went wrong: PostgREST answers a JSON object `{code, message,
// details, hint}` whose code is either a Postgres SQLSTATE (`42P01` an undefined table, `23502`
// a NULL in a NOT NULL column, `42501` a refused privilege…) or one of PostgREST's own
// (`PGRST204` a column not in its schema cache, `PGRST301` a JWT it cannot read…), with an HTTP
// status derived from it. Supabase's gateway answers before PostgREST for a missing or unknown
// API key: a 401 `{"message":"Invalid API key","hint":"…"}` without a code.
import { excerpt, isWebPage, responseHeader, type VendorResponse } from '../../core/sdk/index.ts';

/** A PostgREST error as an answer carries it. */
export interface PostgrestError {
  /** The SQLSTATE or PGRST code, or '' when the answer has none. */
  code: string;
  /** Its message, on one line, at most 300 characters ('' when none). */
  message: string;
  /** Its details and hint, when given ('' otherwise). */
  details: string;
  hint: string;
}

const textOf = (value: unknown): string => (typeof value === 'string' ? excerpt(value, 300) : '');

/**
 * The error an answer carries, read defensively (any field may be missing, null or not text).
 *
 * @example
 * postgrestError({ status: 404, headers: {}, body: '{"code":"42P01","details":null,"hint":null,"message":"relation \\"public.events\\" does not exist"}' });
 * // { code: '42P01', message: 'relation "public.events" does not exist', details: '', hint: '' }
 */
export function postgrestError(response: Pick<VendorResponse, 'body' | 'json'>): PostgrestError {
  let json: unknown = response.json;
  if (json === undefined) {
    try {
      json = JSON.parse(response.body ?? '');
    } catch {
      json = undefined;
    }
  }
  const object = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  return { code: typeof object.code === 'string' ? object.code.trim() : '', message: textOf(object.message), details: textOf(object.details), hint: textOf(object.hint) };
}

/**
 * What an answer said, without its status: `42P01: relation "public.events" does not exist`, with
 * PostgREST's details and hint when it gave them, the start of a body that is not JSON, or
 * `no body`.
 *
 * @example
 * saidWords({ status: 503, headers: {}, body: '' }, postgrestError({ body: '' })); // 'no body'
 */
export function saidWords(response: Pick<VendorResponse, 'body'>, error: PostgrestError): string {
  if (error.code !== '' || error.message !== '') {
    const extra = [error.details, error.hint].filter((text) => text !== '').join('; ');
    return `${error.code === '' ? '' : `${error.code}: `}${error.message}${extra === '' ? '' : ` (${extra})`}`;
  }
  const start = excerpt((response.body ?? '').replace(/<[^>]*>/g, ' '), 160);
  return start === '' ? 'no body' : start;
}

/**
 * What an answer said, for messages: `HTTP 404, 42P01: relation "public.events" does not exist`.
 *
 * @example
 * said({ status: 503, headers: {}, body: '' }, postgrestError({ body: '' })); // 'HTTP 503'
 */
export function said(response: Pick<VendorResponse, 'status' | 'body'>, error: PostgrestError): string {
  const words = saidWords(response, error);
  if (words === 'no body') return `HTTP ${response.status}`;
  return `HTTP ${response.status}${error.code === '' ? ': ' : ', '}${words}`;
}

/**
 * Whether a 2xx is a web page rather than the Data API's answer (empty for a write with
 * `return=minimal`): a proxy's or a login portal's, which means config.url or config.api_path
 * leads elsewhere.
 *
 * @example
 * notDataApiAnswer({ status: 200, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><title>Sign in</title>' }); // true
 */
export function notDataApiAnswer(response: Pick<VendorResponse, 'headers' | 'body'>): boolean {
  return isWebPage(response.body) && !/json/i.test(responseHeader(response.headers, 'content-type') ?? '');
}

/** The SQLSTATE's class (its first two characters), '' for PostgREST's own codes. */
export const sqlStateClass = (code: string): string => (/^[0-9A-Z]{5}$/.test(code) && !code.startsWith('PGRST') ? code.slice(0, 2) : '');

/**
 * The column a refusal names as missing: PGRST204 `Could not find the 'colour' column of 'events' in the schema cache`, 42703 `column "colour" of relation "events" does not exist`.
 *
 * @example
 * missingColumn({ code: 'PGRST204', message: "Could not find the 'colour' column of 'events' in the schema cache", details: '', hint: '' }); // 'colour'
 */
export function missingColumn(error: PostgrestError): string | undefined {
  if (error.code === 'PGRST204') return /the '(.+?)' column of/.exec(error.message)?.[1];
  if (error.code === '42703') return /column "(.+?)"(?: of relation "[^"]*")? does not exist/.exec(error.message)?.[1]?.replace(/^[^.]*\./, '');
  return undefined;
}

/**
 * Whether the refusal is of the JWT's role: PostgREST answers 401 with 22023 `role "x" does not
 * exist` when the token names a role the database lacks (a self-hosted PostgREST's key) — the
 * key's fault, not a row's, although 22 is the class of data errors.
 *
 * @example
 * unknownRole({ code: '22023', message: 'role "writer" does not exist', details: '', hint: '' }); // true
 */
export const unknownRole = (error: PostgrestError): boolean => error.code === '22023' && /^role\b.*does not exist$/.test(error.message);
