import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Classification, EventOutcome, JsonObject, JsonValue, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import { classifyDataManager } from './classify.ts';
import { durationMs, indexIn, oneLine, readGoogleError, violationText } from './google-status.ts';
import { remedyFor } from './remedies.ts';

const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ customer_id: '123-456-7890', refresh_token: '1//0g', client_id: 'c.apps.googleusercontent.com', client_secret: 's', conversion_actions: { 'Order Completed': '111' }, ...extra });
const SA = { refresh_token: undefined as never, service_account_key: '{"type":"service_account"}' };
const json = (status: number, body: JsonValue, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: JSON.stringify(body), json: body });
/** A request of `actions.length` events, each for the action named (one destination per distinct action). */
const request = (actions: string[] = ['111', '111']): RequestDescriptor => ({
  method: 'POST', url: 'https://datamanager.googleapis.com/v1/events:ingest', eventIds: actions.map((_, i) => `e${i}`),
  body: {
    destinations: [...new Set(actions)].map((a) => ({ reference: `action_${a}`, operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' }, productDestinationId: a })),
    events: actions.map((a, i) => ({ destinationReferences: [`action_${a}`], transactionId: `t${i}` })),
    encoding: 'HEX',
  },
});
const classify = (response: VendorResponse, actions?: string[], c = config()) => classifyDataManager(response, request(actions), { config: c });
const googleError = (status: number, code: string, message: string, ...details: JsonObject[]): VendorResponse => json(status, { error: { code: status, message, status: code, details } });
const badRequest = (...violations: JsonObject[]): JsonObject => ({ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations });
const errorInfo = (reason: string, metadata: JsonObject = {}): JsonObject => ({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'datamanager.googleapis.com', metadata });
const reasonOf = (c: Classification | EventOutcome | undefined) => (c as { reason: string }).reason;
const statusOf = (c: Classification | EventOutcome | undefined) => (c as { status?: string }).status;
const perEvent = (c: Classification) => (c as { perEvent: Record<string, EventOutcome> }).perEvent;

test('Google\'s error body read: status, message, ErrorInfo and violation reasons, violations, RetryInfo, metadata, request id', () => {
  const error = readGoogleError({ error: { code: 400, status: 'INVALID_ARGUMENT', message: 'Request contains\n an invalid argument.', details: [
    badRequest({ field: 'events[3].ad_identifiers.gclid', description: 'Invalid gclid.', reason: 'INVALID_FORMAT' }, { field: 'events[0].currency', description: 'Bad.' }, 'junk' as never),
    errorInfo('INVALID_ARGUMENT', { activationUrl: 'https://console.example', count: 3 }),
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' },
    { '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId: 'req-9' },
    'junk',
  ] } });
  assert.deepEqual(error, {
    status: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.', reasons: ['INVALID_ARGUMENT', 'INVALID_FORMAT'],
    violations: [{ field: 'events[3].ad_identifiers.gclid', description: 'Invalid gclid.', reason: 'INVALID_FORMAT' }, { field: 'events[0].currency', description: 'Bad.' }],
    retryDelayMs: 1500, metadata: { activationUrl: 'https://console.example' }, requestId: 'req-9',
  });
  assert.deepEqual(readGoogleError('not json'), { message: '', reasons: [], violations: [], metadata: {} });
  assert.deepEqual(readGoogleError({ error: 'flat' }), { message: '', reasons: [], violations: [], metadata: {} });
  assert.deepEqual([durationMs('29s'), durationMs(' 0.25s '), durationMs('1m'), durationMs(5)], [29000, 250, undefined, undefined]);
  assert.deepEqual([indexIn('events[3].adIdentifiers.gclid', 'events'), indexIn('request.events[12].currency', 'events'), indexIn('destinations[1].product_destination_id', 'destinations'), indexIn('destinations[1]', 'events'), indexIn('myevents[1]', 'events')], [3, 12, 1, undefined, undefined]);
  assert.equal(violationText({ field: '', description: '' }), 'no description');
  assert.equal(oneLine('x'.repeat(400)).length, 300);
});

test('2xx: delivered (the request id and field warnings stay in the delivery log)', () => {
  assert.deepEqual(classify(json(200, { requestId: 'r-1' })), { status: 'delivered' });
  assert.deepEqual(classify(json(200, { requestId: 'r-1', fieldWarnings: [{ reason: 'WARNING_REASON_GENERIC', field: 'events[0].cart_data', description: 'ignored' }] })), { status: 'delivered' });
  assert.deepEqual(classify({ status: 204, headers: {}, body: '' }), { status: 'delivered' });
  // Google's answer with its content type, and a page that is not Google's: sent again, never counted queued.
  assert.deepEqual(classify(json(200, { requestId: '126365e1-16d0-4c81-9de9-f362711e250a' }, { 'content-type': 'application/json; charset=UTF-8' })), { status: 'delivered' });
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(classify({ status: 200, headers: { 'content-type': 'text/html' }, body: page }), { status: 'retry', reason: `HTTP 200 without the Data Manager API's JSON answer (requestId): ${page} — not Google's answer (a proxy?), so the events are sent again` });
});

test('the quota: 429 RESOURCE_EXHAUSTED as a rate limit, after RetryInfo, else Retry-After, else a minute', () => {
  const quota = (details: JsonObject[], headers: Record<string, string> = {}) => classify(json(429, { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded.', details } }, headers));
  assert.deepEqual(quota([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '42s' }]), { status: 'retry', reason: 'the Data Manager API\'s quota reached (HTTP 429, RESOURCE_EXHAUSTED: Quota exceeded.): 300 requests a minute and 100,000 a day per Google Cloud project', retryAfterMs: 42_000, throttled: true });
  assert.equal((quota([], { 'Retry-After': '7' }) as { retryAfterMs: number }).retryAfterMs, 7000);
  assert.equal((quota([]) as { retryAfterMs: number }).retryAfterMs, 60_000);
  assert.equal(statusOf(classify(googleError(400, 'RESOURCE_EXHAUSTED', 'Too many requests.'))), 'retry', 'RESOURCE_EXHAUSTED whatever the status');
  assert.equal((classify(googleError(400, 'FAILED_PRECONDITION', 'x', errorInfo('RESOURCE_EXHAUSTED'))) as { throttled?: boolean }).throttled, true);
});

test('Google\'s failures retried: 5xx, 408, 409, UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL_ERROR; Retry-After and RetryInfo honoured', () => {
  assert.deepEqual(classify(googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.')), { status: 'retry', reason: 'the Data Manager API HTTP 503: UNAVAILABLE: The service is currently unavailable.' });
  assert.deepEqual(classify(json(500, { error: { code: 500, status: 'INTERNAL', message: 'Internal error.' } }, { 'retry-after': '3' })), { status: 'retry', reason: 'the Data Manager API HTTP 500: INTERNAL: Internal error.', retryAfterMs: 3000 });
  for (const status of [408, 409, 502, 504]) assert.equal(statusOf(classify({ status, headers: {}, body: 'oops' })), 'retry', String(status));
  assert.equal(reasonOf(classify({ status: 502, headers: {}, body: '' })), 'the Data Manager API HTTP 502: (no body)');
  assert.equal(statusOf(classify(googleError(400, 'DEADLINE_EXCEEDED', 'Deadline.'))), 'retry');
  assert.equal(statusOf(classify(googleError(400, 'INVALID_ARGUMENT', 'x', errorInfo('INTERNAL_ERROR')))), 'retry');
  assert.equal((classify(googleError(503, 'UNAVAILABLE', 'x', { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '5s' })) as { retryAfterMs: number }).retryAfterMs, 5000);
});

test('401 after the core\'s renewal, and 403: dead-lettered saying what to fix, by the credential and the reason', () => {
  const unauthenticated = googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
  assert.match(reasonOf(classify(unauthenticated)), /^the Data Manager API refused the access token \(HTTP 401, UNAUTHENTICATED: Request had invalid authentication credentials\.\): Signal renewed it with the refresh token .* config\.refresh_token in a new revision, then replay the dead letters$/);
  assert.match(reasonOf(classify(unauthenticated, undefined, config(SA))), /Signal obtained a new token with the service account's key .* config\.service_account_key/);
  const disabled = classify(googleError(403, 'PERMISSION_DENIED', 'Data Manager API has not been used in project 123 before or it is disabled.', errorInfo('SERVICE_DISABLED', { activationUrl: 'https://console.developers.google.com/apis/api/datamanager.googleapis.com/overview?project=123' })));
  assert.equal(statusOf(disabled), 'dead_letter');
  assert.match(reasonOf(disabled), /the Data Manager API is not enabled in the Google Cloud project of the credential .* \(https:\/\/console\.developers\.google\.com\/apis\/api\/datamanager\.googleapis\.com\/overview\?project=123\), then replay the dead letters$/);
  assert.match(reasonOf(classify(json(403, { error: { code: 403, message: 'Data Manager API has not been used in project 9 before or it is disabled.' } }))), /is not enabled in the Google Cloud project/, 'recognised by its words too');
  const scope = classify(googleError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', errorInfo('ACCESS_TOKEN_SCOPE_INSUFFICIENT')));
  assert.match(reasonOf(scope), /authorised without the scope https:\/\/www\.googleapis\.com\/auth\/datamanager \(a refresh token made for the Google Ads API carries only …\/auth\/adwords\)/);
  assert.match(reasonOf(classify(json(403, { error: { code: 403, message: 'Request had insufficient authentication scopes.' } }), undefined, config(SA))), /the service account's token lacks the scope/);
  const denied = googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission', errorInfo('PERMISSION_DENIED'));
  assert.match(reasonOf(classify(denied)), /the Google account that authorised Signal \(config\.refresh_token\) has no access to Google Ads account 1234567890: add its email as a user .* set config\.login_customer_id/);
  assert.match(reasonOf(classify(denied, undefined, config({ ...SA, login_customer_id: '987-654-3210' }))), /the service account \(its client_email in config\.service_account_key\) has no access to Google Ads account 1234567890 through manager account 9876543210/);
  assert.match(reasonOf(classify(json(403, {}))), /has no access to Google Ads account 1234567890/, 'a bare 403: access to the account');
  assert.match(reasonOf(classify(googleError(403, 'PERMISSION_DENIED', 'Not allowlisted.', errorInfo('NOT_ALLOWLISTED')))), /not on the allowlist/);
  assert.match(reasonOf(classify(googleError(403, 'PERMISSION_DENIED', 'Terms.', errorInfo('TERMS_AND_CONDITIONS_NOT_SIGNED')))), /accept the customer data terms in Google Ads account 1234567890/);
});

test('field violations naming events: those dead-lettered with Google\'s words, the others sent again (fast fail: none was recorded)', () => {
  const refused = classify(googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.',
    badRequest({ field: 'events[1].ad_identifiers.gclid', description: 'The gclid could not be decoded.', reason: 'INVALID_FORMAT' }, { field: 'events[1].currency', description: 'Unsupported currency.', reason: 'INVALID_CURRENCY_CODE' }, { field: 'events[7].x', description: 'out of range' }),
    errorInfo('INVALID_ARGUMENT')), ['111', '111', '111']);
  assert.deepEqual(perEvent(refused), {
    e0: { status: 'resend', reason: 'the Data Manager API refused the whole request (HTTP 400) for another event of it, so this one was not recorded: sending it again without it' },
    e1: { status: 'dead_letter', reason: 'the Data Manager API refused the event (HTTP 400, events[1].ad_identifiers.gclid: The gclid could not be decoded. (INVALID_FORMAT); events[1].currency: Unsupported currency. (INVALID_CURRENCY_CODE)): the currency is not one Google Ads supports (an ISO 4217 code), then replay the dead letter' },
    e2: { status: 'resend', reason: 'the Data Manager API refused the whole request (HTTP 400) for another event of it, so this one was not recorded: sending it again without it' },
  });
  const two = perEvent(classify(googleError(400, 'INVALID_ARGUMENT', 'x', badRequest({ field: 'events[0].event_timestamp', description: 'Too old.', reason: 'EVENT_TIME_INVALID' }, { field: 'events[2].user_data', description: 'No identifiers.' })), ['111', '111', '111']));
  assert.deepEqual([two.e0!.status, two.e1!.status, two.e2!.status], ['dead_letter', 'resend', 'dead_letter']);
  assert.match(reasonOf(two.e0), /events\[0\]\.event_timestamp: Too old\. \(EVENT_TIME_INVALID\)\): the event's time is outside the window/);
  assert.match(reasonOf(two.e1), /for 2 other events of it, so this one was not recorded: sending it again without them/);
});

test('field violations naming a destination: its events dead-lettered with what to fix, the other actions\' events sent again', () => {
  const wrongType = googleError(400, 'INVALID_ARGUMENT', 'Invalid conversion action type.', badRequest({ field: 'destinations[1].product_destination_id', description: 'The conversion action type is not valid.', reason: 'INVALID_CONVERSION_ACTION_TYPE' }));
  const outcomes = perEvent(classify(wrongType, ['111', '222', '111', '222']));
  assert.deepEqual(Object.values(outcomes).map((o) => o.status), ['resend', 'dead_letter', 'resend', 'dead_letter']);
  assert.match(reasonOf(outcomes.e1), /destinations\[1\]\.product_destination_id: The conversion action type is not valid\. \(INVALID_CONVERSION_ACTION_TYPE\)\): offline conversions go to conversion actions of type Import > Clicks \(UPLOAD_CLICKS/);
  const single = perEvent(classify(googleError(400, 'INVALID_ARGUMENT', 'x', badRequest({ field: 'destinations[0].operating_account.account_id', description: 'Not found.', reason: 'INVALID_DESTINATION' })), ['111', '111']));
  assert.deepEqual(Object.values(single).map((o) => o.status), ['dead_letter', 'dead_letter'], 'one destination: all its events');
  assert.match(reasonOf(single.e0), /check config\.customer_id \(1234567890/);
  assert.match(reasonOf(perEvent(classify(googleError(400, 'INVALID_ARGUMENT', 'x', badRequest({ field: 'destinations[0].product_destination_id', description: 'Unknown action.' }), errorInfo('INVALID_CONVERSION_ACTION_ID')), ['111'])).e0), /config\.conversion_actions names a conversion action that is not one of Google Ads account 1234567890/, 'the ErrorInfo reason\'s remedy');
  assert.deepEqual(perEvent(classify(googleError(400, 'INVALID_ARGUMENT', 'x', badRequest({ field: 'destinations[5].x', description: 'No such.' }, { field: 'events[0].y', description: 'Bad.' })), ['111', '111'])).e1!.status, 'resend', 'a destination the request lacks is ignored');
});

test('refusals naming no event: too many, a destination or an event unnamed (split while several), anything else dead-lettered with Google\'s words', () => {
  assert.deepEqual(classify(googleError(400, 'INVALID_ARGUMENT', 'Too many events.', errorInfo('TOO_MANY_EVENTS'))), { status: 'split', reason: 'the Data Manager API refused the request\'s size (HTTP 400, INVALID_ARGUMENT: Too many events. (TOO_MANY_EVENTS)); sending it in halves' });
  assert.equal(statusOf(classify(googleError(400, 'INVALID_ARGUMENT', 'x', errorInfo('TOO_MANY_DESTINATIONS')), ['1', '2'])), 'split');
  assert.equal(statusOf(classify(googleError(400, 'INVALID_ARGUMENT', 'Invalid conversion action.', errorInfo('INVALID_CONVERSION_ACTION_ID')), ['1', '2'])), 'split', 'several destinations: halve to find the action');
  const one = classify(googleError(400, 'INVALID_ARGUMENT', 'Invalid conversion action.', errorInfo('INVALID_CONVERSION_ACTION_ID')), ['1', '1']);
  assert.equal(reasonOf(one), 'the Data Manager API refused the request (HTTP 400, INVALID_ARGUMENT: Invalid conversion action. (INVALID_CONVERSION_ACTION_ID)): config.conversion_actions names a conversion action that is not one of Google Ads account 1234567890 (Goals > Conversions > Summary: the action\'s ID, the ctId in its address), or is removed, then replay the dead letters');
  assert.equal(statusOf(classify(googleError(400, 'INVALID_ARGUMENT', 'No identifiers.', errorInfo('NO_IDENTIFIERS_PROVIDED')), ['1', '1'])), 'split', 'an event blamed, not named');
  assert.match(reasonOf(classify(googleError(400, 'INVALID_ARGUMENT', 'No identifiers.', errorInfo('NO_IDENTIFIERS_PROVIDED')), ['1'])), /\(NO_IDENTIFIERS_PROVIDED\)\): the event has neither a click id nor a user identifier/);
  assert.equal(statusOf(classify(googleError(400, 'INVALID_ARGUMENT', 'Country code is not valid.', errorInfo('INVALID_COUNTRY_CODE')), ['1', '1'])), 'split', 'ErrorReason INVALID_COUNTRY_CODE (an address\'s regionCode) is an event\'s');
  assert.equal(statusOf(classify(googleError(400, 'INVALID_ARGUMENT', 'x', errorInfo('TOO_MANY_EVENTS')), ['1'])), 'dead_letter', 'one event: nothing to split');
  assert.deepEqual(classify(googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.')), { status: 'dead_letter', reason: 'the Data Manager API refused the request (HTTP 400, INVALID_ARGUMENT: Invalid JSON payload received.), then replay the dead letters' }, 'not split: halving a request refused for its own sake spends the quota');
  assert.match(reasonOf(classify(googleError(400, 'FAILED_PRECONDITION', 'Declare.', errorInfo('EU_POLITICAL_ADVERTISING_DECLARATION_REQUIRED')), ['1'])), /EU political advertising declaration/);
  assert.match(reasonOf(classify(googleError(400, 'INVALID_ARGUMENT', 'x', errorInfo('OPERATING_ACCOUNT_LOGIN_ACCOUNT_MISMATCH')), ['1'])), /config\.login_customer_id is not an account/);
  assert.match(reasonOf(classify(googleError(400, 'INVALID_ARGUMENT', 'x', errorInfo('DESTINATION_ACCOUNT_NOT_ENABLED_ENHANCED_CONVERSIONS_FOR_LEADS')), ['1'])), /turn on enhanced conversions for leads .* or set config\.enhanced_conversions to false/);
  assert.match(reasonOf(classify(googleError(400, 'INVALID_ARGUMENT', 'x', errorInfo('DESTINATION_ACCOUNT_DATA_POLICY_PROHIBITS_ENHANCED_CONVERSIONS')), ['1'])), /customer data policies bar enhanced conversions/);
  assert.match(reasonOf(classify(googleError(400, 'INVALID_ARGUMENT', 'x', errorInfo('DESTINATION_ACCOUNT_ENHANCED_CONVERSIONS_TERMS_NOT_SIGNED')), ['1'])), /accept the customer data terms/);
});

test('413, 404 and other statuses', () => {
  assert.deepEqual(classify({ status: 413, headers: {}, body: '' }), { status: 'split', reason: 'the Data Manager API refused the request\'s size (HTTP 413); sending it in halves' });
  assert.equal(statusOf(classify({ status: 413, headers: {}, body: '' }, ['1'])), 'dead_letter');
  assert.match(reasonOf(classify(googleError(404, 'NOT_FOUND', 'Not found.'))), /^the Data Manager API answered 404 \(NOT_FOUND: Not found\.\): the address https:\/\/datamanager\.googleapis\.com\/v1\/events:ingest is not Google's .*: check config\.customer_id/);
  assert.deepEqual(classify({ status: 418, headers: {}, body: 'teapot' }), { status: 'dead_letter', reason: 'the Data Manager API refused the request (HTTP 418, teapot), then replay the dead letters' });
  assert.deepEqual(classify({ status: 302, headers: {}, body: 'moved' }), { status: 'dead_letter', reason: 'the Data Manager API HTTP 302: moved' });
  assert.equal(remedyFor('SOMETHING_NEW', config()), undefined);
});
