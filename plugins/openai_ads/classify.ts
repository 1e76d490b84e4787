// OpenAI's answers to POST /v1/events. OpenAI documents that "if one event in the batch fails,
// the full batch fails", but not its error bodies: they are read as OpenAI's APIs answer
// elsewhere (`{ error: { message, param, code } }`), else `message`/`detail`, else the body's
// start. A refused batch is halved until the refused event is alone, so one invalid event
// never takes the valid ones with it.
import { defaultClassify, excerpt, isJsonObject, isWebPage, transientRetry, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** The first of `values` that is non-blank text, trimmed; '' when none is. */
function firstText(...values: unknown[]): string {
  for (const value of values) if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return '';
}

/**
 * What OpenAI said: its error's message (with the field it names, `param`), a top-level
 * `message` or `detail`, or the body's start when the answer is not JSON.
 *
 * @example
 * said({ status: 400, headers: {}, body: '…', json: { error: { message: 'Invalid currency', param: 'events[0].data.currency' } } });
 * // 'Invalid currency (events[0].data.currency)'
 */
export function said(response: VendorResponse): string {
  const answer = isJsonObject(response.json) ? response.json : {};
  const error = isJsonObject(answer.error) ? answer.error : {};
  const message = firstText(error.message, typeof answer.error === 'string' ? answer.error : undefined, answer.message, answer.detail);
  const param = firstText(error.param);
  if (message !== '') return param !== '' && !message.includes(param) ? `${message} (${param})` : message;
  return excerpt(response.body ?? '') || '(no body)';
}

/** Whether a refusal is OpenAI's JSON error (`{ error: { message } }`, a `message` or `detail`, an `errors` list), not a proxy's answer. */
function isOpenAiError(response: VendorResponse): boolean {
  const answer = isJsonObject(response.json) ? response.json : undefined;
  if (answer === undefined) return false;
  return (isJsonObject(answer.error) && firstText(answer.error.message, answer.error.code, answer.error.type) !== '') || firstText(answer.message, answer.detail) !== '' || Array.isArray(answer.errors);
}

/**
 * OpenAI's answer as outcomes for the events of `request`:
 *
 * - 2xx: delivered (validated only, not saved, with config.validate_only on); a 2xx that is a
 *   web page (a proxy's or a captive portal's) sent again;
 * - 429: the rate limit, handled as a 429 (no try used up, the integration slowed) after
 *   Retry-After when given; 5xx and 408 retried, honouring Retry-After;
 * - 401: dead-lettered at once, saying how to get a new Conversions API key;
 * - 403: dead-lettered at once: the key may not send to the pixel;
 * - 404: dead-lettered at once: check config.pixel_id;
 * - 400 and 422 in OpenAI's JSON error shape, and 413, for several events: split in halves,
 *   since OpenAI refuses a whole batch for one event; for one event, dead-lettered with
 *   OpenAI's words;
 * - other 4xx (a 400 that is not OpenAI's JSON among them): dead-lettered with what was said.
 *
 * @example
 * classifyOpenAiAds({ status: 400, headers: {}, body: '…', json: { error: { message: 'timestamp_ms is too old' } } }, twoEventRequest, '134534276512');
 * // { status: 'split', reason: 'OpenAI refused the batch (HTTP 400, timestamp_ms is too old); sending it in halves to find the event' }
 */
export function classifyOpenAiAds(response: VendorResponse, request: RequestDescriptor, pixelId: string): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) {
    if (isWebPage(response.body)) return { status: 'retry', reason: `HTTP ${status} with ${excerpt(response.body ?? '')}: a web page, not OpenAI's answer — a proxy? — so the events are sent again (OpenAI deduplicates on id and type)` };
    return { status: 'delivered' };
  }
  const what = said(response);
  const transient = transientRetry(response, 'OpenAI', what);
  if (transient !== undefined) return transient;
  if (status === 401) {
    return { status: 'dead_letter', reason: `OpenAI refused the Conversions API key (HTTP 401, ${what}). Generate one in OpenAI Ads Manager, Conversions tab, update config.api_key in a new revision, then replay the dead letters` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `OpenAI: the key may not send events to pixel ${pixelId} (HTTP 403, ${what}). Check config.pixel_id (Ads Manager, Conversions tab), and that config.api_key is a Conversions API key of the ad account that owns the pixel` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `OpenAI does not know pixel ${pixelId} (HTTP 404, ${what}): check config.pixel_id (Ads Manager, Conversions tab)` };
  }
  // OpenAI's refusal of a batch (its JSON error): halves find the event, since OpenAI refuses a
  // whole batch for one. Another 400 (a proxy's page, a bare text) is dead-lettered: halving it
  // would change nothing.
  if (status === 413 || ((status === 400 || status === 422) && isOpenAiError(response))) {
    if (request.eventIds.length > 1) return { status: 'split', reason: `OpenAI refused the batch (HTTP ${status}, ${what}); sending it in halves to find the event` };
    return { status: 'dead_letter', reason: `OpenAI refused the event (HTTP ${status}, ${what})` };
  }
  const fallback = defaultClassify(response);
  return fallback.status === 'delivered' ? fallback : { ...fallback, reason: `OpenAI HTTP ${status}: ${what}` };
}
