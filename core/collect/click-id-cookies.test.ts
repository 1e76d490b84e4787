import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalEvent } from '../sdk/types.ts';
import { clickIdsOf, type RegisteredClickId } from './click-id-cookies.ts';

const declared: RegisteredClickId[] = [
  { vendor: 'meta_capi', param: 'fbclid', cookie: '_fbc', days: 90, value: (id, now) => `fb.1.${now}.${id}` },
  { vendor: 'snapchat', param: 'ScCid', anyCase: true, cookie: '_scclid', days: 28 },
];
const event = (page: Record<string, unknown>, extra: Partial<CanonicalEvent> = {}) => ({ type: 'track', context: { page }, ...extra }) as unknown as CanonicalEvent;

test('click ids come from the page URL or its search string, each parameter by its declaration', () => {
  assert.deepEqual(clickIdsOf(event({ url: 'https://shop.example/landing?utm_source=fb&fbclid=IwAR2F4-dbP0l7Mn1_x#top' }), declared).map((f) => [f.declared.vendor, f.clickId]), [['meta_capi', 'IwAR2F4-dbP0l7Mn1_x']]);
  assert.deepEqual(clickIdsOf(event({ search: '?SCCID=7d4b2c1a-0f3e' }), declared).map((f) => [f.declared.vendor, f.clickId]), [['snapchat', '7d4b2c1a-0f3e']], 'ScCid in any case');
  assert.deepEqual(clickIdsOf(event({ search: '?FBCLID=x1' }), declared), [], 'fbclid is case-sensitive: Meta\'s ids are exact');
  // A page call's own properties, too.
  assert.deepEqual(clickIdsOf({ type: 'page', context: {}, properties: { url: 'https://shop.example/?fbclid=abc123' } } as unknown as CanonicalEvent, declared).map((f) => f.clickId), ['abc123']);
});

test('no click id: no URL, no parameter, an empty one, or a value that is not a URL-safe token', () => {
  assert.deepEqual(clickIdsOf({ type: 'track', context: {} } as unknown as CanonicalEvent, declared), []);
  assert.deepEqual(clickIdsOf(event({ url: 'https://shop.example/?fbclid=' }), declared), []);
  assert.deepEqual(clickIdsOf(event({ url: 'https://shop.example/?xfbclid=1' }), declared), [], 'another parameter whose name ends in fbclid');
  assert.deepEqual(clickIdsOf(event({ url: 'https://shop.example/?fbclid=a%20b%3Cscript%3E' }), declared), []);
  assert.deepEqual(clickIdsOf(event({ url: `https://shop.example/?fbclid=${'a'.repeat(501)}` }), declared), []);
});
