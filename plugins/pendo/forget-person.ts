// Person deletions through Pendo's bulk delete API: `POST {origin}/api/v1/bulkdelete/visitor`
// with an integration key and `{ "visitors": [visitorId, …] }` ("Each batch request can delete up
// to 500 visitors or accounts"). The request is queued and processed in bulk ("can take up to 21
// days"); Pendo marks the visitors Do Not Process at once, so no more data of theirs is
// collected, and keeps their ids for that. Pendo answers with the deletion request's id.
import { configApiKey, defaultForgetRead, usableId, type ForgetOutcome, type NamedPerson, type PersonForgetting, type PluginContext, type VendorResponse } from '../../core/sdk/index.ts';
import { isWebPage, regionHint, saidBy } from './classify.ts';
import { optionsOf } from './config.ts';
import { originOf } from './hosts.ts';

export const BULK_DELETE_PATH = '/api/v1/bulkdelete/visitor';

/** Why a deletion naming no id Pendo could hold is not forwarded. */
export const NO_PENDO_VISITOR = 'the person has no userId (Pendo\'s visitorId) that names someone, and the integration does not send anonymousIds as visitorIds (config.anonymous_visitors)';

/**
 * The Pendo visitors a person is: the userId, and the anonymousId when the integration sends
 * it as a visitorId of its own (config.anonymous_visitors anonymous_id).
 *
 * @example
 * pendoVisitorsOf({ userId: 'u-1', anonymousId: 'a-1' }, ctx); // ['u-1'] (or ['u-1', 'a-1'])
 */
export function pendoVisitorsOf(person: NamedPerson, ctx: PluginContext): string[] {
  const visitors: string[] = [];
  if (usableId(person.userId)) visitors.push(String(person.userId).trim());
  if (optionsOf(ctx.config).anonymousVisitors === 'anonymous_id' && usableId(person.anonymousId)) visitors.push(String(person.anonymousId).trim());
  return visitors;
}

/**
 * Reads the deletion's answer: accepted with Pendo's request id; a refused key names
 * config.integration_key; 429 and 5xx tried again (Pendo: more than one call a second is
 * likely to fail), after Retry-After when Pendo gives one.
 *
 * @example
 * readDeletion({ status: 200, headers: {}, body: '{"id":"job-1"}', json: { id: 'job-1' } });
 * // { done: true, message: 'Pendo queued the deletion (request job-1): …' }
 */
export function readDeletion(response: VendorResponse, ctx?: PluginContext): ForgetOutcome {
  const said = saidBy(response);
  const answered = `HTTP ${response.status}${said ? `: ${said}` : ''}`;
  if (response.status >= 200 && response.status < 300) {
    // A proxy or sign-in page answering for the host: the deletion did not reach Pendo.
    if (isWebPage(response)) {
      return { failed: `Pendo's bulk delete API did not answer (HTTP ${response.status} with a web page): ${ctx ? `check ${regionHint(ctx)}` : 'check config.region, the data center of the subscription'} and any proxy between Signal and Pendo` };
    }
    const answer = (response.json !== null && typeof response.json === 'object' && !Array.isArray(response.json) ? response.json : {}) as Record<string, unknown>;
    const id = typeof answer.id === 'string' || typeof answer.id === 'number' ? String(answer.id) : undefined;
    return { done: true, message: `Pendo queued the deletion (${id === undefined ? `HTTP ${response.status}` : `request ${id}`}): it deletes the visitors' events and metadata within 21 days and marks them Do Not Process at once` };
  }
  if (response.status === 401 || response.status === 403) {
    return { failed: `Pendo refused the deletion (${answered}): config.integration_key must be an integration key with write access of the subscription in config.region, and the subscription must have API access` };
  }
  const outcome = defaultForgetRead(response);
  return 'retry' in outcome ? { ...outcome, retry: `Pendo's deletion failed (${answered})` } : 'failed' in outcome ? { failed: `Pendo refused the deletion (${answered})` } : outcome;
}

/**
 * Forwarding of person deletions with the integration key: one bulk delete request naming the
 * person's visitors. Safe to repeat: Pendo deletes what it holds.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configApiKey(config, 'integration_key') !== '',
  request(person, ctx) {
    const visitors = pendoVisitorsOf(person, ctx);
    if (visitors.length === 0) return { skipped: NO_PENDO_VISITOR };
    return {
      method: 'POST', url: `${originOf(ctx.config)}${BULK_DELETE_PATH}`,
      headers: { 'content-type': 'application/json', 'x-pendo-integration-key': optionsOf(ctx.config).integrationKey ?? '' },
      body: { visitors }, eventIds: [],
    };
  },
  read: (response, _request, ctx) => readDeletion(response, ctx),
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { id: '5cf5d0e1-6e5d-4a3a-9a57-2f1d8c9b0a11' } },
};
