// Singular's answers to its S2S EVENT endpoint. Singular documents that it answers every request
// HTTP 200 with a JSON body whose `status` says the outcome: `{"status":"ok"}` (the event is
// queued for processing) or `{"status":"error","reason":"…"}`. The documented reasons —
// "missing argument: <param>", "invalid platform: <platform>", "no device ID supplied",
// "platform: <platform> should have an <id> param" — are invalid parameters, which Singular says
// not to retry (S2S API Response Codes & Errors); an error of any other words did not queue the
// event either, so another try counts nothing twice. Another HTTP status comes from an edge in
// front of Singular.
// Each request carries one event (see requests.ts), so its answer is its event's.
import {
  defaultClassify, excerpt, isWebPage, transientRetry, type ClassifyResult, type VendorResponse,
} from '../../core/sdk/index.ts';

function record(response: VendorResponse): Record<string, unknown> | undefined {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
}

/**
 * What Singular said: its JSON's `reason` (or `message`, `error`, `status`), else the start of the body.
 *
 * @example
 * saidBySingular({ status: 200, headers: {}, body: '…', json: { status: 'error', reason: 'missing argument: a' } }); // 'missing argument: a'
 */
export function saidBySingular(response: VendorResponse): string {
  const json = record(response);
  for (const key of ['reason', 'message', 'error', 'status']) {
    const value = json?.[key];
    if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
  }
  return excerpt(response.body ?? '') || '(no body)';
}

/** What a refusal's words say to fix, naming the config field or the event's field they point at. */
export function hintFor(said: string): string {
  if (/argument:\s*a\b|sdk ?key|api ?key|\bkey\b|unauthori[sz]ed|forbidden/i.test(said)) return ': check config.sdk_key (Developer Tools > SDK Integration > SDK Keys: the SDK Key, not the Reporting API Key)';
  if (/argument:\s*i\b|bundle|package|app id/i.test(said)) return ': check config.app_id, or the events\' context.app.namespace (the app\'s bundle id or package name)';
  if (/argument:\s*n\b|event name/i.test(said)) return ': the event name (config.event_names renames events)';
  if (/argument:\s*ve\b|os version/i.test(said)) return ': the event\'s context.os.version';
  if (/argument:\s*ip\b|\bip\b/i.test(said)) return ': the event\'s context.ip (the device\'s IPv4 address)';
  if (/platform|device id|should have/i.test(said)) return ': the event\'s device ids (context.device, integrations.Singular)';
  return '';
}

/**
 * Whether Singular's error names a request it cannot take as sent (an invalid or missing
 * parameter, as its documented reasons do): final, unlike an error of other words.
 *
 * @example
 * isInvalidParameter('missing argument: ip'); // true
 * isInvalidParameter('internal error');       // false
 */
export function isInvalidParameter(said: string): boolean {
  return /missing argument|invalid|no device id|should have|not supported|unsupported|malformed|too long/i.test(said);
}

/**
 * Singular's answer as the outcome of the request's event:
 *
 * - 2xx `{"status":"ok"}`: delivered;
 * - 2xx `{"status":"error","reason":…}` naming an invalid or missing parameter (its documented
 *   reasons): dead-lettered with Singular's reason, naming what to fix (Singular: invalid
 *   parameters are not to be retried); an error of other words: retried (the event was not
 *   queued, so a resend counts nothing twice);
 * - 2xx web page: retried — not Singular's answer (a proxy, a captive portal);
 * - any other 2xx (another JSON, an empty body): delivered, as Singular does not deduplicate
 *   events: a retry of an event it did queue would count it twice;
 * - 429: Singular's rate limit, handled as a 429 (no try used up), after Retry-After when given;
 * - 5xx and 408: retried, honouring Retry-After;
 * - other 4xx: dead-lettered with Singular's words (401/403 naming config.sdk_key).
 *
 * @example
 * classifySingular({ status: 200, headers: {}, body: '…', json: { status: 'error', reason: 'missing argument: i' } });
 * // { status: 'dead_letter', reason: 'Singular refused the event: missing argument: i: check config.app_id, …' }
 */
export function classifySingular(response: VendorResponse): ClassifyResult {
  const { status } = response;
  const said = saidBySingular(response);
  if (status >= 200 && status < 300) {
    const json = record(response);
    if (typeof json?.status === 'string' && json.status.toLowerCase() === 'ok') return { status: 'delivered' };
    if (typeof json?.status === 'string' && json.status.toLowerCase() === 'error') {
      if (isInvalidParameter(said)) return { status: 'dead_letter', reason: `Singular refused the event: ${said}${hintFor(said)}` };
      return { status: 'retry', reason: `Singular did not queue the event: ${said} (not an invalid parameter: tried again)` };
    }
    if (isWebPage(response.body)) return { status: 'retry', reason: `HTTP ${status} with a web page, not Singular's answer (a proxy or captive portal in the way?)` };
    return { status: 'delivered' };
  }
  const transient = transientRetry(response, 'Singular', said);
  if (transient !== undefined) return transient;
  // Singular's older S2S reference asks for any code but 200 to be retried; Signal's contract
  // dead-letters a 4xx (the conformance suite holds plugins to it), and Singular answers all it
  // reads HTTP 200, so a 4xx is an edge refusing the request as sent.
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `Singular refused the event (HTTP ${status}, ${said}): check config.sdk_key (Developer Tools > SDK Integration > SDK Keys: the SDK Key, not the Reporting API Key)` };
  }
  const fallback = defaultClassify(response);
  if (fallback.status === 'dead_letter') return { status: 'dead_letter', reason: `Singular refused the event (HTTP ${status}): ${said}${hintFor(said)}` };
  return fallback;
}
