// The requests Mixpanel's Ingestion API documents: events in batches to POST /import (strict
// validation, authenticated with a service account, the legacy project secret or the project
// token), profile updates in batches to POST /engage (the project token inside each update),
// and person deletions to the GDPR API (v3). Built here, performed by the core.
import { splitBatch, type JsonObject, type JsonValue, type MappedEvent, type PersonForgetting, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { isProfileUpdate } from './fit-to-mixpanel.ts';
import { distinctIdsOfPerson } from './identity.ts';

/** Mixpanel's data residency regions: the Ingestion API's host and the GDPR API's. */
export const REGIONS = {
  us: { ingestion: 'https://api.mixpanel.com', app: 'https://mixpanel.com' },
  eu: { ingestion: 'https://api-eu.mixpanel.com', app: 'https://eu.mixpanel.com' },
  in: { ingestion: 'https://api-in.mixpanel.com', app: 'https://in.mixpanel.com' },
} as const;
export type Region = keyof typeof REGIONS;
/** A person deletion names one distinct_id (see `distinctIdsOfPerson`). */
const PERSON_IDS_PER_REQUEST = 1;
/** /import and /engage take up to 2,000 events (profile updates) per request. */
export const MAX_RECORDS = 2000;
/**
 * Bytes of JSON per request. Mixpanel's Import Events page says 10 MB of uncompressed JSON, but
 * the 413 answer its Ingestion API reference shows for /import is "request exceeds max limit
 * of 2097152 bytes" (ingestion.openapi.yaml, StrictTooLarge): batches are kept within those
 * 2 MiB, which both readings allow, rather than cost a 413 and a split each time they pass it.
 * /engage is given the same limit (its reference names none).
 */
export const MAX_BYTES = 2 * 1024 * 1024;

/** How /import requests are authenticated, from which credentials the config holds. */
export type AuthMethod = 'service_account' | 'project_secret' | 'project_token';

function text(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The config's /import credential: a service account when its username is set, else the
 * project secret when set, else the project token (Mixpanel takes each as HTTP Basic auth).
 *
 * @example
 * authMethodOf({ project_token: 't', service_account_username: 'sa', service_account_secret: 's', project_id: '1' }); // 'service_account'
 */
export function authMethodOf(config: Record<string, JsonValue>): AuthMethod {
  if (text(config.service_account_username) !== undefined) return 'service_account';
  if (text(config.api_secret) !== undefined) return 'project_secret';
  return 'project_token';
}

/** The region's hosts; an unknown value (none is accepted by the schema) is the US. */
export function regionOf(config: Record<string, JsonValue>): (typeof REGIONS)[Region] {
  return Object.hasOwn(REGIONS, String(config.region)) ? REGIONS[config.region as Region] : REGIONS.us;
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * The /import request for some events: `?strict=1` (Mixpanel validates each event and names
 * the ones it refused), `project_id` with a service account, Basic auth.
 *
 * @example
 * importRequest(events, ctx); // { method: 'POST', url: 'https://api.mixpanel.com/import', query: [['strict', '1']], … }
 */
export function importRequest(events: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  const config = ctx.config;
  const method = authMethodOf(config);
  const query: Array<[string, string]> = [['strict', '1']];
  let authorization: string;
  if (method === 'service_account') {
    query.push(['project_id', String(config.project_id)]);
    authorization = basic(String(config.service_account_username), String(config.service_account_secret ?? ''));
  } else if (method === 'project_secret') {
    authorization = basic(String(config.api_secret), '');
  } else {
    authorization = basic(String(config.project_token), '');
  }
  return {
    method: 'POST',
    url: `${regionOf(config).ingestion}/import`,
    query,
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
    body: events.map((e) => e.payload),
    eventIds: events.map((e) => e.id),
  };
}

/** A profile update as /engage takes it: the project token first. */
function withToken(update: JsonObject, ctx: PluginContext): JsonObject {
  return { $token: String(ctx.config.project_token), ...update };
}

/**
 * The /engage request for some profile updates: the project token as each update's `$token`;
 * `verbose=1` so Mixpanel answers `{status, error}` (it answers 200 even when no update was
 * valid) — the level whose answer its reference documents; its profile example's `verbose=2`
 * answers in a format it does not document — and `strict=1` so it validates each update.
 *
 * @example
 * engageRequest(updates, ctx); // { method: 'POST', url: 'https://api.mixpanel.com/engage', body: [{ $token, $distinct_id, $ip, $set }] … }
 */
export function engageRequest(updates: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST',
    url: `${regionOf(ctx.config).ingestion}/engage`,
    query: [['verbose', '1'], ['strict', '1']],
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: updates.map((e) => withToken(e.payload, ctx)),
    eventIds: updates.map((e) => e.id),
  };
}

/**
 * Requests for a batch: its events to /import and its profile updates to /engage, each in
 * parts of at most 2,000 records and 2 MiB, every event in exactly one request.
 *
 * @example
 * buildRequests([pageView, identify], ctx); // [importRequest([pageView]), engageRequest([identify])]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const events = batch.filter((e) => !isProfileUpdate(e.payload));
  // Measured as sent: with the `$token` each update carries.
  const updates = batch.filter((e) => isProfileUpdate(e.payload)).map((e): MappedEvent => ({ ...e, payload: withToken(e.payload, ctx) }));
  const limits = { maxEvents: MAX_RECORDS, maxBytes: MAX_BYTES, overheadBytes: 2 }; // the array's brackets
  return [
    ...(events.length > 0 ? splitBatch(events, limits).map((part) => importRequest(part, ctx)) : []),
    ...(updates.length > 0 ? splitBatch(updates, limits).map((part) => engageRequest(part, ctx)) : []),
  ];
}

/** The task ids a GDPR answer names: `results.task_id`/`tracking_id` (201) or `error.conflicting_task_ids` (409). */
function taskIdsOf(values: unknown): string[] {
  const list = Array.isArray(values) ? values : values === undefined || values === null ? [] : [values];
  return list.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map(String);
}

/**
 * Person deletions through Mixpanel's GDPR API (v3), with the GDPR OAuth token an admin
 * generates in Mixpanel: all events and the profile of one distinct_id — the userId when known,
 * else `$device:<anonymousId>` (see `distinctIdsOfPerson`). Mixpanel answers 201 with a task id
 * and runs the deletion within 30 days; it answers 409 naming the ids a deletion task is
 * already running for (`error.conflicting_distinct_ids`, `error.conflicting_task_ids`; its
 * reference is silent on 409, the shape is rudder-transformer's, which resubmits the other ids).
 * The request names one id, so a 409 naming a conflicting id names all of it: the person is
 * already being deleted, which is done. The core hides the person's ids in the answer `read`
 * gets, so ids are counted, not compared.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => text(config.gdpr_token) !== undefined,
  request(person, ctx) {
    const ids = distinctIdsOfPerson(person);
    if (ids.length === 0) return { skipped: 'the ids named are placeholders Mixpanel refuses as distinct_ids, so no profile of theirs can exist there' };
    return {
      method: 'POST',
      url: `${regionOf(ctx.config).app}/api/app/data-deletions/v3.0/`,
      query: [['token', String(ctx.config.project_token)]],
      headers: { 'content-type': 'application/json', authorization: `Bearer ${String(ctx.config.gdpr_token)}` },
      body: { distinct_ids: ids, compliance_type: 'GDPR' },
      eventIds: [],
    };
  },
  read(response) {
    const said = response.body.trim().slice(0, 300);
    const answer = (response.json !== null && typeof response.json === 'object' ? response.json : {}) as { results?: unknown; error?: unknown };
    if (response.status >= 200 && response.status < 300) {
      const results = answer.results;
      const first = (Array.isArray(results) ? results[0] : results) as { task_id?: unknown; tracking_id?: unknown; status?: unknown } | undefined;
      const [task] = taskIdsOf(first?.task_id ?? first?.tracking_id);
      return { done: true, message: `accepted: deletion task ${task ?? 'created'}${typeof first?.status === 'string' ? ` (${first.status})` : ''}; Mixpanel completes it within 30 days: check the task's status in Mixpanel (Organization Settings > Data & Privacy)` };
    }
    if (response.status === 409) {
      const error = (answer.error !== null && typeof answer.error === 'object' ? answer.error : {}) as { conflicting_distinct_ids?: unknown; conflicting_task_ids?: unknown };
      const conflicting = Array.isArray(error.conflicting_distinct_ids) ? error.conflicting_distinct_ids.length : 0;
      if (conflicting >= PERSON_IDS_PER_REQUEST) {
        const tasks = taskIdsOf(error.conflicting_task_ids);
        return { done: true, message: `already being deleted: Mixpanel has a deletion task running for this person${tasks.length > 0 ? ` (task ${tasks.join(', ')})` : ''}; check its status in Mixpanel (Organization Settings > Data & Privacy)` };
      }
      return { failed: `HTTP 409 without the ids it conflicts on: Mixpanel refused the deletion but did not say a task for this person is running; check the deletion tasks in Mixpanel (Organization Settings > Data & Privacy) and run deletePerson again if none covers them${said ? ` (${said})` : ''}` };
    }
    if (response.status === 401 || response.status === 403) {
      return { failed: `HTTP ${response.status}: Mixpanel refused the GDPR token. Generate a new one (Settings > Profile & Preferences > Data & Privacy; it expires after a year and needs a project Owner or Admin) and update config.gdpr_token${said ? ` (${said})` : ''}` };
    }
    if (response.status === 408 || response.status === 429 || response.status >= 500) return { retry: `HTTP ${response.status}${said ? `: ${said}` : ''}` };
    return { failed: `HTTP ${response.status}${said ? `: ${said}` : ''}` };
  },
};
