import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCookies, serializeCookie } from './cookies.ts';

test('parseCookies reads names and decoded values, first occurrence wins', () => {
  const cookies = parseCookies('_dfdid=abc%20def; FTrack="ft-1"; _dfdid=other; broken; =novalue');
  assert.equal(cookies.get('_dfdid'), 'abc def');
  assert.equal(cookies.get('FTrack'), 'ft-1');
  assert.equal(cookies.size, 2);
});

test('parseCookies keeps a value with a malformed escape as sent', () => {
  assert.equal(parseCookies('a=%E0%A4%A').get('a'), '%E0%A4%A');
  assert.equal(parseCookies(undefined).size, 0);
});

test('serializeCookie sets HttpOnly, SameSite=Lax and Secure only when asked', () => {
  assert.equal(
    serializeCookie('_dfdid', 'id 1', { maxAgeSeconds: 10, secure: false }),
    '_dfdid=id%201; Max-Age=10; Path=/; HttpOnly; SameSite=Lax',
  );
  assert.match(serializeCookie('_dfdid', 'x', { maxAgeSeconds: 10, secure: true }), /; Secure; SameSite=Lax$/);
});
