import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowListEntryProblem, assertTargetAllowed, targetProblem, TargetRefusedError } from './target-guard.ts';

const REFUSED_LITERALS = [
  'http://127.0.0.1/', 'http://127.9.9.9:8080/x', 'http://0x7f.1/', 'http://2130706433/', 'http://[::1]/', 'http://0.0.0.0/', 'http://0/', 'http://[::]/',
  'http://10.1.2.3/', 'http://172.16.0.1/', 'http://172.31.255.255/', 'http://192.168.1.10/', 'http://[fd00::1]/', 'http://[fc00::5]/',
  'http://169.254.169.254/latest/meta-data', 'http://[fe80::1]/', 'http://100.64.0.1/',
  'http://[::ffff:127.0.0.1]/', 'http://[::ffff:a00:1]/', 'http://[::127.0.0.1]/', 'http://[64:ff9b::a9fe:a9fe]/', 'http://[2002:7f00:1::]/', 'http://[fd00:ec2::254]/',
];
const REFUSED_NAMES = ['http://localhost/', 'http://LOCALHOST:3000/', 'http://localhost./', 'http://api.localhost/', 'http://metadata.google.internal/computeMetadata/v1/', 'http://metadata/', 'http://instance-data/latest/'];
const ALLOWED = ['https://hooks.example.com/signal', 'http://203.0.113.10/in', 'http://172.32.0.1/', 'http://[2606:4700::1111]/', 'http://[64:ff9b::808:808]/', 'https://localhost.example.com/'];

test('literal loopback, private, link-local, unspecified and wrapped IPv4 targets are refused', () => {
  for (const url of REFUSED_LITERALS) assert.match(targetProblem(url) ?? 'allowed', /is a loopback, private or link-local address$/, url);
  for (const url of REFUSED_NAMES) assert.match(targetProblem(url) ?? 'allowed', /is a local or cloud metadata host$/, url);
  for (const url of ALLOWED) assert.equal(targetProblem(url), null, url);
});

test('bad URLs and other schemes are refused', () => {
  assert.equal(targetProblem('not a url'), 'is not an absolute URL');
  assert.equal(targetProblem('/relative'), 'is not an absolute URL');
  assert.equal(targetProblem('ftp://files.example.com/'), 'must use http or https (got ftp)');
  assert.equal(targetProblem('file:///etc/passwd'), 'must use http or https (got file)');
});

test('the allow list admits hosts by name, address or CIDR', () => {
  assert.equal(targetProblem('http://127.0.0.1:9000/hook', ['127.0.0.1']), null);
  assert.equal(targetProblem('http://127.0.0.1:9000/hook', ['127.0.0.0/8']), null);
  assert.equal(targetProblem('http://10.20.3.4/', ['10.20.0.0/16']), null);
  assert.notEqual(targetProblem('http://10.21.3.4/', ['10.20.0.0/16']), null);
  assert.equal(targetProblem('http://localhost:8080/', ['localhost']), null);
  assert.equal(targetProblem('http://[::1]:8080/', ['::1']), null);
  assert.equal(targetProblem('http://metadata.google.internal/', ['10.0.0.0/8']) !== null, true, 'another entry does not allow a metadata host');
});

test('assertTargetAllowed throws TargetRefusedError without the path or query', () => {
  assert.throws(() => assertTargetAllowed('http://169.254.169.254/latest?token=abc'), (error: unknown) => {
    assert.ok(error instanceof TargetRefusedError);
    assert.equal(error.code, 'SIGNAL_TARGET_REFUSED');
    assert.equal(error.message, 'target refused: "169.254.169.254" is a loopback, private or link-local address; add it to allow_private_targets to reach it');
    return true;
  });
  assert.throws(() => assertTargetAllowed('gopher://x'), { name: 'TargetRefusedError', message: 'target refused: the URL must use http or https (got gopher)' });
  assert.equal(assertTargetAllowed('https://hooks.example.com/a?b=1').hostname, 'hooks.example.com');
  assert.equal(assertTargetAllowed(new URL('http://127.0.0.1:1/'), ['127.0.0.1']).port, '1');
});

test('allow-list entries must be hostnames, addresses or CIDR ranges, never /0', () => {
  for (const entry of ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'erp.internal', 'localhost', 'my_host.corp']) assert.equal(allowListEntryProblem(entry), null, entry);
  for (const entry of ['', ' ', 'http://x', '10.0.0.0/33', '10.0.0.0/x', 'erp.internal/8', '::1/129', 'a/b/c', 'bad host', 42, null]) assert.match(allowListEntryProblem(entry) ?? 'ok', /must be a hostname, an IP address or a CIDR range/, String(entry));
  assert.match(allowListEntryProblem('0.0.0.0/0') ?? '', /must not allow every address/);
  assert.match(allowListEntryProblem('::/0') ?? '', /must not allow every address/);
});
