import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainStartFailure } from './start-failure.ts';

const config = { collectPort: 8080, adminPort: 8084, databaseUrl: 'postgres://signal:s3cret@db.internal:6543/signal' };
const systemError = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);

test('a listener that cannot open names the variable to change', () => {
  assert.equal(explainStartFailure(systemError('listen EADDRINUSE: address already in use 0.0.0.0:8080', { code: 'EADDRINUSE', port: 8080 }), config),
    'port 8080 (SIGNAL_COLLECT_PORT) is in use by another process: stop it, or choose another port with SIGNAL_COLLECT_PORT');
  assert.match(explainStartFailure(systemError('listen EADDRINUSE', { code: 'EADDRINUSE', port: 8084 }), config), /^port 8084 \(SIGNAL_ADMIN_PORT\) is in use/);
  assert.match(explainStartFailure(systemError('listen EACCES: permission denied 0.0.0.0:80', { code: 'EACCES', port: 8080 }), config), /SIGNAL_COLLECT_PORT.*below 1024/);
  assert.match(explainStartFailure(systemError('listen EADDRNOTAVAIL', { code: 'EADDRNOTAVAIL', port: 8084, address: '10.9.9.9' }), config), /^10\.9\.9\.9 \(SIGNAL_ADMIN_HOST\) is not an address of this machine/);
});

test('PostgreSQL that does not answer or refuses the login names DATABASE_URL, without its password', () => {
  const refused = explainStartFailure(systemError('connect ECONNREFUSED 10.0.0.5:6543', { code: 'ECONNREFUSED' }), config);
  assert.match(refused, /^PostgreSQL at db\.internal:6543\/signal \(DATABASE_URL\) does not answer \(connect ECONNREFUSED 10\.0\.0\.5:6543\): start it, or correct DATABASE_URL/);
  assert.ok(!refused.includes('s3cret'));
  // Every address of "localhost" refused: an AggregateError without a message of its own.
  assert.match(explainStartFailure(Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' }), config), /does not answer \(ECONNREFUSED\)/);
  assert.match(explainStartFailure(systemError('password authentication failed for user "signal"', { code: '28P01' }), config), /refused the login: password authentication failed.*correct the user or password in DATABASE_URL/);
});

test('other errors keep their message', () => {
  assert.equal(explainStartFailure(new Error('Plugin "acme": batch.maxEvents must be a positive integer'), config), 'Plugin "acme": batch.maxEvents must be a positive integer');
  assert.equal(explainStartFailure(systemError('connect ECONNREFUSED', { code: 'ECONNREFUSED' }), { ...config, databaseUrl: undefined }), 'connect ECONNREFUSED', 'the embedded server is not DATABASE_URL');
});
