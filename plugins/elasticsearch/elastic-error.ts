// How Elasticsearch and OpenSearch say what went wrong: a request's error as
// `{ "error": { "type": "security_exception", "reason": "…", "root_cause": […], "caused_by": {…} }, "status": 401 }`
// (an older or odd answer's `error` is text), a bulk item's as `{ "type", "reason", "caused_by" }`
// beside the item's `status`; what stands in front of the cluster answers in its own words
// (Elastic Cloud's proxy `{ "ok": false, "message": "…" }`, Amazon OpenSearch Service's
// `{ "Message": "…" }`, a load balancer's web page).
import { excerpt, isJsonObject, type VendorResponse } from '../../core/sdk/index.ts';

/** An error as Elasticsearch gives it: its type, its reason, and what caused it. */
export interface ElasticError {
  /** `mapper_parsing_exception`, `security_exception`, … ('' when the answer names none). */
  type: string;
  reason: string;
  /** The innermost cause's type and reason (`illegal_argument_exception: For input string: "abc"`), when there is one. */
  cause?: { type: string; reason: string };
}

const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * An error object (a request's `error`, a bulk item's `error`) as an ElasticError, or undefined
 * when it is none.
 *
 * @example
 * readError({ type: 'mapper_parsing_exception', reason: 'failed to parse field [properties.price] of type [float]', caused_by: { type: 'number_format_exception', reason: 'For input string: "abc"' } });
 * // { type: 'mapper_parsing_exception', reason: 'failed to parse field [properties.price] of type [float]', cause: { type: 'number_format_exception', reason: 'For input string: "abc"' } }
 */
export function readError(value: unknown): ElasticError | undefined {
  if (typeof value === 'string' && value.trim() !== '') return { type: '', reason: value };
  if (!isJsonObject(value)) return undefined;
  const type = textOf(value.type);
  const reason = textOf(value.reason);
  if (type === '' && reason === '') return undefined;
  let cause: Record<string, unknown> | undefined;
  for (let next = value.caused_by; isJsonObject(next); next = next.caused_by) cause = next;
  return { type, reason, ...(cause === undefined ? {} : { cause: { type: textOf(cause.type), reason: textOf(cause.reason) } }) };
}

/** The error of a request's answer, when it is Elasticsearch's (or OpenSearch's). */
export function answerError(response: Pick<VendorResponse, 'json'>): ElasticError | undefined {
  return isJsonObject(response.json) ? readError(response.json.error) : undefined;
}

/**
 * An error in words, for a reason or a message: its type, reason and cause, cut to fit.
 *
 * @example
 * errorWords({ type: 'security_exception', reason: 'missing authentication credentials for REST request [/_bulk]' });
 * // 'security_exception: missing authentication credentials for REST request [/_bulk]'
 */
export function errorWords(error: ElasticError): string {
  const words = (type: string, reason: string): string => [type, reason].filter((part) => part !== '').join(': ');
  const cause = error.cause === undefined ? '' : `; caused by ${words(error.cause.type, error.cause.reason)}`;
  return excerpt(`${words(error.type, error.reason)}${cause}`, 400);
}

/** A web page: what a proxy, a load balancer or a login portal answers, never Elasticsearch. */
export const isWebPage = (response: Pick<VendorResponse, 'body'>): boolean => /^\s*<(?:!doctype|html|head|body|\?xml)\b/i.test(response.body ?? '');

/**
 * What an answer said, for a reason: the status, then Elasticsearch's error, or the words of
 * what answered in its place (a web page's text, without its markup).
 *
 * @example
 * said({ status: 401, body: '…', json: { error: { type: 'security_exception', reason: 'unable to authenticate with provided credentials' }, status: 401 } });
 * // 'HTTP 401, security_exception: unable to authenticate with provided credentials'
 */
export function said(response: Pick<VendorResponse, 'status' | 'body' | 'json'>): string {
  const error = answerError(response);
  if (error !== undefined) return `HTTP ${response.status}, ${errorWords(error)}`;
  const json = response.json;
  const message = isJsonObject(json) ? textOf(json.message) || textOf(json.Message) : '';
  // An empty JSON object says nothing; a web page says its text, without the markup.
  const body = isJsonObject(json) && Object.keys(json).length === 0 ? '' : (response.body ?? '').replace(/<[^>]*>/g, ' ');
  const words = excerpt(message || body, 200);
  return words === '' ? `HTTP ${response.status}` : `HTTP ${response.status}: ${words}`;
}
