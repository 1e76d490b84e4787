// Pendo's answers. Track Events: "200: Track event was sent as requested"; Pendo documents no
// other answer, so any other is read by its status — 400 a refusal in Pendo's words, 401/403
// the secret refused, 429 and 5xx passing failures. The Metadata API's bulk update answers 200
// with counts — `total`, `updated`, `failed` — and the visitors it did not find in `missing`
// (read by public clients; Pendo's reference of it was not read): a visitor reported missing got
// no metadata. A 2xx without the counts is delivered unless its body says failure.
import { defaultClassify, excerpt, type ClassifyResult, type EventOutcome, type JsonObject, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { regionOf, REGION_ORIGINS } from './hosts.ts';
import { METADATA_PATH_PREFIX } from './requests.ts';

/** Pendo's own words: a JSON error's `message` (or `error`, `errors`), else the body's text. */
export function saidBy(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const answer = json as Record<string, unknown>;
    for (const key of ['message', 'error', 'errors', 'detail']) {
      const value = answer[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
      if (Array.isArray(value) && value.length > 0) return excerpt(JSON.stringify(value));
    }
  }
  return excerpt(response.body ?? '');
}

/** A 2xx that is a web page rather than Pendo's answer: a proxy or a sign-in page answering for the host. */
export function isWebPage(response: VendorResponse): boolean {
  const type = Object.entries(response.headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  return /text\/html/i.test(type) || /^\s*<(?:!doctype|html)/i.test(response.body ?? '');
}

function isMetadataRequest(request: RequestDescriptor): boolean {
  return new URL(request.url).pathname.startsWith(METADATA_PATH_PREFIX);
}

export function regionHint(ctx: PluginContext): string {
  const region = regionOf(ctx.config);
  return `config.region (${region}: ${REGION_ORIGINS[region]}) must be the data center of the subscription, the host you sign in to Pendo at`;
}

/** The visitorId of each event of a Metadata API request, from its body (items in eventIds' order). */
function visitorsOf(request: RequestDescriptor): Map<string, string> {
  const items = Array.isArray(request.body) ? request.body : [];
  const visitors = new Map<string, string>();
  request.eventIds.forEach((id, index) => {
    const item = items[index];
    if (item !== null && typeof item === 'object' && !Array.isArray(item) && typeof (item as JsonObject).visitorId === 'string') {
      visitors.set(id, (item as JsonObject).visitorId as string);
    }
  });
  return visitors;
}

/** Which visitor field a trait needs, by config.metadata_group. */
function fieldHint(ctx: PluginContext): string {
  return `${ctx.config.metadata_group === 'agent' ? 'an agent' : 'a custom'} visitor field of its type in Settings > Data Mappings (config.metadata_group)`;
}

function count(answer: JsonObject, key: string): number | undefined {
  const value = answer[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * What a Metadata API 2xx without counts says of failure, if anything: a JSON `success`/`ok`
 * false, an `error` or non-empty `errors`, a `status` of error or failure; a text body with
 * words of failure. Undefined when it says none.
 */
function failureSaid(response: VendorResponse, answer: JsonObject | undefined): string | undefined {
  if (answer !== undefined) {
    const errors = answer.errors;
    const failing = answer.success === false || answer.ok === false
      || (answer.error !== undefined && answer.error !== null && answer.error !== false && answer.error !== '')
      || (Array.isArray(errors) ? errors.length > 0 : errors !== null && typeof errors === 'object' ? Object.keys(errors).length > 0 : typeof errors === 'string' && errors.trim() !== '')
      || (typeof answer.status === 'string' && /^(?:error|fail)/i.test(answer.status.trim()));
    return failing ? saidBy(response) || 'failure' : undefined;
  }
  if (response.json !== undefined) return undefined;
  const body = (response.body ?? '').trim();
  return /\b(?:error|errors|fail|failed|failure|invalid|denied|unauthori[sz]ed|forbidden)\b/i.test(body) ? excerpt(body) : undefined;
}

/**
 * Reads the Metadata API's 2xx: the counts (`total`, `updated`, `failed`) and the visitors
 * Pendo reports `missing`. Pendo's reference of the answer was not read (see the README's
 * Unconfirmed), so a 2xx without the counts is delivered unless its body says failure — then
 * the request goes in halves, or the visitor is dead-lettered with Pendo's words.
 */
function readMetadataAnswer(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const json = response.json;
  const answer = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as JsonObject) : undefined;
  const failed = answer === undefined ? undefined : count(answer, 'failed');
  const updated = answer === undefined ? undefined : count(answer, 'updated');
  if (answer === undefined || (failed === undefined && updated === undefined)) {
    const said = failureSaid(response, answer);
    if (said === undefined) return { status: 'delivered' };
    if (request.eventIds.length > 1) return { status: 'split', reason: `Pendo's Metadata API answered HTTP ${response.status} saying it failed (${said}): sending the request in halves to find the visitor refused` };
    return { status: 'dead_letter', reason: `Pendo's Metadata API answered HTTP ${response.status} saying it failed (${said}): each trait needs ${fieldHint(ctx)}` };
  }
  const missing = new Set(Array.isArray(answer.missing) ? answer.missing.filter((id): id is string => typeof id === 'string') : []);
  const visitors = visitorsOf(request);
  const perEvent: Record<string, EventOutcome> = {};
  for (const [id, visitor] of visitors) {
    if (missing.has(visitor)) {
      perEvent[id] = {
        status: 'dead_letter',
        reason: ctx.config.create_visitors === true
          ? `Pendo reported visitor ${visitor} missing although the request asked it to create visitors (create=true)`
          : `Pendo reported visitor ${visitor} missing: it sets metadata on visitors it has seen only — turn on config.create_visitors to create them, or replay once the visitor's events reached Pendo`,
      };
    }
  }
  const named = Object.keys(perEvent).length;
  const unnamed = (failed ?? 0) - named;
  if (unnamed > 0) {
    const rest = request.eventIds.filter((id) => !(id in perEvent));
    const said = saidBy(response);
    if (rest.length > 1) return { status: 'split', reason: `Pendo failed ${unnamed} of the request's visitors without naming them (HTTP ${response.status}${said ? `: ${said}` : ''}): sending it in halves to find them` };
    for (const id of rest) {
      perEvent[id] = { status: 'dead_letter', reason: `Pendo failed to set this visitor's metadata (HTTP ${response.status}${said ? `: ${said}` : ''}): each trait needs ${fieldHint(ctx)}` };
    }
  }
  return Object.keys(perEvent).length > 0 ? { perEvent } : { status: 'delivered' };
}

/**
 * Pendo's answers, per request. Track Events: 2xx delivered — unless it is a web page,
 * dead-lettered naming config.region. Metadata API: 200 read by its counts (visitors reported
 * missing dead-lettered, others failed unnamed sent again in halves); a 2xx without the counts
 * delivered unless its body says failure. 400: a Metadata API request of several in halves, else Pendo's words.
 * 401/403: the key (config.track_secret or config.integration_key). 404: config.region. 413:
 * halves, or one event too large. 408, 429 and 5xx: retried, after Retry-After when Pendo
 * gives one. Any other 4xx: dead-lettered.
 *
 * @example
 * classifyPendo({ status: 401, headers: {}, body: 'invalid integration key' }, trackRequest, ctx);
 * // { status: 'dead_letter', reason: 'Pendo refused the Track Event shared secret (HTTP 401: invalid integration key): …' }
 */
export function classifyPendo(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const { status } = response;
  const metadata = isMetadataRequest(request);
  const api = metadata ? 'Metadata API' : 'Track Events API';
  if (status >= 200 && status < 300) {
    if (isWebPage(response)) {
      return {
        status: 'dead_letter',
        reason: `Pendo's ${api} did not answer (HTTP ${status} with a web page): ${request.url} is not Pendo's — check ${regionHint(ctx)} and any proxy between Signal and Pendo; replay the dead letters once fixed`,
      };
    }
    return metadata ? readMetadataAnswer(response, request, ctx) : { status: 'delivered' };
  }
  const said = saidBy(response);
  const answered = `HTTP ${status}${said ? `: ${said}` : ''}`;
  const several = request.eventIds.length > 1;
  if (status === 400) {
    if (metadata && several) return { status: 'split', reason: `Pendo refused the Metadata API request (${answered}): sending it in halves to find the visitor refused` };
    return {
      status: 'dead_letter',
      reason: metadata
        ? `Pendo refused the visitor's metadata (${answered}): each trait needs ${fieldHint(ctx)}`
        : `Pendo refused the track event (${answered})`,
    };
  }
  if (status === 401 || status === 403) {
    return {
      status: 'dead_letter',
      reason: metadata
        ? `Pendo refused the integration key (${answered}): config.integration_key must be an integration key with write access (Settings > Integrations > Integration Keys) of the subscription in config.region`
        : `Pendo refused the Track Event shared secret (${answered}): config.track_secret must be the app's Track Event shared secret (Settings > Subscription Settings > Applications > App Details), not an integration key, of the subscription in config.region`,
    };
  }
  if (status === 404) return { status: 'dead_letter', reason: `Pendo has no ${api} at ${request.url} (${answered}): check ${regionHint(ctx)}` };
  if (status === 413) {
    if (several) return { status: 'split', reason: `Pendo: the ${api} request is too large (${answered}); sending it in halves` };
    return { status: 'dead_letter', reason: `Pendo refused this event alone as too large (${answered}): leave its largest properties out with the blueprint's exclude` };
  }
  const classified = defaultClassify(response);
  if (!('reason' in classified)) return classified;
  const what = status === 429 ? 'rate-limited the request' : classified.status === 'retry' ? 'failed' : 'refused the request';
  return { ...classified, reason: `Pendo ${what} (${api}, ${answered})` };
}
