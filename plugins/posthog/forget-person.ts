// Person deletions through PostHog's private persons API, with a personal API key (scope
// person:write) on the app host (us.posthog.com, not us.i.posthog.com: see hosts.ts). PostHog's
// bulk deletion, `POST /api/projects/{project_id}/persons/bulk_delete/`, takes the distinct ids
// themselves (up to 1,000), finds the persons that hold them, deletes them and, with
// `delete_events: true` and `delete_recordings: true`, queues the deletion of their events ("Only
// events captured before the request will be deleted") and of their session recordings; it
// answers 202 with what it found. Recordings are asked for too although Signal sends none: a
// site running posthog-js beside Signal records sessions on the same person, and a person
// deleted without them would leave recordings of someone who asked to be forgotten. It is the endpoint PostHog's
// API schema points to (the single-person DELETE is hidden from it "as we want to push people
// to use the more powerful bulk_delete endpoint"). An instance older than that endpoint answers
// its path 405 (the person route with "bulk_delete" as the id, which takes no POST): the
// deletion then goes on as PostHog's older API did it, a lookup of the person by distinct_id
// (`GET …/persons/?distinct_id=`, scope person:read) and a `DELETE
// …/persons/{id}/?delete_events=true&delete_recordings=true` — a chain of `next` requests the core
// sends in turn.
import { isJsonObject, type ForgetOutcome, type JsonObject, type JsonValue, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { saidBy } from './classify.ts';
import { privateApiBaseOf } from './hosts.ts';
import { distinctIdText, usableDistinctId } from './identity.ts';

/** Why a deletion naming only placeholders is not forwarded. */
export const NO_USABLE_ID = 'the ids named are placeholders PostHog refuses as distinct ids ("null", "guest", …), so no person of theirs can exist there';
/**
 * What a deletion that found nobody says: a visitor's events sent as anonymous events belong
 * to no person, and PostHog's person deletion cannot reach them.
 */
export const NO_PERSON = 'no PostHog person holds these distinct ids: nothing to delete. A visitor\'s events sent as anonymous events (person_profiles: identified_only, before an identify) belong to no person, and PostHog\'s person deletion does not reach them: see the plugin README';

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** The persons API of the integration's project. */
function personsUrl(config: Record<string, JsonValue>): string {
  return `${privateApiBaseOf(config)}/api/projects/${encodeURIComponent(text(config.project_id))}/persons/`;
}

function headersOf(config: Record<string, JsonValue>): Record<string, string> {
  return { authorization: `Bearer ${text(config.personal_api_key)}`, 'content-type': 'application/json' };
}

/** Which request of the chain an answer is to. */
function kindOf(request: RequestDescriptor | undefined): 'bulk' | 'lookup' | 'delete' {
  if (request?.method === 'GET') return 'lookup';
  if (request?.method === 'DELETE') return 'delete';
  return 'bulk';
}

/** An answer that is no success: a refused key or scope, an unknown project, one worth another try, or a failure. */
function unsuccessful(response: VendorResponse, request: RequestDescriptor | undefined): ForgetOutcome {
  const said = saidBy(response);
  const answered = `HTTP ${response.status}${said ? `: ${said}` : ''}`;
  if (response.status === 401) return { failed: `PostHog refused the personal API key (${answered}): check config.personal_api_key (phx_…; PostHog: Settings > User > Personal API keys), which may have been revoked or rolled` };
  if (response.status === 403) {
    const scope = kindOf(request) === 'lookup' ? 'person:read' : 'person:write';
    return { failed: `PostHog refused the deletion (${answered}): the personal API key needs the ${scope} scope and access to the project of config.project_id — edit the key (Settings > User > Personal API keys) or give another` };
  }
  if (response.status === 404) return { failed: `PostHog found no project there (${answered}): check config.project_id and that config.api_host (or the region of config.host) is the instance the project lives on` };
  if (response.status === 408 || response.status === 429 || response.status >= 500) return { retry: answered };
  return { failed: `PostHog refused the deletion (${answered})` };
}

/**
 * PostHog's bulk deletion of the persons holding some distinct ids, their events and session
 * recordings queued for deletion too.
 *
 * @example
 * bulkDeleteRequest(['u-1', 'df_abc'], ctx);
 * // { method: 'POST', url: 'https://us.posthog.com/api/projects/12345/persons/bulk_delete/', body: { distinct_ids: ['u-1', 'df_abc'], delete_events: true, delete_recordings: true }, … }
 */
export function bulkDeleteRequest(distinctIds: string[], ctx: PluginContext): RequestDescriptor {
  return { method: 'POST', url: `${personsUrl(ctx.config)}bulk_delete/`, headers: headersOf(ctx.config), body: { distinct_ids: distinctIds, delete_events: true, delete_recordings: true }, eventIds: [] };
}

/** The older API's lookup of the person holding a distinct id. */
function lookupRequest(distinctId: string, base: RequestDescriptor): RequestDescriptor {
  const url = base.url.replace(/bulk_delete\/$/, '');
  return { method: 'GET', url, query: [['distinct_id', distinctId]], headers: { ...base.headers }, eventIds: [] };
}

/**
 * The older API's deletion of one person, by the id its lookup answered, with its events (and
 * its recordings, which instances that read the flag delete; older ones ignore it).
 */
function deleteRequest(personId: string, lookup: RequestDescriptor): RequestDescriptor {
  return { method: 'DELETE', url: `${lookup.url}${encodeURIComponent(personId)}/`, query: [['delete_events', 'true'], ['delete_recordings', 'true']], headers: { ...lookup.headers }, eventIds: [] };
}

/**
 * What PostHog queued besides the persons, by its answer's `events_queued_for_deletion` and
 * `recordings_queued_for_deletion` (both asked for; an answer without them, as PostHog's older
 * answers, is taken as queued).
 */
function queuedOf(summary: Record<string, unknown>): string {
  const queued = [summary.events_queued_for_deletion === false ? '' : 'events', summary.recordings_queued_for_deletion === false ? '' : 'session recordings'].filter((what) => what !== '');
  return queued.length === 0 ? '' : ` and queued their ${queued.join(' and ')} for deletion (PostHog deletes them in a batch job, which may take days)`;
}

/** Reads the bulk deletion's answer (202 `{ persons_found, persons_deleted, deletion_errors, … }`). */
function readBulk(response: VendorResponse, request: RequestDescriptor | undefined): ForgetOutcome {
  if (response.status === 405 && request !== undefined) {
    // An instance older than bulk_delete: the person is looked up, then deleted by its id.
    const ids = isJsonObject(request.body) && Array.isArray(request.body.distinct_ids) ? request.body.distinct_ids.filter((id): id is string => typeof id === 'string') : [];
    if (ids.length > 0) return { next: lookupRequest(ids[0]!, request) };
  }
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, request);
  const summary = isJsonObject(response.json) ? response.json : {};
  const errors = Array.isArray(summary.deletion_errors) ? summary.deletion_errors.length : 0;
  if (errors > 0) return { retry: `PostHog could not delete ${errors} of the persons it found (HTTP ${response.status}): tried again` };
  const found = typeof summary.persons_found === 'number' ? summary.persons_found : undefined;
  if (found === 0) return { done: true, message: NO_PERSON };
  const deleted = typeof summary.persons_deleted === 'number' ? summary.persons_deleted : found;
  const events = queuedOf(summary);
  return { done: true, message: deleted === undefined ? `accepted (HTTP ${response.status}): PostHog deletes the persons holding these distinct ids${events}` : `PostHog deleted ${deleted} person${deleted === 1 ? '' : 's'} (HTTP ${response.status})${events}` };
}

