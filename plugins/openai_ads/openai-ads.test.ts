import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { createConfigAjv, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import openaiAds, { classifyOpenAiAds, eventData, openAiUser, opprefOf, requestsFor, toOpenAiEvent, validateOpenAiAdsConfig } from './index.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NOW = Date.parse('2026-11-30T12:00:00Z');
const AT = Date.parse('2026-11-30T11:00:00Z');
const PIXEL = '134534276512';
const KEY = 'oai_conversions_key_0123456789';
const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ pixel_id: PIXEL, api_key: KEY, ...extra });
const warnings: string[] = [];
const ctx = (extra: Record<string, JsonValue> = {}): PluginContext => ({ config: config(extra), variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (m) => void warnings.push(m) });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc', timestamp: '2026-11-30T11:00:00.000Z', receivedAt: '2026-11-30T11:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' } },
  ...overrides,
} as CanonicalEvent);
/** A mapped event; an override of undefined leaves that field out. */
const payload = (overrides: Record<string, JsonValue | undefined> = {}): JsonObject => Object.fromEntries(
  Object.entries({ id: 'm-1', type: 'order_created', timestamp_ms: AT, source_url: 'https://shop.example.com/thanks', ...overrides }).filter(([, value]) => value !== undefined),
) as JsonObject;
const request = (n: number): RequestDescriptor => ({ method: 'POST', url: `https://bzr.openai.com/v1/events?pid=${PIXEL}`, eventIds: Array.from({ length: n }, (_, i) => `e${i}`) });
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body, headers });
const classify = (status: number, body: unknown, n = 2, headers: Record<string, string> = {}): Classification => classifyOpenAiAds(answer(status, body, headers), request(n), PIXEL);

test('config: the schema takes the documented fields; a key pasted with Bearer, the Pixel ID as key, an unknown currency are named', () => {
  const validate = createConfigAjv().compile(openaiAds.config);
  assert.equal(validate(config({ validate_only: true, action_source: 'offline', default_currency: 'EUR' })), true, JSON.stringify(validate.errors));
  assert.equal(validate({ pixel_id: PIXEL }), false, 'the key is required');
  assert.equal(validate(config({ action_source: 'website' })), false, 'OpenAI\'s action sources only');
  assert.deepEqual(validateOpenAiAdsConfig(config()), []);
  assert.deepEqual(validateOpenAiAdsConfig(config({ api_key: `Bearer ${KEY}` })).map((p) => p.field), ['api_key']);
  assert.deepEqual(validateOpenAiAdsConfig(config({ api_key: PIXEL })), [{ field: 'api_key', message: 'is the Pixel ID again: generate a Conversions API key in OpenAI Ads Manager, Conversions tab' }]);
  assert.deepEqual(validateOpenAiAdsConfig(config({ default_currency: 'XYZ' })), [{ field: 'default_currency', message: '"XYZ" is no ISO 4217 currency code (USD, EUR, JPY, …)' }]);
  assert.equal(openaiAds.config.properties.api_key?.secret, true);
});

test('user: email trimmed, lower-cased and hashed, the external id hashed, place and device as text; anything else left out and named', () => {
  const digest = sha256('jane@example.com');
  const { user, unusable } = openAiUser({
    email_sha256: ' Jane@Example.com ', external_id_sha256: ' User-123 ', country: 'United States', city: ' San Francisco ', zip_code: '94107',
    ip_address: ' 2001:db8::1 ', user_agent: ' Mozilla/5.0 ', phone: '+1 555 0100', email: 'jane@example.com',
  });
  assert.deepEqual(user, { email_sha256: digest, external_id_sha256: sha256('User-123'), country: 'US', city: 'San Francisco', zip_code: '94107', ip_address: '2001:db8::1', user_agent: 'Mozilla/5.0' });
  assert.deepEqual(unusable, ['phone', 'email'], 'keys OpenAI does not take are never sent: they may be contact data');
  assert.deepEqual(openAiUser({ email_sha256: digest.toUpperCase() }).user, { email_sha256: digest }, 'a digest is not hashed twice');
  const bad = openAiUser({ email_sha256: 'not an address', country: 'Atlantis', zip_code: '94107#1', ip_address: 'localhost', city: 'x'.repeat(129) });
  assert.deepEqual([bad.user, bad.unusable], [{}, ['email_sha256', 'country', 'zip_code', 'ip_address', 'city']]);
});

