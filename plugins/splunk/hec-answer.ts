// How HEC answers: a JSON object `{"text": "Success", "code": 0}` — with `ackId` when the token
// has indexer acknowledgment on, and `invalid-event-number` (the refused event's place in the
// request, from 0) when one event of a batch is at fault — whose `code` says what happened
// (Splunk's table of HEC status codes, see the README). What stands in front of HEC (a load
// balancer, a proxy, Splunk Web on the wrong port) answers in its own words, often a web page.
import { excerpt, isJsonObject, type VendorResponse } from '../../core/sdk/index.ts';

/** HEC's answer, read: its status code and text, and the numbers it may carry. */
export interface HecAnswer {
  code: number;
  text: string;
  /** The refused event's place in the request (from 0), when HEC names one. */
  invalidEventNumber?: number;
  /** The request's acknowledgment id, with indexer acknowledgment on. */
  ackId?: number;
}

const wholeNumber = (value: unknown): number | undefined => {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : undefined;
};

/**
 * HEC's answer in a response, or undefined when the response is not HEC's (no numeric `code`).
 *
 * @example
 * hecAnswer({ status: 400, headers: {}, body: '…', json: { text: 'Invalid data format', code: 6, 'invalid-event-number': 2 } });
 * // { code: 6, text: 'Invalid data format', invalidEventNumber: 2 }
 */
export function hecAnswer(response: Pick<VendorResponse, 'json'>): HecAnswer | undefined {
  const json = response.json;
  if (!isJsonObject(json) || typeof json.code !== 'number' || !Number.isInteger(json.code)) return undefined;
  const invalidEventNumber = wholeNumber(json['invalid-event-number']);
  const ackId = wholeNumber(json.ackId);
  return {
    code: json.code, text: typeof json.text === 'string' ? json.text : '',
    ...(invalidEventNumber === undefined ? {} : { invalidEventNumber }),
    ...(ackId === undefined ? {} : { ackId }),
  };
}

/**
 * A web page: what a proxy, a load balancer or Splunk Web answers, never HEC.
 *
 * @example
 * isWebPage({ body: '<!doctype html><title>Splunk</title>' }); // true
 */
export const isWebPage = (response: Pick<VendorResponse, 'body'>): boolean => /^\s*<(?:!doctype|html|head|body|\?xml)\b/i.test(response.body ?? '');

/**
 * What an answer said, for a reason: the status, then HEC's code and text, or the words of what
 * answered in its place (a web page's text, without its markup).
 *
 * @example
 * said({ status: 403, body: '{"text":"Token disabled","code":1}', json: { text: 'Token disabled', code: 1 } });
 * // 'HTTP 403, code 1: Token disabled'
 */
export function said(response: Pick<VendorResponse, 'status' | 'body' | 'json'>): string {
  const answer = hecAnswer(response);
  if (answer !== undefined) return `HTTP ${response.status}, code ${answer.code}${answer.text === '' ? '' : `: ${excerpt(answer.text, 200)}`}`;
  const words = excerpt((response.body ?? '').replace(/<[^>]*>/g, ' '), 200);
  return words === '' ? `HTTP ${response.status}` : `HTTP ${response.status}: ${words}`;
}
