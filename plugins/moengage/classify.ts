// MoEngage's answers to the Data APIs (its API reference's documented responses). 200 `{ "status":
// "success", "message": "Your request has been accepted and will be processed soon." }`; for the
// Bulk Import "All bulk API requests return a 200 response code" — MoEngage checks the elements'
// values later, and a refused attribute shows on the user profile only. Failures carry `{
// "status": "fail", "error": { "attribute"?, "message", "type", "request_id" } }` (Delete User's
// 429 and 5xx `{ "title", "description" }`): 400 a refused request — the body (Malformed JSON,
// `elements` empty) or one element (`attribute` customer_id, action or type); 401 the key or
// the MOE-APPKEY header refused; 403 the account blocked or suspended; 409 no Data API key set,
// or the Workspace ID differing between URL and auth; 413 over 128 KB; 415 the content type;
// 429 the rate limit; 5xx passing. A 2xx whose body says `status: "fail"` (or carries an
// `error`) is a failure, not a delivery.
import { defaultClassify, excerpt, isJsonObject, trimmedText, type ClassifyResult, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { dataCenterOf, DATA_CENTER_ORIGINS } from './hosts.ts';

/** The element field a 400 names (`error.attribute`), when it names one. */
function refusedAttributeOf(response: VendorResponse): string | undefined {
  const error = isJsonObject(response.json) ? response.json.error : undefined;
  return isJsonObject(error) ? trimmedText(error.attribute) : undefined;
}

/**
 * MoEngage's own words: the JSON error's `type`, `message` and `attribute` (`{ "status": "fail",
 * "error": { "attribute", "message", "type", "request_id" } }`), else `title` and `description`
 * (Delete User's 429 and 5xx), else a top-level `message`, else the body's text.
 *
 * @example
 * saidBy({ status: 400, headers: {}, body: '…', json: { status: 'fail', error: { attribute: 'customer_id', message: 'customer_id not found in the payload', type: 'MissingAttributeError' } } });
 * // 'MissingAttributeError: customer_id not found in the payload (attribute customer_id)'
 */
export function saidBy(response: VendorResponse): string {
  const json = response.json;
  if (isJsonObject(json)) {
    const error = json.error;
    if (isJsonObject(error)) {
      const type = typeof error.type === 'string' ? error.type.trim() : '';
      // MoEngage's own examples quote some messages with a stray leading apostrophe.
      const message = typeof error.message === 'string' ? error.message.trim().replace(/^'/, '') : '';
      const attribute = refusedAttributeOf(response);
      const said = [type, message].filter((s) => s !== '').join(': ');
      if (said !== '') return excerpt(attribute !== undefined && !said.includes(`attribute ${attribute}`) ? `${said} (attribute ${attribute})` : said);
    }
    if (typeof error === 'string' && error.trim() !== '') return excerpt(error);
    const title = typeof json.title === 'string' ? json.title.trim() : '';
    const description = typeof json.description === 'string' ? json.description.trim() : '';
    if (title !== '' || description !== '') return excerpt([title, description].filter((s) => s !== '').join(': '));
    for (const key of ['message', 'errors', 'detail']) {
      const value = json[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
      if (Array.isArray(value) && value.length > 0) return excerpt(JSON.stringify(value));
    }
  }
  return excerpt(response.body ?? '');
}

/** Whether a 2xx says it failed: `status` fail/failure/error, `success: false`, or an `error`. */
function saysFailure(response: VendorResponse): boolean {
  const json = response.json;
  if (!isJsonObject(json)) return false;
  if (typeof json.status === 'string' && /^(?:fail|failure|failed|error)$/i.test(json.status.trim())) return true;
  if (json.success === false) return true;
  return json.error !== undefined && json.error !== null && json.error !== false && json.error !== '';
}

/** A 2xx that is a web page rather than MoEngage's answer: a proxy or a sign-in page answering for the host. */
function isWebPage(response: VendorResponse): boolean {
  const type = Object.entries(response.headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  return /text\/html/i.test(type) || /^\s*<(?:!doctype|html)/i.test(response.body ?? '');
}

/**
 * Where to look when MoEngage does not know the workspace or the key: the config's data center.
 *
 * @example
 * dataCenterHint(ctx); // 'config.data_center (01: https://api-01.moengage.com) must be …'
 */
export function dataCenterHint(ctx: PluginContext): string {
  const dc = dataCenterOf(ctx.config);
  return `config.data_center (${dc}: ${DATA_CENTER_ORIGINS[dc]}) must be the workspace's data center, the number in its dashboard's address (dashboard-NN.moengage.com)`;
}

/**
 * What a refused credential means, naming the fields to fix.
 *
 * @example
 * credentialHint(ctx); // 'config.workspace_id must be the Workspace ID and config.data_api_key its Data API key (…), and config.data_center (…) must be …'
 */
export function credentialHint(ctx: PluginContext): string {
  return `config.workspace_id must be the Workspace ID and config.data_api_key its Data API key (Settings > Account > APIs; a key generated since replaces the old one), and ${dataCenterHint(ctx)}`;
}

/**
 * MoEngage's answers, per request: 2xx delivered — unless its body says it failed (a request of
 * several sent in halves to find the element refused, one alone dead-lettered with MoEngage's
 * words) or it is a web page (dead-lettered naming config.data_center). 400: a request of
 * several whose error names an element's field (`error.attribute` other than `elements`) sent in
 * halves to find that element, else dead-lettered with MoEngage's words. 401 and 409: the
 * credentials (config.workspace_id, config.data_api_key, config.data_center). 403: the account
 * blocked or suspended. 404: the workspace or data center. 413: halves, or one element too
 * large. 408, 429 and 5xx: retried, after Retry-After when MoEngage gives one. Any other 4xx:
 * dead-lettered.
 *
 * @example
 * classifyMoengage({ status: 401, headers: {}, body: '…', json: { status: 'fail', error: { type: 'Authentication required', message: 'Invalid credentials' } } }, request, ctx);
 * // { status: 'dead_letter', reason: 'MoEngage refused the credentials (HTTP 401: Authentication required: Invalid credentials): config.workspace_id must be …' }
 */
export function classifyMoengage(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const { status } = response;
  const said = saidBy(response);
  const answered = `HTTP ${status}${said ? `: ${said}` : ''}`;
  const several = request.eventIds.length > 1;
  if (status >= 200 && status < 300) {
    if (isWebPage(response)) {
      return { status: 'dead_letter', reason: `MoEngage's Data API did not answer (HTTP ${status} with a web page): ${request.url} is not MoEngage's — check ${dataCenterHint(ctx)} and any proxy between Signal and MoEngage; replay the dead letters once fixed` };
    }
    if (!saysFailure(response)) return { status: 'delivered' };
    if (several) return { status: 'split', reason: `MoEngage answered the bulk import saying it failed (${answered}): sending it in halves to find the element refused` };
    return { status: 'dead_letter', reason: `MoEngage refused the element (${answered})` };
  }
  if (status === 400) {
    // MoEngage's documented bulk 400s name the field refused: one element's (customer_id,
    // action, type) — halves find it and deliver the others — or the request's own (`elements`,
    // or none for Malformed JSON), which sending again in any shape cannot help.
    const attribute = refusedAttributeOf(response);
    if (several && attribute !== undefined && attribute !== 'elements') {
      return { status: 'split', reason: `MoEngage refused an element of the bulk import (${answered}): sending it in halves to find it` };
    }
    return { status: 'dead_letter', reason: `MoEngage refused the ${several ? 'bulk import' : 'element'} (${answered})` };
  }
  // 409: MoEngage's "App Secret key is not set" (no Data API key generated) and "App key
  // mismatch in params and authentication" — credentials, like a 401.
  if (status === 401 || status === 409) {
    return { status: 'dead_letter', reason: `MoEngage refused the credentials (${answered}): ${credentialHint(ctx)}` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `MoEngage refused the workspace (${answered}): MoEngage answers 403 when the account is blocked or suspended (ask MoEngage), or config.workspace_id names no workspace it serves at config.data_center; replay the dead letters once settled` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `MoEngage has no workspace's Bulk Import API at ${request.url} (${answered}): config.workspace_id must be the Workspace ID, and ${dataCenterHint(ctx)}` };
  }
  if (status === 413) {
    if (several) return { status: 'split', reason: `MoEngage: the bulk import is too large (${answered}); sending it in halves` };
    return { status: 'dead_letter', reason: `MoEngage refused this element alone as too large (${answered}): leave its largest attributes out with the blueprint's exclude` };
  }
  const classified = defaultClassify(response);
  if (!('reason' in classified)) return classified;
  const what = status === 429 ? 'rate-limited the request' : classified.status === 'retry' ? 'failed' : 'refused the request';
  return { ...classified, reason: `MoEngage ${what} (${answered})` };
}