test('data: shaped by the event\'s type, money in the minor unit with its currency, items as contents, a plan for plans', () => {
  assert.deepEqual(eventData('order_created', { amount: 129.99, currency: 'usd', contents: [{ id: 'SKU-1', name: 'Shoe', content_type: 'product', quantity: 2, amount: 64.995 }, { nothing: 1 }] }, undefined), {
    type: 'contents', amount: 12999, currency: 'USD', contents: [{ id: 'SKU-1', name: 'Shoe', content_type: 'product', quantity: 2, amount: 6500, currency: 'USD' }],
  });
  // One product mapped as an object, no event amount: the item's price × quantity.
  assert.deepEqual(eventData('items_added', { currency: 'JPY', contents: { id: 'A', quantity: '3', amount: '1500' } }, undefined), { type: 'contents', amount: 4500, currency: 'JPY', contents: [{ id: 'A', quantity: 3, amount: 1500, currency: 'JPY' }] });
  assert.deepEqual(eventData('lead_created', { amount: 50, contents: [{ id: 'x' }], plan_id: 'p' }, 'EUR'), { type: 'customer_action', amount: 5000, currency: 'EUR' }, 'customer_action carries neither items nor a plan; the default currency');
  assert.deepEqual(eventData('trial_started', { plan_id: 'pro-monthly', currency: 'USD' }, undefined), { type: 'plan_enrollment', plan_id: 'pro-monthly' }, 'no currency without an amount');
  assert.deepEqual(eventData('page_viewed', undefined, undefined), { type: 'contents' });
  assert.deepEqual(eventData('custom', { amount: 2, currency: 'GBP', plan_id: 7 }, undefined), { type: 'custom', amount: 200, currency: 'GBP', plan_id: '7' });
  assert.deepEqual(eventData('order_created', { contents: [{ id: 'A', quantity: 0 }, { id: 'B', quantity: 'many' }] }, undefined), { type: 'contents', contents: [{ id: 'A' }, { id: 'B' }] }, 'an unusable quantity is left out');
  const left: string[] = [];
  assert.deepEqual(eventData('contents_viewed', { contents: { id: 'A', amount: 5, quantity: 1 } }, undefined, (m) => void left.push(m)), { type: 'contents', contents: [{ id: 'A', quantity: 1 }] }, 'a product view without a currency: its price left out, the event sent');
  assert.deepEqual(left, ['data.contents[0].amount left out: no currency (map properties.currency, or set config.default_currency)']);
  assert.throws(() => eventData('order_created', { amount: 10 }, undefined), { name: 'PermanentError', message: 'OpenAI refuses an amount without a currency: map properties.currency, or set config.default_currency' });
  assert.throws(() => eventData('order_created', { amount: 'ten', currency: 'USD' }, undefined), { name: 'PermanentError', message: /OpenAI takes data\.amount as a number/ });
  assert.throws(() => eventData('order_created', { amount: 10, currency: 'XYZ' }, undefined), { name: 'PermanentError', message: 'OpenAI takes data.currency as an ISO 4217 code; "XYZ" is none' });
});

