import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import type { CanonicalEvent, Classification } from '../../core/sdk/index.ts';

const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
import videoamp, { classifyVideoAmp } from './index.ts';

test('401 and 403 explain the token; other 4xx dead-letter; 429 and 5xx retry', () => {
  for (const status of [401, 403]) {
    const outcome = classifyVideoAmp({ status, body: '{}', headers: {} });
    assert.equal(statusOf(outcome), 'dead_letter');
    assert.match((outcome as { reason: string }).reason, /api_token.*re-issue/);
  }
  assert.equal(statusOf(classifyVideoAmp({ status: 400, body: 'bad field', headers: {} })), 'dead_letter');
  assert.equal(statusOf(classifyVideoAmp({ status: 429, body: '', headers: { 'retry-after': '3' } })), 'retry');
  assert.equal(statusOf(classifyVideoAmp({ status: 502, body: '', headers: {} })), 'retry');
});

test('a 2xx is delivered whatever its body (VideoAmp documents none), unless it is a web page: a captive portal\'s or proxy\'s, sent again quoting it', () => {
  for (const body of ['', '{}', '{"status":"ok"}', 'OK']) assert.equal(statusOf(classifyVideoAmp({ status: 200, body, headers: {} })), 'delivered', JSON.stringify(body));
  assert.equal(statusOf(classifyVideoAmp({ status: 202, body: '', headers: {} })), 'delivered');
  assert.deepEqual(classifyVideoAmp({ status: 200, body: '<!DOCTYPE html>\n<html><body>Sign in to the guest network</body></html>', headers: { 'Content-Type': 'text/html; charset=utf-8' } }), {
    status: 'retry', reason: 'HTTP 200 with a web page (<!DOCTYPE html> <html><body>Sign in to the guest network</body></html>): not VideoAmp\'s Conversions API answering — a proxy? — so the conversion is sent again',
  });
  assert.equal(statusOf(classifyVideoAmp({ status: 200, body: '<html><body>proxy</body></html>', headers: {} })), 'retry', 'HTML without its content type');
  assert.equal(statusOf(classifyVideoAmp({ status: 200, body: '', headers: { 'content-type': 'text/html' } })), 'delivered', 'a content type alone says little: no page came');
});

test('one POST per event with the bearer token', () => {
  const ctx = { config: { advertiser_id: '1', api_token: 'tok-123456' }, variant: 'retail', integrationId: 'i', revisionId: 'r', options: {}, now: 0 };
  const requests = videoamp.send([{ id: 'a', event: {} as never, payload: { event: 'conversion' } }, { id: 'b', event: {} as never, payload: { event: 'lead' } }], ctx);
  assert.deepEqual(requests.map((r) => [r.method, r.url, r.headers?.authorization, r.eventIds]), [
    ['POST', 'https://api.videoamp.com/v1/conversions', 'Bearer tok-123456', ['a']],
    ['POST', 'https://api.videoamp.com/v1/conversions', 'Bearer tok-123456', ['b']],
  ]);
});

test('phone is the SHA-256 of the E.164 number; a number without its country code is left out, not hashed as a guess', () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  for (const variant of Object.keys(videoamp.variants)) {
    const blueprint = compileBlueprint(readFileSync(new URL(`../../blueprints/${videoamp.variants[variant]!.blueprint!}`, import.meta.url), 'utf8'), { file: variant, config: { advertiser_id: '1234567' } });
    const map = (phone: string) => blueprint.mapEvent({
      type: 'track', event: 'Order Completed', messageId: 'm-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.000Z',
      properties: { order_id: 'ORD-001', revenue: 129.99, currency: 'USD' }, context: { traits: { phone } },
    } as unknown as CanonicalEvent);
    for (const phone of ['+447700900123', '+44 7700 900123', '0044 (7700) 900-123']) {
      assert.equal(map(phone).vendorEvent?.phone, sha256('+447700900123'), `${variant}: ${phone}`);
    }
    assert.equal(map(sha256('+447700900123')).vendorEvent?.phone, sha256('+447700900123'), 'a digest passes unchanged');
    for (const phone of ['447700900123', '07700 900123']) {
      const outcome = map(phone);
      assert.equal(outcome.vendorEvent?.phone, undefined, `${variant}: ${phone} is not hashed as it is`);
      assert.equal(outcome.vendorEvent?.transaction_id, 'ORD-001', 'the conversion is still sent');
      assert.match(outcome.warnings.join('\n'), /phone: .*has no country code; start it with \+ or set default_country_code; the field was left out/);
    }
  }
});
