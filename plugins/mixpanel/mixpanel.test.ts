import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import mixpanel, { validateMixpanelConfig } from './index.ts';
import { classifyMixpanel } from './classify.ts';
import { fitEvent, fitPayload, fitProfileUpdate, RESERVED_EVENT_PROPERTIES } from './fit-to-mixpanel.ts';
import { distinctIdOf, insertIdFor, usableId } from './identity.ts';
import { normalizeDate, normalizeEmail, normalizePhone } from './profile-properties.ts';
import { forgetPerson, MAX_BYTES } from './requests.ts';

const TOKEN = '0123456789abcdef0123456789abcdef';
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({
  config: { project_token: TOKEN, region: 'us', ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: Date.parse('2024-03-24T16:00:00Z'),
});
const SERVICE_ACCOUNT = { service_account_username: 'signal.1a2b3c.mp-service-account', service_account_secret: 'sa-secret-0123456789', project_id: '1234567' };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc123def456', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', page: { url: 'https://example.com/signup', referrer: 'https://www.google.com/' } },
  ...overrides,
} as CanonicalEvent);
const eventRecord = (id: string, extra: JsonObject = {}): MappedEvent => ({
  id, event: browserEvent({ messageId: id }), payload: { event: 'Signed Up', properties: { time: 1711296000000, distinct_id: 'u-1', $insert_id: id.replace('#', '-'), ...extra } },
});
const profileRecord = (id: string): MappedEvent => ({ id, event: browserEvent({ type: 'identify', messageId: id }), payload: { $distinct_id: 'u-1', $ip: '203.0.113.42', $set: { plan: 'pro' } } });
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? (/^[\d[{]/.test(body) ? JSON.parse(body) : undefined) : body });
const importRequest = (count: number): RequestDescriptor => mixpanel.send(Array.from({ length: count }, (_, i) => eventRecord(`e${i}`)), ctx())[0]!;
const engageRequest = (count: number): RequestDescriptor => mixpanel.send(Array.from({ length: count }, (_, i) => profileRecord(`p${i}`)), ctx())[0]!;
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');

test('send: events to POST /import?strict=1 with the project token as Basic user, the records as a JSON array', () => {
  const [request] = mixpanel.send([eventRecord('e0'), eventRecord('e1')], ctx());
  assert.deepEqual(request, {
    method: 'POST', url: 'https://api.mixpanel.com/import', query: [['strict', '1']],
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: basic(TOKEN, '') },
    body: [eventRecord('e0').payload, eventRecord('e1').payload], eventIds: ['e0', 'e1'],
  });
});

test('send: a service account is Basic username:secret with project_id; the project secret is Basic secret:; regions pick the host', () => {
  const sa = mixpanel.send([eventRecord('e0')], ctx({ ...SERVICE_ACCOUNT, region: 'eu' }))[0]!;
  assert.equal(sa.url, 'https://api-eu.mixpanel.com/import');
  assert.deepEqual(sa.query, [['strict', '1'], ['project_id', '1234567']]);
  assert.equal(sa.headers!.authorization, basic('signal.1a2b3c.mp-service-account', 'sa-secret-0123456789'));
  const secret = mixpanel.send([eventRecord('e0')], ctx({ api_secret: 'legacy-secret-0123', region: 'in' }))[0]!;
  assert.equal(secret.url, 'https://api-in.mixpanel.com/import');
  assert.deepEqual(secret.query, [['strict', '1']]);
  assert.equal(secret.headers!.authorization, basic('legacy-secret-0123', ''));
  assert.deepEqual(mixpanel.send([profileRecord('p0')], ctx({ region: 'in' })).map((r) => r.url), ['https://api-in.mixpanel.com/engage']);
  assert.deepEqual(mixpanel.send([profileRecord('p0')], ctx({ region: 'eu' })).map((r) => r.url), ['https://api-eu.mixpanel.com/engage']);
  const both = mixpanel.send([eventRecord('e0')], ctx({ ...SERVICE_ACCOUNT, api_secret: 'legacy-secret-0123' }))[0]!;
  assert.equal(both.headers!.authorization, basic('signal.1a2b3c.mp-service-account', 'sa-secret-0123456789'), 'the service account wins');
});

test('send: profile updates to POST /engage?verbose=1&strict=1, each with $token first; one batch of both kinds is two requests, every event once', () => {
  const requests = mixpanel.send([eventRecord('e0'), profileRecord('p0'), eventRecord('e1'), profileRecord('p1')], ctx({ ...SERVICE_ACCOUNT }));
  assert.deepEqual(requests.map((r) => [r.url, r.eventIds]), [['https://api.mixpanel.com/import', ['e0', 'e1']], ['https://api.mixpanel.com/engage', ['p0', 'p1']]]);
  const engage = requests[1]!;
  assert.deepEqual(engage.query, [['verbose', '1'], ['strict', '1']]);
  assert.deepEqual(engage.headers, { 'content-type': 'application/json', accept: 'application/json' }, 'the token travels in the body: no credential header');
  assert.deepEqual(engage.body, [
    { $token: TOKEN, $distinct_id: 'u-1', $ip: '203.0.113.42', $set: { plan: 'pro' } },
    { $token: TOKEN, $distinct_id: 'u-1', $ip: '203.0.113.42', $set: { plan: 'pro' } },
  ]);
  assert.deepEqual(Object.keys((engage.body as JsonObject[])[0]!), ['$token', '$distinct_id', '$ip', '$set']);
});

test('send: at most 2,000 records and 2 MiB a request (the limit Mixpanel\'s 413 names), profile updates measured with their $token', () => {
  assert.equal(MAX_BYTES, 2_097_152);
  assert.deepEqual(mixpanel.batch, { maxEvents: 2000, maxBytes: 2_097_152 });
  const many = mixpanel.send(Array.from({ length: 4500 }, (_, i) => eventRecord(`e${i}`)), ctx());
  assert.deepEqual(many.map((r) => r.eventIds.length), [2000, 2000, 500]);
  const updates = mixpanel.send(Array.from({ length: 2001 }, (_, i) => profileRecord(`p${i}`)), ctx());
  assert.deepEqual(updates.map((r) => r.eventIds.length), [2000, 1]);
  // Each record is 20,106 bytes of JSON (+1 for its comma): 104 fit in 2 MiB less the brackets.
  const heavy = Array.from({ length: 300 }, (_, i) => eventRecord(`h${String(i).padStart(3, '0')}`, { pad: 'x'.repeat(20_000) }));
  assert.equal(Buffer.byteLength(JSON.stringify(heavy[0]!.payload)), 20_106);
  const parts = mixpanel.send(heavy, ctx());
  assert.deepEqual(parts.map((r) => r.eventIds.length), [104, 104, 92]);
  for (const part of parts) assert.ok(Buffer.byteLength(JSON.stringify(part.body)) <= 2_097_152);
  // 19,950 bytes an update as mapped (105 would fit), 19,994 with its $token (104 fit).
  const heavyUpdates = Array.from({ length: 300 }, (_, i): MappedEvent => ({ ...profileRecord(`q${i}`), payload: { $distinct_id: 'u-1', $ip: '0', $set: { pad: 'x'.repeat(19_900) } } }));
  assert.equal(Buffer.byteLength(JSON.stringify(heavyUpdates[0]!.payload)), 19_950);
  const engageParts = mixpanel.send(heavyUpdates, ctx());
  assert.deepEqual(engageParts.map((r) => r.eventIds.length), [104, 104, 92], 'the $token each update carries is counted');
  for (const part of engageParts) assert.ok(Buffer.byteLength(JSON.stringify(part.body)) <= 2_097_152);
  assert.deepEqual(mixpanel.rateLimit, { rps: 10, burst: 15 }, 'within ~30,000 events/s per project');
});

