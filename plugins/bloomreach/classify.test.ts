import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Classification, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import { classifyBloomreach, errorsText, saidBy } from './classify.ts';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body });
const event = (type: string) => ({ name: 'customers/events', data: { customer_ids: { cookie: 'df_1' }, event_type: type, timestamp: 1, properties: {} } });
const update = { name: 'customers', data: { customer_ids: { registered: 'u-1' }, properties: { plan: 'pro' }, update_timestamp: 1 } };
/** A request of an identify (m-1), an order with two items (m-2) and a track event (m-3). */
const request: RequestDescriptor = {
  method: 'POST', url: 'https://api.exponea.com/track/v2/projects/t/batch', eventIds: ['m-1', 'm-2', 'm-3'],
  body: { commands: [update, event('purchase'), event('purchase_item'), event('purchase_item'), event('Signed Up')] },
  memo: { commandEvents: ['m-1', 'm-2', 'm-2', 'm-2', 'm-3'] },
};
const single: RequestDescriptor = { method: 'POST', url: request.url, eventIds: ['m-3'], body: { commands: [event('Signed Up')] }, memo: { commandEvents: ['m-3'] } };
const ok = { success: true };
const refused = (...errors: string[]) => ({ success: false, errors });
const classify = (response: VendorResponse, req = request): Classification => classifyBloomreach(response, req);
/** The classification's status for the whole request ('per event' when it names events). */
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'per event');

test('2xx: every command\'s result a success — delivered', () => {
  assert.deepEqual(classify(answer(200, { success: true, start_time: 1, end_time: 2, results: [ok, ok, ok, ok, ok] })), { status: 'delivered' });
});

test('2xx: results matched by the command_id Bloomreach returns, else by position', () => {
  const withId = (id: number, result: object) => ({ command_id: String(id), ...result });
  // Returned out of order: the refusal belongs to command 4 (m-3), whatever its place in the list.
  assert.deepEqual(classify(answer(200, { success: true, results: [withId(4, refused('At least one id should be specified.')), withId(0, ok), withId(1, ok), withId(2, ok), withId(3, ok)] })), {
    perEvent: { 'm-3': { status: 'dead_letter', reason: 'Bloomreach refused the event "Signed Up": At least one id should be specified. (HTTP 200)' } },
  });
  assert.deepEqual(classify(answer(200, { success: true, results: [ok, ok, ok, ok, withId(9, refused('bad'))] })), {
    perEvent: { 'm-3': { status: 'dead_letter', reason: 'Bloomreach refused the event "Signed Up": bad (HTTP 200)' } },
  }, 'a command_id the plugin did not send: read by position');
});

test('2xx: an answer without a result for a command — its event sent again unless some of its commands were recorded', () => {
  assert.deepEqual(classify(answer(200, { success: true, results: [ok, ok] })), {
    perEvent: {
      'm-2': { status: 'dead_letter', reason: 'Bloomreach recorded event "purchase" (HTTP 200) but its answer has no result for event "purchase_item", event "purchase_item": not sent again, since a replay records event "purchase" again' },
      'm-3': { status: 'retry', reason: 'Bloomreach accepted the batch (HTTP 200) but its answer has no result for event "Signed Up": sent again' },
    },
  });
  const none = classify(answer(200, { success: true }));
  assert.equal(statusOf(none), 'retry', 'an accepted batch without results is not Bloomreach\'s answer');
  assert.match((none as { reason: string }).reason, /^HTTP 200 without a result per command \(\{"success":true\}\)/);
  assert.equal(statusOf(classify(answer(200, {}))), 'retry');
});

test('2xx: a refused command dead-letters its event with Bloomreach\'s words, the others delivered; an order\'s recorded commands said', () => {
  assert.deepEqual(classify(answer(200, { success: true, results: [ok, ok, ok, ok, refused('At least one id should be specified.')] })), {
    perEvent: { 'm-3': { status: 'dead_letter', reason: 'Bloomreach refused the event "Signed Up": At least one id should be specified. (HTTP 200)' } },
  });
  assert.deepEqual(classify(answer(200, { success: true, results: [refused('not authorized to update specified customer properties'), ok, { success: false, errors: { _global: ['Invalid value'], price: ['must be a number'] } }, ok, ok] })), {
    perEvent: {
      'm-1': { status: 'dead_letter', reason: 'Bloomreach refused the customer update: not authorized to update specified customer properties (HTTP 200): give the API key\'s group (Project settings > Access management > API > API groups) Customer properties > Set and Events > Set for what is sent (New properties and New events for ones not defined yet), and check config.project_token is the project the key belongs to, then replay' },
      'm-2': { status: 'dead_letter', reason: 'Bloomreach refused the event "purchase_item": Invalid value; price: must be a number (HTTP 200) — its other commands were recorded (event "purchase", event "purchase_item"), so a replay records them again' },
    },
  });
});

