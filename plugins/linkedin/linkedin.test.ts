import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { createConfigAjv, PermanentError, RetryableError, type CanonicalEvent, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import linkedin, { CONVERSION_EVENTS_URL, sendConversions, validateLinkedInConfig } from './index.ts';
import { linkedInTokenRequest, readLinkedInTokenAnswer, TOKEN_URL } from './access-token.ts';
import { classifyLinkedIn, refusedIndexes } from './classify.ts';
import { conversionRuleFor, linkedInConfigWarnings, ruleId } from './config.ts';
import { MAX_AGE_MS, toLinkedInEvent } from './conversion-event.ts';
import { hashEmail, linkedInUser } from './user-info.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NOW = Date.parse('2026-11-30T12:00:00Z');
const RULES = { 'Order Completed': '104012', 'Signed Up': 'urn:lla:llaPartnerConversion:104013', page: '104014', 'page:Pricing': '104015', 'Product Added': '104016' };
const refreshConfig = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ conversion_rules: RULES, client_id: '86c6ydq9ab1xyz', client_secret: 'app-secret', refresh_token: 'AQW-refresh-token', ...extra });
const accessConfig = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ conversion_rules: RULES, access_token: 'AQV-pasted-token', ...extra });
const ctx = (config = refreshConfig(), extra: Partial<PluginContext> = {}): PluginContext => ({ config, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, ...extra });

const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc', timestamp: '2026-11-30T11:00:00.000Z', receivedAt: '2026-11-30T11:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' } },
  ...overrides,
} as CanonicalEvent);
const AT = Date.parse('2026-11-30T11:00:00Z');
const payload = (overrides: JsonObject = {}): JsonObject => ({ conversionHappenedAt: AT, eventId: 'm-1', user: { email: 'jane@example.com' }, ...overrides });
const fit = (p: JsonObject = payload(), event = browserEvent(), c = ctx()) => toLinkedInEvent(p, event, c);

test('the email is hashed trimmed and lower-cased; identifiers go in LinkedIn\'s order; userInfo only with both names', () => {
  assert.equal(hashEmail(' Jane.Doe@Example.COM '), sha256('jane.doe@example.com'));
  assert.equal(hashEmail('not an address'), undefined);
  assert.equal(hashEmail(sha256('x@y.z').toUpperCase()), sha256('x@y.z'), 'a digest is not hashed twice');
  const { user, left } = linkedInUser({ ip: '203.0.113.42', oracle_moat_id: ' moat-1 ', acxiom_id: 'ax-1', li_fat_id: 'fat-1', email: ['a@x.com', 'b@x.com'], firstName: ' Jane ', lastName: 'Doe', companyName: 'Acme', title: 'CTO', countryCode: 'United Kingdom', phone: '+44 7700 900123' }, { sendIpAddress: true });
  assert.deepEqual(user, {
    userIds: [
      { idType: 'SHA256_EMAIL', idValue: sha256('a@x.com') },
      { idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: 'fat-1' },
      { idType: 'ACXIOM_ID', idValue: 'ax-1' },
      { idType: 'ORACLE_MOAT_ID', idValue: 'moat-1' },
      { idType: 'PLAINTEXT_IP_ADDRESS', idValue: '203.0.113.42' },
    ],
    userInfo: { firstName: 'Jane', lastName: 'Doe', companyName: 'Acme', title: 'CTO', countryCode: 'GB' },
  });
  assert.deepEqual(left, ['phone'], 'a key LinkedIn does not take is never sent');
  assert.deepEqual(linkedInUser({ ip: '203.0.113.42' }).user, { userIds: [] }, 'the IP only with config.send_ip_address');
  assert.deepEqual(linkedInUser({ ip: '2001:db8::1' }, { sendIpAddress: true }), { user: { userIds: [] }, left: ['ip'] }, 'IPv4 only');
  assert.deepEqual(linkedInUser({ firstName: 'Jane', companyName: 'Acme' }), { user: { userIds: [] }, left: ['userInfo (no lastName)'] }, 'LinkedIn refuses a userInfo without both names');
  assert.deepEqual(linkedInUser({ title: 'CTO' }).left, ['userInfo (no firstName and no lastName)']);
  assert.deepEqual(linkedInUser(undefined), { user: { userIds: [] }, left: [] });
});