test('map: a record of 1 MB or more (Mixpanel\'s limit on one event or profile update) is refused with its size', () => {
  const big = { event: 'Big', properties: { pad: 'x'.repeat(1_000_000) } };
  assert.throws(() => fitPayload(big, browserEvent()), { name: 'PermanentError', message: /^Mixpanel refuses an event of 1 MB or more of JSON and this one has 1000\d{3} bytes: leave its largest properties out/ });
  assert.throws(() => fitPayload({ $distinct_id: 'u', $set: { pad: 'x'.repeat(1_000_000) } }, browserEvent()), { name: 'PermanentError', message: /^Mixpanel refuses a profile update of 1 MB or more of JSON and this one has 10000\d{2} bytes/ });
});

test('classify /import: 200 delivered; a 400 with failed_records dead-letters exactly those (by index, else $insert_id), the others were ingested', () => {
  const request = importRequest(4);
  assert.deepEqual(classifyMixpanel(answer(200, { code: 200, num_records_imported: 4, status: 'OK' }), request, ctx()), { status: 'delivered' });
  const refused = classifyMixpanel(answer(400, {
    code: 400, error: 'some data points in the request failed validation', status: 'Bad Request', num_records_imported: 2,
    failed_records: [
      { index: 1, insert_id: 'e1', field: 'properties.time', message: "'properties.time' is invalid: must be specified as seconds since epoch" },
      { $insert_id: 'e3', field: 'properties.utm_source', message: 'properties.utm_source is invalid: string should be valid utf8' },
    ],
  }), request, ctx());
  assert.deepEqual(refused, { perEvent: {
    e1: { status: 'dead_letter', reason: "Mixpanel refused the event (properties.time): 'properties.time' is invalid: must be specified as seconds since epoch" },
    e3: { status: 'dead_letter', reason: 'Mixpanel refused the event (properties.utm_source): properties.utm_source is invalid: string should be valid utf8' },
  } });
  const whole = classifyMixpanel(answer(400, { code: 400, error: 'unable to parse JSON body', status: 'Bad Request' }), request, ctx());
  assert.deepEqual(whole, { status: 'dead_letter', reason: 'Mixpanel refused the request (HTTP 400): unable to parse JSON body' });
  const coded = classifyMixpanel(answer(200, { code: 401, error: 'Invalid credentials', status: 'Unauthorized' }), request, ctx());
  assert.equal((coded as { status: string }).status, 'dead_letter', 'an error code in a 200 body is that error');
});

test('classify: bad credentials dead-letter saying which config field to fix, for the credential in use', () => {
  const request = importRequest(2);
  const unauthorized = answer(401, { code: 401, error: 'Invalid credentials', status: 'Unauthorized' });
  assert.match(reasonOf(classifyMixpanel(unauthorized, request, ctx())), /^Mixpanel refused the project token \(HTTP 401\): check config\.project_token .*config\.region.*\(Mixpanel: Invalid credentials\)$/);
  assert.match(reasonOf(classifyMixpanel(unauthorized, request, ctx(SERVICE_ACCOUNT))), /refused the service account \(HTTP 401\): check config\.service_account_username and config\.service_account_secret/);
  assert.match(reasonOf(classifyMixpanel(unauthorized, request, ctx({ api_secret: 'legacy-secret-0123' }))), /refused the project secret \(HTTP 401\): check config\.api_secret/);
  const forbidden = classifyMixpanel(answer(403, { error: 'forbidden', status: 'error' }), request, ctx(SERVICE_ACCOUNT));
  assert.deepEqual(forbidden, {
    status: 'dead_letter',
    reason: 'Mixpanel refused the service account for project 1234567 (HTTP 403): /import needs a service account with the Owner or Admin role on that project (Organization Settings > Service Accounts), and config.project_id must be that project\'s ID (Mixpanel: forbidden)',
  });
});

test('classify: 429 and 502/503 wait at least 2 s (Retry-After honoured), 5xx retries, 413 splits, other 4xx dead-letter', () => {
  const request = importRequest(2);
  const limited = answer(429, { code: 429, error: 'Project exceeded rate limits. Please retry the request with exponential backoff.', status: 'Too Many Requests' });
  assert.deepEqual(classifyMixpanel(limited, request, ctx()), { status: 'retry', reason: 'Mixpanel rate-limited the project (HTTP 429): Project exceeded rate limits. Please retry the request with exponential backoff.', retryAfterMs: 2000 });
  assert.equal((classifyMixpanel({ ...limited, headers: { 'Retry-After': '30' } }, request, ctx()) as { retryAfterMs: number }).retryAfterMs, 30_000);
  assert.deepEqual(classifyMixpanel(answer(200, { code: 429, error: 'Project exceeded rate limits.' }), request, ctx()), { status: 'retry', reason: 'Mixpanel rate-limited the project (HTTP 200, code 429): Project exceeded rate limits.', retryAfterMs: 2000, throttled: true }, 'a rate limit in a 200 body is handled as a 429');
  assert.deepEqual(classifyMixpanel(answer(503, 'unavailable'), request, ctx()), { status: 'retry', reason: 'Mixpanel HTTP 503: unavailable', retryAfterMs: 2000 });
  assert.equal((classifyMixpanel(answer(500, { error: 'internal' }), request, ctx()) as { status: string }).status, 'retry');
  const tooLarge = answer(413, { code: 413, error: 'request exceeds max limit of 2097152 bytes', status: 'Request Entity Too Large' });
  assert.deepEqual(classifyMixpanel(tooLarge, request, ctx()), { status: 'split', reason: 'Mixpanel: the request is too large (HTTP 413: request exceeds max limit of 2097152 bytes); sending it in halves' });
  assert.deepEqual(classifyMixpanel(tooLarge, importRequest(1), ctx()), {
    status: 'dead_letter', reason: 'Mixpanel refused this event alone as too large (HTTP 413: request exceeds max limit of 2097152 bytes): leave its largest properties out with a pipeline transformation or the blueprint\'s exclude',
  }, 'one event: halves cannot help');
  assert.deepEqual(classifyMixpanel(tooLarge, engageRequest(1), ctx()), {
    status: 'dead_letter', reason: 'Mixpanel refused this profile update alone as too large (HTTP 413: request exceeds max limit of 2097152 bytes): leave its largest properties out with a pipeline transformation or the blueprint\'s exclude',
  });
  assert.deepEqual(classifyMixpanel(answer(404, 'not found'), request, ctx()), { status: 'dead_letter', reason: 'Mixpanel HTTP 404: not found' });
});

