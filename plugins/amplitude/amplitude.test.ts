import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Classification } from '../../core/sdk/index.ts';

const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
import amplitude, { classifyAmplitude } from './index.ts';

const request = { method: 'POST' as const, url: 'https://api2.amplitude.com/2/httpapi', eventIds: ['e0', 'e1', 'e2', 'e3'] };
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body: JSON.stringify(body), json: body, headers });

test('a 400 naming events: exactly those are dead-lettered with the reason, the rest sent again', () => {
  const result = classifyAmplitude(answer(400, { code: 400, events_with_invalid_fields: { time: [0] }, events_with_invalid_id_lengths: { device_id: [2] }, silenced_events: [3] }), request);
  assert.ok('perEvent' in result);
  assert.deepEqual(result.perEvent, {
    e0: { status: 'dead_letter', reason: 'Amplitude refused the event: invalid time' },
    e1: { status: 'retry', reason: 'sent again without the events Amplitude refused in the same batch' },
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
});

test('send: one request per 2,000 events, under 1 MB, with options only when min_id_length is set', () => {
  const ctx = { config: { api_key: 'k-123456789', api_endpoint: 'https://api.eu.amplitude.com/2/httpapi' }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: 0 };
  const batch = Array.from({ length: 4500 }, (_, i) => ({ id: `e${i}`, event: {} as never, payload: { event_type: 'X', device_id: `device-${i}` } }));
  const requests = amplitude.send(batch, ctx);
  assert.deepEqual(requests.map((r) => r.eventIds.length), [2000, 2000, 500]);
  assert.equal(requests[0]!.url, 'https://api.eu.amplitude.com/2/httpapi');
  assert.equal('options' in (requests[0]!.body as object), false);
  const withOptions = amplitude.send(batch.slice(0, 1), { ...ctx, config: { ...ctx.config, min_id_length: 3 } });
  assert.deepEqual((withOptions[0]!.body as { options: unknown }).options, { min_id_length: 3 });
  const heavy = Array.from({ length: 1500 }, (_, i) => ({ id: `h${i}`, event: {} as never, payload: { event_type: 'X', device_id: `device-${i}`, pad: 'x'.repeat(1000) } }));
  for (const r of amplitude.send(heavy, ctx)) assert.ok(JSON.stringify(r.body).length < 1_000_000);
});