test('conversion rules: a track event by its name, a page call by page:<name> then page; digits or the URN', () => {
  const config = refreshConfig();
  assert.equal(conversionRuleFor(browserEvent(), config), '104012');
  assert.equal(conversionRuleFor(browserEvent({ event: 'Signed Up' }), config), '104013', 'a URN is read as its id');
  assert.equal(conversionRuleFor(browserEvent({ type: 'page', event: undefined, name: 'Pricing' }), config), '104015');
  assert.equal(conversionRuleFor(browserEvent({ type: 'page', event: undefined, name: 'Home' }), config), '104014');
  assert.equal(conversionRuleFor(browserEvent({ event: 'order completed' }), config), undefined, 'names are matched exactly');
  assert.equal(conversionRuleFor(browserEvent({ event: 'toString' }), config), undefined, 'only the config\'s own keys');
  assert.deepEqual([ruleId(' 104012 '), ruleId(104012), ruleId('urn:li:sponsoredAccount:1'), ruleId('abc'), ruleId(null), ruleId('0'), ruleId(0)], ['104012', '104012', undefined, undefined, undefined, undefined, undefined]);
});

test('an event becomes LinkedIn\'s element: the rule\'s URN, epoch ms, eventId, user; an event no rule names is not sent', () => {
  assert.deepEqual(fit(), { conversion: 'urn:lla:llaPartnerConversion:104012', conversionHappenedAt: AT, eventId: 'm-1', user: { userIds: [{ idType: 'SHA256_EMAIL', idValue: sha256('jane@example.com') }] } });
  assert.equal(fit(payload(), browserEvent({ event: 'Newsletter Opened' })), null, 'no rule: dropped, not an error');
  assert.equal(fit(payload({ conversion: 'urn:lla:llaPartnerConversion:555' }), browserEvent({ event: 'Newsletter Opened' }))!.conversion, 'urn:lla:llaPartnerConversion:555', 'a rule the blueprint maps wins');
  assert.throws(() => fit(payload({ conversion: 'Purchase' })), /the blueprint mapped conversion "Purchase"/);
  assert.equal(fit(payload({ conversionHappenedAt: '2026-11-30T11:00:00Z' }))!.conversionHappenedAt, AT, 'an ISO date');
  assert.equal(fit(payload({ conversionHappenedAt: String(AT) }))!.conversionHappenedAt, AT, 'ms as text');
  assert.equal(fit(payload({ conversionHappenedAt: undefined as never }))!.conversionHappenedAt, AT, 'the event\'s timestamp unless mapped');
  assert.throws(() => fit(payload({ conversionHappenedAt: 'yesterday' })), /conversionHappenedAt/);
  assert.equal(fit(payload({ conversionHappenedAt: NOW + 30 * 60_000 }))!.conversionHappenedAt, NOW, 'clock skew: sent as the delivery\'s time');
  assert.throws(() => fit(payload({ conversionHappenedAt: NOW + 2 * 3_600_000 })), /LinkedIn refuses conversions in the future/);
  assert.equal(fit(payload({ conversionHappenedAt: NOW - MAX_AGE_MS }))!.conversionHappenedAt, NOW - MAX_AGE_MS, '90 days exactly');
  assert.throws(() => fit(payload({ conversionHappenedAt: NOW - MAX_AGE_MS - 1 })), /at most 90 days old: this one happened on 2026-09-01T11:59:59\.999Z, 90 days before this delivery/);
  assert.equal(fit(payload({ eventId: undefined as never }))!.eventId, 'm-1', 'the messageId unless mapped');
  assert.equal(fit(payload({ eventId: 'x'.repeat(65) }))!.eventId, 'm-1', 'an eventId longer than 64 characters gives way to the messageId');
  for (const placeholder of ['undefined', 'null', ' NULL ']) {
    assert.equal(fit(payload({ eventId: placeholder }))!.eventId, 'm-1', `a placeholder eventId (${placeholder}) would make LinkedIn count one conversion of all that carry it`);
  }
  assert.equal('eventId' in fit(payload({ eventId: 'undefined' }), browserEvent({ messageId: 'x'.repeat(65) }))!, false, 'neither usable: no eventId');
  const withExtras = fit(payload({ event_name: 'purchase', products: [{ price: 1 }], conversionValue: { currencyCode: 'USD' }, user: { email: 'jane@example.com', phone: '+447700900123' } }))!;
  assert.deepEqual(Object.keys(withExtras), ['conversion', 'conversionHappenedAt', 'conversionValue', 'eventId', 'user'], 'only the keys LinkedIn\'s schema has');
});

