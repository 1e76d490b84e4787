import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import type { CanonicalEvent } from '../../core/sdk/index.ts';
import type { Classification } from '../../core/sdk/index.ts';

const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
import amplitude, { classifyAmplitude, idProblem } from './index.ts';

const request = { method: 'POST' as const, url: 'https://api2.amplitude.com/2/httpapi', eventIds: ['e0', 'e1', 'e2', 'e3'] };
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body: JSON.stringify(body), json: body, headers });

test('a 400 naming events: exactly those are dead-lettered with the reason, the rest sent again', () => {
  const result = classifyAmplitude(answer(400, { code: 400, events_with_invalid_fields: { time: [0] }, events_with_invalid_id_lengths: { device_id: [2] }, silenced_events: [3] }), request);
  assert.ok('perEvent' in result);
  assert.deepEqual(result.perEvent, {
    e0: { status: 'dead_letter', reason: 'Amplitude refused the event: invalid time' },
    e1: { status: 'resend', reason: 'sent again without the events Amplitude refused in the same batch' },
    e2: { status: 'dead_letter', reason: 'Amplitude refused the event: device_id shorter than min_id_length' },
    e3: { status: 'dead_letter', reason: 'Amplitude refused the event: silenced (the device or user is silenced in Amplitude)' },
  });
});

test('a 400 about the key or a missing field dead-letters the batch saying what to fix', () => {
  assert.match((classifyAmplitude(answer(400, { code: 400, error: 'Invalid API key: x' }), request) as { reason: string }).reason, /Check config\.api_key/);
  assert.match((classifyAmplitude(answer(400, { code: 400, error: 'Request missing required field', missing_field: 'api_key' }), request) as { reason: string }).reason, /missing "api_key": set config\.api_key/);
});

test('413 splits; 429 waits at least 30 s; 5xx retries; 200 delivers', () => {
  assert.deepEqual(classifyAmplitude(answer(413, {}), request), { status: 'split', reason: 'Amplitude: payload too large' });
  assert.equal((classifyAmplitude(answer(429, { error: 'Too many requests for some devices' }, { 'retry-after': '5' }), request) as { retryAfterMs: number }).retryAfterMs, 30_000);
  assert.equal((classifyAmplitude(answer(429, {}, { 'retry-after': '90' }), request) as { retryAfterMs: number }).retryAfterMs, 90_000);
  assert.equal(statusOf(classifyAmplitude(answer(503, {}), request)), 'retry');
  assert.deepEqual(classifyAmplitude(answer(200, { code: 200 }), request), { status: 'delivered' });
  // Amplitude's documented answer, and pages that are not Amplitude's: sent again, never counted as ingested.
  assert.deepEqual(classifyAmplitude(answer(200, { code: 200, events_ingested: 4, payload_size_bytes: 1048, server_upload_time: 1396381378123 }, { 'content-type': 'application/json' }), request), { status: 'delivered' });
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(classifyAmplitude({ status: 200, body: page, headers: { 'content-type': 'text/html' } }, request), { status: 'retry', reason: `HTTP 200 without Amplitude's JSON answer (events_ingested): ${page} — not Amplitude's answer (a proxy?), so not counted as ingested` });
  assert.equal(statusOf(classifyAmplitude({ status: 200, body: '', headers: {} }, request)), 'retry', 'an empty 200 is not Amplitude\'s either');
});

