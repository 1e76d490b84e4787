// Vero's answers, as its Track API reference documents them: 200 `{ "status": 200, "message":
// "Success." }`; "codes in the 4xx mean there was an error in the data passed to Vero's API
// (such as missing parameters) and codes in the 5xx range indicate an error with Vero's
// endpoint" — 400 Bad Request, 401 Unauthorized, 404 Not Found, 500 Internal server error.
// Vero documents no rate limit and no error body beyond its `message`; a 429 is read as one
// all the same, after its Retry-After when it gives one.
import { excerpt, isWebPage, transientRetry, type ClassifyResult, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { subscriptionRequest } from './requests.ts';

/** What to check when Vero refuses the token. */
export const CREDENTIALS = 'check config.auth_token (the Authentication Token of Settings > API credentials in Vero, not the API Key or API Secret)';

/**
 * What Vero said in an answer: its `message` (or `error`, or `errors`), else the body's start,
 * or `(no body)`.
 *
 * @example
 * veroSaid({ status: 400, headers: {}, body: '…', json: { status: 400, message: 'event_name is missing' } }); // 'event_name is missing'
 */
export function veroSaid(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const { message, error, errors } = json as { message?: unknown; error?: unknown; errors?: unknown };
    for (const words of [message, error]) if (typeof words === 'string' && words.trim() !== '') return excerpt(words);
    if (Array.isArray(errors)) {
      const said = errors.filter((item): item is string => typeof item === 'string' && item.trim() !== '');
      if (said.length > 0) return excerpt(said.join('; '));
    }
  }
  const body = excerpt(response.body ?? '');
  return body === '' ? '(no body)' : body;
}

/** What a request carries, in words. */
export function whatOf(request: RequestDescriptor | undefined): string {
  const url = request?.url ?? '';
  if (url.endsWith('/events/track')) return 'event';
  if (url.endsWith('/users/reidentify')) return 'alias (re-identify)';
  if (url.endsWith('/users/unsubscribe')) return 'unsubscription';
  if (url.endsWith('/users/resubscribe')) return 're-subscription';
  if (url.endsWith('/users/delete')) return 'deletion';
  return 'user';
}

/** The subscription change an identify's request notes, with the user's id. */
function subscriptionOf(request: RequestDescriptor): { change: 'unsubscribe' | 'resubscribe'; id: string } | undefined {
  const memo = request.memo;
  if (memo === null || typeof memo !== 'object' || Array.isArray(memo)) return undefined;
  const { subscription, id } = memo;
  if ((subscription !== 'unsubscribe' && subscription !== 'resubscribe') || typeof id !== 'string') return undefined;
  return { change: subscription, id };
}

/**
 * Vero's answers to a delivery request (one record a request):
 * - 2xx: delivered — for an identify noting a subscription change, after the follow-up
 *   (POST /users/unsubscribe or /users/resubscribe) Vero also takes; a web page or other text
 *   that is not Vero's (a proxy's) is retried;
 * - 401: dead-lettered saying the token is refused (config.auth_token);
 * - 404 to an alias: declined — Vero has no user under the previousId, so there is nobody to
 *   re-identify (the next identify by userId creates the user);
 * - 429, 408 and 5xx: retried (a 429 as Vero's rate limit, after Retry-After when given);
 * - any other 4xx: dead-lettered with Vero's message.
 *
 * @example
 * classifyVero({ status: 400, headers: {}, body: '…', json: { status: 400, message: 'Invalid email' } }, userRequest, ctx);
 * // { status: 'dead_letter', reason: 'Vero refused the user (HTTP 400: Invalid email)' }
 */
export function classifyVero(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const { status } = response;
  const what = whatOf(request);
  const said = veroSaid(response);
  if (status >= 200 && status < 300) {
    if (isWebPage(response.body)) return { status: 'retry', reason: `the answer (HTTP ${status}: ${said}) is not Vero's (a proxy or firewall in between?): sent again` };
    const subscription = subscriptionOf(request);
    if (subscription !== undefined) return { next: [subscriptionRequest(subscription.change, subscription.id, request.eventIds, ctx)] };
    return { status: 'delivered' };
  }
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: `Vero refused the Authentication Token (HTTP ${status}: ${said}): ${CREDENTIALS}` };
  if (status === 404 && what.startsWith('alias')) {
    return { status: 'declined', reason: `Vero has no user with the previousId as id (HTTP 404: ${said}): nobody to re-identify; an identify by the userId creates the user` };
  }
  const transient = transientRetry(response, 'Vero', said);
  if (transient) return transient;
  return { status: 'dead_letter', reason: `Vero refused the ${what} (HTTP ${status}: ${said})` };
}