test('conversionValue: the amount as text, else the products\' sum; the currency mapped, else the default; never a value without currency', () => {
  const value = (p: JsonObject, config = refreshConfig()) => fit(payload(p), browserEvent(), ctx(config))!.conversionValue;
  assert.deepEqual(value({ conversionValue: { amount: 89.99, currencyCode: 'gbp' } }), { currencyCode: 'GBP', amount: '89.99' });
  assert.deepEqual(value({ conversionValue: { amount: '0' } }, refreshConfig({ default_currency: 'usd' })), { currencyCode: 'USD', amount: '0' });
  assert.deepEqual(value({ products: [{ price: 24.99, quantity: 3 }, { price: '0.1', quantity: 2 }], conversionValue: { currencyCode: 'EUR' } }), { currencyCode: 'EUR', amount: '75.17' }, 'micro-units: no binary error');
  assert.deepEqual(value({ products: { price: 24.99 }, conversionValue: { currencyCode: 'EUR' } }), { currencyCode: 'EUR', amount: '24.99' }, 'one product, quantity 1');
  assert.equal(value({ products: [{ price: 5 }, { quantity: 1 }], conversionValue: { currencyCode: 'EUR' } }), undefined, 'a product without a price: no partial sum');
  assert.equal(value({ conversionValue: { currencyCode: 'EUR' } }), undefined, 'no amount: no conversionValue');
  assert.throws(() => value({ conversionValue: { amount: 5 } }), /needs the currency of a conversion value: the event has a value \(5\) and no currency; send currency with the event, or set config\.default_currency/);
  assert.throws(() => value({ conversionValue: { amount: 5, currencyCode: 'dollars' } }), /ISO 4217/);
  assert.throws(() => value({ conversionValue: { amount: 'ten', currencyCode: 'USD' } }), /conversionValue\.amount as a number/);
  assert.throws(() => value({ products: [{ price: 1e303, quantity: 10 }], conversionValue: { currencyCode: 'USD' } }), /the products' sum of price × quantity is too large for one: map conversionValue\.amount/, 'never an amount of "Infinity"');
});

test('the person: the page URL\'s li_fat_id wins over the cookie\'s; an event LinkedIn cannot match is dead-lettered alone', () => {
  const withUrl = (url: string, user: JsonObject) => fit(payload({ user }), browserEvent({ context: { ip: '203.0.113.42', page: { url } } }))!.user as JsonObject;
  assert.deepEqual(withUrl('https://shop.example.com/?li_fat_id=fresh-click&x=1', { email: 'a@x.com', li_fat_id: 'cookie-click', acxiom_id: 'ax' }).userIds, [
    { idType: 'SHA256_EMAIL', idValue: sha256('a@x.com') }, { idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: 'fresh-click' }, { idType: 'ACXIOM_ID', idValue: 'ax' },
  ]);
  assert.deepEqual(withUrl('https://shop.example.com/?li_fat_id=fresh-click', { acxiom_id: 'ax' }).userIds, [{ idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: 'fresh-click' }, { idType: 'ACXIOM_ID', idValue: 'ax' }]);
  assert.deepEqual(withUrl('https://shop.example.com/', { li_fat_id: 'cookie-click' }).userIds, [{ idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: 'cookie-click' }]);
  assert.deepEqual(withUrl('https://shop.example.com/?li_fat_id=undefined', { li_fat_id: 'cookie-click' }).userIds, [{ idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: 'cookie-click' }], 'a placeholder in the URL: the cookie\'s click id');
  assert.deepEqual(withUrl('https://shop.example.com/?li_fat_id=%E0%A4%A', { email: 'a@x.com' }).userIds, [{ idType: 'SHA256_EMAIL', idValue: sha256('a@x.com') }], 'a mangled click id is none');
  for (const user of [{ li_fat_id: 'null' }, { li_fat_id: 'undefined', acxiom_id: ' ', oracle_moat_id: 'N/A' }, { li_fat_id: 'fat id with spaces' }] as JsonObject[]) {
    assert.throws(() => withUrl('https://shop.example.com/', user), /cannot match this conversion to a member: .*left out as unusable: li_fat_id/, `placeholders identify no one: ${JSON.stringify(user)}`);
  }
  assert.deepEqual(fit(payload({ user: { firstName: 'Jane', lastName: 'Doe' } }))!.user, { userIds: [], userInfo: { firstName: 'Jane', lastName: 'Doe' } }, 'both names match without an identifier; userIds is always a list');
  assert.throws(() => fit(payload({ user: { email: 'nobody', firstName: 'Jane', ip: '203.0.113.42' } })), (error: Error) => error instanceof PermanentError
    && /cannot match this conversion to a member: .* an IPv4 address \(config\.send_ip_address is off\), or a first and last name, and the event has none \(left out as unusable: email, userInfo \(no lastName\)\)/.test(error.message));
  assert.deepEqual(fit(payload({ user: { ip: '203.0.113.42' } }), browserEvent(), ctx(refreshConfig({ send_ip_address: true })))!.user, { userIds: [{ idType: 'PLAINTEXT_IP_ADDRESS', idValue: '203.0.113.42' }] });
});

test('validateConfig names the field of each problem: the credential, the rules, the version', () => {
  assert.deepEqual(validateLinkedInConfig(refreshConfig()), []);
  assert.deepEqual(validateLinkedInConfig(accessConfig()), []);
  assert.deepEqual(validateLinkedInConfig(refreshConfig({ access_token: 'AQV-also' })), [], 'both: the refresh token is used');
  const none = validateLinkedInConfig({ conversion_rules: RULES });
  assert.deepEqual(none.map((p) => p.field), ['refresh_token']);
  assert.match(none[0]!.message, /give a refresh_token \(with client_id and client_secret.*\) or an access_token/);
  assert.deepEqual(validateLinkedInConfig({ conversion_rules: RULES, refresh_token: 'AQW-x' }).map((p) => p.field), ['client_id', 'client_secret']);
  assert.deepEqual(validateLinkedInConfig(refreshConfig({ refresh_token: 'Bearer AQW-x' })).map((p) => `${p.field}: ${p.message}`), ['refresh_token: starts with "Bearer ": give the refresh token alone, Signal adds the prefix']);
  assert.deepEqual(validateLinkedInConfig(accessConfig({ access_token: 'AQV-x\n' })).map((p) => p.field), ['access_token']);
  assert.match(validateLinkedInConfig(refreshConfig({ access_token: 'AQW-refresh-token' }))[0]!.message, /is the access token again/);
  assert.deepEqual(validateLinkedInConfig(refreshConfig({ client_id: 'abc def' })).map((p) => p.field), ['client_id']);
  assert.deepEqual(validateLinkedInConfig(accessConfig({ conversion_rules: {} })).map((p) => p.field), ['conversion_rules']);
  assert.deepEqual(validateLinkedInConfig(accessConfig({ conversion_rules: [] })).map((p) => p.field), ['conversion_rules']);
  const rules = validateLinkedInConfig(accessConfig({ conversion_rules: { ' ': '1', ' Signed Up': '2', Lead: 'Lead rule', Demo: 'undefined', Trial: '0', 'Page:Pricing': '3', 'page: Pricing': '4', 'page:': '5', 'page:Pricing': '6', 'Page Viewed': '7' } })).map((p) => `${p.field}: ${p.message}`);
  assert.deepEqual(rules.map((rule) => rule.split(':')[0]), Array(8).fill('conversion_rules'));
  // The keys' problems first (the SDK's eventMapKeyProblems), then the ids'.
  assert.match(rules[0]!, /empty Signal event name/);
  assert.match(rules[1]!, /" Signed Up" with white space/);
  for (const [i, key] of [[2, 'Page:Pricing'], [3, 'page: Pricing'], [4, 'page:']] as const) assert.match(rules[i]!, new RegExp(`has "${key}": a page call of a name is page:<its name>, in lower case`));
  assert.match(rules[5]!, /gives "Lead rule" for "Lead": a conversion rule id is its digits as Campaign Manager shows them \(104012\)/);
  assert.match(rules[6]!, /gives "undefined" for "Demo"/);
  assert.match(rules[7]!, /gives "0" for "Trial"/);
  const schema = createConfigAjv().compile(linkedin.config);
  assert.equal(schema(accessConfig({ conversion_rules: { Lead: 'Lead rule' } })), true, 'the schema leaves ids to validateConfig, whose message names the event');
  assert.equal(schema(accessConfig({ conversion_rules: { Lead: 104012 } })), false, 'ids are text (JSON strings)');
  assert.deepEqual(validateLinkedInConfig(accessConfig({ linkedin_version: '202213' })).map((p) => p.field), ['linkedin_version']);
  assert.deepEqual(validateLinkedInConfig(accessConfig({ linkedin_version: '202112' })).map((p) => p.field), ['linkedin_version'], 'before LinkedIn\'s first versioned release');
  assert.deepEqual(validateLinkedInConfig(accessConfig({ linkedin_version: '202603.01' })), []);
  const validate = createConfigAjv().compile(linkedin.config);
  assert.equal(validate(accessConfig({ linkedin_version: '2026-03' })), false);
  assert.equal(validate(refreshConfig({ default_currency: 'USD', send_ip_address: true, linkedin_version: '202601' })), true);
});

const mapped = (id: string, p: JsonObject): MappedEvent => ({ id, event: browserEvent({ messageId: id.split('#')[0]! }), payload: p });
const element = (rule: string, eventId: string): JsonObject => ({ conversion: `urn:lla:llaPartnerConversion:${rule}`, conversionHappenedAt: AT, eventId, user: { userIds: [] } });

test('send: BATCH_CREATE per conversion rule, at most 5,000 events, with the version, protocol and token headers', () => {
  const batch = [mapped('a', element('1', 'a')), mapped('b', element('2', 'b')), mapped('a#2', element('1', 'a'))];
  const requests = sendConversions(batch, ctx(refreshConfig(), { accessToken: 'AQX-exchanged' }));
  assert.deepEqual(requests.map((r) => r.eventIds), [['a', 'a#2'], ['b']], 'one request per rule, events named by their ids');
  assert.deepEqual(requests[0], {
    method: 'POST', url: CONVERSION_EVENTS_URL,
    headers: { authorization: 'Bearer AQX-exchanged', 'content-type': 'application/json', 'linkedin-version': '202603', 'x-restli-protocol-version': '2.0.0', 'x-restli-method': 'BATCH_CREATE' },
    body: { elements: [element('1', 'a'), element('1', 'a')] }, eventIds: ['a', 'a#2'],
  });
  assert.equal(sendConversions(batch, ctx(accessConfig({ linkedin_version: '202601' })))[0]!.headers!['linkedin-version'], '202601');
  assert.equal(sendConversions(batch, ctx(accessConfig()))[0]!.headers!.authorization, 'Bearer AQV-pasted-token', 'the pasted token without an exchange');
  assert.equal(sendConversions(batch, ctx(accessConfig(), { accessToken: '[access token]' }))[0]!.headers!.authorization, 'Bearer [access token]', 'a preview');
  assert.throws(() => sendConversions(batch, ctx(refreshConfig())), /no access token was obtained for config\.refresh_token/);
  assert.throws(() => sendConversions(batch, ctx({ conversion_rules: RULES })), /set config\.refresh_token .* or config\.access_token/);
  const many = Array.from({ length: 10_001 }, (_, i) => mapped(`e${i}`, element('1', `e${i}`)));
  assert.deepEqual(sendConversions(many, ctx(accessConfig())).map((r) => r.eventIds.length), [5000, 5000, 1]);
});

test('the token exchange: LinkedIn\'s refresh-token grant, its answer read, a refused refresh token said in LinkedIn\'s terms', () => {
  const exchange = linkedin.accessToken!;
  assert.deepEqual(exchange.usedBy, ['delivery']);
  assert.equal(exchange.enabled(refreshConfig()), true);
  assert.equal(exchange.enabled(accessConfig()), false, 'a pasted access token is used as it is');
  assert.equal(exchange.enabled(accessConfig({ refresh_token: ' ' })), false);
  const request = linkedInTokenRequest(ctx(refreshConfig({ refresh_token: ' AQW-refresh-token ' })));
  assert.equal(exchange.request, linkedInTokenRequest);
  assert.deepEqual([request.method, request.url, request.headers!['content-type'], request.eventIds], ['POST', TOKEN_URL, 'application/x-www-form-urlencoded', []]);
  assert.deepEqual(Object.fromEntries(new URLSearchParams(request.body as string)), { grant_type: 'refresh_token', refresh_token: 'AQW-refresh-token', client_id: '86c6ydq9ab1xyz', client_secret: 'app-secret' });
  const answer = (status: number, json: JsonObject) => ({ status, headers: {}, body: JSON.stringify(json), json });
  assert.deepEqual(readLinkedInTokenAnswer(answer(200, { access_token: 'AQX-new', expires_in: 5_184_000, refresh_token: 'AQW-refresh-token', refresh_token_expires_in: 31_000_000 })), { accessToken: 'AQX-new', expiresInSeconds: 5_184_000, credentialExpiresInSeconds: 31_000_000, refreshToken: 'AQW-refresh-token' });
  assert.throws(() => readLinkedInTokenAnswer(answer(400, { error: 'invalid_request', error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked' })),
    (error: Error) => error instanceof PermanentError && error.message.startsWith('LinkedIn refused the refresh token (HTTP 400, invalid_request: The provided authorization grant or refresh token is invalid, expired or revoked). LinkedIn refresh tokens last 365 days'));
  assert.throws(() => readLinkedInTokenAnswer({ status: 401, headers: {}, body: '' }), /LinkedIn refused the refresh token \(HTTP 401, \(no body\)\)/);
  assert.throws(() => readLinkedInTokenAnswer(answer(503, { message: 'down' })), RetryableError);
  assert.throws(() => readLinkedInTokenAnswer({ status: 404, headers: {}, body: '<html>Not Found</html>' }), (error: Error) => error instanceof PermanentError
    && error.message === 'the token endpoint refused the request (HTTP 404: <html>Not Found</html>)', 'an answer that is not about the token is not said to be');
  assert.throws(() => readLinkedInTokenAnswer(answer(200, { expires_in: 10 })), /answered without an access_token/);
});

const request = (n: number, rule = '104012'): RequestDescriptor => ({
  method: 'POST', url: CONVERSION_EVENTS_URL, eventIds: Array.from({ length: n }, (_, i) => `e${i}`),
  body: { elements: Array.from({ length: n }, (_, i) => element(rule, `e${i}`)) },
});
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body, headers });
const classify = (status: number, body: unknown, n = 2, config = refreshConfig(), headers: Record<string, string> = {}) => classifyLinkedIn(answer(status, body, headers), request(n), { config });
/** The status of a whole-request classification (undefined for outcomes per event). */
const statusOf = (classification: ReturnType<typeof classify>) => ('status' in classification ? classification.status : undefined);

test('classify: 2xx by each element\'s status', () => {
  assert.deepEqual(classify(200, { elements: [{ status: 201 }, { status: 201 }] }), { status: 'delivered' });
  assert.deepEqual(classify(201, ''), { status: 'delivered' }, 'a create without a body');
  // LinkedIn's batch answer as recorded (RudderStack), and a page that is not LinkedIn's: sent again, never counted recorded.
  assert.deepEqual(classify(200, { elements: [{ status: 201 }, { status: 201 }] }, 2, refreshConfig(), { 'content-type': 'application/json' }), { status: 'delivered' });
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(classify(200, page, 2, refreshConfig(), { 'content-type': 'text/html' }), { status: 'retry', reason: `HTTP 200 without LinkedIn's answer (its JSON, or none): ${page} — not LinkedIn's answer (a proxy?), so the conversions are sent again (each with its eventId)` });
  assert.deepEqual(classify(200, { elements: [{ status: 201 }] }), { status: 'delivered' }, 'a list of another length tells nothing');
  assert.deepEqual(classify(200, { elements: [{ status: 201 }, { status: 400, error: { status: 400, message: 'Invalid conversion' } }, { status: 503 }, { status: 429 }, 'x'] }, 5), {
    perEvent: {
      e1: { status: 'dead_letter', reason: 'LinkedIn refused the event (status 400, Invalid conversion)' },
      e2: { status: 'retry', reason: 'LinkedIn refused the event (status 503)' },
      e3: { status: 'retry', reason: 'LinkedIn refused the event (status 429)', retryAfterMs: 60_000, throttled: true },
    },
  });
});

test('classify: 401 says how to fix the credential of each kind; 403 names the scope, the role and the rule; a version LinkedIn does not serve names the config field', () => {
  const revoked = { status: 401, serviceErrorCode: 65601, code: 'REVOKED_ACCESS_TOKEN', message: 'The token used in the request has been revoked by the user' };
  const refresh = classify(401, revoked);
  assert.equal(statusOf(refresh), 'dead_letter');
  assert.match((refresh as { reason: string }).reason, /^LinkedIn refused the access token \(HTTP 401, REVOKED_ACCESS_TOKEN \(serviceErrorCode 65601\): The token used in the request has been revoked by the user\): Signal renewed the access token with the refresh token and LinkedIn refused the new one too: .* store the new refresh token in config\.refresh_token in a new revision, then replay the dead letters$/);
  assert.match((classify(401, { status: 401, serviceErrorCode: 65600, code: 'INVALID_ACCESS_TOKEN', message: 'Invalid access token' }, 2, accessConfig()) as { reason: string }).reason, /access tokens last 60 days and can be revoked\. Generate a new one with the rw_conversions and r_ads scopes and update config\.access_token/);
  const forbidden = classify(403, { status: 403, message: 'No ad accounts found' }) as { status: string; reason: string };
  assert.equal(forbidden.status, 'dead_letter');
  assert.match(forbidden.reason, /^LinkedIn refused to record conversions for rule 104012 with this token \(HTTP 403, No ad accounts found\)\. Check that the token has the rw_conversions and r_ads scopes .* that config\.conversion_rules names the rule by its right id/);
  assert.match((classify(426, { status: 426, code: 'NONEXISTENT_VERSION', message: 'Requested version 20220101 is not active' }, 2, accessConfig({ linkedin_version: '202206' })) as { reason: string }).reason, /^LinkedIn does not serve Marketing API version 202206 \(HTTP 426, NONEXISTENT_VERSION: Requested version 20220101 is not active\): set config\.linkedin_version/);
  assert.match((classify(400, { status: 400, code: 'VERSION_MISSING', message: 'A version must be present.' }) as { reason: string }).reason, /does not serve Marketing API version 202603/);
  assert.deepEqual(classify(404, { status: 404, message: 'Not found' }), { status: 'dead_letter', reason: 'LinkedIn HTTP 404: Not found' });
});

test('classify: 429 is a rate limit (Retry-After, else a minute); 5xx and 408 are retried', () => {
  assert.deepEqual(classify(429, { status: 429, message: 'Resource level throttle limit for calls to this resource is reached.' }), {
    status: 'retry', reason: 'LinkedIn rate limit reached (HTTP 429, Resource level throttle limit for calls to this resource is reached.): LinkedIn counts the calls of each member\'s token and of the app, per day (reset at midnight UTC)', retryAfterMs: 60_000, throttled: true,
  });
  assert.equal((classify(429, '', 2, refreshConfig(), { 'Retry-After': '7' }) as { retryAfterMs: number }).retryAfterMs, 7000);
  assert.deepEqual(classify(503, '<html>down</html>'), { status: 'retry', reason: 'LinkedIn HTTP 503: <html>down</html>' });
  assert.deepEqual(classify(500, { status: 500, message: 'Internal Server Error' }, 2, refreshConfig(), { 'retry-after': '3' }), { status: 'retry', reason: 'LinkedIn HTTP 500: Internal Server Error', retryAfterMs: 3000 });
  assert.equal(statusOf(classify(408, '')), 'retry');
});

test('classify: a refusal naming elements dead-letters those and sends the others again; one naming none is split', () => {
  const schema = 'Index: 1, ERROR :: /conversionValue/amount :: field is required but not found and has no default value\nERROR :: /user/userInfo/lastName :: field is required but not found and has no default value\nIndex: 2, ERROR :: /user/userIds/0/idType :: "EMAIL" is not an enum symbol\n';
  assert.deepEqual(classify(422, { status: 422, message: schema }, 3), {
    perEvent: {
      e0: { status: 'resend', reason: 'LinkedIn refused the whole request (HTTP 422) for 2 other events of it, so this one was not recorded: sending it again without them' },
      e1: { status: 'dead_letter', reason: 'LinkedIn refused the event (HTTP 422): /conversionValue/amount :: field is required but not found and has no default value; /user/userInfo/lastName :: field is required but not found and has no default value' },
      e2: { status: 'dead_letter', reason: 'LinkedIn refused the event (HTTP 422): /user/userIds/0/idType :: "EMAIL" is not an enum symbol' },
    },
  });
  const old = { status: 400, message: 'Conversion time should be within 90 days and not exceed current time, indices [0] (0-indexed).' };
  assert.deepEqual(classify(400, old, 1), { status: 'dead_letter', reason: 'LinkedIn refused the event (HTTP 400): Conversion time should be within 90 days and not exceed current time' });
  assert.deepEqual((classify(400, old, 2) as { perEvent: Record<string, { status: string }> }).perEvent.e1!.status, 'resend');
  assert.deepEqual(classify(400, { ...old, message: old.message.replace('[0]', '[0, 1]') }, 2), { perEvent: {
    e0: { status: 'dead_letter', reason: 'LinkedIn refused the event (HTTP 400): Conversion time should be within 90 days and not exceed current time' },
    e1: { status: 'dead_letter', reason: 'LinkedIn refused the event (HTTP 400): Conversion time should be within 90 days and not exceed current time' },
  } });
  assert.match((classify(400, { status: 400, message: 'Incorrect conversions information provided. Conversion\'s method should be CONVERSIONS_API, indices [0] (0-indexed)' }, 2) as { reason: string }).reason,
    /^LinkedIn refused conversion rule 104012 \(HTTP 400, .*\): the rule was not created for the Conversions API\. Create one with the Conversions API as its method/);
  assert.equal(statusOf(classify(422, { status: 422, message: 'ERROR :: /unknownField :: unrecognized field found but not allowed' }, 2)), 'split');
  assert.deepEqual(classify(422, { status: 422, message: 'ERROR :: /unknownField :: unrecognized field found but not allowed' }, 1), { status: 'dead_letter', reason: 'LinkedIn refused the event (HTTP 422, ERROR :: /unknownField :: unrecognized field found but not allowed)' });
  assert.equal(statusOf(classify(422, { status: 422, message: 'Index: 5, ERROR :: /x :: bad' }, 2)), 'split', 'an index the request does not have: not trusted');
  assert.equal(statusOf(classify(413, 'Request Entity Too Large', 2)), 'split');
  assert.deepEqual(classify(400, { error: 'HTTP 400' }, 2), { status: 'dead_letter', reason: 'LinkedIn HTTP 400: {"error":"HTTP 400"}' }, 'not LinkedIn\'s shape: not about an event');
  assert.deepEqual(refusedIndexes('Index: 0, ERROR :: /a :: b\n\nIndex: 1,\n', 2), new Map([[0, '/a :: b'], [1, 'refused']]));
  assert.equal(refusedIndexes('no index here', 2), undefined);
});

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/linkedin/${variant}.yaml`, import.meta.url), 'utf8'), { config: refreshConfig() });
const mapThrough = (variant: string, event: CanonicalEvent, config = refreshConfig()) => {
  const result = blueprint(variant).mapEvent(event);
  assert.deepEqual(result.errors, [], `${variant} ${event.event ?? event.type}`);
  return result.vendorEvent === null ? null : toLinkedInEvent(result.vendorEvent as JsonObject, event, ctx(config, { variant }));
};

test('blueprints: an order\'s value (revenue, else total, else the products), the person\'s details, the cookie\'s click id; only configured events', () => {
  const person = { email: ' Jane.Doe@Example.com ', firstName: 'Jane', lastName: 'Doe', company: { name: 'Acme' }, title: 'CTO', address: { country: 'United States' } };
  const order = (properties: JsonObject) => browserEvent({ properties, context: { ip: '203.0.113.42', page: { url: 'https://shop.example.com/thanks' }, traits: person, cookies: { li_fat_id: 'fat-cookie' } } });
  for (const variant of ['default', 'retail']) {
    assert.deepEqual(mapThrough(variant, order({ order_id: 'ORD-1', revenue: '64.98', total: 70, currency: 'gbp' })), {
      conversion: 'urn:lla:llaPartnerConversion:104012', conversionHappenedAt: AT, conversionValue: { currencyCode: 'GBP', amount: '64.98' }, eventId: 'm-1',
      user: {
        userIds: [{ idType: 'SHA256_EMAIL', idValue: sha256('jane.doe@example.com') }, { idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: 'fat-cookie' }],
        userInfo: { firstName: 'Jane', lastName: 'Doe', companyName: 'Acme', title: 'CTO', countryCode: 'US' },
      },
    }, variant);
    assert.deepEqual(mapThrough(variant, order({ products: [{ price: 10, quantity: 2 }, { price: 2.5 }], currency: 'EUR' }))!.conversionValue, { currencyCode: 'EUR', amount: '22.5' }, `${variant}: the products' sum`);
    assert.match(blueprint(variant).mapEvent(order({ total: 5, currency: '$' })).errors.join(), /currency/, `${variant}: an unreadable currency is an error`);
    assert.equal(mapThrough(variant, browserEvent({ type: 'page', event: undefined, name: 'Pricing', context: { page: { url: 'https://shop.example.com/pricing?li_fat_id=fat-url' } } }))!.conversion, 'urn:lla:llaPartnerConversion:104015', `${variant}: a named page`);
    const added = mapThrough(variant, browserEvent({ event: 'Product Added', properties: { price: 24.99, quantity: 3, currency: 'usd', email: 'a@x.com' } }))!;
    assert.deepEqual(added.conversionValue, variant === 'retail' ? { currencyCode: 'USD', amount: '74.97' } : undefined, `${variant}: a cart add's value is retail's`);
    assert.equal(mapThrough(variant, browserEvent({ type: 'identify', event: undefined, traits: { email: 'a@x.com' } } as never)), null, `${variant}: no identify at LinkedIn`);
    assert.equal(mapThrough(variant, browserEvent({ event: 'Newsletter Opened', properties: { email: 'a@x.com' } })), null, `${variant}: an event no rule names is not sent`);
  }
  const signup = mapThrough('default', browserEvent({ event: 'Signed Up', properties: { value: 25, currency: 'usd', email: 'a@x.com' } }))!;
  assert.deepEqual([signup.conversion, signup.conversionValue], ['urn:lla:llaPartnerConversion:104013', { currencyCode: 'USD', amount: '25' }], 'default: any event\'s value');
  assert.equal(mapThrough('retail', browserEvent({ event: 'Signed Up', properties: { email: 'a@x.com' } })), null, 'retail: the funnel only');
  const text = JSON.stringify(mapThrough('default', browserEvent({ properties: { email: 'jane@example.com', total: 1, currency: 'USD' } }))).toLowerCase();
  assert.equal(text.includes('jane@'), false, 'the email leaves hashed only');
});

