import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalEvent } from '../../core/sdk/index.ts';
import flashtalking, { cachebuster } from './index.ts';

const ctx = { config: { advertiser_id: '1234567', spotlight_id: '987654', spotlight_group_id: '5' }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: 1_711_296_000_000 };
const event = { type: 'track', messageId: 'm1', timestamp: '', receivedAt: '', context: { ip: '203.0.113.9', userAgent: 'UA/1' } } as CanonicalEvent;

test('parameters go in Flashtalking order whatever the mapping order: cachebuster, ftX*, then U1–U20', () => {
  const [request] = flashtalking.send([{ id: 'm1', event, payload: { spotlight_type: 'Sales', U2: 'b', U1: 'a', ftXType: 'online', ftXCurrency: 'USD', ftXValue: '10', ftXRef: 'R1', email: 'never@sent.test' } }], ctx);
  assert.equal(request!.url, 'https://servedby.flashtalking.com/container/1234567;987654;5;num/');
  assert.deepEqual(request!.query!.map(([k]) => k), ['cachebuster', 'ftXRef', 'ftXValue', 'ftXCurrency', 'ftXType', 'U1', 'U2']);
  assert.equal(request!.query!.some(([, v]) => v.includes('@')), false, 'only Spotlight parameters are sent');
  assert.deepEqual(request!.headers, { 'x-forwarded-for': '203.0.113.9', 'user-agent': 'UA/1' });
  assert.equal(request!.body, undefined);
});

test('the cachebuster is 7 digits, fresh per event and per delivery time', () => {
  assert.match(cachebuster('m1', 1), /^\d{7}$/);
  assert.notEqual(cachebuster('m1', 1), cachebuster('m1', 2));
  assert.notEqual(cachebuster('m1', 1), cachebuster('m2', 1));
  assert.equal(cachebuster('m1', 1), cachebuster('m1', 1), 'pure: a preview shows what would be sent');
});
