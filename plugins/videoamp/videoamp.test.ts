import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Classification } from '../../core/sdk/index.ts';

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

test('one POST per event with the bearer token', () => {
  const ctx = { config: { advertiser_id: '1', api_token: 'tok-123456' }, variant: 'retail', integrationId: 'i', revisionId: 'r', options: {}, now: 0 };
  const requests = videoamp.send([{ id: 'a', event: {} as never, payload: { event: 'conversion' } }, { id: 'b', event: {} as never, payload: { event: 'lead' } }], ctx);
  assert.deepEqual(requests.map((r) => [r.method, r.url, r.headers?.authorization, r.eventIds]), [
    ['POST', 'https://api.videoamp.com/v1/conversions', 'Bearer tok-123456', ['a']],
    ['POST', 'https://api.videoamp.com/v1/conversions', 'Bearer tok-123456', ['b']],
  ]);
});