test('the event: documented fields, the page URL\'s oppref beats the cookie, the default action source, opt_out', () => {
  warnings.length = 0;
  const out = toOpenAiEvent(payload({ oppref: 'cookieRef', opt_out: true, user: { email_sha256: 'jane@example.com', ip_address: '203.0.113.42' }, data: { amount: 10, currency: 'USD' } }), browserEvent(), ctx());
  assert.deepEqual(out, {
    id: 'm-1', type: 'order_created', timestamp_ms: AT, action_source: 'web', source_url: 'https://shop.example.com/thanks', oppref: 'cookieRef',
    user: { email_sha256: sha256('jane@example.com'), ip_address: '203.0.113.42' }, opt_out: true, data: { type: 'contents', amount: 1000, currency: 'USD' },
  });
  const landing = browserEvent({ context: { page: { url: 'https://shop.example.com/?utm_source=chatgpt.com&oppref=gAAAAABn3kZ1x0_Q-abc%3D' } } } as never);
  assert.equal(toOpenAiEvent(payload({ oppref: 'older' }), landing, ctx())!.oppref, 'gAAAAABn3kZ1x0_Q-abc=', 'a new ad click wins');
  for (const placeholder of ['undefined', 'null', 'oppref', '{"v":1}']) assert.equal(opprefOf(placeholder), undefined, placeholder);
  assert.deepEqual(toOpenAiEvent(payload({ type: 'Custom', custom_event_name: 'Newsletter Opened', id: undefined }), browserEvent({ messageId: 'm-9' }), ctx()), {
    id: 'm-9', type: 'custom', custom_event_name: 'newsletter_opened', timestamp_ms: AT, action_source: 'web', source_url: 'https://shop.example.com/thanks', data: { type: 'custom' },
  });
  // OpenAI takes 1–64 ASCII letters, digits, _ or -, starting and ending with a letter or digit: a name is fitted, not refused with its batch.
  const named = (name: string) => toOpenAiEvent(payload({ type: 'custom', custom_event_name: name }), browserEvent(), ctx())!.custom_event_name;
  assert.equal(named('  Quiz: Step #2 — Done! '), 'quiz_step_2_done');
  assert.equal(named('video-played'), 'video-played');
  assert.equal(named(`${'a'.repeat(63)} b`), 'a'.repeat(63), 'cut to 64, no _ left at the end');
  // The page URL as OpenAI asks for it: origin and path, not the query (campaign parameters, the oppref, a form's fields) nor the fragment.
  assert.equal(toOpenAiEvent(payload({ source_url: 'https://shop.example.com/thanks?email=jane%40example.com&oppref=abc#top' }), browserEvent(), ctx())!.source_url, 'https://shop.example.com/thanks');
  const offline = toOpenAiEvent(payload({ action_source: 'Store', source_url: undefined }), browserEvent(), ctx());
  assert.deepEqual([offline!.action_source, offline!.source_url], ['physical_store', undefined]);
  assert.equal(toOpenAiEvent(payload(), browserEvent(), ctx({ action_source: 'phone_call' }))!.action_source, 'phone_call');
  // A server event without a page URL: OpenAI requires source_url for web, so the configured default is left out, saying so.
  warnings.length = 0;
  const server = toOpenAiEvent(payload({ source_url: 'not a url' }), browserEvent(), ctx());
  assert.deepEqual([server!.action_source, server!.source_url, warnings], [undefined, undefined, ['action_source left out: a web event needs its page URL (source_url), and this one has none']]);
  warnings.length = 0;
  toOpenAiEvent(payload({ user: { phone: '+15550100' } }), browserEvent(), ctx());
  assert.deepEqual(warnings, ['user.phone left out: not in a form OpenAI takes']);
});