test('classify /engage (verbose=1, as its reference documents): status 1 delivered; status 0 (no update valid) dead-letters every update, none split; a token error names config.project_token', () => {
  assert.deepEqual(classifyMixpanel(answer(200, { status: 1, error: null }), engageRequest(3), ctx()), { status: 'delivered' });
  assert.deepEqual(classifyMixpanel(answer(200, '1'), engageRequest(1), ctx()), { status: 'delivered' });
  const refused = answer(200, { status: 0, error: '$set must be an object' });
  assert.deepEqual(classifyMixpanel(refused, engageRequest(3), ctx()), { status: 'dead_letter', reason: 'Mixpanel refused all 3 profile updates of the request, none valid (HTTP 200, status 0): $set must be an object' });
  assert.deepEqual(classifyMixpanel(refused, engageRequest(1), ctx()), { status: 'dead_letter', reason: 'Mixpanel refused the profile update (HTTP 200, status 0): $set must be an object' });
  assert.deepEqual(classifyMixpanel(answer(200, '0'), engageRequest(2), ctx()), { status: 'dead_letter', reason: 'Mixpanel refused all 2 profile updates of the request, none valid (HTTP 200, status 0): 0' }, 'the non-verbose 0');
  assert.deepEqual(classifyMixpanel(answer(400, { error: 'Engage API error: $distinct_id, missing or empty', status: 0 }), engageRequest(2), ctx()), { status: 'dead_letter', reason: 'Mixpanel refused all 2 profile updates of the request, none valid (HTTP 400): Engage API error: $distinct_id, missing or empty' });
  const token = classifyMixpanel(answer(200, { status: 0, error: 'Invalid token' }), engageRequest(3), ctx());
  assert.deepEqual(token, { status: 'dead_letter', reason: 'Mixpanel refused the project token for profile updates (HTTP 200, status 0): check config.project_token (Project Settings > Access Keys) and that config.region is the project\'s data residency (US, EU or India) (Mixpanel: Invalid token)' });
});

