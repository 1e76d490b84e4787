// Google Ads API answers to POST /vNN/customers/{id}:uploadClickConversions (REST). Google's
// error model: a failed request answers its HTTP status with `{ error: { code, message, status,
// details: [{ '@type': '…GoogleAdsFailure', errors: [{ errorCode: { <kind>: CODE }, message,
// location?, details? }], requestId }] } }`. Conversion uploads always run in partial failure
// mode: a 200 carries `results` for the conversions Google took and `partialFailureError` (the
// same Status shape) for the others, each error naming its conversion by
// `location.fieldPathElements[0] = { fieldName: 'conversions', index }`.
import { defaultClassify, instantText, isJsonObject, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type JsonValue, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { apiVersionOf, customerIdOf } from './config.ts';

/** Google: a conversion's click must be at least 6 hours old ("Retry after 6 hours have passed"); a new conversion action, likewise. */
const TOO_RECENT_WAIT_MS = 6 * 3600 * 1000;
/** Beyond the 6 hours, for the clocks of Signal and Google. */
const TOO_RECENT_MARGIN_MS = 5 * 60 * 1000;
/** The shortest wait for a click still too recent although its conversion is 6 hours old (clocks apart). */
const TOO_RECENT_MIN_WAIT_MS = 15 * 60 * 1000;
/** How long a 429 without Google's `retryDelay` waits: a minute (Google's rate limits are token buckets). */
const RATE_LIMIT_WAIT_MS = 60_000;
const EXCERPT_CHARS = 300;

/** The conversion is in Google Ads already (a retry after a lost answer, a replay, the same order twice): nothing is lost. */
const DUPLICATE = new Set(['CLICK_CONVERSION_ALREADY_EXISTS', 'ORDER_ID_ALREADY_IN_USE']);
/**
 * Conversions of one order (or of one click and time) in one request, which Google refuses
 * ("were not processed"): none may be recorded, so they are sent again, and `send` puts them
 * in requests of their own (the later ones then meet the first as a duplicate).
 */
const SENT_TOGETHER = new Set(['DUPLICATE_ORDER_ID', 'DUPLICATE_CLICK_CONVERSION_IN_REQUEST']);
/** Google's "can be safely ignored": the email or phone of an enhanced conversion for leads matched no ad click. */
const UNATTRIBUTED = new Set(['CLICK_NOT_FOUND']);
/**
 * Conversions Google will never record, by design, whatever is fixed or sent again: their click
 * is older than the conversion action's click-through window. Declined (counted dropped, the
 * reason in the delivery log), not dead-lettered: a replay would meet the same refusal.
 */
const PAST_THE_WINDOW = new Set(['EXPIRED_EVENT']);
/** Passing failures of Google's own. */
const TRANSIENT = new Set(['CONCURRENT_MODIFICATION', 'INTERNAL_ERROR', 'TRANSIENT_ERROR', 'DEADLINE_EXCEEDED', 'RESOURCE_TEMPORARILY_EXHAUSTED']);

/** What to do about the conversion-level refusals whose fix is in the config or in Google Ads. */
const REMEDIES: Record<string, string> = {
  CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE: 'since June 15, 2026 the Google Ads API takes offline click conversions only from developers who uploaded them between December 2025 and June 2026; others must use the Data Manager API, which this plugin does not call (see the plugin README)',
  INVALID_CONVERSION_ACTION_TYPE: 'the conversion action is not one that takes uploaded clicks: create one of type "Import > Clicks" (Goals > Conversions > New conversion action > Import > CRMs, files or other data sources > Track conversions from clicks) and name it in config.conversion_actions',
  NO_CONVERSION_ACTION_FOUND: 'config.conversion_actions names an action that does not exist, or is disabled, in config.customer_id\'s account (or in the manager account it uses for conversion tracking)',
  CUSTOMER_NOT_ACCEPTED_CUSTOMER_DATA_TERMS: 'the hashed email and phone need the customer data terms accepted in Google Ads (Goals > Settings > Enhanced conversions for leads): accept them, or set config.enhanced_conversions to false',
  CUSTOMER_DATA_POLICY_PROHIBITS_ENHANCED_CONVERSIONS: 'the account\'s customer data policy forbids enhanced conversions: set config.enhanced_conversions to false',
  UNAUTHORIZED_CUSTOMER: 'the click belongs to a Google Ads account the authorised Google account cannot reach: upload to the account that owns the click (or its manager, with config.login_customer_id)',
  CONVERSION_PRECEDES_EVENT: 'the conversion\'s time is before the click\'s',
  UNPARSEABLE_GCLID: 'the gclid was changed on its way (truncated, re-encoded): check what the site stores',
  CUSTOMER_NOT_ENABLED_ENHANCED_CONVERSIONS_FOR_LEADS: 'the hashed email and phone need enhanced conversions for leads turned on in Google Ads (Goals > Settings > Enhanced conversions for leads): turn it on, or set config.enhanced_conversions to false',
  INVALID_CUSTOMER_FOR_CLICK: 'the click belongs to another Google Ads account: config.customer_id must be the conversion account of the click\'s account (its manager account, with cross-account conversion tracking)',
  ORDER_ID_CONTAINS_PII: 'the order id holds personal data (an email address, a phone number): map an order id without it',
  ONE_PER_CLICK_CONVERSION_ACTION_NOT_PERMITTED_WITH_BRAID: 'the conversion action counts one conversion per click, which Google refuses for a gbraid or wbraid: set its count to "Every" in Google Ads',
};

interface AdsError {
  errorCode?: unknown;
  message?: unknown;
  location?: unknown;
  details?: unknown;
}

interface RpcStatus {
  code?: unknown;
  message?: unknown;
  status?: unknown;
  details?: unknown;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const excerpt = (text: string) => (text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text);

/** The GoogleAdsErrors of a Status (`details[].errors[]`). */
function errorsOf(status: RpcStatus): AdsError[] {
  const details = Array.isArray(status.details) ? status.details : [];
  return details.flatMap((detail) => (isJsonObject(detail) && Array.isArray(detail.errors) ? detail.errors.filter(isJsonObject) : []));
}

/** An error's code (`RESOURCE_EXHAUSTED`) and its kind (`quotaError`) from `errorCode: { quotaError: 'RESOURCE_EXHAUSTED' }`. */
function codeOf(error: AdsError): { kind: string; code: string } | undefined {
  if (!isJsonObject(error.errorCode)) return undefined;
  const [kind, code] = Object.entries(error.errorCode)[0] ?? [];
  return typeof kind === 'string' && typeof code === 'string' ? { kind, code } : undefined;
}

/** `CODE: message` of an error, or what there is of it. */
function saidOf(error: AdsError): string {
  const code = codeOf(error)?.code;
  const message = typeof error.message === 'string' ? oneLine(error.message) : '';
  return excerpt([code, message].filter(Boolean).join(': ') || 'no message');
}

/** The index of the conversion an error is about (`conversions[N]`), when it names one the request has. */
function conversionIndex(error: AdsError, count: number): number | undefined {
  const location = isJsonObject(error.location) ? error.location : undefined;
  const first: unknown = Array.isArray(location?.fieldPathElements) ? location.fieldPathElements[0] : undefined;
  if (!isJsonObject(first) || first.fieldName !== 'conversions') return undefined;
  const index = typeof first.index === 'number' ? first.index : typeof first.index === 'string' && /^\d+$/.test(first.index) ? Number(first.index) : undefined;
  return index !== undefined && Number.isInteger(index) && index >= 0 && index < count ? index : undefined;
}

/**
 * Milliseconds of a protobuf Duration in JSON (`"30s"`, `"1.5s"`), as Google gives a quota
 * error's `retryDelay`; undefined for anything else.
 *
 * @example
 * durationMs('29101s'); // 29101000
 */
export function durationMs(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(value.trim()) : null;
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

/** The longest `retryDelay` of the errors' quota details. */
function retryDelayOf(errors: AdsError[]): number | undefined {
  const delays = errors.map((error) => (isJsonObject(error.details) && isJsonObject(error.details.quotaErrorDetails) ? durationMs(error.details.quotaErrorDetails.retryDelay) : undefined)).filter((ms): ms is number => ms !== undefined);
  return delays.length > 0 ? Math.max(...delays) : undefined;
}

/** The context the classifier reads: the config (the account ids and the version), and the delivery's time. */
export interface ClassifyContext {
  config: Record<string, JsonValue>;
  /** The delivery's time (ms), from which a too recent click's wait is counted; without it, the wait is Google's 6 hours. */
  now?: number;
}

/** The epoch ms of the conversion a request carries at `index` (its `conversionDateTime`, as `toClickConversion` writes it). */
function conversionTimeOf(request: RequestDescriptor, index: number): number | undefined {
  const body = isJsonObject(request.body) ? request.body : undefined;
  const conversion: unknown = Array.isArray(body?.conversions) ? body.conversions[index] : undefined;
  const written = isJsonObject(conversion) && typeof conversion.conversionDateTime === 'string' ? conversion.conversionDateTime : '';
  const parts = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})([+-]\d{2}:\d{2})$/.exec(written);
  const ms = parts ? Date.parse(`${parts[1]}T${parts[2]}${parts[3]}`) : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * The retry of a conversion whose click is less than 6 hours old (`TOO_RECENT_EVENT`): its click
 * came at or before the conversion, so Google takes it by 6 hours after the conversion's time —
 * the wait asked for reaches that (the core waits at most an hour a try, so a conversion sent
 * soon after its click needs several tries: README, "Conversions soon after their click").
 */
function tooRecentClick(said: string, at: number | undefined, now: number | undefined): EventOutcome {
  if (at === undefined || now === undefined) {
    return { status: 'retry', reason: `Google Ads takes this conversion later (${said}): Google takes a click's conversions from 6 hours after the click; sent again later (replay the dead letter if every try comes too soon)`, retryAfterMs: TOO_RECENT_WAIT_MS };
  }
  const takenBy = at + TOO_RECENT_WAIT_MS + TOO_RECENT_MARGIN_MS;
  return {
    status: 'retry',
    reason: `Google Ads takes this conversion later (${said}): Google takes a click's conversions from 6 hours after the click, and this one's click came at or before the conversion (${instantText(at)}), so by ${instantText(takenBy)}; sent again then — if its tries run out before, replay the dead letter after that time`,
    retryAfterMs: Math.max(takenBy - now, TOO_RECENT_MIN_WAIT_MS),
  };
}

/** One conversion's outcome from the errors Google gave for it: the worst of them (dead letter, retry, declined, delivered). */
function conversionOutcome(errors: AdsError[], at: number | undefined, now: number | undefined): EventOutcome {
  const outcomes = errors.map((error): EventOutcome => {
    const code = codeOf(error)?.code ?? '';
    const said = saidOf(error);
    if (DUPLICATE.has(code) || UNATTRIBUTED.has(code)) return { status: 'delivered' };
    if (PAST_THE_WINDOW.has(code)) return { status: 'declined', reason: `Google Ads will not record the conversion (${said}): its click is older than the conversion action's click-through window, which no retry or replay changes` };
    if (code === 'TOO_RECENT_EVENT') return tooRecentClick(said, at, now);
    if (code === 'TOO_RECENT_CONVERSION_ACTION') {
      return { status: 'retry', reason: `Google Ads takes this conversion later (${said}): Google takes a new conversion action's conversions from 6 hours after its creation; sent again later (replay the dead letter if every try comes too soon)`, retryAfterMs: TOO_RECENT_WAIT_MS };
    }
    if (TRANSIENT.has(code)) return { status: 'retry', reason: `Google Ads failed to record the conversion (${said})` };
    if (SENT_TOGETHER.has(code)) return { status: 'retry', reason: `Google Ads refused conversions of one order (or one click and time) sent in one request (${said}): sent again in requests of their own, so Google records one` };
    const remedy = Object.hasOwn(REMEDIES, code) ? REMEDIES[code] : undefined;
    return { status: 'dead_letter', reason: `Google Ads refused the conversion (${said})${remedy ? `: ${remedy}` : ''}` };
  });
  return outcomes.find((o) => o.status === 'dead_letter') ?? outcomes.find((o) => o.status === 'retry') ?? outcomes.find((o) => o.status === 'declined') ?? { status: 'delivered' };
}

/** Outcomes of a 2xx answer's `partialFailureError`: each conversion by the errors naming it. */
function partialFailure(status: RpcStatus, request: RequestDescriptor, now: number | undefined): Classification {
  const count = request.eventIds.length;
  const errors = errorsOf(status);
  const byIndex = new Map<number, AdsError[]>();
  const unplaced: AdsError[] = [];
  for (const error of errors) {
    const index = conversionIndex(error, count);
    if (index === undefined) unplaced.push(error);
    else byIndex.set(index, [...(byIndex.get(index) ?? []), error]);
  }
  if (unplaced.length > 0 || (errors.length === 0 && count > 0)) {
    // An error naming no conversion (Google says it returns those as request errors instead):
    // with one conversion it is that one's; with several, which is unknown.
    if (count === 1) return conversionOutcome(unplaced.length > 0 ? unplaced : [{ message: typeof status.message === 'string' ? status.message : 'partial failure without details' }], conversionTimeOf(request, 0), now);
    return { status: 'split', reason: `Google Ads refused part of the upload without naming the conversion (${excerpt(typeof status.message === 'string' ? oneLine(status.message) : 'no message')}); sending it in halves to find it` };
  }
  const perEvent: Record<string, EventOutcome> = {};
  for (const [index, list] of byIndex) {
    const outcome = conversionOutcome(list, conversionTimeOf(request, index), now);
    if (outcome.status !== 'delivered') perEvent[request.eventIds[index]!] = outcome;
  }
  return Object.keys(perEvent).length > 0 ? { perEvent } : { status: 'delivered' };
}

/** Why a request-level refusal happened and what to fix, by Google's error code. */
function requestRemedy(code: string, ctx: ClassifyContext): string | undefined {
  const customer = customerIdOf(ctx.config.customer_id) ?? String(ctx.config.customer_id);
  const login = customerIdOf(ctx.config.login_customer_id);
  switch (code) {
    case 'UNSUPPORTED_VERSION':
      return `Google no longer serves API version ${apiVersionOf(ctx.config)}: set config.api_version to a current one (see the plugin README) in a new revision`;
    case 'NOT_ADS_USER':
      return 'the Google account that authorised Signal has no access to any Google Ads account: authorise Signal with a Google account that is a user of config.customer_id\'s account (or of its manager account)';
    case 'CUSTOMER_NOT_FOUND':
    case 'INVALID_CUSTOMER_ID':
      return `no Google Ads account ${customer}: check config.customer_id (the account that owns the conversion actions; ten digits)`;
    case 'USER_PERMISSION_DENIED':
      return login === undefined
        ? `the Google account that authorised Signal may not reach account ${customer} directly: if it reaches it through a manager account, set config.login_customer_id to the manager account's id`
        : `the Google account that authorised Signal may not reach account ${customer} through manager account ${login}: check config.login_customer_id, and that the account is linked under that manager`;
    case 'INVALID_LOGIN_CUSTOMER_ID':
    case 'LOGIN_CUSTOMER_ID_PARAMETER_MISSING':
      return 'config.login_customer_id is not a manager account of config.customer_id, or is needed: set it to the manager account\'s ten digits, or remove it';
    case 'DEVELOPER_TOKEN_NOT_APPROVED':
    case 'CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION':
    case 'ACTION_NOT_PERMITTED':
      return 'the Google Cloud project of the OAuth client has Test access only, which reaches test accounts: apply for Explorer or Basic access on the project\'s Google Ads API Overview page in the Cloud console (since September 9, 2026 the access level is the project\'s, not a developer token\'s)';
    case 'DEVELOPER_TOKEN_PROHIBITED':
    case 'DEVELOPER_TOKEN_INVALID':
      return 'Google refused the developer token: since September 9, 2026 it is optional and ignored; remove config.developer_token, or give the current one';
    case 'CUSTOMER_NOT_ENABLED':
      return `Google Ads account ${customer} is not enabled (cancelled, suspended or not set up): check it in Google Ads`;
    case 'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE':
      return REMEDIES.CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE;
    default:
      return undefined;
  }
}

/**
 * Google Ads' answer as outcomes for the events of `request`:
 *
 * - 2xx without `partialFailureError` (or `validateOnly`): delivered;
 * - 2xx with it: each conversion by the errors naming it — duplicates (`CLICK_CONVERSION_ALREADY_EXISTS`,
 *   `ORDER_ID_ALREADY_IN_USE`) and `CLICK_NOT_FOUND` delivered (in Google Ads already; "safely
 *   ignored"), duplicates within the request (`DUPLICATE_ORDER_ID`,
 *   `DUPLICATE_CLICK_CONVERSION_IN_REQUEST`: not processed) retried, `TOO_RECENT_EVENT` retried when Google takes it (6 hours
 *   after the conversion's time, so after its click's; the core waits at most an hour a try),
 *   `TOO_RECENT_CONVERSION_ACTION` and Google's passing failures retried, any other
 *   dead-lettered with Google's code and message (and what to fix, for the known ones); the rest
 *   delivered;
 * - 401 (the core has already renewed the access token once and sent again), 403, 400 about the
 *   account, the headers or the version, 404: dead-lettered saying which config field to fix;
 * - 429 (`QuotaError`): retried as a rate limit after Google's `retryDelay`, else a minute;
 * - 400 naming conversions by index: those dead-lettered, the others (the request failed as a
 *   whole) sent again; `TOO_MANY_CONVERSIONS_IN_REQUEST` and 413: split; any other 400:
 *   dead-lettered with Google's words (not split: Google refuses whole requests for the
 *   request's sake, and halving them spends the daily operations quota);
 * - 5xx, 408, 409 (`ABORTED`): retried, honouring Retry-After.
 *
 * @example
 * classifyGoogleAds({ status: 200, headers: {}, body: '…', json: { results: [{}, { gclid: 'EAIa…' }], partialFailureError: { code: 3, message: '…',
 *   details: [{ errors: [{ errorCode: { conversionUploadError: 'EXPIRED_EVENT' }, message: '…', location: { fieldPathElements: [{ fieldName: 'conversions', index: 0 }] } }] }] } } }, request, ctx);
 * // { perEvent: { [request.eventIds[0]]: { status: 'dead_letter', reason: 'Google Ads refused the conversion (EXPIRED_EVENT: …): the click is older than …' } } }
 */
export function classifyGoogleAds(response: VendorResponse, request: RequestDescriptor, ctx: ClassifyContext): Classification {
  const json = isJsonObject(response.json) ? response.json : {};
  const { status } = response;
  const count = request.eventIds.length;

  if (status >= 200 && status < 300) {
    // Google Ads answers every upload it takes with its JSON (results, partialFailureError when one
    // failed): a body that is no JSON object (a proxy's or captive portal's page) recorded nothing.
    if (!isJsonObject(response.json)) {
      return { status: 'retry', reason: `HTTP ${status} without Google Ads' JSON answer (results)${(response.body ?? '').trim() ? `: ${excerpt(oneLine(response.body))}` : ''} — not Google Ads' answer (a proxy?), so the conversions are sent again (Google Ads records a conversion once)` };
    }
    const failure = isJsonObject(json.partialFailureError) ? (json.partialFailureError as RpcStatus) : undefined;
    if (!failure || failure.code === 0 || (failure.code === undefined && errorsOf(failure).length === 0 && failure.message === undefined)) return { status: 'delivered' };
    return partialFailure(failure, request, ctx.now);
  }

  const rpc: RpcStatus = isJsonObject(json.error) ? (json.error as RpcStatus) : {};
  const errors = errorsOf(rpc);
  const codes = errors.map(codeOf).filter((c): c is { kind: string; code: string } => c !== undefined);
  const message = typeof rpc.message === 'string' ? oneLine(rpc.message) : '';
  const what = excerpt(errors.length > 0 ? errors.map(saidOf).join('; ') : [typeof rpc.status === 'string' ? rpc.status : '', message].filter(Boolean).join(': ') || oneLine(response.body ?? '') || '(no body)');
  const retryAfter = () => parseRetryAfter(responseHeader(response.headers ?? {}, 'retry-after'));

  if (status === 429 || codes.some((c) => c.kind === 'quotaError')) {
    const wait = retryDelayOf(errors) ?? retryAfter() ?? RATE_LIMIT_WAIT_MS;
    return { status: 'retry', reason: `Google Ads quota reached (HTTP ${status}, ${what}): the Cloud project's daily operations and Google's per-account request rates`, retryAfterMs: wait, throttled: true };
  }
  if (status >= 500 || status === 408 || status === 409 || codes.some((c) => TRANSIENT.has(c.code))) {
    const wait = retryAfter();
    const reason = `Google Ads HTTP ${status}: ${what}`;
    return wait === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs: wait };
  }
  for (const { code } of codes) {
    if (code === 'TOO_MANY_CONVERSIONS_IN_REQUEST' && count > 1) return { status: 'split', reason: `Google Ads refused the number of conversions (HTTP ${status}, ${what}); sending them in halves` };
    const remedy = requestRemedy(code, ctx);
    if (remedy !== undefined) return { status: 'dead_letter', reason: `Google Ads refused the upload (HTTP ${status}, ${what}): ${remedy}, then replay the dead letters` };
  }
  if (status === 401) {
    return { status: 'dead_letter', reason: `Google Ads refused the access token (HTTP 401, ${what}): Signal renewed it with the refresh token and Google refused the new one too — the Google account that authorised Signal may have lost access to Google Ads or revoked Signal's. Authorise Signal again (see the Google Ads plugin README), store the new refresh token in config.refresh_token in a new revision, then replay the dead letters` };
  }
  if (status === 403) {
    const disabled = /SERVICE_DISABLED|has not been used in project|is disabled/i.test(`${response.body ?? ''}`);
    const fix = disabled
      ? 'the Google Ads API is not enabled in the Google Cloud project of the OAuth client: enable it (APIs & Services > Library > Google Ads API)'
      : 'the authorised Google account, or the Cloud project, may not upload to this account: check config.customer_id and config.login_customer_id, the account\'s user access, and the project\'s API access level';
    return { status: 'dead_letter', reason: `Google Ads refused the upload (HTTP 403, ${what}): ${fix}, then replay the dead letters` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `Google Ads answered 404 (${what}): Google removes a version's address after its sunset — set config.api_version to a current one — or config.customer_id is not ten digits` };
  }
  if (status === 413) {
    return count > 1 ? { status: 'split', reason: `Google Ads refused the request's size (HTTP 413); sending it in halves` } : { status: 'dead_letter', reason: `Google Ads refused the conversion's size (HTTP 413, ${what})` };
  }
  if (status === 400) {
    const named = new Map<number, AdsError[]>();
    for (const error of errors) {
      const index = conversionIndex(error, count);
      if (index !== undefined) named.set(index, [...(named.get(index) ?? []), error]);
    }
    if (named.size > 0) {
      const perEvent: Record<string, EventOutcome> = {};
      request.eventIds.forEach((id, index) => {
        const list = named.get(index);
        perEvent[id] = list !== undefined
          ? { status: 'dead_letter', reason: `Google Ads refused the conversion (HTTP 400, ${list.map(saidOf).join('; ')})` }
          : { status: 'resend', reason: `Google Ads refused the whole upload (HTTP 400) for ${named.size === 1 ? 'another conversion' : `${named.size} other conversions`} of it, so this one was not recorded: sending it again without ${named.size === 1 ? 'it' : 'them'}` };
      });
      return { perEvent };
    }
    return { status: 'dead_letter', reason: `Google Ads refused the upload (HTTP 400, ${what})` };
  }
  const fallback = defaultClassify(response);
  if (fallback.status === 'delivered') return fallback;
  return { ...fallback, reason: `Google Ads HTTP ${status}: ${what}` };
}
