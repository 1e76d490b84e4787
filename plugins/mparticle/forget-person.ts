// Person deletions through mParticle's Data Subject Request API v3 (its instance of OpenDSR):
// `POST https://opendsr.mparticle.com/v3/requests` with HTTP Basic of the workspace's key and
// secret (credentials of the workspace, not of an input), one erasure request a subject:
// `{ regulation, subject_request_id, subject_request_type: 'erasure', submitted_time,
// subject_identities: { <type>: { value, encoding: 'raw' } }, api_version: '3.0' }`. v3 resolves
// the identities of one request to a single profile (mpid), so each identity Signal knows the
// person by goes in a request of its own — the userId as controller_customer_id (the
// customer_id the blueprint sends), the visitor id as the configured `other` identity (in the
// opendsr.mparticle.com extension, where v3 takes other…other4), the person's email addresses
// as email — and erases the profile it resolves to. mParticle answers 201 with the expected
// completion time; a request it has already (400 "Subject request already exists", a resend)
// or one in progress for the same identities (409) is done too.
import {
  configText, defaultForgetRead, excerpt, nameBasedUuid, readText, usableId,
  type ForgetOutcome, type JsonObject, type NamedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { anonymousIdIdentityOf, basicAuthorization, forwardsDeletions, regulationOf } from './config.ts';

/** The DSR API v3 requests endpoint. */
export const DSR_REQUESTS_URL = 'https://opendsr.mparticle.com/v3/requests';
/** Why a deletion naming no identity mParticle erases by is not forwarded. */
export const NO_IDENTITY = 'mParticle\'s Data Subject Request API erases a profile by one of its identities: the deletion names no userId (customer_id), no email and — with anonymous_id_identity none — no visitor id it could be asked by';
/** Most email addresses asked for (each a request of its own). */
const MAX_EMAILS = 5;
/** The namespace of the subject request ids (never changed: a resend must be the same request). */
const REQUEST_ID_NAMESPACE = 'c1d7e4a2-3b6f-4e19-8a5d-7f2e9b0c6a31';

/**
 * A subject_request_id for this deletion of this identity at this integration: a name-based
 * UUID written as the UUID v4 OpenDSR asks for. The same on every try of one deletion (a resend
 * is the same request: mParticle answers "already exists"); a later deletion of the same person
 * has the core's new deletion id, so it is a new request.
 *
 * @example
 * subjectRequestId('int-1', 'controller_customer_id:u-1', '9b2d…'); // 'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'
 */
export function subjectRequestId(integrationId: string, identity: string, deletionId?: string): string {
  const deletion = deletionId === undefined ? '' : `\ndeletion:${deletionId}`;
  const uuid = nameBasedUuid(`${integrationId}\n${identity}${deletion}`, { version: 5, namespace: REQUEST_ID_NAMESPACE });
  return `${uuid.slice(0, 14)}4${uuid.slice(15)}`;
}

/** The identities to ask by, each as where it goes in the request and its value. */
function identitiesOf(person: NamedPerson, ctx: PluginContext): Array<{ type: string; value: string; extension: boolean }> {
  const out: Array<{ type: string; value: string; extension: boolean }> = [];
  const userId = readText(person.userId);
  if (userId !== undefined && usableId(userId)) out.push({ type: 'controller_customer_id', value: userId, extension: false });
  const identity = anonymousIdIdentityOf(ctx.config);
  const visitor = readText(person.anonymousId);
  if (identity !== undefined && visitor !== undefined && usableId(visitor)) out.push({ type: identity, value: visitor, extension: true });
  for (const email of (person.emails ?? []).slice(0, MAX_EMAILS)) out.push({ type: 'email', value: email, extension: false });
  return out;
}

/**
 * The erasure requests for a person — one per identity (see the file's comment) — or why none
 * is made.
 *
 * @example
 * erasureRequests({ userId: 'u-1', anonymousId: null }, ctx);
 * // [{ method: 'POST', url: 'https://opendsr.mparticle.com/v3/requests', headers: { authorization: 'Basic …', … },
 * //    body: { regulation: 'gdpr', subject_request_id: '…', subject_request_type: 'erasure', submitted_time: '2026-12-01T12:00:00Z',
 * //            subject_identities: { controller_customer_id: { value: 'u-1', encoding: 'raw' } }, api_version: '3.0' }, eventIds: [] }]
 */
export function erasureRequests(person: NamedPerson, ctx: PluginContext): RequestDescriptor[] | { skipped: string } {
  const identities = identitiesOf(person, ctx);
  if (identities.length === 0) return { skipped: NO_IDENTITY };
  const headers = {
    authorization: basicAuthorization(configText(ctx.config, 'dsr_api_key') ?? '', configText(ctx.config, 'dsr_api_secret') ?? ''),
    'content-type': 'application/json', accept: 'application/json',
  };
  const submitted = new Date(Math.floor(ctx.now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return identities.map(({ type, value, extension }) => {
    const subject: JsonObject = { [type]: { value, encoding: 'raw' } };
    return {
      method: 'POST',
      url: DSR_REQUESTS_URL,
      headers,
      body: {
        regulation: regulationOf(ctx.config),
        subject_request_id: subjectRequestId(ctx.integrationId, `${type}:${value}`, ctx.deletionId),
        subject_request_type: 'erasure',
        submitted_time: submitted,
        ...(extension ? { extensions: { 'opendsr.mparticle.com': { subject_identities: subject } } } : { subject_identities: subject }),
        api_version: '3.0',
      },
      eventIds: [],
    };
  });
}

/** What mParticle said about a request: its errors' messages, its message, else the body's start. */
function said(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const record = json as { message?: unknown; errors?: unknown };
    const messages = Array.isArray(record.errors)
      ? record.errors.flatMap((error: unknown) => (error !== null && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string' ? [(error as { message: string }).message] : []))
      : [];
    if (messages.length > 0) return excerpt(messages.join('; '));
    if (typeof record.message === 'string' && record.message.trim() !== '') return excerpt(record.message);
  }
  return excerpt(response.body ?? '') || '(no body)';
}

/**
 * Reads the DSR API's answer: 2xx accepted (201, naming the expected completion time); a request
 * mParticle has already (400 "already exists") or one in progress with the same identities (409)
 * done; 401 and 403 failed naming the workspace credentials; 408, 429 (after Retry-After) and
 * 5xx tried again; other answers failed with mParticle's words.
 *
 * @example
 * readErasureAnswer({ status: 201, headers: {}, body: '…', json: { subject_request_id: 'a7…', expected_completion_time: '2026-12-09T00:00:00Z' } });
 * // { done: true, message: 'mParticle accepted the erasure request a7… (expected completion 2026-12-09T00:00:00Z)' }
 */
export function readErasureAnswer(response: VendorResponse): ForgetOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) {
    const json = (response.json !== null && typeof response.json === 'object' && !Array.isArray(response.json) ? response.json : {}) as Record<string, unknown>;
    const id = typeof json.subject_request_id === 'string' ? ` ${json.subject_request_id}` : '';
    const when = typeof json.expected_completion_time === 'string' ? ` (expected completion ${json.expected_completion_time})` : '';
    return { done: true, message: `mParticle accepted the erasure request${id}${when}` };
  }
  const words = `HTTP ${status}: ${said(response)}`;
  if (status === 409) return { done: true, message: `mParticle has an erasure request in progress for this identity (${words})` };
  if (status === 400 && /already exists/i.test(words)) return { done: true, message: `mParticle has this erasure request already (${words})` };
  if (status === 401 || status === 403) return { failed: `mParticle refused the credentials (${words}): config.dsr_api_key and config.dsr_api_secret must be the workspace's key and secret (Settings > Workspace Settings), not an input's` };
  const outcome = defaultForgetRead(response);
  if ('retry' in outcome) return { ...outcome, retry: `mParticle's Data Subject Request API failed (${words})` };
  if ('failed' in outcome) return { failed: `mParticle refused the erasure request (${words})` };
  return outcome;
}

/** Forwarding of person deletions, with the optional workspace key and secret. */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => forwardsDeletions(config),
  request: (person, ctx) => erasureRequests(person, ctx),
  read: (response) => readErasureAnswer(response),
  successAnswer: { status: 201, body: { expected_completion_time: '2026-12-09T00:00:00Z', received_time: '2026-11-29T18:16:24.5568051Z', encoded_request: '', subject_request_id: 'a7551968-d5d6-44b2-9831-815ac9017798', controller_id: '3622' } },
};
