// Kit's answers, as its API v4 reference documents them: 200 or 201 with the subscriber
// (`{ "subscriber": { … } }`: 201 created or newly tagged, 200 updated or already tagged);
// errors as "a JSON object with a single attribute `errors`, an array of strings"; 401 for a
// key refused — also for "an account [that] no longer has access to apps (due to their trial
// lapsing, being on a free account, failed account payment etc.)"; 422 "if any fields contain
// bad data or required fields are missing"; 429 over "120 requests over a rolling 60 second
// period" for an API key, with no Retry-After documented ("We recommend … performing an
// exponential backoff": the core's schedule for a 429 is one); 500 "try again after a short
// period". Custom fields Kit does not know are ignored, listed in the answer's `warnings`
// (Kit refused them with a 422 until June 2026, as a version of its reference still says).
import { excerpt, transientRetry, type Classification, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** What to check when Kit refuses the key. */
const CREDENTIALS = 'check config.api_key (a v4 key of Settings > Developer in Kit, not revoked, not a v3 key) and that the Kit account still has API access (a paid plan, its payment up to date)';

/**
 * What Kit said in an answer: its `errors` joined, else the body's start, or `(no body)`.
 *
 * @example
 * kitSaid({ status: 422, headers: {}, body: '…', json: { errors: ['Email address is invalid'] } }); // 'Email address is invalid'
 */
export function kitSaid(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const { errors, error, message } = json as { errors?: unknown; error?: unknown; message?: unknown };
    if (Array.isArray(errors)) {
      const words = errors.filter((item): item is string => typeof item === 'string' && item.trim() !== '');
      if (words.length > 0) return excerpt(words.join('; '));
    }
    for (const words of [message, error]) if (typeof words === 'string' && words.trim() !== '') return excerpt(words);
  }
  const body = excerpt(response.body ?? '');
  return body === '' ? '(no body)' : body;
}

/** Whether a 2xx is Kit's own JSON answer (a proxy's or a captive portal's page says nothing of the record). */
function isKitAnswer(response: VendorResponse): boolean {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json);
}

/** The tag id of a tagging request, or undefined for a subscriber's. */
export function taggedWith(request: RequestDescriptor): string | undefined {
  return /\/tags\/([0-9]+)\/subscribers$/.exec(request.url)?.[1];
}

/**
 * What to check for a tagging Kit refused (404, 422): Kit tags existing subscribers only, and
 * the tag must exist.
 */
function taggingAdvice(tagId: string): string {
  return `: Kit tags existing subscribers only — the person's identify with traits.email creates the subscriber (it may still have been on its way: tried again on the retry schedule; after the last try, send the identify, then replay) — and tag ${tagId} must exist in Kit (config.event_tags gives tag ids: Subscribers > Tags, or GET /v4/tags)`;
}

/** Whether Kit's refusal is of the email address itself (which no retry changes), not of a subscriber it lacks. */
function refusesEmail(said: string): boolean {
  return /email/i.test(said) && /invalid|format|not valid/i.test(said);
}

/** Whether a subscriber request sent custom fields, which Kit may refuse when one is unknown. */
function sentCustomFields(request: RequestDescriptor): boolean {
  const body = request.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body) && typeof (body as { fields?: unknown }).fields === 'object';
}

/** What to check for a subscriber refused with a 422 when custom fields were sent. */
const CUSTOM_FIELDS_ADVICE = ': if Kit names a custom field, each key in config.custom_fields must be the key of a custom field that exists in Kit (GET /v4/custom_fields lists them; a version of Kit\'s reference says an unknown key is refused with a 422)';

/**
 * Kit's answers to a delivery request (one record a request):
 * - 2xx with Kit's JSON: delivered; a web page or other text (a proxy's) retried;
 * - 401 and 403: dead-lettered saying the API key or the account's access is refused;
 * - 429: retried as Kit's rate limit (no try used up, the core backs off); 408 and 5xx retried;
 * - a tagging refused with 404 or 422 (not for its email): retried on the retry schedule — the
 *   identify creating the subscriber may still be on its way — saying that the subscriber and
 *   the tag must exist;
 * - any other 4xx: dead-lettered with Kit's errors (a subscriber's 422 with custom fields sent
 *   also names config.custom_fields).
 *
 * @example
 * classifyKit({ status: 422, headers: {}, body: '…', json: { errors: ['Email address is invalid'] } }, subscriberRequest, ctx);
 * // { status: 'dead_letter', reason: 'Kit refused the subscriber (HTTP 422: Email address is invalid)' }
 */
export function classifyKit(response: VendorResponse, request: RequestDescriptor, _ctx: PluginContext): Classification {
  const { status } = response;
  const tagId = taggedWith(request);
  const what = tagId === undefined ? 'subscriber' : `tagging (tag ${tagId})`;
  const said = kitSaid(response);
  if (status >= 200 && status < 300) {
    if (!isKitAnswer(response)) return { status: 'retry', reason: `the answer (HTTP ${status}: ${said}) is not Kit's (a proxy or firewall in between?): sent again` };
    return { status: 'delivered' };
  }
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: `Kit refused the API key (HTTP ${status}: ${said}): ${CREDENTIALS}` };
  const transient = transientRetry(response, 'Kit', said);
  if (transient) return transient;
  // A tagging refused for a subscriber Kit lacks: the identify creating them may be in flight
  // (one record a request, delivered concurrently) or still being retried, so it is tried again
  // on the retry schedule, as a data event to a user not created yet is elsewhere. Kit does not
  // document the status of this refusal (404 or 422), nor of an unknown tag's, so both are.
  if (tagId !== undefined && (status === 404 || (status === 422 && !refusesEmail(said)))) {
    return { status: 'retry', reason: `Kit refused the ${what} (HTTP ${status}: ${said})${taggingAdvice(tagId)}` };
  }
  const advice = tagId === undefined && status === 422 && sentCustomFields(request) ? CUSTOM_FIELDS_ADVICE : '';
  return { status: 'dead_letter', reason: `Kit refused the ${what} (HTTP ${status}: ${said})${advice}` };
}