test('2xx: a refused batch (success: false) — credentials or permissions named, else halves to find the command; a page is no answer', () => {
  assert.deepEqual(classify(answer(200, { success: false, message: 'Invalid JSON' })), { status: 'split', reason: 'Bloomreach refused the batch (HTTP 200: Invalid JSON) without naming the command; sending it in halves to find it' });
  assert.deepEqual(classify(answer(200, { success: false, message: 'Invalid JSON' }), single), { status: 'dead_letter', reason: 'Bloomreach refused the event "Signed Up" (HTTP 200: Invalid JSON)' });
  assert.match((classify(answer(200, { success: false, error: 'access key not found' })) as { reason: string }).reason, /^Bloomreach refused the batch of 3 events \(HTTP 200: access key not found\): check config\.project_token/);
  const page = classify(answer(200, '<html><body>Login</body></html>'));
  assert.equal(statusOf(page), 'retry');
  assert.match((page as { reason: string }).reason, /without Bloomreach's answer \(its JSON\): a web page/);
});

test('4xx: credentials, permissions, URL and size said; a 400 in Bloomreach\'s shape halves, else dead-letters', () => {
  const reason = (c: Classification) => ('reason' in c ? c.reason : '');
  for (const error of ['Could not authenticate', 'Invalid project id']) {
    const c = classify(answer(400, { success: false, error }));
    assert.equal(statusOf(c), 'dead_letter');
    assert.equal(reason(c), `Bloomreach refused the credentials (HTTP 400: ${error}): check config.project_token (Project settings > Access management > API: the whole token), config.api_key_id and config.api_secret (a key of a Private access API group, not revoked) and config.api_base (the project's API Base URL)`);
  }
  assert.match(reason(classify(answer(401, ''))), /^Bloomreach refused the credentials \(HTTP 401\): check config\.project_token/);
  assert.match(reason(classify(answer(403, { success: false, errors: ['not authorized'] }))), /^Bloomreach refused the batch of 3 events \(HTTP 403: not authorized\): give the API key's group/);
  assert.match(reason(classify(answer(403, { success: false, error: 'invalid secret' }))), /^Bloomreach refused the credentials \(HTTP 403: invalid secret\): check config\.project_token/, 'a 403 naming the secret');
  assert.match(reason(classify(answer(401, { success: false, error: 'Access key not found' }))), /^Bloomreach refused the credentials \(HTTP 401: Access key not found\)/);
  assert.match(reason(classify(answer(404, 'Not Found'))), /^Bloomreach answered HTTP 404: Not Found: check config\.api_base/);
  assert.match(reason(classify(answer(301, '', { location: 'https://api.eu1.exponea.com/track' }))), /redirected the request \(HTTP 301 to https:\/\/api\.eu1\.exponea\.com\/track\): check config\.api_base/);
  assert.deepEqual(classify(answer(400, { success: false, message: 'No commands' })), { status: 'split', reason: 'Bloomreach refused the batch (HTTP 400: No commands) without naming the command; sending it in halves to find it' });
  assert.deepEqual(classify(answer(400, { success: false, message: 'Invalid JSON' }), single), { status: 'dead_letter', reason: 'Bloomreach refused the event "Signed Up" (HTTP 400: Invalid JSON)' });
  assert.equal(statusOf(classify(answer(400, { error: 'HTTP 400' }))), 'dead_letter', 'a 400 not in Bloomreach\'s shape: no halving');
  assert.equal(statusOf(classify(answer(413, 'too large'))), 'split');
  assert.match(reason(classify(answer(413, 'too large'), single)), /alone as too large/);
  assert.equal(statusOf(classify(answer(422, { success: false, errors: ['bad'] }))), 'dead_letter');
});

test('429, 408 and 5xx retry, after Retry-After; the 429 throttled', () => {
  assert.deepEqual(classify(answer(429, 'Too Many Requests', { 'retry-after': '7' })), { status: 'retry', reason: 'Bloomreach rate limit reached (HTTP 429: Too Many Requests)', retryAfterMs: 7000, throttled: true });
  assert.deepEqual(classify(answer(503, '')), { status: 'retry', reason: 'Bloomreach HTTP 503: (no body)' });
  assert.equal(statusOf(classify(answer(408, ''))), 'retry');
});

test('without a memo: one command per event read by position, else the batch settled alike', () => {
  const plain: RequestDescriptor = { method: 'POST', url: request.url, eventIds: ['a', 'b'] };
  assert.deepEqual(classify(answer(200, { success: true, results: [ok, refused('bad')] }), plain), { perEvent: { b: { status: 'dead_letter', reason: 'Bloomreach refused the command: bad (HTTP 200)' } } });
  assert.deepEqual(classify(answer(200, { success: true, results: [ok, ok, refused('bad')] }), plain), { status: 'dead_letter', reason: 'Bloomreach refused 1 of the batch\'s 3 commands (HTTP 200): bad' });
});

test('errorsText and saidBy: Bloomreach\'s words in its shapes', () => {
  assert.equal(errorsText(['a', ' b ']), 'a; b');
  assert.equal(errorsText({ _global: ['Customer does not exist'], email: ['invalid'] }), 'Customer does not exist; email: invalid');
  assert.equal(errorsText(undefined), '');
  assert.equal(saidBy(answer(400, { success: false, error: 'Could not authenticate' })), 'Could not authenticate');
  assert.equal(saidBy(answer(502, 'Bad Gateway')), 'Bad Gateway');
});
