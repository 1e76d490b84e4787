import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientIp } from './client-ip.ts';

test('an IP address from X-Forwarded-For (or the socket) is kept', () => {
  assert.equal(clientIp('203.0.113.9', '10.0.0.2'), '203.0.113.9');
  assert.equal(clientIp('2001:db8::1', '10.0.0.2'), '2001:db8::1');
  assert.equal(clientIp('::ffff:203.0.113.9', '10.0.0.2'), '::ffff:203.0.113.9');
  assert.equal(clientIp('127.0.0.1', '127.0.0.1'), '127.0.0.1');
});

test('a port some proxies append is dropped', () => {
  assert.equal(clientIp('203.0.113.9:52144', '10.0.0.2'), '203.0.113.9');
  assert.equal(clientIp('[2001:db8::1]:443', '10.0.0.2'), '2001:db8::1');
  assert.equal(clientIp('[2001:db8::1]', '10.0.0.2'), '2001:db8::1');
});

test('an entry that is no IP address, or one past 64 characters, gives way to the socket address', () => {
  assert.equal(clientIp('x'.repeat(3000), '10.0.0.2'), '10.0.0.2');
  assert.equal(clientIp('unknown', '10.0.0.2'), '10.0.0.2');
  assert.equal(clientIp('203.0.113.9, 198.51.100.1', '10.0.0.2'), '10.0.0.2');
  assert.equal(clientIp(`fe80::1%${'z'.repeat(100)}`, '10.0.0.2'), '10.0.0.2', 'an IPv6 zone of any length passes isIP');
  assert.equal(clientIp(undefined, '10.0.0.2'), '10.0.0.2');
});