/** Reads the older lookup's answer: the deletion of the person found, by its id. */
function readLookup(response: VendorResponse, request: RequestDescriptor): ForgetOutcome {
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, request);
  const results = isJsonObject(response.json) && Array.isArray(response.json.results) ? response.json.results : [];
  const person = results.find(isJsonObject) as JsonObject | undefined;
  const id = person === undefined ? undefined : typeof person.id === 'number' || (typeof person.id === 'string' && person.id !== '') ? String(person.id) : typeof person.uuid === 'string' ? person.uuid : undefined;
  if (id === undefined) return { done: true, message: NO_PERSON };
  return { next: deleteRequest(id, request) };
}

/**
 * Forwarding of person deletions with the integration's personal API key: one bulk deletion
 * naming the userId and the anonymousId as distinct ids (each that PostHog could hold; cut to
 * the 200 characters capture keeps), which deletes every person holding either, and their
 * events and session recordings. Safe to repeat: a second request finds nobody.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => text(config.personal_api_key) !== '' && text(config.project_id) !== '',
  request(person, ctx) {
    const ids = [person.userId, person.anonymousId].filter((id): id is string => usableDistinctId(id)).map((id) => distinctIdText(id));
    const distinct = [...new Set(ids)];
    if (distinct.length === 0) return { skipped: NO_USABLE_ID };
    return bulkDeleteRequest(distinct, ctx);
  },
  read(response, request) {
    switch (kindOf(request)) {
      case 'lookup':
        return readLookup(response, request!);
      case 'delete':
        // 404: the person is gone already (deleted meanwhile): nothing left to delete.
        if (response.status === 404) return { done: true, message: NO_PERSON };
        if (response.status >= 200 && response.status < 300) return { done: true, message: `PostHog deleted the person (HTTP ${response.status}) and its events and session recordings (PostHog deletes them in a batch job, which may take days)` };
        return unsuccessful(response, request);
      default:
        return readBulk(response, request);
    }
  },
};
