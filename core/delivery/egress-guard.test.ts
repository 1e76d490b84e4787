import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowListMatcher, embeddedIPv4, guardedLookup, isPrivateAddress, literalHostProblem, type Resolver } from './egress-guard.ts';

test('private, loopback, link-local and unique-local addresses are recognised', () => {
  for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '[::ffff:127.0.0.1]', '::ffff:7f00:1', '::127.0.0.1', '64:ff9b::a9fe:a9fe', '2002:c0a8:101::1', 'fe80::1%eth0']) {
    assert.equal(isPrivateAddress(address), true, address);
  }
  for (const address of ['8.8.8.8', '172.32.0.1', '2606:4700::1111', '203.0.113.5', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', 'localhost', 'not an address']) assert.equal(isPrivateAddress(address), false, address);
});

test('literal hosts: refused unless allow-listed by name, address or CIDR', () => {
  assert.match(literalHostProblem('127.0.0.1') ?? '', /loopback, private or link-local/);
  assert.match(literalHostProblem('[::ffff:127.0.0.1]') ?? '', /loopback, private or link-local/);
  assert.match(literalHostProblem('[::127.0.0.1]') ?? '', /loopback, private or link-local/);
  for (const host of ['localhost', 'LOCALHOST.', 'api.localhost', 'metadata.google.internal', 'metadata.google.internal.']) {
    assert.match(literalHostProblem(host) ?? '', /local or cloud metadata host/, host);
  }
  assert.equal(literalHostProblem('hooks.example.com'), null);
  assert.equal(literalHostProblem('127.0.0.1', ['127.0.0.0/8']), null);
  assert.equal(literalHostProblem('localhost', ['localhost']), null);
  assert.equal(literalHostProblem('[::1]', ['::1']), null);
  assert.equal(literalHostProblem('localhost.', ['localhost']), null);
  assert.equal(allowListMatcher(['10.0.0.0/8'])('internal.example', '10.9.9.9'), true);
});

test('the guarded lookup refuses a name that resolves to loopback, unless allowed', async () => {
  const resolve = (allow: string[]) => new Promise<string>((done) => {
    guardedLookup(allow)('localhost', { family: 4 }, (error, address) => done(error ? `error: ${error.message}` : String(address)));
  });
  assert.match(await resolve([]), /^error: refused to connect to localhost \(127\.0\.0\.1\)/);
  assert.equal(await resolve(['127.0.0.1']), '127.0.0.1');
});

test('embedded IPv4 addresses are found in mapped, compatible, NAT64 and 6to4 forms', () => {
  assert.equal(embeddedIPv4('::ffff:7f00:1'), '127.0.0.1');
  assert.equal(embeddedIPv4('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(embeddedIPv4('::7f00:1'), '127.0.0.1');
  assert.equal(embeddedIPv4('64:ff9b::a9fe:a9fe'), '169.254.169.254');
  assert.equal(embeddedIPv4('2002:c0a8:0101::1'), '192.168.1.1');
  assert.equal(embeddedIPv4('2606:4700::1111'), null);
  assert.equal(embeddedIPv4('8.8.8.8'), null);
});

test('the guarded lookup refuses a public-looking name that resolves to a private address (DNS rebinding, split horizon)', async () => {
  const table: Record<string, string[]> = { 'hooks.example.com': ['93.184.215.14'], 'rebind.example.com': ['93.184.215.14', '10.0.0.7'], 'v6.example.com': ['::ffff:169.254.169.254'], 'erp.internal': ['10.20.0.5'] };
  const fakeDns: Resolver = (host, _options, callback) => callback(null, (table[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  const resolve = (host: string, allow: string[] = []) => new Promise<string>((done) => {
    guardedLookup(allow, fakeDns)(host, { all: true }, (error, addresses) => done(error ? `error: ${error.message}` : (addresses as Array<{ address: string }>).map((a) => a.address).join(',')));
  });
  assert.equal(await resolve('hooks.example.com'), '93.184.215.14');
  assert.match(await resolve('rebind.example.com'), /^error: refused to connect to rebind\.example\.com \(10\.0\.0\.7\)/);
  assert.match(await resolve('v6.example.com'), /\(::ffff:169\.254\.169\.254\)/);
  assert.equal(await resolve('nowhere.example.com'), 'error: nowhere.example.com has no address');
  // Allowed by name or by range.
  assert.equal(await resolve('erp.internal', ['erp.internal']), '10.20.0.5');
  assert.equal(await resolve('erp.internal', ['10.20.0.0/16']), '10.20.0.5');
});

test('special-purpose ranges that lead somewhere internal in some deployments are refused too', () => {
  for (const address of ['192.0.0.192', '198.18.0.1', '198.19.255.254', '224.0.0.1', '240.0.0.1', '255.255.255.255', 'fec0::1', 'ff02::1', '64:ff9b:1::a9fe:a9fe', '64:ff9b:1:2:3:4:7f00:1']) {
    assert.equal(isPrivateAddress(address), true, address);
  }
  // Public neighbours stay public.
  for (const address of ['192.0.2.1', '198.20.0.1', '223.255.255.254', '64:ff9b::5db8:d70e', '2606:4700::1111']) {
    assert.equal(isPrivateAddress(address), false, address);
  }
});
