import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, ClassifyResult, JsonObject, JsonValue, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import pipedrive from './index.ts';
import { isDailyBudgetSpent, msUntilUtcMidnight, samePhone } from './answers.ts';
import { classifyPipedrive } from './classify.ts';
import { apiOriginOf, validatePipedriveConfig } from './config.ts';
import { forgetPerson, NOT_AN_EMAIL } from './forget-person.ts';

const TOKEN = '659c9fddb16335e48cc67114694b52074e812e03';
const FIELD = 'd4de1c1518b4531717c676029a45911c340390a6';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const BASE = 'https://acme.pipedrive.com/api/v2';
const ctx = (config: Record<string, JsonValue> = {}, warnings: string[] = []): PluginContext => ({
  config: { api_token: TOKEN, company_domain: 'acme', ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (message) => warnings.push(message),
});
const identify = (traits: JsonObject, context: JsonObject = {}): CanonicalEvent => ({
  type: 'identify', messageId: 'm-1', anonymousId: 'df_abc', userId: 'u-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z', traits, context,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/pipedrive/default.yaml', import.meta.url), 'utf8');
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, warnings: string[] = []) => {
  const result = createEventMapper(pipedrive, { variant: 'default', blueprint }, ctx(config))(event);
  warnings.push(...(result.warnings ?? []));
  return result;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const searchOf = (traits: JsonObject, config: Record<string, JsonValue> = {}, context: JsonObject = {}): RequestDescriptor => {
  const result = mapped(identify(traits, context), config);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return pipedrive.send!([{ id: 'm-1', event: identify(traits, context), payload: result.payload }], ctx(config))[0]!;
};
const found = (...persons: Array<{ id: number; phones?: string[] }>) => answer(200, { success: true, data: { items: persons.map((p) => ({ result_score: 1, item: { id: p.id, type: 'person', name: 'Jane', phones: p.phones ?? [], emails: ['jane@example.com'] } })) }, additional_data: { next_cursor: null } });
const nextOf = (result: ClassifyResult): RequestDescriptor => {
  assert.ok('next' in result, `a follow-up, not ${JSON.stringify(result)}`);
  assert.equal(result.next.length, 1);
  return result.next[0]!;
};

test('an identify is a search of persons by the email, exact match, with the token in x-api-token on the company host', () => {
  const search = searchOf({ email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe', plan: 'pro' }, { custom_fields: { plan: FIELD } });
  assert.equal(search.method, 'GET');
  assert.equal(search.url, `${BASE}/persons/search`);
  assert.deepEqual(search.query, [['term', 'jane@example.com'], ['fields', 'email'], ['exact_match', 'true'], ['limit', '10']]);
  assert.equal(search.headers!['x-api-token'], TOKEN);
  assert.equal(search.body, undefined);
  assert.deepEqual(search.eventIds, ['m-1']);
});

test('no person holds the email: a person is created with the name, the email as primary, the phone and the mapped custom fields', () => {
  const search = searchOf({ email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe', phone: '+1 555 0100', plan: 'pro', other: 'x' }, { custom_fields: { plan: FIELD } });
  const create = nextOf(classifyPipedrive(answer(200, { success: true, data: { items: [] } }), search, ctx({ custom_fields: { plan: FIELD } })));
  assert.equal(create.method, 'POST');
  assert.equal(create.url, `${BASE}/persons`);
  assert.deepEqual(create.body, { name: 'Jane Doe', emails: [{ value: 'jane@example.com', primary: true, label: 'work' }], phones: [{ value: '+1 555 0100', primary: true, label: 'work' }], custom_fields: { [FIELD]: 'pro' } });
  assert.deepEqual(classifyPipedrive(answer(201, { success: true, data: { id: 7 } }), create, ctx()), { status: 'delivered' });
});

test('a new person without a name is named by their email (Pipedrive requires a name)', () => {
  const search = searchOf({ email: 'jane@example.com' });
  const create = nextOf(classifyPipedrive(answer(200, { success: true, data: { items: [] } }), search, ctx()));
  assert.deepEqual(create.body, { name: 'jane@example.com', emails: [{ value: 'jane@example.com', primary: true, label: 'work' }] });
});

test('an email only remembered (context.traits) updates the person holding it, and never creates one', () => {
  const search = searchOf({ firstName: 'Remy' }, {}, { traits: { email: 'remy@example.com' } });
  assert.deepEqual(search.query![0], ['term', 'remy@example.com']);
  assert.deepEqual(classifyPipedrive(answer(200, { success: true, data: { items: [] } }), search, ctx()), { status: 'delivered' });
  const patch = nextOf(classifyPipedrive(found({ id: 12 }), search, ctx()));
  assert.equal(patch.method, 'PATCH');
  assert.equal(patch.url, `${BASE}/persons/12`);
  assert.deepEqual(patch.body, { name: 'Remy' });
});

test('a found person is updated, the oldest of several, without emails: its other emails stay', () => {
  const search = searchOf({ email: 'jane@example.com', name: 'Jane Doe', plan: 'pro' }, { custom_fields: { plan: FIELD } });
  const patch = nextOf(classifyPipedrive(found({ id: 31 }, { id: 4 }), search, ctx({ custom_fields: { plan: FIELD } })));
  assert.equal(patch.url, `${BASE}/persons/4`);
  assert.deepEqual(patch.body, { name: 'Jane Doe', custom_fields: { [FIELD]: 'pro' } });
  assert.equal(classifyPipedrive(answer(200, { success: true, data: { id: 4 } }), patch, ctx()).hasOwnProperty('next'), false);
});

test('a found person with nothing to write costs no PATCH; a phone it holds already is not sent again', () => {
  assert.deepEqual(classifyPipedrive(found({ id: 4 }), searchOf({ email: 'jane@example.com' }), ctx()), { status: 'delivered' });
  assert.deepEqual(classifyPipedrive(found({ id: 4, phones: ['+1 (555) 010-0100'] }), searchOf({ email: 'jane@example.com', phone: '+15550100100' }), ctx()), { status: 'delivered' });
});

test('a phone new to the found person: its phones are read, then PATCHed with the new one added, labels kept', () => {
  const search = searchOf({ email: 'jane@example.com', phone: '+1 555 0101' });
  const get = nextOf(classifyPipedrive(found({ id: 4, phones: ['+1 555 0100'] }), search, ctx()));
  assert.equal(get.method, 'GET');
  assert.equal(get.url, `${BASE}/persons/4`);
  const patch = nextOf(classifyPipedrive(answer(200, { success: true, data: { id: 4, phones: [{ value: '+1 555 0100', primary: true, label: 'home' }] } }), get, ctx()));
  assert.equal(patch.method, 'PATCH');
  assert.deepEqual(patch.body, { phones: [{ value: '+1 555 0100', primary: true, label: 'home' }, { value: '+1 555 0101', primary: false, label: 'work' }] });
});

test('track, page, screen, alias and group calls are not sent; an identify without an email is not sent; a malformed email is dead-lettered', () => {
  for (const type of ['track', 'page', 'screen', 'alias', 'group'] as const) {
    assert.equal(pipedrive.neverSends!({ type } as CanonicalEvent, ctx()) !== undefined, true, type);
  }
  const warnings: string[] = [];
  assert.equal(mapped(identify({ plan: 'pro' }), {}, warnings).payload, null);
  assert.ok(warnings.some((w) => /no email/.test(w)), warnings.join('; '));
  assert.match(String(mapped(identify({ email: 'jane@' })).error), /email/);
});

test('custom field values: text and numbers sent, a boolean as the text true/false (no Pipedrive field takes a JSON boolean), a composite field\'s { value, currency } as given; a list or another object left out, said', () => {
  const warnings: string[] = [];
  const [seats, tags, beta, ltv, meta] = ['a', 'b', 'c', 'e', 'f'].map((c) => c.repeat(40));
  const result = mapped(identify({ email: 'jane@example.com', plan: 'pro', seats: 3, tags: ['a'], beta: false, ltv: { value: 2300, currency: 'EUR' }, meta: { source: 'ads' } }), { custom_fields: { plan: FIELD, seats, tags, beta, ltv, meta } }, warnings);
  assert.deepEqual(result.payload!.custom_fields, { [FIELD]: 'pro', [seats]: 3, [beta]: 'false', [ltv]: { value: 2300, currency: 'EUR' } });
  assert.ok(warnings.some((w) => /traits\.tags left out/.test(w)), warnings.join('; '));
  assert.ok(warnings.some((w) => /traits\.meta left out: .*another object/.test(w)), warnings.join('; '));
});

test('searches count against a bucket of their own that keeps within the Search API\'s 10 requests in 2 seconds; all requests within 20 in 2 seconds', () => {
  const search = searchOf({ email: 'jane@example.com' });
  assert.equal(search.endpoint, 'search');
  const bucket = pipedrive.rateLimit.endpoints?.[search.endpoint!];
  assert.ok(bucket, 'the search bucket is declared');
  // A token bucket lets through at most its burst plus two seconds of its rate in any 2 seconds.
  assert.ok((bucket.burst ?? bucket.rps * 2) + bucket.rps * 2 <= 10, JSON.stringify(bucket));
  const { rps, burst } = pipedrive.rateLimit;
  assert.ok((burst ?? rps * 2) + rps * 2 <= 20, JSON.stringify(pipedrive.rateLimit));
  const create = nextOf(classifyPipedrive(answer(200, { success: true, data: { items: [] } }), search, ctx()));
  assert.equal(create.endpoint, undefined, 'a write is no search');
  const [deletionSearch] = forgetPerson.request({ userId: 'jane@example.com', anonymousId: null }, ctx()) as RequestDescriptor[];
  assert.equal(deletionSearch!.endpoint, 'search');
});

test('a 403 page of Pipedrive\'s edge (a token that kept sending after 429s) waits, throttled, and is no permission problem; Pipedrive\'s own 403 is', () => {
  const search = searchOf({ email: 'jane@example.com' });
  const page = answer(403, '<!DOCTYPE html><html><title>Access denied | api.pipedrive.com used Cloudflare to restrict access</title><body>Error 1015</body></html>');
  const blocked = classifyPipedrive(page, search, ctx());
  assert.equal((blocked as { status: string }).status, 'retry');
  assert.equal((blocked as { throttled?: boolean }).throttled, true);
  assert.equal((blocked as { retryAfterMs?: number }).retryAfterMs, 15 * 60_000);
  assert.match(String((blocked as { reason?: string }).reason), /edge blocked the API token/);
  const refused = classifyPipedrive(answer(403, { success: false, error: 'You do not have permission to add persons', error_info: 'Please check developers.pipedrive.com' }), search, ctx());
  assert.equal((refused as { status: string }).status, 'dead_letter');
  assert.match(String((refused as { reason?: string }).reason), /Permission sets/);
  const [deletionSearch] = forgetPerson.request({ userId: 'jane@example.com', anonymousId: null }, ctx()) as RequestDescriptor[];
  assert.deepEqual(forgetPerson.read!(page, deletionSearch, ctx()), { retry: `HTTP 403: ${page.body}: Pipedrive's edge blocked the API token for sending on after 429s (its HTML page, no answer of Pipedrive's)`, afterSeconds: 900 });
  assert.ok('failed' in forgetPerson.read!(answer(403, { success: false, error: 'You do not have permission' }), deletionSearch, ctx()));
});

test('429: the burst window after x-ratelimit-reset, throttled; a spent daily budget waits until midnight UTC', () => {
  const search = searchOf({ email: 'jane@example.com' });
  assert.deepEqual(classifyPipedrive(answer(429, { success: false, error: 'Request over limit' }, { 'x-ratelimit-reset': '2' }), search, ctx()),
    { status: 'retry', reason: 'Pipedrive rate limit reached (HTTP 429: Request over limit)', retryAfterMs: 2000, throttled: true });
  const daily = classifyPipedrive(answer(429, { success: false, error: 'Daily rate limit exceeded' }), search, ctx());
  assert.equal('status' in daily && daily.status, 'retry');
  assert.equal((daily as { retryAfterMs?: number }).retryAfterMs, 8 * 3600 * 1000);
  assert.equal((daily as { throttled?: boolean }).throttled, true);
  assert.equal(isDailyBudgetSpent(answer(429, '', { 'x-daily-requests-left': '0' })), true);
  assert.equal(isDailyBudgetSpent(answer(429, '', { 'x-ratelimit-remaining': '0' })), false);
  assert.equal(msUntilUtcMidnight(Date.parse('2024-03-24T23:59:00Z')), 60_000);
});

test('5xx retried; 401 names config.api_token; 403 the user\'s permissions; 400 Pipedrive\'s words and config.custom_fields; a 2xx that is no Pipedrive answer retried', () => {
  const search = searchOf({ email: 'jane@example.com' });
  assert.deepEqual(classifyPipedrive(answer(503, 'Service Unavailable'), search, ctx()), { status: 'retry', reason: 'Pipedrive HTTP 503: Service Unavailable' });
  const refused = classifyPipedrive(answer(401, { success: false, error: 'unauthorized access', errorCode: 401, error_info: 'Please check developers.pipedrive.com' }), search, ctx());
  assert.equal((refused as { status: string }).status, 'dead_letter');
  assert.match((refused as { reason: string }).reason, /^Pipedrive refused the search of the person by email \(HTTP 401: unauthorized access \(Please check developers\.pipedrive\.com\)\): check config\.api_token/);
  assert.match((classifyPipedrive(answer(403, { success: false, error: 'Forbidden' }), search, ctx()) as { reason: string }).reason, /Permission sets/);
  const create = nextOf(classifyPipedrive(answer(200, { success: true, data: { items: [] } }), search, ctx()));
  const bad = classifyPipedrive(answer(400, { success: false, error: `Validation failed: custom_fields.${FIELD}: Expected number` }), create, ctx());
  assert.equal((bad as { status: string }).status, 'dead_letter');
  assert.match((bad as { reason: string }).reason, /^Pipedrive refused the new person \(HTTP 400: Validation failed: .*\): check config\.custom_fields/);
  assert.equal((classifyPipedrive(answer(200, '<html>portal</html>'), search, ctx()) as { status: string }).status, 'retry');
});

test('a 404 to the update of a found person (deleted meanwhile) retries from the search; a 404 to the search names config.company_domain', () => {
  const search = searchOf({ email: 'jane@example.com', name: 'Jane' });
  const patch = nextOf(classifyPipedrive(found({ id: 4 }), search, ctx()));
  assert.equal((classifyPipedrive(answer(404, { success: false, error: 'Person not found' }), patch, ctx()) as { status: string }).status, 'retry');
  assert.match((classifyPipedrive(answer(404, { success: false, error: 'Not found' }), search, ctx()) as { reason: string }).reason, /config\.company_domain/);
});

test('config: the company domain as a label, host or URL; a title instead of a field key and a pasted "Bearer " refused, naming the field', () => {
  assert.equal(apiOriginOf({ company_domain: 'https://Acme.pipedrive.com/' }), 'https://acme.pipedrive.com');
  assert.equal(apiOriginOf({}), 'https://api.pipedrive.com');
  assert.deepEqual(validatePipedriveConfig({ api_token: TOKEN, company_domain: 'acme', custom_fields: { plan: FIELD } }), []);
  const problems = validatePipedriveConfig({ api_token: `Bearer ${TOKEN}`, company_domain: 'acme.example.com', custom_fields: { plan: 'Plan' } });
  assert.deepEqual(problems.map((p) => p.field), ['api_token', 'company_domain', 'custom_fields']);
  assert.equal(problems.some((p) => p.message.includes(TOKEN)), false, 'the token never repeated');
});

test('deletions: a search by each email, then DELETE of the oldest found; two persons holding it in one chain, more tried again; none found done; a userId that is no email skipped', () => {
  const c = ctx();
  const requests = forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com', 'j@work.example'] }, c) as RequestDescriptor[];
  assert.deepEqual(requests.map((r) => [r.method, r.url, r.query![0]]), [['GET', `${BASE}/persons/search`, ['term', 'Jane@Example.com']], ['GET', `${BASE}/persons/search`, ['term', 'j@work.example']]]);
  const next = forgetPerson.read!(found({ id: 9 }, { id: 5 }, { id: 11 }), requests[0]!, c);
  assert.ok('next' in next);
  assert.equal(next.next.method, 'DELETE');
  assert.equal(next.next.url, `${BASE}/persons/5`);
  assert.equal(next.next.headers!['x-api-token'], TOKEN);
  const second = forgetPerson.read!(answer(200, { success: true, data: { id: 5 } }), next.next, c);
  assert.ok('next' in second, 'the next person holding the email');
  assert.equal(second.next.url, `${BASE}/persons/9`);
  assert.ok('retry' in forgetPerson.read!(answer(404, { success: false, error: 'Person not found' }), second.next, c), 'a third person: the chain is full, a later try searches again');
  const single = forgetPerson.read!(found({ id: 5 }), requests[0]!, c);
  assert.ok('next' in single);
  assert.deepEqual(forgetPerson.read!(answer(200, { success: true, data: { id: 5 } }), single.next, c), { done: true, message: 'deleted (HTTP 200): Pipedrive marked the person deleted (it deletes them for good after 30 days)' });
  assert.ok('done' in forgetPerson.read!(answer(404, { success: false, error: 'Person not found' }), single.next, c));
  assert.deepEqual(forgetPerson.read!(answer(200, { success: true, data: { items: [] } }), requests[0]!, c), { done: true, message: 'Pipedrive has no person with this email: nothing to delete' });
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: [] }, c), { skipped: NOT_AN_EMAIL });
  assert.equal(forgetPerson.enabled({ api_token: TOKEN, forward_deletions: false }), false);
  assert.ok('failed' in forgetPerson.read!(answer(401, { success: false, error: 'unauthorized access' }), requests[0]!, c));
  assert.ok('retry' in forgetPerson.read!(answer(503, 'Service Unavailable'), single.next, c), 'a DELETE answering 5xx is tried again');
  assert.ok('failed' in forgetPerson.read!(answer(400, { success: false, error: 'Bad request' }), single.next, c));
  assert.ok('done' in forgetPerson.read!(answer(200, { success: true, data: { id: 5 } }), undefined, c), 'an answer read without its request: a 2xx is done');
});

test('samePhone compares digits alone', () => {
  assert.equal(samePhone('+44 7700 900123', '+447700900123'), true);
  assert.equal(samePhone('+44 7700 900123', '+447700900124'), false);
});