test('events OpenAI would refuse with their whole batch: older than 7 days not sent, saying why; the others dead-lettered alone, naming the fix', () => {
  warnings.length = 0;
  const old = NOW - 7 * 24 * 3600 * 1000 - 1;
  assert.equal(toOpenAiEvent(payload({ timestamp_ms: old }), browserEvent(), ctx()), null);
  assert.deepEqual(warnings, ['not sent: OpenAI takes events of the last 7 days, and this one is from 2026-11-23T11:59:59.999Z (OpenAI would refuse every event sent with it)']);
  assert.equal(toOpenAiEvent(payload({ timestamp_ms: NOW + 10 * 60_000 }), browserEvent(), ctx())!.timestamp_ms, NOW + 10 * 60_000, 'up to 10 minutes ahead is taken');
  const refusals: Array<[JsonObject, RegExp]> = [
    [payload({ timestamp_ms: NOW + 10 * 60_000 + 1 }), /is more than 10 minutes ahead/],
    [payload({ timestamp_ms: undefined }), /^OpenAI needs timestamp_ms \(epoch milliseconds\): the blueprint mapped none/],
    [payload({ type: undefined }), /^OpenAI needs type/],
    [payload({ type: 'Purchase' }), /^OpenAI takes type page_viewed, .*; the blueprint mapped "Purchase"$/],
    [payload({ type: 'custom' }), /^OpenAI needs custom_event_name for a custom event/],
    [payload({ type: 'custom', custom_event_name: '日本語' }), /^OpenAI takes custom_event_name as 1–64 letters, digits, _ or -; nothing of "日本語" is/],
    [payload({ type: 'custom', custom_event_name: 'Order Created' }), /^OpenAI refuses custom_event_name "order_created": it is a standard event's name; map the event to type order_created instead$/],
    [payload({ action_source: 'carrier pigeon' }), /^OpenAI takes action_source web, mobile_app/],
    [payload({ action_source: 'web', source_url: undefined }), /^OpenAI needs source_url .* for a web event/],
    [payload({ data: { amount: 5 } }), /^OpenAI refuses an amount without a currency/],
  ];
  for (const [mapped, message] of refusals) assert.throws(() => toOpenAiEvent(mapped, browserEvent(), ctx()), { name: 'PermanentError', message }, JSON.stringify(mapped));
});

test('requests: the documented endpoint, bearer key, validate_only, at most 1,000 events each, every event once', () => {
  const batch: MappedEvent[] = Array.from({ length: 2001 }, (_, i) => ({ id: `e${i}`, event: {} as CanonicalEvent, payload: { id: `e${i}`, type: 'page_viewed' } }));
  const requests = requestsFor(batch, ctx({ validate_only: true, pixel_id: ' px 1 ' }));
  assert.deepEqual(requests.map((r) => r.eventIds.length), [1000, 1000, 1]);
  const [first] = requests;
  assert.equal(first!.url, 'https://bzr.openai.com/v1/events?pid=px%201');
  assert.deepEqual(first!.headers, { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' });
  assert.equal((first!.body as JsonObject).validate_only, true);
  assert.deepEqual(requests.flatMap((r) => r.eventIds), batch.map((e) => e.id));
  assert.equal((requestsFor(batch.slice(0, 1), ctx())[0]!.body as JsonObject).validate_only, false);
  const big = Array.from({ length: 30 }, (_, i) => ({ id: `b${i}`, event: {} as CanonicalEvent, payload: { id: `b${i}`, custom_event_name: 'x'.repeat(100_000) } }));
  assert.ok(requestsFor(big, ctx()).every((r) => Buffer.byteLength(JSON.stringify(r.body)) <= 1_000_000), 'each request within 1 MB');
});

test('classify: 2xx delivered, a web page retried; 429 throttled; 401/403/404 named; a refused batch halved, a refused event dead-lettered', () => {
  assert.deepEqual(classify(200, {}), { status: 'delivered' });
  assert.deepEqual(classify(200, ''), { status: 'delivered' });
  assert.equal((classify(200, '<!DOCTYPE html><html>Sign in</html>') as { status: string }).status, 'retry');
  assert.deepEqual(classify(429, { error: { message: 'Rate limit exceeded' } }, 2, { 'retry-after': '3' }), { status: 'retry', reason: 'OpenAI rate limit reached (HTTP 429: Rate limit exceeded)', retryAfterMs: 3000, throttled: true });
  assert.deepEqual(classify(503, 'upstream'), { status: 'retry', reason: 'OpenAI HTTP 503: upstream' });
  assert.deepEqual(classify(401, { error: { message: 'Invalid API key' } }), { status: 'dead_letter', reason: 'OpenAI refused the Conversions API key (HTTP 401, Invalid API key). Generate one in OpenAI Ads Manager, Conversions tab, update config.api_key in a new revision, then replay the dead letters' });
  assert.match((classify(403, { error: { message: 'Forbidden' } }) as { reason: string }).reason, /may not send events to pixel 134534276512 \(HTTP 403, Forbidden\)/);
  assert.match((classify(404, '') as { reason: string }).reason, /^OpenAI does not know pixel 134534276512 \(HTTP 404, \(no body\)\): check config.pixel_id/);
  const refusal = { error: { message: 'timestamp_ms must be within the last 7 days', param: 'events[1].timestamp_ms' } };
  assert.deepEqual(classify(400, refusal), { status: 'split', reason: 'OpenAI refused the batch (HTTP 400, timestamp_ms must be within the last 7 days (events[1].timestamp_ms)); sending it in halves to find the event' });
  assert.deepEqual(classify(400, refusal, 1), { status: 'dead_letter', reason: 'OpenAI refused the event (HTTP 400, timestamp_ms must be within the last 7 days (events[1].timestamp_ms))' });
  assert.equal((classify(422, { detail: 'invalid' }) as { status: string }).status, 'split');
  assert.equal((classify(413, 'Payload Too Large') as { status: string }).status, 'split');
  assert.deepEqual(classify(400, '<html>Bad Request</html>'), { status: 'dead_letter', reason: 'OpenAI HTTP 400: <html>Bad Request</html>' }, 'a proxy\'s 400: halving would change nothing');
});

const blueprint = compileBlueprint(readFileSync(new URL('../../blueprints/openai_ads/default.yaml', import.meta.url), 'utf8'), { config: config() });
const mapThrough = (event: CanonicalEvent, extra: Record<string, JsonValue> = {}) => {
  const mapped = blueprint.mapEvent(event);
  assert.deepEqual(mapped.errors, [], `${event.event ?? event.type}`);
  return mapped.vendorEvent === null ? null : toOpenAiEvent(mapped.vendorEvent as JsonObject, event, ctx(extra));
};

test('the blueprint: Segment\'s spec events as OpenAI\'s standard events, with value, currency, products and match keys', () => {
  const order = mapThrough(browserEvent({
    userId: 'user-123',
    properties: { order_id: 'O-1', revenue: 74.97, currency: 'eur', products: [{ product_id: 'SKU-100', name: 'Trail Shoe', price: 24.99, quantity: 3 }] },
    context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' }, cookies: { _dfoppref: 'ref-1', __oppref: 'pixel-ref' }, traits: { email: 'Jane@Example.com', address: { country: 'DE', city: 'Berlin', postal_code: '10115' } }, consent: { advertising: true } },
  } as never));
  assert.deepEqual(order, {
    id: 'm-1', type: 'order_created', timestamp_ms: AT, action_source: 'web', source_url: 'https://shop.example.com/thanks', oppref: 'ref-1',
    user: { email_sha256: sha256('jane@example.com'), external_id_sha256: sha256('user-123'), country: 'DE', city: 'Berlin', zip_code: '10115', ip_address: '203.0.113.42', user_agent: 'Mozilla/5.0' },
    data: { type: 'contents', amount: 7497, currency: 'EUR', contents: [{ id: 'SKU-100', name: 'Trail Shoe', content_type: 'product', quantity: 3, amount: 2499, currency: 'EUR' }] },
  });
  const added = mapThrough(browserEvent({ event: 'Product Added', properties: { product_id: 'SKU-1', price: 10, quantity: 2, currency: 'USD' }, context: { page: { url: 'https://shop.example.com/p/1' }, cookies: { __oppref: 'pixel-ref' }, consent: { advertising: false } } } as never));
  assert.deepEqual([added!.type, added!.data, added!.oppref, added!.opt_out], ['items_added', { type: 'contents', amount: 2000, currency: 'USD', contents: [{ id: 'SKU-1', content_type: 'product', quantity: 2, amount: 1000, currency: 'USD' }] }, 'pixel-ref', true]);
  const trial = mapThrough(browserEvent({ event: 'Trial Started', properties: { plan_id: 'pro' } } as never));
  assert.deepEqual([trial!.type, trial!.data], ['trial_started', { type: 'plan_enrollment', plan_id: 'pro' }]);
  const other = mapThrough(browserEvent({ event: 'Newsletter Opened', properties: { value: 2 } } as never), { default_currency: 'USD' });
  assert.deepEqual([other!.type, other!.custom_event_name, other!.data], ['custom', 'newsletter_opened', { type: 'custom', amount: 200, currency: 'USD' }]);
  // Every name the blueprint lists maps to its event type (or is not sent).
  const handlers = (parse(readFileSync(new URL('../../blueprints/openai_ads/default.yaml', import.meta.url), 'utf8')) as { events: Record<string, { names: string[]; event_name?: string }> }).events;
  for (const { names, event_name: eventName } of Object.values(handlers)) {
    for (const name of names) {
      const event = name === 'page' ? browserEvent({ type: 'page', event: undefined, name: 'Home' } as never)
        : ['identify', 'group', 'alias', 'screen'].includes(name) ? browserEvent({ type: name, event: undefined } as never)
          : browserEvent({ event: name, properties: {} } as never);
      assert.equal(mapThrough(event)?.type ?? null, eventName ?? null, name);
    }
  }
});