test('configWarnings: a version\'s year nearly up, from 60 days before the middle of its month a year on; the default too', () => {
  assert.equal(linkedin.configWarnings, linkedInConfigWarnings, 'declared on the plugin');
  const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);
  assert.deepEqual(linkedInConfigWarnings({}, day(2027, 1, 13)), [], 'more than 60 days before March 15, 2027');
  const soon = linkedInConfigWarnings({}, day(2027, 1, 20));
  assert.equal(soon.length, 1);
  assert.equal(soon[0]!.field, 'linkedin_version');
  assert.match(soon[0]!.message, /^is 202603 \(the default, as no linkedin_version is set\), which LinkedIn can be expected to stop serving in March 2027 .*426.*dead-lettered: set linkedin_version to a newer version/);
  assert.match(linkedInConfigWarnings({ linkedin_version: '202603' }, day(2027, 4, 1))[0]!.message, /^is 202603, which LinkedIn has probably stopped serving since about March 2027/);
  assert.deepEqual(linkedInConfigWarnings({ linkedin_version: '202611' }, day(2027, 4, 1)), [], 'a newer version set: nothing to say');
  assert.match(linkedInConfigWarnings({ linkedin_version: '202611.01' }, day(2027, 10, 1))[0]!.message, /November 2027/);
  assert.deepEqual(linkedInConfigWarnings({ linkedin_version: 'latest' }, day(2030, 1, 1)), [], 'an invalid version is validateConfig\'s to refuse');
});
