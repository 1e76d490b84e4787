import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedPrivateTargets, privateTargetProblem, privateTargetsField, privateTargetsProblems } from './private-targets.ts';

test('allow-list entries: hostnames (container names with underscores too), addresses and ranges; each bad one named', () => {
  const config = { allow_private_targets: [' 10.0.0.0/16 ', 'kafka_rest', 'splunk.internal', 'fd00::/8', 'a b', '', 7, '0.0.0.0/0'] };
  assert.deepEqual(allowedPrivateTargets(config), ['10.0.0.0/16', 'kafka_rest', 'splunk.internal', 'fd00::/8']);
  assert.deepEqual(privateTargetsProblems(config, 'splunk.internal'), [
    { field: 'allow_private_targets[4]', message: 'is "a b": give a hostname (splunk.internal), an IP address (10.0.3.7) or a CIDR range (10.0.0.0/16)' },
    { field: 'allow_private_targets[5]', message: 'must be a hostname, an IP address or a CIDR range' },
    { field: 'allow_private_targets[6]', message: 'must be a hostname, an IP address or a CIDR range' },
    { field: 'allow_private_targets[7]', message: 'must not allow every address (/0): list the ranges your server is on' },
  ]);
  assert.deepEqual(privateTargetsProblems({ allow_private_targets: '10.0.0.0/8' }, 'x'), [{ field: 'allow_private_targets', message: 'must be a list of hostnames, IP addresses or CIDR ranges' }]);
  assert.deepEqual(privateTargetsProblems({}, 'x'), []);
  assert.deepEqual(allowedPrivateTargets({}), []);
});

test('an endpoint: a private address only when listed; plain http only to the own network', () => {
  assert.match(privateTargetProblem(new URL('https://10.0.3.7:8088'), [], 'a Splunk instance')!, /; add it to allow_private_targets to reach a Splunk instance on your own network$/);
  assert.equal(privateTargetProblem(new URL('http://10.0.3.7:8088'), ['10.0.0.0/16'], 'a Splunk instance'), undefined);
  assert.equal(privateTargetProblem(new URL('http://splunk.internal:8088'), ['splunk.internal'], 'a Splunk instance'), undefined, 'a name listed by name is on the own network');
  assert.equal(privateTargetProblem(new URL('http://search.example.com'), [], 'a cluster'), 'uses plain http to search.example.com: use https, or list a cluster on your own network in allow_private_targets');
  assert.equal(privateTargetProblem(new URL('http://ch.example.com:8123'), [], 'a server', 'use the https port (8443)'), 'uses plain http to ch.example.com: use the https port (8443), or list a server on your own network in allow_private_targets');
  assert.equal(privateTargetProblem(new URL('https://search.example.com'), [], 'a cluster'), undefined);
});

test('the field: an array of hostnames the catalog shows with its help', () => {
  const field = privateTargetsField('a self-managed REST Proxy', 'or of a Confluent Cloud endpoint over private networking');
  assert.equal(field.type, 'array');
  assert.match(String(field.description), /^Hostnames, IP addresses or CIDR ranges of a self-managed REST Proxy on your own network \(or of a Confluent Cloud endpoint over private networking\) that Signal may reach/);
});
