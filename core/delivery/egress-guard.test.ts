import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowListMatcher, guardedLookup, isPrivateAddress, literalHostProblem } from './egress-guard.ts';

test('private, loopback, link-local and unique-local addresses are recognised', () => {
  for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) {
    assert.equal(isPrivateAddress(address), true, address);
  }
  for (const address of ['8.8.8.8', '172.32.0.1', '2606:4700::1111', '203.0.113.5']) assert.equal(isPrivateAddress(address), false, address);
});

test('literal hosts: refused unless allow-listed by name, address or CIDR', () => {
  assert.match(literalHostProblem('127.0.0.1') ?? '', /loopback, private or link-local/);
  assert.match(literalHostProblem('localhost') ?? '', /local or metadata host/);
  assert.equal(literalHostProblem('hooks.example.com'), null);
  assert.equal(literalHostProblem('127.0.0.1', ['127.0.0.0/8']), null);
  assert.equal(literalHostProblem('localhost', ['localhost']), null);
  assert.equal(literalHostProblem('[::1]', ['::1']), null);
  assert.equal(allowListMatcher(['10.0.0.0/8'])('internal.example', '10.9.9.9'), true);
});

test('the guarded lookup refuses a name that resolves to loopback, unless allowed', async () => {
  const resolve = (allow: string[]) => new Promise<string>((done) => {
    guardedLookup(allow)('localhost', { family: 4 }, (error, address) => done(error ? `error: ${error.message}` : String(address)));
  });
  assert.match(await resolve([]), /^error: refused to connect to localhost \(127\.0\.0\.1\)/);
  assert.equal(await resolve(['127.0.0.1']), '127.0.0.1');
});