test('send: one request per 1,000 events, under 1 MB, with options.min_id_length (5 unless configured)', () => {
  const ctx = { config: { api_key: 'k-123456789', api_endpoint: 'https://api.eu.amplitude.com/2/httpapi' }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: 0 };
  const batch = Array.from({ length: 4500 }, (_, i) => ({ id: `e${i}`, event: {} as never, payload: { event_type: 'X', device_id: `device-${i}` } }));
  const requests = amplitude.send(batch, ctx);
  assert.deepEqual(requests.map((r) => r.eventIds.length), [1000, 1000, 1000, 1000, 500]);
  assert.deepEqual(amplitude.rateLimit, { rps: 1, burst: 1 }, 'a request a second: at most the free plan\'s 1,000 events/s');
  assert.equal(requests[0]!.url, 'https://api.eu.amplitude.com/2/httpapi');
  assert.deepEqual((requests[0]!.body as { options: unknown }).options, { min_id_length: 5 }, "Amplitude's own default");
  const withOptions = amplitude.send(batch.slice(0, 1), { ...ctx, config: { ...ctx.config, min_id_length: 3 } });
  assert.deepEqual((withOptions[0]!.body as { options: unknown }).options, { min_id_length: 3 });
  const heavy = Array.from({ length: 1500 }, (_, i) => ({ id: `h${i}`, event: {} as never, payload: { event_type: 'X', device_id: `device-${i}`, pad: 'x'.repeat(1000) } }));
  for (const r of amplitude.send(heavy, ctx)) assert.ok(JSON.stringify(r.body).length < 1_000_000);
});

test('an id shorter than min_id_length is refused with the field, its length, the limit and the fix', () => {
  const ctx = { config: { api_key: 'k-123456789', api_endpoint: 'https://api2.amplitude.com/2/httpapi' }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: 0 };
  const map = (payload: Record<string, string>, config: Record<string, number> = {}) => amplitude.map!(payload, {} as never, { ...ctx, config: { ...ctx.config, ...config } });
  assert.throws(() => map({ event_type: 'X', user_id: 'u1', device_id: 'df_abc123def456' }), {
    name: 'PermanentError',
    message: 'Amplitude refuses this event: user_id is 2 characters, shorter than min_id_length (5). Set config.min_id_length to 2 or lower (create a revision with it, assign it, then replay the dead letters), or send longer ids',
  });
  assert.match(idProblem({ user_id: 'u1', device_id: 'd' }, 5)!, /user_id is 2 characters and device_id is 1 character, shorter than min_id_length \(5\)\. Set config\.min_id_length to 1 or lower/);
  assert.match(idProblem({ event_type: 'X' }, 5)!, /needs a user_id or a device_id/);
  const payload = { event_type: 'X', user_id: 'u1', device_id: 'df_abc123def456' };
  assert.equal(map(payload, { min_id_length: 2 }), payload, 'min_id_length lowered: sent unchanged');
  assert.equal(idProblem({ user_id: 'user-123' }, 5), undefined);
});

test('every preset: a bare identify is an $identify with no operation; GA4 names keep their own; track carries user_properties {}, page does not', () => {
  const base = { messageId: 'm-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.000Z', anonymousId: 'df_abc123def456', userId: 'user-123', context: {} };
  for (const variant of Object.keys(amplitude.variants)) {
    const blueprint = compileBlueprint(readFileSync(new URL(`../../blueprints/${amplitude.variants[variant]!.blueprint!}`, import.meta.url), 'utf8'), { file: variant, config: {} });
    const map = (event: Record<string, unknown>) => blueprint.mapEvent({ ...base, ...event } as unknown as CanonicalEvent);
    const bare = map({ type: 'identify' });
    assert.deepEqual(bare.errors, [], variant);
    assert.deepEqual([bare.vendorEvent?.event_type, bare.vendorEvent?.user_id, bare.vendorEvent?.device_id, bare.vendorEvent?.user_properties], ['$identify', 'user-123', 'df_abc123def456', {}], variant);
    assert.deepEqual(map({ type: 'identify', traits: { plan: 'premium' } }).vendorEvent?.user_properties, { $set: { plan: 'premium' } }, variant);
    for (const name of ['view_item', 'add_to_cart', 'remove_from_cart', 'begin_checkout', 'search', 'purchase']) {
      const out = map({ type: 'track', event: name, properties: { value: 12.5, currency: 'USD' } }).vendorEvent!;
      assert.deepEqual([out.event_type, out.event_properties, out.user_properties, out.revenueType], [name, { value: 12.5, currency: 'USD' }, {}, undefined], `${variant}: ${name}`);
    }
    assert.equal('user_properties' in map({ type: 'page', properties: { url: 'https://example.com/' } }).vendorEvent!, false, `${variant}: page`);
  }
});
