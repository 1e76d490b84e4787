// Person deletions through AppsFlyer's OpenDSR API (formerly OpenGDPR): `POST
// https://hq1.appsflyer.com/api/gdpr/v1/opendsr_requests` with the V2 API token as a Bearer
// token, one erasure request naming the app (property_id, platform) and the person's
// subject identities. Signal names a person by userId and anonymousId: the userId is the
// customer user id (CUID) the blueprints send AppsFlyer, an OpenDSR identity type; an
// anonymousId is sent as an appsflyer_id only when it is one (13 digits, a dash, digits), as a
// mobile app's anonymousId normally is not. AppsFlyer erases by CUID only when the CUID was
// sent with the device's id in the app's login or registration events (its OpenDSR docs).
import { createHash } from 'node:crypto';
import {
  configText, defaultForgetRead, excerpt, type ForgetOutcome, type JsonObject, type NamedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { platformOf } from './config.ts';

export const OPENDSR_URL = 'https://hq1.appsflyer.com/api/gdpr/v1/opendsr_requests';
/** The OpenDSR API version the requests name. */
export const OPENDSR_API_VERSION = '1.0';
const APPSFLYER_ID = /^[0-9]{13}-[0-9]{1,19}$/;
/** Why a deletion naming no id AppsFlyer erases by is not forwarded. */
export const NO_APPSFLYER_IDENTITY = 'AppsFlyer\'s OpenDSR API erases by customer user id (the userId) or device ids: the deletion names no userId, and its anonymousId is no AppsFlyer id';
/** Retry an OpenDSR internal problem (e511) after the hour AppsFlyer asks for. */
const E511_WAIT_SECONDS = 3600;

function usable(value: string | null): string | undefined {
  const text = value?.trim();
  return text !== undefined && text !== '' && !['null', 'undefined', 'nil', 'none', '0'].includes(text.toLowerCase()) ? text : undefined;
}

/**
 * A subject_request_id for this deletion of this person at this integration: a UUID v4 derived
 * from them. Every try of one deletion sends the same id (a request sent again after a failure
 * is the same request, which AppsFlyer answers e213 "already exists"), while a later deletion of
 * the same person — they came back — has another (the core's deletion id, `ctx.deletionId`), so
 * AppsFlyer does not take it for the first one and erase nothing. Without a deletion id (a
 * plugin test outside the core) the id is the person's at this integration.
 *
 * @example
 * subjectRequestId('int-1', 'id123456789', ['customer_user_id:u-1'], '9b2d…'); // 'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'
 */
export function subjectRequestId(integrationId: string, appId: string, identities: string[], deletionId?: string): string {
  const deletion = deletionId === undefined ? '' : `\ndeletion:${deletionId}`;
  const hex = createHash('sha256').update(`appsflyer-opendsr\n${integrationId}\n${appId}\n${identities.join('\n')}${deletion}`).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The OpenDSR subject identities a person is: their customer user id (userId) and, when the
 * anonymousId is an AppsFlyer id, that id.
 *
 * @example
 * subjectIdentities({ userId: 'u-1', anonymousId: 'df_x' }); // [{ identity_type: 'customer_user_id', identity_value: 'u-1', identity_format: 'raw' }]
 */
export function subjectIdentities(person: NamedPerson): JsonObject[] {
  const identities: JsonObject[] = [];
  const userId = usable(person.userId);
  if (userId !== undefined) identities.push({ identity_type: 'customer_user_id', identity_value: userId, identity_format: 'raw' });
  const anonymousId = usable(person.anonymousId);
  if (anonymousId !== undefined && APPSFLYER_ID.test(anonymousId)) identities.push({ identity_type: 'appsflyer_id', identity_value: anonymousId, identity_format: 'raw' });
  return identities;
}

/**
 * The erasure request for a person, or why none is made.
 *
 * @example
 * opendsrRequest({ userId: 'u-1', anonymousId: null }, ctx);
 * // { method: 'POST', url: OPENDSR_URL, headers: { authorization: 'Bearer <token>', … },
 * //   body: { subject_request_id: '…', subject_request_type: 'erasure', submitted_time: '2026-12-01T12:00:00Z', subject_identities: [...], api_version: '1.0', property_id: 'id123456789', platform: 'ios' } }
 */
export function opendsrRequest(person: NamedPerson, ctx: PluginContext): RequestDescriptor | { skipped: string } {
  const identities = subjectIdentities(person);
  if (identities.length === 0) return { skipped: NO_APPSFLYER_IDENTITY };
  const appId = configText(ctx.config, 'app_id') ?? '';
  const names = identities.map((identity) => `${String(identity.identity_type)}:${String(identity.identity_value)}`);
  return {
    method: 'POST',
    url: OPENDSR_URL,
    headers: { authorization: `Bearer ${configText(ctx.config, 'api_token') ?? ''}`, 'content-type': 'application/json', accept: 'application/json' },
    body: {
      subject_request_id: subjectRequestId(ctx.integrationId, appId, names, ctx.deletionId),
      subject_request_type: 'erasure',
      submitted_time: new Date(Math.floor(ctx.now / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
      subject_identities: identities,
      api_version: OPENDSR_API_VERSION,
      property_id: appId,
      platform: platformOf(ctx.config),
    },
    eventIds: [],
  };
}

/** The OpenDSR error in an answer: its af_gdpr_code and message, top-level or under `error`. */
function opendsrError(response: VendorResponse): { code?: string; message?: string } {
  const json = response.json;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return {};
  const record = json as Record<string, unknown>;
  const error = (record.error !== null && typeof record.error === 'object' ? record.error : record) as Record<string, unknown>;
  return {
    ...(typeof error.af_gdpr_code === 'string' ? { code: error.af_gdpr_code } : {}),
    ...(typeof error.message === 'string' ? { message: error.message } : {}),
  };
}

/**
 * Reads OpenDSR's answer: 201 accepted (AppsFlyer erases within its expected completion time);
 * e213 (the request exists already: a try sent again) and e215 (the identities are in an open
 * request) are done too; e511 tried again after an hour, as AppsFlyer asks; a refused token or
 * app id names the config field; 429 and 5xx tried again.
 *
 * @example
 * readOpendsr({ status: 201, headers: {}, body: '…', json: { subject_request_id: 'a7…', expected_completion_time: '2026-12-31T00:00:00Z' } });
 * // { done: true, message: 'AppsFlyer accepted the erasure request a7… (expected completion 2026-12-31T00:00:00Z)' }
 */
export function readOpendsr(response: VendorResponse): ForgetOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) {
    const json = (response.json !== null && typeof response.json === 'object' && !Array.isArray(response.json) ? response.json : {}) as Record<string, unknown>;
    const id = typeof json.subject_request_id === 'string' ? ` ${json.subject_request_id}` : '';
    const when = typeof json.expected_completion_time === 'string' ? ` (expected completion ${json.expected_completion_time})` : '';
    return { done: true, message: `AppsFlyer accepted the erasure request${id}${when}` };
  }
  const { code, message } = opendsrError(response);
  const said = `HTTP ${status}${code ? ` ${code}` : ''}: ${message ?? (excerpt(response.body ?? '') || '(no body)')}`;
  if (code === 'e213' || code === 'e215') return { done: true, message: `AppsFlyer has this erasure request already (${said})` };
  if (code === 'e511') return { retry: `AppsFlyer's OpenDSR API had an internal problem (${said})`, afterSeconds: E511_WAIT_SECONDS };
  if (status === 401 || status === 403) return { failed: `AppsFlyer refused the token (${said}): config.api_token must be a V2 API token of an admin of the app's account` };
  if (code === 'e411' || code === 'e317') return { failed: `AppsFlyer refused the app (${said}): config.app_id must be an app of the token's account` };
  if (code === 'e319') return { failed: `AppsFlyer refused the identities for the app's platform (${said}): check config.platform` };
  const outcome = defaultForgetRead(response);
  if ('retry' in outcome) return { ...outcome, retry: `AppsFlyer's OpenDSR API failed (${said})` };
  if ('failed' in outcome) return { failed: `AppsFlyer refused the erasure request (${said})` };
  return outcome;
}

/** Forwarding of person deletions, with the optional V2 API token. */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configText(config, 'api_token') !== undefined && configText(config, 'app_id') !== undefined,
  request: (person, ctx) => opendsrRequest(person, ctx),
  read: (response) => readOpendsr(response),
  successAnswer: { status: 201, body: { subject_request_id: 'a7551968-d5d6-44b2-9831-815ac9017798', received_time: '2026-12-01T12:00:00Z', expected_completion_time: '2026-12-31T12:00:00Z', encoded_request: '' } },
};
