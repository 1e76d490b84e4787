// mParticle's answers to /v2/bulkevents, as its Events API documents them: 202 Accepted (also
// when some of the batches failed: "you will still get an Accepted response", so there is no
// per-batch outcome to read); 400 for malformed JSON or a missing field, with an optional body
// `{ "errors": [{ "code": "BAD_REQUEST", "message": "Required event field \"event_type\" is
// missing or empty." }] }`; 401 without the authentication header, 403 with one mParticle does
// not take; 429 over the provisioned limit, maybe with a Retry-After of whole seconds (else
// exponential backoff with jitter, the core's); 503 and other 5xx to retry.
import { excerpt, isWebPage, transientRetry, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** What to check when mParticle refuses the credentials. */
export const CREDENTIALS = 'check config.api_key and config.api_secret (the input\'s server-to-server key and secret, Setup > Inputs) and that config.pod is the account\'s pod';

/**
 * What mParticle said: its errors' messages (with their codes), else the body's start, else
 * `(no body)`; a web page (a proxy's or load balancer's) is named as one.
 *
 * @example
 * mparticleSaid({ status: 400, headers: {}, body: '…', json: { errors: [{ code: 'BAD_REQUEST', message: 'Required event field "event_type" is missing or empty.' }] } });
 * // 'Required event field "event_type" is missing or empty. (BAD_REQUEST)'
 */
export function mparticleSaid(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const { errors, message } = json as { errors?: unknown; message?: unknown };
    if (Array.isArray(errors)) {
      const said = errors.flatMap((error: unknown) => {
        if (error === null || typeof error !== 'object') return [];
        const { code, message: words } = error as { code?: unknown; message?: unknown };
        const text = typeof words === 'string' ? words.trim() : '';
        const tag = typeof code === 'string' && code !== '' ? code : undefined;
        if (text === '') return tag === undefined ? [] : [tag];
        return [tag === undefined ? text : `${text} (${tag})`];
      });
      if (said.length > 0) return excerpt(said.join('; '));
    }
    if (typeof message === 'string' && message.trim() !== '') return excerpt(message);
  }
  if (isWebPage(response.body)) return 'a web page, not mParticle\'s answer';
  const body = excerpt(response.body ?? '');
  return body === '' ? '(no body)' : body;
}

/** Whether the answer is mParticle's documented error body (`{ "errors": [...] }`). */
function hasErrorList(response: VendorResponse): boolean {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) && Array.isArray((json as { errors?: unknown }).errors);
}

/**
 * An outcome for a bulk request's answer: 2xx delivered; a 400 with mParticle's error list, or a 413,
 * split to find the event refused when the request carries several, else dead-lettered with
 * mParticle's words; 401 and
 * 403 dead-lettered naming the credentials; 404 naming the pod; 408, 429 and 5xx retried (a 429
 * as mParticle's rate limit, after its Retry-After); anything else dead-lettered.
 *
 * @example
 * classifyMParticle({ status: 202, headers: {}, body: '' }, request);                       // { status: 'delivered' }
 * classifyMParticle({ status: 429, headers: { 'retry-after': '5' }, body: '' }, request);   // { status: 'retry', reason: 'mParticle rate limit reached (HTTP 429: (no body))', retryAfterMs: 5000, throttled: true }
 */
export function classifyMParticle(response: VendorResponse, request: RequestDescriptor): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) return { status: 'delivered' };
  const said = mparticleSaid(response);
  const answered = `HTTP ${status}: ${said}`;
  const several = request.eventIds.length > 1;
  // mParticle refuses a whole bulk request for one batch it cannot take (and answers 202 when it
  // takes some): with its documented error list (or a 413) and several events, halves find the
  // one refused and deliver the rest; any other 400 is the request's (the config, a proxy).
  if ((status === 400 && hasErrorList(response)) || status === 413) {
    if (several) return { status: 'split', reason: `mParticle refused the request of ${request.eventIds.length} events (${answered}): sending it in halves to find the event it refuses` };
    return { status: 'dead_letter', reason: `mParticle refused the event (${answered})${status === 413 ? ': its batch passes 128 KB — map fewer attributes' : ''}` };
  }
  if (status === 400) return { status: 'dead_letter', reason: `mParticle refused the request (${answered})` };
  if (status === 401) return { status: 'dead_letter', reason: `mParticle found no credentials it takes (${answered}): ${CREDENTIALS}; replay the dead letters once fixed` };
  if (status === 403) return { status: 'dead_letter', reason: `mParticle refused the credentials (${answered}): ${CREDENTIALS}; replay the dead letters once fixed` };
  if (status === 404) return { status: 'dead_letter', reason: `mParticle has no Events API at ${request.url} (${answered}): check config.pod` };
  const retry = transientRetry(response, 'mParticle', said);
  if (retry !== undefined) return retry;
  return { status: 'dead_letter', reason: `mParticle refused the request (${answered})` };
}
