// The requests Signal sends Pipedrive's API v2 (the `x-api-token` header, JSON both ways),
// built here and performed by the core. An identify is a chain of delivery follow-ups, each
// built from the request's memo (which carries the person write, never sent or logged):
//
// 1. `GET /api/v2/persons/search?term=<email>&fields=email&exact_match=true` — the persons
//    holding the email (Pipedrive has no upsert of a person and no unique email);
// 2. none found: `POST /api/v2/persons` (name — the email when none is given —, emails,
//    phones, custom_fields), unless the email is only remembered; found: `PATCH
//    /api/v2/persons/{id}` of the oldest (lowest id) with the name and custom fields — never
//    `emails`, which the person holds already (it was found by it) — and, when the phone is
//    new to the person, first `GET /api/v2/persons/{id}` for its phones with their labels, so
//    the PATCH sends them all with the new one and none is lost.
//
// One person a request: Pipedrive has no batch write of persons.
import { isJsonObject, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import type { HeldPhone } from './answers.ts';
import { apiOriginOf, apiTokenOf } from './config.ts';
import { MAX_BODY_BYTES, personWriteOf, type PersonWrite } from './fit-to-pipedrive.ts';

/** One person a request (see above). */
export const MAX_RECORDS = 1;
export { MAX_BODY_BYTES };
/** Persons a search lists: more than one holding the email is told in the delivery log. */
export const SEARCH_LIMIT = '10';
/**
 * The rate-limit bucket of person searches (`rateLimit.endpoints` of index.ts): Pipedrive's
 * Search API has a burst limit of its own, 10 requests per 2 seconds whatever the plan.
 */
export const SEARCH_ENDPOINT = 'search';
/** The label of the email and phone the plugin adds (Pipedrive's labels: work, home, mobile, other). */
export const LABEL = 'work';

/** The steps of an identify's chain, as their memo names them. */
export type Step = 'search' | 'get' | 'create' | 'update';

/** The plugin's note on a request it built. */
export interface Memo {
  pipedrive: Step;
  person: PersonWrite;
  /** The person's id (get, update). */
  id?: number;
}

/**
 * The plugin's note on a request, or undefined for any other (the conformance suite's).
 *
 * @example
 * memoOf({ method: 'GET', url: '…', eventIds: ['m-1'], memo: { pipedrive: 'search', person: { email: 'jane@example.com', create: true } } });
 * // { pipedrive: 'search', person: { email: 'jane@example.com', create: true } }
 */
export function memoOf(request: RequestDescriptor): Memo | undefined {
  const memo = request.memo;
  if (!isJsonObject(memo) || !['search', 'get', 'create', 'update'].includes(String(memo.pipedrive))) return undefined;
  const person = personWriteOf(memo.person);
  if (person === undefined) return undefined;
  return { pipedrive: memo.pipedrive as Step, person, ...(typeof memo.id === 'number' ? { id: memo.id } : {}) };
}

function memoValue(memo: Memo): JsonValue {
  return { ...memo, person: { ...memo.person } } as unknown as JsonValue;
}

/**
 * The headers of every request: the API token as `x-api-token`, JSON both ways.
 *
 * @example
 * headersOf({ api_token: '659c…' }); // { 'x-api-token': '659c…', accept: 'application/json', 'content-type': 'application/json' }
 */
export function headersOf(config: Record<string, JsonValue>): Record<string, string> {
  return { 'x-api-token': apiTokenOf(config), accept: 'application/json', 'content-type': 'application/json' };
}

/** The headers of a request without a body. */
export function readHeadersOf(config: Record<string, JsonValue>): Record<string, string> {
  const { 'content-type': _json, ...headers } = headersOf(config);
  return headers;
}

/**
 * The API v2 base of the config; a config without one cannot be installed, so none here is a bug.
 *
 * @example
 * apiBase({ company_domain: 'acme' }); // 'https://acme.pipedrive.com/api/v2'
 */
export function apiBase(config: Record<string, JsonValue>): string {
  const origin = apiOriginOf(config);
  if (origin === undefined) throw new Error('config.company_domain names no Pipedrive company (the config check refuses it): nothing can be sent to Pipedrive');
  return `${origin}/api/v2`;
}

/**
 * The search of the persons holding an email (20 of the company's daily tokens), counted
 * against the search bucket.
 *
 * @example
 * searchRequest('jane@example.com', ['m-1'], ctx(), { pipedrive: 'search', person });
 * // { method: 'GET', url: 'https://api.pipedrive.com/api/v2/persons/search', query: [['term', 'jane@example.com'], ['fields', 'email'], ['exact_match', 'true'], ['limit', '10']], … }
 */
export function searchRequest(email: string, eventIds: string[], config: Record<string, JsonValue>, memo?: Memo): RequestDescriptor {
  return {
    method: 'GET', url: `${apiBase(config)}/persons/search`, query: [['term', email], ['fields', 'email'], ['exact_match', 'true'], ['limit', SEARCH_LIMIT]],
    headers: readHeadersOf(config), eventIds, endpoint: SEARCH_ENDPOINT, ...(memo ? { memo: memoValue(memo) } : {}),
  };
}

/**
 * The body of a new person: the name (the email when none is given: Pipedrive requires one),
 * the email as its primary one, the phone, the custom fields.
 *
 * @example
 * createBody({ email: 'jane@example.com', create: true, phone: '+1 555 0100' });
 * // { name: 'jane@example.com', emails: [{ value: 'jane@example.com', primary: true, label: 'work' }], phones: [{ value: '+1 555 0100', primary: true, label: 'work' }] }
 */
export function createBody(person: PersonWrite): JsonObject {
  const body: JsonObject = { name: person.name ?? person.email, emails: [{ value: person.email, primary: true, label: LABEL }] };
  if (person.phone !== undefined) body.phones = [{ value: person.phone, primary: true, label: LABEL }];
  if (person.custom_fields !== undefined) body.custom_fields = person.custom_fields;
  return body;
}

/**
 * The body of a PATCH of a found person: the name and custom fields given, and — when `held`
 * (the person's phones) is given — those phones with the new one added. Never `emails`: the
 * person holds the email already, and a list sent would be the person's whole list. Undefined
 * when there is nothing to write.
 *
 * @example
 * updateBody({ email: 'jane@example.com', create: true, name: 'Jane', phone: '+1 555 0101' }, [{ value: '+1 555 0100', primary: true, label: 'home' }]);
 * // { name: 'Jane', phones: [{ value: '+1 555 0100', primary: true, label: 'home' }, { value: '+1 555 0101', primary: false, label: 'work' }] }
 */
export function updateBody(person: PersonWrite, held?: HeldPhone[]): JsonObject | undefined {
  const body: JsonObject = {};
  if (person.name !== undefined) body.name = person.name;
  if (held !== undefined && person.phone !== undefined) {
    body.phones = [...held.map((phone) => ({ ...phone })), { value: person.phone, primary: held.length === 0, label: LABEL }];
  }
  if (person.custom_fields !== undefined) body.custom_fields = person.custom_fields;
  return Object.keys(body).length === 0 ? undefined : body;
}

/** `POST /api/v2/persons` of a new person. */
export function createRequest(person: PersonWrite, eventIds: string[], config: Record<string, JsonValue>): RequestDescriptor {
  return { method: 'POST', url: `${apiBase(config)}/persons`, headers: headersOf(config), body: createBody(person), eventIds, memo: memoValue({ pipedrive: 'create', person }) };
}

/** `GET /api/v2/persons/{id}`: the person's phones with their labels (1 token). */
export function getRequest(id: number, person: PersonWrite, eventIds: string[], config: Record<string, JsonValue>): RequestDescriptor {
  return { method: 'GET', url: `${apiBase(config)}/persons/${id}`, headers: readHeadersOf(config), eventIds, memo: memoValue({ pipedrive: 'get', person, id }) };
}

/** `PATCH /api/v2/persons/{id}` with a body `updateBody` built. */
export function updateRequest(id: number, body: JsonObject, person: PersonWrite, eventIds: string[], config: Record<string, JsonValue>): RequestDescriptor {
  return { method: 'PATCH', url: `${apiBase(config)}/persons/${id}`, headers: headersOf(config), body, eventIds, memo: memoValue({ pipedrive: 'update', person, id }) };
}

/**
 * The requests for a batch of mapped persons (see fitPerson): each its search, in order.
 *
 * @example
 * buildRequests([identify], ctx); // [GET https://api.pipedrive.com/api/v2/persons/search?term=jane%40example.com&…]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return batch.map((mapped) => {
    const person = personWriteOf(mapped.payload);
    // The map hook gives every sent event a person; without one the core dead-letters the event this names.
    if (person === undefined) throw new Error(`event ${mapped.id} holds no Pipedrive person (an email) to send`);
    return searchRequest(person.email, [mapped.id], ctx.config, { pipedrive: 'search', person });
  });
}
