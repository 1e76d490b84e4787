import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CONFIG_VARIABLES, loadConfig } from './config.ts';

test('defaults: all roles, public collect on 8080, admin on loopback 8084', () => {
  const config = loadConfig({});
  assert.deepEqual([...config.roles], ['collect', 'worker', 'admin']);
  assert.equal(config.collectPort, 8080);
  assert.equal(config.adminHost, '127.0.0.1');
  assert.equal(config.adminPort, 8084);
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.trustProxy, false);
  assert.equal(config.retryTimeScale, 1);
  assert.equal(config.deletionWaitScale, 1);
  assert.equal(config.queueMonitorSeconds, 10);
});

test('values are parsed: roles, proxies, redirects, CORS', () => {
  const config = loadConfig({
    SIGNAL_ROLES: 'collect, admin',
    SIGNAL_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
    SIGNAL_VENDOR_REDIRECTS: 'https://api2.amplitude.com=http://127.0.0.1:9000,https://servedby.flashtalking.com=http://127.0.0.1:9001/ft',
    SIGNAL_CORS_ORIGINS: 'https://www.example.com,https://shop.example.com',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_DELETION_WAIT_SCALE: '0.01',
    SIGNAL_QUEUE_MONITOR_SECONDS: '1',
    SIGNAL_COOKIE_DOMAIN: 'example.com, .shop.example.de',
  });
  assert.deepEqual([...config.roles], ['collect', 'admin']);
  assert.deepEqual(config.trustProxy, ['10.0.0.0/8', '127.0.0.1']);
  assert.equal(config.vendorRedirects.get('https://api2.amplitude.com'), 'http://127.0.0.1:9000');
  assert.equal(config.vendorRedirects.get('https://servedby.flashtalking.com'), 'http://127.0.0.1:9001/ft');
  assert.deepEqual(config.corsOrigins, ['https://www.example.com', 'https://shop.example.com']);
  assert.equal(config.retryTimeScale, 0.01);
  assert.equal(config.deletionWaitScale, 0.01);
  assert.equal(config.queueMonitorSeconds, 1);
  assert.deepEqual(config.cookieDomains, ['example.com', 'shop.example.de']);
  assert.deepEqual(loadConfig({}).cookieDomains, [], 'host-only cookies by default');
});

test('a bad value stops start-up with a message naming the variable', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ SIGNAL_COLLECT_PORT: 'eighty' }, /SIGNAL_COLLECT_PORT must be a whole number, got "eighty"/],
    [{ SIGNAL_ADMIN_PORT: '70000' }, /SIGNAL_ADMIN_PORT must be between 0 and 65535/],
    [{ SIGNAL_ROLES: 'collect,reporting' }, /SIGNAL_ROLES has unknown role "reporting"/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres/],
    [{ SIGNAL_ADMIN_TOKEN: 'short' }, /SIGNAL_ADMIN_TOKEN must be at least 16/],
    [{ SIGNAL_TRUST_PROXY: 'proxy.local' }, /SIGNAL_TRUST_PROXY has "proxy.local"/],
    [{ SIGNAL_TRUST_PROXY: '1.2.3.4/99' }, /SIGNAL_TRUST_PROXY has "1.2.3.4\/99", which is not an IP address or CIDR range/],
    [{ SIGNAL_TRUST_PROXY: '2.5' }, /SIGNAL_TRUST_PROXY has "2.5"/],
    [{ SIGNAL_TRUST_PROXY: '::1/129' }, /SIGNAL_TRUST_PROXY has "::1\/129"/],
    [{ SIGNAL_DEMO_PIPELINE: 'maybe' }, /SIGNAL_DEMO_PIPELINE must be true or false/],
    [{ SIGNAL_VENDOR_REDIRECTS: 'api2.amplitude.com' }, /SIGNAL_VENDOR_REDIRECTS has "api2.amplitude.com"; expected origin=base-url/],
    [{ SIGNAL_LOG_LEVEL: 'loud' }, /SIGNAL_LOG_LEVEL must be one of/],
    [{ SIGNAL_GPC: 'block' }, /Invalid configuration: SIGNAL_GPC must be one of restrict, opt_out, ignore, got "block"/],
    [{ SIGNAL_GPC: 'opt-out' }, /SIGNAL_GPC must be one of restrict, opt_out, ignore, got "opt-out"/],
    [{ SIGNAL_CORS_ORIGINS: 'https://a.com/path' }, /SIGNAL_CORS_ORIGINS has "https:\/\/a.com\/path"/],
    [{ SIGNAL_COOKIE_DOMAIN: 'https://example.com' }, /SIGNAL_COOKIE_DOMAIN has "https:\/\/example.com"; expected a domain name such as example.com/],
    [{ SIGNAL_RETRY_TIME_SCALE: 'fast' }, /SIGNAL_RETRY_TIME_SCALE must be a number/],
    [{ SIGNAL_DELETION_WAIT_SCALE: '2' }, /SIGNAL_DELETION_WAIT_SCALE must be between 0 and 1/],
    [{ SIGNAL_QUEUE_MONITOR_SECONDS: '0' }, /SIGNAL_QUEUE_MONITOR_SECONDS must be between 1 and 60/],
    [{ SIGNAL_SECRET_KEY: 'nothex' }, /Invalid configuration: SIGNAL_SECRET_KEY must be 32 bytes: 64 hex characters or 44 base64/],
    [{ SIGNAL_PLUGIN_CONFIG: 'nope.config.ts' }, /Invalid configuration: SIGNAL_PLUGIN_CONFIG names .*nope\.config\.ts, which does not exist/],
    [{ SIGNAL_COLLECT_PORT: '9000', SIGNAL_ADMIN_PORT: '9000' }, /SIGNAL_ADMIN_PORT is 9000, as SIGNAL_COLLECT_PORT is: the collect and admin listeners need different ports/],
  ];
  for (const [env, message] of cases) assert.throws(() => loadConfig(env), message);
});

test('SIGNAL_GPC: restrict by default, any of the three rules in any letter case', () => {
  assert.equal(loadConfig({}).gpc, 'restrict');
  assert.equal(loadConfig({ SIGNAL_GPC: ' ' }).gpc, 'restrict');
  assert.equal(loadConfig({ SIGNAL_GPC: 'opt_out' }).gpc, 'opt_out');
  assert.equal(loadConfig({ SIGNAL_GPC: 'IGNORE' }).gpc, 'ignore');
});

test('one port for both listeners is fine when they run in different processes, or are both free ports', () => {
  assert.equal(loadConfig({ SIGNAL_ROLES: 'collect', SIGNAL_COLLECT_PORT: '9000', SIGNAL_ADMIN_PORT: '9000' }).collectPort, 9000);
  assert.equal(loadConfig({ SIGNAL_COLLECT_PORT: '0', SIGNAL_ADMIN_PORT: '0' }).adminPort, 0);
});

test('the README documents every variable', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  for (const variable of CONFIG_VARIABLES) assert.ok(readme.includes(`\`${variable.name}\``), `README lists ${variable.name}`);
});
