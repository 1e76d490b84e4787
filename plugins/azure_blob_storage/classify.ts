// Azure Storage's answers to Put Blob, as its REST reference documents them: 201 Created once
// the blob is written whole; errors as an XML `<Error><Code>` (and the `x-ms-error-code`
// header). Azure throttles with 503 ServerBusy (and 500 OperationTimedOut) and asks clients to
// back off exponentially; 429 is read the same way. A Put Blob without conditions replaces the
// blob of its name, so a retry of the same request (the same name, fixed by its events) writes
// the same blob again, no second copy. Credential and container problems need a fix on the
// customer's side: dead-lettered, naming the config field, with Azure's message.
import { defaultClassify, excerpt, parseRetryAfter, responseHeader, type Classification, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { accountOf, containerOf, credentialOf } from './config.ts';
import { said, storageError, type StorageError } from './azure-error.ts';

/** Codes of Azure's throttling and passing failures (the Blob service error codes). */
const BUSY_CODES = new Set(['ServerBusy', 'OperationTimedOut', 'InternalError']);

/** The credential field in use, for the reasons. */
function credentialField(config: Record<string, JsonValue>): 'sas_token' | 'account_key' {
  return credentialOf(config).kind === 'sas' ? 'sas_token' : 'account_key';
}

/** What to do about a 401 or 403, by Azure's error code. */
function forbiddenAdvice(error: StorageError, config: Record<string, JsonValue>): string {
  const field = credentialField(config);
  const account = accountOf(config);
  const container = containerOf(config);
  switch (error.code) {
    case 'AuthenticationFailed':
    case 'InvalidAuthenticationInfo':
    case 'NoAuthenticationInformation':
      return field === 'sas_token'
        ? `check config.sas_token: it must be a current SAS of the storage account ${account} (not expired, not signed with a key since rotated, its start time passed), for the container ${container}; generate a new one in a new revision`
        : `check config.account_key: it must be a current access key of the storage account ${account} (not rotated since) and config.account the account it belongs to; also that this host's clock is right (x-ms-date more than 15 minutes off is refused)`;
    case 'AuthorizationPermissionMismatch':
      return field === 'sas_token'
        ? `check config.sas_token: it does not allow this write; generate a container SAS with Create and Write permissions (sp=cw) for ${container}`
        : 'check config.account_key and the account\'s settings: the key is not allowed this write';
    case 'AuthorizationResourceTypeMismatch':
    case 'AuthorizationServiceMismatch':
      return 'check config.sas_token: an account SAS needs the Blob service (ss=b) and object resources (srt=o); a container SAS (sr=c) is simpler';
    case 'AuthorizationProtocolMismatch':
      return 'check config.sas_token: it must allow HTTPS (spr=https)';
    case 'AuthorizationSourceIPMismatch':
      return `check config.sas_token: its allowed IP range (sip) does not hold this Signal host's address`;
    case 'KeyBasedAuthenticationNotPermitted':
      return `the storage account ${account} does not allow Shared Key authorization (Settings > Configuration > Allow storage account key access): turn it on, or use a user delegation SAS in config.sas_token`;
    case 'AccountIsDisabled':
      return `the storage account ${account} is disabled: check its subscription in the Azure portal`;
    case 'AuthorizationFailure':
      return `the storage account ${account} refused this host (its firewall: Networking > Public network access, or a private endpoint only); allow Signal's outbound address, and check config.${field}`;
    default:
      return `check config.${field} (a credential of the storage account ${account} allowed to write in ${container}) and config.account`;
  }
}

/** What to do about a 409 or 412, by Azure's error code. */
function conflictAdvice(error: StorageError, config: Record<string, JsonValue>): string {
  const container = containerOf(config);
  switch (error.code) {
    case 'ContainerBeingDeleted':
    case 'ContainerDisabled':
      return `the container ${container} is being deleted or is disabled: create it again (config.container), then replay the dead letters`;
    case 'BlobImmutableDueToPolicy':
    case 'BlobImmutableDueToLegalHold':
    case 'ContainerHasLegalHold':
    case 'ContainerImmutabilityPolicyLocked':
      return 'a blob of this name is under an immutability policy or legal hold and cannot be replaced (a retry of a write that had succeeded): its events are archived already; check the blob, then drop or replay the dead letters';
    case 'BlobArchived':
    case 'BlobBeingRehydrated':
      return 'a blob of this name is in the Archive tier and cannot be replaced (a retry of a write that had succeeded, moved to Archive since): its events are archived already';
    case 'LeaseIdMissing':
    case 'LeaseIdMismatchWithBlobOperation':
    case 'LeaseLost':
    case 'LeaseIsBrokenAndCannotBeRenewed':
      return 'another client holds a lease on a blob of this name, so Signal cannot replace it (a retry of a write that had succeeded): break the lease, or drop the dead letters';
    default:
      return `check config.container and the blob's state in ${container}, then replay the dead letters`;
  }
}

/**
 * Azure Storage's answer to Put Blob (see the file's comment):
 * - 201 Created: delivered; any other 2xx (a proxy's or captive portal's page): retried;
 * - 429, 503 ServerBusy (or another 503), 500 OperationTimedOut: retried as a rate limit (no try
 *   used up, the integration slowed down), after Retry-After when given;
 * - 408 and other 5xx: retried with the core's backoff;
 * - 401/403 (AuthenticationFailed, AuthorizationPermissionMismatch…): dead-lettered, naming
 *   sas_token or account_key and what to fix;
 * - 404 (ContainerNotFound): dead-lettered, naming container;
 * - 409/412 (a blob under an immutability policy, archived or leased; a container being deleted):
 *   dead-lettered, saying which;
 * - 413 (RequestBodyTooLarge): a request of several events written again in halves;
 * - any other 4xx: dead-lettered with Azure's code and message.
 *
 * @example
 * classifyPutBlob({ status: 404, headers: { 'x-ms-error-code': 'ContainerNotFound' }, body: '<Error><Code>ContainerNotFound</Code><Message>The specified container does not exist.</Message></Error>' }, request, ctx);
 * // { status: 'dead_letter', reason: 'Azure Storage has no container "signal-events" in the account acmeevents (HTTP 404 ContainerNotFound: …): check config.container …' }
 */
export function classifyPutBlob(response: VendorResponse, request: RequestDescriptor, ctx: Pick<PluginContext, 'config' | 'now'>): Classification {
  const { status } = response;
  const { config } = ctx;
  if (status === 201) return { status: 'delivered' };
  if (status >= 200 && status < 300) {
    const body = excerpt((response.body ?? '').replace(/\s+/g, ' ').trim());
    return { status: 'retry', reason: `HTTP ${status} instead of Put Blob's 201 Created${body ? ` (${body})` : ''}: not Azure Storage's answer (a proxy?), so the blob is written again` };
  }
  const error = storageError(response);
  const answered = said(response, error);
  const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx.now);
  const after = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 429 || status === 503 || error.code === 'ServerBusy' || (status === 500 && error.code === 'OperationTimedOut')) {
    return { status: 'retry', reason: `Azure Storage is busy (${answered}): retrying later at a lower rate`, throttled: true, ...after };
  }
  if (status === 408 || status >= 500 || BUSY_CODES.has(error.code)) return { status: 'retry', reason: `Azure Storage failed (${answered})`, ...after };
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: `Azure Storage refused the credential (${answered}): ${forbiddenAdvice(error, config)}; then replay the dead letters` };
  if (status === 404) {
    return { status: 'dead_letter', reason: `Azure Storage has no container "${containerOf(config)}" in the account ${accountOf(config)} (${answered}): check config.container (and config.endpoint, if set) and create the container; then replay the dead letters` };
  }
  if (status === 409 || status === 412) return { status: 'dead_letter', reason: `Azure Storage refused to replace the blob (${answered}): ${conflictAdvice(error, config)}` };
  if (status === 413 || error.code === 'RequestBodyTooLarge') {
    if (request.eventIds.length > 1) return { status: 'split', reason: `Azure Storage refused the blob's size (${answered}): writing the events in two blobs` };
    return { status: 'dead_letter', reason: `Azure Storage refused this one event's blob as too large (${answered})` };
  }
  // Azure names the header (`<HeaderName>x-ms-version</HeaderName>`); Azurite says "The API
  // version … is not supported by Azurite" instead.
  if (status === 400 && error.code === 'InvalidHeaderValue' && /x-ms-version|API version/i.test(response.body ?? '')) {
    return { status: 'dead_letter', reason: `Azure Storage does not know the API version Signal sends (${answered}): an endpoint that is not Azure's public cloud (config.endpoint: an older Azurite or Azure Stack Hub) must support it; update it (or start Azurite with --skipApiVersionCheck)` };
  }
  const classified = defaultClassify(response);
  if (classified.status === 'retry') return { ...classified, reason: `Azure Storage failed (${answered})` };
  if (classified.status === 'delivered') return classified;
  return { status: 'dead_letter', reason: `Azure Storage refused the blob (${answered}): check config.container and config.prefix, then replay the dead letters` };
}
