// Attentive's answers, as its API reference documents them: 200 "Ok" (no body documented) for
// a custom event, custom attributes or an eCommerce event; errors 400 "Invalid parameter in
// request query or body", 401 "Unauthorized", 403 "Access Denied", 404 "The specified resource
// was not found", 429 "The user has sent too many requests in a given amount of time" (with
// x-ratelimit-limit and x-ratelimit-remaining, requests a second) and 500, the error bodies an
// `ErrorResponseDto` `{ error: { id, message } }` (the Privacy Request API's `{ error: "…" }`).
import { defaultClassify, excerpt, parseRetryAfter, responseHeader, type Classification, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** What to check when Attentive refuses the key. */
const CREDENTIALS = 'check config.api_key: the API key of a custom app of the Attentive account (Marketplace > Manage custom apps), which Attentive shows once — an app deleted or a key regenerated since needs the new key';

/** Attentive's words in an error body: `error.message`, `error` as text, `message`, else the body. */
export function attentiveWords(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const { error, message } = json as { error?: unknown; message?: unknown };
    if (error !== null && typeof error === 'object' && !Array.isArray(error)) {
      const inner = (error as { message?: unknown }).message;
      if (typeof inner === 'string' && inner.trim() !== '') return excerpt(inner);
    }
    if (typeof error === 'string' && error.trim() !== '') return excerpt(error);
    if (typeof message === 'string' && message.trim() !== '') return excerpt(message);
  }
  return excerpt(response.body ?? '');
}

/** `HTTP 400: <Attentive's words>`, or `HTTP 400` for an empty answer. */
export function answered(response: VendorResponse): string {
  const said = attentiveWords(response);
  return `HTTP ${response.status}${said ? `: ${said}` : ''}`;
}

/** The API a request calls, as the app's permissions name it, and what the request carries. */
function apiOf(request: RequestDescriptor): { api: string; what: string } {
  if (request.url.endsWith('/attributes/custom')) return { api: 'Custom Attributes', what: 'custom attributes' };
  if (request.url.endsWith('/events/custom')) return { api: 'Custom Events', what: 'custom event' };
  return { api: 'eCommerce', what: 'eCommerce event' };
}

/** Whether the request names its user by the clientUserId alone (no phone, no email). */
function namedByClientUserIdOnly(request: RequestDescriptor): boolean {
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body) || body instanceof Uint8Array) return false;
  const user = body.user;
  return user !== null && typeof user === 'object' && !Array.isArray(user) && user.phone === undefined && user.email === undefined;
}

/** What to fix for a record Attentive refused as invalid, by its endpoint. */
function advice(request: RequestDescriptor): string {
  if (request.url.endsWith('/attributes/custom')) return 'check the attributes (the blueprint\'s attributes rows): an attribute created in Attentive\'s platform takes only the values defined there, and one typed by its first value (a number) refuses values of another type';
  if (request.url.endsWith('/events/custom')) return 'check the event\'s type and properties (the blueprint\'s type and properties rows) and the user\'s phone (E.164) and email';
  return 'check the items (the blueprint\'s items rows: product_id, variant_id, price and currency as an ISO 4217 code) and the user\'s phone (E.164) and email';
}

/** Whether a 2xx is Attentive's own answer: empty, or JSON. A web page or other text is a proxy's or a captive portal's. */
function isAttentiveSuccess(response: VendorResponse): boolean {
  return (response.body ?? '').trim() === '' || response.json !== undefined;
}

/**
 * Attentive's answers to a delivery request (one record a request):
 * - 2xx: delivered when it is Attentive's answer; a web page or other text (a proxy's) retried;
 * - 429: retried after Retry-After when given, as a rate limit;
 * - 401: dead-lettered naming config.api_key; 403: naming the app permission the endpoint needs;
 * - 400: dead-lettered with Attentive's message and what to fix; 404: naming the user's
 *   identifiers when the clientUserId alone named them (Attentive finds a clientUserId only
 *   once it is linked to a phone or email);
 * - other 4xx: dead-lettered with Attentive's words; 408, 5xx: retried (defaultClassify).
 *
 * @example
 * classifyAttentive({ status: 401, headers: {}, body: '{"error":{"id":1,"message":"Unauthorized"}}', json: { error: { id: 1, message: 'Unauthorized' } } }, request, ctx);
 * // { status: 'dead_letter', reason: 'Attentive refused the API key (HTTP 401: Unauthorized): check config.api_key: …' }
 */
export function classifyAttentive(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const status = response.status;
  if (status >= 200 && status < 300) {
    if (isAttentiveSuccess(response)) return { status: 'delivered' };
    return { status: 'retry', reason: `the answer (HTTP ${status}: ${excerpt(response.body)}) is not Attentive's (a proxy or firewall in between?): sent again` };
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx.now);
    const limit = responseHeader(response.headers, 'x-ratelimit-limit');
    const reason = `Attentive rate-limited the app (${answered(response)})${limit ? `: ${limit} requests a second for this endpoint` : ''}`;
    return retryAfterMs === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs };
  }
  const { api, what } = apiOf(request);
  if (status === 401) return { status: 'dead_letter', reason: `Attentive refused the API key (${answered(response)}): ${CREDENTIALS}` };
  if (status === 403) return { status: 'dead_letter', reason: `Attentive refused the ${what} (${answered(response)}): give the custom app Write permission for the ${api} API (Marketplace > Manage custom apps > the app > Permissions), or check that config.api_key is that app's` };
  if (status === 400) return { status: 'dead_letter', reason: `Attentive refused the ${what} (${answered(response)}): ${advice(request)}` };
  if (status === 404 && namedByClientUserIdOnly(request)) {
    return { status: 'dead_letter', reason: `Attentive refused the ${what} (${answered(response)}): it names the person by the userId (clientUserId) alone, and Attentive finds a person by a clientUserId only once it is linked to their phone or email (Attentive's Identity API, or its own integrations): map the email or phone in the blueprint (traits.email, traits.phone), or link the ids in Attentive` };
  }
  if (status >= 400 && status < 500 && status !== 408) return { status: 'dead_letter', reason: `Attentive refused the ${what} (${answered(response)})` };
  const classified = defaultClassify(response);
  return 'reason' in classified ? { ...classified, reason: `Attentive ${answered(response)}` } : classified;
}
