import assert from 'node:assert/strict';
import { test } from 'node:test';
import { banner } from './banner.ts';
import { loadConfig } from './config.ts';

const urls = { collect: 'http://127.0.0.1:8080', admin: 'http://127.0.0.1:8084' };
const demo = { demoKey: 'sig_demo_key_0123', demoPipelineId: '6f1c2a3b-0000-4000-8000-000000000001' };

test('a generated admin token is printed; one given in SIGNAL_ADMIN_TOKEN never is', () => {
  const generated = banner({ urls, config: loadConfig({}), adminToken: 'sat_generated_0123456789', ...demo });
  assert.match(generated, /Admin token {5}sat_generated_0123456789/);
  assert.match(generated, /Bearer sat_generated_0123456789/);
  const given = banner({ urls, config: loadConfig({ SIGNAL_ADMIN_TOKEN: 'operator-token-0123456789' }), adminToken: 'operator-token-0123456789', ...demo });
  assert.doesNotMatch(given, /operator-token/);
  assert.match(given, /Admin token {5}\(the one in SIGNAL_ADMIN_TOKEN\)/);
  assert.match(given, /Bearer \$SIGNAL_ADMIN_TOKEN/, 'the curl line reads it from the environment');
});

test('a saved demo key that no longer works is not shown, and the banner says why', () => {
  const text = banner({ urls, config: loadConfig({}), adminToken: 'sat_generated_0123456789', demoKeyUnusable: 'the key saved in .signal/demo-pipeline-key no longer works (rotated, or its pipeline deleted): use the key rotatePipelineKey or createPipeline showed' });
  assert.match(text, /Demo pipeline {3}not shown: the key saved in .* no longer works/);
  assert.doesNotMatch(text, /curl -u/, 'no curl line with a dead key');
  assert.doesNotMatch(text, /recentEvents/);
});

test('the database is named without its password, and vendor redirects are shown', () => {
  const text = banner({ urls, adminToken: 'sat_generated_0123456789', ...demo, config: loadConfig({
    DATABASE_URL: 'postgres://signal:s3cret@db.internal:6543/signal', SIGNAL_VENDOR_REDIRECTS: 'https://api2.amplitude.com=http://127.0.0.1:9000',
  }) });
  assert.match(text, /Database {8}db\.internal:6543\/signal \(DATABASE_URL\)/);
  assert.doesNotMatch(text, /s3cret/);
  assert.match(text, /Vendor redirects https:\/\/api2\.amplitude\.com → http:\/\/127\.0\.0\.1:9000/);
});