test('classify: a 2xx that is not Mixpanel\'s answer (a captive portal\'s page, text, no body, a JSON list) is sent again, quoting it; the declared answer, and /engage\'s verbose, bare and strict answers, are delivered', () => {
  const declared = mixpanel.successAnswer!;
  assert.deepEqual(classifyMixpanel({ status: declared.status!, headers: declared.headers ?? {}, body: JSON.stringify(declared.body), json: declared.body }, importRequest(2), ctx()), { status: 'delivered' });
  const portal: VendorResponse = { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>\n<head><title>Airport Wi-Fi</title></head><body>Accept to continue</body></html>' };
  assert.deepEqual(classifyMixpanel(portal, importRequest(2), ctx()), {
    status: 'retry',
    reason: 'HTTP 200 with <html> <head><title>Airport Wi-Fi</title></head><body>Accept to continue</body></html>: not Mixpanel\'s answer (its JSON from /import) — a proxy? — so the events are sent again ($insert_id keeps Mixpanel from counting one twice)',
  });
  assert.deepEqual(classifyMixpanel(portal, engageRequest(2), ctx()), {
    status: 'retry',
    reason: 'HTTP 200 with <html> <head><title>Airport Wi-Fi</title></head><body>Accept to continue</body></html>: not Mixpanel\'s answer ({"status": 1} from /engage) — a proxy? — so the profile updates are sent again',
  });
  assert.match(reasonOf(classifyMixpanel(answer(200, ''), importRequest(1), ctx())), /^HTTP 200 with no body: not Mixpanel's answer \(its JSON from \/import\)/);
  assert.equal((classifyMixpanel(answer(200, 'OK'), importRequest(1), ctx()) as { status: string }).status, 'retry');
  // /engage is asked for strict=1 too, whose answer Mixpanel documents only for /import: that shape is Mixpanel's as well.
  assert.deepEqual(classifyMixpanel(answer(200, { code: 200, num_records_imported: 1, status: 'OK' }), engageRequest(1), ctx()), { status: 'delivered' });
  assert.deepEqual(classifyMixpanel(answer(200, { status: 1, error: null }), engageRequest(1), ctx()), { status: 'delivered' });
  assert.deepEqual(classifyMixpanel(answer(200, '1'), engageRequest(1), ctx()), { status: 'delivered' }, 'the bare 1 of /engage without verbose');
  assert.equal((classifyMixpanel(answer(200, [1]), engageRequest(1), ctx()) as { status: string }).status, 'retry', 'a JSON list');
  assert.equal((classifyMixpanel(answer(204, ''), engageRequest(1), ctx()) as { status: string }).status, 'retry');
});

test('classify /engage: a failed_records list (its strict answer is undocumented: read as /import\'s documented one) dead-letters the updates it names', () => {
  const records = classifyMixpanel(answer(400, {
    code: 400, error: 'some data points in the request failed validation', status: 'Bad Request', num_records_imported: 2,
    failed_records: [{ index: 2, field: '$distinct_id', message: "'$distinct_id' is invalid: must not be empty" }],
  }), engageRequest(3), ctx());
  assert.deepEqual(records, { perEvent: { p2: { status: 'dead_letter', reason: "Mixpanel refused the profile update ($distinct_id): '$distinct_id' is invalid: must not be empty" } } });
});

test('classify /import: failed_records without an index find the event by the $insert_id sent, the hashed one when the messageId did not fit', () => {
  const messageIds = ['29fc2962-6d9c-455d-95ad-95b84f09b9e4', 'ajs-next-1711296000000-3f1c2d4e5b6a7980'];
  const batch = messageIds.map((messageId): MappedEvent => {
    const event = browserEvent({ messageId });
    return { id: messageId, event, payload: fitEvent({ event: 'Signed Up', properties: {} }, event) };
  });
  const request = mixpanel.send(batch, ctx())[0]!;
  const hashed = createHash('sha256').update(messageIds[1]!).digest('hex').slice(0, 36);
  assert.deepEqual((request.body as JsonObject[]).map((r) => (r.properties as JsonObject).$insert_id), [messageIds[0], hashed]);
  const answered = classifyMixpanel(answer(400, {
    code: 400, status: 'Bad Request', num_records_imported: 1,
    failed_records: [{ insert_id: hashed, field: 'properties.time', message: "'properties.time' is invalid: must be specified as seconds since epoch" }],
  }), request, ctx());
  assert.deepEqual(answered, { perEvent: { [messageIds[1]!]: { status: 'dead_letter', reason: "Mixpanel refused the event (properties.time): 'properties.time' is invalid: must be specified as seconds since epoch" } } });
});

test('identity: placeholders are no ids; distinct_id as Simplified ID Merge sets it; $insert_id valid and stable', () => {
  assert.deepEqual(['user-123', 42, ' NULL ', 'undefined', 'anonymous', '0', '', '00000000-0000-0000-0000-000000000000'].map(usableId), [true, true, false, false, false, false, false, false]);
  assert.equal(distinctIdOf('u-1', 'df_a'), 'u-1');
  assert.equal(distinctIdOf('null', 'df_a'), '$device:df_a');
  assert.equal(distinctIdOf(undefined, 'none'), undefined);
  assert.equal(insertIdFor('29fc2962-6d9c-455d-95ad-95b84f09b9e4'), '29fc2962-6d9c-455d-95ad-95b84f09b9e4', 'a UUID is kept');
  const long = 'ajs-next-1711296000000-3f1c2d4e5b6a7980';
  assert.equal(insertIdFor(long), createHash('sha256').update(long).digest('hex').slice(0, 36), 'too long: the first 36 hex of its SHA-256');
  assert.equal(insertIdFor('m#1'), createHash('sha256').update('m#1').digest('hex').slice(0, 36), 'a character Mixpanel refuses');
  assert.match(insertIdFor('null'), /^[0-9a-f]{36}$/, 'a placeholder is no $insert_id either');
});

test('events: the reserved fields from the blueprint\'s top-level mappings, else the canonical event; placeholders left out; nothing but event and properties; refusals say why', () => {
  const out = fitEvent({ event: 'Signed Up', time: 1711296000, $insert_id: 'ajs-next-1711296000000-3f1c2d4e5b6a7980', $user_id: 'undefined', $device_id: 'df_abc', properties: { plan: 'pro' }, stray: 1 }, browserEvent());
  assert.deepEqual(out, { event: 'Signed Up', properties: {
    time: 1711296000000, distinct_id: '$device:df_abc', $insert_id: insertIdFor('ajs-next-1711296000000-3f1c2d4e5b6a7980'), $device_id: 'df_abc', ip: '203.0.113.42', plan: 'pro',
  } }, 'a placeholder $user_id is left out: the event counts for the device');
  const user = fitEvent({ event: 'X', $user_id: 123, $device_id: 'df_abc', ip: '198.51.100.7' }, browserEvent({ messageId: 'mid-1' }));
  assert.deepEqual(user.properties, { time: Date.parse('2024-03-24T16:00:00Z'), distinct_id: '123', $insert_id: 'mid-1', $user_id: '123', $device_id: 'df_abc', ip: '198.51.100.7' }, 'time from the timestamp, $insert_id from the messageId');
  const fromEvent = fitEvent({ event: 'X' }, browserEvent({ userId: 'user-9', messageId: 'mid-2', context: {} }));
  assert.deepEqual(fromEvent.properties, { time: Date.parse('2024-03-24T16:00:00Z'), distinct_id: 'user-9', $insert_id: 'mid-2', $user_id: 'user-9', $device_id: 'df_abc123def456', ip: '0' }, 'nothing mapped: the canonical event\'s ids, and ip "0" without the visitor\'s');
  assert.equal((fitEvent({ event: 'X', distinct_id: 'crm-9', $device_id: 'd' }, browserEvent({ anonymousId: undefined })).properties as JsonObject).distinct_id, 'crm-9', 'a distinct_id the blueprint maps is kept without a $user_id');
  assert.equal((fitEvent({ event: 'X', distinct_id: 'crm-9', $user_id: 'user-1' }, browserEvent()).properties as JsonObject).distinct_id, 'user-1', 'with a $user_id, distinct_id is always it (Simplified ID Merge)');
  const page = fitEvent({ event: '$mp_web_page_view', $device_id: 'd1', properties: { $current_url: 'https://shop.example.com/p?q=1', $referrer: 'https://news.example.org/a' } }, browserEvent());
  const parts = page.properties as JsonObject;
  assert.deepEqual([parts.current_domain, parts.current_url_protocol, parts.$referring_domain], ['shop.example.com', 'https:', 'news.example.org']);
  assert.throws(() => fitEvent({ event: 'X', $user_id: 'null', $device_id: 'anonymous' }, browserEvent({ userId: 'null', anonymousId: 'anonymous' })), { name: 'PermanentError', message: /no usable id \(userId "null", anonymousId "anonymous"\)/ });
  assert.throws(() => fitEvent({ event: 'X', time: '2024-03-24' }, browserEvent()), { name: 'PermanentError', message: 'Mixpanel needs the time as a number (seconds or milliseconds since epoch); the blueprint mapped "2024-03-24" to time: use the to_unix_ms transform' });
  assert.throws(() => fitEvent({ event: 'X', time: 86_400 }, browserEvent()), { name: 'PermanentError', message: 'Mixpanel refuses events before 1971-01-01 (time 86400)' });
  assert.throws(() => fitEvent({ event: '', properties: {} }, browserEvent()), { name: 'PermanentError', message: /needs an event name/ });
  const input: JsonObject = { event: 'X', $device_id: 'd', properties: { a: 1 } };
  fitEvent(input, browserEvent());
  assert.deepEqual(input, { event: 'X', $device_id: 'd', properties: { a: 1 } }, 'the mapped payload is not changed');
});

test('events: ids, dedup keys, time, ip, token, $ignore and buckets in the properties are removed, whatever the blueprint copied there; distinct_id is the $user_id', () => {
  assert.deepEqual([...RESERVED_EVENT_PROPERTIES], ['distinct_id', '$distinct_id', '$user_id', '$device_id', '$insert_id', 'time', 'ip', 'token', '$ignore', 'bucket', '$bucket']);
  const sent = { $user_id: 'other-user', distinct_id: 'other-user', $distinct_id: 'other-user', $device_id: 'other-device', $insert_id: 'replayed-id', time: 86_400_000, ip: '192.0.2.1', token: 'another-project', $ignore: true, bucket: 'b', $bucket: 'b', plan: 'pro' };
  // An anonymous visitor's event: the site's properties name another user.
  const anonymous = fitEvent({ event: 'Signed Up', time: 1711296000000, $insert_id: 'm-1', $device_id: 'df_abc123def456', ip: '203.0.113.42', properties: sent }, browserEvent());
  assert.deepEqual(anonymous, { event: 'Signed Up', properties: { time: 1711296000000, distinct_id: '$device:df_abc123def456', $insert_id: 'm-1', $device_id: 'df_abc123def456', ip: '203.0.113.42', plan: 'pro' } });
  // An identified user's: distinct_id is the $user_id, never the one the properties hold.
  const known = fitEvent({ event: 'Signed Up', $user_id: 'user-123', properties: sent }, browserEvent({ userId: 'user-123' }));
  assert.deepEqual(known.properties, { time: 1711296000000, distinct_id: 'user-123', $insert_id: 'm-1', $user_id: 'user-123', $device_id: 'df_abc123def456', ip: '203.0.113.42', plan: 'pro' });
  // A blueprint mapping the ids under properties (an older edit) cannot be told from the site's: removed, the canonical event's used.
  const old = fitEvent({ event: 'X', properties: { $user_id: 'user-123', $device_id: 'df_abc123def456', time: 1711296000000 } }, browserEvent({ userId: 'user-5' }));
  assert.deepEqual(old.properties, { time: 1711296000000, distinct_id: 'user-5', $insert_id: 'm-1', $user_id: 'user-5', $device_id: 'df_abc123def456', ip: '203.0.113.42' });
});

test('profile updates: one operation, $ip "0" without the visitor\'s, $email and $phone normalised, nothing to set is not sent', () => {
  assert.deepEqual(fitProfileUpdate({ $distinct_id: 'user-123', $set: { $email: ' Jane.Doe@Example.com ', $phone: '+44 (0)7700 900123', $created: '2023-11-02T10:14:00+01:00', plan: 'pro' }, stray: true }), {
    $distinct_id: 'user-123', $ip: '0', $set: { $email: 'jane.doe@example.com', $phone: '+447700900123', $created: '2023-11-02T09:14:00', plan: 'pro' },
  });
  assert.deepEqual(fitProfileUpdate({ $distinct_id: 'u', $ip: '203.0.113.42', $set: { $phone: '07700 900123' } }, { defaultCountryCode: '44' })!.$set, { $phone: '+447700900123' });
  assert.equal(fitProfileUpdate({ $distinct_id: 'u', $set: {} }), null, 'a bare identify is not sent');
  assert.equal(fitProfileUpdate({ $distinct_id: 'u', $set: { $email: '  ', $phone: '' } }), null, 'blank contact properties are no values');
  assert.deepEqual(fitProfileUpdate({ $distinct_id: 'u', $unset: ['plan'] }), { $distinct_id: 'u', $ip: '0', $unset: ['plan'] });
  assert.deepEqual(fitProfileUpdate({ $distinct_id: 'u', $union: { tags: ['a'] } }), { $distinct_id: 'u', $ip: '0', $union: { tags: ['a'] } });
  assert.throws(() => fitProfileUpdate({ $distinct_id: 'u', $set: {}, $set_once: {} }), { name: 'PermanentError', message: /exactly one operation \(\$set, \$set_once, \$unset, \$union, \$remove\); the blueprint mapped \$set and \$set_once/ });
  assert.throws(() => fitProfileUpdate({ $distinct_id: 'undefined', $set: { a: 1 } }), { name: 'PermanentError', message: /no usable one \("undefined"\)/ });
  assert.throws(() => fitPayload({ properties: {} }, browserEvent()), { name: 'PermanentError', message: /neither a Mixpanel event .* nor a profile update/ });
});

test('profile updates: an $email or $phone Mixpanel cannot use dead-letters the update, naming it and what to fix (not sent without it, nor dropped)', () => {
  assert.throws(() => fitProfileUpdate({ $distinct_id: 'u', $set: { $phone: '07700 900123', plan: 'pro' } }), {
    name: 'PermanentError',
    message: 'the profile update was not sent: $set.$phone has no country code (written without + or 00) and config.default_country_code is not set. Fix the value at the source (or set config.default_country_code), or leave it out with a pipeline transformation, then replay',
  });
  assert.throws(() => fitProfileUpdate({ $distinct_id: 'u', $set: { $phone: '07700 900123' } }), { name: 'PermanentError', message: /^the profile update was not sent: \$set\.\$phone has no country code/ }, 'nothing else to set: refused all the same, not counted as dropped');
  assert.throws(() => fitProfileUpdate({ $distinct_id: 'u', $set_once: { $email: 'Jane Doe', $phone: 'call me' } }), {
    name: 'PermanentError',
    message: 'the profile update was not sent: $set_once.$email is not one email address; $set_once.$phone is not a phone number. Fix the value at the source, or leave it out with a pipeline transformation, then replay',
  });
  assert.throws(() => fitProfileUpdate({ $distinct_id: 'u', $set: { $phone: '+44 12' } }), { name: 'PermanentError', message: /\$set\.\$phone is not a phone number in E\.164 \(7 to 15 digits with the country code\)/ });
});

test('profile updates: $add and $append are refused, since a retried or re-sent update would count twice', () => {
  for (const operation of ['$add', '$append']) {
    assert.throws(() => fitProfileUpdate({ $distinct_id: 'u', [operation]: { logins: 1 } }), {
      name: 'PermanentError',
      message: `the blueprint mapped ${operation}, which the plugin does not send: a profile update may reach Mixpanel twice (retried after a timeout or a 5xx, or sent again after a 413), and ${operation} would then count twice; map a $set of the total (or $union for a list) instead`,
    });
  }
});

test('personal data as Mixpanel uses it: emails trimmed and lower-cased, phones in E.164 with +, digests passed on, dates in UTC', () => {
  const digest = createHash('sha256').update('jane@example.com').digest('hex');
  assert.deepEqual([' Jane@Example.COM ', 'Jane Doe', 'a@b.co, c@d.co', digest].map((v) => normalizeEmail(v)), ['jane@example.com', undefined, undefined, digest]);
  assert.equal(normalizePhone('+1 (650) 555-1212 ext. 42'), '+16505551212');
  assert.equal(normalizePhone('0044 7700 900123'), '+447700900123');
  assert.equal(normalizePhone('(650) 555-1212', { defaultCountryCode: '1' }), '+16505551212');
  assert.equal(normalizePhone('447700900123'), undefined, 'no + and no default: Mixpanel would prefix a second country code');
  assert.equal(normalizePhone('call me'), undefined);
  assert.equal(normalizePhone(digest), digest);
  assert.equal(normalizeDate(1711296000), '2024-03-24T16:00:00');
  assert.equal(normalizeDate(1711296000000), '2024-03-24T16:00:00');
  assert.equal(normalizeDate('last tuesday'), 'last tuesday');
});

test('validateConfig: a service account needs its three fields; project_id only with one; no white space; the secret is not the token', () => {
  assert.deepEqual(validateMixpanelConfig({ project_token: TOKEN }), []);
  assert.deepEqual(validateMixpanelConfig({ project_token: TOKEN, ...SERVICE_ACCOUNT }), []);
  assert.deepEqual(validateMixpanelConfig({ project_token: TOKEN, service_account_username: 'signal.1a2b3c.mp-service-account' }).map((p) => p.field), ['service_account_secret', 'project_id']);
  assert.deepEqual(validateMixpanelConfig({ project_token: TOKEN, service_account_secret: 'sa-secret-0123456789', project_id: '1' }).map((p) => p.field), ['service_account_username']);
  const lonely = validateMixpanelConfig({ project_token: TOKEN, project_id: '1234567' });
  assert.deepEqual(lonely, [{ field: 'project_id', message: 'is only used with a service account: set service_account_username and service_account_secret too, or leave project_id out to authenticate with the project token or secret' }]);
  assert.deepEqual(validateMixpanelConfig({ project_token: TOKEN, gdpr_token: 'gdpr-token-123\n' }), [{ field: 'gdpr_token', message: 'holds white space or a line break (copied with the value around it?): give the value alone' }]);
  assert.match(validateMixpanelConfig({ project_token: TOKEN, ...SERVICE_ACCOUNT, service_account_username: 'user:secret' })[0]!.message, /holds a colon/);
  assert.match(validateMixpanelConfig({ project_token: TOKEN, api_secret: TOKEN })[0]!.message, /is the Project Token again/);
});

test('forgetPerson: the GDPR API (v3) of the region, with the GDPR token, for the userId alone when known, else $device:<anonymousId>', () => {
  assert.equal(forgetPerson.enabled({ project_token: TOKEN }), false);
  assert.equal(forgetPerson.enabled({ project_token: TOKEN, gdpr_token: 'gdpr-token-123' }), true);
  const request = forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc' }, ctx({ gdpr_token: 'gdpr-token-123', region: 'eu' }));
  assert.deepEqual(request, {
    method: 'POST', url: 'https://eu.mixpanel.com/api/app/data-deletions/v3.0/', query: [['token', TOKEN]],
    headers: { 'content-type': 'application/json', authorization: 'Bearer gdpr-token-123' },
    body: { distinct_ids: ['u-1'], compliance_type: 'GDPR' }, eventIds: [],
  }, 'the canonical distinct_id only: after the merge, $device:… is no id Mixpanel can process');
  const anonymous = forgetPerson.request({ userId: null, anonymousId: 'df_abc' }, ctx({ gdpr_token: 'g-12345678', region: 'in' })) as RequestDescriptor;
  assert.equal(anonymous.url, 'https://in.mixpanel.com/api/app/data-deletions/v3.0/');
  assert.deepEqual(anonymous.body, { distinct_ids: ['$device:df_abc'], compliance_type: 'GDPR' });
  assert.deepEqual((forgetPerson.request({ userId: 'undefined', anonymousId: 'df_abc' }, ctx({ gdpr_token: 'g-12345678' })) as RequestDescriptor).body, { distinct_ids: ['$device:df_abc'], compliance_type: 'GDPR' }, 'a placeholder userId is no id');
  assert.equal((forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx({ gdpr_token: 'g-12345678' })) as RequestDescriptor).url, 'https://mixpanel.com/api/app/data-deletions/v3.0/');
  assert.deepEqual(forgetPerson.request({ userId: 'null', anonymousId: null }, ctx({ gdpr_token: 'g-12345678' })), { skipped: 'the ids named are placeholders Mixpanel refuses as distinct_ids, so no profile of theirs can exist there' });
});

test('forgetPerson.read: 2xx done with the task id; 409 for a deletion already running done; other 409s, 401/403, 404 and 400 failed; 429 and 5xx tried again', () => {
  const read = (response: VendorResponse) => forgetPerson.read!(response, { method: 'POST', url: 'https://mixpanel.com/api/app/data-deletions/v3.0/', eventIds: [] });
  const check = 'check the task\'s status in Mixpanel (Organization Settings > Data & Privacy)';
  assert.deepEqual(read(answer(201, { status: 'ok', results: { task_id: 'job-42' } })), { done: true, message: `accepted: deletion task job-42; Mixpanel completes it within 30 days: ${check}` });
  assert.deepEqual(read(answer(200, { status: 'ok', results: [{ status: 'PENDING', tracking_id: '1583792934719392965' }] })), { done: true, message: `accepted: deletion task 1583792934719392965 (PENDING); Mixpanel completes it within 30 days: ${check}` });
  // The core hides the person's ids in the answer before read sees it.
  const running = answer(409, { status: 'error', error: { conflicting_distinct_ids: ['[…]'], conflicting_task_ids: ['1583792934719392965'], error: 'deletion tasks already exist for some distinct_ids' } });
  assert.deepEqual(read(running), { done: true, message: 'already being deleted: Mixpanel has a deletion task running for this person (task 1583792934719392965); check its status in Mixpanel (Organization Settings > Data & Privacy)' });
  assert.deepEqual(read(answer(409, { status: 'error', error: 'conflict' })), {
    failed: 'HTTP 409 without the ids it conflicts on: Mixpanel refused the deletion but did not say a task for this person is running; check the deletion tasks in Mixpanel (Organization Settings > Data & Privacy) and run deletePerson again if none covers them ({"status":"error","error":"conflict"})',
  });
  assert.deepEqual(read(answer(401, { error: 'invalid token', status: 'error' })), {
    failed: 'HTTP 401: Mixpanel refused the GDPR token. Generate a new one (Settings > Profile & Preferences > Data & Privacy; it expires after a year and needs a project Owner or Admin) and update config.gdpr_token ({"error":"invalid token","status":"error"})',
  });
  assert.deepEqual(read(answer(404, { error: 'project not found', status: 'error' })), { failed: 'HTTP 404: {"error":"project not found","status":"error"}' });
  assert.deepEqual(read(answer(400, { error: 'bad distinct_ids', status: 'error' })), { failed: 'HTTP 400: {"error":"bad distinct_ids","status":"error"}' });
  assert.deepEqual(read(answer(429, { error: 'Too Many Requests, this API is limited to 1 req/s' })), { retry: 'HTTP 429: {"error":"Too Many Requests, this API is limited to 1 req/s"}' });
  assert.deepEqual(read(answer(503, 'unavailable')), { retry: 'HTTP 503: unavailable' });
});

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/mixpanel/${variant}.yaml`, import.meta.url), 'utf8'), { config: ctx().config });
const mapped = (variant: string, event: CanonicalEvent): JsonObject | null => {
  const result = blueprint(variant).mapEvent(event);
  assert.deepEqual(result.errors, []);
  return result.vendorEvent === null ? null : mixpanel.map!(result.vendorEvent, event, ctx());
};
/** The properties Mixpanel receives for an event, and the mapping's warnings. */
const sentProperties = (variant: string, event: CanonicalEvent): { properties: JsonObject; warnings: string[] } => {
  const result = blueprint(variant).mapEvent(event);
  assert.deepEqual(result.errors, []);
  return { properties: mixpanel.map!(result.vendorEvent!, event, ctx())!.properties as JsonObject, warnings: result.warnings };
};
const IDS = { time: 1711296000000, distinct_id: '$device:df_abc123def456', $insert_id: 'm-1', $device_id: 'df_abc123def456', ip: '203.0.113.42', mp_lib: 'Datafly Signal' };

test('default blueprint: page views as $mp_web_page_view, track events with their properties, identify traits to $set; alias and group not sent', () => {
  const page = mapped('default', browserEvent({
    type: 'page', event: undefined, name: 'Pricing', messageId: 'p-1', userId: 'user-123',
    properties: { plan_shown: 'pro' },
    context: { ip: '203.0.113.42', page: { url: 'https://example.com/pricing?ref=nav', path: '/pricing', search: '?ref=nav', title: 'Pricing', referrer: 'https://www.google.com/' }, campaign: { source: 'google', medium: 'cpc', name: 'spring' } },
  }));
  assert.deepEqual(page, { event: '$mp_web_page_view', properties: {
    time: 1711296000000, $insert_id: 'p-1', $device_id: 'df_abc123def456', $user_id: 'user-123', ip: '203.0.113.42',
    $current_url: 'https://example.com/pricing?ref=nav', $referrer: 'https://www.google.com/', utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'spring',
    mp_lib: 'Datafly Signal', plan_shown: 'pro', current_page_title: 'Pricing', current_url_path: '/pricing', current_url_search: '?ref=nav', page: 'Pricing',
    distinct_id: 'user-123', current_domain: 'example.com', current_url_protocol: 'https:', $referring_domain: 'www.google.com',
  } });
  const track = mapped('default', browserEvent({ properties: { method: 'email', time: 'noon' } }))!;
  assert.equal(track.event, 'Signed Up');
  assert.equal((track.properties as JsonObject).method, 'email');
  assert.equal((track.properties as JsonObject).time, 1711296000000, 'a property named time does not replace the event time');
  const identify = mapped('default', browserEvent({ type: 'identify', event: undefined, userId: 'user-123', traits: { email: ' Jane@Example.com ', firstName: 'Jane', lastName: 'Doe', phone: '+44 7700 900123', plan: 'premium' } }));
  assert.deepEqual(identify, { $distinct_id: 'user-123', $ip: '203.0.113.42', $set: { plan: 'premium', $email: 'jane@example.com', $name: 'Jane Doe', $first_name: 'Jane', $last_name: 'Doe', $phone: '+447700900123' } });
  assert.equal(mapped('default', browserEvent({ type: 'identify', event: undefined, traits: { plan: 'x' } })), null, 'no userId: no anonymous profile');
  assert.equal(mapped('default', browserEvent({ type: 'alias', event: undefined, userId: 'u', previousId: 'p' } as never)), null);
  assert.equal(mapped('default', browserEvent({ type: 'screen', event: undefined, name: 'Home' }))!.event, '$mp_page_view');
});

test('retail blueprint: GA4 and Segment ecommerce names as the ecommerce spec\'s, numbers typed, currency checked, products listed', () => {
  const purchase = mapped('retail', browserEvent({ event: 'purchase', properties: { transaction_id: 'T-100', value: '89.99', currency: 'gbp', tax: 5, items: [{ item_id: 'SKU-1', item_name: 'Mug', price: '9.50', quantity: '2' }] } }))!;
  assert.equal(purchase.event, 'Order Completed');
  const properties = purchase.properties as JsonObject;
  assert.deepEqual([properties.order_id, properties.revenue, properties.currency, properties.tax, properties.products], ['T-100', 89.99, 'GBP', 5, [{ product_id: 'SKU-1', name: 'Mug', price: 9.5, quantity: 2 }]]);
  assert.equal(properties.items, undefined);
  const added = mapped('retail', browserEvent({ event: 'Product Added', properties: { product_id: 42, name: 'Cup', price: '4', currency: 'eur' } }))!;
  assert.deepEqual([added.event, (added.properties as JsonObject).product_id, (added.properties as JsonObject).quantity, (added.properties as JsonObject).currency], ['Product Added', '42', 1, 'EUR']);
  assert.equal(mapped('retail', browserEvent({ event: 'view_search_results', properties: { search_term: 'mugs' } }))!.event, 'Products Searched');
  assert.equal(mapped('retail', browserEvent({ event: 'begin_checkout', properties: { value: 10 } }))!.event, 'Checkout Started');
  const unreadable = blueprint('retail').mapEvent(browserEvent({ event: 'Order Completed', properties: { order_id: 'O-1', total: 10, currency: '$' } }));
  assert.match(unreadable.errors.join(), /currency is required but currency: "\$" is not an ISO 4217 code/);
});

test('blueprints: a track event\'s own distinct_id, $user_id, $device_id, $insert_id, time, ip, token, $ignore and buckets never reach Mixpanel', () => {
  const sent = { $user_id: 'other-user', distinct_id: 'other-user', $distinct_id: 'other-user', $device_id: 'other-device', $insert_id: 'x', time: 1, ip: '192.0.2.1', token: 't', $ignore: true, bucket: 'b', $bucket: 'b', plan: 'pro' };
  for (const variant of ['default', 'retail']) {
    const anonymous = sentProperties(variant, browserEvent({ properties: sent, context: { ip: '203.0.113.42' } }));
    assert.deepEqual(anonymous, { properties: { ...IDS, plan: 'pro' }, warnings: [] }, variant);
    const known = sentProperties(variant, browserEvent({ userId: 'user-123', properties: sent, context: { ip: '203.0.113.42' } }));
    assert.deepEqual(known.properties, { ...IDS, distinct_id: 'user-123', $user_id: 'user-123', plan: 'pro' }, variant);
    const page = sentProperties(variant, browserEvent({ type: 'page', event: undefined, properties: sent, context: { ip: '203.0.113.42' } }));
    assert.deepEqual(page.properties, { ...IDS, plan: 'pro' }, `${variant} page`);
  }
});

test('default blueprint: the page URL falls back to properties.url on page views only; page category; $name from snake-case names', () => {
  const page = sentProperties('default', browserEvent({ type: 'page', event: undefined, name: 'Pricing', category: 'Docs', properties: { url: 'https://shop.example.com/pricing' }, context: { ip: '203.0.113.42' } } as Partial<CanonicalEvent>));
  assert.deepEqual(page.properties, { ...IDS, $current_url: 'https://shop.example.com/pricing', page: 'Pricing', category: 'Docs', current_domain: 'shop.example.com', current_url_protocol: 'https:' });
  assert.equal(sentProperties('default', browserEvent({ type: 'page', event: undefined, properties: { category: 'Docs' } })).properties.category, 'Docs', 'analytics.js sends it in properties');
  const product = sentProperties('default', browserEvent({ event: 'Product Viewed', properties: { url: 'https://shop.example.com/p/mug' }, context: { ip: '203.0.113.42' } }));
  assert.deepEqual(product.properties, { ...IDS, url: 'https://shop.example.com/p/mug' }, 'a product\'s URL is no $current_url');
  const identify = mapped('default', browserEvent({ type: 'identify', event: undefined, userId: 'user-123', traits: { first_name: 'Jane', last_name: 'Doe', plan: 'pro' } }));
  assert.deepEqual(identify, { $distinct_id: 'user-123', $ip: '203.0.113.42', $set: { plan: 'pro', $name: 'Jane Doe', $first_name: 'Jane', $last_name: 'Doe' } });
});

test('retail blueprint: a number that cannot be read is left out with a warning, never sent as text; revenue falls back to the total, then GA4\'s value', () => {
  const added = sentProperties('retail', browserEvent({ context: { ip: '203.0.113.42' }, event: 'Product Added', properties: { product_id: 'P1', price: '4,00', currency: 'eur' } }));
  assert.deepEqual(added, { properties: { ...IDS, product_id: 'P1', quantity: 1, currency: 'EUR' }, warnings: ['properties.price: to_number: "4,00" is not a number; the field was left out'] });
  const unreadable = sentProperties('retail', browserEvent({ context: { ip: '203.0.113.42' }, event: 'Order Completed', properties: { order_id: 'O-1', revenue: '€30', total: '€30', tax: 'x', currency: 'EUR' } }));
  assert.deepEqual(unreadable, { properties: { ...IDS, order_id: 'O-1', currency: 'EUR' }, warnings: [
    'properties.revenue: to_number: "€30" is not a number; the field was left out',
    'properties.total: to_number: "€30" is not a number; the field was left out',
    'properties.tax: to_number: "x" is not a number; the field was left out',
  ] });
  const fallback = sentProperties('retail', browserEvent({ context: { ip: '203.0.113.42' }, event: 'Order Completed', properties: { order_id: 'O-2', revenue: '€30', total: '31.50', value: 30 } }));
  assert.deepEqual(fallback, { properties: { ...IDS, order_id: 'O-2', revenue: 31.5, total: 31.5 }, warnings: [] });
  const ga4 = sentProperties('retail', browserEvent({ context: { ip: '203.0.113.42' }, event: 'refund', properties: { transaction_id: 'T-1', revenue: 'n/a', value: '12.5' } }));
  assert.deepEqual(ga4.properties, { ...IDS, order_id: 'T-1', revenue: 12.5 });
  const checkout = sentProperties('retail', browserEvent({ context: { ip: '203.0.113.42' }, event: 'Checkout Started', properties: { value: 'lots', revenue: '20', shipping: '2.5', currency: 'GBP' } }));
  assert.deepEqual(checkout, { properties: { ...IDS, value: 20, revenue: 20, shipping: 2.5, currency: 'GBP' }, warnings: [] });
});

test('retail blueprint: products keep their ids (sku alone too) and Segment\'s and GA4\'s fields; multi-item GA4 events send every item; Product Viewed keeps its value', () => {
  const order = sentProperties('retail', browserEvent({ context: { ip: '203.0.113.42' }, event: 'Order Completed', properties: { order_id: 'O-3', revenue: 25, products: [
    { sku: 'RS-42', price: '10', quantity: 2, coupon: 'SPRING', position: 3, url: 'https://shop.example.com/p/rs-42', image_url: 'https://cdn.example.com/rs-42.jpg' },
    { product_id: 'SKU-9', name: 'Socks', price: 5 },
  ] } }));
  assert.deepEqual(order.properties.products, [
    { product_id: 'RS-42', sku: 'RS-42', price: 10, quantity: 2, coupon: 'SPRING', position: 3, url: 'https://shop.example.com/p/rs-42', image_url: 'https://cdn.example.com/rs-42.jpg' },
    { product_id: 'SKU-9', name: 'Socks', price: 5, quantity: 1 },
  ]);
  const purchase = sentProperties('retail', browserEvent({ context: { ip: '203.0.113.42' }, event: 'purchase', properties: { transaction_id: 'T-9', value: 9, currency: 'GBP', items: [
    { item_id: 'A', item_name: 'Mug', item_category: 'Kitchen', item_category2: 'Cups', item_category5: 'Blue', discount: '1.5', index: 2, affiliation: 'Shop', item_list_id: 'L1', item_list_name: 'Home', location_id: 'ChIJ' },
  ] } }));
  assert.deepEqual(purchase.properties.products, [
    { product_id: 'A', name: 'Mug', category: 'Kitchen', item_category2: 'Cups', item_category5: 'Blue', quantity: 1, discount: 1.5, position: 2, affiliation: 'Shop', item_list_id: 'L1', item_list_name: 'Home', location_id: 'ChIJ' },
  ]);
  const added = sentProperties('retail', browserEvent({ context: { ip: '203.0.113.42' }, event: 'add_to_cart', properties: { value: '25', currency: 'gbp', items: [{ item_id: 'A', item_name: 'Mug', price: '10', quantity: 2 }, { item_id: 'B', price: 5 }] } }));
  assert.deepEqual(added, { properties: {
    ...IDS, product_id: 'A', name: 'Mug', price: 10, quantity: 2, value: 25, currency: 'GBP',
    products: [{ product_id: 'A', name: 'Mug', price: 10, quantity: 2 }, { product_id: 'B', price: 5, quantity: 1 }],
  }, warnings: [] });
  const removed = sentProperties('retail', browserEvent({ context: { ip: '203.0.113.42' }, event: 'remove_from_cart', properties: { items: [{ item_id: 'A' }, { item_id: 'B' }] } }));
  assert.deepEqual(removed.properties, { ...IDS, product_id: 'A', quantity: 1, products: [{ product_id: 'A', quantity: 1 }, { product_id: 'B', quantity: 1 }] });
  const viewed = sentProperties('retail', browserEvent({ context: { ip: '203.0.113.42' }, event: 'Product Viewed', properties: { sku: 'RS-42', price: 10, value: 10, url: 'https://shop.example.com/p/rs-42' } }));
  assert.deepEqual(viewed, { properties: { ...IDS, sku: 'RS-42', url: 'https://shop.example.com/p/rs-42', product_id: 'RS-42', price: 10, value: 10 }, warnings: [] });
});
